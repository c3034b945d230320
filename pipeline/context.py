"""Everything the Word template shows, already worded and formatted.

``build_context(master, results)`` returns a plain dict of strings, lists and dicts; the
template does no arithmetic and no formatting, so what the report says is decided (and
tested) here. docs/TEMPLATE.md lists every key.

Two values are not plain text:

* ``MERGE_UP`` fills a table cell that continues the cell above it (an IKU row whose
  ``alasan`` / ``sumber_data`` is omitted in the master, or the sasaran columns of a
  sasaran's second indicator). ``render`` turns each such cell into a vertical merge
  (``w:vMerge``) with the cell above; the spans are also given as ``*_spans`` lists.
* ``renstra.rows[].formula`` is a ``Markup`` holding an Office Math (OMML) equation,
  written into the document with ``{{r … }}``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any
from xml.sax.saxutils import escape

from markupsafe import Markup

from .compute import IndicatorResult, Results, Status
from .master import Indicator, Kind, Master, Organisation, Polarity, Target, Unit
from .numfmt import fmt_date, fmt_number, fmt_percent, fmt_value

# A private-use character: never typed by people, removed from master text by _clean.
MERGE_UP = "\ue000"

REPORT_TITLE = "INDIKATOR KINERJA UTAMA (IKU)"
STATUS_TEXT = {Status.MISSING: "(belum diisi)", Status.INVALID: "(tidak sah)"}
SUB1, SUB2 = "x\u2081", "x\u2082"  # x₁, x₂ in running text

# XML 1.0 forbids most control characters; \a would also split a paragraph in docxtpl.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ue000\ufffe\uffff]")


def _clean(text: str) -> str:
    return _UNSAFE.sub("", text)


def letter(i: int) -> str:
    """0 → a, 25 → z, 26 → aa: the lettering of Word's lists, written as text."""
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(ord("a") + r) + s
    return s


def numbered(items: Sequence[str]) -> list[str]:
    """Lines of a list cell: "1. …", "2. …" when there are several, else the item alone."""
    items = [_clean(i) for i in items]
    if len(items) <= 1:
        return items or [""]
    return [f"{n}. {text}" for n, text in enumerate(items, 1)]


def spans(continues: Iterable[bool]) -> list[list[int]]:
    """[start, length] of every run of rows joined by "continue the cell above" flags."""
    out: list[list[int]] = []
    for i, cont in enumerate(continues):
        if cont and out:
            out[-1][1] += 1
        else:
            out.append([i, 1])
    return out


# --- Part I: organisations ---------------------------------------------------------------


def organisation(org: Organisation) -> dict[str, Any]:
    has_sources = isinstance(org, Unit)
    rows = []
    for i, row in enumerate(org.iku):
        reason = MERGE_UP if row.reason is None else _clean(row.reason)
        if not has_sources:
            sources = [""]
        elif row.data_sources is None:
            sources = [MERGE_UP]
        else:
            sources = numbered(row.data_sources)
        rows.append(
            {
                "letter": letter(i),
                "description": _clean(row.description),
                "reason": reason,
                "sources": sources,
            }
        )
    return {
        "name": _clean(org.name),
        "duties": _clean(org.duties),
        "functions": [
            {"letter": letter(i), "text": _clean(f)} for i, f in enumerate(org.functions)
        ],
        "has_sources": has_sources,
        "rows": rows,
        "reason_spans": spans(r.reason is None for r in org.iku),
        "source_spans": spans(r.data_sources is None for r in org.iku) if has_sources else [],
    }


def _split_city(text: str, city: str, add_city: bool = False) -> list[str]:
    """"BADAN … KOTA JAMBI" → ["BADAN …", "KOTA JAMBI"], as the cover and signature print it."""
    text, city = text.upper(), _clean(city).upper()
    if text.endswith(" " + city) and len(text) > len(city) + 1:
        return [text[: -len(city)].strip(), city]
    return [text, city] if add_city else [text]


# --- Part II: the two achievement tables -------------------------------------------------


def fmt_target(t: Target | None, unit: str) -> str:
    if t is None:
        return "-"
    if isinstance(t, tuple):
        low, high = t
        return f"{fmt_number(low)}\u2013{fmt_value(high, unit)}"
    return fmt_value(t, unit)


def _realisation_text(ind: Indicator, r: IndicatorResult) -> str:
    if r.status != Status.OK:
        return STATUS_TEXT[r.status]
    return fmt_value(r.realisation, ind.unit_of_measure)


def _achievement_text(r: IndicatorResult) -> str:
    if r.status != Status.OK:
        return STATUS_TEXT[r.status]
    return fmt_percent(r.achievement) + ("*" if r.capped else "")


def _result(results: Results, ind: Indicator) -> IndicatorResult:
    return results.indicators.get(ind.code) or IndicatorResult(ind.code, Status.MISSING)


def _sasaran_cells(number: int, description: str, first: bool) -> dict[str, str]:
    if first:
        return {"no": str(number), "sasaran": _clean(description)}
    return {"no": MERGE_UP, "sasaran": MERGE_UP}


def rpjmd_table(master: Master, results: Results) -> dict[str, Any]:
    rows = []
    for s in master.sasaran:
        for j, ind in enumerate(s.indicators):
            r = _result(results, ind)
            unit = ind.unit_of_measure
            rows.append(
                {
                    **_sasaran_cells(s.number, s.description, j == 0),
                    "indicator": _clean(ind.name),
                    "baseline": fmt_value(ind.baseline, unit, na="NA"),
                    "previous": fmt_percent(ind.previous_achievement),
                    "target": fmt_target(ind.target, unit),
                    "realisation": _realisation_text(ind, r),
                    "achievement": _achievement_text(r),
                    "final_target": fmt_target(ind.final_target, unit),
                }
            )
    coverage = ""
    if results.averaged < results.total:
        coverage = f"rata-rata dari {results.averaged} dari {results.total} indikator"
    label = "RATA-RATA % CAPAIAN" + (f" ({coverage})" if coverage else "")
    return {
        "rows": rows,
        "sasaran_spans": _sasaran_spans(master),
        "average": {
            "label": label,
            "coverage": coverage,
            "previous": fmt_percent(results.average_previous),
            "achievement": fmt_percent(results.average_achievement),
        },
    }


def _sasaran_spans(master: Master) -> list[list[int]]:
    return spans(j > 0 for s in master.sasaran for j in range(len(s.indicators)))


def _oms(text: str) -> str:
    return f"<m:r><m:t>{escape(text)}</m:t></m:r>"


def _sub(base: str, index: str) -> str:
    return f"<m:sSub><m:e>{_oms(base)}</m:e><m:sub>{_oms(index)}</m:sub></m:sSub>"


def formula_omml(kind: Kind) -> Markup:
    """y = x₁/x₂ × 100% (persentase), y = x₁/x₂ (rasio), y = x₁ (jumlah) as Office Math."""
    x1, x2 = _sub("x", "1"), _sub("x", "2")
    if kind == Kind.COUNT:
        body = x1
    else:
        body = f"<m:f><m:num>{x1}</m:num><m:den>{x2}</m:den></m:f>"
        if kind == Kind.PERCENTAGE:
            body += _oms("\u00d7100%")
    return Markup(f"<m:oMath>{_oms('y=')}{body}</m:oMath>")


def worked_example(ind: Indicator, r: IndicatorResult) -> str:
    """The formula with the summed counts, e.g. "y = 3/4 × 100% = 75%"."""
    if r.status == Status.MISSING:
        return f"y = {STATUS_TEXT[r.status]}"
    if r.x1 is None or (ind.asks_x2 and r.x2 is None):
        return f"y = {STATUS_TEXT[r.status]}"
    if ind.kind == Kind.COUNT:
        return f"y = {SUB1} = {fmt_value(r.x1, ind.unit_of_measure)}"
    frac = f"{fmt_number(r.x1)}/{fmt_number(r.x2)}"
    times = " \u00d7 100%" if ind.kind == Kind.PERCENTAGE else ""
    if r.realisation is None:
        return f"y = {frac}{times}: tidak dapat dihitung ({SUB2} = 0) {STATUS_TEXT[Status.INVALID]}"
    value = fmt_percent(r.realisation) if ind.kind == Kind.PERCENTAGE else fmt_number(r.realisation)
    return f"y = {frac}{times} = {value}"


def explanation(master: Master, ind: Indicator, r: IndicatorResult) -> list[str]:
    lines = [
        worked_example(ind, r),
        f"y = {_clean(ind.y_meaning)}",
        f"{SUB1} = {_clean(ind.x1_meaning)}",
    ]
    if ind.asks_x2 and ind.x2_meaning:
        lines.append(f"{SUB2} = {_clean(ind.x2_meaning)}")
    names = {u.code: _clean(u.name) for u in master.units}
    if len(r.contributions) > 1:
        lines.append(f"Rincian per unit ({SUB1} dan {SUB2} dijumlahkan):")
        for c in r.contributions:
            if c.x1 is None:
                value = STATUS_TEXT[Status.MISSING]
            else:
                value = f"{SUB1} = {fmt_number(c.x1)}"
                if ind.asks_x2:
                    value += f"; {SUB2} = {fmt_number(c.x2, na=STATUS_TEXT[Status.MISSING])}"
            lines.append(f"- {names.get(c.unit, c.unit)}: {value}")
    elif r.status != Status.OK:
        missing = [names.get(c.unit, c.unit) for c in r.contributions if c.x1 is None]
        if missing:
            lines.append(f"{STATUS_TEXT[r.status].strip('()').capitalize()}: {', '.join(missing)}")
    for c in r.contributions:
        if c.note.strip():
            lines.append(f"Catatan {names.get(c.unit, c.unit)}: {_clean(c.note.strip())}")
    return lines


def renstra_table(master: Master, results: Results) -> dict[str, Any]:
    rows = []
    for s in master.sasaran:
        for j, ind in enumerate(s.indicators):
            r = _result(results, ind)
            rows.append(
                {
                    **_sasaran_cells(s.number, s.description, j == 0),
                    "indicator": f"{j + 1}. {_clean(ind.name)}",
                    "target": fmt_target(ind.target, ind.unit_of_measure),
                    "realisation": _realisation_text(ind, r),
                    "achievement": _achievement_text(r),
                    "responsible": _clean(ind.responsible),
                    "sources": numbered(ind.data_sources),
                    "formula": formula_omml(ind.kind),
                    "explanation": explanation(master, ind, r),
                }
            )
    return {"rows": rows, "sasaran_spans": _sasaran_spans(master)}


# --- notes, draft, signature -------------------------------------------------------------


def notes(master: Master, results: Results) -> list[str]:
    """The rules behind the figures, stated only when they matter for this report."""
    inds = master.indicators
    out = []
    if any(len(i.reporting_units) > 1 for i in inds):
        out.append(
            f"Indikator yang dilaporkan beberapa unit: {SUB1} dan {SUB2} seluruh unit "
            "dijumlahkan lebih dahulu, kemudian dibagi."
        )
    negative = [i.code for i in inds if i.polarity == Polarity.NEGATIVE]
    if negative:
        out.append(
            "Indikator berpolaritas negatif (makin rendah makin baik: "
            f"{', '.join(negative)}): % capaian = (2 \u2212 realisasi/target) \u00d7 100%, "
            "paling rendah 0%."
        )
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
    if results.cap is not None:
        capped = [c for c, r in results.indicators.items() if r.capped]
        text = f"% capaian dibatasi paling tinggi {fmt_percent(results.cap)}"
        if capped:
            text += f"; nilai yang dibatasi ditandai * ({', '.join(capped)})"
        out.append(text + ".")
    if results.averaged < results.total:
        out.append(
            f"Rata-rata % capaian dihitung dari {results.averaged} dari {results.total} "
            "indikator; indikator yang belum diisi atau tidak sah tidak ikut dihitung."
        )
    if any(i.baseline is None for i in inds):
        out.append("NA: angka awal RPJMD tidak tersedia.")
    out.extend(_clean(n) for n in results.notes)
    return out


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
        "title": "\n".join(_split_city(_clean(s.title), master.agency.city)),
        "name": _clean(s.name),
        "rank": _clean(s.rank),
        "nip": f"NIP. {_clean(s.nip)}" if s.nip else "",
    }


def build_context(master: Master, results: Results) -> dict[str, Any]:
    """The template's data: every top-level key here is used by the template, and only these."""
    agency = master.agency
    agency_block = {
        **organisation(agency),
        "name_upper": _clean(agency.name).upper(),
        "city_upper": _clean(agency.city).upper(),
    }
    return {
        "cover": {
            "title": REPORT_TITLE,
            "agency_lines": _split_city(_clean(agency.name), agency.city, add_city=True),
            "year_line": f"TAHUN {agency.year}",
        },
        "year": str(agency.year),
        "previous_year": str(agency.year - 1),
        "draft": results.draft,
        "draft_notice": draft_notice(results),
        "organisations": [agency_block] + [organisation(u) for u in master.units],
        "agency": agency_block,
        "rpjmd": rpjmd_table(master, results),
        "renstra": renstra_table(master, results),
        "notes": notes(master, results),
        "place_date": f"{_clean(agency.report_place)}, {fmt_date(agency.report_date)}",
        "signatory": signatory(master),
    }
