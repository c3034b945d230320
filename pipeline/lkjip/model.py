"""The chapter's data: master + this year's results + earlier years, joined per sasaran.

``build_chapter(master, results, earlier)`` is pure. Per indicator it holds:

* this year's result (``compute``), exactly what the Capaian IKU report prints;
* its points across the window's years: earlier years from the history (``Earlier``),
  this year from the result. Last year's % capaian and realisasi are the ones the Capaian
  IKU report prints (``Results.previous``: typed in the master, else recorded in the
  history; the runner's ``prior`` stage warns when the two differ), so the two documents
  print the same previous-year figure;
* the units' year-end Analisis texts and the quarters' notes, attributed to the unit.

Nothing is rounded here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..compute import IndicatorResult, Results, Status
from ..domain.kinds import NA
from ..domain.master import BudgetLine, Indicator, Master, Sasaran, Target
from ..domain.numfmt import fmt_number
from ..history import Figure
from ..quarter.history import notes_text
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
    # How the indicator was measured differently that year (its kind, unit or formula,
    # "jenis jumlah menjadi persentase"), "" when as this year: such a year is not
    # compared with this one, and its figures print in the unit recorded that year.
    changed: str = ""
    unit_of_measure: str | None = None  # the recorded unit, when ``changed``
    met: bool | None = None  # a status (met_only kind): its target met or not


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
    def current(self) -> YearPoint:
        return self.points[-1]


@dataclass(frozen=True)
class SasaranView:
    sasaran: Sasaran
    indicators: tuple[IndicatorView, ...]
    # (year, average % capaian) of earlier years whose document gives only the sasaran's
    # average (imported: ``iku riwayat impor`` with a Sasaran row), oldest first
    past_averages: tuple[tuple[int, float], ...] = ()

    @property
    def budget(self) -> tuple[BudgetLine, ...]:
        """The sasaran's budget lines, when every one has its realisasi: a line with only
        its pagu (a master written for the Perjanjian Kinerja in January) has nothing to
        compare yet, and a total without it would mislead (``build_chapter`` says so)."""
        if not budget_complete(self.sasaran):
            return ()
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


def build_chapter(master: Master, results: Results, earlier: Earlier | None = None) -> Chapter:
    earlier = earlier or Earlier()
    notes = list(earlier.notes)
    names = {u.code: u.name for u in master.units}
    views = []
    for s in master.sasaran:
        inds = []
        for ind in s.indicators:
            r = results.indicators.get(ind.code) or IndicatorResult(ind.code, Status.MISSING)
            past = [_point(f, ind, earlier) for f in earlier.figures.get(ind.code, ())]
            past = _printed_last_year(master, results, ind, past)
            analyses = {(c.unit, c.analysis.strip()) for c in r.contributions}
            inds.append(IndicatorView(
                ind, r, (*past, _current(master, ind, r)),
                tuple(UnitText(names.get(c.unit, c.unit), c.analysis.strip())
                      for c in r.contributions if c.analysis.strip()),
                # a quarter's note that is the unit's Analisis (the year built from the
                # quarters takes TW IV's) is quoted once, as the Analisis
                tuple(UnitText(names.get(u.unit, u.unit), _quarter_text(u),
                               QUARTER_NAMES[q.period])
                      for q in earlier.quarters for u in q.contributions.get(ind.code, ())
                      if _quarter_text(u) and (u.unit, _quarter_text(u)) not in analyses),
            ))
        averages = tuple((f.year, f.record.achievement)
                         for f in earlier.sasaran.get(s.number, ())
                         if f.record.achievement is not None)
        views.append(SasaranView(s, tuple(inds), averages))
        if not budget_complete(s):
            notes.append(f"anggaran sasaran {s.number} belum memuat realisasi setiap "
                         "programnya (hanya pagu); anggaran sasaran itu tidak dicetak: isi "
                         "realisasi di master")
    years = sorted({p.year for s in views for v in s.indicators for p in v.points}
                   | {year for s in views for year, _ in s.past_averages})
    if master.agency.year not in years:
        years.append(master.agency.year)
    return Chapter(master, results, tuple(years), tuple(views), tuple(notes))


def budget_complete(s: Sasaran) -> bool:
    """Every budget line of ``s`` has its realisasi (a sasaran without a budget is)."""
    return all(b.spent is not None for b in s.budget)


def _quarter_text(u) -> str:
    """What a unit wrote in a quarter's workbook: its Kendala and Tindak lanjut (and a
    Catatan, for rounds recorded before quarterly workbooks had those columns)."""
    text = notes_text(getattr(u, "obstacles", ""), getattr(u, "follow_up", ""))
    note = u.note.strip()
    return "; ".join(t for t in (text, note) if t)


def _point(f: Figure, ind: Indicator, earlier: Earlier) -> YearPoint:
    rec = f.record
    changed = _changed(f, ind, earlier)
    return YearPoint(f.year, rec.target, rec.realisation, rec.realisation_label,
                     rec.achievement, rec.status or "ok", changed=changed,
                     unit_of_measure=rec.unit_of_measure if changed else None,
                     met=ind.rules.met(ind, rec.realisation_label, rec.target))


def _changed(f: Figure, ind: Indicator, earlier: Earlier) -> str:
    """What the indicator measured differently in the figure's year than in this one:
    its kind, unit, polarity or multiplier (what is unknown, e.g. an import's blank Jenis,
    does not count)."""
    rec, parts = f.record, []
    if rec.kind and rec.kind != ind.kind.value:
        parts.append(f"jenis {rec.kind.replace('_', '/')} menjadi "
                     f"{ind.kind.value.replace('_', '/')}")
    if rec.unit_of_measure and rec.unit_of_measure != ind.unit_of_measure:
        parts.append(f"satuan {rec.unit_of_measure} menjadi {ind.unit_of_measure or '-'}")
    formula = earlier.formulas.get((f.year, rec.key))
    if formula is not None:
        polarity, multiplier = formula
        if polarity != ind.polarity.value:
            parts.append(f"polaritas {polarity} menjadi {ind.polarity.value}")
        if multiplier != float(ind.multiplier):
            parts.append(f"pengali {fmt_number(multiplier)} menjadi {fmt_number(ind.multiplier)}")
    return ", ".join(parts)


def _current(master: Master, ind: Indicator, r: IndicatorResult) -> YearPoint:
    status = "ok" if r.status == Status.OK else r.status.value
    return YearPoint(master.agency.year, ind.target, r.realisation, r.label, r.achievement,
                     status, "isian", met=r.met)


def _printed_last_year(master: Master, results: Results, ind: Indicator,
                       past: list[YearPoint]) -> list[YearPoint]:
    """Last year's point with the % capaian and realisasi the report prints for it."""
    year = master.agency.year - 1
    achievement, realisation = results.previous.get(ind.code) or (None, None)
    if realisation == NA:
        realisation = None
    if achievement is None and realisation is None:
        return past
    found = next((p for p in past if p.year == year), None)
    base = found or YearPoint(year, None, None, None, None, "ok", "master")
    if isinstance(realisation, str):
        number, label = None, realisation
    elif realisation is not None:
        number, label = float(realisation), None
    else:
        number, label = base.realisation, base.label
    point = replace(base, realisation=number, label=label,
                    achievement=achievement if achievement is not None else base.achievement,
                    status="ok", met=ind.rules.met(ind, label, base.target))
    rest = [p for p in past if p.year != year]
    return sorted([*rest, point], key=lambda p: p.year)

