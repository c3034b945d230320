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

The period (``ReportJob.period``, issue 10) makes the same stages serve a quarter: a
quarter (``TW1`` … ``TW4``) reads the year's earlier quarters from the history in
``prior`` (refused when one was never recorded), validates its workbooks as that quarter's,
computes the quarter's own figures and the year so far (``quarter.figures``), writes the
quarterly report (``quarter.report``) and records itself as that period of the year. With
``from_quarters`` (``--dari-triwulan``) the year-end run takes its figures from the four
recorded quarters (``quarter.history.year_inputs``) instead of reading workbooks. Locks
cover the whole year: a quarter of a signed year is refused like the year.

Every function here is callable from Python; ``cli`` only parses arguments and prints.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import paths
from .annual.report import render_bytes
from .compute import Results, compute
from .domain.master import Master
from .domain.periods import ANNUAL, quarter_number
from .domain.periods import label as period_label
from .errors import Problem, Severity, UsageError, ValidationFailed, YearLocked
from .history import open_history
from .history.model import RunSnapshot, fingerprint
from .history.report import (
    Prior,
    differences,
    master_differences,
    read_prior,
    same_figures,
    snapshot,
)
from .intake.validate import Validated, check_inputs
from .office.libreoffice import require_soffice
from .office.publish import Published, check_target, guard_outputs, publish_report
from .quarter.figures import QuarterResults, compute_quarter
from .quarter.history import YearInputs, earlier_quarters, quarter_snapshot, year_inputs
from .quarter.report import render_quarter_bytes
from .reasons import Reason


@dataclass(frozen=True)
class ReportJob:
    """What one agency's run needs."""

    master: Master
    inputs: Path | None  # the folder of returned workbooks (None: --dari-triwulan)
    out: Path  # the report (.docx)
    template: Path = paths.WORD_TEMPLATE
    draft: bool = False  # write the report despite errors (marked DRAFT)
    pdf: bool = False
    overwrite: bool = False  # --timpa: replace an edited or read-only report, no backup
    protected: tuple[Path, ...] = ()  # more input files no output may replace (the master)
    history: Path | None = None  # the history database; None: the run does not use one
    unlock: bool = False  # --buka-kunci: a locked year may get a new version
    period: str = ANNUAL  # tahunan, or TW1 … TW4: the round (issue 10)
    from_quarters: bool = False  # --dari-triwulan: the year from its recorded quarters

    @property
    def quarter(self) -> int | None:
        return quarter_number(self.period)


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
    earlier: dict = field(default_factory=dict)  # a quarter: TW1 … figures from history
    quarter: QuarterResults | None = None  # a quarter's figures (``results``: year so far)
    year_inputs: YearInputs | None = None  # --dari-triwulan: the year from its quarters

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
    if job.from_quarters and job.period != ANNUAL:
        raise UsageError("--dari-triwulan membuat laporan tahunan; jangan berikan --triwulan")
    if (job.quarter or job.from_quarters) and job.history is None:
        raise UsageError("laporan triwulan dan --dari-triwulan memerlukan berkas riwayat")
    check_target(job.out, job.overwrite)
    outputs = [("--out", job.out), ("PDF", Path(job.out).with_suffix(".pdf"))]
    guard_outputs(outputs, job.inputs, (job.template, *job.protected))
    if job.pdf:
        require_soffice()


def prior(job: ReportJob, run: ReportOutcome) -> None:
    if job.history is None:
        run.prior = Prior(year=job.master.agency.year)
        return
    run.prior = read_prior(job.history, job.master, job.period)
    name = next((p.name for p in job.protected if p.suffix.lower() in (".yaml", ".yml")),
                "master")
    if job.period == ANNUAL:  # last year's figures are printed by the yearly report only
        run.notices += [Problem(Severity.WARNING, Reason.HISTORY_DIFFERS, text, file=name)
                        for text in master_differences(job.master, run.prior)]
    if job.quarter:
        run.earlier = earlier_quarters(job.master, run.prior.quarters, job.quarter,
                                       str(job.history))
    elif job.from_quarters:
        run.year_inputs = year_inputs(job.master, run.prior.quarters, str(job.history))


def check(job: ReportJob, run: ReportOutcome) -> None:
    if run.year_inputs is not None:
        run.checked = _from_quarters(job.master, run.year_inputs)
        return
    run.checked = check_inputs(job.master, job.inputs, run.prior.x2, job.period, run.earlier)


def figures(job: ReportJob, run: ReportOutcome) -> None:
    checked = run.checked
    draft = not checked.ok
    if job.quarter:
        run.quarter = compute_quarter(job.master, job.quarter, checked.values, run.earlier,
                                      checked.invalid, draft, checked.texts)
        run.results = run.quarter.cumulative
        return
    history = {code: (p.achievement, p.realisation) for code, p in run.prior.previous.items()}
    run.results = compute(job.master, checked.values, checked.invalid, draft=draft,
                          history=history)
    if run.year_inputs is not None:
        run.results = replace(run.results, sources=run.year_inputs.sources)


def signed(job: ReportJob, run: ReportOutcome) -> None:
    locked = run.prior.locked
    if job.history is None or locked is None or not run.checked.ok:
        return
    run.snapshot = _snapshot(job, run)
    agency = job.master.agency
    if job.quarter:  # the year's lock covers its quarters: compare with the quarter's own
        if run.prior.current is None:
            changes = [f"{period_label(job.period)} belum pernah dicatat"]
        else:
            changes = differences(run.prior.current.snapshot, run.snapshot)
        if changes and not job.unlock:
            raise YearLocked(
                f"tahun {agency.year} {agency.name} sudah dikunci (ditandatangani), termasuk "
                f"triwulannya, dan angka {period_label(job.period)} ini berbeda dari yang "
                "tercatat:\n" + "\n".join(f"- {line}" for line in changes)
                + "\nLaporan TIDAK dibuat. Bila angka memang harus diubah: jalankan lagi "
                "dengan --buka-kunci (versi baru dicatat, versi lama tetap tersimpan).")
        return
    changes = differences(locked.snapshot, run.snapshot)
    if changes and not job.unlock:
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
    if run.quarter is not None:
        data = render_quarter_bytes(job.master, run.quarter, Path(job.template))
    else:
        data = render_bytes(job.master, run.results, Path(job.template), run.prior.series)
    run.published = publish_report(data, Path(job.out), pdf=job.pdf, overwrite=job.overwrite)


def record(job: ReportJob, run: ReportOutcome) -> None:
    if job.history is None or run.published is None or not run.checked.ok:
        return
    snap = run.snapshot or _snapshot(job, run)
    current = run.prior.current
    if current is not None and same_figures(current.snapshot, snap):
        return  # nothing new: the year's current version already holds these figures
    if run.prior.locked is not None and not job.unlock:
        return  # the signed figures are unchanged (the signed stage checked): keep them
    with open_history(job.history) as h:
        run.recorded = h.record(snap, unlock=job.unlock)


def _snapshot(job: ReportJob, run: ReportOutcome) -> RunSnapshot:
    units = {u.code for u in job.master.reporting_units}
    prints = {sub.unit: fingerprint(Path(sub.path).read_bytes())
              for sub in run.checked.submissions if sub.unit in units}
    template = Path(job.template).read_bytes()
    if run.quarter is not None:
        return quarter_snapshot(job.master, run.quarter, prints, template,
                                run.checked.values)
    if run.year_inputs is not None:
        return replace(snapshot(job.master, run.results, run.year_inputs.prints, template),
                       source="triwulan")
    return snapshot(job.master, run.results, prints, template)


def _from_quarters(master: Master, inputs) -> Validated:
    """The year's figures from its four quarters, as ``check`` returns them: a unit that
    reports an indicator but has no figure for it in TW IV (the master changed since) is
    a GALAT, as a unit that sent nothing would be."""
    present = {(r["unit"], r["code"]) for r in inputs.values.to_dict("records")}
    problems = [
        Problem(Severity.ERROR, Reason.QUARTER_FIGURE_MISSING,
                f"indikator {ind.code} unit {unit} tidak ada di Triwulan IV "
                f"{master.agency.year} yang tercatat (master berubah sejak itu?); buat ulang "
                "laporan TW IV dengan master ini (iku report --triwulan 4), lalu jalankan "
                "lagi", unit=unit)
        for ind in master.indicators for unit in ind.reporting_units
        if (unit, ind.code) not in present]
    return Validated(inputs.values, problems, files=0)


STAGES: tuple[Stage, ...] = (guard, prior, check, figures, signed, write, record)


def run_report(job: ReportJob) -> ReportOutcome:
    """Run every stage of ``STAGES`` in order for one agency."""
    run = ReportOutcome(job.master)
    for stage in STAGES:
        stage(job, run)
    return run


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
    period: str = ANNUAL,
    from_quarters: bool = False,
) -> ReportOutcome:
    """Validate the submissions and write the Word report (and PDF) safely.

    Errors in the submissions raise ValidationFailed before anything is written, unless
    ``draft`` is set, in which case the report marks what is missing or invalid.
    ``period``: a quarter (``TW1`` …) writes that quarter's report; ``from_quarters``: the
    year's figures come from its four recorded quarters (``inputs`` is then None).
    """
    job = ReportJob(master, None if inputs is None else Path(inputs), Path(out),
                    Path(template), draft, pdf, overwrite, protected, history, unlock, period,
                    from_quarters)
    outcome = run_report(job)
    if outcome.blocked:
        raise ValidationFailed(outcome.checked.problems, outcome.checked.files)
    return outcome
