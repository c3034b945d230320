"""Check the submissions against the master and gather every problem in one pass.

Takes data (the master and what the reader found), returns data: the accepted counts
(the rows ``compute`` reads, and as a pandas DataFrame when asked) plus the list of
problems. Rows are matched by Kode, never by position. Nothing here raises for bad
input.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from operator import itemgetter
from pathlib import Path
from typing import Any

import pandas as pd

from ..compute import VALUE_COLUMNS
from ..domain import spec
from ..domain.kinds import Accumulation, InputRule, Merge
from ..domain.master import Indicator, Master, Unit
from ..domain.periods import ANNUAL, PERIODS, is_quarter, quarter_number, roman
from ..domain.periods import label as period_label
from ..errors import Problem, Severity, UsageError
from ..reasons import Reason as R  # short: keeps each check on its line
from .reader import ReadResult, Row, Submission, read_folder


@dataclass
class Validated:
    # one per accepted (unit, code): its values in compute.VALUE_COLUMNS order, as
    # ``compute`` reads them (``values``: the same rows as a frame)
    lines: list[tuple]
    problems: list[Problem] = field(default_factory=list)
    invalid: frozenset[tuple[str, str]] = frozenset()  # (unit, code) with rejected values
    files: int = 0
    submissions: list[Submission] = field(default_factory=list)  # every file read
    # a quarter's texts: (unit, Kode) → {"obstacles": Kendala, "follow_up": Tindak lanjut}
    texts: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(p.blocking for p in self.problems)

    @cached_property
    def values(self) -> pd.DataFrame:
        """``lines`` as a frame, columns compute.VALUE_COLUMNS, made when first asked for.
        The annual report's ``compute`` reads ``lines``: a frame made for each agency and
        taken apart again at once cost a tenth of read, validate and compute together
        (issue 25: 3.73-3.80x the calamine floor with it, 3.39-3.46x without, in
        alternating runs)."""
        return pd.DataFrame(self.lines, columns=VALUE_COLUMNS)


def validate(
    master: Master, read: ReadResult, prior_x2: Mapping[tuple[str, str], float] | None = None,
    period: str = ANNUAL, earlier: Mapping[str, Mapping] | None = None,
) -> Validated:
    """Check every submission; ``prior_x2`` gives, by (unit, Kode), the x2 the history holds
    for kinds whose x2 is last year's value (it replaces what the workbook shows).

    ``period``: the round being processed (``tahunan`` or ``TW1`` … ``TW4``): a workbook
    of another round is refused; ``earlier``: a quarter's earlier quarters' figures
    (``quarter.rollup.Figures`` by period), to warn about a year so far that goes down."""
    problems = list(read.problems)
    invalid: set[tuple[str, str]] = set()
    indicators = master.indicators  # a list made by the property: made once here
    by_unit = _indicators_by_unit(indicators)
    units = master.reporting_units  # made by the property: once here
    accepted = _accepted_submissions(master, units, read.submissions, problems, period)
    _missing_units(master, units, by_unit, accepted, read, problems, invalid,
                   quarter_number(period))
    records: list[dict[str, Any]] = []
    prepared: dict[str, _Prepared] = {}  # ``_per_indicator``'s, for this master
    for sub in accepted.values():
        mine = by_unit.get(sub.unit, [])
        records += _check_rows(master, sub, problems, invalid, prior_x2 or {},
                               quarter_number(period), mine, prepared)
        _outdated_template(master, sub, problems, mine, prepared)
    _check_totals(indicators, records, accepted, problems, invalid)
    if is_quarter(period):
        _check_trend(master, records, accepted, problems, period, earlier or {})
    lines = list(map(_LINE, records))
    texts = {(r["unit"], r["code"]): r["texts"] for r in records if r["texts"]}
    problems.sort(key=_reading_order)
    return Validated(lines, problems, frozenset(invalid), read.files, list(read.submissions),
                     texts)


# a record of ``_check_rows`` as a line of ``Validated.lines``: its values in VALUE_COLUMNS
# order, one tuple
_LINE = itemgetter(*VALUE_COLUMNS)


def _indicators_by_unit(indicators: list[Indicator]) -> dict[str, list[Indicator]]:
    """``master.indicators_of`` of every unit, in one pass over the master's
    ``indicators``."""
    by_unit: dict[str, list[Indicator]] = {}
    for ind in indicators:
        for unit in ind.reporting_units:
            mine = by_unit.setdefault(unit, [])
            if not mine or mine[-1] is not ind:  # a unit named twice: the indicator once
                mine.append(ind)
    return by_unit


def _reading_order(p: Problem) -> tuple:
    """Errors before warnings; then by file, sheet, and cell row by row."""
    match = re.fullmatch(r"([A-Z]+)(\d+)", p.cell)
    cell = (int(match.group(2)), len(match.group(1)), match.group(1)) if match else (0, 0, "")
    return (not p.blocking, p.file, p.sheet, cell)


# --- files ----------------------------------------------------------------------------


def _accepted_submissions(
    master: Master, reporting: list[Unit], subs: list[Submission], problems: list[Problem],
    period: str = ANNUAL,
) -> dict[str, Submission]:
    """One submission per reporting unit (``reporting``: ``master.reporting_units``); files
    of another agency/year/round/unit are refused."""
    agency, year = master.agency, str(master.agency.year)
    units = {u.code for u in reporting}
    by_unit: dict[str, list[Submission]] = {}
    for sub in subs:
        meta = sub.meta
        err = None
        theirs = meta.get(spec.PERIOD_KEY) or ANNUAL  # older workbooks: the year-end round
        if meta.get("tahun") != year and (theirs == period == ANNUAL):
            err = (
                R.META_YEAR,
                f"templat ini untuk tahun {meta.get('tahun') or '(kosong)'}, sedangkan laporan "
                f"untuk tahun {year}; minta unit mengisi templat tahun {year}",
            )
        elif meta.get("tahun") != year:
            err = (
                R.META_YEAR,
                f"templat ini untuk {_round(theirs)} tahun {meta.get('tahun') or '(kosong)'}, "
                f"sedangkan yang sedang diolah {_round(period)} tahun {year}; minta unit "
                f"mengisi templat {_round(period)} tahun {year} ({_templates_cmd(period)})",
            )
        elif theirs != period:
            err = _other_round(theirs, period, year)
        elif meta.get("instansi") != agency.name:
            err = (
                R.META_AGENCY,
                f"templat ini milik instansi lain ('{meta.get('instansi') or '(kosong)'}'); "
                f"gunakan templat {agency.name}",
            )
        elif sub.unit not in units:
            err = (
                R.META_UNIT,
                f"kode unit '{sub.unit or '(kosong)'}' di metadata tidak dikenal di master "
                f"(unit pelapor: {', '.join(sorted(units))}); gunakan templat asli",
            )
        if err:
            problems.append(
                Problem(Severity.ERROR, err[0], err[1], sub.file, spec.META_SHEET, unit=sub.unit)
            )
            continue
        by_unit.setdefault(sub.unit, []).append(sub)
    accepted = {}
    for unit, group in by_unit.items():
        if len(group) > 1:
            names = ", ".join(s.file for s in group)
            for sub in group:
                problems.append(
                    Problem(
                        Severity.ERROR,
                        R.DUPLICATE_UNIT,
                        f"ada {len(group)} berkas untuk unit {unit}: {names}; "
                        "sisakan satu berkas saja di folder isian",
                        sub.file,
                        unit=unit,
                    )
                )
            continue
        accepted[unit] = group[0]
    return accepted


def _missing_units(
    master: Master,
    reporting: list[Unit],
    by_unit_indicators: dict[str, list[Indicator]],
    accepted: dict[str, Submission],
    read: ReadResult,
    problems: list[Problem],
    invalid: set[tuple[str, str]],
    quarter: int | None = None,
) -> None:
    """Every reporting unit without an accepted workbook: refused (say which file and
    why) or missing. Its indicators are marked invalid ("tidak sah" in a draft) when a
    file of it was refused, so nobody reads "belum diisi" for a file that was sent. In a
    quarter none of a unit's indicators is measured in (``diukur_triwulan``), its workbook
    is not needed: it may send one for its Kendala and Tindak lanjut, or none.
    ``reporting``: ``master.reporting_units``; ``by_unit_indicators``: each one's
    ``master.indicators_of``."""
    read_units = {s.unit for s in read.submissions}
    by_unit: dict[str, list[Problem]] = defaultdict(list)
    unplaced = []
    for refusal in read.refused:
        units = [refusal.unit] if refusal.unit else _units_named_in(master, refusal.file)
        for unit in units:
            by_unit[unit].append(refusal)
        if not units:
            unplaced.append(refusal)
    for unit in reporting:
        if unit.code in accepted:
            continue
        mine = by_unit_indicators[unit.code]
        if quarter is not None and not any(i.measured_in(quarter) for i in mine):
            if not by_unit[unit.code]:
                continue  # nothing asked of it this quarter (a refused file is still said)
        codes = [i.code for i in mine]
        if unit.code in read_units or by_unit[unit.code]:
            invalid.update((unit.code, code) for code in codes)
        if unit.code in read_units:
            continue  # its file was read and refused above, with the reason
        refusals = by_unit[unit.code]
        if refusals:
            why = "; ".join(f"'{p.file}' ditolak: {_first_clause(p.message)}" for p in refusals)
            problems.append(Problem(
                Severity.ERROR, R.UNIT_REFUSED,
                f"isian unit {unit.code} ({unit.name}) sudah dikirim tetapi ditolak ({why}); "
                f"indikator {', '.join(codes)} tidak dapat dihitung sampai berkas itu "
                "diperbaiki (lihat galat berkas tersebut) dan dikirim ulang",
                unit=unit.code))
            continue
        hint = ""
        if unplaced:
            names = ", ".join(f"'{p.file}'" for p in unplaced)
            hint = (f" (berkas yang ditolak dan belum diketahui unitnya: {names}; bila salah "
                    "satunya milik unit ini, perbaiki berkas itu)")
        problems.append(
            Problem(
                Severity.ERROR,
                R.UNIT_MISSING,
                f"unit {unit.code} ({unit.name}) belum mengirim isian{hint}; "
                "letakkan berkasnya di folder isian",
                unit=unit.code,
            )
        )


def _round(period: str) -> str:
    return period_label(period) if period in PERIODS else f"periode '{period}'"


def _templates_cmd(period: str) -> str:
    n = quarter_number(period)
    return f"iku templates --triwulan {n}" if n else "iku templates"


def _other_round(theirs: str, period: str, year: str) -> tuple[R, str]:
    """A workbook of another round of the same year: which it is, which is processed, and
    what to do."""
    here = f"{_round(period)} {year}"
    if theirs not in PERIODS:
        return (R.QUARTER_OTHER, f"periode '{theirs}' di metadata tidak dikenal, sedangkan yang "
                f"sedang diolah {here}; gunakan templat asli ({_templates_cmd(period)})")
    there = f"{_round(theirs)} {year}"
    if period == ANNUAL:
        n = quarter_number(theirs)
        return (R.ANNUAL_QUARTER, f"templat ini untuk {there}, sedangkan yang sedang diolah "
                f"{here}; berkas triwulan diolah dengan `iku report --triwulan {n}`. Untuk "
                "laporan tahunan minta unit mengisi templat tahunan (iku templates), atau "
                "ambil angka tahun dari keempat triwulan (iku report --dari-triwulan)")
    if theirs == ANNUAL:
        return (R.QUARTER_ANNUAL, f"templat ini untuk {there}, sedangkan yang sedang diolah "
                f"{here}; minta unit mengisi templat {_round(period)} "
                f"({_templates_cmd(period)})")
    n = quarter_number(theirs)
    return (R.QUARTER_OTHER, f"templat ini untuk {there}, sedangkan yang sedang diolah {here}; "
            f"minta unit mengisi templat {_round(period)} ({_templates_cmd(period)}), atau "
            f"olah berkas ini pada laporan {_round(theirs)} (iku report --triwulan {n})")


def _units_named_in(master: Master, file: str) -> list[str]:
    """Units whose code appears as a word in a file name (Isian_IKU_2021_POLITIK.xlsx)."""
    stem = file.rsplit(".", 1)[0].casefold()
    return [u.code for u in master.reporting_units
            if re.search(rf"(?<![0-9a-z]){re.escape(u.code.casefold())}(?![0-9a-z])", stem)]


def _first_clause(message: str) -> str:
    return message.split(";", 1)[0]


def _outdated_template(master: Master, sub: Submission, problems: list[Problem],
                       indicators: list[Indicator], prepared: dict[str, _Prepared]) -> None:
    """A workbook made from an older master (its ``sidik_definisi`` differs from the
    definitions the master gives the unit now): one problem saying what changed, in place
    of per-row complaints that would blame the unit for edits it did not make."""
    recorded = sub.meta.get("sidik_definisi")
    # the input rules _check_rows already made for the unit's indicators
    if not recorded or recorded == spec.definition_fingerprint(
            master, sub.unit, inputs=lambda ind: _per_indicator(ind, prepared)[1],
            indicators=indicators):
        return
    mine = [p for p in problems if p.file == sub.file and p.code in _EXPLAINED_BY_OLD_TEMPLATE]
    for p in mine:
        problems.remove(p)
    expected = {i.code: i for i in indicators}
    shown = {r.code: r for r in sub.rows if not _blank(r.code)}
    added = [c for c in expected if c not in shown]
    removed = [_show(c) for c in shown if c not in expected]
    edited = []
    for code, ind in expected.items():
        row = shown.get(code)
        if row is None:
            continue
        labels = [spec.COLUMNS[spec.COLUMN_INDEX[key]].label
                  for key, text, wanted in zip(spec.SHOWN_KEYS, row.shown,
                                               spec.shown_definition(ind), strict=True)
                  if " ".join(_show(text).split()) != " ".join(wanted.split())]
        if labels:
            edited.append(f"{code} ({', '.join(labels)})")
    changes = []
    if added:
        changes.append(f"indikator baru: {', '.join(added)}")
    if removed:
        changes.append(f"indikator yang tidak ada lagi: {', '.join(removed)}")
    if edited:
        changes.append(f"teks berubah: {'; '.join(edited)}")
    if not changes:
        changes.append("perubahannya tidak tampak pada teks, mis. target atau jenis indikator")
    blocking = bool(added or removed)
    then = ("angka unit belum lengkap: minta unit mengisi templat terbaru dari sekretariat"
            if blocking else "angka tetap dibaca; pastikan unit mengisinya sesuai definisi "
            "terbaru, atau kirimkan templat terbaru")
    problems.append(Problem(
        Severity.ERROR if blocking else Severity.WARNING, R.TEMPLATE_OUTDATED,
        f"templat versi lama: berkas ini dibuat dari master sebelum definisi indikator "
        f"unit {sub.unit} diubah ({'; '.join(changes)}); {then}",
        sub.file, spec.META_SHEET, unit=sub.unit))


# ``Merge.SAME``, looked up once: on Python 3.11 reading an enum member from its class
# costs about four times comparing with it (``_check_totals`` asks it of every indicator)
_SAME = Merge.SAME

# Row problems an older template explains: reported once, as template_outdated.
_EXPLAINED_BY_OLD_TEMPLATE = {R.DEFINITION_EDITED, R.CODE_UNKNOWN, R.CODE_MISSING}


def _hidden(key: str, ref: str, fact, raw: Any) -> tuple[R, str, Severity]:
    first = fact.covered_by.split(":")[0]
    hidden = f"nilai {key} '{_show(raw)}' tersembunyi di {ref}" if not _blank(raw) else (
        f"sel {ref} sendiri kosong")
    return (R.HIDDEN_MERGED, f"{key} di {ref} tertutup sel gabungan {fact.covered_by}: yang "
            f"terlihat hanya isi {first} ('{fact.visible}'), sedangkan {hidden}; pisahkan sel "
            f"gabungan itu (Unmerge Cells), lalu periksa dan isi {key} di {ref}", Severity.ERROR)


# --- rows and cells -----------------------------------------------------------------------


def _check_rows(
    master: Master, sub: Submission, problems: list[Problem], invalid: set[tuple[str, str]],
    prior_x2: Mapping[tuple[str, str], float], quarter: int | None,
    indicators: list[Indicator], prepared: dict[str, _Prepared],
) -> list[dict[str, Any]]:
    """``indicators``: the unit's (``master.indicators_of(sub.unit)``); ``prepared``:
    ``_per_indicator``'s of this master."""
    expected = {i.code: i for i in indicators}
    seen: dict[str, Row] = {}
    records = []
    unit, file, sheet, facts = sub.unit, sub.file, sub.sheet, sub.facts  # once, not per cell

    def add(code: str, msg: str, row: Row | None = None, key: str = "", value: Any = "",
            severity: Severity = Severity.ERROR) -> None:
        cell = sub.ref(row, key) if row is not None and key else ""
        problems.append(Problem(severity, code, msg, file, sheet, cell, _show(value), unit))

    for row in sub.rows:
        code = row.code
        if _blank(code):
            add(R.CODE_BLANK, "baris berisi nilai tetapi kolom Kode kosong; jangan "
                "menyisipkan baris, isi nilai pada baris indikator yang tersedia",
                row, "code")
            continue
        code = _show(code)
        ind = expected.get(code)
        if ind is None:
            add(R.CODE_UNKNOWN, f"Kode '{code}' tidak dikenal untuk unit {unit} "
                f"(Kode yang diharapkan: {', '.join(expected)}); jangan mengubah kolom Kode",
                row, "code", code)
            continue
        if code in seen:
            add(R.CODE_DUPLICATE, f"Kode {code} muncul dua kali (juga di baris "
                f"{seen[code].row + 1}); hapus salah satu baris", row, "code", code)
            invalid.add((unit, code))
            continue
        seen[code] = row
        definition, rules = _per_indicator(ind, prepared)
        # texts as the master gives them (the usual row) hold nothing to compare one by one
        if row.shown != definition:
            for key, shown, wanted in zip(spec.SHOWN_KEYS, row.shown, definition, strict=True):
                if shown != wanted and \
                        " ".join(_show(shown).split()) != " ".join(wanted.split()):
                    label = spec.COLUMNS[spec.COLUMN_INDEX[key]].label
                    add(R.DEFINITION_EDITED, f"teks '{label}' indikator {code} berbeda dari "
                        "master (diubah di berkas ini); laporan tetap memakai teks master, "
                        "pastikan angka diisi sesuai definisi master", row, key, shown,
                        Severity.WARNING)
                    break
        ok = True
        counts: dict[str, Any] = {"x1": None, "x2": None}
        if quarter is not None and not ind.measured_in(quarter):
            rules = ()  # not measured this quarter: nothing asked (diukur_triwulan)
            _unmeasured_typed(ind, row, quarter, add)
        for rule in rules:
            key = rule.key
            raw = getattr(row, key)
            fact = facts.get(sub.ref(row, key)) if facts else None
            if key == "x2" and (unit, code) in prior_x2:
                counts[key], findings = _from_history(raw, prior_x2[(unit, code)],
                                                      master.agency.year - 1)
            elif fact and fact.error:
                counts[key], findings = None, [(R.EXCEL_ERROR, f"{key} berisi galat Excel "
                    f"{fact.error}; ganti dengan {_what(rule)}", Severity.ERROR)]
                raw = fact.error
            elif fact and fact.formula:
                counts[key], findings = None, [(R.FORMULA, f"{key} berisi rumus, bukan "
                    f"{_what(rule)}; ketik isinya langsung (nilai rumus tidak dipakai)",
                    Severity.ERROR)]
            elif fact and fact.covered_by:
                counts[key], findings = None, [_hidden(key, sub.ref(row, key), fact, raw)]
            elif fact and fact.percent and not rule.is_choice and not rule.text \
                    and _is_number(raw):
                counts[key], findings = None, [_percent_format(rule, raw)]
                raw = f"{_percent_text(raw)}%"  # what the person typed and sees
            elif rule.choices:  # ``rule.is_choice``
                counts[key], findings = _check_choice(raw, rule, ind)
            elif rule.text:
                counts[key], findings = _check_text(raw, rule, ind)
            else:
                counts[key], findings = check_number(raw, rule)
            if rule.nonzero and counts[key] == 0 and (
                    len(ind.reporting_units) == 1 or ind.merge == Merge.SAME):  # alone
                findings.append((R.X2_ZERO, X2_ZERO, Severity.ERROR))
            for reason, msg, severity in findings:
                add(reason, msg, row, key, raw, severity)
                ok = ok and severity != Severity.ERROR
        if not ok:
            invalid.add((unit, code))
            continue
        x1, x2 = counts["x1"], counts["x2"]
        note = "" if _blank(row.note) else _show(row.note).strip()
        if len(note) > MAX_NOTE:
            add(R.NOTE_TOO_LONG, f"Catatan lebih dari {MAX_NOTE} karakter; di laporan dipotong "
                f"menjadi {MAX_NOTE} karakter pertama", row, "note", note[:40] + "…",
                Severity.WARNING)
            note = note[:MAX_NOTE] + "…"
        analysis = "" if _blank(row.analysis) else _show(row.analysis).strip()
        if len(analysis) > MAX_ANALYSIS:
            add(R.ANALYSIS_TOO_LONG, f"Analisis lebih dari {MAX_ANALYSIS} karakter; di Bab III "
                f"LKjIP dipotong menjadi {MAX_ANALYSIS} karakter pertama", row, "analysis",
                analysis[:40] + "…", Severity.WARNING)
            analysis = analysis[:MAX_ANALYSIS] + "…"
        texts = {}
        for column in spec.QUARTER_TEXTS:  # a quarter's Kendala and Tindak lanjut
            text = getattr(row, column.key)
            if _blank(text):
                continue  # "" once tidied: nothing to say or keep
            text = _show(text).strip()
            if len(text) > MAX_NOTE:
                add(R.NOTE_TOO_LONG, f"{column.label} lebih dari {MAX_NOTE} karakter; di "
                    f"laporan dipotong menjadi {MAX_NOTE} karakter pertama", row, column.key,
                    text[:40] + "…", Severity.WARNING)
                text = text[:MAX_NOTE] + "…"
            if text:
                texts[column.key] = text
        records.append({"unit": unit, "code": code, "x1": x1, "x2": x2, "note": note,
                        "analysis": analysis, "row": row, "texts": texts})
    for code in expected:
        if code not in seen:
            problems.append(Problem(
                Severity.ERROR, R.CODE_MISSING,
                f"baris indikator {code} ({expected[code].name}) tidak ada di lembar "
                f"'{sub.sheet}'; gunakan templat asli dan jangan menghapus baris",
                file, sheet, unit=unit))
    return records


def _unmeasured_typed(ind: Indicator, row: Row, quarter: int, add) -> None:
    """A figure typed (through an unprotected sheet) where the indicator is not measured
    this quarter: not used, and said so."""
    for key in ("x1", "x2") if ind.asks_x2 else ("x1",):
        raw = getattr(row, key)
        if _blank(raw) or _show(raw).strip() == ind.measured_text:
            continue
        add(R.QUARTER_NOT_MEASURED, f"indikator {ind.code} tidak diukur di TW {roman(quarter)} "
            f"(master: diukur_triwulan, {ind.measured_phrase}), jadi {key} di sel ini tidak "
            "dipakai; kosongkan sel ini, atau ubah diukur_triwulan di master bila indikator "
            "ini memang diukur triwulan ini", row, key, raw, Severity.WARNING)


MAX_NOTE = 1_000  # characters of a Catatan carried into the report
MAX_ANALYSIS = 3_000  # characters of an Analisis carried into the LKjIP chapter
X2_ZERO = "x2 tidak boleh 0; x2 adalah pembagi dan harus lebih dari 0"

Finding = tuple[str, str, Severity]


def _from_history(raw: Any, value: float, year: int) -> tuple[float, list[Finding]]:
    """x2 of a kind whose x2 is last year's value, when the history has it: the history's
    value counts; a different number in the (locked) cell is reported, not used."""
    shown = None if _blank(raw) else raw
    if isinstance(shown, str):
        shown = parse_id_number(shown)
    if shown is None or (isinstance(shown, int | float) and not isinstance(shown, bool)
                         and math.isclose(float(shown), value, rel_tol=1e-12, abs_tol=1e-12)):
        return value, []
    return value, [(R.X2_HISTORY_DIFFERS, f"x2 di berkas ({_show(raw)}) berbeda dari nilai "
                    f"tahun {year} di riwayat ({_show_id(value)}); dipakai nilai riwayat. "
                    "Bila riwayat keliru, perbaiki riwayat tahun itu (iku riwayat impor)",
                    Severity.WARNING)]


def _what(rule: InputRule) -> str:
    if rule.text:
        return "teks"
    return "pilihan dari daftar" if rule.is_choice else "angka"


# An indicator's ``spec.shown_definition`` and its input rules
_Prepared = tuple[tuple[str, str, str], tuple[InputRule, ...]]


def _per_indicator(ind: Indicator, prepared: dict[str, _Prepared]) -> _Prepared:
    """``spec.shown_definition`` and the input rules of an indicator, made once per
    ``validate`` call (``prepared``: by Kode, unique in a master) and used by every unit
    reporting it and by the unit's fingerprint."""
    got = prepared.get(ind.code)
    if got is None:
        got = prepared[ind.code] = (spec.shown_definition(ind), ind.rules.inputs(ind))
    return got


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _percent_text(value: float) -> str:
    """A fraction as the percentage a person typed: 0.052 -> '5,2', 0.75 -> '75'."""
    from decimal import Decimal

    shifted = (Decimal(repr(float(value))) * 100).normalize()
    return format(shifted, "f").replace(".", ",")


def _percent_format(rule: InputRule, value: float) -> Finding:
    """A number in a percent-formatted cell (typed "75%"): refused as the text "75%" is,
    by the rule of the input (a count is never a percentage; a value is typed without
    the % sign)."""
    shown = _percent_text(value)
    where = (f"{rule.key} berisi persen '{shown}%' (sel berformat Persen, tersimpan sebagai "
             f"{_show_id(float(value))}); ")
    if rule.whole:
        fix = ("x1 dan x2 adalah jumlah (cacah), bukan persen: isi jumlahnya, mis. 3 dan 4, "
               "dengan format sel Angka (Number)")
    else:
        fix = (f"ketik angkanya saja tanpa tanda %, mis. {shown}, dengan format sel Angka "
               "(Number)")
    return R.PERCENT_FORMAT, where + fix, Severity.ERROR


def _check_choice(value: Any, rule: InputRule, ind: Indicator) -> tuple[str | None, list[Finding]]:
    """Accept one of the rule's labels (case and spaces ignored), returned as written in
    the master."""
    choices = ", ".join(rule.choices)
    if _blank(value):
        return None, [(R.BLANK, f"{rule.key} belum diisi; pilih salah satu: {choices}",
                       Severity.ERROR)]
    label = ind.rules.label(ind, _show(value)) if not isinstance(value, bool) else None
    if label is None:
        return None, [(R.NOT_CHOICE, f"{rule.key} berisi '{_show(value)}', bukan salah satu "
                       f"pilihan; pilih dari daftar: {choices}", Severity.ERROR)]
    return label, []


def _check_text(value: Any, rule: InputRule, ind: Indicator) -> tuple[str | None, list[Finding]]:
    """Accept any text (a status as the source document writes it), spaces tidied."""
    if _blank(value) or isinstance(value, bool):
        return None, [(R.BLANK, f"{rule.key} belum diisi; ketik realisasinya seperti tertulis "
                       "di dokumen sumber, mis. Terakreditasi Paripurna", Severity.ERROR)]
    return ind.rules.label(ind, value), []


def check_number(value: Any, rule: InputRule) -> tuple[float | None, list[Finding]]:
    """Accept a number as the rule allows; say why anything else is refused.

    Returns the number (None when refused) and findings as (reason, message, severity).
    """
    label = rule.key
    if value.__class__ is float:  # calamine's number: not blank, a logical value, a date
        return _check_float(value, rule, label, [])  # or text: straight to the number
    if _blank(value):
        return _refuse(R.BLANK, f"{label} belum diisi; {what_to_type(rule)}")
    if isinstance(value, bool):
        return _refuse(R.NOT_NUMBER, f"{label} berisi nilai logika ({value}); isi dengan angka")
    if isinstance(value, _DATE_TYPES):
        return _refuse(R.DATE, f"{label} berisi tanggal/waktu ({value}); isi dengan angka dan "
                      "format sel sebagai Angka")
    findings: list[tuple[str, str, Severity]] = []
    if isinstance(value, str):
        text = value.strip()
        if text.endswith("%"):
            return _refuse(R.PERCENT, f"{label} berisi persen '{_show(text)}'; " + (
                "x1 dan x2 adalah jumlah (cacah), bukan persen: isi jumlahnya, mis. 3 dan 4"
                if rule.whole else "ketik angkanya saja tanpa tanda %, mis. 5,25"))
        parsed = parse_id_number(text)
        if parsed is None:
            return _refuse(R.TEXT, f"{label} berisi teks '{_show(text)}'; isi dengan angka saja, "
                          "tanpa satuan atau tanda %")
        findings.append((R.NUMBER_AS_TEXT, f"{label} diketik sebagai teks '{text}', dibaca "
                         f"sebagai {_show_id(parsed)} (format Indonesia: titik pemisah ribuan, "
                         "koma desimal); ketik sebagai angka agar pasti", Severity.WARNING))
        value = parsed
    return _check_float(float(value), rule, label, findings)


def _check_float(number: float, rule: InputRule, label: str,
                 findings: list[Finding]) -> tuple[float | None, list[Finding]]:
    """``check_number``'s checks of a number (``label``: the input's key)."""
    if not math.isfinite(number):
        return _refuse(R.NOT_FINITE, f"{label} bukan angka yang sah; isi dengan angka")
    if number < 0 and not rule.negative:
        fix = ("isi dengan angka 0 atau lebih" if rule.zero_means_none else
               "isi dengan angka lebih dari 0" if rule.nonzero else
               "isi dengan nilai hasil pengukuran, tanpa tanda minus")
        return _refuse(R.NEGATIVE, f"{label} tidak boleh negatif; {fix}")
    if abs(number) > spec.MAX_COUNT:
        return _refuse(R.COUNT_TOO_LARGE, f"{label} terlalu besar (lebih dari 1.000.000.000); "
                      "periksa kembali angkanya")
    if rule.whole and not number.is_integer():
        return _refuse(R.NOT_INTEGER, f"{label} berisi {_show_id(number)}, bukan bilangan "
                      f"bulat; {label} adalah jumlah (cacah). Bila maksudnya ribuan, ketik "
                      "angkanya tanpa titik/koma pemisah ribuan (mis. 1234, bukan 1.234: "
                      "pemisah ribuan bisa terbaca sebagai tanda desimal)")
    return number, findings


def _refuse(reason: str, msg: str) -> tuple[None, list[Finding]]:
    return None, [(reason, msg, Severity.ERROR)]


_DATE_TYPES = (dt.date, dt.datetime, dt.time, dt.timedelta)  # made once, not per call


def what_to_type(rule: InputRule) -> str:
    """What an empty input cell needs, by its rule (Indonesian). 0 is suggested only for
    a count, where 0 means "none"; never for a divisor, nor for a measured value (an
    index, a rate), where 0 is a false figure (docs/PANDUAN.md says the same)."""
    if rule.nonzero:
        return f"isi dengan angka lebih dari 0 ({rule.key} adalah pembagi)"
    if rule.zero_means_none:
        return "isi dengan angka (0 jika tidak ada)"
    return ("isi dengan nilai hasil pengukuran; bila belum diukur, jangan diisi 0 "
            "(biarkan kosong dan beri tahu sekretariat)")


_ID_NUMBER = re.compile(r"^-?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?$")


def parse_id_number(text: str) -> float | None:
    """A number written as text in Indonesian format ('1.234', '12,5'), else None.

    Only the unambiguous Indonesian forms are read: dots group thousands in threes, a
    comma marks decimals. '12.5' or '1,234.5' are refused rather than guessed.
    """
    text = text.strip()
    if not _ID_NUMBER.match(text):
        return None
    return float(text.replace(".", "").replace(",", "."))


def _check_totals(
    indicators: list[Indicator],
    records: list[dict[str, Any]],
    accepted: dict[str, Submission],
    problems: list[Problem],
    invalid: set[tuple[str, str]],
) -> None:
    """Checks on an indicator's combined figure over its reporting units (``indicators``:
    the master's)."""
    by_code: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        by_code[record["code"]].append(record)
    for ind in indicators:
        same = ind.merge == _SAME
        rules = ind.rules  # looked up once
        if not same and not rules.asks_x2:
            continue  # one input summed over the units: nothing to check
        # a quarter the indicator is not measured in holds no figure to check
        mine = [r for r in by_code.get(ind.code, ()) if r["x1"] is not None]
        if not mine:
            continue
        if same:
            _check_same(ind, mine, accepted, problems, invalid)
            continue
        x1 = sum([r["x1"] for r in mine])
        x2 = sum([r["x2"] for r in mine])
        several = len(ind.reporting_units) > 1
        if several and x2 == 0 and len(mine) == len(ind.reporting_units):
            # Each unit's 0 is legitimate on its own; the indicator's total must not be.
            for r in mine:
                sub = accepted[r["unit"]]
                msg = (f"x2 tidak boleh 0 (jumlah x2 dari semua unit pelapor {ind.code} "
                       "adalah 0); x2 adalah pembagi dan harus lebih dari 0")
                problems.append(Problem(Severity.ERROR, R.X2_ZERO, msg, sub.file, sub.sheet,
                                        sub.ref(r["row"], "x2"), "0", sub.unit))
                invalid.add((sub.unit, ind.code))
        elif rules.is_share and ind.share_of_whole and x2 and x1 > x2:
            for r in mine:
                sub = accepted[r["unit"]]
                problems.append(Problem(
                    Severity.WARNING, R.X1_GT_X2,
                    f"x1 lebih besar dari x2 pada indikator {ind.code} (bagian tidak "
                    "mungkin melebihi keseluruhan); periksa kembali",
                    sub.file, sub.sheet, sub.ref(r["row"], "x1"), _show(r["row"].x1), sub.unit))


def _check_trend(
    master: Master,
    records: list[dict[str, Any]],
    accepted: dict[str, Submission],
    problems: list[Problem],
    period: str,
    earlier: Mapping[str, Mapping],
) -> None:
    """A quarter: PERINGATAN where an input's year so far goes down since the previous
    quarter although its ``akumulasi`` says it should not (docs/TRIWULAN.md):

    * ``jumlah``: the running total falls, i.e. the quarter's figure is negative (a
      correction of an earlier quarter typed as a negative figure);
    * ``terakhir``: a count (a whole-number input: registered organisations, staff) below
      the previous quarter's figure; decimal values (indices, rates) move both ways;
    * ``rata_rata``: never (a mean moves both ways)."""
    n = quarter_number(period)
    if not n or n == 1:
        return
    by_code = {i.code: i for i in master.indicators}
    before_periods = [f"TW{q}" for q in range(1, n)]
    for r in records:
        ind = by_code[r["code"]]
        inputs = {rule.key: rule for rule in ind.rules.inputs(ind)}
        for key, rule in ind.rollup.items():
            value, input_rule = r[key], inputs.get(key)
            if input_rule is None or input_rule.is_choice or not isinstance(value, int | float):
                continue
            index = 0 if key == "x1" else 1
            figures = [earlier.get(p, {}).get((r["unit"], r["code"])) for p in before_periods]
            if rule == Accumulation.SUM:
                shown = [f[index] for f in figures if f is not None and
                         isinstance(f[index], int | float)]
                before = sum(shown)
                if value >= 0 or not shown:
                    continue
                what = (f"{key} TW {roman(n)} berisi {_show_typed(float(value))}, sehingga total "
                        f"s.d. TW {roman(n)} turun dari {_show_typed(float(before))} menjadi "
                        f"{_show_typed(float(before + value))}; akumulasi indikator "
                        f"{ind.code} 'jumlah' menjumlahkan angka tiap triwulan, jadi isi angka "
                        "triwulan ini saja. Bila angka triwulan sebelumnya keliru, perbaiki "
                        "isian triwulan itu dan buat ulang laporannya")
            elif rule == Accumulation.LAST and input_rule.whole:
                # the latest earlier quarter with a figure (one not measured holds none)
                q, last = next(((q, f) for q, f in reversed(list(enumerate(figures, 1)))
                                if f is not None), (n - 1, None))
                if last is None or not isinstance(last[index], int | float) or \
                        value >= last[index]:
                    continue
                what = (f"{key} turun dari {_show_typed(float(last[index]))} (TW {roman(q)}) "
                        f"menjadi {_show_typed(float(value))} (TW {roman(n)}); akumulasi "
                        f"indikator {ind.code} 'terakhir': angka ini keadaan pada akhir "
                        "triwulan, yang biasanya tidak berkurang. Periksa kembali; bila memang "
                        "berkurang, abaikan peringatan ini")
            else:
                continue
            sub = accepted[r["unit"]]
            problems.append(Problem(Severity.WARNING, R.QUARTER_WENT_DOWN, what, sub.file,
                                    sub.sheet, sub.ref(r["row"], key),
                                    _show(getattr(r["row"], key)), sub.unit))


def _check_same(
    ind: Indicator,
    mine: list[dict[str, Any]],
    accepted: dict[str, Submission],
    problems: list[Problem],
    invalid: set[tuple[str, str]],
) -> None:
    """``gabung: sama``: every unit copies one city-wide figure; one GALAT names every
    cell when they do not agree."""
    for key in ("x1", "x2") if ind.asks_x2 else ("x1",):
        values = {r[key] for r in mine}
        if len(values) <= 1:
            continue
        cells = "; ".join(
            f"{accepted[r['unit']].file} › {accepted[r['unit']].sheet}!"
            f"{accepted[r['unit']].ref(r['row'], key)} = {_show_typed(r[key])}"
            for r in mine)
        first = accepted[mine[0]["unit"]]
        problems.append(Problem(
            Severity.ERROR, R.SAME_DIFFERS,
            f"{key} indikator {ind.code} harus sama di semua unit pelapor (gabung: sama: "
            f"satu angka untuk seluruh daerah), tetapi berbeda: {cells}; samakan angkanya",
            first.file, first.sheet, first.ref(mine[0]["row"], key), _show(mine[0][key]),
            first.unit))
        for r in mine:
            invalid.add((r["unit"], ind.code))


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _show_id(v: float) -> str:
    """A number with a decimal comma, no grouping and no rounding (1234.5 -> '1234,5'), so
    a message can show unambiguously how a text like '1.234' was read."""
    return str(int(v)) if v.is_integer() else repr(v).replace(".", ",")


def _show_typed(v: Any) -> str:
    """An accepted x1/x2 in a message: a number with a decimal comma ('78,04', not the
    '78.04' an Indonesian reader takes for 7804), a label as it is."""
    return _show_id(v) if isinstance(v, float) else _show(v)


def _show(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def check_inputs(master: Master, inputs: Path,
                 prior_x2: Mapping[tuple[str, str], float] | None = None,
                 period: str = ANNUAL, earlier: Mapping | None = None) -> Validated:
    """Read and validate every workbook of a folder against the master (``prior_x2``:
    x2 values the history gives; ``period`` the round; ``earlier`` a quarter's earlier
    quarters: see ``validate.validate``)."""
    inputs = Path(inputs)
    if not inputs.exists():
        raise UsageError(f"folder isian '{inputs}' tidak ada")
    if not inputs.is_dir():
        raise UsageError(f"'{inputs}' bukan folder; berikan folder yang berisi berkas .xlsx")
    return validate(master, read_folder(inputs), prior_x2, period, earlier)
