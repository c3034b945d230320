"""The Perjanjian Kinerja's Word template (input_templates/perjanjian_kinerja.docx):
reproducible from dev/pk_template.py, checked like every family's template (`iku templat
periksa --jenis pk`), refused when damaged with nothing written, still good restyled and
after LibreOffice re-saves it."""

from __future__ import annotations

import shutil

import docx
import pytest
from docx.shared import Pt

from dev.pk_template import build_template
from pipeline.domain.master import load_master
from pipeline.office.libreoffice import find_soffice
from pipeline.paths import PK_TEMPLATE, SAMPLE_MASTER
from pipeline.pk.context import build_context
from pipeline.pk.model import revision_of
from pipeline.pk.render import PK
from pipeline.word import template_check
from pipeline.word.template_check import template_problems

from conftest import folder_digest, run_cli

BENGKULU = PK_TEMPLATE.parent / "master" / "contoh" / "kesbangpol_kota_bengkulu_2022.yaml"


@pytest.fixture(scope="module")
def context() -> dict:
    master = load_master(SAMPLE_MASTER)
    return build_context(master, revision_of(master))


def test_committed_template_is_the_builders_output():
    assert PK_TEMPLATE.read_bytes() == build_template(), (
        "input_templates/perjanjian_kinerja.docx is stale: python -m dev.pk_template")


def test_the_shipped_template_passes_and_its_blocks_are_found(context):
    assert template_problems(PK_TEMPLATE.read_bytes(), PK, context) == []
    found = template_check.analyse(PK_TEMPLATE.read_bytes()).found
    assert {"pk.targets.rows", "pk.programs.rows"} <= found.table_loops
    assert {"pk.first.name", "pk.second.name", "pk.place_date"} <= found.dotted


def test_periksa_accepts_the_shipped_template():
    result = run_cli("templat", "periksa", PK_TEMPLATE, "--jenis", "pk", "--tanpa-pdf")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[2] == ("Bagian wajib ada: pernyataan: nama pihak pertama, pernyataan: nama "
                        "pihak kedua, tempat dan tanggal penandatanganan, lampiran: tabel "
                        "sasaran strategis, indikator dan target, lampiran: tabel program dan "
                        "anggaran.")
    assert lines[-1] == f"Templat LAYAK dipakai: iku pk --template {PK_TEMPLATE}"


def _without_targets_loop(doc) -> None:
    table = next(t for t in doc.tables if "SASARAN STRATEGIS" in t.rows[0].cells[1].text)
    for row in list(table.rows)[2:]:
        if "pk.targets.rows" in row.cells[0].text or "endfor" in row.cells[0].text:
            table._tbl.remove(row._tr)
    for cell in table.rows[2].cells:
        for p in cell.paragraphs:
            for run in p.runs:
                run.text = ""


def test_a_damaged_template_is_refused_and_the_old_pk_kept(tmp_path):
    doc = docx.Document(str(PK_TEMPLATE))
    _without_targets_loop(doc)
    template = tmp_path / "rusak.docx"
    doc.save(str(template))
    out_dir = tmp_path / "hasil"
    out_dir.mkdir()
    old = out_dir / "pk.docx"
    old.write_bytes(b"PK lama")
    before = folder_digest(out_dir)
    result = run_cli("pk", "--template", template, "--out", old, "--riwayat",
                     tmp_path / "r.sqlite")
    assert result.exit_code == 1
    assert ("- bagian wajib tidak ada: lampiran: tabel sasaran strategis, indikator dan target "
            "(baris tabel berisi {%tr for … in pk.targets.rows %} dan {%tr endfor %})"
            ) in result.stderr
    assert "tidak dapat dipakai (1 masalah)" in result.stderr
    assert folder_digest(out_dir) == before
    assert not (tmp_path / "r.sqlite").exists()  # nothing recorded either


def test_a_restyled_template_still_renders(tmp_path, context):
    doc = docx.Document(str(PK_TEMPLATE))
    doc.styles["Normal"].font.name = "Times New Roman"
    doc.styles["Isi PK"].font.size = Pt(12)
    kop = next(p for p in doc.paragraphs if p.text == "{{ pk.government }}")
    kop.insert_paragraph_before("LOGO DAN KOP SURAT", style="Kop Pemerintah")
    template = tmp_path / "diubah_gaya.docx"
    doc.save(str(template))
    assert template_problems(template.read_bytes(), PK, context) == []
    out = tmp_path / "pk.docx"
    result = run_cli("pk", "-c", BENGKULU, "--template", template, "--out", out,
                     "--riwayat", tmp_path / "r.sqlite")
    assert result.exit_code == 0, result.output
    rendered = docx.Document(str(out))
    assert [p.text for p in rendered.paragraphs[:2]] == ["LOGO DAN KOP SURAT",
                                                        "PEMERINTAH KOTA BENGKULU"]
    assert rendered.styles["Normal"].font.name == "Times New Roman"
    rows = [[c.text for c in r.cells] for t in rendered.tables for r in t.rows]
    assert ["2", "Program Pemberdayaan dan Pengawasan Organisasi Kemasyarakatan",
            "185.000.000", "APBD"] in rows


@pytest.mark.libreoffice
@pytest.mark.skipif(find_soffice() is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice (soffice) atau poppler-utils tidak terpasang")
def test_a_template_re_saved_by_libreoffice_still_works(tmp_path, context):
    from test_template_clients import pdf_text, soffice_resave

    resaved = soffice_resave(PK_TEMPLATE, tmp_path)
    assert resaved.read_bytes() != PK_TEMPLATE.read_bytes()
    assert template_problems(resaved.read_bytes(), PK, context) == []
    out = tmp_path / "pk.docx"
    result = run_cli("pk", "-c", BENGKULU, "--template", resaved, "--out", out, "--pdf",
                     "--riwayat", tmp_path / "r.sqlite")
    assert result.exit_code == 0, result.output
    text = " ".join(pdf_text(out.with_suffix(".pdf")).split())
    for expected in ("PERJANJIAN KINERJA TAHUN 2022", "PIHAK KEDUA,", "PIHAK PERTAMA,",
                     "LAMPIRAN PERJANJIAN KINERJA TAHUN 2022", "625.000.000"):
        assert expected in text, expected
    periksa = run_cli("templat", "periksa", resaved, "--jenis", "pk")
    assert periksa.exit_code == 0, periksa.output
    assert "LibreOffice membuka contoh laporan itu: PDF 2 halaman." in periksa.stdout


def test_the_pk_block_is_reusable_inside_another_document(tmp_path):
    """The complete LKjIP carries the PK as pages of its own: the builder's block written
    into another document, fed ``pk_part`` under ``pk``, renders the same rows."""
    from dev import word_template as wt
    from dev.pk_template import write_pk, write_pk_styles
    from pipeline.pk.context import pk_part
    from pipeline.pk.render import PK_BLOCKS
    from pipeline.word.render import render_document
    from pipeline.word.template_check import TemplateSpec

    doc = docx.Document()
    wt._write_styles(doc)
    write_pk_styles(doc)
    wt._write_table_style(doc)
    doc.add_paragraph("BAB I PENDAHULUAN", style="Heading 1")
    doc.add_paragraph("{{ chapter }}")
    write_pk(doc, new_page=True)
    template = tmp_path / "lain.docx"
    doc.save(str(template))
    master = load_master(BENGKULU)
    spec = TemplateSpec("lain", "dokumen lain", template, PK_BLOCKS, signed=False)
    context = {"chapter": "Isi bab.", "pk": pk_part(master, revision_of(master))}
    rendered = render_document(context, template, spec)
    texts = [p.text for p in rendered.docx.paragraphs]
    assert texts[:2] == ["BAB I PENDAHULUAN", "Isi bab."]
    assert "PERJANJIAN KINERJA TAHUN 2022" in texts
    government = next(p for p in rendered.docx.paragraphs
                      if p.text == "PEMERINTAH KOTA BENGKULU")
    assert government.paragraph_format.page_break_before
    rows = [[c.text for c in r.cells] for t in rendered.docx.tables for r in t.rows]
    assert ["JUMLAH", "JUMLAH", "625.000.000", ""] in rows
