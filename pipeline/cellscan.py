"""What calamine does not tell: which cells hold a formula or an Excel error value, and
which are hidden under a merged cell.

python-calamine returns a formula's cached result as if it were typed, and an error value
(``#DIV/0!``, ``#REF!``) as an empty string. Both matter in an input cell: a formula where
a count belongs, an error that would otherwise read as "blank". It also returns the value
of a cell covered by a merged range (LibreOffice keeps it when asked to, a hand-edited
file may hold it) as if it were visible, while the person sees only the merged cell's
text. This module scans the
sheet's XML, as ``safety.inspect_workbook`` already inflated and checked it (no DOCTYPE,
bounded size), so a regular-expression scan of the text is safe and nothing is unzipped
twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .spec import parse_cell_ref

# A cell element, with or without a namespace prefix: <c r="E9" t="e"><v>#DIV/0!</v></c>
_CELL = re.compile(
    rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.DOTALL
)
_ATTR = re.compile(rb'\b(r|t)="([^"]*)"')
_FORMULA = re.compile(rb"<(?:\w+:)?f\b")
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")


@dataclass(frozen=True)
class CellFact:
    formula: bool = False
    error: str | None = None  # the error value, e.g. "#DIV/0!"
    covered_by: str | None = None  # the merged range hiding this cell, e.g. "F10:G10"
    visible: str = ""  # what the merged range shows instead (its first cell's value)


def scan_cells(data: bytes, columns: set[str]) -> dict[str, CellFact]:
    """Formula and error facts for the cells of ``columns`` (letters) in a sheet's XML."""
    if not columns:
        return {}
    facts: dict[str, CellFact] = {}
    for match in _cells_in(frozenset(columns)).finditer(data):
        attrs = dict(_ATTR.findall(match.group(1)))
        ref = attrs.get(b"r", b"").decode("ascii", "replace")
        body = match.group(2) or b""
        formula = bool(_FORMULA.search(body))
        error = None
        if attrs.get(b"t") == b"e":
            value = _VALUE.search(body)
            error = value.group(1).decode("utf-8", "replace") if value else "#N/A"
        if formula or error:
            facts[ref] = CellFact(formula, error)
    return facts


@lru_cache(maxsize=16)
def _cells_in(columns: frozenset[str]) -> re.Pattern[bytes]:
    """Like _CELL, for cells of the given columns only: the look-ahead skips every other
    cell at its opening tag, which keeps the scan cheap on a full sheet."""
    letters = b"|".join(sorted(c.encode("ascii") for c in columns))
    return re.compile(
        rb'<(?:\w+:)?c\b(?=[^>]*?\br="(?:' + letters + rb')[0-9]+")([^>]*?)'
        rb"(?:/>|>(.*?)</(?:\w+:)?c>)",
        re.DOTALL,
    )


_MERGE = re.compile(
    rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Za-z]{1,3}\d{1,7})(?::([A-Za-z]{1,3}\d{1,7}))?"'
)
MAX_MERGES = 1_000  # a template has 3; more merged ranges than this are not looked at


def scan_merges(data: bytes) -> list[tuple[int, int, int, int]]:
    """The merged ranges of a sheet's XML as 0-based (first row, first col, last row, last
    col), at most ``MAX_MERGES``."""
    merges = []
    for match in _MERGE.finditer(data):
        first = parse_cell_ref(match.group(1).decode("ascii"))
        last = parse_cell_ref((match.group(2) or match.group(1)).decode("ascii"))
        merges.append((min(first[0], last[0]), min(first[1], last[1]),
                       max(first[0], last[0]), max(first[1], last[1])))
        if len(merges) >= MAX_MERGES:
            break
    return merges
