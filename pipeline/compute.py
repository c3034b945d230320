"""Compute realisasi (y), % capaian and the averages from the submitted counts.

Pure functions: data in, data out. Values are never rounded here; rounding happens only
when the report is rendered. Rules where the sources disagree (see docs/ATURAN.md):

* several units reporting one indicator: sum x1 and sum x2 over the units, then divide;
* positive polarity: capaian = R / T × 100;
* negative polarity: capaian = (2 − R / T) × 100, floored at 0;
* target range [low, high]: inside → 100; above → use high; below → use low;
* target 0: positive → 100; negative → 100 when R = 0, else 0;
* cap: none by default; ``pengaturan.batas_atas_capaian`` in the master sets one, and
  the report says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum

import pandas as pd

from .master import Indicator, Kind, Master, Polarity, Target


class Status(StrEnum):
    OK = "ok"
    MISSING = "belum diisi"  # no usable value from at least one reporting unit
    INVALID = "tidak sah"  # a value was present but rejected (draft reports only)


@dataclass(frozen=True)
class Contribution:
    unit: str
    x1: float | None
    x2: float | None
    note: str = ""


@dataclass(frozen=True)
class IndicatorResult:
    code: str
    status: Status
    x1: float | None = None  # summed over the reporting units
    x2: float | None = None
    realisation: float | None = None  # y
    achievement: float | None = None  # % capaian
    capped: bool = False  # the achievement was limited by the configured cap
    contributions: tuple[Contribution, ...] = ()


@dataclass(frozen=True)
class Results:
    indicators: dict[str, IndicatorResult]
    average_achievement: float | None
    average_previous: float | None
    averaged: int  # how many indicators the average covers
    total: int
    cap: float | None = None
    draft: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)


def realisation(kind: Kind, x1: float, x2: float | None) -> float | None:
    """y from the counts; None when it cannot be computed (x2 = 0)."""
    if kind == Kind.COUNT:
        return x1
    if not x2:
        return None
    y = x1 / x2
    return y * 100 if kind == Kind.PERCENTAGE else y


def achievement(r: float, target: Target, polarity: Polarity) -> float:
    """% capaian of realisation r against target (a number or a [low, high] range)."""
    if isinstance(target, tuple):
        low, high = target
        if low <= r <= high:
            return 100.0
        t = high if r > high else low
    else:
        t = target
    if t == 0:
        if polarity == Polarity.POSITIVE:
            return 100.0
        return 100.0 if r == 0 else 0.0
    if polarity == Polarity.POSITIVE:
        return r / t * 100
    return max(0.0, (2 - r / t) * 100)


def apply_cap(value: float, cap: float | None) -> tuple[float, bool]:
    if cap is not None and value > cap:
        return cap, True
    return value, False


def mean(values: list[float]) -> float | None:
    clean = [v for v in values if v is not None and math.isfinite(v)]
    return sum(clean) / len(clean) if clean else None


VALUE_COLUMNS = ["unit", "code", "x1", "x2", "note"]


def compute(
    master: Master,
    values: pd.DataFrame,
    invalid: frozenset[tuple[str, str]] = frozenset(),
    draft: bool = False,
) -> Results:
    """Merge the units' counts per indicator and compute every figure of the report.

    ``values`` has one row per (unit, code) with float x1/x2 (NaN when not given) and a
    note; ``invalid`` lists (unit, code) pairs whose values were rejected by validation.
    """
    by_code: dict[str, dict[str, dict]] = {}
    for record in values.reindex(columns=VALUE_COLUMNS).to_dict("records"):
        by_code.setdefault(record["code"], {})[record["unit"]] = record
    cap = master.settings.achievement_cap
    results = {
        ind.code: _indicator_result(ind, by_code.get(ind.code, {}), invalid, cap)
        for ind in master.indicators
    }
    achieved = [r.achievement for r in results.values() if r.achievement is not None]
    return Results(
        indicators=results,
        average_achievement=mean(achieved),
        average_previous=mean([i.previous_achievement for i in master.indicators]),
        averaged=len(achieved),
        total=len(results),
        cap=master.settings.achievement_cap,
        draft=draft,
    )


def _indicator_result(
    ind: Indicator,
    rows: dict[str, dict],
    invalid: frozenset[tuple[str, str]],
    cap: float | None,
) -> IndicatorResult:
    """One indicator from its units' records ({unit: record}), summed before dividing."""
    contributions = []
    status = Status.OK
    for unit in ind.reporting_units:
        if (unit, ind.code) in invalid:
            status = Status.INVALID
            contributions.append(Contribution(unit, None, None))
            continue
        row = rows.get(unit)
        if row is None:
            status = Status.MISSING if status == Status.OK else status
            contributions.append(Contribution(unit, None, None))
            continue
        x1 = _num(row["x1"])
        x2 = _num(row["x2"]) if ind.asks_x2 else None
        note = "" if _missing_note(row["note"]) else str(row["note"])
        contributions.append(Contribution(unit, x1, x2, note))
        if x1 is None or (ind.asks_x2 and x2 is None):
            status = Status.MISSING if status == Status.OK else status
    if status != Status.OK:
        return IndicatorResult(ind.code, status, contributions=tuple(contributions))
    x1 = sum(c.x1 for c in contributions)
    x2 = sum(c.x2 for c in contributions) if ind.asks_x2 else None
    y = realisation(ind.kind, x1, x2)
    if y is None:
        return IndicatorResult(ind.code, Status.INVALID, x1, x2, contributions=tuple(contributions))
    value, capped = apply_cap(achievement(y, ind.target, ind.polarity), cap)
    return IndicatorResult(ind.code, Status.OK, x1, x2, y, value, capped, tuple(contributions))


def _missing_note(v: object) -> bool:
    """True for a missing note (None, NaN or empty)."""
    return v is None or (isinstance(v, float) and math.isnan(v)) or v == ""


def _num(v: object) -> float | None:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    return float(v)
