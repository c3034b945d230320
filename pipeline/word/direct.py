"""Render a document on the template's XML directly: no python-docx document per report.

``render_package(context, template_path, spec, properties)`` gives the finished package's
bytes, the same bytes as ``render.render_document`` → ``render.set_properties`` →
``render.package_parts`` → ``packaging.stamp_parts`` (docxtpl and python-docx, every
report), which stays the reference and the path for what this one does not do (below).

What depends on the template alone is prepared once per process and template
(``_prepare``, with python-docx, exactly as docxtpl opens it): every part as python-docx
saves it, the body's and the headers' and footers' XML as docxtpl reads them, the
document's root without its body, the core properties, the styles' metrics. A report then
only

1. renders the body's XML as text (the prepared and compiled template of ``PREPARED``,
   as docxtpl: ``render.render_xml``; without the columns the report drops when their
   headings are known before rendering: ``columns.ColumnPlan``, the body without them
   prepared once per set of columns) and parses it strictly into a tree; the table grids
   are fixed, drawing ids renumbered and the body finished (``render.finish_body``:
   dropped columns, merged cells, page hints) on that tree, as docxtpl with the engine's
   changes does;
2. puts the tree into a copy of the root and serialises it as python-docx would;
3. renders the headers and footers (their bytes kept per rendered text) and the core
   properties (docxtpl renders six of them as templates, then ``set_properties``);
4. stamps and zips the parts once (``packaging.stamp_parts``), verifying them as it zips:
   the template's unchanged parts are kept as the same bytes objects and parsed once per
   process (``kept``), so each report pays for the parts that changed.

docxtpl and python-docx are still used, per report, for a context holding a chart
(``charts.Chart``: an image needs a document part to live in) and for a template with
footnotes (docxtpl renders them once per section of the rendered body); both are rare and
give the same bytes as before. ``PREPARED.enabled = False`` prepares the template again
for every report (the tests compare both).

Measured (docs/BENCHMARKS.md): a synthetic agency's report (152 indicators) took 214 ms of
CPU through docxtpl, 126 of them after rendering (``finish_body``), before issue 25.
"""

from __future__ import annotations

import copy
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import TemplateError as JinjaTemplateError
from lxml import etree

from ..errors import TemplateError
from ..office.packaging import stamp_parts
from .columns import DROP_COLUMN, ColumnPlan, Marked, reduced_and_marked
from .pagination import StyleMetrics
from .prepared import PREPARED, Bounded, patched_xml
from .render import (
    FINISHED_MARKERS,
    START_TAG,
    STRICT,
    CorePart,
    broken_output,
    collector_paused,
    declare_namespaces,
    finish_body,
    fix_table_grids,
    jinja_message,
    open_template,
    package_parts,
    read_template,
    render_document,
    render_env,
    render_xml,
    scan_context,
)
from .template_check import FOOTNOTES_TYPE, TemplateSpec, check_template

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_BODY = f"{{{W}}}body"
_DOC_PR = etree.XPath("//wp:docPr", namespaces={"wp": WP})
HEADER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
FOOTER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
# python-docx's parser: the one its parts are read with (blank text between tags dropped).
_PART_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False)

Properties = Callable[[Any], Any]  # sets the core properties (``set_properties``), returns when


@dataclass
class _Prepared:
    """A template's parts and what rendering reads of it (see the module docstring)."""

    parts: dict[str, bytes]  # every part as python-docx saves the unrendered document
    document: str  # the main document part's name
    root: etree._Element  # its root element without the body (a copy is filled per report)
    body_at: int  # where the body goes among the root's children
    around: tuple[str, str] | None  # the root's XML before and after its body, when unique
    declared: dict[str, str]  # prefix (None: default) → namespace the root declares
    body: str  # the body's XML as docxtpl reads it (before the fragments' namespaces)
    headers: tuple[tuple[str, str], ...]  # (part name, XML as docxtpl reads it), its order
    core: str  # the core properties part's name
    metrics: StyleMetrics  # the styles' line heights, for the page hints
    styles: etree._Element  # the styles part (what the metrics were read from)
    footnotes: bool  # a footnotes part: rendered through docxtpl
    columns: ColumnPlan  # the columns a report may drop before rendering


_TEMPLATES = Bounded(4)  # template bytes → _Prepared
_HEADER_BYTES = Bounded(64)  # a header's or footer's rendered XML → its part bytes


def render_package(context: dict[str, Any], template_path: Path, spec: TemplateSpec,
                   properties: Properties, data: bytes | None = None) -> bytes:
    """The finished, stamped, verified package of ``context`` rendered with the template
    at ``template_path`` (checked against ``spec`` first, as ``render_document`` does).
    ``properties(docx)`` sets the core properties through ``render.set_properties`` (on
    an object with ``core_properties``) and returns the package's date. ``data``: the
    template's bytes, when the caller has read them (they are then what is rendered,
    whatever the file holds by now), else read here. The collector waits until it is
    done (``render.collector_paused``)."""
    with collector_paused():
        return _render_package(context, template_path, spec, properties, data)


def _render_package(context: dict[str, Any], template_path: Path, spec: TemplateSpec,
                    properties: Properties, data: bytes | None) -> bytes:
    source = str(template_path)
    if data is None:
        data = read_template(template_path)
    check_template(data, spec, context, source)
    namespaces, charts = scan_context(context)
    prepared = None if charts else _prepared(data, source)
    if prepared is None or prepared.footnotes:
        tpl = render_document(context, template_path, spec, data)
        when = properties(tpl.docx)
        return stamp_parts(package_parts(tpl), when)
    parts = dict(prepared.parts)
    env = render_env()
    try:
        root, tree, found = _rendered_body(prepared, context, namespaces, source, env)
        fix_table_grids(tree)
        for number, element in enumerate(_DOC_PR(tree), 1001):  # docxtpl's fix_docpr_ids
            element.attrib["id"] = str(number)
        finish_body(tree, context.get("place_date"), spec.signed, prepared.styles,
                    prepared.metrics, found, source)
        if root is None:
            root = copy.deepcopy(prepared.root)
            root.insert(prepared.body_at, tree)  # lxml drops the declarations the root has
        parts[prepared.document] = etree.tostring(root, encoding="UTF-8", standalone=True)
        for name, xml in prepared.headers:
            parts[name] = _header_bytes(_render_part(xml, context, namespaces, source, env))
    except JinjaTemplateError as exc:  # the check above should have named it already
        raise TemplateError(jinja_message(exc, source)) from None
    except etree.XMLSyntaxError as exc:
        raise broken_output(exc, source) from None
    core = CorePart(parts[prepared.core], context, env)
    when = properties(core)
    parts[prepared.core] = core.xml()
    # the parts serialised here from trees parsed strictly (well-formed by construction,
    # not parsed again); the others are the template's, the same objects every time
    built = {prepared.document, prepared.core, *(name for name, _ in prepared.headers)}
    return stamp_parts(parts, when, kept=[n for n in parts if n not in built], built=built)


def _rendered_body(prepared: _Prepared, context: dict[str, Any], namespaces: dict[str, str],
                   source: str, env
                   ) -> tuple[etree._Element | None, etree._Element, Marked | None]:
    """The body rendered and parsed (``_parse_body``), and its markers when looked for
    (``Marked``, for ``finish_body``): without the columns the report drops when they are
    known before rendering (``columns.ColumnPlan``), else whole. When a table the plan
    reduced still holds the marker after rendering (a column the plan could not know),
    the whole body is rendered instead: the pass after rendering then drops every column
    at once, as it always did."""
    plan = prepared.columns
    drops = plan.dropped(lambda name: _expression(env, name)(**context)) \
        if plan.candidates else frozenset()
    if drops:
        xml, grids = plan.body(drops)
        body = _render_part(xml, context, namespaces, source, env)
        root, tree = _parse_body(prepared, body)
        if DROP_COLUMN not in body:
            return root, tree, None
        found = Marked(tree, FINISHED_MARKERS)
        if not reduced_and_marked(found, grids, DROP_COLUMN):
            return root, tree, found
    body = _render_part(prepared.body, context, namespaces, source, env)
    return (*_parse_body(prepared, body), None)


def _expression(env, name: str):
    """``name`` (dotted) compiled as a Jinja expression of ``env``, kept per process."""
    return PREPARED.get(("expression", env), name, env.compile_expression)


_DECLARATION = re.compile(r'\sxmlns(?::([^\s=]+))?\s*=\s*"([^"]*)"')


def _parse_body(prepared: _Prepared, body: str
                ) -> tuple[etree._Element | None, etree._Element]:
    """The rendered body parsed strictly, as (the document's root holding it, the body),
    or (None, the body alone) to be put into a copy of the root afterwards.

    docxtpl parses the body alone (its start tag declares every namespace in scope; an
    equation fragment declares its own again) and puts it into the root, where lxml drops
    every declaration, on the body and on any element in it, of a namespace already in
    scope there, and writes the in-scope prefix instead of the dropped one. When each such
    declaration repeats the very prefix and namespace in scope (the usual case), it is
    left out of the text here and the body is parsed in its place in the root's XML: the
    same document, without moving a large tree between two documents (``_in_scope``).
    Otherwise, and for a syntax error (raised with its own line and column), the body is
    parsed alone."""
    stripped = _in_scope(prepared, body)
    if stripped is None:
        return None, etree.fromstring(body, STRICT)
    before, after = prepared.around
    try:
        root = etree.fromstring(before + stripped + after, STRICT)
    except etree.XMLSyntaxError:
        etree.fromstring(body, STRICT)  # the error as docxtpl's parse gives it
        raise
    return root, root[prepared.body_at]


def _in_scope(prepared: _Prepared, body: str) -> str | None:
    """The body's text without the namespace declarations lxml would drop when putting it
    into the root (see ``_parse_body``), or None when one would change a prefix (or the
    root's XML is not known): then the body is moved as docxtpl does."""
    start = START_TAG.search(body)
    if prepared.around is None or start is None:
        return None
    scope = dict(prepared.declared)
    drop: list[tuple[int, int]] = []
    for m in _DECLARATION.finditer(body, start.start(), start.end()):
        prefix, uri = m.group(1), m.group(2)
        if scope.get(prefix) == uri:
            drop.append(m.span())  # the root's own
        elif uri in scope.values():
            return None  # lxml would write the root's prefix instead
        else:
            scope[prefix] = uri  # kept on the body
    at = body.find("xmlns", start.end())
    while at >= 0:  # declarations inside: each must repeat what is in scope
        if body.rfind("<", 0, at) > body.rfind(">", 0, at):  # inside a tag
            m = _DECLARATION.match(body, at - 1)
            if m is None or scope.get(m.group(1)) != m.group(2):
                return None  # not a declaration as lxml writes one, or a new namespace
            drop.append(m.span())
        at = body.find("xmlns", at + 5)
    out, done = [], 0
    for begin, end in drop:
        out += [body[done:begin]]
        done = end
    out.append(body[done:])
    return "".join(out)


def _render_part(xml: str, context: dict[str, Any], namespaces: dict[str, str], source: str,
                 env) -> str:
    """A part's XML as docxtpl renders it: the fragments' namespaces declared, prepared
    (``patched_xml``), rendered (``render.render_xml``)."""
    xml = declare_namespaces(xml, namespaces, source)
    return render_xml(PREPARED.get("patched", xml, patched_xml), context, env)


def _header_bytes(xml: str) -> bytes:
    """A rendered header or footer as python-docx saves it (parsed by its parser, then
    serialised), kept per rendered text: most reports of a batch share them."""
    return _HEADER_BYTES.fetch(xml, lambda: etree.tostring(
        etree.fromstring(xml.encode("utf-8"), _PART_PARSER), encoding="UTF-8",
        standalone=True), PREPARED.enabled)


def _prepared(data: bytes, source: str) -> _Prepared:
    """The template's ``_Prepared``, made once per process and template (by content)."""
    return _TEMPLATES.fetch(data, lambda: _prepare(data, source), PREPARED.enabled)


def _prepare(data: bytes, source: str) -> _Prepared:
    """Open the template as docxtpl does and take what every report needs of it: the
    parts python-docx saves (after the styles and the core properties are read, which
    adds a default part when the template has none, as rendering does), the root, the
    body's and headers' XML as docxtpl reads them."""
    from docx.opc.oxml import parse_xml
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(io.BytesIO(data))
    open_template(tpl, source)
    docx = tpl.docx
    styles = docx.styles.element
    core_part = docx.part.package._core_properties_part  # made when the template has none
    document = docx.part
    headers = []
    for uri in (HEADER, FOOTER):
        for rel in document.rels.values():
            if rel.reltype == uri and rel.target_part.blob:
                xml = etree.tostring(parse_xml(rel.target_part.blob), encoding="unicode")
                headers.append((rel.target_part.partname.membername, xml))
    body_xml = etree.tostring(docx.element.body, encoding="unicode")  # docxtpl's get_xml
    root = copy.deepcopy(docx.element)
    body = next(root.iterchildren(_BODY))
    at = root.index(body)
    for child in list(body):
        body.remove(child)
    body.attrib.clear()
    marker = f"<{body.prefix}:body/>" if body.prefix else "<body/>"
    text = etree.tostring(root, encoding="unicode")
    around = tuple(text.split(marker)) if text.count(marker) == 1 else None
    root.remove(body)
    declared = dict(root.nsmap) if len(set(root.nsmap.values())) == len(root.nsmap) else {}
    parts = package_parts(tpl)
    footnotes = any(p.content_type == FOOTNOTES_TYPE for p in docx.part.package.parts)
    return _Prepared(parts, document.partname.membername, root, at,
                     around if declared else None, declared, body_xml,
                     tuple(headers), core_part.partname.membername, StyleMetrics(styles),
                     styles, footnotes, ColumnPlan(body_xml))
