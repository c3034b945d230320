"""The chapter's data: master + this year's results + earlier years, joined per sasaran.

``build_chapter(master, results, earlier)`` is pure. Per indicator it holds:

* this year's result (``compute``), exactly what the Capaian IKU report prints;
* its points across the window's years: earlier years from the history (``Earlier``),
  this year from the result. Last year's % capaian and realisasi are the ones the Capaian
  IKU report prints (``Results.previous``: typed in the master, else recorded in the
  history; the runner's ``prior`` stage warns when the two differ), so the two documents
  print the same previous-year figure;
* the units' year-end Analisis texts and the quarters' notes, attributed to the unit, in
  their parts (a quarter's Kendala and Tindak lanjut), the empty ones ("-") left out;
* the Perjanjian Kinerja in force (``pk.history.pk_of``, through ``Earlier``) whose
  targets the chapter measures against, and a note when the master's targets differ.

Nothing is rounded here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..compute import IndicatorResult, Results, Status
from ..domain.kinds import NA
from ..domain.master import BudgetLine, Indicator, Master, Sasaran, Target
from ..domain.numfmt import fmt_number
from ..history import Figure
from ..history.model import PkRevision
from ..pk.model import target_text, targets_of
from ..quarter.history import split_notes
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
    """A text a unit wrote: its year-end Analisis, or a quarter's note, in parts: (label,
    text), the label "Kendala", "Tindak lanjut" or "" (a plain text); never empty."""

    unit: str  # the unit's name
    parts: tuple[tuple[str, str], ...]
    period: str = ""  # "" for the year-end Analisis; "TW I" … for a quarter's note

    @property
    def text(self) -> str:
        return "; ".join(t for _, t in self.parts)


_BLANK = re.compile(r"[\s\-\u2013\u2014.]*")


def written(parts) -> tuple[tuple[str, str], ...]:
    """The parts a unit actually wrote: an empty one, or one holding only "-", is none."""
    return tuple((label, text.strip()) for label, text in parts
                 if not _BLANK.fullmatch(text or ""))


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
        """The sasaran's budget lines (the programs of the Perjanjian Kinerja), realisasi
        or not."""
        return tuple(self.sasaran.budget)

    @property
    def spent_budget(self) -> tuple[BudgetLine, ...]:
        """The sasaran's budget lines, when every one has its realisasi: a line with only
        its pagu (a master written for the Perjanjian Kinerja in January) has nothing to
        compare yet, and an absorption without it would mislead (``build_chapter`` says
        so); () otherwise."""
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
    pk: PkRevision | None = None  # the Perjanjian Kinerja in force, when recorded

    @property
    def year(self) -> int:
        return self.master.agency.year

    @property
    def has_budget(self) -> bool:
        return any(s.budget for s in self.sasaran)

    @property
    def budget_lines(self) -> list[tuple[int, BudgetLine]]:
        """(sasaran no, line) of every budget line, in master order."""
        return [(s.sasaran.number, b) for s in self.sasaran for b in s.budget]


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
            analyses = {(c.unit, written(split_notes(c.analysis))) for c in r.contributions}
            inds.append(IndicatorView(
                ind, r, (*past, _current(master, ind, r)),
                tuple(UnitText(names.get(unit, unit), parts)
                      for unit, parts in ((c.unit, written(split_notes(c.analysis)))
                                          for c in r.contributions) if parts),
                # a quarter's note that is the unit's Analisis (the year built from the
                # quarters takes TW IV's) is quoted once, as the Analisis
                tuple(UnitText(names.get(u.unit, u.unit), _quarter_parts(u),
                               QUARTER_NAMES[q.period])
                      for q in earlier.quarters for u in q.contributions.get(ind.code, ())
                      if _quarter_parts(u) and (u.unit, _quarter_parts(u)) not in analyses),
            ))
        averages = tuple((f.year, f.record.achievement)
                         for f in earlier.sasaran.get(s.number, ())
                         if f.record.achievement is not None)
        views.append(SasaranView(s, tuple(inds), averages))
        if not budget_complete(s):
            notes.append(f"anggaran sasaran {s.number} belum memuat realisasi setiap "
                         "programnya (hanya pagu): Realisasi Anggaran mencetak realisasinya "
                         "\"-\" dan efisiensi sasaran itu tidak dianalisis; isi realisasi "
                         "di master")
    if any(s.budget for s in master.sasaran):
        bare = [str(s.number) for s in master.sasaran if not s.budget]
        if bare:
            notes.append(f"sasaran {', '.join(bare)} tanpa anggaran di master: Realisasi "
                         "Anggaran menyebutnya dan menyisakan isian untuk Sekretariat")
    else:
        notes.append("master tidak memuat anggaran sasaran mana pun: Realisasi Anggaran "
                     "dicetak sebagai isian untuk Sekretariat (tulis anggaran: [{program, "
                     "pagu, realisasi}] di tiap sasaran)")
    if earlier.source:  # a history was read: its PK in force, or none recorded
        notes += pk_notes(master, earlier.pk)
    years = sorted({p.year for s in views for v in s.indicators for p in v.points}
                   | {year for s in views for year, _ in s.past_averages})
    if master.agency.year not in years:
        years.append(master.agency.year)
    return Chapter(master, results, tuple(years), tuple(views), tuple(notes), earlier.pk)


def pk_notes(master: Master, pk: PkRevision | None) -> list[str]:
    """What the CLI says about the Perjanjian Kinerja the chapter measures against: none
    recorded, or one whose targets are not the master's (the chapter measures the master's
    targets, the report's)."""
    if pk is None:
        return [f"Perjanjian Kinerja tahun {master.agency.year} belum tercatat di riwayat; "
                "Bab III menyebut target master sebagai target Perjanjian Kinerja (catat PK "
                "dengan `iku pk`)"]
    ours = {t.code: t for t in targets_of(master)}
    theirs = {t.code: t for t in pk.targets}
    differ = [f"{code}: PK {target_text(theirs[code], True)}, master "
              f"{target_text(ours[code], True)}"
              for code in ours if code in theirs
              and target_text(theirs[code]) != target_text(ours[code])]
    differ += [f"{code}: tidak ada di PK" for code in ours if code not in theirs]
    if not differ:
        return []
    return ["target di master berbeda dengan Perjanjian Kinerja yang berlaku di riwayat ("
            + "; ".join(differ) + "); Bab III mengukur dengan target master: bila target "
            "memang berubah, catat PK Perubahan dengan `iku pk --perubahan`"]


def budget_complete(s: Sasaran) -> bool:
    """Every budget line of ``s`` has its realisasi (a sasaran without a budget is)."""
    return all(b.spent is not None for b in s.budget)


def _quarter_parts(u) -> tuple[tuple[str, str], ...]:
    """What a unit wrote in a quarter's workbook: its Kendala and Tindak lanjut (and a
    Catatan, for rounds recorded before quarterly workbooks had those columns)."""
    return written((("Kendala", getattr(u, "obstacles", "")),
                    ("Tindak lanjut", getattr(u, "follow_up", "")), ("", u.note)))


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

