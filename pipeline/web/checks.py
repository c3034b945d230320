"""What the pages show about workbooks: the CLI's own stages, nothing re-implemented.

* ``gate``: a received file, before it is stored: what ``iku validate`` refuses before
  reading (a macro format by its name, the safety gate). A refused file is not a
  workbook and is never kept (issue 18 §9): only the page and a log line say it came.
* ``check_upload``: one stored upload, checked exactly as ``iku validate`` checks a folder
  holding only that file (``intake.validate.check_inputs``: the safety gate, ``reader``,
  ``validate``), plus one rule of the page: a unit's link takes only that unit's workbook.
  The result is plain data (``hasil.json``): the problems (the same GALAT/PERINGATAN lines
  as the CLI, under the name the user uploaded) and, when accepted, the figures read and
  the realisasi each gives (``ind.rules.realisation`` / ``format_value``).
  Checks across units (``gabung: sama``, an x2 summed to 0 over every unit) need the other
  units' workbooks: they appear in the secretariat's combined check.
* ``combined_check``: the current set (the latest accepted upload of each unit) checked
  as one folder, as ``iku validate`` would; a missing unit's line says what to do on the
  page (``texts.missing_unit``), not in a folder.
* ``cell_context``: the rows around a problem's cell, read back from the stored workbook
  (python-calamine, after the gate has passed it).
* ``corrected_copy``: the highlighted copy ``iku validate --report`` writes
  (``feedback.write_feedback``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import math
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..domain import spec
from ..domain.master import Indicator, Master
from ..domain.numfmt import fmt_number
from ..domain.periods import ANNUAL, quarter_number
from ..errors import Problem, Severity, summary
from ..history import open_history
from ..intake.feedback import feedback_paths, write_feedback
from ..intake.reader import ReadResult, refusal
from ..intake.safety import MAX_ROWS
from ..intake.validate import Validated, check_inputs, validate
from ..reasons import Reason
from ..workbook.templates import target_text
from . import store
from .texts import page_texts

# Problems about the folder rather than the one file checked: meaningless for one upload.
_FOLDER_ONLY = {Reason.UNIT_MISSING, Reason.UNIT_REFUSED, Reason.NO_WORKBOOKS}


def problem_dict(p: Problem) -> dict:
    return {k: str(v) for k, v in dataclasses.asdict(p).items()}


def problem_of(d: dict) -> Problem:
    return Problem(Severity(d["severity"]), Reason(d["code"]), d["message"], d.get("file", ""),
                   d.get("sheet", ""), d.get("cell", ""), d.get("value", ""), d.get("unit", ""))


def gate(received: Path, original: str) -> Problem | None:
    """The GALAT that stops a received file before any reader opens it (the reader's own
    ``refusal``: the name's format, then the safety gate), under the uploaded name; None
    when the file may be stored and checked."""
    suffix = Path(store.stored_name("X", 0, original)).suffix  # the name it would be kept as
    refused, _ = refusal(Path(received), suffix)
    if not refused:
        return None
    return dataclasses.replace(refused[0], file=store.display_name(original))


def check_upload(master: Master, unit: str, version: store.Version, original: str,
                 prior_x2: Mapping[tuple[str, str], float] | None = None,
                 period: str = ANNUAL, earlier: Mapping | None = None) -> dict:
    """Check one stored upload of ``unit``; return the result to save as ``hasil.json``.
    ``period`` and ``earlier``: a quarter's round and its earlier quarters (issue 10)."""
    path = version.workbook
    checked = check_inputs(master, version.inputs, prior_x2, period, earlier)
    shown = store.display_name(original)
    sub = next((s for s in checked.submissions if s.file == path.name), None)
    problems = [p for p in checked.problems
                if p.file == path.name or (not p.file and p.code not in _FOLDER_ONLY)]
    other = sub is not None and sub.unit != unit and sub.unit in {
        u.code for u in master.reporting_units}
    if other:
        owner = master.unit(sub.unit).name
        problems = [Problem(
            Severity.ERROR, Reason.UPLOAD_OTHER_UNIT,
            f"berkas ini isian unit {sub.unit} ({owner}), bukan isian unit {unit} "
            f"({master.unit(unit).name}); tautan ini hanya menerima isian unit {unit}. "
            f"Unggah isian unit {unit} (templat kosongnya dapat diunduh di halaman ini); "
            f"isian unit {sub.unit} diunggah melalui tautan unit {sub.unit}",
            path.name, spec.META_SHEET, unit=unit)]
    accepted = sub is not None and not other and sub.unit == unit and not any(
        p.blocking for p in problems)
    if not accepted and not any(p.blocking for p in problems):
        problems.insert(0, Problem(  # e.g. an uncorrected highlighted copy, skipped
            Severity.ERROR, Reason.UPLOAD_NOT_READ,
            "berkas ini tidak dibaca sebagai isian unit (lihat PERINGATAN di atas); unggah "
            "berkas isian yang sudah diisi", path.name, unit=unit))
    shown_problems = [dataclasses.replace(p, file=shown) if p.file == path.name else p
                      for p in problems]
    return {
        "version": version.number,
        "unit": unit,
        "checked_at": store.now_text(),
        "original_name": shown,
        "stored_name": path.name,
        "size": path.stat().st_size,
        "status": store.ACCEPTED if accepted else store.HAS_ERRORS,
        "read": sub is not None and not other,  # cells can be shown and highlighted
        "problems": [problem_dict(p) for p in shown_problems],
        "problem_summary": summary(shown_problems, 1),
        "figures": figures(master, unit, checked) if accepted else [],
    }


def figures(master: Master, unit: str, checked: Validated) -> list[dict]:
    """Each indicator of the unit: x1 and x2 as read, and the realisasi they give."""
    rows = {r.code: r for r in checked.values.itertuples(index=False) if r.unit == unit}
    out = []
    for ind in master.indicators_of(unit):
        row = rows.get(ind.code)
        if row is None:
            continue
        x1 = row.x1
        x2 = row.x2 if ind.asks_x2 else None
        if x1 is None or (isinstance(x1, float) and math.isnan(x1)):
            # accepted without a figure: not measured this quarter (diukur_triwulan)
            out.append({"code": ind.code, "name": ind.name, "x1": "-", "x2": "-",
                        "realisation": ind.measured_text, "target": target_shown(ind),
                        "shared": len(ind.reporting_units) > 1})
            continue
        realisation = ind.rules.realisation(ind, x1, x2)
        out.append({
            "code": ind.code,
            "name": ind.name,
            "x1": _shown(x1),
            "x2": _shown(x2) if ind.asks_x2 else "—",
            "realisation": ind.rules.format_value(ind, realisation),
            "target": target_shown(ind),
            "shared": len(ind.reporting_units) > 1,
        })
    return out


def _shown(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    return fmt_number(value, decimals=4)


def target_shown(ind: Indicator, quarter: int | None = None) -> str:
    """The year's target, or with ``quarter`` the quarter's (the year so far's:
    ``Indicator.quarter_target``), as the workbooks show it."""
    target = ind.target if quarter is None else ind.quarter_target(quarter)
    if target is None:
        return "-"
    if isinstance(target, tuple):
        return target_text(ind, target)
    return ind.target_text(target)  # a label or NA as written; a threshold with its unit


def what_to_fill(master: Master, unit: str, previous: dict[str, str] | None = None,
                 quarter: int | None = None) -> list[dict]:
    """The unit's indicators as the page lists them: Kode, name, x1/x2 meanings, the
    year's target (in a quarter also the quarter's, or when it is measured instead), and
    last year's realisasi where ``previous`` (``previous_figures``) has one."""
    rows = []
    for ind in master.indicators_of(unit):
        x1, *x2 = ind.rules.inputs(ind)
        measured = quarter is None or ind.measured_in(quarter)
        rows.append({
            "code": ind.code,
            "name": ind.name,
            "x1": x1.meaning + (f" (pilih: {', '.join(x1.choices)})" if x1.is_choice else ""),
            "x2": x2[0].meaning if x2 else "— (tidak diisi)",
            "unit_of_measure": ind.unit_of_measure or "-",
            "target": target_shown(ind),
            "quarter_target": (target_shown(ind, quarter) if measured else ind.measured_text)
            if quarter else "",
            "shared_with": [u for u in ind.reporting_units if u != unit],
            "last_year": (previous or {}).get(ind.code, ""),
        })
    return rows


def previous_figures(master: Master, history: Path | None) -> dict[str, str]:
    """Last year's realisasi of each indicator (Kode -> text), read from the history
    database (``pipeline.history``, read only; renamed indicators found through
    ``kode_lama``). Empty when there is no history file or it cannot be read: the column
    is a courtesy, never a reason for the page to fail."""
    if history is None or not Path(history).is_file():
        return {}
    out = {}
    try:
        with open_history(history, create=False) as db:
            key = db.agency_of(master)
            if key is None:
                return {}
            figures = db.previous_year_figures(
                key, master.agency.year,
                [(ind.code, tuple(ind.old_codes)) for ind in master.indicators])
            for ind in master.indicators:
                figure = figures[ind.code]
                if figure is None:
                    continue
                record = figure.record
                out[ind.code] = record.realisation_label or ind.rules.format_value(
                    ind, record.realisation)
    except Exception as exc:  # a courtesy: say so in the log, show the page without it
        logging.getLogger("iku.web").warning("riwayat %s tidak dapat dibaca: %s", history, exc)
        return {}
    return out


# --- the secretariat's view -----------------------------------------------------------------


@contextlib.contextmanager
def current_set(folder: Path, states: list[store.UnitState]) -> Iterator[Path]:
    """A temporary folder holding the latest accepted upload of each unit (hard links, or
    copies where links are not possible), under the stored names."""
    work = Path(tempfile.mkdtemp(prefix=".set-", dir=Path(folder) / store.INCOMING))
    try:
        for state in states:
            version = state.accepted
            if version is None or version.workbook is None:
                continue
            source = version.workbook
            try:
                os.link(source, work / source.name)
            except OSError:
                shutil.copyfile(source, work / source.name)
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


@dataclass(frozen=True)
class Combined:
    key: tuple  # the set it was computed for: ((unit, version), ...)
    problems: tuple[Problem, ...]
    files: int

    @property
    def ok(self) -> bool:
        return not any(p.blocking for p in self.problems)

    @property
    def text(self) -> str:
        return summary(list(self.problems), self.files)


def set_key(states: list[store.UnitState]) -> tuple:
    return tuple((s.code, s.accepted.number if s.accepted else 0) for s in states)


def combined_check(master: Master, folder: Path, states: list[store.UnitState],
                   prior_x2: Mapping[tuple[str, str], float] | None = None,
                   period: str = ANNUAL, earlier: Mapping | None = None) -> Combined:
    """The current set checked as one folder, as ``iku validate`` checks it; a unit
    without an accepted workbook is told what to do on the page (``texts.missing_unit``),
    not to put a file in a folder."""
    with current_set(folder, states) as work:
        if not any(work.iterdir()):  # every unit missing, as the CLI says
            checked = validate(master, ReadResult(), prior_x2, period, earlier)
        else:
            checked = check_inputs(master, work, prior_x2, period, earlier)
    words = page_texts(master, quarter_number(period))
    problems = tuple(
        dataclasses.replace(p, message=words.missing_unit(p.unit, master.unit(p.unit).name))
        if p.code == Reason.UNIT_MISSING and p.unit else p for p in checked.problems)
    return Combined(set_key(states), problems, checked.files)


# --- cells in context and the corrected copy ----------------------------------------------

CONTEXT_ROWS = 2  # rows shown above and below the problem's cell
CONTEXT_COLS = (3, 2)  # columns shown left and right of it
MAX_CELL_TEXT = 60


def cell_context(path: Path, problems: list[dict]) -> dict[int, dict]:
    """For each problem (by index) with a sheet and cell: a small grid of the cells
    around it as read back from the workbook: column letters, and rows of (Excel row
    number, [(text, is_the_cell)])."""
    from python_calamine import CalamineWorkbook

    wanted = [(i, p) for i, p in enumerate(problems) if p.get("sheet") and p.get("cell")]
    if not wanted:
        return {}
    out: dict[int, dict] = {}
    grids: dict[str, list] = {}
    try:
        with open(path, "rb") as fh:
            book = CalamineWorkbook.from_filelike(fh)
        try:
            for i, p in wanted:
                sheet = p["sheet"]
                if sheet not in grids:
                    grids[sheet] = (book.get_sheet_by_name(sheet).to_python(
                        skip_empty_area=False, nrows=MAX_ROWS + 1)
                        if sheet in book.sheet_names else [])
                try:
                    row, col = spec.parse_cell_ref(p["cell"])
                except ValueError:
                    continue
                out[i] = _window(grids[sheet], row, col)
        finally:
            book.close()
    except Exception:  # context is a courtesy: the problem line already names the cell
        return out
    return out


def _window(grid: list, row: int, col: int) -> dict:
    left, right = CONTEXT_COLS
    cols = list(range(max(0, col - left), col + right + 1))
    rows = []
    for r in range(max(0, row - CONTEXT_ROWS), row + CONTEXT_ROWS + 1):
        line = grid[r] if r < len(grid) else []
        cells = []
        for c in cols:
            value = line[c] if c < len(line) else ""
            text = _shown(value) if isinstance(value, int | float) and not isinstance(
                value, bool) else str(value if value is not None else "")
            if len(text) > MAX_CELL_TEXT:
                text = text[:MAX_CELL_TEXT] + "…"
            cells.append((text, r == row and c == col))
        rows.append((r + 1, cells))
    return {"columns": [spec.col_letter(c) for c in cols], "rows": rows}


def corrected_copy(master: Master, version: store.Version,
                   prior_x2: Mapping[tuple[str, str], float] | None = None,
                   period: str = ANNUAL, earlier: Mapping | None = None) -> Path | None:
    """The highlighted copy of an upload (written once, on first request, with the problem
    list beside it as ``iku validate --report`` writes them), or None when no cell of it
    has a problem."""

    problem_list, copies = feedback_paths(version.folder / store.CORRECTED / "masalah.xlsx")
    copy = copies / f"{version.workbook.stem}_PERBAIKI.xlsx"
    if copy.exists():
        return copy
    checked = check_inputs(master, version.inputs, prior_x2, period, earlier)
    if not any(p.cell and p.file == version.workbook.name for p in checked.problems):
        return None
    written = write_feedback(master, checked, problem_list)
    return copy if copy in written else None
