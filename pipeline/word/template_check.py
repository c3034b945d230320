"""Check a Word template before anything is rendered with it.

A template is the secretariat's to restyle, in Word or LibreOffice, so it is an input like
the workbooks: ``check_template(data, spec, context, source)`` raises
``TemplateCheckFailed`` listing *every* problem (Indonesian: the tag, the text of its
paragraph, what to do) and the caller writes nothing. Checked, per part docxtpl renders
(body, headers, footers, footnotes):

1. the template is a sound package (``ooxml.package_problems``);
2. per paragraph, on its text across runs (Word splits text into runs freely): every
   ``{{``, ``{%``, ``{#`` is closed by its ``}}``, ``%}``, ``#}`` in the same paragraph, no
   closing delimiter or single brace is left over (``{{ cover.title }`` would otherwise
   swallow everything up to the next ``}}``); a ``{%p %}`` tag is alone in its paragraph
   (docxtpl deletes the paragraph) and not in the paragraph holding a section break; a
   ``{%tr %}`` / ``{%tc %}`` tag is in a table, alone in its row / cell;
3. block tags match (``for``/``endfor``, ``if``/``elif``/``else``/``endif``, …) and, on
   the XML docxtpl itself prepares (``patch_xml``), the XML between the tags of a block is
   balanced, so skipping or repeating it leaves a well-formed document (an ``{% if %}``
   whose ``{% endif %}`` sits in a table cell would not);
4. the Jinja parse of that XML succeeds (catches any other syntax error);
5. every top-level name is a key of the context, and every ``a.b.c`` chain resolves in
   the context (loop variables are followed through the lists they iterate), so a typo
   is named with its tag before rendering rather than by StrictUndefined after;
6. the spec's required blocks are present: for the IKU report the loops over
   ``rpjmd.rows`` and ``renstra.rows`` inside tables and the signatory's name.

A *spec* (``TemplateSpec``) describes one family of documents: each family defines its own
next to its renderer (``annual.report.IKU``, ``quarter.report.TRIWULAN``,
``lkjip.render.LKJIP``), with its required blocks and a function rendering the bundled
sample, and ``pipeline.families`` lists them for ``iku templat periksa``. This module knows
no family: the engine is checked against whatever spec it is handed.

Cost: the context-free part (stages 1-4) is cached per process by the template's bytes.
Measured on the shipped template (``python -m dev.template_timings [FILE…]`` prints it;
docxtpl already imported, as rendering needs it anyway): 100-130 ms the first time in a
process (a later, different template: about 60 ms), then 1-2 ms per report (stage 5,
also against a synthetic agency's context of 140 indicators), against 400-550 ms to
render such a report.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from ..errors import TemplateError
from ..office.ooxml import package_problems
from .prepared import PREPARED, Bounded, one_paragraph_a_line, patched_xml

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
REL = "http://schemas.openxmlformats.org/package/2006/relationships"
FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
QUOTE_CHARS = 160


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


class TemplateCheckFailed(TemplateError):
    """The template has problems; ``problems`` lists them all (Indonesian)."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        lines = "\n".join(f"- {p}" for p in problems)
        super().__init__(
            f"templat Word {source} tidak dapat dipakai ({len(problems)} masalah):\n{lines}\n"
            "Tidak ada berkas yang ditulis; laporan lama (bila ada) tidak diubah. Perbaiki "
            f"templat lalu periksa dengan `iku templat periksa {source}` (docs/PANDUAN.md)."
        )


# --- specs -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Requirement:
    """Something a kind of document cannot do without."""

    label: str  # Indonesian, e.g. "tabel Capaian IKU (RPJMD)"
    loop_in_table: str = ""  # a loop over this expression must sit inside a table
    shows: str = ""  # this dotted name must be shown somewhere

    def met(self, found: _Found) -> bool:
        if self.loop_in_table:
            return self.loop_in_table in found.table_loops
        return self.shows in found.dotted

    def message(self) -> str:
        if self.loop_in_table:
            how = (f"baris tabel berisi {{%tr for … in {self.loop_in_table} %}} dan "
                   "{%tr endfor %}")
        else:
            how = f"tag {{{{ {self.shows} }}}}"
        return (f"bagian wajib tidak ada: {self.label} ({how}). Salin bagian itu kembali dari "
                "templat bawaan input_templates/ (lihat docs/TEMPLATE.md); boleh diubah "
                "gayanya, tetapi tidak boleh dihapus.")


def table_loop(expression: str, label: str) -> Requirement:
    return Requirement(label, loop_in_table=expression)


def shows(name: str, label: str) -> Requirement:
    return Requirement(label, shows=name)


@dataclass(frozen=True)
class TemplateSpec:
    kind: str  # the name given to `iku templat periksa --jenis`
    label: str  # Indonesian, for messages
    template: Path  # the bundled template
    required: tuple[Requirement, ...] = ()
    # renders the bundled sample with a template: (template, out) → out, for
    # `iku templat periksa` (``pipeline.families.try_template``)
    sample: Callable[[Path, Path], Path] | None = None
    # The document ends with notes and a signature held in its last table's closing row,
    # with the table's last rows (pagination.hold_the_ending); a chapter that ends in
    # running text does not.
    signed: bool = True


# --- the check ---------------------------------------------------------------------------


def check_template(data: bytes, spec: TemplateSpec, context: dict[str, Any], source: str) -> None:
    """Raise TemplateCheckFailed listing every problem of the template; None when sound."""
    problems = template_problems(data, spec, context)
    if problems:
        raise TemplateCheckFailed(source, problems)


def template_problems(data: bytes, spec: TemplateSpec, context: dict[str, Any]) -> list[str]:
    """Every problem of the template, in Indonesian; [] when it can be used."""
    analysis = analyse(data)
    if analysis.fatal:
        return list(analysis.problems)
    problems = list(analysis.problems)
    problems += _name_problems(analysis, context)  # parts whose tags parsed
    problems += [r.message() for r in spec.required if not r.met(analysis.found)]
    return problems


@dataclass
class _Found:
    table_loops: set[str] = field(default_factory=set)  # loop expressions inside tables
    dotted: set[str] = field(default_factory=set)  # every a.b(.c) chain printed by {{ }}
    tags: int = 0


@dataclass
class Analysis:
    """What the template says, independent of any context (cached by its bytes)."""

    problems: list[str] = field(default_factory=list)  # stages 1-4
    fatal: bool = False  # not a Word package at all: nothing else was checked
    parts: list[_Part] = field(default_factory=list)
    found: _Found = field(default_factory=_Found)


@dataclass
class _Part:
    name: str  # zip name, e.g. word/header1.xml
    label: str  # Indonesian: "isi dokumen", "kepala halaman (header1.xml)"
    root: etree._Element  # the element docxtpl renders (w:body, or the part's root)
    lines: list[str] = field(default_factory=list)  # patched XML, split as Jinja numbers it
    ast: Any = None  # the Jinja AST
    undeclared: frozenset[str] = frozenset()  # top-level names it uses


_CACHE = Bounded(16)  # blake2b of the template's bytes → its Analysis


def analyse(data: bytes) -> Analysis:
    """Stages 1-4 (package, paragraphs, blocks, Jinja syntax); cached per process."""
    return _CACHE.fetch(hashlib.blake2b(data, digest_size=16).digest(),
                        lambda: _analyse(data))


def _analyse(data: bytes) -> Analysis:

    out = Analysis()
    if not zipfile.is_zipfile(io.BytesIO(data)):
        out.problems = ["berkas ini bukan berkas .docx yang sah (bukan arsip zip). Simpan "
                        "templat sebagai Dokumen Word (.docx) di Word/LibreOffice."]
        out.fatal = True
        return out
    broken = package_problems(data)
    if broken:
        out.problems = [f"berkas templat rusak: {p}. Simpan ulang templat sebagai .docx di "
                        "Word/LibreOffice, atau mulai lagi dari templat bawaan."
                        for p in broken]
        out.fatal = True
        return out
    try:
        out.parts = list(_parts(data))
    except (KeyError, etree.XMLSyntaxError, zipfile.BadZipFile) as exc:
        out.problems = [f"berkas templat bukan dokumen Word (.docx) yang sah ({exc})"]
        out.fatal = True
        return out
    from jinja2 import meta

    for part in out.parts:
        tags, problems = _scan_part(part)
        out.found.tags += len(tags)
        out.found.table_loops |= {t.loop_iter for t in tags if t.loop_iter and t.in_table}
        out.found.dotted |= {d for t in tags if t.raw.startswith("{{")
                             for d in _DOTTED.findall(t.inner)}
        problems += _match_blocks(part, tags)
        if not problems:  # docxtpl's own preparation is only meaningful on sound tags
            problems += _patched_problems(part, tags)
        if part.ast is not None:
            part.undeclared = frozenset(meta.find_undeclared_variables(part.ast))
        out.problems += problems
    return out


# --- parts -------------------------------------------------------------------------------


def _parts(data: bytes) -> Iterator[_Part]:
    """The parts docxtpl renders: the body, headers, footers, footnotes."""
    parser = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = set(z.namelist())
        main = _main_part(z)
        root = etree.fromstring(z.read(main), parser)
        body = root.find(_w("body"))
        if body is None:
            raise KeyError(f"{main} tanpa w:body")
        yield _Part(main, "isi dokumen", body)
        folder, base = main.rsplit("/", 1) if "/" in main else ("", main)
        rels_name = f"{folder}/_rels/{base}.rels".lstrip("/")
        if rels_name in names:
            rels = etree.fromstring(z.read(rels_name), parser)
            for rel in rels.iter(f"{{{REL}}}Relationship"):
                kind = rel.get("Type", "").rsplit("/", 1)[-1]
                if kind not in ("header", "footer") or rel.get("TargetMode") == "External":
                    continue
                target = f"{folder}/{rel.get('Target')}".lstrip("/")
                if target not in names:
                    continue
                label = "kepala halaman" if kind == "header" else "kaki halaman"
                short = target.rsplit("/", 1)[-1]
                yield _Part(target, f"{label} ({short})",
                            etree.fromstring(z.read(target), parser))
        types = etree.fromstring(z.read("[Content_Types].xml"), parser)
        for override in types:
            if override.get("ContentType") == FOOTNOTES_TYPE:
                name = override.get("PartName", "").lstrip("/")
                if name in names:
                    yield _Part(name, "catatan kaki", etree.fromstring(z.read(name), parser))


def _main_part(z: zipfile.ZipFile) -> str:
    rels = etree.fromstring(z.read("_rels/.rels"))
    for rel in rels.iter(f"{{{REL}}}Relationship"):
        if rel.get("Type", "").endswith("/officeDocument"):
            return rel.get("Target", "").lstrip("/")
    raise KeyError("_rels/.rels tanpa officeDocument")


# --- stage 2: paragraphs -----------------------------------------------------------------

_OPENERS = {"{{": "}}", "{%": "%}", "{#": "#}"}
_DELIMS = re.compile(r"\{\{|\{%|\{#|\}\}|%\}|#\}")
_OPENER = re.compile(r"\{\{|\{%|\{#")
_LEVEL = re.compile(r"(tr|tc|p|r) ")
_DOTTED = re.compile(r"(?<![\w.'\"])[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")
_LOOP = re.compile(r"for\s+.+?\s+in\s+(.+?)(?:\s+if\s+.*|\s+recursive)?\s*$", re.S)
BLOCKS = {"for", "if", "macro", "call", "filter", "with", "block", "raw", "autoescape", "trans"}
MIDDLES = {"elif": {"if"}, "else": {"if", "for"}, "pluralize": {"trans"}}


@dataclass
class _Tag:
    raw: str  # as typed, e.g. "{%tr for row in rpjmd.rows %}"
    level: str  # "", "p", "tr", "tc", "r"
    keyword: str  # first word inside, e.g. "for", "endfor", "" for {{ }}
    inner: str  # the text inside the delimiters, without level and whitespace control
    paragraph: etree._Element
    text: str  # the paragraph's text
    where: str  # Indonesian location
    in_table: bool
    block: bool  # opens, continues or closes a block

    @property
    def loop_iter(self) -> str:
        if self.keyword != "for":
            return ""
        m = _LOOP.match(self.inner)
        return re.sub(r"\s+", "", m.group(1)) if m else ""


def _paragraph_texts(root: etree._Element) -> list[tuple[etree._Element, str]]:
    """Every paragraph holding text, in document order, with its text joined across runs
    (the text of a text box's own paragraphs belongs to those paragraphs)."""
    texts: dict[etree._Element, list[str]] = {}
    for el in root.iter(_w("t"), _w("tab"), _w("br")):
        if el.tag == _w("t"):
            piece = el.text or ""
        elif el.getparent() is not None and el.getparent().tag == _w("r"):
            piece = "\t" if el.tag == _w("tab") else "\n"  # not a tab stop of w:pPr
        else:
            continue
        p = next(el.iterancestors(_w("p")), None)
        if p is not None and piece:
            texts.setdefault(p, []).append(piece)
    return [(p, "".join(parts)) for p, parts in texts.items()]


def _quote(text: str, start: int = 0, end: int | None = None) -> str:
    text = " ".join(text.split()) if len(text) <= QUOTE_CHARS else text
    if len(text) <= QUOTE_CHARS:
        return f"«{text}»"
    end = start if end is None else end
    lo = max(0, start - 60)
    hi = min(len(text), max(end, start) + 60)
    snippet = " ".join(text[lo:hi].split())
    return f"«{'…' if lo else ''}{snippet}{'…' if hi < len(text) else ''}»"


def _location(part: _Part, p: etree._Element, tables: dict[etree._Element, int]) -> str:
    outer = None
    for anc in p.iterancestors(_w("tbl")):
        outer = anc
    if outer is None:
        return part.label
    return f"{part.label}, tabel ke-{tables[outer]}"


def _scan_part(part: _Part) -> tuple[list[_Tag], list[str]]:
    tags: list[_Tag] = []
    problems: list[str] = []
    tables = {}
    for tbl in part.root.iter(_w("tbl")):
        if next(tbl.iterancestors(_w("tbl")), None) is None:
            tables[tbl] = len(tables) + 1
    for p, text in _paragraph_texts(part.root):
        if "{" not in text and "}" not in text:
            continue
        where = _location(part, p, tables)
        spans, issues = _scan_text(text)
        problems += [f"{where}: {msg} Teks paragraf: {_quote(text, a, b)}."
                     for msg, a, b in issues]
        new = [_make_tag(text[a:b], p, text, where) for a, b in spans]
        problems += _placement_problems(new)
        tags += new
    return tags, problems


def _scan_text(text: str) -> tuple[list[tuple[int, int]], list[tuple[str, int, int]]]:
    """Complete tags (start, end) of one paragraph's text, and its delimiter problems."""
    spans, issues = [], []
    i = 0
    while (m := _DELIMS.search(text, i)) is not None:
        token = m.group()
        if token in _OPENERS:
            close = text.find(_OPENERS[token], m.end())
            nxt = _OPENER.search(text, m.end())
            if close == -1 or (nxt is not None and nxt.start() < close):
                stop = nxt.start() if nxt is not None else len(text)
                fragment = text[m.start():stop].strip()
                issues.append((
                    f"tag «{fragment}» dibuka dengan «{token}» tetapi tidak ditutup dengan "
                    f"«{_OPENERS[token]}» di paragraf yang sama. Lengkapi penutupnya (tag harus "
                    "dibuka dan ditutup di satu paragraf), atau hapus tag itu.",
                    m.start(), stop,
                ))
                i = m.end()
                continue
            spans.append((m.start(), close + 2))
            i = close + 2
        else:
            issues.append((
                f"penutup tag «{token}» tanpa pembukanya. Bila sebuah tag kehilangan kurung "
                "kurawal pembuka, lengkapi menjadi {{ … }} atau {% … %}; bila tidak, hapus "
                f"«{token}».",
                m.start(), m.end(),
            ))
            i = m.end()
    if issues:
        return spans, issues
    # single braces left outside the tags: a tag that lost one brace at both ends
    covered = [False] * len(text)
    for a, b in spans:
        covered[a:b] = [True] * (b - a)
    for k, ch in enumerate(text):
        if ch in "{}" and not covered[k]:
            issues.append((
                f"kurung kurawal tunggal «{ch}» di luar tag. Tag ditulis {{{{ nama }}}} atau "
                "{% … %} dengan kurung kurawal ganda; lengkapi, atau hapus kurung itu.",
                k, k + 1,
            ))
            break
    return spans, issues


def _make_tag(raw: str, p: etree._Element, text: str, where: str) -> _Tag:
    delim = raw[:2]
    inner = raw[2:-2]
    level = ""
    m = _LEVEL.match(inner)
    if m and delim in ("{{", "{%"):
        level, inner = m.group(1), inner[m.end():]
    inner = inner.strip().removeprefix("-").removeprefix("+").removesuffix("-")
    inner = inner.removesuffix("+").strip()
    keyword = inner.split(None, 1)[0] if (delim == "{%" and inner) else ""
    block = keyword in BLOCKS or keyword in MIDDLES or (
        keyword.startswith("end") and keyword[3:] in BLOCKS | {"set"}
    ) or (keyword == "set" and "=" not in inner)
    in_table = next(p.iterancestors(_w("tbl")), None) is not None
    return _Tag(raw, level, keyword, inner, p, text, where, in_table, block)


def _placement_problems(tags: list[_Tag]) -> list[str]:
    problems = []
    for tag in tags:
        if tag.level not in ("p", "tr", "tc"):
            continue
        if tag.text.strip() != tag.raw:
            problems.append(
                f"{tag.where}: tag «{tag.raw}» harus sendirian di paragrafnya (docxtpl "
                "menghapus seluruh paragraf itu ketika laporan dibuat, jadi teks lain di "
                f"dalamnya akan hilang). Teks paragraf: {_quote(tag.text)}. Pindahkan teks "
                "lain ke paragraf sendiri (tekan Enter sebelum dan sesudah tag)."
            )
            continue
        if tag.level == "p":
            if tag.paragraph.find(f"{_w('pPr')}/{_w('sectPr')}") is not None:
                problems.append(
                    f"{tag.where}: paragraf berisi tag «{tag.raw}» juga memuat pemisah bagian "
                    "(section break), yang akan ikut terhapus. Letakkan pemisah bagian di "
                    "paragraf kosong tersendiri."
                )
            continue
        holder_tag = "tr" if tag.level == "tr" else "tc"
        holder = next(tag.paragraph.iterancestors(_w(holder_tag)), None)
        what = "baris tabel" if tag.level == "tr" else "sel tabel"
        if holder is None:
            problems.append(
                f"{tag.where}: tag «{tag.raw}» harus berada di dalam tabel (di {what}), tetapi "
                f"ada di luar tabel. Teks paragraf: {_quote(tag.text)}."
            )
            continue
        rest = "".join(holder.xpath(".//w:t/text()", namespaces={"w": W})).replace(tag.raw, "")
        if rest.strip():
            problems.append(
                f"{tag.where}: {what} yang memuat tag «{tag.raw}» hanya boleh berisi tag itu "
                f"(docxtpl menghapus seluruh {what} itu), tetapi juga berisi "
                f"{_quote(rest.strip())}. Pindahkan isi itu ke {what} lain."
            )
    return problems


# --- stage 3: blocks ---------------------------------------------------------------------


def _opening_of(keyword: str) -> str:
    return keyword[3:] if keyword.startswith("end") else ""


def _match_blocks(part: _Part, tags: list[_Tag]) -> list[str]:
    problems: list[str] = []
    stack: list[_Tag] = []
    for tag in (t for t in tags if t.block):
        kw = tag.keyword
        if kw in MIDDLES:
            if not stack or stack[-1].keyword not in MIDDLES[kw]:
                problems.append(
                    f"{tag.where}: tag «{tag.raw}» berada di luar blok "
                    f"{'/'.join('{% ' + k + ' %}' for k in sorted(MIDDLES[kw]))} yang sesuai. "
                    f"Teks paragraf: {_quote(tag.text)}. Hapus tag itu atau tambahkan "
                    "pembuka bloknya."
                )
            continue
        opening = _opening_of(kw)
        if not opening:
            stack.append(tag)
            continue
        if not stack:
            problems.append(
                f"{tag.where}: tag «{tag.raw}» menutup blok yang tidak pernah dibuka. Teks "
                f"paragraf: {_quote(tag.text)}. Hapus tag itu, atau kembalikan tag "
                f"{{%{tag.level + ' ' if tag.level else ' '}{opening} … %}} pembukanya."
            )
            continue
        top = stack.pop()
        if top.keyword != opening:
            problems.append(
                f"{tag.where}: tag «{tag.raw}» menutup blok «{top.raw}» ({top.where}, paragraf "
                f"{_quote(top.text)}), padahal blok itu harus ditutup dengan "
                f"«{{%{top.level + ' ' if top.level else ' '}end{top.keyword} %}}». Periksa "
                "pasangan tag pembuka dan penutup."
            )
    for top in stack:
        problems.append(
            f"{top.where}: blok «{top.raw}» tidak pernah ditutup: tag "
            f"«{{%{top.level + ' ' if top.level else ' '}end{top.keyword} %}}» tidak ada "
            f"(mungkin terhapus bersama paragraf, baris atau tabelnya). Teks paragraf: "
            f"{_quote(top.text)}. Kembalikan tag penutupnya, atau hapus blok itu seluruhnya."
        )
    return problems


_XML_TOKEN = re.compile(r"<(/?)([A-Za-z_][\w.\-]*:?[\w.\-]*)(?:\s[^<>]*?)?(/?)>")
_JINJA_BLOCK = re.compile(r"\{%-?\s*(\w+)(.*?)-?%\}", re.S)
_JINJA_ANY = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)


def _patched_problems(part: _Part, tags: list[_Tag]) -> list[str]:
    """Let docxtpl prepare the XML as it will for rendering; check the XML between the tags
    of every block is balanced, then parse it with Jinja."""
    from jinja2 import Environment, TemplateSyntaxError

    xml = etree.tostring(part.root, encoding="unicode")
    # docxtpl's preparation, as rendering will do it: kept in the renderer's cache, so
    # the first report does not prepare the same XML again
    patched = PREPARED.get("patched", xml, patched_xml)
    patched = PREPARED.get("lines", patched, one_paragraph_a_line)  # a line a paragraph
    part.lines = patched.split("\n")
    problems = _segment_problems(part, patched, [t for t in tags if t.block])
    if problems:
        return problems
    try:
        part.ast = Environment().parse(patched)
    except TemplateSyntaxError as exc:
        line = _line_text(part, exc.lineno)
        return [f"{part.label}: tag tidak sah menurut Jinja ({exc.message}). Teks paragraf: "
                f"{_quote(line)}. Periksa penulisan tag itu terhadap docs/TEMPLATE.md."]
    return []


def _segment_problems(part: _Part, patched: str, block_tags: list[_Tag]) -> list[str]:
    found = [m for m in _JINJA_BLOCK.finditer(patched) if _is_block(m.group(1), m.group(2))]
    same = len(found) == len(block_tags) and all(
        m.group(1) == t.keyword for m, t in zip(found, block_tags, strict=False)
    )
    problems = []
    stack: list[list[int]] = []  # per open block: indices into found
    for i, m in enumerate(found):
        kw = m.group(1)
        if kw in MIDDLES and stack:
            stack[-1].append(i)
        elif _opening_of(kw) and stack:
            members = stack.pop() + [i]
            for a, b in zip(members, members[1:], strict=False):
                if not _removable(patched[found[a].end():found[b].start()]):
                    problems.append(_segment_message(part, patched, found, a, b,
                                                     block_tags if same else None))
                    break
        elif not _opening_of(kw):
            stack.append([i])
    return problems


def _is_block(keyword: str, rest: str) -> bool:
    return keyword in BLOCKS or keyword in MIDDLES or (
        keyword.startswith("end") and keyword[3:] in BLOCKS | {"set"}
    ) or (keyword == "set" and "=" not in rest)


def _removable(segment: str) -> bool:
    """True when deleting (or repeating) this XML leaves the rest well-formed: the elements
    it closes are, in reverse, the ones it opens (``</w:t></w:r><w:r><w:t>`` is)."""
    closed: list[str] = []
    opened: list[str] = []
    for m in _XML_TOKEN.finditer(segment):
        end, name, empty = m.groups()
        if empty:
            continue
        if not end:
            opened.append(name)
        elif opened:
            if opened.pop() != name:
                return False
        else:
            closed.append(name)
    return closed[::-1] == opened


def _segment_message(part, patched, found, a, b, tags) -> str:
    if tags is not None:
        first, last = tags[a], tags[b]
        return (
            f"{first.where}: tag «{first.raw}» dan «{last.raw}» ({last.where}) memotong "
            "susunan dokumen: yang satu di paragraf/baris/sel yang berbeda jenis atau "
            "tingkatnya dari yang lain, sehingga laporan akan rusak. Teks paragraf: "
            f"{_quote(first.text)} dan {_quote(last.text)}. Letakkan keduanya sebagai "
            "{%p … %} di paragraf tersendiri yang setingkat, atau {%tr … %} di baris tabel "
            "yang sama tabelnya."
        )
    first, last = found[a], found[b]
    return (
        f"{part.label}: tag «{first.group(0)}» dan «{last.group(0)}» memotong susunan "
        "dokumen (berada di paragraf/baris/sel yang tidak setingkat), sehingga laporan akan "
        f"rusak. Di sekitar: {_quote(_strip_xml(patched[first.start():last.end()]))}."
    )


def _strip_xml(text: str) -> str:
    return re.sub(r"<[^>]+>", "", text)


def _line_text(part: _Part, lineno: int | None) -> str:
    if not lineno or lineno > len(part.lines):
        return ""
    return _strip_xml(part.lines[lineno - 1])


# --- stage 5: names ----------------------------------------------------------------------


def _dotted(node) -> str | None:
    from jinja2 import nodes

    names = []
    while isinstance(node, nodes.Getattr):
        names.append(node.attr)
        node = node.node
    if not isinstance(node, nodes.Name):
        return None
    return ".".join([node.name, *reversed(names)])


class _Unknown:
    """A value the check cannot follow (a `set` variable, a filter's result)."""


UNKNOWN = _Unknown()


@dataclass(frozen=True)
class _All:
    """Every value a name can take in a loop (the items of the lists it iterates)."""

    values: tuple


def _name_problems(analysis: Analysis, context: dict[str, Any]) -> list[str]:
    found: list[tuple[int, int, str]] = []  # (part, line, message), sorted below
    available = ", ".join(sorted(context))
    for index, part in enumerate(analysis.parts):
        if part.ast is None:
            continue
        for name in sorted(part.undeclared - context.keys()):
            lineno, tag, text = _where_used(part, name)
            found.append((index, lineno, (
                f"{part.label}: nama «{name}» pada tag {tag} tidak disediakan program. Teks "
                f"paragraf: {_quote(text)}. Perbaiki ejaannya atau hapus tag itu; nama yang "
                f"tersedia: {available} (lihat docs/TEMPLATE.md)."
            )))
        for node, base, attr, keys in _unresolved(part.ast, context):
            dotted = _dotted(node) or attr
            lineno, tag, text = _where_used(part, dotted, node.lineno)
            found.append((index, lineno, (
                f"{part.label}: «{dotted}» pada tag {tag} tidak disediakan program: «{base}» "
                f"tidak punya «{attr}». Teks paragraf: {_quote(text)}. Perbaiki ejaannya; yang "
                f"tersedia di «{base}»: {', '.join(sorted(keys))} (lihat docs/TEMPLATE.md)."
            )))
    return [message for _, _, message in sorted(found)]


def _where_used(part: _Part, name: str, lineno: int | None = None) -> tuple[int, str, str]:
    """(line, «tag», paragraph text) of the first tag using ``name`` (on ``lineno`` when
    known). A line of the prepared XML is one paragraph, followed by the {%p %} tags that
    replaced the paragraphs after it: the text quoted is the piece holding the tag."""
    pattern = re.compile(rf"(?<![\w.]){re.escape(name)}(?![\w])")
    numbers = [lineno] if lineno else range(1, len(part.lines) + 1)
    for number in numbers:
        if not 0 < number <= len(part.lines):
            continue
        for piece in part.lines[number - 1].split("</w:p>"):
            for tag in _JINJA_ANY.findall(piece):
                if pattern.search(tag):
                    return number, f"«{tag}»", _strip_xml(piece)
    return lineno or 0, f"yang memakai «{name}»", ""


def _unresolved(ast, context: dict[str, Any]) -> list[tuple[Any, str, str, set[str]]]:
    """Getattr chains that do not resolve in the context: (node, base, attr, keys of base).
    Loop variables take every item of the lists they iterate, `with` names the values they
    are given; `set` and the like are not followed."""
    from jinja2 import nodes

    out: list[tuple[Any, str, str, set[str]]] = []

    def value(node, scope):
        if isinstance(node, nodes.Name):
            if node.name in scope:
                return scope[node.name]
            return context.get(node.name, UNKNOWN)
        if isinstance(node, nodes.Getattr):
            base = value(node.node, scope)
            if base is UNKNOWN:
                return UNKNOWN
            items = base.values if isinstance(base, _All) else (base,)
            if not items or not all(isinstance(v, dict) for v in items):
                return UNKNOWN
            missing = [v for v in items if node.attr not in v]
            if missing:
                keys = set.intersection(*(set(v) for v in items))
                out.append((node, _dotted(node.node) or "?", node.attr, keys))
                return UNKNOWN
            values = tuple(v[node.attr] for v in items)
            return values[0] if len(values) == 1 else _All(values)
        for child in node.iter_child_nodes():
            visit(child, scope)
        return UNKNOWN

    def loop_items(iterable) -> Any:
        lists = iterable.values if isinstance(iterable, _All) else (iterable,)
        if not lists or not all(isinstance(v, (list, tuple)) for v in lists):
            return UNKNOWN
        items = tuple(item for v in lists for item in v)
        return _All(items) if items else UNKNOWN

    def bind(target, item, scope):
        if isinstance(target, nodes.Name):
            scope[target.name] = item
        else:
            for name in target.find_all(nodes.Name):
                scope[name.name] = UNKNOWN

    def visit(node, scope):
        if isinstance(node, nodes.For):
            iterable = value(node.iter, scope)
            inner = dict(scope)
            bind(node.target, loop_items(iterable), inner)
            inner["loop"] = UNKNOWN
            for child in [*node.body, *([node.test] if node.test else [])]:
                visit(child, inner)
            for child in node.else_:
                visit(child, scope)
            return
        if isinstance(node, nodes.With):  # {% with a = b.c %}: ``a`` takes b.c's value
            inner = dict(scope)
            for target, given in zip(node.targets, node.values, strict=True):
                bind(target, value(given, scope), inner)
            for child in node.body:
                visit(child, inner)
            return
        if isinstance(node, (nodes.Assign, nodes.AssignBlock)):
            for name in node.target.find_all(nodes.Name):
                scope[name.name] = UNKNOWN
        if isinstance(node, (nodes.Getattr, nodes.Name)):
            value(node, scope)
            return
        for child in node.iter_child_nodes():
            visit(child, scope)

    visit(ast, {})
    return out
