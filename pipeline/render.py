"""Render the Word report from the template, and convert it to PDF with LibreOffice.

``render_report`` runs these steps, all in memory until the last one:

1. ``build_context`` (pipeline/context.py): every text of the report, formatted;
2. docxtpl with ``autoescape=True`` (so ``&``, ``<`` in the master stay literal) and a
   Jinja environment with ``StrictUndefined`` (a name the template uses but the pipeline
   does not provide is an error, never a blank);
3. ``merge_marked_cells``: every table cell holding only ``context.MERGE_UP`` is joined
   to the cell above with ``w:vMerge`` (docxtpl's ``{% vm %}`` merges a whole loop, not
   groups of rows);
4. fixed core properties (dates from the master's report date) and a normalised zip
   (fixed timestamps, fixed order), so the same input gives the same bytes, stamped with
   a hash of its content (``ooxml.stamp``) so a later run can tell an edited report;
5. ``write_atomically``: a temporary file in the target folder, fsync, ``os.replace``.
   A failure at any step leaves an existing report untouched.

The Keterangan formulas are Office Math (OMML) objects put in by the template's
``{{r row.formula }}`` tag; LibreOffice renders them as equations.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import signal
import subprocess
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from jinja2 import Environment, StrictUndefined
from jinja2 import TemplateError as JinjaTemplateError
from lxml import etree

from .atomic import write_atomically
from .compute import Results
from .context import MERGE_UP, build_context
from .errors import OutputError, TemplateError
from .master import Master
from .ooxml import deterministic_zip, package_time, stamp  # noqa: F401 (word_template uses it)
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


def _open_template(template_path: Path):
    from docx.opc.exceptions import PackageNotFoundError
    from docxtpl import DocxTemplate

    path = Path(template_path)
    if not path.is_file():
        raise TemplateError(
            f"templat Word tidak ditemukan: {path} "
            "(buat ulang dengan `python -m dev.word_template`)"
        )
    tpl = DocxTemplate(str(path))
    try:
        tpl.init_docx()
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise TemplateError(f"templat Word {path} bukan berkas .docx yang sah ({exc})") from None
    return tpl


def check_template_names(tpl, context: dict[str, Any], source: str) -> None:
    """Every top-level name the template uses must be one the pipeline provides."""
    try:
        used = tpl.get_undeclared_template_variables(jinja_env())
    except JinjaTemplateError as exc:
        raise TemplateError(_jinja_message(exc, source)) from None
    unknown = sorted(used - context.keys())
    if unknown:
        raise TemplateError(
            f"templat Word {source} memakai nama yang tidak disediakan program: "
            f"{', '.join(unknown)}. Nama yang tersedia: {', '.join(sorted(context))} "
            "(lihat docs/TEMPLATE.md)."
        )


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


def render_document(context: dict[str, Any], template_path: Path = WORD_TEMPLATE):
    """Fill the template; return the docxtpl object with merged cells (not yet saved)."""
    source = str(template_path)
    tpl = _open_template(template_path)
    try:
        tpl.render(context, jinja_env=jinja_env(), autoescape=True)
    except JinjaTemplateError as exc:
        # StrictUndefined stops at the first unknown name; list them all for the user
        # (costs a second pass over the template, so only when something is wrong).
        check_template_names(_open_template(template_path), context, source)
        raise TemplateError(_jinja_message(exc, source)) from None
    merge_marked_cells(tpl.docx.element.body)
    return tpl


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
    master: Master, results: Results, template_path: Path = WORD_TEMPLATE
) -> bytes:
    """The finished .docx as bytes (nothing is written)."""
    tpl = render_document(build_context(master, results), template_path)
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
