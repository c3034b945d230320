"""Render the chapter: its template filled, the charts put in, the package normalised.

``render_bytes(chapter, template)`` builds on the Word engine's public steps
(``pipeline.word.render``):

1. ``context.build_context``: every text, and each chart as a ``charts.Chart`` drawn in
   the template's body font (``word.charts.body_font``);
2. ``render.render_document(context, template, spec=LKJIP)``: the template checked
   (``template_check``, the LKjIP spec: a damaged template is refused with every
   problem), filled (a chart becomes a docxtpl ``InlineImage``, 16 cm wide), optional
   columns dropped, marked cells merged, page hints added (keepNext on header rows; no
   signature block to hold, ``signed=False``);
3. fixed core properties and a normalised, stamped zip (``packaging.stamp``): the same
   inputs give the same bytes.

Nothing is written here; ``pipeline.lkjip.run`` publishes the bytes.
"""

from __future__ import annotations

import io
from pathlib import Path

from .. import paths
from ..compute import compute
from ..domain.master import load_master
from ..intake.validate import check_inputs
from ..office.atomic import write_atomically
from ..office.packaging import package_time, stamp
from ..word.charts import body_font
from ..word.render import render_document, set_properties
from ..word.template_check import TemplateSpec, shows, table_loop
from ..workbook.sample import sample_inputs
from .context import build_context
from .model import Chapter, build_chapter


def render_bytes(chapter: Chapter, template: Path = paths.LKJIP_TEMPLATE) -> bytes:
    font = body_font(Path(template).read_bytes()) if Path(template).is_file() else None
    tpl = render_document(build_context(chapter, font), Path(template), spec=LKJIP)
    agency = chapter.master.agency
    when = set_properties(
        tpl.docx, when=package_time(agency.package_date),
        title=f"Bab III Akuntabilitas Kinerja - LKjIP Tahun {agency.year}",
        subject=agency.name, author=agency.short_name,
        keywords=f"LKjIP; Akuntabilitas Kinerja; SAKIP; {agency.year}")
    buf = io.BytesIO()
    tpl.save(buf)
    return stamp(buf.getvalue(), when)


def render_sample(template: Path, out: Path) -> Path:
    """The bundled sample (master and submissions, no history) rendered with ``template``
    to ``out`` (``iku templat periksa --jenis lkjip``)."""
    master = load_master(paths.SAMPLE_MASTER)
    with sample_inputs(master) as folder:
        checked = check_inputs(master, folder)
    results = compute(master, checked.values, checked.invalid)
    return write_atomically(Path(out), render_bytes(build_chapter(master, results), template))


LKJIP = TemplateSpec(
    "lkjip", "Bab III LKjIP (Akuntabilitas Kinerja)", paths.LKJIP_TEMPLATE,
    (table_loop("measurement.rows", "tabel Pengukuran Kinerja"),
     table_loop("measurement.scale_rows", "tabel skala predikat capaian"),
     shows("s.heading", "analisis per sasaran (judul sasaran)"),
     table_loop("budget.rows", "tabel Realisasi Anggaran")),
    sample=render_sample, signed=False,
)
