"""``iku lkjip``: the year → Chapter III of the LKjIP, published safely.

The year comes from whatever it was built from (``year``: the recorded year, the year-end
workbooks, or the four recorded quarters). The same stages as ``iku report``
(``pipeline.run``: ``guard`` → ``prior`` → ``check`` → ``figures`` → ``signed``; for the
recorded year ``check`` is ``year.recorded_check``), so the chapter's figures are the
Capaian IKU report's to the digit, previous-year figures and growth kinds' x2 from the
history included, and a signed (locked) year whose figures would change is refused as the
report is; then, instead of the report's ``write`` and ``record``: the earlier years from
the history (read only, never recorded: a chapter is not a report run), the chapter's
data, its rendering, and ``publish_report`` (atomic, verified, byte-identical reruns leave
the file untouched, an edited chapter is kept as a dated backup, ``--pdf`` replaces .docx
and .pdf together).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from .. import paths
from ..domain.master import Master
from ..errors import ValidationFailed, YearLocked
from ..history.model import StoredRun
from ..office.publish import Published, publish_report
from ..run import ReportJob, ReportOutcome, check, figures, guard, prior, signed
from .history import read_earlier
from .model import Chapter, build_chapter
from .render import render_bytes
from .year import YearSource, describe, recorded_check, recorded_sources, recorded_version


@dataclass
class LkjipOutcome:
    run: ReportOutcome
    chapter: Chapter | None = None
    published: Published | None = None
    source: YearSource = YearSource.WORKBOOKS
    recorded: StoredRun | None = None  # the recorded version used (YearSource.RECORDED)
    inputs: Path | None = None

    @property
    def year_line(self) -> str:
        """Where the year's figures came from, for the CLI (Indonesian)."""
        return describe(self.source, self.run.master, self.recorded, self.inputs)

    @property
    def checked(self):
        return self.run.checked

    @property
    def notices(self):
        """PERINGATAN about the master against the history (``run.prior``)."""
        return self.run.notices

    @property
    def notes(self) -> tuple[str, ...]:
        return self.chapter.notes if self.chapter else ()


def default_name(master: Master) -> str:
    return f"LKjIP_Bab_III_{master.agency.year}.docx"


def build_lkjip(
    master: Master,
    inputs: Path | None,
    out: Path,
    template: Path = paths.LKJIP_TEMPLATE,
    draft: bool = False,
    pdf: bool = False,
    overwrite: bool = False,
    protected: tuple[Path, ...] = (),
    history: Path | None = None,
    from_quarters: bool = False,
) -> LkjipOutcome:
    """Compute the year, write the chapter (and its PDF).

    The year: ``inputs`` (a folder of year-end workbooks), else ``from_quarters`` (the four
    quarters recorded in ``history``), else the year recorded in ``history``
    (``year.YearNotRecorded`` when there is none). Errors in the inputs raise
    ValidationFailed before anything is written, unless ``draft``, in which case the chapter
    marks what is missing or invalid. ``history`` is the history file (None: no earlier
    years); it is only read.
    """
    history = Path(history) if history is not None else None
    extra = (history,) if history is not None else ()
    source = (YearSource.WORKBOOKS if inputs is not None else
              YearSource.QUARTERS if from_quarters else YearSource.RECORDED)
    job = ReportJob(master, None if inputs is None else Path(inputs), Path(out),
                    Path(template), draft, pdf, overwrite, (*protected, *extra), history,
                    from_quarters=source == YearSource.QUARTERS, records=False)
    run = ReportOutcome(master)
    guard(job, run)
    prior(job, run)
    stored = None
    if source == YearSource.RECORDED:
        stored = recorded_version(master, run.prior, history)
        run.checked = recorded_check(master, stored)
    else:
        check(job, run)
    figures(job, run)
    if stored is not None:
        run.results = replace(run.results, sources=recorded_sources(master, stored))
    try:
        signed(job, run)
    except YearLocked as exc:
        raise YearLocked(f"{exc}\nBab III mengikuti laporan yang ditandatangani: bila angka "
                         "memang berubah, buat dulu laporannya dengan `iku report "
                         "--buka-kunci`, lalu jalankan `iku lkjip` lagi.") from None
    if not (run.checked.ok or draft):
        raise ValidationFailed(run.checked.problems, run.checked.files)
    chapter = build_chapter(master, run.results, read_earlier(master, history))
    data = render_bytes(chapter, Path(template))
    published = publish_report(data, Path(out), pdf=pdf, overwrite=overwrite)
    run.published = published
    return LkjipOutcome(run, chapter, published, source, stored, job.inputs)
