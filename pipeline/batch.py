"""Many agencies in one run: every agency's report and one city-level rekap.

The layout (docs/KOTA.md)::

    ROOT/<folder instansi>/master.yaml     the agency's master (or master.xlsx / .ods)
    ROOT/<folder instansi>/isian/*.xlsx    its units' returned workbooks

``report_all(root, out_dir)`` runs, for each agency folder in name order, the master and
then the same runner as ``iku report`` (``run.run_report``: check → compute → render), into
``out_dir/Laporan_IKU_<tahun>_<folder>.docx``. An agency with errors (a broken master, a
missing folder, invalid submissions) gets no report, exactly as with ``iku report``, and
the run goes on with the next one; its problems are kept in its row. Last, the rekap of
every agency whose figures could be computed (``rekap.write_rekap``) is written to
``out_dir``. Each agency's rekap rows go to the rekap as soon as its row is back
(``rekap.RekapWriter``), so the parent holds one line per agency, whatever the city's
size.

Agencies are independent, so they are processed in a pool of worker processes (one per
CPU), each doing one agency from master to report; the pool is used only when there are
at least two agencies and two CPUs. ``docs/BENCHMARKS.md`` measures what it gains.

A batch is many short renders in long-lived processes (issue 25, measured on the 40-agency
synthetic city, one process, ``docs/BENCHMARKS.md``):

* **Garbage collection**: by default 10% of the run went to Python's full collections,
  each walking every object the imports made (pandas, pydantic, lxml's proxies…), about
  60 ms twelve times. What is imported is frozen (``gc.freeze``) before the workers are
  forked, so no collection walks it again (and the workers' copies of its pages stay
  shared), and the thresholds are raised (``GC_THRESHOLDS``) for the run: a report's
  objects die by reference counting; the few cycles wait a little longer. Collections
  then took 0.07 s instead of 0.84 s of 8.7 s, with no growth of the peak memory beyond
  the machine's noise (``dev.bench``). Within an agency no collection runs at all; its
  young generations are collected once it is done (``render.collector_paused``, which
  each render also applies on its own).
* **Memory**: each worker keeps the heap memory it frees for the next agency
  (``system.keep_freed_memory``, glibc only) instead of giving it back to the kernel and
  faulting the same pages in again: about 1,300 page faults and 5 ms of system time per
  agency fewer, the workers' peak memory unchanged. The parent, which renders nothing in
  a pool, is left as it is.
* **The history**: each process keeps its connection to the history file open for the
  whole run (``history.connections_held``) instead of opening, checking and migrating it
  twice per agency; each report is still recorded in its own transaction.
"""

from __future__ import annotations

import gc
import os
import time
import traceback
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import paths, system
from .domain.periods import ANNUAL, quarter_number
from .errors import IkuError, Problem, Severity, TemplateError, UsageError
from .history import close_held, connections_held, hold_connections
from .intake.master import load_master_file
from .office.libreoffice import require_soffice
from .office.publish import Published, guard_outputs
from .rekap import AgencyRekap, RekapWriter, agency_rekap, quarter_rekap
from .run import ReportJob, run_report
from .word.render import collector_paused

MASTER_NAME = "master.yaml"
# The names an agency's master may have: the YAML master, or the master workbook (issue 24).
MASTER_NAMES = (MASTER_NAME, "master.xlsx", "master.ods")
INPUTS_DIR = "isian"
#: ``gc.set_threshold`` during a batch (Python's default: 700, 10, 10; see the docstring).
GC_THRESHOLDS = (10_000, 50, 100)


@dataclass(frozen=True)
class AgencyRow:
    """What happened to one agency folder."""

    folder: str
    name: str  # the agency's name from its master; the folder name if it did not load
    files: int = 0  # workbooks found in isian/
    problems: tuple[Problem, ...] = ()
    message: str = ""  # an error that stopped this agency early (master, folder, template)
    report: Path | None = None
    pdf: Path | None = None
    published: Published | None = None  # what writing the report did (backups, old PDF)
    draft_beside: bool = False  # a DRAFT of a locked year, written beside the signed report
    rekap: AgencyRekap | None = None  # report_all hands it to the rekap and drops it
    internal: bool = False  # the error is a bug in the program, not bad input
    seconds: float = 0.0

    @property
    def errors(self) -> int:
        stopped = len(self.message.splitlines()) if self.message else 0
        return stopped + sum(p.blocking for p in self.problems)

    @property
    def warnings(self) -> int:
        return sum(p.severity == Severity.WARNING for p in self.problems)


@dataclass
class BatchOutcome:
    rows: list[AgencyRow] = field(default_factory=list)
    rekap: Path | None = None
    jobs: int = 1
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return all(r.errors == 0 for r in self.rows)

    @property
    def internal(self) -> bool:
        return any(r.internal for r in self.rows)

    @property
    def reports(self) -> list[Path]:
        return [r.report for r in self.rows if r.report is not None]


def find_agencies(root: Path, exclude: Path | None = None) -> list[Path]:
    """The agency folders of ``root``: its sub-folders in name order, hidden ones and
    ``exclude`` (the output folder, when it lies inside root) left out."""
    root = Path(root)
    if not root.is_dir():
        raise UsageError(f"folder '{root}' tidak ada atau bukan folder")
    skip = exclude.resolve() if exclude is not None else None
    folders = sorted(
        p for p in root.iterdir()
        if p.is_dir() and not p.name.startswith((".", "~", "_")) and p.resolve() != skip
    )
    if not folders:
        raise UsageError(
            f"folder '{root}' tidak berisi folder instansi; susunannya: "
            f"{root}/<instansi>/{MASTER_NAME} dan {root}/<instansi>/{INPUTS_DIR}/*.xlsx "
            "(lihat docs/KOTA.md)"
        )
    return folders


def report_name(year: int, folder: Path, period: str = ANNUAL) -> str:
    n = quarter_number(period)
    if n:
        return f"Laporan_Kinerja_TW{n}_{year}_{folder.name}.docx"
    return f"Laporan_IKU_{year}_{folder.name}.docx"


def report_all(
    root: Path,
    out_dir: Path,
    jobs: int | None = None,
    progress: bool = True,
    draft: bool = False,
    pdf: bool = False,
    template: Path = paths.WORD_TEMPLATE,
    overwrite: bool = False,
    history: Path | None = None,
    unlock: bool = False,
    period: str = ANNUAL,
) -> BatchOutcome:
    """Validate and render every agency under ``root`` into ``out_dir``; never stops at an
    agency's errors. ``jobs``: worker processes (None = one per CPU, 1 = no pool);
    ``overwrite``: replace edited or read-only reports without a backup (``--timpa``)."""
    start = time.perf_counter()
    root, out_dir = Path(root), Path(out_dir)
    folders = find_agencies(root, exclude=out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"'{out_dir}' bukan folder; --out harus berupa folder untuk --all")
    if not Path(template).is_file():  # once, rather than the same error for every agency
        raise TemplateError(f"templat Word tidak ditemukan: {template}")
    for folder in folders:  # never into an agency's inputs (each report is checked again)
        guard_outputs([("--out", out_dir)], folder / INPUTS_DIR,
                      [folder / name for name in MASTER_NAMES])
    if pdf:
        require_soffice()  # before any agency is written
    tasks = [(folder, out_dir, Path(template), draft, pdf, overwrite, history, unlock, period)
             for folder in folders]
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(tasks)))
    rows: dict[Path, AgencyRow] = {}
    order = {folder: i for i, folder in enumerate(folders)}
    with RekapWriter(ahead=(out_dir, len(tasks))) as rekap, _batch_gc():

        def done(folder: Path, row: AgencyRow) -> None:
            """Stream the agency's rekap rows out; keep the rest of its row."""
            if row.rekap is not None:
                rekap.add(row.rekap, order[folder])
                row = _replace(row, rekap=None)
            else:
                rekap.skip(order[folder])
            rows[folder] = row

        if jobs > 1:
            executor = _pool(jobs)
            try:
                # every worker is forked at the first submit, before the bar starts its thread
                futures = {executor.submit(process_agency, *task): task[0] for task in tasks}
                with _progress(progress, len(tasks)) as advance:
                    for future in as_completed(futures):
                        folder = futures.pop(future)  # a done future holds its result
                        done(folder, future.result())
                        advance(folder.name)
            except BaseException:  # Ctrl-C or a crashed worker: do not start what is left
                executor.shutdown(wait=False, cancel_futures=True)
                raise
            executor.shutdown()
        else:
            with _progress(progress, len(tasks)) as advance, connections_held():
                for task in tasks:
                    done(task[0], process_agency(*task))
                    advance(task[0].name)
        outcome = BatchOutcome([rows[f] for f in folders], jobs=jobs)
        if len(rekap):
            outcome.rekap = rekap.write(out_dir)
    outcome.seconds = time.perf_counter() - start
    return outcome


def process_agency(
    folder: Path, out_dir: Path, template: Path = paths.WORD_TEMPLATE, draft: bool = False,
    pdf: bool = False, overwrite: bool = False, history: Path | None = None,
    unlock: bool = False, period: str = ANNUAL,
) -> AgencyRow:
    """One agency from master to report; every error ends up in the returned row. The
    collector waits until the agency is done (``collector_paused``)."""
    start = time.perf_counter()
    row = AgencyRow(folder.name, folder.name)
    try:
        with collector_paused():
            row = _process(folder, out_dir, template, draft, pdf, overwrite, history, unlock,
                           row, period)
    except IkuError as exc:  # InternalError (exit 3) is a bug too
        row = _replace(row, message=str(exc), internal=exc.exit_code == 3)
    except Exception as exc:  # a bug: keep going with the other agencies, say so loudly
        if os.environ.get("IKU_DEBUG"):
            traceback.print_exc()
        row = _replace(row, message=f"GALAT INTERNAL: {type(exc).__name__}: {exc}",
                       internal=True)
    return _replace(row, seconds=time.perf_counter() - start)


def _process(folder, out_dir, template, draft, pdf, overwrite, history, unlock,
             row: AgencyRow, period: str = ANNUAL) -> AgencyRow:
    master_path = master_of(folder)
    master = load_master_file(master_path)
    row = _replace(row, name=master.agency.name)
    inputs = folder / INPUTS_DIR
    if not inputs.is_dir():
        raise UsageError(f"folder isian '{inputs}' tidak ada; letakkan berkas isian unit di sana")
    out = out_dir / report_name(master.agency.year, folder, period)
    job = ReportJob(master, inputs, out, template, draft, pdf, overwrite, (master_path,),
                    history, unlock, period)
    run = run_report(job)  # the same stages as `iku report`
    checked = run.checked
    row = _replace(row, files=checked.files, problems=tuple(run.notices + checked.problems),
                   report=run.docx, pdf=run.pdf, published=run.published,
                   draft_beside=run.draft_beside is not None)
    name = run.docx.name if run.docx else ""
    if run.quarter is not None:
        rekap = quarter_rekap(master, run.quarter, folder.name, name)
    else:
        rekap = agency_rekap(master, run.results, folder.name, name)
    return _replace(row, rekap=rekap)


def master_of(folder: Path) -> Path:
    """The agency's master: ``master.yaml``, or the workbook ``master.xlsx`` / ``.ods``;
    UsageError when there is none, or more than one (which one would count?)."""
    found = [folder / name for name in MASTER_NAMES if (folder / name).is_file()]
    if not found:
        raise UsageError(f"{folder / MASTER_NAME}: master instansi tidak ada (atau "
                         f"{' / '.join(MASTER_NAMES[1:])}; lihat docs/KOTA.md)")
    if len(found) > 1:
        raise UsageError(f"{folder}: ada lebih dari satu master ({', '.join(p.name for p in found)}"
                         "); simpan satu saja")
    return found[0]


def _replace(row: AgencyRow, **changes) -> AgencyRow:
    return replace(row, **changes)


def _pool(jobs: int) -> ProcessPoolExecutor:
    """Worker processes. On Linux they are forked after the stages' modules are imported
    (this module imports ``run``, which imports every stage), so the workers inherit them
    instead of each paying the imports (about 0.7 s of pandas and pydantic) again; Python
    3.11-3.13 fork every worker at the first submit. Elsewhere (spawn) each worker imports
    for itself. Each worker starts with ``_worker_start``."""
    return ProcessPoolExecutor(jobs, mp_context=system.worker_context(),
                               initializer=_worker_start)


@contextmanager
def _batch_gc() -> Iterator[None]:
    """The garbage collector as a batch wants it (module docstring): what is imported so
    far frozen, the thresholds raised; as before when the batch ends. Only the young
    generations are collected before freezing: the old one is what the imports made, in
    which a full collection found nothing to free and took 40 ms before any agency began
    (measured on the 40-agency city, issue 25)."""
    before = gc.get_threshold()
    gc.collect(1)
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def _worker_start() -> None:
    """In each worker process: the batch's thresholds (a forked worker has them and the
    frozen objects already; a spawned one sets them here), the memory it frees kept
    (``system.keep_freed_memory``), and the history's connections held for the worker's
    life, closed when it ends."""
    gc.set_threshold(*GC_THRESHOLDS)
    system.keep_freed_memory()
    hold_connections()
    system.at_worker_exit(close_held)


class _progress:
    """A rich progress bar on stderr (when wanted); ``advance(name)`` after each agency."""

    def __init__(self, enabled: bool, total: int):
        self.enabled, self.total = enabled, total
        self._bar = None

    def __enter__(self):
        if not self.enabled:
            return lambda name: None
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self._bar = Progress(
            TextColumn("Instansi"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            TextColumn("{task.description}"), console=Console(stderr=True), transient=True,
        )
        self._bar.start()
        task = self._bar.add_task("", total=self.total)
        return lambda name: self._bar.update(task, advance=1, description=name)

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.stop()
