"""Page-break hints added to the rendered document: the signature shares its page with the
last rows of the last table, under the table's repeated header; no table row left alone
at a page break; a merged cell (the No and Sasaran of a sasaran) never continues onto a
page where it would show empty.

What the clients honour (measured with LibreOffice 7.4 on the sample, the example masters
and synthetic agencies, issue 21; Word's behaviour from its documentation):

* Both keep a table row with the next row when the row's paragraphs have "keep with next"
  (``w:keepNext``; LibreOffice's Word-compatible "table row keep", which it applies to
  documents it reads from .docx). LibreOffice does not keep a table's last row with the
  paragraph after the table.
* LibreOffice keeps the rows joined by a vertical merge (``w:vMerge``) on one page when
  they fit on one; Word does not, unless the rows keep with the next one.
* Both repeat the header rows (``w:tblHeader``) on every page a table continues on, as long
  as it is one table.

So:

* **The end of a signed document stays in its last table.** The paragraphs that follow
  the ending table (the notes, place and date, the signature) move into a last,
  borderless row of that table (``w:cantSplit``, spanning every column, the table's
  bottom line above it). The last data row keeps with it, and when that row sums the
  table up (an average: ``sums_up``) so does the row before it; so the last rows, the
  notes and the signature are on one page, and when that page is a new one the table's
  header is repeated above them. (Until issue 21 the last row moved into a second,
  headerless table for this, which showed alone at the top of its page.)
* **Rows joined by a vertical merge keep together** (keepNext on each but the group's
  last), in Word as LibreOffice already does; and a group too tall for one page
  (estimated, ``estimated_height``) is cut into pieces that each fit, every piece
  starting with the merged cells' text again (the sasaran's No and text on the page where
  its indicators continue), since where a page will break is not known when the document
  is written.
* Every table keeps its header rows and first data row together, and the row before its
  last with the last one (a total, an average).

Done after rendering, on the XML, so a restyled template gets the same behaviour.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from lxml import etree

from .strict import P_PR, positions_of

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
_TBL, _SECT_PR = _w("tbl"), _w("sectPr")


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
    if first is not None and first.tag == _PPR:
        ppr = first
        if len(ppr) == 1 and ppr[0].tag == _PSTYLE:  # the usual: only a style, which
            etree.SubElement(ppr, _KEEP_NEXT)  # comes before keepNext (the loop below)
            return
    else:
        ppr = next(p.iterchildren(_PPR), None)
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


def _keep_row(tr: etree._Element, lone: dict[etree._Element, etree._Element] | None = None
              ) -> None:
    """``keep_with_next`` on each paragraph of ``tr``. ``lone``: paragraph → its w:pPr,
    for paragraphs whose first child is a w:pPr holding only a w:pStyle (``_Plain``),
    each taken out as it is kept: keepNext goes right after the style."""
    if not lone:
        for p in tr.iter(_P):
            keep_with_next(p)
        return
    for p in tr.iter(_P):
        ppr = lone.pop(p, None)
        if ppr is not None:  # keep_with_next's first case, known without looking
            etree.SubElement(ppr, _KEEP_NEXT)
        else:
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
    sections = _sections(body)
    for tbl in tables:
        keep_rows_together(tbl, _room(sections[tbl]), closing if tbl is last else None,
                           metrics)


def keep_rows_together(tbl: etree._Element, room: float,
                       closing: etree._Element | None = None,
                       metrics: StyleMetrics | None = None) -> None:
    """keepNext on ``tbl``'s rows as the module docstring says; ``room``: the height of
    the table's page in twips; ``closing``: the table's closing row, if it has one."""
    metrics = metrics or StyleMetrics()
    # what the hints read of the table, read before they change it: in a few one-tag
    # walks when the table is plain (``_Plain``), else element by element (``_Read``)
    table = _Plain.read(tbl) or _Read(tbl)
    known: dict[etree._Element, float] = {}

    def height(tr: etree._Element) -> float:
        found = known.get(tr)
        if found is None:
            found = known[tr] = table.height(tr, metrics)
        return found

    rows = table.rows
    headers = [r for r, h in zip(rows, table.header, strict=True) if h]
    data = [r for r, h in zip(rows, table.header, strict=True) if not h and r is not closing]
    lone = table.lone
    if not data:
        for tr in headers:
            _keep_row(tr, lone)
        return
    room -= sum(height(tr) for tr in headers)
    groups, tail = _merge_groups(data, table.joined), 0
    if closing is not None:
        groups, tail = _ending_block(groups, data, closing)
    placed: dict[etree._Element, dict[int, etree._Element]] = {}  # no pass moves a cell

    def cells_of(tr: etree._Element) -> dict[int, etree._Element]:
        found = placed.get(tr)
        if found is None:
            found = placed[tr] = _cells(tr, table.spans)
        return found

    for group in groups:
        for piece in _pieces(tbl, group, room, height, tail if group is groups[-1] else 0,
                             cells_of, rows, table.merges):
            for tr in piece[:-1]:
                _keep_row(tr, lone)
    # the first data row stays under the header; the row before the last keeps with it
    # (a total, an average); in a table that ends in the closing row, the pieces above
    # hold its last rows
    chosen = headers + data[:1]
    if closing is None and len(data) > 2:
        chosen.append(data[-2])
    for tr in chosen:
        _keep_row(tr, lone)


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
    with one XPath query (``_Merges``)."""
    return _Merges(tbl).joined()


class _Merges:
    """The first ``w:tcPr/w:vMerge`` of each cell of a table's rows (``_vmerge``), found
    with one XPath query, in document order, and kept as ``_restart_merges`` changes
    them; ``continues`` is ``_continues`` of such a cell."""

    def __init__(self, tbl: etree._Element):
        self.first: dict[etree._Element, etree._Element] = {}
        for vm in _VMERGES(tbl):
            self.first.setdefault(vm.getparent().getparent(), vm)

    def joined(self) -> set[etree._Element]:
        return {tc.getparent() for tc in self.first if self.continues(tc)}

    def vmerge(self, tc: etree._Element) -> etree._Element | None:
        return self.first.get(tc)

    def continues(self, tc: etree._Element) -> bool:
        vm = self.first.get(tc)
        return vm is not None and vm.get(_VAL, "continue") != "restart"

    def remove(self, tc: etree._Element, vm: etree._Element) -> None:
        """Take ``vm``, ``tc``'s first w:vMerge, out of it."""
        vm.getparent().remove(vm)
        found = _vmerge(tc)  # a second one, if the cell had two
        if found is None:
            del self.first[tc]
        else:
            self.first[tc] = found


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
            tail: int = 0, cells=_cells, rows: list[etree._Element] | None = None,
            merges: _Merges | None = None) -> list[list[etree._Element]]:
    """``group`` as it is, or, when it is too tall for a page, cut (from its end, the last
    ``tail`` rows never apart) into pieces of at most ``PIECE`` of the page, each
    restarting the merges it continues. (Cutting the block that ends in the closing row
    earlier, above PIECE, would leave fewer pages part-empty when that block moves to a
    new page whole, but would print the last sasaran twice on the signature page of most
    reports: measured on synthetic agencies, the first happened once in 72 documents.)
    ``cells``: a row's cells by first grid column (``_cells``), for the restarts; the
    rows' heights are estimated (``height``) before any restart changes a row. ``rows``:
    the table's rows (``_rows``), when already read; ``merges``: the table's
    ``_Merges``, when already read (and kept since)."""
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
    rows = rows if rows is not None else _rows(tbl)
    merges = merges if merges is not None else _Merges(tbl)
    for piece in pieces[1:]:
        _restart_merges(piece[0], rows[: rows.index(piece[0])], cells, merges)
    return pieces


def _restart_merges(row: etree._Element, above: list[etree._Element], cells_of=_cells,
                    merges: _Merges | None = None) -> None:
    """Every cell of ``row`` that continues a vertical merge starts one instead, with the
    text of the cell that started it, so the row reads on its own at the top of a page.
    (Each row's cells are read once here, however many of its columns continue.)
    ``merges``: the table's ``_Merges``, kept here as the merges change."""
    merges = merges if merges is not None else _Merges(row.getparent())
    continues = merges.continues
    below = row.getnext()
    below_cells = cells_of(below) if below is not None and below.tag == _TR else {}
    read: dict[int, dict[int, etree._Element]] = {}  # position in ``above`` → its cells
    for col, tc in cells_of(row).items():
        if not continues(tc):
            continue
        source = None
        for at in range(len(above) - 1, -1, -1):
            cells = read.get(at)
            if cells is None:
                cells = read[at] = cells_of(above[at])
            cell = cells.get(col)
            if cell is not None and not continues(cell):
                source = cell
                break
        vm = merges.vmerge(tc)
        if below_cells.get(col) is not None and continues(below_cells[col]):
            vm.set(_VAL, "restart")
        else:
            merges.remove(tc, vm)
        if source is not None:
            for p in list(tc.iterchildren(_P)):
                tc.remove(p)
            for p in source.iterchildren(_P):
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
    spans, paragraphs = facts.spans, facts.paragraphs
    return _tallest([(spans.get(tc, 1), [paragraphs.get(p, _NO_FACTS) for p in tc.iter(_P)])
                     for tc in tr.iterchildren(_TC)], facts.grid, metrics, facts.per_line)


def _tallest(cells, grid: list[int], metrics: StyleMetrics,
             per_line: dict[tuple, tuple[int, float, float, float]]) -> float:
    """``estimated_height`` of a row from its cells in order: ``(span, paragraphs)``,
    ``paragraphs`` holding ``(style, length, equation)`` of each of the cell's paragraphs
    (``_Facts``); ``per_line``: a line's metrics already found, per first grid column,
    span and style (kept per table)."""
    by_column: dict[int, tuple[int, list]] = {}
    col = 0
    for span, paragraphs in cells:  # as ``_cells``: a cell by its first grid column
        by_column[col] = (span, paragraphs)
        col += span
    tallest = 0.0
    for col, (span, paragraphs) in by_column.items():
        height = 0.0
        for style, length, equation in paragraphs:
            line = per_line.get((col, span, style))
            if line is None:  # characters a line, line height, spacing before and after
                width_pt = max(sum(grid[col:col + span]) - CELL_MARGIN_TW, 200) / 20
                m = metrics.of_style(metrics.default_style if style is _NO_STYLE else style)
                line = per_line[col, span, style] = (
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


class _Read:
    """What ``keep_rows_together`` reads of any table, element by element: its rows, which
    are headers (``_is_header``), which continue a merge (``_joined_rows``), the cells'
    spans and the rows' heights (``_Facts``, ``estimated_height``, read when first
    needed)."""

    def __init__(self, tbl: etree._Element):
        self.tbl = tbl
        self.rows = _rows(tbl)
        self.header = [_is_header(tr) for tr in self.rows]
        self.lone: dict[etree._Element, etree._Element] = {}  # see ``_keep_row``: none
        self._facts: _Facts | None = None

    @property
    def facts(self) -> _Facts:
        if self._facts is None:
            self._facts = _Facts(self.tbl)
        return self._facts

    @property
    def joined(self) -> set[etree._Element]:
        return _joined_rows(self.tbl)

    @property
    def merges(self) -> _Merges | None:
        return None  # read by each cut group, as the table is then (``_pieces``)

    @property
    def spans(self) -> dict[etree._Element, int]:
        return self.facts.spans

    def height(self, tr: etree._Element, metrics: StyleMetrics) -> float:
        return estimated_height(self.tbl, tr, metrics, self.facts)


class _Plain:
    """What ``_Read`` reads, for a plain table, read in a few walks of it (``iter``, in C,
    one tag each: an element's ``tag`` costs more than finding it): a table whose
    paragraphs are all paragraphs of its own cells (``w:tr/w:tc/w:p``: no text box, no
    paragraph of a nested table or inside a content control), so that a text, a style
    or an equation belongs to the one paragraph above it, and that paragraph to its
    parent cell. ``read`` checks it (None for any other table); the figures are those
    of ``_Read``, as tests/test_pagination_speed.py holds them, on every table and at
    random."""

    __slots__ = ("rows", "header", "joined", "merges", "spans", "grid", "cells", "per_line",
                 "lone")

    def __init__(self, rows: list[etree._Element]):
        self.rows = rows
        self.header: list[bool] = []
        self.joined: set[etree._Element] = set()  # rows continuing a merge
        self.merges: _Merges | None = None
        self.spans: dict[etree._Element, int] = {}  # a cell's span, when it has one
        self.grid: list[int] = []  # ``_grid``
        # each row's cells: [span, [style, length, equation] of each paragraph]
        self.cells: dict[etree._Element, list[list]] = {}
        self.per_line: dict[tuple, tuple[int, float, float, float]] = {}
        # paragraph → its w:pPr, when that is its first child and holds only a w:pStyle
        self.lone: dict[etree._Element, etree._Element] = {}

    def height(self, tr: etree._Element, metrics: StyleMetrics) -> float:
        return _tallest(self.cells[tr], self.grid, metrics, self.per_line)

    @classmethod
    def read(cls, tbl: etree._Element) -> _Plain | None:
        try:
            return cls._read(tbl)
        except (TypeError, ValueError):  # a span or width that is no number: ``_Read``
            return None  # raises it where it did, or never

    @classmethod
    def _read(cls, tbl: etree._Element) -> _Plain | None:
        out = cls(_rows(tbl))
        cells, spans = out.cells, out.spans
        in_cell: dict[etree._Element, list] = {}  # a cell → its [span, paragraphs' facts]
        for tr in out.rows:
            cells[tr] = [in_cell.setdefault(tc, [1, []]) for tc in tr.iterchildren(_TC)]
        # each paragraph's [style, length, equation], as ``_Facts``; for a plain table
        in_paragraph: dict[etree._Element, list] = {}
        for p in tbl.iter(_P):
            cell = in_cell.get(p.getparent())
            if cell is None:  # not a paragraph of the table's own cell
                return None
            facts = in_paragraph[p] = [_NO_STYLE, 0, False]
            cell[1].append(facts)
        for el in tbl.iter(_T_TAG):  # what XPath's text nodes of .//w:t hold
            text = el.text
            n = len(text) if text else 0
            if len(el):
                n += sum(len(child.tail or "") for child in el)
            if n:
                facts = in_paragraph.get(el.getparent().getparent())  # w:p/w:r/w:t
                if facts is None:  # w:p/w:hyperlink/w:r/w:t, or in no paragraph
                    facts = in_paragraph.get(next(el.iterancestors(_P), None))
                    if facts is None:  # (or in a paragraph holding the table)
                        continue
                facts[1] += n
        lone = out.lone
        for el in tbl.iter(_PSTYLE):  # the first w:pPr/w:pStyle of a paragraph
            holder = el.getparent()
            if holder.tag == _PPR:
                p = holder.getparent()
                facts = in_paragraph.get(p)
                if facts is not None and facts[0] is _NO_STYLE:
                    facts[0] = el.get(_VAL)
                    if len(holder) == 1 and p[0] is holder:
                        lone[p] = holder
        headers: set[etree._Element] = set()
        for el in tbl.iter(_GRID_COL, _GRID_SPAN, _TBL_HEADER, _MATH):
            tag = el.tag
            if tag == _GRID_COL:
                out.grid.append(int(el.get(_WIDTH, "0")))
            elif tag == _MATH:
                facts = in_paragraph.get(next(el.iterancestors(_P), None))
                if facts is not None:
                    facts[2] = True
            else:  # a row's or a cell's property: the first, as ``_grandchild``
                holder = el.getparent()
                if tag == _TBL_HEADER:
                    if holder.tag == _TRPR and holder.getparent() in cells:
                        headers.add(holder.getparent())
                elif holder.tag == _TCPR:
                    tc = holder.getparent()
                    if tc.tag == _TC and tc not in spans:  # as ``_Facts``
                        spans[tc] = int(el.get(_VAL))
                        if tc in in_cell:
                            in_cell[tc][0] = spans[tc]
        out.header = [tr in headers for tr in out.rows]
        out.merges = _Merges(tbl)
        out.joined = out.merges.joined()
        return out


def _sections(body: etree._Element) -> dict[etree._Element, etree._Element | None]:
    """Each table of ``body`` → the section it is in (``_section_of`` of the first of its
    following siblings that ends one; None: none does), from one pass over the body's
    children from the end."""
    out: dict[etree._Element, etree._Element | None] = {}
    sect = None
    for el in reversed(body):
        if el.tag == _TBL:
            out[el] = sect
        else:
            found = _section_of(el)
            if found is not None:
                sect = found
    return out


def _section_of(el: etree._Element) -> etree._Element | None:
    """The section ``el`` ends, for a child of the body: itself (the last section's
    w:sectPr) or a paragraph's w:pPr/w:sectPr."""
    tag = el.tag
    if tag == _SECT_PR:
        return el
    if tag == _P:
        return _grandchild(el, _PPR, _SECT_PR)
    return None


def _room(sect: etree._Element | None) -> float:
    """The height of the page text area of the section ``sect`` (a w:sectPr), in twips."""
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
