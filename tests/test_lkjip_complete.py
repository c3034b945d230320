"""`iku lkjip --lengkap`, the complete LKjIP (issue 22 §2), end to end through the CLI.

Two agencies, each year recorded by `iku report` and its Perjanjian Kinerja by `iku pk`:
the bundled sample (Kota Jambi 2021, its master given the optional facts of Bab I and
Bab II: visi, misi, pegawai, unit heads) and the Banyuwangi 2025 example, whose
indicators are partly met and partly not. The documents are read back with python-docx
and as raw XML: every part in order, the TOC fields and ``w:updateFields``, the page
numbers LibreOffice laid out, the Ikhtisar's figures against the yearly report's own
Capaian table (counted here), the Kata Pengantar's signature against the master, the
Lampiran's tables against the yearly report and the Perjanjian Kinerja, Word's element
order, a byte-identical rerun, LibreOffice's PDF and the page-layout check; and the
Indonesian messages of what cannot be built.
"""

from __future__ import annotations

import copy
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from docx import Document
from lxml import etree

from pipeline import paths
from pipeline.office.libreoffice import find_soffice
from pipeline.word.strict import order_problems

import layout_check
from conftest import closing_texts, run_cli, table_texts

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
BANYUWANGI = paths.EXAMPLE_MASTERS / "pemkab_banyuwangi_2025.yaml"
needs_soffice = pytest.mark.skipif(find_soffice() is None,
                                   reason="LibreOffice (soffice) tidak terpasang")

# The sample master with the optional facts the complete LKjIP prints (issue 22 §2).
EXTRA_FACTS = '''  tempat_laporan: "Jambi"
  visi: "Terwujudnya Kota Jambi yang aman, rukun dan berwawasan kebangsaan"
  misi:
    - "Meningkatkan kerukunan dan ketahanan masyarakat"
    - "Meningkatkan partisipasi politik masyarakat"
  periode_renstra: "2018-2023"
  pegawai:
    golongan: {IV: 6, III: 21, II: 7}
    pendidikan: {S2: 5, S1: 19, SMA: 10}
'''
HEAD = "Drs. KEPALA BIDANG POLITIK"


def _ok(result) -> None:
    assert result.exit_code == 0, result.output


def _sample_master(folder: Path) -> Path:
    text = paths.SAMPLE_MASTER.read_text(encoding="utf-8")
    place = '  tempat_laporan: "Jambi"\n'
    unit = '  - kode: POLITIK\n'
    assert text.count(place) == 1 and text.count(unit) == 1
    text = text.replace(place, EXTRA_FACTS).replace(unit, f'{unit}    kepala: "{HEAD}"\n')
    path = folder / "master.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    """Each agency's yearly report, PK and complete LKjIP (the sample's twice)."""
    tmp = tmp_path_factory.mktemp("lkjip_lengkap")
    out: dict[str, Path] = {"master": _sample_master(tmp)}
    history = tmp / "riwayat.sqlite"
    inputs = tmp / "isian_contoh"
    _ok(run_cli("sample", "-c", out["master"], "--out", inputs))
    _ok(run_cli("report", "-c", out["master"], "-i", inputs, "--riwayat", history,
                "--out", tmp / "laporan.docx"))
    _ok(run_cli("pk", "-c", out["master"], "--riwayat", history, "--out", tmp / "pk.docx"))
    first = run_cli("lkjip", "--lengkap", "-c", out["master"], "--riwayat", history,
                    "--out", tmp / "lkjip.docx")
    _ok(first)
    out["stdout"], out["stderr"] = first.stdout, first.stderr
    _ok(run_cli("lkjip", "--lengkap", "-c", out["master"], "--riwayat", history,
                "--out", tmp / "lkjip_lagi.docx"))
    bw_inputs = tmp / "isian_banyuwangi"
    _ok(run_cli("sample", "-c", BANYUWANGI, "--out", bw_inputs))
    _ok(run_cli("report", "-c", BANYUWANGI, "-i", bw_inputs, "--riwayat", history,
                "--out", tmp / "laporan_bw.docx"))
    _ok(run_cli("pk", "-c", BANYUWANGI, "--riwayat", history, "--out", tmp / "pk_bw.docx"))
    _ok(run_cli("lkjip", "--lengkap", "-c", BANYUWANGI, "--riwayat", history,
                "--out", tmp / "lkjip_bw.docx"))
    out.update({name: tmp / f"{name}.docx" for name in (
        "laporan", "pk", "lkjip", "lkjip_lagi", "laporan_bw", "pk_bw", "lkjip_bw")})
    out["history"], out["tmp"] = history, tmp
    return out


def _paragraphs(path: Path) -> list[tuple[str, str]]:
    """(style name, text) of every non-empty body paragraph, in order."""
    return [(p.style.name, p.text) for p in Document(path).paragraphs if p.text.strip()]


def _xml(path: Path, part: str) -> etree._Element:
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read(part))


# --- the parts --------------------------------------------------------------------------


PARTS = ["LAPORAN KINERJA INSTANSI PEMERINTAH", "KATA PENGANTAR", "IKHTISAR EKSEKUTIF",
         "DAFTAR ISI", "DAFTAR TABEL", "DAFTAR GAMBAR", "BAB I\nPENDAHULUAN",
         "BAB II\nPERENCANAAN KINERJA", "BAB III\nAKUNTABILITAS KINERJA", "BAB IV\nPENUTUP",
         "LAMPIRAN", "Lampiran 1. Perjanjian Kinerja Tahun 2021",
         "Lampiran 2. Indikator Kinerja Utama (IKU) Tahun 2021",
         "Lampiran 3. Capaian Indikator Kinerja Utama (IKU) Tahun 2021"]


def test_every_part_in_order(built):
    texts = [text for style, text in _paragraphs(built["lkjip"])
             if not style.startswith("Daftar Isi")]  # not the entries of the lists
    at = [texts.index(part) for part in PARTS]
    assert at == sorted(at), list(zip(PARTS, at, strict=True))
    # Bab III is today's chapter: its measurement method and each sasaran's analysis
    bab3 = texts[at[8]:at[9]]
    assert any(t.startswith("Sasaran 1: ") for t in bab3)
    assert any("Realisasi Anggaran" in t or "REALISASI ANGGARAN" in t for t in bab3)
    # the front matter counts i, ii, …; the chapters 1, 2, … (the cover: none)
    sections = _xml(built["lkjip"], "word/document.xml").findall(".//w:sectPr", NS)
    numbering = [(s.find("w:pgNumType", NS).get(f"{{{W}}}fmt"),
                  s.find("w:pgNumType", NS).get(f"{{{W}}}start"))
                 for s in sections if s.find("w:pgNumType", NS) is not None]
    assert numbering[:2] == [("lowerRoman", "1"), ("decimal", "1")]


def test_the_cover_names_the_agency_and_its_government_once(built):
    cover = [t for s, t in _paragraphs(built["lkjip"]) if s.startswith(("Title", "Sampul"))]
    assert cover == ["LAPORAN KINERJA INSTANSI PEMERINTAH", "(LKjIP)", "TAHUN 2021",
                     "PEMERINTAH KOTA JAMBI", "BADAN KESATUAN BANGSA DAN POLITIK KOTA JAMBI"]
    cover = [t for s, t in _paragraphs(built["lkjip_bw"]) if s.startswith(("Title", "Sampul"))]
    assert cover[2:] == ["TAHUN 2025", "PEMERINTAH KABUPATEN BANYUWANGI"]  # not twice


def test_bab_i_and_ii_carry_the_masters_facts(built):
    doc = Document(built["lkjip"])
    texts = [p.text for p in doc.paragraphs]
    assert "\u201cTerwujudnya Kota Jambi yang aman, rukun dan berwawasan kebangsaan\u201d" \
        in texts
    assert "1. Meningkatkan kerukunan dan ketahanan masyarakat" in texts
    tables = table_texts(doc)
    heads = next(t for t in tables if t[0] == ["No", "Unit Kerja", "Pimpinan"])
    master = yaml.safe_load(built["master"].read_text(encoding="utf-8"))
    assert [r[1] for r in heads[1:]] == [
        master["instansi"]["penandatangan"]["jabatan"],
        *[u["nama"] for u in master["unit"]]]
    assert [r[2] for r in heads[1:] if r[1].startswith("Bidang Politik")] == [HEAD]
    rank = next(t for t in tables if t[0] == ["Golongan", "Jumlah (orang)"])
    assert rank[1:] == [["IV", "6"], ["III", "21"], ["II", "7"], ["JUMLAH", "34"]]
    education = next(t for t in tables if t[0] == ["Pendidikan", "Jumlah (orang)"])
    assert education[-1] == ["JUMLAH", "34"]
    assert "Pelaksanaan tugas Badan Kesatuan Bangsa dan Politik Kota Jambi didukung oleh " \
           "34 orang pegawai, dengan rincian sebagai berikut." in texts


def test_a_master_workbook_gives_the_same_document(built, tmp_path):
    """The new keys have their cells in the master workbook (issue 24): the workbook made
    from the YAML master gives the same bytes."""
    book = tmp_path / "master.xlsx"
    _ok(run_cli("master", "ke-xlsx", built["master"], "--out", book))
    out = tmp_path / "lkjip.docx"
    _ok(run_cli("lkjip", "--lengkap", "-c", book, "--riwayat", built["history"],
                "--out", out))
    assert out.read_bytes() == built["lkjip"].read_bytes()


def test_the_table_of_contents_is_a_word_field_that_word_updates(built):
    body = _xml(built["lkjip"], "word/document.xml")
    instructions = [t.text for t in body.iter(f"{{{W}}}instrText")]
    assert ' TOC \\o "1-3" \\h \\z \\u ' in instructions
    assert ' TOC \\h \\z \\t "Keterangan Tabel,1" ' in instructions
    settings = _xml(built["lkjip"], "word/settings.xml")
    update = settings.find("w:updateFields", NS)
    assert update is not None and update.get(f"{{{W}}}val") == "true"
    # every entry links to a bookmark that exists, on the heading it names
    marks = {b.get(f"{{{W}}}name"): b.getparent()
             for b in body.iter(f"{{{W}}}bookmarkStart")}
    links = list(body.iter(f"{{{W}}}hyperlink"))
    assert len(links) > 20
    for link in links:
        anchor = link.get(f"{{{W}}}anchor")
        assert anchor in marks
        entry = "".join(link.xpath("./w:r[1]/w:t/text()", namespaces=NS))  # then the page
        heading = " ".join("".join(e if isinstance(e, str) else " " for e in marks[anchor].xpath(
            ".//w:t/text()|.//w:tab|.//w:br", namespaces=NS)).split())
        assert entry == heading, (entry, heading)


@needs_soffice
def test_the_contents_show_the_pages_libreoffice_lays_out(built):
    """The page numbers written into the Daftar Isi are those of LibreOffice's own layout
    of the document: roman in the front matter, arabic from Bab I."""
    entries = {style_text[1].split("\t")[0]: style_text[1].split("\t")[-1]
               for style_text in _paragraphs(built["lkjip"])
               if style_text[0].startswith("Daftar Isi") and "\t" in style_text[1]}
    assert entries["KATA PENGANTAR"] == "i"
    assert entries["IKHTISAR EKSEKUTIF"] == "ii"
    assert entries["BAB I PENDAHULUAN"] == "1"
    pdf = layout_check.convert([built["lkjip"]], built["tmp"] / "pdf_halaman")[0]
    pages = layout_check.read_pdf(pdf)
    numbers = {}  # a chapter title → the page number printed in its page's footer
    for page in pages:
        lines = [ln.text.strip() for ln in page.lines]
        for chapter in ("BAB II", "BAB III", "BAB IV", "LAMPIRAN"):
            if chapter in lines[:3] and chapter not in numbers:
                numbers[chapter] = lines[-1]
    assert numbers["BAB II"] == entries["BAB II PERENCANAAN KINERJA"]
    assert numbers["BAB III"] == entries["BAB III AKUNTABILITAS KINERJA"]
    assert numbers["BAB IV"] == entries["BAB IV PENUTUP"]
    assert numbers["LAMPIRAN"] == entries["LAMPIRAN"]


# --- the figures ------------------------------------------------------------------------


WORDS = {4: "empat", 6: "enam", 7: "tujuh", 13: "tiga belas"}


def test_the_ikhtisar_figures_are_the_reports(built):
    """Counted here from the yearly report's RPJMD Capaian table: the indicators, the
    sasaran, how many reach 100% capaian and how many do not, the average row."""
    (rpjmd,) = [t for t in table_texts(Document(built["laporan_bw"]))
                if t[1][-1] == "% Capaian" and t[-1][0].startswith("RATA-RATA")]
    rows = rpjmd[2:-1]
    capaian = [Decimal(r[-1].rstrip("%*").replace(".", "").replace(",", ".")) for r in rows]
    met = sum(c >= 100 for c in capaian)
    short = len(capaian) - met
    sasaran = len({r[0] for r in rows})
    average = rpjmd[-1][-1]
    texts = [t for s, t in _paragraphs(built["lkjip_bw"]) if s == "Normal Rata"]
    start = next(i for i, t in enumerate(texts) if t.startswith("Laporan Kinerja"))
    summary = texts[start:start + 6]
    assert (f"telah ditetapkan {sasaran} ({WORDS[sasaran]}) sasaran strategis dengan "
            f"{len(rows)} ({WORDS[len(rows)]}) indikator kinerja utama.") in summary[1]
    assert summary[2] == (f"Hasil pengukuran kinerja menunjukkan {met} ({WORDS[met]}) "
                          f"indikator mencapai atau melampaui target dan {short} "
                          f"({WORDS[short]}) indikator belum mencapai target.")
    assert f"Rata-rata capaian seluruh indikator sebesar {average} " in " ".join(summary)
    assert (met, short, average) == (7, 6, "100,74%")  # the example's figures, as checked
    # Bab IV says the same counts and average
    conclusion = next(t for t in texts if t.startswith("Pada tahun 2025, "))
    assert conclusion.endswith(
        f"strategis: {met} ({WORDS[met]}) indikator mencapai atau melampaui target dan "
        f"{short} ({WORDS[short]}) indikator belum mencapai target.")
    sample = [t for s, t in _paragraphs(built["lkjip"]) if t.startswith("Pada tahun 2021, ")]
    assert sample[0].endswith(": 4 (empat) indikator mencapai atau melampaui target.")


def test_the_lampiran_holds_the_reports_and_the_pks_tables(built):
    for report, pk, lkjip in (("laporan", "pk", "lkjip"), ("laporan_bw", "pk_bw", "lkjip_bw")):
        complete = table_texts(Document(built[lkjip]))
        yearly = table_texts(Document(built[report]))
        capaian = [t for t in yearly if any("% Capaian" in c for c in t[1])]
        assert capaian
        for table in capaian:  # the Capaian tables, every figure as the report prints it
            assert table in complete
        (targets, *_) = [t for t in table_texts(Document(built[pk]))
                         if t[0][:2] == ["NO", "SASARAN STRATEGIS"]]
        # the PK's targets in Bab II and in Lampiran 1
        assert sum(t == targets for t in complete) == 2, targets


def test_the_kata_pengantar_is_signed_by_the_head(built):
    master = yaml.safe_load(built["master"].read_text(encoding="utf-8"))
    signer = master["instansi"]["penandatangan"]
    texts = [t for _, t in _paragraphs(built["lkjip"])]
    at = texts.index("KATA PENGANTAR")
    block = texts[at + 2:at + 7]
    # the name as the signed yearly report prints it (the same cleaning)
    name = next(t for t in closing_texts(Document(built["laporan"]))
                if t.upper().startswith("DRS."))
    # the place, and dots for the day the head signs
    assert re.fullmatch(f"{master['instansi']['tempat_laporan']}, \u2026+", block[0])
    assert block[1:] == [signer["jabatan"], name, signer["pangkat"], f"NIP. {signer['nip']}"]
    assert texts[at + 7] == "IKHTISAR EKSEKUTIF"


# --- the document's guarantees ------------------------------------------------------------


def test_words_element_order_and_a_byte_identical_rerun(built):
    assert order_problems(built["lkjip"].read_bytes()) == []
    assert order_problems(built["lkjip_bw"].read_bytes()) == []
    assert built["lkjip_lagi"].read_bytes() == built["lkjip"].read_bytes()
    before = built["lkjip"].stat().st_mtime_ns
    again = run_cli("lkjip", "--lengkap", "-c", built["master"], "--riwayat",
                    built["history"], "--out", built["lkjip"])
    _ok(again)
    assert built["lkjip"].stat().st_mtime_ns == before  # the same bytes: not rewritten
    assert built["stdout"].endswith(f"{built['lkjip']}\n")


@pytest.mark.libreoffice
@pytest.mark.skipif(layout_check.needs() is not None,
                    reason=f"LibreOffice/poppler: {layout_check.needs()}")
def test_libreoffice_lays_it_out_without_a_stranded_heading(built):
    docs = [built["lkjip"], built["lkjip_bw"]]
    pdfs = layout_check.convert(docs, built["tmp"] / "pdf")
    for docx, pdf in zip(docs, pdfs, strict=True):
        assert pdf.stat().st_size > 50_000
        problems = layout_check.check(docx, pdf)
        assert not problems, f"{docx.name}:\n" + "\n".join(map(str, problems))


# --- what cannot be built ---------------------------------------------------------------


def test_a_year_not_recorded_is_named_with_its_history(built, tmp_path):
    empty = tmp_path / "kosong.sqlite"
    out = tmp_path / "lkjip.docx"
    result = run_cli("lkjip", "--lengkap", "-c", BANYUWANGI, "--riwayat", empty,
                     "--out", out, debug=False)
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"GALAT: tahun 2025 Pemerintah Kabupaten Banyuwangi belum tercatat di riwayat "
        f"{empty}, jadi LKjIP tidak tahu angka tahunnya.")
    assert "lalu jalankan `iku lkjip --lengkap -c MASTER` lagi" in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists() and not empty.exists()


def test_a_missing_figure_is_named_at_its_cell(built, tmp_path):
    inputs = tmp_path / "isian"
    _ok(run_cli("sample", "-c", BANYUWANGI, "--out", inputs))
    import openpyxl

    (book,) = sorted(inputs.glob("*.xlsx"))
    wb = openpyxl.load_workbook(book)
    ws = wb["Isian"]
    cell = next(c for (c,) in ws.iter_rows(min_col=5, max_col=5)
                if isinstance(c.value, (int, float)))
    cell.value = None
    wb.save(book)
    out = tmp_path / "lkjip.docx"
    result = run_cli("lkjip", "--lengkap", "-c", BANYUWANGI, "-i", inputs, "--out", out,
                     "--riwayat", tmp_path / "r.sqlite", debug=False)
    assert result.exit_code == 1
    assert re.search(rf"GALAT: {re.escape(book.name)} › Isian!E{cell.row}: \S+ belum diisi",
                     result.stderr), result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()


def test_a_wrong_staff_count_is_named_in_the_master(built, tmp_path):
    master = tmp_path / "master.yaml"
    text = built["master"].read_text(encoding="utf-8")
    master.write_text(text.replace("{IV: 6,", "{IV: enam,"), encoding="utf-8")
    result = run_cli("lkjip", "--lengkap", "-c", master, "--riwayat", built["history"],
                     "--out", tmp_path / "lkjip.docx", debug=False)
    assert result.exit_code == 1, result.output
    assert f"GALAT: {master.name}" in result.stderr or str(master) in result.stderr
    assert "pegawai" in result.stderr and "golongan" in result.stderr
    assert "Traceback" not in result.output


def test_committed_template_is_the_builders_output():
    from dev.lkjip_full_template import build_template

    assert build_template() == build_template()  # deterministic
    assert paths.LKJIP_COMPLETE_TEMPLATE.read_bytes() == build_template(), (
        "input_templates/lkjip_lengkap.docx is stale: python -m dev.lkjip_full_template")


# --- the template in other hands ------------------------------------------------------------


def _edited_template(tmp_path: Path, change) -> Path:
    doc = Document(str(paths.LKJIP_COMPLETE_TEMPLATE))
    change(doc)
    path = tmp_path / "lkjip_lengkap_ubahan.docx"
    doc.save(str(path))
    return path


def test_a_restyled_template_still_makes_the_document(built, tmp_path):
    def restyle(doc):
        doc.styles["Judul Bab"].font.size = doc.styles["Normal"].font.size  # a style change
        cover = next(p for p in doc.paragraphs if p.text == "{{ cover.title }}")
        letterhead = copy.deepcopy(cover._p)
        for t in letterhead.iter(f"{{{W}}}t"):
            t.text = "Kop: Pemerintah Kota Jambi"
        cover._p.addprevious(letterhead)

    template = _edited_template(tmp_path, restyle)
    out = tmp_path / "lkjip.docx"
    _ok(run_cli("lkjip", "--lengkap", "-c", built["master"], "--riwayat", built["history"],
                "--template", template, "--out", out))
    texts = [t for _, t in _paragraphs(out)]
    assert texts[0] == "Kop: Pemerintah Kota Jambi"
    assert "BAB I PENDAHULUAN\t1" in texts  # the contents still paged
    assert order_problems(out.read_bytes()) == []


def test_a_template_without_its_contents_is_refused(built, tmp_path):
    def drop_toc(doc):
        (mark,) = [p for p in doc.paragraphs if p.text == "{{ contents.toc }}"]
        mark._p.getparent().remove(mark._p)

    template = _edited_template(tmp_path, drop_toc)
    out = tmp_path / "lkjip.docx"
    result = run_cli("lkjip", "--lengkap", "-c", built["master"], "--riwayat",
                     built["history"], "--template", template, "--out", out, debug=False)
    assert result.exit_code == 1
    assert "daftar isi" in result.stderr
    assert "Tidak ada berkas yang ditulis" in result.stderr
    assert not out.exists()


@needs_soffice
def test_a_template_re_saved_by_libreoffice_still_works(built, tmp_path):
    from test_template_clients import soffice_resave

    resaved = soffice_resave(paths.LKJIP_COMPLETE_TEMPLATE, tmp_path)
    out = tmp_path / "lkjip.docx"
    _ok(run_cli("lkjip", "--lengkap", "-c", built["master"], "--riwayat", built["history"],
                "--template", resaved, "--out", out))
    texts = [t for _, t in _paragraphs(out)]
    for part in PARTS:
        assert part in texts, part
    body = _xml(out, "word/document.xml")
    assert ' TOC \\o "1-3" \\h \\z \\u ' in [t.text for t in body.iter(f"{{{W}}}instrText")]
    # (LibreOffice 7.4 itself writes w:sectPr first in a paragraph's w:pPr when it saves the
    # template: Word's order is checked on the bundled template's documents above)


def test_without_libreoffice_word_fills_the_page_numbers(built, tmp_path, monkeypatch):
    import pipeline.lkjip.run as lkjip_run

    monkeypatch.setattr(lkjip_run, "find_soffice", lambda: None)
    out = tmp_path / "lkjip.docx"
    result = run_cli("lkjip", "--lengkap", "-c", built["master"], "--riwayat",
                     built["history"], "--out", out)
    _ok(result)
    assert ("PERINGATAN: nomor halaman Daftar Isi, Daftar Tabel dan Daftar Gambar belum "
            "ditulis (LibreOffice tidak ditemukan); Word mengisinya saat dokumen dibuka"
            ) in result.stderr
    entries = [t for s, t in _paragraphs(out) if s.startswith("Daftar Isi") and "\t" in t]
    assert "BAB I PENDAHULUAN\t" in entries  # the entry, its page left to Word
    assert _xml(out, "word/settings.xml").find("w:updateFields", NS) is not None


@pytest.mark.parametrize("master", sorted(paths.EXAMPLE_MASTERS.glob("*.yaml")),
                         ids=lambda p: p.stem)
def test_every_example_masters_figures_are_the_reports_and_the_pks(master, tmp_path,
                                                                    monkeypatch):
    """Issue 22's 'every figure matches' for every example master, not only the two above:
    the yearly report's Capaian tables reappear whole in the Lampiran, the PK's target
    table in Bab II and Lampiran 1, and the Ikhtisar's average is the report's. The page
    numbers are left to Word here (the LibreOffice pass is tested above)."""
    import pipeline.lkjip.run as lkjip_run

    monkeypatch.setattr(lkjip_run, "find_soffice", lambda: None)
    history, inputs = tmp_path / "riwayat.sqlite", tmp_path / "isian"
    _ok(run_cli("sample", "-c", master, "--out", inputs))
    _ok(run_cli("report", "-c", master, "-i", inputs, "--riwayat", history,
                "--out", tmp_path / "laporan.docx"))
    _ok(run_cli("pk", "-c", master, "--riwayat", history, "--out", tmp_path / "pk.docx"))
    _ok(run_cli("lkjip", "--lengkap", "-c", master, "--riwayat", history,
                "--out", tmp_path / "lkjip.docx"))
    complete = table_texts(Document(tmp_path / "lkjip.docx"))
    yearly = table_texts(Document(tmp_path / "laporan.docx"))
    capaian = [t for t in yearly if any("% Capaian" in c for c in t[1])]
    assert capaian
    for table in capaian:
        assert table in complete
    (targets, *_) = [t for t in table_texts(Document(tmp_path / "pk.docx"))
                     if t[0][:2] == ["NO", "SASARAN STRATEGIS"]]
    assert sum(t == targets for t in complete) == 2, targets
    averages = {c for t in capaian for row in t if row[0].startswith("RATA-RATA")
                for c in row if c.endswith("%")}
    summary = [t for _s, t in _paragraphs(tmp_path / "lkjip.docx")
               if t.startswith("Rata-rata capaian seluruh indikator sebesar ")]
    said = {re.search(r"sebesar ([\d.,]+%)", t).group(1) for t in summary}
    assert len(said) == 1 and said <= averages, (said, averages)  # Ikhtisar and Bab IV
    assert order_problems((tmp_path / "lkjip.docx").read_bytes()) == []
