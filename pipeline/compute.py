"""Compute realisasi (y), % capaian, predikat and the averages from the submitted inputs.

Pure functions: data in, data out. Values are never rounded here; rounding happens only
when the report is rendered. How y follows from x1 and x2 is the kind's business
(``pipeline.kinds``); the rules below compare a number with a target and do not depend on
the kind (a labelled realisasi is compared through its score). Where the sources disagree
(see docs/ATURAN.md):

* several units reporting one indicator: ``gabung: jumlah`` sums x1 and x2 over the
  units, then divides; ``gabung: sama`` takes the one figure every unit copied (validation
  has checked they agree);
* positive polarity: capaian = R / T × 100 (a negative R gives a negative capaian);
* negative polarity, ``pengaturan.rumus_negatif`` (or the indicator's own
  ``rumus_negatif``; against the Target Akhir ``rumus_negatif_target_akhir``):
  ``(2T-R)/T`` (default) gives (2 − R / T) × 100, floored at 0; ``T/R`` gives T / R ×
  100, and 200 when R = 0 (the value the default rule gives there; T / 0 has no value);
  ``R/T`` computes as positive polarity (published tables score some lower-is-better
  indicators so);
* a threshold target (``≥ 95``, ``maksimal 5``) is its bound, its direction the
  polarity (``master``): met and % capaian follow from the rules above;
* ``capaian_dari: realisasi_tercetak``: % capaian divides the realisasi as printed
  (rounded to its decimals, ``pembulatan``), as published tables do;
* a status (``met_only`` kinds): % capaian is met (100) or not (0), printed Tercapai /
  Tidak tercapai, and enters the average only with ``ikut_rata_rata: true``;
* target range [low, high]: inside → 100; above → use high; below → use low;
* target 0: positive → 100; negative → 100 when R = 0, else 0 (both rules);
* target NA: realisasi is shown, capaian is None (printed NA) and the indicator is left
  out of the average;
* cap: none by default; ``pengaturan.batas_atas_capaian`` sets one, and the report says
  so.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import pandas as pd

from .domain.frozen import made
from .domain.kinds import MET, NA, NOT_MET, KindRules, Merge
from .domain.master import (
    AchievementBase,
    Indicator,
    Master,
    NegativeRule,
    Polarity,
    Settings,
    Target,
)


class Status(StrEnum):
    OK = "ok"
    MISSING = "belum diisi"  # no usable value from at least one reporting unit
    INVALID = "tidak sah"  # a value was present but rejected (draft reports only)
    # a quarter in which the indicator is not measured (``diukur_triwulan``): no figure is
    # asked, none is missing; left out of averages like an NA target (pipeline/quarter)
    NOT_MEASURED = "tidak diukur"


# Enum members read on the per-indicator path, looked up once: on Python 3.11 reading a
# member from its class (``Polarity.POSITIVE``) costs about four times comparing with it.
_OK, _MISSING, _INVALID = Status.OK, Status.MISSING, Status.INVALID
_POSITIVE, _NEGATIVE = Polarity.POSITIVE, Polarity.NEGATIVE
_R_OVER_T, _T_OVER_R = NegativeRule.R_OVER_T, NegativeRule.T_OVER_R
_PRINTED, _SAME = AchievementBase.PRINTED, Merge.SAME


@dataclass(frozen=True)
class Contribution:
    unit: str
    x1: Any  # a number, or a label for labelled kinds; None when not given
    x2: float | None
    note: str = ""
    analysis: str = ""  # the unit's year-end Analisis (causes and solutions), as typed


@dataclass(frozen=True)
class IndicatorResult:
    code: str
    status: Status
    x1: Any = None  # combined over the reporting units (a label for labelled kinds)
    x2: float | None = None
    realisation: float | None = None  # y (a labelled kind: the label's score)
    achievement: float | None = None  # % capaian; None when it cannot be (target NA)
    capped: bool = False  # the achievement was limited by the configured cap
    contributions: tuple[Contribution, ...] = ()
    label: str | None = None  # the realisasi as printed, for labelled kinds
    grade: str | None = None  # predikat of the % capaian (pengaturan.skala_predikat)
    final_achievement: float | None = None  # % capaian against the Target Akhir RPJMD
    met: bool | None = None  # a status (met_only kind): the target met or not

    @property
    def target_na(self) -> bool:
        return self.status == Status.OK and self.achievement is None and self.met is None


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
    na_targets: tuple[str, ...] = ()  # codes of indicators whose target is NA
    # Kode → (% capaian, realisasi) of the year before, as the report prints them: typed
    # in the master, else recorded in the history (None when neither has it).
    previous: Mapping[str, tuple[float | None, Any]] = field(default_factory=dict)
    # Kode → how the year's x1 and x2 were formed when not typed in the year's workbooks
    # (``iku report --dari-triwulan``: "Angka tahun 2021: jumlah TW I–IV …"), printed in
    # the indicator's Keterangan.
    sources: Mapping[str, str] = field(default_factory=dict)


def realisation(ind: Indicator, x1: Any, x2: float | None) -> float | None:
    """y from the combined inputs; None when it cannot be computed (x2 = 0)."""
    return ind.rules.realisation(ind, x1, x2)


def achievement(
    r: float,
    target: float | tuple[float, float],
    polarity: Polarity,
    rule: NegativeRule = NegativeRule.TWO_T_MINUS_R,
) -> float:
    """% capaian of realisation r against target (a number or a [low, high] range)."""
    if isinstance(target, tuple):
        low, high = target
        if low <= r <= high:
            return 100.0
        t = high if r > high else low
    else:
        t = target
    # R/T scores a lower-is-better indicator as a positive one (as the document does)
    positive = polarity == _POSITIVE or (polarity == _NEGATIVE and rule == _R_OVER_T)
    if t == 0:
        if positive:
            return 100.0
        return 100.0 if r == 0 else 0.0
    if positive:
        return r / t * 100
    if rule == _T_OVER_R:
        return 200.0 if r == 0 else t / r * 100
    return max(0.0, (2 - r / t) * 100)


def apply_cap(value: float, cap: float | None) -> tuple[float, bool]:
    if cap is not None and value > cap:
        return cap, True
    return value, False


def mean(values: list[float | None]) -> float | None:
    clean = [v for v in values if v is not None and math.isfinite(v)]
    return sum(clean) / len(clean) if clean else None


VALUE_COLUMNS = ["unit", "code", "x1", "x2", "note", "analysis"]


def compute(
    master: Master,
    values: pd.DataFrame | Iterable[tuple],
    invalid: frozenset[tuple[str, str]] = frozenset(),
    draft: bool = False,
    history: Mapping[str, tuple[float | None, Any]] | None = None,
) -> Results:
    """Combine the units' inputs per indicator and compute every figure of the report.

    ``values`` has one row per (unit, code) with x1/x2 (NaN when not given; x1 may be a
    label), a note and an analysis (either text column may be absent): a frame, or its
    rows as tuples in VALUE_COLUMNS order (``value_lines``); ``invalid`` lists
    (unit, code) pairs whose values were rejected by validation; ``history`` gives, by
    Kode, last year's (% capaian, realisasi) recorded in the history, used where the
    master does not type them.
    """
    by_code: dict[str, dict[str, tuple]] = {}
    # each row kept as its tuple of VALUE_COLUMNS (no dict per row: ``_indicator_result``
    # reads the positions)
    for line in value_lines(values):
        by_code.setdefault(line[1], {})[line[0]] = line  # [code][unit]
    settings = master.settings
    no_rows: dict[str, tuple] = {}
    indicators = master.indicators  # a list made by the property: made once here
    results = {
        ind.code: _indicator_result(settings, ind, by_code.get(ind.code, no_rows), invalid)
        for ind in indicators
    }
    achieved = [r.achievement for r in results.values() if r.achievement is not None]
    recorded = history or {}
    previous = {i.code: _previous(i, recorded.get(i.code)) for i in indicators}
    return Results(
        indicators=results,
        average_achievement=mean(achieved),
        average_previous=mean([p[0] for p in previous.values()]),
        averaged=len(achieved),
        total=len(results),
        cap=settings.achievement_cap,
        draft=draft,
        na_targets=tuple(i.code for i in indicators if i.target == NA),
        previous=previous,
    )


def value_lines(values: pd.DataFrame | Iterable[tuple]) -> Iterable[tuple]:
    """The rows of ``compute``'s ``values`` as tuples in VALUE_COLUMNS order: rows given
    so (``Validated.lines``) as they are; a frame's read column by column (``tolist``
    gives Python scalars, as to_dict("records") does, at a third of its cost on a frame
    of a few dozen rows), a text column it lacks read as absent."""
    if not isinstance(values, pd.DataFrame):
        return values
    # a frame with the columns in order needs no reindexing (reindex would only copy it)
    frame = (values if list(values.columns) == VALUE_COLUMNS
             else values.reindex(columns=VALUE_COLUMNS))
    return zip(*(frame[c].tolist() for c in VALUE_COLUMNS), strict=True)


def _previous(ind: Indicator, recorded: tuple[float | None, Any] | None) -> tuple:
    """Last year's (% capaian, realisasi): the master's value wins over the history's."""
    achievement, realisation = recorded or (None, None)
    if ind.previous_achievement is not None:
        achievement = ind.previous_achievement
    if ind.previous_realisation is not None:
        realisation = ind.previous_realisation
    return achievement, realisation


def _indicator_result(
    settings: Settings, ind: Indicator, rows: dict[str, tuple],
    invalid: frozenset[tuple[str, str]],
) -> IndicatorResult:
    """One indicator from its units' rows ({unit: a row's values in VALUE_COLUMNS order});
    ``settings``: the master's."""
    contributions = []
    x1s, x2s = [], []  # the units' values, combined below (``gabung``)
    status = _OK
    rules = ind.rules  # looked up once (the kind's rules; the indicator is frozen)
    asks_x2 = rules.asks_x2
    code = ind.code
    for unit in ind.reporting_units:
        if (unit, code) in invalid:
            status = _INVALID
            contributions.append(_contribution(unit, None, None, "", ""))
            continue
        row = rows.get(unit)
        if row is None:
            status = _MISSING if status == _OK else status
            contributions.append(_contribution(unit, None, None, "", ""))
            continue
        _, _, x1, x2, note, analysis = row  # VALUE_COLUMNS
        x1 = _value(x1)
        x2 = _value(x2) if asks_x2 else None
        note = "" if _missing(note) else str(note)
        analysis = "" if _missing(analysis) else str(analysis)
        contributions.append(_contribution(unit, x1, x2, note, analysis))
        x1s.append(x1)
        x2s.append(x2)
        if x1 is None or (asks_x2 and x2 is None):
            status = _MISSING if status == _OK else status
    if status != _OK:
        return _result(code, status, contributions=tuple(contributions))
    if ind.merge == _SAME:
        x1, x2 = x1s[0], x2s[0]
    else:
        x1 = sum(x1s)
        x2 = sum(x2s) if asks_x2 else None
    y = rules.realisation(ind, x1, x2)  # ``realisation``
    if y is None:
        return _result(code, _INVALID, x1, x2, contributions=tuple(contributions))
    value = _achievement_of(ind, rules, y, ind.target, False)
    met = None
    if rules.met_only and value is not None:
        met, value = value >= 100, (value if ind.counted else None)
    value, capped = (value, False) if value is None else apply_cap(value, settings.achievement_cap)
    final = _achievement_of(ind, rules, y, ind.final_target, True)
    return _result(code, _OK, x1, x2, y, value, capped, tuple(contributions),
                   rules.label(ind, x1), settings.grade_of(value), final, met)


def _contribution(unit: str, x1: Any, x2: float | None, note: str,
                  analysis: str) -> Contribution:
    """``Contribution(...)`` without the frozen dataclass's ``__init__`` (``frozen.made``)."""
    return made(Contribution, {"unit": unit, "x1": x1, "x2": x2, "note": note,
                               "analysis": analysis})


def _result(code: str, status: Status, x1: Any = None, x2: float | None = None,
            realisation: float | None = None, achievement: float | None = None,
            capped: bool = False, contributions: tuple[Contribution, ...] = (),
            label: str | None = None, grade: str | None = None,
            final_achievement: float | None = None, met: bool | None = None,
            ) -> IndicatorResult:
    """``IndicatorResult(...)`` without the frozen dataclass's ``__init__`` (``frozen.made``;
    the same fields, defaults and order: tests/test_validate_fast.py)."""
    return made(IndicatorResult, {
        "code": code, "status": status, "x1": x1, "x2": x2, "realisation": realisation,
        "achievement": achievement, "capped": capped, "contributions": contributions,
        "label": label, "grade": grade, "final_achievement": final_achievement, "met": met})


def indicator_achievement(ind: Indicator, y: float, target: Target | None,
                          final: bool = False) -> float | None:
    """% capaian of realisasi ``y`` against one of the indicator's targets, by its rules:
    the realisasi as printed where ``capaian_dari: realisasi_tercetak``, the indicator's
    negative-polarity rule (``final``: the one against the Target Akhir), a status met
    (100) or not (0). None when the target is NA or absent. Uncapped."""
    return _achievement_of(ind, ind.rules, y, target, final)


def _achievement_of(ind: Indicator, rules: KindRules, y: float, target: Target | None,
                    final: bool) -> float | None:
    """``indicator_achievement`` with the indicator's kind rules (``ind.rules``) given."""
    if target is None or target == NA:  # ``ind.target_number``'s None, without the call
        return None
    t = ind.target_number(target) if isinstance(target, str) else target
    if t is None:
        return None
    if rules.met_only:
        low = t[0] if isinstance(t, tuple) else t
        return 100.0 if y >= low else 0.0
    rule = ind.final_rule if final else ind.rule
    used = (ind.printed(y) if ind.achievement_base == _PRINTED
            and not rules.labelled else y)  # ``ind.used_realisation``
    return achievement(used, t, ind.polarity, rule)


def met_text(r: IndicatorResult) -> str | None:
    """Tercapai / Tidak tercapai for a status, else None."""
    if r.met is None:
        return None
    return MET if r.met else NOT_MET


def _missing(v: object) -> bool:
    """True for a missing note (None, NaN or empty)."""
    return v is None or (isinstance(v, float) and math.isnan(v)) or v == ""


def _value(v: object) -> Any:
    """A number as float, a label as text; None for a missing value."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, str):
        return v
    return float(v)
