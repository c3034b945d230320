"""The cheaper page hints (issue 25) give the bytes of the module they replace.

``pipeline/word/pagination.py`` before the speed work is kept verbatim as
``tests/pagination_reference.py``. Its fast paths are held to it:

* ``_Plain``: a plain table (every paragraph a paragraph of the table's own cell) is read
  in a few one-tag walks instead of element by element (``_Read``): the same rows,
  headers, merges, spans, grid and heights, and ``read`` gives None for a table that is
  not plain;
* ``_keep_row`` with the paragraphs whose w:pPr holds only a w:pStyle (``_Plain.lone``),
  and ``keep_with_next``'s own shortcut for them;
* ``_sections``: each table's section from one pass over the body from its end.

Tables are drawn at random (hypothesis) with what the fast paths must notice: spans
(zero and missing values too), merges with and without a value, header rows, styles in
odd places (a second w:pPr, a tracked change, no value), properties around the style,
texts with child elements, hyperlinks, equations, text boxes, nested tables, content
controls around cells and paragraphs, a text outside any paragraph, long texts that make
a merge too tall for a page, sections and the paragraphs of an ending. On top, the
rendered reports of the sample and the example masters.
"""

from __future__ import annotations

import copy

import pagination_reference as ref
import pytest
import test_render_speed as trs
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from pipeline.word import columns, pagination, render
from pipeline.word.columns import DROP_COLUMN

W = pagination.W
M = pagination.M
NS = f'xmlns:w="{W}" xmlns:m="{M}"'
STYLES = etree.fromstring(
    f"<w:styles {NS}><w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val='20'/></w:rPr>"
    "</w:rPrDefault></w:docDefaults>"
    "<w:style w:type='paragraph' w:default='1' w:styleId='Normal'/>"
    "<w:style w:type='paragraph' w:styleId='Isi'><w:pPr><w:spacing w:after='60'/></w:pPr>"
    "<w:rPr><w:sz w:val='18'/></w:rPr></w:style>"
    "<w:style w:type='paragraph' w:styleId='Besar'><w:basedOn w:val='Isi'/>"
    "<w:pPr><w:spacing w:line='360' w:before='40'/></w:pPr><w:rPr><w:sz w:val='28'/></w:rPr>"
    "</w:style></w:styles>")


# --- random documents ----------------------------------------------------------------------

WORDS = st.sampled_from(["", "a", "kata ", "Sasaran strategis ", "x\u2081 = 5 ", "&amp; <",
                         "kata " * 60, "panjang sekali " * 150])
PLAIN_STYLE = st.sampled_from(["Isi", "Besar", "Normal", "Tidak"])


@st.composite
def texts(draw) -> str:
    """A w:t: text, sometimes an element inside it with a tail."""
    text = draw(WORDS).replace("&amp; <", "&amp; &lt;")
    if draw(st.integers(0, 9)) == 0:
        return f"<w:t>{text}<w:x/>ekor</w:t>"
    return f"<w:t xml:space='preserve'>{text}</w:t>"


@st.composite
def paragraph_properties(draw) -> str:
    kind = draw(st.integers(0, 11))
    style = draw(PLAIN_STYLE)
    if kind <= 4:  # the usual
        return f"<w:pPr><w:pStyle w:val='{style}'/></w:pPr>"
    return [
        "",
        "<w:pPr/>",
        f"<w:pPr><w:pStyle w:val='{style}'/><w:jc w:val='center'/></w:pPr>",
        f"<w:pPr><w:pStyle w:val='{style}'/><w:keepNext/></w:pPr>",
        f"<w:pPr><w:jc w:val='left'/><w:pStyle w:val='{style}'/></w:pPr>",  # out of order
        "<w:pPr><w:pStyle/></w:pPr>",  # no value
        f"<w:pPr><w:jc w:val='left'/></w:pPr><w:pPr><w:pStyle w:val='{style}'/></w:pPr>",
    ][kind - 5]


@st.composite
def paragraphs(draw, depth: int = 0) -> str:
    props = draw(paragraph_properties())
    if draw(st.integers(0, 14)) == 0:  # a tracked change holding an older style
        props = ("<w:pPr><w:pPrChange><w:pPr><w:pStyle w:val='Besar'/></w:pPr></w:pPrChange>"
                 "</w:pPr>")
    runs = []
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.integers(0, 19))
        if kind == 0:
            runs.append(f"<w:hyperlink><w:r>{draw(texts())}</w:r></w:hyperlink>")
        elif kind == 1:
            runs.append("<m:oMath><m:r><m:t>y=x</m:t></m:r></m:oMath>")
        elif kind == 2 and depth == 0:  # a text box: a paragraph inside the paragraph
            inner = draw(paragraphs(depth + 1))
            runs.append(f"<w:r><w:pict><w:txbxContent>{inner}</w:txbxContent></w:pict></w:r>")
        else:
            runs.append(f"<w:r><w:rPr><w:b/></w:rPr>{draw(texts())}</w:r>")
    return f"<w:p>{props}{''.join(runs)}</w:p>"


@st.composite
def cells(draw, merge: str | None, nested: bool) -> str:
    props = []
    span = draw(st.sampled_from([None, None, None, "1", "2", "0", "x"]))
    if span == "x":  # no number: the fast path steps aside
        span = None if draw(st.booleans()) else "x"
    if span is not None:
        props.append(f"<w:gridSpan w:val='{span}'/>")
    if merge == "none":
        props.append("<w:vMerge/>")
    elif merge:
        props.append(f"<w:vMerge w:val='{merge}'/>")
    body = "".join(draw(paragraphs()) for _ in range(draw(st.integers(0, 3))))
    odd = draw(st.integers(0, 29)) if nested else 99
    if odd == 0:  # a nested table
        body += ("<w:tbl><w:tblGrid><w:gridCol w:w='500'/></w:tblGrid><w:tr><w:tc>"
                 f"{draw(paragraphs())}</w:tc></w:tr></w:tbl><w:p/>")
    elif odd == 1:  # a content control around a paragraph
        body += f"<w:sdt><w:sdtContent>{draw(paragraphs())}</w:sdtContent></w:sdt>"
    elif odd == 2:  # a text in no paragraph
        body += f"<w:customXml><w:r>{draw(texts())}</w:r></w:customXml>"
    tc = f"<w:tc><w:tcPr>{''.join(props)}</w:tcPr>{body}</w:tc>"
    if odd == 3:  # a content control around the cell
        tc = f"<w:sdt><w:sdtContent>{tc}</w:sdtContent></w:sdt>"
    return tc


@st.composite
def tables(draw, odd: bool = True) -> str:
    n_cols = draw(st.integers(1, 4))
    widths = draw(st.lists(st.sampled_from([300, 600, 1500, 3000]), min_size=n_cols,
                           max_size=n_cols))
    rows = []
    for r in range(draw(st.integers(0, 9))):
        header = r < 2 and draw(st.integers(0, 2)) == 0
        tr_pr = "<w:trPr><w:tblHeader/></w:trPr>" if header else ""
        merge_col = draw(st.integers(0, n_cols - 1))
        merge = draw(st.sampled_from([None, "restart", "continue", "continue", "none"]))
        row_cells = [draw(cells(merge if c == merge_col else None, odd))
                     for c in range(draw(st.integers(0, n_cols)))]
        rows.append(f"<w:tr>{tr_pr}{''.join(row_cells)}</w:tr>")
    grid = "".join(f"<w:gridCol w:w='{w}'/>" for w in widths)
    return f"<w:tbl><w:tblPr/><w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"


SECTION = ("<w:p><w:pPr><w:sectPr><w:pgSz w:w='11906' w:h='{h}'/><w:pgMar w:top='1134' "
           "w:bottom='1134'/></w:sectPr></w:pPr></w:p>")


@st.composite
def bodies(draw, odd: bool = True) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 3))):
        parts.append(draw(tables(odd)))
        kind = draw(st.integers(0, 5))
        if kind == 0:
            parts.append(SECTION.format(h=draw(st.sampled_from([8000, 16838]))))
        elif kind == 1:
            parts.append("<w:p><w:r><w:t>Kota Contoh, 31 Januari 2022</w:t></w:r></w:p>"
                         "<w:p><w:pPr><w:pStyle w:val='Isi'/></w:pPr><w:r><w:t>Kepala"
                         "</w:t></w:r></w:p>")
        elif kind == 2:
            parts.append("<w:p><w:pPr><w:pStyle w:val='Heading1'/></w:pPr></w:p>")
    last = draw(st.sampled_from(["<w:sectPr/>", SECTION.format(h=12000), ""]))
    return f"<w:body {NS}>{''.join(parts)}{last}</w:body>"


def _parse(xml: str) -> etree._Element:
    return etree.fromstring(xml)


def _hinted(module, xml: str, **kwargs) -> bytes | str:
    """The body after ``module.add_page_hints``, or the error it raised (a span that is no
    number: both modules raise it, or neither)."""
    body = _parse(xml)
    try:
        module.add_page_hints(body, styles=STYLES, **kwargs)
    except ValueError as exc:
        return f"ValueError: {exc}"
    return etree.tostring(body)


def _both(xml: str, **kwargs) -> tuple[bytes | str, bytes | str]:
    """``add_page_hints`` of this module and of the reference on the same body."""
    return _hinted(pagination, xml, **kwargs), _hinted(ref, xml, **kwargs)


# --- the whole pass --------------------------------------------------------------------------


@given(bodies(), st.sampled_from([None, "Kota Contoh, 31 Januari 2022"]), st.booleans())
@settings(max_examples=300, deadline=None)
def test_page_hints_give_the_references_bytes(xml, anchor, hold_ending):
    new, old = _both(xml, anchor=anchor, hold_ending=hold_ending)
    assert new == old


@given(bodies(odd=False), st.booleans())
@settings(max_examples=200, deadline=None)
def test_page_hints_on_plain_tables_give_the_references_bytes(xml, hold_ending):
    """The tables the fast path takes (nothing odd drawn), many of them cut."""
    new, old = _both(xml, anchor="Kota Contoh, 31 Januari 2022", hold_ending=hold_ending)
    assert new == old


@pytest.mark.parametrize("name", list(trs.CASES))
def test_page_hints_on_the_reports_give_the_references_bytes(name, monkeypatch):
    body = trs._rendered_body(name, monkeypatch)
    found = columns.Marked(body, render.FINISHED_MARKERS)
    render.drop_marked_paragraphs(body, render.DROP_PARAGRAPH, found)
    columns.drop_marked_columns(body, DROP_COLUMN, found)
    render.merge_marked_cells(body, found)
    styles = etree.fromstring(trs.zipfile_part(trs.WORD_TEMPLATE, "word/styles.xml"))
    new, old = copy.deepcopy(body), copy.deepcopy(body)
    pagination.add_page_hints(new, "Kota Contoh", styles=styles)
    ref.add_page_hints(old, "Kota Contoh", styles=styles)
    assert etree.tostring(new) == etree.tostring(old)
    # the reports' tables are plain: the fast path is what ran
    assert all(pagination._Plain.read(tbl) is not None
               for tbl in body.findall(f"{{{W}}}tbl"))


# --- the readings, figure by figure --------------------------------------------------------


def _read_both(tbl):
    return pagination._Plain.read(tbl), pagination._Read(tbl)


@given(tables(), st.booleans())
@settings(max_examples=400, deadline=None)
def test_a_plain_tables_reading_is_the_element_by_element_one(xml, in_text_box):
    """``in_text_box``: the table inside a paragraph (a text box's), whose texts outside
    the table's paragraphs are none of its own."""
    if in_text_box:
        xml = f"<w:p><w:r><w:pict><w:txbxContent>{xml}</w:txbxContent></w:pict></w:r></w:p>"
    tbl = _parse(f"<w:body {NS}>{xml}</w:body>").find(f".//{{{W}}}tbl")
    plain, read = _read_both(tbl)
    if plain is None:
        return
    # every paragraph one of the table's own cells
    assert tbl.xpath("count(.//w:p) = count(w:tr/w:tc/w:p)", namespaces={"w": W})
    metrics = pagination.StyleMetrics(STYLES)
    assert plain.rows == read.rows and plain.header == read.header
    assert plain.joined == read.joined
    assert plain.grid == read.facts.grid
    for tr in plain.rows:
        for tc in tr.iterchildren(f"{{{W}}}tc"):
            assert plain.spans.get(tc, 1) == read.spans.get(tc, 1)
        assert plain.height(tr, metrics) == read.height(tr, metrics) \
            == ref.estimated_height(tbl, tr, metrics)


@given(tables(odd=False))
@settings(max_examples=200, deadline=None)
def test_a_table_with_nothing_odd_is_read_the_fast_way(xml):
    tbl = _parse(f"<w:body {NS}>{xml}</w:body>")[0]
    text_boxes = tbl.find(".//w:txbxContent", {"w": W}) is not None
    bad_span = tbl.find(".//w:gridSpan[@w:val='x']", {"w": W}) is not None
    assert (pagination._Plain.read(tbl) is None) == (text_boxes or bad_span)


@pytest.mark.parametrize("odd", [
    "<w:tbl><w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl><w:p/>",  # a nested table
    "<w:sdt><w:sdtContent><w:p/></w:sdtContent></w:sdt>",  # a content control
    "<w:p><w:r><w:pict><w:txbxContent><w:p/></w:txbxContent></w:pict></w:r></w:p>",
])
def test_a_table_that_is_not_plain_is_read_element_by_element(odd):
    tbl = _parse(f"<w:body {NS}><w:tbl><w:tblGrid><w:gridCol w:w='900'/></w:tblGrid>"
                 f"<w:tr><w:tc><w:p/>{odd}</w:tc></w:tr></w:tbl></w:body>")[0]
    assert pagination._Plain.read(tbl) is None


# --- keepNext -----------------------------------------------------------------------------


PPR_CHILDREN = ["<w:pStyle w:val='Isi'/>", "<w:keepNext/>", "<w:keepLines/>", "<w:jc/>",
                "<w:spacing/>", "<w:rPr/>", "<w:sectPr/>", "<w:x/>", "<!--c-->"]


@given(st.lists(st.lists(st.sampled_from(PPR_CHILDREN), max_size=4), max_size=3),
       st.booleans())
@settings(max_examples=400, deadline=None)
def test_keep_with_next_puts_keepnext_where_the_reference_does(pprs, run_first):
    run = "<w:r><w:t>a</w:t></w:r>"
    inner = "".join(f"<w:pPr>{''.join(c)}</w:pPr>" for c in pprs)
    xml = f"<w:p {NS}>{run if run_first else ''}{inner}{run}</w:p>"
    new, old = _parse(xml), _parse(xml)
    pagination.keep_with_next(new)
    ref.keep_with_next(old)
    assert etree.tostring(new) == etree.tostring(old)


@given(tables(odd=False), st.integers(1, 3))
@settings(max_examples=200, deadline=None)
def test_rows_kept_with_the_lone_styles_known_as_the_reference_keeps_them(xml, times):
    """``_keep_row`` with ``_Plain.lone`` (each row kept up to three times, as a row can
    be: in its piece and as a chosen row) gives the reference's paragraphs."""
    new, old = (_parse(f"<w:body {NS}>{xml}</w:body>")[0] for _ in range(2))
    plain = pagination._Plain.read(new)
    if plain is None:
        return
    for _ in range(times):
        for tr in plain.rows:
            pagination._keep_row(tr, plain.lone)
        for tr in old.iterchildren(f"{{{W}}}tr"):
            ref._keep_row(tr)
    assert etree.tostring(new) == etree.tostring(old)


# --- sections -----------------------------------------------------------------------------


@given(bodies())
@settings(max_examples=200, deadline=None)
def test_each_tables_room_is_the_references(xml):
    body = _parse(xml)
    sections = pagination._sections(body)
    for tbl in body.iterchildren(f"{{{W}}}tbl"):
        assert pagination._room(sections[tbl]) == ref._room(tbl)
