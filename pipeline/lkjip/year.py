"""Where the chapter's year comes from: whatever the year was built from (issue 19).

``iku lkjip`` takes the year's figures and the units' Analisis from one of three places,
so that nothing is typed twice:

* ``YearSource.RECORDED`` (``iku lkjip -c MASTER``, no ``-i``): the year as the history
  holds it, the version a report recorded (the locked one when the year is signed, else the
  current one): each unit's x1, x2, Catatan and Analisis as accepted then, whichever way the
  year was built (yearly workbooks, or ``iku report --dari-triwulan``, which records TW IV's
  Kendala and Tindak lanjut as the units' Analisis);
* ``YearSource.WORKBOOKS`` (``-i DIR``): the year-end workbooks of a folder, read and
  checked as ``iku report`` reads them;
* ``YearSource.QUARTERS`` (``--dari-triwulan``): the four recorded quarters rolled up by
  each indicator's ``akumulasi`` (``quarter.history.year_inputs``), the Analisis from TW IV.

The figures are then computed from those inputs with today's master, by the same stages
as the report (``run.figures``, ``run.signed``): a signed year whose figures would change
is refused. Pure functions and the history read through ``Prior`` (read only).
"""

from __future__ import annotations

import math
from enum import StrEnum
from pathlib import Path

from ..domain.master import Master
from ..errors import HistoryError, Problem, Severity
from ..history.model import StoredRun
from ..history.report import Prior, read_prior
from ..history.store import format_time
from ..history.table import source_words
from ..intake.validate import Validated
from ..reasons import Reason


class YearSource(StrEnum):
    RECORDED = "riwayat"  # the year recorded in the history
    WORKBOOKS = "isian"  # the year-end workbooks (-i)
    QUARTERS = "triwulan"  # the four recorded quarters (--dari-triwulan)


class YearNotRecorded(HistoryError):
    """``iku lkjip`` without workbooks or quarters, and the history holds no report of the
    year (exit 1)."""


def has_recorded_year(master: Master, history: Path | None) -> bool:
    """The history holds a version of the master's year (its annual period)."""
    if history is None or not Path(history).exists():
        return False
    prior = read_prior(history, master)
    return (prior.locked or prior.current) is not None


def recorded_version(master: Master, prior: Prior, history: Path | None,
                     complete: bool = False) -> StoredRun:
    """The recorded year the chapter (``complete``: the complete LKjIP) is built from: the
    locked (signed) version, else the current one; YearNotRecorded says what to run when
    there is none."""
    stored = prior.locked or prior.current
    year = master.agency.year
    if stored is None:
        what, command = (("LKjIP", "iku lkjip --lengkap") if complete
                         else ("Bab III", "iku lkjip"))
        raise YearNotRecorded(
            f"tahun {year} {master.agency.name} belum tercatat di riwayat {history}, jadi "
            f"{what} tidak tahu angka tahunnya. Buat dulu laporan tahunannya (`iku report "
            "-c MASTER -i FOLDER_ISIAN`, atau `iku report -c MASTER --dari-triwulan` bila "
            f"angkanya dari keempat triwulan), lalu jalankan `{command} -c MASTER` lagi; "
            "atau berikan isian tahunan dengan -i, atau --dari-triwulan")
    if stored.info.source not in ("report", "triwulan"):
        raise YearNotRecorded(
            f"tahun {year} {master.agency.name} di riwayat {history} berasal dari "
            f"{source_words(stored.info.source)} (versi {stored.info.version}), yang tidak "
            "menyimpan angka x1/x2 dan analisis unit; buat laporan tahunannya dengan "
            "`iku report` (isian tahunan atau --dari-triwulan), atau berikan isian tahunan "
            "dengan -i")
    return stored


def recorded_check(master: Master, stored: StoredRun) -> Validated:
    """The inputs of a recorded year as ``check`` returns them: each unit's x1, x2,
    Catatan and Analisis, matched to the master's indicators by Kode or ``kode_lama``. An
    indicator (or a unit of it) the recorded year does not hold is a GALAT: the master
    changed since the report was made."""
    records = {rec.key: rec for rec in stored.snapshot.indicators}
    rows, problems = [], []
    for ind in master.indicators:
        rec = next((records[k] for k in (ind.code, *ind.old_codes) if k in records), None)
        held = {u.unit: u for u in rec.contributions} if rec is not None else {}
        for unit in ind.reporting_units:
            u = held.get(unit)
            if u is None or u.x1 is None:
                problems.append(Problem(
                    Severity.ERROR, Reason.RECORDED_FIGURE_MISSING,
                    f"indikator {ind.code} unit {unit} tidak ada di tahun {master.agency.year} "
                    f"yang tercatat (versi {stored.info.version}, dicatat "
                    f"{format_time(stored.info.recorded_at, master.agency.zone())}): master "
                    "berubah sejak laporan tahunan dibuat. Buat ulang laporan tahunan dengan "
                    "master ini (iku report), lalu jalankan iku lkjip lagi", unit=unit))
                continue
            # a line of ``Validated.lines``: compute.VALUE_COLUMNS in order
            rows.append((unit, ind.code, u.x1, _number(u.x2), u.note, u.analysis))
    return Validated(rows, problems, files=0)


def recorded_sources(master: Master, stored: StoredRun) -> dict[str, str]:
    """Kode → the Keterangan line the recorded year printed about where its figures came
    from (a year built from its quarters: "Angka tahun 2021: jumlah TW I–IV (akumulasi
    triwulan)"), for the master's indicators: the chapter's year is that year, all of it."""
    records = {rec.key: rec for rec in stored.snapshot.indicators}
    out = {}
    for ind in master.indicators:
        rec = next((records[k] for k in (ind.code, *ind.old_codes) if k in records), None)
        if rec is not None and rec.derivation:
            out[ind.code] = rec.derivation
    return out


def _number(v):
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else v


def describe(source: YearSource, master: Master, stored: StoredRun | None = None,
             inputs: Path | None = None) -> str:
    """The line the CLI prints: where the chapter's year came from (Indonesian)."""
    year = master.agency.year
    if source == YearSource.RECORDED and stored is not None:
        locked = ", dikunci" if stored.info.locked else ""
        return (f"Angka tahun {year}: dari riwayat, versi {stored.info.version}{locked} "
                f"({source_words(stored.info.source)}, dicatat "
                f"{format_time(stored.info.recorded_at, master.agency.zone())})")
    if source == YearSource.QUARTERS:
        return (f"Angka tahun {year}: dari keempat triwulan yang tercatat (analisis unit: "
                "Kendala dan Tindak lanjut TW IV)")
    return f"Angka tahun {year}: dari isian tahunan di {inputs}"
