"""The year-end Analisis column of the unit workbooks (issue 13): written as an input cell,
read by its label, carried by validation like the Catatan, given to compute's
Contribution; a workbook made before the column existed still reads."""

from __future__ import annotations

import hashlib
from pathlib import Path

import openpyxl
import pytest

from pipeline.compute import compute
from pipeline.domain import spec
from pipeline.intake.reader import read_workbook, values_fingerprint
from pipeline.intake.validate import MAX_ANALYSIS, check_inputs
from pipeline.reasons import Reason

from conftest import run_cli

FIXTURE = Path(__file__).parent / "fixtures" / "libreoffice_saved_KETAHANAN.xlsx"
COL = {key: index + 1 for key, index in spec.COLUMN_INDEX.items()}


def test_blank_workbook_has_an_analysis_input_cell_per_row(master, blank_dir):
    ws = openpyxl.load_workbook(blank_dir / "Isian_IKU_2021_KETAHANAN.xlsx")[spec.SHEET]
    header = spec.HEADER_ROW + 1
    assert ws.cell(row=header, column=COL["analysis"]).value == "Analisis"
    for offset, _ in enumerate(master.indicators_of("KETAHANAN")):
        cell = ws.cell(row=header + 1 + offset, column=COL["analysis"])
        assert cell.protection.locked is False
        assert cell.fill.fgColor.rgb == "FFFFF200"
        assert cell.number_format == "@"
    instructions = ws.cell(row=5, column=1).value
    assert "x1, x2, Catatan dan Analisis" in instructions
    assert "5. Analisis: penyebab keberhasilan atau kendala capaian" in instructions


def test_analysis_reaches_the_contributions_attributed_to_the_unit(master, fill):
    text = {"KETAHANAN": {"S2.1": "Koordinasi FKUB rutin; kendala: data kecamatan terlambat.",
                          "S1.1": "  Tercapai karena mediasi cepat.  "},
            "POLITIK": {"S2.1": "=Patroli bersama (bukan rumus)"}}
    inputs = fill(analysis=text, notes={"POLITIK": {"S2.1": "catatan biasa"}})
    checked = check_inputs(master, inputs)
    assert checked.ok, [p.format() for p in checked.problems]
    results = compute(master, checked.values, checked.invalid)
    by_unit = {c.unit: c for c in results.indicators["S2.1"].contributions}
    assert by_unit["KETAHANAN"].analysis == text["KETAHANAN"]["S2.1"]
    assert by_unit["POLITIK"].analysis == "=Patroli bersama (bukan rumus)"
    assert by_unit["POLITIK"].note == "catatan biasa"
    assert by_unit["IDEOLOGI"].analysis == ""
    (s11,) = results.indicators["S1.1"].contributions
    assert s11.analysis == "Tercapai karena mediasi cepat."  # stripped, as the Catatan


def test_a_too_long_analysis_is_cut_with_a_warning(master, fill):
    long = "sebab " * 600  # 3,600 characters
    inputs = fill(analysis={"POLITIK": {"S2.1": long}})
    checked = check_inputs(master, inputs)
    assert checked.ok
    (warning,) = [p for p in checked.problems if p.code == Reason.ANALYSIS_TOO_LONG]
    ref = spec.cell_ref(spec.FIRST_DATA_ROW, spec.COLUMN_INDEX["analysis"])
    assert warning.format() == (
        f"PERINGATAN: Isian_POLITIK.xlsx › Isian!{ref}: Analisis lebih dari {MAX_ANALYSIS} "
        f"karakter; di Bab III LKjIP dipotong menjadi {MAX_ANALYSIS} karakter pertama")
    assert warning.value == long.strip()[:40] + "…"
    results = compute(master, checked.values, checked.invalid)
    politik = next(c for c in results.indicators["S2.1"].contributions if c.unit == "POLITIK")
    assert politik.analysis == long.strip()[:MAX_ANALYSIS] + "…"


def test_a_workbook_without_the_column_reads_as_before():
    sub, problems = read_workbook(FIXTURE)  # saved by LibreOffice before the column existed
    assert problems == []
    assert "analysis" not in sub.columns
    assert [r.analysis for r in sub.rows] == ["", "", ""]
    # its values fingerprint is the one written before the column existed
    old = repr([(r.code, r.x1, r.x2, r.note) for r in sub.rows])
    assert values_fingerprint(sub.rows) == hashlib.sha256(old.encode()).hexdigest()[:16]


def test_the_values_fingerprint_sees_an_analysis(master, fill, tmp_path):
    plain = fill(folder="a")
    typed = fill(folder="b", analysis={"POLITIK": {"S2.1": "analisis"}})
    (a, _), (b, _) = (read_workbook(p / "Isian_POLITIK.xlsx") for p in (plain, typed))
    assert values_fingerprint(a.rows) != values_fingerprint(b.rows)


@pytest.mark.parametrize("differs", [False, True])
def test_a_sheet_copy_with_another_analysis_is_named(master, fill, tmp_path, differs):
    inputs = fill(analysis={"POLITIK": {"S2.1": "asli"}})
    path = inputs / "Isian_POLITIK.xlsx"
    book = openpyxl.load_workbook(path)
    copy = book.copy_worksheet(book[spec.SHEET])
    copy.title = "Isian (2)"
    copy.cell(row=spec.FIRST_DATA_ROW + 1, column=COL["analysis"]).value = (
        "lain" if differs else "asli")
    book.save(path)
    result = run_cli("validate", "-i", inputs)
    ref = spec.cell_ref(spec.FIRST_DATA_ROW, spec.COLUMN_INDEX["analysis"])
    if differs:
        assert result.exit_code == 1
        assert (f"GALAT: Isian_POLITIK.xlsx › 'Isian (2)'!{ref}: lembar 'Isian (2)' adalah "
                "salinan tabel isian dengan angka yang berbeda dari lembar 'Isian': S2.1 "
                f"analysis: 'Isian (2)'!{ref} = 'lain', 'Isian'!{ref} = 'asli'") in result.stdout
    else:
        assert result.exit_code == 0
        assert "'Isian (2)' adalah salinan tabel isian dengan angka yang sama" in result.stdout
