"""The top-level run: one agency's report as a flat list of stages, I/O at the edges.

``run_report(job)`` is the one runner: ``iku report`` (``build_report``) and every agency
of ``iku report --all`` (``batch``) call it, so a new stage (recording history, quarters)
is added once, to ``STAGES``. Each stage takes the job and the run so far and adds its
part:

1. ``guard``: the output path is a .docx, not read-only (unless ``--timpa``), not an
   input file and not inside the inputs folder; LibreOffice is there when ``--pdf`` is
   asked. Nothing has been read or written yet;
2. ``check``: read and validate every submission (``reader``, ``validate``);
3. ``figures``: compute realisasi and capaian (``compute``); with errors the figures are
   a draft (what is missing or invalid is marked), which the batch's rekap still uses;
4. ``write``: render the Word report and put it (and its PDF) in place through
   ``publish`` - only when the submissions are valid or a draft was asked for.

Every function here is callable from Python; ``cli`` only parses arguments and prints.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from . import paths
from .compute import Results, compute
from .errors import UsageError, ValidationFailed
from .master import Master
from .publish import Published, check_target, guard_outputs, publish_report
from .reader import read_folder
from .validate import Validated, validate


@dataclass(frozen=True)
class ReportJob:
    """What one agency's run needs."""

    master: Master
    inputs: Path  # the folder of returned workbooks
    out: Path  # the report (.docx)
    template: Path = paths.WORD_TEMPLATE
    draft: bool = False  # write the report despite errors (marked DRAFT)
    pdf: bool = False
    overwrite: bool = False  # --timpa: replace an edited or read-only report, no backup
    protected: tuple[Path, ...] = ()  # more input files no output may replace (the master)


@dataclass
class ReportOutcome:
    master: Master
    checked: Validated | None = None
    results: Results | None = None
    published: Published | None = None

    @property
    def docx(self) -> Path | None:
        return self.published.docx if self.published else None

    @property
    def pdf(self) -> Path | None:
        return self.published.pdf if self.published else None

    @property
    def blocked(self) -> bool:
        """The submissions hold errors and no draft was asked for: no report written."""
        return self.published is None and self.checked is not None and not self.checked.ok


Stage = Callable[[ReportJob, ReportOutcome], None]


def guard(job: ReportJob, run: ReportOutcome) -> None:
    check_target(job.out, job.overwrite)
    outputs = [("--out", job.out), ("PDF", Path(job.out).with_suffix(".pdf"))]
    guard_outputs(outputs, job.inputs, (job.template, *job.protected))
    if job.pdf:
        from .render import require_soffice  # docxtpl is heavy: load when used

        require_soffice()


def check(job: ReportJob, run: ReportOutcome) -> None:
    run.checked = check_inputs(job.master, job.inputs)


def figures(job: ReportJob, run: ReportOutcome) -> None:
    checked = run.checked
    run.results = compute(job.master, checked.values, checked.invalid, draft=not checked.ok)


def write(job: ReportJob, run: ReportOutcome) -> None:
    if not (run.checked.ok or job.draft):
        return
    from .render import render_bytes

    data = render_bytes(job.master, run.results, Path(job.template))
    run.published = publish_report(data, Path(job.out), pdf=job.pdf, overwrite=job.overwrite)


STAGES: tuple[Stage, ...] = (guard, check, figures, write)


def run_report(job: ReportJob) -> ReportOutcome:
    """Run every stage of ``STAGES`` in order for one agency."""
    run = ReportOutcome(job.master)
    for stage in STAGES:
        stage(job, run)
    return run


def check_inputs(master: Master, inputs: Path) -> Validated:
    """Read and validate every workbook of a folder against the master."""
    inputs = Path(inputs)
    if not inputs.exists():
        raise UsageError(f"folder isian '{inputs}' tidak ada")
    if not inputs.is_dir():
        raise UsageError(f"'{inputs}' bukan folder; berikan folder yang berisi berkas .xlsx")
    return validate(master, read_folder(inputs))


def build_report(
    master: Master,
    inputs: Path,
    out: Path,
    template: Path = paths.WORD_TEMPLATE,
    draft: bool = False,
    pdf: bool = False,
    overwrite: bool = False,
    protected: tuple[Path, ...] = (),
) -> ReportOutcome:
    """Validate the submissions and write the Word report (and PDF) safely.

    Errors in the submissions raise ValidationFailed before anything is written, unless
    ``draft`` is set, in which case the report marks what is missing or invalid.
    """
    job = ReportJob(master, Path(inputs), Path(out), Path(template), draft, pdf, overwrite,
                    protected)
    outcome = run_report(job)
    if outcome.blocked:
        raise ValidationFailed(outcome.checked.problems, outcome.checked.files)
    return outcome


@contextmanager
def sample_inputs(master: Master) -> Iterator[Path]:
    """The bundled sample submissions, written afresh to a temporary folder."""
    from .sample import write_sample_inputs

    with tempfile.TemporaryDirectory(prefix="iku_contoh_") as tmp:
        write_sample_inputs(master, Path(tmp))
        yield Path(tmp)
