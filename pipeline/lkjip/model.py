"""The chapter's data: master + this year's results + earlier years, joined per sasaran.

``build_chapter(master, results, earlier)`` is pure. Per indicator it holds:

* this year's result (``compute``), exactly what the Capaian IKU report prints;
* its points across the window's years: earlier years from the history (``Earlier``),
  this year from the result. Last year's % capaian and realisasi typed in the master
  (``capaian_tahun_lalu``, ``realisasi_tahun_lalu``) win over the history, as in the
  Capaian IKU report, so the two documents print the same previous-year figure; a
  difference is reported as a note;
* the units' year-end Analisis texts and the quarters' notes, attributed to the unit.

Nothing is rounded here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..compute import IndicatorResult, Results, Status
from ..history import Figure
from ..kinds import NA
from ..master import BudgetLine, Indicator, Master, Sasaran, Target
from ..numfmt import fmt_percent, fmt_value
from .history import Earlier

QUARTER_NAMES = {"TW1": "TW I", "TW2": "TW II", "TW3": "TW III", "TW4": "TW IV"}


@dataclass(frozen=True)
class YearPoint:
    """One indicator's figures in one year."""

    year: int
    target: Target | None
    realisation: float | None
    label: str | None  # a labelled realisasi as printed (predikat, ya/tidak)
    achievement: float | None
    status: str = "ok"  # or why there is no figure ("belum diisi", ...)
    source: str = "riwayat"  # "riwayat", "master" (typed last-year figures), "isian"

    @property
    def has_figure(self) -> bool:
        return self.status == "ok" and (self.realisation is not None or self.label is not None)


@dataclass(frozen=True)
class UnitText:
    """A text a unit wrote: its year-end Analisis, or a quarter's note."""

    unit: str  # the unit's name
    text: str
    period: str = ""  # "" for the year-end Analisis; "TW I" … for a quarter's note


@dataclass(frozen=True)
class IndicatorView:
    indicator: Indicator
    result: IndicatorResult
    points: tuple[YearPoint, ...]  # the window's years with a figure, oldest first
    analyses: tuple[UnitText, ...]
    quarter_notes: tuple[UnitText, ...]

    @property
    def earlier(self) -> tuple[YearPoint, ...]:
        return tuple(p for p in self.points if p.source != "isian")

    @property
    def current(self) -> YearPoint:
        return self.points[-1]


@dataclass(frozen=True)
class SasaranView:
    sasaran: Sasaran
    indicators: tuple[IndicatorView, ...]

    @property
    def budget(self) -> tuple[BudgetLine, ...]:
        return tuple(self.sasaran.budget)

    @property
    def average_achievement(self) -> float | None:
        values = [v.result.achievement for v in self.indicators
                  if v.result.status == Status.OK and v.result.achievement is not None]
        return sum(values) / len(values) if values else None


@dataclass(frozen=True)
class Chapter:
    master: Master
    results: Results
    years: tuple[int, ...]  # the window's years shown side by side, this year last
    sasaran: tuple[SasaranView, ...]
    notes: tuple[str, ...] = ()  # for the CLI: what was left out, and why

    @property
    def year(self) -> int:
        return self.master.agency.year

    @property
    def has_budget(self) -> bool:
        return any(s.budget for s in self.sasaran)

    @property
    def has_quarters(self) -> bool:
        return any(v.quarter_notes for s in self.sasaran for v in s.indicators)


def build_chapter(master: Master, results: Results, earlier: Earlier | None = None) -> Chapter:
    earlier = earlier or Earlier()
    notes = list(earlier.notes)
    names = {u.code: u.name for u in master.units}
    views = []
    for s in master.sasaran:
        inds = []
        for ind in s.indicators:
            r = results.indicators.get(ind.code) or IndicatorResult(ind.code, Status.MISSING)
            past = [_point(f) for f in earlier.figures.get(ind.code, ())]
            past, note = _typed_last_year(master, ind, past)
            notes += note
            inds.append(IndicatorView(
                ind, r, (*past, _current(master, ind, r)),
                tuple(UnitText(names.get(c.unit, c.unit), c.analysis.strip())
                      for c in r.contributions if c.analysis.strip()),
                tuple(UnitText(names.get(u.unit, u.unit), u.note.strip(),
                               QUARTER_NAMES[q.period])
                      for q in earlier.quarters for u in q.contributions.get(ind.code, ())
                      if u.note.strip()),
            ))
        views.append(SasaranView(s, tuple(inds)))
    years = sorted({p.year for s in views for v in s.indicators for p in v.points})
    if master.agency.year not in years:
        years.append(master.agency.year)
    return Chapter(master, results, tuple(years), tuple(views), tuple(notes))


def _point(f: Figure) -> YearPoint:
    rec = f.record
    return YearPoint(f.year, rec.target, rec.realisation, rec.realisation_label,
                     rec.achievement, rec.status or "ok")


def _current(master: Master, ind: Indicator, r: IndicatorResult) -> YearPoint:
    status = "ok" if r.status == Status.OK else r.status.value
    return YearPoint(master.agency.year, ind.target, r.realisation, r.label, r.achievement,
                     status, "isian")


def _typed_last_year(master: Master, ind: Indicator, past: list[YearPoint]
                     ) -> tuple[list[YearPoint], list[str]]:
    """Last year's point with the master's typed % capaian / realisasi applied."""
    year = master.agency.year - 1
    achievement = ind.previous_achievement
    realisation = ind.previous_realisation if isinstance(ind.previous_realisation, float) \
        else None
    if achievement is None and realisation is None:
        return past, []
    found = next((p for p in past if p.year == year), None)
    notes = []
    if found is not None and found.has_figure:
        for label, typed, stored, text in (
                ("capaian_tahun_lalu", achievement, found.achievement, fmt_percent),
                ("realisasi_tahun_lalu", realisation, found.realisation,
                 lambda v: fmt_value(v, ind.unit_of_measure, decimals=ind.decimals))):
            if typed is not None and stored is not None and not math.isclose(
                    typed, stored, rel_tol=1e-9, abs_tol=1e-9):
                notes.append(f"indikator {ind.code}: {label} di master ({text(typed)}) berbeda "
                             f"dari riwayat tahun {year} ({text(stored)}); yang dicetak angka "
                             "master, seperti di laporan Capaian IKU")
    base = found or YearPoint(year, None, None, None, None, "ok", "master")
    point = YearPoint(
        year, base.target,
        realisation if realisation is not None else base.realisation,
        base.label if realisation is None else None,
        achievement if achievement is not None else base.achievement,
        "ok", "master" if found is None else base.source)
    if found is None and point.realisation is None:
        # only a typed % capaian: a point with a capaian and no realisasi
        point = YearPoint(year, None, None, None, achievement, "ok", "master")
    rest = [p for p in past if p.year != year]
    return sorted([*rest, point], key=lambda p: p.year), notes


def target_is_na(target: Target | None) -> bool:
    return target == NA
