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

from ..compute import IndicatorResult, Status, met_text
from ..domain.kinds import NA
from ..domain.master import Indicator, Settings, Target
from ..word.columns import DROP_COLUMN, DROP_PARAGRAPH

STATUS_TEXT = {Status.MISSING: "(belum diisi)", Status.INVALID: "(tidak sah)",
               Status.NOT_MEASURED: "(tidak diukur)"}

# XML 1.0 forbids most control characters; \a would also split a paragraph in docxtpl.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ue000\ue001\ue002\ufffe\uffff]")


def clean(text: str) -> str:
    # Every character _UNSAFE removes is unprintable (control, private use, noncharacter),
    # so a printable text, nearly every one, is returned without the regex (issue 25).
    if text.isprintable():
        return text
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


def header_rows(agency) -> dict[str, str]:
    """The two rows above the Capaian table (``KOTA : KOTA JAMBI``, ``SKPD : BADAN …``),
    labelled by the master (``sebutan_daerah``, ``sebutan_instansi``, their defaults from
    ``jenis_daerah`` and ``jenis_instansi``); a row whose label is left out holds the
    marker that makes ``render`` remove its paragraph."""
    return {
        "region_label": clean(agency.region_label).upper() or DROP_PARAGRAPH,
        "city_upper": clean(agency.city).upper(),
        "label": clean(agency.agency_label).upper() or DROP_PARAGRAPH,
        "name_upper": clean(agency.name).upper(),
    }


BLANK_PLACE = "……………"  # ……………: written by hand when signed
BLANK_DATE = "…………… 20.."


def place_date(agency, date_text: str | None) -> str:
    """``Jambi, 31 Januari 2022``; a place or date the master leaves out is a marked blank
    (``……………, …………… 20..``) to be written by hand, never invented."""
    place = clean(agency.report_place) or BLANK_PLACE
    return f"{place}, {date_text or BLANK_DATE}"


# --- Part I: organisations ---------------------------------------------------------------


def split_city(text: str, city: str, add_city: bool = False) -> list[str]:
    """"BADAN … KOTA JAMBI" → ["BADAN …", "KOTA JAMBI"], as the cover and signature print it."""
    text, city = text.upper(), clean(city).upper()
    if text.endswith(" " + city) and len(text) > len(city) + 1:
        return [text[: -len(city)].strip(), city]
    return [text, city] if add_city else [text]


def fmt_target(ind: Indicator, t: Target | None) -> str:
    """The indicator's target in its satuan and decimals (``Indicator.target_text``, by
    ``numfmt.fmt_target``); a label is master text, cleaned."""
    text = ind.target_text(t)
    return clean(text) if isinstance(t, str) else text


def value_text(ind: Indicator, value: float | str | None, na: str = "-") -> str:
    """A figure the master gives (baseline, last year's realisasi): NA stays NA."""
    if value == NA:
        return NA
    return ind.value_text(value, na=na)


def realisation_text(ind: Indicator, r: IndicatorResult) -> str:
    if r.status != Status.OK:
        return STATUS_TEXT[r.status]
    return clean(ind.rules.shown(ind, r.realisation, r.label))


def achievement_text(r: IndicatorResult, settings: Settings) -> str:
    """% capaian as printed: the agency's decimals, Tercapai / Tidak tercapai for a
    status, * when capped, NA for an NA target."""
    if r.status != Status.OK:
        return STATUS_TEXT[r.status]
    met = met_text(r)
    if met is not None:
        return met
    if r.achievement is None:
        return NA
    return settings.percent(r.achievement) + ("*" if r.capped else "")


def grade_text(r: IndicatorResult) -> str:
    if r.status != Status.OK:
        return STATUS_TEXT[r.status]
    return r.grade or "-"


