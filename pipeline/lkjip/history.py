"""What the chapter takes from the history database: the I/O edge of ``pipeline.lkjip``.

``read_earlier(master, path)`` opens the history read-only (it is never created or written
here) and returns ``Earlier``: per indicator of the master, its annual figures of the
window's earlier years (``WINDOW`` years in all, this year included: at most four earlier
ones), joined through renames by ``History.series`` and matched to the master's indicator
by its Kode or one of its ``kode_lama``; each sasaran's imported yearly averages (a year
whose document gives only those: ``history.model.sasaran_key``); and the quarterly rounds
of this year (periods TW1..TW4, issue 10) where recorded, with each unit's note, for the
causes-and-solutions part; the Perjanjian Kinerja in force (``pk.history.pk_of``), whose
targets the chapter measures against; and, per earlier year recorded by a report, each indicator's
polarity and multiplier from that year's master, so that a change of formula is seen
(``model``). An agency the history does not know, or no history file at all, gives an
empty ``Earlier`` and a note saying so (the chapter then leaves those parts out).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..domain.master import Master, parse_master
from ..errors import MasterError
from ..history import Figure, UnitFigure, open_history, sasaran_key
from ..history.model import PkRevision
from ..pk.history import pk_of

WINDOW = 5  # years side by side, this year included
QUARTERS = ("TW1", "TW2", "TW3", "TW4")


@dataclass(frozen=True)
class QuarterRound:
    """One recorded quarter of the year: the units' figures (and notes) per indicator."""

    period: str  # TW1..TW4
    contributions: dict[str, tuple[UnitFigure, ...]]  # master Kode -> unit figures


@dataclass(frozen=True)
class Earlier:
    figures: dict[str, tuple[Figure, ...]] = field(default_factory=dict)  # Kode -> oldest first
    quarters: tuple[QuarterRound, ...] = ()
    notes: tuple[str, ...] = ()  # Indonesian, for the CLI (PERINGATAN)
    source: str = ""  # the history file read, "" when none
    # (year, the figure's key) -> (polarity, multiplier) of the indicator in that year's
    # recorded master (a version recorded by a report; an import has none)
    formulas: dict[tuple[int, str], tuple[str, float]] = field(default_factory=dict)
    # sasaran no -> its imported yearly averages (``history.model.sasaran_key``), oldest first
    sasaran: dict[int, tuple[Figure, ...]] = field(default_factory=dict)
    pk: PkRevision | None = None  # the Perjanjian Kinerja in force (``pk.history.pk_of``)


def read_earlier(master: Master, path: Path | None) -> Earlier:
    """The master's agency's earlier years and this year's quarters from the history file
    at ``path`` (None or a missing file: nothing, with a note)."""
    year, name = master.agency.year, master.agency.name
    if path is None or not Path(path).exists():
        return Earlier(notes=(
            f"riwayat {path} belum ada: tahun-tahun sebelumnya hanya dari capaian_tahun_lalu/"
            "realisasi_tahun_lalu di master (bila ada), catatan triwulan tidak dicetak (catat "
            "tahun sebelumnya dengan `iku report` atau `iku riwayat impor`)",)
            if path is not None else ())
    with open_history(path, create=False) as history:
        key = history.agency_of(master)
        pk = pk_of(history, master)
        if key is None:
            return Earlier(source=str(path), pk=pk, notes=(
                f"{name} belum tercatat di riwayat {path}: tahun-tahun sebelumnya hanya dari "
                "capaian_tahun_lalu/realisasi_tahun_lalu di master (bila ada)",))
        series = history.series(key, years=range(year - WINDOW + 1, year))
        runs = [(p, history.current(key, year, period=p)) for p in QUARTERS]
        formulas = {}
        for y in series.years:
            stored = history.current(key, y)
            formulas.update(_formulas(y, stored.snapshot.master_text if stored else ""))
    figures: dict[str, tuple[Figure, ...]] = {}
    for ind in master.indicators:
        names = (ind.code, *ind.old_codes)
        chain = next((s for s in series.indicators if s.key in names), None)
        if chain is None:  # the chain's newest key is an older one of this indicator's
            chain = next((s for s in series.indicators
                          if any(f.record.key in names for f in s.figures)), None)
        if chain is not None:
            figures[ind.code] = tuple(f for f in chain.figures if f.year < year)
    averages = {}
    for s in master.sasaran:
        chain = next((c for c in series.indicators if c.key == sasaran_key(s.number)), None)
        if chain is not None:
            averages[s.number] = tuple(f for f in chain.figures if f.year < year)
    quarters = []
    for period, run in runs:
        if run is None:
            continue
        by_key = {rec.key: rec for rec in run.snapshot.indicators}
        contributions = {}
        for ind in master.indicators:
            rec = next((by_key[k] for k in (ind.code, *ind.old_codes) if k in by_key), None)
            if rec is not None:
                contributions[ind.code] = rec.contributions
        quarters.append(QuarterRound(period, contributions))
    notes = ()
    if not any(figures.values()) and not any(averages.values()):
        notes = (f"riwayat {path} tidak memuat tahun {year - WINDOW + 1}–{year - 1} untuk "
                 f"{name}: tahun-tahun sebelumnya hanya dari capaian_tahun_lalu/"
                 "realisasi_tahun_lalu di master (bila ada)",)
    return Earlier(figures, tuple(quarters), notes, str(path), formulas, averages, pk)


def _formulas(year: int, master_text: str) -> dict[tuple[int, str], tuple[str, float]]:
    """Each indicator's polarity and multiplier in a year's recorded master (none when the
    year has no master, or one this iku no longer reads)."""
    if not master_text:
        return {}
    try:
        master = parse_master(master_text)
    except MasterError:
        return {}
    return {(year, ind.code): (ind.polarity.value, float(ind.multiplier))
            for ind in master.indicators}
