"""``iku lkjip``: the year's submissions → Chapter III of the LKjIP, published safely.

The same stages as ``iku report`` (``pipeline.run``: ``guard`` → ``prior`` → ``check`` →
``figures`` → ``signed``), so the chapter's figures are the Capaian IKU report's to the
digit, previous-year figures and growth kinds' x2 from the history included, and a signed
(locked) year whose figures would change is refused as the report is; then, instead of the
report's ``write`` and ``record``: the earlier years from the history (read only, never
recorded: a chapter is not a report run), the chapter's data, its rendering, and
``publish_report``
(atomic, verified, byte-identical reruns leave the file untouched, an edited chapter is
kept as a dated backup, ``--pdf`` replaces .docx and .pdf together).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import paths
from ..domain.master import Master
from ..errors import ValidationFailed, YearLocked
from ..office.publish import Published, publish_report
from ..run import ReportJob, ReportOutcome, check, figures, guard, prior, signed
from .history import read_earlier
from .model import Chapter, build_chapter
from .render import render_bytes


@dataclass
class LkjipOutcome:
    run: ReportOutcome
    chapter: Chapter | None = None
    published: Published | None = None

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
    inputs: Path,
    out: Path,
    template: Path = paths.LKJIP_TEMPLATE,
    draft: bool = False,
    pdf: bool = False,
    overwrite: bool = False,
    protected: tuple[Path, ...] = (),
    history: Path | None = None,
) -> LkjipOutcome:
    """Validate the submissions, compute the year, write the chapter (and its PDF).

    Errors in the submissions raise ValidationFailed before anything is written, unless
    ``draft``, in which case the chapter marks what is missing or invalid. ``history`` is
    the history file (None: no earlier years); it is only read.
    """
    history = Path(history) if history is not None else None
    extra = (history,) if history is not None else ()
    job = ReportJob(master, Path(inputs), Path(out), Path(template), draft, pdf, overwrite,
                    (*protected, *extra), history)
    run = ReportOutcome(master)
    for stage in (guard, prior, check, figures):
        stage(job, run)
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
    return LkjipOutcome(run, chapter, published)
