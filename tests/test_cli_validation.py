"""One CLI test per validation rule: exit code, the message with file and cell, and no
report written (an existing report is left byte-for-byte untouched)."""

from __future__ import annotations

import shutil

import openpyxl
import pytest

from pipeline.workbook.sample import fill_workbook, seed_values
from pipeline.workbook.templates import write_all_templates

from conftest import folder_digest, master_variant, run_cli

# Sample layout: header on row 8, data from row 9; x1 in column E, x2 in column G.
# KETAHANAN rows: S1.1 (9), S2.1 (10), S3.1 (11); POLITIK: S2.1 (9), S4.1 (10).


def _edit(path, edits: dict[str, object], sheet="Isian"):
    book = openpyxl.load_workbook(path)
    for ref, value in edits.items():
        book[sheet][ref] = value
    book.save(path)


def _other_template(master_changes, unit, dest, tmp_path):
    other = master_variant(master_changes)
    out = tmp_path / "other_templates"
    write_all_templates(other, out)
    (src,) = out.glob(f"*_{unit}.xlsx")
    fill_workbook(src, seed_values(other, unit), dest)


CASES = {
    "blank": (
        lambda fill, tmp: fill({"KETAHANAN": {"S1.1": (None, 1), "S2.1": (1, 1),
                                              "S3.1": (1, 1)}}),
        ["GALAT: Isian_KETAHANAN.xlsx › Isian!E9: x1 belum diisi"],
    ),
    "text": (
        lambda fill, tmp: fill({"KETAHANAN": {"S1.1": (1, 1), "S2.1": (1, "sepuluh"),
                                              "S3.1": (1, 1)}}),
        ["GALAT: Isian_KETAHANAN.xlsx › Isian!G10: x2 berisi teks 'sepuluh'"],
    ),
    "negative": (
        lambda fill, tmp: fill({"POLITIK": {"S2.1": (1, 1), "S4.1": (-1, 5)}}),
        ["GALAT: Isian_POLITIK.xlsx › Isian!E10: x1 tidak boleh negatif"],
    ),
    "x2_zero": (
        lambda fill, tmp: fill({"POLITIK": {"S2.1": (1, 1), "S4.1": (0, 0)}}),
        ["GALAT: Isian_POLITIK.xlsx › Isian!G10: x2 tidak boleh 0"],
    ),
    "x2_zero_summed": (
        lambda fill, tmp: fill({u: {**seed_values_for(u), "S2.1": (0, 0)}
                                for u in ("POLITIK", "IDEOLOGI", "KETAHANAN")}),
        ["GALAT: Isian_POLITIK.xlsx › Isian!G9: x2 tidak boleh 0 (jumlah x2 dari semua unit",
         "GALAT: Isian_IDEOLOGI.xlsx › Isian!G9: x2 tidak boleh 0",
         "GALAT: Isian_KETAHANAN.xlsx › Isian!G10: x2 tidak boleh 0"],
    ),
    "unit_missing": (
        lambda fill, tmp: fill(skip=("IDEOLOGI",)),
        ["GALAT: unit IDEOLOGI (Bidang Bina Ideologi dan Wawasan Kebangsaan) "
         "belum mengirim isian"],
    ),
    "duplicate_unit": (
        lambda fill, tmp: shutil.copy(fill() / "Isian_POLITIK.xlsx",
                                      tmp / "isian" / "Politik revisi.xlsx"),
        ["GALAT: Isian_POLITIK.xlsx: ada 2 berkas untuk unit POLITIK: Isian_POLITIK.xlsx, "
         "Politik revisi.xlsx", "GALAT: Politik revisi.xlsx: ada 2 berkas untuk unit POLITIK"],
    ),
    "other_year": (
        lambda fill, tmp: _other_template({"tahun: 2021": "tahun: 2020"}, "POLITIK",
                                          fill() / "Isian_POLITIK.xlsx", tmp),
        ["GALAT: Isian_POLITIK.xlsx › Metadata: templat ini untuk tahun 2020, sedangkan "
         "laporan untuk tahun 2021"],
    ),
    "other_agency": (
        lambda fill, tmp: _other_template(
            {'nama: "Badan Kesatuan Bangsa dan Politik Kota Jambi"':
             'nama: "Badan Kesatuan Bangsa dan Politik Kota Medan"'},
            "POLITIK", fill() / "Isian_POLITIK.xlsx", tmp),
        ["GALAT: Isian_POLITIK.xlsx › Metadata: templat ini milik instansi lain "
         "('Badan Kesatuan Bangsa dan Politik Kota Medan')"],
    ),
    "unknown_code": (
        lambda fill, tmp: _edit(fill() / "Isian_KETAHANAN.xlsx", {"B9": "S9.9"}),
        ["GALAT: Isian_KETAHANAN.xlsx › Isian!B9: Kode 'S9.9' tidak dikenal untuk unit "
         "KETAHANAN", "GALAT: Isian_KETAHANAN.xlsx › Isian: baris indikator S1.1"],
    ),
    "duplicate_code": (
        lambda fill, tmp: _edit(fill() / "Isian_KETAHANAN.xlsx", {"B10": "S1.1"}),
        ["GALAT: Isian_KETAHANAN.xlsx › Isian!B10: Kode S1.1 muncul dua kali (juga di baris 9)",
         "GALAT: Isian_KETAHANAN.xlsx › Isian: baris indikator S2.1"],
    ),
    "metadata_removed": (
        lambda fill, tmp: _remove_sheet(fill() / "Isian_POLITIK.xlsx", "Metadata"),
        ["GALAT: Isian_POLITIK.xlsx: lembar tersembunyi 'Metadata' tidak ada",
         "GALAT: isian unit POLITIK (Bidang Politik dan Kewaspadaan Daerah) sudah dikirim "
         "tetapi ditolak ('Isian_POLITIK.xlsx' ditolak: lembar tersembunyi 'Metadata' tidak "
         "ada, sehingga unit pengirim tidak dapat dikenali); indikator S2.1, S4.1 tidak dapat "
         "dihitung"],
    ),
    "sheet_renamed": (
        lambda fill, tmp: _rename_sheet(fill() / "Isian_POLITIK.xlsx", "Isian", "Data"),
        ["GALAT: Isian_POLITIK.xlsx: lembar 'Isian' tidak ditemukan (lembar yang ada: 'Data')"],
    ),
}


def seed_values_for(unit):
    from pipeline import paths
    from pipeline.domain.master import load_master

    return seed_values(load_master(paths.SAMPLE_MASTER), unit)


def _remove_sheet(path, name):
    book = openpyxl.load_workbook(path)
    del book[name]
    book.save(path)


def _rename_sheet(path, old, new):
    book = openpyxl.load_workbook(path)
    book[old].title = new
    book.save(path)


@pytest.mark.parametrize("case", sorted(CASES))
def test_validation_rule(case, fill, tmp_path):
    setup, expected = CASES[case]
    setup(fill, tmp_path)
    inputs = tmp_path / "isian"
    before = folder_digest(inputs)

    checked = run_cli("validate", "-i", inputs)
    assert checked.exit_code == 1, checked.output
    for line in expected:
        assert line in checked.stdout, f"{line!r} not in:\n{checked.stdout}"
    assert "Traceback" not in checked.output

    out = tmp_path / "out" / "laporan.docx"
    out.parent.mkdir()
    out.write_bytes(b"previous report")
    built = run_cli("report", "-i", inputs, "--out", out)
    assert built.exit_code == 1, built.output
    for line in expected:
        assert line in built.stderr
    assert "Laporan TIDAK dibuat" in built.stderr
    assert out.read_bytes() == b"previous report"  # untouched
    assert [p.name for p in out.parent.iterdir()] == ["laporan.docx"]  # no temp left over
    assert folder_digest(inputs) == before  # inputs never modified


def test_all_problems_reported_at_once(fill):
    inputs = fill({"POLITIK": {"S2.1": (None, 1), "S4.1": (-1, 0)},
                   "KETAHANAN": {"S1.1": (1, "x"), "S2.1": (1, 1), "S3.1": (1, 1)}},
                  skip=("IDEOLOGI",))
    res = run_cli("validate", "-i", inputs)
    assert res.exit_code == 1
    lines = [line for line in res.stdout.splitlines() if line.startswith("GALAT")]
    assert len(lines) == 5, res.stdout
    assert res.stdout.splitlines()[-1] == "5 galat, 0 peringatan di 2 berkas"


def test_one_zero_among_several_units_is_fine(fill):
    """x2 = 0 in one unit is legitimate when the indicator's total x2 is positive."""
    inputs = fill({"IDEOLOGI": {"S2.1": (0, 0)}})
    res = run_cli("validate", "-i", inputs)
    assert res.exit_code == 0, res.output
    assert "0 galat, 0 peringatan di 3 berkas" in res.stdout


def test_renamed_file_is_recognised_by_metadata(fill):
    inputs = fill()
    (inputs / "Isian_POLITIK.xlsx").rename(inputs / "laporan bidang politik (final).xlsx")
    res = run_cli("validate", "-i", inputs)
    assert res.exit_code == 0, res.output


def test_rows_reordered_are_matched_by_code(fill, master):
    """Rows moved by a user are identified by Kode, never by position."""
    inputs = fill({"KETAHANAN": {"S1.1": (3, 4), "S2.1": (5, 8), "S3.1": (7, 7)}})
    path = inputs / "Isian_KETAHANAN.xlsx"
    book = openpyxl.load_workbook(path)
    ws = book["Isian"]
    for col in "ABCDEFGHIJK":  # swap rows 9 and 11 whole
        ws[f"{col}9"].value, ws[f"{col}11"].value = ws[f"{col}11"].value, ws[f"{col}9"].value
    book.save(path)
    from pipeline.intake.validate import check_inputs

    checked = check_inputs(master, inputs)
    assert checked.ok, [p.format() for p in checked.problems]
    got = checked.values.set_index(["unit", "code"]).loc["KETAHANAN"]
    assert got.loc["S1.1", "x1"] == 3 and got.loc["S1.1", "x2"] == 4
    assert got.loc["S3.1", "x1"] == 7


@pytest.mark.parametrize(
    ("args", "code", "fragment"),
    [
        (["validate", "-i", "/nonexistent/folder"], 2,
         "folder isian '/nonexistent/folder' tidak ada"),
        (["report", "--bogus"], 2, "GALAT: Opsi '--bogus' tidak ada."),
        (["report", "-c", "/nonexistent/m.yaml"], 1, "berkas master tidak ditemukan"),
    ],
)
def test_usage_errors(args, code, fragment):
    res = run_cli(*args)
    assert res.exit_code == code, res.output
    assert fragment in res.output
    assert "Traceback" not in res.output


def test_draft_report_despite_errors(fill, tmp_path):
    """--draft builds the report anyway, marks what is missing or invalid, says so."""
    import docx

    inputs = fill({"POLITIK": {"S2.1": (1, 1), "S4.1": (-1, 5)}}, skip=("IDEOLOGI",))
    out = tmp_path / "draft.docx"
    res = run_cli("report", "-i", inputs, "--out", out, "--draft")
    assert res.exit_code == 0, res.output
    assert "PERHATIAN: laporan DRAFT dibuat walau ada galat." in res.stderr
    assert "2 galat, 0 peringatan di 2 berkas" in res.stderr
    document = docx.Document(out)
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert "(belum diisi)" in cells  # S2.1: IDEOLOGI sent nothing
    assert "(tidak sah)" in cells  # S4.1: a negative x1
    assert any("rata-rata dari 2 dari 4 indikator" in c for c in cells)
    for section in document.sections:
        assert "DRAFT" in " ".join(p.text for p in section.header.paragraphs)


def test_an_internal_error_is_exit_3_without_traceback(fill, monkeypatch):
    """A bug (not bad input) is reported in one message with exit code 3; with IKU_DEBUG the
    traceback propagates (what run_cli relies on)."""
    import pipeline.intake.validate

    def broken(*args, **kwargs):
        raise RuntimeError("rusak")

    inputs = fill()
    monkeypatch.setattr(pipeline.intake.validate, "_check_totals", broken)
    res = run_cli("validate", "-i", inputs, debug=False)
    assert res.exit_code == 3
    assert "GALAT INTERNAL: RuntimeError: rusak" in res.stderr
    assert "Traceback" not in res.output
    with pytest.raises(RuntimeError, match="rusak"):
        run_cli("validate", "-i", inputs)


def test_the_masters_gaps_are_said_once_and_not_counted_with_the_workbooks(fill, tmp_path):
    """A master without any unit's tugas and fungsi: one PERINGATAN per key naming every
    unit (not one per unit), said before the workbooks' problems and not counted in their
    summary (issue 19)."""
    from pipeline import paths

    text = paths.SAMPLE_MASTER.read_text(encoding="utf-8")
    lines, skip = [], False
    for line in text.splitlines():  # drop every unit's tugas and fungsi
        if line.startswith(("    tugas:", "    fungsi:")):
            skip = line.startswith("    fungsi:")
            continue
        if skip and line.startswith("      "):  # the list's items and comments
            continue
        skip = False
        lines.append(line)
    master = tmp_path / "master.yaml"
    master.write_text("\n".join(lines) + "\n", encoding="utf-8")
    res = run_cli("validate", "-c", master, "-i", fill())
    assert res.exit_code == 0, res.output
    out = res.stdout.splitlines()
    units = "SEKRETARIAT, POLITIK, IDEOLOGI, KETAHANAN"
    assert out[:2] == [
        f"PERINGATAN: master.yaml: tugas tidak diisi untuk unit {units}; bagian itu tidak "
        "dicetak di Bagian I laporan",
        f"PERINGATAN: master.yaml: fungsi tidak diisi untuk unit {units}; bagian itu tidak "
        "dicetak di Bagian I laporan"]
    assert sum("fungsi tidak diisi" in line for line in out) == 1
    assert out[-2:] == ["0 galat, 0 peringatan di 3 berkas",
                        "Semua isian sah; laporan dapat dibuat dengan `iku report`."]
