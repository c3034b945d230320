"""`iku lkjip`, Chapter III of the LKjIP, end to end through the CLI (issue 13).

Two years: 2021 is the bundled sample, recorded into a history database; 2022 is the master
`iku tahun-baru` makes from it, its workbooks filled at random (with an Analisis text per
unit and indicator). The test computes every figure itself from what it typed and finds in
the chapter: both years' capaian of every indicator, the change in points, the predikat,
the units' Analisis, a chart (deterministic PNG bytes), and that every number of every
generated sentence is one of the tables' numbers or the difference of two of them.
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document

from pipeline import paths
from pipeline.domain.master import load_master
from pipeline.domain.numfmt import fmt_number, fmt_percent
from pipeline.history import (
    IndicatorRecord,
    RunSnapshot,
    UnitFigure,
    master_key,
    open_history,
)
from pipeline.office.libreoffice import find_soffice
from pipeline.workbook.sample import fill_workbook, seed_values

from conftest import folder_digest, run_cli

SEED = 20221
SCALE = ((90, "Sangat Baik"), (75, "Baik"), (65, "Cukup"), (50, "Kurang"))
WORDS = ("koordinasi", "lintas", "sektor", "anggaran", "terbatas", "data", "kecamatan",
         "terlambat", "sosialisasi", "forum", "mediasi", "patroli", "cepat", "tanggap")
NUMBER = re.compile(r"(?<![\d.,])-?\d{1,3}(?:\.\d{3})+(?:,\d+)?|(?<![\d.,])-?\d+(?:,\d+)?")
needs_soffice = pytest.mark.skipif(
    find_soffice() is None or shutil.which("pdftotext") is None,
    reason="LibreOffice (soffice) atau poppler-utils tidak terpasang")


def grade(value: float) -> str:
    """The default predikat scale, as the master documents it (no library call)."""
    return next((g for bound, g in SCALE if value > bound), "Sangat Kurang")


def sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 9))).capitalize() + "."


@pytest.fixture(scope="module")
def years(tmp_path_factory):
    """The 2021 sample recorded, the 2022 master, its random inputs and the test's own
    figures."""
    tmp = tmp_path_factory.mktemp("lkjip")
    history = tmp / "riwayat.sqlite"
    # 2021: the bundled sample's report, recorded into the history by `iku report`
    result = run_cli("report", "--riwayat", history, "--out", tmp / "laporan_2021.docx")
    assert result.exit_code == 0, result.output
    assert history.is_file()

    master_2022 = tmp / "master_2022.yaml"
    result = run_cli("tahun-baru", "-c", paths.SAMPLE_MASTER, "--out", master_2022)
    assert result.exit_code == 0, result.output
    blank = tmp / "templat"
    assert run_cli("templates", "-c", master_2022, "--out", blank).exit_code == 0
    m2022 = load_master(master_2022)
    rng = random.Random(SEED)
    inputs = tmp / "isian_2022"
    inputs.mkdir()
    typed: dict[str, dict[str, tuple[int, int]]] = {}
    analysis: dict[str, dict[str, str]] = {}
    for unit in m2022.reporting_units:
        values, texts = {}, {}
        for ind in m2022.indicators_of(unit.code):
            x2 = rng.randint(1, 40)
            values[ind.code] = (rng.randint(0, x2), x2)
            texts[ind.code] = sentence(rng)
        typed[unit.code], analysis[unit.code] = values, texts
        fill_workbook(next(blank.glob(f"*_{unit.code}.xlsx")), values,
                      inputs / f"Isian_{unit.code}.xlsx", analysis=texts)
    # 2022's report records 2022 too: the chapter must still compare 2022 with 2021
    report = tmp / "laporan_2022.docx"
    result = run_cli("report", "-c", master_2022, "-i", inputs, "--riwayat", history,
                     "--out", report)
    assert result.exit_code == 0, result.output
    # the test's own figures: x1 and x2 summed over the reporting units, then divided; 2021
    # from what the bundled sample types (pipeline.workbook.sample.seed_values)
    m2021 = load_master(paths.SAMPLE_MASTER)
    typed_2021 = {u.code: seed_values(m2021, u.code) for u in m2021.reporting_units}
    expected, expected_2021 = {}, {}
    for ind in m2022.indicators:
        for out, source in ((expected, typed), (expected_2021, typed_2021)):
            x1 = sum(source[u][ind.code][0] for u in ind.reporting_units)
            x2 = sum(source[u][ind.code][1] for u in ind.reporting_units)
            out[ind.code] = x1 / x2 * 100
    return {"tmp": tmp, "history": history, "master": master_2022, "m2022": m2022,
            "inputs": inputs, "expected": expected, "expected_2021": expected_2021,
            "analysis": analysis, "report": report}


def build(years, out: Path, master: Path | None = None, *extra) -> Path:
    result = run_cli("lkjip", "-c", master or years["master"], "-i", years["inputs"],
                     "--riwayat", years["history"], "--out", out, *extra)
    assert result.exit_code == 0, result.output
    assert f"Laporan ditulis: {out}" in result.stdout
    return out


@pytest.fixture(scope="module")
def chapter(years) -> Path:
    return build(years, years["tmp"] / "hasil" / "LKjIP_Bab_III_2022.docx")


def tables(doc) -> list[list[list[str]]]:
    """Every table's rows of cells, without its caption row ("Tabel 3.n …", one cell across
    the table, repeated as a header) and the years table's chart row ("Gambar 3.n …")."""
    out = []
    for t in doc.tables:
        rows = [[c.text.strip() for c in row.cells] for row in t.rows]
        out.append([r for r in rows if not (len(set(r)) == 1 and r[0].startswith(
            ("Tabel ", "Gambar ")))])
    return out


def captions(doc) -> list[str]:
    """The tables' captions (their first row) in order."""
    return [t.rows[0].cells[0].text.strip() for t in doc.tables
            if t.rows[0].cells[0].text.startswith("Tabel ")]


def with_unit(cell: str, unit: str) -> str:
    """A cell of the Target or Realisasi column as the report prints it, with its satuan
    (the chapter prints the satuan in a column of its own)."""
    if unit == "-" or not NUMBER.fullmatch(cell.removeprefix("\u2265 ").removeprefix(
            "\u2264 ").split("\u2013")[0]):
        return cell
    return f"{cell}%" if unit == "%" else f"{cell} {unit}"


def narasi(doc) -> list[str]:
    return [p.text for p in doc.paragraphs if p.style.name == "Narasi"]


def texts(doc) -> list[str]:
    out = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for row in t.rows:
            out += [c.text for c in row.cells]
    return out


def measurement(doc) -> dict[str, list[str]]:
    """Kode-less measurement table: indicator name -> its row (No, Sasaran, Indikator,
    Satuan, Target, Realisasi, Capaian, Predikat)."""
    rows = next(t for t in tables(doc) if t[0][:3] == ["No", "Sasaran", "Indikator Kinerja"])
    assert rows[0] == ["No", "Sasaran", "Indikator Kinerja", "Satuan", "Target", "Realisasi",
                       "Capaian", "Predikat"]
    return {r[2]: r for r in rows[1:-1]}


def printed(row: list[str]) -> list[str]:
    """A measurement row's Target, Realisasi and Capaian as the Capaian IKU report prints
    them (with the satuan)."""
    return [with_unit(row[4], row[3]), with_unit(row[5], row[3]), row[6]]


# --- the figures ---------------------------------------------------------------------------------


def test_both_years_capaian_change_and_predikat(years, chapter):
    doc = Document(str(chapter))
    m2022, expected = years["m2022"], years["expected"]
    rows = measurement(doc)
    body = "\n".join(narasi(doc))
    for ind in m2022.indicators:
        value, before = expected[ind.code], years["expected_2021"][ind.code]
        now, then = fmt_percent(value), fmt_percent(before)
        row = rows[ind.renstra_title]
        assert row[3:] == ["%", "100", fmt_number(value), now, grade(value)]
        change = _dec(fmt_number(value)) - _dec(fmt_number(before))  # of the printed values
        name = f"\u201c{ind.renstra_title}\u201d"
        if change == 0:
            wanted = (f"Capaian indikator {name} tahun 2022 sebesar {now}, sama dengan capaian "
                      "tahun 2021.")
        else:
            way = "meningkat" if change > 0 else "menurun"
            wanted = (f"Capaian indikator {name} tahun 2022 sebesar {now}, {way} "
                      f"{fmt_number(abs(change))} poin persen dibandingkan dengan tahun 2021 "
                      f"({then}).")
        assert wanted in body
        if now == "100%":
            wanted = (f"Indikator {name} ditargetkan 100% dan terealisasi {now}, sehingga "
                      f"capaiannya {now} (predikat {grade(value)}): target tercapai.")
        else:
            wanted = (f"Indikator {name} ditargetkan 100% dan terealisasi {now}, sehingga "
                      f"capaiannya {now} dan target belum tercapai; menurut skala predikat, "
                      f"capaian {now} termasuk {grade(value)}.")
        assert wanted in body
    average = sum(expected.values()) / len(expected)
    avg_row = next(t for t in tables(doc) if t[0][:3] == ["No", "Sasaran", "Indikator Kinerja"])
    assert avg_row[-1][-2:] == [fmt_percent(average), grade(average)]
    assert (f"Secara umum, capaian kinerja {m2022.agency.name} tahun 2022 dapat dikategorikan "
            f"{grade(average)}, dengan rata-rata capaian seluruh indikator sebesar "
            f"{fmt_percent(average)}.") in body
    # the method: the formula, then the predikat scale as a table
    scale = next(t for t in tables(doc) if t[0] == ["Capaian", "Predikat"])
    assert scale[1:] == [["> 90%", "Sangat Baik"], ["> 75% \u2013 90%", "Baik"],
                         ["> 65% \u2013 75%", "Cukup"], ["> 50% \u2013 65%", "Kurang"],
                         ["\u2264 50%", "Sangat Kurang"]]
    paragraphs = [p.text for p in doc.paragraphs]
    assert ("\u2013\tIndikator yang makin tinggi realisasinya makin baik (polaritas positif): "
            "% capaian = realisasi/target \u00d7 100%.") in paragraphs


def test_years_table_holds_both_years_side_by_side(years, chapter):
    doc = Document(str(chapter))
    year_tables = [t for t in tables(doc) if t[0][:3] == ["No", "Indikator Kinerja", "Uraian"]]
    assert len(year_tables) == len(years["m2022"].sasaran)
    for t, s in zip(year_tables, years["m2022"].sasaran, strict=True):
        assert t[0][3:] == ["2021", "2022"]  # the empty year columns are left out
        (ind,) = s.indicators
        then = fmt_percent(years["expected_2021"][ind.code])
        now = fmt_percent(years["expected"][ind.code])
        assert t[1][1:] == [ind.renstra_title, "Target", "100%", "100%"]
        assert t[2][2:] == ["Realisasi", then, now]
        assert t[3][2:] == ["% Capaian", then, now]


def test_units_analysis_is_in_the_chapter_attributed_to_the_unit(years, chapter):
    doc = Document(str(chapter))
    paragraphs = [p.text for p in doc.paragraphs]
    names = {u.code: u.name for u in years["m2022"].units}
    for unit, by_code in years["analysis"].items():
        for text in by_code.values():
            assert f"Analisis {names[unit]}: \u201c{text}\u201d" in paragraphs
    slots = [p for p in doc.paragraphs if p.style.name == "Isian Sekretariat"]
    m = years["m2022"]
    # per indicator its causes, per sasaran its programs, the other achievements, the budget
    assert len(slots) == len(m.indicators) + len(m.sasaran) + 2
    assert all(p.text.startswith("[Diisi Sekretariat: ") for p in slots)


def test_every_number_of_every_sentence_comes_from_the_tables(years, chapter):
    check_sentences(Document(str(chapter)), years["m2022"])


def check_sentences(doc, master) -> None:
    """Each number in a generated sentence is a number of the chapter's tables, a year of
    the chapter, a count of the measurement table's rows, or the difference of two table
    numbers (change in points, gap to a target or standard, budget left)."""
    table_numbers: set[Decimal] = set()
    for t in tables(doc):
        for row in t:
            for cell in row:
                table_numbers |= {_dec(n) for n in NUMBER.findall(_unquoted(cell))}
    measured = measurement(doc)
    counts = {Decimal(len(measured))}
    capaian = [r[6] for r in measured.values()]
    counts |= {Decimal(sum(1 for c in capaian if test(_dec(c.rstrip("%*")))))
               for test in (lambda v: v > 100, lambda v: v == 100, lambda v: v < 100)
               if all(NUMBER.fullmatch(c.rstrip("%*")) for c in capaian)}
    years = {Decimal(y) for y in range(master.agency.year - 4, master.agency.year + 1)}
    differences = {abs(a - b) for a in table_numbers for b in table_numbers}
    checked = 0
    for text in narasi(doc):
        for number in NUMBER.findall(_unquoted(text)):
            value = _dec(number)
            assert value in table_numbers | years | counts | differences, (number, text)
            checked += 1
    assert checked >= len(master.indicators)


def _unquoted(text: str) -> str:
    return re.sub("\u201c[^\u201d]*\u201d", "", text)  # names of indicators may hold numbers


def _dec(text: str) -> Decimal:
    return Decimal(text.replace(".", "").replace(",", "."))


# --- charts and reruns ---------------------------------------------------------------------------


def pngs(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n.endswith(".png")}


def test_charts_are_pictures_with_the_same_bytes_on_every_run(years, chapter, tmp_path):
    first = pngs(chapter)
    assert len(first) == len(years["m2022"].sasaran)  # one chart a sasaran, two years each
    assert all(data.startswith(b"\x89PNG\r\n\x1a\n") for data in first.values())
    assert all(b"Software" not in data for data in first.values())
    again = build(years, tmp_path / "lagi.docx")
    assert pngs(again) == first
    assert again.read_bytes() == chapter.read_bytes()
    doc = Document(str(chapter))
    assert len(doc.inline_shapes) == len(first)
    # each chart and its caption in the last row of its years table, kept with the table
    # (issue 21: a chart in a paragraph of its own could land on another page)
    years_tables = [t for t in doc.tables if any(
        p.style.name == "Keterangan Gambar" for p in t.rows[-1].cells[0].paragraphs)]
    assert len(years_tables) == len(first)
    last = years_tables[0].rows[-1].cells[0]
    assert last.paragraphs[0]._p.xpath(".//w:drawing")
    assert last.paragraphs[1].text == "Gambar 3.1 Capaian indikator sasaran 1, tahun 2021–2022"


def test_a_charts_axis_starts_at_zero_and_its_text_is_the_body_font():
    """A change of one point is drawn as one point on an axis from 0%, not as a collapse
    on a zoomed one; the legend is wrapped, never cut; the font is the template's body
    font (Arial, or its metric twin Liberation Sans where LibreOffice brought it)."""
    from pipeline.lkjip.charts import Line, axis_range, capaian_chart, legend_label
    from pipeline.word.charts import body_font, chart_font

    assert axis_range([100.0, 99.0]) == (0.0, 112.0)
    low, high = axis_range([-37.64, 102.3])
    assert low < -37.64 and high > 102.3
    assert body_font(paths.LKJIP_TEMPLATE.read_bytes()) == "Arial"
    assert chart_font("Arial") in ("Arial", "Liberation Sans")
    assert chart_font("Tidak Ada Huruf Ini") == "DejaVu Sans"
    long_name = "S1.1 " + "indikator dengan nama yang sangat panjang sekali " * 4
    assert legend_label(long_name).split() == long_name.split()  # every word, no "…"
    assert "\n" in legend_label(long_name)
    line = Line(long_name, ((2021, 100.0), (2022, 99.0)))
    drawn = capaian_chart("Sasaran 1", [2021, 2022], [line], font="Arial")
    assert drawn.png == capaian_chart("Sasaran 1", [2021, 2022], [line], font="Arial").png
    if chart_font("Arial") != "DejaVu Sans":  # drawn with another font than before
        assert drawn.png != capaian_chart("Sasaran 1", [2021, 2022], [line],
                                          font="DejaVu Sans").png


def test_a_rerun_leaves_the_file_untouched_and_an_edited_one_is_kept(years, tmp_path):
    out = build(years, tmp_path / "bab3.docx")
    before = folder_digest(tmp_path)
    result = run_cli("lkjip", "-c", years["master"], "-i", years["inputs"], "--riwayat",
                     years["history"], "--out", out)
    assert "(isinya sama, berkas tidak diubah)" in result.stdout
    assert folder_digest(tmp_path) == before
    doc = Document(str(out))
    doc.add_paragraph("Disunting Sekretariat.")
    doc.save(str(out))
    edited = out.read_bytes()
    build(years, out)
    backups = list(tmp_path.glob("bab3.diedit-*.docx"))
    assert len(backups) == 1 and backups[0].read_bytes() == edited


# --- parts left out, and put in ------------------------------------------------------------------


def test_a_master_without_budget_or_standards_leaves_those_parts_out(chapter):
    """No standard: no standard part, its heading neither, the parts renumbered; no budget:
    no efficiency part and no budget table, but B. Realisasi Anggaran is there (every Chapter
    III has it), saying so, with a slot; the programs item (7th analysis) is a slot."""
    doc = Document(str(chapter))
    everything = "\n".join(texts(doc))
    for absent in ("Pagu", "standar nasional/provinsi", "Standar", "efisiensi"):
        assert absent not in everything
    paragraphs = [p.text for p in doc.paragraphs]
    assert "B.\tREALISASI ANGGARAN" in paragraphs
    at = paragraphs.index("B.\tREALISASI ANGGARAN")
    assert paragraphs[at + 1:at + 3] == [
        "Data realisasi anggaran per program tahun 2022 belum tersedia dalam bab ini.",
        "[Diisi Sekretariat: realisasi anggaran tahun 2022 setiap program (pagu, realisasi dan "
        "persentase penyerapan), sebab sisa anggaran dan kaitannya dengan capaian kinerja.]"]
    headings = [p.text for p in doc.paragraphs if p.style.name == "Butir Analisis"]
    assert headings[:6] == [
        "1.\tPerbandingan target dan realisasi kinerja tahun 2022",
        "2.\tPerbandingan realisasi dan capaian kinerja dengan tahun-tahun sebelumnya",
        "3.\tPerbandingan realisasi kinerja dengan target jangka menengah (Renstra/RPJMD)",
        "4.\tAnalisis penyebab keberhasilan/kegagalan dan alternatif solusi",
        "5.\tAnalisis program/kegiatan yang menunjang keberhasilan atau kegagalan",
        "1.\tPerbandingan target dan realisasi kinerja tahun 2022",
    ]
    assert "Capaian Kinerja Lainnya" in paragraphs
    assert ("[Diisi Sekretariat: penghargaan, prestasi dan capaian kinerja lain tahun 2022 di "
            "luar indikator kinerja utama (bila ada), dengan pemberi dan tanggalnya.]") in \
        paragraphs


BUDGET = {
    1: "    anggaran: {pagu: 250.000.000, realisasi: 231.500.000}\n",
    2: ("    anggaran:\n"
        "      - {program: \"Program Pembinaan Kerukunan\", pagu: 120.000.000, "
        "realisasi: 96.000.000}\n"
        "      - {program: \"Program Kewaspadaan Dini\", pagu: \"80.000.000\", "
        "realisasi: \"79.999.999,5\"}\n"),
}
STANDARD = "        standar_nasional: 75\n        sumber_standar: \"SPM Kesbangpol 2022\"\n"


def with_budget_and_standard(years) -> Path:
    text = years["master"].read_text(encoding="utf-8")
    for number, lines in BUDGET.items():
        anchor = f"  - no: {number}\n"
        start = text.index(anchor)
        at = text.index("    indikator:\n", start)
        text = text[:at] + lines + text[at:]
    anchor = "        unit_pelapor: [KETAHANAN]\n"  # S1.1's last line
    text = text.replace(anchor, anchor + STANDARD, 1)
    path = years["tmp"] / "master_2022_anggaran.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_budget_and_standard_parts(years, tmp_path):
    master = with_budget_and_standard(years)
    out = build(years, tmp_path / "bab3.docx", master)
    doc = Document(str(out))
    m = load_master(master)
    expected = years["expected"]
    everything = "\n".join(texts(doc))
    assert "B.\tREALISASI ANGGARAN" in [p.text for p in doc.paragraphs]
    budget = next(t for t in tables(doc) if t[0] == ["No", "Sasaran", "Program", "Pagu (Rp)",
                                                     "Realisasi (Rp)", "% Penyerapan"])
    s1, s2 = m.sasaran[0].renstra_title, m.sasaran[1].renstra_title
    assert budget[1:] == [
        ["1", s1, "-", "250.000.000", "231.500.000", fmt_percent(231_500_000 / 250_000_000 * 100)],
        ["2", s2, "Program Pembinaan Kerukunan", "120.000.000", "96.000.000", "80%"],
        ["2", s2, "Program Kewaspadaan Dini", "80.000.000", "79.999.999,5",  # merged cells
         fmt_percent(79_999_999.5 / 80_000_000 * 100)],
        ["JUMLAH", "JUMLAH", "JUMLAH", "450.000.000", "407.499.999,5",
         fmt_percent(407_499_999.5 / 450_000_000 * 100)],
    ]
    assert ("Dari pagu anggaran seluruh program sebesar Rp450.000.000, terealisasi "
            f"Rp407.499.999,5 atau {fmt_percent(407_499_999.5 / 450_000_000 * 100)}, sehingga "
            "terdapat sisa anggaran Rp42.500.000,5.") in narasi(doc)
    # a sasaran without a budget is named, not left out without a word (issue 21)
    bare = [str(s.number) for s in m.sasaran if not s.budget]
    assert bare == ["3", "4"]
    assert "Anggaran sasaran 3 dan 4 belum tercantum dalam tabel ini." in narasi(doc)
    # efficiency: absorption beside capaian, per sasaran
    s2_cap = expected["S2.1"]
    absorbed = (96_000_000 + 79_999_999.5) / 200_000_000 * 100
    a, b = (Decimal(fmt_number(v).replace(".", "").replace(",", ".")) for v in (s2_cap, absorbed))
    compare = ("lebih tinggi" if a > b else "lebih rendah")
    assert (f"Anggaran sasaran ini terserap {fmt_percent(absorbed)} (Rp175.999.999,5 dari pagu "
            f"Rp200.000.000), sedangkan rata-rata capaian indikatornya {fmt_percent(s2_cap)}, "
            f"atau {fmt_number(abs(a - b))} poin persen {compare} daripada penyerapan "
            "anggarannya.") in narasi(doc)
    # the programs behind the result (the seventh analysis)
    assert ("Sasaran ini didukung oleh dua program dalam Perjanjian Kinerja, yaitu \u201cProgram "
            "Pembinaan Kerukunan\u201d (pagu Rp120.000.000, terealisasi Rp96.000.000 atau 80%); "
            "dan \u201cProgram Kewaspadaan Dini\u201d (pagu Rp80.000.000, terealisasi "
            f"Rp79.999.999,5 atau {fmt_percent(79_999_999.5 / 80_000_000 * 100)}).") in narasi(doc)
    # the standard of S1.1: a difference of percentages in "poin persen", "daripada"
    real = expected["S1.1"]
    r = Decimal(fmt_number(real).replace(".", "").replace(",", "."))
    side = "di atas" if r > 75 else "di bawah"
    judged = "lebih baik daripada standar" if r > 75 else "belum memenuhi standar"
    if r != 75:
        assert (f"Realisasi indikator \u201c{m.indicators[0].renstra_title}\u201d sebesar "
                f"{fmt_percent(real)}, {fmt_number(abs(r - 75))} poin persen {side} standar 75% "
                "menurut SPM Kesbangpol 2022; bagi indikator yang makin tinggi makin baik, "
                f"realisasi ini {judged}.") in narasi(doc)
    assert "SPM Kesbangpol 2022" in everything
    check_sentences(doc, m)


# --- LibreOffice ---------------------------------------------------------------------------------


def pdf_text(docx: Path, outdir: Path) -> str:
    from pipeline.office.libreoffice import convert_to_pdf

    pdf = convert_to_pdf(docx, outdir / "bab3.pdf")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return " ".join(text.split())


@pytest.mark.libreoffice
@needs_soffice
def test_libreoffice_opens_it_and_the_pdf_says_the_same(years, tmp_path):
    out = build(years, tmp_path / "bab3.docx", with_budget_and_standard(years), "--pdf")
    pdf = out.with_suffix(".pdf")
    assert pdf.is_file()
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                                   text=True, check=True).stdout.split())
    doc = Document(str(out))
    for paragraph in [*narasi(doc), "BAB III", "AKUNTABILITAS KINERJA",
                      "A. CAPAIAN KINERJA ORGANISASI", "B. REALISASI ANGGARAN"]:
        assert " ".join(paragraph.split()) in text.replace("- ", "-"), paragraph


# --- quarters, drafts, last year typed in the master ---------------------------------------------


def test_quarter_notes_are_printed_with_the_quarter_and_the_unit(years, tmp_path):
    history = tmp_path / "riwayat.sqlite"
    shutil.copy(years["history"], history)
    m = years["m2022"]
    notes = {("TW1", "KETAHANAN", "S1.1"): "Kendala: data FKUB terlambat. Tindak lanjut: rapat.",
             ("TW3", "POLITIK", "S2.1"): "Tindak lanjut: patroli gabungan."}
    with open_history(history) as h:
        for period in ("TW1", "TW3"):
            records = tuple(
                IndicatorRecord(key=ind.code, code=ind.code, kind=ind.kind.value, name=ind.name,
                                contributions=tuple(
                                    UnitFigure(u, 1, 2, notes.get((period, u, ind.code), ""))
                                    for u in ind.reporting_units))
                for ind in m.indicators)
            h.record(RunSnapshot(master_key(m), m.agency.name, 2022, records, period=period))
    out = tmp_path / "bab3.docx"
    result = run_cli("lkjip", "-c", years["master"], "-i", years["inputs"], "--riwayat",
                     history, "--out", out)
    assert result.exit_code == 0, result.output
    paragraphs = [p.text for p in Document(str(out)).paragraphs]
    names = {u.code: u.name for u in m.units}
    assert (f"Catatan {names['KETAHANAN']} pada TW I: \u201cKendala: data FKUB terlambat. "
            "Tindak lanjut: rapat.\u201d") in paragraphs
    assert (f"Catatan {names['POLITIK']} pada TW III: \u201cTindak lanjut: patroli "
            "gabungan.\u201d") in paragraphs
    assert sum(p.startswith("Catatan ") for p in paragraphs) == 2
    # the year-end analyses are still there, first
    first = paragraphs.index(f"Catatan {names['KETAHANAN']} pada TW I: \u201cKendala: data "
                             "FKUB terlambat. Tindak lanjut: rapat.\u201d")
    assert paragraphs[first - 1].startswith(f"Analisis {names['KETAHANAN']}: ")


def test_errors_block_the_chapter_and_a_draft_marks_them(years, tmp_path):
    inputs = tmp_path / "isian"
    shutil.copytree(years["inputs"], inputs)
    (inputs / "Isian_POLITIK.xlsx").unlink()
    out = tmp_path / "bab3.docx"
    blocked = run_cli("lkjip", "-c", years["master"], "-i", inputs, "--riwayat",
                      years["history"], "--out", out)
    assert blocked.exit_code == 1
    assert "unit POLITIK (Bidang Politik dan Kewaspadaan Daerah) belum mengirim isian" in \
        blocked.stderr
    assert "Laporan TIDAK dibuat" in blocked.stderr
    assert not out.exists()
    draft = run_cli("lkjip", "-c", years["master"], "-i", inputs, "--riwayat",
                    years["history"], "--out", out, "--draft")
    assert draft.exit_code == 0, draft.output
    assert "PERHATIAN: Bab III DRAFT dibuat walau ada galat." in draft.stderr
    doc = Document(str(out))
    m = years["m2022"]
    missing = [i for i in m.indicators if "POLITIK" in i.reporting_units]
    rows = measurement(doc)
    for ind in missing:
        assert rows[ind.renstra_title][5:] == ["(belum diisi)"] * 3
        assert (f"Realisasi indikator \u201c{ind.renstra_title}\u201d tahun 2022 belum dapat "
                "dihitung (belum diisi); capaiannya belum dapat dinilai.") in narasi(doc)
    assert any(p.text.startswith("DRAFT — laporan ini belum final (") for p in doc.paragraphs)
    assert "DRAFT" in doc.sections[0].header.paragraphs[0].text
    check_sentences(doc, m)


def test_last_year_typed_in_the_master_wins_with_a_warning(years, tmp_path):
    text = years["master"].read_text(encoding="utf-8")
    first = "        capaian_tahun_lalu: null\n"
    assert first in text
    master = tmp_path / "master.yaml"
    master.write_text(text.replace(first, "        capaian_tahun_lalu: \"87,5\"\n", 1),
                      encoding="utf-8")
    out = tmp_path / "bab3.docx"
    result = run_cli("lkjip", "-c", master, "-i", years["inputs"], "--riwayat",
                     years["history"], "--out", out)
    assert result.exit_code == 0, result.output
    assert ("PERINGATAN: master.yaml: indikator S1.1: capaian_tahun_lalu 87,5 di master "
            "berbeda dari riwayat tahun 2021 (100); dipakai angka master (hapus dari master "
            "untuk memakai riwayat)") in result.stderr
    doc = Document(str(out))
    year_table = next(t for t in tables(doc) if t[0][:3] == ["No", "Indikator Kinerja", "Uraian"])
    assert year_table[3][2:4] == ["% Capaian", "87,5%"]
    check_sentences(doc, years["m2022"])


def test_the_chapter_and_the_capaian_iku_report_agree_to_the_digit(years, chapter):
    from conftest import table_texts

    report = table_texts(Document(str(years["report"])))
    renstra = next(t for t in report if t[0][:3] == ["No", "Sasaran Renstra",
                                                     "Indikator Kinerja Utama"])
    by_indicator = {row[2].split(". ", 1)[1]: row for row in renstra[1:]}
    rows = measurement(Document(str(chapter)))
    for ind in years["m2022"].indicators:
        target, real, achieved = by_indicator[ind.renstra_title][3:6]
        assert printed(rows[ind.renstra_title]) == [target, real, achieved]


# --- every kind of indicator: the example masters ------------------------------------------------


@pytest.mark.parametrize("index", range(4), ids=lambda i: f"contoh{i}")
def test_every_example_master_gives_a_consistent_chapter(index, tmp_path, monkeypatch):
    """Rasio, jumlah, nilai, growth/decrease, predikat, ya/tidak, NA/range/per-year targets,
    both negative rules, capped figures: the chapter agrees with the Capaian IKU report and
    every number of its sentences comes from its tables."""
    from test_examples import EXAMPLES, EXAMPLES_DIR, fill, templates

    from conftest import table_texts

    monkeypatch.setenv("IKU_DEBUG", "1")
    example = EXAMPLES[index]
    master = EXAMPLES_DIR / example.file
    inputs = tmp_path / "isian"
    fill(example, templates(example, tmp_path), inputs)
    history = tmp_path / "riwayat.sqlite"
    report = tmp_path / "laporan.docx"
    assert run_cli("report", "-c", master, "-i", inputs, "--riwayat", history,
                   "--out", report).exit_code == 0
    out = tmp_path / "bab3.docx"
    result = run_cli("lkjip", "-c", master, "-i", inputs, "--riwayat", history, "--out", out)
    assert result.exit_code == 0, result.output
    doc = Document(str(out))
    m = load_master(master)
    rows = measurement(doc)
    renstra = next(t for t in table_texts(Document(str(report)))
                   if t[0][:3] == ["No", "Sasaran Renstra", "Indikator Kinerja Utama"])
    by_indicator = {row[2].split(". ", 1)[1]: row for row in renstra[1:]}
    for ind in m.indicators:
        assert printed(rows[ind.renstra_title]) == by_indicator[ind.renstra_title][3:6]
        assert rows[ind.renstra_title][3] == (ind.unit_of_measure or "-")
    check_sentences(doc, m)
    assert len(narasi(doc)) >= 2 * len(m.indicators)


def test_sample_default_output_and_no_history(tmp_path, monkeypatch):
    """Without -c, -i, --out or a history: the bundled sample, the default path under
    output/<kode>_<tahun>/, the history file neither needed nor created; last year's
    % capaian typed in the sample master (capaian_tahun_lalu) still gives a 2020 column."""
    monkeypatch.setattr(paths, "OUTPUT", tmp_path)
    monkeypatch.delenv("IKU_RIWAYAT", raising=False)
    result = run_cli("lkjip")
    assert result.exit_code == 0, result.output
    out = tmp_path / "kesbangpol_jambi_2021" / "LKjIP_Bab_III_2021.docx"
    assert result.stdout.splitlines() == [
        "Angka tahun 2021: dari contoh isian bawaan (tahun itu belum tercatat di riwayat)",
        f"Laporan ditulis: {out}"]
    assert f"PERINGATAN: riwayat {tmp_path / 'riwayat.sqlite'} belum ada" in result.stderr
    assert not (tmp_path / "riwayat.sqlite").exists()
    doc = Document(str(out))
    year_table = next(t for t in tables(doc) if t[0][:3] == ["No", "Indikator Kinerja", "Uraian"])
    assert year_table[0][3:] == ["2020", "2021"]
    assert [r[3] for r in year_table[1:]] == ["-", "-", "100%"]
    check_sentences(doc, load_master(paths.SAMPLE_MASTER))


def test_a_signed_year_gives_the_signed_figures_or_is_refused(years, tmp_path):
    history = tmp_path / "riwayat.sqlite"
    shutil.copy(years["history"], history)
    assert run_cli("kunci", "-c", years["master"], "--riwayat", history).exit_code == 0
    out = tmp_path / "bab3.docx"
    same = run_cli("lkjip", "-c", years["master"], "-i", years["inputs"], "--riwayat", history,
                   "--out", out)
    assert same.exit_code == 0, same.output  # the figures are the signed ones
    inputs = tmp_path / "isian"
    shutil.copytree(years["inputs"], inputs)
    blank = next((years["tmp"] / "templat").glob("*_POLITIK.xlsx"))
    m = years["m2022"]
    changed = {i.code: (1, 1) for i in m.indicators_of("POLITIK")}
    fill_workbook(blank, changed, inputs / "Isian_POLITIK.xlsx")
    before = folder_digest(tmp_path / "hasil") if (tmp_path / "hasil").exists() else {}
    refused = run_cli("lkjip", "-c", years["master"], "-i", inputs, "--riwayat", history,
                      "--out", tmp_path / "hasil" / "bab3.docx")
    assert refused.exit_code == 1
    assert "sudah dikunci (ditandatangani; versi 1)" in refused.stderr
    assert ("Bab III mengikuti laporan yang ditandatangani: bila angka memang berubah, buat "
            "dulu laporannya dengan `iku report --buka-kunci`, lalu jalankan `iku lkjip` "
            "lagi.") in refused.stderr
    assert not (tmp_path / "hasil").exists() or folder_digest(tmp_path / "hasil") == before


def test_a_quarters_kendala_and_tindak_lanjut_are_quoted(years, tmp_path):
    """The quarterly workbooks' Kendala and Tindak lanjut columns, as the history keeps
    them, reach the causes-and-solutions part, attributed to the unit and the quarter."""
    history = tmp_path / "riwayat.sqlite"
    shutil.copy(years["history"], history)
    m = years["m2022"]
    with open_history(history) as h:
        records = tuple(
            IndicatorRecord(key=ind.code, code=ind.code, kind=ind.kind.value, name=ind.name,
                            contributions=tuple(
                                UnitFigure(u, 1, 2, obstacles="Data terlambat masuk",
                                           follow_up="Rapat koordinasi bulanan")
                                if (u, ind.code) == ("KETAHANAN", "S1.1") else UnitFigure(u, 1, 2)
                                for u in ind.reporting_units))
            for ind in m.indicators)
        h.record(RunSnapshot(master_key(m), m.agency.name, 2022, records, period="TW2"))
    out = tmp_path / "bab3.docx"
    result = run_cli("lkjip", "-c", years["master"], "-i", years["inputs"], "--riwayat",
                     history, "--out", out)
    assert result.exit_code == 0, result.output
    paragraphs = [p.text for p in Document(str(out)).paragraphs]
    name = next(u.name for u in m.units if u.code == "KETAHANAN")
    assert (f"Catatan {name} pada TW II: kendala \u201cData terlambat masuk\u201d; tindak "
            "lanjut \u201cRapat koordinasi bulanan\u201d") in paragraphs


# --- the year from wherever it was built (issue 19) -----------------------------------------


def test_without_workbooks_the_recorded_year_gives_the_same_chapter(years, chapter, tmp_path):
    """2022 was recorded by `iku report` from its workbooks, Analisis included: the chapter
    from the recorded year equals, byte for byte, the one from the workbooks."""
    history = tmp_path / "riwayat.sqlite"
    shutil.copy(years["history"], history)
    out = tmp_path / "bab3.docx"
    result = run_cli("lkjip", "-c", years["master"], "--riwayat", history, "--out", out)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Angka tahun 2022: dari riwayat, versi 1 (dari isian "
                                    "tahunan, dicatat ")
    assert out.read_bytes() == chapter.read_bytes()
    body = "\n".join(p.text for p in Document(str(out)).paragraphs)
    for unit, by_code in years["analysis"].items():
        for text in by_code.values():
            assert text in body, (unit, text)


def test_the_recorded_year_is_refused_when_the_master_changed_since(years, tmp_path):
    history = tmp_path / "riwayat.sqlite"
    shutil.copy(years["history"], history)
    master = tmp_path / "master_2022.yaml"
    text = years["master"].read_text(encoding="utf-8")
    first = years["m2022"].indicators[0]
    changed = text.replace(f"unit_pelapor: [{', '.join(first.reporting_units)}]",
                           f"unit_pelapor: [{', '.join(first.reporting_units)}, SEKRETARIAT]",
                           1)
    assert changed != text
    master.write_text(changed, encoding="utf-8")
    out = tmp_path / "bab3.docx"
    result = run_cli("lkjip", "-c", master, "--riwayat", history, "--out", out)
    assert result.exit_code == 1
    assert (f"GALAT: indikator {first.code} unit SEKRETARIAT tidak ada di tahun 2022 yang "
            "tercatat (versi 1, dicatat ") in result.stderr
    assert "master berubah sejak laporan tahunan dibuat" in result.stderr
    assert not out.exists()


def test_a_year_never_recorded_needs_workbooks_or_the_quarters(years, tmp_path):
    out = tmp_path / "bab3.docx"
    empty = tmp_path / "kosong.sqlite"
    result = run_cli("lkjip", "-c", years["master"], "--riwayat", empty, "--out", out)
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"GALAT: tahun 2022 Badan Kesatuan Bangsa dan Politik Kota Jambi belum tercatat di "
        f"riwayat {empty}, jadi Bab III tidak tahu angka tahunnya. Buat dulu laporan "
        "tahunannya (`iku report -c MASTER -i FOLDER_ISIAN`, atau `iku report -c MASTER "
        "--dari-triwulan`")
    assert not out.exists() and not empty.exists()  # nothing written, the history not made
    both = run_cli("lkjip", "-c", years["master"], "-i", years["inputs"], "--dari-triwulan",
                   "--riwayat", empty, "--out", out)
    assert both.exit_code == 2
    assert both.stderr == "GALAT: --dari-triwulan tidak membaca isian: jangan berikan --inputs\n"


def test_the_sample_master_uses_its_recorded_year_once_there_is_one(tmp_path, monkeypatch):
    """`make report` records the sample's year; `iku lkjip` then reads it from the history,
    and before that it builds the year from the bundled sample workbooks: the same chapter."""
    monkeypatch.setattr(paths, "OUTPUT", tmp_path)
    history = tmp_path / "riwayat.sqlite"
    monkeypatch.setenv("IKU_RIWAYAT", str(history))
    before = run_cli("lkjip", "--out", tmp_path / "a.docx")
    assert before.exit_code == 0, before.output
    assert before.stdout.startswith("Angka tahun 2021: dari contoh isian bawaan")
    assert run_cli("report", "--out", tmp_path / "laporan.docx").exit_code == 0
    after = run_cli("lkjip", "--out", tmp_path / "b.docx")
    assert after.exit_code == 0, after.output
    assert after.stdout.startswith("Angka tahun 2021: dari riwayat, versi 1 (dari isian "
                                   "tahunan")
    assert (tmp_path / "a.docx").read_bytes() == (tmp_path / "b.docx").read_bytes()


def test_an_imported_year_is_no_recorded_report(tmp_path):
    """A year imported from an old LKjIP has no units' figures: the chapter says what to
    run instead of printing nothing."""
    example = tmp_path / "contoh.xlsx"
    assert run_cli("riwayat", "contoh", example).exit_code == 0
    history = tmp_path / "riwayat.sqlite"
    assert run_cli("riwayat", "impor", example, "--riwayat", history).exit_code == 0
    text = paths.SAMPLE_MASTER.read_text(encoding="utf-8").replace("tahun: 2021", "tahun: 2020")
    master = tmp_path / "master_2020.yaml"
    master.write_text(text, encoding="utf-8")
    result = run_cli("lkjip", "-c", master, "--riwayat", history, "--out", tmp_path / "b.docx")
    assert result.exit_code == 1
    assert "berasal dari impor (versi 1), yang tidak menyimpan angka x1/x2 dan analisis unit" \
        in result.stderr


def test_the_recorded_year_keeps_to_the_signed_figures(years, tmp_path):
    history = tmp_path / "riwayat.sqlite"
    shutil.copy(years["history"], history)
    assert run_cli("kunci", "-c", years["master"], "--riwayat", history).exit_code == 0
    master = tmp_path / "master_2022.yaml"
    first = years["m2022"].indicators[0]
    text = years["master"].read_text(encoding="utf-8")
    master.write_text(text.replace("target: 100", "target: 90", 1), encoding="utf-8")
    assert load_master(master).indicators[0].target == 90 != first.target
    out = tmp_path / "bab3.docx"
    result = run_cli("lkjip", "-c", master, "--riwayat", history, "--out", out)
    assert result.exit_code == 1
    assert "sudah dikunci (ditandatangani; versi 1)" in result.stderr
    assert f"- indikator {first.code}: target 100 → 90" in result.stderr
    assert "Bab III mengikuti laporan yang ditandatangani" in result.stderr
    assert not out.exists()


# --- the Perjanjian Kinerja the targets come from ----------------------------------------


def test_the_targets_are_named_as_the_pk_in_force_and_a_differing_pk_is_said(years, tmp_path):
    """The measurement basis names the Perjanjian Kinerja whose targets are measured: the
    PK recorded in the history (`iku pk`), a PK Perubahan once one is recorded; without
    one the CLI says so; a PK whose targets are not the master's is a PERINGATAN."""
    history = tmp_path / "riwayat.sqlite"
    shutil.copy(years["history"], history)
    out = tmp_path / "bab3.docx"
    none = build(years, out, None, "--riwayat", history)
    basis = next(p.text for p in Document(str(none)).paragraphs
                 if p.text.startswith("Pengukuran capaian kinerja"))
    assert ("Pengukuran capaian kinerja dilakukan dengan cara membandingkan antara target "
            "setiap indikator sasaran dalam Perjanjian Kinerja Tahun 2022 dengan "
            "realisasinya.") in basis
    result = run_cli("lkjip", "-c", years["master"], "-i", years["inputs"], "--riwayat",
                     history, "--out", out)
    assert ("Perjanjian Kinerja tahun 2022 belum tercatat di riwayat; Bab III menyebut target "
            "master sebagai target Perjanjian Kinerja (catat PK dengan `iku pk`)") in \
        result.stderr
    dated = tmp_path / "master_pk.yaml"
    text = years["master"].read_text(encoding="utf-8")
    dated.write_text(text.replace("  tahun: 2022\n", "  tahun: 2022\n  tanggal_pk: 2022-01-14\n",
                                  1), encoding="utf-8")
    assert run_cli("pk", "-c", dated, "--riwayat", history, "--out",
                   tmp_path / "pk.docx").exit_code == 0
    result = run_cli("lkjip", "-c", dated, "-i", years["inputs"], "--riwayat", history,
                     "--out", out)
    assert result.exit_code == 0, result.output
    assert "Perjanjian Kinerja" not in result.stderr
    basis = next(p.text for p in Document(str(out)).paragraphs
                 if p.text.startswith("Pengukuran capaian kinerja"))
    assert "dalam Perjanjian Kinerja Tahun 2022 tanggal 14 Januari 2022 dengan realisasinya" \
        in basis
    # the master's target changed after the PK was signed, no PK Perubahan recorded
    changed = tmp_path / "master_berubah.yaml"
    first = years["m2022"].indicators[0]
    changed.write_text(dated.read_text(encoding="utf-8").replace("target: 100", "target: 90",
                                                                 1), encoding="utf-8")
    result = run_cli("lkjip", "-c", changed, "-i", years["inputs"], "--riwayat", history,
                     "--out", tmp_path / "bab3_berubah.docx")
    assert result.exit_code == 0, result.output
    assert (f"PERINGATAN: target di master berbeda dengan Perjanjian Kinerja yang berlaku di "
            f"riwayat ({first.code}: PK 100%, master 90%); Bab III mengukur dengan target "
            "master: bila target memang berubah, catat PK Perubahan dengan `iku pk "
            "--perubahan`") in result.stderr
    # once the PK Perubahan is recorded, the chapter names it
    assert run_cli("pk", "-c", changed, "--riwayat", history, "--out", tmp_path / "pkp.docx",
                   "--perubahan").exit_code == 0
    result = run_cli("lkjip", "-c", changed, "-i", years["inputs"], "--riwayat", history,
                     "--out", tmp_path / "bab3_perubahan.docx")
    assert "berbeda dengan Perjanjian Kinerja" not in result.stderr
    basis = next(p.text for p in Document(str(tmp_path / "bab3_perubahan.docx")).paragraphs
                 if p.text.startswith("Pengukuran capaian kinerja"))
    assert "dalam Perjanjian Kinerja Perubahan Tahun 2022 tanggal 14 Januari 2022" in basis
