"""Page-by-page layout check of a document as LibreOffice lays it out (issue 21).

A reusable checker for the tests of every document family (the yearly and quarterly
reports, the LKjIP chapter, and the ones to come): ``convert`` turns several .docx into
PDFs with one LibreOffice process, ``check(docx, pdf)`` returns the ``Problem``s found:

* ``header-word-broken``: a word of a table's header row broken across two lines of its
  cell ("TARGE" / "T");
* ``heading-last`` / ``caption-last``: a heading, or the caption of a table or chart, is
  the last thing on its page (what follows it is on the next page, and not because that
  starts a new page by design: a heading with nothing under it has nothing to keep with);
* ``no-header``: a page shows rows of a table that began on an earlier page but not the
  table's header row (tables that follow each other with only empty paragraphs between are
  one table to a reader, as LibreOffice joins tables that touch);
* ``merged-cell-empty``: a row that starts a page continues a vertically merged cell (the
  No and Sasaran of a sasaran whose indicators continue): the page shows it empty;
* ``last-row-alone``: a table's last row (the notes and signature held in the table), or
  a row that sums it up (RATA-RATA, JUMLAH, TOTAL), is not on the page of the row before
  it;
* ``nearly-empty``: a page under a quarter full that neither ends the document nor is
  followed by a page that must start on a new page by design (a new section, such as the
  landscape part, or a paragraph whose *style* starts a new page: a part heading; a page
  break set on one paragraph is not the template's design and counts);
* ``chart-apart``: a chart (an image) is not on the page of its caption (a chart in a
  table row, with its caption in the same row: not on the page of that row's text).

How: the expectations come from the .docx (header rows, headings by style name, captions:
the paragraph before a table or an image, or after an image when it reads "Gambar …" /
"Grafik …"; merged cells; section breaks); the observations from the PDF through poppler
(``pdftohtml -xml``: every text line with its position, in the order LibreOffice wrote it,
which is the document's order; ``pdfimages -list``: the page of every image). Each body
paragraph and table row of the .docx is found in the PDF's text by its first characters
(whitespace removed, case folded, NFKC), searching forward from the previous one, which
gives its page; the n-th image of the .docx is the n-th image of the PDF. A document the
checker cannot follow (fewer than 90% of its paragraphs and rows found) raises
``LayoutError`` instead of passing.

LibreOffice needs 2-5 s a document on this machine; ``convert`` hands it many files at
once (one start-up).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
# The product's heading styles (yearly, quarterly, LKjIP templates), by style name.
HEADING_STYLES = re.compile(r"^(heading \d|title)$|judul|butir analisis", re.IGNORECASE)
# A row that sums up its table: its first cell reads JUMLAH, TOTAL or RATA-RATA …, in
# capitals or alone (an indicator named "Jumlah …" is not a total).
TOTAL_ROW = re.compile(r"(RATA-RATA|RATA - RATA|JUMLAH|TOTAL)\b")
FIGURE_CAPTION = re.compile(r"^(gambar|grafik)\s", re.IGNORECASE)
MIN_FILL = 0.25
KEY_CHARS = 40  # how many characters of an item find it in the PDF's text
MIN_FOUND = 0.9


class LayoutError(Exception):
    """The checker could not follow the document (its text not found in the PDF)."""


@dataclass(frozen=True)
class Problem:
    page: int  # 1-based
    rule: str
    detail: str

    def __str__(self) -> str:
        return f"page {self.page}: {self.rule}: {self.detail}"


def needs() -> str | None:
    """Why the check cannot run here (a reason for ``pytest.skip``), or None."""
    missing = [p for p in ("soffice", "pdftohtml", "pdfimages") if shutil.which(p) is None]
    return f"not installed: {', '.join(missing)}" if missing else None


def convert(docx_files: Sequence[Path], outdir: Path, timeout: float = 600) -> list[Path]:
    """PDFs of ``docx_files`` in ``outdir`` (one LibreOffice process for all; names must
    differ by stem). A private LibreOffice profile in ``outdir`` keeps it apart."""
    outdir.mkdir(parents=True, exist_ok=True)
    stems = [Path(f).stem for f in docx_files]
    assert len(set(stems)) == len(stems), f"two documents with one name: {stems}"
    profile = (outdir / ".lo-profile").resolve().as_uri()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(outdir),
                    *[str(f) for f in docx_files]],
                   check=True, capture_output=True, timeout=timeout)
    pdfs = [outdir / f"{stem}.pdf" for stem in stems]
    missing = [p.name for p in pdfs if not p.is_file()]
    assert not missing, f"LibreOffice did not convert: {missing}"
    return pdfs


# --- the PDF -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    top: float
    left: float
    height: float
    text: str


@dataclass
class Page:
    number: int  # 1-based
    width: float
    height: float
    lines: list[Line]
    images: int = 0


def read_pdf(pdf: Path) -> list[Page]:
    xml = subprocess.run(["pdftohtml", "-xml", "-i", "-q", "-stdout", str(pdf)],
                         check=True, capture_output=True).stdout
    root = etree.fromstring(xml, etree.XMLParser(recover=True, huge_tree=True))
    pages = []
    for page in root.iter("page"):
        lines = [Line(float(t.get("top")), float(t.get("left")), float(t.get("height")),
                      "".join(t.itertext()))
                 for t in page.iter("text")]
        pages.append(Page(int(page.get("number")), float(page.get("width")),
                          float(page.get("height")), [ln for ln in lines if ln.text.strip()]))
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], check=True,
                             capture_output=True, text=True).stdout.splitlines()[2:]
    for row in listing:
        cols = row.split()
        if len(cols) > 2 and cols[2] == "image":
            pages[int(cols[0]) - 1].images += 1
    return pages


# --- the document ------------------------------------------------------------------------


@dataclass
class Item:
    """A body paragraph, a table row or an image, in document order."""
    kind: str  # "p", "row", "image"
    text: str  # normalised
    raw: str = ""
    heading: bool = False
    caption: bool = False
    by_design: bool = False  # starts a new page by the template's design
    table: int = -1  # logical table of a row
    header: bool = False
    continues_merge: bool = False
    total: bool = False
    header_words: tuple[str, ...] = ()
    page: int | None = None  # 1-based, once found
    row_item: Item | None = None  # an image in a table row: that row's item


@dataclass
class Document:
    items: list[Item]
    margins: dict[str, tuple[int, int, int, int]]  # orientation → see _sections
    page_texts: list[str] = field(default_factory=list)  # normalised, once located


def norm(text: str) -> str:
    """Case folded, NFKC, without whitespace and without runs of dots (a table of
    contents' dot leaders, which the PDF prints and the .docx has as a tab; dots typed
    for a name to be filled in go on both sides alike)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[\s\u00ad\u200b]+|\.{3,}", "", text)


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _text(el: etree._Element) -> str:
    return "".join(el.xpath(".//w:t/text()", namespaces=NS))


class _Styles:
    def __init__(self, xml: bytes | None):
        self.by_id: dict[str, etree._Element] = {}
        if xml:
            for s in etree.fromstring(xml).findall("w:style", NS):
                self.by_id[s.get(_w("styleId"))] = s

    def chain(self, style_id: str | None) -> Iterable[etree._Element]:
        seen = set()
        while style_id and style_id in self.by_id and style_id not in seen:
            seen.add(style_id)
            style = self.by_id[style_id]
            yield style
            based = style.find("w:basedOn", NS)
            style_id = based.get(_w("val")) if based is not None else None

    def name(self, style_id: str | None) -> str:
        style = self.by_id.get(style_id or "")
        el = style.find("w:name", NS) if style is not None else None
        return el.get(_w("val")) if el is not None else ""

    def has(self, style_id: str | None, path: str) -> bool:
        for style in self.chain(style_id):
            el = style.find(path, NS)
            if el is not None:
                return el.get(_w("val"), "true") not in ("0", "false")
        return False


def _style_id(p: etree._Element) -> str | None:
    el = p.find("w:pPr/w:pStyle", NS)
    return el.get(_w("val")) if el is not None else None


def read_docx(docx: Path, heading_styles: re.Pattern = HEADING_STYLES) -> Document:
    with zipfile.ZipFile(docx) as z:
        body = etree.fromstring(z.read("word/document.xml")).find("w:body", NS)
        styles = _Styles(z.read("word/styles.xml") if "word/styles.xml" in z.namelist()
                         else None)
    sections = list(body.iter(_w("sectPr")))
    items: list[Item] = []
    section, pending = 0, False  # pending: the next item starts a page by design
    table_no, after_table = -1, False
    for el in body:
        if el.tag == _w("p"):
            sid = _style_id(el)
            text = _text(el)
            if styles.has(sid, "w:pPr/w:pageBreakBefore"):
                pending = True
            for _ in el.iter(_w("drawing")):
                items.append(Item("image", "", by_design=pending))
                pending = False
            if text.strip():
                items.append(Item(
                    "p", norm(text), text, by_design=pending,
                    heading=bool(heading_styles.search(styles.name(sid)))
                    or styles.has(sid, "w:pPr/w:outlineLvl")
                    or el.find("w:pPr/w:outlineLvl", NS) is not None))
                pending, after_table = False, False
            if el.find("w:pPr/w:sectPr", NS) is not None:
                section += 1
                pending = pending or _starts_page(sections, section)
        elif el.tag == _w("tbl"):
            first = el.find("w:tr", NS)
            if not after_table or first is None \
                    or first.find("w:trPr/w:tblHeader", NS) is not None:
                table_no += 1  # else a table without a header continues the one above
            after_table = True
            for tr in el.findall("w:tr", NS):
                header = tr.find("w:trPr/w:tblHeader", NS) is not None
                cells = tr.findall("w:tc", NS)
                first_cell = next((t for t in map(_text, cells) if t.strip()), "").strip()
                row = Item(
                    "row", norm(_text(tr)), _text(tr), table=table_no, header=header,
                    continues_merge=any(_continues(c) for c in cells),
                    total=bool(TOTAL_ROW.match(first_cell))
                    or first_cell.casefold() in ("jumlah", "total", "rata-rata"),
                    header_words=tuple(w for c in cells for w in norm_words(_text(c)))
                    if header else (),
                    by_design=pending)
                items.append(row)
                items += [Item("image", "", row_item=row) for _ in tr.iter(_w("drawing"))]
                pending = False
    _mark_captions(items)
    return Document(items, _sections(sections))


def norm_words(text: str) -> list[str]:
    return [w for w in (unicodedata.normalize("NFKC", t).casefold() for t in text.split())
            if len(w) >= 3]


def _continues(tc: etree._Element) -> bool:
    vm = tc.find("w:tcPr/w:vMerge", NS)
    return vm is not None and vm.get(_w("val"), "continue") == "continue"


def _starts_page(sections: list, section: int) -> bool:
    """Whether section ``section`` (0-based) starts on a new page (its ``w:type``)."""
    if section >= len(sections):
        return False
    kind = sections[section].find("w:type", NS)
    return kind is None or kind.get(_w("val")) != "continuous"


def _mark_captions(items: list[Item]) -> None:
    for i, item in enumerate(items):
        if item.kind != "p" or i + 1 >= len(items):
            continue
        if items[i + 1].kind in ("image", "row"):  # the paragraph above a table, a chart
            item.caption = True
        if i > 0 and items[i - 1].kind == "image" and FIGURE_CAPTION.match(item.raw.strip()):
            item.caption = True


def _sections(sections: list) -> dict[str, tuple[int, int, int, int]]:
    """orientation → (width, height, top margin, bottom margin) in twips, from the first
    section of that orientation."""
    out: dict[str, tuple[int, int, int, int]] = {}
    for sect in sections:
        size, mar = sect.find("w:pgSz", NS), sect.find("w:pgMar", NS)
        if size is None or mar is None:
            continue
        w, h = int(size.get(_w("w"))), int(size.get(_w("h")))
        key = "landscape" if w > h else "portrait"
        out.setdefault(key, (w, h, int(mar.get(_w("top"))), int(mar.get(_w("bottom")))))
    return out


# --- finding the document in the PDF -----------------------------------------------------


@dataclass
class _Body:
    top: float
    bottom: float


def _body(page: Page, doc: Document) -> _Body:
    key = "landscape" if page.width > page.height else "portrait"
    w, h, top, bottom = doc.margins.get(key, (0, 0, 0, 0))
    if not h:
        return _Body(0, page.height)
    scale = page.height / h
    return _Body(abs(top) * scale, page.height - abs(bottom) * scale)


def locate(doc: Document, pages: list[Page]) -> None:
    """Set ``item.page`` for every item found (see the module docstring)."""
    chunks, starts = [], []
    offset = 0
    for page in pages:
        body = _body(page, doc)
        text = "".join(norm(ln.text) for ln in page.lines
                       if body.top - 2 <= ln.top < body.bottom)
        starts.append(offset)
        chunks.append(text)
        offset += len(text)
    stream = "".join(chunks)
    doc.page_texts = chunks

    def page_at(pos: int) -> int:
        k = 0
        while k + 1 < len(starts) and starts[k + 1] <= pos:
            k += 1
        return k + 1

    cursor = 0
    images = [n for page in pages for n in [page.number] * page.images]
    doc_images = [it for it in doc.items if it.kind == "image"]
    if len(images) == len(doc_images):
        for item, number in zip(doc_images, images, strict=True):
            item.page = number
    findable = [it for it in doc.items if it.kind != "image" and len(it.text) >= 4]
    for item in findable:
        key = item.text[:KEY_CHARS]
        pos = stream.find(key, cursor)
        if pos < 0:
            continue
        item.page = page_at(pos)
        cursor = pos + len(key)
    found = sum(it.page is not None for it in findable)
    if findable and found / len(findable) < MIN_FOUND:
        lost = [it.raw[:60] for it in findable if it.page is None][:5]
        raise LayoutError(f"only {found} of {len(findable)} paragraphs and rows found in the "
                          f"PDF; first lost: {lost}")
    if len(images) != len(doc_images):
        raise LayoutError(f"{len(doc_images)} images in the document, {len(images)} in the PDF")


# --- the checks --------------------------------------------------------------------------


def check(docx: Path, pdf: Path, heading_styles: re.Pattern = HEADING_STYLES) -> list[Problem]:
    """Every problem of the module docstring's list, page by page."""
    doc = read_docx(docx, heading_styles)
    pages = read_pdf(pdf)
    locate(doc, pages)
    problems = (_broken_header_words(doc, pages) + _stranded(doc) + _tables(doc)
                + _nearly_empty(doc, pages) + _charts(doc))
    return sorted(set(problems), key=lambda p: (p.page, p.rule, p.detail))


def _broken_header_words(doc: Document, pages: list[Page]) -> list[Problem]:
    words = {w for it in doc.items for w in it.header_words}
    longest = max((len(w) for w in words), default=0)
    out = []
    for page in pages:
        lines = page.lines
        for i, line in enumerate(lines):
            tokens = line.text.split()
            if not tokens:
                continue
            joined = unicodedata.normalize("NFKC", tokens[-1]).casefold()
            if joined in words:
                continue
            j, above = i + 1, line
            while j < len(lines) and len(joined) < longest:
                below = lines[j]
                if not (above.top < below.top <= above.top + 2 * above.height):
                    break
                above = below
                parts = below.text.split()
                if not parts:
                    break
                joined += unicodedata.normalize("NFKC", parts[0]).casefold()
                if joined in words:
                    out.append(Problem(page.number, "header-word-broken",
                                       f"{joined.upper()!r} split across lines"))
                    break
                if len(parts) > 1:
                    break
                j += 1
    return out


def _next_found(items: list[Item], i: int) -> Item | None:
    for nxt in items[i + 1:]:
        if nxt.page is not None:
            return nxt
    return None


def _stranded(doc: Document) -> list[Problem]:
    out = []
    for i, item in enumerate(doc.items):
        if item.kind != "p" or item.page is None or not (item.heading or item.caption):
            continue
        nxt = _next_found(doc.items, i)
        if nxt is None or nxt.page == item.page or nxt.by_design:
            continue  # (a heading with nothing under it before a new part: nothing to keep)
        if item.caption and i > 0 and doc.items[i - 1].kind == "image" \
                and FIGURE_CAPTION.match(item.raw.strip()):
            continue  # a caption under its chart: checked by _charts
        rule = "heading-last" if item.heading else "caption-last"
        out.append(Problem(item.page, rule, f"{item.raw.strip()[:70]!r} ends the page"))
    return out


def _tables(doc: Document) -> list[Problem]:
    out = []
    tables: dict[int, list[Item]] = {}
    for item in doc.items:
        if item.kind == "row":
            tables.setdefault(item.table, []).append(item)
    for rows in tables.values():
        heads = [r for r in rows if r.header]
        data = [r for r in rows if not r.header]
        found = [r for r in data if r.page is not None]
        if not found:
            continue
        first_page = min(r.page for r in rows if r.page is not None)
        for page in sorted({r.page for r in found} - {first_page}):
            if not heads or not all(h.text[:KEY_CHARS] in doc.page_texts[page - 1]
                                    for h in heads):
                what = repr(heads[0].raw[:40]) if heads else "(none)"
                out.append(Problem(page, "no-header",
                                   f"a table continues here without its header row {what}"))
        for prev, row in zip(found, found[1:], strict=False):
            if row.page != prev.page and row.continues_merge:
                out.append(Problem(row.page, "merged-cell-empty",
                                   f"the row {row.raw.strip()[:50]!r} starts the page inside "
                                   "a merged cell, which shows empty here"))
        for k, row in enumerate(data[1:], start=1):
            last = k == len(data) - 1
            total = row.total
            prev = data[k - 1]
            if not (last or total) or None in (row.page, prev.page) or row.page == prev.page:
                continue
            what = "total" if total else "last row"
            out.append(Problem(row.page, "last-row-alone",
                               f"the table's {what} {row.raw.strip()[:50]!r} is not on the "
                               f"page of the row before it (page {prev.page})"))
    return out


def _nearly_empty(doc: Document, pages: list[Page]) -> list[Problem]:
    out = []
    starts: dict[int, Item] = {}
    for item in doc.items:
        if item.page is not None and item.page not in starts:
            starts[item.page] = item
    for k, page in enumerate(pages[:-1]):
        body = _body(page, doc)
        inside = [ln for ln in page.lines if body.top - 2 <= ln.top < body.bottom]
        bottom = max((ln.top + ln.height for ln in inside), default=body.top)
        if page.images:
            continue  # an image's height is not known from the listing: counted as full
        fill = (bottom - body.top) / (body.bottom - body.top)
        if fill >= MIN_FILL:
            continue
        nxt = starts.get(pages[k + 1].number)
        if nxt is not None and nxt.by_design:
            continue
        out.append(Problem(page.number, "nearly-empty",
                           f"{fill:.0%} of the page used, and the next page does not have to "
                           "start on a new page"))
    return out


def _charts(doc: Document) -> list[Problem]:
    out = []
    items = doc.items
    for i, item in enumerate(items):
        if item.kind != "image" or item.page is None:
            continue
        caption = None
        if item.row_item is not None:  # a chart in a table row, captioned in the row
            caption = item.row_item if item.row_item.raw.strip() else None
        elif i + 1 < len(items) and items[i + 1].kind == "p" \
                and FIGURE_CAPTION.match(items[i + 1].raw.strip()):
            caption = items[i + 1]
        elif i > 0 and items[i - 1].kind == "p" and items[i - 1].caption:
            caption = items[i - 1]
        if caption is not None and caption.page is not None and caption.page != item.page:
            out.append(Problem(item.page, "chart-apart",
                               f"the chart is on page {item.page}, its caption "
                               f"{caption.raw.strip()[:50]!r} on page {caption.page}"))
    return out
