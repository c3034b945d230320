"""Leave optional columns out of the report's tables after rendering.

A column whose heading renders as ``context.DROP_COLUMN`` (an optional column switched off,
or one no indicator fills) is removed from its table: every cell that covers only that
grid column is deleted, a cell spanning it (``w:gridSpan``, e.g. the year heading over
Target / Realisasi / % Capaian) gets a smaller span, and the freed width is shared among
the remaining columns in proportion to their widths, except the narrow numbering columns
(under ``FIXED_BELOW`` twips), so the table keeps its width on the page.

docxtpl has no tag for "this column only if": the template holds every column a report may
show, and the report drops the ones it does not (the same approach as ``render``'s merge
of marked cells).
"""

from __future__ import annotations

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FIXED_BELOW = 851  # 1.5 cm: numbering columns keep their width


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _span(tc: etree._Element) -> int:
    el = tc.find(f"{_w('tcPr')}/{_w('gridSpan')}")
    return int(el.get(_w("val"))) if el is not None else 1


_TEXT = etree.XPath("./w:p//w:t/text()", namespaces={"w": W})


def _text(tc: etree._Element) -> str:
    return "".join(_TEXT(tc))


def _cells(tr: etree._Element):
    """(first grid column, span, cell) of each cell of a row."""
    col = 0
    for tc in tr.findall(_w("tc")):
        span = _span(tc)
        yield col, span, tc
        col += span


def drop_marked_columns(body: etree._Element, marker: str) -> int:
    """Remove every table column headed by ``marker``; return how many were removed."""
    removed = 0
    for tbl in body.iter(_w("tbl")):
        rows = tbl.findall(_w("tr"))
        drop = {col for tr in rows for col, span, tc in _cells(tr)
                if span == 1 and _text(tc) == marker}
        if drop:
            _drop(tbl, rows, drop)
            removed += len(drop)
    return removed


def _drop(tbl: etree._Element, rows: list, drop: set[int]) -> None:
    grid = tbl.find(_w("tblGrid"))
    grid_cols = grid.findall(_w("gridCol")) if grid is not None else []
    widths = [int(g.get(_w("w"), "0")) for g in grid_cols]
    for tr in rows:
        for col, span, tc in list(_cells(tr)):
            gone = sum(1 for c in range(col, col + span) if c in drop)
            if gone == span:
                tr.remove(tc)
            elif gone:
                tc.find(f"{_w('tcPr')}/{_w('gridSpan')}").set(_w("val"), str(span - gone))
    if not widths:
        return
    total = sum(widths)
    kept = [(c, w) for c, w in enumerate(widths) if c not in drop]
    fixed = sum(w for _, w in kept if w < FIXED_BELOW)
    flexible = sum(w for _, w in kept if w >= FIXED_BELOW)
    scale = (total - fixed) / flexible if flexible else 1.0
    new = {c: (w if w < FIXED_BELOW else round(w * scale)) for c, w in kept}
    for c in sorted(drop, reverse=True):
        grid.remove(grid_cols[c])
    for c, g in zip(sorted(new), grid.findall(_w("gridCol")), strict=True):
        g.set(_w("w"), str(new[c]))
    ordered = [new[c] for c in sorted(new)]
    for tr in rows:
        col = 0
        for tc in tr.findall(_w("tc")):
            span = _span(tc)
            tcw = tc.find(f"{_w('tcPr')}/{_w('tcW')}")
            if tcw is not None:
                tcw.set(_w("w"), str(sum(ordered[col:col + span])))
                tcw.set(_w("type"), "dxa")
            col += span
