"""Page-break hints added to the rendered report: the signature block never alone on a
page, no table row left alone at a page break.

What the clients honour (measured with LibreOffice 7.4 on the sample and the example
reports; Word's behaviour from its documentation):

* Word keeps a table row with the next row or paragraph when the row's paragraphs have
  "keep with next" (``w:keepNext``). LibreOffice ignores keepNext inside tables, except
  that a table whose *every* paragraph has it is imported as "do not split this table"
  (``may-break-between-rows="false"``); LibreOffice also joins two tables that touch.
* So the end of the report is built as one unbreakable unit that both clients respect:
  the last data row of the last table (the Sasaran Renstra table) moves into a small table
  of its own, right after the rest (a one-point paragraph keeps the two apart, so they
  still read as one table); the notes and the signature block that followed move into a
  second, borderless row of that small table; every paragraph in it gets keepNext. The
  moved row is made standalone: a cell that continued a merge from above gets its text.
  The signature therefore always shares its page with the table's last row.
* Every other table gets keepNext on its header rows and first data row, and on the row
  before its last: Word then keeps the first data row under the header and never leaves
  the last row alone on a page (LibreOffice repeats header rows anyway).

Done after rendering, on the XML, so a restyled template gets the same behaviour.
"""

from __future__ import annotations

import copy

from lxml import etree

from .strict import insert_in_order

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# Paragraph styles that start a new page in the report's template (its Heading 1).
PAGE_STYLES = {"Heading1", "Judul1"}
# The caption of the small table that holds the report's end: readers of the document
# (the tests, a screen reader) know it continues the table before it.
ENDING_CAPTION = "Lanjutan tabel: baris terakhir, catatan dan tanda tangan"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def keep_with_next(p: etree._Element) -> None:
    ppr = p.find(_w("pPr"))
    if ppr is None:
        ppr = etree.Element(_w("pPr"))
        p.insert(0, ppr)
    if ppr.find(_w("keepNext")) is not None:
        return
    insert_in_order(ppr, etree.Element(_w("keepNext")))  # right after w:pStyle


def _rows(tbl: etree._Element) -> list[etree._Element]:
    return tbl.findall(_w("tr"))


def _is_header(tr: etree._Element) -> bool:
    return tr.find(f"{_w('trPr')}/{_w('tblHeader')}") is not None


def _span(tc: etree._Element) -> int:
    el = tc.find(f"{_w('tcPr')}/{_w('gridSpan')}")
    return int(el.get(_w("val"))) if el is not None else 1


def _cells(tr: etree._Element) -> dict[int, etree._Element]:
    out, col = {}, 0
    for tc in tr.findall(_w("tc")):
        out[col] = tc
        col += _span(tc)
    return out


def _vmerge(tc: etree._Element) -> etree._Element | None:
    return tc.find(f"{_w('tcPr')}/{_w('vMerge')}")


def add_page_hints(body: etree._Element, anchor: str | None = None,
                   hold_ending: bool = True) -> None:
    """keepNext where the module docstring says; top-level tables only. The report's end
    is the last table before the paragraph reading ``anchor`` (the place and date above
    the signature), or the last table when there is no such paragraph; tables after it
    (an appendix) are treated like the others. Without ``hold_ending`` (a document that
    does not end in a signature, such as the LKjIP chapter) every table is."""
    tables = body.findall(_w("tbl"))
    if not tables:
        return
    last = _ending_table(body, tables, anchor) if hold_ending else None
    others = [t for t in tables if t is not last]
    for tbl in others:
        rows = _rows(tbl)
        headers = [r for r in rows if _is_header(r)]
        data = [r for r in rows if not _is_header(r)]
        chosen = headers + data[:1] + (data[-2:-1] if len(data) > 2 else [])
        for tr in chosen:
            for p in tr.iter(_w("p")):
                keep_with_next(p)
    if last is None:
        return
    ending = hold_the_ending(last)
    for p in ending.iter(_w("p")):
        keep_with_next(p)


_TEXT = etree.XPath(".//w:t/text()", namespaces={"w": W})


def _text(p: etree._Element) -> str:
    return "".join(_TEXT(p))


def _ending_table(body: etree._Element, tables: list, anchor: str | None) -> etree._Element:
    if anchor:
        previous = None
        for el in body:
            if el.tag == _w("tbl"):
                previous = el
            elif el.tag == _w("p") and _text(el).strip() == anchor.strip():
                if previous is not None:
                    return previous
                break
    return tables[-1]


def hold_the_ending(tbl: etree._Element) -> etree._Element:
    """Build the unbreakable end of the report after ``tbl`` (see the module docstring);
    return the table that holds it: a new small table, or ``tbl`` itself when it has a
    single data row (the whole table is then that unit)."""
    rows = _rows(tbl)
    data = [r for r in rows if not _is_header(r)]
    holder = tbl
    if len(data) >= 2:
        holder = etree.Element(_w("tbl"))
        for part in ("tblPr", "tblGrid"):
            el = tbl.find(_w(part))
            if el is not None:
                holder.append(copy.deepcopy(el))
        tblpr = holder.find(_w("tblPr"))
        if tblpr is not None:  # Word shows it as the table's alternative text
            for old in tblpr.findall(_w("tblCaption")):
                tblpr.remove(old)
            caption = etree.Element(_w("tblCaption"))
            caption.set(_w("val"), ENDING_CAPTION)
            insert_in_order(tblpr, caption)  # after w:tblLook, before w:tblDescription
        last = data[-1]
        _make_standalone(last, rows[: rows.index(last)])
        tbl.remove(last)
        holder.append(last)
        tbl.addnext(holder)
        separator = _separator()  # LibreOffice would join two tables that touch
        tbl.addnext(separator)
        keep_with_next(separator)
    following = []
    sibling = holder.getnext()
    while sibling is not None and sibling.tag == _w("p") and \
            sibling.find(f"{_w('pPr')}/{_w('sectPr')}") is None and not _starts_page(sibling):
        following.append(sibling)
        sibling = sibling.getnext()
    if following:
        holder.append(_closing_row(holder, following))
    return holder


def _starts_page(p: etree._Element) -> bool:
    """A paragraph that begins a new page (an appendix heading): the end stops before it."""
    if p.find(f".//{_w('br')}[@{_w('type')}='page']") is not None:
        return True
    ppr = p.find(_w("pPr"))
    if ppr is not None and ppr.find(_w("pageBreakBefore")) is not None:
        return True
    style = ppr.find(_w("pStyle")) if ppr is not None else None
    return style is not None and style.get(_w("val")) in PAGE_STYLES


def _make_standalone(row: etree._Element, above: list[etree._Element]) -> None:
    """A cell of ``row`` that continues a vertical merge gets the text of the cell that
    starts the merge, so the row reads on its own when it starts a page."""
    for col, tc in _cells(row).items():
        vm = _vmerge(tc)
        if vm is None or vm.get(_w("val"), "continue") == "restart":
            continue
        source = None
        for tr in reversed(above):
            cell = _cells(tr).get(col)
            if cell is not None and (_vmerge(cell) is None or
                                     _vmerge(cell).get(_w("val")) == "restart"):
                source = cell
                break
        vm.getparent().remove(vm)
        if source is not None:
            for p in tc.findall(_w("p")):
                tc.remove(p)
            for p in source.findall(_w("p")):
                tc.append(copy.deepcopy(p))


def _closing_row(tbl: etree._Element, paragraphs: list[etree._Element]) -> etree._Element:
    """A borderless row spanning the table, holding ``paragraphs`` (moved, not copied),
    with the line that closes the table above it."""
    widths = [int(g.get(_w("w"), "0")) for g in tbl.iter(_w("gridCol"))]
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


def _separator() -> etree._Element:
    """An empty paragraph one point high, with no spacing: it keeps two tables apart in
    the document's structure (LibreOffice would join them) while they read as one."""
    p = etree.Element(_w("p"))
    ppr = etree.SubElement(p, _w("pPr"))
    spacing = etree.SubElement(ppr, _w("spacing"))
    for attr, value in (("before", "0"), ("after", "0"), ("line", "20"), ("lineRule", "exact")):
        spacing.set(_w(attr), value)
    rpr = etree.SubElement(ppr, _w("rPr"))
    for tag in ("sz", "szCs"):
        etree.SubElement(rpr, _w(tag)).set(_w("val"), "2")
    return p
