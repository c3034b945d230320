"""One reason-code enum: every code documented, tested, and never written as a bare string."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from pipeline.errors import Problem, Severity
from pipeline.reasons import Reason, render_table

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "ALASAN.md"
STAGES = {"gate", "reader", "validate", "import", "master", "history", "web"}
# Calls whose string arguments are another library's words, not reason codes.
NOT_PROBLEMS = {"set_custom_property"}  # xlsxwriter: (name, value, "text")


def test_every_member_is_documented():
    for member in Reason:
        assert member.stage in STAGES, member
        assert len(member.doc) > 10, member
        assert member.value == member.name.lower(), member  # one spelling


def test_values_are_distinct():
    assert len({m.value for m in Reason}) == len(Reason)


def test_doc_table_is_current():
    assert DOC.read_text(encoding="utf-8") == render_table(), (
        "docs/ALASAN.md is stale: run `python -m pipeline.reasons > docs/ALASAN.md`")


def test_problem_accepts_only_known_codes():
    assert Problem(Severity.ERROR, "blank", "x").code is Reason.BLANK
    with pytest.raises(ValueError):
        Problem(Severity.ERROR, "no_such_code", "x")


def _bare_codes(path: Path) -> list[str]:
    """String literals equal to a reason code passed to any call (a Problem, or whatever
    helper builds one) or opening a (code, message, …) tuple in ``path``."""
    values = {m.value for m in Reason}
    found = []
    name = path.relative_to(ROOT).as_posix()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") not in NOT_PROBLEMS:
            args = [*node.args, *(k.value for k in node.keywords)]
            found += [f"{name}:{a.lineno} {a.value!r}" for a in args
                      if isinstance(a, ast.Constant) and a.value in values]
        if isinstance(node, ast.Tuple) and node.elts:
            first = node.elts[0]
            if isinstance(first, ast.Constant) and first.value in values and len(node.elts) >= 2:
                second = node.elts[1]
                if isinstance(second, ast.Constant | ast.JoinedStr):  # (code, message, ...)
                    found.append(f"{name}:{first.lineno} {first.value!r}")
    return found


def test_no_module_builds_a_problem_from_a_bare_string():
    """Every module of every sub-package (``rglob``), not only the top level."""
    bare = [hit for path in sorted((ROOT / "pipeline").rglob("*.py"))
            if path.name != "reasons.py" for hit in _bare_codes(path)]
    assert bare == [], "use pipeline.reasons.Reason members, not strings: " + ", ".join(bare)


def test_the_bare_string_guard_sees_a_helper_one_folder_down(tmp_path):
    folder = tmp_path / "pipeline" / "history"
    folder.mkdir(parents=True)
    (folder / "m.py").write_text('def f(bad):\n    bad("year", "import_year", "x")\n')
    assert _bare_codes_under(tmp_path) == ["pipeline/history/m.py:2 'import_year'"]


def _bare_codes_under(root: Path) -> list[str]:
    global ROOT
    saved, ROOT = ROOT, root
    try:
        return [hit for path in sorted((root / "pipeline").rglob("*.py"))
                for hit in _bare_codes(path)]
    finally:
        ROOT = saved


def test_produced_codes_are_recorded():
    """conftest records every code a Problem is built with; at the end of a full run
    (``make test``) it fails the session when some code was never produced by any test."""
    from conftest import PRODUCED

    Problem(Severity.WARNING, Reason.NOTE_TOO_LONG, "x")
    assert Reason.NOTE_TOO_LONG in PRODUCED
