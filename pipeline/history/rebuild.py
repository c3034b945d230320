"""``iku report --dari-riwayat``: rebuild the report of a recorded year exactly.

A signed year's report must reprint the same, even after the master, the Word template or
the submissions changed: the history stores, with each version, the master's text, the
template's bytes, every unit's figures and the previous-year figures the report printed
(``history.report.snapshot``). The rebuild renders from those alone, through the same
``compute`` and ``render`` as ``iku report``, and publishes like it (atomic, verified,
backups of an edited file). It reads the year's locked version when the year is locked
(the signed one), else its current version. What the report took from elsewhere is
stored with the version and used again: the previous-year figures it printed, the
Keterangan lines of a year built from its quarters (``derivation``), and the appendix's
earlier years as they were when the version was recorded.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from ..annual.report import render_bytes
from ..compute import compute
from ..domain.master import Master, parse_master
from ..errors import HistoryError
from ..office.publish import Published, check_target, guard_outputs, publish_report
from .report import earlier_years, rebuild_inputs
from .store import format_time, open_history


@dataclass(frozen=True)
class Rebuilt:
    year: int
    version: int
    recorded_at: str  # as people read it
    published: Published


def rebuild_report(master: Master, history: Path, out: Path, pdf: bool = False,
                   overwrite: bool = False, protected: tuple[Path, ...] = ()) -> Rebuilt:
    """Rebuild ``master``'s agency and year from the history into ``out``."""
    out = Path(out)
    check_target(out, overwrite)
    guard_outputs([("--out", out), ("PDF", out.with_suffix(".pdf"))], None, protected)
    year = master.agency.year
    if not Path(history).exists():
        raise HistoryError(f"berkas riwayat {history} belum ada; tahun {year} belum pernah "
                           "dicatat oleh `iku report`")
    with open_history(history, create=False) as h:
        key = h.key_for(master)
        info = h.lock_info(key, year)
        stored = h.version(key, year, info.version) if info else h.current(key, year)
        earlier = None
        if stored is not None and stored.snapshot.master_text:
            # the earlier years as the history held them when this version was recorded

            recorded = parse_master(stored.snapshot.master_text)
            earlier = earlier_years(h, key, recorded, as_of=stored.info.recorded_at)
    if stored is None:
        raise HistoryError(f"riwayat tahun {year} {master.agency.name} belum ada di {history}; "
                           "buat laporannya dulu dengan `iku report`")
    if not stored.snapshot.master_text or not stored.snapshot.template:
        raise HistoryError(
            f"versi {stored.info.version} tahun {year} di riwayat tidak menyimpan master dan "
            f"templat (sumber: {stored.info.source}); hanya tahun yang dicatat oleh "
            "`iku report` dapat dibuat ulang")
    recorded_master, values, previous, sources = rebuild_inputs(stored)

    results = replace(compute(recorded_master, values, history=previous), sources=sources)
    with tempfile.TemporaryDirectory(prefix="iku_riwayat_") as tmp:
        template = Path(tmp) / "templat.docx"
        template.write_bytes(stored.snapshot.template)
        data = render_bytes(recorded_master, results, template, earlier)
    signed = stored.snapshot.report_stamp if info is not None else ""
    published = publish_report(data, out, pdf=pdf, overwrite=overwrite, signed_stamp=signed)
    when = stored.info.recorded_at
    shown = format_time(when, master.agency.zone()) if isinstance(when, dt.datetime) else str(when)
    return Rebuilt(year, stored.info.version, shown, published)
