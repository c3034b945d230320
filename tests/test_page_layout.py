"""Every document family as LibreOffice lays it out, checked page by page (issue 21):
the yearly report of the sample, of every example master, of the sample with every
optional column and of a fresh synthetic agency; quarterly reports (the sample's TW I and
TW II, an example with labels, the synthetic agency's TW I); the LKjIP chapter of the
sample, of every example master, of the synthetic agency and of two synthetic agencies of
2 units × 3 indicators whose chapters LibreOffice once laid out with a heading last on a
page and a table away from its chart (seeds 33 and 34, issue 21); the Perjanjian Kinerja
of the sample and of the synthetic agency; the complete LKjIP of every example master
(issue 22; the sample's is tests/test_lkjip_complete.py's). The rules are
``layout_check``'s (tests/layout_check.py); all documents are converted by one LibreOffice
process (about 2-5 s a document)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from pipeline import paths
from pipeline.domain.master import load_master
from pipeline.workbook.sample import write_sample_inputs

import layout_check
from conftest import run_cli

pytestmark = [pytest.mark.libreoffice,
              pytest.mark.skipif(layout_check.needs() is not None,
                                 reason=f"LibreOffice/poppler: {layout_check.needs()}")]

EXAMPLES = sorted(paths.EXAMPLE_MASTERS.glob("*.yaml"))
SAMPANG = paths.EXAMPLE_MASTERS / "inspektorat_kabupaten_sampang_2019.yaml"
SYNTH_SEED = 21  # `iku synth --agencies 1 --units 3 --indicators 4`: sasaran of 2-5 indicators
SMALL_SEEDS = (33, 34)  # `iku synth --agencies 1 --units 2 --indicators 3`
DOCUMENTS = (["laporan_contoh", *[f"laporan_{m.stem}" for m in EXAMPLES],
              "laporan_semua_kolom", "laporan_sintetis",
              "tw1_contoh", "tw2_contoh", "tw1_sampang", "tw1_sintetis",
              "lkjip_contoh", *[f"lkjip_{m.stem}" for m in EXAMPLES], "lkjip_sintetis",
              *[f"lkjip_sintetis_{seed}" for seed in SMALL_SEEDS], "pk_contoh", "pk_sintetis",
              *[f"lkjip_lengkap_{m.stem}" for m in EXAMPLES]])


def _ok(result) -> None:
    assert result.exit_code == 0, result.output


def _every_column_master(folder: Path) -> Path:
    """The sample master with every optional column of the Capaian tables switched on: the
    widest set of headings the template has to fit."""
    text = paths.SAMPLE_MASTER.read_text(encoding="utf-8")
    off, on = "\n  kolom_tambahan: []\n", ("\n  kolom_tambahan: [realisasi_tahun_lalu, "
                                          "capaian_target_akhir, predikat]\n")
    assert text.count(off) == 1
    path = folder / "semua_kolom.yaml"
    path.write_text(text.replace(off, on), encoding="utf-8")
    return path


def _quarter(master_path: Path, n: int, out: Path, history: Path, work: Path) -> None:
    inputs = work / f"isian_{out.stem}"
    write_sample_inputs(load_master(master_path), inputs, period=f"TW{n}")
    _ok(run_cli("report", "-c", master_path, "--triwulan", n, "-i", inputs,
                "--riwayat", history, "--out", out))


@pytest.fixture(scope="module")
def laid_out(tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    """name → (.docx, its PDF by LibreOffice), every document of ``DOCUMENTS``."""
    work = tmp_path_factory.mktemp("tata_letak")
    docs = work / "docx"
    docs.mkdir()
    history = work / "riwayat.sqlite"
    out = {name: docs / f"{name}.docx" for name in DOCUMENTS}
    _ok(run_cli("report", "--riwayat", history, "--out", out["laporan_contoh"]))
    for master in EXAMPLES:
        inputs = work / f"isian_{master.stem}"
        _ok(run_cli("sample", "-c", master, "--out", inputs))
        _ok(run_cli("report", "-c", master, "-i", inputs, "--riwayat", history,
                    "--out", out[f"laporan_{master.stem}"]))
        _ok(run_cli("lkjip", "-c", master, "-i", inputs, "--riwayat", history,
                    "--out", out[f"lkjip_{master.stem}"]))
        _ok(run_cli("lkjip", "--lengkap", "-c", master, "-i", inputs, "--riwayat", history,
                    "--out", out[f"lkjip_lengkap_{master.stem}"]))
    every_column = _every_column_master(work)
    _ok(run_cli("sample", "-c", every_column, "--out", work / "isian_semua_kolom"))
    _ok(run_cli("report", "-c", every_column, "-i", work / "isian_semua_kolom",
                "--riwayat", work / "r2.sqlite", "--out", out["laporan_semua_kolom"]))
    city = work / "kota"
    _ok(run_cli("synth", "--agencies", 1, "--units", 3, "--indicators", 4, "--out", city,
                "--seed", SYNTH_SEED))
    (agency,) = sorted(p for p in city.iterdir() if p.is_dir())
    synth_master = agency / "master.yaml"
    _ok(run_cli("report", "-c", synth_master, "-i", agency / "isian", "--riwayat", history,
                "--out", out["laporan_sintetis"]))
    quarters = work / "triwulan.sqlite"
    _quarter(paths.SAMPLE_MASTER, 1, out["tw1_contoh"], quarters, work)
    _quarter(paths.SAMPLE_MASTER, 2, out["tw2_contoh"], quarters, work)
    _quarter(SAMPANG, 1, out["tw1_sampang"], quarters, work)
    _quarter(synth_master, 1, out["tw1_sintetis"], quarters, work)
    _ok(run_cli("lkjip", "--riwayat", history, "--out", out["lkjip_contoh"]))
    _ok(run_cli("lkjip", "-c", synth_master, "-i", agency / "isian", "--riwayat", history,
                "--out", out["lkjip_sintetis"]))
    for seed in SMALL_SEEDS:
        small = work / f"kota_{seed}"
        _ok(run_cli("synth", "--agencies", 1, "--units", 2, "--indicators", 3, "--out", small,
                    "--seed", seed))
        (agency,) = sorted(p for p in small.iterdir() if p.is_dir())
        _ok(run_cli("report", "-c", agency / "master.yaml", "-i", agency / "isian",
                    "--riwayat", small / "riwayat.sqlite", "--out", small / "laporan.docx"))
        _ok(run_cli("lkjip", "-c", agency / "master.yaml", "-i", agency / "isian",
                    "--riwayat", small / "riwayat.sqlite",
                    "--out", out[f"lkjip_sintetis_{seed}"]))
    _ok(run_cli("pk", "--riwayat", work / "pk.sqlite", "--out", out["pk_contoh"]))
    _ok(run_cli("pk", "-c", synth_master, "--riwayat", work / "pk.sqlite",
                "--out", out["pk_sintetis"]))
    pdfs = layout_check.convert(list(out.values()), work / "pdf")
    return {name: (out[name], pdf) for name, pdf in zip(out, pdfs, strict=True)}


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_page_is_laid_out_for_signing(laid_out, name):
    docx, pdf = laid_out[name]
    problems = layout_check.check(docx, pdf)
    assert not problems, f"{name}:\n" + "\n".join(map(str, problems))


@pytest.mark.parametrize("name", ["laporan_inspektorat_kabupaten_sampang_2019", "tw1_sampang"])
def test_the_colons_after_the_region_and_agency_labels_line_up(laid_out, name):
    """KABUPATEN : … over PERANGKAT DAERAH : … (the longest label the master documents):
    both colons at one position (issue 21: the agency's was a tab stop further)."""
    _, pdf = laid_out[name]
    lines = _label_lines(pdf, ("KABUPATEN", "PERANGKAT DAERAH"))
    assert len(lines) == 2, lines
    (x1, _), (x2, _) = lines
    assert abs(x1 - x2) < 1.0, lines


def _label_lines(pdf: Path, labels: tuple[str, ...]) -> list[tuple[float, str]]:
    """(x of the first ":", the line) of each line that starts with one of ``labels``
    then a colon, from poppler's word boxes."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    out = []
    for page in html.split("<page ")[1:]:
        rows: dict[int, list[tuple[float, str]]] = {}
        for m in re.finditer(r'<word xMin="(?P<x>[\d.]+)" yMin="(?P<y>[\d.]+)"[^>]*>'
                             r"(?P<w>[^<]*)</word>", page):
            rows.setdefault(round(float(m["y"])), []).append((float(m["x"]), m["w"]))
        for row in rows.values():
            row.sort()
            text = " ".join(w for _, w in row)
            if any(text.startswith(label + " :") for label in labels):
                out.append((next(x for x, w in row if w == ":"), text))
    return out


def _planted(path: Path) -> Path:
    """A document with one of each problem the checker knows, on purpose."""
    import io

    from docx import Document
    from docx.enum.text import WD_BREAK
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm
    from PIL import Image

    doc = Document()

    def page_break() -> None:
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def table(rows: int, header: bool):
        widths = (Cm(1.0), Cm(8))
        t = doc.add_table(rows=rows, cols=2)
        t.style = doc.styles["Table Grid"]
        t.autofit = False
        for col, width in zip(t._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
            col.set(qn("w:w"), str(width.twips))
        for r, row in enumerate(t.rows):
            row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
            if r == 0 and header:
                row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = width
        return t

    doc.add_paragraph("Judul yang tertinggal", style="Heading 1")
    page_break()
    doc.add_paragraph("Isi halaman dua.")
    doc.add_paragraph("Tabel 1 Keterangan yang tertinggal")
    page_break()
    t = table(40, header=True)
    t.rows[0].cells[0].text, t.rows[0].cells[1].text = "REALISASI", "URAIAN"
    for r, row in enumerate(t.rows[1:], start=1):
        row.cells[0].text, row.cells[1].text = str(r), f"Baris {r}"
    doc.add_paragraph("Tabel tanpa baris judul:")
    t = table(60, header=False)
    for r, row in enumerate(t.rows):
        row.cells[0].text, row.cells[1].text = str(r), f"Baris tanpa judul {r}"
    doc.add_paragraph("Tabel dengan sel gabungan:")
    t = table(30, header=True)
    t.rows[0].cells[0].text, t.rows[0].cells[1].text = "NO", "INDIKATOR"
    for r, row in enumerate(t.rows[1:], start=1):
        tcpr = row.cells[0]._tc.get_or_add_tcPr()
        merge = OxmlElement("w:vMerge")
        if r == 1:
            merge.set(qn("w:val"), "restart")
            row.cells[0].text = "S1"
        tcpr.append(merge)
        row.cells[1].text = f"Indikator gabungan {r}\nbaris kedua\nbaris ketiga"
    doc.add_paragraph("Grafik:")
    png = io.BytesIO()
    Image.new("RGB", (60, 40), "steelblue").save(png, format="PNG")
    doc.add_picture(png, width=Cm(4))
    page_break()
    doc.add_paragraph("Gambar 1 Keterangan grafik yang terpisah")
    doc.save(str(path))
    return path


def test_the_checker_finds_each_kind_of_problem(tmp_path):
    """The checker itself: a document with each problem planted is reported for each."""
    docx = _planted(tmp_path / "tertanam.docx")
    (pdf,) = layout_check.convert([docx], tmp_path / "pdf")
    found = layout_check.check(docx, pdf)
    rules = {p.rule for p in found}
    assert {"heading-last", "caption-last", "header-word-broken", "no-header",
            "merged-cell-empty", "nearly-empty", "chart-apart"} <= rules, found
    details = "\n".join(map(str, found))
    assert "'Judul yang tertinggal' ends the page" in details
    assert "'Tabel 1 Keterangan yang tertinggal' ends the page" in details
    assert "'REALISASI' split across lines" in details
    assert "Gambar 1 Keterangan grafik yang terpisah" in details
