"""Build the complete LKjIP's Word template input_templates/lkjip_lengkap.docx:
``python -m dev.lkjip_full_template``.

One template for the whole report (issue 22 §2), built from the same style definitions
and the same writers as the documents it carries, so that it looks like them and cannot
drift from them:

* the chapter's styles and Bab III itself (``dev.lkjip_template``: its measurement,
  sasaran and budget writers; its keys at the top level of the context);
* the Perjanjian Kinerja's styles and pages (``dev.pk_template.write_pk_styles``,
  ``write_pk``; its keys under ``pk``), and its two tables again in Bab II;
* the yearly report's Part I (the IKU of the agency and its units) and Part II (the
  Capaian IKU tables, landscape, the notes and the signature), written by
  ``dev.word_template``'s own writers inside a ``{% with %}`` block that binds the names
  they use to the yearly report's context under ``iku`` (so the writers and the report
  stay one). Their *Heading 1/2* lines are restyled to styles without an outline level,
  so that the Daftar Isi lists the Lampiran's title, not every organisation in it.

Sections: the cover (no page number); the front matter (Kata Pengantar, Ikhtisar
Eksekutif, Daftar Isi, Daftar Tabel, Daftar Gambar: pages i, ii, …); Bab I to IV and the
Lampiran (pages 1, 2, …); the Capaian IKU tables (landscape, the numbering continues).
Headings: *Judul Bab* (outline level 1, a new page), *Judul Bagian* (2), *Judul Sasaran*
(3), *Judul Lampiran* (2): the Daftar Isi's TOC field (``TOC \\o "1-3" \\h \\z \\u``) and
its cached result are written at rendering (``pipeline.lkjip.toc``), in the paragraphs
holding ``{{ contents.toc }}``, ``{{ contents.tables }}``, ``{{ contents.figures }}``.

The fixed text (the legal basis of the Latar Belakang, the Sistematika Penyajian) comes
from the research note /work/notes/pk_lkjip_format.md, as cited beside each constant;
everything else is data or a marked slot.
"""

from __future__ import annotations

from pathlib import Path

from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm

from dev import lkjip_template as lt
from dev import pk_template as pt
from dev import word_template as wt
from pipeline import paths
from pipeline.word.strict import insert_in_order

# Column widths in cm (16 cm text width).
ORGANISATION_COLS = (1.0, 8.0, 7.0)
STAFF_COLS = (6.0, 3.0)
# five year columns in the text width, in 8 pt: no word broken in a cell ("Meningkatnya",
# "100%"); the columns under columns.FIXED_BELOW keep their width when years are dropped,
# Sasaran and Indikator take the freed width
RENSTRA_COLS = (0.8, 2.4, 2.8, 1.6, 1.4, 1.1, 1.1, 1.1, 1.1, 1.1, 1.5)
IKU_COLS = (0.8, 2.5, 2.8, 4.5, 2.6, 2.8)  # in 9 pt
TEXT_WIDTH_CM = 16.0

# Bab I, A. Latar Belakang: LAKIP Dinas Kelautan dan Perikanan Kabupaten Bengkalis 2017
# (note §2.4), which repeats LKj Provinsi Lampung 2015's paragraph with the agency's name;
# "Akuntabiltas" corrected, the regulation's title as PermenPAN-RB 53/2014 gives it (§0:
# "Tata Cara Reviu"), the report named LKjIP as PermenPAN-RB 53/2014 names it.
BACKGROUND = (
    "Penyusunan Laporan Kinerja Instansi Pemerintah (LKjIP) merupakan amanat Peraturan "
    "Pemerintah Nomor 8 Tahun 2006 tentang Pelaporan Keuangan dan Kinerja Instansi "
    "Pemerintah, Peraturan Presiden Nomor 29 Tahun 2014 tentang Sistem Akuntabilitas Kinerja "
    "Instansi Pemerintah, dan Peraturan Menteri Pendayagunaan Aparatur Negara dan Reformasi "
    "Birokrasi Nomor 53 Tahun 2014 tentang Petunjuk Teknis Perjanjian Kinerja, Pelaporan "
    "Kinerja dan Tata Cara Reviu atas Laporan Kinerja Instansi Pemerintah, di mana pelaporan "
    "capaian kinerja organisasi secara transparan dan akuntabel merupakan bentuk "
    "pertanggungjawaban atas kinerja instansi pemerintah.",
    "Proses penyusunan LKjIP dilakukan pada setiap akhir tahun anggaran bagi setiap instansi "
    "untuk mengukur pencapaian target kinerja yang sudah ditetapkan dalam dokumen perjanjian "
    "kinerja. Pengukuran pencapaian target kinerja ini dilakukan dengan membandingkan antara "
    "target dan realisasi kinerja setiap instansi pemerintah, yang dalam hal ini adalah "
    "{{ agency }}. LKjIP menjadi dokumen laporan kinerja tahunan yang berisi "
    "pertanggungjawaban kinerja suatu instansi dalam mencapai tujuan/sasaran strategis "
    "instansi.",
)
# Bab I, F. Sistematika Penyajian: the prescribed outline, "Contoh Format Laporan Kinerja
# Instansi Pemerintah" (note §2.1), its sentences for each chapter ("strategic issued"
# corrected to "strategic issues").
OUTLINE = (
    "Laporan ini disajikan dengan sistematika sebagai berikut:",
    "Bab I Pendahuluan: pada bab ini disajikan penjelasan umum organisasi, dengan penekanan "
    "kepada aspek strategis organisasi serta permasalahan utama (strategic issues) yang "
    "sedang dihadapi organisasi.",
    "Bab II Perencanaan Kinerja: pada bab ini diuraikan ringkasan/ikhtisar perjanjian kinerja "
    "tahun yang bersangkutan.",
    "Bab III Akuntabilitas Kinerja: pada bab ini disajikan capaian kinerja organisasi untuk "
    "setiap pernyataan kinerja sasaran strategis organisasi sesuai dengan hasil pengukuran "
    "kinerja organisasi, serta realisasi anggaran yang digunakan untuk mewujudkan kinerja "
    "organisasi sesuai dengan dokumen perjanjian.",
    "Bab IV Penutup: pada bab ini diuraikan simpulan umum atas capaian kinerja organisasi "
    "serta langkah di masa mendatang yang akan dilakukan organisasi untuk meningkatkan "
    "kinerjanya.",
    "Lampiran: Perjanjian Kinerja, Indikator Kinerja Utama dan Capaian Indikator Kinerja "
    "Utama.",
)
# the names the yearly report's writers use, bound to its context under ``iku``
IKU_NAMES = ("year", "organisations", "agency", "rpjmd", "renstra", "notes", "place_date",
             "signatory", "draft", "draft_notice")


# --- styles ------------------------------------------------------------------------------


def _outline(style, level: int) -> None:
    ppr = style.element.get_or_add_pPr()
    el = OxmlElement("w:outlineLvl")
    el.set(qn("w:val"), str(level))
    insert_in_order(ppr, el)


def _write_styles(doc) -> None:
    lt._write_styles(doc)  # the report's base styles and the chapter's
    pt.write_pk_styles(doc)
    C, L = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT
    # a chapter begins a page; its title is one paragraph ("BAB I", a line break, its name)
    wt._pstyle(doc, "Judul Bab", size=14, bold=True, align=C, before=0, after=18,
               keep_next=True, page_break=True)
    _outline(doc.styles["Judul Bab"], 0)
    _outline(doc.styles["Judul Bagian"], 1)
    _outline(doc.styles["Judul Sasaran"], 2)
    wt._pstyle(doc, "Kepala Tabel Sempit", "Kepala Tabel Bab", size=8)
    wt._pstyle(doc, "Isi Tabel Sempit", "Isi Tabel", size=8)
    wt._pstyle(doc, "Isi Tabel Sempit Tengah", "Isi Tabel Sempit", align=C)
    wt._pstyle(doc, "Judul Lampiran", size=12, bold=True, align=C, before=0, after=12,
               keep_next=True, page_break=True)
    _outline(doc.styles["Judul Lampiran"], 1)
    # the yearly report's Heading 1 / Heading 2 inside the Lampiran, without outline level
    wt._pstyle(doc, "Judul Dokumen Lampiran", size=12, bold=True, align=C, before=0,
               after=18, keep_next=True)
    item = {"left": 4.4, "first": -4.4, "tabs": (0.7, 4.0, 4.4)}
    wt._pstyle(doc, "Nama Organisasi", align=L, before=18, after=4, keep_next=True, **item)
    for level in range(3):
        style = wt._pstyle(doc, f"Daftar Isi {level + 1}", align=L, before=0 if level else 4,
                           after=2, left=0.6 * level, keep_next=False)
        style.paragraph_format.tab_stops.add_tab_stop(
            Cm(TEXT_WIDTH_CM), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
        if level == 0:
            style.font.bold = True
    signature = {"left": 8.0, "align": C, "after": 0, "keep_next": True}
    wt._pstyle(doc, "TTD Kanan", before=12, **signature)
    wt._pstyle(doc, "TTD Kanan Jabatan", bold=True, **signature)
    wt._pstyle(doc, "TTD Kanan Ruang", before=48, **signature)
    wt._pstyle(doc, "TTD Kanan Nama", bold=True, **signature)
    doc.styles["TTD Kanan Nama"].font.underline = True
    wt._pstyle(doc, "TTD Kanan Akhir", **{**signature, "keep_next": False})


# --- helpers -----------------------------------------------------------------------------


def _chapter_title(doc, number: str, name: str) -> None:
    p = wt._para(doc, number, "Judul Bab")
    p.runs[0].add_break(WD_BREAK.LINE)
    p.add_run(name)


def _lines(doc, loop: str, item: str, style: str, prefix: str = "") -> None:
    lt._lines(doc, loop, item, style, prefix)


def _if(doc, condition: str, write) -> None:
    wt._tag(doc, "{%p if " + condition + " %}")
    write()
    wt._tag(doc, "{%p endif %}")


def _caption_first(table, caption: str) -> None:
    """A table written by another family's writer gets this chapter's caption row on top."""
    tr = OxmlElement("w:tr")
    table._tbl.tr_lst[0].addprevious(tr)
    for _ in table.columns:
        tc = OxmlElement("w:tc")
        tc.append(OxmlElement("w:p"))
        tr.append(tc)
    from docx.table import _Row

    row = _Row(tr, table)
    for cell, width in zip(row.cells, [c.width for c in table.columns], strict=True):
        cell.width = width
    lt._caption_row(row, caption)


def _restyle(doc, start: int, names: dict[str, str]) -> None:
    """The paragraphs written since body element ``start`` that have a style of ``names``
    take the style it maps to."""
    for el in list(doc.element.body)[start:]:
        if el.tag != qn("w:p"):
            continue
        style = el.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        if style is not None and style.get(qn("w:val")) in names:
            style.set(qn("w:val"), names[style.get(qn("w:val"))])


def _page_numbers(section, fmt: str | None, start: int | None) -> None:
    for old in section._sectPr.findall(qn("w:pgNumType")):  # add_section copies it
        section._sectPr.remove(old)
    el = OxmlElement("w:pgNumType")
    if fmt:
        el.set(qn("w:fmt"), fmt)
    if start is not None:
        el.set(qn("w:start"), str(start))
    insert_in_order(section._sectPr, el)


# --- the parts ---------------------------------------------------------------------------


def _write_cover(doc) -> None:
    # the section break follows a paragraph of text, not a {%p %} tag: LibreOffice, saving
    # the template again, moves a section break from its empty paragraph into the one
    # before, and a tag's paragraph is removed with what it holds
    wt._para(doc, "{{ cover.title }}", "Title")
    wt._para(doc, "{{ cover.short }}", "Sampul")
    wt._para(doc, "{{ cover.year_line }}", "Sampul")
    wt._tag(doc, "{%p if draft %}")
    wt._para(doc, "{{ draft_notice }}", "Draft")
    wt._tag(doc, "{%p endif %}")
    wt._para(doc, "", "Sampul Logo")  # room for the agency's logo
    _if(doc, "cover.government", lambda: wt._para(doc, "{{ cover.government }}", "Sampul"))
    wt._para(doc, "{{ cover.agency }}", "Sampul")


def _write_front(doc) -> None:
    wt._para(doc, "KATA PENGANTAR", "Judul Bab")
    wt._para(doc, "{{ preface.slot }}", "Isian Sekretariat")
    wt._para(doc, "{{ preface.place_date }}", "TTD Kanan")
    wt._para(doc, "{{ preface.title }}", "TTD Kanan Jabatan")
    wt._para(doc, "", "TTD Kanan Ruang")
    wt._para(doc, "{{ preface.name }}", "TTD Kanan Nama")
    _if(doc, "preface.rank", lambda: wt._para(doc, "{{ preface.rank }}", "TTD Kanan"))
    _if(doc, "preface.nip", lambda: wt._para(doc, "{{ preface.nip }}", "TTD Kanan Akhir"))
    wt._para(doc, "IKHTISAR EKSEKUTIF", "Judul Bab")
    _lines(doc, "t in summary.paragraphs", "t", "Normal Rata")
    wt._para(doc, "{{ summary.slot }}", "Isian Sekretariat")
    wt._para(doc, "DAFTAR ISI", "Judul Bab")
    wt._para(doc, "{{ contents.toc }}", "Normal")
    wt._para(doc, "DAFTAR TABEL", "Judul Bab")
    wt._para(doc, "{{ contents.tables }}", "Normal")
    wt._para(doc, "DAFTAR GAMBAR", "Judul Bab")  # "(tidak ada gambar)" when none
    wt._para(doc, "{{ contents.figures }}", "Normal")  # then the section break


def _write_bab1(doc) -> None:
    _chapter_title(doc, "BAB I", "PENDAHULUAN")
    wt._para(doc, "A.\tLATAR BELAKANG", "Judul Bagian")
    for text in BACKGROUND:
        wt._para(doc, text, "Normal Rata")
    wt._para(doc, "B.\tTUGAS DAN FUNGSI", "Judul Bagian")
    _if(doc, "bab1.duties", lambda: (wt._para(doc, "Tugas:", "Narasi Judul"),
                                     wt._para(doc, "{{ bab1.duties }}", "Narasi")))

    def functions():
        wt._para(doc, "Fungsi:", "Narasi Judul")
        wt._tag(doc, "{%p for f in bab1.functions %}")
        wt._para(doc, "{{ f.letter }}.\t{{ f.text }}", "Daftar Huruf")
        wt._tag(doc, "{%p endfor %}")

    _if(doc, "bab1.functions", functions)
    _if(doc, "bab1.duties_slot",
        lambda: wt._para(doc, "{{ bab1.duties_slot }}", "Isian Sekretariat"))
    wt._para(doc, "C.\tSTRUKTUR ORGANISASI", "Judul Bagian")
    wt._para(doc, "{{ bab1.organisation.sentence }}", "Normal Rata Lanjut")
    lt._loop_table(doc, ORGANISATION_COLS, ["No", "Unit Kerja", "Pimpinan"],
                   "bab1.organisation.rows", ["no", "unit", "head"], centred=(0,),
                   caption="{{ bab1.organisation.caption }}")
    wt._para(doc, "{{ bab1.organisation.slot }}", "Isian Sekretariat")
    wt._para(doc, "D.\tSUMBER DAYA", "Judul Bagian")

    def staff():
        wt._para(doc, "{{ bab1.staff.sentence }}", "Normal Rata Lanjut")
        wt._tag(doc, "{%p for t in bab1.staff.tables %}")
        table, extra = lt._loop_table(doc, STAFF_COLS, ["{{ t.head }}", "Jumlah (orang)"],
                                      "t.rows", ["item", "count"], centred=(1,),
                                      extra_rows=1, caption="{{ t.caption }}")
        lt._total_row(table, extra, 1, ["JUMLAH", "{{ t.total }}"])
        wt._para(doc, "", "Normal")
        wt._tag(doc, "{%p endfor %}")

    _if(doc, "bab1.staff.shown", staff)
    _if(doc, "bab1.staff.slot",
        lambda: wt._para(doc, "{{ bab1.staff.slot }}", "Isian Sekretariat"))
    wt._para(doc, "{{ bab1.staff.resources_slot }}", "Isian Sekretariat")
    wt._para(doc, "E.\tISU STRATEGIS", "Judul Bagian")
    wt._para(doc, "{{ bab1.issues_slot }}", "Isian Sekretariat")
    wt._para(doc, "F.\tSISTEMATIKA PENYAJIAN", "Judul Bagian")
    wt._para(doc, OUTLINE[0], "Normal Rata")
    for text in OUTLINE[1:]:
        wt._para(doc, text, "Narasi")


def _write_bab2(doc) -> None:
    _chapter_title(doc, "BAB II", "PERENCANAAN KINERJA")
    wt._para(doc, "A.\tRENCANA STRATEGIS", "Judul Bagian")
    wt._para(doc, "{{ bab2.renstra.sentence }}", "Normal Rata")
    wt._para(doc, "Visi", "Narasi Judul")
    _if(doc, "bab2.renstra.vision",
        lambda: wt._para(doc, "\u201c{{ bab2.renstra.vision }}\u201d", "Narasi"))
    _if(doc, "bab2.renstra.vision_slot",
        lambda: wt._para(doc, "{{ bab2.renstra.vision_slot }}", "Isian Sekretariat"))
    wt._para(doc, "Misi", "Narasi Judul")
    _lines(doc, "m in bab2.renstra.missions", "m", "Narasi")
    _if(doc, "bab2.renstra.missions_slot",
        lambda: wt._para(doc, "{{ bab2.renstra.missions_slot }}", "Isian Sekretariat"))
    wt._para(doc, "Tujuan dan sasaran strategis", "Narasi Judul")
    wt._tag(doc, "{%p for g in bab2.renstra.goals %}")
    wt._para(doc, "{{ g.sasaran }}", "Narasi")
    _if(doc, "g.goal", lambda: wt._para(doc, "Tujuan: {{ g.goal }}", "Kutipan Unit"))
    wt._tag(doc, "{%p endfor %}")
    _if(doc, "bab2.renstra.goals_slot",
        lambda: wt._para(doc, "{{ bab2.renstra.goals_slot }}", "Isian Sekretariat"))
    years = ["{{ bab2.renstra.head.y" + str(i) + " }}" for i in range(1, 6)]
    lt._loop_table(doc, RENSTRA_COLS, ["No", "Sasaran", "Indikator Kinerja", "Satuan",
                                       "Kondisi Awal", *years, "Target Akhir"],
                   "bab2.renstra.rows", ["no", "sasaran", "indicator", "unit", "baseline",
                                         "y1", "y2", "y3", "y4", "y5", "final"],
                   centred=(0, 3, 4, 5, 6, 7, 8, 9, 10), caption="{{ bab2.renstra.caption }}",
                   header_style="Kepala Tabel Sempit", cell_style="Isi Tabel Sempit")
    wt._para(doc, "B.\tINDIKATOR KINERJA UTAMA", "Judul Bagian")
    wt._para(doc, "{{ bab2.iku.sentence }}", "Normal Rata Lanjut")
    table, _ = lt._loop_table(doc, IKU_COLS, ["No", "Sasaran", "Indikator Kinerja Utama",
                                              "Formulasi", "Penanggung Jawab", "Sumber Data"],
                              "bab2.iku.rows", ["no", "sasaran", "indicator", "formula",
                                                "responsible", "sources"], centred=(0,),
                              caption="{{ bab2.iku.caption }}", cell_style="Isi Tabel Lebar")
    cells = table.rows[3].cells  # the data row: the formula, its lines, the sources
    for p in list(cells[3].paragraphs):
        p._p.getparent().remove(p._p)
    wt._para(cells[3], "{{r row.formula }}", "Rumus")
    wt._para(cells[3], "{%p for line in row.lines %}", "Isi Tabel Lebar")
    wt._para(cells[3], "{{ line }}", "Isi Tabel Lebar")
    wt._para(cells[3], "{%p endfor %}", "Isi Tabel Lebar")
    for p in list(cells[5].paragraphs)[1:]:
        p._p.getparent().remove(p._p)
    for r in list(cells[5].paragraphs[0].runs):
        r._r.getparent().remove(r._r)
    wt._list_cell(cells[5], "x in row.sources", "x", "Isi Tabel Lebar")
    wt._para(doc, "C.\tPERJANJIAN KINERJA", "Judul Bagian")
    wt._para(doc, "{{ bab2.pk.sentence }}", "Normal Rata Lanjut")  # with its table
    pt._targets(doc)
    _caption_first(doc.tables[-1], "{{ bab2.pk.targets_caption }}")
    wt._para(doc, "", "Normal")
    pt._programs(doc)
    _caption_first(doc.tables[-1], "{{ bab2.pk.programs_caption }}")


def _write_bab3(doc) -> None:
    _chapter_title(doc, "BAB III", "AKUNTABILITAS KINERJA")
    wt._para(doc, lt.OPENING, "Normal Rata")
    wt._para(doc, "{{ intro }}", "Normal Rata")
    lt._write_measurement(doc)
    lt._write_sasaran(doc)
    lt._write_budget(doc)


def _write_bab4(doc) -> None:
    _chapter_title(doc, "BAB IV", "PENUTUP")
    wt._para(doc, "A.\tKESIMPULAN", "Judul Bagian")
    _lines(doc, "t in bab4.sentences", "t", "Normal Rata")
    wt._para(doc, "{{ bab4.conclusion_slot }}", "Isian Sekretariat")
    wt._para(doc, "B.\tLANGKAH KE DEPAN", "Judul Bagian")
    wt._para(doc, "{{ bab4.plans_slot }}", "Isian Sekretariat")


def _write_lampiran(doc) -> None:
    wt._para(doc, "LAMPIRAN", "Judul Bab")
    first = wt._para(doc, "{{ attachments.pk }}", "Judul Lampiran")
    first.paragraph_format.page_break_before = False  # on the LAMPIRAN page
    pt.write_pk(doc, new_page=False)
    wt._para(doc, "{{ attachments.iku }}", "Judul Lampiran")
    binding = ", ".join(f"{name} = iku.{name}" for name in IKU_NAMES)
    wt._tag(doc, "{%p with " + binding + " %}")
    start = len(doc.element.body) - 1  # the body ends in its w:sectPr
    wt._write_part_one(doc)
    restyle = {"Heading1": "JudulDokumenLampiran", "Heading2": "NamaOrganisasi"}
    _restyle(doc, start, restyle)
    wt._para(doc, "{{ attachments.capaian }}", "Judul Lampiran")
    start = len(doc.element.body) - 1  # the body ends in its w:sectPr
    wt._write_part_two_agency(doc)
    _restyle(doc, start, restyle)


def _write_header_footer(doc) -> None:
    for i, section in enumerate(doc.sections):
        section.header.is_linked_to_previous = False
        section.footer.is_linked_to_previous = False
        wt._draft_mark(section.header.paragraphs[0])
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if i > 0:  # the cover has no number
            wt._page_number(footer)


def build_template() -> bytes:
    doc = wt.start_document(_write_styles)
    _write_cover(doc)
    doc.add_section(WD_SECTION.NEW_PAGE)  # the front matter: i, ii, …
    wt._page_setup(doc.sections[-1], landscape=False)
    _page_numbers(doc.sections[-1], "lowerRoman", 1)
    _write_front(doc)
    doc.add_section(WD_SECTION.NEW_PAGE)  # the chapters: 1, 2, …
    wt._page_setup(doc.sections[-1], landscape=False)
    _page_numbers(doc.sections[-1], "decimal", 1)
    _write_bab1(doc)
    _write_bab2(doc)
    _write_bab3(doc)
    _write_bab4(doc)
    _write_lampiran(doc)
    doc.add_section(WD_SECTION.NEW_PAGE)  # the Capaian IKU tables, landscape
    wt._page_setup(doc.sections[-1], landscape=True)
    _page_numbers(doc.sections[-1], "decimal", None)
    wt._write_rpjmd_table(doc)
    wt._write_renstra_table(doc)
    wt._write_notes_and_signature(doc)
    wt._tag(doc, "{%p endwith %}")
    _write_header_footer(doc)
    return wt.finished(doc, "Laporan Kinerja Instansi Pemerintah (LKjIP)", "Templat LKjIP lengkap",
                       "dev.lkjip_full_template")


def write_template(path: Path = paths.LKJIP_COMPLETE_TEMPLATE) -> Path:
    from pipeline.office.atomic import write_atomically

    return write_atomically(Path(path), build_template())


if __name__ == "__main__":
    print(f"Templat ditulis: {write_template()}")
