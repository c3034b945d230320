"""Read a master workbook (``master.xlsx`` or ``.ods``), and load a master of either kind.

``load_master_file(path)`` is what every command calls for ``-c``: a workbook is read
here, anything else is a YAML master (``domain.master.load_master``). A workbook passes
the same safety gate as a unit's submission (``safety.inspect_workbook``) before
python-calamine reads the bytes the gate checked; each sheet of ``domain.masterbook`` is
found by its name, its header by its labels (columns may be moved), and each cell is
turned into the value a YAML master would hold (``masterbook.from_cell``); the rows
become the master's data (``masterbook.assemble``), validated by the same pydantic model
as a YAML master. Every mistake is named with its sheet and cell, all of them at once
(``MasterError``, one line each, in sheet and cell order): a sheet renamed or missing, a
header renamed, a merged cell, a formula or an Excel error, a number formatted as a
percentage, a link to a unit, sasaran or indicator that does not exist, and every
mistake the model finds, at the cell of its key.

The master read from a workbook carries, as its ``source_text``, its data written as YAML
(``master.master_text``): the history records that text, so a recorded year is rebuilt
from it exactly as from a YAML master.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from python_calamine import CalamineWorkbook

from ..domain import masterbook as mb
from ..domain import spec
from ..domain.master import (
    Master,
    error_location,
    error_message,
    load_master,
    master_data,
    master_from_data,
    master_text,
)
from ..errors import MasterError, sheet_ref
from . import odf
from .cellscan import CellFact, scan_cells, scan_merges
from .reader import CALAMINE_ERRORS, MACRO_SUFFIXES
from .safety import MAX_ROWS, MAX_SHEET_TAGS, ODS_CONTENT, inspect_workbook

WORKBOOK_SUFFIXES = {".xlsx", ".ods", ".xlsm", ".xltx", ".xltm", ".xlsb", ".xls"}
_NUMERIC_FORMS = ("number", "int", "target")


def is_workbook(path: Path) -> bool:
    """A master given as a workbook (by its name; the gate checks its content)."""
    return Path(path).suffix.lower() in WORKBOOK_SUFFIXES


def load_master_file(path: Path) -> Master:
    """A master from a YAML file or a workbook; MasterError lists every mistake."""
    return read_master_workbook(path) if is_workbook(path) else load_master(path)


def master_and_data(path: Path) -> tuple[Master, dict[str, Any]]:
    """A master of either kind and its data as a YAML master holds it (what ``iku master
    ke-xlsx`` and ``ke-yaml`` convert); MasterError lists every mistake."""
    if is_workbook(path):
        return workbook_master(path)
    master = load_master(path)
    return master, master_data(master.source_text, str(path))


@dataclass(frozen=True)
class Mistake:
    sheet: str
    cell: str  # "" when the mistake is about the whole sheet or file
    text: str


def read_master_workbook(path: Path) -> Master:
    """Read and validate a master workbook; raise MasterError naming every mistake."""
    return workbook_master(path)[0]


def workbook_master(path: Path) -> tuple[Master, dict[str, Any]]:
    """The master of a workbook and its data as a YAML master holds it (for ``ke-yaml``
    and ``tahun-baru``); MasterError names every mistake."""
    data, mistakes, assembled = _read(Path(path))
    if assembled is not None:
        try:
            master = master_from_data(data, master_text(data))
        except ValidationError as exc:
            said = {(m.sheet, m.cell) for m in mistakes}  # a refused cell is said once
            mistakes += [m for m in _located(exc, assembled) if (m.sheet, m.cell) not in said]
        else:
            if not mistakes:
                return master, data
    lines = (_line(str(path), m) for m in _ordered(mistakes))
    raise MasterError("\n".join(dict.fromkeys(lines)))


def _line(source: str, m: Mistake) -> str:
    where = f" › {sheet_ref(m.sheet)}" if m.sheet else ""
    if m.sheet and m.cell:
        where += f"!{m.cell}"
    return f"{source}{where}: {m.text}"


def _ordered(mistakes: list[Mistake]) -> list[Mistake]:
    order = {name: n for n, name in enumerate(s.name for s in mb.SHEETS)}

    def key(m: Mistake):
        row, col = spec.parse_cell_ref(m.cell) if m.cell else (-1, -1)
        return order.get(m.sheet, -1), row, col

    return sorted(mistakes, key=key)


# --- reading the cells -----------------------------------------------------------------------


def _read(path: Path) -> tuple[dict[str, Any], list[Mistake], mb.Assembled | None]:
    if path.suffix.lower() in MACRO_SUFFIXES:
        raise MasterError(f"{path}: format {path.suffix.lower()} (buku kerja bermakro/biner) "
                          "tidak diterima untuk master; simpan sebagai Excel Workbook (.xlsx)")
    refused, inspected = inspect_workbook(path)  # before any reader touches the file
    if refused:
        raise MasterError(f"{path}: {refused[0].message}")
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(inspected.data))
    except Exception as exc:  # calamine raises several types for unreadable files
        raise MasterError(f"{path}: berkas tidak dapat dibuka sebagai buku kerja "
                          f"({type(exc).__name__}); buka di Excel atau LibreOffice, simpan "
                          "ulang sebagai .xlsx") from None
    try:
        return _read_book(book, inspected)
    except CALAMINE_ERRORS as exc:
        raise MasterError(f"{path}: lembar buku kerja tidak dapat dibaca "
                          f"({type(exc).__name__}); simpan ulang sebagai .xlsx") from None
    finally:
        book.close()


def _read_book(book: CalamineWorkbook, inspected) -> tuple[dict, list[Mistake], Any]:
    names = book.sheet_names
    mistakes = _identity(book, names)
    if mistakes:
        return {}, mistakes, None
    known = {s.name for s in mb.SHEETS} | {mb.GUIDE_SHEET, mb.LISTS_SHEET, mb.META_SHEET}
    strangers = [n for n in names if n not in known]
    records: dict[str, list[mb.Record]] = {}
    for sheet in mb.SHEETS:
        if sheet.name not in names:
            others = (f" (lembar yang tidak dikenal: {', '.join(repr(n) for n in strangers)})"
                      if strangers else "")
            mistakes.append(Mistake(sheet.name, "", (
                f"lembar '{sheet.name}' tidak ditemukan{others}; jangan mengganti nama atau "
                f"menghapus lembar master, kembalikan nama lembarnya menjadi '{sheet.name}'")))
            continue
        grid = book.get_sheet_by_name(sheet.name).to_python(skip_empty_area=False,
                                                            nrows=MAX_ROWS + 1)
        found = _read_sheet(sheet, grid, inspected, mistakes)
        if found is not None:
            records[sheet.name] = found
    assembled = mb.assemble(records)
    mistakes += [Mistake(sheet, cell, text) for sheet, cell, text in assembled.problems]
    return assembled.data, mistakes, assembled


def _identity(book: CalamineWorkbook, names: list[str]) -> list[Mistake]:
    """A unit's workbook or a problem list given as the master is said to be one."""
    if mb.META_SHEET not in names:
        return []
    grid = book.get_sheet_by_name(mb.META_SHEET).to_python(skip_empty_area=False, nrows=50)
    meta = {str(r[0]).strip(): str(r[1]).strip() for r in grid if len(r) >= 2 and r[0]}
    kind = meta.get("jenis_dokumen", mb.DOC_KIND)
    if kind == mb.DOC_KIND:
        return []
    what = {spec.DOC_KIND: "templat isian unit (dari `iku templates`)",
            spec.DOC_KIND_PROBLEM_LIST: "daftar masalah (dari `iku validate --report`)"}.get(
        kind, f"buku kerja jenis '{kind}'")
    return [Mistake(mb.META_SHEET, "", (
        f"berkas ini {what}, bukan master; master dibuat dengan `iku master baru` atau "
        "`iku master ke-xlsx`"))]


def _norm(text: Any) -> str:
    return " ".join(str(text).split()).casefold() if isinstance(text, str) else ""


def _read_sheet(sheet: mb.Sheet, grid: list[list[Any]], inspected,
                mistakes: list[Mistake]) -> list[mb.Record] | None:
    labels = {_norm(f.label): f for f in sheet.fields}
    header = _find_header(sheet, grid, labels)
    if header is None:
        wanted = ", ".join(mb.FORM_HEADER[:2] if sheet.form else (f.label for f in sheet.fields))
        mistakes.append(Mistake(sheet.name, "", (
            f"baris judul kolom ({wanted}) tidak ditemukan; jangan mengubah judul kolom")))
        return None
    if sheet.form:
        return _read_form(sheet, grid, header, labels, inspected, mistakes)
    return _read_table(sheet, grid, header, labels, inspected, mistakes)


def _find_header(sheet: mb.Sheet, grid: list[list[Any]], labels: dict) -> int | None:
    for r, line in enumerate(grid[:mb.HEADER_SEARCH_ROWS]):
        texts = {_norm(v) for v in line if isinstance(v, str)}
        if sheet.form and {_norm(t) for t in mb.FORM_HEADER[:2]} <= texts:
            return r
        if not sheet.form and len(texts & labels.keys()) >= min(2, len(labels)):
            return r
    return None


def _read_table(sheet, grid, header, labels, inspected, mistakes) -> list[mb.Record]:
    columns: dict[mb.Field, int] = {}
    for c, value in enumerate(grid[header]):
        if _norm(value) == "" and not isinstance(value, int | float):
            continue
        f = labels.get(_norm(value))
        ref = spec.cell_ref(header, c)
        if f is None:
            known = ", ".join(x.label for x in sheet.fields)
            mistakes.append(Mistake(sheet.name, ref, (
                f"judul kolom '{value}' tidak dikenal; kembalikan judul aslinya atau hapus "
                f"kolom itu (judul yang dikenal: {known})")))
        elif f in columns:
            mistakes.append(Mistake(sheet.name, ref, (
                f"kolom '{f.label}' ada dua kali (juga {spec.cell_ref(header, columns[f])}); "
                "hapus salah satu")))
        else:
            columns[f] = c
    rows = [r for r in range(header + 1, len(grid))
            if any(not _blank(_at(grid, r, c)) for c in columns.values())]
    bad = _cell_problems(sheet, inspected, columns, rows, header, mistakes)
    records = []
    for r in rows:
        cells = {f: spec.cell_ref(r, columns.get(f, 0)) for f in sheet.fields}
        first = min(columns.values(), default=0)
        records.append(_record(sheet, grid, r, columns, cells, spec.cell_ref(r, first), bad,
                               mistakes))
    return records


def _read_form(sheet, grid, header, labels, inspected, mistakes) -> list[mb.Record]:
    head = {_norm(v): c for c, v in enumerate(grid[header]) if isinstance(v, str)}
    label_col = head.get(_norm(mb.FORM_HEADER[0]), 0)
    value_col = head[_norm(mb.FORM_HEADER[1])]
    places: dict[mb.Field, int] = {}
    for r in range(header + 1, len(grid)):
        text = _at(grid, r, label_col)
        if _blank(text):
            if not _blank(_at(grid, r, value_col)):
                mistakes.append(Mistake(sheet.name, spec.cell_ref(r, value_col), (
                    "sel ini berisi tetapi nama isiannya (kolom Isian) kosong; tulis kembali "
                    "nama isiannya")))
            continue
        f = labels.get(_norm(text))
        ref = spec.cell_ref(r, label_col)
        if f is None:
            known = ", ".join(x.label for x in sheet.fields)
            mistakes.append(Mistake(sheet.name, ref, (
                f"isian '{text}' tidak dikenal; kembalikan nama aslinya (yang dikenal: "
                f"{known})")))
        elif f in places:
            mistakes.append(Mistake(sheet.name, ref, (
                f"isian '{f.label}' ditulis dua kali (juga "
                f"{spec.cell_ref(places[f], label_col)}); hapus salah satu")))
        else:
            places[f] = r
    columns = {mb.Field("@value", mb.FORM_HEADER[1]): value_col}
    bad = _cell_problems(sheet, inspected, columns, sorted(places.values()), header, mistakes,
                         {r: f for f, r in places.items()})
    values: mb.Row = {}
    cells = {f: spec.cell_ref(places.get(f, header), value_col) for f in sheet.fields}
    for f, r in places.items():
        ref = spec.cell_ref(r, value_col)
        if ref in bad:
            continue
        try:
            value = mb.from_cell(f, _at(grid, r, value_col))
        except ValueError as exc:
            mistakes.append(Mistake(sheet.name, ref, f"{f.label}: {exc}"))
            continue
        if value is not mb.MISSING:
            values[f] = value
    return [mb.Record(values, cells, spec.cell_ref(header, value_col))]


def _record(sheet, grid, r, columns, cells, where, bad, mistakes) -> mb.Record:
    values: mb.Row = {}
    for f, c in columns.items():
        ref = spec.cell_ref(r, c)
        if ref in bad:
            continue
        try:
            value = mb.from_cell(f, _at(grid, r, c))
        except ValueError as exc:
            mistakes.append(Mistake(sheet.name, ref, f"{f.label}: {exc}"))
            continue
        if value is not mb.MISSING:
            values[f] = value
    return mb.Record(values, cells, where)


def _at(grid: list[list[Any]], r: int, c: int) -> Any:
    return grid[r][c] if r < len(grid) and c < len(grid[r]) else None


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _cell_problems(sheet: mb.Sheet, inspected, columns: dict[mb.Field, int], rows: list[int],
                   header: int, mistakes: list[Mistake],
                   form_fields: dict[int, mb.Field] | None = None) -> set[str]:
    """Formulas, Excel errors, percent formats and merged cells in the sheet's table;
    returns the cells whose values are not to be read."""
    wanted = set(columns.values())
    if ODS_CONTENT in inspected:
        facts = odf.cell_facts(inspected[ODS_CONTENT], sheet.name, wanted,
                               {header, *rows}, MAX_SHEET_TAGS)
        merges = _ods_merges(facts, header)
    else:
        xml = inspected.get(sheet.name, b"")
        facts = scan_cells(xml, {spec.col_letter(c) for c in wanted},
                           getattr(inspected, "percent_styles", frozenset()))
        merges = [(r1, c1, r2, c2) for r1, c1, r2, c2 in scan_merges(xml) if r2 >= header]
    bad: set[str] = set()
    for r1, c1, r2, c2 in merges:
        span = f"{spec.cell_ref(r1, c1)}:{spec.cell_ref(r2, c2)}"
        mistakes.append(Mistake(sheet.name, spec.cell_ref(r1, c1), (
            f"sel {span} digabung (merge); pisahkan gabungan sel itu (Format › Gabungkan "
            "sel › Pisahkan) lalu tulis nilainya di setiap baris")))
        bad |= {spec.cell_ref(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
    by_col = {c: f for f, c in columns.items()}
    rows_wanted = set(rows)
    for ref, fact in facts.items():
        r, c = spec.parse_cell_ref(ref)
        if r not in rows_wanted or c not in by_col or fact.covered_by:
            continue
        f = (form_fields or {}).get(r) or by_col[c]
        what = _fact_problem(f, fact)
        if what:
            mistakes.append(Mistake(sheet.name, ref, f"{f.label}: {what}"))
            bad.add(ref)
    return bad


def _fact_problem(f: mb.Field, fact: CellFact) -> str:
    if fact.error:
        return (f"sel berisi galat {fact.error}; ketik nilainya langsung")
    if fact.formula:
        return "sel berisi rumus; ketik nilainya langsung (master tidak membaca rumus)"
    if fact.percent and f.path != "@value" and mb.form_of(f) in _NUMERIC_FORMS:
        return ("angka berformat persen (95% tersimpan sebagai 0,95); ketik angkanya tanpa "
                "% dengan format angka biasa (Format › Sel › Angka), mis. 95")
    return ""


def _ods_merges(facts: dict[str, CellFact], header: int) -> list[tuple[int, int, int, int]]:
    spans = {}
    for fact in facts.values():
        if fact.covered_by and ":" in fact.covered_by:
            first, last = fact.covered_by.split(":")
            (r1, c1), (r2, c2) = spec.parse_cell_ref(first), spec.parse_cell_ref(last)
            if r2 >= header:
                spans[fact.covered_by] = (r1, c1, r2, c2)
    return list(spans.values())


# --- the model's mistakes, at their cells ------------------------------------------------


_BY_PATH: dict[str, mb.Field] = {}  # a key path → the field whose cell holds it
for _field in (f for sheet in mb.SHEETS for f in sheet.fields):
    for _path in (_field.path, *_field.also):
        _BY_PATH.setdefault(_path, _field)


def _located(exc: ValidationError, assembled: mb.Assembled) -> list[Mistake]:
    out = []
    for err in exc.errors():
        loc = tuple(error_location(err))
        prefix = next((loc[:n] for n in range(len(loc), -1, -1)
                       if loc[:n] in assembled.origins), ())
        if prefix in assembled.quiet or loc in assembled.quiet:
            continue
        sheet, cell = assembled.origins.get(prefix, ("", ""))
        path = ".".join(p for p in loc if isinstance(p, str))
        f = _BY_PATH.get(path)
        example = mb.example_of(f) if f is not None else None
        label = f"{f.label}: " if f is not None else ""
        out.append(Mistake(sheet, cell, label + error_message(err, example)))
    return out
