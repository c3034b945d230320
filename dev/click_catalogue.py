"""click's own messages in Indonesian: regenerate the template, check our catalogue, compile.

``python -m dev.click_catalogue`` (run it after every upgrade of click):

1. extracts every message the *installed* click passes through ``_()``/``gettext``/
   ``ngettext`` with Babel's Python extractor and its default keywords, i.e. what
   ``pybabel extract --no-wrap --sort-output -o click.pot <site-packages>/click`` finds
   (file names are written as ``click/core.py``, not as this machine's venv path), adds
   the ``DYNAMIC`` msgids, and writes the template ``pipeline/cli/locale/click.pot`` (left
   untouched when only its creation date would change);
2. lists the calls whose message is not a literal (no extractor sees those; click
   translates e.g. ``_(extra["required"])``) and checks that each is in ``DYNAMIC``;
3. compares with ``pipeline/cli/locale/id/LC_MESSAGES/click.po``: msgids missing from it (or
   left untranslated, or with a different plural) fail the run; obsolete ones are listed;
4. compiles the .po into ``click.mo`` beside it (Babel's ``write_mo``), which the package
   ships and ``pipeline.cli.i18n`` loads.

``--check`` writes nothing and fails (exit 1) on a missing or untranslated msgid, an
unknown dynamic call, or a .mo that does not hold what the .po says.
tests/test_i18n.py runs the same checks.
"""

from __future__ import annotations

import argparse
import ast
import gettext
import io
import sys
from importlib.metadata import version
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "pipeline" / "cli" / "locale"
POT = LOCALE / "click.pot"
PO = LOCALE / "id" / "LC_MESSAGES" / "click.po"
MO = PO.with_suffix(".mo")

#: Messages click passes to ``_()`` from a variable, which no extractor can find: the
#: AST scan below lists every such call, and a call that is not accounted for here fails
#: the check (a new one after an upgrade must be read in click's source and added).
#: Maps "file:expression" of the call to the msgids it can receive.
DYNAMIC = {
    "core.py:_(extra['required'])": ("required",),  # get_help_extra: "[required]"
}


def click_dir() -> Path:
    import click

    return Path(click.__file__).resolve().parent


def extract() -> Catalog:
    """Every message of the installed click, as a template catalogue: the literals Babel
    extracts, and the DYNAMIC ones."""
    source = click_dir()
    catalog = Catalog(project="click", version=version("click"), fuzzy=False,
                      header_comment="# click's own messages (dev/click_catalogue.py).")
    # file names relative to site-packages ("click/core.py"), not to this machine's venv
    for filename, lineno, message, comments, context in extract_from_dir(source):
        if isinstance(message, tuple):  # ngettext: (singular, plural)
            message = message[:2]
        catalog.add(message, None, [(f"click/{filename}", lineno)],
                    auto_comments=comments, context=context)
    for call, msgids in DYNAMIC.items():  # what the extractor cannot see
        for msgid in msgids:
            catalog.add(msgid, None, [(f"click/{call.split(':')[0]}", 0)],
                        auto_comments=[f"passed to gettext from a variable: {call}"])
    return catalog


def _msgid_positions(name: str) -> tuple[int, ...]:
    """Which arguments of a gettext function are messages (Babel's keyword spec)."""
    spec = DEFAULT_KEYWORDS[name]
    if spec is None:
        return (0,)
    return tuple((p[0] if isinstance(p, tuple) else p) - 1 for p in spec)


def dynamic_calls() -> list[str]:
    """Calls of a gettext function in click with a message that is not a literal."""
    found = []
    for path in sorted(click_dir().rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in DEFAULT_KEYWORDS):
                continue
            messages = [node.args[i] for i in _msgid_positions(node.func.id)
                        if i < len(node.args)]
            if not messages or not all(isinstance(a, ast.Constant) and isinstance(a.value, str)
                                       for a in messages):
                found.append(f"{path.relative_to(click_dir())}:{ast.unparse(node)}")
    return found


def expected_ids(template: Catalog) -> dict[str, tuple[str, ...]]:
    """msgid -> (singular,) or (singular, plural)."""
    ids = {}
    for message in template:
        if not message.id:
            continue
        ids[message.id if isinstance(message.id, str) else message.id[0]] = (
            (message.id,) if isinstance(message.id, str) else tuple(message.id))
    return ids


def read_catalogue(path: Path = PO) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale="id", domain="click")


def compare(template: Catalog, po: Catalog) -> dict[str, list[str]]:
    """What the .po lacks (missing, untranslated, plural), and what it has extra (obsolete)."""
    ours = {}
    for message in po:
        if message.id:
            key = message.id if isinstance(message.id, str) else message.id[0]
            ours[key] = message
    expected = expected_ids(template)
    report: dict[str, list[str]] = {"missing": [], "untranslated": [], "plural": [],
                                    "fuzzy": [], "obsolete": sorted(set(ours) - set(expected))}
    for key, ids in expected.items():
        message = ours.get(key)
        if message is None:
            report["missing"].append(key)
            continue
        have = (message.id,) if isinstance(message.id, str) else tuple(message.id)
        if have != ids:
            report["plural"].append(key)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            report["untranslated"].append(key)
        if message.fuzzy:
            report["fuzzy"].append(key)
    return report


def compiled(po: Catalog) -> bytes:
    buf = io.BytesIO()
    write_mo(buf, po)
    return buf.getvalue()


def mo_messages(data: bytes) -> dict:
    """A .mo's translations as gettext reads them (without the header)."""
    catalog = dict(gettext.GNUTranslations(io.BytesIO(data))._catalog)
    catalog.pop("", None)
    return catalog


def write_template(template: Catalog, path: Path = POT) -> bool:
    """Write the .pot unless only its creation date changed; True when written."""
    buf = io.BytesIO()
    write_po(buf, template, width=0, sort_output=True)
    new = buf.getvalue().rstrip(b"\n") + b"\n"  # Babel ends with a blank line

    def body(data: bytes) -> list[bytes]:
        return [line for line in data.splitlines() if not line.startswith(b'"POT-Creation-Date')]

    if path.exists() and body(path.read_bytes()) == body(new):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(new)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 on a gap")
    args = parser.parse_args(argv)

    template = extract()
    print(f"click {version('click')} at {click_dir()}: {len(expected_ids(template))} msgids "
          f"({sum(1 for m in template if m.pluralizable)} with a plural)")
    failed = False
    unknown = [call for call in dynamic_calls() if call not in DYNAMIC]
    for call in unknown:
        print(f"  dynamic gettext call not in DYNAMIC (read it in click's source): {call}")
        failed = True
    po = read_catalogue()
    report = compare(template, po)
    for kind in ("missing", "untranslated", "plural", "fuzzy"):
        for msgid in report[kind]:
            print(f"  {kind}: {msgid!r}")
            failed = True
    for msgid in report["obsolete"]:
        print(f"  obsolete (no longer in click; may be removed): {msgid!r}")
    mo_ok = MO.exists() and mo_messages(MO.read_bytes()) == mo_messages(compiled(po))
    if args.check:
        if not mo_ok:
            print(f"  {MO.relative_to(ROOT)} does not match the .po: run "
                  "python -m dev.click_catalogue")
            failed = True
    else:
        if write_template(template):
            print(f"written: {POT.relative_to(ROOT)}")
        if not mo_ok:
            MO.write_bytes(compiled(po))
            print(f"written: {MO.relative_to(ROOT)}")
    print("catalogue incomplete" if failed else f"{PO.relative_to(ROOT)}: complete")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
