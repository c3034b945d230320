"""The Word engine: fill a checked template with a context, finish its tables, save it.

Every document family (the yearly report in ``annual``, the quarterly report in
``quarter``, the LKjIP chapter in ``lkjip``) renders through ``render_document``:

1. ``template_check.check_template`` with the family's ``TemplateSpec``: the template's
   tags, blocks, names and required blocks, every time (cached per process); a damaged
   template is refused with every problem named, before anything is rendered;
2. docxtpl with ``autoescape=True`` (so ``&``, ``<`` in the master stay literal) and a
   Jinja environment with ``StrictUndefined`` (a name the template uses but the pipeline
   does not provide is an error, never a blank). Three changes to docxtpl
   (``_template_class``): the namespaces of the XML fragments in the context (the Office
   Math equations) are declared on each rendered part's root when the template lacks them
   (LibreOffice saves only the namespaces a part uses), the rendered body is parsed
   strictly before docxtpl's own parse, which would silently *recover* from broken XML,
   and the cell properties docxtpl's cell tags write ({% cellbg %}, {% colspan %},
   {% vm %}, {% hm %}) are put in the schema's order, which Word enforces
   (``prepared.patched_xml``, ``word.strict``; issue 21);
3. ``finish_body``, on the rendered body before it joins python-docx's document:
   ``columns.drop_marked_paragraphs``: a paragraph holding ``columns.DROP_PARAGRAPH`` (a
   header row the master leaves out) is removed; ``columns.drop_marked_columns``:
   optional columns headed ``columns.DROP_COLUMN`` are removed; ``merge_marked_cells``:
   every table cell holding only ``columns.MERGE_UP`` is joined to the cell above with
   ``w:vMerge`` (docxtpl's ``{% vm %}`` merges a whole loop, not groups of rows);
   ``pagination.add_page_hints``: the notes and signature move into the last table's
   closing row, rows keep together (estimated with the document's styles). The marked
   cells are found once, in one walk of the text elements, and only their rows (and
   the rows above) are walked;
4. the family sets fixed core properties (``set_properties``, dated from the master's
   report date, or 1 January of the year after when it has none) and stamps a normalised
   zip (``office.packaging``), so the same input gives the same bytes and a later run
   can tell an edited report; ``package_parts`` hands the parts over without zipping
   them twice.

Writing (``office.atomic``, ``office.publish``) and PDF conversion (``office.libreoffice``)
are the office layer's; nothing here writes a file.

Speed (issue 11 §4; docs/BENCHMARKS.md compares with the code before): what depends on the
template alone is prepared once per process (``PREPARED``: docxtpl's patched XML of each
part, shared with the template check, and the compiled Jinja templates); every report
still opens a fresh document from the template's bytes, since docxtpl changes it while
rendering. The rendered body is parsed once, strictly; the parts are stamped and zipped
once (``package_parts``). tests/test_render_speed.py holds the bytes to what they were.
"""

from __future__ import annotations

import datetime as dt
import gc
import io
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, StrictUndefined
from jinja2 import TemplateError as JinjaTemplateError
from lxml import etree
from markupsafe import Markup

from ..errors import InternalError, TemplateError
from .charts import Chart
from .columns import (
    DROP_COLUMN,
    DROP_PARAGRAPH,
    MERGE_UP,
    Marked,
    drop_marked_columns,
    drop_marked_paragraphs,
)
from .pagination import StyleMetrics, add_page_hints
from .prepared import PREPARED, one_paragraph_a_line, patched_xml
from .strict import TC_PR, insert_in_order
from .template_check import TemplateSpec, check_template

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


_DICT_ATTRIBUTES = frozenset(dir(dict))


class _Environment(Environment):
    """Jinja's environment, reading ``a.b`` of a plain dict (every value of the context)
    as ``a["b"]`` directly: Jinja first tries ``getattr``, whose AttributeError costs more
    than the lookup. Only names that are no attribute of a dict, so the result is the
    same."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and type(attribute) is str and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except (TypeError, LookupError, AttributeError):
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


def jinja_env() -> Environment:
    return _Environment(undefined=StrictUndefined, autoescape=True)


@lru_cache(maxsize=1)
def render_env() -> Environment:
    """The environment every report is rendered with: one per process, so the templates
    compiled in it can be reused (``PREPARED``)."""
    return jinja_env()


# --- rendering ---------------------------------------------------------------------------


def read_template(template_path: Path) -> bytes:
    path = Path(template_path)
    if not path.is_file():
        raise TemplateError(
            f"templat Word tidak ditemukan: {path} "
            "(buat ulang dengan `python -m dev.word_template`)"
        )
    try:
        return path.read_bytes()
    except OSError as exc:
        raise TemplateError(f"templat Word {path} tidak dapat dibaca: {exc.strerror}") from None


def open_template(tpl, source: str) -> None:
    from docx.opc.exceptions import PackageNotFoundError

    try:
        tpl.init_docx()
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        detail = re.sub(r"file '<[^>]*>' ", "", str(exc))  # python-docx names our buffer
        raise TemplateError(
            f"templat Word {source} bukan berkas .docx yang sah ({detail}); simpan sebagai "
            "Dokumen Word (.docx), bukan templat Word (.dotx) atau format lain."
        ) from None


def jinja_message(exc: JinjaTemplateError, source: str) -> str:
    detail = getattr(exc, "message", None) or str(exc)
    if type(exc).__name__ == "UndefinedError":
        return (
            f"templat Word {source} memakai nama yang tidak disediakan program ({detail}); "
            "periksa ejaan tag {{ … }} terhadap docs/TEMPLATE.md."
        )
    lines = list(getattr(exc, "docx_context", []) or [])
    where = f" di sekitar: {' '.join(t.strip() for t in lines if t.strip())[:200]}" if lines else ""
    return f"templat Word {source} tidak sah: {detail}{where}"


@contextmanager
def collector_paused() -> Iterator[None]:
    """No automatic garbage collection inside; the young generations collected once when
    it ends, whatever happened, and the collector enabled again. A render makes a tree
    of some 30,000 elements and tens of thousands of short-lived lists and dictionaries
    that die by reference counting; the automatic collections walked them again and again
    for the few cycles among them: about 14 ms of a report's 87 (30 young collections a
    report on the 40-agency city, ``gc.callbacks``; issue 25). Inside another (the
    collector already off: a batch's agency, ``batch``), nothing more is done: the outer
    one collects."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.collect(1)
        gc.enable()


def render_document(context: dict[str, Any], template_path: Path, spec: TemplateSpec,
                    data: bytes | None = None):
    """Check the template against ``spec`` (``template_check``, every time; cached per
    process), fill it; return the docxtpl object with merged cells (not yet saved).
    ``data``: the template's bytes, when the caller has read them, else read here. The
    collector waits until it is done (``collector_paused``)."""
    with collector_paused():
        return _render_document(context, template_path, spec, data)


def _render_document(context: dict[str, Any], template_path: Path, spec: TemplateSpec,
                     data: bytes | None):
    source = str(template_path)
    if data is None:
        data = read_template(template_path)
    check_template(data, spec, context, source)
    tpl = _template_class()(io.BytesIO(data))
    tpl.namespaces, tpl.source = fragment_namespaces(context), source
    tpl.anchor, tpl.hold_ending = context.get("place_date"), spec.signed
    open_template(tpl, source)
    try:
        tpl.render(with_images(context, tpl), jinja_env=render_env(), autoescape=True)
    except JinjaTemplateError as exc:  # the check above should have named it already
        raise TemplateError(jinja_message(exc, source)) from None
    except etree.XMLSyntaxError as exc:
        raise broken_output(exc, source) from None
    if not getattr(tpl, "body_finished", False):
        finish_body(tpl.docx.element.body, tpl.anchor, tpl.hold_ending,
                    tpl.docx.styles.element, source=source)
    return tpl


def with_images(value: Any, tpl) -> Any:
    """The context with every ``charts.Chart`` turned into a docxtpl ``InlineImage`` of the
    document being rendered (an image needs the document it is added to)."""
    if isinstance(value, Chart):
        from docx.shared import Mm
        from docxtpl import InlineImage

        return InlineImage(tpl, io.BytesIO(value.png), width=Mm(value.width_mm))
    if isinstance(value, dict):
        return {k: with_images(v, tpl) for k, v in value.items()}
    if isinstance(value, list):
        return [with_images(v, tpl) for v in value]
    return value


FINISHED_MARKERS = (DROP_COLUMN, MERGE_UP, DROP_PARAGRAPH)  # what ``finish_body`` acts on


def finish_body(body: etree._Element, anchor: str | None = None,
                hold_ending: bool = True, styles: etree._Element | None = None,
                metrics: StyleMetrics | None = None, found: Marked | None = None,
                source: str | None = None) -> None:
    """After rendering: drop the marked columns, merge the marked cells, add the page
    hints (step 3 of the module docstring; ``anchor``, ``hold_ending``, ``styles``,
    ``metrics``: see ``pagination.add_page_hints``). ``found``: the body's
    ``Marked(body, FINISHED_MARKERS)``, when the caller looked already; ``source``: the
    template, as its messages name it."""
    if found is None:
        found = Marked(body, FINISHED_MARKERS)  # looked for once, for all
    drop_marked_paragraphs(body, DROP_PARAGRAPH, found)
    drop_marked_columns(body, DROP_COLUMN, found)
    merge_marked_cells(body, found, source)
    add_page_hints(body, anchor=anchor, hold_ending=hold_ending, styles=styles,
                   metrics=metrics)


# --- injected XML: namespaces ------------------------------------------------------------

# Prefixes an injected fragment (a Markup value of the context: equations, fields, …) may
# use. A template saved by LibreOffice or WPS declares only the namespaces it uses itself,
# so a fragment's prefixes are declared on the rendered part's root when missing.
FRAGMENT_NAMESPACES = {
    "w": W,
    "m": "http://schemas.openxmlformats.org/officeDocument/2006/math",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "v": "urn:schemas-microsoft-com:vml",
    "o": "urn:schemas-microsoft-com:office:office",
    "w14": "http://schemas.microsoft.com/office/word/2010/wordml",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
}


def fragment_namespaces(context: Any) -> dict[str, str]:
    """prefix → namespace of every prefix the context's XML fragments use. Each distinct
    fragment is parsed here (strictly): a malformed one is a bug, reported as such."""
    return scan_context(context)[0]


def scan_context(context: Any) -> tuple[dict[str, str], bool]:
    """``fragment_namespaces`` of the context, and whether it holds a ``charts.Chart``,
    in one walk (depth first, values in order: the prefixes are declared in the order the
    fragments are met)."""
    used: dict[str, str] = {}
    charts = False
    seen: set[str] = set()
    stack = [context]
    while stack:
        value = stack.pop()
        if isinstance(value, Markup):
            if "<" in value and value not in seen:
                seen.add(value)
                used.update(_fragment_prefixes(str(value)))
        elif isinstance(value, dict):
            stack.extend(reversed(value.values()))
        elif isinstance(value, (list, tuple)):
            stack.extend(reversed(value))
        elif isinstance(value, Chart):
            charts = True
    return used, charts


@lru_cache(maxsize=256)
def _fragment_prefixes(fragment: str) -> tuple[tuple[str, str], ...]:
    """(prefix, namespace) pairs a fragment's elements and attributes use, found by
    parsing it with every known prefix declared around it."""
    decls = " ".join(f'xmlns:{p}="{uri}"' for p, uri in FRAGMENT_NAMESPACES.items())
    try:
        root = etree.fromstring(f"<fragment {decls}>{fragment}</fragment>")
    except etree.XMLSyntaxError as exc:  # malformed, or a prefix nobody declares
        raise InternalError(
            f"laporan TIDAK ditulis: potongan XML yang disisipkan program tidak sah ({exc}). "
            "Ini kesalahan program, bukan kesalahan isian atau templat; laporkan ke "
            "pengembang."
        ) from None
    used = set()
    for el in root.iterdescendants():
        if isinstance(el.tag, str):
            used.add(etree.QName(el).namespace)
        used.update(etree.QName(name).namespace for name in el.attrib)
    prefix_of = {uri: p for p, uri in FRAGMENT_NAMESPACES.items()}
    return tuple(sorted((prefix_of[uri], uri) for uri in used if uri in prefix_of))


START_TAG = re.compile(r"<(?![?!])[^>]*?(/?)>")


def declare_namespaces(xml: str, namespaces: dict[str, str], source: str = "") -> str:
    """Add ``xmlns:p="…"`` to the first start tag of ``xml`` for each prefix it lacks."""
    m = START_TAG.search(xml)
    if m is None or not namespaces:
        return xml
    tag = m.group(0)
    extra = []
    for prefix, uri in namespaces.items():
        declared = re.search(rf'\sxmlns:{re.escape(prefix)}\s*=\s*"([^"]*)"', tag)
        if declared is None:
            extra.append(f' xmlns:{prefix}="{uri}"')
        elif declared.group(1) != uri:
            raise TemplateError(
                f"templat Word {source} memakai awalan namespace «{prefix}» untuk "
                f"{declared.group(1)}, bukan {uri}; simpan ulang templat dengan Word atau "
                "LibreOffice sebagai .docx."
            )
    if not extra:
        return xml
    cut = m.end() - len(m.group(1)) - 1
    return xml[:cut] + "".join(extra) + xml[cut:]


@lru_cache(maxsize=1)
def _template_class():
    """docxtpl's DocxTemplate, with the namespaces the fragments need declared on every
    part it renders, the rendered body parsed strictly (docxtpl's own parse recovers
    silently from broken XML, dropping what it cannot read) and only once, and what does
    not depend on the context cached per process (see ``PreparedCache``)."""
    from docxtpl import DocxTemplate

    class Template(DocxTemplate):
        namespaces: dict[str, str] = {}
        source = ""
        anchor: str | None = None  # the place-and-date text above the signature
        hold_ending = True  # the document ends in a signature held with its last table

        def get_xml(self):
            return declare_namespaces(super().get_xml(), self.namespaces, self.source)

        def get_part_xml(self, part):
            return declare_namespaces(super().get_part_xml(part), self.namespaces, self.source)

        def patch_xml(self, src_xml):
            return PREPARED.get("patched", src_xml, patched_xml)

        def render_xml_part(self, src_xml, part, context, jinja_env=None):
            self.current_rendering_part = part
            return render_xml(src_xml, context, jinja_env)

        def resolve_listing(self, xml):
            return resolve_listing(xml)

        def fix_tables(self, xml):
            tree = etree.fromstring(xml, STRICT)  # raises XMLSyntaxError with the position
            fix_table_grids(tree)
            return tree

        def map_tree(self, tree):
            # the body's tables are finished before it joins python-docx's document, whose
            # element classes make every element visited afterwards slower to reach
            finish_body(tree, self.anchor, self.hold_ending, self.docx.styles.element,
                        source=self.source)
            self.body_finished = True
            super().map_tree(tree)

    return Template


def render_xml(src_xml: str, context: dict[str, Any], jinja_env=None) -> str:
    """docxtpl 0.20's ``render_xml_part`` of a prepared part (``patched_xml``), with the
    preparation of the source (one line per paragraph) and its compiled template taken
    from the cache (``PREPARED``). A Jinja error carries ``docx_context``: the text of the
    lines around it, as docxtpl's."""
    lines = PREPARED.get("lines", src_xml, one_paragraph_a_line)
    try:
        if jinja_env:
            template = PREPARED.get(("jinja", jinja_env), lines, jinja_env.from_string)
        else:
            from jinja2 import Template as JinjaTemplate

            template = JinjaTemplate(lines)
        dst_xml = template.render(context)
    except JinjaTemplateError as exc:
        if getattr(exc, "lineno", None) is not None:
            first = max(exc.lineno - 4, 0)
            exc.docx_context = [re.sub(r"<[^>]+>", "", x)
                                for x in lines.splitlines()[first:first + 7]]
        raise
    dst_xml = join_line_paragraphs(dst_xml)
    dst_xml = (dst_xml.replace("{_{", "{{").replace("}_}", "}}")
               .replace("{_%", "{%").replace("%_}", "%}"))
    return resolve_listing(dst_xml)


LINE_PARAGRAPH = re.compile(r"\n<w:p([ >])")


def join_line_paragraphs(xml: str) -> str:
    """docxtpl's ``LINE_PARAGRAPH.sub(r"<w:p\\1", xml)`` (the newline before each paragraph
    that ``one_paragraph_a_line`` added, removed) as two plain replacements: the same text,
    about three times faster on a report's body. The two patterns cannot overlap, and
    removing a newline cannot make another match (the text after it is ``<w:p `` or
    ``<w:p>``, never a newline)."""
    return xml.replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>")


_PARAGRAPH_START = re.compile(r"<w:p(?: [^>]*)?>")  # how docxtpl's paragraph match begins
_PARAGRAPH_END = "</w:p>"
# docxtpl's paragraph, ``<w:p(?: [^>]*)?>.*?</w:p>`` with DOTALL, written so that re finds
# the first ``</w:p>`` by runs of other characters: the same matches, faster
_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>(?:[^<]++|<(?!/w:p>))*+</w:p>")
_TAG_WITH_LT = re.compile(r"<w:p [^>]*<")  # a start tag holding "<": not XML, but possible
_LISTING_CHARS = re.compile("[\t\a\n\f]")


def resolve_listing(xml: str) -> str:
    """docxtpl's ``resolve_listing``: tabs, line breaks, new paragraphs and page breaks
    written in the text become Word's elements, in every match of its regular expression
    ``<w:p(?: [^>]*)?>.*?</w:p>`` (DOTALL), taken left to right. A match without those
    characters comes out unchanged, so only the matches holding one are handed to docxtpl,
    found from each character instead of by matching the whole part (``_match_around``):
    the same result."""
    matches: list[tuple[int, int]] = []
    chars = _listing_chars(xml)
    if chars and _TAG_WITH_LT.search(xml):  # a "start tag" may then hold a "</w:p>":
        chars, spans = iter(chars), iter(m.span() for m in _PARAGRAPH.finditer(xml))
        at, span = next(chars, None), next(spans, None)  # every match, left to right
        while at is not None and span is not None:
            if at < span[0]:
                at = next(chars, None)
            elif at >= span[1]:
                span = next(spans, None)
            else:
                matches.append(span)
                while at is not None and at < span[1]:
                    at = next(chars, None)
        chars = []
    for at in chars:
        if matches and at < matches[-1][1]:
            continue  # in the match found for an earlier character
        found = _match_around(xml, at)
        if found is not None:
            matches.append(found)
    if not matches:
        return xml
    from docxtpl import DocxTemplate

    resolve = DocxTemplate(None).resolve_listing
    out, done = [], 0
    for start, end in matches:
        out += [xml[done:start], resolve(xml[start:end])]
        done = end
    out.append(xml[done:])
    return "".join(out)


def _listing_chars(xml: str) -> list[int]:
    """Where ``_LISTING_CHARS`` are, in order (``str.find`` per character: faster than the
    regular expression on a large part where they are few)."""
    found = []
    for char in "\t\a\n\f":
        at = xml.find(char)
        while at >= 0:
            found.append(at)
            at = xml.find(char, at + 1)
    return sorted(found)


def _match_around(xml: str, at: int) -> tuple[int, int] | None:
    """The match of docxtpl's paragraph expression, scanning ``xml`` left to right, that
    holds position ``at``; None when ``at`` lies in none. A match ends at the first
    ``</w:p>`` after its start tag, so none holds an earlier ``</w:p>`` but at its end:
    the match holding ``at`` begins after the last ``</w:p>`` before ``at``, and the scan
    begins a match at the first start tag found there (any match begun earlier ended by
    then; a start tag in between would have begun one ending at that ``</w:p>``). Holds
    unless a start tag holds a ``<`` (``_TAG_WITH_LT``; ``resolve_listing`` then scans
    every match)."""
    before = xml.rfind(_PARAGRAPH_END, 0, at)
    start = _PARAGRAPH_START.search(xml, 0 if before < 0 else before + len(_PARAGRAPH_END))
    if start is None or start.start() > at:
        return None
    end = xml.find(_PARAGRAPH_END, start.end())
    if end < 0 or end + len(_PARAGRAPH_END) <= at:
        return None
    return start.start(), end + len(_PARAGRAPH_END)


@lru_cache(maxsize=4)
def _rows_wider(namespace: str) -> etree.XPath:
    """The rows of a table (nested tables' rows too, as ``iter``) with more than ``$n``
    cells."""
    return etree.XPath(".//w:tr[count(w:tc) > $n]", namespaces={"w": namespace})


def fix_table_grids(tree: etree._Element) -> None:
    """docxtpl 0.20's ``fix_tables`` on an already parsed tree: make every table's grid
    (``w:gridCol``) as wide as its widest row, or narrow it to the cells' spans; only the
    tables that need it are changed, in the same way."""
    ns = "{" + tree.nsmap["w"] + "}"
    tc_tag, tr_tag, grid_col = ns + "tc", ns + "tr", ns + "gridCol"
    tcpr_tag, span_tag, w_attr, val_attr = ns + "tcPr", ns + "gridSpan", ns + "w", ns + "val"
    wider = _rows_wider(tree.nsmap["w"])
    for t in tree.iter(ns + "tbl"):
        tbl_grid = t.find(ns + "tblGrid")
        columns = tbl_grid.findall(grid_col)
        to_add = 0
        for r in wider(t, n=len(columns)):  # usually none: found in C
            to_add = max(to_add, len(r.findall(tc_tag)) - len(columns))
        if to_add > 0:
            width = 0.0
            for c in columns:
                if c.get(w_attr) is not None:
                    width += float(c.get(w_attr))
            if width > 0:
                old_average = width / len(columns)
                new_average = width / (len(columns) + to_add)
                for c in columns:
                    c.set(w_attr, str(int(float(c.get(w_attr)) * new_average / old_average)))
                for _ in range(to_add):
                    etree.SubElement(tbl_grid, grid_col, {w_attr: str(int(new_average))})
        columns = tbl_grid.findall(grid_col)
        cells_len_max = 0
        for r in t.iter(tr_tag):
            total = 0
            for cell in r.iterchildren(tc_tag):
                tc_pr = cell.find(tcpr_tag)
                span = None if tc_pr is None else tc_pr.find(span_tag)
                total += int(span.get(val_attr)) if span is not None else 1
            cells_len_max = max(cells_len_max, total)
            if cells_len_max >= len(columns):
                break  # nothing to remove: the rest cannot change that
        to_remove = len(columns) - cells_len_max
        if to_remove > 0:
            removed_width = 0.0
            for c in columns[-to_remove:]:
                removed_width += float(c.get(w_attr))
                tbl_grid.remove(c)
            columns_left = tbl_grid.findall(grid_col)
            extra_space = int(removed_width / len(columns_left)) if columns_left else 0
            for c in columns_left:
                c.set(w_attr, str(int(float(c.get(w_attr)) + extra_space)))


STRICT = etree.XMLParser(recover=False, resolve_entities=False, no_network=True, huge_tree=True)


def broken_output(exc: etree.XMLSyntaxError, source: str) -> Exception:
    """The rendered XML is not well-formed: the check missed a template problem (or a
    fragment is wrong, which is ours)."""
    if "Namespace prefix" in str(exc):
        return InternalError(
            f"laporan TIDAK ditulis: hasil isian templat {source} tidak sah ({exc}). Ini "
            "kesalahan program, bukan kesalahan templat; laporkan ke pengembang."
        )
    return TemplateError(
        f"templat Word {source} menghasilkan dokumen yang rusak ({exc}); biasanya karena tag "
        "blok ({% if %}, {% for %}) dibuka di satu paragraf dan ditutup di paragraf lain. "
        f"Periksa dengan `iku templat periksa {source}`; laporan TIDAK dibuat."
    )


def merge_marked_cells(body: etree._Element, found: Marked | None = None,
                       source: str | None = None) -> int:
    """Join every cell whose whole text is MERGE_UP to the cell above it (w:vMerge).

    Rows are walked top to bottom, so a run of marked cells continues one merge. Returns
    the number of cells merged. Only the tables holding a marked cell (found by
    ``columns.Marked``, or given as ``found``) are visited, in them only the rows with a
    marked cell and the rows above those, and in those only the cells up to the marked
    cells' grid columns (``_Row``); a cell's ``w:vMerge`` is read when it is needed
    (``_vmerge_of``), and the cells in the common layout are changed without a general
    search (``_continue``, ``_restart``).
    """
    if found is None:
        found = Marked(body, (MERGE_UP, MERGE_UP))
    by_row: dict[etree._Element, list[etree._Element]] = {}
    for tc in found.cells(MERGE_UP):
        # a marked cell of a dropped column (``drop_marked_columns``) is gone: nothing to join
        tr = tc.getparent()
        if tr is not None:
            by_row.setdefault(tr, []).append(tc)
    by_table: dict[etree._Element, list[etree._Element]] = {}
    for tr in by_row:
        by_table.setdefault(tr.getparent(), []).append(tr)
    merged = 0
    done: set[etree._Element] = set()  # the cells given a w:vMerge here
    cleared: set[etree._Element] = set()
    for tbl in _in_document_order(body, by_table):
        read: dict[etree._Element, _Row] = {}  # the rows read (merging keeps cells and spans)
        for tr in sorted(by_table[tbl], key=tbl.index):  # top to bottom
            row = read.get(tr) or read.setdefault(tr, _Row(tr))
            above_tr = _row_above(tr)
            above_row = None if above_tr is None else (
                read.get(above_tr) or read.setdefault(above_tr, _Row(above_tr)))
            for col, tc in sorted((row.column(tc), tc) for tc in by_row[tr]):
                above = above_row.at(col) if above_row is not None else None
                if above is None:
                    raise _no_cell_above(body, tbl, tr, col, source)
                if above not in done and _vmerge_of(above) is None:
                    _restart(above)
                    done.add(above)
                _continue(tc)
                done.add(tc)
                cleared.add(tc)
                merged += 1
    cell_of = found.cell_of
    for t in found.texts:  # a marker outside a table cell of its own shows nothing
        if cell_of.get(t) in cleared:
            continue  # its cell was emptied: the text is no longer in the document
        text = t.text
        if text and MERGE_UP in text:
            t.text = text.replace(MERGE_UP, "")
    return merged


def _no_cell_above(body: etree._Element, tbl: etree._Element, tr: etree._Element, col: int,
                   source: str | None) -> TemplateError:
    """A marked cell with no cell above it in its grid column: where it is, in the words
    of a person looking at the document (the table's number in the body, the row's in its
    table, the column's in the table's grid), and in which template (``source``)."""
    table = next(n for n, t in enumerate(body.iter(_TBL), 1) if t is tbl)
    row = [child for child in tbl if child.tag == _TR].index(tr) + 1
    where = f"templat Word {source}: " if source else ""
    return TemplateError(
        f"{where}sel tabel yang melanjutkan sel di atasnya (tabel ke-{table}, baris ke-{row}, "
        f"kolom ke-{col + 1}) tidak punya sel di atasnya pada kolom yang sama; periksa "
        "susunan tabel itu di templat Word"
    )


def _in_document_order(body: etree._Element, tables) -> Iterator[etree._Element]:
    """The tables among ``tables`` (keys: the parents of marked rows) that are tables of
    ``body``, in document order: by their place when all are children of ``body``, else
    by a walk of the body as it is when each is reached (a table nested in a cell emptied
    meanwhile is no longer there)."""
    if all(tbl is not None and tbl.getparent() is body and tbl.tag == _TBL for tbl in tables):
        return iter(sorted(tables, key=body.index))
    return (tbl for tbl in body.iter(_TBL) if tbl in tables)


def _row_above(tr: etree._Element) -> etree._Element | None:
    """The row before ``tr`` among its table's rows (``tbl.findall(w:tr)``), or None."""
    previous = tr.getprevious()
    if previous is not None and previous.tag == _TR:
        return previous
    return next(tr.itersiblings(_TR, preceding=True), None)


class _Row:
    """A table row's cells by grid column, as ``columns.Spans.cells`` gives them, each
    cell's span read only when a column at or after it is asked for: ``column(tc)`` the
    first grid column of a cell of the row, ``at(col)`` the first cell of the row starting
    at grid column ``col`` (or None)."""

    __slots__ = ("cells", "starts")

    def __init__(self, tr: etree._Element):
        self.cells = list(tr.iterchildren(_TC))
        self.starts = [0]  # the first grid column of cells[i], for the i read so far

    def start(self, i: int) -> int:
        starts = self.starts
        while len(starts) <= i:
            k = len(starts) - 1
            starts.append(starts[k] + _span_of(self.cells[k]))
        return starts[i]

    def column(self, tc: etree._Element) -> int:
        return self.start(self.cells.index(tc))

    def at(self, col: int) -> etree._Element | None:
        for i in range(len(self.cells)):
            if self.start(i) == col:
                return self.cells[i]
        return None


def _span_of(tc: etree._Element) -> int:
    """``columns.Spans.of``: the value of the cell's first ``w:tcPr/w:gridSpan``, else 1."""
    for tcpr in tc.iterchildren(_TCPR):
        for span in tcpr.iterchildren(_GRID_SPAN):
            return int(span.get(_VAL))
    return 1


def _vmerge_of(tc: etree._Element) -> etree._Element | None:
    """``columns.CellProperties(tbl, "vMerge")[tc]``: the cell's first
    ``w:tcPr/w:vMerge``."""
    for tcpr in tc.iterchildren(_TCPR):
        for vmerge in tcpr.iterchildren(_VMERGE):
            return vmerge
    return None


_TBL, _TR, _TC = _w("tbl"), _w("tr"), _w("tc")


_TCPR, _VMERGE, _VAL, _P, _PPR = _w("tcPr"), _w("vMerge"), _w("val"), _w("p"), _w("pPr")
_GRID_SPAN = _w("gridSpan")
# what a w:tcPr may hold before w:vMerge (strict.TC_PR): a new w:vMerge then goes last
_BEFORE_VMERGE = frozenset(_w(name) for name in ("cnfStyle", "tcW", "gridSpan", "hMerge"))


def _restart(tc: etree._Element) -> etree._Element:
    """``_set_vmerge(tc, "restart")`` for a cell without a ``w:vMerge``: directly when its
    first child is a ``w:tcPr`` whose children all go before ``w:vMerge``."""
    tcpr = tc[0] if len(tc) else None
    if tcpr is not None and tcpr.tag == _TCPR and _appends_vmerge(tcpr):
        made = etree.SubElement(tcpr, _VMERGE)
        made.set(_VAL, "restart")
        return made
    return _set_vmerge(tc, "restart")


def _continue(tc: etree._Element) -> etree._Element:
    """``_set_vmerge(tc, "continue")`` then ``_clear_cell(tc)``. A cell holding a
    ``w:tcPr`` whose children all go before ``w:vMerge`` (so it has none) and then one
    paragraph (a loop's cell, as the templates have it) is changed directly, the same
    way."""
    if len(tc) == 2:
        tcpr, p = tc
        if tcpr.tag == _TCPR and p.tag == _P and _appends_vmerge(tcpr):
            made = etree.SubElement(tcpr, _VMERGE)
            made.set(_VAL, "continue")
            ppr = p[0] if len(p) else None
            if ppr is not None and ppr.tag != _PPR:
                ppr = next(p.iterchildren(_PPR), None)
            tc.remove(p)
            new = etree.SubElement(tc, _P)
            if ppr is not None:
                new.append(ppr)
            return made
    made = _set_vmerge(tc, "continue")
    _clear_cell(tc)
    return made


def _appends_vmerge(tcpr: etree._Element) -> bool:
    """Whether ``insert_in_order`` puts a new ``w:vMerge`` last in ``tcpr``: every child
    is one that goes before it."""
    for child in tcpr:
        if child.tag not in _BEFORE_VMERGE:
            return False
    return True


def _set_vmerge(tc: etree._Element, value: str) -> etree._Element:
    tcpr = next(tc.iterchildren(_TCPR), None)  # tc.find("w:tcPr")
    if tcpr is None:
        tcpr = etree.SubElement(tc, _TCPR)  # made in the document, then put first
        tc.insert(0, tcpr)
    old = next(tcpr.iterchildren(_VMERGE), None)
    if old is not None:
        tcpr.remove(old)
    vmerge = etree.SubElement(tcpr, _VMERGE)  # moved to its place by insert_in_order
    vmerge.set(_VAL, value)
    return insert_in_order(tcpr, vmerge, TC_PR)  # after w:tcW and w:gridSpan, before the rest


def _clear_cell(tc: etree._Element) -> None:
    """Empty a continued cell, keeping one paragraph with the first paragraph's style."""
    first = next(tc.iterchildren(_P), None)
    ppr = next(first.iterchildren(_PPR), None) if first is not None else None
    for child in list(tc):
        if child.tag != _TCPR:
            tc.remove(child)
    p = etree.SubElement(tc, _P)
    if ppr is not None:
        p.append(ppr)


# --- saving ---


# The core properties docxtpl renders as templates (DocxTemplate.render_properties).
RENDERED_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")


class CorePart:
    """The core properties part of one report rendered on the template's XML
    (``direct``), with python-docx's own element class (a few hundred bytes): docxtpl's
    ``render_properties``, then what the family sets (``set_properties``)."""

    def __init__(self, blob: bytes, context: dict[str, Any], env):
        from docx.opc.coreprops import CoreProperties
        from docx.oxml.parser import parse_xml

        self._element = parse_xml(blob)
        self.core_properties = CoreProperties(self._element)
        for name in RENDERED_PROPERTIES:
            initial = getattr(self.core_properties, name)
            template = PREPARED.get(("jinja", env), initial, env.from_string)
            setattr(self.core_properties, name, template.render(context))

    def xml(self) -> bytes:
        return etree.tostring(self._element, encoding="UTF-8", standalone=True)


def set_properties(docx, *, title: str, subject: str, author: str, keywords: str,
                   when: dt.datetime) -> dt.datetime:
    """The core properties every document of this product carries (one home: the yearly
    and quarterly reports and the LKjIP chapter call this), dated ``when`` so that the
    same inputs give the same bytes; returns ``when``."""
    props = docx.core_properties
    props.title = title
    props.subject = subject
    props.author = author
    props.last_modified_by = "iku"
    props.keywords = keywords
    props.comments = ""
    props.category = "Laporan kinerja"
    props.language = "id-ID"
    props.revision = 1
    props.created = when
    props.modified = when
    props.last_printed = when
    return when


def package_parts(tpl) -> dict[str, bytes]:
    """The parts (name → bytes) that saving ``tpl`` would zip, without zipping them:
    python-docx's ``OpcPackage.save`` (``PackageWriter.write``) writing into a dict. The
    stamp unzips them again otherwise, and zips them once more in a fixed order.
    docxtpl's picture and media replacements (not used here) need its own save."""
    if tpl.pics_to_replace or tpl.crc_to_new_media or tpl.crc_to_new_embedded \
            or tpl.zipname_to_replace:
        buf = io.BytesIO()
        tpl.save(buf)
        src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
        return {name: src.read(name) for name in src.namelist()}
    from docx.opc.pkgwriter import PackageWriter

    class Collect:
        def __init__(self):
            self.parts: dict[str, bytes] = {}

        def write(self, uri, blob: bytes) -> None:
            self.parts[uri.membername] = blob

    package = tpl.docx.part.package
    for part in package.parts:
        part.before_marshal()
    out = Collect()
    PackageWriter._write_content_types_stream(out, package.parts)
    PackageWriter._write_pkg_rels(out, package.rels)
    PackageWriter._write_parts(out, package.parts)
    tpl.is_saved = True
    return out.parts
