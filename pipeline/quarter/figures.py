"""A quarter's figures: the quarter's own, the year so far, and capaian against targets.

``compute_quarter`` takes the quarter's accepted figures (from ``validate``) and the
earlier quarters' (from the history) and returns ``QuarterResults``:

* ``own``: ``compute`` on the quarter's own figures (realisasi of TW n alone);
* ``cumulative``: ``compute`` on the year so far (``rollup.roll_up``); its % capaian is
  against the *year's* target: the progress towards it;
* per indicator, % capaian of the year so far against the quarter's target
  (``Indicator.quarter_target``: ``target_triwulan``, else the year's target at TW IV and
  none before), capped as the yearly one, and its band of the predikat scale (predikat and
  the colour the report shades the status cell with).

The same rules as the yearly report (polarity, ranges, target 0, NA, cap) apply through
``compute.achievement``. Pure: data in, data out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from ..compute import Results, Status, achievement, apply_cap, compute, mean
from ..domain.master import GradeBand, Master, Target
from ..domain.periods import quarter_period
from .rollup import Figures, figures_of, roll_up


@dataclass(frozen=True)
class QuarterIndicator:
    code: str
    target: Target | None  # the quarter's target (of the year so far); None: none set
    achievement: float | None  # the year so far against ``target``
    capped: bool = False
    band: GradeBand | None = None  # predikat and colour of ``achievement``
    gaps: tuple[str, ...] = ()  # earlier quarters that held no figure (left out)


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

    @property
    def period(self) -> str:
        return quarter_period(self.quarter)


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
    own = compute(master, values, invalid, draft=draft)
    quarters = {**earlier, quarter_period(quarter): figures_of(values)}
    pairs = [(r["unit"], r["code"]) for r in values.to_dict("records")]
    rolled = roll_up(master, quarters, quarter, pairs)
    cumulative = compute(master, rolled.values, invalid, draft=draft)
    settings = master.settings
    indicators = {}
    for ind in master.indicators:
        target = ind.quarter_target(quarter)
        result = cumulative.indicators[ind.code]
        value, capped = None, False
        number = ind.target_number(target)
        if result.status == Status.OK and number is not None:
            value = achievement(result.realisation, number, ind.polarity,
                                settings.negative_rule)
            value, capped = apply_cap(value, settings.achievement_cap)
        gaps = sorted({p for (unit, code), ps in rolled.gaps.items() if code == ind.code
                       for p in ps})
        indicators[ind.code] = QuarterIndicator(ind.code, target, value, capped,
                                                settings.band_of(value), tuple(gaps))
    achieved = [q.achievement for q in indicators.values() if q.achievement is not None]
    return QuarterResults(quarter, own, cumulative, indicators, mean(achieved), len(achieved),
                          draft, dict(texts or {}))
