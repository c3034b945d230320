"""OpenDocument spreadsheets (.ods, LibreOffice's own format): the sheet walk.

A submission saved as .ods is read like an .xlsx (python-calamine reads both), after the
same safety gate (``safety`` calls ``check_content`` on ``content.xml``, which holds every
sheet) and with the same cell facts (formulas, errors, merged cells) found here instead
of in sheet XML.

The walk follows python-calamine's own reading of ``content.xml`` (its ``ods.rs``), so the
extent measured is the extent calamine would build:

* elements are matched by their literal qualified names (``table:table-row``,
  ``table:table-cell``, ``table:covered-table-cell``, attribute ``table:number-rows-repeated``
  ...), as calamine does, never by resolved namespace (a file binding the ``table``
  prefix elsewhere is read the same way by both);
* a row (or cell) with ``number-rows-repeated`` (``number-columns-repeated``) counts that
  many times; empty cells repeated at the end of a row and empty rows repeated at the end
  of a sheet - LibreOffice writes ``16373`` and ``1048550`` of them - are free, but a cell
  with content after them, or content repeated, is materialised by calamine cell by cell,
  so it counts up to there;
* a cell has content when it carries a value, a value type or a formula.

The parser is expat without namespace processing, with DTDs refused (the gate has already
refused any DOCTYPE by its byte scan; this is a second lock), and it stops at
``safety.MAX_SHEET_TAGS`` elements, so a walk is bounded in time (~0.7 s for 105,000 cells).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.parsers import expat

from ..domain.spec import cell_ref
from .cellscan import MAX_MERGES, CellFact

ROW = "table:table-row"
CELL = "table:table-cell"
COVERED = "table:covered-table-cell"
TABLE = "table:table"
ROWS_REPEATED = "table:number-rows-repeated"
COLS_REPEATED = "table:number-columns-repeated"
COLS_SPANNED = "table:number-columns-spanned"
ROWS_SPANNED = "table:number-rows-spanned"
FORMULA = "table:formula"
VALUE_ATTRS = ("office:value", "office:string-value", "office:date-value",
               "office:time-value", "office:boolean-value", "office:value-type",
               "calcext:value-type", FORMULA)
_HUGE = 10**9


class OdsProblem(Exception):
    """The content cannot be accepted: ``kind`` is "invalid" (not well-formed, a DTD),
    "tags" (too many elements) or "extent" (a sheet too big); ``sheet`` names it."""

    def __init__(self, kind: str, detail: str = "", sheet: str = ""):
        super().__init__(kind)
        self.kind, self.detail, self.sheet = kind, detail, sheet


@dataclass
class Table:
    name: str
    rows: int = 0  # rows walked so far (with repeats)
    max_row: int = 0  # 1-based last row holding content (with repeats), 0 = none
    max_col: int = 0  # 1-based last column holding content (with repeats)
    cells: int = 0  # cell elements


@dataclass
class _Cell:
    """One cell element as found: where it starts and how far it repeats."""

    table: str
    row: int  # 0-based first row (the row element's start)
    rows: int  # row repeats
    col: int  # 0-based first column
    cols: int  # column repeats
    covered: bool
    attrs: dict[str, str]
    text: list[str] = field(default_factory=list)


def _count(value: str | None) -> int:
    if value is None:
        return 1
    try:
        n = int(value.strip())
    except ValueError:
        return _HUGE  # calamine fails on it; counting it huge refuses the file
    return n if 0 < n < _HUGE else _HUGE


def _walk(content: bytes, max_tags: int, want_text: bool = False) -> Iterator[_Cell | Table]:
    """Yield every cell element (and each finished table) in document order."""
    events: list[_Cell | Table] = []
    tables: list[Table] = []
    state = {"tags": 0, "row": None, "row_repeat": 1, "col": 0, "cell": None}

    def start(name: str, attrs: dict[str, str]) -> None:
        state["tags"] += 1
        if state["tags"] > max_tags:
            raise OdsProblem("tags")
        if name == TABLE:
            tables.append(Table(attrs.get("table:name", "")))
            return
        if not tables:
            return
        table = tables[0]  # rows of nested tables count for the outer one (calamine's way)
        if name == ROW and state["row"] is None:
            state["row"] = table.rows
            state["row_repeat"] = _count(attrs.get(ROWS_REPEATED))
            state["col"] = 0
            return
        if name in (CELL, COVERED) and state["row"] is not None and state["cell"] is None:
            cols = _count(attrs.get(COLS_REPEATED))
            cell = _Cell(table.name, state["row"], state["row_repeat"], state["col"], cols,
                         name == COVERED, attrs)
            state["col"] += cols
            table.cells += 1
            if any(a in attrs for a in VALUE_ATTRS):
                last_row = state["row"] + state["row_repeat"]
                table.max_row = max(table.max_row, min(last_row, _HUGE))
                table.max_col = max(table.max_col, min(state["col"], _HUGE))
            state["cell"] = cell
            state["depth"] = 0
            events.append(cell)
            return
        if state["cell"] is not None:
            state["depth"] += 1

    def end(name: str) -> None:
        if state["cell"] is not None:
            if state["depth"] == 0 and name in (CELL, COVERED):
                state["cell"] = None
            else:
                state["depth"] -= 1
            return
        if name == ROW and state["row"] is not None and tables:
            tables[0].rows = min(tables[0].rows + state["row_repeat"], _HUGE)
            state["row"] = None
        elif name == TABLE and tables:
            finished = tables.pop()
            if not tables:
                events.append(finished)

    def text(data: str) -> None:
        if want_text and state["cell"] is not None:
            state["cell"].text.append(data)

    def refuse_dtd(*args) -> None:
        raise OdsProblem("invalid", "DOCTYPE")

    parser = expat.ParserCreate()  # no namespace processing: literal names, as calamine
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_dtd
    parser.ExternalEntityRefHandler = lambda *a: False
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    view = memoryview(content)
    step = 256 * 1024
    try:
        for i in range(0, len(content), step):
            parser.Parse(view[i:i + step].tobytes(), False)
            yield from events
            events.clear()
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise OdsProblem("invalid", expat.ErrorString(exc.code)) from None
    yield from events


def check_content(content: bytes, max_rows: int, max_cols: int, max_cells: int,
                  max_tags: int) -> list[str]:
    """Measure every sheet of ``content.xml`` the way calamine would build it; raise
    OdsProblem when one is too big. Return the sheet names."""
    names = []
    for item in _walk(content, max_tags):
        if isinstance(item, Table):
            names.append(item.name)
            if item.cells > max_cells:
                raise OdsProblem("extent", f"cells:{item.cells}", item.name)
            if item.max_row > max_rows:
                raise OdsProblem("extent", f"rows:{item.max_row}", item.name)
            if item.max_col > max_cols:
                raise OdsProblem("extent", f"cols:{item.max_col}", item.name)
    return names


def cell_facts(content: bytes, sheet: str, columns: set[int], rows: set[int],
               max_tags: int) -> dict[str, CellFact]:
    """Formula, error, percent and merged-cell facts for the cells of ``sheet`` in the
    given 0-based ``columns`` and ``rows``, keyed by A1 reference (as ``cellscan``); a
    number typed as a percentage has ``office:value-type="percentage"``."""
    ordered = sorted(rows)
    facts: dict[str, CellFact] = {}
    spans: list[tuple[int, int, int, int, str]] = []  # merged ranges and what they show
    covered: list[tuple[int, int]] = []
    for item in _walk(content, max_tags, want_text=True):
        if isinstance(item, Table) or item.table != sheet:
            continue
        if (not item.covered and len(spans) < MAX_MERGES
                and (COLS_SPANNED in item.attrs or ROWS_SPANNED in item.attrs)):
            r2 = item.row + _count(item.attrs.get(ROWS_SPANNED)) - 1
            c2 = item.col + _count(item.attrs.get(COLS_SPANNED)) - 1
            spans.append((item.row, item.col, r2, c2, "".join(item.text).strip()))
        cols = [c for c in columns if item.col <= c < item.col + item.cols]
        if not cols:
            continue
        start = bisect_left(ordered, item.row)
        hit = [r for r in ordered[start:start + item.rows] if r < item.row + item.rows]
        formula = FORMULA in item.attrs
        error = ("".join(item.text).strip() or "#N/A"
                 if item.attrs.get("calcext:value-type") == "error" else None)
        percent = item.attrs.get("office:value-type") == "percentage"  # typed "75%"
        for row in hit:
            for col in cols:
                if item.covered:
                    covered.append((row, col))
                if formula or error or percent:
                    facts[cell_ref(row, col)] = CellFact(formula, error, percent=percent)
    for row, col in covered:
        span = next((s for s in spans if s[0] <= row <= s[2] and s[1] <= col <= s[3]), None)
        ref = cell_ref(row, col)
        fact = facts.get(ref, CellFact())
        if span is None:
            facts[ref] = CellFact(fact.formula, fact.error, covered_by=ref,
                                  percent=fact.percent)
        else:
            first, last = cell_ref(span[0], span[1]), cell_ref(span[2], span[3])
            facts[ref] = CellFact(fact.formula, fact.error, covered_by=f"{first}:{last}",
                                  visible=span[4], percent=fact.percent)
    return facts
