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

``complete`` (``iku lkjip --lengkap``, issue 22): the complete LKjIP around the chapter,
with the yearly report's context (``annual.context``: the very figures of the report) and
the Perjanjian Kinerja in force (``pk.history``: the one recorded last, else the master's);
rendered twice when LibreOffice is installed: a first pass converted to PDF gives each
heading's and caption's page (``toc.labels_from_pdf``), the second writes them into the
Daftar Isi, Daftar Tabel and Daftar Gambar. Without LibreOffice the page numbers are left
for Word to fill (it updates the fields on opening), and a note says so.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from .. import paths
from ..annual.context import build_context as iku_context
from ..domain.master import Master
from ..errors import OutputError, ValidationFailed, YearLocked
from ..history.model import PkRevision, StoredRun
from ..office.libreoffice import convert_to_pdf, find_soffice
from ..office.publish import Published, publish_report
from ..pk.history import base_of, revisions_in
from ..pk.model import revision_of
from ..run import ReportJob, ReportOutcome, check, figures, guard, prior, signed
from . import toc
from .history import read_earlier
from .model import Chapter, build_chapter
from .render import CompleteRender, render_bytes, render_complete
from .year import YearSource, describe, recorded_check, recorded_sources, recorded_version


@dataclass
class LkjipOutcome:
    run: ReportOutcome
    chapter: Chapter | None = None
    published: Published | None = None
    source: YearSource = YearSource.WORKBOOKS
    recorded: StoredRun | None = None  # the recorded version used (YearSource.RECORDED)
    inputs: Path | None = None
    extra_notes: tuple[str, ...] = ()  # the complete LKjIP's (what the master leaves out)

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
        return (self.chapter.notes if self.chapter else ()) + self.extra_notes


def default_name(master: Master, complete: bool = False) -> str:
    if complete:
        return f"LKjIP_{master.agency.year}.docx"
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
    complete: bool = False,
) -> LkjipOutcome:
    """Compute the year, write the chapter (and its PDF); ``complete``: the complete LKjIP
    (``template`` then its template, ``paths.LKJIP_COMPLETE_TEMPLATE``).

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
        stored = recorded_version(master, run.prior, history, complete)
        run.checked = recorded_check(master, stored)
    else:
        check(job, run)
    figures(job, run)
    if stored is not None:
        run.results = replace(run.results, sources=recorded_sources(master, stored))
    try:
        signed(job, run)
    except YearLocked as exc:
        what, command = (("LKjIP", "iku lkjip --lengkap") if complete
                         else ("Bab III", "iku lkjip"))
        raise YearLocked(f"{exc}\n{what} mengikuti laporan yang ditandatangani: bila angka "
                         "memang berubah, buat dulu laporannya dengan `iku report "
                         f"--buka-kunci`, lalu jalankan `{command}` lagi.") from None
    if not (run.checked.ok or draft):
        raise ValidationFailed(run.checked.problems, run.checked.files)
    chapter = build_chapter(master, run.results, read_earlier(master, history))
    notes: tuple[str, ...] = ()
    if complete:
        data, notes = complete_bytes(chapter, history, Path(template))
    else:
        data = render_bytes(chapter, Path(template))
    published = publish_report(data, Path(out), pdf=pdf, overwrite=overwrite)
    run.published = published
    return LkjipOutcome(run, chapter, published, source, stored, job.inputs, notes)


def pk_in_force(master: Master, history: Path | None) -> tuple[PkRevision, PkRevision | None]:
    """The Perjanjian Kinerja the complete LKjIP prints (the last recorded revision, else
    the one the master describes) and the revision it changes (a PK Perubahan's marks)."""
    recorded = revisions_in(history, master)
    if not recorded:
        return revision_of(master), None
    return recorded[-1], base_of(recorded, recorded[-1])


def complete_bytes(chapter: Chapter, history: Path | None, template: Path
                   ) -> tuple[bytes, tuple[str, ...]]:
    """The complete LKjIP's bytes, its Daftar Isi paged by LibreOffice when it is here;
    and the notes for the CLI."""
    master = chapter.master
    iku = iku_context(master, chapter.results)
    pk, base = pk_in_force(master, history)
    first = render_complete(chapter, iku, pk, base, template, mark=True)
    labels, why = page_labels(first)
    final = render_complete(chapter, iku, pk, base, template, labels)
    notes = list(final.notes)
    if why:
        notes.append(f"nomor halaman Daftar Isi, Daftar Tabel dan Daftar Gambar belum ditulis "
                     f"({why}); Word mengisinya saat dokumen dibuka dan kolomnya diperbarui")
    return final.data, tuple(notes)


def page_labels(first: CompleteRender) -> tuple[dict[str, str], str]:
    """(bookmark → page label, "") from LibreOffice's layout of the first pass; ({}, why)
    when LibreOffice is not installed or the conversion fails."""
    if find_soffice() is None:
        return {}, "LibreOffice tidak ditemukan"
    with tempfile.TemporaryDirectory(prefix="iku_daftar_isi_") as tmp:
        docx = Path(tmp) / "lkjip.docx"
        docx.write_bytes(first.data)
        try:
            pdf = convert_to_pdf(docx)
        except OutputError as exc:
            return {}, f"LibreOffice gagal mengubahnya ke PDF: {exc}"
        return toc.labels_from_pdf(pdf.read_bytes(), first.entries, first.sections), ""
