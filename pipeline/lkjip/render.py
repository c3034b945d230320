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

The complete LKjIP (``iku lkjip --lengkap``, issue 22) renders the same way from its own
template and spec (``render_complete``, ``LKJIP_COMPLETE``): its context is the chapter's
with the other parts around it (``complete.build_complete_context``); after the engine,
``toc.fill`` writes the Daftar Isi, Daftar Tabel and Daftar Gambar (their page numbers,
when known, from a first pass through LibreOffice: ``run``). Its spec holds the chapter's
required blocks, the Perjanjian Kinerja's (``pk.render.PK_BLOCKS``) and the yearly
report's Capaian tables, and it is ``signed``: the IKU's notes and signature are held with
the last rows of its Renstra table, as in the report.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import paths
from ..annual.context import build_context as iku_context
from ..compute import compute
from ..domain.master import load_master
from ..history.model import PkRevision
from ..intake.validate import check_inputs
from ..office.atomic import write_atomically
from ..office.packaging import package_time, stamp
from ..pk.model import revision_of
from ..pk.render import PK_BLOCKS
from ..word.charts import body_font
from ..word.render import render_document, set_properties
from ..word.template_check import TemplateSpec, shows, table_loop
from ..workbook.sample import sample_inputs
from . import toc
from .complete import build_complete_context
from .context import build_context
from .model import Chapter, build_chapter


def render_bytes(chapter: Chapter, template: Path = paths.LKJIP_TEMPLATE) -> bytes:
    data = _template(template)
    tpl = render_document(build_context(chapter, _font(data)), Path(template), LKJIP, data)
    year = chapter.master.agency.year
    return _saved(tpl, chapter, f"Bab III Akuntabilitas Kinerja - LKjIP Tahun {year}",
                  f"LKjIP; Akuntabilitas Kinerja; SAKIP; {year}")


def _template(template: Path) -> bytes | None:
    """The template's bytes, read once: its font and the document come from the same
    bytes (None when there is no template file: rendering then says so)."""
    return Path(template).read_bytes() if Path(template).is_file() else None


def _font(data: bytes | None):
    """The template's body font, for the charts (None without a template)."""
    return body_font(data) if data is not None else None


def _saved(tpl, chapter: Chapter, title: str, keywords: str) -> bytes:
    """The rendered document with the agency's core properties, saved and stamped."""
    agency = chapter.master.agency
    when = set_properties(tpl.docx, when=package_time(agency.package_date), title=title,
                          subject=agency.name, author=agency.short_name, keywords=keywords)
    buf = io.BytesIO()
    tpl.save(buf)
    return stamp(buf.getvalue(), when)


def render_sample(template: Path, out: Path) -> Path:
    """The bundled sample (master and submissions, no history) rendered with ``template``
    to ``out`` (``iku templat periksa --jenis lkjip``)."""
    master = load_master(paths.SAMPLE_MASTER)
    with sample_inputs(master) as folder:
        checked = check_inputs(master, folder)
    results = compute(master, checked.lines, checked.invalid)
    return write_atomically(Path(out), render_bytes(build_chapter(master, results), template))


LKJIP = TemplateSpec(
    "lkjip", "Bab III LKjIP (Akuntabilitas Kinerja)", paths.LKJIP_TEMPLATE,
    (table_loop("measurement.rows", "tabel Pengukuran Kinerja"),
     table_loop("measurement.scale_rows", "tabel skala predikat capaian"),
     shows("s.heading", "analisis per sasaran (judul sasaran)"),
     table_loop("budget.rows", "tabel Realisasi Anggaran")),
    sample=render_sample, signed=False,
)


# --- the complete LKjIP --------------------------------------------------------------------


@dataclass
class CompleteRender:
    """The complete LKjIP's bytes, with what its page numbers are computed from."""

    data: bytes
    entries: list[toc.Entry]  # the headings and captions its lists show
    sections: list[toc.Numbering]  # each section's page numbering
    notes: list[str]  # what the master leaves out (PERINGATAN)


def render_complete(chapter: Chapter, iku: dict[str, Any], pk: PkRevision,
                    base: PkRevision | None = None,
                    template: Path = paths.LKJIP_COMPLETE_TEMPLATE,
                    labels: dict[str, str] | None = None, mark: bool = False) -> CompleteRender:
    """The complete LKjIP: ``iku`` the yearly report's context (``annual.context``), ``pk``
    the Perjanjian Kinerja in force (``base``: the one it changes, for a PK Perubahan's
    marks); ``labels`` the page label of each list entry (bookmark → label, ``toc``);
    ``mark``: the first pass, whose captions carry the hidden outline level."""
    data = _template(template)
    context, notes = build_complete_context(chapter, iku, pk, base, _font(data))
    tpl = render_document(context, Path(template), LKJIP_COMPLETE, data)
    found = toc.fill(tpl.docx, labels, mark)
    year = chapter.master.agency.year
    data = _saved(tpl, chapter, f"Laporan Kinerja Instansi Pemerintah (LKjIP) Tahun {year}",
                  f"LKjIP; Laporan Kinerja; SAKIP; {year}")
    return CompleteRender(data, found, toc.numbering(tpl.docx.element.body), notes)


def render_complete_sample(template: Path, out: Path) -> Path:
    """The bundled sample's complete LKjIP (no history: the master's PK, no earlier
    years; no page numbers) rendered with ``template`` to ``out``."""
    master = load_master(paths.SAMPLE_MASTER)
    with sample_inputs(master) as folder:
        checked = check_inputs(master, folder)
    results = compute(master, checked.lines, checked.invalid)
    rendered = render_complete(build_chapter(master, results), iku_context(master, results),
                               revision_of(master), None, template)
    return write_atomically(Path(out), rendered.data)


LKJIP_COMPLETE = TemplateSpec(
    "lkjip_lengkap", "LKjIP lengkap", paths.LKJIP_COMPLETE_TEMPLATE,
    (*LKJIP.required, *PK_BLOCKS,
     table_loop("rpjmd.rows", "lampiran: tabel Capaian IKU (RPJMD)"),
     table_loop("renstra.rows", "lampiran: tabel Capaian Sasaran Renstra"),
     shows("contents.toc", "daftar isi")),
    sample=render_complete_sample,
)
