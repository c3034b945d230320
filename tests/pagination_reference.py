"""``pipeline/word/pagination.py`` as it was before issue 25 §s4a made the page hints cheaper,
verbatim but for this docstring and the import of ``strict``: the reference the faster
module is held to (tests/test_pagination_speed.py). Not used by the product."""

from __future__ import annotations

import copy
from dataclasses import dataclass

from lxml import etree

from pipeline.word.strict import P_PR, positions_of

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
M = "http://schemas.openxmlformats.org/officeDocument/2006/math"
# Paragraph styles that start a new page in the report's template (its Heading 1).
PAGE_STYLES = {"Heading1", "Judul1"}

# The height estimate (``estimated_height``), checked against LibreOffice's pages: an
# average character of the product's text is 0.48 em wide in Arial / Liberation Sans, 0.52
# with what wrapping leaves at line ends; a line is 1.15 times the font size (times the
# style's line spacing); an equation (a fraction) takes two lines more. Measured on a
# synthetic agency's Renstra rows: estimated 106-168 pt against 97-169 pt in LibreOffice's
# PDF (at most 10% over), the sample's closing row 198 pt against about 195. A merge group
# estimated above FULL of the page's room is cut into pieces of at most PIECE of it.
CHAR_EM = 0.52
LINE_FACTOR = 1.15
MATH_LINES = 2
CELL_MARGIN_TW = 170  # left + right cell margins of the templates' table style
FULL = 0.85
PIECE = 0.6
A4_ROOM_TW = 16838 - 2 * 1134  # an A4 page with 2 cm margins, when no section says


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


# The tags and attributes walked for every row: spelled once. Children are found with
# ``iterchildren(tag)`` (in C) rather than ``find("a/b")`` (lxml's ElementPath, in Python),
# with the same result: the first ``b`` child of the first ``a`` child that has one.
_P, _PPR, _KEEP_NEXT, _TR, _TC, _TCPR = (_w(t) for t in ("p", "pPr", "keepNext", "tr", "tc",
                                                         "tcPr"))
_TRPR, _TBL_HEADER, _GRID_SPAN, _VMERGE, _GRID_COL = (_w(t) for t in (
    "trPr", "tblHeader", "gridSpan", "vMerge", "gridCol"))
_VAL, _WIDTH, _PSTYLE, _T_TAG = _w("val"), _w("w"), _w("pStyle"), _w("t")


def _grandchild(el: etree._Element, child: str, grandchild: str) -> etree._Element | None:
    """``el.find("child/grandchild")``."""
    for c in el.iterchildren(child):
        for g in c.iterchildren(grandchild):
            return g
    return None


# where a paragraph's properties go (``strict.P_PR``), for putting w:keepNext among them
_PPR_AT = positions_of(P_PR)
_KEEP_NEXT_AT = _PPR_AT[_KEEP_NEXT]


def keep_with_next(p: etree._Element) -> None:
    first = p[0] if len(p) else None
    # the first w:pPr child; a paragraph's properties come first (``strict``'s order)
    ppr = first if first is not None and first.tag == _PPR else next(p.iterchildren(_PPR), None)
    if ppr is None:
        ppr = etree.SubElement(p, _PPR)  # made in the document (faster than on its own)
        p.insert(0, ppr)
    if next(ppr.iterchildren(_KEEP_NEXT), None) is not None:
        return
    # ``strict.insert_in_order(ppr, keepNext)`` (its sequence is P_PR, a paragraph's
    # own): before the first child the schema puts after it, right after w:pStyle
    for i, child in enumerate(ppr):
        at = _PPR_AT.get(child.tag)
        if at is not None and at > _KEEP_NEXT_AT:
            ppr.insert(i, etree.SubElement(ppr, _KEEP_NEXT))
            return
    etree.SubElement(ppr, _KEEP_NEXT)


def _keep_row(tr: etree._Element) -> None:
    for p in tr.iter(_P):
        keep_with_next(p)


def _rows(tbl: etree._Element) -> list[etree._Element]:
    return list(tbl.iterchildren(_TR))


def _is_header(tr: etree._Element) -> bool:
    return _grandchild(tr, _TRPR, _TBL_HEADER) is not None


def _span(tc: etree._Element) -> int:
    el = _grandchild(tc, _TCPR, _GRID_SPAN)
    return int(el.get(_VAL)) if el is not None else 1


def _cells(tr: etree._Element, spans: dict[etree._Element, int] | None = None
           ) -> dict[int, etree._Element]:
    """first grid column → cell of a row; ``spans``: the cells' spans already read
    (``_Facts.spans``: a cell without one spans 1), else read here."""
    out, col = {}, 0
    if spans is not None:
        for tc in tr.iterchildren(_TC):
            out[col] = tc
            col += spans.get(tc, 1)
        return out
    for tc in tr.iterchildren(_TC):
        out[col] = tc
        col += _span(tc)
    return out


def _vmerge(tc: etree._Element) -> etree._Element | None:
    return _grandchild(tc, _TCPR, _VMERGE)


def _continues(tc: etree._Element) -> bool:
    vm = _vmerge(tc)
    return vm is not None and vm.get(_VAL, "continue") != "restart"


def add_page_hints(body: etree._Element, anchor: str | None = None,
                   hold_ending: bool = True, styles: etree._Element | None = None,
                   metrics: StyleMetrics | None = None) -> None:
    """The hints of the module docstring; top-level tables only. The report's end is the
    last table before the paragraph reading ``anchor`` (the place and date above the
    signature), or the last table when there is no such paragraph; tables after it (an
    appendix) are treated like the others. Without ``hold_ending`` (a document that does
    not end in a signature, such as the LKjIP chapter) no table holds an ending.
    ``styles``: the document's styles part (``w:styles``), for the height estimate;
    ``metrics``: the same already read (``StyleMetrics(styles)``, kept per template)."""
    tables = body.findall(_w("tbl"))
    if not tables:
        return
    last = _ending_table(body, tables, anchor) if hold_ending else None
    closing = hold_the_ending(last) if last is not None else None
    metrics = metrics or StyleMetrics(styles)
    for tbl in tables:
        keep_rows_together(tbl, _room(tbl), closing if tbl is last else None, metrics)


def keep_rows_together(tbl: etree._Element, room: float,
                       closing: etree._Element | None = None,
                       metrics: StyleMetrics | None = None) -> None:
    """keepNext on ``tbl``'s rows as the module docstring says; ``room``: the height of
    the table's page in twips; ``closing``: the table's closing row, if it has one."""
    known: dict[etree._Element, float] = {}
    facts: list[_Facts] = []  # read once, when the first row is estimated

    def height(tr: etree._Element) -> float:
        if tr not in known:
            if not facts:
                facts.append(_Facts(tbl))
            known[tr] = estimated_height(tbl, tr, metrics, facts[0])
        return known[tr]

    rows = _rows(tbl)
    header = [_is_header(r) for r in rows]
    headers = [r for r, h in zip(rows, header, strict=True) if h]
    data = [r for r, h in zip(rows, header, strict=True) if not h and r is not closing]
    if not data:
        for tr in headers:
            _keep_row(tr)
        return
    room -= sum(height(tr) for tr in headers)
    groups, tail = _merge_groups(data, _joined_rows(tbl)), 0
    if closing is not None:
        groups, tail = _ending_block(groups, data, closing)
    for group in groups:
        for piece in _pieces(tbl, group, room, height, tail if group is groups[-1] else 0,
                             lambda tr: _cells(tr, facts[0].spans)):
            for tr in piece[:-1]:
                _keep_row(tr)
    # the first data row stays under the header; the row before the last keeps with it
    # (a total, an average); in a table that ends in the closing row, the pieces above
    # hold its last rows
    chosen = headers + data[:1]
    if closing is None and len(data) > 2:
        chosen.append(data[-2])
    for tr in chosen:
        _keep_row(tr)


def _merge_groups(data: list[etree._Element], joined: set[etree._Element] | None = None
                  ) -> list[list[etree._Element]]:
    """The data rows in runs joined by vertical merges (a row with a cell continuing a
    merge joins the row above). ``joined``: those rows, when already found
    (``_joined_rows``)."""
    if joined is None:
        joined = {tr for tr in data if any(_continues(tc) for tc in tr.iterchildren(_TC))}
    groups: list[list[etree._Element]] = []
    for tr in data:
        if groups and tr in joined:
            groups[-1].append(tr)
        else:
            groups.append([tr])
    return groups


_VMERGES = etree.XPath("w:tr/w:tc/w:tcPr/w:vMerge", namespaces={"w": W})


def _joined_rows(tbl: etree._Element) -> set[etree._Element]:
    """The rows of ``tbl`` holding a cell that continues a merge (``_continues``), found
    with one XPath query: each cell's first ``w:tcPr/w:vMerge`` in document order, as
    ``_vmerge``."""
    first: dict[etree._Element, etree._Element] = {}
    for vm in _VMERGES(tbl):
        first.setdefault(vm.getparent().getparent(), vm)
    return {tc.getparent() for tc, vm in first.items() if vm.get(_VAL, "continue") != "restart"}


def _ending_block(groups: list[list[etree._Element]], data: list[etree._Element],
                  closing: etree._Element) -> tuple[list[list[etree._Element]], int]:
    """The groups with the last ones joined into one block that ends in the closing row:
    the group of the last data row, and, when that row sums the table up (an average, a
    total: ``sums_up``), the group of the row before it, which the sum stays with; and
    how many rows at the block's end must stay together (those rows and the closing
    row)."""
    tail = data[-2:] if len(data) >= 2 and sums_up(data[-1]) else data[-1:]
    block: list[etree._Element] = []
    while groups and any(tr in groups[-1] for tr in tail):
        block = groups.pop() + block
    return [*groups, [*block, closing]], len(tail) + 1


def sums_up(tr: etree._Element) -> bool:
    """A row that sums its table up (RATA-RATA, JUMLAH): its first cell, a label, spans
    several columns; no merge joins it to the rows above."""
    first = next(tr.iterchildren(_TC), None)
    return first is not None and _span(first) > 1 \
        and not any(_continues(tc) for tc in tr.iterchildren(_TC))


def _pieces(tbl: etree._Element, group: list[etree._Element], room: float, height,
            tail: int = 0, cells=_cells) -> list[list[etree._Element]]:
    """``group`` as it is, or, when it is too tall for a page, cut (from its end, the last
    ``tail`` rows never apart) into pieces of at most ``PIECE`` of the page, each
    restarting the merges it continues. (Cutting the block that ends in the closing row
    earlier, above PIECE, would leave fewer pages part-empty when that block moves to a
    new page whole, but would print the last sasaran twice on the signature page of most
    reports: measured on synthetic agencies, the first happened once in 72 documents.)
    ``cells``: a row's cells by first grid column (``_cells``), for the restarts; the
    rows' heights are estimated (``height``) before any restart changes a row."""
    if len(group) < 2:
        return [group]
    heights = [height(tr) for tr in group]
    if sum(heights) <= FULL * room:
        return [group]
    pieces: list[list[etree._Element]] = [[]]
    size, placed = 0.0, 0
    for tr, h in zip(reversed(group), reversed(heights), strict=True):
        if pieces[-1] and placed >= tail and size + h > PIECE * room:
            pieces.append([])
            size = 0.0
        pieces[-1].insert(0, tr)
        size += h
        placed += 1
    pieces.reverse()
    rows = _rows(tbl)
    for piece in pieces[1:]:
        _restart_merges(piece[0], rows[: rows.index(piece[0])], cells)
    return pieces


def _restart_merges(row: etree._Element, above: list[etree._Element], cells_of=_cells
                    ) -> None:
    """Every cell of ``row`` that continues a vertical merge starts one instead, with the
    text of the cell that started it, so the row reads on its own at the top of a page.
    (Each row's cells are read once here, however many of its columns continue.)"""
    below = row.getnext()
    below_cells = cells_of(below) if below is not None and below.tag == _w("tr") else {}
    read: dict[int, dict[int, etree._Element]] = {}  # position in ``above`` → its cells
    for col, tc in cells_of(row).items():
        if not _continues(tc):
            continue
        source = None
        for at in range(len(above) - 1, -1, -1):
            cells = read.get(at)
            if cells is None:
                cells = read[at] = cells_of(above[at])
            cell = cells.get(col)
            if cell is not None and not _continues(cell):
                source = cell
                break
        vm = _vmerge(tc)
        if below_cells.get(col) is not None and _continues(below_cells[col]):
            vm.set(_w("val"), "restart")
        else:
            vm.getparent().remove(vm)
        if source is not None:
            for p in tc.findall(_w("p")):
                tc.remove(p)
            for p in source.findall(_w("p")):
                tc.append(copy.deepcopy(p))


# --- the height estimate -----------------------------------------------------------------


_MATH = f"{{{M}}}oMath"


@dataclass(frozen=True)
class Metrics:
    """What a paragraph style makes of a line: font size, line height and spacing, in
    points."""

    size: float = 10.0
    line: float = 11.5
    before: float = 0.0
    after: float = 0.0


class StyleMetrics:
    """Each paragraph style's ``Metrics``, from the document's styles part (its defaults,
    each style's ``w:basedOn`` chain), so the estimate follows a restyled template."""

    def __init__(self, styles: etree._Element | None = None):
        self._styles: dict[str, etree._Element] = {}
        self._cache: dict[str | None, Metrics] = {}
        self._default_style: str | None = None
        self._defaults: list[etree._Element] = []
        if styles is None:
            return
        for st in styles.findall(_w("style")):
            sid = st.get(_w("styleId"))
            self._styles[sid] = st
            if st.get(_w("type")) == "paragraph" and st.get(_w("default")) in ("1", "true"):
                self._default_style = sid
        defaults = styles.find(_w("docDefaults"))
        if defaults is not None:
            self._defaults = [el for el in (defaults.find(f"{_w('pPrDefault')}/{_w('pPr')}"),
                                            defaults.find(f"{_w('rPrDefault')}/{_w('rPr')}"))
                              if el is not None]

    def of(self, p: etree._Element) -> Metrics:
        el = _grandchild(p, _PPR, _PSTYLE)
        return self.of_style(el.get(_VAL) if el is not None else self._default_style)

    @property
    def default_style(self) -> str | None:
        return self._default_style

    def of_style(self, sid: str | None) -> Metrics:
        """The metrics of the paragraph style ``sid`` (None: the document's defaults)."""
        found = self._cache.get(sid)
        if found is None:
            found = self._cache[sid] = self._resolve(sid)
        return found

    def _resolve(self, sid: str | None) -> Metrics:
        chain: list[etree._Element] = []
        seen: set[str] = set()
        while sid and sid in self._styles and sid not in seen:
            seen.add(sid)
            style = self._styles[sid]
            chain += [el for el in (style.find(_w("pPr")), style.find(_w("rPr")))
                      if el is not None]
            based = style.find(_w("basedOn"))
            sid = based.get(_w("val")) if based is not None else None
        chain += self._defaults  # the nearest first: a style before its base, defaults last
        size = _first(chain, "sz", lambda el: int(el.get(_w("val"))) / 2) or 10.0
        spacing = [el for el in (c.find(_w("spacing")) for c in chain) if el is not None]
        before = _attr(spacing, "before", 0) / 20
        after = _attr(spacing, "after", 0) / 20
        line_value = _attr(spacing, "line", 240)
        rule = next((el.get(_w("lineRule")) for el in spacing
                     if el.get(_w("lineRule")) is not None), "auto")
        line = size * LINE_FACTOR * line_value / 240 if rule == "auto" else line_value / 20
        return Metrics(size, line, before, after)


def _first(chain: list[etree._Element], tag: str, read):
    for el in chain:
        found = el.find(_w(tag))
        if found is not None:
            return read(found)
    return None


def _attr(spacing: list[etree._Element], name: str, default: int) -> int:
    for el in spacing:
        value = el.get(_w(name))
        if value is not None:
            return int(value)
    return default


def _grid(tbl: etree._Element) -> list[int]:
    return [int(g.get(_WIDTH, "0")) for g in tbl.iter(_GRID_COL)]


_NESTED_P = etree.XPath("boolean(.//w:p//w:p)", namespaces={"w": W})
_NO_STYLE = object()  # a paragraph without w:pStyle: the default paragraph style
_NO_FACTS = (_NO_STYLE, 0, False)  # a paragraph not read (added since)


class _Facts:
    """What ``estimated_height`` reads of a table, found for all its rows in one walk of
    the table (``iter`` over the few tags it needs, in C) rather than element by element:
    the grid's widths (``_grid``: nested tables' columns too, as ``iter`` finds them),
    each cell's span (``_span``), and ``[style, length, equation]`` of each paragraph
    that has one of them (``paragraphs``; ``_NO_FACTS`` for the others): its style
    (``StyleMetrics.of``; ``_NO_STYLE`` without one), the length of its text (its ``w:t``,
    nested paragraphs' included, and what follows an element inside one: XPath's text
    nodes of ``.//w:t``) and whether it holds an equation. Read before any row of the
    table is estimated; what the hints change afterwards (``w:keepNext``, merges restarted
    in rows already estimated) is not read again."""

    def __init__(self, tbl: etree._Element):
        self.grid: list[int] = []
        self.spans: dict[etree._Element, int] = {}
        self.paragraphs: dict[etree._Element, list] = {}
        self.per_line: dict[tuple, tuple[int, float, float, float]] = {}  # see the estimate
        paragraphs, spans = self.paragraphs, self.spans
        nested = _NESTED_P(tbl)  # a paragraph inside another (a text box): rare
        for el in tbl.iter(_GRID_COL, _GRID_SPAN, _PSTYLE, _T_TAG, _MATH):
            tag = el.tag
            if tag == _T_TAG:
                n = len(el.text or "")
                if len(el):
                    n += sum(len(child.tail or "") for child in el)
                if n:
                    run = el.getparent()
                    p = run.getparent() if run is not None else None
                    if nested or p is None or p.tag != _P:
                        above = el.iterancestors(_P)  # the paragraph holding it, and any
                    else:  # holding that one
                        above = (p,)  # w:p/w:r/w:t: the usual
                    for p in above:
                        facts = paragraphs.get(p)
                        if facts is None:
                            paragraphs[p] = [_NO_STYLE, n, False]
                        else:
                            facts[1] += n
            elif tag == _PSTYLE:
                holder = el.getparent()
                if holder.tag == _PPR:
                    p = holder.getparent()
                    if p.tag == _P:
                        facts = paragraphs.get(p)
                        if facts is None:
                            paragraphs[p] = [el.get(_VAL), 0, False]
                        elif facts[0] is _NO_STYLE:  # the first, as ``find``
                            facts[0] = el.get(_VAL)
            elif tag == _GRID_SPAN:
                holder = el.getparent()
                if holder.tag == _TCPR:
                    cell = holder.getparent()
                    if cell.tag == _TC and cell not in spans:  # the first, as ``find``
                        spans[cell] = int(el.get(_VAL))
            elif tag == _GRID_COL:
                self.grid.append(int(el.get(_WIDTH, "0")))
            else:
                for p in el.iterancestors(_P):
                    facts = paragraphs.get(p)
                    if facts is None:
                        paragraphs[p] = [_NO_STYLE, 0, True]
                    else:
                        facts[2] = True

    @property
    def lengths(self) -> dict[etree._Element, int]:
        """Each paragraph's text length, for the paragraphs holding text."""
        return {p: facts[1] for p, facts in self.paragraphs.items() if facts[1]}


def estimated_height(tbl: etree._Element, tr: etree._Element,
                     metrics: StyleMetrics | None = None, facts: _Facts | None = None
                     ) -> float:
    """A row's height in twips, estimated from its text, its cells' widths and its
    paragraphs' styles (see the constants above): the tallest cell. ``facts``: what it
    reads of the table (``_Facts``), when the caller has read them already."""
    metrics = metrics or StyleMetrics()
    facts = facts or _Facts(tbl)
    grid, spans, paragraphs, per_line = facts.grid, facts.spans, facts.paragraphs, \
        facts.per_line
    tallest = 0.0
    cells: dict[int, tuple[etree._Element, int]] = {}
    col = 0
    for tc in tr.iterchildren(_TC):  # as ``_cells``, with each cell's span kept
        span = spans.get(tc, 1)
        cells[col] = (tc, span)
        col += span
    of_style, default = metrics.of_style, metrics.default_style
    for col, (tc, span) in cells.items():
        width_pt = max(sum(grid[col:col + span]) - CELL_MARGIN_TW, 200) / 20
        height = 0.0
        for p in tc.iter(_P):
            style, length, equation = paragraphs.get(p, _NO_FACTS)
            line = per_line.get((width_pt, style))
            if line is None:  # characters a line, line height, spacing before and after
                m = of_style(default if style is _NO_STYLE else style)
                line = per_line[width_pt, style] = (
                    max(int(width_pt / (CHAR_EM * m.size)), 1), m.line, m.before, m.after)
            chars, step, before, after = line
            # math.ceil(length / chars), at least 1: integers, no float division
            lines = -(-length // chars) if length > chars else 1
            if equation:
                lines += MATH_LINES
            height += lines * step + before + after
        if height * 20 > tallest:
            tallest = height * 20
    return tallest


def _room(tbl: etree._Element) -> float:
    """The height of the page text area of the table's section, in twips."""
    sect = None
    for el in tbl.itersiblings():
        if el.tag == _w("sectPr"):
            sect = el
            break
        if el.tag == _w("p"):
            sect = el.find(f"{_w('pPr')}/{_w('sectPr')}")
            if sect is not None:
                break
    size = sect.find(_w("pgSz")) if sect is not None else None
    mar = sect.find(_w("pgMar")) if sect is not None else None
    if size is None or mar is None:
        return A4_ROOM_TW
    return int(size.get(_w("h"))) - abs(int(mar.get(_w("top"), "0"))) \
        - abs(int(mar.get(_w("bottom"), "0")))


# --- the ending --------------------------------------------------------------------------


_TEXT = etree.XPath(".//w:t/text()", namespaces={"w": W})


def _text(p: etree._Element) -> str:
    return "".join(_TEXT(p))


def _ending_table(body: etree._Element, tables: list, anchor: str | None) -> etree._Element:
    """The table before the last paragraph reading ``anchor`` (a document that carries
    another's pages, the complete LKjIP, may print the same place and date above an
    earlier signature too), else the last table."""
    if anchor:
        previous, found = None, None
        for el in body:
            if el.tag == _w("tbl"):
                previous = el
            elif el.tag == _w("p") and _text(el).strip() == anchor.strip():
                found = previous
        if found is not None:
            return found
    return tables[-1]


def hold_the_ending(tbl: etree._Element) -> etree._Element | None:
    """Move the paragraphs after ``tbl`` (up to a section break or a paragraph that starts
    a page) into a closing row at its end (see the module docstring); return that row, or
    None when nothing follows the table."""
    following = []
    sibling = tbl.getnext()
    while sibling is not None and sibling.tag == _w("p") and \
            sibling.find(f"{_w('pPr')}/{_w('sectPr')}") is None and not _starts_page(sibling):
        following.append(sibling)
        sibling = sibling.getnext()
    if not following:
        return None
    row = _closing_row(tbl, following)
    tbl.append(row)
    return row


def _starts_page(p: etree._Element) -> bool:
    """A paragraph that begins a new page (an appendix heading): the end stops before it."""
    if p.find(f".//{_w('br')}[@{_w('type')}='page']") is not None:
        return True
    ppr = p.find(_w("pPr"))
    if ppr is not None and ppr.find(_w("pageBreakBefore")) is not None:
        return True
    style = ppr.find(_w("pStyle")) if ppr is not None else None
    return style is not None and style.get(_w("val")) in PAGE_STYLES


def _closing_row(tbl: etree._Element, paragraphs: list[etree._Element]) -> etree._Element:
    """A borderless row spanning the table, holding ``paragraphs`` (moved, not copied),
    with the line that closes the table above it."""
    widths = _grid(tbl)
    tr = etree.Element(_w("tr"))
    etree.SubElement(etree.SubElement(tr, _w("trPr")), _w("cantSplit"))
    tc = etree.SubElement(tr, _w("tc"))
    tcpr = etree.SubElement(tc, _w("tcPr"))
    tcw = etree.SubElement(tcpr, _w("tcW"))
    tcw.set(_w("w"), str(sum(widths)))
    tcw.set(_w("type"), "dxa")
    if len(widths) > 1:
        etree.SubElement(tcpr, _w("gridSpan")).set(_w("val"), str(len(widths)))
    borders = etree.SubElement(tcpr, _w("tcBorders"))
    for side in ("top", "left", "bottom", "right"):
        el = etree.SubElement(borders, _w(side))
        el.set(_w("val"), "nil")
    cell_margin = etree.SubElement(tcpr, _w("tcMar"))
    for side in ("left", "right"):
        el = etree.SubElement(cell_margin, _w(side))
        el.set(_w("w"), "0")
        el.set(_w("type"), "dxa")
    for p in paragraphs:
        tc.append(p)  # moves it
    return tr
