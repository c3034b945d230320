"""The validation report the secretariat sends back to the bidang.

``write_feedback`` writes, next to each other:

* ``FILE.xlsx``: one sheet listing every problem (severity, file, unit, sheet, cell, value,
  message), GALAT rows red and PERINGATAN rows yellow, written with xlsxwriter;
* ``FILE_perbaikan/<submission>_PERBAIKI.xlsx``: for every submission with problems in
  its cells, a copy with those cells highlighted and a comment on each. The copy keeps
  the hidden metadata, so the bidang can correct it and send it back as their submission.

The submissions themselves are only read. Every file is written through a temporary file
and renamed into place.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from ..domain import spec
from ..domain.master import Master
from ..errors import OutputError, Problem, Severity, summary
from ..office.atomic import write_atomically
from ..office.packaging import deterministic_zip, fixed_core_times
from ..office.publish import guard_outputs
from .reader import workbook_values_fingerprint
from .validate import Validated

ERROR_FILL = "FFC7CE"
WARNING_FILL = "FFEB9C"
HEADERS = ("No", "Tingkat", "Berkas", "Unit", "Lembar", "Sel", "Nilai", "Pesan")
WIDTHS = (5, 12, 34, 40, 8, 7, 18, 80)


def feedback_paths(path: Path) -> tuple[Path, Path]:
    """The problem list (always .xlsx) and the folder of highlighted copies beside it."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        path = path.with_suffix(".xlsx")
    return path, path.parent / f"{path.stem}_perbaikan"


def write_feedback(
    master: Master,
    checked: Validated,
    path: Path,
    inputs: Path | None = None,
    protected: Iterable[Path | None] = (),
) -> list[Path]:
    """Write the problem list and the highlighted copies; return the paths written.

    With ``inputs`` (the folder checked), the problem list and the copies' folder may not
    lie inside it nor be one of its files or of ``protected`` (exit 2, nothing written).
    """
    path, copies_dir = feedback_paths(path)
    guard_outputs([("--report", path), ("--report (salinan)", copies_dir)], inputs,
                  [p for p in protected if p is not None])
    copies = _highlighted_copies(master, checked, copies_dir)
    write_atomically(path, _problem_list(master, checked, copies))
    return [path, *copies.values()]


def _problem_list(master: Master, checked: Validated, copies: dict[str, Path]) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                 "strings_to_numbers": False},
    )
    book.set_properties({"title": f"Hasil pemeriksaan isian IKU {master.agency.year}",
                         "company": master.agency.name,
                         "created": dt.datetime(master.agency.year, 1, 1)})  # same bytes
    sheet = book.add_worksheet("Masalah")
    _own_metadata(book, master)
    bold = book.add_format({"bold": True})
    head = book.add_format({"bold": True, "bg_color": "#D9D9D9", "border": 1, "text_wrap": True})
    fills = {
        (severity, quoted): book.add_format({
            "bg_color": f"#{colour}", "border": 1, "text_wrap": True, "valign": "top",
            "quote_prefix": quoted})
        for severity, colour in ((Severity.ERROR, ERROR_FILL), (Severity.WARNING, WARNING_FILL))
        for quoted in (False, True)
    }
    sheet.write_string(0, 0, f"HASIL PEMERIKSAAN ISIAN IKU TAHUN {master.agency.year}", bold)
    sheet.write_string(1, 0, master.agency.name)
    sheet.write_string(2, 0, summary(checked.problems, checked.files))
    header_row = 4
    for col, (label, width) in enumerate(zip(HEADERS, WIDTHS, strict=True)):
        sheet.write_string(header_row, col, label, head)
        sheet.set_column(col, col, width)
    units = {u.code: u.name for u in master.units}
    for i, p in enumerate(checked.problems, start=1):
        row = header_row + i
        sheet.write_number(row, 0, i, fills[p.severity, False])
        unit = f"{p.unit} ({units[p.unit]})" if p.unit in units else p.unit
        # LibreOffice does not fit wrapped rows on load: estimate the height (15 pt a line)
        texts = ((p.message, WIDTHS[7]), (unit, WIDTHS[3]), (p.file, WIDTHS[2]))
        lines = max(-(-len(text) // max(int(width * 0.95), 1)) for text, width in texts)
        sheet.set_row(row, 15 * max(lines, 1))
        for col, text in enumerate(
            (p.severity.value, p.file, unit, p.sheet, p.cell, p.value, p.message), start=1
        ):
            text = str(text)[:MAX_TEXT]
            quoted = text.startswith(spec.FORMULA_TRIGGERS)
            sheet.write_string(row, col, text, fills[p.severity, quoted])
    if not checked.problems:
        sheet.write_string(header_row + 1, 0, "Tidak ada masalah: semua isian sah.")
    last = header_row + max(len(checked.problems), 1)
    sheet.autofilter(header_row, 0, last, len(HEADERS) - 1)
    sheet.freeze_panes(header_row + 1, 0)
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(header_row)
    if copies:
        row = last + 2
        sheet.write_string(row, 0, "Salinan isian dengan sel bertanda, untuk dikirim kembali "
                                   "ke unit:", bold)
        for offset, (name, copy) in enumerate(sorted(copies.items()), start=1):
            sheet.write_string(row + offset, 0, f"{name} → {copy.parent.name}/{copy.name}")
    book.close()
    return buffer.getvalue()


MAX_TEXT = 2_000


def _own_metadata(book, master: Master) -> None:
    """A hidden Metadata sheet (and custom properties) marking the problem list as ours,
    so that ``reader`` skips it when someone drops it into the inputs folder."""
    meta = book.add_worksheet(spec.META_SHEET)
    values = {"jenis_dokumen": spec.DOC_KIND_PROBLEM_LIST, "instansi": master.agency.name,
              "tahun": str(master.agency.year)}
    for row, (key, value) in enumerate(values.items()):
        meta.write_string(row, 0, key)
        meta.write_string(row, 1, value)
        book.set_custom_property(key, value, "text")
    meta.hide()


def _highlighted_copies(master: Master, checked: Validated, out_dir: Path) -> dict[str, Path]:
    """A copy of every submission with cell problems, the cells filled and commented."""
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    by_file: dict[str, list[Problem]] = defaultdict(list)
    for p in checked.problems:
        if p.file and p.sheet and p.cell:
            by_file[p.file].append(p)
    sources = {s.file: s.path for s in checked.submissions}
    written: dict[str, Path] = {}
    for name, problems in sorted(by_file.items()):
        source = sources.get(name)
        if source is None:  # refused before it could be read: nothing to annotate
            continue
        try:
            book = openpyxl.load_workbook(source, rich_text=True)
        except Exception:  # annotating is a courtesy; the problem list still names the cell
            continue
        for p in problems:
            if p.sheet not in book.sheetnames:
                continue
            cell = book[p.sheet][p.cell]
            worst = Severity.ERROR if any(
                q.blocking for q in problems if q.cell == p.cell and q.sheet == p.sheet
            ) else Severity.WARNING
            colour = ERROR_FILL if worst == Severity.ERROR else WARNING_FILL
            cell.fill = PatternFill("solid", start_color=colour, end_color=colour)
            text = f"{p.severity.value}: {p.message}"
            if cell.comment is not None:
                text = f"{cell.comment.text}\n{text}"
            cell.comment = Comment(text, "iku", width=320, height=120)
        try:
            data = _marked(book, name)
        except Exception as exc:
            raise OutputError(
                f"salinan bertanda untuk {name} tidak dapat ditulis ({exc})") from None
        target = out_dir / f"{Path(name).stem}_PERBAIKI.xlsx"
        written[name] = write_atomically(target, _same_bytes(data, master))
    return written


def _marked(book, source: str) -> bytes:
    """The copy's bytes, its Metadata saying it is our copy of ``source`` and what its
    values were, so that an uncorrected copy dropped into the inputs folder is skipped
    (``reader``) while a corrected one is read as the unit's submission."""

    first = io.BytesIO()
    book.save(first)
    fingerprint = workbook_values_fingerprint(first.getvalue())
    if spec.META_SHEET not in book.sheetnames or fingerprint is None:
        return first.getvalue()
    meta = book[spec.META_SHEET]
    rows = {row[0].value: row[0].row for row in meta.iter_rows() if row and row[0].value}
    for key, value in ((spec.COPY_OF_KEY, source), (spec.COPY_VALUES_KEY, fingerprint)):
        row = rows.get(key, meta.max_row + 1)
        meta.cell(row, 1, key)
        meta.cell(row, 2, value)
    second = io.BytesIO()
    book.save(second)
    return second.getvalue()


def _same_bytes(data: bytes, master: Master) -> bytes:
    """openpyxl stamps the save time into the zip and docProps/core.xml: fix both, so a
    rerun writes the same copy."""
    when = dt.datetime(master.agency.year, 1, 1)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        core = z.read("docProps/core.xml") if "docProps/core.xml" in z.namelist() else None
    parts = {"docProps/core.xml": fixed_core_times(core, when)} if core else {}
    return deterministic_zip(data, when, parts)
