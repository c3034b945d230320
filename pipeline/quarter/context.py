"""Everything the quarterly report shows, worded and formatted (``build_quarter_context``).

*Laporan Pengukuran Kinerja Triwulan n Tahun Y*: one landscape table, per sasaran and
indicator, of the year's target and the quarter's (of the year so far), the realisasi of
the quarter and of the year so far ("Diukur di TW IV" in a quarter an indicator is not
measured in), % capaian against the quarter's target, the progress towards the year's
target with the word that says what it is (``figures.Progress``), the status (predikat of
the scale ``pengaturan.skala_predikat``, its cell shaded in the band's ``warna``) and each
unit's Kendala and Tindak lanjut; then the notes that explain the figures, the place and
month, and the signature. As for the yearly report (``pipeline/annual/context.py``, whose
helpers are reused), the template does no
arithmetic and no formatting: docs/TEMPLATE.md lists every key.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..annual.context import grade_scale_text, notes, signatory
from ..annual.texts import (
    STATUS_TEXT,
    clean,
    fmt_target,
    header_rows,
    heading,
    place_date,
    split_city,
)
from ..compute import IndicatorResult, Status
from ..domain.kinds import MET, NOT_MET, Accumulation
from ..domain.master import COLOURS, Indicator, Master
from ..domain.numfmt import fmt_month_year, fmt_percent_fixed, printed_decimals
from ..domain.periods import months, roman
from ..word.columns import MERGE_UP
from .figures import Progress, QuarterIndicator, QuarterResults
from .rollup import rule_text

TITLE = "LAPORAN PENGUKURAN KINERJA"
NO_FILL = "auto"  # w:shd fill of a status cell without a colour


def report_date(master: Master, quarter: int) -> dt.date:
    """The quarterly report's date: the first day of the month after the quarter (the
    report of a quarter is made in the following month; printed as month and year)."""
    year, month = master.agency.year, 3 * quarter + 1
    return dt.date(year + 1, 1, 1) if month > 12 else dt.date(year, month, 1)


def _value(ind: Indicator, r: IndicatorResult) -> str:
    if r.status == Status.NOT_MEASURED:
        return ind.measured_text
    if r.status != Status.OK:
        return STATUS_TEXT[r.status]
    return clean(ind.rules.shown(ind, r.realisation, r.label))


def _percent(r: IndicatorResult, value: float | None, places: int,
             capped: bool = False, met: bool | None = None) -> str:
    if r.status == Status.NOT_MEASURED:
        return "-"
    if r.status != Status.OK:
        return STATUS_TEXT[r.status]
    if met is not None:  # a status: met or not, no percentage
        return MET if met else NOT_MET
    return fmt_percent_fixed(value, places) + ("*" if capped else "") if value is not None \
        else "-"


def column_places(values: list[float | None], most: int = 2) -> int:
    """The decimals a % column prints, the same on every row (issue 21: no "92,9%" beside
    "73,53%"): as many as its most precise value needs, at most ``most`` (two; the
    capaian column: the agency's ``desimal_capaian``, exactly that where ``desimal_tetap``
    lists capaian)."""
    return min(max((printed_decimals(v, most) for v in values), default=0), most)


def _percent_columns(master: Master, q: QuarterResults) -> tuple[int, int]:
    """The decimals of the "% Capaian s.d. TW" and "% thd Target" columns, their average
    row included (the values of indicators whose figures are not valid print no number)."""
    achievement, progress = [q.average_achievement], [q.average_progress]
    for ind in master.indicators:
        if q.cumulative.indicators[ind.code].status == Status.OK:
            achievement.append(q.indicators[ind.code].achievement)
            progress.append(q.indicators[ind.code].progress)
    settings = master.settings
    places = (settings.achievement_decimals if settings.fixed_achievement else
              column_places(achievement, settings.achievement_decimals))
    return places, column_places(progress)


def _progress(r: IndicatorResult, qi: QuarterIndicator, places: int) -> str:
    """``30,00% tercapai``, ``50,00% batas terpakai``, ``88,89% capaian``: the figure, at
    its column's decimals, and what it is (``figures.Progress``)."""
    if r.status == Status.OK and qi.progress is not None:
        capped = r.capped and qi.progress_kind == Progress.LEVEL
        return (f"{fmt_percent_fixed(qi.progress, places)}{'*' if capped else ''} "
                f"{qi.progress_kind.value}")
    return _percent(r, None, places)


def _texts(master: Master, ind: Indicator, q: QuarterResults, key: str) -> list[str]:
    """Each unit's Kendala (or Tindak lanjut): the text alone when one unit reports the
    indicator, else "Unit: text" per unit that wrote one; "-" when none did."""
    names = {u.code: clean(u.name) for u in master.units}
    found = [(unit, q.texts.get((unit, ind.code), {}).get(key, ""))
             for unit in ind.reporting_units]
    found = [(unit, clean(text)) for unit, text in found if text.strip()]
    if not found:
        return ["-"]
    if len(ind.reporting_units) == 1:
        return [found[0][1]]
    return [f"{names.get(unit, unit)}: {text}" for unit, text in found]


def rows(master: Master, q: QuarterResults) -> list[dict[str, Any]]:
    out = []
    n = q.quarter
    places, progress_places = _percent_columns(master, q)
    for s in master.sasaran:
        for j, ind in enumerate(s.indicators):
            own = q.own.indicators[ind.code]
            cum = q.cumulative.indicators[ind.code]
            qi = q.indicators[ind.code]
            first = j == 0
            out.append({
                "no": str(s.number) if first else MERGE_UP,
                "sasaran": clean(s.description) if first else MERGE_UP,
                "indicator": clean(ind.name),
                "rule": (f"(akumulasi: {rule_text(ind, n)})" if qi.measured else
                         f"({ind.measured_phrase})"),
                "year_target": fmt_target(ind, ind.target),
                "quarter_target": fmt_target(ind, qi.target) if qi.target is not None else "-",
                "own": _value(ind, own),
                "cumulative": _value(ind, cum),
                "achievement": _percent(cum, qi.achievement, places, qi.capped, qi.met),
                "progress": _progress(cum, qi, progress_places),
                "status": qi.band.grade if qi.band else "-",
                "fill": (qi.band.fill if qi.band and qi.band.fill else NO_FILL),
                "obstacles": _texts(master, ind, q, "obstacles"),
                "follow_up": _texts(master, ind, q, "follow_up"),
            })
    return out


def quarter_notes(master: Master, q: QuarterResults) -> list[str]:
    """The rules behind a quarter's figures, then the yearly report's notes that apply."""
    n, inds = q.quarter, master.indicators
    tw = f"TW {roman(n)}"
    used = {rule for ind in inds for rule in ind.rollup.values()}
    words = {Accumulation.SUM: "jumlah (angka tiap triwulan dijumlahkan)",
             Accumulation.LAST: "terakhir (angka triwulan terakhir)",
             Accumulation.MEAN: "rata-rata (rerata angka tiap triwulan)"}
    out = [f"Realisasi s.d. {tw}: angka tahun berjalan sampai akhir Triwulan {roman(n)}, "
           "dari x\u2081 dan x\u2082 menurut akumulasi tiap indikator: "
           + "; ".join(words[a] for a in Accumulation if a in used) + "."]
    unmeasured = [ind for ind in inds if not ind.measured_in(n)]
    without = [i.code for i in inds if i.quarter_target(n) is None and i.measured_in(n)]
    text = f"% Capaian: realisasi s.d. {tw} terhadap target s.d. {tw}."
    if without:
        text += (f" Indikator tanpa target triwulan ({', '.join(without)}) dinilai pada TW IV "
                 "saja; sebelumnya hanya kemajuannya yang dicetak.")
    out.append(text)
    if unmeasured:
        out.append(f"Tidak diukur di {tw} (diukur_triwulan): " + "; ".join(
            f"{ind.code} ({ind.measured_phrase})"
            for ind in unmeasured) + "; tidak diisi, tidak dinilai dan tidak ikut rata-rata "
            "triwulan ini. Angka tahunnya dari triwulan tempat indikator itu diukur.")
    out.append(progress_note(master, q))
    colours = "; ".join(f"{b.grade}" + (f" ({_colour_name(b.fill)})" if b.fill else "")
                        for b in master.settings.grade_scale)
    out.append(f"Status: predikat % capaian ({grade_scale_text(master)}); warna sel: "
               f"{colours}.")
    for ind in inds:
        gaps = q.indicators[ind.code].gaps
        if gaps:
            out.append(f"{ind.code}: angka {', '.join('TW ' + roman(int(p[2:])) for p in gaps)}"
                       f" tidak tercatat di riwayat; s.d. {tw} dihitung dari triwulan yang "
                       "tercatat.")
    # the yearly report's notes that apply here (not its Predikat column nor its baseline)
    return out + [line for line in notes(master, q.cumulative)
                  if not line.startswith(("Predikat capaian", "NA: angka awal RPJMD"))]


def progress_note(master: Master, q: QuarterResults) -> str:
    """What the "% thd Target" column holds, word by word, and what its average covers."""
    year, tw = master.agency.year, f"TW {roman(q.quarter)}"
    kinds = {qi.progress_kind for qi in q.indicators.values() if qi.progress_kind}
    words = {
        Progress.REACHED: "tercapai = bagian target tahun yang sudah dicapai angka yang "
                          "dijumlahkan s.d. " + tw,
        Progress.CEILING: "batas terpakai = bagian batas tahunan indikator makin rendah makin "
                          "baik yang sudah terpakai s.d. " + tw + " (bukan capaian: 100% berarti "
                          "batas tahunan sudah tercapai)",
        Progress.LEVEL: "capaian = rumus capaian tahunan diterapkan pada keadaan s.d. " + tw,
    }
    text = (f"% thd Target {year}: kemajuan terhadap target tahun; "
            + "; ".join(words[k] for k in Progress if k in kinds) + ".") if kinds else (
            f"% thd Target {year}: kemajuan terhadap target tahun.")
    ceilings = [code for code, qi in q.indicators.items()
                if qi.progress_kind == Progress.CEILING]
    if ceilings:
        text += (f" Rata-rata kemajuan tidak memuat batas terpakai ({', '.join(ceilings)}): "
                 "makin kecil makin baik, jadi tidak dapat dirata-rata dengan kemajuan.")
    return text


def _colour_name(fill: str) -> str:

    return next((name.replace("_", " ") for name, hex_ in COLOURS.items() if hex_ == fill),
                f"#{fill}")


def draft_notice(q: QuarterResults) -> str:
    if not q.draft:
        return ""
    statuses = [r.status for r in q.cumulative.indicators.values()]
    parts = [f"{statuses.count(s)} indikator {STATUS_TEXT[s].strip('()')}"
             for s in (Status.MISSING, Status.INVALID) if statuses.count(s)]
    detail = f" ({', '.join(parts)})" if parts else ""
    return f"DRAFT \u2014 laporan ini belum final{detail}."


def build_quarter_context(master: Master, q: QuarterResults) -> dict[str, Any]:
    """The quarterly template's data: every top-level key is used by the template."""
    agency, n = master.agency, q.quarter
    tw, year = f"TW {roman(n)}", agency.year
    band = master.settings.band_of(q.average_achievement)
    places, progress_places = _percent_columns(master, q)
    return {
        "title": TITLE,
        "period_line": f"TRIWULAN {roman(n)} TAHUN {year}",
        "agency_lines": split_city(clean(agency.name), agency.city, add_city=True),
        "months_line": f"Periode: Triwulan {roman(n)} ({months(n)} {year})",
        "draft": q.draft,
        "draft_notice": draft_notice(q),
        "agency": header_rows(agency),
        "head": {
            "year_target": f"Target {year}",
            "quarter_target": f"Target s.d. {tw}",
            "own": heading(f"Realisasi {tw}", n > 1),  # TW I: the same as s.d. TW I
            "cumulative": f"Realisasi s.d. {tw}",
            "achievement": f"% Capaian s.d. {tw}",
            "progress": f"% thd Target {year}",
        },
        "rows": rows(master, q),
        "average": {
            "label": "RATA-RATA % CAPAIAN" + (
                f" ({q.averaged} dari {len(master.indicators)} indikator bertarget "
                f"{tw})" if q.averaged < len(master.indicators) else ""),
            "achievement": fmt_percent_fixed(q.average_achievement, places),
            "progress": fmt_percent_fixed(q.average_progress, progress_places),
            "status": band.grade if band else "-",
            "fill": band.fill if band and band.fill else NO_FILL,
        },
        "notes": quarter_notes(master, q),
        "place_date": place_date(agency, fmt_month_year(report_date(master, n))),
        "signatory": signatory(master),
    }


