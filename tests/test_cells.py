"""Cell-level catalogue: what a bidang may type into x1/x2 (or around them), and what the
secretariat is told. Files are filled with openpyxl, as a person's Excel would save them."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from pipeline.errors import Severity
from pipeline.intake.validate import check_inputs

E, W = Severity.ERROR, Severity.WARNING
K = "Isian_KETAHANAN.xlsx"  # rows: S1.1 9, S2.1 10, S3.1 11; x1 in E, x2 in G


def _run(master, fill, edits, unit="KETAHANAN"):
    inputs = fill()
    path = inputs / f"Isian_{unit}.xlsx"
    book = openpyxl.load_workbook(path)
    for ref, value in edits.items():
        book["Isian"][ref] = value
    book.save(path)
    return check_inputs(master, inputs)


CASES = [
    # id, edits on the KETAHANAN workbook, expected (severity, reason, cell, message part)
    ("formula", {"E9": "=3+4"}, (E, "formula", "E9", "x1 berisi rumus, bukan angka")),
    ("div0", {"G9": "#DIV/0!"}, (E, "excel_error", "G9", "x2 berisi galat Excel #DIV/0!")),
    ("ref", {"E10": "#REF!"}, (E, "excel_error", "E10", "#REF!")),
    ("date", {"E9": dt.datetime(2021, 3, 4)}, (E, "date", "E9", "x1 berisi tanggal")),
    ("bool", {"G11": True}, (E, "not_number", "G11", "nilai logika")),
    ("text", {"E9": "lima"}, (E, "text", "E9", "x1 berisi teks 'lima'")),
    ("percent", {"E9": "75%"}, (E, "percent", "E9", "bukan persen")),
    ("ambiguous_decimal", {"E9": "12.5"}, (E, "text", "E9", "'12.5'")),
    ("id_decimal", {"E9": "12,5", "G9": 20}, (E, "not_integer", "E9", "x1 berisi 12,5, bukan")),
    ("id_thousands", {"E9": "1.234", "G9": 2000},
     (W, "number_as_text", "E9", "dibaca sebagai 1234")),
    ("negative", {"G10": -3}, (E, "negative", "G10", "tidak boleh negatif")),
    ("huge", {"E9": 2_000_000_000, "G9": 3_000_000_000},
     (E, "count_too_large", "E9", "terlalu besar")),
    ("fraction", {"E9": 2.5, "G9": 5}, (E, "not_integer", "E9", "bukan bilangan bulat")),
    ("x1_gt_x2", {"E11": 9, "G11": 3}, (W, "x1_gt_x2", "E11", "x1 lebih besar dari x2")),
    ("definition_edited", {"C9": "Indikator lain"},
     (W, "definition_edited", "C9", "teks 'Indikator Kinerja' indikator S1.1 berbeda")),
    ("long_note", {"K9": "x" * 100_000}, (W, "note_too_long", "K9", "lebih dari 1000")),
    ("blank_code_row", {"B11": None}, (E, "code_blank", "B11", "kolom Kode kosong")),
]


@pytest.mark.parametrize(("edits", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_cell_rule(master, fill, edits, expected):
    severity, reason, cell, fragment = expected
    checked = _run(master, fill, edits)
    found = [p for p in checked.problems if p.code == reason]
    assert found, [p.format() for p in checked.problems]
    p = found[0]
    assert (p.severity, p.file, p.sheet, p.cell) == (severity, K, "Isian", cell)
    assert fragment in p.message, p.message
    assert checked.ok == (severity == W)  # a warning alone never blocks


def test_warnings_do_not_block_and_values_are_used(master, fill):
    checked = _run(master, fill, {"E9": "1.234", "G9": 2000, "K9": "catatan"})
    assert checked.ok
    row = checked.values.set_index(["unit", "code"]).loc[("KETAHANAN", "S1.1")]
    assert (row["x1"], row["x2"], row["note"]) == (1234, 2000, "catatan")


def test_libreoffice_saved_fixture_reads_like_openpyxl(master, fill, tmp_path):
    """A workbook filled and saved by LibreOffice Calc reads the same as one saved by
    openpyxl with the same values (tests/fixtures/README.md says how it was made)."""
    import shutil
    from pathlib import Path

    fixture = Path(__file__).parent / "fixtures" / "libreoffice_saved_KETAHANAN.xlsx"
    values = {"S1.1": (3, 4), "S2.1": (5, 8), "S3.1": (7, 7)}
    by_openpyxl = fill({"KETAHANAN": values}, folder="a")
    by_libreoffice = fill(folder="b")
    shutil.copy(fixture, by_libreoffice / "Isian_KETAHANAN.xlsx")
    a, b = check_inputs(master, by_openpyxl), check_inputs(master, by_libreoffice)
    assert a.ok and b.ok, [p.format() for p in a.problems + b.problems]
    assert a.problems == b.problems == []
    key = ["unit", "code"]
    assert a.values.sort_values(key).reset_index(drop=True).equals(
        b.values.sort_values(key).reset_index(drop=True))
