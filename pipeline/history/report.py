"""The seam between a report run and the history: what a run reads before it computes,
and what it records after it has written a report.

Before (``read_prior``, history file opened only if it exists, nothing written):

* the previous year's % capaian and realisasi of every indicator (the report's
  "% Capaian <tahun lalu>" and "Kondisi Awal" columns, when the master leaves them out);
* for kinds whose x2 is last year's value (``KindRules.x2_from_history``: pertumbuhan,
  penurunan), that value per reporting unit: last year's x1 of the same unit (or the one
  figure of a ``gabung: sama`` indicator);
* whether the year is locked (signed), and the locked version's figures.

After (``snapshot`` → ``History.record``): per indicator its key (Kode; renames through
``kode_lama``), kind, target, each unit's x1 and x2 with the fingerprint of the workbook
they came from, realisasi, capaian, predikat, and the previous-year figures the report
printed; the master's text and the Word template's bytes (stored once per content), so a
signed year can be rebuilt exactly (``rebuild_inputs``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..compute import VALUE_COLUMNS, Results
from ..domain.frozen import made
from ..domain.kinds import NA, REGISTRY, Merge
from ..domain.master import Indicator, Master, parse_master
from ..domain.numfmt import fmt_number
from ..domain.periods import QUARTERS
from ..errors import MasterError
from . import master_key
from .integrity import year_warnings
from .model import (
    ANNUAL,
    IndicatorRecord,
    RunSnapshot,
    Series,
    StoredRun,
    UnitFigure,
    fingerprint,
)
from .store import History, open_history


@dataclass(frozen=True)
class PreviousFigures:
    """One indicator's figures of the year before, as the report prints them."""

    achievement: float | None = None
    realisation: float | str | None = None  # a label for predikat / ya_tidak


@dataclass(frozen=True)
class Prior:
    """What the history says about one master's agency before its year is computed."""

    agency_key: str = ""
    year: int = 0
    previous: Mapping[str, PreviousFigures] = field(default_factory=dict)  # by Kode
    x2: Mapping[tuple[str, str], float] = field(default_factory=dict)  # (unit, Kode)
    locked: StoredRun | None = None  # the version the year's lock points at
    current: StoredRun | None = None  # the current version of the run's period, if any
    series: Series | None = None  # earlier years, for the report's history appendix
    period: str = ANNUAL
    # the year's recorded quarters (TW1 … TW4 → current version), for a quarter's year so
    # far and for a year built from its quarters (pipeline/quarter/history.py)
    quarters: Mapping[str, StoredRun] = field(default_factory=dict)
    previous_version: int | None = None  # the version of last year the figures come from
    # the appendix's years as the signed report printed them (as of the locked version)
    locked_series: Series | None = None
    # (year, period, line): stale periods and reports that are not their record, from
    # this year on (``integrity.year_warnings``)
    warnings: tuple[tuple[int, str, str], ...] = ()


def read_prior(path: Path, master: Master, period: str = ANNUAL) -> Prior:
    """The history's view of ``master``'s agency and year (and of the run's ``period``);
    an empty Prior when the file does not exist yet (nothing is created by reading)."""

    if not Path(path).exists():
        return Prior(year=master.agency.year, period=period)
    with open_history(path, create=False) as h:
        key = h.key_for(master)
        return _prior(h, key, master, period)


def _prior(h: History, key: str, master: Master, period: str = ANNUAL) -> Prior:
    year = master.agency.year
    previous: dict[str, PreviousFigures] = {}
    x2: dict[tuple[str, str], float] = {}
    figures = h.previous_year_figures(
        key, year, [(ind.code, tuple(ind.old_codes)) for ind in master.indicators])
    for ind in master.indicators:
        figure = figures[ind.code]
        if figure is None:
            continue
        rec = figure.record
        realisation = rec.realisation_label or rec.realisation
        previous[ind.code] = PreviousFigures(rec.achievement, realisation)
        if ind.rules.x2_from_history:
            x2.update(_last_values(ind, rec))
    locked = locked_series = None
    info = h.lock_info(key, year)
    if info is not None:
        locked = h.version(key, year, info.version)
        locked_series = _signed_series(h, key, locked)
    quarters = {p: run for p in QUARTERS if (run := h.current(key, year, p)) is not None}
    previous_version = next((f.version for f in figures.values() if f is not None), None)
    return Prior(key, year, previous, x2, locked, h.current(key, year, period),
                 earlier_years(h, key, master), period, quarters, previous_version,
                 locked_series, tuple(year_warnings(h, key, year)))


def _signed_series(h: History, key: str, locked: StoredRun) -> Series | None:
    """The appendix's years as the locked version's report printed them."""
    if not locked.snapshot.master_text:
        return None
    try:
        recorded = parse_master(locked.snapshot.master_text)
    except MasterError:
        return None
    return earlier_years(h, key, recorded, as_of=locked.info.recorded_at)


SERIES_YEARS = 5  # the history appendix shows the year and up to four before it


def earlier_years(h: History, key: str, master: Master, as_of=None) -> Series | None:
    """The years before the master's (at most SERIES_YEARS - 1), when the master asks for
    the history appendix (``pengaturan.bagian_riwayat``)."""
    if not master.settings.history_section:
        return None
    year = master.agency.year
    return h.series(key, years=range(year - SERIES_YEARS + 1, year), as_of=as_of)


def _last_values(ind: Indicator, rec: IndicatorRecord) -> dict[tuple[str, str], float]:
    """(unit, Kode) → last year's value of the indicator, for this year's x2."""
    by_unit = {u.unit: u.x1 for u in rec.contributions if _number(u.x1)}
    if ind.merge == Merge.SAME or len(ind.reporting_units) == 1:
        values = list(by_unit.values())
        value = values[0] if values else (rec.realisation if _y_is_x1(rec) else None)
        if value is None or not _number(value):
            return {}
        return {(unit, ind.code): float(value) for unit in ind.reporting_units}
    return {(unit, ind.code): float(by_unit[unit])
            for unit in ind.reporting_units if unit in by_unit}


def _y_is_x1(rec: IndicatorRecord) -> bool:
    """Last year's realisasi is the value itself (an imported figure of a kind y = x1)."""
    rules = REGISTRY.get(rec.kind)
    return rules is not None and rules.value_is_x1


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and \
        math.isfinite(value)


def master_differences(master: Master, prior: Prior) -> list[str]:
    """Figures typed in the master that differ from what the history recorded for last
    year (the master's value wins; the secretariat should know). Indonesian lines."""
    out = []
    for ind in master.indicators:
        previous = prior.previous.get(ind.code)
        if previous is None:
            continue
        typed, recorded = ind.previous_achievement, previous.achievement
        if typed is not None and recorded is not None and not math.isclose(typed, recorded,
                                                                            abs_tol=0.005):
            out.append(f"indikator {ind.code}: capaian_tahun_lalu {_plain(typed, 2)} di "
                       f"master berbeda dari riwayat tahun {prior.year - 1} "
                       f"({_plain(recorded, 2)}); "
                       "dipakai angka master (hapus dari master untuk memakai riwayat)")
        typed_r, recorded_r = ind.previous_realisation, previous.realisation
        if typed_r not in (None, NA) and _number(recorded_r) and not math.isclose(
                typed_r, recorded_r, abs_tol=0.005):
            out.append(f"indikator {ind.code}: realisasi_tahun_lalu "
                       f"{_plain(typed_r, ind.decimals)} di master berbeda dari riwayat tahun "
                       f"{prior.year - 1} ({_plain(recorded_r, ind.decimals)}); dipakai angka "
                       "master")
    return out


def _plain(x: float, decimals: int = 4) -> str:

    return fmt_number(x, decimals=decimals)


# --- recording ---------------------------------------------------------------------------


def snapshot(
    master: Master,
    results: Results,
    submissions: Mapping[str, str],
    template: bytes,
    source: str = "report",
) -> RunSnapshot:
    """The run to record: ``submissions`` maps each unit to the fingerprint of the
    workbook its figures came from."""

    records = []
    sources = results.sources
    for ind in master.indicators:
        r = results.indicators[ind.code]
        previous = results.previous.get(ind.code, (None, None))
        # made, not the constructors (frozen.made; the same instances: tests/test_history_fast.py)
        contributions = tuple(
            made(UnitFigure, {"unit": c.unit, "x1": c.x1, "x2": c.x2, "note": c.note,
                              "submission_fingerprint": submissions.get(c.unit, ""),
                              "analysis": getattr(c, "analysis", ""), "obstacles": "",
                              "follow_up": ""})
            for c in r.contributions)
        records.append(made(IndicatorRecord, {
            "key": ind.code, "code": ind.code, "kind": ind.kind.value, "name": ind.name,
            "unit_of_measure": ind.unit_of_measure, "target": ind.target,
            "realisation": r.realisation, "realisation_label": r.label,
            "achievement": r.achievement, "predikat": r.grade, "status": r.status.value,
            "kode_lama": tuple(ind.old_codes), "contributions": contributions,
            "previous_achievement": previous[0], "previous_realisation": previous[1],
            "derivation": sources.get(ind.code, "")}))
    text = master.source_text
    return RunSnapshot(
        agency_key=master_key(master), agency_name=master.agency.name,
        year=master.agency.year, indicators=tuple(records), period=ANNUAL, source=source,
        master_text=text, master_fingerprint=fingerprint(text) if text else "",
        template=template, template_fingerprint=fingerprint(template) if template else "")


def same_figures(a: RunSnapshot, b: RunSnapshot) -> bool:
    """True when two runs recorded the same figures from the same inputs and periods (nothing
    worth a new version): the same master, template, indicators and sources, and the
    same report, when both know theirs."""
    return (a.master_fingerprint, a.template_fingerprint, a.indicators, a.built_from) == (
        b.master_fingerprint, b.template_fingerprint, b.indicators, b.built_from) and (
        not a.report_stamp or not b.report_stamp or a.report_stamp == b.report_stamp)


# --- rebuilding a recorded year ----------------------------------------------------------


def rebuild_inputs(stored: StoredRun) -> tuple[Master, pd.DataFrame, dict, dict]:
    """The master, the units' inputs, the previous-year figures and the Keterangan lines
    saying where the year's figures came from (``Results.sources``) of a recorded run, as
    the report used them (for ``iku report --dari-riwayat``)."""

    snap = stored.snapshot
    master = parse_master(snap.master_text, source=f"riwayat {snap.year}")
    rows = [[u.unit, rec.code, u.x1, u.x2, u.note, u.analysis]
            for rec in snap.indicators for u in rec.contributions]
    values = pd.DataFrame(rows, columns=VALUE_COLUMNS)
    previous = {rec.code: (rec.previous_achievement, rec.previous_realisation)
                for rec in snap.indicators}
    sources = {rec.code: rec.derivation for rec in snap.indicators if rec.derivation}
    return master, values, previous, sources
