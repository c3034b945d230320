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
