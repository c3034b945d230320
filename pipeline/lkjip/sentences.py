"""The sentences that frame the chapter's numbers, generated from the data in plain
Indonesian, and the one place that decides how a figure prints.

Rules (a test re-derives every number of every sentence from the chapter's tables):

* every figure in a sentence is printed by the same function as its table cell
  (``shown_point``, ``budget_text`` …, all through ``pipeline.numfmt``), so a sentence
  never says 87,46% where the table says 87,5%;
* a derived figure (the change in points against an earlier year, the gap to the Target
  Akhir, the distance to a standard, the budget left unspent, capaian against absorption)
  is computed from the *printed* (rounded) values, so a reader who subtracts the table's
  numbers gets the sentence's number; it is never computed from unrounded values;
* the wording of a comparison follows the printed values (a capaian printed as 100% has
  "mencapai target" even when it was 99,996% before rounding);
* what needs a person's judgement (why a target was missed, what to do next, what a
  budget remainder means) is never written here: the context puts a marked slot
  ``[Diisi Sekretariat: …]`` in its place.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..annual.texts import fmt_target
from ..compute import IndicatorResult, Status
from ..domain import numfmt
from ..domain.kinds import MET, NA, NOT_MET
from ..domain.master import BudgetLine, Indicator, Master, Polarity, Settings, Target
from ..domain.numfmt import fmt_number, fmt_percent, fmt_value, rounded
from .model import IndicatorView, SasaranView, YearPoint

DEFAULT_SETTINGS = Settings()  # the agency's printing when a caller has no master

HUNDRED = Decimal(100)
STATUS_TEXT = {"belum diisi": "belum diisi", "tidak sah": "tidak sah"}


def slot(what: str) -> str:
    """A marked paragraph for the secretariat to write (never filled by the program)."""
    return f"[Diisi Sekretariat: {what}]"


# --- how figures print ----------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """One year's figures of one indicator as printed, with the printed % capaian as a
    number (None when none is printed)."""

    year: int
    target: str
    realisation: str
    achievement: str
    value: Decimal | None  # the printed % capaian, rounded as printed
    met: bool | None = None  # a status: its target met or not (printed Tercapai / Tidak …)

    @property
    def verdict(self) -> str:
        """"melampaui target" / "mencapai target" / "belum mencapai target"."""
        if self.met is not None:
            return "mencapai target" if self.met else "belum mencapai target"
        if self.value is None:
            return ""
        if self.value > HUNDRED:
            return "melampaui target"
        return "mencapai target" if self.value == HUNDRED else "belum mencapai target"


def shown_point(ind: Indicator, p: YearPoint, capped: bool = False,
                settings: Settings = DEFAULT_SETTINGS) -> Shown:
    """A year's figures as printed: the realisasi with the indicator's decimals and
    rounding, or in the unit recorded that year when the indicator was measured
    differently then (``YearPoint.changed``); % capaian with the agency's decimals
    (``settings``); a status as Tercapai / Tidak tercapai."""
    unit = p.unit_of_measure if p.unit_of_measure is not None else ind.unit_of_measure
    target = (_target(ind, p.target) if p.unit_of_measure is None else
              numfmt.fmt_target(p.target, unit, ind.decimals))
    if p.status != "ok":
        missing = f"({STATUS_TEXT.get(p.status, p.status)})"
        return Shown(p.year, target, missing, missing, None)
    if p.label is not None:
        real = p.label
    else:
        real = (ind.value_text(p.realisation) if p.unit_of_measure is None else
                fmt_value(p.realisation, unit, decimals=ind.decimals))
    if p.met is not None:
        return Shown(p.year, target, real, MET if p.met else NOT_MET, None, p.met)
    if p.achievement is None:
        achievement = NA if p.target == NA else "-"
        return Shown(p.year, target, real, achievement, None)
    return Shown(p.year, target, real,
                 settings.percent(p.achievement) + ("*" if capped else ""),
                 settings.printed_percent(p.achievement))


def shown_current(view: IndicatorView, settings: Settings = DEFAULT_SETTINGS) -> Shown:
    return shown_point(view.indicator, view.current, view.result.capped, settings)


def _target(ind: Indicator, target: Target | None) -> str:
    return fmt_target(ind, target)


def points(a: Decimal, b: Decimal) -> str:
    return fmt_number(abs(a - b))


def grade_text(master: Master, value: Decimal | None, r: IndicatorResult | None = None) -> str:
    """The predikat cell of the chapter's table: the status of a figure that is not
    there, the computed predikat, or the scale's predikat of a shown value."""
    if r is not None and r.status != Status.OK:
        return f"({r.status.value})"
    if r is not None:
        return r.grade or "-"
    return master.settings.grade_of(float(value)) if value is not None else "-"


# --- 1. this year against the target ------------------------------------------------------------


def this_year(master: Master, view: IndicatorView) -> str:
    ind, r, s = view.indicator, view.result, shown_current(view, master.settings)
    name = f"«{ind.renstra_title}»"
    if r.status != Status.OK:
        return (f"Realisasi indikator {name} tahun {master.agency.year} belum dapat dihitung "
                f"({r.status.value}); capaiannya belum dapat dinilai.")
    if s.met is not None:
        return (f"Indikator {name} ditargetkan {s.target} dan terealisasi {s.realisation}: "
                f"target {'tercapai' if s.met else 'belum tercapai'}.")
    if s.value is None:
        return (f"Target indikator {name} tahun {master.agency.year} belum ditetapkan (NA); "
                f"realisasinya {s.realisation}, sehingga % capaian tidak dihitung.")
    grade = f" dengan predikat {r.grade}" if r.grade else ""
    return (f"Indikator {name} ditargetkan {s.target} dan terealisasi {s.realisation}, "
            f"sehingga capaiannya {s.achievement}{grade}: {s.verdict}.")


def measurement_summary(master: Master, views: list[IndicatorView], average: str,
                        average_grade: str) -> list[str]:
    counts = {"melampaui target": 0, "mencapai target": 0, "belum mencapai target": 0}
    na = missing = 0
    for v in views:
        s = shown_current(v, master.settings)
        if v.result.status != Status.OK:
            missing += 1
        elif s.value is None and s.met is None:
            na += 1
        else:
            counts[s.verdict] += 1
    parts = [f"{n} indikator {what}" for what, n in counts.items() if n]
    if na:
        parts.append(f"{na} indikator bertarget NA (capaian tidak dihitung)")
    if missing:
        parts.append(f"{missing} indikator belum dapat dihitung")
    out = [f"Dari {len(views)} indikator kinerja, " + join(parts) + "."]
    if average != "-":
        grade = f" dengan predikat {average_grade}" if average_grade else ""
        out.append(f"Rata-rata capaian seluruh indikator tahun {master.agency.year} sebesar "
                   f"{average}{grade}.")
    return out


def join(parts: list[str], sep: str = ", ", last: str = " dan ") -> str:
    """"a, b dan c"."""
    if len(parts) <= 1:
        return "".join(parts)
    return sep.join(parts[:-1]) + last + parts[-1]


# --- 2. against earlier years -------------------------------------------------------------------


def against_years(master: Master, view: IndicatorView) -> list[str]:
    """The indicator against its earlier years: its % capaian, wherever one was recorded,
    then its realisasi, wherever the same figure was (``comparable``), then the years
    measured otherwise (``not_comparable``)."""
    ind, year = view.indicator, master.agency.year
    name = f"«{ind.renstra_title}»"
    shown = [shown_point(ind, p, view.result.capped and p.source == "isian", master.settings)
             for p in view.points]
    realised = realisation_years(ind, name, view.points, shown)
    now = shown[-1]
    before = [s for s, p in zip(shown[:-1], view.points[:-1], strict=True)
              if s.value is not None and not p.changed]
    other = [text for text in (not_comparable(view),) if text]
    if not before:
        if realised or other:
            return realised + other
        return [f"Indikator {name} belum memiliki capaian tahun sebelumnya dalam riwayat."]
    last = before[-1]
    if now.value is None:
        why = "belum dapat dihitung" if view.result.status != Status.OK else \
            "tidak dihitung (target NA)"
        return [f"Capaian indikator {name} tahun {year} {why}; capaian tahun {last.year} "
                f"sebesar {last.achievement}.", *realised]
    if now.value > last.value:
        change = f"atau meningkat {points(now.value, last.value)} poin dibanding"
    elif now.value < last.value:
        change = f"atau menurun {points(now.value, last.value)} poin dibanding"
    else:
        change = ", sama dengan capaian"
    out = [f"Capaian indikator {name} tahun {year} sebesar {now.achievement}"
           f"{'' if change.startswith(',') else ' '}{change} tahun {last.year} "
           f"({last.achievement})."]
    series = [*before, now]
    if len(series) >= 3:
        high = max(series, key=lambda s: (s.value, s.year))
        low = min(series, key=lambda s: (s.value, -s.year))
        out.append(f"Selama {len(series)} tahun yang tercatat ({series[0].year}–{year}), "
                   f"capaian tertinggi {high.achievement} (tahun {high.year}) dan terendah "
                   f"{low.achievement} (tahun {low.year}).")
    return out + realised + other


def not_comparable(view: IndicatorView) -> str:
    """The sentence for the earlier years in which the indicator was measured differently
    (its kind, unit or formula changed since): they are not compared; "" when none."""
    points = [p for p in view.points[:-1] if p.changed]
    if not points:
        return ""
    years = join([str(p.year) for p in points])
    latest = points[-1]
    return (f"Pada tahun {years} indikator «{view.indicator.renstra_title}» diukur dengan "
            f"cara yang berbeda ({latest.changed}), sehingga angkanya tidak dapat "
            f"dibandingkan dengan tahun {view.current.year}.")


def comparable(ind: Indicator, p: YearPoint) -> bool:
    """An earlier year's realisasi is the same figure as this year's: a number (not a
    label) of a year in which the indicator was measured as now (``YearPoint.changed``
    empty: the same kind, satuan, polarity and multiplier, as far as recorded)."""
    return (p.status == "ok" and p.label is None and p.realisation is not None
            and not p.changed and not ind.rules.labelled)


def realisation_years(ind: Indicator, name: str, points: tuple[YearPoint, ...],
                      shown: list[Shown]) -> list[str]:
    """The realisasi of this year against the last earlier year that recorded the same
    figure (derived from the printed values), and the recorded series when it has three
    years or more (the years measured otherwise are said by ``not_comparable``)."""
    now_point, now = points[-1], shown[-1]
    if not comparable(ind, now_point):
        return []
    earlier = [(p, s) for p, s in zip(points[:-1], shown[:-1], strict=True)
               if comparable(ind, p)]
    out = []
    if not earlier:
        return []
    last_point, last = earlier[-1]
    a, b = ind.printed_decimal(now_point.realisation), ind.printed_decimal(last_point.realisation)
    if a == b:
        out.append(f"Realisasi indikator {name} tahun {now.year} ({now.realisation}) sama "
                   f"dengan tahun {last.year}.")
    else:
        better = (a > b) == (ind.polarity == Polarity.POSITIVE)
        out.append(f"Realisasi indikator {name} {'naik' if a > b else 'turun'} dari "
                   f"{last.realisation} pada tahun {last.year} menjadi {now.realisation} pada "
                   f"tahun {now.year} ({'membaik' if better else 'memburuk'}: makin "
                   f"{'tinggi' if ind.polarity == Polarity.POSITIVE else 'rendah'} makin "
                   "baik).")
    if len(earlier) >= 2:
        listed = "; ".join(f"{s.year} {s.realisation}" for _, s in [*earlier, (now_point, now)])
        out.append(f"Realisasi yang tercatat: {listed}.")
    return out


def sasaran_years(master: Master, view: SasaranView, average: str) -> str:
    """A sasaran's average % capaian over the years its history gives only that
    (imported), then this year's."""
    if not view.past_averages:
        return ""
    parts = [f"tahun {y} {master.settings.percent(v)}" for y, v in view.past_averages]
    parts.append(f"tahun {master.agency.year} {average}")
    return f"Rata-rata capaian sasaran ini: {'; '.join(parts)}."


# --- 3. against the Target Akhir Renstra/RPJMD -------------------------------------------------


@dataclass(frozen=True)
class FinalShown:
    final_target: str
    realisation: str
    final_achievement: str
    remaining: str  # what is left to reach it, or "tercapai"
    sentence: str


def against_final(master: Master, view: IndicatorView) -> FinalShown:
    ind, r, year = view.indicator, view.result, master.agency.year
    name = f"«{ind.renstra_title}»"
    final = fmt_target(ind, ind.final_target)
    s = shown_current(view, master.settings)
    if ind.final_target == NA:
        return FinalShown(final, s.realisation, NA, "-",
                          f"Target akhir Renstra/RPJMD indikator {name} belum ditetapkan (NA).")
    if r.status != Status.OK:
        return FinalShown(final, s.realisation, "-", "-",
                          f"Realisasi indikator {name} tahun {year} belum dapat dibandingkan "
                          f"dengan target akhir Renstra/RPJMD ({final}).")
    fa = master.settings.percent(r.final_achievement)
    if ind.rules.met_only:
        fa = MET if (r.final_achievement or 0) >= 100 else NOT_MET
    gap = _gap(ind, ind.final_target, r)
    opening = (f"Target akhir Renstra/RPJMD indikator {name} adalah {final}; realisasi tahun "
               f"{year} ({s.realisation}) setara {fa} dari target akhir")
    if gap is None:
        return FinalShown(final, s.realisation, fa, "tercapai",
                          opening + ", sehingga target akhir telah tercapai.")
    verb = "diturunkan" if ind.polarity == Polarity.NEGATIVE else "ditingkatkan"
    if ind.rules.labelled:
        return FinalShown(final, s.realisation, fa, "belum tercapai",
                          opening + ", sehingga target akhir belum tercapai.")
    return FinalShown(final, s.realisation, fa, gap,
                      opening + f"; untuk mencapainya realisasi masih perlu {verb} {gap}.")


def _gap(ind: Indicator, target: Target, r: IndicatorResult) -> str | None:
    """What is left between the printed realisasi and the printed target (akhir), in the
    indicator's unit; None when reached."""
    if ind.rules.labelled:
        return None if (r.final_achievement or 0) >= 100 else "belum tercapai"
    real = ind.printed_decimal(r.realisation)
    number = ind.target_number(target)  # a threshold's bound
    low, high = number if isinstance(number, tuple) else (number, number)
    low, high = rounded(low, ind.target_places), rounded(high, ind.target_places)
    if ind.polarity == Polarity.NEGATIVE:
        diff = real - high if real > high else None
    else:
        diff = low - real if real < low else None
    if diff is None or diff == 0:
        return None
    return fmt_value(diff, ind.unit_of_measure, decimals=ind.decimals,
                     fixed=ind.fixed_realisation)


# --- 4. against a national or provincial standard ---------------------------------------------


def against_standard(master: Master, view: IndicatorView) -> tuple[str, str, str]:
    """(realisasi, standard, sentence) as printed."""
    ind, r = view.indicator, view.result
    name = f"«{ind.renstra_title}»"
    std = ind.value_text(ind.standard)
    s = shown_current(view, master.settings)
    source = ind.standard_source
    if r.status != Status.OK or r.realisation is None:
        return s.realisation, std, (f"Realisasi indikator {name} belum dapat dibandingkan "
                                    f"dengan standar {std} ({source}).")
    real, bar = ind.printed_decimal(r.realisation), ind.printed_decimal(ind.standard)
    diff = ind.value_text(abs(real - bar))
    better_high = ind.polarity == Polarity.POSITIVE
    if real == bar:
        where = "sama dengan standar"
        judged = "memenuhi standar"
    elif real > bar:
        where = f"berada {diff} di atas standar"
        judged = "lebih baik dari standar" if better_high else "belum memenuhi standar"
    else:
        where = f"berada {diff} di bawah standar"
        judged = "belum memenuhi standar" if better_high else "lebih baik dari standar"
    return s.realisation, std, (f"Realisasi indikator {name} ({s.realisation}) {where} "
                                f"{std} menurut {source}: {judged}.")


# --- 6. efficiency, and B. budget -----------------------------------------------------------------


def money(x: float | Decimal) -> str:
    return fmt_number(x)


def absorption(spent: float, ceiling: float) -> float:
    return spent / ceiling * 100


def budget_total(lines: tuple[BudgetLine, ...] | list[BudgetLine]) -> tuple[float, float]:
    return sum(b.ceiling for b in lines), sum(b.spent for b in lines)


def efficiency(view: SasaranView, average: str, settings: Settings = DEFAULT_SETTINGS) -> str:
    ceiling, spent = budget_total(view.budget)
    used = fmt_percent(absorption(spent, ceiling))
    opening = (f"Anggaran sasaran ini terserap {used} (Rp{money(spent)} dari pagu "
               f"Rp{money(ceiling)})")
    if average == "-":
        return opening + ", sedangkan rata-rata capaian indikatornya belum dapat dihitung."
    a, b = settings.printed_percent(view.average_achievement), rounded(absorption(spent, ceiling))
    if a > b:
        compare = f"capaian {points(a, b)} poin lebih tinggi daripada penyerapan anggaran"
    elif a < b:
        compare = f"capaian {points(a, b)} poin lebih rendah daripada penyerapan anggaran"
    else:
        compare = "capaian sama dengan penyerapan anggaran"
    return opening + f", dengan rata-rata capaian indikator {average}: {compare}."


def budget_summary(lines: list[BudgetLine]) -> str:
    ceiling, spent = budget_total(lines)
    left = rounded(ceiling) - rounded(spent)
    rest = f", sehingga sisa anggaran Rp{money(left)}" if left else ""
    return (f"Dari pagu anggaran seluruh sasaran Rp{money(ceiling)}, terealisasi "
            f"Rp{money(spent)} atau {fmt_percent(absorption(spent, ceiling))}{rest}.")
