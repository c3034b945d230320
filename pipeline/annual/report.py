"""The yearly report (*Indikator Kinerja Utama (IKU) dan Capaian IKU*) through the Word
engine: its template spec (``IKU``), its bytes, and the bundled sample rendered with a
template (for ``iku templat periksa``).

``render_bytes`` is the one way the yearly report is made: ``context.build_context`` (every
text, formatted) → ``word.direct.render_package`` with the ``IKU`` spec (checked, filled on
the template's XML, tables finished, fixed core properties dated from the master's report
date, the normalised, stamped and verified package). Nothing is written here: the runner
publishes the bytes (``office.publish``).
"""

from __future__ import annotations

from pathlib import Path

from .. import paths
from ..compute import Results, compute
from ..domain.master import Master, load_master
from ..intake.validate import check_inputs
from ..office.atomic import write_atomically
from ..office.packaging import package_time
from ..word.direct import render_package
from ..word.render import set_properties
from ..word.template_check import TemplateSpec, shows, table_loop
from ..workbook.sample import sample_inputs
from .context import build_context


def render_bytes(
    master: Master, results: Results, template_path: Path = paths.WORD_TEMPLATE, history=None,
    template: bytes | None = None,
) -> bytes:
    """The finished .docx as bytes (nothing is written); ``history``: the earlier years
    for the history appendix (``history.Series``), when the master asks for it;
    ``template``: the bytes of the template at ``template_path``, when already read."""
    agency = master.agency

    def properties(docx):
        return set_properties(
            docx, when=package_time(agency.package_date),
            title=f"Indikator Kinerja Utama (IKU) dan Capaian IKU Tahun {agency.year}",
            subject=agency.name, author=agency.short_name,
            keywords=f"IKU; Capaian IKU; SAKIP; {agency.year}")

    # normalised, stamped with what we wrote, verified
    return render_package(build_context(master, results, history), template_path, IKU,
                          properties, template)


def render_report(
    master: Master, results: Results, out_path: Path, template_path: Path = paths.WORD_TEMPLATE
) -> Path:
    """Render the IKU report to ``out_path`` (.docx), atomically; return the path."""
    data = render_bytes(master, results, Path(template_path))
    return write_atomically(Path(out_path), data)


def render_sample(template: Path, out: Path) -> Path:
    """The bundled sample (master and submissions) rendered with ``template`` to ``out``."""
    master = load_master(paths.SAMPLE_MASTER)
    with sample_inputs(master) as folder:
        checked = check_inputs(master, folder)
    results = compute(master, checked.lines, checked.invalid)
    return render_report(master, results, Path(out), Path(template))


IKU = TemplateSpec(
    "iku", "laporan IKU dan Capaian IKU tahunan", paths.WORD_TEMPLATE,
    (table_loop("rpjmd.rows", "tabel Capaian IKU (RPJMD)"),
     table_loop("renstra.rows", "tabel Capaian Sasaran Renstra"),
     shows("signatory.name", "tanda tangan (nama penandatangan)")),
    sample=render_sample,
)
