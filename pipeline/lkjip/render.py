"""Render the chapter: its template filled, the charts put in, the package normalised.

``render_bytes(chapter, template)`` builds on ``pipeline.render``'s public steps:

1. ``context.build_context``: every text, and each chart as a ``charts.Chart``;
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
from ..master import Master
from ..packaging import package_time, stamp
from .context import build_context
from .model import Chapter


def render_bytes(chapter: Chapter, template: Path = paths.LKJIP_TEMPLATE) -> bytes:
    from ..render import render_document
    from ..template_check import LKJIP

    tpl = render_document(build_context(chapter), Path(template), spec=LKJIP)
    when = _set_properties(tpl.docx, chapter.master)
    buf = io.BytesIO()
    tpl.save(buf)
    return stamp(buf.getvalue(), when)


def _set_properties(docx, master: Master):
    agency = master.agency
    when = package_time(agency.report_date)
    props = docx.core_properties
    props.title = f"Bab III Akuntabilitas Kinerja - LKjIP Tahun {agency.year}"
    props.subject = agency.name
    props.author = agency.short_name
    props.last_modified_by = "iku"
    props.keywords = f"LKjIP; Akuntabilitas Kinerja; SAKIP; {agency.year}"
    props.comments = ""
    props.category = "Laporan kinerja"
    props.language = "id-ID"
    props.revision = 1
    props.created = when
    props.modified = when
    props.last_printed = when
    return when


def render_sample(template: Path, out: Path) -> Path:
    """The bundled sample (master and submissions, no history) rendered with ``template``
    to ``out`` (``iku templat periksa --jenis lkjip``)."""
    from ..atomic import write_atomically
    from ..compute import compute
    from ..master import load_master
    from ..run import check_inputs, sample_inputs
    from .model import build_chapter

    master = load_master(paths.SAMPLE_MASTER)
    with sample_inputs(master) as folder:
        checked = check_inputs(master, folder)
    results = compute(master, checked.values, checked.invalid)
    return write_atomically(Path(out), render_bytes(build_chapter(master, results), template))
