"""The city-level rekap: every agency's indicators and averages in one workbook.

``write_rekap(agencies, out_dir)`` writes ``Rekap_Capaian_IKU_<tahun>.xlsx`` with xlsxwriter:

* sheet ``Rekap``: one row per indicator of every agency (instansi, sasaran, kode,
  indikator, satuan, target, realisasi, % capaian, keterangan; a year's rekap also last
  year's capaian and the change in points, a quarter's progress towards the year's target
  (``quarter.figures.progress``) and the quarter) and after each agency a row with its
  average capaian;
* sheet ``Ringkasan``: one row per agency (indicators, averaged, average, last year's
  average and the change, report);
* sheet ``Grafik``: a native Excel bar chart of each agency's average capaian, beside last
  year's where known (xlsxwriter; LibreOffice draws it too).

Figures are stored as numbers, unrounded, exactly as ``compute`` returned them; only the
cell format rounds what is shown. The formats carry the Indonesian locale tag ``[$-421]``:
LibreOffice then shows ``1.234,56`` whatever the computer's language, and an Indonesian
Excel does so by itself. Text is always written with ``write_string`` (the workbook is
also opened with ``strings_to_formulas=False``), and text that a spreadsheet would read as
a formula when retyped gets Excel's quote prefix, as in the templates.

The rows are plain data (``AgencyRekap``), built by ``agency_rekap`` where the results are
computed: a batch's worker processes send them back without pandas objects.

A city of any size is written with one agency's rows in memory at a time: ``RekapWriter``
takes the agencies as they are done, in any order, keeps only a line of summary each and
spills their rows to a temporary file; ``write`` then streams them, in the agencies'
order, into xlsxwriter's ``constant_memory`` mode (rows written straight to its
temporary files, strings inline instead of a shared-strings table) and xlsxwriter writes
the package straight into a temporary file beside the rekap, which is verified from the
file part by part as a stream and renamed into place (``office.atomic.atomic_file``): the
parent of ``iku report --all`` needs the same memory for 4 agencies or 4,000.
``write_rekap`` is the same for a list.

**No row is ever left out.** An Excel sheet holds ``SHEET_ROWS`` rows (1.048.576) and
xlsxwriter silently ignores a cell written below that, so the rows are placed before they
are written (``rekap_sheets``): when the agencies' rows do not fit on one sheet, they go
on several, ``Rekap``, ``Rekap 2``, ``Rekap 3`` … (``sheet_name``), each with the title,
a note saying which agencies it holds and the header, an agency never cut between two
sheets, the numbering (No) running on; the Ringkasan then says on which sheet each agency
is (column ``Lembar rekap``). An agency whose own rows would not fit on one sheet, or
more agencies than the Ringkasan holds, is refused (``OutputError``) with a message
saying what to do: never a rekap with rows missing. (A rekap of every Indonesian agency,
about 3,3 million rows, is four sheets.)
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import pickle
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import xlsxwriter

from .domain import spec
from .domain.kinds import MET, NOT_MET
from .domain.numfmt import fmt_count
from .domain.periods import ANNUAL, quarter_number, roman
from .errors import OutputError
from .office.atomic import atomic_file, place_file, temporary_beside

if TYPE_CHECKING:
    from .compute import Results
    from .domain.master import Master

WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False}
ID = "[$-421]"  # Indonesian (Indonesia): decimal comma, dot for thousands
NUMBER_FORMAT = f"{ID}#,##0.00"
COUNT_FORMAT = f"{ID}#,##0"
HEADER_FILL = "#DDEBF7"
AVERAGE_FILL = "#F2F2F2"

COLUMNS = (  # (header, width)
    ("No", 5), ("Instansi", 32), ("No Sasaran", 8), ("Sasaran", 40), ("Kode", 9),
    ("Indikator", 48), ("Satuan", 9), ("Target", 10), ("Target atas (rentang)", 11),
    ("Realisasi", 12), ("% Capaian", 11), ("Keterangan", 22),
)
# A year's rekap adds these (labels unlike the history import's "Capaian"/"% Capaian").
PREVIOUS_COLUMNS = (("Capaian tahun lalu", 11), ("Perubahan (poin)", 11))
# A quarter's rekap adds these (the label Periode is the history import's: TW1 …).
QUARTER_COLUMNS = (("% thd Target Tahun", 11), ("Periode", 9))
SUMMARY_COLUMNS = (
    ("No", 5), ("Instansi", 40), ("Folder", 30), ("Indikator", 10),
    ("Indikator dirata-rata", 12), ("Rata-rata % capaian", 14), ("Laporan", 45),
    ("Rata-rata tahun lalu", 14), ("Perubahan (poin)", 12),
)
SUMMARY_HEAD = 2  # the Ringkasan sheet's header row (0-based): agencies follow it
REKAP_HEAD = 3  # a Rekap sheet's header row (0-based): title, note, blank, header
#: The rows of one Excel sheet (Excel's own limit, and xlsxwriter's: a cell written below
#: it is ignored without an error). Every row of the rekap is placed within it.
SHEET_ROWS = 1_048_576
SHEET_COLUMN = ("Lembar rekap", 12)  # the Ringkasan's column when the rekap has several


@dataclass(frozen=True)
class RekapRow:
    sasaran_no: int
    sasaran: str
    code: str
    indicator: str
    unit_of_measure: str
    target: float | tuple[float, float] | str  # str: NA or a label (predikat, ya/tidak)
    realisation: float | str | None  # str: the label of a labelled kind
    achievement: float | None
    note: str = ""  # why a figure is missing, e.g. "belum diisi"
    progress: float | None = None  # a quarter: its progress (quarter.figures.progress)
    previous: float | None = None  # a year: last year's % capaian (master or history)
    # the decimals of realisasi and of target where the master fixes them
    # (``desimal_tetap``): shown with exactly these, trailing zeros kept; None: as counted
    fixed: int | None = None
    fixed_target: int | None = None


@dataclass(frozen=True)
class AgencyRekap:
    name: str
    folder: str
    year: int
    rows: tuple[RekapRow, ...]
    average: float | None
    averaged: int
    report: str = ""  # the report's file name, "" when none was written
    period: str = ANNUAL  # a quarter's rekap (TW1 …): target, realisasi s.d. and capaian
    average_previous: float | None = None  # a year: last year's average % capaian


def agency_rekap(
    master: Master, results: Results, folder: str = "", report: str = ""
) -> AgencyRekap:
    """One agency's rekap rows from its master and ``compute`` results."""
    rows = []
    for sas in master.sasaran:
        for ind in sas.indicators:
            res = results.indicators[ind.code]
            note = "" if res.achievement is not None else str(res.status.value)
            if res.target_na:
                note = "target NA"
            if res.capped:
                note = f"dibatasi {results.cap:g}%"
            if res.met is not None:  # a status: met or not, not a percentage
                note = "; ".join(filter(None, (MET if res.met else NOT_MET,
                                                "" if ind.counted else "tidak ikut rata-rata")))
            rows.append(RekapRow(
                sas.number, sas.description, ind.code, ind.name, ind.unit_of_measure,
                ind.target, res.label or res.realisation, res.achievement, note,
                previous=results.previous.get(ind.code, (None, None))[0],
                **_fixed(ind),
            ))
    return AgencyRekap(
        master.agency.name, folder, master.agency.year, tuple(rows),
        results.average_achievement, results.averaged, report,
        average_previous=results.average_previous,
    )


def quarter_rekap(master: Master, q, folder: str = "", report: str = "") -> AgencyRekap:
    """One agency's rekap rows of a quarter (``quarter.figures.QuarterResults``): the
    quarter's target, the realisasi of the year so far, % capaian against the quarter's
    target and % of the year's target reached."""
    rows = []
    for sas in master.sasaran:
        for ind in sas.indicators:
            res, qi = q.cumulative.indicators[ind.code], q.indicators[ind.code]
            note = "" if res.status.value == "ok" else str(res.status.value)
            if not qi.measured:
                note = ind.measured_phrase
            elif not note and qi.target is None:
                note = f"tanpa target TW {roman(q.quarter)}"
            elif not note and qi.achievement is None:
                note = "target NA"
            if qi.capped:
                note = f"dibatasi {q.cumulative.cap:g}%"
            if qi.progress_is_share:  # the progress column holds a share, not a capaian
                note = "; ".join(filter(None, (note, f"kemajuan: {qi.progress_kind.value}")))
            if qi.met is not None:
                note = "; ".join(filter(None, (note, MET if qi.met else NOT_MET)))
            rows.append(RekapRow(
                sas.number, sas.description, ind.code, ind.name, ind.unit_of_measure,
                qi.target if qi.target is not None else "-", res.label or res.realisation,
                qi.achievement, note, qi.progress, **_fixed(ind)))
    return AgencyRekap(master.agency.name, folder, master.agency.year, tuple(rows),
                       q.average_achievement, q.averaged, report, q.period)


def _fixed(ind) -> dict[str, int | None]:
    """The decimals a row shows exactly, where the master fixes them (``desimal_tetap``)."""
    return {"fixed": ind.decimals if ind.fixed_realisation else None,
            "fixed_target": ind.target_places if ind.fixed_target else None}


def rekap_filename(agencies: Sequence[AgencyRekap | _Summary]) -> str:
    """``Rekap_Capaian_IKU_<tahun>.xlsx``; several years are joined (``2021_2022``); a
    quarter's rekap ends in ``_TW<n>``."""
    years = sorted({a.year for a in agencies})
    quarters = sorted({a.period for a in agencies if a.period != ANNUAL})
    suffix = "".join(f"_{p}" for p in quarters)
    return f"Rekap_Capaian_IKU_{'_'.join(map(str, years)) or 'kosong'}{suffix}.xlsx"


def _period_words(agencies: Sequence[AgencyRekap | _Summary]) -> str:
    """``TRIWULAN II `` for a quarter's rekap (the title), else nothing."""
    quarters = sorted({a.period for a in agencies if a.period != ANNUAL})
    return "".join(f"TRIWULAN {roman(quarter_number(p))} " for p in quarters)


def sheet_name(index: int) -> str:
    """The ``index``-th (0-based) Rekap sheet: ``Rekap``, ``Rekap 2``, ``Rekap 3`` …"""
    return "Rekap" if index == 0 else f"Rekap {index + 1}"


def rekap_sheets(rows: Sequence[int], limit: int | None = None,
                 names: Sequence[str] = ()) -> list[range]:
    """Which agencies go on which Rekap sheet: ``rows`` are the agencies' indicator rows in
    order (each also takes its average row); a sheet holds ``REKAP_HEAD`` + 1 rows above
    them and at most ``limit`` rows in all (``SHEET_ROWS``); an agency that does not fit in
    what is left of a sheet starts the next one. Returns the agencies' index ranges, one
    per sheet. Raises ``OutputError`` for an agency that would not fit on a sheet alone,
    and for more agencies than the Ringkasan sheet holds: never a rekap with rows left
    out. ``names``: how the message names each agency (its name and folder)."""
    limit = SHEET_ROWS if limit is None else limit
    room = limit - (REKAP_HEAD + 1)
    if len(rows) > limit - (SUMMARY_HEAD + 1):
        raise OutputError(
            f"rekap TIDAK ditulis: {fmt_count(len(rows))} instansi tidak muat di lembar "
            f"Ringkasan (satu lembar Excel memuat paling banyak {fmt_count(limit)} baris); "
            "bagi folder kota menjadi beberapa folder dan jalankan `iku report --all` untuk "
            "masing-masing. Laporan setiap instansi tetap ditulis.")
    sheets: list[range] = []
    start, used = 0, 0
    for i, n in enumerate(rows):
        if n + 1 > room:
            raise OutputError(
                f"rekap TIDAK ditulis: instansi ke-{i + 1}"
                f"{f' ({names[i]})' if i < len(names) else ''} memiliki {fmt_count(n)} indikator, "
                f"lebih dari {fmt_count(room - 1)} baris yang muat di satu lembar Excel "
                f"({fmt_count(limit)} baris, termasuk judul dan baris rata-ratanya). Angka "
                "instansi itu ada di laporannya dan di riwayat (`iku riwayat --xlsx`). "
                "Laporan setiap instansi tetap ditulis.")
        if used + n + 1 > room:
            sheets.append(range(start, i))
            start, used = i, 0
        used += n + 1
    sheets.append(range(start, len(rows)))
    return sheets


def write_rekap(agencies: Sequence[AgencyRekap], out_dir: Path) -> Path:
    """Write the rekap workbook into ``out_dir`` (atomically) and return its path."""
    with RekapWriter() as writer:
        for agency in agencies:
            writer.add(agency)
        return writer.write(out_dir)


@dataclass(frozen=True)
class _Summary:
    """What the rekap needs of an agency besides its rows (the Ringkasan sheet's line)."""

    name: str
    folder: str
    year: int
    rows: int
    average: float | None
    averaged: int
    report: str
    period: str = ANNUAL
    average_previous: float | None = None


class RekapWriter:
    """The rekap of agencies added one at a time, in any order (``add``), written at the
    end (``write``) in the order of their ``position`` (or of adding). Only a summary per
    agency stays in memory; the rows wait in a temporary file (removed on ``close``).

    Given the folder and how many positions will come (``ahead``: positions 0 … n - 1,
    each ``add``-ed or ``skip``-ped: a batch's agencies), the workbook is written as they
    come (``_Ahead``): the Rekap sheet's rows of each agency as soon as the agencies before
    it are written, while the batch's workers render the next ones; ``write`` then adds
    the Ringkasan and the Grafik. This holds when the title and the note can be written
    before the first agency's rows: every position gets a rekap, of one year and one
    period (the first's), on one sheet; otherwise ``write`` builds the workbook from the
    spilled rows as without ``ahead``. Either way the same bytes."""

    def __init__(self, ahead: tuple[Path, int] | None = None) -> None:
        self._spill = tempfile.TemporaryFile(prefix="iku_rekap_")
        self._at: dict[float, tuple[int, int, _Summary]] = {}  # position -> where, size
        self._ahead = _Ahead(*ahead) if ahead is not None and ahead[1] > 0 else None

    def __enter__(self) -> RekapWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._ahead is not None:
            self._ahead.discard()
        self._spill.close()

    def skip(self, position: int) -> None:
        """Position ``position`` gets no rekap (the agency stopped early)."""
        if self._ahead is not None:
            self._ahead.discard()

    def __len__(self) -> int:
        return len(self._at)

    def add(self, agency: AgencyRekap, position: float | None = None) -> None:
        data = pickle.dumps(agency.rows, protocol=pickle.HIGHEST_PROTOCOL)
        self._spill.seek(0, io.SEEK_END)
        where = self._spill.tell()
        self._spill.write(data)
        key = len(self._at) if position is None else position
        self._at[key] = (where, len(data), _Summary(
            agency.name, agency.folder, agency.year, len(agency.rows), agency.average,
            agency.averaged, agency.report, agency.period, agency.average_previous))
        if self._ahead is not None:
            self._ahead.advance(self, agency, key)

    def _read(self, key: float) -> AgencyRekap:
        where, size, summary = self._at[key]
        self._spill.seek(where)
        rows = pickle.loads(self._spill.read(size))  # our own bytes, just written
        return AgencyRekap(summary.name, summary.folder, summary.year, rows, summary.average,
                           summary.averaged, summary.report, summary.period,
                           summary.average_previous)

    def _agencies(self) -> Iterator[AgencyRekap]:
        """The agencies in order, their rows read back one agency at a time."""
        for key in sorted(self._at):
            yield self._read(key)

    def write(self, out_dir: Path) -> Path:
        """Write the rekap workbook into ``out_dir`` (atomically: xlsxwriter writes a
        temporary file beside it, verified as a stream and renamed) and return its path.
        Raises ``OutputError`` when the rows cannot all be placed (``rekap_sheets``)."""
        summaries = [self._at[key][2] for key in sorted(self._at)]
        sheets = rekap_sheets([s.rows for s in summaries],  # before anything is written
                              names=[f"{s.name}, folder {s.folder}" for s in summaries])
        path = Path(out_dir) / rekap_filename(summaries)
        ahead, self._ahead = self._ahead, None
        if ahead is not None:
            if ahead.done(summaries, sheets) and Path(out_dir) == ahead.folder:
                return ahead.place(summaries, path)
            ahead.discard()
        with atomic_file(path) as tmp:
            _build(summaries, self._agencies(), str(tmp), sheets)
        return path


class _Ahead:
    """The rekap workbook written while the agencies come (see ``RekapWriter``): begun with
    the first agency, which the heading is taken from (its year and period, and the number
    of positions); each agency written once those before it are; given up (``discard``) as
    soon as an agency's year or period differs, a position is skipped or the rows would
    not fit on one sheet. ``done`` says whether the workbook is what ``write`` would build;
    ``place`` finishes it and puts it at its path."""

    def __init__(self, folder: Path, expected: int):
        self.folder, self.expected = Path(folder), expected
        self.next = 0  # the position to write next
        self.book: _Book | None = None
        self.tmp: Path | None = None
        self.heading: _Heading | None = None
        self.used = 0  # rows of the sheet the agencies take
        self.broken = False

    def advance(self, writer: RekapWriter, added: AgencyRekap, key: float) -> None:
        """``added`` (at position ``key``) was just added: write every agency now next."""
        while not self.broken and self.next in writer._at:
            agency = added if key == self.next else writer._read(self.next)
            if self.book is None:
                self._begin(agency)
            if agency.year != self.heading_year or agency.period != self.period or \
                    self.used + len(agency.rows) + 1 > SHEET_ROWS - (REKAP_HEAD + 1):
                self.discard()
                return
            self.used += len(agency.rows) + 1
            try:
                self.book.agency(agency)
            except Exception:  # given up; ``write`` builds it again, and says what fails
                self.discard()
                return
            self.next += 1

    def _begin(self, first: AgencyRekap) -> None:
        self.heading_year, self.period = first.year, first.period
        self.heading = _Heading(str(first.year), first.year,
                                _period_words([first]), self.expected)
        self.tmp = temporary_beside(self.folder / rekap_filename([first]))
        self.book = _Book(str(self.tmp), self.heading, 1)
        self.book.begin_sheet(0, None)

    def done(self, summaries: Sequence[_Summary], sheets: Sequence[range]) -> bool:
        return (not self.broken and self.book is not None and self.next == self.expected
                and len(summaries) == self.expected and len(sheets) == 1
                and _Heading.of(summaries) == self.heading)

    def place(self, summaries: Sequence[_Summary], path: Path) -> Path:
        try:
            self.book.end_sheet()
            self.book.finish(summaries, None)
            self.book = None
            return place_file(self.tmp, path)
        finally:
            self.discard()

    def discard(self) -> None:
        """Give up: the workbook begun is closed and removed (nothing else is written)."""
        self.broken = True
        book, self.book = self.book, None
        if book is not None:
            try:
                book.book.close()  # so that xlsxwriter removes its own temporary files
            except Exception:  # only cleaning up what is given up
                pass
        if self.tmp is not None:
            self.tmp.unlink(missing_ok=True)


def _build(summaries: Sequence[_Summary], agencies: Iterable[AgencyRekap], target: str,
           sheets: Sequence[range]) -> None:
    book = _Book(target, _Heading.of(summaries), len(sheets))
    agencies = iter(agencies)
    for i, span in enumerate(sheets):
        book.begin_sheet(i, _Part(i, len(sheets), span) if len(sheets) > 1 else None)
        for agency in itertools.islice(agencies, len(span)):
            book.agency(agency)
        book.end_sheet()
    where = [sheet_name(i) for i, span in enumerate(sheets) for _ in span] \
        if len(sheets) > 1 else None
    book.finish(summaries, where)


@dataclass(frozen=True)
class _Heading:
    """What the rekap says of all its agencies before their rows: the years, the quarter,
    how many agencies."""

    years: str
    first: int  # the first year: the workbook's date (fixed, not now: the same bytes)
    words: str
    count: int

    @classmethod
    def of(cls, summaries: Sequence[_Summary]) -> _Heading:
        return cls(", ".join(str(y) for y in sorted({a.year for a in summaries})),
                   min((a.year for a in summaries), default=2000), _period_words(summaries),
                   len(summaries))


class _Book:
    """The rekap workbook being written, in the one order of calls whether its agencies
    come all at the end (``RekapWriter.write``) or as they are done (``_Ahead``): the Rekap
    sheets, their rows, then the Ringkasan and the Grafik, then the file."""

    def __init__(self, target: str, heading: _Heading, sheets: int):
        self.book = xlsxwriter.Workbook(target, {**WORKBOOK_OPTIONS, "constant_memory": True})
        self.f = _Formats(self.book)
        self.years, self.words = heading.years, heading.words
        self.book.set_properties({"title": f"Rekap Capaian IKU {self.words.title()}{self.years}",
                                  "author": "iku", "created": dt.datetime(heading.first, 1, 1)})
        self.rekaps = [self.book.add_worksheet(sheet_name(i)) for i in range(sheets)]
        self.count = heading.count
        self.number = 0
        self._sheet = None

    def begin_sheet(self, index: int, part: _Part | None) -> None:
        self._sheet = _RekapSheet(self.rekaps[index], self.f, self.count, self.years,
                                  self.words, self.number, part)

    def agency(self, agency: AgencyRekap) -> None:
        self._sheet.agency(agency)

    def end_sheet(self) -> None:
        self.number = self._sheet.end()

    def finish(self, summaries: Sequence[_Summary], where: Sequence[str] | None) -> None:
        summary = self.book.add_worksheet("Ringkasan")
        chart_sheet = self.book.add_worksheet("Grafik")
        _summary_sheet(summary, self.f, summaries, self.years, self.words, where)
        _chart_sheet(self.book, chart_sheet, self.f, summaries, self.years, self.words)
        self.book.close()


@dataclass(frozen=True)
class _Part:
    """One of several Rekap sheets: its index, how many there are, its agencies."""

    index: int
    count: int
    agencies: range


class _Formats:
    def __init__(self, book: xlsxwriter.Workbook):
        cell = {"border": 1, "valign": "top", "font_size": 10}
        self._book, self._cell, self._fixed = book, cell, {}
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.header = book.add_format({**cell, "bold": True, "text_wrap": True,
                                       "align": "center", "valign": "vcenter",
                                       "bg_color": HEADER_FILL})
        self.text = book.add_format({**cell, "text_wrap": True})
        self.quoted = book.add_format({**cell, "text_wrap": True, "quote_prefix": True})
        self.centre = book.add_format({**cell, "align": "center"})
        self.number = book.add_format({**cell, "num_format": NUMBER_FORMAT})
        self.count = book.add_format({**cell, "num_format": COUNT_FORMAT, "align": "center"})
        self.blank = book.add_format(cell)
        self.whole = book.add_format({**cell, "num_format": COUNT_FORMAT})
        avg = {**cell, "bold": True, "bg_color": AVERAGE_FILL}
        self.avg_text = book.add_format(avg)
        self.avg_number = book.add_format({**avg, "num_format": NUMBER_FORMAT})

    def auto(self, value: float | None, fixed: int | None = None):
        """Whole numbers (targets, counts) without decimals, others with two; with
        ``fixed``, exactly that many decimals (trailing zeros kept)."""
        if fixed is not None:
            if fixed not in self._fixed:
                digits = "." + "0" * fixed if fixed else ""
                self._fixed[fixed] = self._book.add_format(
                    {**self._cell, "num_format": f"{ID}#,##0{digits}"})
            return self._fixed[fixed]
        return self.whole if value is not None and float(value).is_integer() else self.number


def _text(sheet, row: int, col: int, text: str, f: _Formats, fmt=None) -> None:
    fmt = fmt or f.text
    if text.startswith(spec.FORMULA_TRIGGERS) and fmt is f.text:
        fmt = f.quoted
    sheet.write_string(row, col, text, fmt)


def _number(sheet, row: int, col: int, value: float | None, fmt, blank) -> None:
    if value is None:
        sheet.write_blank(row, col, None, blank)
    else:
        sheet.write_number(row, col, value, fmt)


def _header(sheet, f: _Formats, row: int, columns) -> None:
    for col, (label, width) in enumerate(columns):
        sheet.write_string(row, col, label, f.header)
        sheet.set_column(col, col, width)
    sheet.set_row(row, 30)


class _RekapSheet:
    """One Rekap sheet: the title, the note and the header at once, then each agency's
    rows (numbered on from ``number``) as it comes, then the sheet's settings (``end``,
    which returns the last number). ``part``: this sheet is one of several."""

    def __init__(self, sheet, f: _Formats, count: int, years: str, words: str,
                 number: int = 0, part: _Part | None = None):
        self.sheet, self.f, self.words, self.number = sheet, f, words, number
        sheet.write_string(0, 0, f"REKAPITULASI CAPAIAN INDIKATOR KINERJA UTAMA {words}"
                           f"TAHUN {years}", f.title)
        note = (" Triwulan: Target dan % Capaian s.d. triwulan itu, Realisasi tahun berjalan "
                "(menurut akumulasi tiap indikator)." if words else
                " Perubahan: % capaian tahun ini dikurangi tahun lalu, dalam poin.")
        if part is not None:
            note += (f" Rekap ini terbagi atas {part.count} lembar (Rekap, Rekap 2, …) karena "
                     f"satu lembar Excel memuat paling banyak {fmt_count(SHEET_ROWS)} baris; "
                     f"lembar ini memuat instansi ke-{part.agencies.start + 1} sampai "
                     f"ke-{part.agencies.stop} (kolom Lembar rekap di lembar Ringkasan).")
        sheet.write_string(1, 0, f"{count} instansi; angka dihitung ulang dari isian x1 "
                           "dan x2 tiap unit, tanpa pembulatan (tampilan dibulatkan 2 "
                           "desimal)." + note)
        self.columns = COLUMNS + (QUARTER_COLUMNS if words else PREVIOUS_COLUMNS)
        _header(sheet, f, REKAP_HEAD, self.columns)
        self.row = REKAP_HEAD + 1

    def agency(self, agency: AgencyRekap) -> None:
        sheet, f, words, row, number = self.sheet, self.f, self.words, self.row, self.number
        for r in agency.rows:
            number += 1
            sheet.write_number(row, 0, number, f.centre)
            _text(sheet, row, 1, agency.name, f)
            sheet.write_number(row, 2, r.sasaran_no, f.centre)
            _text(sheet, row, 3, r.sasaran, f)
            _text(sheet, row, 4, r.code, f)
            _text(sheet, row, 5, r.indicator, f)
            _text(sheet, row, 6, r.unit_of_measure, f)
            if isinstance(r.target, str):
                _text(sheet, row, 7, r.target, f)
                sheet.write_blank(row, 8, None, f.blank)
            else:
                low, high = r.target if isinstance(r.target, tuple) else (r.target, None)
                _number(sheet, row, 7, low, f.auto(low, r.fixed_target), f.blank)
                _number(sheet, row, 8, high, f.auto(high, r.fixed_target), f.blank)
            if isinstance(r.realisation, str):
                _text(sheet, row, 9, r.realisation, f)
            else:
                _number(sheet, row, 9, r.realisation, f.auto(r.realisation, r.fixed), f.blank)
            _number(sheet, row, 10, r.achievement, f.number, f.blank)
            _text(sheet, row, 11, r.note, f)
            if agency.period != ANNUAL:  # the quarter's own columns, importable by label
                _number(sheet, row, 12, r.progress, f.number, f.blank)
                _text(sheet, row, 13, agency.period, f)
            elif not words:
                _number(sheet, row, 12, r.previous, f.number, f.blank)
                _number(sheet, row, 13, _change(r.achievement, r.previous), f.number, f.blank)
            row += 1
        for col in range(len(self.columns)):
            sheet.write_blank(row, col, None, f.avg_text)
        _text(sheet, row, 1, agency.name, f, f.avg_text)
        sheet.write_string(row, 5, f"Rata-rata capaian ({agency.averaged} dari "
                           f"{len(agency.rows)} indikator)", f.avg_text)
        _number(sheet, row, 10, agency.average, f.avg_number, f.avg_text)
        if not words:
            _number(sheet, row, 12, agency.average_previous, f.avg_number, f.avg_text)
            _number(sheet, row, 13, _change(agency.average, agency.average_previous),
                    f.avg_number, f.avg_text)
        self.row, self.number = row + 1, number

    def end(self) -> int:
        sheet, head = self.sheet, REKAP_HEAD
        sheet.freeze_panes(head + 1, 2)
        sheet.autofilter(head, 0, max(head, self.row - 1), len(self.columns) - 1)
        sheet.set_landscape()
        sheet.set_paper(9)
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(head)
        return self.number


def _change(now: float | None, before: float | None) -> float | None:
    """The change in points (this year's % capaian minus last year's), when both exist."""
    return None if now is None or before is None else now - before


def _summary_sheet(sheet, f: _Formats, agencies: Sequence[_Summary], years: str,
                   words: str = "", where: Sequence[str] | None = None) -> None:
    """The Ringkasan; ``where``: each agency's Rekap sheet, when there are several."""
    sheet.write_string(0, 0, f"RINGKASAN CAPAIAN IKU PER INSTANSI {words}TAHUN {years}",
                       f.title)
    head = SUMMARY_HEAD
    columns = SUMMARY_COLUMNS + ((SHEET_COLUMN,) if where is not None else ())
    _header(sheet, f, head, columns)
    for i, agency in enumerate(agencies, 1):
        row = head + i
        sheet.write_number(row, 0, i, f.centre)
        _text(sheet, row, 1, agency.name, f)
        _text(sheet, row, 2, agency.folder, f)
        sheet.write_number(row, 3, agency.rows, f.count)
        sheet.write_number(row, 4, agency.averaged, f.count)
        _number(sheet, row, 5, agency.average, f.number, f.blank)
        _text(sheet, row, 6, agency.report or "(tidak dibuat: ada galat)", f)
        _number(sheet, row, 7, agency.average_previous, f.number, f.blank)
        _number(sheet, row, 8, _change(agency.average, agency.average_previous), f.number,
                f.blank)
        if where is not None:
            _text(sheet, row, 9, where[i - 1], f)
    sheet.freeze_panes(head + 1, 0)
    sheet.autofilter(head, 0, head + max(1, len(agencies)), len(columns) - 1)



def _chart_sheet(book: xlsxwriter.Workbook, sheet, f: _Formats, agencies: Sequence[_Summary],
                 years: str, words: str) -> None:
    """A native bar chart of the agencies' average capaian (this year, and last year's
    where known), drawn from the Ringkasan sheet's cells."""
    sheet.write_string(0, 0, f"GRAFIK RATA-RATA % CAPAIAN IKU PER INSTANSI {words}TAHUN "
                       f"{years}", f.title)
    n = len(agencies)
    if not n:
        return
    first, last = SUMMARY_HEAD + 1, SUMMARY_HEAD + n
    chart = book.add_chart({"type": "bar"})
    chart.add_series({
        "name": "Tahun ini", "categories": ["Ringkasan", first, 1, last, 1],
        "values": ["Ringkasan", first, 5, last, 5], "fill": {"color": "#1F4E79"},
        "data_labels": {"value": True, "num_format": "0.0"},
    })
    if not words and any(a.average_previous is not None for a in agencies):
        chart.add_series({
            "name": "Tahun lalu", "categories": ["Ringkasan", first, 1, last, 1],
            "values": ["Ringkasan", first, 7, last, 7], "fill": {"color": "#BFBFBF"},
        })
    chart.set_title({"name": "Rata-rata % capaian per instansi", "name_font": {"size": 11}})
    chart.set_x_axis({"name": "% capaian", "num_format": "0", "major_gridlines":
                      {"visible": True, "line": {"color": "#D9D9D9"}}})
    chart.set_y_axis({"reverse": True, "num_font": {"size": 8}})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 900, "height": max(320, 60 + 26 * n)})
    sheet.insert_chart(2, 0, chart)
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
