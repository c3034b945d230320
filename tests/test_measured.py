"""Indicators measured in some quarters only (``diukur_triwulan``), progress in a quarter,
a stock carried from the last quarter, and messages that never suggest a meaningless 0
(issue 19): the parts. The year walked through the CLI and the page: tests/test_year_walk.py.
"""

from __future__ import annotations

import io
import math
import random
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pipeline.compute import VALUE_COLUMNS, Status
from pipeline.domain import spec
from pipeline.domain.kinds import InputRule
from pipeline.domain.master import parse_master
from pipeline.errors import MasterError
from pipeline.intake.validate import check_inputs, what_to_type
from pipeline.quarter.figures import Progress, compute_quarter, progress
from pipeline.quarter.rollup import roll_up, rule_text
from pipeline.workbook.quarter import write_quarter_template
from pipeline.workbook.sample import fill_workbook
from pipeline.workbook.templates import input_message

from formula_eval import evaluate

HEAD = """versi_skema: 1
instansi:
  nama: "Dinas Uji"
  kota: "Kota Uji"
  tahun: 2024
  tempat_laporan: "Uji"
  tanggal_laporan: 2025-01-31
  penandatangan: {jabatan: KEPALA, nama: NAMA}
unit:
  - {kode: A, nama: "Bidang A"}
sasaran:
  - no: 1
    uraian: "Sasaran uji"
    indikator:
"""


def indicator(code: str, body: str) -> str:
    lines = [f"      - kode: {code}", f"        nama: \"Indikator {code}\"",
             *(f"        {line}" for line in body.strip().splitlines()),
             "        unit_pelapor: [A]"]
    return "\n".join(lines) + "\n"


# Every roll-up rule and kind the workbook's formulas handle, measured every quarter, at
# the year end only, each semester, or in TW I, III and IV; some with quarterly targets,
# some lower-is-better.
CASES = {
    "P1": 'x1: "a"\nx2: "b"\ntarget: 80',
    "P2": 'x1: "a"\nx2: "b"\ntarget: 80\ndiukur_triwulan: [2, 4]\ntarget_triwulan: [80, 80, '
          '80, 80]',
    "P3": 'x1: "a"\nx2: "b"\ntarget: 90\nakumulasi: terakhir\ndiukur_triwulan: [4]',
    "P4": 'x1: "a"\nx2: "b"\ntarget: 70\nakumulasi: {x1: jumlah, x2: terakhir}\n'
          'diukur_triwulan: [1, 3, 4]',
    "P5": 'x1: "a"\nx2: "b"\ntarget: 75\nakumulasi: rata_rata\ndiukur_triwulan: [2, 4]',
    "R1": 'jenis: rasio\npengali: 1000\nx1: "a"\nx2: "b"\ntarget: 5\npolaritas: negatif\n'
          'akumulasi: {x1: jumlah, x2: terakhir}\ndiukur_triwulan: [2, 4]',
    "C1": 'jenis: jumlah\ntarget: 40\ntarget_triwulan: [10, 20, 30, 40]',
    "C2": 'jenis: jumlah\ntarget: 8\npolaritas: negatif\ndiukur_triwulan: [2, 4]',
    "C3": 'jenis: jumlah\ntarget: 12\nakumulasi: rata_rata\ndiukur_triwulan: [1, 3, 4]',
    "V1": 'jenis: nilai\ntarget: 3,1\ndiukur_triwulan: [4]',
    "V2": 'jenis: nilai\ntarget: 3\nakumulasi: rata_rata\ndiukur_triwulan: [2, 4]',
    "V3": 'jenis: nilai\ntarget: 75\nakumulasi: jumlah\npolaritas: negatif',
}
MASTER = parse_master(HEAD + "".join(indicator(c, b) for c, b in CASES.items()))
BY_CODE = {i.code: i for i in MASTER.indicators}
MEASURED = {"P1": (1, 2, 3, 4), "P2": (2, 4), "P3": (4,), "P4": (1, 3, 4), "P5": (2, 4),
            "R1": (2, 4), "C1": (1, 2, 3, 4), "C2": (2, 4), "C3": (1, 3, 4), "V1": (4,),
            "V2": (2, 4), "V3": (1, 2, 3, 4)}


def draw(rng: random.Random, code: str) -> tuple:
    ind = BY_CODE[code]
    if ind.kind.value == "nilai":
        return (rng.randint(8, 16) / 4, None)
    if ind.kind.value == "jumlah":
        return (rng.randint(0, 15), None)
    x2 = rng.randint(1, 60)
    return (rng.randint(0, x2), x2)


# --- the master key ------------------------------------------------------------------


def test_the_master_says_when_an_indicator_is_measured():
    assert {i.code: i.measured_quarters for i in MASTER.indicators} == MEASURED
    assert BY_CODE["V1"].measured_text == "Diukur di TW IV"
    assert BY_CODE["P2"].measured_text == "Diukur di TW II dan TW IV"
    assert BY_CODE["P4"].measured_text == "Diukur di TW I, TW III dan TW IV"
    assert [BY_CODE["P2"].quarter_target(n) for n in (1, 2, 3, 4)] == [None, 80, None, 80]
    assert [BY_CODE["V1"].quarter_target(n) for n in (1, 2, 3, 4)] == [None, None, None, 3.1]


@pytest.mark.parametrize(("value", "message"), [
    ("[2]", "diukur_triwulan harus memuat 4: angka s.d. TW IV adalah angka tahun itu, jadi "
            "indikator selalu diukur di TW IV; mis. [4] (hanya akhir tahun) atau [2, 4] "
            "(per semester)"),
    ("[4, 5]", "diukur_triwulan berisi '5'; tulis nomor triwulan 1, 2, 3 atau 4, mis. [4] "
               "(hanya akhir tahun) atau [2, 4] (per semester)"),
    ("[2, 2, 4]", "diukur_triwulan tidak boleh berulang, mis. [4]"),
    ("[]", "diukur_triwulan ditulis sebagai daftar triwulan 1-4, mis. [4]"),
    ('"TW IV"', "diukur_triwulan ditulis sebagai daftar triwulan 1-4, mis. [4]"),
])
def test_a_wrong_diukur_triwulan_is_refused_naming_its_line(value, message):
    text = HEAD + indicator("X1", f"jenis: jumlah\ntarget: 4\ndiukur_triwulan: {value}")
    with pytest.raises(MasterError) as err:
        parse_master(text, source="m.yaml")
    assert str(err.value).startswith("m.yaml baris 19 › sasaran[0].indikator[0]."
                                     "diukur_triwulan: " + message), str(err.value)


# --- the roll-up ---------------------------------------------------------------------


def test_the_roll_up_takes_the_measured_quarters_only():
    figures = {"TW1": {("A", "C2"): (9.0, None), ("A", "P5"): (1.0, 2.0)},
               "TW2": {("A", "C2"): (3.0, None), ("A", "P5"): (3.0, 10.0),
                       ("A", "V2"): (2.5, None)},
               "TW3": {("A", "C2"): (7.0, None)},
               "TW4": {("A", "C2"): (2.0, None), ("A", "P5"): (5.0, 10.0),
                       ("A", "V2"): (3.5, None)}}
    # a figure recorded for a quarter it is not measured in (TW I, TW III) is not used
    rolled = roll_up(MASTER, figures, 4)
    got = {r["code"]: (r["x1"], None if pd.isna(r["x2"]) else r["x2"])
           for r in rolled.values.to_dict("records")}
    assert got["C2"] == (5.0, None)  # jumlah: TW II + TW IV
    assert got["P5"] == (4.0, 10.0)  # rata_rata of TW II and TW IV
    assert got["V2"] == (3.0, None)
    assert rolled.gaps == {}  # an unmeasured quarter is no gap
    # TW III: C2 is not measured then, so there is no year so far
    assert "C2" not in set(roll_up(MASTER, figures, 3).values["code"])
    # a measured quarter without a figure is a gap (P5 in TW II missing)
    del figures["TW2"][("A", "P5")]
    assert roll_up(MASTER, figures, 4).gaps == {("A", "P5"): ("TW2",)}


@pytest.mark.parametrize(("code", "n", "text"), [
    ("C2", 4, "jumlah TW II dan TW IV"), ("C2", 2, "TW II"), ("C2", 1, "Diukur di TW II dan TW IV"),
    ("P4", 4, "x\u2081 jumlah TW I, TW III dan TW IV, x\u2082 TW IV"), ("V1", 3, "Diukur di TW IV"),
    ("V1", 4, "TW IV"), ("C1", 3, "jumlah TW I–III"), ("P5", 4, "rata-rata TW II dan TW IV"),
])
def test_rule_text_names_the_measured_quarters(code, n, text):
    assert rule_text(BY_CODE[code], n) == text


# --- progress in a quarter -----------------------------------------------------------


def _result(code: str, x1, x2):
    from pipeline.compute import compute

    frame = pd.DataFrame([["A", code, x1, x2, "", ""]], columns=VALUE_COLUMNS)
    return compute(MASTER, frame).indicators[code]


@pytest.mark.parametrize(("code", "x1", "x2", "kind", "value"), [
    ("C1", 10, None, Progress.REACHED, 25.0),  # 10 of 40 activities
    ("C2", 2, None, Progress.CEILING, 25.0),  # 2 incidents of a yearly ceiling of 8
    ("C3", 6, None, Progress.LEVEL, 50.0),  # a mean: the year-end formula, 6 / 12
    ("P1", 30, 40, Progress.LEVEL, 75 / 80 * 100),  # a share of two flows: a level
    ("P4", 14, 40, Progress.REACHED, 35 / 70 * 100),  # a flow over a stock: y / T
    ("R1", 3, 1000, Progress.CEILING, 60.0),  # 3 per 1.000 of a ceiling of 5 per 1.000
    ("V3", 30, None, Progress.CEILING, 40.0),  # a lower-is-better sum of values
    ("V1", 2.9, None, Progress.LEVEL, 2.9 / 3.1 * 100),
])
def test_progress_says_what_it_is(code, x1, x2, kind, value):
    got_kind, got = progress(BY_CODE[code], _result(code, x1, x2))
    assert got_kind == kind
    assert math.isclose(got, value)


def test_progress_of_the_negative_polarity_count_is_never_a_capaian():
    """Two incidents against a yearly ceiling of eight after TW II: 25% of the ceiling
    used, not (2 − 2/8) × 100 = 175%; and it stays out of the progress average."""
    frame = pd.DataFrame([["A", c, *draw(random.Random(1), c), "", ""]
                          for c in ("P1", "C1", "C2")], columns=VALUE_COLUMNS)
    frame.loc[frame.code == "C2", "x1"] = 2
    q = compute_quarter(MASTER, 2, frame, {"TW1": {}})
    c2 = q.indicators["C2"]
    assert (c2.progress_kind, c2.progress) == (Progress.CEILING, 25.0)
    assert q.cumulative.indicators["C2"].achievement == 175.0  # what it was printed as
    assert c2.achievement is None  # no quarterly target: not judged before TW IV
    levels = [q.indicators[c].progress for c in q.indicators
              if q.indicators[c].progress is not None and c != "C2"]
    assert math.isclose(q.average_progress, sum(levels) / len(levels))


# --- the quarterly workbook, its formulas and the reader ---------------------------------


def _sheet(data: bytes):
    sheet = openpyxl.load_workbook(io.BytesIO(data))[spec.SHEET]
    header = {c.value: c.column for c in sheet[spec.HEADER_ROW + 1] if c.value}
    rows = {sheet.cell(r, header["Kode"]).value: r
            for r in range(spec.FIRST_DATA_ROW + 1, sheet.max_row + 1)}
    return sheet, header, rows


def _earlier(seed: int, n: int) -> dict:
    """Accepted figures of TW I … TW n−1 for the quarters each indicator is measured in
    (now and then one left out: a gap)."""
    rng = random.Random(seed)
    out = {}
    for q in range(1, n):
        out[f"TW{q}"] = {("A", c): draw(rng, c) for c in BY_CODE
                         if q in MEASURED[c] and rng.random() > 0.15}
    return out


def test_a_quarter_not_measured_is_marked_locked_and_not_asked():
    data = io.BytesIO()
    earlier = {"TW1": {("A", "P4"): (3.0, 42.0), ("A", "C3"): (4.0, None)},
               "TW2": {("A", "P2"): (5.0, 9.0), ("A", "C2"): (1.0, None)}}
    write_quarter_template(MASTER, "A", 3, data, earlier)
    sheet, col, rows = _sheet(data.getvalue())
    for code in ("P2", "P3", "P5", "R1", "C2", "V1", "V2"):  # not measured in TW III
        r = rows[code]
        text = BY_CODE[code].measured_text
        for label in ("x1", "x1 s.d. TW III", "Realisasi s.d. TW III"):
            assert sheet.cell(r, col[label]).value == text, (code, label)
            assert sheet.cell(r, col[label]).protection.locked
        assert "tidak diukur di TW III" in sheet.cell(r, col["x1"]).comment.text
        assert sheet.cell(r, col["Target TW III"]).value == "\u2014"
        assert not sheet.cell(r, col["Kendala"]).protection.locked  # texts stay open
    r = rows["P2"]  # earlier quarters: TW I not measured (text), TW II accepted
    assert [sheet.cell(r, col[f"x1 TW {q}"]).value for q in ("I", "II")] == ["tidak diukur", 5]
    validated = {c for dv in sheet.data_validations.dataValidation for rng in dv.sqref.ranges
                 for c in range(rng.min_row, rng.max_row + 1)}
    assert rows["P2"] not in validated and rows["P1"] in validated
    # P4 measured in TW III: its stock x2 (terakhir) is carried from TW I (TW II is not
    # measured), prefilled, open to change, and says so
    x2 = sheet.cell(rows["P4"], col["x2"])
    assert x2.value == 42 and not x2.protection.locked
    assert x2.comment.text.startswith("Diisi otomatis dari TW I (angka terakhir yang diterima")
    assert sheet.cell(rows["P1"], col["x2"]).value is None  # x2 jumlah: a flow, not carried


@pytest.mark.parametrize("seed", range(12))
def test_the_workbook_formulas_agree_with_the_report_for_every_rule(seed, tmp_path):
    """Each quarter: the live formulas of the workbook (evaluated by formula_eval from
    their text, the earlier quarters' cells as written, the unit's figures as typed) give
    the realisasi s.d. TW n and % capaian the report computes from the same workbook."""
    n = seed % 4 + 1
    rng = random.Random(1000 + seed)
    earlier = _earlier(seed, n)
    blank = tmp_path / "blank.xlsx"
    write_quarter_template(MASTER, "A", n, blank, earlier)
    sheet, col, rows = _sheet(blank.read_bytes())
    typed = {}
    for code in BY_CODE:
        if n in MEASURED[code]:
            x1, x2 = draw(rng, code)
            carried = sheet.cell(rows[code], col["x2"]).value
            if isinstance(carried, int | float) and rng.random() < 0.5:
                x2 = None  # the person leaves the carried stock as it is
            typed[code] = (x1, x2)
    inputs = tmp_path / "isian"
    inputs.mkdir()
    fill_workbook(blank, typed, inputs / "Isian.xlsx")
    checked = check_inputs(MASTER, inputs, period=f"TW{n}", earlier=earlier)
    assert checked.ok, [p.format() for p in checked.problems]
    q = compute_quarter(MASTER, n, checked.values, earlier, checked.invalid, False)
    sheet, col, rows = _sheet((inputs / "Isian.xlsx").read_bytes())
    tw = ("I", "II", "III", "IV")[n - 1]
    for code, r in rows.items():
        cells = {}
        for c in range(1, sheet.max_column + 1):
            v = sheet.cell(r, c).value
            if not (isinstance(v, str) and v.startswith("=")):
                cells[spec.cell_ref(r - 1, c - 1)] = v
        result = q.cumulative.indicators[code]
        if n not in MEASURED[code]:
            assert result.status == Status.NOT_MEASURED
            assert sheet.cell(r, col[f"Realisasi s.d. TW {tw}"]).value == \
                BY_CODE[code].measured_text
            continue
        order = [f"x1 s.d. TW {tw}", f"x2 s.d. TW {tw}"] if n > 1 else []
        for label in (*order, f"Realisasi s.d. TW {tw}", "% Capaian"):
            formula = sheet.cell(r, col[label]).value
            if isinstance(formula, str) and formula.startswith("="):
                cells[spec.cell_ref(r - 1, col[label] - 1)] = evaluate(formula, cells)
        y = cells[spec.cell_ref(r - 1, col[f"Realisasi s.d. TW {tw}"] - 1)]
        assert result.status == Status.OK, (code, result)
        assert math.isclose(y, result.realisation, rel_tol=1e-9), (code, n, y, result)
        capaian = cells[spec.cell_ref(r - 1, col["% Capaian"] - 1)]
        expected = q.indicators[code].achievement
        if expected is None:
            assert capaian in ("\u2014", "", "NA"), (code, capaian)
        else:
            assert math.isclose(capaian, expected, rel_tol=1e-9), (code, n, capaian, expected)


def test_every_rule_and_pattern_is_exercised():
    quarters = {seed % 4 + 1 for seed in range(12)}
    assert quarters == {1, 2, 3, 4}
    rules = {tuple(sorted(set(BY_CODE[c].rollup.values()))) for c in BY_CODE}
    assert len(rules) >= 4 and {len(m) for m in MEASURED.values()} == {1, 2, 3, 4}


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_recalculates_a_semester_indicator_as_the_report_does(tmp_path: Path):
    earlier = {"TW1": {("A", "P1"): (5.0, 8.0), ("A", "P4"): (3.0, 42.0),
                       ("A", "C1"): (4.0, None), ("A", "C3"): (6.0, None),
                       ("A", "V3"): (10.0, None)},
               "TW2": {("A", "P1"): (1.0, 4.0), ("A", "P2"): (5.0, 9.0),
                       ("A", "P5"): (2.0, 4.0), ("A", "R1"): (2.0, 900.0),
                       ("A", "C1"): (7.0, None), ("A", "C2"): (1.0, None),
                       ("A", "V2"): (2.5, None), ("A", "V3"): (20.0, None)},
               "TW3": {("A", "P1"): (2.0, 2.0), ("A", "P4"): (4.0, 44.0),
                       ("A", "C1"): (3.0, None), ("A", "C3"): (9.0, None),
                       ("A", "V3"): (5.0, None)}}
    blank = tmp_path / "blank.xlsx"
    write_quarter_template(MASTER, "A", 4, blank, earlier)
    typed = {"P1": (3, 6), "P2": (7, 11), "P3": (40, 42), "P4": (6, None), "P5": (3, 5),
             "R1": (1, 950), "C1": (9, None), "C2": (2, None), "C3": (12, None),
             "V1": (3.25, None), "V2": (3.5, None), "V3": (15, None)}
    inputs = tmp_path / "isian"
    inputs.mkdir()
    fill_workbook(blank, typed, inputs / "Isian.xlsx")
    checked = check_inputs(MASTER, inputs, period="TW4", earlier=earlier)
    q = compute_quarter(MASTER, 4, checked.values, earlier)
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                    "--headless", "--convert-to", "xlsx", "--outdir", str(tmp_path / "lo_out"),
                    str(inputs / "Isian.xlsx")], check=True, capture_output=True, timeout=300)
    sheet = openpyxl.load_workbook(tmp_path / "lo_out" / "Isian.xlsx", data_only=True)["Isian"]
    header = {c.value: c.column for c in sheet[spec.HEADER_ROW + 1] if c.value}
    rows = {sheet.cell(r, header["Kode"]).value: r
            for r in range(spec.FIRST_DATA_ROW + 1, sheet.max_row + 1)}
    for code, r in rows.items():
        y = sheet.cell(r, header["Realisasi s.d. TW IV"]).value
        assert y == pytest.approx(q.cumulative.indicators[code].realisation), code
        capaian = sheet.cell(r, header["% Capaian"]).value
        assert capaian == pytest.approx(q.indicators[code].achievement), code


def test_a_figure_typed_where_it_is_not_measured_is_not_used(tmp_path):
    blank = tmp_path / "blank.xlsx"
    write_quarter_template(MASTER, "A", 1, blank)
    book = openpyxl.load_workbook(blank)
    sheet = book[spec.SHEET]
    sheet.protection.sheet = False  # someone unprotected the sheet and typed over the mark
    header = {c.value: c.column for c in sheet[spec.HEADER_ROW + 1] if c.value}
    rows = {sheet.cell(r, header["Kode"]).value: r
            for r in range(spec.FIRST_DATA_ROW + 1, sheet.max_row + 1)}
    sheet.cell(rows["V1"], header["x1"]).value = 0
    for code in ("P1", "P4", "C1", "C3", "V3"):
        sheet.cell(rows[code], header["x1"]).value = 1
        if BY_CODE[code].asks_x2:
            sheet.cell(rows[code], header["x2"]).value = 2
    inputs = tmp_path / "isian"
    inputs.mkdir()
    book.save(inputs / "Isian.xlsx")
    checked = check_inputs(MASTER, inputs, period="TW1", earlier={})
    assert checked.ok
    (warning,) = [p for p in checked.problems if p.code == "quarter_not_measured"]
    assert warning.format() == (
        f"PERINGATAN: Isian.xlsx › Isian!{spec.col_letter(header['x1'] - 1)}{rows['V1']}: "
        "indikator V1 tidak diukur di TW I (master: diukur_triwulan, diukur di TW IV), jadi "
        "x1 di sel ini tidak dipakai; kosongkan sel ini, atau ubah diukur_triwulan di master "
        "bila indikator ini memang diukur triwulan ini")
    q = compute_quarter(MASTER, 1, checked.values, {})
    assert q.cumulative.indicators["V1"].status == Status.NOT_MEASURED
    assert q.averaged == 1 and "V1" in q.not_measured  # C1 alone has a TW I target


# --- never a meaningless 0 -------------------------------------------------------------


def test_no_message_suggests_a_zero_where_zero_means_nothing():
    """Every input rule of every kind: the reader's message for an empty cell and the
    workbook's input message suggest 0 only for a count (0 = none), never for a divisor
    or a measured value; and the workbook's messages and the reader's agree."""
    from pipeline.domain.kinds import REGISTRY

    seen = set()
    for rules in REGISTRY.values():
        for negative in (False, True):
            for whole in (False, True):
                for nonzero in (False, True):
                    rule = InputRule("x2" if nonzero else "x1", "", (), negative, whole, nonzero)
                    blank = what_to_type(rule)
                    message, error = input_message(rule)
                    zero = rule.zero_means_none
                    assert ("0 jika tidak ada" in blank) == zero, rule
                    assert ("dari 0 sampai" in error) == (not nonzero and not negative), rule
                    if not zero:
                        assert "0 atau lebih" not in message or rule.nonzero is False and \
                            rule.whole, rule
                    if nonzero:
                        assert "lebih dari 0" in blank and "lebih dari 0" in message \
                            and "lebih dari 0" in error, rule
                    if not rule.whole and not nonzero:
                        assert "jangan 0" in message and "jangan diisi 0" in blank, rule
                    seen.add((negative, whole, nonzero))
        assert rules.kind  # every kind's registry entry is reachable
    assert len(seen) == 8


@pytest.mark.parametrize(("code", "key", "message"), [
    ("P1", "x2", "x2 belum diisi; isi dengan angka lebih dari 0 (x2 adalah pembagi)"),
    ("P1", "x1", "x1 belum diisi; isi dengan angka (0 jika tidak ada)"),
    ("V3", "x1", "x1 belum diisi; isi dengan nilai hasil pengukuran; bila belum diukur, "
                 "jangan diisi 0 (biarkan kosong dan beri tahu sekretariat)"),
])
def test_an_empty_cell_is_told_what_to_type(code, key, message, tmp_path):
    blank = tmp_path / "blank.xlsx"
    write_quarter_template(MASTER, "A", 1, blank)
    values = {c: draw(random.Random(3), c) for c in BY_CODE if 1 in MEASURED[c]}
    x1, x2 = values[code]
    values[code] = (None, x2) if key == "x1" else (x1, None)
    inputs = tmp_path / "isian"
    inputs.mkdir()
    fill_workbook(blank, values, inputs / "Isian.xlsx")
    checked = check_inputs(MASTER, inputs, period="TW1", earlier={})
    (problem,) = [p for p in checked.problems if p.blocking]
    assert problem.message == message
