"""Render the quarterly report (*Laporan Pengukuran Kinerja Triwulan n Tahun Y*).

The same machinery as the yearly report (``pipeline/render.py``): the template is checked
against its spec (``template_check.TRIWULAN``) before anything is rendered, docxtpl fills
it with ``context.build_quarter_context``, optional columns are dropped, merged cells
joined, page hints added; the package gets fixed core properties (dated the report's
month) and a normalised, stamped zip, so the same inputs give the same bytes and an edited
report is recognised. Writing goes through ``publish`` in the runner (atomic, verified,
backups of edited reports, ``--pdf`` pairs).
"""

from __future__ import annotations

import io
from pathlib import Path

from .. import paths
from ..master import Master
from ..periods import roman
from .context import build_quarter_context, report_date
from .figures import QuarterResults


def render_quarter_bytes(master: Master, q: QuarterResults,
                         template: Path = paths.QUARTER_TEMPLATE) -> bytes:
    """The finished quarterly .docx as bytes (nothing is written)."""
    from ..packaging import package_time, stamp
    from ..render import render_document
    from ..template_check import TRIWULAN

    tpl = render_document(build_quarter_context(master, q), Path(template), TRIWULAN)
    agency = master.agency
    when = package_time(report_date(master, q.quarter))
    props = tpl.docx.core_properties
    props.title = (f"Laporan Pengukuran Kinerja Triwulan {roman(q.quarter)} Tahun "
                   f"{agency.year}")
    props.subject = agency.name
    props.author = agency.short_name
    props.last_modified_by = "iku"
    props.keywords = f"IKU; Pengukuran Kinerja; Triwulan {roman(q.quarter)}; {agency.year}"
    props.comments = ""
    props.category = "Laporan kinerja"
    props.language = "id-ID"
    props.revision = 1
    props.created = when
    props.modified = when
    props.last_printed = when
    buf = io.BytesIO()
    tpl.save(buf)
    return stamp(buf.getvalue(), when)


def report_filename(master: Master, quarter: int) -> str:
    """``Laporan_Kinerja_TW2_2021.docx``."""
    return f"Laporan_Kinerja_TW{quarter}_{master.agency.year}.docx"


def render_quarter_sample(template: Path, out: Path) -> Path:
    """The bundled sample's Triwulan I report rendered with ``template`` to ``out`` (for
    ``iku templat periksa --jenis triwulan``): the sample workbooks of TW I filled with the
    sample figures, a history of its own in a temporary folder."""
    import tempfile

    from ..master import load_master
    from ..run import build_report
    from ..sample import write_sample_inputs

    master = load_master(paths.SAMPLE_MASTER)
    with tempfile.TemporaryDirectory(prefix="iku_triwulan_") as tmp:
        folder = Path(tmp) / "isian"
        write_sample_inputs(master, folder, period="TW1")
        return build_report(master, folder, out, template, history=Path(tmp) / "r.sqlite",
                            period="TW1").docx
