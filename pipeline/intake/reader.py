"""Read the bidang's returned workbooks into plain records (the I/O edge of the input side).

Values are read with python-calamine (fast, values only). Nothing is judged here beyond
"can this file be read as one of our workbooks at all": the checks against the master
live in ``validate``. Input files are opened read-only and never modified.
"""

from __future__ import annotations

import hashlib
import io
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field, replace
from operator import itemgetter
from pathlib import Path
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook

from ..domain import spec
from ..domain.frozen import made
from ..errors import Problem, Severity
from ..reasons import Reason
from . import odf
from .cellscan import CellFact, scan_cells, scan_merges
from .safety import (  # the gate already refused longer sheets
    MAX_ROWS,
    MAX_SHEET_TAGS,
    ODS_CONTENT,
    Inspected,
    inspect_workbook,
)


@dataclass(frozen=True)
class Row:
    """One data row of the Isian sheet, raw values as the reader found them."""

    row: int  # 0-based sheet row
    code: Any
    x1: Any
    x2: Any
    note: Any = ""
    shown: tuple[Any, ...] = ()  # definition cells as shown (indicator, arti x1, arti x2)
    analysis: Any = ""  # the year-end Analisis text ("" when the workbook has no column)
    obstacles: Any = ""  # a quarterly workbook's Kendala (spec.QUARTER_TEXTS)
    follow_up: Any = ""  # ... and Tindak lanjut


@dataclass(frozen=True)
class Submission:
    file: str  # the name the user sees
    path: Path
    meta: dict[str, str]
    sheet: str
    columns: dict[str, int]  # column key (spec.COLUMNS) -> 0-based column index
    rows: tuple[Row, ...]
    # input cells with a formula, an error, a percent format or hidden under a merge
    facts: dict[str, CellFact] = field(default_factory=dict)
    # sha256 (hex) of the file's bytes as the gate checked them and the reader read them
    # (what the history records of the file: ``history.model.fingerprint`` of those bytes)
    digest: str = ""

    @property
    def unit(self) -> str:
        return self.meta.get("kode_unit", "")

    def ref(self, row: Row, key: str) -> str:
        return spec.cell_ref(row.row, self.columns[key])


@dataclass
class ReadResult:
    submissions: list[Submission] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: int = 0
    refused: list[Problem] = field(default_factory=list)  # why each unusable file was refused


# Files that look like spreadsheets are inspected (and refused with a reason when they are
# not usable); anything else in the folder is ignored with a warning.
SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xltx", ".xltm", ".xlsb", ".xls", ".ods", ".csv"}
MACRO_SUFFIXES = {".xlsm", ".xltm", ".xlsb"}


def list_workbooks(folder: Path) -> tuple[list[Path], list[Problem]]:
    """The candidate workbooks of a folder, sorted by name, and warnings for other files.

    Excel's lock files (``~$name.xlsx``) and hidden files (``.name``) are skipped silently:
    they are not submissions.
    """
    candidates, problems = [], []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(("~$", ".")):
            continue
        if path.suffix.lower() in SPREADSHEET_SUFFIXES:
            candidates.append(path)  # a folder named x.xlsx too: the gate says what it is
        elif path.is_dir():
            problems.append(Problem(
                Severity.WARNING, Reason.FOLDER_IGNORED,
                "ini sebuah folder; isi folder di dalam folder isian tidak dibaca. Bila berisi "
                "berkas isian, pindahkan berkasnya langsung ke folder isian", file=path.name))
        else:
            problems.append(Problem(
                Severity.WARNING, Reason.OTHER_FILE_IGNORED,
                "berkas ini bukan buku kerja (.xlsx atau .ods) dan diabaikan", file=path.name))
    return candidates, problems


def read_folder(folder: Path) -> ReadResult:
    result = ReadResult()
    candidates, result.problems = list_workbooks(folder)
    if not candidates:
        result.problems.append(Problem(
            Severity.ERROR, Reason.NO_WORKBOOKS,
            f"folder isian '{folder}' tidak berisi berkas .xlsx; letakkan berkas isian dari "
            "unit di folder ini"))
    for path in candidates:
        result.files += 1
        sub, problems = read_workbook(path)
        result.problems.extend(problems)
        if sub is not None:
            result.submissions.append(sub)
        elif any(p.blocking for p in problems):
            result.refused.append(next(p for p in problems if p.blocking))
    return result


def _problem(path: Path, code: Reason, message: str, sheet: str = "", cell: str = "",
             unit: str = "") -> Problem:
    return Problem(Severity.ERROR, code, message, file=path.name, sheet=sheet, cell=cell,
                   unit=unit)


def refusal(path: Path, suffix: str | None = None) -> tuple[list[Problem], Inspected]:
    """What stops a file before any reader opens it: a macro or binary format by its name
    (``suffix``, default the path's own), then the safety gate. ``[]`` and what the gate
    inflated when the file may be read, else one GALAT."""
    suffix = (path.suffix if suffix is None else suffix).lower()
    if suffix in MACRO_SUFFIXES:
        return [_problem(
            path, Reason.MACRO_FORMAT,
            f"format {suffix} (buku kerja bermakro/biner) tidak diterima; buka di "
            "Excel lalu simpan sebagai Excel Workbook (.xlsx)")], Inspected()
    return inspect_workbook(path)  # before any reader touches an untrusted file


def read_workbook(path: Path) -> tuple[Submission | None, list[Problem]]:
    refused, sheets = refusal(path)
    if refused:
        return None, refused
    try:  # by content, not by name: an .ods renamed .xlsx is read as what it is
        book = CalamineWorkbook.from_filelike(io.BytesIO(sheets.data))  # what was checked
    except Exception as exc:  # calamine raises several types for unreadable files
        return None, [_unreadable(path, exc)]
    try:
        return _read_book(path, book, sheets)
    except CALAMINE_ERRORS as exc:  # a sheet listed in the workbook but absent or broken
        return None, [_unreadable(path, exc)]
    finally:
        book.close()


# What calamine raises for a file it opened but cannot read a sheet of. Anything else
# escaping _read_book is a bug in this module, not bad input.
CALAMINE_ERRORS = (CalamineError, OSError)


def _unreadable(path: Path, exc: Exception) -> Problem:
    return _problem(
        path,
        Reason.UNREADABLE_WORKBOOK,
        "berkas tidak dapat dibuka sebagai buku kerja Excel (.xlsx) "
        f"({type(exc).__name__}); buka di Excel atau LibreOffice, simpan ulang sebagai "
        ".xlsx, lalu kirim ulang",
    )


def _read_book(
    path: Path, book: CalamineWorkbook, sheet_xml: dict[str, bytes]
) -> tuple[Submission | None, list[Problem]]:
    names = book.sheet_names
    if spec.META_SHEET not in names:
        return None, [
            _problem(
                path,
                Reason.META_MISSING,
                f"lembar tersembunyi '{spec.META_SHEET}' tidak ada, sehingga unit pengirim "
                "tidak dapat dikenali; gunakan templat asli dari sekretariat",
            )
        ]
    meta = _read_meta(book)
    if meta.get("jenis_dokumen") == spec.DOC_KIND_PROBLEM_LIST:
        return None, [_own_file(path, Reason.OWN_PROBLEM_LIST, (
            "ini daftar masalah buatan `iku validate --report`, bukan isian unit; diabaikan. "
            "Simpan daftar masalah di luar folder isian"))]
    if meta.get("jenis_dokumen") != spec.DOC_KIND:
        return None, [
            _problem(
                path,
                Reason.META_KIND,
                "berkas ini bukan templat isian IKU (metadata tidak dikenal); "
                "gunakan templat asli dari sekretariat",
                sheet=spec.META_SHEET,
            )
        ]
    if spec.SHEET not in names:
        return None, [
            _problem(
                path,
                Reason.SHEET_MISSING,
                f"lembar '{spec.SHEET}' tidak ditemukan (lembar yang ada: "
                f"{', '.join(repr_sheet(n) for n in names if n != spec.META_SHEET)}); jangan "
                f"mengganti nama atau menghapus lembar '{spec.SHEET}'",
                unit=meta.get("kode_unit", ""),
            )
        ]
    grid = book.get_sheet_by_name(spec.SHEET).to_python(
        skip_empty_area=False, nrows=MAX_ROWS + 1
    )
    header = spec.find_header(grid)
    if header is None:
        return None, [
            _problem(
                path,
                Reason.HEADER_MISSING,
                "baris judul tabel dengan label Kode, x1 dan x2 tidak ditemukan; "
                "jangan mengubah judul kolom",
                sheet=spec.SHEET,
                unit=meta.get("kode_unit", ""),
            )
        ]
    header_row, columns = header
    rows = tuple(_rows(grid, header_row, columns))
    if spec.COPY_OF_KEY in meta and meta.get(spec.COPY_VALUES_KEY) == values_fingerprint(rows):
        return None, [_own_file(path, Reason.OWN_MARKED_COPY, (
            "ini salinan bertanda buatan `iku validate --report` (dari "
            f"'{meta[spec.COPY_OF_KEY]}') yang isinya belum diubah sejak dibuat; diabaikan, "
            "berkas isian aslinya yang dipakai. Bila unit sudah memperbaikinya, pastikan "
            "sel yang ditandai sudah dibetulkan"))]
    if ODS_CONTENT in sheet_xml:  # OpenDocument: every sheet is in content.xml
        wanted = {columns[k] for k in INPUT_KEYS if k in columns}
        facts = odf.cell_facts(sheet_xml[ODS_CONTENT], spec.SHEET, wanted,
                               {r.row for r in rows}, MAX_SHEET_TAGS)
    else:
        xml = sheet_xml.get(spec.SHEET, b"")
        facts = scan_cells(xml, {spec.col_letter(columns[k]) for k in INPUT_KEYS
                                 if k in columns},
                           getattr(sheet_xml, "percent_styles", frozenset()))
        _add_covered(facts, scan_merges(xml), rows, columns, grid)
    problems = _sheet_copies(path, book, names, rows, columns, meta)
    return Submission(path.name, path, meta, spec.SHEET, columns, rows, facts,
                      hashlib.sha256(sheet_xml.data).hexdigest()), problems


def repr_sheet(name: str) -> str:
    """A sheet name as messages show it: in quotes."""
    return f"'{name}'"


INPUT_KEYS = ("x1", "x2")


def _add_covered(facts: dict[str, CellFact], merges, rows, columns, grid) -> None:
    """Mark the x1/x2 cells of data rows that lie under a merged range (but are not its
    first cell): the value calamine reads there is hidden from the person."""
    wanted = [columns[k] for k in INPUT_KEYS if k in columns]
    if not merges or not wanted:
        return
    data_rows = sorted(r.row for r in rows)
    budget = 4 * len(data_rows) + 100  # overlapping ranges (never made by Excel) stop here
    for r1, c1, r2, c2 in merges:
        top = grid[r1][c1] if r1 < len(grid) and c1 < len(grid[r1]) else ""
        span = f"{spec.cell_ref(r1, c1)}:{spec.cell_ref(r2, c2)}"
        inside = data_rows[bisect_left(data_rows, r1):bisect_right(data_rows, r2)]
        for col in wanted:
            if not c1 <= col <= c2:
                continue
            for row in inside:
                if (row, col) == (r1, c1):
                    continue
                ref = spec.cell_ref(row, col)
                facts[ref] = replace(facts.get(ref, CellFact()), covered_by=span,
                                     visible=_as_text(top))
                budget -= 1
                if budget <= 0:
                    return


def _sheet_copies(path, book, names, rows, columns, meta) -> list[Problem]:
    """Other sheets holding the Isian table (a copy such as 'Isian (2)' where someone typed
    the figures): only the Isian sheet is read, so say so, an error when they differ."""
    problems = []
    ours = {r.code: r for r in rows}
    for name in names:
        if name in (spec.SHEET, spec.META_SHEET):
            continue
        grid = book.get_sheet_by_name(name).to_python(skip_empty_area=False,
                                                      nrows=MAX_ROWS + 1)
        header = spec.find_header(grid)
        if header is None:
            continue
        header_row, cols = header
        differences, typed = [], 0
        for row in _rows(grid, header_row, cols):
            mine = ours.get(row.code)
            for key in (*INPUT_KEYS, *spec.TEXT_KEYS):
                value = getattr(row, key)
                if _blank(value) or key not in cols:
                    continue
                typed += 1
                if mine is None or getattr(mine, key) != value:
                    where = spec.cell_ref(row.row, cols[key])
                    there = (f"{repr_sheet(spec.SHEET)}!{spec.cell_ref(mine.row, columns[key])}"
                             f" = '{_as_text(getattr(mine, key))}'"
                             if mine is not None and key in columns else "tidak ada")
                    differences.append((where, f"{row.code} {key}: {repr_sheet(name)}!{where} = "
                                               f"'{_as_text(value)}', {there}"))
        if not typed:
            continue  # an untouched copy of the blank table
        if differences:
            shown = "; ".join(text for _, text in differences[:3])
            more = f" (dan {len(differences) - 3} lainnya)" if len(differences) > 3 else ""
            problems.append(_problem(
                path, Reason.SHEET_COPY,
                f"lembar {repr_sheet(name)} adalah salinan tabel isian dengan angka yang "
                f"berbeda dari lembar {repr_sheet(spec.SHEET)}: {shown}{more}. Hanya lembar "
                f"{repr_sheet(spec.SHEET)} yang dibaca: pindahkan angka yang benar ke lembar "
                f"{repr_sheet(spec.SHEET)}, lalu hapus lembar {repr_sheet(name)}",
                sheet=name, cell=differences[0][0], unit=meta.get("kode_unit", "")))
        else:
            problems.append(Problem(
                Severity.WARNING, Reason.SHEET_COPY,
                f"lembar {repr_sheet(name)} adalah salinan tabel isian dengan angka yang sama "
                f"dengan lembar {repr_sheet(spec.SHEET)}; hanya lembar {repr_sheet(spec.SHEET)} "
                "yang dibaca, hapus salinannya agar tidak membingungkan",
                file=path.name, sheet=name, unit=meta.get("kode_unit", "")))
    return problems


def _own_file(path: Path, code: Reason, message: str) -> Problem:
    return Problem(Severity.WARNING, code, message, file=path.name)


def values_fingerprint(rows: tuple[Row, ...]) -> str:
    """sha256 (16 hex digits) of what a unit typed: Kode, x1, x2, Catatan and (when typed)
    Analisis of every row. A highlighted copy records it when written, so an uncorrected
    copy is recognised; a row without Analisis hashes as before that column existed."""
    import hashlib

    text = repr([(r.code, r.x1, r.x2, r.note) + (() if _blank(r.analysis) else (r.analysis,))
                 for r in rows])
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def workbook_values_fingerprint(data: bytes) -> str | None:
    """``values_fingerprint`` of a workbook held in memory, as this reader sees it."""
    import io

    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    try:
        grid = book.get_sheet_by_name(spec.SHEET).to_python(skip_empty_area=False,
                                                            nrows=MAX_ROWS + 1)
    finally:
        book.close()
    header = spec.find_header(grid)
    if header is None:
        return None
    return values_fingerprint(tuple(_rows(grid, *header)))


def _read_meta(book: CalamineWorkbook) -> dict[str, str]:
    grid = book.get_sheet_by_name(spec.META_SHEET).to_python(skip_empty_area=False, nrows=200)
    meta: dict[str, str] = {}
    for line in grid:
        if len(line) >= 2 and isinstance(line[0], str) and line[0].strip():
            meta[line[0].strip()] = _as_text(line[1])
    return meta


def _as_text(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


# The columns a data row is read from, in the order _rows unpacks them (the definition
# cells last); a workbook without a column reads "" there.
_ROW_KEYS = ("code", "x1", "x2", "note", "analysis", "obstacles", "follow_up", "indicator",
             "x1_meaning", "x2_meaning")


def _rows(grid: list[list[Any]], header_row: int, columns: dict[str, int]):
    at = [columns.get(key) for key in _ROW_KEYS]
    # a line reaching every column (calamine's grid is rectangular) is read by two
    # itemgetters (the cells read, the definition cells shown), an absent column's cell
    # then replaced by ""; a shorter line cell by cell
    width = max((i for i in at if i is not None), default=-1) + 1
    fetch = itemgetter(*(0 if i is None else i for i in at[:7]))
    fetch_shown = itemgetter(*(0 if i is None else i for i in at[7:]))
    absent = [k for k, i in enumerate(at[:7]) if i is None]
    shown_absent = any(i is None for i in at[7:])
    for r in range(header_row + 1, len(grid)):
        line = grid[r]
        if len(line) >= width and not shown_absent:
            values = fetch(line)
            if absent:
                values = list(values)
                for k in absent:
                    values[k] = ""
            shown = fetch_shown(line)
        else:
            n = len(line)
            values = [line[i] if i is not None and i < n else "" for i in at[:7]]
            shown = tuple([line[i] if i is not None and i < n else "" for i in at[7:]])
        code, x1, x2, note, analysis, obstacles, follow_up = values
        if isinstance(code, str):
            code = code.strip()
        # a row with a Kode is kept without looking further
        if (code is None or code == "") and all(
                _blank(v) for v in (x1, x2, note, analysis, obstacles, follow_up)):
            continue
        # Row(...) with the same fields in the same order, without the frozen __init__'s
        # nine object.__setattr__ calls (frozen.made): a workbook's rows are built on every
        # read (tests/test_read_speed.py holds them to the constructor)
        yield made(Row, {"row": r, "code": code, "x1": x1, "x2": x2, "note": note,
                         "shown": shown, "analysis": analysis, "obstacles": obstacles,
                         "follow_up": follow_up})


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())
