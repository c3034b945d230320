"""Render the chapter: its template filled, the charts put in, the package normalised.

``render_bytes(chapter, template)`` builds on ``pipeline.render``'s public steps:

1. ``context.build_context``: every text, and each chart's PNG under its marker;
2. ``render.render_document(context, template, spec=LKJIP)``: the template checked
   (``template_check``, the LKjIP spec: a damaged template is refused with every
   problem), filled, optional columns dropped, marked cells merged, page hints added
   (keepNext on header rows; no signature block to hold, ``signed=False``);
3. each chart marker's run gets its picture (python-docx ``Run.add_picture``, what
   docxtpl's ``InlineImage`` calls too: the document part's ``new_pic_inline``), 16 cm
   wide, with the caption as alternative text. The marker stands where the picture goes
   because ``InlineImage`` needs the template object before rendering, which
   ``render_document`` keeps to itself;
4. fixed core properties and a normalised, stamped zip (``packaging.stamp``): the same
   inputs give the same bytes.

Nothing is written here; ``pipeline.lkjip.run`` publishes the bytes.
"""

from __future__ import annotations

import io
from pathlib import Path

from .. import paths
from ..errors import InternalError
from ..master import Master
from ..packaging import package_time, stamp
from .context import build_context
from .model import Chapter

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CHART_WIDTH_CM = 16.0


def render_bytes(chapter: Chapter, template: Path = paths.LKJIP_TEMPLATE) -> bytes:
    from ..render import render_document
    from ..template_check import LKJIP

    context, charts = build_context(chapter)
    tpl = render_document(context, Path(template), spec=LKJIP)
    place_charts(tpl.docx, charts)
    when = _set_properties(tpl.docx, chapter.master)
    buf = io.BytesIO()
    tpl.save(buf)
    return stamp(buf.getvalue(), when)


def place_charts(document, charts: dict[str, tuple[bytes, str]]) -> int:
    """Replace each run whose text is a chart marker by the chart; return how many were
    placed. A marker the template lost (its paragraph deleted) places nothing; a marker
    left over would be a bug."""
    from docx.shared import Cm
    from docx.text.paragraph import Paragraph
    from docx.text.run import Run

    placed = 0
    body = document.element.body
    for t in list(body.iter(f"{{{W}}}t")):
        if t.text not in charts:
            continue
        png, alt = charts[t.text]
        r = t.getparent()
        p = next(r.iterancestors(f"{{{W}}}p"))
        t.text = ""
        run = Run(r, Paragraph(p, document._body))
        shape = run.add_picture(io.BytesIO(png), width=Cm(CHART_WIDTH_CM))
        shape._inline.docPr.set("descr", alt)
        placed += 1
    for t in body.iter(f"{{{W}}}t"):
        if t.text and any(marker in t.text for marker in charts):
            raise InternalError("penanda grafik tertinggal di Bab III; laporkan ke pengembang")
    return placed


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
