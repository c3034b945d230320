"""Build the Word template input_templates/laporan_triwulan.docx:
``python -m dev.triwulan_template``.

The quarterly report (*Laporan Pengukuran Kinerja Triwulan n Tahun Y*, issue 10) is one
landscape section: the title block, the agency lines, one table (per sasaran and
indicator: targets, realisasi of the quarter and of the year so far, % capaian, % of the
year's target, a status cell shaded by its band with docxtpl's ``{% cellbg %}``, each
unit's Kendala and Tindak lanjut), the notes and the signature. It shares the yearly
template's styles, table style, fonts and docxtpl rules (``dev/word_template.py``), so a
secretariat that restyles one knows the other; docs/TEMPLATE.md lists its tags. A test
checks the committed file equals this builder's output.
"""

from __future__ import annotations

from pathlib import Path

from docx.enum.text import WD_ALIGN_PARAGRAPH

from dev.word_template import (
    _draft_mark,
    _header_row,
    _list_cell,
    _page_number,
    _para,
    _pstyle,
    _set_cell,
    _shade,
    _table,
    _tag,
    _tag_row,
    _write_draft_notice,
    _write_notes_and_signature,
    finished,
    start_document,
)
from pipeline import paths

# Column widths in cm, filling the landscape text width (25.7 cm).
COLS = (0.8, 2.8, 3.2, 1.85, 1.85, 1.85, 1.85, 1.85, 1.85, 1.7, 3.05, 3.05)


def _write_title(doc) -> None:
    _pstyle(doc, "Judul Laporan", size=13, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER,
            after=0, caps=True, keep_next=True)
    _pstyle(doc, "Akumulasi", "Isi Tabel Lebar", size=8, italic=True, color="404040")
    # Mixed case: "Realisasi s.d. TW II" fits its column; capitals would break the word.
    _pstyle(doc, "Kepala Tabel Triwulan", "Kepala Tabel Lebar", size=8.5, caps=False)
    _para(doc, "{{ title }}", "Judul Laporan")
    _para(doc, "{{ period_line }}", "Judul Laporan")
    _tag(doc, "{%p for line in agency_lines %}")
    _para(doc, "{{ line }}", "Judul Laporan")
    _tag(doc, "{%p endfor %}")
    _write_draft_notice(doc)
    p = _para(doc, "{{ months_line }}", "Normal")
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _para(doc, "{{ agency.region_label }}\t: {{ agency.city_upper }}", "Kepala SKPD")
    _para(doc, "{{ agency.label }}\t: {{ agency.name_upper }}", "Kepala SKPD")


def _write_table(doc) -> None:
    table = _table(doc, COLS, 5)
    h = "{{ head.%s }}"
    labels = ["No", "Sasaran", "Indikator Kinerja", h % "year_target", h % "quarter_target",
              h % "own", h % "cumulative", h % "achievement", h % "progress", "Status",
              "Kendala", "Tindak Lanjut"]
    _header_row(table.rows[0], labels, "Kepala Tabel Triwulan")
    _tag_row(table.rows[1], "{%tr for row in rows %}", "Isi Tabel Lebar")
    cells = table.rows[2].cells
    centre, left = "Isi Tabel Lebar Tengah", "Isi Tabel Lebar"
    _set_cell(cells[0], "{{ row.no }}", centre)
    _set_cell(cells[1], "{{ row.sasaran }}", left)
    _set_cell(cells[2], "{{ row.indicator }}", left)
    _para(cells[2], "{{ row.rule }}", "Akumulasi")
    for cell, key in zip(cells[3:9], ("year_target", "quarter_target", "own", "cumulative",
                                      "achievement", "progress"), strict=True):
        _set_cell(cell, "{{ row." + key + " }}", centre)
    # {% cellbg %} shades the whole cell with the band's colour (docxtpl writes w:shd).
    _set_cell(cells[9], "{% cellbg row.fill %}{{ row.status }}", centre)
    _list_cell(cells[10], "o in row.obstacles", "o", left)
    _list_cell(cells[11], "f in row.follow_up", "f", left)
    _tag_row(table.rows[3], "{%tr endfor %}", left)
    avg = table.rows[4]
    for cell in avg.cells:
        _shade(cell, "F2F2F2")
    label = avg.cells[0].merge(avg.cells[6])
    cells = avg.cells
    _set_cell(label, "{{ average.label }}", "Kepala Tabel Lebar")
    _set_cell(cells[7], "{{ average.achievement }}", "Kepala Tabel Lebar")
    _set_cell(cells[8], "{{ average.progress }}", "Kepala Tabel Lebar")
    _set_cell(cells[9], "{% cellbg average.fill %}{{ average.status }}", "Kepala Tabel Lebar")
    for i in (10, 11):
        _set_cell(cells[i], "", "Kepala Tabel Lebar")


def _write_header_footer(doc) -> None:
    section = doc.sections[0]
    _draft_mark(section.header.paragraphs[0])
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_number(footer)


def build_template() -> bytes:
    doc = start_document(landscape=True)
    _write_title(doc)
    _write_table(doc)
    _write_notes_and_signature(doc)
    _write_header_footer(doc)
    return finished(doc, "Laporan Pengukuran Kinerja Triwulan", "Templat laporan triwulan",
                    "dev.triwulan_template")


def write_template(path: Path = paths.QUARTER_TEMPLATE) -> Path:
    from pipeline.office.atomic import write_atomically

    return write_atomically(Path(path), build_template())


if __name__ == "__main__":
    print(f"Templat ditulis: {write_template()}")
