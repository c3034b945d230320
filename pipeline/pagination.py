"""Page-break hints added to the rendered report: no signature alone on a page, no table
row left alone at a page break.

Both clients honour "keep with next" (``w:keepNext``) on paragraphs, but differently in
tables (measured with LibreOffice 7.4 on the sample report):

* LibreOffice keeps a table with the paragraph after it only when *every* paragraph of the
  table has keepNext; keepNext on some rows does nothing there. Word keeps a row with the
  next one when that row's paragraphs have it.
* So the last table of the report (the Sasaran Renstra table) gets keepNext on all its
  paragraphs, and the notes and the signature block after it too: in both clients the
  signature then stays on the page of the table's last rows. When the table does not fit
  with the signature on the current page, it starts on the next page.
* Every other table gets keepNext on its header rows and first data row, and on the row
  before its last (Word keeps the first data row under the header and never leaves the
  last row alone on a page; LibreOffice ignores these and repeats the header row anyway).

Done after rendering, on the XML, so a restyled template gets the same behaviour.
"""

from __future__ import annotations

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

# Children of w:pPr that may come before w:keepNext in the schema's order.
_BEFORE_KEEPNEXT = {f"{{{W}}}pStyle"}


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def keep_with_next(p: etree._Element) -> None:
    ppr = p.find(_w("pPr"))
    if ppr is None:
        ppr = etree.Element(_w("pPr"))
        p.insert(0, ppr)
    if ppr.find(_w("keepNext")) is not None:
        return
    index = sum(1 for child in ppr if child.tag in _BEFORE_KEEPNEXT)
    ppr.insert(index, etree.Element(_w("keepNext")))


def _rows(tbl: etree._Element) -> list[etree._Element]:
    return tbl.findall(_w("tr"))


def _is_header(tr: etree._Element) -> bool:
    return tr.find(f"{_w('trPr')}/{_w('tblHeader')}") is not None


def add_page_hints(body: etree._Element) -> None:
    """keepNext where the module docstring says; top-level tables only."""
    tables = body.findall(_w("tbl"))
    if not tables:
        return
    *others, last = tables
    for tbl in others:
        rows = _rows(tbl)
        headers = [r for r in rows if _is_header(r)]
        data = [r for r in rows if not _is_header(r)]
        chosen = headers + data[:1] + (data[-2:-1] if len(data) > 2 else [])
        for tr in chosen:
            for p in tr.iter(_w("p")):
                keep_with_next(p)
    for p in last.iter(_w("p")):
        keep_with_next(p)
    sibling = last.getnext()
    while sibling is not None:
        if sibling.tag == _w("p"):
            keep_with_next(sibling)
        sibling = sibling.getnext()
