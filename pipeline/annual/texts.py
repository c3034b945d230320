"""How the documents word a figure: the texts the yearly report, its appendix, the quarterly
report and the LKjIP chapter share (a target, a realisasi, a capaian, a status, a heading
of an optional column, lettered lists, a city split off a name).

Plain functions from the master's and the results' values to text, formatted by
``domain.numfmt`` with the indicator's own decimals and satuan; master text goes through
``clean`` (characters XML forbids, and the engine's markers, removed).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from ..compute import IndicatorResult, Status
from ..domain import numfmt
from ..domain.kinds import NA
from ..domain.master import Indicator, Target
from ..domain.numfmt import fmt_percent, fmt_value
from ..word.columns import DROP_COLUMN

STATUS_TEXT = {Status.MISSING: "(belum diisi)", Status.INVALID: "(tidak sah)",
               Status.NOT_MEASURED: "(tidak diukur)"}

# XML 1.0 forbids most control characters; \a would also split a paragraph in docxtpl.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ue000\ue001\ufffe\uffff]")


def clean(text: str) -> str:
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
    items = [clean(i) for i in items]
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


def heading(label: str, shown: bool) -> str:
    """A column heading, or the marker that makes ``render`` leave the column out."""
    return label if shown else DROP_COLUMN


# --- Part I: organisations ---------------------------------------------------------------


def split_city(text: str, city: str, add_city: bool = False) -> list[str]:
    """"BADAN … KOTA JAMBI" → ["BADAN …", "KOTA JAMBI"], as the cover and signature print it."""
    text, city = text.upper(), clean(city).upper()
    if text.endswith(" " + city) and len(text) > len(city) + 1:
        return [text[: -len(city)].strip(), city]
    return [text, city] if add_city else [text]


def fmt_target(ind: Indicator, t: Target | None) -> str:
    """The indicator's target in its satuan and decimals (``numfmt.fmt_target``); a label
    is master text, cleaned."""
    text = numfmt.fmt_target(t, ind.unit_of_measure, ind.decimals)
    return clean(text) if isinstance(t, str) else text


def value_text(ind: Indicator, value: float | str | None, na: str = "-") -> str:
    """A figure the master gives (baseline, last year's realisasi): NA stays NA."""
    if value == NA:
        return NA
    return fmt_value(value, ind.unit_of_measure, na=na, decimals=ind.decimals)


def realisation_text(ind: Indicator, r: IndicatorResult) -> str:
    if r.status != Status.OK:
        return STATUS_TEXT[r.status]
    return clean(ind.rules.format_value(ind, r.realisation))


def achievement_text(r: IndicatorResult) -> str:
    if r.status != Status.OK:
        return STATUS_TEXT[r.status]
    if r.achievement is None:
        return NA
    return fmt_percent(r.achievement) + ("*" if r.capped else "")


def grade_text(r: IndicatorResult) -> str:
    if r.status != Status.OK:
        return STATUS_TEXT[r.status]
    return r.grade or "-"


