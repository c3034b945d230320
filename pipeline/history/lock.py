"""``iku kunci``: lock a signed year, so that a later report whose figures differ is refused.

The lock itself lives in the history file (``History.lock``: the year's current annual
version is the signed one); the runner's ``signed`` stage compares every later run of
the year with it (``history.content``: everything the signed report printed). This
module is the command's library half: which agency, whether the year was recorded,
whether the report at the version's path is the one recorded with it (a year is not
locked on a version whose report was replaced by an unrecorded one: a DRAFT, or a run
stopped between publishing and recording), whether it was locked already on this
version, and what no longer holds together in the year (stale periods, PERINGATAN).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..domain.master import Master
from ..errors import HistoryError
from .integrity import report_mismatch, year_warnings
from .model import LockInfo
from .store import open_history


@dataclass(frozen=True)
class Locked:
    """What ``lock_year`` did."""

    info: LockInfo  # the lock now: the signed version and when it was locked
    recorded_at: str  # when the signed version was recorded
    unchanged: bool  # the year was already locked on this version: nothing changed
    warnings: tuple[str, ...] = ()  # stale periods of the year and later (Indonesian)


def lock_year(path: Path, master: Master) -> Locked:
    """Lock the master's year on its current annual version in the history at ``path``.
    Raises HistoryError (Indonesian) when the year was never recorded there."""
    name, year = master.agency.name, master.agency.year
    with open_history(path, create=False) as history:
        key = history.key_for(master)
        current = history.current(key, year)
        if current is None:
            raise HistoryError(f"tahun {year} {name} belum tercatat di riwayat {path}, sehingga "
                               "tidak dapat dikunci; catat dulu (iku report, atau iku riwayat "
                               "impor)")
        before = history.lock_info(key, year)
        mismatch = report_mismatch(current.info)
        if mismatch and (before is None or before.version != current.info.version):
            raise HistoryError(f"tahun {year} {name} TIDAK dikunci: {mismatch}; lalu jalankan "
                               "iku kunci lagi")
        info = history.lock(key, year)  # already locked on it: the mismatch is a warning
        warnings = tuple(text for _, _, text in year_warnings(history, key, year))
    return Locked(info, current.info.recorded_at, before == info, warnings)
