"""The intake's shortcuts (issue 25, third round) say what the long ways said.

Each shortcut answers from less work than before: a plain sheet's last column from one
parse of the longest, then alphabetically last, letters; an XML declaration whose
encoding passed is not matched again; the styles part's patterns start searching at the
"<" before the element's name; a unit's indicators and input rules handed to the
template fingerprint. These tests hold each to the answer of the long way, on the inputs
where a careless shortcut would differ.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
import xlsxwriter

from pipeline.domain import spec
from pipeline.domain.master import load_master
from pipeline.errors import Severity
from pipeline.intake.cellscan import PercentStyles
from pipeline.intake.safety import inspect_file
from pipeline.reasons import Reason

MASTER = (Path(__file__).resolve().parents[1]
          / "input_templates/master/kesbangpol_kota_jambi_2021.yaml")
SHEET = "xl/worksheets/sheet1.xml"
HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns='
        '"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')


def _workbook(tmp_path: Path, name: str, replace: dict[str, str] | None = None) -> Path:
    base = tmp_path / f"base_{name}"
    wb = xlsxwriter.Workbook(str(base))
    wb.add_worksheet("Isian").write_row(0, 0, ["Kode", "x1", "x2"])
    wb.close()
    out = tmp_path / name
    with zipfile.ZipFile(base) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = (replace or {}).get(info.filename)
            zout.writestr(info.filename, zin.read(info.filename) if data is None else data)
    return out


def _cells(*refs: str) -> str:
    return HEAD + "".join(f'<row><c r="{r}" t="n"><v>1</v></c></row>' for r in refs) + (
        "</sheetData></worksheet>")


@pytest.mark.parametrize(("refs", "fragment"), [
    # ZZ (702) sorts after AAA (703): the longer letters are the later column
    (("ZZ1", "AAA2", "B3"), "sampai kolom AAA (kolom ke-703"),
    # "9999" sorts after "010001": the row is the number, leading zeros and all
    (("A9999", "A010001"), "sampai baris 10.001"),
])
def test_plain_sheet_extent_is_the_largest_number_not_the_last_text(tmp_path, refs, fragment):
    path = _workbook(tmp_path, "t.xlsx", {SHEET: _cells(*refs)})
    problems = inspect_file(path)
    assert [p.code for p in problems] == [Reason.SHEET_TOO_BIG]
    assert fragment in problems[0].message, problems[0].message


def test_a_passed_declaration_does_not_let_another_encoding_through(tmp_path):
    good = _workbook(tmp_path, "good.xlsx")
    assert inspect_file(good) == []  # every part's UTF-8 declaration now passed once
    for n in range(70):  # more distinct passing declarations than are kept
        assert inspect_file(_workbook(tmp_path, f"v{n}.xlsx", {
            "docProps/core.xml": f'<?xml version="1.0" encoding="UTF-8" x="{n}"?><a/>'})) == []
    bad = _workbook(tmp_path, "bad.xlsx", {
        "docProps/core.xml": '<?xml version="1.0" encoding="cp037"?><a/>'})
    problems = inspect_file(bad)
    assert [(p.code, p.severity) for p in problems] == [(Reason.XML_ENCODING, Severity.ERROR)]
    assert "cp037" in problems[0].message
    assert inspect_file(good) == []


def _percent(styles: str) -> frozenset[int]:
    reader = PercentStyles()
    reader.feed(styles.encode())
    return reader.result()


def test_styles_regions_found_after_an_earlier_mention_of_their_names():
    # the names appear first in an attribute, then as prefixed elements: the regions are
    # the elements', as a search from the start of the part finds them
    styles = (
        '<x:styleSheet xmlns:x="urn:s" note="numFmts cellXfs"><x:numFmts count="1">'
        '<x:numFmt numFmtId="170" formatCode="0.0%"/></x:numFmts><x:cellXfs count="3">'
        '<x:xf numFmtId="0"/><x:xf numFmtId="170"/><x:xf numFmtId="9"/></x:cellXfs>'
        '</x:styleSheet>')
    assert _percent(styles) == frozenset({1, 2})
    assert _percent(styles.replace(' note="numFmts cellXfs"', "")) == frozenset({1, 2})
    # a name mentioned after the element's close tag changes nothing
    assert _percent(styles.replace("</x:styleSheet>", '<x:extra n="cellXfs"/></x:styleSheet>')
                    ) == frozenset({1, 2})
    assert _percent(styles.replace("x:cellXfs", "x:other")) == frozenset()


def test_fingerprint_from_held_indicators_and_rules_is_the_same():
    master = load_master(MASTER)
    for unit in master.units:
        mine = master.indicators_of(unit.code)
        assert spec.definition_fingerprint(
            master, unit.code, inputs=lambda ind: ind.rules.inputs(ind), indicators=list(mine)
        ) == spec.definition_fingerprint(master, unit.code)


def test_reporting_units_are_the_units_with_indicators_in_master_order():
    master = load_master(MASTER)
    assert master.reporting_units == [u for u in master.units if master.indicators_of(u.code)]
    assert master.reporting_units


# --- the formula cells of scan_cells ------------------------------------------------------

_FORMULA_CELLS = [
    '<c r="E9" s="3"><f>1+1</f><v>2</v></c>',  # the usual: the formula right after
    '<c r="H9" s="3"><f>E9/G9</f><v>1</v></c>',  # a column nobody asked for
    '<c r="E9"><v>2</v><f>1+1</f></c>',  # after the value: the long way
    '<c r="E9"/><f>1</f>',  # a self-closing cell, then a stray formula: no cell holds it
    '<c r="E9" a="x<y"><f>1</f></c>',  # "<" inside the tag
    '<c r="E9" a="</c>"><f>1</f></c>',
    '<c r="E9" a="<c r=&quot;G9&quot;>"><f>1</f></c>',
    '<c r="E9" a="<c x=1"><f>1</f></c>',  # a cell start inside the tag: the walk stops there
    '<c r="H9" a="<c r=&quot;E9&quot; "><f>1</f></c>',
    '<x:c r="E9"><x:f>1</x:f></x:c>',  # prefixed elements
    '<x:c r="E9"><f>1</f></x:c>',
    '<c r="E9"><c r="G9"><f>1</f></c></c>',  # nested cells
    '<c r="E9"><fx>1</fx></c>',  # not a formula
    '<c r="E9"><f/><v>1</v></c>',
    '<c r="E9" t="e"><f>1/0</f><v>#DIV/0!</v></c>',
    '<c r="E9" s="7"><f>0.5</f><v>0.5</v></c>',  # a formula in a percent-styled cell
    '<c r="G9"\n s="3"><f>1</f></c>',
    '<c\tr="E9"><f>1</f></c>',
    '<c r="E9"/><c r="G9"><f>1</f></c>',
    '<c r="E9"><f>1</f>',  # no end tag
    '<col min="1"/><f>1</f>',
    '<c><f>1</f></c>',
    '<c r="E9">' + '<v>1</v>' * 40 + '<f>1</f></c>',  # far from its cell: past the walk
]


@pytest.mark.parametrize("cell", _FORMULA_CELLS)
def test_formula_cells_shortcut_finds_what_the_walk_finds(cell):
    from pipeline.intake.cellscan import scan_cells

    data = (HEAD + '<row r="9">' + cell + '<c r="F9"><v>3</v></c></row></sheetData>'
            '</worksheet>').encode()
    for columns in ({"E", "G"}, {"E"}, {"G", "H"}, {"F"}):
        for styles in (frozenset(), frozenset({7})):
            assert scan_cells(data, columns, styles) == scan_cells(
                data, columns, styles, shortcut=False), (cell, columns)


def test_formula_cells_shortcut_on_random_sheets():
    import random

    from pipeline.intake.cellscan import scan_cells

    rng = random.Random(25)
    pieces = [*_FORMULA_CELLS, '<c r="E10"><v>1</v></c>', "</c>", "<c ", "<f>", "<f ", ">",
              '<c r="G3" t="e"><v>#REF!</v></c>', "<row>", "</row>",
              # what the one-pass pattern must tell apart: a formula after a cell tag or
              # not, other elements starting "<f", a cell tag right before one of them
              '<c r="G9">', '<c r="E9" s="1">', "<f/>", "<fo>", "<formula1>0</formula1>",
              "<x:f>", '<c r="E9"><f_>', "<c>", "<cx>", '<c r="E9"/>']
    for _ in range(400):
        body = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        data = (HEAD + body + "</sheetData></worksheet>").encode()
        for columns in ({"E", "G"}, {"H"}):
            assert scan_cells(data, columns, frozenset({7})) == scan_cells(
                data, columns, frozenset({7}), shortcut=False), body
