"""Issue 20's options, one at a time: what the master accepts and refuses, what compute
makes of it, how the report, the chapter, the rekap and the workbook print it.

The figures of the issue itself are used where it gives them: a mortality rate of
51/5.350 × 1.000 = 9,5327 printed 9,53, whose capaian against 9,20 (T/R) a document
prints 96,54% (9,20/9,53) where the exact ratio gives 96,51%; a rate of 186,92 printed
186 (truncated) and divided as such.
"""

from __future__ import annotations

import io

import docx
import openpyxl
import pandas as pd
import pytest

from pipeline.annual.context import build_context, notes
from pipeline.annual.report import render_bytes
from pipeline.compute import Status, compute
from pipeline.domain.master import AgencyKind, parse_master
from pipeline.errors import MasterError
from pipeline.lkjip.context import build_context as chapter_context
from pipeline.lkjip.history import read_earlier
from pipeline.lkjip.model import build_chapter
from pipeline.lkjip.sentences import against_years
from pipeline.quarter.figures import compute_quarter
from pipeline.rekap import agency_rekap
from pipeline.word.columns import DROP_PARAGRAPH
from pipeline.workbook.templates import write_template

from conftest import run_cli, table_texts

HEAD = """\
versi_skema: 1
instansi:
  nama: Dinas Uji Kota Uji
  kota: Kota Uji
  tahun: 2024
{agency}  penandatangan: {{jabatan: KEPALA DINAS UJI}}
unit:
  - {{kode: A, nama: Bidang A}}
pengaturan:
{settings}sasaran:
  - no: 1
    uraian: Sasaran uji
    indikator:
"""


def indicator(code: str, *lines: str, kind: str = "nilai", target: str = "10") -> str:
    body = [f"      - kode: {code}", f"        nama: Indikator {code}", f"        jenis: {kind}",
            "        x1: angka", "        unit_pelapor: [A]", f"        target: {target}"]
    if kind in ("persentase", "rasio"):
        body.append("        x2: penyebut")
    return "\n".join(body + [f"        {line}" for line in lines])


def master(*indicators: str, settings: str = "  batas_atas_capaian: null\n", agency: str = ""):
    return parse_master(HEAD.format(settings=settings, agency=agency)
                        + "\n".join(indicators) + "\n")


def refused(*indicators: str, settings: str = "  batas_atas_capaian: null\n",
            agency: str = "") -> str:
    with pytest.raises(MasterError) as caught:
        master(*indicators, settings=settings, agency=agency)
    return str(caught.value)


def results(m, values: dict[str, tuple]):
    frame = pd.DataFrame([["A", code, x1, x2, ""] for code, (x1, x2) in values.items()],
                         columns=["unit", "code", "x1", "x2", "note"])
    return compute(m, frame)


# --- capaian from the printed realisasi ------------------------------------------------------

MORTALITY = ("satuan: per 1.000 kelahiran hidup", "pengali: 1000", "polaritas: negatif",
             'rumus_negatif: "T/R"')


def test_the_issues_mortality_rate_divides_the_printed_9_53():
    exact = master(indicator("S1", *MORTALITY, kind="rasio", target="9,20"))
    printed = master(indicator("S1", *MORTALITY, "capaian_dari: realisasi_tercetak",
                               kind="rasio", target="9,20"))
    assert results(exact, {"S1": (51, 5350)}).indicators["S1"].achievement == pytest.approx(
        9.2 / (51 / 5350 * 1000) * 100)  # 96,51
    r = results(printed, {"S1": (51, 5350)}).indicators["S1"]
    assert r.achievement == pytest.approx(9.2 / 9.53 * 100)  # 96,54
    context = build_context(printed, results(printed, {"S1": (51, 5350)}))
    (row,) = context["renstra"]["rows"]
    assert (row["realisation"], row["achievement"]) == ("9,53 per 1.000 kelahiran hidup",
                                                        "96,54%")
    assert ("% capaian = 9,2/9,53 \u00d7 100% = 96,54% (dari realisasi tercetak)"
            in row["explanation"])
    exact_row = build_context(exact, results(exact, {"S1": (51, 5350)}))["renstra"]["rows"][0]
    assert exact_row["achievement"] == "96,51%"
    assert not any(line.startswith("% capaian") for line in exact_row["explanation"])


def test_a_truncated_rate_prints_186_and_divides_186():
    m = master(indicator("S1", "pengali: 100000", "satuan: per 100.000 penduduk", "desimal: 0",
                         "pembulatan: potong", "capaian_dari: realisasi_tercetak",
                         kind="rasio", target="200"))
    r = results(m, {"S1": (18692, 10_000_000)}).indicators["S1"]  # 186,92
    assert r.realisation == pytest.approx(186.92)
    assert r.achievement == pytest.approx(186 / 200 * 100)
    (row,) = build_context(m, results(m, {"S1": (18692, 10_000_000)}))["renstra"]["rows"]
    assert row["realisation"] == "186 per 100.000 penduduk"
    assert "y = 18.692/10.000.000 \u00d7 100.000 = 186 per 100.000 penduduk" in row["explanation"]
    assert "Realisasi S1 dicetak dengan desimalnya dipotong, tidak dibulatkan." in notes(
        m, results(m, {"S1": (18692, 10_000_000)}))


def test_the_agencys_rounding_and_base_reach_every_indicator_unless_one_says_otherwise():
    settings = ("  batas_atas_capaian: null\n  pembulatan: potong\n"
                "  capaian_dari: realisasi_tercetak\n")
    m = master(indicator("S1"), indicator("S2", "pembulatan: biasa",
                                          "capaian_dari: realisasi_penuh"), settings=settings)
    s1, s2 = m.indicators
    assert (s1.rounding.value, s1.achievement_base.value) == ("potong", "realisasi_tercetak")
    assert (s2.rounding.value, s2.achievement_base.value) == ("biasa", "realisasi_penuh")
    message = refused(indicator("S1", "pembulatan: ke atas"))
    assert "pembulatan" in message and "biasa" in message and "potong" in message


# --- fixed decimals --------------------------------------------------------------------------


def test_fixed_decimals_keep_trailing_zeros_everywhere_only_when_asked():
    plain = master(indicator("S1", "satuan: indeks", target="3,1"))
    fixed = master(indicator("S1", "satuan: indeks", "desimal_tetap: true", target="3,1"),
                   settings="  batas_atas_capaian: null\n  desimal_tetap: [capaian]\n")
    for m, texts in ((plain, ("3,1 indeks", "3,1 indeks", "100%")),
                     (fixed, ("3,10 indeks", "3,10 indeks", "100,00%"))):
        (row,) = build_context(m, results(m, {"S1": (3.1, None)}))["rpjmd"]["rows"]
        assert (row["target"], row["realisation"], row["achievement"]) == texts
    assert fixed.settings.fixed_achievement and not plain.settings.fixed_achievement


def test_desimal_tetap_lists_and_its_refusals():
    m = master(indicator("S1", "desimal_tetap: [realisasi]"), indicator("S2"),
               settings="  batas_atas_capaian: null\n  desimal_tetap: [target, capaian]\n")
    assert [i.fixed_realisation for i in m.indicators] == [True, False]
    assert [i.fixed_target for i in m.indicators] == [False, True]  # S1 says its own
    message = refused(indicator("S1", "desimal_tetap: [capaian]"))
    assert "capaian diatur untuk seluruh instansi di pengaturan.desimal_tetap" in message


def test_desimal_capaian_sets_the_capaian_and_average_decimals():
    m = master(indicator("S1", target="3"),
               settings="  batas_atas_capaian: null\n  desimal_capaian: 0\n")
    context = build_context(m, results(m, {"S1": (2, None)}))
    assert context["rpjmd"]["rows"][0]["achievement"] == "67%"
    assert context["rpjmd"]["average"]["achievement"] == "67%"


# --- the capaian rule per indicator and per comparison ---------------------------------------


def test_rules_per_indicator_and_against_the_target_akhir():
    settings = ("  batas_atas_capaian: null\n  rumus_negatif: \"(2T-R)/T\"\n"
                "  kolom_tambahan: [capaian_target_akhir]\n")
    m = master(indicator("S1", "polaritas: negatif", "target_akhir_rpjmd: 8"),
               indicator("S2", "polaritas: negatif", 'rumus_negatif: "t / r"'),
               indicator("S3", "polaritas: negatif", 'rumus_negatif: "R/T"'),
               indicator("S4", "polaritas: negatif", "target_akhir_rpjmd: 8",
                         'rumus_negatif_target_akhir: "T/R"'),
               settings=settings)
    r = results(m, {c: (5, None) for c in ("S1", "S2", "S3", "S4")}).indicators
    assert r["S1"].achievement == pytest.approx(150)  # (2·10 − 5)/10
    assert r["S2"].achievement == pytest.approx(200)  # 10/5
    assert r["S3"].achievement == pytest.approx(50)  # 5/10, as a positive indicator
    assert r["S1"].final_achievement == pytest.approx(137.5)  # (2·8 − 5)/8
    assert r["S4"].final_achievement == pytest.approx(160)  # 8/5
    said = notes(m, results(m, {c: (5, None) for c in ("S1", "S2", "S3", "S4")}))
    assert ("Indikator berpolaritas negatif (makin rendah makin baik: S1, S4): % capaian = "
            "(2 \u2212 realisasi/target) \u00d7 100%, paling rendah 0%." in said)
    assert ("Indikator berpolaritas negatif dengan rumus sendiri (S2): % capaian = "
            "target/realisasi \u00d7 100%; realisasi 0 dihitung 200%." in said)
    assert ("Indikator berpolaritas negatif dengan rumus sendiri (S3): % capaian = "
            "realisasi/target \u00d7 100%, dihitung seperti polaritas positif." in said)
    assert ("% capaian terhadap Target Akhir RPJMD (S4): % capaian = target/realisasi "
            "\u00d7 100%; realisasi 0 dihitung 200%." in said)


def test_the_agencys_target_akhir_rule():
    m = master(indicator("S1", "polaritas: negatif", "target_akhir_rpjmd: 8"),
               settings='  batas_atas_capaian: null\n  rumus_negatif_target_akhir: "T/R"\n')
    r = results(m, {"S1": (5, None)}).indicators["S1"]
    assert (r.achievement, r.final_achievement) == (pytest.approx(150), pytest.approx(160))


def test_a_negative_rule_on_a_positive_indicator_is_refused():
    assert "rumus_negatif hanya untuk indikator berpolaritas negatif" in refused(
        indicator("S1", 'rumus_negatif: "T/R"'))


# --- the ceiling and the uncapped average ---------------------------------------------------


def test_a_capaian_above_100_entering_the_average_uncapped_is_said_unless_the_master_chose():
    said = notes(m := master(indicator("S1"), indicator("S2"),
                             settings="  kolom_tambahan: []\n"),
                 results(m, {"S1": (35.5, None), "S2": (9, None)}))
    assert ("% capaian di atas 100% (S1) ikut dihitung dalam rata-rata apa adanya, tanpa "
            "batas atas." in said)
    chosen = master(indicator("S1"), settings="  batas_atas_capaian: null\n")
    assert not any("tanpa batas atas" in n for n in notes(chosen, results(
        chosen, {"S1": (35.5, None)})))
    capped = master(indicator("S1"), settings="  batas_atas_capaian: 120\n")
    said = notes(capped, results(capped, {"S1": (35.5, None)}))
    assert "% capaian dibatasi paling tinggi 120%; nilai yang dibatasi ditandai * (S1)." in said


# --- a status without a scale ---------------------------------------------------------------

BLANK = "\u2026" * 5 + ", " + "\u2026" * 5 + " 20.."  # ……………, …………… 20..


def test_a_status_is_met_by_its_target_or_by_a_better_listed_label():
    m = master(indicator("S1", kind="status", target='"Terakreditasi Paripurna"'),
               indicator("S2", "skala: [A, B, C, D]", kind="status", target="B"),
               indicator("S3", "skala: [A, B, C, D]", "ikut_rata_rata: true", kind="status",
                         target="B"),
               indicator("S4", target="10"))
    got = results(m, {"S1": ("terakreditasi  PARIPURNA", None), "S2": ("A", None),
                      "S3": ("C", None), "S4": (9, None)})
    r = got.indicators
    assert [r[c].met for c in ("S1", "S2", "S3")] == [True, True, False]
    assert r["S1"].achievement is None and r["S2"].achievement is None  # not counted
    assert r["S3"].achievement == 0  # counted: not met is 0%
    assert (got.averaged, got.average_achievement) == (2, pytest.approx(45))
    context = build_context(m, got)
    rows = {row["indicator"]: row for row in context["rpjmd"]["rows"]}
    assert [(rows[f"Indikator {c}"]["realisation"], rows[f"Indikator {c}"]["achievement"])
            for c in ("S1", "S2", "S3")] == [
        ("terakreditasi PARIPURNA", "Tercapai"), ("A", "Tercapai"), ("C", "Tidak tercapai")]
    said = notes(m, got)
    assert ("Indikator status (S1, S2): tercapai bila realisasi sama dengan target atau, "
            "menurut urutan skalanya, lebih baik; % capaian dicetak Tercapai atau Tidak "
            "tercapai dan tidak ikut dihitung dalam rata-rata." in said)
    assert ("Indikator status (S3): tercapai bila realisasi sama dengan target atau, menurut "
            "urutan skalanya, lebih baik; % capaian dicetak Tercapai atau Tidak tercapai dan "
            "dihitung dalam rata-rata sebagai 100% (tercapai) atau 0% (tidak tercapai)." in said)
    assert not any(n.startswith("Indikator ada/tidak ada") for n in said)


def test_status_options_are_refused_where_they_mean_nothing():
    assert "ikut_rata_rata hanya untuk jenis status" in refused(
        indicator("S1", "ikut_rata_rata: true"))
    assert "tidak memakai target_triwulan" in refused(
        indicator("S1", "target_triwulan: [A, A, A, A]", kind="status", target="A"))


def test_a_status_in_a_quarter_is_met_or_not():
    m = master(indicator("S1", "diukur_triwulan: [4]", kind="status", target="A"))
    values = pd.DataFrame([["A", "S1", "B", None, ""]],
                          columns=["unit", "code", "x1", "x2", "note"])
    q = compute_quarter(m, 4, values, {})
    assert q.indicators["S1"].met is False and q.indicators["S1"].achievement is None


# --- thresholds ------------------------------------------------------------------------------


@pytest.mark.parametrize(("written", "stored", "polarity"), [
    ('"≥ 95"', "\u2265 95", "positif"), ('">=95"', "\u2265 95", "positif"),
    ('"minimal 80%"', "minimal 80", "positif"), ('"paling sedikit 80,5"', "minimal 80,5",
                                                  "positif"),
    ('"≤ 5"', "\u2264 5", "negatif"), ('"<= 5"', "\u2264 5", "negatif"),
    ('"maksimal 5"', "maksimal 5", "negatif"), ('"Maks. 1.500,5"', "maksimal 1500,5", "negatif"),
])
def test_thresholds_are_read_and_set_the_direction(written, stored, polarity):
    (ind,) = master(indicator("S1", target=written)).indicators
    assert (ind.target, ind.polarity.value) == (stored, polarity)


def test_a_threshold_is_met_and_scored_in_its_direction():
    m = master(indicator("S1", "satuan: '%'", target='"≥ 95"'),
               indicator("S2", "satuan: kasus", target='"maksimal 5"'))
    r = results(m, {"S1": (96, None), "S2": (4, None)}).indicators
    assert r["S1"].achievement == pytest.approx(96 / 95 * 100)
    assert r["S2"].achievement == pytest.approx((2 - 4 / 5) * 100)
    rows = build_context(m, results(m, {"S1": (96, None), "S2": (4, None)}))["rpjmd"]["rows"]
    assert [row["target"] for row in rows] == ["\u2265 95%", "maksimal 5 kasus"]


def test_a_threshold_against_the_masters_polarity_is_refused():
    message = refused(indicator("S1", "polaritas: negatif", target='"≥ 95"'))
    assert "target ambang \u2265 berarti polaritas positif" in message
    message = refused(indicator("S1", 'target_akhir_rpjmd: "maksimal 3"', target='"≥ 95"'))
    assert "target ambang harus searah" in message


def test_the_workbook_shows_a_threshold_and_a_status_as_text(tmp_path):
    m = master(indicator("S1", target='"≥ 95"'), indicator("S2", kind="status", target="A"),
               indicator("S3", "desimal_tetap: [target]", target="84,1"))
    path = tmp_path / "isian.xlsx"
    write_template(m, "A", path)
    sheet = openpyxl.load_workbook(path)["Isian"]
    header = next(r for r in sheet.iter_rows() if any(c.value == "Kode" for c in r))
    col = {c.value: c.column for c in header}
    rows = {sheet.cell(r, col["Kode"]).value: r for r in range(header[0].row + 1,
                                                                sheet.max_row + 1)}
    assert sheet.cell(rows["S1"], col["Target"]).value == "\u2265 95"
    assert sheet.cell(rows["S2"], col["Target"]).value == "A"
    assert sheet.cell(rows["S3"], col["Target"]).number_format == "#,##0.00"
    x1 = openpyxl.utils.get_column_letter(col["x1"])
    (text_rule,) = [v for v in sheet.data_validations.dataValidation
                    if f"{x1}{rows['S2']}" in str(v.sqref)]
    assert text_rule.type is None and "seperti tertulis di dokumen sumber" in text_rule.prompt


# --- the agency's kind, the header rows, the place and date ---------------------------------


@pytest.mark.parametrize(("written", "kind", "labels"), [
    ("", AgencyKind.LOCAL_UNIT, ("KOTA", "SKPD")),
    ("  jenis_instansi: pemerintah_daerah\n", AgencyKind.GOVERNMENT, ("KOTA", "")),
    ("  jenis_instansi: RSUD\n", AgencyKind.HOSPITAL, ("KOTA", "RUMAH SAKIT")),
    ("  jenis_instansi: blud\n", AgencyKind.HOSPITAL, ("KOTA", "RUMAH SAKIT")),
    ("  jenis_instansi: kecamatan\n", AgencyKind.DISTRICT, ("KOTA", "PERANGKAT DAERAH")),
    ("  jenis_instansi: rsud\n  sebutan_instansi: BLUD\n", AgencyKind.HOSPITAL,
     ("KOTA", "BLUD")),
    ('  sebutan_daerah: ""\n  sebutan_instansi: null\n', AgencyKind.LOCAL_UNIT, ("", "")),
])
def test_the_header_labels_come_from_the_kind_of_agency(written, kind, labels):
    agency = master(indicator("S1"), agency=written).agency
    assert (agency.agency_kind, agency.region_label, agency.agency_label) == (kind, *labels)


def test_a_left_out_header_row_and_a_missing_date_in_the_report():
    m = master(indicator("S1"), agency="  jenis_instansi: pemerintah_daerah\n")
    context = build_context(m, results(m, {"S1": (9, None)}))
    assert context["agency"]["label"] == DROP_PARAGRAPH
    assert context["place_date"] == BLANK
    document = docx.Document(io.BytesIO(render_bytes(m, results(m, {"S1": (9, None)}))))
    text = every_paragraph(document)
    assert "KOTA\t: KOTA UJI" in text
    assert not any(p.endswith(": DINAS UJI KOTA UJI") for p in text)
    assert not any(DROP_PARAGRAPH in p for p in text)
    assert BLANK in text
    dated = master(indicator("S1"), agency="  tempat_laporan: Uji\n")
    assert build_context(dated, results(dated, {"S1": (9, None)}))["place_date"] == (
        "Uji, \u2026\u2026\u2026\u2026\u2026 20..")
    assert m.agency.package_date.isoformat() == "2025-01-01"


def every_paragraph(document) -> list[str]:
    """Every paragraph's text, in tables too (the signature sits in the last one)."""
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    return ["".join((t.text or "") if t.tag == f"{w}t" else "\t"
                    for r in p.iter(f"{w}r") for t in r if t.tag in (f"{w}t", f"{w}tab"))
            for p in document.element.body.iter(f"{w}p")]


# --- the years before ------------------------------------------------------------------------


def _chapter(m, history, values):
    return build_chapter(m, results(m, values), read_earlier(m, history))


def test_realisasi_is_compared_only_where_the_same_figure_was_recorded(tmp_path):
    m = master(indicator("S1", "satuan: '%'"), indicator("S2", "satuan: '%'"))
    book = tmp_path / "riwayat.xlsx"
    sheet_rows = [["Instansi", "Tahun", "Kode", "Indikator", "Satuan", "Realisasi", "Capaian"],
                  ["Dinas Uji Kota Uji", 2023, "S1", "Indikator S1", "%", "77,39", None],
                  ["Dinas Uji Kota Uji", 2023, "S2", "Indikator S2", "orang", "12", None]]
    wb = openpyxl.Workbook()
    for row in sheet_rows:
        wb.active.append(row)
    wb.save(book)
    history = tmp_path / "riwayat.sqlite"
    assert run_cli("riwayat", "impor", book, "--riwayat", history).exit_code == 0
    chapter = _chapter(m, history, {"S1": (91.26, None), "S2": (9, None)})
    s1, s2 = chapter.sasaran[0].indicators
    assert against_years(m, s1) == [
        "Realisasi indikator “Indikator S1” naik dari 77,39% pada tahun 2023 menjadi 91,26% "
        "pada tahun 2024; bagi indikator yang makin tinggi makin baik, hal ini menunjukkan "
        "kinerja yang membaik."]
    assert against_years(m, s2) == [  # measured otherwise then: not compared (issue 21's sentence)
        "Pada tahun 2023 indikator “Indikator S2” diukur dengan cara yang berbeda (satuan orang "
        "menjadi %), sehingga angkanya tidak dapat dibandingkan dengan tahun 2024."]


def test_an_imported_sasaran_average_reaches_the_chapter(tmp_path):
    m = master(indicator("S1"))
    wb = openpyxl.Workbook()
    for row in (["Instansi", "Tahun", "Kode", "Sasaran", "Indikator", "Realisasi", "Capaian"],
                ["Dinas Uji Kota Uji", 2022, None, 1, "Rata-rata sasaran 1", None, "100,33"],
                ["Dinas Uji Kota Uji", 2023, None, 1, None, None, "95,5"]):
        wb.active.append(row)
    wb.save(tmp_path / "rata.xlsx")
    history = tmp_path / "riwayat.sqlite"
    result = run_cli("riwayat", "impor", tmp_path / "rata.xlsx", "--riwayat", history)
    assert "0 indikator, 1 rata-rata sasaran" in result.output
    chapter = _chapter(m, history, {"S1": (9, None)})
    assert chapter.sasaran[0].past_averages == ((2022, 100.33), (2023, 95.5))
    years = chapter_context(chapter)["sasaran"][0]["years"]
    assert years["shown"]
    (row,) = [r for r in years["rows"] if r["indicator"] == "Rata-rata capaian sasaran"]
    assert [row[f"y{i}"] for i in (1, 2, 3)] == ["100,33%", "95,5%", "90%"]
    assert ("Rata-rata capaian sasaran ini sebesar 100,33% pada tahun 2022, 95,5% pada tahun "
            "2023 dan 90% pada tahun 2024." in years["sentences"])


@pytest.mark.parametrize(("sasaran", "capaian", "message"), [
    ("satu", "95", "Sasaran harus nomor sasaran"),
    (2, None, "baris rata-rata sasaran (Kode kosong, Sasaran diisi) memerlukan Capaian"),
])
def test_a_bad_sasaran_average_row_is_refused_with_its_cell(tmp_path, sasaran, capaian,
                                                           message):
    wb = openpyxl.Workbook()
    for row in (["Instansi", "Tahun", "Kode", "Sasaran", "Indikator", "Realisasi", "Capaian"],
                ["Dinas Uji Kota Uji", 2022, None, sasaran, None, None, capaian]):
        wb.active.append(row)
    wb.save(tmp_path / "rata.xlsx")
    result = run_cli("riwayat", "impor", tmp_path / "rata.xlsx", "--riwayat",
                     tmp_path / "r.sqlite")
    assert result.exit_code == 1
    assert message in result.output
    assert not (tmp_path / "r.sqlite").exists()


# --- the rekap --------------------------------------------------------------------------------


def test_the_rekap_keeps_fixed_decimals_and_says_a_status(tmp_path):
    m = master(indicator("S1", "desimal_tetap: true", target="84,1"),
               indicator("S2", kind="status", target="A"))
    rekap = agency_rekap(m, results(m, {"S1": (84.1, None), "S2": ("B", None)}))
    s1, s2 = rekap.rows
    assert (s1.fixed, s1.fixed_target) == (2, 2)
    assert s2.note == "Tidak tercapai; tidak ikut rata-rata" and s2.achievement is None


def test_the_report_prints_a_status_missing_as_missing():
    m = master(indicator("S1", kind="status", target="A"))
    r = results(m, {}).indicators["S1"]
    assert r.status == Status.MISSING and r.met is None
    (row,) = build_context(m, results(m, {}))["rpjmd"]["rows"]
    assert row["achievement"] == "(belum diisi)"


def test_every_new_table_renders(tmp_path):
    """A report with every option opted into renders and reads back."""
    m = master(indicator("S1", *MORTALITY, "capaian_dari: realisasi_tercetak", kind="rasio",
                         target="9,20"),
               indicator("S2", kind="status", target="A"),
               indicator("S3", "desimal_tetap: true", target='"minimal 80"'),
               settings="  desimal_tetap: [capaian]\n",
               agency="  jenis_instansi: kecamatan\n  sebutan_daerah: ''\n")
    got = results(m, {"S1": (51, 5350), "S2": ("A", None), "S3": (84.1, None)})
    document = docx.Document(io.BytesIO(render_bytes(m, got)))
    (rows,) = [t for t in table_texts(document) if "Keterangan" in t[0]]
    assert [r[4:6] for r in rows[1:]] == [["9,53 per 1.000 kelahiran hidup", "96,54%"],
                                         ["A", "Tercapai"], ["84,10", "105,13%"]]
    text = every_paragraph(document)
    assert "PERANGKAT DAERAH\t: DINAS UJI KOTA UJI" in text
    assert not any(p.startswith("KOTA\t") for p in text)
