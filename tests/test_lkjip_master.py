"""The master keys the LKjIP chapter reads (issue 13): a sasaran's budget (``anggaran``)
and an indicator's national or provincial standard (``standar_nasional`` with
``sumber_standar``); every mistake named with its line and field."""

from __future__ import annotations

import pytest

from pipeline import paths
from pipeline.domain.master import parse_master
from pipeline.errors import MasterError

SAMPLE = paths.SAMPLE_MASTER.read_text(encoding="utf-8")
S1 = "        unit_pelapor: [KETAHANAN]\n\n  - no: 2\n"  # end of sasaran 1's indicator


def with_lines(after: str, lines: str, text: str = SAMPLE) -> str:
    assert after in text, after
    return text.replace(after, after.rstrip("\n").split("\n")[0] + "\n" + lines
                        + after.split("\n", 1)[1], 1)


IND = ("        target_akhir_rpjmd: 100\n"
       "        penanggung_jawab: \"Badan Kesbangpol Kota Jambi dan Tim\"\n"
       "        sumber_data:\n          - \"FKUB\"\n")

def _sasaran1(extra: str) -> str:
    return with_lines(S1, extra)


def test_budget_as_one_mapping_or_a_list_of_programs():
    one = parse_master(_sasaran1(
        "    anggaran: {pagu: 1.250.000.000, realisasi: \"1.100.000.000,50\"}\n"))
    (line,) = one.sasaran[0].budget
    assert (line.program, line.ceiling, line.spent) == ("", 1_250_000_000, 1_100_000_000.5)
    many = parse_master(_sasaran1(
        "    anggaran:\n"
        "      - {program: \"Program A\", pagu: 100000000, realisasi: 90000000}\n"
        "      - {program: \"Program B\", pagu: 50000000, realisasi: 0}\n"))
    assert [(b.program, b.ceiling, b.spent) for b in many.sasaran[0].budget] == [
        ("Program A", 100_000_000, 90_000_000), ("Program B", 50_000_000, 0)]
    assert parse_master(SAMPLE).sasaran[0].budget == []


def test_standard_with_its_source():
    text = with_lines(IND, "        standar_nasional: \"92,5\"\n"
                           "        sumber_standar: \"SPM 2021\"\n")
    ind = parse_master(text).indicators[0]
    assert (ind.standard, ind.standard_source) == (92.5, "SPM 2021")


def _line(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.mark.parametrize(
    ("extra", "needle", "where", "message"),
    [
        ("    anggaran: {pagu: 100, realisasi: 120}\n", "anggaran:", "sasaran[0].anggaran[0]",
         "realisasi anggaran melebihi pagu; periksa kedua angka; contoh: anggaran: {pagu: "
         "250000000, realisasi: 231500000}"),
        ("    anggaran: {pagu: 0, realisasi: 0}\n", "anggaran:", "sasaran[0].anggaran[0].pagu",
         "harus lebih besar dari 0; contoh: pagu: 250000000"),
        ("    anggaran: {pagu: 1.250, realisasi: 0}\n", "anggaran:",
         "sasaran[0].anggaran[0].pagu",
         "angka '1.250' bermakna ganda; tulis 1250 bila maksudnya ribuan (tanpa pemisah "
         "ribuan) atau 1,250 bila maksudnya desimal (dengan koma); contoh: pagu: 250000000"),
        ("    anggaran:\n      - {pagu: 10, realisasi: 1}\n      - {pagu: 5, realisasi: 1}\n",
         "- {pagu: 10", "sasaran[0].anggaran",
         "anggaran berupa daftar: setiap butir memakai nama program, mis. {program: \"Program "
         "Pembinaan Ormas\", pagu: 250000000, realisasi: 231500000}"),
    ],
    ids=["di atas pagu", "pagu 0", "ribuan bermakna ganda", "program tanpa nama"],
)
def test_budget_mistakes(extra, needle, where, message):
    text = _sasaran1(extra)
    with pytest.raises(MasterError) as err:
        parse_master(text, source="m.yaml")
    assert str(err.value) == f"m.yaml baris {_line(text, needle)} › {where}: {message}"



@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("        standar_nasional: 80\n",
         "standar_nasional memerlukan sumber_standar, mis. sumber_standar: \"SPM (Permendagri "
         "59/2021)\""),
        ("        sumber_standar: \"SPM\"\n",
         "sumber_standar ditulis tanpa standar_nasional; tulis angka standarnya, atau hapus "
         "sumber_standar"),
        ("        standar_nasional: delapan puluh\n        sumber_standar: \"SPM\"\n",
         "'delapan puluh' bukan angka; tulis angka, mis. 100 atau 93,55"),
    ],
    ids=["tanpa sumber", "sumber tanpa standar", "bukan angka"],
)
def test_standard_mistakes(extra, message):
    text = with_lines(IND, extra)
    with pytest.raises(MasterError) as err:
        parse_master(text, source="m.yaml")
    assert message in str(err.value)
    assert str(err.value).startswith("m.yaml baris ")


def test_a_standard_is_a_number_not_for_label_kinds():
    text = with_lines(IND, "        standar_nasional: 1\n        sumber_standar: \"x\"\n")
    text = text.replace("""        jenis: persentase
        y: "Penyelesaian masalah keagamaan"
        x1: "Jumlah masalah yang diselesaikan"
        x2: "Jumlah masalah"
        satuan: "%"
        polaritas: positif
        target: 100""", """        jenis: ya_tidak
        y: "Penyelesaian masalah keagamaan"
        x1: "Dokumen ada"
        satuan: ""
        polaritas: positif
        target: Ada""", 1).replace("target_akhir_rpjmd: 100", "target_akhir_rpjmd: Ada", 1)
    with pytest.raises(MasterError) as err:
        parse_master(text, source="m.yaml")
    assert "standar_nasional berupa angka, sehingga tidak untuk jenis ya_tidak" in str(err.value)


# --- issue 22: the same budget lines feed the Perjanjian Kinerja ---------------------------------


def test_a_january_budget_has_pagu_and_keterangan_without_realisasi():
    """The PK is signed before anything is spent: realisasi may wait for the year's end;
    keterangan is the PK's column."""
    master = parse_master(_sasaran1(
        "    anggaran:\n"
        "      - {program: \"Program A\", pagu: 100000000, keterangan: APBD}\n"))
    (line,) = master.sasaran[0].budget
    assert (line.program, line.ceiling, line.spent, line.note) == (
        "Program A", 100_000_000, None, "APBD")


def test_a_budget_without_realisasi_is_printed_with_its_pagu_and_said():
    """A master written for the Perjanjian Kinerja in January (pagu, no realisasi): the
    program is in Realisasi Anggaran with its pagu and "-" (every program's budget, issue
    21), a sentence says its realisasi is missing, no efficiency analysis; the other
    sasaran, without a budget, are named; the CLI note says what to fill."""
    from pipeline.compute import compute
    from pipeline.intake.validate import check_inputs
    from pipeline.lkjip.context import build_context
    from pipeline.lkjip.model import build_chapter
    from pipeline.workbook.sample import sample_inputs

    master = parse_master(_sasaran1("    anggaran: {program: \"Program A\", pagu: 100000000}\n"))
    with sample_inputs(master) as folder:
        checked = check_inputs(master, folder)
    chapter = build_chapter(master, compute(master, checked.values, checked.invalid))
    assert chapter.has_budget
    assert chapter.notes == (
        "anggaran sasaran 1 belum memuat realisasi setiap programnya (hanya pagu): Realisasi "
        "Anggaran mencetak realisasinya \"-\" dan efisiensi sasaran itu tidak dianalisis; isi "
        "realisasi di master",
        "sasaran 2, 3, 4 tanpa anggaran di master: Realisasi Anggaran menyebutnya dan "
        "menyisakan isian untuk Sekretariat")
    context = build_context(chapter)
    budget = context["budget"]
    assert budget["shown"]
    assert [(r["item"], r["ceiling"], r["spent"], r["absorption"]) for r in budget["rows"]] == [
        ("Program A", "100.000.000", "-", "-")]
    assert (budget["total"]["ceiling"], budget["total"]["spent"],
            budget["total"]["absorption"]) == ("100.000.000", "-", "-")
    assert budget["sentences"] == [
        "Pagu anggaran seluruh program sebesar Rp100.000.000; realisasi “Program A” belum "
        "tersedia, sehingga persentase penyerapan anggaran secara keseluruhan belum dapat "
        "dihitung.",
        "Anggaran sasaran 2, 3 dan 4 belum tercantum dalam tabel ini."]
    assert not context["sasaran"][0]["efficiency"]["shown"]
    assert context["sasaran"][0]["programs"]["sentences"] == [
        "Sasaran ini didukung oleh “Program A” (pagu Rp100.000.000) dalam Perjanjian Kinerja."]
