"""Build the Perjanjian Kinerja's Word template input_templates/perjanjian_kinerja.docx:
``python -m dev.pk_template``.

Like dev/word_template.py (whose styles, table helpers and page set-up it reuses), the
template is generated so it can be reviewed as code, but it is an ordinary .docx the
secretariat may restyle in Word or LibreOffice as long as the ``{{ pk.… }}`` /
``{%… %}`` tags stay (docs/TEMPLATE.md lists them; ``iku templat periksa FILE --jenis
pk`` checks a restyled copy). A test checks the committed file equals this output.

A4 portrait, two parts as PermenPAN-RB 53/2014 prescribes them (research:
/work/notes/pk_lkjip_format.md §1.2): the *lembar pernyataan* (the kop of the region and
the agency, the title, the statement, the two parties, the promise, place and date, the
signatures side by side: pihak kedua left, pihak pertama right, as PK documents print
them) and, on a new page, the *lampiran* (the table of sasaran strategis, indikator
kinerja, satuan and target, numbered columns; the table of programs with their anggaran
and a JUMLAH row; for a PK Perubahan the Keterangan column and the notes; the same
signatures again).

The statement is fixed text of the template, chosen from the research note's sources
(§1.3), never written by the program: the wording of Source 1 (the PK blank used by
Kanwil Kemenag Bengkulu, "blanko perkin.docx", 2019), which Source 3's later version
(wp-eval-sakip) repeats, with its typing errors corrected ("berorietasi" → "berorientasi",
"yan" → "yang") and "di bawah ini" spelled as in Source 2 (the Bangka Tengah e-SAKIP) and
the standard spelling: "Dalam rangka mewujudkan manajemen pemerintahan yang efektif,
transparan, dan akuntabel serta berorientasi pada hasil, kami yang bertanda tangan di bawah
ini: … Selanjutnya disebut pihak pertama. … Selaku atasan langsung pihak pertama,
selanjutnya disebut pihak kedua. Pihak pertama berjanji akan mewujudkan target kinerja yang
seharusnya sesuai lampiran perjanjian ini, dalam rangka mencapai target kinerja jangka
menengah seperti yang telah ditetapkan dalam dokumen perencanaan. Keberhasilan dan kegagalan
pencapaian target kinerja tersebut menjadi tanggung jawab kami. Pihak kedua akan memberikan
supervisi yang diperlukan serta akan melakukan evaluasi terhadap capaian kinerja dari
perjanjian ini dan mengambil tindakan yang diperlukan dalam rangka pemberian penghargaan dan
sanksi." The signature headings "PIHAK KEDUA," / "PIHAK PERTAMA," and the lampiran's
columns (NO, SASARAN STRATEGIS, INDIKATOR KINERJA, SATUAN, TARGET numbered (1)–(5); NO,
PROGRAM, ANGGARAN (Rp) with its total) follow Source 2; the programs' KETERANGAN column
Source 3.

Reuse: ``write_pk_styles(doc)`` and ``write_pk(doc, new_page)`` write the PK's styles and
its two parts into any python-docx document; the complete LKjIP's template builder calls
them for its Lampiran (its context then carries ``"pk": pipeline.pk.context.pk_part(…)``).
"""

from __future__ import annotations

from pathlib import Path

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from dev import word_template as wt
from pipeline import paths
from pipeline.word.strict import insert_in_order

# Column widths in cm; each table fills the 16 cm text width.
TARGET_COLS = (0.9, 3.8, 4.6, 2.2, 1.8, 2.7)
PROGRAM_COLS = (0.9, 8.4, 3.3, 3.4)
SIGNATURE_COLS = (8.0, 8.0)
SIGNATURE_STYLE = "Tabel Tanda Tangan PK"

OPENING = ("Dalam rangka mewujudkan manajemen pemerintahan yang efektif, transparan, dan "
           "akuntabel serta berorientasi pada hasil, kami yang bertanda tangan di bawah ini:")
FIRST_CLAUSE = "Selanjutnya disebut pihak pertama."
SECOND_CLAUSE = "Selaku atasan langsung pihak pertama, selanjutnya disebut pihak kedua."
PROMISE = ("Pihak pertama berjanji akan mewujudkan target kinerja yang seharusnya sesuai "
           "lampiran perjanjian ini, dalam rangka mencapai target kinerja jangka menengah "
           "seperti yang telah ditetapkan dalam dokumen perencanaan. Keberhasilan dan "
           "kegagalan pencapaian target kinerja tersebut menjadi tanggung jawab kami.")
SUPERVISION = ("Pihak kedua akan memberikan supervisi yang diperlukan serta akan melakukan "
               "evaluasi terhadap capaian kinerja dari perjanjian ini dan mengambil tindakan "
               "yang diperlukan dalam rangka pemberian penghargaan dan sanksi.")


def write_pk_styles(doc) -> None:
    """The PK's own paragraph and table styles (the report's base styles must be there:
    ``wt._write_styles``)."""
    J, C = WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.CENTER
    wt._pstyle(doc, "Kop Pemerintah", size=14, bold=True, align=C, before=0, after=0,
               caps=True, keep_next=True)
    wt._pstyle(doc, "Kop Instansi", size=12, bold=True, align=C, before=0, after=14,
               caps=True, keep_next=True)
    _bottom_rule(doc.styles["Kop Instansi"])
    wt._pstyle(doc, "Judul PK", size=12, bold=True, align=C, before=6, after=14,
               keep_next=True)
    wt._pstyle(doc, "Isi PK", align=J, before=0, after=8, line=1.5)
    wt._pstyle(doc, "Pihak PK", align=WD_ALIGN_PARAGRAPH.LEFT, before=0, after=0, line=1.5,
               left=4.3, first=-3.3, tabs=(3.8, 4.3), keep_next=True)
    wt._pstyle(doc, "Pihak PK Keterangan", align=J, before=0, after=8, line=1.5, left=1.0)
    wt._pstyle(doc, "Judul Lampiran PK", size=12, bold=True, align=C, before=0, after=0,
               keep_next=True, page_break=True)
    wt._pstyle(doc, "Sub Judul Lampiran PK", size=12, bold=True, align=C, before=0,
               after=12, caps=True, keep_next=True)
    # written in capitals as printed ("ANGGARAN (Rp)"), not capitalised by the style
    wt._pstyle(doc, "Kepala Tabel PK", "Kepala Tabel", size=9, caps=False)
    wt._pstyle(doc, "Nomor Kolom", "Isi Tabel", size=8, italic=True,
               align=WD_ALIGN_PARAGRAPH.CENTER)
    wt._pstyle(doc, "Isi Tabel Kanan", "Isi Tabel", align=WD_ALIGN_PARAGRAPH.RIGHT)
    wt._pstyle(doc, "Jumlah Kanan", "Kepala Tabel", align=WD_ALIGN_PARAGRAPH.RIGHT)
    signature = {"align": C, "before": 0, "after": 0, "keep_next": True}
    wt._pstyle(doc, "TTD PK", **signature)
    wt._pstyle(doc, "TTD PK Jabatan", bold=True, **signature)
    wt._pstyle(doc, "TTD PK Ruang", line=1.0, **{**signature, "before": 60})
    wt._pstyle(doc, "TTD PK Nama", bold=True, **signature)
    doc.styles["TTD PK Nama"].font.underline = True
    _signature_table_style(doc)


def _bottom_rule(style) -> None:
    """The kop's rule under the agency's name (a paragraph border of the style)."""
    ppr = style.element.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for attr, value in (("w:val", "thickThinSmallGap"), ("w:sz", "18"), ("w:space", "4"),
                        ("w:color", "000000")):
        bottom.set(qn(attr), value)
    border.append(bottom)
    insert_in_order(ppr, border)


def _signature_table_style(doc) -> None:
    """A table style without borders: the signatures sit side by side, unboxed."""
    style = doc.styles.add_style(SIGNATURE_STYLE, WD_STYLE_TYPE.TABLE)
    tblpr = OxmlElement("w:tblPr")
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        b = OxmlElement(f"w:{side}")
        b.set(qn("w:val"), "nil")
        borders.append(b)
    tblpr.append(borders)
    insert_in_order(style.element, tblpr)


def _signatures(doc) -> None:
    """Pihak kedua left, pihak pertama right; place and date above the right column."""
    table = wt._table(doc, SIGNATURE_COLS, 11)
    table.style = doc.styles[SIGNATURE_STYLE]
    lines = [
        ("", "{{ pk.place_date }}", "TTD PK"),
        ("PIHAK KEDUA,", "PIHAK PERTAMA,", "TTD PK"),
        ("{{ pk.second.title }}", "{{ pk.first.title }}", "TTD PK Jabatan"),
        ("", "", "TTD PK Ruang"),  # room for the signatures and the stamps
        ("{{ pk.second.name }}", "{{ pk.first.name }}", "TTD PK Nama"),
        None, ("{{ pk.second.rank }}", "{{ pk.first.rank }}", "TTD PK"), None,
        None, ("{{ pk.second.nip }}", "{{ pk.first.nip }}", "TTD PK"), None,
    ]
    tags = {5: "{%tr if pk.signature.rank %}", 7: "{%tr endif %}",
            8: "{%tr if pk.signature.nip %}", 10: "{%tr endif %}"}
    for i, row in enumerate(table.rows):
        if i in tags:
            wt._tag_row(row, tags[i], "TTD PK")
            continue
        left, right, style = lines[i]
        wt._set_cell(row.cells[0], left, style)
        wt._set_cell(row.cells[1], right, style)


def _statement(doc, new_page: bool) -> None:
    first = wt._para(doc, "{{ pk.government }}", "Kop Pemerintah")
    if new_page:
        first.paragraph_format.page_break_before = True
    wt._para(doc, "{{ pk.agency }}", "Kop Instansi")
    wt._para(doc, "{{ pk.title }}", "Judul PK")
    wt._para(doc, OPENING, "Isi PK")
    wt._para(doc, "Nama\t:\t{{ pk.first.name }}", "Pihak PK")
    wt._para(doc, "Jabatan\t:\t{{ pk.first.title }}", "Pihak PK")
    wt._para(doc, FIRST_CLAUSE, "Pihak PK Keterangan")
    wt._para(doc, "Nama\t:\t{{ pk.second.name }}", "Pihak PK")
    wt._para(doc, "Jabatan\t:\t{{ pk.second.title }}", "Pihak PK")
    wt._para(doc, SECOND_CLAUSE, "Pihak PK Keterangan")
    wt._para(doc, PROMISE, "Isi PK")
    wt._para(doc, SUPERVISION, "Isi PK")
    wt._para(doc, "", "Normal")
    _signatures(doc)


def _numbers_row(row, count: int) -> None:
    wt._row_flags(row, header=True)
    for i, cell in enumerate(row.cells[:count], 1):
        wt._set_cell(cell, f"({i})", "Nomor Kolom")
        wt._shade(cell, "F2F2F2")


def _targets(doc) -> None:
    table = wt._table(doc, TARGET_COLS, 5)
    wt._header_row(table.rows[0], ["NO", "SASARAN STRATEGIS", "INDIKATOR KINERJA", "SATUAN",
                                   "TARGET", "{{ pk.targets.head.note }}"], "Kepala Tabel PK")
    _numbers_row(table.rows[1], len(TARGET_COLS))
    wt._tag_row(table.rows[2], "{%tr for row in pk.targets.rows %}", "Isi Tabel")
    cells = table.rows[3].cells
    for cell, key, style in zip(cells, ("no", "sasaran", "indicator", "unit", "target", "note"),
                                ("Isi Tabel Tengah", "Isi Tabel", "Isi Tabel",
                                 "Isi Tabel Tengah", "Isi Tabel Tengah", "Isi Tabel"),
                                strict=True):
        wt._set_cell(cell, "{{ row." + key + " }}", style)
    wt._tag_row(table.rows[4], "{%tr endfor %}", "Isi Tabel")


def _programs(doc) -> None:
    table = wt._table(doc, PROGRAM_COLS, 6)
    wt._header_row(table.rows[0], ["NO", "PROGRAM", "ANGGARAN (Rp)", "KETERANGAN"],
                   "Kepala Tabel PK")
    _numbers_row(table.rows[1], len(PROGRAM_COLS))
    wt._tag_row(table.rows[2], "{%tr for row in pk.programs.rows %}", "Isi Tabel")
    cells = table.rows[3].cells
    wt._set_cell(cells[0], "{{ row.no }}", "Isi Tabel Tengah")
    wt._set_cell(cells[1], "{{ row.program }}", "Isi Tabel")
    wt._set_cell(cells[2], "{{ row.ceiling }}", "Isi Tabel Kanan")
    wt._list_cell(cells[3], "line in row.note", "line", "Isi Tabel")
    wt._tag_row(table.rows[4], "{%tr endfor %}", "Isi Tabel")
    total = table.rows[5]
    for cell in total.cells:
        wt._shade(cell, "F2F2F2")
    label = total.cells[0].merge(total.cells[1])
    wt._set_cell(label, "{{ pk.programs.total.label }}", "Kepala Tabel PK")
    wt._set_cell(total.cells[2], "{{ pk.programs.total.ceiling }}", "Jumlah Kanan")
    wt._set_cell(total.cells[3], "", "Kepala Tabel PK")


def _lampiran(doc) -> None:
    wt._para(doc, "{{ pk.lampiran.title }}", "Judul Lampiran PK")
    wt._para(doc, "{{ pk.agency }}", "Sub Judul Lampiran PK")
    _targets(doc)
    wt._para(doc, "", "Normal")
    _programs(doc)
    wt._tag(doc, "{%p if pk.notes %}")
    wt._para(doc, "Catatan:", "Catatan Judul")
    wt._tag(doc, "{%p for note in pk.notes %}")
    wt._para(doc, "- {{ note }}", "Catatan")
    wt._tag(doc, "{%p endfor %}")
    wt._tag(doc, "{%p endif %}")
    wt._para(doc, "", "Normal")
    _signatures(doc)


def write_pk(doc, new_page: bool = False) -> None:
    """The PK's two parts (statement, then lampiran on a new page) at the end of ``doc``;
    ``new_page``: the statement starts a new page too (the PK inside another document)."""
    _statement(doc, new_page)
    _lampiran(doc)


def _all_styles(doc) -> None:
    wt._write_styles(doc)
    write_pk_styles(doc)


def build_template() -> bytes:
    doc = wt.start_document(_all_styles)
    write_pk(doc)
    return wt.finished(doc, "Perjanjian Kinerja", "Templat Perjanjian Kinerja", "dev.pk_template")


def write_template(path: Path = paths.PK_TEMPLATE) -> Path:
    from pipeline.office.atomic import write_atomically

    return write_atomically(Path(path), build_template())


if __name__ == "__main__":
    print(f"Templat ditulis: {write_template()}")
