"""The complete LKjIP's Daftar Isi, Daftar Tabel and Daftar Gambar: real Word TOC fields
whose cached result is written here, so that every client shows them (issue 22).

Word updates a TOC field itself: ``TOC \\o "1-3" \\h \\z \\u`` lists the paragraphs of
outline levels 1-3 (the styles *Judul Bab*, *Judul Bagian*, *Judul Sasaran* of the
template), ``TOC \\h \\z \\t "Keterangan Tabel,1"`` the table captions, and
``w:updateFields`` in settings.xml makes Word offer to refresh them on opening.
LibreOffice does not: it shows a TOC field's cached result as it is (measured with
LibreOffice 7.4 in a headless conversion: an empty result stays empty, PAGEREF fields
inside the result keep their cached numbers), so the result is written here with the
entries, each a hyperlink to a ``_Toc…`` bookmark on its heading or caption and a
PAGEREF field holding the page number as printed (roman in the front matter).

The page numbers come from LibreOffice's own layout (``labels_from_pdf``): the document
is first rendered with the captions given a hidden outline level (9, below the TOC's
levels, so nothing else changes), converted to PDF, and the PDF's outline (bookmarks,
which LibreOffice exports for every paragraph with an outline level) gives each entry's
page; the numbering of each section (the template's ``w:pgNumType``: roman from i in the
front matter, arabic from 1 from Bab I) turns pages into labels. Without LibreOffice the
numbers are left empty for Word to fill.

``fill(document, labels, mark)`` does it on the rendered document (python-docx's), after
the Word engine finished the body: the paragraphs holding ``TOC_MARK``, ``TABLES_MARK``,
``FIGURES_MARK`` become the fields.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from lxml import etree

from ..word.strict import SETTINGS_TAIL, insert_in_order

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

TOC_MARK = "\u2060IKU-DAFTAR-ISI\u2060"
TABLES_MARK = "\u2060IKU-DAFTAR-TABEL\u2060"
FIGURES_MARK = "\u2060IKU-DAFTAR-GAMBAR\u2060"
TABLE_CAPTION = "Keterangan Tabel"  # the styles whose paragraphs the lists gather
FIGURE_CAPTION = "Keterangan Gambar"
INSTRUCTIONS = {
    TOC_MARK: ' TOC \\o "1-3" \\h \\z \\u ',
    TABLES_MARK: f' TOC \\h \\z \\t "{TABLE_CAPTION},1" ',
    FIGURES_MARK: f' TOC \\h \\z \\t "{FIGURE_CAPTION},1" ',
}
ENTRY_STYLES = ("Daftar Isi 1", "Daftar Isi 2", "Daftar Isi 3")  # by level (names)
CAPTION_LEVEL = "8"  # the hidden outline level captions get in the first pass (9th)
PLACEHOLDER = "00"  # a page number's width in the first pass, so the layout stays
EMPTY = {TOC_MARK: "", TABLES_MARK: "(tidak ada tabel)", FIGURES_MARK: "(tidak ada gambar)"}
BOOKMARK_BASE = 4_100_000  # bookmark ids (and names _Toc<id>) from here: not the template's


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


@dataclass
class Entry:
    """A heading or a caption the lists show."""

    kind: str  # TOC_MARK, TABLES_MARK or FIGURES_MARK: the list it belongs to
    level: int  # 0, 1, 2 (a caption: 0)
    text: str
    bookmark: str
    section: int  # the document section it is in (0: the cover)
    paragraph: etree._Element


class _Styles:
    def __init__(self, styles: etree._Element) -> None:
        self.by_id = {s.get(_w("styleId")): s for s in styles.iter(_w("style"))}
        self.id_of = {}
        for sid, s in self.by_id.items():
            name = s.find(_w("name"))
            if name is not None:
                self.id_of[name.get(_w("val"))] = sid

    def outline(self, sid: str | None) -> int | None:
        seen = set()
        while sid and sid in self.by_id and sid not in seen:
            seen.add(sid)
            el = self.by_id[sid].find(f"{_w('pPr')}/{_w('outlineLvl')}")
            if el is not None:
                return int(el.get(_w("val")))
            based = self.by_id[sid].find(_w("basedOn"))
            sid = based.get(_w("val")) if based is not None else None
        return None


def _style_id(p: etree._Element) -> str | None:
    el = p.find(f"{_w('pPr')}/{_w('pStyle')}")
    return el.get(_w("val")) if el is not None else None


def paragraph_text(p: etree._Element) -> str:
    """A paragraph's text as a list shows it: tabs and line breaks as spaces."""
    parts = []
    for el in p.iter(_w("t"), _w("tab"), _w("br")):
        parts.append(el.text or "" if el.tag == _w("t") else " ")
    return re.sub(r"\s+", " ", "".join(parts)).strip()


def entries(body: etree._Element, styles: etree._Element) -> list[Entry]:
    """The headings (outline levels 1-3, by style or directly) and the captions, in
    document order, with the section each is in."""
    found = _Styles(styles)
    tables, figures = found.id_of.get(TABLE_CAPTION), found.id_of.get(FIGURE_CAPTION)
    out, section, number = [], 0, BOOKMARK_BASE
    for p in body.iter(_w("p")):
        sid = _style_id(p)
        direct = p.find(f"{_w('pPr')}/{_w('outlineLvl')}")
        level = int(direct.get(_w("val"))) if direct is not None else found.outline(sid)
        kind = (TABLES_MARK if sid == tables and sid else FIGURES_MARK if sid == figures and sid
                else TOC_MARK if level is not None and level <= 2 else None)
        text = paragraph_text(p)
        if kind is not None and text:
            number += 1
            out.append(Entry(kind, level if kind == TOC_MARK else 0, text, f"_Toc{number}",
                             section, p))
        if p.find(f"{_w('pPr')}/{_w('sectPr')}") is not None:
            section += 1
    return out


def fill(document, labels: dict[str, str] | None = None, mark: bool = False) -> list[Entry]:
    """Turn the marked paragraphs of ``document`` (python-docx) into TOC fields listing
    its entries with ``labels`` (bookmark → page label; none: empty, or ``PLACEHOLDER``
    when ``mark``), bookmark every entry, and ask Word to update fields on opening.
    ``mark``: the first pass (captions get the hidden outline level). Returns the
    entries."""
    body = document.element.body
    found = entries(body, document.styles.element)
    style_ids = _Styles(document.styles.element).id_of
    _bookmark(found)
    if mark:
        for e in found:
            if e.kind != TOC_MARK:
                level = etree.Element(_w("outlineLvl"))
                level.set(_w("val"), CAPTION_LEVEL)
                insert_in_order(_ppr(e.paragraph), level)
    pages = labels or {}
    for p in list(body.iter(_w("p"))):
        text = "".join(p.itertext())
        for mark_text, instruction in INSTRUCTIONS.items():
            if mark_text in text:
                listed = [e for e in found if e.kind == mark_text]
                label = (lambda e: PLACEHOLDER) if mark else (lambda e: pages.get(e.bookmark, ""))
                field = _field(instruction, listed, label, style_ids, EMPTY[mark_text])
                for new in field:
                    p.addprevious(new)
                section = p.find(f"{_w('pPr')}/{_w('sectPr')}")
                if section is not None:  # the mark ended a section (the front matter's)
                    insert_in_order(_ppr(field[-1]), section)
                p.getparent().remove(p)
    _update_fields(document.settings.element)
    return found


def _ppr(p: etree._Element) -> etree._Element:
    ppr = p.find(_w("pPr"))
    if ppr is None:
        ppr = etree.Element(_w("pPr"))
        p.insert(0, ppr)
    return ppr


def _bookmark(found: list[Entry]) -> None:
    for e in found:
        number = e.bookmark.removeprefix("_Toc")
        start = etree.Element(_w("bookmarkStart"))
        start.set(_w("id"), number)
        start.set(_w("name"), e.bookmark)
        end = etree.Element(_w("bookmarkEnd"))
        end.set(_w("id"), number)
        ppr = e.paragraph.find(_w("pPr"))
        if ppr is not None:
            ppr.addnext(start)
        else:
            e.paragraph.insert(0, start)
        e.paragraph.append(end)


def _run(*children: etree._Element) -> etree._Element:
    r = etree.Element(_w("r"))
    for child in children:
        r.append(child)
    return r


def _char(kind: str) -> etree._Element:
    el = etree.Element(_w("fldChar"))
    el.set(_w("fldCharType"), kind)
    return el


def _instr(text: str) -> etree._Element:
    el = etree.Element(_w("instrText"))
    el.set(XML_SPACE, "preserve")
    el.text = text
    return el


def _text(text: str) -> etree._Element:
    el = etree.Element(_w("t"))
    el.set(XML_SPACE, "preserve")
    el.text = text
    return el


def _paragraph(style_id: str | None) -> etree._Element:
    p = etree.Element(_w("p"))
    if style_id:
        ppr = etree.SubElement(p, _w("pPr"))
        style = etree.SubElement(ppr, _w("pStyle"))
        style.set(_w("val"), style_id)
    return p


def _field(instruction: str, listed: list[Entry], label, style_ids: dict[str, str],
           empty: str) -> list[etree._Element]:
    """The field's paragraphs: the first opens the field, each holds one entry (a
    hyperlink: text, tab, PAGEREF), a last one closes it."""
    out = []
    for i, e in enumerate(listed or [None]):
        p = _paragraph(style_ids.get(ENTRY_STYLES[e.level if e else 0]))
        if i == 0:
            p.append(_run(_char("begin")))
            p.append(_run(_instr(instruction)))
            p.append(_run(_char("separate")))
        if e is None:
            p.append(_run(_text(empty)))
        else:
            link = etree.SubElement(p, _w("hyperlink"))
            link.set(_w("anchor"), e.bookmark)
            link.set(_w("history"), "1")
            link.append(_run(_text(e.text)))
            link.append(_run(etree.Element(_w("tab"))))
            link.append(_run(_char("begin")))
            link.append(_run(_instr(f" PAGEREF {e.bookmark} \\h ")))
            link.append(_run(_char("separate")))
            link.append(_run(_text(label(e))))
            link.append(_run(_char("end")))
        out.append(p)
    closing = _paragraph(style_ids.get(ENTRY_STYLES[0]))
    closing.append(_run(_char("end")))
    out.append(closing)
    return out


def _update_fields(settings: etree._Element) -> None:
    """``<w:updateFields w:val="true"/>``: Word offers to update the fields on opening."""
    if settings.find(_w("updateFields")) is not None:
        return
    el = etree.Element(_w("updateFields"))
    el.set(_w("val"), "true")
    insert_in_order(settings, el, SETTINGS_TAIL)


# --- the page numbers, from LibreOffice's PDF -----------------------------------------------


def _key(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()


def outline_pages(pdf: bytes) -> list[tuple[str, int]]:
    """(title, 0-based page) of every outline item (bookmark) of a PDF, in order."""
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    out: list[tuple[str, int]] = []

    def walk(items) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                out.append((str(item.title), reader.get_destination_page_number(item)))

    walk(reader.outline)
    return out


@dataclass(frozen=True)
class Numbering:
    """How a section numbers its pages: ``fmt`` (decimal, lowerRoman, …) and ``start``
    (None: it continues the section before)."""

    fmt: str = "decimal"
    start: int | None = None


def numbering(body: etree._Element) -> list[Numbering]:
    """Each section's page numbering, from its ``w:sectPr/w:pgNumType``, in order."""
    out = []
    for sect in body.iter(_w("sectPr")):
        el = sect.find(_w("pgNumType"))
        if el is None:
            out.append(Numbering())
            continue
        start = el.get(_w("start"))
        out.append(Numbering(el.get(_w("fmt"), "decimal"),
                             int(start) if start is not None else None))
    return out


def roman(n: int) -> str:
    out = []
    for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"),
                           (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"),
                           (4, "iv"), (1, "i")):
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


def labels_from_pdf(pdf: bytes, found: list[Entry], sections: list[Numbering]
                    ) -> dict[str, str]:
    """bookmark → the page label of every entry found in the PDF's outline (matched in
    order, by text); an entry not found has none."""
    items = outline_pages(pdf)
    pages: dict[str, int] = {}
    i = 0
    for e in found:
        key = _key(e.text)
        j = i
        while j < len(items) and _key(items[j][0]) != key:
            j += 1
        if j < len(items):
            pages[e.bookmark] = items[j][1]
            i = j + 1
    first_page: dict[int, int] = {}
    for e in found:
        if e.bookmark in pages:
            first_page.setdefault(e.section, pages[e.bookmark])
    out = {}
    for e in found:
        if e.bookmark not in pages:
            continue
        restart = next((k for k in range(e.section, -1, -1)
                        if k < len(sections) and sections[k].start is not None), None)
        if restart is None or restart not in first_page:
            continue
        number = sections[restart].start + pages[e.bookmark] - first_page[restart]
        fmt = sections[e.section].fmt if e.section < len(sections) else "decimal"
        out[e.bookmark] = (roman(number) if fmt == "lowerRoman" else
                           roman(number).upper() if fmt == "upperRoman" else str(number))
    return out
