"""The Word template is checked before rendering: damaged templates are refused with the
tag and its paragraph named, and nothing is written (pipeline/word/template_check.py)."""

from __future__ import annotations

import copy
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from pipeline.annual.context import build_context
from pipeline.annual.report import IKU, render_report
from pipeline.compute import Results, compute
from pipeline.domain.master import load_master
from pipeline.errors import TemplateError
from pipeline.families import FAMILIES
from pipeline.paths import SAMPLE_MASTER, WORD_TEMPLATE
from pipeline.word import template_check
from pipeline.word.template_check import (
    TemplateCheckFailed,
    TemplateSpec,
    table_loop,
    template_problems,
)

from conftest import folder_digest, run_cli

# --- fixtures ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample():
    return load_master(SAMPLE_MASTER)


@pytest.fixture(scope="module")
def results(sample) -> Results:
    import pandas as pd

    rows = [(u, i.code, 1, 1, "") for i in sample.indicators for u in i.reporting_units]
    frame = pd.DataFrame(rows, columns=["unit", "code", "x1", "x2", "note"])
    return compute(sample, frame)


@pytest.fixture(scope="module")
def context(sample, results) -> dict:
    return build_context(sample, results)


def paragraph(doc, text: str):
    """The body paragraph (table cells included) whose whole text is ``text``."""
    for p in doc.paragraphs:
        if p.text == text:
            return p
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                for p in cell.paragraphs:
                    if p.text == text:
                        return p
    raise AssertionError(f"no paragraph {text!r} in the template")


def set_text(doc, old: str, new: str) -> None:
    p = paragraph(doc, old)
    for run in p.runs[1:]:
        run._r.getparent().remove(run._r)
    p.runs[0].text = new


def delete(doc, text: str) -> None:
    p = paragraph(doc, text)._p
    p.getparent().remove(p)


def insert_after(doc, text: str, new: str) -> None:
    p = paragraph(doc, text)
    new_p = copy.deepcopy(p._p)
    p._p.addnext(new_p)
    for t in new_p.iter(qn("w:t")):
        t.text = ""
    new_p.findall(f".//{qn('w:t')}")[0].text = new


def variant(tmp_path: Path, change: Callable, name: str = "templat_ubahan.docx") -> Path:
    doc = Document(str(WORD_TEMPLATE))
    change(doc)
    path = tmp_path / name
    doc.save(str(path))
    return path


# --- the shipped template and the registry -----------------------------------------------


@pytest.mark.parametrize("spec", list(FAMILIES.values()), ids=list(FAMILIES))
def test_every_shipped_template_passes_its_own_check(spec: TemplateSpec, context,
                                                     lkjip_context, sample, results):
    assert spec.template.is_file()
    from test_quarters import quarter_context

    from pipeline.annual.context import build_context as build_iku_context
    from pipeline.lkjip.complete import build_complete_context
    from pipeline.lkjip.model import build_chapter
    from pipeline.pk.context import build_context as build_pk_context
    from pipeline.pk.model import revision_of

    complete, _ = build_complete_context(build_chapter(sample, results),
                                         build_iku_context(sample, results),
                                         revision_of(sample))
    contexts = {"iku": context, "lkjip": lkjip_context,  # a new kind adds its context here
                "triwulan": quarter_context(),
                "pk": build_pk_context(sample, revision_of(sample)),
                "lkjip_lengkap": complete}
    assert template_problems(spec.template.read_bytes(), spec, contexts[spec.kind]) == []


@pytest.fixture(scope="module")
def lkjip_context(sample, results) -> dict:
    from pipeline.lkjip.context import build_context as build_lkjip_context
    from pipeline.lkjip.model import build_chapter

    return build_lkjip_context(build_chapter(sample, results))


def test_required_blocks_are_found_in_the_shipped_template():
    found = template_check.analyse(WORD_TEMPLATE.read_bytes()).found
    assert {"rpjmd.rows", "renstra.rows", "org.rows", "agency.rows"} <= found.table_loops
    assert "organisations" not in found.table_loops  # the loop over organisations is not in a table
    assert "signatory.name" in found.dotted


def test_the_check_is_cached_per_template_bytes():
    data = WORD_TEMPLATE.read_bytes()
    first = template_check.analyse(data)
    assert template_check.analyse(bytes(data)) is first
    assert template_check.analyse(data + b"\0") is not first  # other bytes: analysed again


def test_a_new_kind_of_document_is_one_spec(tmp_path, context):
    """A family is a ``TemplateSpec`` (and one line in ``families.FAMILIES``): the engine
    checks whatever spec it is handed, with its required blocks."""
    spec = TemplateSpec("uji_catatan", "dokumen uji", WORD_TEMPLATE,
                        (table_loop("notes", "tabel catatan"),))
    assert template_problems(WORD_TEMPLATE.read_bytes(), spec, context) == [
        "bagian wajib tidak ada: tabel catatan (baris tabel berisi {%tr for … in notes %} "
        "dan {%tr endfor %}). Salin bagian itu kembali dari templat bawaan input_templates/ "
        "(lihat docs/TEMPLATE.md); boleh diubah gayanya, tetapi tidak boleh dihapus."
    ]


# --- damaged templates: each refused with its message ------------------------------------


def _lost_brace_across_runs(doc) -> None:
    p = paragraph(doc, "{{ cover.title }}")
    p.runs[0].text = "{{ cover."
    p.add_run("title }").bold = True  # Word splits a tag into runs when formats differ


def _if_into_table(doc) -> None:
    kota = "{{ agency.region_label }}\t: {{ agency.city_upper }}"
    set_text(doc, kota, kota + "{% if draft %}")
    cell = doc.tables[2].rows[0].cells[0]
    cell.paragraphs[0].runs[0].text = "No{% endif %}"


def _section_break_paragraph(doc) -> None:
    breaks = [p for p in doc.paragraphs if p._p.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None]
    breaks[0].add_run("{%p if notes %}")
    end = copy.deepcopy(paragraph(doc, "{%p endif %}")._p)
    breaks[0]._p.addnext(end)


def _header_endif_deleted(doc) -> None:
    doc.sections[0].header.paragraphs[0].runs[0].text = "{% if draft %}DRAFT"


def _tr_outside_table(doc) -> None:
    insert_after(doc, "Catatan:", "{%tr for note in notes %}")
    insert_after(doc, "{%tr for note in notes %}", "{%tr endfor %}")


NAMES = ("agency, cover, draft, draft_notice, lampiran, notes, organisations, place_date, "
         "renstra, rpjmd, signatory, year")
RPJMD_KEYS = ("achievement, baseline, final_achievement, final_target, grade, indicator, no, "
              "previous, previous_realisation, realisation, sasaran, target")

DAMAGED = [
    ("kurung tutup hilang", lambda d: set_text(d, "{{ cover.title }}", "{{ cover.title }"), [
        "isi dokumen: tag «{{ cover.title }» dibuka dengan «{{» tetapi tidak ditutup dengan «}}» "
        "di paragraf yang sama. Lengkapi penutupnya (tag harus dibuka dan ditutup di satu "
        "paragraf), atau hapus tag itu. Teks paragraf: «{{ cover.title }»."]),
    ("kurung tutup hilang, tag terbagi dua run", _lost_brace_across_runs, [
        "isi dokumen: tag «{{ cover.title }» dibuka dengan «{{» tetapi tidak ditutup dengan «}}» "
        "di paragraf yang sama. Lengkapi penutupnya (tag harus dibuka dan ditutup di satu "
        "paragraf), atau hapus tag itu. Teks paragraf: «{{ cover.title }»."]),
    ("kurung buka hilang", lambda d: set_text(d, "{{ cover.title }}", "{ cover.title }}"), [
        "isi dokumen: penutup tag «}}» tanpa pembukanya. Bila sebuah tag kehilangan kurung "
        "kurawal pembuka, lengkapi menjadi {{ … }} atau {% … %}; bila tidak, hapus «}}». Teks "
        "paragraf: «{ cover.title }}»."]),
    ("kurung tunggal", lambda d: set_text(d, "{{ cover.year_line }}", "{cover.year_line}"), [
        "isi dokumen: kurung kurawal tunggal «{» di luar tag. Tag ditulis {{ nama }} atau "
        "{% … %} dengan kurung kurawal ganda; lengkapi, atau hapus kurung itu. Teks paragraf: "
        "«{cover.year_line}»."]),
    ("nama tidak dikenal", lambda d: set_text(d, "{{ place_date }}", "{{ tempat_tanggal }}"), [
        "isi dokumen: nama «tempat_tanggal» pada tag «{{ tempat_tanggal }}» tidak disediakan "
        "program. Teks paragraf: «{{ tempat_tanggal }}». Perbaiki ejaannya atau hapus tag itu; "
        f"nama yang tersedia: {NAMES} (lihat docs/TEMPLATE.md)."]),
    ("atribut tidak dikenal", lambda d: set_text(d, "{{ cover.year_line }}", "{{ cover.tahun }}"), [
        "isi dokumen: «cover.tahun» pada tag «{{ cover.tahun }}» tidak disediakan program: "
        "«cover» tidak punya «tahun». Teks paragraf: «{{ cover.tahun }}». Perbaiki ejaannya; "
        "yang tersedia di «cover»: agency_lines, title, year_line (lihat docs/TEMPLATE.md)."]),
    ("salah eja di baris tabel", lambda d: set_text(d, "{{ row.final_target }}",
                                                     "{{ row.target_akhir }}"), [
        "isi dokumen: «row.target_akhir» pada tag «{{ row.target_akhir }}» tidak disediakan "
        "program: «row» tidak punya «target_akhir». Teks paragraf: «{{ row.target_akhir }}». "
        f"Perbaiki ejaannya; yang tersedia di «row»: {RPJMD_KEYS} (lihat docs/TEMPLATE.md)."]),
    ("for tanpa endfor", lambda d: delete(d, "{%p endfor %}"), [
        "isi dokumen: blok «{%p for line in cover.agency_lines %}» tidak pernah ditutup: tag "
        "«{%p endfor %}» tidak ada (mungkin terhapus bersama paragraf, baris atau tabelnya). "
        "Teks paragraf: «{%p for line in cover.agency_lines %}». Kembalikan tag penutupnya, "
        "atau hapus blok itu seluruhnya."]),
    ("penutup salah", lambda d: set_text(d, "{%p endif %}", "{%p endfor %}"), [
        "isi dokumen: tag «{%p endfor %}» menutup blok «{%p if draft %}» (isi dokumen, paragraf "
        "«{%p if draft %}»), padahal blok itu harus ditutup dengan «{%p endif %}». Periksa "
        "pasangan tag pembuka dan penutup."]),
    ("{%p %} tidak sendirian", lambda d: set_text(d, "{%p if draft %}", "{%p if draft %} DRAFT"), [
        "isi dokumen: tag «{%p if draft %}» harus sendirian di paragrafnya (docxtpl menghapus "
        "seluruh paragraf itu ketika laporan dibuat, jadi teks lain di dalamnya akan hilang). "
        "Teks paragraf: «{%p if draft %} DRAFT». Pindahkan teks lain ke paragraf sendiri (tekan "
        "Enter sebelum dan sesudah tag)."]),
    ("{%tr %} di luar tabel", _tr_outside_table, [
        "isi dokumen: tag «{%tr for note in notes %}» harus berada di dalam tabel (di baris "
        "tabel), tetapi ada di luar tabel. Teks paragraf: «{%tr for note in notes %}».",
        "isi dokumen: tag «{%tr endfor %}» harus berada di dalam tabel (di baris tabel), tetapi "
        "ada di luar tabel. Teks paragraf: «{%tr endfor %}»."]),
    ("pemisah bagian di paragraf tag", _section_break_paragraph, [
        "isi dokumen: paragraf berisi tag «{%p if notes %}» juga memuat pemisah bagian (section "
        "break), yang akan ikut terhapus. Letakkan pemisah bagian di paragraf kosong "
        "tersendiri."]),
    ("if dibuka di paragraf, ditutup di tabel", _if_into_table, [
        "isi dokumen: tag «{% if draft %}» dan «{% endif %}» (isi dokumen, tabel ke-3) memotong "
        "susunan dokumen: yang satu di paragraf/baris/sel yang berbeda jenis atau tingkatnya "
        "dari yang lain, sehingga laporan akan rusak. Teks paragraf: "
        "«{{ agency.region_label }} : {{ agency.city_upper }}{% if draft %}» dan "
        "«No{% endif %}». Letakkan keduanya sebagai "
        "{%p … %} di paragraf tersendiri yang setingkat, atau {%tr … %} di baris tabel yang "
        "sama tabelnya."]),
    ("tag Jinja tidak sah", lambda d: set_text(d, "{{ cover.title }}", "{{ cover.title | }}"), [
        "isi dokumen: tag tidak sah menurut Jinja (expected token 'name', got 'end of print "
        "statement'). Teks paragraf: «{{ cover.title | }}». Periksa penulisan tag itu terhadap "
        "docs/TEMPLATE.md."]),
    ("endif hilang di kepala halaman", _header_endif_deleted, [
        "kepala halaman (header1.xml): blok «{% if draft %}» tidak pernah ditutup: tag "
        "«{% endif %}» tidak ada (mungkin terhapus bersama paragraf, baris atau tabelnya). Teks "
        "paragraf: «{% if draft %}DRAFT». Kembalikan tag penutupnya, atau hapus blok itu "
        "seluruhnya."]),
    ("tabel RPJMD dihapus", lambda d: d.tables[2]._tbl.getparent().remove(d.tables[2]._tbl), [
        "bagian wajib tidak ada: tabel Capaian IKU (RPJMD) (baris tabel berisi {%tr for … in "
        "rpjmd.rows %} dan {%tr endfor %}). Salin bagian itu kembali dari templat bawaan "
        "input_templates/ (lihat docs/TEMPLATE.md); boleh diubah gayanya, tetapi tidak boleh "
        "dihapus."]),
    ("tabel Renstra dihapus", lambda d: d.tables[3]._tbl.getparent().remove(d.tables[3]._tbl), [
        "bagian wajib tidak ada: tabel Capaian Sasaran Renstra (baris tabel berisi {%tr for … "
        "in renstra.rows %} dan {%tr endfor %}). Salin bagian itu kembali dari templat bawaan "
        "input_templates/ (lihat docs/TEMPLATE.md); boleh diubah gayanya, tetapi tidak boleh "
        "dihapus."]),
    ("nama penandatangan dihapus", lambda d: delete(d, "{{ signatory.name }}"), [
        "bagian wajib tidak ada: tanda tangan (nama penandatangan) (tag {{ signatory.name }}). "
        "Salin bagian itu kembali dari templat bawaan input_templates/ (lihat "
        "docs/TEMPLATE.md); boleh diubah gayanya, tetapi tidak boleh dihapus."]),
]


@pytest.fixture(scope="module")
def old_report(sample, results, tmp_path_factory) -> bytes:
    return render_report(sample, results, tmp_path_factory.mktemp("lama") / "l.docx").read_bytes()


@pytest.mark.parametrize(("change", "expected"), [d[1:] for d in DAMAGED],
                         ids=[d[0] for d in DAMAGED])
def test_damaged_template_is_refused_and_nothing_written(change, expected, tmp_path, sample,
                                                         results, old_report):
    template = variant(tmp_path, change)
    out_dir = tmp_path / "hasil"
    out_dir.mkdir()
    existing = out_dir / "Laporan_IKU_2021.docx"
    existing.write_bytes(old_report)
    before = folder_digest(out_dir)
    with pytest.raises(TemplateCheckFailed) as err:
        render_report(sample, results, existing, template)
    assert err.value.problems == expected
    assert folder_digest(out_dir) == before
    assert existing.read_bytes() == old_report


@pytest.mark.parametrize("index", [0, 4, 7, 15], ids=[DAMAGED[i][0] for i in (0, 4, 7, 15)])
def test_cli_refuses_a_damaged_template_and_keeps_the_old_report(index, tmp_path):
    template = variant(tmp_path, DAMAGED[index][1])
    out_dir = tmp_path / "hasil"
    out_dir.mkdir()
    report = out_dir / "laporan.docx"
    report.write_bytes(b"laporan lama")
    result = run_cli("report", "--template", template, "--out", report)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 1
    assert "Laporan ditulis" not in result.output
    for problem in DAMAGED[index][2]:
        assert f"- {problem}" in result.stderr
    assert "Tidak ada berkas yang ditulis" in result.stderr
    assert sorted(p.name for p in out_dir.iterdir()) == ["laporan.docx"]
    assert report.read_bytes() == b"laporan lama"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"bukan zip", "berkas ini bukan berkas .docx yang sah (bukan arsip zip)."),
        ("xml_rusak", "berkas templat rusak: bagian word/document.xml bukan XML yang sah: "),
    ],
)
def test_a_broken_package_is_refused_as_the_template(data, expected, context):
    if data == "xml_rusak":
        src = zipfile.ZipFile(WORD_TEMPLATE)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as dst:
            for item in src.infolist():
                blob = src.read(item.filename)
                if item.filename == "word/document.xml":
                    blob = blob.replace(b"</w:body>", b"</w:bod>")
                dst.writestr(item, blob)
        data = buf.getvalue()
    problems = template_problems(data, IKU, context)
    assert len(problems) == 1 and problems[0].startswith(expected)


def test_template_error_is_a_template_error(tmp_path, sample, results):
    template = variant(tmp_path, DAMAGED[0][1])
    with pytest.raises(TemplateError, match=r"tidak dapat dipakai \(1 masalah\)"):
        render_report(sample, results, tmp_path / "x.docx", template)
    assert not (tmp_path / "x.docx").exists()


# --- iku templat periksa -----------------------------------------------------------------


def test_periksa_accepts_the_shipped_template():
    result = run_cli("templat", "periksa", WORD_TEMPLATE, "--tanpa-pdf")
    assert result.exception is None, result.output
    assert result.exit_code == 0
    tags = template_check.analyse(WORD_TEMPLATE.read_bytes()).found.tags
    assert result.stdout.splitlines()[1:] == [
        f"Tag, blok dan nama: sah ({tags} tag).",
        "Bagian wajib ada: tabel Capaian IKU (RPJMD), tabel Capaian Sasaran Renstra, tanda "
        "tangan (nama penandatangan).",
        result.stdout.splitlines()[3],
        "Uji buka di LibreOffice dilewati (--tanpa-pdf).",
        f"Templat LAYAK dipakai: iku report --template {WORD_TEMPLATE}",
    ]
    assert result.stdout.splitlines()[3].startswith(
        "Contoh laporan dibuat dengan templat ini dan diperiksa: sah (")
    assert tags > 90


def test_periksa_refuses_a_damaged_template(tmp_path):
    template = variant(tmp_path, DAMAGED[0][1])
    before = folder_digest(tmp_path)
    result = run_cli("templat", "periksa", template)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"GALAT: {DAMAGED[0][2][0]}",
        "Templat TIDAK layak dipakai: 1 masalah. Perbaiki templat lalu jalankan lagi "
        f"`iku templat periksa {template}`.",
    ]
    assert folder_digest(tmp_path) == before


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--jenis", "kuartal"], 2, "GALAT: jenis templat «kuartal» tidak dikenal; pilih salah "
                                    "satu: iku, lkjip, lkjip_lengkap, pk, triwulan"),
        ([], 1, "GALAT: templat Word tidak ditemukan: {missing}"),
    ],
)
def test_periksa_usage(args, code, message, tmp_path):
    missing = tmp_path / "tidak_ada.docx"
    target = WORD_TEMPLATE if args else missing
    result = run_cli("templat", "periksa", target, "--tanpa-pdf", *args)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == code
    assert result.stderr.splitlines()[0].startswith(message.format(missing=missing))


def test_a_word_template_file_dotx_is_refused_with_a_hint(tmp_path, sample, results):
    src = zipfile.ZipFile(WORD_TEMPLATE)
    dotx = tmp_path / "templat.dotx"
    with zipfile.ZipFile(dotx, "w") as dst:
        for item in src.infolist():
            blob = src.read(item.filename)
            if item.filename == "[Content_Types].xml":
                blob = blob.replace(b"document.main+xml", b"template.main+xml")
            dst.writestr(item, blob)
    with pytest.raises(TemplateError) as err:
        render_report(sample, results, tmp_path / "x.docx", dotx)
    assert str(err.value) == (
        f"templat Word {dotx} bukan berkas .docx yang sah (is not a Word file, content type is "
        "'application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml'); "
        "simpan sebagai Dokumen Word (.docx), bukan templat Word (.dotx) atau format lain."
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["templat.dotx"]


@pytest.mark.parametrize("path", ["direct", "docxtpl"])
def test_without_the_check_the_strict_parse_still_refuses(tmp_path, sample, results,
                                                          monkeypatch, path):
    """docxtpl parses the rendered body with recover=True, which would quietly drop what
    it cannot read; the body is parsed strictly first, so a template that slipped past the
    check is still refused as the template's fault (exit 1), not written. Both ways of
    rendering: on the template's XML (``direct``, every report without a chart) and
    through docxtpl (charts, footnotes)."""
    from pipeline.word import direct, render

    template = variant(tmp_path, _if_into_table)
    monkeypatch.setattr(render, "check_template", lambda *args: None)
    monkeypatch.setattr(direct, "check_template", lambda *args: None)
    if path == "docxtpl":
        monkeypatch.setattr(direct, "_prepared", lambda *args: None)
    with pytest.raises(TemplateError) as err:
        render_report(sample, results, tmp_path / "x.docx", template)
    message = str(err.value)
    assert message.startswith(f"templat Word {template} menghasilkan dokumen yang rusak (")
    assert message.endswith(
        "biasanya karena tag blok ({% if %}, {% for %}) dibuka di satu paragraf dan ditutup di "
        f"paragraf lain. Periksa dengan `iku templat periksa {template}`; laporan TIDAK dibuat."
    )
    assert not (tmp_path / "x.docx").exists()


def test_problems_of_different_stages_are_listed_together(tmp_path, context):
    def lost_brace_and_table(doc) -> None:
        DAMAGED[0][1](doc)
        doc.tables[2]._tbl.getparent().remove(doc.tables[2]._tbl)

    template = variant(tmp_path, lost_brace_and_table)
    assert template_problems(template.read_bytes(), IKU, context) == DAMAGED[0][2] + DAMAGED[15][2]
