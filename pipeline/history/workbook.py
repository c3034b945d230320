"""Workbooks the history writes: the export of ``iku riwayat --xlsx`` and the example of
the import layout (``iku riwayat contoh``).

* ``series_workbook(series) -> bytes``: sheet ``Riwayat``, one row per indicator and per
  year three columns (Target, Realisasi, % Capaian), figures stored as numbers with the
  Indonesian display format of the rekap (``[$-421]``); sheet ``Data``, the same figures
  in the import layout (``importer.COLUMNS``), so the file can be imported elsewhere.
* ``example_workbook() -> bytes``: the import layout with example rows of every kind.

Both are built in memory with xlsxwriter (``strings_to_formulas`` off; text that a
spreadsheet would take for a formula gets the quote prefix) and written by the caller
with ``atomic.write_atomically``. The document properties carry a fixed date, so the same
history gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from pathlib import Path

import xlsxwriter

from ..domain import spec
from ..office.atomic import write_atomically
from .importer import COLUMNS
from .model import (
    ANNUAL,
    IndicatorRecord,
    RunSnapshot,
    Series,
    agency_key,
    sasaran_key,
    sasaran_number,
)

ID = "[$-421]"
NUMBER_FORMAT = f"{ID}#,##0.##"
OPTIONS = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
FIXED_DATE = dt.datetime(2000, 1, 1)


class _Formats:
    def __init__(self, book):
        cell = {"border": 1, "valign": "top", "font_size": 10}
        self.title = book.add_format({"bold": True, "font_size": 13})
        self.header = book.add_format({**cell, "bold": True, "text_wrap": True,
                                       "align": "center", "valign": "vcenter",
                                       "bg_color": "#DDEBF7"})
        self.text = book.add_format({**cell, "text_wrap": True})
        self.quoted = book.add_format({**cell, "text_wrap": True, "quote_prefix": True})
        self.number = book.add_format({**cell, "num_format": NUMBER_FORMAT})
        self.blank = book.add_format(cell)


def _text(sheet, row: int, col: int, text: str, f: _Formats) -> None:
    fmt = f.quoted if text.startswith(spec.FORMULA_TRIGGERS) else f.text
    sheet.write_string(row, col, text, fmt)


def _value(sheet, row: int, col: int, value, f: _Formats) -> None:
    """A number as a number, text as text, None as a bordered blank."""
    if value is None:
        sheet.write_blank(row, col, None, f.blank)
    elif isinstance(value, str):
        _text(sheet, row, col, value, f)
    else:
        sheet.write_number(row, col, value, f.number)


def _book(buffer: io.BytesIO, title: str):
    book = xlsxwriter.Workbook(buffer, OPTIONS)
    book.set_properties({"title": title, "author": "iku", "created": FIXED_DATE})
    return book, _Formats(book)


def series_workbook(series: Series) -> bytes:
    buffer = io.BytesIO()
    book, f = _book(buffer, f"Riwayat capaian IKU {series.agency_name}")
    _wide_sheet(book.add_worksheet("Riwayat"), f, series)
    # an agency filed under a code (not under its name) exports the code, so that an
    # import elsewhere files it the same way
    code = None if series.agency_key == agency_key(series.agency_name) else series.agency_key
    rows = [(series.agency_name, code, fig.year, fig.period, fig.record)
            for ind in series.indicators for fig in ind.figures]
    rows.sort(key=lambda r: r[2])  # by year, each year in the series' row order
    _data_sheet(book.add_worksheet("Data"), f, rows)
    book.close()
    return buffer.getvalue()


def _wide_sheet(sheet, f: _Formats, series: Series) -> None:
    years = ", ".join(map(str, series.years))
    sheet.write_string(0, 0, f"RIWAYAT CAPAIAN IKU {series.agency_name.upper()}", f.title)
    sheet.write_string(1, 0, f"Tahun {years}; angka tanpa pembulatan (tampilan dibulatkan "
                       "2 desimal). Lembar Data memuat angka yang sama dalam susunan impor.")
    top, head = 3, 4
    for col, (label, width) in enumerate((("Kode", 10), ("Indikator", 50), ("Satuan", 10))):
        sheet.merge_range(top, col, head, col, label, f.header)
        sheet.set_column(col, col, width)
    for i, year in enumerate(series.years):
        first = 3 + 3 * i
        sheet.merge_range(top, first, top, first + 2, str(year), f.header)
        for j, label in enumerate(("Target", "Realisasi", "% Capaian")):
            sheet.write_string(head, first + j, label, f.header)
        sheet.set_column(first, first + 2, 11)
    for r, ind in enumerate(series.indicators, head + 1):
        _text(sheet, r, 0, ind.key, f)
        _text(sheet, r, 1, ind.name, f)
        _text(sheet, r, 2, ind.unit_of_measure, f)
        for i, year in enumerate(series.years):
            fig = ind.at(year)
            rec = fig.record if fig else None
            target = rec.target if rec else None
            if isinstance(target, tuple):
                target = f"{target[0]:g}–{target[1]:g}"
            real = (rec.realisation_label or rec.realisation) if rec else None
            for j, value in enumerate((target, real, rec.achievement if rec else None)):
                _value(sheet, r, 3 + 3 * i + j, value, f)
    sheet.freeze_panes(head + 1, 2)
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(top, head)


def _data_sheet(sheet, f: _Formats,
                rows: Iterable[tuple[str, str | None, int, str, IndicatorRecord]]) -> None:
    for col, column in enumerate(COLUMNS):
        sheet.write_string(0, col, column.label, f.header)
        sheet.set_column(col, col, 40 if column.key in ("agency", "name") else 11)
    n = 0
    for n, (agency, code, year, period, rec) in enumerate(rows, 1):
        low, high = rec.target if isinstance(rec.target, tuple) else (rec.target, None)
        sasaran = sasaran_number(rec.key)  # a sasaran's yearly average: Kode left blank
        values = {
            "agency": agency, "agency_code": code, "year": year, "period": period,
            "code": rec.code if sasaran is None else None, "sasaran": sasaran,
            "kode_lama": ", ".join(rec.kode_lama) or None, "name": rec.name,
            "kind": rec.kind or None,
            "unit": rec.unit_of_measure or None, "target": low, "target_high": high,
            "realisation": rec.realisation_label or rec.realisation,
            "achievement": rec.achievement, "predikat": rec.predikat,
            "note": None if rec.status in ("ok", "") else rec.status,
        }
        for col, column in enumerate(COLUMNS):
            _value(sheet, n, col, values[column.key], f)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(n, 1), len(COLUMNS) - 1)


EXAMPLE_AGENCY = "Badan Kesatuan Bangsa dan Politik Kota Jambi"


def example_rows() -> list[tuple[str, str | None, int, str, IndicatorRecord]]:
    """Rows showing every kind of target and realisation the layout takes."""
    def rec(code, name, kind, unit, target, real=None, label=None, ach=None, predikat=None,
            status="ok", old=()):
        return IndicatorRecord(key=code, code=code, kind=kind, name=name,
                               unit_of_measure=unit, target=target, realisation=real,
                               realisation_label=label, achievement=ach, predikat=predikat,
                               status=status, kode_lama=old)

    rows = []
    for year, real in ((2019, 95.0), (2020, 100.0)):
        rows += [
            (EXAMPLE_AGENCY, None, year, ANNUAL, rec(
                "S1.1", "Persentase penyelesaian permasalahan keagamaan", "persentase", "%",
                100, real, ach=real, predikat="Sangat Baik")),
            (EXAMPLE_AGENCY, None, year, ANNUAL, rec(
                "S3.1", "Persentase organisasi kemasyarakatan yang aktif", "persentase", "%",
                (80.0, 90.0), 85.5, ach=100.0)),
            (EXAMPLE_AGENCY, None, year, ANNUAL, rec(
                "S5.1", "Opini BPK atas laporan keuangan", "predikat", "", "WTP",
                label="WTP", ach=100.0)),
            (EXAMPLE_AGENCY, None, year, ANNUAL, rec(
                "S6.1", "Tersusunnya Perda wawasan kebangsaan", "ya_tidak", "", "ya",
                label="tidak" if year == 2019 else "ya", ach=0.0 if year == 2019 else 100.0)),
        ]
    rows += [
        (EXAMPLE_AGENCY, None, 2019, ANNUAL, rec(
            "S2.1", "Jumlah konflik SARA", "jumlah", "kasus", "NA", None,
            status="data tidak tersedia")),
        (EXAMPLE_AGENCY, None, 2020, ANNUAL, rec(
            "S2.1a", "Jumlah konflik SARA yang terjadi", "jumlah", "kasus", 3, 2.0, ach=133.33,
            old=("S2.1",))),
        (EXAMPLE_AGENCY, None, 2020, "TW2", rec(
            "S1.1", "Persentase penyelesaian permasalahan keagamaan", "persentase", "%",
            100, 50.0, ach=50.0)),
        # a sasaran whose document gives only its average: Kode blank, Sasaran 4
        (EXAMPLE_AGENCY, None, 2019, ANNUAL, rec(
            sasaran_key(4), "Rata-rata capaian sasaran 4", "", "%", None, ach=96.5)),
    ]
    return rows


def example_workbook() -> bytes:
    buffer = io.BytesIO()
    book, f = _book(buffer, "Contoh impor riwayat IKU")
    _data_sheet(book.add_worksheet("Riwayat"), f, example_rows())
    book.close()
    return buffer.getvalue()


def example_snapshots() -> list[RunSnapshot]:
    """What importing ``example_workbook`` must give (for the tests and docs)."""

    groups: dict[tuple[int, str], list[IndicatorRecord]] = {}
    for _, _, year, period, rec in example_rows():
        groups.setdefault((year, period), []).append(rec)
    return [RunSnapshot(agency_key(EXAMPLE_AGENCY), EXAMPLE_AGENCY, year, tuple(recs),
                        period, "impor") for (year, period), recs in groups.items()]


def write(path: Path, data: bytes) -> Path:
    return write_atomically(Path(path), data)
