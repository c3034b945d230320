"""Render the Perjanjian Kinerja: its template filled, the package normalised.

``render_bytes(master, pk, base, template)`` builds on the Word engine's public steps
(``pipeline.word.render``), as every document family does:

1. ``context.build_context``: the PK under the key ``pk``;
2. ``render.render_document(context, template, spec=PK)``: the template checked against
   ``PK`` (a damaged template is refused with every problem, before anything is
   rendered), filled, the sasaran cells merged (``MERGE_UP``), the Keterangan column
   dropped unless a PK Perubahan (``DROP_COLUMN``), page hints added. ``signed=False``:
   the signatures are a table of their own (pihak kedua left, pihak pertama right, as
   PK documents print them), kept whole by the template's own keep-with-next;
3. fixed core properties (dated the PK's date, else 1 January of its year) and a
   normalised, stamped zip (``packaging.stamp_parts``): the same inputs give the same
   bytes, and an edited PK is recognised and kept by ``office.publish``.

``PK_BLOCKS`` are the blocks a template holding the PK may not lose: the PK's own
template (``PK``), and any template that carries the PK as pages of its own (the
complete LKjIP's Lampiran) adds them to its spec. ``render_sample`` renders the bundled
sample's PK (``iku templat periksa --jenis pk``). Nothing is written here but by
``render_sample``; ``pipeline.pk.run`` publishes the bytes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .. import paths
from ..domain.master import Master, load_master
from ..history.model import PkRevision
from ..office.atomic import write_atomically
from ..office.packaging import package_time, stamp_parts
from ..word.render import package_parts, render_document, set_properties
from ..word.template_check import TemplateSpec, shows, table_loop
from .context import build_context, title_of
from .model import revision_of


def render_bytes(master: Master, pk: PkRevision, base: PkRevision | None = None,
                 template: Path = paths.PK_TEMPLATE) -> bytes:
    """The finished PK (.docx) as bytes; ``base``: the PK a PK Perubahan changes."""
    tpl = render_document(build_context(master, pk, base), Path(template), PK)
    agency = master.agency
    when = set_properties(
        tpl.docx, when=package_time(pk.signed_on or dt.date(pk.year, 1, 1)),
        title=title_of(pk).title(), subject=agency.name, author=agency.short_name,
        keywords=f"Perjanjian Kinerja; SAKIP; {pk.year}")
    return stamp_parts(package_parts(tpl), when)


def render_sample(template: Path, out: Path) -> Path:
    """The bundled sample master's PK rendered with ``template`` to ``out`` (no history)."""
    master = load_master(paths.SAMPLE_MASTER)
    return write_atomically(Path(out), render_bytes(master, revision_of(master), None,
                                                    Path(template)))


PK_BLOCKS = (
    shows("pk.first.name", "pernyataan: nama pihak pertama"),
    shows("pk.second.name", "pernyataan: nama pihak kedua"),
    shows("pk.place_date", "tempat dan tanggal penandatanganan"),
    table_loop("pk.targets.rows", "lampiran: tabel sasaran strategis, indikator dan target"),
    table_loop("pk.programs.rows", "lampiran: tabel program dan anggaran"),
)

PK = TemplateSpec("pk", "Perjanjian Kinerja", paths.PK_TEMPLATE, PK_BLOCKS,
                  sample=render_sample, signed=False)
