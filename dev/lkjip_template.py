"""Build the LKjIP chapter's Word template input_templates/lkjip_bab3.docx:
``python -m dev.lkjip_template``.

Like dev/word_template.py (whose styles, table helpers and page set-up it reuses, so the
chapter looks like the IKU report), the template is generated so it can be reviewed as
code, but it is an ordinary .docx the secretariat may restyle in Word or LibreOffice
(named styles, one table style, fonts, margins) as long as the ``{{ … }}`` / ``{%… %}``
tags stay (docs/LKJIP.md lists them). ``iku templat periksa FILE --jenis lkjip`` checks a
restyled copy.

A4 portrait throughout (the chapter is inserted into the agency's LKjIP as Bab III).
Styles of its own: "Narasi" (generated sentences, justified), "Isian Sekretariat" (the
marked slots: shaded, italic), "Kutipan Unit" (a unit's analysis, indented), "Butir
Analisis" (the numbered parts of a sasaran), "Keterangan Tabel" (captions), "Grafik"
(the chart's paragraph).
"""

from __future__ import annotations

from pathlib import Path

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from dev import word_template as wt
from pipeline import paths
from pipeline.word.strict import insert_in_order

# Column widths in cm; each table fills the 16 cm text width (the scale table 8 cm).
SCALE_COLS = (4.0, 4.0)
MEASUREMENT_COLS = (0.8, 3.2, 3.9, 1.5, 1.5, 1.7, 1.7, 1.7)
YEARS_COLS = (0.9, 3.7, 1.9, 1.9, 1.9, 1.9, 1.9, 1.9)
FINAL_COLS = (4.6, 2.9, 2.5, 3.0, 3.0)
STANDARD_COLS = (5.0, 2.6, 2.6, 5.8)
EFFICIENCY_COLS = (5.2, 3.0, 3.0, 2.4, 2.4)
BUDGET_COLS = (0.9, 3.6, 4.0, 2.6, 2.6, 2.3)
SHADE = "FFF2CC"  # the secretariat's slots

# The chapter's opening, fixed text of the template (never written by the program), from
# the sources of /work/notes/pk_lkjip_format.md: the legal basis as LKjIPs cite it (§2.3:
# Kesbangpol Kabupaten Rote Ndao 2019, Kecamatan Karanglewas 2025; the regulation's title
# as §0 and the LKj Provinsi Lampung 2015, §2.4, write it), and what Bab III presents in the
# words of the prescribed outline (§2.1: "disajikan capaian kinerja organisasi untuk setiap
# pernyataan kinerja sasaran strategis … sesuai dengan hasil pengukuran kinerja
# organisasi"; "realisasi anggaran yang digunakan … untuk mewujudkan kinerja organisasi
# sesuai dengan dokumen perjanjian").
OPENING = (
    "Sesuai dengan Peraturan Presiden Nomor 29 Tahun 2014 tentang Sistem Akuntabilitas "
    "Kinerja Instansi Pemerintah dan Peraturan Menteri Pendayagunaan Aparatur Negara dan "
    "Reformasi Birokrasi Nomor 53 Tahun 2014 tentang Petunjuk Teknis Perjanjian Kinerja, "
    "Pelaporan Kinerja dan Tata Cara Reviu atas Laporan Kinerja Instansi Pemerintah, bab ini "
    "menyajikan capaian kinerja {{ agency }} tahun {{ year }} untuk setiap pernyataan kinerja "
    "sasaran strategis sesuai dengan hasil pengukuran kinerja organisasi, serta realisasi "
    "anggaran yang digunakan untuk mewujudkan kinerja organisasi sesuai dengan dokumen "
    "Perjanjian Kinerja.")
# The parts of a sasaran: the seven analyses of the prescribed outline (§2.1), numbered by
# what is printed.
ITEMS = {
    "this_year": "Perbandingan target dan realisasi kinerja tahun {{ year }}",
    "years": "Perbandingan realisasi dan capaian kinerja dengan tahun-tahun sebelumnya",
    "final": "Perbandingan realisasi kinerja dengan target jangka menengah (Renstra/RPJMD)",
    "standard": "Perbandingan realisasi kinerja dengan standar nasional/provinsi",
    "analysis": "Analisis penyebab keberhasilan/kegagalan dan alternatif solusi",
    "efficiency": "Analisis efisiensi penggunaan sumber daya",
    "programs": "Analisis program/kegiatan yang menunjang keberhasilan atau kegagalan",
}


def _write_styles(doc) -> None:
    wt._write_styles(doc)
    J, C, L = WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT
    wt._pstyle(doc, "Judul Bab", size=14, bold=True, align=C, before=0, after=0,
               keep_next=True)
    wt._pstyle(doc, "Judul Bagian", size=12, bold=True, align=L, before=18, after=6,
               left=0.8, first=-0.8, tabs=(0.8,), keep_next=True)
    wt._pstyle(doc, "Judul Sasaran", size=wt.BODY_PT, bold=True, align=L, before=14, after=4,
               keep_next=True)
    wt._pstyle(doc, "Butir Analisis", size=wt.BODY_PT, bold=True, italic=False, align=L,
               before=10, after=4, left=0.6, first=-0.6, tabs=(0.6,), keep_next=True)
    wt._pstyle(doc, "Normal Rata", align=J, after=6)
    wt._pstyle(doc, "Normal Rata Lanjut", "Normal Rata", keep_next=True)
    wt._pstyle(doc, "Narasi", align=J, before=4, after=4, left=0.6)
    wt._pstyle(doc, "Rumus Capaian", align=J, before=0, after=2, left=1.2, first=-0.6,
               tabs=(1.2,))
    wt._pstyle(doc, "Kepala Tabel Bab", "Isi Tabel", size=9, bold=True, align=C)
    wt._pstyle(doc, "Isi Tabel Kanan", "Isi Tabel", align=WD_ALIGN_PARAGRAPH.RIGHT)
    wt._pstyle(doc, "Jumlah Kanan", "Kepala Tabel Bab", align=WD_ALIGN_PARAGRAPH.RIGHT)
    wt._pstyle(doc, "Narasi Judul", bold=True, align=L, before=6, after=2, left=0.6,
               keep_next=True)
    wt._pstyle(doc, "Kutipan Unit", align=J, after=4, left=1.2)
    wt._pstyle(doc, "Isian Sekretariat", italic=True, align=J, before=2, after=8, left=0.6)
    _shade_style(doc.styles["Isian Sekretariat"])
    wt._pstyle(doc, "Keterangan Tabel", size=10, bold=True, align=C, before=8, after=4,
               keep_next=True)
    wt._pstyle(doc, "Keterangan Gambar", size=10, bold=True, align=C, before=2, after=8)
    wt._pstyle(doc, "Grafik", align=C, before=6, after=0, keep_next=True)
    wt._pstyle(doc, "Skala", size=9, italic=True, align=J, before=2, after=8)


def _shade_style(style) -> None:
    ppr = style.element.get_or_add_pPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), SHADE)
    insert_in_order(ppr, shd)  # before w:spacing, w:ind and w:jc, as the schema orders them


def _lines(doc, loop: str, item: str, style: str, prefix: str = "") -> None:
    wt._tag(doc, "{%p for " + loop + " %}")
    wt._para(doc, prefix + "{{ " + item + " }}", style)
    wt._tag(doc, "{%p endfor %}")


def _no_borders(cell, sides=("top", "left", "right")) -> None:
    borders = OxmlElement("w:tcBorders")
    for side in sorted(sides, key=("top", "left", "bottom", "right").index):  # schema order
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    insert_in_order(cell._tc.get_or_add_tcPr(), borders)


def _spanning_cell(row):
    """The row's cells merged into one (its text replaced)."""
    cell = row.cells[0].merge(row.cells[-1]) if len(row.cells) > 1 else row.cells[0]
    for p in cell.paragraphs[1:]:
        p._p.getparent().remove(p._p)
    return cell


def _caption_row(row, caption: str) -> None:
    """The table's caption as its first row, repeated with the header on every page: a
    caption kept in a paragraph of its own before the table is stranded at a page's end
    by LibreOffice when a heading keeps with it (issue 21; measured on synthetic chapters:
    docs/LKJIP.md, "Page layout")."""
    wt._row_flags(row, header=True)
    cell = _spanning_cell(row)
    wt._set_cell(cell, caption, "Keterangan Tabel")
    _no_borders(cell)


def _loop_table(doc, widths, labels, loop: str, keys, centred=(), header_style="Kepala Tabel Bab",
                cell_style="Isi Tabel", extra_rows: int = 0, right=(), caption: str = ""):
    """A caption row, the header row, a {%tr for %} row, the data row, {%tr endfor %},
    then extra rows. Columns in ``centred`` are centred, in ``right`` (amounts)
    right-aligned. Returns the table and the index of the first extra row."""
    table = wt._table(doc, widths, 5 + extra_rows)
    _caption_row(table.rows[0], caption)
    wt._header_row(table.rows[1], labels, header_style)
    wt._tag_row(table.rows[2], "{%tr for row in " + loop + " %}", cell_style)
    for i, (cell, key) in enumerate(zip(table.rows[3].cells, keys, strict=True)):
        style = cell_style
        if i in centred:
            style = f"{cell_style} Tengah"
        elif i in right:
            style = f"{cell_style} Kanan"
        wt._set_cell(cell, "{{ row." + key + " }}", style)
    wt._tag_row(table.rows[4], "{%tr endfor %}", cell_style)
    return table, 5


def _total_row(table, row_index: int, label_span: int, texts, style="Kepala Tabel Bab",
               right=()) -> None:
    row = table.rows[row_index]
    for cell in row.cells:
        wt._shade(cell, "F2F2F2")
    label = row.cells[0].merge(row.cells[label_span - 1]) if label_span > 1 else row.cells[0]
    cells = row.cells
    wt._set_cell(label, texts[0], style)
    for i, text in enumerate(texts[1:], start=label_span):
        wt._set_cell(cells[i], text, "Jumlah Kanan" if i in right else style)


def _write_title(doc) -> None:
    wt._para(doc, "{{ title.chapter }}", "Judul Bab")
    wt._para(doc, "{{ title.name }}", "Judul Bab")
    wt._tag(doc, "{%p if draft %}")
    wt._para(doc, "{{ draft_notice }}", "Draft")
    wt._tag(doc, "{%p endif %}")
    wt._para(doc, "", "Normal")
    wt._para(doc, OPENING, "Normal Rata")
    wt._para(doc, "{{ intro }}", "Normal Rata")


def _write_measurement(doc) -> None:
    wt._para(doc, "A.\tCAPAIAN KINERJA ORGANISASI", "Judul Bagian")
    wt._para(doc, "{{ measurement.basis }}", "Normal Rata")
    _lines(doc, "f in measurement.formulas", "f", "Rumus Capaian", prefix="\u2013\t")
    wt._para(doc, "{{ measurement.scale_note }}", "Normal Rata Lanjut")
    _loop_table(doc, SCALE_COLS, ["Capaian", "Predikat"], "measurement.scale_rows",
                ["range", "grade"], centred=(0, 1), caption="{{ measurement.scale_caption }}")
    wt._para(doc, "", "Normal")  # two tables that touch would be one
    labels = ["No", "Sasaran", "Indikator Kinerja", "Satuan", "Target", "Realisasi",
              "Capaian", "Predikat"]
    keys = ["no", "sasaran", "indicator", "unit", "target", "realisation", "achievement",
            "grade"]
    table, extra = _loop_table(doc, MEASUREMENT_COLS, labels, "measurement.rows", keys,
                               centred=(0, 3, 4, 5, 6, 7), extra_rows=1,
                               caption="{{ measurement.caption }}")
    _total_row(table, extra, 6, ["{{ measurement.average.label }}",
                                 "{{ measurement.average.achievement }}",
                                 "{{ measurement.average.grade }}"])
    _lines(doc, "t in measurement.sentences", "t", "Narasi")


def _item(doc, key: str) -> None:
    wt._para(doc, "{{ s.num." + key + " }}.\t" + ITEMS[key], "Butir Analisis")


def _chart_row(table, index: int) -> None:
    """The years table's last rows: {%tr if chart %}, the chart and its caption in one
    borderless cell, {%tr endif %}: a chart below a table in a paragraph of its own may be
    laid out on the next page, away from its table (issue 21); a row keeps with the row
    before it."""
    wt._tag_row(table.rows[index], "{%tr if s.years.chart %}", "Isi Tabel")
    cell = _spanning_cell(table.rows[index + 1])
    wt._set_cell(cell, "{{ s.years.chart }}", "Grafik")
    wt._para(cell, "{{ s.years.chart_caption }}", "Keterangan Gambar")
    _no_borders(cell, ("left", "right", "bottom"))
    wt._tag_row(table.rows[index + 2], "{%tr endif %}", "Isi Tabel")


def _write_sasaran(doc) -> None:
    wt._tag(doc, "{%p for s in sasaran %}")
    wt._para(doc, "{{ s.heading }}", "Judul Sasaran")
    wt._para(doc, "{{ s.intro }}", "Normal Rata")
    # 1. this year
    _item(doc, "this_year")
    _lines(doc, "t in s.this_year", "t", "Narasi")
    # 2. earlier years, table and chart
    wt._tag(doc, "{%p if s.years.shown %}")
    _item(doc, "years")
    years = ["{{ s.years.head.y" + str(i) + " }}" for i in range(1, 6)]
    table, extra = _loop_table(doc, YEARS_COLS, ["No", "Indikator Kinerja", "Uraian", *years],
                               "s.years.rows",
                               ["no", "indicator", "item", "y1", "y2", "y3", "y4", "y5"],
                               centred=(0, 3, 4, 5, 6, 7), extra_rows=3,
                               caption="{{ s.years.caption }}")
    _chart_row(table, extra)
    _lines(doc, "t in s.years.sentences", "t", "Narasi")
    wt._tag(doc, "{%p endif %}")
    # 3. the Target Akhir Renstra/RPJMD
    wt._tag(doc, "{%p if s.final.shown %}")
    _item(doc, "final")
    _loop_table(doc, FINAL_COLS, ["Indikator Kinerja", "Target Akhir Renstra/RPJMD",
                                  "{{ s.final.head.realisation }}",
                                  "% Capaian thd Target Akhir", "Yang Masih Perlu Dicapai"],
                "s.final.rows", ["indicator", "final_target", "realisation",
                                 "final_achievement", "remaining"], centred=(1, 2, 3, 4),
                caption="{{ s.final.caption }}")
    _lines(doc, "t in s.final.sentences", "t", "Narasi")
    wt._tag(doc, "{%p endif %}")
    # 4. a national or provincial standard
    wt._tag(doc, "{%p if s.standard.shown %}")
    _item(doc, "standard")
    _loop_table(doc, STANDARD_COLS, ["Indikator Kinerja", "{{ s.standard.head.realisation }}",
                                     "Standar", "Sumber Standar"], "s.standard.rows",
                ["indicator", "realisation", "standard", "source"], centred=(1, 2),
                caption="{{ s.standard.caption }}")
    _lines(doc, "t in s.standard.sentences", "t", "Narasi")
    wt._tag(doc, "{%p endif %}")
    # 5. causes and solutions
    _item(doc, "analysis")
    wt._tag(doc, "{%p for a in s.analysis %}")
    wt._para(doc, "{{ a.indicator }}", "Narasi Judul")
    _lines(doc, "line in a.lines", "line", "Kutipan Unit")
    wt._tag(doc, "{%p if a.none %}")
    wt._para(doc, "{{ a.none }}", "Narasi")
    wt._tag(doc, "{%p endif %}")
    wt._para(doc, "{{ a.slot }}", "Isian Sekretariat")
    wt._tag(doc, "{%p endfor %}")
    # 6. efficiency
    wt._tag(doc, "{%p if s.efficiency.shown %}")
    _item(doc, "efficiency")
    table, extra = _loop_table(doc, EFFICIENCY_COLS, ["Program / Sasaran", "Pagu (Rp)",
                                                      "Realisasi (Rp)", "% Penyerapan",
                                                      "% Capaian"],
                               "s.efficiency.rows", ["item", "ceiling", "spent", "absorption",
                                                     "achievement"], centred=(3, 4),
                               extra_rows=1, right=(1, 2),
                               caption="{{ s.efficiency.caption }}")
    _total_row(table, extra, 1, ["{{ s.efficiency.total.item }}",
                                 "{{ s.efficiency.total.ceiling }}",
                                 "{{ s.efficiency.total.spent }}",
                                 "{{ s.efficiency.total.absorption }}",
                                 "{{ s.efficiency.total.achievement }}"], right=(1, 2))
    _lines(doc, "t in s.efficiency.sentences", "t", "Narasi")
    wt._para(doc, "{{ s.efficiency.slot }}", "Isian Sekretariat")
    wt._tag(doc, "{%p endif %}")
    # 7. programs and activities behind the result
    _item(doc, "programs")
    _lines(doc, "t in s.programs.sentences", "t", "Narasi")
    wt._para(doc, "{{ s.programs.slot }}", "Isian Sekretariat")
    wt._tag(doc, "{%p endfor %}")
    # other achievements (awards): a slot
    wt._para(doc, "Capaian Kinerja Lainnya", "Judul Sasaran")
    wt._para(doc, "{{ other.slot }}", "Isian Sekretariat")


def _write_budget(doc) -> None:
    wt._para(doc, "B.\tREALISASI ANGGARAN", "Judul Bagian")
    wt._tag(doc, "{%p if budget.shown %}")
    table, extra = _loop_table(doc, BUDGET_COLS, ["No", "Sasaran", "Program", "Pagu (Rp)",
                                                  "Realisasi (Rp)", "% Penyerapan"],
                               "budget.rows",
                               ["no", "sasaran", "item", "ceiling", "spent", "absorption"],
                               centred=(0, 5), extra_rows=1, right=(3, 4),
                               caption="{{ budget.caption }}")
    _total_row(table, extra, 3, ["{{ budget.total.item }}", "{{ budget.total.ceiling }}",
                                 "{{ budget.total.spent }}", "{{ budget.total.absorption }}"],
               right=(3, 4))
    wt._tag(doc, "{%p endif %}")
    _lines(doc, "t in budget.sentences", "t", "Narasi")
    wt._para(doc, "{{ budget.slot }}", "Isian Sekretariat")


def _write_header_footer(doc) -> None:
    section = doc.sections[0]
    wt._draft_mark(section.header.paragraphs[0])
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    wt._page_number(footer)


def build_template() -> bytes:
    doc = wt.start_document(_write_styles)
    _write_title(doc)
    _write_measurement(doc)
    _write_sasaran(doc)
    _write_budget(doc)
    _write_header_footer(doc)
    return wt.finished(doc, "Bab III Akuntabilitas Kinerja (LKjIP)", "Templat Bab III LKjIP",
                       "dev.lkjip_template")


def write_template(path: Path = paths.LKJIP_TEMPLATE) -> Path:
    from pipeline.office.atomic import write_atomically

    return write_atomically(Path(path), build_template())


if __name__ == "__main__":
    print(f"Templat ditulis: {write_template()}")
