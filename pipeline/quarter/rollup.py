"""How the quarters' figures become the year's so far: the ``akumulasi`` rules.

Staff type, every quarter, that quarter's own figures: the activities and cases *of the
quarter* for a flow, the position *at the end of the quarter* for a stock. The figure of
the year so far (``s.d. TW n``) of each input follows from quarters 1..n by the input's
rule (``Indicator.rollup``; defaults by kind in ``pipeline.kinds``):

* ``jumlah``: the sum of the quarters' figures;
* ``terakhir``: quarter n's figure;
* ``rata_rata``: the mean of the quarters' figures.

Each unit's inputs are rolled up first, then combined over the units by ``gabung`` as in
a yearly report (``compute``): a sum, a last value and a mean all commute with the sum over
units, so the order does not change the result. The year is the roll-up to TW IV.

An indicator measured in some quarters only (``diukur_triwulan``, e.g. ``[4]`` or
``[2, 4]``) rolls up over the quarters it is measured in, by the same rule: ``jumlah`` sums
the measured quarters (each measured figure covers the time since the previous
measurement, so their sum is the year's), ``terakhir`` takes the latest measured one,
``rata_rata`` averages the measured ones; in a quarter in which it is not measured there is
no figure of the year so far (the report prints "Diukur di TW IV"). docs/TRIWULAN.md gives
the reasons.

A quarter that holds no figure for a (unit, indicator) it is measured in (the indicator was
added to the master later in the year) is left out of that roll-up and named in ``gaps``;
quarter n's own figure is always needed. Pure functions: figures in, figures out.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..compute import VALUE_COLUMNS
from ..domain.kinds import SUB1, SUB2, Accumulation
from ..domain.master import Indicator, Master
from ..domain.periods import quarter_period, quarters_text, roman, span

# One quarter's accepted figures: (unit, Kode) → (x1, x2) as the unit typed them for that
# quarter (x2 None where the kind asks none; x1 a label for labelled kinds).
Figures = Mapping[tuple[str, str], tuple[Any, Any]]


def roll(rule: Accumulation, values: Sequence[Any]) -> Any:
    """One input's figure of the year so far from its quarters' figures (oldest first)."""
    if not values:
        return None
    if rule == Accumulation.LAST:
        return None if _absent(values[-1]) else values[-1]
    if any(_absent(v) for v in values):
        return None
    if rule == Accumulation.SUM:
        return float(sum(values))
    return float(sum(values)) / len(values)


def _absent(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


@dataclass(frozen=True)
class Rolled:
    """The year so far, per (unit, Kode): the figures and what went into them."""

    values: pd.DataFrame  # columns compute.VALUE_COLUMNS (the texts empty)
    # (unit, Kode) → the quarters (TW1 …) that held no figure and were left out
    gaps: Mapping[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)


def roll_up(master: Master, quarters: Mapping[str, Figures], upto: int,
            units_codes: Sequence[tuple[str, str]] | None = None) -> Rolled:
    """The figures of the year so far at the end of quarter ``upto``.

    ``quarters`` maps TW1 … TWn to that quarter's figures; quarter ``upto`` decides which
    (unit, Kode) pairs there are (``units_codes`` may name them instead, in order)."""
    here = quarters.get(quarter_period(upto), {})
    pairs = list(units_codes) if units_codes is not None else list(here)
    by_code = {ind.code: ind for ind in master.indicators}
    rows, gaps = [], {}
    for unit, code in pairs:
        ind = by_code.get(code)
        if ind is None or not ind.measured_in(upto) or (unit, code) not in here:
            continue
        asked = measured_periods(ind, upto)
        held = [p for p in asked if (unit, code) in quarters.get(p, {})]
        missing = tuple(p for p in asked if p not in held)
        if missing and _needs_earlier(ind):
            gaps[(unit, code)] = missing
        x1, x2 = _roll_pair(ind, [quarters[p][(unit, code)] for p in held])
        rows.append({"unit": unit, "code": code, "x1": x1, "x2": x2,
                     **{c: "" for c in VALUE_COLUMNS[4:]}})  # no texts: figures only
    return Rolled(pd.DataFrame(rows, columns=VALUE_COLUMNS), gaps)


def measured_periods(ind: Indicator, upto: int) -> list[str]:
    """The periods (TW1 …) up to quarter ``upto`` in which ``ind`` is measured."""
    return [quarter_period(q) for q in ind.measured_quarters if q <= upto]


def _needs_earlier(ind: Indicator) -> bool:
    return any(rule != Accumulation.LAST for rule in ind.rollup.values())


def _roll_pair(ind: Indicator, figures: Sequence[tuple[Any, Any]]) -> tuple[Any, Any]:
    rules = ind.rollup
    x1 = roll(rules["x1"], [f[0] for f in figures])
    x2 = roll(rules["x2"], [f[1] for f in figures]) if "x2" in rules else None
    return x1, x2


def figures_of(values: pd.DataFrame) -> dict[tuple[str, str], tuple[Any, Any]]:
    """A quarter's accepted figures from ``validate``'s values."""
    out = {}
    for rec in values.reindex(columns=VALUE_COLUMNS).to_dict("records"):
        out[(rec["unit"], rec["code"])] = (_plain(rec["x1"]), _plain(rec["x2"]))
    return out


def _plain(v: Any) -> Any:
    if _absent(v):
        return None
    return v if isinstance(v, str) else float(v)


def rule_text(ind: Indicator, upto: int) -> str:
    """How the year so far is formed, as the report says it: "jumlah TW I–III",
    "x₁ jumlah TW I–IV, x₂ TW IV", "jumlah TW II dan TW IV" (an indicator measured each
    semester), "Diukur di TW IV" (not measured yet) (Indonesian)."""

    quarters = tuple(q for q in ind.measured_quarters if q <= upto)
    if not quarters:  # not measured yet this year
        return ind.measured_text
    every = quarters == tuple(range(1, upto + 1))

    def one(rule: Accumulation) -> str:
        if rule == Accumulation.LAST or len(quarters) == 1:
            return f"TW {roman(quarters[-1])}"
        word = "jumlah" if rule == Accumulation.SUM else "rata-rata"
        return f"{word} {span(upto) if every else quarters_text(quarters)}"

    parts = {key: one(rule) for key, rule in ind.rollup.items()}
    if len(set(parts.values())) == 1:
        return parts["x1"]
    return f"{SUB1} {parts['x1']}, {SUB2} {parts['x2']}"
