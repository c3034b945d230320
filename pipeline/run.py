"""The top-level run: one agency's report as a flat list of stages, I/O at the edges.

``run_report(job)`` is the one runner: ``iku report`` (``build_report``) and every agency
of ``iku report --all`` (``batch``) call it, so a new stage (recording history, quarters)
is added once, to ``STAGES``. Each stage takes the job and the run so far and adds its
part:

1. ``guard``: the output path is a .docx, not read-only (unless ``--timpa``), not an
   input file and not inside the inputs folder; LibreOffice is there when ``--pdf`` is
   asked. Nothing has been read or written yet;
2. ``prior``: what the history holds for the year before (previous-year figures, last
   year's values for growth kinds), whether this year is locked (``history.report``), and
   what no longer holds together (stale periods, a report that is not its record:
   ``history.integrity``, said as PERINGATAN); nothing is written;
3. ``check``: read and validate every submission (``reader``, ``validate``);
4. ``figures``: compute realisasi and capaian (``compute``); with errors the figures are
   a draft (what is missing or invalid is marked), which the batch's rekap still uses;
5. ``render``: the Word report's bytes (stamped), only when the submissions are valid or
   a draft was asked for; nothing written;
6. ``signed``: a locked (signed) year whose content would change is refused, listing
   each difference in words (``history.content``: every figure, every unit's x1/x2 and
   texts, the master, the template, the appendix, the document itself), unless
   ``--buka-kunci``;
7. ``publish``: the report (and its PDF) put in place through ``publish`` and, for a
   valid report whose content is new, recorded in the history in the same step: the
   version is written in a transaction, the report placed inside it, and the
   transaction committed only then (``History.recording``), so a run publishes and
   records, or does neither (docs/RIWAYAT.md, "Publishing and recording"). A DRAFT of a
   locked year is written beside the signed report, never over it.

The period (``ReportJob.period``, issue 10) makes the same stages serve a quarter: a
quarter (``TW1`` … ``TW4``) reads the year's earlier quarters from the history in
``prior`` (refused when one was never recorded), validates its workbooks as that quarter's,
computes the quarter's own figures and the year so far (``quarter.figures``), writes the
quarterly report (``quarter.report``) and records itself as that period of the year. With
``from_quarters`` (``--dari-triwulan``) the year-end run takes its figures from the four
recorded quarters (``quarter.history.year_inputs``) instead of reading workbooks. Locks
cover the whole year: a quarter of a signed year is refused like the year. Every run
records the versions of the periods it was built from (``RunSnapshot.built_from``).

Every function here is callable from Python; ``cli`` only parses arguments and prints.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import paths
from .annual.report import render_bytes
from .compute import Results, compute, value_lines
from .domain.master import Master
from .domain.periods import ANNUAL, quarter_number
from .domain.periods import label as period_label
from .errors import (
    HistoryError,
    NotCommitted,
    OutputError,
    Problem,
    Severity,
    UsageError,
    ValidationFailed,
    YearLocked,
)
from .history import open_history
from .history.content import differences, series_differences
from .history.model import RunSnapshot
from .history.report import Prior, master_differences, read_prior, same_figures, snapshot
from .intake.validate import Validated, check_inputs
from .office.libreoffice import require_soffice
from .office.packaging import stamp_value
from .office.publish import Published, check_target, guard_outputs, prepared_report
from .quarter.figures import QuarterResults, compute_quarter
from .quarter.history import YearInputs, earlier_quarters, quarter_snapshot, year_inputs
from .quarter.report import render_quarter_bytes
from .reasons import Reason
from .word.render import read_template


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
    records: bool = True  # a report run, recorded; False: iku lkjip (its chapter is not)

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
    rendered: bytes | None = None  # the report's bytes (``render``)
    # the template's bytes, read once (``template_bytes``): rendered and recorded
    template: bytes | None = None
    draft_beside: Path | None = None  # a locked year's DRAFT went here, not over the report
    signed_kept: bool = False  # the locked year's content equals the signed version's

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
    year = job.master.agency.year
    rebuilt = (year, job.period) if job.records else None
    run.notices += [Problem(Severity.WARNING, Reason.HISTORY_STALE, text)
                    for y, period, text in run.prior.warnings if (y, period) != rebuilt]
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
    run.results = compute(job.master, checked.lines, checked.invalid, draft=draft,
                          history=history)
    if run.year_inputs is not None:
        run.results = replace(run.results, sources=run.year_inputs.sources)


def render(job: ReportJob, run: ReportOutcome) -> None:
    if not (run.checked.ok or job.draft):
        return
    template = template_bytes(job, run)
    if run.quarter is not None:
        run.rendered = render_quarter_bytes(job.master, run.quarter, Path(job.template),
                                            template)
    else:
        run.rendered = render_bytes(job.master, run.results, Path(job.template),
                                    run.prior.series, template)


def template_bytes(job: ReportJob, run: ReportOutcome) -> bytes:
    """The template's bytes, read once per run: the report is rendered from them and the
    history records them, even if the file is replaced in between."""
    if run.template is None:
        run.template = read_template(Path(job.template))
    return run.template


def signed(job: ReportJob, run: ReportOutcome) -> None:
    if job.history is None or not run.checked.ok:
        return
    run.snapshot = _snapshot(job, run)
    locked = run.prior.locked
    if locked is None:
        return
    agency = job.master.agency
    if job.quarter:  # the year's lock covers its quarters: compare with the quarter's own
        current = run.prior.current
        if current is None:
            changes = [f"{period_label(job.period)} belum pernah dicatat"]
        else:
            changes = differences(current.snapshot, run.snapshot)
            changes += _document_changes(job, current.snapshot, run.snapshot, bool(changes))
        if changes and not job.unlock:
            raise YearLocked(
                f"tahun {agency.year} {agency.name} sudah dikunci (ditandatangani), termasuk "
                f"triwulannya, dan isi {period_label(job.period)} ini berbeda dari yang "
                "tercatat:\n" + "\n".join(f"- {line}" for line in changes)
                + "\nLaporan TIDAK dibuat. Bila angka memang harus diubah: jalankan lagi "
                "dengan --buka-kunci (versi baru dicatat, versi lama tetap tersimpan).")
        run.signed_kept = not changes
        return
    changes = differences(locked.snapshot, run.snapshot)
    if job.records:
        changes += series_differences(run.prior.locked_series, run.prior.series)
    changes += _document_changes(job, locked.snapshot, run.snapshot, bool(changes))
    if changes and not job.unlock:
        raise YearLocked(
            f"tahun {agency.year} {agency.name} sudah dikunci (ditandatangani; versi "
            f"{locked.info.version}), dan isi laporan ini berbeda dari yang "
            "ditandatangani:\n" + "\n".join(f"- {line}" for line in changes)
            + "\nLaporan TIDAK dibuat. Untuk mencetak ulang laporan yang ditandatangani: "
            "iku report --dari-riwayat. Bila isinya memang harus diubah: jalankan lagi dengan "
            "--buka-kunci (versi baru dicatat, versi lama tetap tersimpan).")
    run.signed_kept = not changes


def _document_changes(job: ReportJob, signed: RunSnapshot, new: RunSnapshot,
                      changes_so_far: bool) -> list[str]:
    """What else makes the report differ from the signed one: its Word template, and the
    document itself (said when nothing else explains it: another iku version). Two
    reports with the same stamp are the same document, whatever the template's bytes."""
    if not job.records:
        return []  # iku lkjip writes its own document from the signed figures
    both = bool(signed.report_stamp and new.report_stamp)
    if both and signed.report_stamp == new.report_stamp:
        return []
    lines = []
    if signed.template_fingerprint and signed.template_fingerprint != new.template_fingerprint:
        lines.append("templat Word berbeda dari yang dipakai laporan yang ditandatangani")
    if both and not lines and not changes_so_far:
        lines.append("angka dan teksnya sama dengan yang ditandatangani, tetapi dokumen yang "
                     "dihasilkan berbeda (versi iku berbeda)")
    return lines


def publish(job: ReportJob, run: ReportOutcome) -> None:
    """Put the report in place and, when it is a new valid version, record it in the same
    step (docs/RIWAYAT.md, "Publishing and recording")."""
    if run.rendered is None:
        return
    target = Path(job.out)
    locked = run.prior.locked
    if not run.checked.ok and locked is not None:  # a DRAFT never replaces a signed report
        target = target.with_name(f"{target.stem}.DRAFT{target.suffix}")
        guard_outputs([("DRAFT", target), ("PDF", target.with_suffix(".pdf"))], job.inputs,
                      (job.template, *job.protected))
        run.draft_beside = target
    signed_stamp = locked.snapshot.report_stamp if locked is not None else ""
    with prepared_report(run.rendered, target, pdf=job.pdf, overwrite=job.overwrite,
                         signed_stamp=signed_stamp) as prepared:
        snap = run.snapshot
        if not _records(job, run):
            run.published = prepared.place()
            return
        with open_history(job.history) as h:
            h.check_writable()  # before anything is replaced
            recording = None
            try:
                with h.recording(snap, unlock=job.unlock) as recording:
                    run.published = prepared.place()
            except NotCommitted as exc:
                raise _put_back(prepared, run, str(exc)) from None
            except BaseException:  # Ctrl+C after the placement, before the COMMIT
                if run.published is not None and not (recording and recording.committed):
                    _put_back(prepared, run, "dihentikan")
                raise
        run.recorded = recording.version


def _records(job: ReportJob, run: ReportOutcome) -> bool:
    """A valid report whose content is not the current version's already is recorded;
    a locked year takes a new version only with --buka-kunci."""
    if job.history is None or not job.records or not run.checked.ok or run.snapshot is None:
        return False
    current = run.prior.current
    if current is not None and same_figures(current.snapshot, run.snapshot):
        return False  # nothing new: the year's current version already holds this report
    return run.prior.locked is None or job.unlock


def _put_back(prepared, run: ReportOutcome, why: str) -> HistoryError:
    """The history refused the version after the report was placed: put the previous
    report back, so that neither happened; the error to raise says which happened (the
    report written but not recorded, when it cannot be put back)."""
    published, run.published = run.published, None
    try:
        prepared.undo(published)
    except OutputError:
        return HistoryError(
            f"laporan SUDAH ditulis ke {prepared.target}, tetapi riwayat tidak dapat "
            f"mencatatnya ({why}) dan laporan lama tidak dapat dikembalikan. Perbaiki "
            "riwayat, lalu jalankan lagi perintah yang sama: laporan yang sama dicatat "
            "(docs/PANDUAN.md, bagian Riwayat)")
    return HistoryError(f"{why}\nLaporan TIDAK ditulis: laporan lama dikembalikan seperti "
                        "semula, dan riwayat tidak berubah.")


def _snapshot(job: ReportJob, run: ReportOutcome) -> RunSnapshot:
    units = {u.code for u in job.master.reporting_units}
    # the bytes the figures were read from (not the file as it may be by now)
    prints = {sub.unit: sub.digest
              for sub in run.checked.submissions if sub.unit in units}
    template = template_bytes(job, run)
    if run.quarter is not None:
        snap = quarter_snapshot(job.master, run.quarter, prints, template,
                                run.checked.values)
    elif run.year_inputs is not None:
        snap = replace(snapshot(job.master, run.results, run.year_inputs.prints, template),
                       source="triwulan")
    else:
        snap = snapshot(job.master, run.results, prints, template)
    stamp = (stamp_value(run.rendered) or "") if run.rendered is not None else ""
    return replace(snap, report_stamp=stamp,
                   report_path=os.path.abspath(job.out) if stamp else "",
                   built_from=_built_from(job, run))


def _built_from(job: ReportJob, run: ReportOutcome) -> tuple[tuple[int, str, int], ...]:
    """The recorded periods this run read: the earlier quarters (a quarter), the four
    quarters (--dari-triwulan), last year and the appendix's years (the yearly report)."""
    year, prior = job.master.agency.year, run.prior
    used: set[tuple[int, str, int]] = set()
    if job.quarter:
        used |= {(year, p, prior.quarters[p].info.version) for p in run.earlier}
    else:
        if run.year_inputs is not None:
            used |= {(year, p, v) for p, v in run.year_inputs.versions.items()}
        if prior.previous_version is not None:
            used.add((year - 1, ANNUAL, prior.previous_version))
        if prior.series is not None:
            used |= {(f.year, ANNUAL, f.version) for ind in prior.series.indicators
                     for f in ind.figures}
    return tuple(sorted(used))


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
    return Validated(list(value_lines(inputs.values)), problems, files=0)


STAGES: tuple[Stage, ...] = (guard, prior, check, figures, render, signed, publish)


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
