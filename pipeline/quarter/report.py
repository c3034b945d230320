"""Render the quarterly report (*Laporan Pengukuran Kinerja Triwulan n Tahun Y*).

Through the Word engine (``word.direct.render_package``), like the yearly report: the
template is checked against its spec (``TRIWULAN``) before anything is rendered, its XML is
filled with ``context.build_quarter_context``, optional columns are dropped, merged cells
joined, page hints added; the package gets fixed core properties (dated the report's month)
and a normalised, stamped, verified zip, so the same inputs give the same bytes and an
edited report is recognised. Writing goes through ``office.publish`` in the runner (atomic,
backups of edited reports, ``--pdf`` pairs).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from .. import paths
from ..domain.master import Master, load_master
from ..domain.periods import quarter_period, roman
from ..intake.validate import check_inputs
from ..office.atomic import write_atomically
from ..office.packaging import package_time
from ..word.direct import render_package
from ..word.render import set_properties
from ..word.template_check import TemplateSpec, shows, table_loop
from ..workbook.sample import write_sample_inputs
from .context import build_quarter_context, report_date
from .figures import QuarterResults, compute_quarter


def render_quarter_bytes(master: Master, q: QuarterResults,
                         template: Path = paths.QUARTER_TEMPLATE,
                         data: bytes | None = None) -> bytes:
    """The finished quarterly .docx as bytes (nothing is written); ``data``: the bytes of
    the template at ``template``, when already read."""
    agency = master.agency

    def properties(docx):
        return set_properties(
            docx, when=package_time(report_date(master, q.quarter)),
            title=f"Laporan Pengukuran Kinerja Triwulan {roman(q.quarter)} Tahun "
                  f"{agency.year}",
            subject=agency.name, author=agency.short_name,
            keywords=f"IKU; Pengukuran Kinerja; Triwulan {roman(q.quarter)}; {agency.year}")

    return render_package(build_quarter_context(master, q), Path(template), TRIWULAN,
                          properties, data)


def report_filename(master: Master, quarter: int) -> str:
    """``Laporan_Kinerja_TW2_2021.docx``."""
    return f"Laporan_Kinerja_TW{quarter}_{master.agency.year}.docx"


def render_quarter_sample(template: Path, out: Path) -> Path:
    """The bundled sample's Triwulan I report rendered with ``template`` to ``out`` (for
    ``iku templat periksa --jenis triwulan``): the sample workbooks of TW I filled with the
    sample figures (TW I has no earlier quarters, so no history is needed)."""
    master = load_master(paths.SAMPLE_MASTER)
    period = quarter_period(1)
    with tempfile.TemporaryDirectory(prefix="iku_triwulan_") as tmp:
        folder = Path(tmp) / "isian"
        write_sample_inputs(master, folder, period=period)
        checked = check_inputs(master, folder, period=period, earlier={})
    q = compute_quarter(master, 1, checked.values, {}, checked.invalid, not checked.ok,
                        checked.texts)
    return write_atomically(Path(out), render_quarter_bytes(master, q, Path(template)))


TRIWULAN = TemplateSpec(
    "triwulan", "laporan pengukuran kinerja triwulan", paths.QUARTER_TEMPLATE,
    (table_loop("rows", "tabel pengukuran kinerja triwulan"),
     shows("signatory.name", "tanda tangan (nama penandatangan)")),
    sample=render_quarter_sample,
)
