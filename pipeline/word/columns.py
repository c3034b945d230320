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

When a column's heading is a plain ``{{ name }}`` whose value the context already holds,
the column is dropped from the template's body before rendering instead (``ColumnPlan``,
issue 25): the same document, without rendering, parsing and hinting cells that go.
"""

from __future__ import annotations

import re

from lxml import etree

from .prepared import Bounded

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
    longer in its table, and the callers only walk the tables of the body.

    A ``w:t`` alone in its cell, in a paragraph of the cell, in a run of the paragraph, in
    a table of ``body`` (the common case, ``_sole_cell``), gives the cell at once: its
    text is the cell's, and no other cell holds it. ``cell_of`` maps each such ``w:t`` to
    its cell."""

    def __init__(self, body: etree._Element, markers: tuple[str, ...]):
        self.texts = texts_holding(body, markers)
        self._cells: dict[str, set[etree._Element]] = {m: set() for m in markers}
        self.cell_of: dict[etree._Element, etree._Element] = {}
        short = body.tag != TC and not any(el.tag == TC for el in body.iterancestors())
        holding: set[etree._Element] = set()
        for t in self.texts:
            tc = _sole_cell(t, body) if short else None
            if tc is not None:
                cells = self._cells.get(t.text)
                if cells is not None:
                    cells.add(tc)
                self.cell_of[t] = tc
                continue
            below = t
            for el in t.iterancestors():
                if el.tag == TC and below.tag == P:
                    holding.add(el)
                below = el
        for tc in holding:  # each cell's text read once
            cells = self._cells.get(_text(tc))
            if cells is not None:
                cells.add(tc)

    def cells(self, marker: str) -> set[etree._Element]:
        return self._cells[marker]


def _sole_cell(t: etree._Element, body: etree._Element) -> etree._Element | None:
    """The cell ``t`` lies in as ``w:tbl/w:tr/w:tc/w:p/*/w:t`` under ``body`` when it is the
    only ``w:t`` of that cell and has no child: then the cell is the only one holding it
    (``Marked``) and the cell's text (``_text``) is ``t.text``. Else None."""
    if len(t):
        return None
    r = t.getparent()
    p = r.getparent() if r is not None and r.tag != T else None
    tc = p.getparent() if p is not None and p.tag == P else None
    tr = tc.getparent() if tc is not None and tc.tag == TC else None
    tbl = tr.getparent() if tr is not None and tr.tag == TR else None
    if tbl is None or tbl.tag != TBL or tbl.getparent() is not body:
        return None
    found = tc.iter(T)
    if next(found) is not t or next(found, None) is not None:
        return None
    return tc


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


# --- columns dropped before rendering (issue 25) -----------------------------------------

# A heading cell whose whole text is one plain ``{{ name.name… }}``: its value is known
# before rendering.
_HEADING = re.compile(r"\{\{\s*([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\s*\}\}")
# docxtpl's tags that may sit in a table the plan changes: rows (``{%tr``), paragraphs and
# runs (``{%p``, ``{%r``), each written right after the "{%" and followed by a space; any
# other ``{%`` (``{% cellbg %}``, ``{%tc``, a bare ``{% if %}`` that could span cells) and
# a ``{{tr``/``{{tc`` (a row or cell replaced by a value) leave the table to the pass after
# rendering
_ROW_TAG = re.compile(r"\{%tr ")
_KEPT_TAG = re.compile(r"\{%(?:tr|p|r) ")
_VALUE_TAG = re.compile(r"\{\{(?:tr|tc) ")
_OPENS = re.compile(r"\{%[pr]\s+(?:for|if)\b")
_CLOSES = re.compile(r"\{%[pr]\s+end(?:for|if)\b")
_DRAWN = tuple(f"{{{ns}}}{tag}" for ns, tag in (
    ("http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing", "docPr"),
    (W, "drawing"), (W, "pict"), (W, "object")))


class ColumnPlan:
    """The columns of a template's body that a report drops, decided before rendering
    instead of after it (``drop_marked_columns``), so that their cells are never rendered,
    parsed, hinted or written (issue 25): about a quarter of the cells of the yearly
    report's two large tables.

    A top-level table takes part (``candidates``) when the pass after rendering would
    drop the same columns with the same widths from its rendered copy; that is, when
    its heading rows (those above the first row holding a ``{%`` tag) have cells spanning
    one grid column whose whole text is one ``{{ name.name… }}``, whose value is the
    marker for this report (``dropped``), and when

    * its rows' spans fill its grid (``fix_table_grids`` leaves it as it is), it holds no
      table, and each ``{`` of its XML is in the text of a ``w:t`` (no tag in an
      attribute);
    * its only tags are docxtpl's ``{%tr``, ``{%p`` and ``{%r`` (rows are copies of the
      template's rows, cells keep their spans), and a cell that would go holds no
      ``{%tr`` and its ``{%p``/``{%r`` blocks open and close inside it, and no drawing
      (whose ids would be numbered otherwise).

    ``body(drops)`` is the body's XML with those columns gone (``_drop``, the same
    arithmetic as after rendering), made once per set of columns. The caller renders it
    and, if the rendered text still holds the marker in a table it reduced, renders the
    whole body instead (``reduced_grids``). The body's XML must come back unchanged from
    lxml (it is docxtpl's ``get_xml``, lxml's own output); else nothing is planned."""

    def __init__(self, body_xml: str, marker: str = DROP_COLUMN):
        self.xml, self.marker = body_xml, marker
        self.candidates: list[tuple[int, int, str]] = []  # (table, grid column, name)
        self._bodies = Bounded(8)  # set of columns → (body XML, grids reduced)
        try:
            tree = etree.fromstring(body_xml)
        except (etree.XMLSyntaxError, ValueError):
            return
        if etree.tostring(tree, encoding="unicode") != body_xml:
            return
        for index, tbl in enumerate(tree.iterchildren(TBL)):
            self.candidates += [(index, col, name) for col, name in _candidates(tbl)]

    def dropped(self, value) -> frozenset[tuple[int, int]]:
        """The (table, grid column) pairs whose heading's value is the marker;
        ``value(name)``: the value of the dotted name in the report's context (anything
        raised: not the marker)."""
        out = set()
        for index, col, name in self.candidates:
            try:
                found = value(name)
            except Exception:  # rendering reports what is wrong with it, not the plan
                continue
            if isinstance(found, str) and str(found) == self.marker:
                out.add((index, col))
        return frozenset(out)

    def body(self, drops: frozenset[tuple[int, int]]) -> tuple[str, frozenset]:
        """The body's XML without the columns ``drops``, and the grids (gridCol widths)
        of the tables reduced, made once per set."""
        return self._bodies.fetch(drops, lambda: self._without(drops))

    def _without(self, drops: frozenset[tuple[int, int]]) -> tuple[str, frozenset]:
        tree = etree.fromstring(self.xml)
        tables = list(tree.iterchildren(TBL))
        grids = set()
        for index in sorted({i for i, _ in drops}):
            tbl = tables[index]
            _drop(tbl, tbl.findall(TR), {c for i, c in drops if i == index}, Spans(tbl))
            grids.add(table_grid(tbl))
        return etree.tostring(tree, encoding="unicode"), frozenset(grids)


def table_grid(tbl: etree._Element) -> tuple[str, ...]:
    """The widths of a table's grid columns, as written."""
    return tuple(col.get(_WIDTH, "") for grid in tbl.iterchildren(_w("tblGrid"))
                 for col in grid.iterchildren(_w("gridCol")))


def reduced_and_marked(found: Marked, grids: frozenset, marker: str) -> bool:
    """Whether a cell of a rendered table whose grid is one of ``grids`` (the tables a
    ``ColumnPlan`` reduced; another table with the same grid counts too) is marked with
    ``marker`` (``found``: the rendered body's ``Marked``, which looked for ``marker``):
    then the plan did not drop all the table's marked columns."""
    for tc in found.cells(marker):
        tbl = next(tc.iterancestors(TBL), None)
        if tbl is not None and table_grid(tbl) in grids:
            return True
    return False


def _candidates(tbl: etree._Element) -> list[tuple[int, str]]:
    """(grid column, dotted name) of the heading cells of ``tbl`` a plan may drop by, or
    [] when the table does not take part (``ColumnPlan``)."""
    xml = etree.tostring(tbl, encoding="unicode")
    texts = [t.text or "" for t in tbl.iter(T)]
    if "{" in xml and xml.count("{") != sum(t.count("{") for t in texts):
        return []
    if tbl.find(f".//{TBL}") is not None:
        return []
    joined = "".join(texts)
    if joined.count("{%") != len(_KEPT_TAG.findall(joined)) or _VALUE_TAG.search(joined):
        return []  # a tag other than {%tr, {%p, {%r
    grid = table_grid(tbl)
    spans = Spans(tbl)
    found: list[tuple[int, str]] = []
    heading = True
    for tr in tbl.iterchildren(TR):
        text = "".join(t.text or "" for t in tr.iter(T))
        if "{%" in text:
            heading = False
            if _ROW_TAG.search(text):
                continue  # docxtpl replaces the row by its tag
        if sum(span for _, span, _ in spans.cells(tr)) != len(grid):
            return []
        if not heading:
            continue
        for col, span, tc in spans.cells(tr):
            m = _HEADING.fullmatch(_text(tc))
            if span == 1 and m:
                found.append((col, m.group(1)))
    if not found:
        return []
    cols = {col for col, _ in found}
    for tr in tbl.iterchildren(TR):
        for col, span, tc in spans.cells(tr):
            if not set(range(col, col + span)) <= cols:
                continue  # kept (perhaps narrowed)
            text = "".join(t.text or "" for t in tc.iter(T))
            if _ROW_TAG.search(text) or \
                    len(_OPENS.findall(text)) != len(_CLOSES.findall(text)) or \
                    any(True for _ in tc.iter(*_DRAWN)):
                return []
    return found
