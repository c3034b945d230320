"""Render the Word report from the template, and convert it to PDF with LibreOffice.

``render_report`` runs these steps, all in memory until the last one:

1. ``build_context`` (pipeline/context.py): every text of the report, formatted;
2. ``template_check.check_template``: the template's tags, blocks, names and required
   blocks, every time (cached per process); a damaged template is refused with every
   problem named, before anything is rendered;
3. docxtpl with ``autoescape=True`` (so ``&``, ``<`` in the master stay literal) and a
   Jinja environment with ``StrictUndefined`` (a name the template uses but the pipeline
   does not provide is an error, never a blank). Two changes to docxtpl (``_template_class``):
   the namespaces of the XML fragments in the context (the Office Math equations) are
   declared on each rendered part's root when the template lacks them (LibreOffice saves
   only the namespaces a part uses), and the rendered body is parsed strictly before
   docxtpl's own parse, which would silently *recover* from broken XML;
4. ``columns.drop_marked_columns``: optional columns headed ``context.DROP_COLUMN`` are
   removed; ``merge_marked_cells``: every table cell holding only ``context.MERGE_UP`` is
   joined to the cell above with ``w:vMerge`` (docxtpl's ``{% vm %}`` merges a whole loop,
   not groups of rows); ``pagination.add_page_hints``: the signature stays with the last
   table;
5. fixed core properties (dates from the master's report date) and a normalised zip
   (fixed timestamps, fixed order), so the same input gives the same bytes, stamped with
   a hash of its content (``packaging.stamp``) so a later run can tell an edited report;
6. ``write_atomically``: the package is verified (``ooxml.verify_package``), then a
   temporary file in the target folder, fsync, ``os.replace``. A failure at any step leaves
   an existing report untouched.

The Keterangan formulas are Office Math (OMML) objects put in by the template's
``{{r row.formula }}`` tag; LibreOffice renders them as equations.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import signal
import subprocess
import tempfile
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, StrictUndefined
from jinja2 import TemplateError as JinjaTemplateError
from lxml import etree
from markupsafe import Markup

from .atomic import write_atomically
from .columns import drop_marked_columns
from .compute import Results
from .context import DROP_COLUMN, MERGE_UP, build_context
from .errors import InternalError, OutputError, TemplateError
from .master import Master
from .packaging import deterministic_zip, package_time, stamp  # noqa: F401 (word_template)
from .pagination import add_page_hints
from .paths import WORD_TEMPLATE

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
PDF_TIMEOUT_S = 180
INSTALL_HINT = (
    "Pasang LibreOffice, mis. `sudo apt-get install libreoffice-writer-nogui` "
    "(Debian/Ubuntu), lalu pastikan perintah `soffice` ada di PATH."
)


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def jinja_env() -> Environment:
    return Environment(undefined=StrictUndefined, autoescape=True)


# --- rendering ---------------------------------------------------------------------------


def _read_template(template_path: Path) -> bytes:
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


def _open(tpl, source: str) -> None:
    from docx.opc.exceptions import PackageNotFoundError

    try:
        tpl.init_docx()
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        detail = re.sub(r"file '<[^>]*>' ", "", str(exc))  # python-docx names our buffer
        raise TemplateError(
            f"templat Word {source} bukan berkas .docx yang sah ({detail}); simpan sebagai "
            "Dokumen Word (.docx), bukan templat Word (.dotx) atau format lain."
        ) from None


def _jinja_message(exc: JinjaTemplateError, source: str) -> str:
    detail = getattr(exc, "message", None) or str(exc)
    if type(exc).__name__ == "UndefinedError":
        return (
            f"templat Word {source} memakai nama yang tidak disediakan program ({detail}); "
            "periksa ejaan tag {{ … }} terhadap docs/TEMPLATE.md."
        )
    lines = list(getattr(exc, "docx_context", []) or [])
    where = f" di sekitar: {' '.join(t.strip() for t in lines if t.strip())[:200]}" if lines else ""
    return f"templat Word {source} tidak sah: {detail}{where}"


def render_document(context: dict[str, Any], template_path: Path = WORD_TEMPLATE, spec=None):
    """Check the template (``template_check``, every time; cached per process), fill it;
    return the docxtpl object with merged cells (not yet saved)."""
    from .template_check import IKU, check_template

    source = str(template_path)
    data = _read_template(template_path)
    check_template(data, spec or IKU, context, source)
    tpl = _template_class()(io.BytesIO(data))
    tpl.namespaces, tpl.source = fragment_namespaces(context), source
    _open(tpl, source)
    try:
        tpl.render(with_images(context, tpl), jinja_env=jinja_env(), autoescape=True)
    except JinjaTemplateError as exc:  # the check above should have named it already
        raise TemplateError(_jinja_message(exc, source)) from None
    except etree.XMLSyntaxError as exc:
        raise _broken_output(exc, source) from None
    drop_marked_columns(tpl.docx.element.body, DROP_COLUMN)
    merge_marked_cells(tpl.docx.element.body)
    add_page_hints(tpl.docx.element.body, anchor=context.get("place_date"),
                   hold_ending=(spec or IKU).signed)
    return tpl


def with_images(value: Any, tpl) -> Any:
    """The context with every ``charts.Chart`` turned into a docxtpl ``InlineImage`` of the
    document being rendered (an image needs the document it is added to)."""
    from .charts import Chart

    if isinstance(value, Chart):
        from docx.shared import Mm
        from docxtpl import InlineImage

        return InlineImage(tpl, io.BytesIO(value.png), width=Mm(value.width_mm))
    if isinstance(value, dict):
        return {k: with_images(v, tpl) for k, v in value.items()}
    if isinstance(value, list):
        return [with_images(v, tpl) for v in value]
    return value


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
    used: dict[str, str] = {}
    for fragment in _fragments(context):
        used.update(_fragment_prefixes(str(fragment)))
    return used


def _fragments(value: Any):
    if isinstance(value, Markup):
        if "<" in value:
            yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _fragments(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _fragments(v)


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


_START_TAG = re.compile(r"<(?![?!])[^>]*?(/?)>")


def declare_namespaces(xml: str, namespaces: dict[str, str], source: str = "") -> str:
    """Add ``xmlns:p="…"`` to the first start tag of ``xml`` for each prefix it lacks."""
    m = _START_TAG.search(xml)
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
    part it renders, and the rendered body parsed strictly (docxtpl's own parse recovers
    silently from broken XML, dropping what it cannot read)."""
    from docxtpl import DocxTemplate

    class Template(DocxTemplate):
        namespaces: dict[str, str] = {}
        source = ""

        def get_xml(self):
            return declare_namespaces(super().get_xml(), self.namespaces, self.source)

        def get_part_xml(self, part):
            return declare_namespaces(super().get_part_xml(part), self.namespaces, self.source)

        def fix_tables(self, xml):
            etree.fromstring(xml, _STRICT)  # raises XMLSyntaxError with the position
            return super().fix_tables(xml)

    return Template


_STRICT = etree.XMLParser(recover=False, resolve_entities=False, no_network=True, huge_tree=True)


def _broken_output(exc: etree.XMLSyntaxError, source: str) -> Exception:
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


def merge_marked_cells(body: etree._Element) -> int:
    """Join every cell whose whole text is MERGE_UP to the cell above it (w:vMerge).

    Rows are walked top to bottom, so a run of marked cells continues one merge. Returns
    the number of cells merged.
    """
    merged = 0
    for tbl in body.iter(_w("tbl")):
        rows = tbl.findall(_w("tr"))
        for r, tr in enumerate(rows):
            for col, tc in _grid_cells(tr):
                if _cell_text(tc) != MERGE_UP:
                    continue
                above = _cell_at(rows[r - 1], col) if r > 0 else None
                if above is None:
                    raise TemplateError(
                        "sel tabel yang melanjutkan sel di atasnya tidak punya sel di atasnya "
                        "pada kolom yang sama; periksa susunan tabel di templat Word"
                    )
                if _get_vmerge(above) is None:
                    _set_vmerge(above, "restart")
                _set_vmerge(tc, "continue")
                _clear_cell(tc)
                merged += 1
    for t in body.iter(_w("t")):  # a marker outside a table cell of its own shows nothing
        if t.text and MERGE_UP in t.text:
            t.text = t.text.replace(MERGE_UP, "")
    return merged


def _grid_cells(tr: etree._Element):
    col = 0
    for tc in tr.findall(_w("tc")):
        yield col, tc
        span = tc.find(f"{_w('tcPr')}/{_w('gridSpan')}")
        col += int(span.get(_w("val"))) if span is not None else 1


def _cell_at(tr: etree._Element, col: int) -> etree._Element | None:
    for c, tc in _grid_cells(tr):
        if c == col:
            return tc
    return None


_CELL_TEXT = etree.XPath("./w:p//w:t/text()", namespaces=NS)


def _cell_text(tc: etree._Element) -> str:
    return "".join(_CELL_TEXT(tc))


# Children of w:tcPr that come before w:vMerge in the schema's fixed order.
_BEFORE_VMERGE = {_w("cnfStyle"), _w("tcW"), _w("gridSpan"), _w("hMerge")}


def _get_vmerge(tc: etree._Element) -> etree._Element | None:
    return tc.find(f"{_w('tcPr')}/{_w('vMerge')}")


def _set_vmerge(tc: etree._Element, value: str) -> None:
    tcpr = tc.find(_w("tcPr"))
    if tcpr is None:
        tcpr = etree.Element(_w("tcPr"))
        tc.insert(0, tcpr)
    old = tcpr.find(_w("vMerge"))
    if old is not None:
        tcpr.remove(old)
    vmerge = etree.Element(_w("vMerge"))
    vmerge.set(_w("val"), value)
    index = 0
    for i, child in enumerate(tcpr):
        if child.tag in _BEFORE_VMERGE:
            index = i + 1
    tcpr.insert(index, vmerge)


def _clear_cell(tc: etree._Element) -> None:
    """Empty a continued cell, keeping one paragraph with the first paragraph's style."""
    paragraphs = tc.findall(_w("p"))
    ppr = paragraphs[0].find(_w("pPr")) if paragraphs else None
    for child in list(tc):
        if child.tag != _w("tcPr"):
            tc.remove(child)
    p = etree.SubElement(tc, _w("p"))
    if ppr is not None:
        p.append(ppr)


# --- saving ------------------------------------------------------------------------------


def _set_properties(docx, master: Master) -> dt.datetime:
    agency = master.agency
    when = package_time(agency.report_date)
    props = docx.core_properties
    props.title = f"Indikator Kinerja Utama (IKU) dan Capaian IKU Tahun {agency.year}"
    props.subject = agency.name
    props.author = agency.short_name
    props.last_modified_by = "iku"
    props.keywords = f"IKU; Capaian IKU; SAKIP; {agency.year}"
    props.comments = ""
    props.category = "Laporan kinerja"
    props.language = "id-ID"
    props.revision = 1
    props.created = when
    props.modified = when
    props.last_printed = when
    return when


def render_bytes(
    master: Master, results: Results, template_path: Path = WORD_TEMPLATE, history=None
) -> bytes:
    """The finished .docx as bytes (nothing is written); ``history``: the earlier years
    for the history appendix (``history.Series``), when the master asks for it."""
    tpl = render_document(build_context(master, results, history), template_path)
    when = _set_properties(tpl.docx, master)
    buf = io.BytesIO()
    tpl.save(buf)
    return stamp(buf.getvalue(), when)  # normalised zip, with what we wrote recorded


def render_report(
    master: Master, results: Results, out_path: Path, template_path: Path = WORD_TEMPLATE
) -> Path:
    """Render the IKU report to ``out_path`` (.docx), atomically; return the path."""
    data = render_bytes(master, results, Path(template_path))
    return write_atomically(Path(out_path), data)


# --- PDF ---------------------------------------------------------------------------------


def find_soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def require_soffice() -> str:
    """The LibreOffice program, or an error with the install hint (checked before any
    file is written, so a missing LibreOffice never leaves a report without its PDF)."""
    soffice = find_soffice()
    if soffice is None:
        raise OutputError(
            f"LibreOffice (soffice) tidak ditemukan, sehingga PDF tidak dapat dibuat; tidak "
            f"ada berkas yang ditulis. {INSTALL_HINT} Atau jalankan tanpa --pdf."
        )
    return soffice


def convert_to_pdf(
    docx_path: Path, target: Path | None = None, timeout: float = PDF_TIMEOUT_S
) -> Path:
    """Convert a .docx to ``target`` (default: the .pdf next to it) with headless
    LibreOffice; return the PDF path.

    LibreOffice runs with a private, temporary profile (and temporary folder) in its own
    process group, so it neither disturbs nor waits for a LibreOffice the user has open.
    It writes into a temporary folder beside ``target``; the PDF is then renamed into
    place, so ``target`` is either the old file or the complete new one. Whatever ends the
    conversion - an
    error, the timeout, Ctrl+C (KeyboardInterrupt) - LibreOffice's whole process group is
    stopped and the temporary folders are removed.
    """
    docx = Path(docx_path).resolve()
    if not docx.is_file():
        raise OutputError(f"berkas {docx} tidak ada; tidak dapat dibuat PDF-nya")
    soffice = require_soffice()
    target = Path(target) if target is not None else docx.with_suffix(".pdf")
    profile_dir = outdir = None
    proc = None
    try:
        profile_dir = tempfile.mkdtemp(prefix="iku_pdf_")
        outdir = tempfile.mkdtemp(prefix=".iku-pdf-", dir=target.parent)
        cmd = [
            soffice,
            f"-env:UserInstallation={(Path(profile_dir) / 'profil').as_uri()}",
            "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
            "--convert-to", "pdf", "--outdir", outdir, str(docx),
        ]  # fmt: skip
        scratch = Path(profile_dir) / "tmp"  # LibreOffice's own temporary files go here
        scratch.mkdir()
        env = {**os.environ, "TMPDIR": str(scratch), "TMP": str(scratch), "TEMP": str(scratch)}
        try:
            proc = subprocess.Popen(
                cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                env=env,
            )
        except OSError as exc:
            raise OutputError(
                f"LibreOffice tidak dapat dijalankan ({exc}). {INSTALL_HINT}"
            ) from None
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise OutputError(
                f"LibreOffice tidak selesai mengubah {docx.name} ke PDF dalam {timeout:g} detik; "
                "coba lagi, atau buka berkas .docx dan ekspor PDF secara manual."
            ) from None
        produced = Path(outdir) / f"{docx.stem}.pdf"
        if proc.returncode != 0 or not produced.is_file():
            detail = err.decode("utf-8", "replace").strip()[-500:]
            raise OutputError(
                f"LibreOffice gagal mengubah {docx.name} ke PDF (kode {proc.returncode})"
                + (f": {detail}" if detail else "")
            )
        try:
            os.replace(produced, target)
        except OSError as exc:
            raise OutputError(
                f"tidak dapat menulis {target}: {exc.strerror or exc}. Tutup berkas itu bila "
                "sedang dibuka di program lain."
            ) from None
        return target
    finally:  # also on KeyboardInterrupt: no LibreOffice left running, no files left
        if proc is not None and proc.returncode is None:
            _kill_group(proc)
        for folder in (outdir, profile_dir):
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)


def _kill_group(proc: subprocess.Popen) -> None:
    """Stop the LibreOffice started here and its children (its own process group)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.communicate(timeout=10)
    except (subprocess.TimeoutExpired, ValueError):
        pass
