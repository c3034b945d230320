"""The LKjIP chapter's Word template (input_templates/lkjip_bab3.docx): reproducible from
dev/lkjip_template.py, checked like the IKU template (`iku templat periksa --jenis lkjip`),
refused when damaged with nothing written, and still good after LibreOffice re-saves it."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from dev.lkjip_template import build_template
from pipeline.compute import compute
from pipeline.domain.master import load_master
from pipeline.intake.validate import check_inputs
from pipeline.lkjip.context import build_context
from pipeline.lkjip.model import build_chapter
from pipeline.lkjip.render import LKJIP
from pipeline.office.libreoffice import find_soffice
from pipeline.paths import LKJIP_TEMPLATE, SAMPLE_MASTER
from pipeline.word import template_check
from pipeline.word.template_check import template_problems
from pipeline.workbook.sample import sample_inputs

from conftest import folder_digest, run_cli


@pytest.fixture(scope="module")
def context() -> dict:
    master = load_master(SAMPLE_MASTER)
    with sample_inputs(master) as folder:
        checked = check_inputs(master, folder)
    results = compute(master, checked.values, checked.invalid)
    return build_context(build_chapter(master, results))


def test_committed_template_is_the_builders_output():
    assert LKJIP_TEMPLATE.read_bytes() == build_template(), (
        "input_templates/lkjip_bab3.docx is stale: python -m dev.lkjip_template")


def test_the_shipped_template_passes_and_its_blocks_are_found(context):
    assert template_problems(LKJIP_TEMPLATE.read_bytes(), LKJIP, context) == []
    found = template_check.analyse(LKJIP_TEMPLATE.read_bytes()).found
    assert {"measurement.rows", "s.years.rows", "s.final.rows", "s.standard.rows",
            "s.efficiency.rows", "budget.rows"} <= found.table_loops
    assert "sasaran" not in found.table_loops  # the loop over sasaran holds tables


def test_periksa_accepts_the_shipped_template():
    result = run_cli("templat", "periksa", LKJIP_TEMPLATE, "--jenis", "lkjip", "--tanpa-pdf")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[2] == ("Bagian wajib ada: tabel Pengukuran Kinerja, tabel skala predikat "
                        "capaian, analisis per sasaran (judul sasaran), tabel Realisasi "
                        "Anggaran.")
    assert lines[-1] == f"Templat LAYAK dipakai: iku lkjip --template {LKJIP_TEMPLATE}"


# --- damaged templates ---------------------------------------------------------------------------


def _paragraph(doc, text: str):
    for p in doc.paragraphs:
        if p.text == text:
            return p
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                for p in cell.paragraphs:
                    if p.text == text:
                        return p
    raise AssertionError(text)


def _set(doc, old: str, new: str) -> None:
    p = _paragraph(doc, old)
    for run in p.runs[1:]:
        run._r.getparent().remove(run._r)
    p.runs[0].text = new


def _delete(doc, text: str) -> None:
    p = _paragraph(doc, text)._p
    p.getparent().remove(p)


def _drop_table(doc, first_header: str) -> None:
    for table in doc.tables:  # rows[0]: the table's caption
        if table.rows[1].cells[0].text == first_header and \
                table.rows[1].cells[1].text == "Sasaran" and len(table.columns) == 8:
            table._tbl.getparent().remove(table._tbl)
            return
    raise AssertionError(first_header)


def _drop_scale(doc) -> None:
    table = _paragraph(doc, "{{ measurement.scale_caption }}")._p
    table = table.getparent().getparent().getparent()  # w:p → w:tc → w:tr → w:tbl
    table.getparent().remove(table)


def _keep(doc) -> None:  # a harmless edit: the template stays usable
    _paragraph(doc, "{{ intro }}").runs[0].bold = True


REQUIRED = ("Salin bagian itu kembali dari templat bawaan input_templates/ (lihat "
            "docs/TEMPLATE.md); boleh diubah gayanya, tetapi tidak boleh dihapus.")
DAMAGED = [
    ("tabel pengukuran dihapus", lambda d: _drop_table(d, "No"), [
        "bagian wajib tidak ada: tabel Pengukuran Kinerja (baris tabel berisi {%tr for … in "
        f"measurement.rows %}} dan {{%tr endfor %}}). {REQUIRED}"]),
    ("skala predikat dihapus", _drop_scale, [
        "bagian wajib tidak ada: tabel skala predikat capaian (baris tabel berisi {%tr for … "
        f"in measurement.scale_rows %}} dan {{%tr endfor %}}). {REQUIRED}"]),
    ("nama salah eja", lambda d: _set(d, "{{ measurement.scale_note }}",
                                       "{{ measurement.skala }}"), [
        "isi dokumen: «measurement.skala» pada tag «{{ measurement.skala }}» tidak disediakan "
        "program: «measurement» tidak punya «skala». Teks paragraf: «{{ measurement.skala }}». "
        "Perbaiki ejaannya; yang tersedia di «measurement»: average, basis, caption, "
        "formulas, head, rows, scale_caption, scale_note, scale_rows, sentences (lihat "
        "docs/TEMPLATE.md)."]),
    ("kurung tutup hilang", lambda d: _set(d, "{{ intro }}", "{{ intro }"), [
        "isi dokumen: tag «{{ intro }» dibuka dengan «{{» tetapi tidak ditutup dengan «}}» di "
        "paragraf yang sama. Lengkapi penutupnya (tag harus dibuka dan ditutup di satu "
        "paragraf), atau hapus tag itu. Teks paragraf: «{{ intro }»."]),
]


def variant(tmp_path: Path, change) -> Path:
    doc = Document(str(LKJIP_TEMPLATE))
    change(doc)
    path = tmp_path / "bab3_ubahan.docx"
    doc.save(str(path))
    return path


@pytest.mark.parametrize(("change", "expected"), [d[1:] for d in DAMAGED],
                         ids=[d[0] for d in DAMAGED])
def test_a_damaged_template_is_refused_with_every_problem(change, expected, tmp_path, context):
    assert template_problems(variant(tmp_path, change).read_bytes(), LKJIP, context) == expected


@pytest.mark.parametrize("index", [0, 3], ids=[DAMAGED[i][0] for i in (0, 3)])
def test_lkjip_refuses_a_damaged_template_and_keeps_the_old_chapter(index, tmp_path):
    template = variant(tmp_path, DAMAGED[index][1])
    out_dir = tmp_path / "hasil"
    out_dir.mkdir()
    old = out_dir / "bab3.docx"
    old.write_bytes(b"bab lama")
    before = folder_digest(out_dir)
    result = run_cli("lkjip", "--template", template, "--out", old, "--riwayat",
                     tmp_path / "tidak_ada.sqlite")
    assert result.exit_code == 1
    for problem in DAMAGED[index][2]:
        assert f"- {problem}" in result.stderr
    assert "Tidak ada berkas yang ditulis" in result.stderr
    assert folder_digest(out_dir) == before


def test_a_restyled_template_still_renders(tmp_path, context):
    def restyle(doc):
        _keep(doc)
        doc.styles["Narasi"].font.size = doc.styles["Normal"].font.size  # a style change
        extra = copy.deepcopy(_paragraph(doc, "{{ intro }}")._p)
        for t in extra.iter(qn("w:t")):
            t.text = ""
        extra.findall(f".//{qn('w:t')}")[0].text = "Kop: Pemerintah Kota Jambi"
        _paragraph(doc, "{{ intro }}")._p.addprevious(extra)

    template = variant(tmp_path, restyle)
    assert template_problems(template.read_bytes(), LKJIP, context) == []
    result = run_cli("lkjip", "--template", template, "--out", tmp_path / "bab3.docx",
                     "--riwayat", tmp_path / "tidak_ada.sqlite")
    assert result.exit_code == 0, result.output
    texts = [p.text for p in Document(str(tmp_path / "bab3.docx")).paragraphs]
    assert "Kop: Pemerintah Kota Jambi" in texts


# --- LibreOffice ---------------------------------------------------------------------------------


@pytest.mark.libreoffice
@pytest.mark.skipif(find_soffice() is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice (soffice) atau poppler-utils tidak terpasang")
def test_a_template_re_saved_by_libreoffice_still_works(tmp_path, context):
    from test_template_clients import pdf_text, soffice_resave

    resaved = soffice_resave(LKJIP_TEMPLATE, tmp_path)
    assert resaved.read_bytes() != LKJIP_TEMPLATE.read_bytes()
    assert template_problems(resaved.read_bytes(), LKJIP, context) == []
    out = tmp_path / "bab3.docx"
    result = run_cli("lkjip", "--template", resaved, "--out", out, "--pdf", "--riwayat",
                     tmp_path / "tidak_ada.sqlite")
    assert result.exit_code == 0, result.output
    text = " ".join(pdf_text(out.with_suffix(".pdf")).split())
    for expected in ("BAB III", "AKUNTABILITAS KINERJA", "A. CAPAIAN KINERJA ORGANISASI",
                     "Tabel 3.1 Skala predikat capaian kinerja", "Tabel 3.2 Pengukuran Kinerja",
                     "RATA-RATA CAPAIAN", "B. REALISASI ANGGARAN",
                     "Sasaran 1: Terselesainya masalah agama", "Gambar 3.1"):
        assert expected in text, expected
    periksa = run_cli("templat", "periksa", resaved, "--jenis", "lkjip")
    assert periksa.exit_code == 0, periksa.output
    assert "LibreOffice membuka contoh laporan itu: PDF" in periksa.stdout
