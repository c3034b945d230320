"""The top-level run: one agency's report as a flat list of stages, I/O at the edges.

``run_report(job)`` is the one runner: ``iku report`` (``build_report``) and every agency
of ``iku report --all`` (``batch``) call it, so a new stage (recording history, quarters)
is added once, to ``STAGES``. Each stage takes the job and the run so far and adds its
part:

1. ``guard``: the output path is a .docx, not read-only (unless ``--timpa``), not an
   input file and not inside the inputs folder; LibreOffice is there when ``--pdf`` is
   asked. Nothing has been read or written yet;
2. ``prior``: what the history holds for the year before (previous-year figures, last
   year's values for growth kinds) and whether this year is locked (``history.report``);
   nothing is written;
3. ``check``: read and validate every submission (``reader``, ``validate``);
4. ``figures``: compute realisasi and capaian (``compute``); with errors the figures are
   a draft (what is missing or invalid is marked), which the batch's rekap still uses;
5. ``signed``: a locked (signed) year whose figures would change is refused, listing each
   figure and why, unless ``--buka-kunci``;
6. ``write``: render the Word report and put it (and its PDF) in place through
   ``publish`` - only when the submissions are valid or a draft was asked for;
7. ``record``: a valid (non-draft) report's figures go into the history as a new version
   of the year - unless they equal the current version's.

Every function here is callable from Python; ``cli`` only parses arguments and prints.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from . import paths
from .compute import Results, compute
from .errors import Problem, Severity, UsageError, ValidationFailed, YearLocked
from .history.model import RunSnapshot
from .history.report import Prior
from .master import Master
from .publish import Published, check_target, guard_outputs, publish_report
from .reader import read_folder
from .reasons import Reason
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
    history: Path | None = None  # the history database; None: the run does not use one
    unlock: bool = False  # --buka-kunci: a locked year may get a new version


@dataclass
class ReportOutcome:
    master: Master
    checked: Validated | None = None
    results: Results | None = None
    published: Published | None = None
    prior: Prior = field(default_factory=Prior)
    notices: list[Problem] = field(default_factory=list)  # about the master vs the history
    snapshot: RunSnapshot | None = None  # what the history records for this run
    recorded: int | None = None  # the version recorded in the history, if one was

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


def prior(job: ReportJob, run: ReportOutcome) -> None:
    if job.history is None:
        run.prior = Prior(year=job.master.agency.year)
        return
    from .history.report import master_differences, read_prior

    run.prior = read_prior(job.history, job.master)
    name = next((p.name for p in job.protected if p.suffix.lower() in (".yaml", ".yml")),
                "master")
    run.notices += [Problem(Severity.WARNING, Reason.HISTORY_DIFFERS, text, file=name)
                    for text in master_differences(job.master, run.prior)]


def check(job: ReportJob, run: ReportOutcome) -> None:
    run.checked = check_inputs(job.master, job.inputs, run.prior.x2)


def figures(job: ReportJob, run: ReportOutcome) -> None:
    checked = run.checked
    history = {code: (p.achievement, p.realisation) for code, p in run.prior.previous.items()}
    run.results = compute(job.master, checked.values, checked.invalid, draft=not checked.ok,
                          history=history)


def signed(job: ReportJob, run: ReportOutcome) -> None:
    locked = run.prior.locked
    if job.history is None or locked is None or not run.checked.ok:
        return
    from .history.report import differences

    run.snapshot = _snapshot(job, run)
    changes = differences(locked.snapshot, run.snapshot)
    if changes and not job.unlock:
        agency = job.master.agency
        raise YearLocked(
            f"tahun {agency.year} {agency.name} sudah dikunci (ditandatangani; versi "
            f"{locked.info.version}), dan angka laporan ini berbeda dari yang "
            "ditandatangani:\n" + "\n".join(f"- {line}" for line in changes)
            + "\nLaporan TIDAK dibuat. Untuk mencetak ulang laporan yang ditandatangani: "
            "iku report --dari-riwayat. Bila angka memang harus diubah: jalankan lagi dengan "
            "--buka-kunci (versi baru dicatat, versi lama tetap tersimpan).")


def write(job: ReportJob, run: ReportOutcome) -> None:
    if not (run.checked.ok or job.draft):
        return
    from .render import render_bytes

    data = render_bytes(job.master, run.results, Path(job.template), run.prior.series)
    run.published = publish_report(data, Path(job.out), pdf=job.pdf, overwrite=job.overwrite)


def record(job: ReportJob, run: ReportOutcome) -> None:
    if job.history is None or run.published is None or not run.checked.ok:
        return
    from .history import open_history
    from .history.report import same_figures

    snap = run.snapshot or _snapshot(job, run)
    current = run.prior.current
    if current is not None and same_figures(current.snapshot, snap):
        return  # nothing new: the year's current version already holds these figures
    if run.prior.locked is not None and not job.unlock:
        return  # the signed figures are unchanged (the signed stage checked): keep them
    with open_history(job.history) as h:
        run.recorded = h.record(snap, unlock=job.unlock)


def _snapshot(job: ReportJob, run: ReportOutcome) -> RunSnapshot:
    from .history.model import fingerprint
    from .history.report import snapshot

    units = {u.code for u in job.master.reporting_units}
    prints = {sub.unit: fingerprint(Path(sub.path).read_bytes())
              for sub in run.checked.submissions if sub.unit in units}
    return snapshot(job.master, run.results, prints, Path(job.template).read_bytes())


STAGES: tuple[Stage, ...] = (guard, prior, check, figures, signed, write, record)


def run_report(job: ReportJob) -> ReportOutcome:
    """Run every stage of ``STAGES`` in order for one agency."""
    run = ReportOutcome(job.master)
    for stage in STAGES:
        stage(job, run)
    return run


def check_inputs(master: Master, inputs: Path,
                 prior_x2: Mapping[tuple[str, str], float] | None = None) -> Validated:
    """Read and validate every workbook of a folder against the master (``prior_x2``:
    x2 values the history gives, see ``validate.validate``)."""
    inputs = Path(inputs)
    if not inputs.exists():
        raise UsageError(f"folder isian '{inputs}' tidak ada")
    if not inputs.is_dir():
        raise UsageError(f"'{inputs}' bukan folder; berikan folder yang berisi berkas .xlsx")
    return validate(master, read_folder(inputs), prior_x2)


def build_report(
    master: Master,
    inputs: Path,
    out: Path,
    template: Path = paths.WORD_TEMPLATE,
    draft: bool = False,
    pdf: bool = False,
    overwrite: bool = False,
    protected: tuple[Path, ...] = (),
    history: Path | None = None,
    unlock: bool = False,
) -> ReportOutcome:
    """Validate the submissions and write the Word report (and PDF) safely.

    Errors in the submissions raise ValidationFailed before anything is written, unless
    ``draft`` is set, in which case the report marks what is missing or invalid.
    """
    job = ReportJob(master, Path(inputs), Path(out), Path(template), draft, pdf, overwrite,
                    protected, history, unlock)
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
