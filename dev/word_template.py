"""Build the Word template input_templates/laporan_iku.docx: ``python -m dev.word_template``.

The template is generated so it can be reproduced and reviewed as code, but it is an
ordinary .docx: the secretariat may restyle it in Word or LibreOffice (named styles, one
table style, fonts, margins, a logo on the cover) and the pipeline keeps working, as long
as the ``{{ … }}`` / ``{%… %}`` tags stay (docs/TEMPLATE.md lists them).

Layout choices (docs/TEMPLATE.md explains them):
* A4; portrait margins top 2.5, bottom 2, left 3 (binding), right 2 cm; the landscape
  section keeps the binding margin at the top (3 cm), the edge bound when rotated.
* Font "Arial" (the usual face of Indonesian official documents); LibreOffice substitutes
  the metric-compatible "Liberation Sans", so line breaks and page counts agree.
* docxtpl rules: one ``{%p %}`` / ``{%tr %}`` tag per paragraph or row, on its own; the
  section breaks sit in empty paragraphs that carry no tag.

Steps are a flat list of ``_write_*`` calls in ``build_template``.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from pipeline import paths
from pipeline.word.strict import insert_in_order

FONT = "Arial"
BODY_PT = 11
TABLE_PT = 10
WIDE_TABLE_PT = 9
A4 = (Cm(21.0), Cm(29.7))
PORTRAIT_MARGINS = {"top": 2.5, "bottom": 2.0, "left": 3.0, "right": 2.0}
LANDSCAPE_MARGINS = {"top": 3.0, "bottom": 2.0, "left": 2.0, "right": 2.0}
HEADER_FILL = "D9D9D9"
TABLE_STYLE = "Tabel Laporan"
FIXED_DATE = dt.datetime(2021, 1, 1)  # the template's own core properties; never "now"

WIDE_HEADER_PT = 8  # the landscape tables' headers, smaller than their 9 pt text (as the seed)

# Column widths in cm; each table fills its page's text width (16 cm / 25.7 cm).
# Every column a report may show; the report leaves out the optional ones it does not
# use (pipeline/word/columns.py) and shares their width among the others, so a heading
# that fits here fits in every report. Chosen from the headings' text (issue 21): each
# column is at least as wide as its longest heading word in bold capitals at
# WIDE_HEADER_PT (Arial / Liberation Sans Bold: REALISASI 1.51 cm, PREDIKAT 1.42,
# CAPAIAN 1.26, TARGET 1.14, PENANGGUNG 2.05, KETERANGAN 1.99) plus the cells' 0.3 cm of
# margins and 0.1 cm to spare; the text columns give up what the numbers need.
IKU_COLS = (1.2, 5.0, 4.9, 4.9)
RPJMD_COLS = (0.9, 3.8, 4.6, 1.75, 1.9, 1.75, 1.65, 1.9, 1.75, 1.85, 1.9, 1.95)
RENSTRA_COLS = (0.9, 3.1, 3.4, 1.6, 1.95, 1.75, 1.85, 2.6, 3.35, 5.2)
APPENDIX_COLS = (7.7, 1.6, 3.6, 3.6, 3.6, 5.6)


# --- styles ------------------------------------------------------------------------------


def _set_fonts(rpr_parent, name: str | None = FONT) -> None:
    """Name the font explicitly (None: inherit it), dropping theme fonts, which would win
    over a named font. Only Normal names one, so changing Normal changes the whole report."""
    rpr = rpr_parent.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    if name is None:
        rpr.remove(fonts)
        return
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), name)


def _write_defaults(doc) -> None:
    styles = doc.styles.element
    rpr = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts"))
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:val"), "id-ID")
    lang.set(qn("w:eastAsia"), "id-ID")


def _pstyle(
    doc,
    name: str,
    base: str = "Normal",
    *,
    size: float | None = None,
    bold: bool | None = None,
    italic: bool | None = None,
    color: str | None = "000000",
    align=None,
    before: float | None = None,
    after: float | None = None,
    line: float | None = None,
    left: float | None = None,
    first: float | None = None,
    tabs: Sequence[float] = (),
    keep_next: bool | None = None,
    page_break: bool | None = None,
    caps: bool | None = None,
):
    styles = doc.styles
    if name in [s.name for s in styles]:
        style = styles[name]
    else:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.quick_style = True
    if name != "Normal":
        style.base_style = styles[base]
    _set_fonts(style.element, FONT if name == "Normal" else None)
    font, fmt = style.font, style.paragraph_format
    if size is not None:
        font.size = Pt(size)
    font.bold = bold
    font.italic = italic
    if caps is not None:
        font.all_caps = caps
    if color is not None:
        font.color.rgb = RGBColor.from_string(color)
    if align is not None:
        fmt.alignment = align
    if before is not None:
        fmt.space_before = Pt(before)
    if after is not None:
        fmt.space_after = Pt(after)
    if line is not None:
        fmt.line_spacing = line
    if left is not None:
        fmt.left_indent = Cm(left)
    if first is not None:
        fmt.first_line_indent = Cm(first)
    for pos in tabs:
        fmt.tab_stops.add_tab_stop(Cm(pos), WD_TAB_ALIGNMENT.LEFT)
    if keep_next is not None:
        fmt.keep_with_next = keep_next
    if page_break is not None:
        fmt.page_break_before = page_break
    fmt.widow_control = True
    return style


def _write_styles(doc) -> None:
    J, C, L = WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT
    _pstyle(doc, "Normal", size=BODY_PT, after=4, line=1.15, color=None)
    # Cover
    _pstyle(doc, "Title", size=18, bold=True, align=C, before=150, after=12, caps=True)
    _plain_title(doc.styles["Title"])
    _pstyle(doc, "Sampul", size=14, bold=True, align=C, after=2, caps=True)
    _pstyle(doc, "Sampul Logo", align=C, before=90, after=90)
    _pstyle(doc, "Gambar", align=C, before=6, after=6, keep_next=False)
    # Parts and organisations. "Butir" lines read "2.<tab>Tugas<tab>:<tab>text" with the
    # text wrapping under itself (hanging indent at the last tab).
    _pstyle(doc, "Heading 1", size=12, bold=True, align=C, before=0, after=18,
            keep_next=True, page_break=True)
    item = {"left": 4.4, "first": -4.4, "tabs": (0.7, 4.0, 4.4)}
    _pstyle(doc, "Heading 2", size=BODY_PT, bold=False, align=L, before=18, after=4,
            keep_next=True, **item)
    # keep_next chains an organisation's lines to its table (Word honours the chain).
    _pstyle(doc, "Butir", align=J, after=4, keep_next=True, **item)
    _pstyle(doc, "Butir Judul", after=4, keep_next=True, **item)
    _pstyle(doc, "Daftar Huruf", align=J, after=2, left=1.35, first=-0.6, tabs=(1.35,),
            keep_next=True)
    # "KOTA<tab>: …" over "SKPD<tab>: …": one tab stop right of the longest label the
    # master documents (PERANGKAT DAERAH, 4.1 cm at 11 pt), so the colons line up
    _pstyle(doc, "Kepala SKPD", after=2, left=4.4, first=-4.4, tabs=(4.4,), keep_next=True)
    # Tables
    _pstyle(doc, "Isi Tabel", size=TABLE_PT, after=0, line=1.0)
    _pstyle(doc, "Isi Tabel Tengah", "Isi Tabel", align=C)
    _pstyle(doc, "Kepala Tabel", "Isi Tabel", bold=True, align=C, caps=True)
    _pstyle(doc, "Isi Tabel Lebar", "Isi Tabel", size=WIDE_TABLE_PT)
    _pstyle(doc, "Isi Tabel Lebar Tengah", "Isi Tabel Lebar", align=C)
    _pstyle(doc, "Kepala Tabel Lebar", "Kepala Tabel", size=WIDE_HEADER_PT)
    _pstyle(doc, "Rumus", "Isi Tabel Lebar", after=2)
    # Notes, draft flag, signature
    _pstyle(doc, "Catatan Judul", size=9, bold=True, before=8, after=0, keep_next=True)
    _pstyle(doc, "Catatan", size=9, after=0, align=J, left=0.5, first=-0.5)
    _pstyle(doc, "Draft", bold=True, align=C, color="C00000", before=12, after=12)
    signature = {"left": 16.0, "align": C, "after": 0, "keep_next": True}
    _pstyle(doc, "Tanda Tangan", before=0, **signature)
    _pstyle(doc, "Tanda Tangan Jabatan", bold=True, **signature)
    _pstyle(doc, "Tanda Tangan Ruang", before=48, **signature)
    _pstyle(doc, "Tanda Tangan Nama", bold=True, **signature)
    doc.styles["Tanda Tangan Nama"].font.underline = True
    for name in ("Header", "Footer"):
        _pstyle(doc, name, size=9, after=0, line=1.0)


def _plain_title(style) -> None:
    """Word's default Title has a coloured rule under it and tight spacing: remove them."""
    ppr = style.element.get_or_add_pPr()
    for tag in ("w:pBdr", "w:contextualSpacing"):
        for el in ppr.findall(qn(tag)):
            ppr.remove(el)
    rpr = style.element.get_or_add_rPr()
    for tag in ("w:spacing", "w:kern"):
        for el in rpr.findall(qn(tag)):
            rpr.remove(el)


def _write_table_style(doc) -> None:
    """One table style, borders and cell margins included (not inherited), so LibreOffice
    and Word agree; the secretariat can change it in one place."""
    style = doc.styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.TABLE)
    el = style.element
    ppr = OxmlElement("w:pPr")
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")
    spacing.set(qn("w:lineRule"), "auto")
    ppr.append(spacing)
    insert_in_order(el, ppr)
    tblpr = OxmlElement("w:tblPr")
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        b = OxmlElement(f"w:{side}")
        b.set(qn("w:val"), "single")
        b.set(qn("w:sz"), "4")
        b.set(qn("w:space"), "0")
        b.set(qn("w:color"), "000000")
        borders.append(b)
    tblpr.append(borders)
    margins = OxmlElement("w:tblCellMar")
    for side, w in (("top", 14), ("left", 85), ("bottom", 14), ("right", 85)):
        m = OxmlElement(f"w:{side}")
        m.set(qn("w:w"), str(w))
        m.set(qn("w:type"), "dxa")
        margins.append(m)
    tblpr.append(margins)
    insert_in_order(el, tblpr)


# --- paragraphs and tables ---------------------------------------------------------------


def _para(doc_or_cell, text: str = "", style: str = "Normal", bold_text: str = "") -> Paragraph:
    p = doc_or_cell.add_paragraph(style=style)
    if text:
        p.add_run(text)
    if bold_text:
        p.add_run(bold_text).bold = True
    return p


def _tag(container, tag: str, style: str = "Normal") -> Paragraph:
    """A paragraph holding only a {%p %} tag: docxtpl removes it on rendering."""
    return _para(container, tag, style)


def _twips(cm: float) -> str:
    return str(round(cm / 2.54 * 1440))


def _table(doc, widths: Sequence[float], rows: int) -> Table:
    table = doc.add_table(rows=rows, cols=len(widths))
    table.style = doc.styles[TABLE_STYLE]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False  # w:tblLayout fixed: the widths below are kept
    tblpr = table._tbl.tblPr
    tblw = tblpr.find(qn("w:tblW"))
    tblw.set(qn("w:w"), _twips(sum(widths)))
    tblw.set(qn("w:type"), "dxa")
    for col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), _twips(width))
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)
        _row_flags(row, header=False)
    return table


def _row_flags(row, header: bool) -> None:
    """Rows never split across pages; header rows repeat on every page."""
    trpr = row._tr.get_or_add_trPr()
    for tag in ("w:cantSplit", "w:tblHeader"):
        el = trpr.find(qn(tag))
        if el is not None:
            trpr.remove(el)
    insert_in_order(trpr, OxmlElement("w:cantSplit"))
    if header:
        insert_in_order(trpr, OxmlElement("w:tblHeader"))


def _shade(cell: _Cell, fill: str = HEADER_FILL) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    insert_in_order(tcpr, shd)


def _valign_center(cell: _Cell) -> None:
    v = OxmlElement("w:vAlign")
    v.set(qn("w:val"), "center")
    insert_in_order(cell._tc.get_or_add_tcPr(), v)


def _set_cell(cell: _Cell, text: str, style: str) -> Paragraph:
    p = cell.paragraphs[0]
    p.style = style
    if text:
        p.add_run(text)
    return p


def _header_row(row, labels: Sequence[str], style: str) -> None:
    _row_flags(row, header=True)
    for cell, label in zip(row.cells, labels, strict=True):
        _set_cell(cell, label, style)
        _shade(cell)
        _valign_center(cell)


def _tag_row(row, tag: str, style: str) -> None:
    """A row holding only a {%tr %} tag in its first cell: docxtpl removes the row."""
    _set_cell(row.cells[0], tag, style)
    for cell in row.cells[1:]:
        _set_cell(cell, "", style)


def _list_cell(cell: _Cell, loop: str, item: str, style: str) -> None:
    """A cell whose lines come from a list: one paragraph per item."""
    _set_cell(cell, "{%p for " + loop + " %}", style)
    _para(cell, "{{ " + item + " }}", style)
    _para(cell, "{%p endfor %}", style)


# --- document parts ----------------------------------------------------------------------


def _write_cover(doc) -> None:
    _para(doc, "{{ cover.title }}", "Title")
    _para(doc, "", "Sampul Logo")  # room for the agency's logo (docs/TEMPLATE.md)
    _tag(doc, "{%p for line in cover.agency_lines %}")
    _para(doc, "{{ line }}", "Sampul")
    _tag(doc, "{%p endfor %}")
    _para(doc, "{{ cover.year_line }}", "Sampul")
    _write_draft_notice(doc)


def _write_draft_notice(doc) -> None:
    _tag(doc, "{%p if draft %}")
    _para(doc, "{{ draft_notice }}", "Draft")
    _tag(doc, "{%p endif %}")


def _name_line(doc, org: str) -> None:
    p = _para(doc, "1.\tNama Organisasi\t:\t", "Heading 2")
    p.add_run("{{ " + org + ".name }}").bold = True


def _write_organisation_head(doc, org: str) -> None:
    """"1. Nama Organisasi", then Tugas and Fungsi when the master gives them, numbered by
    the context (a missing part is left out and the next ones renumbered). Organisations
    follow one another as in the 2021 original, sharing pages: each heading keeps with
    what follows it (Heading 2, Butir, Butir Judul, Daftar Huruf keep with next), so a
    heading never ends a page (issue 21; until then each began a page of its own)."""
    _name_line(doc, org)
    _tag(doc, "{%p if " + org + ".duties %}")
    _para(doc, "{{ " + org + ".num.duties }}.\tTugas\t:\t{{ " + org + ".duties }}", "Butir")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p if " + org + ".functions %}")
    _para(doc, "{{ " + org + ".num.functions }}.\tFungsi\t:", "Butir Judul")
    _tag(doc, "{%p for f in " + org + ".functions %}")
    _para(doc, "{{ f.letter }}.\t{{ f.text }}", "Daftar Huruf")
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p endif %}")


def _write_iku(doc, org: str, table_label: str) -> None:
    """The numbered heading and the IKU table, when the organisation has IKU rows. The
    Alasan and Sumber Data columns are left out when no row fills them."""
    _tag(doc, "{%p if " + org + ".rows %}")
    _para(doc, "{{ " + org + ".num.iku }}.\t" + table_label + "\t:", "Butir Judul")
    table = _table(doc, IKU_COLS, 4)
    labels = ["NO", "Uraian", "{{ " + org + ".head.reason }}", "{{ " + org + ".head.sources }}"]
    _header_row(table.rows[0], labels, "Kepala Tabel")
    _tag_row(table.rows[1], "{%tr for row in " + org + ".rows %}", "Isi Tabel")
    cells = table.rows[2].cells
    _set_cell(cells[0], "{{ row.letter }}.", "Isi Tabel Tengah")
    _set_cell(cells[1], "{{ row.description }}", "Isi Tabel")
    _set_cell(cells[2], "{{ row.reason }}", "Isi Tabel")
    _list_cell(cells[3], "s in row.sources", "s", "Isi Tabel")
    _tag_row(table.rows[3], "{%tr endfor %}", "Isi Tabel")
    _tag(doc, "{%p endif %}")


def _write_part_one(doc) -> None:
    _para(doc, "INDIKATOR KINERJA UTAMA (IKU) TAHUN {{ year }}", "Heading 1")
    _tag(doc, "{%p for org in organisations %}")
    _write_organisation_head(doc, "org")
    _write_iku(doc, "org", "Indikator Kinerja Utama")
    _tag(doc, "{%p endfor %}")


def _write_part_two_agency(doc) -> None:
    # In a draft the cover says why and every page header says DRAFT.
    _para(doc, "CAPAIAN INDIKATOR KINERJA UTAMA (IKU) TAHUN {{ year }}", "Heading 1")
    _write_organisation_head(doc, "agency")
    _write_iku(doc, "agency", "Indikator Kinerja")  # as the 2021 original
    # A plain paragraph before the section break: LibreOffice drops an empty paragraph
    # that holds only a section break and moves the break to the paragraph before it,
    # which must therefore not be a {%p %} tag (docxtpl would delete the break with it).
    _para(doc, "", "Normal")


def _write_rpjmd_table(doc) -> None:
    _para(doc, "{{ agency.region_label }}\t: {{ agency.city_upper }}", "Kepala SKPD")
    _para(doc, "{{ agency.label }}\t: {{ agency.name_upper }}", "Kepala SKPD")
    _para(doc, "", "Kepala SKPD")
    table = _table(doc, RPJMD_COLS, 6)
    head1, head2 = table.rows[0], table.rows[1]
    h = "{{ rpjmd.head.%s }}"
    labels = ["No", "Sasaran", "Indikator Kinerja", h % "baseline", h % "previous_realisation",
              h % "previous", h % "year", "", "", "", h % "final_target",
              h % "final_achievement"]
    _header_row(head1, labels, "Kepala Tabel Lebar")
    _header_row(head2, ["", "", "", "", "", "", "Target", "Realisasi", "% Capaian",
                        h % "grade", "", ""], "Kepala Tabel Lebar")
    for col in (0, 1, 2, 3, 4, 5, 10, 11):
        head1.cells[col].merge(head2.cells[col])
    head1.cells[6].merge(head1.cells[9])
    _tag_row(table.rows[2], "{%tr for row in rpjmd.rows %}", "Isi Tabel Lebar")
    cells = table.rows[3].cells
    keys = ["no", "sasaran", "indicator", "baseline", "previous_realisation", "previous",
            "target", "realisation", "achievement", "grade", "final_target",
            "final_achievement"]
    for i, (cell, key) in enumerate(zip(cells, keys, strict=True)):
        style = "Isi Tabel Lebar" if i in (1, 2) else "Isi Tabel Lebar Tengah"
        _set_cell(cell, "{{ row." + key + " }}", style)
    _tag_row(table.rows[4], "{%tr endfor %}", "Isi Tabel Lebar")
    avg = table.rows[5]
    for cell in avg.cells:
        _shade(cell, "F2F2F2")
    label = avg.cells[0].merge(avg.cells[3])
    cells = avg.cells
    _set_cell(label, "{{ rpjmd.average.label }}", "Kepala Tabel Lebar")
    _set_cell(cells[5], "{{ rpjmd.average.previous }}", "Kepala Tabel Lebar")
    _set_cell(cells[8], "{{ rpjmd.average.achievement }}", "Kepala Tabel Lebar")
    _set_cell(cells[9], "{{ rpjmd.average.grade }}", "Kepala Tabel Lebar")
    for i in (4, 6, 7, 10, 11):
        _set_cell(cells[i], "", "Kepala Tabel Lebar")


def _write_renstra_table(doc) -> None:
    _para(doc, "", "Normal")
    table = _table(doc, RENSTRA_COLS, 4)
    labels = ["No", "Sasaran Renstra", "Indikator Kinerja Utama", "Target", "Realisasi",
              "Capaian", "{{ renstra.head.grade }}", "{{ renstra.head.responsible }}",
              "{{ renstra.head.sources }}", "Keterangan"]
    _header_row(table.rows[0], labels, "Kepala Tabel Lebar")
    _tag_row(table.rows[1], "{%tr for row in renstra.rows %}", "Isi Tabel Lebar")
    cells = table.rows[2].cells
    _set_cell(cells[0], "{{ row.no }}", "Isi Tabel Lebar Tengah")
    _set_cell(cells[1], "{{ row.sasaran }}", "Isi Tabel Lebar")
    _set_cell(cells[2], "{{ row.indicator }}", "Isi Tabel Lebar")
    _set_cell(cells[3], "{{ row.target }}", "Isi Tabel Lebar Tengah")
    _set_cell(cells[4], "{{ row.realisation }}", "Isi Tabel Lebar Tengah")
    _set_cell(cells[5], "{{ row.achievement }}", "Isi Tabel Lebar Tengah")
    _set_cell(cells[6], "{{ row.grade }}", "Isi Tabel Lebar Tengah")
    _set_cell(cells[7], "{{ row.responsible }}", "Isi Tabel Lebar")
    _list_cell(cells[8], "s in row.sources", "s", "Isi Tabel Lebar")
    # The formula is an Office Math object: {{r }} replaces the whole run with it.
    _set_cell(cells[9], "{{r row.formula }}", "Rumus")
    _para(cells[9], "{%p for line in row.explanation %}", "Isi Tabel Lebar")
    _para(cells[9], "{{ line }}", "Isi Tabel Lebar")
    _para(cells[9], "{%p endfor %}", "Isi Tabel Lebar")
    _tag_row(table.rows[3], "{%tr endfor %}", "Isi Tabel Lebar")


def _write_appendix(doc) -> None:
    """The history appendix (pengaturan.bagian_riwayat): after the signature, on a new
    page; absent from the report when the master does not ask for it."""
    _tag(doc, "{%p if lampiran.show %}")
    _para(doc, "LAMPIRAN", "Heading 1")
    _para(doc, "{{ lampiran.title }}", "Kepala SKPD")
    table = _table(doc, APPENDIX_COLS, 3)
    labels = ["Indikator Kinerja", "Tahun", "Target", "Realisasi", "% Capaian",
              "{{ lampiran.head.final }}"]
    _header_row(table.rows[0], labels, "Kepala Tabel Lebar")
    _tag_row(table.rows[1], "{%tr for row in lampiran.rows %}", "Isi Tabel Lebar")
    cells = table.rows[2].cells
    for i, key in enumerate(("indicator", "year", "target", "realisation", "achievement",
                             "final")):
        _set_cell(cells[i], "{{ row." + key + " }}",
                  "Isi Tabel Lebar" if i == 0 else "Isi Tabel Lebar Tengah")
    table.add_row()
    _row_flags(table.rows[3], header=False)
    _tag_row(table.rows[3], "{%tr endfor %}", "Isi Tabel Lebar")
    _para(doc, "{{ lampiran.note }}", "Catatan")
    _tag(doc, "{%p for chart in lampiran.charts %}")
    _para(doc, "{{ chart }}", "Gambar")
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p endif %}")


def _write_notes_and_signature(doc) -> None:
    _tag(doc, "{%p if notes %}")
    _para(doc, "Catatan:", "Catatan Judul")
    _tag(doc, "{%p for note in notes %}")
    _para(doc, "- {{ note }}", "Catatan")
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p endif %}")
    _para(doc, "", "Normal")
    _para(doc, "{{ place_date }}", "Tanda Tangan")
    _para(doc, "{{ signatory.title }}", "Tanda Tangan Jabatan")
    _para(doc, "", "Tanda Tangan Ruang")  # room for the signature and stamp
    _tag(doc, "{%p if signatory.name %}")
    _para(doc, "{{ signatory.name }}", "Tanda Tangan Nama")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p if signatory.rank %}")
    _para(doc, "{{ signatory.rank }}", "Tanda Tangan")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p if signatory.nip %}")
    p = _para(doc, "{{ signatory.nip }}", "Tanda Tangan")
    p.paragraph_format.keep_with_next = False
    _tag(doc, "{%p endif %}")


# --- sections, header and footer ---------------------------------------------------------


def _page_setup(section, landscape: bool) -> None:
    width, height = A4
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (height, width) if landscape else (width, height)
    margins = LANDSCAPE_MARGINS if landscape else PORTRAIT_MARGINS
    section.top_margin = Cm(margins["top"])
    section.bottom_margin = Cm(margins["bottom"])
    section.left_margin = Cm(margins["left"])
    section.right_margin = Cm(margins["right"])
    section.header_distance = Cm(1.25)
    section.footer_distance = Cm(1.0)


def _page_number(paragraph: Paragraph) -> None:
    def fld(kind: str):
        run = paragraph.add_run()
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        run._r.append(el)

    fld("begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    paragraph.add_run()._r.append(instr)
    fld("separate")
    paragraph.add_run("1")
    fld("end")


def _draft_mark(paragraph: Paragraph) -> None:
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = paragraph.add_run("{% if draft %}DRAFT{% endif %}")
    run.bold = True
    run.font.color.rgb = RGBColor.from_string("C00000")


def _write_header_footer(doc) -> None:
    first = doc.sections[0]
    first.different_first_page_header_footer = True  # the cover shows no page number
    _draft_mark(first.header.paragraphs[0])
    _draft_mark(first.first_page_header.paragraphs[0])
    footer = first.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_number(footer)
    first.first_page_footer.paragraphs[0].text = ""
    for later in doc.sections[1:]:
        later.different_first_page_header_footer = False


def _drop_thumbnail(doc) -> None:
    """python-docx's default package carries a thumbnail of an empty page: drop it."""
    pkg = doc.part.package
    for rid, rel in list(pkg.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            pkg.rels.pop(rid)
    settings = doc.settings.element
    for el in settings.findall(qn("w:savePreviewPicture")):
        settings.remove(el)


def write_properties(doc, title: str, subject: str, builder: str) -> None:
    """A template's own core properties, fixed (never "now") so that it rebuilds to the
    same bytes; ``builder``: the module that builds it (``dev.word_template``)."""
    props = doc.core_properties
    props.title = title
    props.subject = subject
    props.author = "iku"
    props.last_modified_by = "iku"
    props.comments = f"Dibuat oleh python -m {builder}; boleh diubah gayanya."
    props.keywords = ""
    props.revision = 1
    props.created = FIXED_DATE
    props.modified = FIXED_DATE
    props.language = "id-ID"


def start_document(write_styles: Callable[[Any], None] | None = None,
                   landscape: bool = False):
    """A template's document as every builder starts it: no thumbnail, the defaults, the
    styles (``write_styles``, else this template's), the table style, the first page."""
    doc = Document()
    _drop_thumbnail(doc)
    _write_defaults(doc)
    (write_styles or _write_styles)(doc)
    _write_table_style(doc)
    _page_setup(doc.sections[0], landscape=landscape)
    return doc


def finished(doc, title: str, subject: str, builder: str) -> bytes:
    """The template's bytes: its fixed core properties, saved and zipped deterministically
    (the same bytes at every rebuild)."""
    from pipeline.office.packaging import deterministic_zip

    write_properties(doc, title, subject, builder)
    buf = io.BytesIO()
    doc.save(buf)
    return deterministic_zip(buf.getvalue(), FIXED_DATE)


def build_template() -> bytes:
    doc = start_document()
    _write_cover(doc)
    _write_part_one(doc)
    _write_part_two_agency(doc)
    doc.add_section(WD_SECTION.NEW_PAGE)  # the break sits in a new, empty paragraph
    _page_setup(doc.sections[-1], landscape=True)
    _write_rpjmd_table(doc)
    _write_renstra_table(doc)
    _write_notes_and_signature(doc)
    _write_appendix(doc)
    _write_header_footer(doc)
    return finished(doc, "Indikator Kinerja Utama (IKU) dan Capaian IKU", "Templat laporan IKU",
                    "dev.word_template")


def write_template(path: Path = paths.WORD_TEMPLATE) -> Path:
    from pipeline.office.atomic import write_atomically

    return write_atomically(Path(path), build_template())


if __name__ == "__main__":
    print(f"Templat ditulis: {write_template()}")
