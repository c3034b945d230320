"""The quarters in the history database: what a quarter records, what the next quarter
reads back, and the year's inputs built from the four quarters.

A quarter is recorded as period ``TW1`` … ``TW4`` of its year (``RunSnapshot.period``),
a new version each time its figures change, like a year. Per indicator it keeps the
quarter's target, the realisasi of the year so far and its capaian against that target,
predikat, and per unit the figures typed *for that quarter* (never the running total: a
later correction of an earlier quarter then needs no rewriting), with its Catatan, Kendala
and Tindak lanjut and the fingerprint of the workbook they came from.

Reading (``Prior.quarters`` holds the year's current quarter versions):

* ``quarter_figures``: a recorded quarter's figures by (unit, Kode), matched to the master
  through Kode and ``kode_lama``;
* ``require_quarters``: the earlier quarters a quarter's year so far needs, refused with a
  clear message (``QuarterMissing``) when one was never recorded;
* ``year_inputs``: for ``iku report --dari-triwulan`` (and ``iku lkjip --dari-triwulan``),
  the year's figures of every unit rolled up from TW I–IV by each indicator's rule, with a
  line per indicator saying so, and as each unit's Analisis of the year the Kendala and
  Tindak lanjut it wrote in TW IV (the year-end round's Analisis column, written where the
  year ends).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from ..domain.master import Master
from ..domain.periods import QUARTERS, label, quarter_number, quarter_period, roman, short
from ..errors import IkuError
from ..history import master_key
from ..history.model import IndicatorRecord, RunSnapshot, UnitFigure, fingerprint
from .rollup import Figures, roll_up, rule_text


class QuarterMissing(IkuError):
    """A quarter the run needs was never recorded in the history (exit 1)."""


def quarter_figures(master: Master, stored) -> dict[tuple[str, str], tuple]:
    """(unit, Kode) → (x1, x2) of a recorded quarter (a ``StoredRun``), for the master's
    indicators (a renamed indicator found through its ``kode_lama``)."""
    records = {rec.key: rec for rec in stored.snapshot.indicators}
    out: dict[tuple[str, str], tuple] = {}
    for ind in master.indicators:
        rec = next((records[k] for k in (ind.code, *ind.old_codes) if k in records), None)
        if rec is None:
            continue
        for u in rec.contributions:
            if u.x1 is not None:
                out[(u.unit, ind.code)] = (u.x1, u.x2)
    return out


def require_quarters(master: Master, quarters: Mapping, periods: tuple[str, ...],
                     why: str, history: str = "") -> dict[str, Figures]:
    """The figures of ``periods`` (recorded quarters, ``Prior.quarters``); raise
    QuarterMissing naming each one that is not recorded and what to run."""
    missing = [p for p in periods if p not in quarters]
    if missing:
        year = master.agency.year
        names = ", ".join(f"{label(p)} {year}" for p in missing)
        held = ", ".join(short(p) for p in QUARTERS if p in quarters) or "belum ada"
        runs = "; ".join(f"iku report --triwulan {quarter_number(p)}" for p in missing)
        where = f" {history}" if history else ""
        raise QuarterMissing(
            f"{names} belum tercatat di riwayat{where} (triwulan {year} yang tercatat: "
            f"{held}), padahal {why}. Buat dulu laporan triwulan itu dari isiannya ({runs}); "
            "laporan yang sah (bukan draft) tercatat otomatis. Laporan TIDAK dibuat.")
    return {p: quarter_figures(master, quarters[p]) for p in periods}


def earlier_quarters(master: Master, quarters: Mapping, quarter: int,
                     history: str = "") -> dict[str, Figures]:
    """TW1 … TW(n−1) of the year, each required (their figures add to the year so far)."""
    if quarter == 1:
        return {}
    why = (f"angka s.d. {short(quarter_period(quarter))} dihitung dari triwulan-triwulan "
           "sebelumnya")
    return require_quarters(master, quarters, QUARTERS[:quarter - 1], why, history)


@dataclass(frozen=True)
class YearInputs:
    """The year's inputs built from its four recorded quarters."""

    values: pd.DataFrame  # compute.VALUE_COLUMNS; analysis: TW IV's Kendala and Tindak lanjut
    sources: dict[str, str]  # Kode → "Angka tahun: jumlah TW I–IV (akumulasi)" …
    prints: dict[str, str]  # unit → fingerprint of its four quarters' workbooks
    versions: dict[str, int]  # TW1 … → the version used


def year_inputs(master: Master, quarters: Mapping, history: str = "") -> YearInputs:
    """The year from TW I–IV (``iku report --dari-triwulan``); QuarterMissing when a
    quarter was never recorded."""

    figures = require_quarters(master, quarters, QUARTERS,
                               "angka tahunan diambil dari keempat triwulan", history)
    pairs = [(unit, ind.code) for ind in master.indicators for unit in ind.reporting_units]
    rolled = roll_up(master, figures, 4, [p for p in pairs if p in figures["TW4"]])
    # the units' Analisis of the year: what they wrote at the year's end, in TW IV
    written = year_end_texts(master, quarters["TW4"])
    values = rolled.values.copy()
    values["analysis"] = [written.get((u, c), "") for u, c in zip(values["unit"],
                                                                  values["code"], strict=True)]
    sources = {}
    for ind in master.indicators:
        gaps = sorted({p for (unit, code), ps in rolled.gaps.items() if code == ind.code
                       for p in ps})
        text = f"Angka tahun {master.agency.year}: {rule_text(ind, 4)} (akumulasi triwulan)"
        if gaps:
            text += f"; {', '.join(short(p) for p in gaps)} tidak tercatat untuk indikator ini"
        sources[ind.code] = text
    prints = {}
    for unit in master.reporting_units:
        parts = []
        for p in QUARTERS:
            for rec in quarters[p].snapshot.indicators:
                parts += [u.submission_fingerprint for u in rec.contributions
                          if u.unit == unit.code and u.submission_fingerprint]
        if parts:
            prints[unit.code] = fingerprint("\n".join(dict.fromkeys(parts)))
    versions = {p: quarters[p].info.version for p in QUARTERS}
    return YearInputs(values, sources, prints, versions)


def notes_text(obstacles: str, follow_up: str) -> str:
    """A quarter's Kendala and Tindak lanjut as one text: ``Kendala: …; Tindak lanjut: …``
    (either left out when empty)."""
    parts = [(label, text.strip()) for label, text in (("Kendala", obstacles),
                                                        ("Tindak lanjut", follow_up))]
    return "; ".join(f"{label}: {text}" for label, text in parts if text)


def split_notes(text: str) -> tuple[tuple[str, str], ...]:
    """The inverse of ``notes_text``: ((label, text), …) of a text it wrote ("Kendala",
    "Tindak lanjut"); a text it did not write is one part without a label."""
    rest, parts = text.strip(), []
    for name in ("Kendala", "Tindak lanjut"):
        if rest.startswith(f"{name}: "):
            body = rest[len(name) + 2:]
            cut = body.find("; Tindak lanjut: ") if name == "Kendala" else -1
            parts.append((name, body if cut < 0 else body[:cut]))
            rest = "" if cut < 0 else body[cut + 2:]
    if rest or not parts:
        return (*parts, ("", rest)) if rest else (("", text.strip()),)
    return tuple(parts)


def year_end_texts(master: Master, stored) -> dict[tuple[str, str], str]:
    """(unit, Kode) → the Kendala and Tindak lanjut a unit wrote in a recorded quarter (TW
    IV, for the year built from the quarters: the units' Analisis of the year)."""
    records = {rec.key: rec for rec in stored.snapshot.indicators}
    out = {}
    for ind in master.indicators:
        rec = next((records[k] for k in (ind.code, *ind.old_codes) if k in records), None)
        for u in rec.contributions if rec is not None else ():
            text = notes_text(u.obstacles, u.follow_up)
            if text:
                out[(u.unit, ind.code)] = text
    return out


def quarter_names(n: int) -> str:
    """``Triwulan II`` (for titles)."""
    return f"Triwulan {roman(n)}"


def quarter_snapshot(master: Master, results, submissions: Mapping[str, str],
                     template: bytes, values: pd.DataFrame):
    """What a quarter records (``QuarterResults`` → ``RunSnapshot`` of period TWn):
    ``submissions`` maps each unit to the fingerprint of its workbook; ``values`` are the
    quarter's accepted figures (``validate``), which the units' figures are taken from."""

    typed = {(r["unit"], r["code"]): r for r in values.to_dict("records")}
    records = []
    for ind in master.indicators:
        q = results.indicators[ind.code]
        r = results.cumulative.indicators[ind.code]
        units = []
        for c in r.contributions:  # the units in master order; their own quarter figures
            row = typed.get((c.unit, ind.code))
            if row is None:
                continue
            texts = results.texts.get((c.unit, ind.code), {})
            units.append(UnitFigure(
                c.unit, _number(row["x1"]), _number(row["x2"]), _text(row.get("note")),
                submissions.get(c.unit, ""), "", texts.get("obstacles", ""),
                texts.get("follow_up", "")))
        records.append(IndicatorRecord(
            key=ind.code, code=ind.code, kind=ind.kind.value, name=ind.name,
            unit_of_measure=ind.unit_of_measure, target=q.target,
            realisation=r.realisation, realisation_label=r.label,
            achievement=q.achievement, predikat=q.band.grade if q.band else None,
            status=r.status.value, kode_lama=tuple(ind.old_codes),
            contributions=tuple(units)))
    text = master.source_text
    return RunSnapshot(
        agency_key=master_key(master), agency_name=master.agency.name,
        year=master.agency.year, indicators=tuple(records), period=results.period,
        source="report", master_text=text, master_fingerprint=fingerprint(text) if text else "",
        template=template, template_fingerprint=fingerprint(template) if template else "")


def _number(v):
    import math

    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    return v if isinstance(v, str) else float(v)


def _text(v) -> str:
    import math

    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return str(v)


def recorded_earlier(master: Master, quarters: Mapping, quarter: int
                     ) -> tuple[dict[str, Figures], list[str]]:
    """The earlier quarters' figures that are recorded, and a line (Indonesian) for each
    that is not: for workbooks and validation, which go on without them (the report
    refuses, ``earlier_quarters``)."""
    year = master.agency.year
    found, missing = {}, []
    for period in QUARTERS[:quarter - 1]:
        if period in quarters:
            found[period] = quarter_figures(master, quarters[period])
        else:
            missing.append(f"{label(period)} {year} belum tercatat di riwayat: kolom "
                           f"{short(period)} berisi — dan laporan Triwulan {roman(quarter)} "
                           f"baru dapat dibuat setelah laporan {short(period)} dibuat "
                           f"(iku report --triwulan {quarter_number(period)})")
    return found, missing
