"""Quarterly measurement, the parts: the akumulasi rules, the master's keys, the defaults
by kind, the quarterly workbook's contract, and the history's schema v3 (issue 10).

End to end through the CLI: tests/test_quarters_cli.py.
"""

from __future__ import annotations

import io
import math
import sqlite3

import openpyxl
import pandas as pd
import pytest

from pipeline import paths
from pipeline.domain import spec
from pipeline.domain.kinds import REGISTRY, Accumulation, Kind
from pipeline.domain.master import parse_master
from pipeline.domain.periods import label, quarter_number, quarter_period, short, span
from pipeline.errors import MasterError
from pipeline.history import open_history
from pipeline.history.model import IndicatorRecord, RunSnapshot, UnitFigure
from pipeline.quarter.rollup import roll, roll_up, rule_text
from pipeline.workbook.quarter import quarter_filename, write_quarter_template

SAMPLE = paths.SAMPLE_MASTER.read_text(encoding="utf-8")
# The sample with the quarters' keys where they make sense: S3.1 (organisations active of
# those registered) is a stock; S4.1 counts activities against a fixed yearly plan.
QUARTER_SAMPLE = SAMPLE.replace(
    '        x2: "Jumlah Ormas terdaftar"\n', '        x2: "Jumlah Ormas terdaftar"\n'
    '        akumulasi: terakhir\n', 1).replace(
    '        x2: "Target pembinaan politik"\n', '        x2: "Target pembinaan politik"\n'
    '        akumulasi: {x1: jumlah, x2: terakhir}\n'
    '        target_triwulan: [25, 50, 75, 100]\n', 1)
assert QUARTER_SAMPLE.count("\n        akumulasi: ") == 2


@pytest.fixture(scope="module")
def qmaster():
    return parse_master(QUARTER_SAMPLE)
S = Accumulation.SUM
L = Accumulation.LAST
M = Accumulation.MEAN


# --- the rules --------------------------------------------------------------------------


@pytest.mark.parametrize(("rule", "values", "expected"), [
    (S, [3, 4, 5], 12),
    (S, [3], 3),
    (S, [3, None, 5], None),  # a quarter without a figure: no sum
    (L, [3, 4, 5], 5),
    (L, [3, 4, None], None),
    (L, [None, 4, 5], 5),  # the last is enough
    (L, ["WTP", "WDP"], "WDP"),  # a label: the latest
    (M, [3, 4, 5, 6], 4.5),
    (M, [1.5, 2.5], 2.0),
    (M, [3, float("nan")], None),
    (S, [], None),
])
def test_roll(rule, values, expected):
    assert roll(rule, values) == expected


@pytest.mark.parametrize(("kind", "expected"), [
    (Kind.PERCENTAGE, S), (Kind.RATIO, S), (Kind.COUNT, S), (Kind.VALUE, L),
    (Kind.GROWTH, L), (Kind.DECREASE, L), (Kind.GRADE, L), (Kind.YES_NO, L),
])
def test_default_accumulation_by_kind(kind, expected):
    assert REGISTRY[kind].default_accumulation == expected


def _variant(old: str, new: str) -> str:
    assert old in QUARTER_SAMPLE, old
    return QUARTER_SAMPLE.replace(old, new, 1)


S11 = "        jenis: persentase\n        y: \"Penyelesaian masalah keagamaan\"\n"


def _s11(extra: str) -> str:
    return _variant(S11, S11 + extra)



@pytest.mark.parametrize(("extra", "gap"), [
    ("", True),  # both summed: TW I's figures belong to the year so far
    ("        akumulasi: {x2: terakhir}\n", True),  # x1 still summed: TW I is needed
    ("        akumulasi: {x1: terakhir}\n", True),
    ("        akumulasi: terakhir\n", False),  # a stock: the latest quarter is the year so far
])
def test_a_missing_earlier_quarter_is_noted_when_any_input_adds_up(extra, gap):
    """An indicator added to the master in TW II has no TW I figure: the year so far is
    rolled up from TW II on, and the report notes that TW I is left out, whenever one of
    its inputs adds quarters up (any rule other than ``terakhir``), not only when both do."""
    master = parse_master(_s11(extra))
    ind = master.indicators[0]
    unit = ind.reporting_units[0]
    quarters = {"TW2": {(unit, ind.code): (3, 4)}, "TW3": {(unit, ind.code): (5, 6)}}
    rolled = roll_up(master, quarters, 3)
    assert rolled.gaps == ({(unit, ind.code): ("TW1",)} if gap else {})


@pytest.mark.parametrize(("extra", "rollup", "targets"), [
    ("", {"x1": S, "x2": S}, None),
    ("        akumulasi: terakhir\n", {"x1": L, "x2": L}, None),
    ("        akumulasi: rata-rata\n", {"x1": M, "x2": M}, None),  # as people type it
    ("        akumulasi: {x2: terakhir}\n", {"x1": S, "x2": L}, None),
    ("        target_triwulan: [25, \"50,5\", 75, 100]\n", {"x1": S, "x2": S},
     (25.0, 50.5, 75.0, 100.0)),
    ("        target_triwulan: {2021: [NA, 50, [60, 70], 100], 2022: [1, 2, 3, 4]}\n",
     {"x1": S, "x2": S}, ("NA", 50.0, (60.0, 70.0), 100.0)),
])
def test_master_quarter_keys(extra, rollup, targets):
    ind = parse_master(_s11(extra)).indicators[0]
    assert ind.rollup == rollup
    assert ind.quarter_targets == targets
    assert ind.quarter_target(4) == 100
    assert ind.quarter_target(2) == (None if targets is None else targets[1])


MASTER_ERRORS = [
    ("        akumulasi: kumulatif\n",
     "akumulasi 'kumulatif' tidak dikenal; pilihan: jumlah, terakhir, rata_rata"),
    ("        akumulasi: {x3: jumlah}\n",
     "akumulasi per isian ditulis {x1: jumlah, x2: terakhir} (kunci hanya x1 dan x2; bukan x3)"),
    ("        target_triwulan: [25, 50, 75]\n",
     "target_triwulan ditulis sebagai empat target kumulatif (s.d. TW I, II, III, IV), mis. "
     "[25, 50, 75, 100]"),
    ("        target_triwulan: [25, 25, 25, 25]\n",
     "target_triwulan TW IV harus sama dengan target tahun ini (angka s.d. TW IV adalah angka "
     "tahun itu); target_triwulan ditulis kumulatif, mis. [25, 50, 75, 100]"),
    ("        target_triwulan: [25, -1, 75, 100]\n", "target_triwulan TW 2 tidak boleh negatif"),
    ("        target_triwulan: {2022: [25, 50, 75, 100]}\n",
     "target_triwulan untuk tahun 2021 tidak ada (tahun yang ada: 2022); tambahkan 2021: "
     "[..., ..., ..., ...]"),
]


@pytest.mark.parametrize(("extra", "message"), MASTER_ERRORS)
def test_master_quarter_key_errors(extra, message):
    with pytest.raises(MasterError) as err:
        parse_master(_s11(extra))
    assert message in str(err.value)


def test_labels_and_growth_keep_their_rules():
    text = _s11("        akumulasi: {x1: jumlah, x2: jumlah}\n")
    parse_master(text)  # a percentage may sum both
    for kind, extra, message in (
        ("ya_tidak", "        akumulasi: jumlah\n",
         "jenis ya_tidak hanya dapat berakumulasi terakhir"),
        ("pertumbuhan", "        akumulasi: {x2: jumlah}\n",
         "akumulasi x2 jenis pertumbuhan selalu terakhir"),
        ("nilai", "        akumulasi: {x2: terakhir}\n",
         "akumulasi x2: jenis nilai tidak memakai x2"),
    ):
        body = _variant(S11, S11.replace("persentase", kind) + extra)
        if kind == "ya_tidak":
            body = body.replace("        target: 100\n", "        target: Ada\n", 1).replace(
                "        target_akhir_rpjmd: 100\n", "", 1)
        with pytest.raises(MasterError) as err:
            parse_master(body)
        assert message in str(err.value), kind


def test_growth_rolls_x1_and_keeps_last_years_x2():
    ind = parse_master(_variant(S11, S11.replace("persentase", "pertumbuhan")
                                + "        akumulasi: jumlah\n")).indicators[0]
    assert ind.rollup == {"x1": S, "x2": L}


@pytest.mark.parametrize(("extra", "n", "text"), [
    ("", 1, "TW I"),
    ("", 3, "jumlah TW I–III"),
    ("        akumulasi: terakhir\n", 3, "TW III"),
    ("        akumulasi: rata_rata\n", 4, "rata-rata TW I–IV"),
    ("        akumulasi: {x2: terakhir}\n", 2, "x\u2081 jumlah TW I–II, x\u2082 TW II"),
    ("        akumulasi: {x2: terakhir}\n", 1, "TW I"),
])
def test_rule_text(extra, n, text):
    assert rule_text(parse_master(_s11(extra)).indicators[0], n) == text


def test_roll_up_by_unit_with_a_gap():
    master = parse_master(_s11("        akumulasi: {x2: terakhir}\n"))
    quarters = {
        "TW1": {("KETAHANAN", "S1.1"): (2.0, 10.0), ("POLITIK", "S2.1"): (1.0, 1.0)},
        "TW2": {("KETAHANAN", "S1.1"): (3.0, 12.0), ("POLITIK", "S2.1"): (2.0, 5.0),
                ("KETAHANAN", "S3.1"): (7.0, 9.0)},
    }
    rolled = roll_up(master, quarters, 2)
    got = {(r.unit, r.code): (r.x1, r.x2) for r in rolled.values.itertuples()}
    assert got == {("KETAHANAN", "S1.1"): (5.0, 12.0),  # x1 summed, x2 the last
                   ("POLITIK", "S2.1"): (3.0, 6.0),
                   ("KETAHANAN", "S3.1"): (7.0, 9.0)}  # terakhir: TW I not needed
    assert rolled.gaps == {}
    quarters["TW2"][("IDEOLOGI", "S2.1")] = (4.0, 4.0)  # an indicator TW I did not have
    rolled = roll_up(master, quarters, 2)
    assert rolled.gaps == {("IDEOLOGI", "S2.1"): ("TW1",)}
    row = rolled.values[rolled.values.unit == "IDEOLOGI"].iloc[0]
    assert (row.x1, row.x2) == (4.0, 4.0)


@pytest.mark.parametrize(("period", "n", "short_", "label_"), [
    ("TW1", 1, "TW I", "Triwulan I"), ("TW4", 4, "TW IV", "Triwulan IV"),
    ("tahunan", None, "tahunan", "laporan tahunan (akhir tahun)"),
])
def test_periods(period, n, short_, label_):
    assert quarter_number(period) == n
    assert short(period) == short_
    assert label(period) == label_
    if n:
        assert quarter_period(n) == period
    assert span(3) == "TW I–III" and span(1) == "TW I"


# --- the quarterly workbook -----------------------------------------------------------


def _workbook(master, unit, n, earlier=None):
    buf = io.BytesIO()
    write_quarter_template(master, unit, n, buf, earlier)
    return buf.getvalue()


def test_quarterly_workbook_keeps_the_contract_and_shows_earlier_quarters(qmaster):
    master = qmaster
    earlier = {"TW1": {("POLITIK", "S2.1"): (3.0, 4.0), ("POLITIK", "S4.1"): (5.0, 40.0)},
               "TW2": {("POLITIK", "S2.1"): (1.0, 2.0)}}
    data = _workbook(master, "POLITIK", 3, earlier)
    assert data == _workbook(master, "POLITIK", 3, earlier)  # byte-identical
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == [spec.SHEET, spec.META_SHEET]
    sheet = book[spec.SHEET]
    header = [c.value for c in sheet[spec.HEADER_ROW + 1]]
    for label_ in ("Kode", "x1", "x2", "Kendala", "Tindak lanjut", "x1 TW I", "x1 TW II",
                   "x1 s.d. TW III", "x2 s.d. TW III", "Realisasi s.d. TW III", "Target TW III"):
        assert header.count(label_) == 1, label_
    assert "Catatan" not in header
    col = {v: i + 1 for i, v in enumerate(header)}
    rows = {sheet.cell(r, col["Kode"]).value: r
            for r in range(spec.FIRST_DATA_ROW + 1, sheet.max_row + 1)}
    assert list(rows) == [i.code for i in master.indicators_of("POLITIK")]
    r21, r41 = rows["S2.1"], rows["S4.1"]
    assert [sheet.cell(r21, col[k]).value for k in ("x1 TW I", "x1 TW II", "x2 TW I",
                                                      "x2 TW II")] == [3, 1, 4, 2]
    assert sheet.cell(r41, col["x1 TW II"]).value == "\u2014"  # TW II held no figure
    assert sheet.cell(r21, col["x1 s.d. TW III"]).value.startswith("=IF(ISNUMBER(")
    assert "SUM(" in sheet.cell(r21, col["x1 s.d. TW III"]).value
    assert sheet.cell(r41, col["x2 s.d. TW III"]).value.startswith("=IF(ISBLANK(")  # terakhir
    assert sheet.cell(r41, col["Target TW III"]).value == 75
    assert sheet.cell(r21, col["Target TW III"]).value == "\u2014"  # no quarterly target
    for key in ("x1", "x2", "Kendala", "Tindak lanjut"):
        assert not sheet.cell(r21, col[key]).protection.locked, key
    for key in ("x1 TW I", "x1 s.d. TW III", "Kode", "Target TW III"):
        assert sheet.cell(r21, col[key]).protection.locked, key
    assert sheet.protection.sheet
    assert sheet["A1"].value == "ISIAN CAPAIAN INDIKATOR KINERJA UTAMA TRIWULAN III TAHUN 2021"
    meta = {r[0].value: r[1].value for r in book[spec.META_SHEET].iter_rows(max_col=2)}
    assert meta["periode"] == "TW3" and meta["kode_unit"] == "POLITIK"
    props = {p.name: p.value for p in book.custom_doc_props.props}
    assert props["periode"] == "TW3"
    assert quarter_filename(master, "POLITIK", 3) == "Isian_IKU_2021_TW3_POLITIK.xlsx"


def test_quarterly_workbook_reads_back_with_its_texts(master, tmp_path):
    from pipeline.intake.reader import read_workbook
    from pipeline.workbook.sample import fill_workbook

    blank = tmp_path / "blank.xlsx"
    blank.write_bytes(_workbook(master, "KETAHANAN", 2))
    filled = tmp_path / "isi.xlsx"
    fill_workbook(blank, {"S1.1": (3, 4)}, filled,
                  texts={"S1.1": {"Kendala": "Data FKUB terlambat",
                                  "Tindak lanjut": "=Rapat"}})
    sub, problems = read_workbook(filled)
    assert problems == []
    row = next(r for r in sub.rows if r.code == "S1.1")
    assert (row.x1, row.x2, row.note, row.obstacles, row.follow_up) == (
        3, 4, "", "Data FKUB terlambat", "=Rapat")
    assert sub.meta["periode"] == "TW2"


# --- the history keeps a quarter's texts (schema v3) -------------------------------------


def test_a_version_2_file_gains_the_quarter_texts(tmp_path):
    from pipeline.history import schema

    path = tmp_path / "r.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
    conn.execute("BEGIN")
    for version in schema.MIGRATIONS[:2]:
        for statement in version:
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 2")
    conn.execute("COMMIT")
    conn.close()
    snap = RunSnapshot("a", "Dinas A", 2021, (IndicatorRecord(
        "S1", "S1", "persentase", "Ind", contributions=(
            UnitFigure("U", 1.0, 2.0, obstacles="hujan", follow_up="tunggu"),)),),
        period="TW2")
    with open_history(path) as h:
        assert h.conn.execute("PRAGMA user_version").fetchone() == (schema.SCHEMA_VERSION,)
        h.record(snap)
        (rec,) = h.current("a", 2021, "TW2").snapshot.indicators
        assert (rec.contributions[0].obstacles, rec.contributions[0].follow_up) == (
            "hujan", "tunggu")
        assert h.current("a", 2021) is None  # a quarter is not the year


def test_compute_quarter_against_targets(qmaster):
    master = qmaster
    from pipeline.quarter.figures import compute_quarter

    values = pd.DataFrame([["KETAHANAN", "S1.1", 1.0, 2.0, ""],
                           ["POLITIK", "S4.1", 30.0, 40.0, ""]],
                          columns=["unit", "code", "x1", "x2", "note"])
    earlier = {"TW1": {("POLITIK", "S4.1"): (4.0, 50.0), ("KETAHANAN", "S1.1"): (3.0, 4.0)}}
    q = compute_quarter(master, 2, values, earlier)
    s41 = q.cumulative.indicators["S4.1"]
    assert math.isclose(s41.realisation, 34 / 40 * 100)  # x1 summed, x2 the last
    assert math.isclose(q.own.indicators["S4.1"].realisation, 75.0)
    assert q.indicators["S4.1"].target == 50.0  # target_triwulan [25, 50, 75, 100]
    assert math.isclose(q.indicators["S4.1"].achievement, 85.0 / 50.0 * 100)
    assert q.indicators["S4.1"].band.grade == "Sangat Baik"
    assert math.isclose(q.cumulative.indicators["S1.1"].realisation, 4 / 6 * 100)
    assert q.indicators["S1.1"].target is None and q.indicators["S1.1"].achievement is None
    assert q.averaged == 1


# --- the quarterly Word template --------------------------------------------------------


def quarter_context() -> dict:
    """The sample's TW II context (every unit x1 = 1, x2 = 2; TW I the same)."""
    from pipeline.quarter.context import build_quarter_context
    from pipeline.quarter.figures import compute_quarter

    master = parse_master(QUARTER_SAMPLE)
    rows = [(u, i.code, 1.0, 2.0 if i.asks_x2 else None, "") for i in master.indicators
            for u in i.reporting_units]
    values = pd.DataFrame(rows, columns=["unit", "code", "x1", "x2", "note"])
    earlier = {"TW1": {(u, c): (x1, x2) for u, c, x1, x2, _ in rows}}
    texts = {("KETAHANAN", "S1.1"): {"obstacles": "Data terlambat", "follow_up": "Rapat"}}
    return build_quarter_context(master, compute_quarter(master, 2, values, earlier,
                                                         texts=texts))


def test_a_percent_column_prints_one_number_of_decimals():
    """No "92,9%" above "73,53%" (issue 21): each % column of the quarterly table, its
    average included, prints as many decimals as its most precise value needs (at most
    two), trailing zeros kept; the realisasi columns keep each indicator's own format."""
    from pipeline.domain.numfmt import fmt_percent
    from pipeline.quarter.context import build_quarter_context
    from pipeline.quarter.figures import compute_quarter

    master = parse_master(QUARTER_SAMPLE)
    counts = {"S1.1": (929, 1000), "S2.1": (7353, 10000), "S3.1": (1, 1), "S4.1": (3, 4)}
    rows = [(u, i.code, *map(float, counts[i.code]), "") for i in master.indicators
            for u in i.reporting_units]
    values = pd.DataFrame(rows, columns=["unit", "code", "x1", "x2", "note"])
    earlier = {"TW1": {(u, c): (x1, x2) for u, c, x1, x2, _ in rows}}
    q = compute_quarter(master, 2, values, earlier)
    context = build_quarter_context(master, q)
    progress = [r["progress"] for r in context["rows"]] + [context["average"]["progress"]]
    assert progress == ["92,90% capaian", "73,53% capaian", "100,00% capaian",
                        "150,00% tercapai", "104,11%"]
    # as every other figure prints them, the column would mix 1, 2 and 0 decimals
    assert [fmt_percent(q.indicators[i.code].progress)
            for i in master.indicators] == ["92,9%", "73,53%", "100%", "150%"]
    assert [r["cumulative"] for r in context["rows"]] == ["92,9%", "73,53%", "100%", "150%"]
    assert context["rows"][3]["achievement"] == "300%" == context["average"]["achievement"]


@pytest.mark.parametrize(("values", "places"), [
    ([92.9, 73.5333, 100], 2), ([100, 50], 0), ([87.5, None, 100], 1), ([0.0021], 2),
    ([], 0)])
def test_column_places(values, places):
    from pipeline.quarter.context import column_places

    assert column_places(values) == places


def test_committed_quarterly_template_is_the_builders_output():
    """input_templates/laporan_triwulan.docx is generated by dev/triwulan_template.py
    (regenerate: python -m dev.triwulan_template)."""
    from dev.triwulan_template import build_template

    assert build_template() == build_template()
    assert paths.QUARTER_TEMPLATE.read_bytes() == build_template(), (
        "regenerate with `python -m dev.triwulan_template`")


def _quarter_variant(tmp_path, change) -> bytes:
    from docx import Document
    from test_template_check import paragraph

    doc = Document(str(paths.QUARTER_TEMPLATE))
    change(doc, paragraph)
    path = tmp_path / "ubahan.docx"
    doc.save(str(path))
    return path.read_bytes()


def _set(doc, paragraph, old, new):
    p = paragraph(doc, old)
    for run in p.runs[1:]:
        run._r.getparent().remove(run._r)
    p.runs[0].text = new


def _drop_row_loop(doc, paragraph):
    for text in ("{%tr for row in rows %}", "{%tr endfor %}"):
        tr = paragraph(doc, text)._p.getparent().getparent()
        tr.getparent().remove(tr)


QUARTER_DAMAGED = [
    ("nama tidak dikenal", lambda d, p: _set(d, p, "{{ months_line }}", "{{ bulan }}"),
     "isi dokumen: nama «bulan» pada tag «{{ bulan }}» tidak disediakan program."),
    ("atribut salah eja", lambda d, p: _set(d, p, "{{ row.cumulative }}", "{{ row.kumulatif }}"),
     "isi dokumen: «row.kumulatif» pada tag «{{ row.kumulatif }}» tidak disediakan program: "
     "«row» tidak punya «kumulatif»."),
    ("kurung tutup hilang", lambda d, p: _set(d, p, "{{ title }}", "{{ title }"),
     "isi dokumen: tag «{{ title }» dibuka dengan «{{» tetapi tidak ditutup dengan «}}»"),
    ("tabel tanpa baris berulang", _drop_row_loop,
     "bagian wajib tidak ada: tabel pengukuran kinerja triwulan (baris tabel berisi "
     "{%tr for … in rows %} dan {%tr endfor %})."),
]


@pytest.mark.parametrize(("change", "expected"), [d[1:] for d in QUARTER_DAMAGED],
                         ids=[d[0] for d in QUARTER_DAMAGED])
def test_a_damaged_quarterly_template_is_refused(change, expected, tmp_path):
    from pipeline.quarter.report import TRIWULAN
    from pipeline.word.template_check import template_problems

    problems = template_problems(_quarter_variant(tmp_path, change), TRIWULAN,
                                 quarter_context())
    assert any(p.startswith(expected) for p in problems), problems


def test_the_cli_refuses_a_damaged_quarterly_template_and_writes_nothing(tmp_path):
    from conftest import run_cli

    template = tmp_path / "rusak.docx"
    template.write_bytes(_quarter_variant(tmp_path, QUARTER_DAMAGED[1][1]))
    result = run_cli("templat", "periksa", template, "--jenis", "triwulan", "--tanpa-pdf")
    assert result.exit_code == 1
    assert "«row» tidak punya «kumulatif»" in result.stderr
    assert "Templat TIDAK layak dipakai: 1 masalah." in result.stderr


def test_the_quarterly_template_uses_exactly_its_context():
    from pipeline.word.template_check import analyse

    used = set().union(*(part.undeclared for part in analyse(
        paths.QUARTER_TEMPLATE.read_bytes()).parts))
    assert used == set(quarter_context())
