"""Leave optional columns out of the report's tables after rendering; the engine's markers.

Two private-use characters (never typed by people; ``annual.texts.clean`` removes them from
master text) are the contract between a family's context and the engine:

* ``MERGE_UP`` fills a table cell that continues the cell above it; ``render`` turns each
  such cell into a vertical merge (``w:vMerge``) with the cell above;
* ``DROP_COLUMN`` is the heading of a column the document leaves out;
* ``DROP_PARAGRAPH`` is in a paragraph the document leaves out (a header row whose label
  the master leaves out: ``drop_marked_paragraphs``), so a restyled template needs no
  condition of its own around it.

A column whose heading renders as ``DROP_COLUMN`` (an optional column switched off,
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

MERGE_UP = "\ue000"
DROP_COLUMN = "\ue001"
DROP_PARAGRAPH = "\ue002"

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FIXED_BELOW = 851  # 1.5 cm: numbering columns keep their width


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


TC, TR, TBL, P, TCPR = _w("tc"), _w("tr"), _w("tbl"), _w("p"), _w("tcPr")
_VAL, _WIDTH, _TYPE = _w("val"), _w("w"), _w("type")
_NS = {"w": W}


class CellProperties:
    """One table's cell properties ``w:tcPr/w:<name>`` for every cell of its rows, found
    with one XPath query (lxml's ``find`` with a path runs its path parser per call, a few
    microseconds a cell): ``props[tc]`` is what ``tc.find("w:tcPr/w:<name>")`` returns
    (the first in document order), or None."""

    _queries: dict[str, etree.XPath] = {}

    def __init__(self, tbl: etree._Element, name: str):
        query = self._queries.get(name)
        if query is None:
            query = self._queries[name] = etree.XPath(f"w:tr/w:tc/w:tcPr/w:{name}",
                                                     namespaces=_NS)
        self._found: dict[etree._Element, etree._Element] = {}
        for el in query(tbl):
            self._found.setdefault(el.getparent().getparent(), el)

    def __getitem__(self, tc: etree._Element) -> etree._Element | None:
        return self._found.get(tc)

    def __setitem__(self, tc: etree._Element, el: etree._Element) -> None:
        """Record a property the caller has just put first in the cell's ``w:tcPr``."""
        self._found[tc] = el


class Spans(CellProperties):
    """``spans.of(tc)``: the cell's ``w:gridSpan`` (1 without one)."""

    def __init__(self, tbl: etree._Element):
        super().__init__(tbl, "gridSpan")

    def of(self, tc: etree._Element) -> int:
        el = self._found.get(tc)
        return int(el.get(_VAL)) if el is not None else 1

    def set(self, tc: etree._Element, span: int) -> None:
        self._found[tc].set(_VAL, str(span))

    def cells(self, tr: etree._Element):
        """(first grid column, span, cell) of each cell of a row."""
        col = 0
        for tc in tr.iterchildren(TC):
            span = self.of(tc)
            yield col, span, tc
            col += span


_TEXT = etree.XPath("./w:p//w:t/text()", namespaces=_NS)
_STRING = etree.XPath("string()")  # an element's XPath string value
T = _w("t")


def texts_holding(body: etree._Element, markers: tuple[str, ...]) -> list[etree._Element]:
    """Every ``w:t`` whose text (its XPath string value) holds one of ``markers``, in
    document order: XPath's ``descendant::w:t[contains(., $a) or …]``, walked by ``iter``
    and read as ``w:t.text`` (a ``w:t`` has no child elements in practice; one that has is
    read through XPath), about three times faster on a report's body."""
    a, b, c = (*markers, *markers, *markers)[:3]
    found = []
    for t in body.iter(T):
        text = t.text if not len(t) else _STRING(t)
        if text and (a in text or b in text or c in text):
            found.append(t)
    return found


def _text(tc: etree._Element) -> str:
    return "".join(_TEXT(tc))


class Marked:
    """Where the markers are, found in one pass (``texts_holding``) rather than by reading every
    cell's text: ``cells(marker)`` are the table cells (``w:tc``) whose text
    (their own paragraphs' ``w:t``, as ``_text``) is exactly the marker, ``texts`` every
    ``w:t`` holding a marker. A cell whose text is the marker has a ``w:t`` holding it, and
    that ``w:t`` belongs to the text of each ``w:tc`` above it reached through one of that
    cell's own paragraphs. Found before anything changes: a cell removed since is no
    longer in its table, and the callers only walk the tables of the body."""

    def __init__(self, body: etree._Element, markers: tuple[str, ...]):
        self.texts = texts_holding(body, markers)
        holding: set[etree._Element] = set()
        for t in self.texts:
            below = t
            for el in t.iterancestors():
                if el.tag == TC and below.tag == P:
                    holding.add(el)
                below = el
        self._cells: dict[str, set[etree._Element]] = {m: set() for m in markers}
        for tc in holding:  # each cell's text read once
            cells = self._cells.get(_text(tc))
            if cells is not None:
                cells.add(tc)

    def cells(self, marker: str) -> set[etree._Element]:
        return self._cells[marker]


def marked_cells(body: etree._Element, marker: str) -> set[etree._Element]:
    """Every table cell whose text is exactly ``marker`` (see ``Marked``)."""
    return Marked(body, (marker, marker)).cells(marker)


def drop_marked_paragraphs(body: etree._Element, marker: str, found: Marked) -> int:
    """Remove every paragraph holding ``marker``; return how many were removed."""
    paragraphs = []
    for t in found.texts:
        if t.text and marker in t.text:
            p = next((el for el in t.iterancestors(P)), None)
            if p is not None and p not in paragraphs:
                paragraphs.append(p)
    for p in paragraphs:
        parent = p.getparent()
        if parent is None:
            continue
        if parent.tag == TC and len(parent.findall(P)) == 1:
            for child in list(p):  # a cell keeps one paragraph: emptied, not removed
                if child.tag != _w("pPr"):
                    p.remove(child)
        else:
            parent.remove(p)
    return len(paragraphs)


def drop_marked_columns(body: etree._Element, marker: str, found: Marked | None = None) -> int:
    """Remove every table column headed by ``marker``; return how many were removed.
    ``found``: the markers, already looked for (``Marked``)."""
    marked = found.cells(marker) if found is not None else marked_cells(body, marker)
    if not marked:
        return 0
    rows_with = {tc.getparent() for tc in marked}
    tables = {tr.getparent() for tr in rows_with}
    removed = 0
    for tbl in body.iter(TBL):
        if tbl not in tables:
            continue
        spans = Spans(tbl)
        rows = tbl.findall(TR)
        drop = {col for tr in rows if tr in rows_with for col, span, tc in spans.cells(tr)
                if span == 1 and tc in marked}
        if drop:
            _drop(tbl, rows, drop, spans)
            removed += len(drop)
    return removed


def _drop(tbl: etree._Element, rows: list, drop: set[int], spans: Spans) -> None:
    """Remove the grid columns ``drop`` from every row, narrow the cells spanning them,
    and share their width among the columns kept (the cells' ``w:tcW`` follow)."""
    grid = tbl.find(_w("tblGrid"))
    grid_cols = grid.findall(_w("gridCol")) if grid is not None else []
    widths = [int(g.get(_WIDTH, "0")) for g in grid_cols]
    ordered: list[int] = []
    if widths:
        total = sum(widths)
        kept = [(c, w) for c, w in enumerate(widths) if c not in drop]
        fixed = sum(w for _, w in kept if w < FIXED_BELOW)
        flexible = sum(w for _, w in kept if w >= FIXED_BELOW)
        scale = (total - fixed) / flexible if flexible else 1.0
        new = {c: (w if w < FIXED_BELOW else round(w * scale)) for c, w in kept}
        for c in sorted(drop, reverse=True):
            grid.remove(grid_cols[c])
        for c, g in zip(sorted(new), grid.findall(_w("gridCol")), strict=True):
            g.set(_WIDTH, str(new[c]))
        ordered = [new[c] for c in sorted(new)]
    widths_of = CellProperties(tbl, "tcW")._found if widths else None
    span_of = spans._found
    # what happens to each cell of a row, by the row's spans (the rows of a table mostly
    # share a few): None (removed), or (its new span or None, its new width or None)
    plans: dict[tuple[int, ...], list] = {}
    for tr in rows:
        cells = list(tr.iterchildren(TC))
        key = tuple([1 if (el := span_of.get(tc)) is None else int(el.get(_VAL))
                     for tc in cells])
        plan = plans.get(key)
        if plan is None:
            plan = plans[key] = _plan(key, drop, ordered if widths_of is not None else None)
        for tc, step in zip(cells, plan, strict=True):
            if step is None:
                tr.remove(tc)
                continue
            new_span, width = step
            if new_span is not None:
                spans.set(tc, new_span)
            if width is not None:
                tcw = widths_of.get(tc)
                if tcw is not None:
                    tcw.set(_WIDTH, width)
                    tcw.set(_TYPE, "dxa")


def _plan(spans: tuple[int, ...], drop: set[int], widths: list[int] | None) -> list:
    """For a row whose cells span ``spans``: each cell's fate when the grid columns
    ``drop`` go (``_drop``): None when every column it covers goes, else (its smaller
    span, or None when it keeps its span; its width over the narrowed grid ``widths``
    as text, or None without a grid)."""
    plan: list = []
    col = at = 0  # the cell's first grid column, before and after the drop
    for span in spans:
        gone = (col in drop) if span == 1 else sum(c in drop for c in range(col, col + span))
        col += span
        if gone == span:
            plan.append(None)
            continue
        kept = span - gone
        width = str(sum(widths[at:at + kept])) if widths is not None else None
        plan.append((kept if gone else None, width))
        at += kept
    return plan
