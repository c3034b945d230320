"""A quarter's figures: the quarter's own, the year so far, and capaian against targets.

``compute_quarter`` takes the quarter's accepted figures (from ``validate``) and the
earlier quarters' (from the history) and returns ``QuarterResults``:

* ``own``: ``compute`` on the quarter's own figures (realisasi of TW n alone);
* ``cumulative``: ``compute`` on the year so far (``rollup.roll_up``);
* per indicator, % capaian of the year so far against the quarter's target
  (``Indicator.quarter_target``: ``target_triwulan``, else the year's target at TW IV and
  none before), capped as the yearly one, and its band of the predikat scale (predikat and
  the colour the report shades the status cell with);
* per indicator, its progress towards the year (``progress``, below).

An indicator not measured in quarter n (``diukur_triwulan``) has the status
``Status.NOT_MEASURED`` in ``own`` and ``cumulative``: no figure, no capaian, no progress,
left out of both averages; the report prints "Diukur di TW IV" in its place.

**Progress** ("% thd Target <tahun>") depends on what the year so far is
(docs/TRIWULAN.md gives the reasons):

* a **running total** (x1 adds up over the quarters, ``akumulasi: jumlah``, and x2, if
  any, is a fixed base): the share of the x1 the year's target asks that is reached so far
  (``Progress.REACHED``, "tercapai"), or, when a lower x1 is better (a negative-polarity
  count of incidents), the share of the yearly ceiling used so far (``Progress.CEILING``,
  "batas terpakai"). The year-end capaian formula is not applied to a running total: two
  incidents of a yearly ceiling of four after one quarter are not 150% of anything;
* a **level** (a share of two flows, a stock, an index, a mean): the year-end capaian
  formula applied to the level so far against the year's target (``Progress.LEVEL``,
  "capaian"), for either polarity.

The progress average covers ``REACHED`` and ``LEVEL`` (higher is better in both); a ceiling
used is not progress, so it is left out, and the report says so.

The same rules as the yearly report (polarity, ranges, target 0, NA, cap) apply through
``compute.achievement``. Pure: data in, data out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

import pandas as pd

from ..compute import (
    IndicatorResult,
    Results,
    Status,
    apply_cap,
    compute,
    indicator_achievement,
    mean,
)
from ..domain.kinds import Accumulation
from ..domain.master import GradeBand, Indicator, Master, Polarity, Target
from ..domain.periods import quarter_period
from .rollup import Figures, figures_of, roll_up


class Progress(StrEnum):
    """What a quarter's progress towards the year's target is (printed after it)."""

    REACHED = "tercapai"  # a running total: the share of the target's x1 reached so far
    CEILING = "batas terpakai"  # a lower-is-better running total: the ceiling's share used
    LEVEL = "capaian"  # a level: the year-end capaian formula applied to it now


@dataclass(frozen=True)
class QuarterIndicator:
    code: str
    target: Target | None  # the quarter's target (of the year so far); None: none set
    achievement: float | None  # the year so far against ``target``
    capped: bool = False
    band: GradeBand | None = None  # predikat and colour of ``achievement``
    gaps: tuple[str, ...] = ()  # earlier quarters that held no figure (left out)
    progress: float | None = None  # towards the year's target (``progress_kind`` says how)
    progress_kind: Progress | None = None
    measured: bool = True  # the indicator is measured in this quarter (diukur_triwulan)
    met: bool | None = None  # a status: the quarter's target met or not

    @property
    def progress_is_share(self) -> bool:
        """The progress is a share of the year's target (reached, or ceiling used), not a
        capaian."""
        return self.progress_kind in (Progress.REACHED, Progress.CEILING)


@dataclass(frozen=True)
class QuarterResults:
    quarter: int  # 1-4
    own: Results
    cumulative: Results
    indicators: dict[str, QuarterIndicator]
    average_achievement: float | None  # mean of the indicators' quarter capaian
    averaged: int
    draft: bool = False
    # (unit, Kode) → {"obstacles": …, "follow_up": …}: each unit's Kendala / Tindak lanjut
    texts: Mapping[tuple[str, str], Mapping[str, str]] = field(default_factory=dict)
    average_progress: float | None = None  # mean of the REACHED and LEVEL progress
    progress_averaged: int = 0

    @property
    def period(self) -> str:
        return quarter_period(self.quarter)

    @property
    def not_measured(self) -> tuple[str, ...]:
        """Kodes of the indicators not measured in this quarter, in master order."""
        return tuple(code for code, q in self.indicators.items() if not q.measured)


def compute_quarter(
    master: Master,
    quarter: int,
    values: pd.DataFrame,
    earlier: Mapping[str, Figures],
    invalid: frozenset[tuple[str, str]] = frozenset(),
    draft: bool = False,
    texts: Mapping[tuple[str, str], Mapping[str, str]] | None = None,
) -> QuarterResults:
    """Every figure of quarter ``quarter``'s report. ``values``: the quarter's accepted
    figures (``validate``); ``earlier``: TW1 … of the same year (``rollup.Figures``)."""
    unmeasured = frozenset(i.code for i in master.indicators if not i.measured_in(quarter))
    own = not_measured(compute(master, values, invalid, draft=draft), unmeasured)
    quarters = {**earlier, quarter_period(quarter): figures_of(values)}
    pairs = [(r["unit"], r["code"]) for r in values.to_dict("records")]
    rolled = roll_up(master, quarters, quarter, pairs)
    cumulative = not_measured(compute(master, rolled.values, invalid, draft=draft), unmeasured)
    settings = master.settings
    indicators = {}
    for ind in master.indicators:
        target = ind.quarter_target(quarter)
        result = cumulative.indicators[ind.code]
        value, capped, met = None, False, None
        if result.status == Status.OK:
            value = indicator_achievement(ind, result.realisation, target)
            if ind.rules.met_only and value is not None:
                met, value = value >= 100, (value if ind.counted else None)
            if value is not None:
                value, capped = apply_cap(value, settings.achievement_cap)
        gaps = sorted({p for (unit, code), ps in rolled.gaps.items() if code == ind.code
                       for p in ps})
        kind, amount = progress(ind, result)
        indicators[ind.code] = QuarterIndicator(
            ind.code, target, value, capped, settings.band_of(value), tuple(gaps), amount,
            kind, ind.code not in unmeasured, met)
    achieved = [q.achievement for q in indicators.values() if q.achievement is not None]
    moving = [q.progress for q in indicators.values()
              if q.progress is not None and q.progress_kind != Progress.CEILING]
    return QuarterResults(quarter, own, cumulative, indicators, mean(achieved), len(achieved),
                          draft, dict(texts or {}), mean(moving), len(moving))


def not_measured(results: Results, codes: frozenset[str]) -> Results:
    """``results`` with the indicators of ``codes`` marked as not measured this quarter
    (they hold no figure, so no average counted them)."""
    if not codes:
        return results
    marked = {code: (replace(r, status=Status.NOT_MEASURED, achievement=None, capped=False,
                             grade=None) if code in codes else r)
              for code, r in results.indicators.items()}
    return replace(results, indicators=marked)


def running_total(ind: Indicator) -> bool:
    """The year so far grows with the quarters: x1 adds up (``jumlah``) over a fixed base
    (no x2, or an x2 that is the latest figure: a stock, last year's value)."""
    rules = ind.rollup
    return (rules["x1"] == Accumulation.SUM
            and rules.get("x2", Accumulation.LAST) == Accumulation.LAST)


def progress(ind: Indicator, result: IndicatorResult) -> tuple[Progress | None, float | None]:
    """The progress of the year so far towards the year's target (module docstring)."""
    if result.status != Status.OK:
        return None, None
    if not running_total(ind):
        if result.achievement is None:  # NA target
            return None, None
        return Progress.LEVEL, result.achievement
    target = ind.target_number(ind.target)
    if target is None:
        return None, None
    rules = ind.rules
    ceiling = (ind.polarity == Polarity.NEGATIVE) == rules.x1_raises_y
    if isinstance(target, tuple):  # the bound to reach, or the ceiling not to pass
        low, high = target
        target = high if ceiling else low
    needed = rules.x1_for(ind, target, result.x2)
    if needed is None or needed <= 0 or not isinstance(result.x1, int | float):
        return None, None  # a target of 0 (or below) asks no x1 to share out
    return (Progress.CEILING if ceiling else Progress.REACHED), result.x1 / needed * 100
