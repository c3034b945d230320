"""Filled submissions: the units' templates, filled in the way a person would fill them.

Two ways, both finding the header row and columns by their labels and the rows by Kode,
as a reader does, and typing only into the input cells:

* ``fill_workbook`` opens the template with openpyxl (not the library that wrote it) and
  saves it whole, as a spreadsheet program re-saves a file; tests use it to type anything
  a person might (text, dates, formulas);
* ``fill_template`` types numbers and notes into the blank input cells of the sheet XML
  and copies every other part byte for byte: ten times faster, used for the bundled
  sample and the synthetic cities (a test checks both read back the same).

``write_sample_inputs`` reproduces the 2021 document's figures: x1 = 1 and x2 = 1 for every
unit and indicator, so every realisasi is 100% (S2.1, reported by three units, sums to 3/3).
"""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from html import escape  # quote=False: xml.sax.saxutils.escape (see domain/kinds.py)
from pathlib import Path
from typing import IO, TYPE_CHECKING
from xml.etree import ElementTree

from python_calamine import CalamineWorkbook

from ..domain import spec
from ..domain.master import NA, Master
from ..domain.periods import ANNUAL, quarter_number
from ..office.atomic import write_atomically
from .quarter import quarter_filename, write_quarter_template
from .templates import template_filename, write_template

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

Number = int | float
Values = Mapping[str, tuple[Number | str | None, Number | None]]

NOTE_LABEL = spec.COLUMNS[spec.COLUMN_INDEX["note"]].label
ANALYSIS_LABEL = spec.COLUMNS[spec.COLUMN_INDEX["analysis"]].label


def seed_values(master: Master, unit_code: str) -> dict[str, tuple[int | str, int | None]]:
    """The 2021 figures: x1 = x2 = 1 for each indicator of the unit (no x2 where it is not
    asked); an indicator whose x1 is chosen from a list gets the list's first label."""
    values: dict[str, tuple[int | str, int | None]] = {}
    for ind in master.indicators_of(unit_code):
        x1 = ind.rules.inputs(ind)[0]
        typed = x1.choices[0] if x1.is_choice else 1
        if x1.text:  # a status typed as text: the target, as a unit would report it met
            typed = ind.target if isinstance(ind.target, str) and ind.target != NA else "-"
        values[ind.code] = (typed, 1 if ind.asks_x2 else None)
    return values


def write_sample_inputs(
    master: Master, out_dir: Path, values: Mapping[str, Values] | None = None,
    period: str = ANNUAL,
) -> list[Path]:
    """Write one filled workbook per reporting unit, named like its template.

    ``values`` maps unit code → {Kode: (x1, x2)}; by default the seed's figures
    (``seed_values``). A unit missing from ``values`` is left blank. ``period``: a quarter
    (``TW1`` …) fills that quarter's workbooks (without earlier quarters' figures).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    n = quarter_number(period)
    for unit in master.reporting_units:
        blank = io.BytesIO()
        if n:
            write_quarter_template(master, unit.code, n, blank)
            name = quarter_filename(master, unit.code, n)
        else:
            write_template(master, unit.code, blank)
            name = template_filename(master, unit.code)
        unit_values = (
            seed_values(master, unit.code) if values is None else values.get(unit.code, {})
        )
        path = out_dir / name
        write_atomically(path, fill_template(blank.getvalue(), unit_values))
        paths.append(path)
    return paths


def fill_workbook(
    template_path: Path | str | IO[bytes],
    values: Values,
    out_path: Path | str,
    note: Mapping[str, str] | None = None,
    analysis: Mapping[str, str] | None = None,
    texts: Mapping[str, Mapping[str, str]] | None = None,
) -> None:
    """Type x1, x2 (and optional Catatan and Analisis texts) into a template by Kode and
    save it as out_path.

    ``texts``: other text columns by Kode and header label, e.g. a quarter's
    ``{"S1.1": {"Kendala": "…", "Tindak lanjut": "…"}}``. None leaves a cell blank. Raises
    ValueError for a Kode the sheet does not have, and for an x2 given where the template
    does not ask one (a locked cell a person cannot type in).
    """
    import openpyxl  # only here: `iku report` with the bundled sample does not need it

    book = openpyxl.load_workbook(template_path, rich_text=True)  # keep the bold labels
    sheet = book[spec.SHEET]
    header_row, columns = _find_header(sheet)
    rows = _rows_by_code(sheet, header_row, columns["Kode"])
    wanted = set(values) | set(note or {}) | set(analysis or {}) | set(texts or {})
    unknown = sorted(wanted - set(rows))
    if unknown:
        raise ValueError(f"Kode not in sheet {spec.SHEET}: {', '.join(unknown)}")
    for code, by_label in (texts or {}).items():
        for label, text in by_label.items():
            cell = sheet.cell(row=rows[code], column=columns[label])
            cell.value = text
            cell.data_type = "s"
    for code, (x1, x2) in values.items():
        row = rows[code]
        for label, value in (("x1", x1), ("x2", x2)):
            cell = sheet.cell(row=row, column=columns[label])
            if value is None:
                continue
            if cell.protection.locked:
                raise ValueError(f"{code}: the {label} cell is locked (not asked for)")
            cell.value = value
    for label, by_code in ((NOTE_LABEL, note), (ANALYSIS_LABEL, analysis)):
        for code, text in (by_code or {}).items():
            cell = sheet.cell(row=rows[code], column=columns[label])
            cell.value = text
            cell.data_type = "s"  # openpyxl would store "=..." as a formula
    book.save(out_path)


def _find_header(sheet: Worksheet) -> tuple[int, dict[str, int]]:
    """The 1-based header row and label → 1-based column, found by the labels."""
    for row in sheet.iter_rows(max_row=spec.HEADER_SEARCH_ROWS):
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


# --- the fast way: type into the blank cells of the sheet XML ---------------------------


_CELL = re.compile(rb'<c r="([A-Z]+[0-9]+)"( s="([0-9]+)")?/>')


def fill_template(
    blank: bytes, values: Values, note: Mapping[str, str] | None = None,
    analysis: Mapping[str, str] | None = None,
) -> bytes:
    """Type numbers or labels (and Catatan and Analisis texts) into a blank template's
    input cells; return the workbook.

    Like ``sample.fill_workbook``: the header and the rows are found by their labels and
    Kode; None leaves a cell blank; a Kode the sheet lacks, a locked cell or a cell that
    is not blank raises ValueError. Only the sheet part changes; every other part of the
    package is copied byte for byte.
    """
    src = zipfile.ZipFile(io.BytesIO(blank))
    part = _sheet_part(src, spec.SHEET)
    header, rows = _locate(blank)
    unlocked = _unlocked_styles(src.read("xl/styles.xml"))
    typed: dict[str, tuple[bytes, bytes]] = {}  # A1 ref -> (type attribute, cell body)
    wanted = set(values) | set(note or {}) | set(analysis or {})
    unknown = sorted(wanted - set(rows))
    if unknown:
        raise ValueError(f"Kode not in sheet {spec.SHEET}: {', '.join(unknown)}")
    for code, (x1, x2) in values.items():
        for label, value in (("x1", x1), ("x2", x2)):
            if isinstance(value, str):
                ref = spec.cell_ref(rows[code], header[label])
                body = escape(value, quote=False).encode("utf-8")
                typed[ref] = (b' t="inlineStr"', b"<is><t>" + body + b"</t></is>")
            elif value is not None:
                ref = spec.cell_ref(rows[code], header[label])
                typed[ref] = (b"", b"<v>" + repr(value).encode("ascii") + b"</v>")
    for key, texts in (("note", note), ("analysis", analysis)):
        for code, text in (texts or {}).items():
            ref = spec.cell_ref(rows[code], header[key])
            body = escape(text, quote=False).encode("utf-8")
            typed[ref] = (b' t="inlineStr"',
                          b'<is><t xml:space="preserve">' + body + b"</t></is>")

    done: set[str] = set()

    def type_into(match: re.Match[bytes]) -> bytes:
        ref = match.group(1).decode("ascii")
        if ref not in typed:
            return match.group(0)
        style = int(match.group(3) or 0)
        if style not in unlocked:
            raise ValueError(f"cell {ref} is locked (not an input cell)")
        done.add(ref)
        kind, body = typed[ref]
        return b'<c r="' + match.group(1) + b'"' + (match.group(2) or b"") + kind + b">" \
            + body + b"</c>"

    sheet_xml = _CELL.sub(type_into, src.read(part))
    missing = sorted(set(typed) - done)
    if missing:
        raise ValueError(f"cells not blank or not in the template: {', '.join(missing)}")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = sheet_xml if info.filename == part else src.read(info)
            dst.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _locate(blank: bytes) -> tuple[dict[str, int], dict[str, int]]:
    """Column key -> 0-based column, and Kode -> 0-based row, found as the reader does."""
    book = CalamineWorkbook.from_filelike(io.BytesIO(blank))
    grid = book.get_sheet_by_name(spec.SHEET).to_python(skip_empty_area=False)
    found = spec.find_header(grid)
    if found is None:
        raise ValueError(f"no header row with {', '.join(spec.REQUIRED_LABELS)} in {spec.SHEET}")
    header_row, columns = found
    code_col = columns["code"]
    rows = {
        str(line[code_col]).strip(): r
        for r, line in enumerate(grid[header_row + 1:], start=header_row + 1)
        if code_col < len(line) and str(line[code_col]).strip()
    }
    return columns, rows


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _sheet_part(zf: zipfile.ZipFile, name: str) -> str:
    """The zip member of a sheet, found through workbook.xml and its relationships."""
    book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
    rid = next(s.get(f"{_REL}id") for s in book.iter(f"{_MAIN}sheet") if s.get("name") == name)
    rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    target = next(r.get("Target") for r in rels.iter(f"{_PKG}Relationship") if r.get("Id") == rid)
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def _unlocked_styles(styles_xml: bytes) -> set[int]:
    """Indexes of the cell formats whose protection is ``locked="0"`` (input cells)."""
    root = ElementTree.fromstring(styles_xml)
    xfs = root.find(f"{_MAIN}cellXfs")
    unlocked = set()
    for i, xf in enumerate(xfs if xfs is not None else []):
        prot = xf.find(f"{_MAIN}protection")
        if prot is not None and prot.get("locked") in ("0", "false"):
            unlocked.add(i)
    return unlocked


@contextmanager
def sample_inputs(master: Master) -> Iterator[Path]:
    """The bundled sample submissions, written afresh to a temporary folder."""
    with tempfile.TemporaryDirectory(prefix="iku_contoh_") as tmp:
        write_sample_inputs(master, Path(tmp))
        yield Path(tmp)
