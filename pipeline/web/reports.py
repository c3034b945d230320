"""The report the secretariat builds from the page: ``run.build_report`` on the current set.

``build(site)`` links the latest accepted upload of each unit into a temporary folder
(``checks.current_set``) and calls the CLI's runner on it, with ``draft`` while something
is missing or wrong and ``pdf`` when LibreOffice is installed. The report goes to
``<data>/laporan/`` through ``publish`` (an edited report there is kept as a backup, the
.docx and the PDF are replaced together), so the page follows the CLI's rules for outputs.
One build runs at a time (a lock); a second request waits and then finds the same bytes
(publish leaves an unchanged report untouched).

Quarters (``iku serve --triwulan N``, issue 10): the page hands out the quarter's
workbooks, checks them as that quarter's (``site.round``, ``site.earlier``), and ``build``
runs the runner with the quarter's period and template, which writes *Laporan Pengukuran
Kinerja Triwulan N* (``Laporan_Kinerja_TW<N>_<tahun>.docx``, as the CLI names it) and
records a final one as that quarter. The runner refuses (QuarterMissing) while an earlier
quarter is not recorded. ``QUARTERLY_REPORT`` stays as the switch the page reads.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from .. import paths
from ..domain.master import Master
from ..domain.periods import quarter_period
from ..errors import IkuError
from ..office.libreoffice import find_soffice
from ..quarter.report import report_filename
from ..run import build_report
from . import checks, store

QUARTERLY_REPORT = True  # the runner writes a quarter's report (issue 10)

_lock = threading.Lock()


class QuarterNotSupported(IkuError):
    """A quarter's report was asked for and the pipeline cannot write one yet."""


@dataclass(frozen=True)
class Built:
    docx: Path
    pdf: Path | None
    draft: bool
    notes: tuple[str, ...] = ()


def report_name(master: Master, quarter: int | None) -> str:
    if quarter:

        return report_filename(master, quarter)
    return f"Laporan_IKU_{master.agency.year}.docx"


def report_paths(folder: Path, master: Master, quarter: int | None) -> tuple[Path, Path]:
    docx = Path(folder) / store.REPORTS / report_name(master, quarter)
    return docx, docx.with_suffix(".pdf")


def pdf_available() -> bool:

    return find_soffice() is not None


def _job_options(quarter: int | None) -> dict:
    """Extra options for the runner for a period (the seam for issue 10)."""
    if quarter and not QUARTERLY_REPORT:
        raise QuarterNotSupported(
            f"laporan triwulan {quarter} belum dapat dibuat: versi iku ini baru membuat "
            "laporan tahunan. Isian tetap dikumpulkan dan diperiksa di halaman ini")
    if quarter:

        return {"period": quarter_period(quarter), "template": paths.QUARTER_TEMPLATE}
    return {}


def build(master: Master, folder: Path, quarter: int | None = None,
          protected: tuple[Path, ...] = (), history: Path | None = None) -> Built:
    """Build the report of the current set (draft while something is missing or wrong)."""
    options = _job_options(quarter)
    docx, _ = report_paths(folder, master, quarter)
    with _lock:
        states = store.unit_states(folder, master)
        with checks.current_set(folder, states) as inputs:
            outcome = build_report(master, inputs, docx, draft=True, pdf=pdf_available(),
                                   protected=protected, history=history, **options)
    published = outcome.published
    notes = [f"laporan lama telah diubah sejak dibuat iku, jadi disimpan sebagai cadangan: "
             f"{kept.name}" for kept in published.backups]
    if published.stale_pdf is not None:
        notes.append(f"PDF lama dipindahkan ke {published.stale_pdf.name}")
    return Built(published.docx, published.pdf, draft=not outcome.checked.ok,
                 notes=tuple(notes))
