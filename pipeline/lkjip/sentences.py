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

Wording (issue 21): names are quoted “…” (``quoted``), as Indonesian documents quote; a
difference of two percentages is said in "poin persen" (``amount``); whether a target is
met is said apart from the predikat, which grades the capaian on the agency's scale, so
that "Sangat Baik" beside "belum tercapai" never reads as a contradiction.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..annual.texts import fmt_target
from ..compute import IndicatorResult, Status
from ..domain import numfmt
from ..domain.kinds import MET, NA, NOT_MET
from ..domain.master import (
    BudgetLine,
    Indicator,
    Master,
    NegativeRule,
    Polarity,
    Settings,
    Target,
)
from ..domain.numfmt import fmt_number, fmt_percent, fmt_value, rounded
from .model import IndicatorView, SasaranView, YearPoint

DEFAULT_SETTINGS = Settings()  # the agency's printing when a caller has no master

HUNDRED = Decimal(100)
STATUS_TEXT = {"belum diisi": "belum diisi", "tidak sah": "tidak sah"}


def slot(what: str) -> str:
    """A marked paragraph for the secretariat to write (never filled by the program)."""
    return f"[Diisi Sekretariat: {what}]"


def quoted(name: str) -> str:
    """A name in a sentence, quoted as Indonesian documents quote: “…”."""
    return f"\u201c{name}\u201d"


def lower_is_better(ind: Indicator, final: bool = False) -> bool:
    """The indicator's capaian rises as its realisasi falls: negative polarity, scored by a
    rule other than R/T (an indicator scored R/T is worded as its capaian reads, higher
    is better; ``final``: its rule against the Target Akhir)."""
    rule = ind.final_rule if final else ind.rule
    return ind.polarity == Polarity.NEGATIVE and rule != NegativeRule.R_OVER_T


def polarity_words(ind: Indicator, final: bool = False) -> str:
    """"makin tinggi makin baik" / "makin rendah makin baik"."""
    return f"makin {'rendah' if lower_is_better(ind, final) else 'tinggi'} makin baik"


def count_words(n: int) -> str:
    """A count as a sentence writes it: in words up to ten ("dua"), else in figures."""
    return "satu" if n == 1 else NUMBER_WORDS.get(n, str(n))


def program_name(name: str) -> str:
    """A program as a sentence names it: “Program X”, or program “X” when its name does
    not say it is one."""
    name = name.strip()
    return quoted(name) if name.casefold().startswith("program") else f"program {quoted(name)}"


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


def bare_target(ind: Indicator, shown: Shown) -> str:
    """This year's target without its satuan (the table's Satuan column holds it)."""
    return numfmt.fmt_target(ind.target, "", ind.target_places, fixed=ind.fixed_target)


def bare_realisation(ind: Indicator, p: YearPoint, shown: Shown) -> str:
    """A year's realisasi without its satuan, as ``shown_point`` prints it otherwise."""
    if p.status != "ok" or p.label is not None or p.unit_of_measure is not None:
        return shown.realisation
    return ind.number_text(p.realisation)


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
    name = quoted(ind.renstra_title)
    if lower_is_better(ind):
        name += f" ({polarity_words(ind)})"
    year = master.agency.year
    if r.status != Status.OK:
        return (f"Realisasi indikator {name} tahun {year} belum dapat dihitung "
                f"({r.status.value}); capaiannya belum dapat dinilai.")
    opening = f"Indikator {name} ditargetkan {s.target} dan terealisasi {s.realisation}"
    if s.met is not None:
        return f"{opening}: target {'tercapai' if s.met else 'belum tercapai'}."
    if s.value is None:
        return (f"Target indikator {name} tahun {year} belum ditetapkan (NA); realisasinya "
                f"{s.realisation}, sehingga capaiannya tidak dihitung.")
    if s.value >= HUNDRED:
        grade = f" (predikat {r.grade})" if r.grade else ""
        verdict = "target terlampaui" if s.value > HUNDRED else "target tercapai"
        return f"{opening}, sehingga capaiannya {s.achievement}{grade}: {verdict}."
    # below target: the verdict first, then the predikat as what it is, a grade of the
    # capaian on the agency's scale (a high grade beside "belum tercapai" is no contradiction)
    grade = (f"; menurut skala predikat, capaian {s.achievement} termasuk {r.grade}"
             if r.grade else "")
    return (f"{opening}, sehingga capaiannya {s.achievement} dan target belum tercapai"
            f"{grade}.")


NUMBER_WORDS = {2: "dua", 3: "tiga", 4: "empat", 5: "lima", 6: "enam", 7: "tujuh",
                8: "delapan", 9: "sembilan", 10: "sepuluh"}
COUNT_WORDS = {2: "kedua", 3: "ketiga", 4: "keempat", 5: "kelima", 6: "keenam",
               7: "ketujuh", 8: "kedelapan", 9: "kesembilan", 10: "kesepuluh"}


def measurement_summary(master: Master, views: list[IndicatorView], average: str,
                        average_grade: str) -> list[str]:
    """How many indicators exceeded, met or missed their target, and the year's overall
    verdict: the predikat of the average capaian (the agency's scale)."""
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
    parts = [(n, what) for what, n in counts.items() if n]
    if na:
        parts.append((na, "bertarget NA (capaiannya tidak dihitung)"))
    if missing:
        parts.append((missing, "belum dapat dihitung"))
    total = len(views)
    if len(parts) == 1:
        what = parts[0][1]
        if total == 1:
            out = [f"Satu-satunya indikator kinerja {what}."]
        elif total in COUNT_WORDS:
            out = [f"{COUNT_WORDS[total].capitalize()} indikator kinerja {what}."]
        else:
            out = [f"Seluruh indikator kinerja ({total} indikator) {what}."]
    else:
        out = [f"Dari {total} indikator kinerja, " + join([f"{n} {what}" for n, what in parts])
               + "."]
    if average != "-":
        grade = f" dapat dikategorikan {average_grade}, dengan" if average_grade else ""
        out.append(f"Secara umum, capaian kinerja {master.agency.name} tahun "
                   f"{master.agency.year}{grade or ' memiliki'} rata-rata capaian seluruh "
                   f"indikator sebesar {average}.")
    return out


def join(parts: list[str], sep: str = ", ", last: str = " dan ") -> str:
    """"a, b dan c"."""
    if len(parts) <= 1:
        return "".join(parts)
    return sep.join(parts[:-1]) + last + parts[-1]


def amount(ind: Indicator, diff: Decimal | float) -> str:
    """A difference of two printed values in the indicator's unit; of two percentages, in
    "poin persen" (11,76 poin persen, never 11,76%)."""
    if ind.unit_of_measure.strip() == "%":
        return f"{fmt_number(diff)} poin persen"
    return fmt_value(diff, ind.unit_of_measure, decimals=ind.decimals,
                     fixed=ind.fixed_realisation)


# --- 2. against earlier years -------------------------------------------------------------------


def against_years(master: Master, view: IndicatorView) -> list[str]:
    """The indicator against its earlier years: its % capaian, wherever one was recorded,
    then its realisasi, wherever the same figure was (``comparable``), then the years
    measured otherwise (``not_comparable``)."""
    ind, year = view.indicator, master.agency.year
    name = quoted(ind.renstra_title)
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
        return [f"Capaian indikator {name} pada tahun-tahun sebelumnya belum tercatat, "
                "sehingga belum dapat dibandingkan."]
    last = before[-1]
    if now.value is None:
        why = "belum dapat dihitung" if view.result.status != Status.OK else \
            "tidak dihitung (target NA)"
        return [f"Capaian indikator {name} tahun {year} {why}; capaian tahun {last.year} "
                f"sebesar {last.achievement}.", *realised]
    if now.value == last.value:
        out = [f"Capaian indikator {name} tahun {year} sebesar {now.achievement}, sama dengan "
               f"capaian tahun {last.year}."]
    else:
        way = "meningkat" if now.value > last.value else "menurun"
        out = [f"Capaian indikator {name} tahun {year} sebesar {now.achievement}, {way} "
               f"{points(now.value, last.value)} poin persen dibandingkan dengan tahun "
               f"{last.year} ({last.achievement})."]
    series = [*before, now]
    if len(series) >= 3:
        high = max(series, key=lambda s: (s.value, s.year))
        low = min(series, key=lambda s: (s.value, -s.year))
        out.append(f"Dalam {count_words(len(series))} tahun yang tercatat "
                   f"({series[0].year}–{year}), capaian tertinggi sebesar {high.achievement} "
                   f"pada tahun {high.year} dan terendah {low.achievement} pada tahun "
                   f"{low.year}.")
    return out + realised + other


def not_comparable(view: IndicatorView) -> str:
    """The sentence for the earlier years in which the indicator was measured differently
    (its kind, unit or formula changed since): they are not compared; "" when none."""
    points = [p for p in view.points[:-1] if p.changed]
    if not points:
        return ""
    years = join([str(p.year) for p in points])
    latest = points[-1]
    return (f"Pada tahun {years} indikator {quoted(view.indicator.renstra_title)} diukur "
            f"dengan cara yang berbeda ({latest.changed}), sehingga angkanya tidak dapat "
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
        better = (a > b) != lower_is_better(ind)
        out.append(f"Realisasi indikator {name} {'naik' if a > b else 'turun'} dari "
                   f"{last.realisation} pada tahun {last.year} menjadi {now.realisation} pada "
                   f"tahun {now.year}; bagi indikator yang {polarity_words(ind)}, hal ini "
                   f"menunjukkan kinerja yang {'membaik' if better else 'memburuk'}.")
    if len(earlier) >= 2:
        listed = [f"{s.realisation} ({s.year})" for _, s in [*earlier, (now_point, now)]]
        out.append(f"Realisasi yang tercatat berturut-turut: {join(listed)}.")
    return out


def sasaran_years(master: Master, view: SasaranView, average: str) -> str:
    """A sasaran's average % capaian over the years its history gives only that
    (imported), then this year's."""
    if not view.past_averages:
        return ""
    parts = [f"{master.settings.percent(v)} pada tahun {y}" for y, v in view.past_averages]
    parts.append(f"{average} pada tahun {master.agency.year}")
    return f"Rata-rata capaian sasaran ini sebesar {join(parts)}."


# --- 3. against the Target Akhir Renstra/RPJMD -------------------------------------------------


@dataclass(frozen=True)
class FinalShown:
    final_target: str
    realisation: str
    final_achievement: str
    remaining: str  # what is left to reach it, or "tercapai"
    sentence: str


def against_final(master: Master, view: IndicatorView) -> FinalShown:
    """The realisasi against the Target Akhir. The share of the target akhir reached is said
    for a higher-is-better indicator only: for a lower-is-better one a percentage "of the
    target" means nothing, so the sentence says how far above it the realisasi still is."""
    ind, r, year = view.indicator, view.result, master.agency.year
    name = quoted(ind.renstra_title)
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
    if ind.rules.labelled:
        reached = gap is None
        return FinalShown(final, s.realisation, fa, "tercapai" if reached else "belum tercapai",
                          f"Target akhir Renstra/RPJMD indikator {name} adalah {final}; "
                          f"realisasi tahun {year} ({s.realisation}) "
                          f"{'telah' if reached else 'belum'} memenuhi target akhir tersebut.")
    if lower_is_better(ind, final=True):
        opening = (f"Target akhir Renstra/RPJMD indikator {name} ({polarity_words(ind, True)}) "
                   "adalah "
                   f"{final}; realisasi tahun {year} sebesar {s.realisation}")
        if gap is None:
            return FinalShown(final, s.realisation, fa, "tercapai",
                              opening + " tidak melebihi target akhir tersebut, sehingga target "
                              "akhir telah tercapai.")
        return FinalShown(final, s.realisation, fa, gap,
                          opening + f"; untuk mencapainya, realisasi masih perlu diturunkan "
                          f"{gap}.")
    share = f" atau {fa} dari target akhir tersebut" if fa != s.realisation else ""
    opening = (f"Target akhir Renstra/RPJMD indikator {name} adalah {final}; realisasi tahun "
               f"{year} sebesar {s.realisation}{share}")
    if gap is None:
        return FinalShown(final, s.realisation, fa, "tercapai",
                          opening + ", sehingga target akhir telah tercapai.")
    return FinalShown(final, s.realisation, fa, gap,
                      opening + f"; untuk mencapainya, realisasi masih perlu ditingkatkan {gap}.")


def _gap(ind: Indicator, target: Target, r: IndicatorResult) -> str | None:
    """What is left between the printed realisasi and the printed target (akhir), in the
    indicator's unit ("poin persen" for a percentage); None when reached."""
    if ind.rules.labelled:
        return None if (r.final_achievement or 0) >= 100 else "belum tercapai"
    real = ind.printed_decimal(r.realisation)
    number = ind.target_number(target)  # a threshold's bound
    low, high = number if isinstance(number, tuple) else (number, number)
    low, high = rounded(low, ind.target_places), rounded(high, ind.target_places)
    if lower_is_better(ind, final=True):
        diff = real - high if real > high else None
    else:
        diff = low - real if real < low else None
    if diff is None or diff == 0:
        return None
    return amount(ind, diff)


# --- 4. against a national or provincial standard ---------------------------------------------


def against_standard(master: Master, view: IndicatorView) -> tuple[str, str, str]:
    """(realisasi, standard, sentence) as printed."""
    ind, r = view.indicator, view.result
    name = quoted(ind.renstra_title)
    std = ind.value_text(ind.standard)
    s = shown_current(view, master.settings)
    source = ind.standard_source
    if r.status != Status.OK or r.realisation is None:
        return s.realisation, std, (f"Realisasi indikator {name} belum dapat dibandingkan "
                                    f"dengan standar {std} ({source}).")
    real, bar = ind.printed_decimal(r.realisation), ind.printed_decimal(ind.standard)
    diff = amount(ind, abs(real - bar))
    better_high = not lower_is_better(ind)
    if real == bar:
        return s.realisation, std, (f"Realisasi indikator {name} sebesar {s.realisation}, sama "
                                    f"dengan standar {std} menurut {source}, sehingga "
                                    "memenuhi standar.")
    if real > bar:
        where = f"{diff} di atas standar {std}"
        judged = "lebih baik daripada standar" if better_high else "belum memenuhi standar"
    else:
        where = f"{diff} di bawah standar {std}"
        judged = "belum memenuhi standar" if better_high else "lebih baik daripada standar"
    return s.realisation, std, (f"Realisasi indikator {name} sebesar {s.realisation}, {where} "
                                f"menurut {source}; bagi indikator yang {polarity_words(ind)}, "
                                f"realisasi ini {judged}.")


# --- 6. efficiency, 7. programs, and B. budget ------------------------------------------------


def money(x: float | Decimal) -> str:
    return fmt_number(x)


def absorption(spent: float, ceiling: float) -> float:
    return spent / ceiling * 100


def budget_total(lines: tuple[BudgetLine, ...] | list[BudgetLine]) -> tuple[float, float]:
    """(pagu, realisasi) of ``lines``; the realisasi of the lines that have one."""
    return (sum(b.ceiling for b in lines), sum(b.spent for b in lines if b.spent is not None))


def efficiency(view: SasaranView, average: str, settings: Settings = DEFAULT_SETTINGS) -> str:
    ceiling, spent = budget_total(view.budget)
    used = fmt_percent(absorption(spent, ceiling))
    opening = (f"Anggaran sasaran ini terserap {used} (Rp{money(spent)} dari pagu "
               f"Rp{money(ceiling)})")
    if average == "-":
        return opening + ", sedangkan rata-rata capaian indikatornya belum dapat dihitung."
    a, b = settings.printed_percent(view.average_achievement), rounded(absorption(spent, ceiling))
    if a == b:
        compare = "sama dengan penyerapan anggarannya"
    else:
        compare = (f"atau {points(a, b)} poin persen lebih {'tinggi' if a > b else 'rendah'} "
                   "daripada penyerapan anggarannya")
    return opening + f", sedangkan rata-rata capaian indikatornya {average}, {compare}."


def programs_text(lines: tuple[BudgetLine, ...] | list[BudgetLine]) -> str:
    """The programs a sasaran's budget names, with their pagu (and realisasi): the
    programs behind its result (item 7); "" when its lines name none."""
    named = [b for b in lines if b.program.strip()]
    if not named:
        return ""
    parts = []
    for b in named:
        spent = (f", terealisasi Rp{money(b.spent)} atau "
                 f"{fmt_percent(absorption(b.spent, b.ceiling))}" if b.spent is not None else "")
        parts.append(f"{program_name(b.program)} (pagu Rp{money(b.ceiling)}{spent})")
    if len(parts) == 1:
        return f"Sasaran ini didukung oleh {parts[0]} dalam Perjanjian Kinerja."
    return (f"Sasaran ini didukung oleh {count_words(len(parts))} program dalam Perjanjian "
            f"Kinerja, yaitu {join(parts, '; ', '; dan ')}.")


def budget_summary(lines: list[tuple[int, BudgetLine]]) -> str:
    """The budget's total, when every line has its realisasi; otherwise which lines lack
    it (their absorption, and the total's, cannot be computed yet). ``lines``: (sasaran
    no, line)."""
    ceiling, spent = budget_total([b for _, b in lines])
    missing = [(n, b) for n, b in lines if b.spent is None]
    if missing:
        names = join([program_name(b.program) if b.program.strip()
                      else f"anggaran sasaran {n}" for n, b in missing])
        return (f"Pagu anggaran seluruh program sebesar Rp{money(ceiling)}; realisasi "
                f"{names} belum tersedia, sehingga persentase penyerapan anggaran secara "
                "keseluruhan belum dapat dihitung.")
    left = rounded(ceiling) - rounded(spent)
    rest = f", sehingga terdapat sisa anggaran Rp{money(left)}" if left else ""
    return (f"Dari pagu anggaran seluruh program sebesar Rp{money(ceiling)}, terealisasi "
            f"Rp{money(spent)} atau {fmt_percent(absorption(spent, ceiling))}{rest}.")
