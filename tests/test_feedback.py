"""`iku validate --report`: the problem list and the highlighted copies to send back."""

from __future__ import annotations

import shutil

import openpyxl

from pipeline.intake.validate import check_inputs

from conftest import folder_digest, run_cli


def test_feedback_workbook_and_highlighted_copies(fill, tmp_path, master):
    inputs = fill({"POLITIK": {"S2.1": (None, 4), "S4.1": (-1, 0)},
                   "KETAHANAN": {"S1.1": (6, 5), "S2.1": (1, 1), "S3.1": (1, 1)}})
    before = folder_digest(inputs)
    report = tmp_path / "hasil" / "pemeriksaan.xlsx"

    res = run_cli("validate", "-i", inputs, "--report", report)
    assert res.exit_code == 1, res.output
    assert folder_digest(inputs) == before  # submissions only read

    ws = openpyxl.load_workbook(report)["Masalah"]
    header = [c.value for c in ws[5]]
    assert header == ["No", "Tingkat", "Berkas", "Unit", "Lembar", "Sel", "Nilai", "Pesan"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=6, max_row=8)]
    assert rows == [
        [1, "GALAT", "Isian_POLITIK.xlsx", "POLITIK (Bidang Politik dan Kewaspadaan Daerah)",
         "Isian", "E9", "", "x1 belum diisi; isi dengan angka (0 jika tidak ada)"],
        [2, "GALAT", "Isian_POLITIK.xlsx", "POLITIK (Bidang Politik dan Kewaspadaan Daerah)",
         "Isian", "E10", "-1", "x1 tidak boleh negatif; isi dengan angka 0 atau lebih"],
        [3, "GALAT", "Isian_POLITIK.xlsx", "POLITIK (Bidang Politik dan Kewaspadaan Daerah)",
         "Isian", "G10", "0", "x2 tidak boleh 0; x2 adalah pembagi dan harus lebih dari 0"],
    ]
    assert ws["B9"].value == "PERINGATAN" and ws["F9"].value == "E9"
    assert ws["A3"].value == "3 galat, 1 peringatan di 3 berkas"
    assert ws["B6"].fill.fgColor.rgb.endswith("FFC7CE")

    copies = tmp_path / "hasil" / "pemeriksaan_perbaikan"
    assert sorted(p.name for p in copies.iterdir()) == [
        "Isian_KETAHANAN_PERBAIKI.xlsx", "Isian_POLITIK_PERBAIKI.xlsx"]
    sheet = openpyxl.load_workbook(copies / "Isian_POLITIK_PERBAIKI.xlsx")["Isian"]
    assert sheet["G10"].fill.fgColor.rgb.endswith("FFC7CE")
    assert "x2 tidak boleh 0" in sheet["G10"].comment.text
    assert sheet["E9"].comment.text.startswith("GALAT: x1 belum diisi")
    assert sheet["E10"].value == -1  # the copy keeps what was sent
    assert sheet["G9"].comment is None and sheet["G9"].fill.fgColor.rgb != "00FFC7CE"
    warn = openpyxl.load_workbook(copies / "Isian_KETAHANAN_PERBAIKI.xlsx")["Isian"]
    assert warn["E9"].fill.fgColor.rgb.endswith("FFEB9C")


def test_a_corrected_copy_is_accepted_as_the_submission(fill, tmp_path, master):
    """The bidang fixes the marked cells in the copy and sends it back: it is accepted."""
    inputs = fill({"POLITIK": {"S2.1": (1, 4), "S4.1": (-1, 5)}})
    report = tmp_path / "cek.xlsx"
    assert run_cli("validate", "-i", inputs, "--report", report).exit_code == 1
    copy = tmp_path / "cek_perbaikan" / "Isian_POLITIK_PERBAIKI.xlsx"
    book = openpyxl.load_workbook(copy)
    book["Isian"]["E10"] = 2
    book.save(copy)
    (inputs / "Isian_POLITIK.xlsx").unlink()
    shutil.copy(copy, inputs)
    checked = check_inputs(master, inputs)
    assert checked.ok, [p.format() for p in checked.problems]


def test_clean_inputs_give_an_empty_list(fill, tmp_path):
    report = tmp_path / "cek.xlsx"
    res = run_cli("validate", "-i", fill(), "--report", report)
    assert res.exit_code == 0, res.output
    ws = openpyxl.load_workbook(report)["Masalah"]
    assert ws["A6"].value == "Tidak ada masalah: semua isian sah."
    assert not (tmp_path / "cek_perbaikan").exists()


def test_formula_like_values_are_written_as_text(fill, tmp_path):
    """A value a user typed, such as '=HYPERLINK(...)' as text, is shown in the problem
    list as text with Excel's quote prefix, never as a formula."""
    inputs = fill({"POLITIK": {"S2.1": (1, 1), "S4.1": ("=HYPERLINK(\"x\")", 5)}})
    book = openpyxl.load_workbook(inputs / "Isian_POLITIK.xlsx")
    book["Isian"]["E10"].data_type = "s"  # typed as text, as a cell formatted Text keeps it
    book.save(inputs / "Isian_POLITIK.xlsx")
    report = tmp_path / "cek.xlsx"
    assert run_cli("validate", "-i", inputs, "--report", report).exit_code == 1
    ws = openpyxl.load_workbook(report)["Masalah"]
    cell = ws["G6"]
    assert cell.value == '=HYPERLINK("x")' and cell.data_type == "s"
    assert cell.quotePrefix


def test_the_problem_list_in_the_inputs_folder_is_skipped(fill, tmp_path):
    """Recognised by its metadata (whatever its name), skipped with a warning."""
    inputs = fill({"KETAHANAN": {"S1.1": (6, 5), "S2.1": (1, 1), "S3.1": (1, 1)}})
    report = tmp_path / "cek.xlsx"
    assert run_cli("validate", "-i", inputs, "--report", report).exit_code == 0
    shutil.copy(report, inputs / "Isian_DATA.xlsx")  # renamed like a submission
    before = folder_digest(inputs)
    res = run_cli("validate", "-i", inputs)
    assert res.exit_code == 0, res.output
    assert ("PERINGATAN: Isian_DATA.xlsx: ini daftar masalah buatan `iku validate --report`, "
            "bukan isian unit; diabaikan") in res.stdout
    assert "GALAT" not in res.stdout
    assert folder_digest(inputs) == before


def test_an_uncorrected_copy_in_the_inputs_folder_is_skipped(fill, tmp_path, master):
    inputs = fill({"KETAHANAN": {"S1.1": (6, 5), "S2.1": (1, 1), "S3.1": (1, 1)}})
    report = tmp_path / "cek.xlsx"
    assert run_cli("validate", "-i", inputs, "--report", report).exit_code == 0
    copy = tmp_path / "cek_perbaikan" / "Isian_KETAHANAN_PERBAIKI.xlsx"
    shutil.copy(copy, inputs / "Ketahanan revisi.xlsx")
    before = folder_digest(inputs)
    res = run_cli("validate", "-i", inputs)
    assert res.exit_code == 0, res.output  # not "ada 2 berkas untuk unit KETAHANAN"
    assert ("PERINGATAN: Ketahanan revisi.xlsx: ini salinan bertanda buatan `iku validate "
            "--report` (dari 'Isian_KETAHANAN.xlsx') yang isinya belum diubah") in res.stdout
    assert "duplicate_unit" not in {p.code for p in check_inputs(master, inputs).problems}
    assert folder_digest(inputs) == before


def test_feedback_is_byte_identical_on_rerun(fill, tmp_path):
    inputs = fill({"POLITIK": {"S2.1": (None, 4), "S4.1": (-1, 0)}})
    for name in ("a", "b"):
        assert run_cli("validate", "-i", inputs, "--report", tmp_path / name / "cek.xlsx"
                       ).exit_code == 1
    assert folder_digest(tmp_path / "a") == folder_digest(tmp_path / "b")


def test_report_without_a_name_goes_to_the_agencys_output_folder(fill, tmp_path, monkeypatch):
    """`iku validate --report` alone writes the problem list under output/<kode>_<tahun>/."""
    from pipeline import paths

    monkeypatch.setattr(paths, "OUTPUT", tmp_path / "keluaran")
    inputs = fill({"POLITIK": {"S2.1": (None, 4), "S4.1": (1, 1)}})
    res = run_cli("validate", "-i", inputs, "--report")
    assert res.exit_code == 1
    expected = tmp_path / "keluaran" / "kesbangpol_jambi_2021" / "Daftar_Masalah_Isian_2021.xlsx"
    assert f"Ditulis: {expected}" in res.stdout
    assert openpyxl.load_workbook(expected)["Masalah"]["B6"].value == "GALAT"
