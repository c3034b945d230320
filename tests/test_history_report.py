"""The report and the history together, through the CLI (issue 9 §2-§4): two years with
nothing retyped, a growth indicator whose x2 comes from last year, a signed year that stays
signed, and the exact rebuild of a signed report."""

from __future__ import annotations

import random
import sqlite3
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import docx
import openpyxl
import pytest
from test_history_cli import table_rows

from pipeline.domain import spec
from pipeline.domain.numfmt import fmt_number
from pipeline.workbook.sample import fill_workbook

from conftest import cli, digest, table_texts

MASTER_2021 = """\
versi_skema: 1
instansi:
  nama: Dinas Contoh Kota Uji
  kode: dinas_uji
  kota: Kota Uji
  tahun: 2021
  tempat_laporan: Uji
  tanggal_laporan: 2022-01-31
  tugas: Melaksanakan urusan contoh.
  penandatangan: {jabatan: KEPALA DINAS, nama: Nama Kepala}
unit:
  - {kode: A, nama: Bidang A}
  - {kode: B, nama: Bidang B}
sasaran:
  - no: 1
    uraian: Meningkatnya layanan
    indikator:
      - kode: S1.1
        nama: Persentase layanan selesai
        x1: Jumlah layanan selesai
        x2: Jumlah layanan
        target: 90
        unit_pelapor: [A, B]
      - kode: S1.2
        nama: Pertumbuhan jumlah pengguna
        jenis: pertumbuhan
        x1: Jumlah pengguna tahun ini
        x2: Jumlah pengguna tahun lalu
        target: 10
        unit_pelapor: [A]
  - no: 2
    uraian: Meningkatnya kepuasan
    indikator:
      - kode: S2.1
        nama: Indeks kepuasan
        jenis: nilai
        target: 3,5
        unit_pelapor: [B]
"""




def id_number(x: float) -> str:
    """Independent Indonesian formatting: half-up, at most two decimals, decimal comma."""
    q = Decimal(repr(x)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = f"{q:f}".rstrip("0").rstrip(".")
    whole, _, frac = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = f"{abs(int(whole)):,}".replace(",", ".")
    return f"{sign}{whole},{frac}" if frac else f"{sign}{whole}"


def fill_year(master: Path, tmp: Path, name: str, values: dict) -> Path:
    """Blank templates → filled workbooks, for one year."""
    blank, inputs = tmp / f"templat_{name}", tmp / f"isian_{name}"
    cli("templates", "-c", master, "--out", blank)
    inputs.mkdir()
    for unit, unit_values in values.items():
        (template,) = blank.glob(f"*_{unit}.xlsx")
        fill_workbook(template, unit_values, inputs / f"Isian_{unit}.xlsx")
    return inputs


def capaian_2021(values: dict) -> dict[str, float]:
    """% capaian of each indicator, computed here from the typed figures."""
    a, b = values["A"], values["B"]
    s11 = (a["S1.1"][0] + b["S1.1"][0]) / (a["S1.1"][1] + b["S1.1"][1]) * 100
    s12 = (a["S1.2"][0] - a["S1.2"][1]) / a["S1.2"][1] * 100
    return {"S1.1": s11 / 90 * 100, "S1.2": s12 / 10 * 100, "S2.1": b["S2.1"][0] / 3.5 * 100}


def rpjmd_rows(path: Path) -> dict[str, list[str]]:
    tables = table_texts(docx.Document(path))
    (rows,) = [t for t in tables if "Indikator Kinerja" in t[0] and "Sasaran" in t[0]]
    head = [low if low else top for top, low in zip(rows[0], rows[1], strict=True)]
    return {row[head.index("Indikator Kinerja")]: row for row in rows[2:]}, head


@pytest.fixture
def year_2021(tmp_path):
    rng = random.Random(21)
    master = tmp_path / "master_2021.yaml"
    master.write_text(MASTER_2021, encoding="utf-8")
    values = {
        "A": {"S1.1": (rng.randint(10, 40), 40), "S1.2": (120, 100)},
        "B": {"S1.1": (rng.randint(10, 40), 40), "S2.1": (round(rng.uniform(2.5, 4), 2),
                                                         None)},
    }
    inputs = fill_year(master, tmp_path, "2021", values)
    report = tmp_path / "laporan_2021.docx"
    result = cli("report", "-c", master, "-i", inputs, "--out", report)
    assert "Riwayat: angka tahun 2021 dicatat sebagai versi 1" in result.stdout
    return master, inputs, report, values


def test_two_years_without_retyping_a_previous_figure(year_2021, tmp_path):
    master_2021, _, _, values_2021 = year_2021
    master_2022 = tmp_path / "master_2022.yaml"
    cli("tahun-baru", "-c", master_2021, "--out", master_2022)
    blank = tmp_path / "templat_2022"
    result = cli("templates", "-c", master_2022, "--out", blank)
    assert "Nilai tahun 2021 dari riwayat diisikan (terkunci) pada x2 1 indikator" in \
        result.stdout
    # the growth indicator's x2 is last year's value (A's x1 of 2021), filled and locked
    sheet = openpyxl.load_workbook(next(blank.glob("*_A.xlsx")))[spec.SHEET]
    (row,) = [r for r in range(spec.FIRST_DATA_ROW + 1, sheet.max_row + 1)
              if sheet.cell(r, spec.COLUMN_INDEX["code"] + 1).value == "S1.2"]
    x2 = sheet.cell(row, spec.COLUMN_INDEX["x2"] + 1)
    assert x2.value == 120 and x2.protection.locked
    assert "Nilai tahun 2021 dari riwayat" in x2.comment.text
    values_2022 = {"A": {"S1.1": (30, 40), "S1.2": (150, None)},
                   "B": {"S1.1": (35, 40), "S2.1": (3.9, None)}}
    inputs = tmp_path / "isian_2022"
    inputs.mkdir()
    for unit, unit_values in values_2022.items():
        fill_workbook(next(blank.glob(f"*_{unit}.xlsx")), unit_values,
                      inputs / f"Isian_{unit}.xlsx")
    report = tmp_path / "laporan_2022.docx"
    result = cli("report", "-c", master_2022, "-i", inputs, "--out", report)
    assert "dicatat sebagai versi 1" in result.stdout
    rows, head = rpjmd_rows(report)
    previous = head.index("% Capaian 2021")
    expected = capaian_2021(values_2021)
    names = {"S1.1": "Persentase layanan selesai", "S1.2": "Pertumbuhan jumlah pengguna",
             "S2.1": "Indeks kepuasan"}
    for code, name in names.items():
        assert rows[name][previous] == id_number(expected[code]) + "%", code
    # growth from last year's 120 to 150: 25%
    assert rows[names["S1.2"]][head.index("Realisasi")] == "25%"
    table = cli("riwayat", "-c", master_2022).stdout
    assert "2021" in table and "2022" in table


def test_a_master_figure_differing_from_history_is_kept_and_flagged(year_2021, tmp_path):
    master_2021, _, _, values = year_2021
    text = MASTER_2021.replace("tahun: 2021", "tahun: 2022").replace(
        "tanggal_laporan: 2022-01-31", "tanggal_laporan: 2023-01-31").replace(
        "        target: 90\n", "        target: 90\n        capaian_tahun_lalu: 50\n")
    master = tmp_path / "master_2022.yaml"
    master.write_text(text, encoding="utf-8")
    inputs = fill_year(master, tmp_path, "2022",
                       {"A": {"S1.1": (1, 2), "S1.2": (130, None)},
                        "B": {"S1.1": (1, 2), "S2.1": (3, None)}})
    report = tmp_path / "r.docx"
    result = cli("report", "-c", master, "-i", inputs, "--out", report)
    expected = id_number(capaian_2021(values)["S1.1"])
    assert (f"PERINGATAN: master_2022.yaml: indikator S1.1: capaian_tahun_lalu 50 di master "
            f"berbeda dari riwayat tahun 2021 ({expected}); dipakai angka master") in \
        result.stderr
    rows, head = rpjmd_rows(report)
    assert rows["Persentase layanan selesai"][head.index("% Capaian 2021")] == "50%"


def test_an_edited_locked_x2_is_reported_and_the_history_value_used(year_2021, tmp_path):
    master_2021, *_ = year_2021
    master = tmp_path / "master_2022.yaml"
    cli("tahun-baru", "-c", master_2021, "--out", master)
    inputs = fill_year(master, tmp_path, "2022", {"A": {"S1.1": (1, 2), "S1.2": (150, None)},
                                                  "B": {"S1.1": (1, 2), "S2.1": (3, None)}})
    book = openpyxl.load_workbook(inputs / "Isian_A.xlsx")
    sheet = book[spec.SHEET]
    (row,) = [r for r in range(1, sheet.max_row + 1)
              if sheet.cell(r, spec.COLUMN_INDEX["code"] + 1).value == "S1.2"]
    sheet.cell(row, spec.COLUMN_INDEX["x2"] + 1).value = 100  # unprotected and changed
    book.save(inputs / "Isian_A.xlsx")
    report = tmp_path / "r.docx"
    result = cli("report", "-c", master, "-i", inputs, "--out", report)
    cell = spec.cell_ref(row - 1, spec.COLUMN_INDEX["x2"])
    assert (f"PERINGATAN: Isian_A.xlsx › Isian!{cell}: x2 di berkas (100) berbeda dari nilai "
            "tahun 2021 di riwayat (120); dipakai nilai riwayat") in result.stderr
    rows, head = rpjmd_rows(report)
    assert rows["Pertumbuhan jumlah pengguna"][head.index("Realisasi")] == "25%"


def test_same_figures_add_no_version_and_a_draft_is_not_recorded(year_2021, tmp_path):
    master, inputs, report, _ = year_2021
    result = cli("report", "-c", master, "-i", inputs, "--out", report)
    assert "dicatat" not in result.stdout
    (inputs / "Isian_B.xlsx").unlink()
    draft = tmp_path / "draft.docx"
    result = cli("report", "-c", master, "-i", inputs, "--out", draft, "--draft")
    assert "dicatat" not in result.stdout and draft.exists()
    versions = table_rows(cli("riwayat", "-c", master, "--versi", "2021").stdout)
    assert [(r[1], r[3], r[5]) for r in versions] == [
        ("1", "dari isian tahunan", "pertama kali dicatat")]


def test_a_signed_year_stays_signed(year_2021, tmp_path):
    master, inputs, report, values = year_2021
    cli("kunci", "-c", master)
    before = digest(report)
    changed = dict(values["A"], **{"S1.1": (values["A"]["S1.1"][0] - 5, 40)})
    blank = tmp_path / "templat_2021"
    fill_workbook(next(blank.glob("*_A.xlsx")), changed, inputs / "Isian_A.xlsx")
    result = cli("report", "-c", master, "-i", inputs, "--out", report, code=1)
    assert result.stderr.startswith("GALAT: tahun 2021 Dinas Contoh Kota Uji sudah dikunci "
                                    "(ditandatangani; versi 1), dan isi laporan ini berbeda")
    assert "- indikator S1.1: realisasi " in result.stderr
    x1 = values["A"]["S1.1"][0]
    assert f"(isian unit A berubah (berkas isiannya berbeda): x1 {x1} → {x1 - 5})\n" in \
        result.stderr
    assert "S1.2" not in result.stderr and "S2.1" not in result.stderr
    assert digest(report) == before  # nothing written
    result = cli("report", "-c", master, "-i", inputs, "--out", report, "--buka-kunci")
    assert "dicatat sebagai versi 2" in result.stdout
    versions = table_rows(cli("riwayat", "-c", master, "--versi", "2021").stdout)
    assert [(r[1], r[3]) for r in versions] == [("1", "dari isian tahunan"),
                                                 ("2", "dari isian tahunan")]
    old, new = values["A"]["S1.1"][0] + values["B"]["S1.1"][0], changed["S1.1"][0] + \
        values["B"]["S1.1"][0]
    assert versions[1][5].startswith(f"angka berubah: S1.1 realisasi {fmt_number(old / 80 * 100)} "
                                     f"→ {fmt_number(new / 80 * 100)}, capaian ")
    assert versions[1][6] == "berlaku, dikunci, dicatat dengan buka kunci"


def test_a_signed_report_is_rebuilt_exactly_after_the_master_changed(year_2021, tmp_path):
    master, inputs, report, _ = year_2021
    cli("kunci", "-c", master)
    signed = report.read_bytes()
    master.write_text(MASTER_2021.replace("Melaksanakan urusan contoh.",
                                          "Tugas yang ditulis ulang.").replace(
                                              "target: 90", "target: 95"), encoding="utf-8")
    rebuilt = tmp_path / "cetak_ulang.docx"
    result = cli("report", "-c", master, "--dari-riwayat", "--out", rebuilt)
    assert "Dibuat ulang dari riwayat: tahun 2021, versi 1" in result.stdout
    assert rebuilt.read_bytes() == signed
    # the same master without --dari-riwayat would now differ from the signed figures
    result = cli("report", "-c", master, "-i", inputs, "--out", tmp_path / "x.docx", code=1)
    assert "target 90 → 95" in result.stderr and "(master berubah)" in result.stderr


def test_rebuild_without_a_recorded_year_says_so(tmp_path):
    master = tmp_path / "m.yaml"
    master.write_text(MASTER_2021, encoding="utf-8")
    history = tmp_path / "kosong.sqlite"
    result = cli("report", "-c", master, "--dari-riwayat", "--riwayat", history,
                 "--out", tmp_path / "r.docx", code=1)
    assert "belum ada" in result.stderr and not (tmp_path / "r.docx").exists()


def test_report_all_records_every_agency(tmp_path):
    root = tmp_path / "kota"
    cli("synth", "--agencies", "3", "--units", "2", "--indicators", "4", "--out", root)
    history = tmp_path / "kota.sqlite"
    cli("report", "--all", root, "--out", tmp_path / "hasil", "--riwayat", history,
        "--jobs", "2")
    conn = sqlite3.connect(history)
    assert conn.execute("SELECT count(*) FROM run WHERE is_current = 1").fetchone() == (3,)
    conn.close()


# --- the history appendix (pengaturan.bagian_riwayat) --------------------------------------


def _master_of(year: int, appendix: bool = True) -> str:
    text = MASTER_2021.replace("tahun: 2021", f"tahun: {year}").replace(
        "tanggal_laporan: 2022-01-31", f"tanggal_laporan: {year + 1}-01-31")
    return text + ("pengaturan:\n  bagian_riwayat: true\n" if appendix else "")


def _year(tmp_path: Path, year: int, a11: int, growth: tuple, s21: float,
          appendix: bool = True, extra: tuple = ()) -> tuple[Path, Path, Path]:
    master = tmp_path / f"m{year}.yaml"
    master.write_text(_master_of(year, appendix), encoding="utf-8")
    inputs = fill_year(master, tmp_path, str(year),
                       {"A": {"S1.1": (a11, 40), "S1.2": growth},
                        "B": {"S1.1": (20, 40), "S2.1": (s21, None)}})
    report = tmp_path / f"r{year}.docx"
    cli("report", "-c", master, "-i", inputs, "--out", report, *extra)
    return master, inputs, report


def _appendix_rows(path: Path) -> list[list[str]]:
    (rows,) = [t for t in table_texts(docx.Document(path)) if t[0][:2] == ["Indikator Kinerja",
                                                                           "Tahun"]]
    return rows[1:]


def _images(path: Path) -> list[bytes]:
    import zipfile

    with zipfile.ZipFile(path) as z:
        return [z.read(n) for n in sorted(z.namelist()) if n.startswith("word/media/")]


def test_the_appendix_shows_the_years_with_charts_and_rebuilds_exactly(tmp_path):
    _year(tmp_path, 2020, 30, (100, 90), 3.2)
    _year(tmp_path, 2021, 34, (120, None), 3.4)
    master, inputs, report = _year(tmp_path, 2022, 36, (150, None), 3.6)
    text = "\n".join(p.text for p in docx.Document(report).paragraphs)
    assert "LAMPIRAN" in text and "CAPAIAN INDIKATOR KINERJA UTAMA TAHUN 2020–2022" in text
    rows = _appendix_rows(report)
    s11 = [r for r in rows if r[0].startswith("S1.1")]
    # S1.1 = (A's x1 + 20) / 80 × 100, against a target of 90
    expected = [id_number((a + 20) / 80 * 100 / 90 * 100) + "%" for a in (30, 34, 36)]
    assert [(r[1], r[4]) for r in s11] == list(zip(("2020", "2021", "2022"), expected,
                                                   strict=True))
    growth = [r[3] for r in rows if r[0].startswith("S1.2")]
    assert growth == [id_number((100 - 90) / 90 * 100) + "%", "20%", "25%"]
    images = _images(report)
    assert len(images) == 2 and all(i.startswith(b"\x89PNG") for i in images)
    signed = report.read_bytes()
    again = tmp_path / "lagi.docx"
    cli("report", "-c", master, "-i", inputs, "--out", again)
    assert again.read_bytes() == signed  # the same bytes, images included
    cli("kunci", "-c", master)
    # 2021 is recorded again with other figures after 2022 was signed: the signed report
    # still rebuilds with the 2021 figures it printed
    (tmp_path / "ulang").mkdir()
    _year(tmp_path / "ulang", 2021, 10, (120, None), 3.0)
    rebuilt = tmp_path / "cetak_ulang.docx"
    cli("report", "-c", master, "--dari-riwayat", "--out", rebuilt)
    assert rebuilt.read_bytes() == signed


def test_no_appendix_unless_asked(tmp_path):
    _, _, report = _year(tmp_path, 2021, 30, (100, 90), 3.2, appendix=False)
    text = "\n".join(p.text for p in docx.Document(report).paragraphs)
    assert "LAMPIRAN" not in text and _images(report) == []


def test_last_year_is_read_once_per_agency_not_once_per_indicator(year_2021, tmp_path,
                                                                  monkeypatch):
    """The bench of issue 9 found the prior stage reading last year's whole run again for
    every indicator; a 40-indicator master read it 40 times."""
    import os

    from pipeline.domain.master import load_master
    from pipeline.history.report import read_prior
    from pipeline.history.store import History

    master_2022 = tmp_path / "master_2022.yaml"
    cli("tahun-baru", "-c", year_2021[0], "--out", master_2022)
    reads = []
    original = History._records
    monkeypatch.setattr(History, "_records",
                        lambda self, run_id: reads.append(run_id) or original(self, run_id))
    prior = read_prior(Path(os.environ["IKU_RIWAYAT"]), load_master(master_2022))
    assert sorted(prior.previous) == ["S1.1", "S1.2", "S2.1"]
    assert prior.x2 == {("A", "S1.2"): 120.0}
    assert len(reads) == 1
