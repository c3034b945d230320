"""No row of a city's rekap is ever left out (issue 25).

An Excel sheet holds 1.048.576 rows and xlsxwriter ignores a cell written below that
without an error, so a rekap of more indicators than that lost its last rows silently.
The rekap now places every row before it writes it (``rekap.rekap_sheets``): on several
sheets (``Rekap``, ``Rekap 2`` …) when they do not fit on one, whole agencies on each, the
Ringkasan saying where each agency is; an agency too large for a sheet is refused with a
message. Tested three ways: the placement at the real limit (pure arithmetic, cheap), the
real writer with the limit patched small (every row read back with openpyxl), and
xlsxwriter itself at the real limit (the reason for all this, in constant memory).
"""

from __future__ import annotations

import openpyxl
import pytest
import xlsxwriter
import xlsxwriter.worksheet

from pipeline import rekap
from pipeline.batch import MASTER_NAME, report_all
from pipeline.domain.master import load_master
from pipeline.errors import OutputError
from pipeline.rekap import (
    REKAP_HEAD,
    SHEET_ROWS,
    AgencyRekap,
    RekapRow,
    RekapWriter,
    rekap_sheets,
    sheet_name,
    write_rekap,
)
from pipeline.workbook.synth import write_city

ROOM = SHEET_ROWS - (REKAP_HEAD + 1)  # rows a Rekap sheet has for agencies


def _agency(i: int, n: int) -> AgencyRekap:
    rows = tuple(RekapRow(1, "Sasaran", f"S1.{k}", f"Indikator {i}.{k}", "%", 100.0,
                          50.0 + k, 50.0 + k) for k in range(1, n + 1))
    return AgencyRekap(f"Instansi {i}", f"{i:02d}_instansi", 2021, rows, 51.0, n,
                       f"Laporan_{i}.docx")


def _rows(path) -> dict[str, list[tuple]]:
    """Every Rekap sheet's data rows (No, Instansi, Kode), sheet by sheet."""
    book = openpyxl.load_workbook(path, read_only=True)
    out = {}
    for ws in book.worksheets:
        if ws.title.startswith("Rekap"):
            out[ws.title] = [(r[0], r[1], r[4]) for r in ws.iter_rows(min_row=REKAP_HEAD + 2,
                                                                       values_only=True)]
    book.close()
    return out


# --- xlsxwriter at the real limit: why the rows are placed first -------------------------


def test_xlsxwriter_ignores_a_row_past_the_sheet_without_an_error(tmp_path):
    book = xlsxwriter.Workbook(tmp_path / "a.xlsx", {"constant_memory": True})
    sheet = book.add_worksheet()
    assert sheet.xls_rowmax == SHEET_ROWS
    assert sheet.write_number(SHEET_ROWS - 1, 0, 1) == 0  # the last row of a sheet
    assert sheet.write_number(SHEET_ROWS, 0, 2) == -1  # past it: ignored, nothing raised
    book.close()
    ws = openpyxl.load_workbook(tmp_path / "a.xlsx", read_only=True).worksheets[0]
    assert ws.max_row == SHEET_ROWS


# --- the placement, at the real limit ------------------------------------------------------


def test_a_sheet_filled_to_its_last_row_and_the_next_agency_on_a_new_one():
    assert rekap_sheets([ROOM - 1]) == [range(0, 1)]  # indicators + average: every row
    assert rekap_sheets([ROOM - 1, 0]) == [range(0, 1), range(1, 2)]
    assert rekap_sheets([ROOM - 3, 1]) == [range(0, 2)]  # exactly full
    assert rekap_sheets([ROOM - 3, 2]) == [range(0, 1), range(1, 2)]  # one row too many


def test_every_indonesian_agency_fits_on_four_sheets_none_left_out():
    """About 22,000 agencies of 152 indicators (the national case, 3,3 million rows)."""
    sizes = [152] * 22_000
    sheets = rekap_sheets(sizes)
    assert len(sheets) == 4
    assert [i for s in sheets for i in s] == list(range(len(sizes)))
    for s in sheets:
        assert REKAP_HEAD + 1 + sum(sizes[i] + 1 for i in s) <= SHEET_ROWS
    # each sheet but the last is as full as whole agencies allow
    for s in sheets[:-1]:
        assert REKAP_HEAD + 1 + sum(sizes[i] + 1 for i in s) + 153 > SHEET_ROWS


def test_an_agency_larger_than_a_sheet_is_refused_with_what_to_do():
    with pytest.raises(OutputError) as err:
        rekap_sheets([10, ROOM])
    message = str(err.value)
    assert message.startswith("rekap TIDAK ditulis: instansi ke-2 memiliki 1.048.572 "
                              "indikator, lebih dari 1.048.571 baris")
    assert "Laporan setiap instansi tetap ditulis" in message
    with pytest.raises(OutputError, match="instansi tidak muat di lembar Ringkasan"):
        rekap_sheets([1] * (SHEET_ROWS - 2))


# --- the real writer, with a small limit -------------------------------------------------


def _small_sheets(monkeypatch, rows: int) -> None:
    """Sheets of ``rows`` rows for the rekap and for xlsxwriter alike: xlsxwriter then
    ignores a cell below them as it does at the real limit."""
    init = xlsxwriter.worksheet.Worksheet.__init__

    def small(self, *args, **kwargs):
        init(self, *args, **kwargs)
        self.xls_rowmax = rows

    monkeypatch.setattr(xlsxwriter.worksheet.Worksheet, "__init__", small)
    monkeypatch.setattr(rekap, "SHEET_ROWS", rows)


def test_the_writer_splits_over_sheets_and_keeps_every_row(tmp_path, monkeypatch):
    _small_sheets(monkeypatch, 24)  # 20 rows for agencies on each sheet
    sizes = [3, 7, 9, 1, 12, 4, 19, 2]
    agencies = [_agency(i, n) for i, n in enumerate(sizes)]
    path = write_rekap(agencies, tmp_path)
    sheets = _rows(path)
    assert list(sheets) == ["Rekap", "Rekap 2", "Rekap 3", "Rekap 4", "Rekap 5"]
    book = openpyxl.load_workbook(path, read_only=True)
    for name in sheets:
        assert book[name].max_row <= 24
        assert book[name]["A1"].value.startswith("REKAPITULASI CAPAIAN")
        assert "terbagi atas 5 lembar" in book[name]["A2"].value
    assert "instansi ke-1 sampai ke-2" in book["Rekap"]["A2"].value
    # every indicator once, in order, numbered on across the sheets; an agency never cut
    data = [r for rows in sheets.values() for r in rows if r[2] is not None]
    assert [r[2] for r in data] == [f"S1.{k}" for n in sizes for k in range(1, n + 1)]
    assert [r[0] for r in data] == list(range(1, sum(sizes) + 1))
    on_sheet = {name: {r[1] for r in rows} for name, rows in sheets.items()}
    assert sum(len(v) for v in on_sheet.values()) == len(sizes)
    # the Ringkasan says where each agency is
    summary = [r for r in book["Ringkasan"].iter_rows(min_row=4, values_only=True)]
    assert book["Ringkasan"]["J3"].value == "Lembar rekap"
    assert [(r[1], r[9]) for r in summary] == [
        (a.name, next(n for n, names in on_sheet.items() if a.name in names))
        for a in agencies]
    book.close()


def test_one_sheet_has_no_sheet_column_and_no_split_note(tmp_path):
    path = write_rekap([_agency(0, 3), _agency(1, 2)], tmp_path)
    book = openpyxl.load_workbook(path, read_only=True)
    assert book.sheetnames == ["Rekap", "Ringkasan", "Grafik"]
    assert "terbagi" not in book["Rekap"]["A2"].value
    assert book["Ringkasan"]["J3"].value is None


def test_a_refused_rekap_writes_nothing_and_keeps_the_old_one(tmp_path, monkeypatch):
    old = write_rekap([_agency(0, 3)], tmp_path)
    before = old.read_bytes()
    _small_sheets(monkeypatch, 10)
    with RekapWriter() as writer:
        writer.add(_agency(0, 3))
        writer.add(_agency(1, 6))  # 7 rows: more than the 6 a sheet has
        with pytest.raises(OutputError, match=r"instansi ke-2 \(Instansi 1, folder "
                                              r"01_instansi\) memiliki 6 indikator"):
            writer.write(tmp_path)
    assert old.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [old.name]


def test_a_city_whose_rows_exceed_a_sheet_gets_every_row(tmp_path, monkeypatch):
    """``iku report --all`` end to end (in this process), the limit patched small."""
    city = write_city(tmp_path / "kota", agencies=3, units=2, indicators=3, seed=4, jobs=1)
    _small_sheets(monkeypatch, 16)
    outcome = report_all(city.root, tmp_path / "hasil", jobs=1, progress=False)
    sheets = _rows(outcome.rekap)
    assert len(sheets) >= 2 and list(sheets)[:2] == [sheet_name(0), sheet_name(1)]
    codes = [r[2] for rows in sheets.values() for r in rows if r[2] is not None]
    indicators = [ind.code for f in city.agencies
                  for ind in load_master(f / MASTER_NAME).indicators]
    assert len(codes) == len(indicators) > 16


# --- the rekap written while the agencies come ---------------------------------------------


def _shuffled(agencies, seed=5):
    import random

    order = list(enumerate(agencies))
    random.Random(seed).shuffle(order)
    return order


@pytest.mark.parametrize("case", ["as_predicted", "a_skip", "another_year", "two_sheets"])
def test_written_while_agencies_come_is_the_same_workbook(tmp_path, monkeypatch, case):
    """The batch's writer (``ahead``) writes each agency's rows as soon as those before it
    are in; the workbook is the one written at the end from a list, and when the heading
    cannot be known from the first agency (a position without rekap, another year, rows
    for two sheets) it is built at the end instead, still the same."""
    agencies = [_agency(i, n) for i, n in enumerate([3, 5, 2, 4, 6, 1])]
    positions = len(agencies)
    if case == "a_skip":
        positions += 1  # position 6: an agency that stopped before its figures
    if case == "another_year":
        agencies[3] = AgencyRekap(**{**agencies[3].__dict__, "year": 2022})
    if case == "two_sheets":
        _small_sheets(monkeypatch, 20)
    expected = write_rekap(agencies, tmp_path / "daftar").read_bytes()
    out = tmp_path / "hasil"
    with RekapWriter(ahead=(out, positions)) as writer:
        for i, (position, agency) in enumerate(_shuffled(agencies)):
            writer.add(agency, position)
            if i == 2 and case == "a_skip":
                writer.skip(6)
        ahead = writer._ahead
        written_ahead = ahead is not None and not ahead.broken
        path = writer.write(out)
    assert path.read_bytes() == expected
    assert written_ahead == (case == "as_predicted")
    assert sorted(p.name for p in out.iterdir()) == [path.name]  # no temporary file left


def test_the_rows_are_written_before_the_end(tmp_path):
    """Agencies in order: each one's rows go to the workbook when it is added."""
    out = tmp_path / "hasil"
    with RekapWriter(ahead=(out, 3)) as writer:
        writer.add(_agency(1, 4), 1)
        assert writer._ahead.book is None  # the first is not in yet
        writer.add(_agency(0, 2), 0)
        assert writer._ahead.next == 2 and writer._ahead.book is not None
        temporary = [p for p in out.iterdir() if p.suffix == ".tmp"]
        assert len(temporary) == 1
        writer.add(_agency(2, 3), 2)
        path = writer.write(out)
    assert path.read_bytes() == write_rekap([_agency(i, n) for i, n in
                                             enumerate([2, 4, 3])], tmp_path).read_bytes()
    assert not temporary[0].exists()


def test_a_batch_given_up_leaves_no_temporary_file(tmp_path):
    out = tmp_path / "hasil"
    with RekapWriter(ahead=(out, 3)) as writer:
        writer.add(_agency(0, 2), 0)
        assert any(p.suffix == ".tmp" for p in out.iterdir())
    assert list(out.iterdir()) == []  # closed without write: nothing stays
