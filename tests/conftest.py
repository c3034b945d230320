"""Shared fixtures: the sample master, its blank templates, and helpers to fill them."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

os.environ.pop("IKU_BAHASA", None)  # the tests read click's messages in Indonesian

from pipeline import paths
from pipeline.cli import main
from pipeline.domain.master import Master, load_master, parse_master
from pipeline.errors import Problem
from pipeline.workbook.sample import fill_workbook, seed_values
from pipeline.workbook.templates import write_all_templates

# Every reason code some test made a Problem with (tests/test_reasons.py): a full run fails
# when a code of pipeline/reasons.py was never produced.
PRODUCED: set[str] = set()
_post_init = Problem.__post_init__


def _recording_post_init(self) -> None:
    _post_init(self)
    PRODUCED.add(self.code)


Problem.__post_init__ = _recording_post_init


def pytest_sessionfinish(session, exitstatus):
    from pipeline.reasons import Reason

    options = session.config.option
    full_run = (not [a for a in session.config.invocation_params.args if not a.startswith("-")]
                and not options.keyword and not options.markexpr and not options.lf
                and session.testscollected > 300)
    missing = sorted(set(Reason) - PRODUCED)
    if full_run and exitstatus == 0 and missing:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        reporter.write_line(f"GAGAL: reason codes no test produced: {', '.join(missing)}",
                            red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session", autouse=True)
def _session_history(tmp_path_factory):
    """No test writes the history into output/: session-wide fixtures get their own file,
    and every test its own (below)."""
    import os

    old = os.environ.get("IKU_RIWAYAT")
    os.environ["IKU_RIWAYAT"] = str(tmp_path_factory.mktemp("riwayat") / "riwayat.sqlite")
    yield
    if old is None:
        os.environ.pop("IKU_RIWAYAT", None)
    else:
        os.environ["IKU_RIWAYAT"] = old


@pytest.fixture(autouse=True)
def _test_history(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("IKU_RIWAYAT", str(tmp_path_factory.mktemp("riwayat") / "r.sqlite"))


@pytest.fixture(scope="session")
def master() -> Master:
    return load_master(paths.SAMPLE_MASTER)


@pytest.fixture(scope="session")
def blank_dir(master, tmp_path_factory) -> Path:
    """The sample master's blank templates, written once per test session."""
    out = tmp_path_factory.mktemp("templat")
    write_all_templates(master, out)
    return out


def blank_of(blank_dir: Path, unit: str) -> Path:
    (path,) = blank_dir.glob(f"*_{unit}.xlsx")
    return path


@pytest.fixture
def fill(master, blank_dir, tmp_path):
    """fill(values={unit: {code: (x1, x2)}}, skip=(units...)) -> inputs folder.

    Units not in ``values`` get the 2021 sample figures (x1 = x2 = 1).
    """

    def _fill(values=None, skip=(), folder="isian", notes=None, analysis=None) -> Path:
        inputs = tmp_path / folder
        inputs.mkdir(exist_ok=True)
        for unit in master.reporting_units:
            if unit.code in skip:
                continue
            unit_values = (values or {}).get(unit.code, seed_values(master, unit.code))
            fill_workbook(blank_of(blank_dir, unit.code), unit_values,
                          inputs / f"Isian_{unit.code}.xlsx", note=(notes or {}).get(unit.code),
                          analysis=(analysis or {}).get(unit.code))
        return inputs

    return _fill


def master_variant(master_text_changes: dict[str, str]) -> Master:
    text = paths.SAMPLE_MASTER.read_text(encoding="utf-8")
    for old, new in master_text_changes.items():
        assert old in text, old
        text = text.replace(old, new)
    return parse_master(text)


def run_cli(*args: str, debug: bool = True):
    """Run the CLI in-process; the result keeps exit code, stdout and stderr apart.

    Exceptions are not caught by the runner, and ``IKU_DEBUG=1`` makes the CLI re-raise
    what it would otherwise report as an internal error (exit 3): a bug fails the test
    with its traceback instead of passing a "no traceback in the output" check. Use
    ``debug=False`` to see what a user sees.
    """
    env = {"IKU_DEBUG": "1" if debug else None}
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False, env=env)


def cli(*args, code: int = 0):
    """``run_cli``, and its exit code must be ``code`` (the output is shown when not)."""
    result = run_cli(*args)
    assert result.exit_code == code, result.output
    return result


def digest(path: Path) -> str:
    """A file's sha256, for byte-identity checks."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def folder_digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def copy_tree(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


# --- the report's tables as a reader sees them -------------------------------------------

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_WNS = {"w": _W}


def _is_closing_row(tr) -> bool:
    """The borderless last row holding the notes and the signature
    (pipeline/word/pagination.py)."""
    top = tr.find("w:tc/w:tcPr/w:tcBorders/w:top", _WNS)
    return top is not None and top.get(f"{{{_W}}}val") == "nil"


def logical_tables(body) -> list:
    """The body's tables as a reader sees them (lxml elements, copies), without the
    borderless closing row of notes and signature (pipeline/word/pagination.py)."""
    import copy

    out = []
    for tbl in body.findall("w:tbl", _WNS):
        tbl = copy.deepcopy(tbl)
        for tr in tbl.findall("w:tr", _WNS):
            if _is_closing_row(tr):
                tbl.remove(tr)
        out.append(tbl)
    return out


def table_texts(document) -> list[list[list[str]]]:
    """Every table of a python-docx Document as rows of stripped cell texts, without the
    closing row of notes and signature, and without a caption or chart row (the LKjIP's
    "Tabel 3.n …" first row and "Gambar 3.n …" last row: one cell across the table)."""
    out = []
    for table in document.tables:
        rows = [[c.text.strip() for c in row.cells] for row in table.rows
                if not _is_closing_row(row._tr)]
        out.append([r for r in rows if not (len(set(r)) == 1 and re.match(
            r"(Tabel|Gambar) \d+\.\d+ ", r[0]))])
    return out


def closing_texts(document) -> list[str]:
    """The paragraphs (notes, signature) of the borderless closing row of the report's
    last table, as texts."""
    from docx.text.paragraph import Paragraph

    out = []
    for table in document.tables:
        for row in table.rows:
            if _is_closing_row(row._tr):
                out += [Paragraph(p, table).text for p in row._tr.iter(f"{{{_W}}}p")]
    return out


class CollectorLog:
    """What the garbage collector did around a stage (issue 25's ``collector_paused``):
    ``seen`` gets ``gc.isenabled()`` each time a watched function is entered, and the
    arguments of each ``gc.collect`` call."""

    def __init__(self, monkeypatch):
        import gc

        self._monkeypatch, self.seen = monkeypatch, []
        real_collect = gc.collect
        monkeypatch.setattr(gc, "collect", lambda *g: self.seen.append(g) or real_collect(*g))

    def watch(self, module, name: str, fails: bool = False) -> None:
        """``module.name`` records the collector's state when called, then runs (or raises
        RuntimeError, with ``fails``)."""
        import gc

        real = getattr(module, name)

        def watched(*args, **kwargs):
            self.seen.append(gc.isenabled())
            if fails:
                raise RuntimeError("bug")
            return real(*args, **kwargs)

        self._monkeypatch.setattr(module, name, watched)

    def off_around(self, call) -> None:
        """``call()`` with the collector off, as a caller that turned it off; it stays off."""
        import gc

        gc.disable()
        try:
            call()
            assert not gc.isenabled()
        finally:
            gc.enable()


@pytest.fixture
def collector_log(monkeypatch) -> CollectorLog:
    return CollectorLog(monkeypatch)
