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
quarter is not recorded.

What no longer holds together (issue 18 §7): ``staleness`` reads the history (read only)
for the secretariat's page: every stale period of the year and later
(``history.integrity.stale_periods``, each with the command that rebuilds it), and what
the report button would build from that changed: in quarter n, an earlier quarter that is
itself stale, or one recorded again with other figures since the page started (its
workbooks and checks still use the figures read at start). A build's own PERINGATAN lines
(the runner's ``prior`` stage: stale periods, the master against the history) come back
in ``Built.warnings``.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from .. import paths
from ..domain.master import Master
from ..domain.periods import label, quarter_period, short, span
from ..errors import Severity
from ..history import open_history
from ..history.content import figures_key
from ..history.integrity import Stale, stale_periods
from ..office.libreoffice import find_soffice
from ..quarter.report import report_filename
from ..run import build_report
from . import checks, store

log = logging.getLogger("iku.web")

_lock = threading.Lock()

@dataclass(frozen=True)
class Built:
    docx: Path
    pdf: Path | None
    draft: bool
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()  # the runner's PERINGATAN lines (stale periods, …)


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
    """Extra options for the runner for a period: a quarter's round and template."""
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
    warnings = tuple(p.format() for p in outcome.notices if p.severity == Severity.WARNING)
    return Built(published.docx, published.pdf, draft=not outcome.checked.ok,
                 notes=tuple(notes), warnings=warnings)


# --- what no longer holds together (issue 18 §7) ---------------------------------------

Started = dict[str, tuple[int, str]]  # an earlier quarter → (version, figures) at start


def started_quarters(quarters: dict, quarter: int | None) -> Started:
    """The earlier quarters a quarter's page read at start (``Prior.quarters``), as
    (version, figures) to compare with the history later."""
    if not quarter:
        return {}
    earlier = {quarter_period(k) for k in range(1, quarter)}
    return {p: (run.info.version, figures_key(run.snapshot.indicators))
            for p, run in quarters.items() if p in earlier}


@dataclass(frozen=True)
class Staleness:
    """What the secretariat's page says about the history: ``stale`` periods (each with
    the command that rebuilds it), and ``before_build``: why the report button would
    build from quarters that changed (Indonesian lines)."""

    stale: tuple[Stale, ...] = ()
    before_build: tuple[str, ...] = ()
    unreadable: str = ""  # the history could not be read: why


def staleness(master: Master, quarter: int | None, history: Path | None,
              started: Started | None = None) -> Staleness:
    """Read the history (never written) for ``master``'s year; nothing when there is no
    history file or the agency was never recorded."""
    if history is None or not Path(history).is_file():
        return Staleness()
    year = master.agency.year
    try:
        with open_history(history, create=False) as h:
            key = h.agency_of(master)
            if key is None:
                return Staleness()
            stale = tuple(stale_periods(h, key, year))
            now = {}
            for k in range(1, quarter or 1):
                run = h.current(key, year, quarter_period(k))
                now[quarter_period(k)] = (None if run is None else
                                          (run.info.version, figures_key(run.snapshot.indicators)))
    except Exception as exc:  # a page never fails on the history: say it, log it
        log.warning("riwayat %s tidak dapat dibaca: %s", history, exc)
        return Staleness(unreadable=f"riwayat {history} tidak dapat dibaca ({exc})")
    return Staleness(stale, tuple(_before_build(quarter, year, stale, now, started or {})))


def _before_build(quarter: int | None, year: int, stale: tuple[Stale, ...],
                  now: dict, started: Started) -> list[str]:
    if not quarter or quarter == 1:
        return []
    name, earlier = label(quarter_period(quarter)), span(quarter - 1)
    lines = []
    for s in stale:
        if s.year == year and s.period in now:
            lines.append(
                f"{short(s.period)} {year} tercatat dari angka yang sudah berubah sejak "
                f"dibuat; laporan {name} ini memakai angka {earlier} yang tercatat sekarang. "
                f"Buat ulang dulu laporan {short(s.period)} ({s.command}) agar laporan "
                "triwulan tahun ini sejalan")
    for period, current in now.items():
        before = started.get(period)
        if (before and current and before[1] == current[1]) or before == current:
            continue
        then = f"versi {before[0]}" if before else "belum tercatat"
        later = f"versi {current[0]}" if current else "tidak tercatat lagi"
        lines.append(
            f"angka {short(period)} {year} di riwayat berubah sejak halaman ini dijalankan "
            f"({then}, kini {later}): templat yang diunduh unit dan pemeriksaan di halaman "
            f"ini masih memakai angka lama, sedangkan laporan memakai angka baru. Hentikan "
            f"halaman ini (Ctrl+C) dan jalankan lagi iku serve --triwulan {quarter} sebelum "
            "membuat laporan")
    return lines
