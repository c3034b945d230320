"""Everything the Word template shows, already worded and formatted.

``build_context(master, results)`` returns a plain dict of strings, lists and dicts; the
template does no arithmetic and no formatting, so what the report says is decided (and
tested) here. docs/TEMPLATE.md lists every key. How a kind of indicator prints (its
equation, worked example and values) comes from ``pipeline.kinds``.

Three values are not plain text:

* ``MERGE_UP`` fills a table cell that continues the cell above it (an IKU row whose
  ``alasan`` / ``sumber_data`` is omitted in the master, or the sasaran columns of a
  sasaran's second indicator). ``render`` turns each such cell into a vertical merge
  (``w:vMerge``) with the cell above; the spans are also given as ``*_spans`` lists.
* ``DROP_COLUMN`` is the heading of a column the report leaves out (an optional column
  that is switched off, or that no indicator fills: never a column of placeholders).
  ``render`` removes every such column and gives its width to the text columns.
* ``renstra.rows[].formula`` is a ``Markup`` holding an Office Math (OMML) equation,
  written into the document with ``{{r … }}``.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from ..compute import IndicatorResult, Results, Status, indicator_achievement
from ..domain.kinds import MINUS, NA, SUB1, SUB2, TIMES, Merge
from ..domain.master import (
    AchievementBase,
    ExtraColumn,
    Indicator,
    Master,
    NegativeRule,
    Organisation,
    Polarity,
    Rounding,
)
from ..domain.numfmt import fmt_date, fmt_number, fmt_percent
from ..domain.thresholds import parse_threshold
from ..word.columns import MERGE_UP
from .lampiran import history_appendix
from .texts import (
    STATUS_TEXT,
    achievement_text,
    clean,
    fmt_target,
    grade_text,
    header_rows,
    heading,
    letter,
    numbered,
    place_date,
    realisation_text,
    spans,
    split_city,
    value_text,
)

REPORT_TITLE = "INDIKATOR KINERJA UTAMA (IKU)"

def organisation(org: Organisation) -> dict[str, Any]:
    has_reasons = any(row.reason is not None for row in org.iku)
    has_sources = any(row.data_sources is not None for row in org.iku)
    rows = []
    for i, row in enumerate(org.iku):
        if row.reason is not None:
            reason = clean(row.reason)
        else:
            reason = MERGE_UP if i > 0 and has_reasons else ""
        if row.data_sources is not None:
            sources = numbered(row.data_sources)
        else:
            sources = [MERGE_UP if i > 0 and has_sources else ""]
        rows.append({
            "letter": letter(i),
            "description": clean(row.description),
            "reason": reason,
            "sources": sources,
        })
    # "1. Nama Organisasi, 2. Tugas, 3. Fungsi, 4. Indikator": a missing part is left out
    # and the following ones renumbered.
    parts = [("duties", bool(org.duties)), ("functions", bool(org.functions)),
             ("iku", bool(org.iku))]
    num, n = {}, 1
    for key, present in parts:
        n += present
        num[key] = str(n) if present else ""  # every key always there: a stable shape
    return {
        "name": clean(org.name),
        "duties": clean(org.duties),
        "functions": [
            {"letter": letter(i), "text": clean(f)} for i, f in enumerate(org.functions)
        ],
        "num": num,
        "head": {
            "reason": heading("Alasan", has_reasons),
            "sources": heading("Sumber Data", has_sources),
        },
        "has_sources": has_sources,
        "rows": rows,
        "reason_spans": spans(r.reason is None and i > 0 for i, r in enumerate(org.iku)),
        "source_spans": spans(r.data_sources is None and i > 0 for i, r in enumerate(org.iku))
        if has_sources else [],
    }


# --- Part II: the two achievement tables -------------------------------------------------


def _previous_text(ind: Indicator, results: Results) -> str:
    """Last year's realisasi (Kondisi Awal): a number in its satuan, NA, or a label."""
    value = results.previous.get(ind.code, (None, None))[1]
    if isinstance(value, str) and value != NA:
        return clean(value)
    return value_text(ind, value)


def _result(results: Results, ind: Indicator) -> IndicatorResult:
    return results.indicators.get(ind.code) or IndicatorResult(ind.code, Status.MISSING)


def _sasaran_cells(number: int, description: str, first: bool) -> dict[str, str]:
    if first:
        return {"no": str(number), "sasaran": clean(description)}
    return {"no": MERGE_UP, "sasaran": MERGE_UP}


def _columns(master: Master, results: Results) -> dict[str, bool]:
    """Which optional columns the Capaian tables show."""
    inds = master.indicators
    extra = set(master.settings.extra_columns)
    return {
        "baseline": any(i.has_baseline for i in inds),
        "previous_realisation": ExtraColumn.PREVIOUS_REALISATION in extra,
        "previous": any(p[0] is not None for p in results.previous.values()),
        "grade": ExtraColumn.GRADE in extra,
        "final_target": any(i.final_target is not None for i in inds),
        "final_achievement": ExtraColumn.FINAL_TARGET_ACHIEVEMENT in extra,
        "responsible": any(i.responsible for i in inds),
        "sources": any(i.data_sources for i in inds),
    }


def indicator_texts(master: Master, ind: Indicator, r: IndicatorResult) -> dict[str, str]:
    """What both Capaian tables print for an indicator: its target, realisasi, % capaian
    and predikat."""
    return {
        "target": fmt_target(ind, ind.target),
        "realisation": realisation_text(ind, r),
        "achievement": achievement_text(r, master.settings),
        "grade": grade_text(r),
    }


def capaian_texts(master: Master, results: Results) -> list[dict[str, str]]:
    """``indicator_texts`` of every indicator in table order, worded once for both tables
    (``build_context`` passes them to ``rpjmd_table`` and ``renstra_table``)."""
    return [indicator_texts(master, ind, _result(results, ind)) for ind in master.indicators]


def rpjmd_table(master: Master, results: Results,
                texts: list[dict[str, str]] | None = None) -> dict[str, Any]:
    year, previous_year = master.agency.year, master.agency.year - 1
    show = _columns(master, results)
    percent = master.settings.percent
    shared = iter(capaian_texts(master, results) if texts is None else texts)
    rows = []
    for s in master.sasaran:
        for j, ind in enumerate(s.indicators):
            r = _result(results, ind)
            t = next(shared)
            rows.append(
                {
                    **_sasaran_cells(s.number, s.description, j == 0),
                    "indicator": clean(ind.name),
                    "baseline": value_text(ind, ind.baseline, na=NA),
                    "previous_realisation": _previous_text(ind, results),
                    "previous": percent(results.previous.get(ind.code, (None,))[0]),
                    "target": t["target"],
                    "realisation": t["realisation"],
                    "achievement": t["achievement"],
                    "grade": t["grade"],
                    "final_target": fmt_target(ind, ind.final_target),
                    "final_achievement": percent(r.final_achievement),
                }
            )
    coverage = ""
    if results.averaged < results.total:
        coverage = f"rata-rata dari {results.averaged} dari {results.total} indikator"
    label = "RATA-RATA % CAPAIAN" + (f" ({coverage})" if coverage else "")
    return {
        "head": {
            "baseline": heading("Angka Awal RPJMD", show["baseline"]),
            "previous_realisation": heading(f"Realisasi {previous_year} (Kondisi Awal)",
                                            show["previous_realisation"]),
            "previous": heading(f"% Capaian {previous_year}", show["previous"]),
            "grade": heading("Predikat", show["grade"]),
            "final_target": heading("Target Akhir RPJMD", show["final_target"]),
            "final_achievement": heading("% Capaian thd Target Akhir RPJMD",
                                         show["final_achievement"]),
            "year": str(year),
        },
        "rows": rows,
        "sasaran_spans": _sasaran_spans(master),
        "average": {
            "label": label,
            "coverage": coverage,
            "previous": percent(results.average_previous),
            "achievement": percent(results.average_achievement),
            "grade": master.settings.grade_of(results.average_achievement) or "",
        },
    }


def _sasaran_spans(master: Master) -> list[list[int]]:
    return spans(j > 0 for s in master.sasaran for j in range(len(s.indicators)))


def formula_omml(ind: Indicator) -> Markup:
    """The indicator's equation ``y = …`` as Office Math, from its kind."""
    return Markup(ind.rules.equation(ind))


def worked_example(ind: Indicator, r: IndicatorResult) -> str:
    """The formula with the combined inputs, e.g. "y = 3/4 × 100% = 75%"."""
    if r.status == Status.MISSING:
        return f"y = {STATUS_TEXT[r.status]}"
    if r.x1 is None or (ind.asks_x2 and r.x2 is None):
        return f"y = {STATUS_TEXT[r.status]}"
    if r.realisation is None:
        return (f"y tidak dapat dihitung ({SUB1} = {fmt_number(r.x1)}, {SUB2} = 0) "
                f"{STATUS_TEXT[Status.INVALID]}")
    return clean(ind.rules.worked_example(ind, r.x1, r.x2, r.realisation))


def unit_names(master: Master) -> dict[str, str]:
    """Each unit's name by its code, as the Keterangan column names a unit."""
    return {u.code: clean(u.name) for u in master.units}


def explanation(master: Master, ind: Indicator, r: IndicatorResult,
                names: dict[str, str] | None = None) -> list[str]:
    """The Keterangan lines of an indicator; ``names``: ``unit_names(master)``, computed
    once per table by the caller, else here."""
    lines = [
        worked_example(ind, r),
        f"y = {clean(ind.y_meaning)}",
        f"{SUB1} = {clean(ind.x1_meaning)}",
    ]
    if ind.asks_x2 and ind.x2_meaning:
        lines.append(f"{SUB2} = {clean(ind.x2_meaning)}")
    used = achievement_used(master, ind, r)
    if used:
        lines.append(used)
    if names is None:
        names = unit_names(master)
    if len(r.contributions) > 1:
        if ind.merge == Merge.SAME:
            lines.append("Angka yang sama dilaporkan oleh: "
                         + ", ".join(names.get(c.unit, c.unit) for c in r.contributions))
        else:
            lines.append(f"Rincian per unit ({SUB1} dan {SUB2} dijumlahkan):")
            for c in r.contributions:
                if c.x1 is None:
                    value = STATUS_TEXT[Status.MISSING]
                else:
                    value = f"{SUB1} = {fmt_number(c.x1)}"
                    if ind.asks_x2:
                        value += f"; {SUB2} = {fmt_number(c.x2, na=STATUS_TEXT[Status.MISSING])}"
                lines.append(f"- {names.get(c.unit, c.unit)}: {value}")
    if r.status != Status.OK and (len(r.contributions) == 1 or ind.merge == Merge.SAME):
        missing = [names.get(c.unit, c.unit) for c in r.contributions if c.x1 is None]
        if missing:
            lines.append(f"{STATUS_TEXT[r.status].strip('()').capitalize()}: {', '.join(missing)}")
    for c in r.contributions:
        if c.note.strip():
            lines.append(f"Catatan {names.get(c.unit, c.unit)}: {clean(c.note.strip())}")
    return lines


def achievement_used(master: Master, ind: Indicator, r: IndicatorResult) -> str:
    """Where % capaian divides the printed realisasi (``capaian_dari:
    realisasi_tercetak``), the computation with the numbers actually used:
    ``% capaian = 9,20/9,53 × 100% = 96,54% (dari realisasi tercetak 9,53)``."""
    if (ind.achievement_base != AchievementBase.PRINTED or ind.rules.labelled
            or r.status != Status.OK or r.realisation is None):
        return ""
    t = ind.target_number(ind.target)
    if t is None:
        return ""
    used = ind.printed(r.realisation)
    shown = ind.number_text(r.realisation)
    value = master.settings.percent(indicator_achievement(ind, r.realisation, ind.target))

    def n(x: float) -> str:
        return fmt_number(x, decimals=ind.target_places, fixed=ind.fixed_target)

    if isinstance(t, tuple):
        low, high = t
        if low <= used <= high:
            return (f"% capaian = 100% (realisasi tercetak {shown} di dalam rentang "
                    f"{n(low)}\u2013{n(high)})")
        t = high if used > high else low
    rule = ind.rule if ind.polarity == Polarity.NEGATIVE else NegativeRule.R_OVER_T
    if t == 0:
        return f"% capaian = {value} (target 0; dari realisasi tercetak {shown})"
    if rule == NegativeRule.R_OVER_T:
        formula = f"{shown}/{n(t)} {TIMES} 100%"
    elif rule == NegativeRule.T_OVER_R:
        formula = f"{n(t)}/{shown} {TIMES} 100%"
    else:
        formula = f"(2 {TIMES} {n(t)} {MINUS} {shown})/{n(t)} {TIMES} 100%"
    return f"% capaian = {formula} = {value} (dari realisasi tercetak)"


def renstra_table(master: Master, results: Results,
                  texts: list[dict[str, str]] | None = None) -> dict[str, Any]:
    show = _columns(master, results)
    shared = iter(capaian_texts(master, results) if texts is None else texts)
    names = unit_names(master)
    rows = []
    for s in master.sasaran:
        for j, ind in enumerate(s.indicators):
            r = _result(results, ind)
            t = next(shared)
            rows.append(
                {
                    **_sasaran_cells(s.number, s.renstra_title, j == 0),
                    "indicator": f"{j + 1}. {clean(ind.renstra_title)}",
                    "target": t["target"],
                    "realisation": t["realisation"],
                    "achievement": t["achievement"],
                    "grade": t["grade"],
                    "responsible": clean(ind.responsible),
                    "sources": numbered(ind.data_sources),
                    "formula": formula_omml(ind),
                    "explanation": explanation(master, ind, r, names)
                    + ([clean(results.sources[ind.code])] if ind.code in results.sources
                       else []),
                }
            )
    return {
        "head": {
            "grade": heading("Predikat", show["grade"]),
            "responsible": heading("Penanggung Jawab", show["responsible"]),
            "sources": heading("Sumber Data", show["sources"]),
        },
        "rows": rows,
        "sasaran_spans": _sasaran_spans(master),
    }


# --- notes, draft, signature -------------------------------------------------------------


NEGATIVE_RULE_TEXT = {
    NegativeRule.TWO_T_MINUS_R: "% capaian = (2 \u2212 realisasi/target) \u00d7 100%, paling "
                                "rendah 0%",
    NegativeRule.T_OVER_R: "% capaian = target/realisasi \u00d7 100%; realisasi 0 dihitung "
                           "200%",
    NegativeRule.R_OVER_T: "% capaian = realisasi/target \u00d7 100%, dihitung seperti "
                           "polaritas positif",
}


def notes(master: Master, results: Results) -> list[str]:
    """The rules behind the figures, stated only when they matter for this report."""
    inds = master.indicators
    out = []
    if any(len(i.reporting_units) > 1 and i.merge == Merge.SUM for i in inds):
        out.append(
            f"Indikator yang dilaporkan beberapa unit: {SUB1} dan {SUB2} seluruh unit "
            "dijumlahkan lebih dahulu, kemudian dibagi."
        )
    same = [i.code for i in inds if len(i.reporting_units) > 1 and i.merge == Merge.SAME]
    if same:
        out.append(f"Indikator dengan satu angka untuk seluruh daerah ({', '.join(same)}): "
                   "setiap unit pelapor mengisi angka yang sama, dihitung satu kali.")
    out += formula_notes(master)
    out += printed_notes(master)
    if results.na_targets:
        out.append(f"Target NA (belum ditetapkan: {', '.join(results.na_targets)}): "
                   "realisasi dicetak, % capaian dicetak NA dan indikator itu tidak ikut "
                   "dihitung dalam rata-rata.")
    if results.cap is not None:
        capped = [c for c, r in results.indicators.items() if r.capped]
        text = f"% capaian dibatasi paling tinggi {fmt_percent(results.cap)}"
        if capped:
            text += f"; nilai yang dibatasi ditandai * ({', '.join(capped)})"
        out.append(text + ".")
    elif not master.settings.cap_written:
        above = [c for c, r in results.indicators.items()
                 if r.status == Status.OK and r.achievement is not None and r.achievement > 100]
        if above:
            out.append(f"% capaian di atas 100% ({', '.join(above)}) ikut dihitung dalam "
                       "rata-rata apa adanya, tanpa batas atas.")
    # indicators without a figure (a quarter's unmeasured ones are no shortfall)
    not_ok = sum(r.status in (Status.MISSING, Status.INVALID)
                 for r in results.indicators.values())
    if not_ok:
        out.append(
            f"Rata-rata % capaian dihitung dari {results.averaged} dari {results.total} "
            "indikator; indikator yang belum diisi atau tidak sah tidak ikut dihitung."
        )
    if any(i.has_baseline and i.baseline in (None, NA) for i in inds):
        out.append("NA: angka awal RPJMD tidak tersedia.")
    if ExtraColumn.GRADE in master.settings.extra_columns:
        out.append("Predikat capaian: " + grade_scale_text(master) + ".")
    out.extend(clean(n) for n in results.notes)
    return out


def formula_notes(master: Master) -> list[str]:
    """How % capaian is computed beyond realisasi/target: the negative-polarity rules,
    ranges, a target of 0, labels, statuses; only what the master's indicators use. The
    report's notes and the LKjIP chapter's measurement method both print these."""
    inds = master.indicators
    out = rule_notes(master)
    if any(isinstance(i.target, tuple) for i in inds):
        out.append(
            "Target berupa rentang: realisasi di dalam rentang berarti capaian 100%; di atas "
            "rentang dibandingkan dengan batas atas, di bawah rentang dengan batas bawah."
        )
    if any(i.target == 0 for i in inds):
        out.append(
            "Target 0: indikator berpolaritas positif dianggap tercapai (100%); "
            "berpolaritas negatif 100% bila realisasi 0, selain itu 0%."
        )
    for ind in inds:
        if ind.rules.labelled and ind.scale and not ind.rules.met_only:
            scale = ", ".join(f"{k} = {fmt_number(v)}" for k, v in ind.scale.items())
            out.append(f"Indikator {ind.code} berupa predikat: % capaian = skor realisasi / "
                       f"skor target \u00d7 100% (skor: {scale}).")
    yes_no = [i.code for i in inds if i.rules.labelled and not i.scale and not i.rules.met_only]
    if yes_no:
        out.append(f"Indikator ada/tidak ada ({', '.join(yes_no)}): Ada = 100%, "
                   "Tidak ada = 0%.")
    out += status_notes(master)
    return out


def rule_notes(master: Master) -> list[str]:
    """The negative-polarity rule of the agency, and every rule an indicator uses instead
    (against the year's target; against the Target Akhir RPJMD where that capaian is
    printed)."""
    negative = [i for i in master.indicators if i.polarity == Polarity.NEGATIVE]
    agency = master.settings.negative_rule
    out = []
    usual = [i.code for i in negative if i.rule == agency]
    if usual:
        out.append("Indikator berpolaritas negatif (makin rendah makin baik: "
                   f"{', '.join(usual)}): {NEGATIVE_RULE_TEXT[agency]}.")
    for rule in NegativeRule:
        own = [i.code for i in negative if i.rule == rule and rule != agency]
        if own:
            out.append(f"Indikator berpolaritas negatif dengan rumus sendiri ({', '.join(own)}): "
                       f"{NEGATIVE_RULE_TEXT[rule]}.")
    if ExtraColumn.FINAL_TARGET_ACHIEVEMENT in master.settings.extra_columns:
        for rule in NegativeRule:
            final = [i.code for i in negative if i.final_target is not None
                     and i.final_rule == rule and i.final_rule != i.rule]
            if final:
                out.append(f"% capaian terhadap Target Akhir RPJMD ({', '.join(final)}): "
                           f"{NEGATIVE_RULE_TEXT[rule]}.")
    thresholds = [i.code for i in master.indicators
                  if not i.rules.labelled and parse_threshold(i.target) is not None]
    if thresholds:
        out.append(f"Target berupa ambang ({', '.join(thresholds)}): \u2265/minimal berarti "
                   "makin tinggi makin baik (% capaian = realisasi/target \u00d7 100%), "
                   "\u2264/maksimal makin rendah makin baik (rumus polaritas negatif); "
                   "target tercapai bila % capaian paling sedikit 100%.")
    return out


def status_notes(master: Master) -> list[str]:
    """How a status (no numeric scale) is judged, and whether it enters the average."""
    out = []
    for counted in (False, True):
        inds = [i for i in master.indicators if i.rules.met_only and i.counted == counted]
        if not inds:
            continue
        ordered = [i for i in inds if i.scale]
        how = ("tercapai bila realisasi sama dengan target"
               + (" atau, menurut urutan skalanya, lebih baik" if ordered else ""))
        average = ("dihitung dalam rata-rata sebagai 100% (tercapai) atau 0% (tidak tercapai)"
                   if counted else "tidak ikut dihitung dalam rata-rata")
        out.append(f"Indikator status ({', '.join(i.code for i in inds)}): {how}; % capaian "
                   f"dicetak Tercapai atau Tidak tercapai dan {average}.")
    return out


def printed_notes(master: Master) -> list[str]:
    """How realisasi is rounded when printed, and which capaian divide the printed value."""
    out = []
    down = [i.code for i in master.indicators if i.rounding == Rounding.DOWN
            and not i.rules.labelled]
    if down:
        out.append(f"Realisasi {', '.join(down)} dicetak dengan desimalnya dipotong, tidak "
                   "dibulatkan.")
    printed = [i.code for i in master.indicators
               if i.achievement_base == AchievementBase.PRINTED and not i.rules.labelled]
    if printed:
        out.append(f"% capaian {', '.join(printed)} dihitung dari realisasi sebagaimana "
                   "dicetak (sudah dibulatkan), seperti pada Keterangan.")
    return out


def grade_scale_text(master: Master) -> str:
    """"> 90% Sangat Baik; > 75%–90% Baik; …; ≤ 50% Sangat Kurang"."""
    bands = master.settings.grade_scale
    parts, upper = [], None
    for band in bands:
        if band.above is None:
            parts.append(f"\u2264 {fmt_percent(upper)} {band.grade}")
        elif upper is None:
            parts.append(f"> {fmt_percent(band.above)} {band.grade}")
        else:
            parts.append(f"> {fmt_percent(band.above)}\u2013{fmt_percent(upper)} {band.grade}")
        upper = band.above
    return "; ".join(parts)


def draft_notice(results: Results) -> str:
    if not results.draft:
        return ""
    statuses = [r.status for r in results.indicators.values()]
    parts = [
        f"{statuses.count(s)} indikator {STATUS_TEXT[s].strip('()')}"
        for s in (Status.MISSING, Status.INVALID)
        if statuses.count(s)
    ]
    detail = f" ({', '.join(parts)})" if parts else ""
    return f"DRAFT \u2014 laporan ini belum final{detail}."


def signatory(master: Master) -> dict[str, str]:
    s = master.agency.signatory
    return {
        "title": "\n".join(split_city(clean(s.title), master.agency.city)),
        "name": clean(s.name),
        "rank": clean(s.rank),
        "nip": f"NIP. {clean(s.nip)}" if s.nip else "",
    }


def build_context(master: Master, results: Results, history: Any = None) -> dict[str, Any]:
    """The template's data: every top-level key here is used by the template, and only these.
    ``history``: the earlier years (``history.Series``) for the appendix, if any."""
    agency = master.agency
    agency_block = {**organisation(agency), **header_rows(agency)}
    texts = capaian_texts(master, results)
    return {
        "cover": {
            "title": REPORT_TITLE,
            "agency_lines": split_city(clean(agency.name), agency.city, add_city=True),
            "year_line": f"TAHUN {agency.year}",
        },
        "year": str(agency.year),
        "draft": results.draft,
        "draft_notice": draft_notice(results),
        "organisations": [agency_block] + [organisation(u) for u in master.units],
        "agency": agency_block,
        "rpjmd": rpjmd_table(master, results, texts),
        "renstra": renstra_table(master, results, texts),
        "notes": notes(master, results),
        "place_date": place_date(agency, fmt_date(agency.report_date)
                                 if agency.report_date else None),
        "signatory": signatory(master),
        "lampiran": history_appendix(master, results, history),
    }
