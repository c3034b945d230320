"""What calamine does not tell: which cells hold a formula or an Excel error value.

python-calamine returns a formula's cached result as if it were typed, and an error value
(``#DIV/0!``, ``#REF!``) as an empty string. Both matter in an input cell: a formula where
a count belongs, an error that would otherwise read as "blank". This module scans the
sheet's XML once for those two facts. It runs only after ``safety.inspect_file`` has
refused DOCTYPEs and oversized parts, so a regular-expression scan of the text is safe;
the small workbook parts are parsed with defusedxml.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from defusedxml import ElementTree

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"

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


def scan_sheet(path: Path, sheet_name: str, columns: set[str]) -> dict[str, CellFact]:
    """Formula and error facts for the cells of ``columns`` (letters) in one sheet.

    Returns {} when the sheet part cannot be located: the caller then simply has fewer
    facts, never a crash.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            part = _sheet_part(zf, sheet_name)
            if part is None:
                return {}
            data = zf.read(part)
    except (zipfile.BadZipFile, KeyError, OSError, ElementTree.ParseError, ValueError):
        return {}
    except Exception:  # defusedxml raises its own types for forbidden constructs
        return {}
    facts: dict[str, CellFact] = {}
    for match in _CELL.finditer(data):
        attrs = dict(_ATTR.findall(match.group(1)))
        ref = attrs.get(b"r", b"").decode("ascii", "replace")
        if ref.rstrip("0123456789") not in columns:
            continue
        body = match.group(2) or b""
        formula = bool(_FORMULA.search(body))
        error = None
        if attrs.get(b"t") == b"e":
            value = _VALUE.search(body)
            error = value.group(1).decode("utf-8", "replace") if value else "#N/A"
        if formula or error:
            facts[ref] = CellFact(formula, error)
    return facts


def _sheet_part(zf: zipfile.ZipFile, sheet_name: str) -> str | None:
    book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
    rid = None
    for sheet in book.iter(f"{_NS_MAIN}sheet"):
        if sheet.get("name") == sheet_name:
            rid = sheet.get(f"{_NS_REL}id")
    if rid is None:
        return None
    rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    for rel in rels.iter(f"{_NS_PKG}Relationship"):
        if rel.get("Id") == rid:
            target = rel.get("Target", "")
            if target.startswith("/"):
                return target.lstrip("/")
            return posixpath.normpath(posixpath.join("xl", target))
    return None
