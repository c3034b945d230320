"""Earlier years into the history from a workbook: ``iku riwayat impor FILE.xlsx``.

Two layouts are read by the same rules (docs/RIWAYAT.md, "Import layout"):

* the import layout: one sheet with a header row holding the labels of ``COLUMNS``
  (Instansi, Tahun, Kode, Indikator, Jenis, Satuan, Target, Realisasi, Capaian ...), one
  row per agency, year (and period) and indicator; ``write_example`` writes an example;
  ``iku riwayat --xlsx`` writes its sheet ``Data`` in this layout too;
* a row with a Sasaran number and no Kode is that sasaran's yearly average % capaian
  (Capaian), for a year whose document gives only that; it is recorded under
  ``model.sasaran_key`` and the LKjIP chapter prints it beside the sasaran's later years;
* the city rekap ``pipeline/rekap.py`` writes (``iku report --all``): sheet ``Rekap`` has
  no Tahun column; the year comes from its title ``... TAHUN 2021``, its ``% Capaian``,
  ``Target atas (rentang)`` and ``Keterangan`` columns are read, and its rows "Rata-rata
  capaian" (no Kode) are skipped.

``read_import(path)`` is pure reading: the file passes the safety gate
(``pipeline.safety``) before python-calamine opens it; the first sheet whose header row
(within ``HEADER_SEARCH_ROWS``) has every required label is read; every bad cell becomes
a ``Problem`` (GALAT) with file › sheet › cell, all of them at once. It returns one
``RunSnapshot`` per (agency, year, period), source ``impor``.
``import_workbook(path, history_path)`` adds the checks against the history (a locked year is
a GALAT, a year already recorded a PERINGATAN: the import becomes its new current
version) and records every snapshot in one transaction, or nothing when any GALAT.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

from ..domain import spec
from ..domain.kinds import labelled_kinds
from ..domain.numfmt import fmt_count, fmt_number
from ..domain.thresholds import split_threshold, threshold_text
from ..errors import Problem, Severity
from ..intake import odf
from ..intake.cellscan import CellFact, scan_cells
from ..intake.safety import (
    MAX_CELLS,
    MAX_FILE_SIZE,
    MAX_ROWS,
    MAX_SHEET_TAGS,
    MAX_SHEETS_SIZE,
    ODS_CONTENT,
    Inspected,
    inspect_workbook,
    size_limit,
)
from ..reasons import Reason
from .model import (
    ANNUAL,
    KINDS,
    PERIODS,
    IndicatorRecord,
    RunSnapshot,
    agency_key,
    fingerprint,
    is_number,
    sasaran_key,
)
from .store import History, open_history

HEADER_SEARCH_ROWS = 30
LABEL_KINDS = labelled_kinds()  # kinds whose realisation is a label (predikat, ya_tidak)


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # as written in the header row (matched ignoring case and spacing)
    required: bool
    meaning: str  # for docs/RIWAYAT.md
    aliases: tuple[str, ...] = ()


#: The import layout, in the order ``write_example`` and the export write it.
COLUMNS = (
    Column("agency", "Instansi", True, "the agency's full name (as `instansi.nama` in its "
           "master)"),
    Column("agency_code", "Kode instansi", False, "the master's `instansi.kode`, if it has "
           "one: the history files the agency under `agency_key(name, code)`"),
    Column("year", "Tahun", True, "the year, 2000-2100 and not after the current year (a "
           "rekap without it: from its title)"),
    Column("period", "Periode", False, "`tahunan` (blank) or `TW1`-`TW4` (also `TW I`-`TW IV`)"),
    Column("code", "Kode", True, "the indicator's Kode, as in the master (e.g. `S1.1`)"),
    Column("kode_lama", "Kode lama", False, "the Kode(s) it had before a rename, if any "
           "(several separated by commas)"),
    Column("sasaran", "Sasaran", False, "on a row whose Kode is blank: the sasaran's number "
           "(`no` in the master); the row then holds that sasaran's yearly average % capaian "
           "in Capaian, for a year whose document gives only that"),
    Column("name", "Indikator", True, "the indicator's name"),
    Column("kind", "Jenis", False, "one of " + ", ".join(f"`{k}`" for k in KINDS)
           + "; blank = unknown"),
    Column("unit", "Satuan", False, "unit of measure (`%`, `dokumen`, ...)"),
    Column("target", "Target", False, "a number, `NA`, a range `80-90`, a threshold "
           "(`≥ 95`, `maksimal 5`), or a label (`WTP`)"),
    Column("target_high", "Target atas", False, "upper bound when Target is the lower bound "
           "of a range", aliases=("Target atas (rentang)",)),
    Column("realisation", "Realisasi", True, "a number (may be negative), or a label for "
           "`predikat` / `ya_tidak`; blank = no figure"),
    Column("achievement", "Capaian", True, "% capaian as a number in percent (`87,5` or "
           "`87,5%`), not an Excel percentage cell (refused, as in every number column); "
           "blank = none", aliases=("% Capaian",)),
    Column("predikat", "Predikat", False, "the predikat printed that year, if any"),
    Column("note", "Keterangan", False, "why a figure is missing (becomes the status)"),
)
REQUIRED = tuple(c for c in COLUMNS if c.required)

#: Every ``Problem.code`` this module produces (the gate's own codes aside: safety.py).
# The importer's problem codes live in pipeline/reasons.py with every other code.
REASON_CODES: dict[str, str] = {
    r.value: r.doc for r in Reason if r.stage == "import" or r == Reason.UNREADABLE_WORKBOOK}

_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$")  # master.Indicator.code
_NUMBER = re.compile(r"^[-−]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?$")  # Indonesian text
_RANGE = re.compile(r"^\s*([\d.,]+)\s*[-–—]\s*([\d.,]+)\s*$")
_TITLE_YEARS = re.compile(r"\bTAHUN\s+((?:\d{4})(?:\s*,\s*\d{4})*)", re.IGNORECASE)
_ROMAN = {"I": "1", "II": "2", "III": "3", "IV": "4"}
_NA = {"na", "n/a", "-", "—"}


@dataclass
class ImportResult:
    file: str
    sheet: str = ""
    snapshots: list[RunSnapshot] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0  # indicator rows read
    versions: list[int] = field(default_factory=list)  # recorded, one per snapshot
    first_cells: dict[tuple[str, int, str], str] = field(default_factory=dict)
    # already in the history exactly (the same file imported again): (snapshot, version),
    # left out of ``snapshots`` and not recorded again
    unchanged: list[tuple[RunSnapshot, int]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(p.blocking for p in self.problems)


def import_workbook(path: Path, history_path: Path, today: dt.date | None = None
                    ) -> ImportResult:
    """Read ``path``; when it holds no GALAT, check it against the history file (made if
    missing) and record all its snapshots in one transaction, leaving out those the
    history already holds exactly (``unchanged``). A file with a GALAT leaves the history
    file untouched (not even created)."""
    result = read_import(path, today)
    if not result.ok:
        return result
    with open_history(history_path) as history:
        _against_history(history, result)
        result.problems.sort(key=lambda p: not p.blocking)  # GALAT first, each in row order
        if result.ok and result.snapshots:
            result.versions = history.record_many(result.snapshots)
    return result


def read_import(path: Path, today: dt.date | None = None) -> ImportResult:
    """``today``: the date the years are judged against (a year after today's is refused;
    the current year's yearly figures are warned about); None: the clock's."""
    path = Path(path)
    result = ImportResult(path.name)
    refused, checked = inspect_workbook(path)  # before any reader touches the file
    if refused:
        result.problems += [_too_large(p) for p in refused]
        return result
    try:  # the bytes the gate checked, by content: an .ods is read as what it is
        book = CalamineWorkbook.from_filelike(io.BytesIO(checked.data))
    except Exception as exc:  # calamine raises several types for unreadable files
        result.problems.append(_problem(
            result, Reason.UNREADABLE_WORKBOOK,
            "berkas tidak dapat dibuka sebagai buku kerja Excel (.xlsx) "
            f"({type(exc).__name__}); simpan ulang dari Excel sebagai .xlsx"))
        return result
    try:
        found = None
        for name in book.sheet_names:
            grid = book.get_sheet_by_name(name).to_python(skip_empty_area=False,
                                                         nrows=MAX_ROWS + 1)
            header = _find_header(grid)
            if header is not None:
                found = name, grid, header
                break
    finally:
        book.close()
    if found is None:
        labels = ", ".join(c.label for c in REQUIRED)
        result.problems.append(_problem(
            result, Reason.IMPORT_HEADER_MISSING,
            f"tidak ada lembar dengan baris judul berlabel {labels}; gunakan susunan impor "
            "(lihat docs/RIWAYAT.md atau `iku riwayat contoh`) atau rekap kota dari "
            "`iku report --all`"))
        return result
    result.sheet, grid, (head, columns) = found
    facts = _cell_facts(checked, result.sheet, grid, head, columns)
    _read_rows(result, path, grid, head, columns, facts, today or dt.date.today())
    return result


#: The columns read as numbers: a percent-formatted or error cell in one is refused.
NUMBER_COLUMNS = ("year", "target", "target_high", "realisation", "achievement")


def _cell_facts(checked: Inspected, sheet: str, grid: list[list[Any]], head: int,
                columns: dict[str, int]) -> dict[str, CellFact]:
    """The number columns' cells that show a percentage or hold an error value, read from
    the sheet's XML as the submissions' reader reads them (``intake.cellscan``, and
    ``intake.odf`` for an .ods)."""
    wanted = {columns[k] for k in NUMBER_COLUMNS if k in columns}
    if ODS_CONTENT in checked:
        rows = set(range(head + 1, len(grid)))
        return odf.cell_facts(checked[ODS_CONTENT], sheet, wanted, rows, MAX_SHEET_TAGS)
    return scan_cells(checked.get(sheet, b""), {spec.col_letter(c) for c in wanted},
                      checked.percent_styles)


def _too_large(problem: Problem) -> Problem:
    """A refusal for size, said for an import: the limit and how to split the file (the
    gate's own advice is for a unit's workbook)."""
    measure = size_limit(problem)
    if measure is None:
        return problem
    per_sheet = MAX_CELLS // len(COLUMNS) // 100 * 100
    advice = (
        f"{measure}. Berkas impor sebesar itu melebihi batas pemeriksaan keamanan iku: "
        f"paling banyak {fmt_count(MAX_ROWS)} baris dan {fmt_count(MAX_CELLS)} sel per "
        f"lembar (sekitar {fmt_count(per_sheet)} baris bila ke-{len(COLUMNS)} kolom susunan "
        f"impor diisi), lembar kerja {MAX_SHEETS_SIZE // 2**20} MB, berkas "
        f"{MAX_FILE_SIZE // 2**20} MB. Bagi isinya menjadi beberapa berkas, mis. satu berkas "
        "per tahun atau per instansi, masing-masing dengan baris judul yang sama, lalu impor "
        "satu per satu dengan `iku riwayat impor` (berkas yang sudah diimpor tidak menambah "
        "apa pun bila diimpor lagi)")
    return Problem(problem.severity, problem.code, advice, file=problem.file,
                   sheet=problem.sheet)


# --- header and title --------------------------------------------------------------------


def _norm(text: Any) -> str:
    return re.sub(r"\s+", " ", str(text)).strip().casefold() if isinstance(text, str) else ""


_BY_LABEL = {_norm(label): c.key for c in COLUMNS for label in (c.label, *c.aliases)}


def _find_header(grid: list[list[Any]]) -> tuple[int, dict[str, int]] | None:
    for r, line in enumerate(grid[:HEADER_SEARCH_ROWS]):
        columns: dict[str, int] = {}
        for c, value in enumerate(line):
            key = _BY_LABEL.get(_norm(value))
            if key is not None and key not in columns:
                columns[key] = c
        if all(col.key in columns for col in REQUIRED if col.key != "year"):
            return r, columns
    return None


def _title_year(result: ImportResult, grid: list[list[Any]], head: int) -> int | None:
    """A rekap has no Tahun column: its title says ``... TAHUN 2021``."""
    for r in range(head):
        for c, value in enumerate(grid[r]):
            match = _TITLE_YEARS.search(value) if isinstance(value, str) else None
            if match is None:
                continue
            years = [int(y) for y in re.findall(r"\d{4}", match.group(1))]
            if len(years) == 1:
                return years[0]
            result.problems.append(_problem(
                result, Reason.IMPORT_MANY_YEARS,
                f"judul menyebut beberapa tahun ({', '.join(map(str, years))}) dan tidak ada "
                "kolom Tahun, sehingga tahun tiap baris tidak diketahui; tambahkan kolom "
                "Tahun atau buat rekap per tahun", cell=spec.cell_ref(r, c)))
            return None
    result.problems.append(_problem(
        result, Reason.IMPORT_YEAR_MISSING,
        "kolom Tahun tidak ada dan judul tidak menyebut tahun; tambahkan kolom Tahun",
        cell=spec.cell_ref(head, 0)))
    return None


# --- rows ------------------------------------------------------------------------------------


def _read_rows(result: ImportResult, path: Path, grid: list[list[Any]], head: int,
               columns: dict[str, int], facts: dict[str, CellFact], today: dt.date) -> None:
    fixed_year = None
    if "year" not in columns:
        fixed_year = _title_year(result, grid, head)
        if fixed_year is None:
            return
    groups: dict[tuple[str, int, str], dict[str, Any]] = {}
    seen: dict[tuple[str, int, str, str], str] = {}
    for r in range(head + 1, len(grid)):
        line = grid[r]

        def cell(key: str, line=line) -> Any:
            c = columns.get(key)
            return line[c] if c is not None and c < len(line) else ""

        if all(_blank(v) for v in line):
            continue
        sasaran_row = "sasaran" in columns and _blank(cell("code")) and \
            not _blank(cell("sasaran"))
        if _blank(cell("code")) and _norm(cell("name")).startswith("rata-rata") and \
                not sasaran_row:
            continue  # a rekap's average row
        result.rows += 1
        errors: list[Problem] = []

        def bad(key: str, code: Reason, message: str, r=r, errors=errors) -> None:
            errors.append(_problem(result, code, message,
                                   cell=spec.cell_ref(r, columns[key]),
                                   value=_show(cell(key))))

        shown_bad = _cell_format(r, columns, facts, line, bad)
        name_of_agency = _text(cell("agency"))
        if not name_of_agency:
            bad("agency", Reason.IMPORT_AGENCY_BLANK, "Instansi kosong; isi nama lengkap instansi")
        year = fixed_year
        if year is None and "year" not in shown_bad:
            year = _year(cell("year"), bad, today)
        period = _period(cell("period"), bad) if "period" in columns else ANNUAL
        agency_code = _text(cell("agency_code"))
        if sasaran_row:
            record = _sasaran_row(cell, bad)
            if errors:
                result.problems += sorted(errors, key=lambda p: (len(p.cell), p.cell))
                continue
            assert year is not None and record is not None
            _add(result, groups, seen, agency_key(name_of_agency, agency_code or None), year,
                 period, name_of_agency, record, spec.cell_ref(r, columns["sasaran"]),
                 spec.cell_ref(r, columns["agency"]), f"Sasaran {record.key.split()[-1]}")
            continue
        code = _code(cell("code"), "code", bad, required=True)
        old = _old_codes(cell("kode_lama"), bad) if "kode_lama" in columns else ()
        name = _text(cell("name"))
        if not name:
            bad("name", Reason.IMPORT_NAME_BLANK, "Indikator kosong; isi nama indikator")
        kind = _kind(cell("kind"), bad) if "kind" in columns else ""
        target = None
        if not shown_bad & {"target", "target_high"}:
            target = _target(cell("target"), cell("target_high"), kind, bad,
                             "target_high" in columns)
        realisation = label = achievement = None
        if "realisation" not in shown_bad:
            realisation, label = _realisation(cell("realisation"), kind, bad)
        if "achievement" not in shown_bad:
            achievement = _number_or_none(cell("achievement"), "achievement", "Capaian", bad,
                                          percent=True)
        if errors:  # in column order, as the user reads the row
            result.problems += sorted(errors, key=lambda p: (len(p.cell), p.cell))
            continue
        assert year is not None and code is not None
        note = _text(cell("note"))
        record = IndicatorRecord(
            key=code, code=code, kind=kind, name=name, unit_of_measure=_text(cell("unit")),
            target=target, realisation=realisation, realisation_label=label,
            achievement=achievement, predikat=_text(cell("predikat")) or None,
            status="ok" if realisation is not None or label else (note or "belum diisi"),
            kode_lama=old)
        _add(result, groups, seen, agency_key(name_of_agency, agency_code or None), year,
             period, name_of_agency, record, spec.cell_ref(r, columns["code"]),
             spec.cell_ref(r, columns["agency"]), f"Kode {code}")
    digest = fingerprint(path.read_bytes())
    for (key, year, period), group in groups.items():
        if year == today.year and period == ANNUAL:
            result.problems.append(_problem(
                result, Reason.IMPORT_YEAR_RUNNING,
                f"tahun {year} masih berjalan (hari ini {today:%d-%m-%Y}), jadi angka tahunan "
                f"{group['name']} belum final; impor ini menjadi versinya yang berlaku sampai "
                f"laporan tahun {year} dibuat (iku report mencatat versi baru)",
                cell=result.first_cells[key, year, period], severity=Severity.WARNING))
        result.snapshots.append(RunSnapshot(
            agency_key=key, agency_name=group["name"], year=year,
            indicators=tuple(group["rows"]), period=period, source="impor",
            source_fingerprint=digest))
    if result.rows == 0:
        result.problems.append(_problem(
            result, Reason.IMPORT_EMPTY, "tidak ada baris indikator di bawah baris judul; "
            "isi satu baris per instansi, tahun dan indikator",
            cell=spec.cell_ref(head, 0)))


Bad = Callable[[str, Reason, str], None]


def _add(result: ImportResult, groups: dict, seen: dict, key: str, year: int, period: str,
         agency: str, record: IndicatorRecord, where: str, first: str, what: str) -> None:
    """One record into its (agency, year, period) group; a second one of the same key
    there is a GALAT naming the first."""
    if (key, year, period, record.key) in seen:
        result.problems.append(_problem(
            result, Reason.IMPORT_DUPLICATE,
            f"{what} muncul lagi untuk {agency} tahun {year} ({period}); sudah ada di sel "
            f"{seen[key, year, period, record.key]}; hapus salah satu baris", cell=where,
            value=record.code))
        return
    seen[key, year, period, record.key] = where
    group = groups.setdefault((key, year, period), {"name": agency, "rows": []})
    result.first_cells.setdefault((key, year, period), first)
    group["rows"].append(record)


def _sasaran_row(cell: Callable[[str], Any], bad: Bad) -> IndicatorRecord | None:
    """A sasaran's yearly average: its number (Sasaran) and its % capaian (Capaian)."""
    number = _as_number(cell("sasaran"))
    if number is None or not number.is_integer() or not 1 <= number <= 999:
        bad("sasaran", Reason.IMPORT_SASARAN, "Sasaran harus nomor sasaran (bilangan bulat "
            "1-999, seperti `no` di master); kosongkan bila baris ini indikator (isi Kode)")
        return None
    if _blank(cell("achievement")):
        bad("achievement", Reason.IMPORT_SASARAN, "baris rata-rata sasaran (Kode kosong, "
            "Sasaran diisi) memerlukan Capaian: rata-rata % capaian sasaran tahun itu")
        return None
    achievement = _number_or_none(cell("achievement"), "achievement", "Capaian", bad,
                                  percent=True)
    if achievement is None:
        return None
    key = sasaran_key(int(number))
    name = _text(cell("name")) or f"Rata-rata capaian sasaran {int(number)}"
    return IndicatorRecord(key=key, code=key, kind="", name=name, unit_of_measure="%",
                           achievement=achievement)


def _year(value: Any, bad: Bad, today: dt.date) -> int | None:
    number = _as_number(value)
    if number is None or not number.is_integer() or not 2000 <= number <= 2100:
        bad("year", Reason.IMPORT_YEAR, "Tahun harus bilangan bulat 2000-2100, mis. 2021")
        return None
    if number > today.year:
        bad("year", Reason.IMPORT_YEAR_FUTURE, f"Tahun {int(number)} belum berjalan (hari ini "
            f"{today:%d-%m-%Y}), sehingga belum ada angkanya; periksa Tahun (salah ketik?). "
            "Riwayat hanya menerima tahun yang sudah berjalan")
        return None
    return int(number)


_LABELS = {c.key: c.label for c in COLUMNS}


def _cell_format(r: int, columns: dict[str, int], facts: dict[str, CellFact],
                 line: list[Any], bad: Bad) -> set[str]:
    """Refuse, as the submissions' reader does, a number column's cell that shows a
    percentage (typed "90%": stored 0.9) or holds an Excel error value; return the keys
    of the columns refused (their values are not read further)."""
    refused = set()
    for key in NUMBER_COLUMNS:
        c = columns.get(key)
        fact = facts.get(spec.cell_ref(r, c)) if c is not None else None
        if fact is None:
            continue
        value = line[c] if c < len(line) else None
        label = _LABELS[key]
        if fact.error:
            bad(key, Reason.IMPORT_CELL_ERROR, f"{label} berisi galat Excel {fact.error}; ganti "
                "dengan angkanya (atau kosongkan bila tidak ada)")
            refused.add(key)
        elif fact.percent and is_number(value) and not isinstance(value, bool):
            shown = fmt_number(Decimal(repr(float(value))) * 100, decimals=10)
            stored = fmt_number(value, decimals=10)
            fix = ("ketik capaiannya dalam persen sebagai angka biasa, mis. "
                   f"{shown}, dengan format sel Angka (Number), atau sebagai teks '{shown}%'"
                   if key == "achievement" else
                   f"ketik angkanya saja tanpa tanda %, mis. {shown}, dengan format sel Angka "
                   "(Number)")
            bad(key, Reason.IMPORT_PERCENT_FORMAT, f"{label} berisi persen '{shown}%' (sel "
                f"berformat Persen, tersimpan sebagai {stored}), yang akan terbaca {stored}, "
                f"bukan {shown}; {fix}")
            refused.add(key)
    return refused


def _period(value: Any, bad: Bad) -> str:
    if _blank(value):
        return ANNUAL
    text = re.sub(r"[\s_-]+", "", str(value)).upper()
    text = re.sub(r"^(?:TRIWULAN|TW)(I{1,3}|IV|[1-4])$",
                  lambda m: "TW" + _ROMAN.get(m.group(1), m.group(1)), text)
    if text == "TAHUNAN":
        return ANNUAL
    if text not in PERIODS:
        bad("period", Reason.IMPORT_PERIOD, "Periode harus tahunan, TW1, TW2, TW3 atau TW4 "
            "(kosong = tahunan)")
        return ANNUAL
    return text


def _code(value: Any, key: str, bad: Bad, required: bool = False) -> str | None:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = _text(value)
    if not text:
        if required:
            bad(key, Reason.IMPORT_CODE_BLANK, "Kode kosong; isi Kode indikator seperti di master "
                "(mis. S1.1)")
        return None
    if not _CODE.match(text):
        bad(key, Reason.IMPORT_CODE, "Kode hanya boleh huruf, angka, titik, garis bawah dan tanda "
            "hubung (paling panjang 20), mis. S1.1")
        return None
    return text


def _old_codes(value: Any, bad: Bad) -> tuple[str, ...]:
    codes = []
    for part in re.split(r"[,;]", _text(value)):
        code = _code(part, "kode_lama", bad) if part.strip() else None
        if code is None and part.strip():
            return ()
        if code is not None:
            codes.append(code)
    return tuple(codes)


def _kind(value: Any, bad: Bad) -> str:
    text = re.sub(r"[\s/-]+", "_", _text(value).casefold())
    if not text:
        return ""
    if text not in KINDS:
        bad("kind", Reason.IMPORT_KIND, f"Jenis tidak dikenal; pilihan: {', '.join(KINDS)} "
            "(atau kosongkan)")
        return ""
    return text


def _target(value: Any, high: Any, kind: str, bad: Bad, has_high: bool):
    if _blank(value):
        if has_high and not _blank(high):
            bad("target_high", Reason.IMPORT_TARGET_HIGH, "Target atas diisi tanpa Target; isi "
                "batas bawah rentang di kolom Target")
        return None
    if isinstance(value, str):
        text = value.strip()
        if text.casefold() in _NA:
            return "NA"
        threshold = split_threshold(text)
        if threshold is not None:  # ≥ 95, maksimal 5: stored as the master stores it
            bound = _as_number(threshold[1].removesuffix("%").strip())
            if bound is not None and kind not in LABEL_KINDS:
                return threshold_text(threshold[0], bound)
        match = _RANGE.match(text)
        if match:
            low, up = (_as_number(g) for g in match.groups())
            if low is not None and up is not None and low <= up:
                return (low, up)
            bad("target", Reason.IMPORT_TARGET, "rentang Target harus 'bawah-atas' dengan bawah "
                "<= atas, mis. 80-90")
            return None
    number = _as_number(value)
    if number is None:
        if isinstance(value, str) and kind in (*LABEL_KINDS, ""):
            return value.strip()  # a label target (WTP, ya) for predikat / ya_tidak
        bad("target", Reason.IMPORT_TARGET, "Target harus angka, NA, rentang (80-90), ambang "
            f"(≥ 95) atau, untuk jenis {'/'.join(LABEL_KINDS)}, label (mis. WTP)")
        return None
    if has_high and not _blank(high):
        up = _as_number(high)
        if up is None or up < number:
            bad("target_high", Reason.IMPORT_TARGET_HIGH, "Target atas harus angka yang tidak "
                "lebih kecil dari Target")
            return None
        return (number, up)
    return number


def _realisation(value: Any, kind: str, bad: Bad) -> tuple[float | None, str | None]:
    if _blank(value):
        return None, None
    number = _as_number(value)
    if number is not None:
        return number, None
    if isinstance(value, str) and kind in (*LABEL_KINDS, ""):
        return None, value.strip()
    bad("realisation", Reason.IMPORT_REALISATION, "Realisasi harus angka (teks hanya untuk jenis "
        f"{' atau '.join(LABEL_KINDS)})")
    return None, None


def _number_or_none(value: Any, key: str, label: str, bad: Bad, percent: bool = False
                    ) -> float | None:
    if _blank(value):
        return None
    if percent and isinstance(value, str):
        value = value.strip().removesuffix("%")
    number = _as_number(value)
    if number is None:
        bad(key, f"import_{key}", f"{label} harus angka (dalam persen, mis. 87,5) atau kosong")
    return number


def _as_number(value: Any) -> float | None:
    """A finite number, or the Indonesian text of one ('1.234,5', '-2,3'); else None."""
    if isinstance(value, bool):
        return None
    if is_number(value):
        return float(value)
    if isinstance(value, str):
        text = value.strip().replace("−", "-")
        if _NUMBER.match(text):
            return float(text.replace(".", "").replace(",", "."))
    return None


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    if _blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _show(value: Any) -> str:
    text = _text(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _problem(result: ImportResult, code: Reason, message: str, cell: str = "", value: str = "",
             severity: Severity = Severity.ERROR) -> Problem:
    return Problem(severity, code, message, file=result.file, sheet=result.sheet, cell=cell,
                   value=value)


# --- against the history ----------------------------------------------------------------------


def _against_history(history: History, result: ImportResult) -> None:
    for snap in result.snapshots:
        cell = result.first_cells[snap.agency_key, snap.year, snap.period]
        key = history.find_agency(snap.agency_key, snap.agency_name)
        if key is None:
            continue
        lock = history.lock_info(key, snap.year)
        if lock is not None:
            result.problems.append(_problem(
                result, Reason.IMPORT_LOCKED,
                f"tahun {snap.year} {snap.agency_name} sudah dikunci di riwayat (versi "
                f"{lock.version}); impor tidak mengubah tahun yang sudah ditandatangani. "
                "Hapus baris tahun itu dari berkas", cell=cell))
            continue
        existing = history.current(key, snap.year, snap.period)
        if existing is not None and _holds(existing.snapshot, snap):
            result.unchanged.append((snap, existing.info.version))
            continue
        if existing is not None:
            result.problems.append(_problem(
                result, Reason.IMPORT_REPLACES,
                f"tahun {snap.year} ({snap.period}) {snap.agency_name} sudah ada di riwayat "
                f"(versi {existing.info.version}, sumber {existing.info.source}); impor ini "
                f"menjadi versi {existing.info.version + 1} yang berlaku, versi lama tetap "
                "tersimpan", cell=cell, severity=Severity.WARNING))
    done = {id(snap) for snap, _ in result.unchanged}
    result.snapshots = [snap for snap in result.snapshots if id(snap) not in done]


def _holds(existing: RunSnapshot, snap: RunSnapshot) -> bool:
    """The history's version already holds the import's figures exactly (the same file, or
    the same figures, imported again): what an import row gives, compared; a blank Jenis
    matches any kind; a capaian may differ in its 16th digit (xlsxwriter)."""
    if existing.agency_name != snap.agency_name or len(existing.indicators) != len(
            snap.indicators):
        return False
    for old, new in zip(existing.indicators, snap.indicators, strict=True):
        same = (old.key, old.code, old.kode_lama, old.name, old.unit_of_measure, old.target,
                old.realisation, old.realisation_label, old.predikat, old.status) == (
            new.key, new.code, new.kode_lama, new.name, new.unit_of_measure, new.target,
            new.realisation, new.realisation_label, new.predikat, new.status)
        if not same or (new.kind and old.kind != new.kind):
            return False
        a, b = old.achievement, new.achievement
        if (a is None) != (b is None) or (a is not None and abs(a - b) > 1e-9 * max(1, abs(a))):
            return False
    return True
