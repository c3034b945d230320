"""What a recorded version holds for the documents of its year, and the differences
between two versions said in a clerk's words.

A signed (locked) year is more than its printed ratios (issue 18 §2): the report prints
every unit's x1 and x2, every Catatan, the names, targets and texts of the master; the
LKjIP chapter prints the units' Analisis; the quarterly reports print Kendala and Tindak
lanjut. ``signed_content`` is all of that as one plain structure and
``content_fingerprint`` its sha256: two versions with the same fingerprint print the
same. What is left out is what no document prints: the submissions' file fingerprints
(a workbook saved again with the same figures is the same content), when and how a
version was recorded, and YAML comments (the master counts as what it parses to).

``compare(before, after)`` is the one home of "what changed between two versions"
(``Comparison``: new and gone indicators, each field and each unit's x1, x2, texts and
workbook that differ); ``differences(locked, new)`` words it, in Indonesian, for a lock's
refusal, and ``table.version_changes`` sums it up in one cell of ``iku riwayat --versi``.
``differences`` lists per indicator its
definition and figures, per unit its x1, x2 and texts, the master outside the indicators'
own fields (``master_changes``), and what the caller adds (the template, the history
appendix: ``series_differences``). The runner's ``signed`` stage refuses a locked year
when it finds any line (docs/RIWAYAT.md, "What a lock covers").

``figures_key`` is the narrower content a later period is built from (the figures,
without texts): ``stale`` uses it to tell a re-recorded period that changed from one
saved again.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from typing import Any

from ..domain.master import parse_master
from ..domain.numfmt import fmt_number
from ..errors import MasterError
from .model import IndicatorRecord, RunSnapshot, Series, UnitFigure, fingerprint, is_number

# The fields of an indicator the records compare themselves; the master's comparison
# leaves them out so that a changed target is said once.
_RECORDED = frozenset({"kode", "nama", "jenis", "satuan", "target", "kode_lama"})
_MAX_MASTER_LINES = 12


def signed_content(snap: RunSnapshot) -> dict[str, Any]:
    """Everything the documents of this version print, as JSON-able data."""
    return {
        "agency": snap.agency_name,
        "year": snap.year,
        "period": snap.period,
        "master": master_content(snap.master_text),
        "indicators": [_record(rec) for rec in snap.indicators],
    }


def content_fingerprint(snap: RunSnapshot) -> str:
    return fingerprint(json.dumps(signed_content(snap), sort_keys=True, ensure_ascii=False))


def same_content(a: RunSnapshot, b: RunSnapshot) -> bool:
    return content_fingerprint(a) == content_fingerprint(b)


def figures_key(records: tuple[IndicatorRecord, ...]) -> str:
    """The figures of a version (no texts): what a later period reads from it."""
    rows = [[rec.key, rec.code, rec.kind, rec.unit_of_measure, _json(rec.target),
             rec.realisation, rec.realisation_label, rec.achievement, rec.predikat,
             rec.status, list(rec.kode_lama),
             [[u.unit, u.x1, u.x2] for u in rec.contributions]] for rec in records]
    return fingerprint(json.dumps(rows, ensure_ascii=False))


def master_content(text: str) -> Any:
    """A master's text as what it parses to (comments and layout do not count); the
    text's fingerprint when it does not parse (an older master), "" when none."""
    if not text:
        return ""
    try:
        return parse_master(text).model_dump(mode="json", by_alias=True)
    except MasterError:
        return {"teks": fingerprint(text)}


def _record(rec: IndicatorRecord) -> dict[str, Any]:
    data = asdict(rec)
    data["contributions"] = [_unit(u) for u in rec.contributions]
    data["target"] = _json(rec.target)
    return data


def _unit(u: UnitFigure) -> dict[str, Any]:
    data = asdict(u)
    del data["submission_fingerprint"]
    return data


def _json(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


# --- in words ------------------------------------------------------------------------------

_INDICATOR_FIELDS = (  # (label, attribute) as a clerk reads them
    ("nama", "name"), ("jenis", "kind"), ("satuan", "unit_of_measure"), ("target", "target"),
    ("realisasi", "realisation"), ("realisasi", "realisation_label"),
    ("capaian", "achievement"), ("predikat", "predikat"), ("status", "status"),
    ("capaian tahun lalu", "previous_achievement"),
    ("realisasi tahun lalu", "previous_realisation"),
    ("keterangan asal angka", "derivation"),
)
_UNIT_TEXTS = (("Catatan", "note"), ("Analisis", "analysis"), ("Kendala", "obstacles"),
               ("Tindak lanjut", "follow_up"))


@dataclass(frozen=True)
class Change:
    """One field that differs between two versions: its label as a clerk reads it."""

    label: str
    attr: str
    before: Any
    after: Any


@dataclass(frozen=True)
class UnitChanges:
    """What differs for one unit of an indicator between two versions."""

    unit: str
    values: tuple[Change, ...] = ()  # x1, x2
    texts: tuple[str, ...] = ()  # the labels of the texts that differ (Catatan, …)
    refiled: bool = False  # its workbook's fingerprint differs
    new: bool = False  # the unit is not in the earlier version


@dataclass(frozen=True)
class IndicatorChanges:
    """An indicator of the later version: new, or with what differs."""

    code: str
    new: bool = False  # not in the earlier version
    fields: tuple[Change, ...] = ()
    units: tuple[UnitChanges, ...] = ()  # only the units that differ
    units_gone: tuple[str, ...] = ()  # in the earlier version only


@dataclass(frozen=True)
class Comparison:
    """Two versions compared, in the later version's indicator order: the one home of
    "what changed" (``differences`` words it for a lock's refusal,
    ``table.version_changes`` in one cell of ``iku riwayat --versi``)."""

    indicators: tuple[IndicatorChanges, ...]  # new ones and those that differ
    gone: tuple[str, ...]  # Kode of the indicators of the earlier version only


def compare(before: RunSnapshot, after: RunSnapshot) -> Comparison:
    old = {r.key: r for r in before.indicators}
    changed = []
    for rec in after.indicators:
        was = old.get(rec.key)
        if was is None:
            changed.append(IndicatorChanges(rec.code, new=True))
            continue
        fields = tuple(Change(label, attr, getattr(was, attr), getattr(rec, attr))
                       for label, attr in _INDICATOR_FIELDS
                       if not _same(getattr(was, attr), getattr(rec, attr)))
        units, gone = _units_compared(was, rec)
        if fields or units or gone:
            changed.append(IndicatorChanges(rec.code, False, fields, units, gone))
    keys = {r.key for r in after.indicators}
    return Comparison(tuple(changed),
                      tuple(r.code for r in before.indicators if r.key not in keys))


def _units_compared(before: IndicatorRecord, rec: IndicatorRecord
                    ) -> tuple[tuple[UnitChanges, ...], tuple[str, ...]]:
    was = {u.unit: u for u in before.contributions}
    out = []
    for u in rec.contributions:
        w = was.get(u.unit)
        if w is None:
            out.append(UnitChanges(u.unit, new=True))
            continue
        values = tuple(Change(key, key, getattr(w, key), getattr(u, key))
                       for key in ("x1", "x2") if not _same(getattr(w, key), getattr(u, key)))
        texts = tuple(label for label, attr in _UNIT_TEXTS if getattr(w, attr) != getattr(u, attr))
        refiled = w.submission_fingerprint != u.submission_fingerprint
        if values or texts or refiled:
            out.append(UnitChanges(u.unit, values, texts, refiled))
    now = {u.unit for u in rec.contributions}
    return tuple(out), tuple(unit for unit in was if unit not in now)


def differences(locked: RunSnapshot, new: RunSnapshot) -> list[str]:
    """Each difference of ``new`` from the signed ``locked`` version that a document of
    the year would print, one Indonesian line each (the master's lines last)."""
    master_changed = master_content(locked.master_text) != master_content(new.master_text)
    found = compare(locked, new)
    lines = []
    for ind in found.indicators:
        if ind.new:
            lines.append(f"indikator {ind.code} tidak ada di versi yang ditandatangani")
            continue
        figures = [f"{c.label} {_show(c.before)} → {_show(c.after)}" for c in ind.fields]
        units = _unit_lines(ind)
        if not figures and not units:
            continue
        if not figures:
            lines.append(f"indikator {ind.code}: {'; '.join(units)}; realisasi dan capaiannya "
                         "tetap, tetapi isian unit tercetak di laporan yang ditandatangani")
            continue
        why = units or (["master berubah"] if master_changed else [])
        lines.append(f"indikator {ind.code}: {'; '.join(figures)}"
                     + (f" ({'; '.join(why)})" if why else ""))
    lines += [f"indikator {code} ada di versi yang ditandatangani tetapi tidak di master"
              for code in found.gone]
    if locked.agency_name != new.agency_name:
        lines.append(f"nama instansi {_show(locked.agency_name)} → {_show(new.agency_name)}")
    lines += master_changes(locked.master_text, new.master_text)
    return lines


def _unit_lines(ind: IndicatorChanges) -> list[str]:
    """Each unit's changed x1/x2 (and why) and texts, in the new record's unit order."""
    out = []
    for u in ind.units:
        if u.new:
            out.append(f"unit {u.unit} tidak ada di versi yang ditandatangani")
            continue
        if u.values:
            how = "berkas isiannya berbeda" if u.refiled else "angkanya berbeda"
            changed = ", ".join(f"{c.label} {_show(c.before)} → {_show(c.after)}"
                                for c in u.values)
            out.append(f"isian unit {u.unit} berubah ({how}): {changed}")
        if u.texts:
            out.append(f"{_join(list(u.texts))} unit {u.unit} berubah")
    out += [f"unit {unit} ada di versi yang ditandatangani tetapi tidak sekarang"
            for unit in ind.units_gone]
    return out


def master_changes(old_text: str, new_text: str) -> list[str]:
    """What the master says differently, by its own keys (``instansi › tugas``), outside
    the indicators' recorded fields; at most ``_MAX_MASTER_LINES`` lines."""
    if not old_text or not new_text or old_text == new_text:
        return []
    a, b = master_content(old_text), master_content(new_text)
    if a == b:
        return []
    if "teks" in a or "teks" in b:  # an older master that no longer parses
        return ["master berbeda dari yang dipakai laporan yang ditandatangani"]
    found: list[str] = []
    _walk(a, b, [], found)
    if len(found) > _MAX_MASTER_LINES:
        rest = len(found) - _MAX_MASTER_LINES + 1
        found = found[:_MAX_MASTER_LINES - 1] + [f"… dan {rest} perubahan lain di master"]
    return [f"master: {line}" for line in found]


def _walk(a: Any, b: Any, path: list[str], out: list[str]) -> None:
    if isinstance(a, dict) and isinstance(b, dict):
        inside_indicator = bool(path) and path[-1].startswith("indikator ")
        for key in [*b, *(k for k in a if k not in b)]:
            if inside_indicator and key in _RECORDED:
                continue
            if key not in a:
                out.append(f"{_path(path + [key])} ditambahkan")
            elif key not in b:
                out.append(f"{_path(path + [key])} dihapus")
            else:
                _walk(a[key], b[key], path + [key], out)
        return
    if isinstance(a, list) and isinstance(b, list) and _keyed(a) and _keyed(b):
        name = path[-1] if path else ""
        olds, news = _by_id(a, name), _by_id(b, name)
        for ident, item in news.items():
            if ident not in olds:
                out.append(f"{_path(path[:-1] + [ident])} ditambahkan")
            else:
                _walk(olds[ident], item, path[:-1] + [ident], out)
        for ident in olds.keys() - news.keys():
            out.append(f"{_path(path[:-1] + [ident])} dihapus")
        return
    if a != b:
        if isinstance(a, str | int | float | None) and isinstance(b, str | int | float | None):
            out.append(f"{_path(path)} {_show(a)} → {_show(b)}")
        else:
            out.append(f"{_path(path)} berubah")


def _keyed(items: list) -> bool:
    return bool(items) and all(isinstance(i, dict) and ("kode" in i or "no" in i)
                               for i in items)


def _by_id(items: list[dict], name: str) -> dict[str, dict]:
    word = {"sasaran": "sasaran", "indikator": "indikator", "unit": "unit"}.get(name, name)
    out = {}
    for i, item in enumerate(items):
        ident = item.get("kode", item.get("no", i + 1))
        out[f"{word} {ident}"] = item
    return out


def _path(parts: list[str]) -> str:
    return " › ".join(parts)


def series_differences(signed: Series | None, now: Series | None) -> list[str]:
    """The years of the history appendix whose figures differ from what the signed report
    printed (one of them was recorded again since)."""
    if signed is None or now is None:
        return []

    def by_year(series: Series) -> dict[int, list]:
        out: dict[int, list] = {}
        for ind in series.indicators:
            for fig in ind.figures:
                out.setdefault(fig.year, []).append(fig.record)
        return {y: sorted(records, key=lambda r: r.key) for y, records in out.items()}

    a, b = by_year(signed), by_year(now)
    years = sorted(y for y in a.keys() | b.keys() if a.get(y) != b.get(y))
    return [f"lampiran riwayat: angka tahun {y} berbeda dari yang dicetak di laporan yang "
            f"ditandatangani (tahun {y} dicatat ulang sejak itu)" for y in years]


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " dan " + parts[-1]


def _same(a: Any, b: Any) -> bool:
    if is_number(a) and is_number(b):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
    return a == b


def _show(x: Any) -> str:
    if x is None or x == "":
        return "-"
    if isinstance(x, bool):
        return str(x)
    if is_number(x):
        return fmt_number(x, decimals=4)
    if isinstance(x, tuple | list):
        return "–".join(_show(v) for v in x)
    text = " ".join(str(x).split())
    return f"«{text if len(text) <= 40 else text[:37] + '…'}»"
