"""Sample submissions: the units' templates, filled in the way a person would fill them.

``fill_workbook`` opens a written template with openpyxl (not the library that wrote it),
finds the header row and the columns by their labels and the rows by Kode, exactly as a
reader does, and types numbers into the x1/x2 cells only. ``write_sample_inputs`` uses it to
reproduce the 2021 document's figures: x1 = 1 and x2 = 1 for every unit and indicator, so
every realisasi is 100% (S2.1, reported by three units, sums to 3/3).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import IO

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

from . import spec
from .master import Master
from .templates import template_filename, write_template

Number = int | float
Values = Mapping[str, tuple[Number | None, Number | None]]

HEADER_SEARCH_ROWS = 60
NOTE_LABEL = spec.COLUMNS[spec.COLUMN_INDEX["note"]].label


def seed_values(master: Master, unit_code: str) -> dict[str, tuple[int, int | None]]:
    """The 2021 figures: x1 = x2 = 1 for each indicator of the unit (no x2 for a count)."""
    return {ind.code: (1, 1 if ind.asks_x2 else None) for ind in master.indicators_of(unit_code)}


def write_sample_inputs(
    master: Master, out_dir: Path, values: Mapping[str, Values] | None = None
) -> list[Path]:
    """Write one filled workbook per reporting unit, named like its template.

    ``values`` maps unit code → {Kode: (x1, x2)}; by default the seed's figures
    (``seed_values``). A unit missing from ``values`` is left blank.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for unit in master.reporting_units:
        blank = io.BytesIO()
        write_template(master, unit.code, blank)
        blank.seek(0)
        unit_values = (
            seed_values(master, unit.code) if values is None else values.get(unit.code, {})
        )
        path = out_dir / template_filename(master, unit.code)
        fill_workbook(blank, unit_values, path)
        paths.append(path)
    return paths


def fill_workbook(
    template_path: Path | str | IO[bytes],
    values: Values,
    out_path: Path | str,
    note: Mapping[str, str] | None = None,
) -> None:
    """Type x1, x2 (and optional notes) into a template by Kode and save it as out_path.

    None leaves a cell blank. Raises ValueError for a Kode the sheet does not have, and for
    an x2 given where the template does not ask one (a locked cell a person cannot type in).
    """
    book = openpyxl.load_workbook(template_path, rich_text=True)  # keep the bold labels
    sheet = book[spec.SHEET]
    header_row, columns = _find_header(sheet)
    rows = _rows_by_code(sheet, header_row, columns["Kode"])
    wanted = set(values) | set(note or {})
    unknown = sorted(wanted - set(rows))
    if unknown:
        raise ValueError(f"Kode not in sheet {spec.SHEET}: {', '.join(unknown)}")
    for code, (x1, x2) in values.items():
        row = rows[code]
        for label, value in (("x1", x1), ("x2", x2)):
            cell = sheet.cell(row=row, column=columns[label])
            if value is None:
                continue
            if cell.protection.locked:
                raise ValueError(f"{code}: the {label} cell is locked (not asked for)")
            cell.value = value
    for code, text in (note or {}).items():
        cell = sheet.cell(row=rows[code], column=columns[NOTE_LABEL])
        cell.value = text
        cell.data_type = "s"  # openpyxl would store "=..." as a formula
    book.save(out_path)


def _find_header(sheet: Worksheet) -> tuple[int, dict[str, int]]:
    """The 1-based header row and label → 1-based column, found by the labels."""
    for row in sheet.iter_rows(max_row=HEADER_SEARCH_ROWS):
        labels = {
            str(cell.value).strip(): cell.column for cell in row if isinstance(cell.value, str)
        }
        if all(label in labels for label in spec.REQUIRED_LABELS):
            return row[0].row, labels
    raise ValueError(f"no header row with {', '.join(spec.REQUIRED_LABELS)} in {spec.SHEET}")


def _rows_by_code(sheet: Worksheet, header_row: int, code_col: int) -> dict[str, int]:
    rows: dict[str, int] = {}
    for row in range(header_row + 1, sheet.max_row + 1):
        value = sheet.cell(row=row, column=code_col).value
        if value is None or str(value).strip() == "":
            continue
        code = str(value).strip()
        if code in rows:
            raise ValueError(f"Kode {code} appears twice in {spec.SHEET}")
        rows[code] = row
    return rows
