"""Importing earlier years: the documented layout, the city rekap, and every bad row.

Workbooks under test are written with openpyxl (another library than the xlsxwriter the
product writes with), except the rekap, which is the product's own ``write_rekap`` output:
that file is the point.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import openpyxl
import pytest

from pipeline.history import agency_key, open_history
from pipeline.history.importer import COLUMNS, import_workbook, read_import
from pipeline.history.workbook import example_snapshots, example_workbook, write
from pipeline.rekap import AgencyRekap, RekapRow, write_rekap

HEADER = ["Instansi", "Tahun", "Kode", "Indikator", "Jenis", "Satuan", "Target",
          "Realisasi", "Capaian"]
GOOD = ["Dinas Sosial Kota Contoh", 2020, "S1.1", "Persentase PMKS tertangani", "persentase",
        "%", 90, 81, 90]


def workbook(path, rows, header=HEADER, sheet="Riwayat", title=None):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    if title:
        ws.append([title])
        ws.append([])
    ws.append(header)
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def test_example_workbook_has_the_documented_header_and_imports_exactly(tmp_path):
    path = write(tmp_path / "contoh.xlsx", example_workbook())
    ws = openpyxl.load_workbook(path).active
    assert [c.value for c in ws[1]] == [c.label for c in COLUMNS]
    result = read_import(path)
    assert result.problems == [] and result.rows == 12 and result.sheet == "Riwayat"
    fp = hashlib.sha256(path.read_bytes()).hexdigest()
    assert {s.source_fingerprint for s in result.snapshots} == {fp}
    got = [s.__class__(**{**s.__dict__, "source_fingerprint": ""}) for s in result.snapshots]
    assert got == example_snapshots()


def test_values_are_read_by_kind(tmp_path):
    rows = [
        ["Dinas A", 2020, "K1", "Persen", "persentase", "%", "80-90", "85,5", "100%"],
        ["Dinas A", 2020, "K2", "Opini", "predikat", None, "WTP", "WDP", 50],
        ["Dinas A", 2020, "K3", "Angka", "nilai", None, "NA", "-2,5", None],
        ["Dinas A", 2020, 4, "Angka bulat", None, None, "1.234,5", -3, "12,25"],
        ["Dinas A", 2020, "K5", "Belum", "Ya/Tidak", None, "ya", None, None],
    ]
    result = read_import(workbook(tmp_path / "a.xlsx", rows))
    assert result.problems == []
    (snap,) = result.snapshots
    got = [(r.code, r.kind, r.target, r.realisation, r.realisation_label, r.achievement,
            r.status) for r in snap.indicators]
    assert got == [
        ("K1", "persentase", (80.0, 90.0), 85.5, None, 100.0, "ok"),
        ("K2", "predikat", "WTP", None, "WDP", 50.0, "ok"),
        ("K3", "nilai", "NA", -2.5, None, None, "ok"),
        ("4", "", 1234.5, -3.0, None, 12.25, "ok"),
        ("K5", "ya_tidak", "ya", None, None, None, "belum diisi"),
    ]
    assert (snap.agency_key, snap.year, snap.period, snap.source) == (
        "dinas-a", 2020, "tahunan", "impor")


def _row(**change):
    row = dict(zip(HEADER, GOOD, strict=True))
    row.update(change)
    return [row[h] for h in HEADER]


W = "GALAT: buruk.xlsx › Riwayat!"
BAD_ROWS = [
    ({"Instansi": None}, W + "A2: Instansi kosong; isi nama lengkap instansi"),
    ({"Tahun": "2020a"}, W + "B2: Tahun harus bilangan bulat 2000-2100, mis. 2021"),
    ({"Tahun": 1999}, W + "B2: Tahun harus bilangan bulat 2000-2100, mis. 2021"),
    ({"Tahun": 2020.5}, W + "B2: Tahun harus bilangan bulat 2000-2100, mis. 2021"),
    ({"Kode": None}, W + "C2: Kode kosong; isi Kode indikator seperti di master (mis. S1.1)"),
    ({"Kode": "S 1.1"}, W + "C2: Kode hanya boleh huruf, angka, titik, garis bawah dan tanda "
     "hubung (paling panjang 20), mis. S1.1"),
    ({"Indikator": "  "}, W + "D2: Indikator kosong; isi nama indikator"),
    ({"Jenis": "persen"}, W + "E2: Jenis tidak dikenal; pilihan: persentase, rasio, jumlah, "
     "nilai, pertumbuhan, penurunan, predikat, ya_tidak, status (atau kosongkan)"),
    ({"Target": "sembilan puluh"}, W + "G2: Target harus angka, NA, rentang (80-90), ambang "
     "(≥ 95) atau, untuk jenis predikat/ya_tidak/status, label (mis. WTP)"),
    ({"Target": "90-80"}, W + "G2: rentang Target harus 'bawah-atas' dengan bawah <= atas, "
     "mis. 80-90"),
    ({"Realisasi": "banyak"}, W + "H2: Realisasi harus angka (teks hanya untuk jenis predikat "
     "atau ya_tidak atau status)"),
    ({"Realisasi": True}, W + "H2: Realisasi harus angka (teks hanya untuk jenis predikat "
     "atau ya_tidak atau status)"),
    ({"Capaian": "tinggi"}, W + "I2: Capaian harus angka (dalam persen, mis. 87,5) atau kosong"),
]


@pytest.mark.parametrize("change, message", BAD_ROWS, ids=[m[len(W):][:2] + str(i) for i, (_, m)
                                                          in enumerate(BAD_ROWS)])
def test_a_bad_row_is_named_and_nothing_is_imported(tmp_path, change, message):
    path = workbook(tmp_path / "buruk.xlsx", [_row(**change), _row(Kode="S1.2")])
    db = tmp_path / "riwayat.sqlite"
    result = import_workbook(path, db)
    assert [p.format() for p in result.problems] == [message]
    assert not result.ok and result.versions == []
    assert not db.exists()  # not even created


def test_every_bad_row_at_once_and_the_range_upper_bound(tmp_path):
    header = HEADER + ["Target atas", "Periode", "Kode lama"]
    rows = [
        _row() + [95, None, None],
        _row(Kode="S1.2") + [80, "TW 5", "a b"],
        _row(Kode="S1.1") + [None, None, None],  # the first row's Kode again
        _row(Kode="S1.3", Target=None) + [90, "triwulan iv", None],
    ]
    result = read_import(workbook(tmp_path / "buruk.xlsx", rows, header=header))
    assert [p.format() for p in result.problems] == [
        W + "J3: Target atas harus angka yang tidak lebih kecil dari Target",
        W + "K3: Periode harus tahunan, TW1, TW2, TW3 atau TW4 (kosong = tahunan)",
        W + "L3: Kode hanya boleh huruf, angka, titik, garis bawah dan tanda hubung (paling "
        "panjang 20), mis. S1.1",
        W + "C4: Kode S1.1 muncul lagi untuk Dinas Sosial Kota Contoh tahun 2020 (tahunan); "
        "sudah ada di sel C2; hapus salah satu baris",
        W + "J5: Target atas diisi tanpa Target; isi batas bawah rentang di kolom Target",
    ]


def test_header_missing_and_empty_sheet(tmp_path):
    path = workbook(tmp_path / "buruk.xlsx", [GOOD], header=["Nama", "Tahun", "Nilai"])
    assert [p.format() for p in read_import(path).problems] == [
        "GALAT: buruk.xlsx: tidak ada lembar dengan baris judul berlabel Instansi, Tahun, "
        "Kode, Indikator, Realisasi, Capaian; gunakan susunan impor (lihat docs/RIWAYAT.md "
        "atau `iku riwayat contoh`) atau rekap kota dari `iku report --all`"]
    path = workbook(tmp_path / "buruk.xlsx", [])
    assert [p.format() for p in read_import(path).problems] == [
        W + "A1: tidak ada baris indikator di bawah baris judul; isi satu baris per instansi, "
        "tahun dan indikator"]


def test_an_unsafe_file_is_refused_by_the_gate_before_reading(tmp_path):
    path = tmp_path / "rekap.xlsx"
    path.write_text("Instansi;Tahun\nDinas;2020\n", encoding="utf-8")
    (problem,) = read_import(path).problems
    assert (problem.code, problem.file) == ("not_zip", "rekap.xlsx")


# --- the city rekap ---------------------------------------------------------------------------


def _rekap(tmp_path, years=(2021,)):
    agencies = [
        AgencyRekap("Dinas Sosial Kota Contoh", "01_sosial", years[0], (
            RekapRow(1, "Sasaran satu", "S1.1", "Persentase PMKS tertangani", "%", 90.0,
                     81.25, 90.27777777777777),
            RekapRow(1, "Sasaran satu", "S1.2", "Persentase rentang", "%", (80.0, 90.0),
                     95.0, 105.55555555555556, "dibatasi 120%"),
            RekapRow(2, "Sasaran dua", "S2.1", "Jumlah panti", "unit", 12.0, None, None,
                     "belum diisi"),
        ), 97.9, 2, "Laporan_IKU.docx"),
        AgencyRekap("Dinas Kesehatan Kota Contoh", "02_kesehatan", years[-1], (
            RekapRow(1, "Sasaran satu", "S1.1", "Rasio dokter", "rasio", 0.5, 0.25, 50.0),
        ), 50.0, 1, "Laporan_IKU.docx"),
    ]
    return write_rekap(agencies, tmp_path)


def test_the_city_rekap_imports_with_the_year_from_its_title(tmp_path):
    path = _rekap(tmp_path)
    result = read_import(path)
    assert result.problems == [] and result.sheet == "Rekap" and result.rows == 4
    sosial, kesehatan = result.snapshots
    assert (sosial.agency_key, sosial.year, kesehatan.agency_name) == (
        "dinas-sosial-kota-contoh", 2021, "Dinas Kesehatan Kota Contoh")
    got = [(r.code, r.name, r.unit_of_measure, r.target, r.realisation, r.status, r.kind)
           for r in sosial.indicators]
    assert got == [
        ("S1.1", "Persentase PMKS tertangani", "%", 90.0, 81.25, "ok", ""),
        ("S1.2", "Persentase rentang", "%", (80.0, 90.0), 95.0, "ok", ""),
        ("S2.1", "Jumlah panti", "unit", 12.0, None, "belum diisi", ""),
    ]
    # xlsxwriter stores 16 significant digits: the last of a long decimal may differ
    assert [r.achievement for r in sosial.indicators] == [
        pytest.approx(90.27777777777777, rel=1e-15),
        pytest.approx(105.55555555555556, rel=1e-15), None]


def test_a_rekap_of_several_years_is_refused(tmp_path):
    path = _rekap(tmp_path, years=(2020, 2021))
    assert [p.format() for p in read_import(path).problems] == [
        f"GALAT: {path.name} › Rekap!A1: judul menyebut beberapa tahun (2020, 2021) dan tidak "
        "ada kolom Tahun, sehingga tahun tiap baris tidak diketahui; tambahkan kolom Tahun "
        "atau buat rekap per tahun"]


def test_a_rekap_whose_title_lost_its_year_is_refused(tmp_path):
    path = _rekap(tmp_path)
    book = openpyxl.load_workbook(path)
    book["Rekap"]["A1"] = "REKAPITULASI CAPAIAN INDIKATOR KINERJA UTAMA"
    book.save(path)
    assert [p.format() for p in read_import(path).problems] == [
        f"GALAT: {path.name} › Rekap!A4: kolom Tahun tidak ada dan judul tidak menyebut "
        "tahun; tambahkan kolom Tahun"]


# --- against the history ----------------------------------------------------------------------


def test_a_recorded_year_gets_a_new_version_with_a_warning(tmp_path):
    db = tmp_path / "riwayat.sqlite"
    path = workbook(tmp_path / "a.xlsx", [_row()])
    assert import_workbook(path, db).versions == [1]
    changed = workbook(tmp_path / "a2.xlsx", [_row(Realisasi=82)])
    again = import_workbook(changed, db)
    assert again.versions == [2]
    assert [p.format() for p in again.problems] == [
        "PERINGATAN: a2.xlsx › Riwayat!A2: tahun 2020 (tahunan) Dinas Sosial Kota Contoh "
        "sudah ada di riwayat (versi 1, sumber impor); impor ini menjadi versi 2 yang "
        "berlaku, versi lama tetap tersimpan"]


def test_a_locked_year_refuses_the_whole_file(tmp_path):
    db = tmp_path / "riwayat.sqlite"
    key = agency_key(GOOD[0])
    import_workbook(workbook(tmp_path / "a.xlsx", [_row()]), db)
    with open_history(db) as h:
        h.lock(key, 2020)
    before = digest(db)
    path = workbook(tmp_path / "b.xlsx", [_row(Tahun=2019), _row(), _row(Tahun=2021)])
    result = import_workbook(path, db)
    assert [p.format() for p in result.problems] == [
        "GALAT: b.xlsx › Riwayat!A3: tahun 2020 Dinas Sosial Kota Contoh sudah dikunci di "
        "riwayat (versi 1); impor tidak mengubah tahun yang sudah ditandatangani. Hapus baris "
        "tahun itu dari berkas"]
    assert digest(db) == before
    with open_history(db) as h:
        assert h.series(key).years == (2020,)


def test_docs_describe_every_column_of_the_layout():
    """docs/RIWAYAT.md's layout table is COLUMNS, row for row."""
    root = Path(__file__).resolve().parent.parent
    doc = (root / "docs" / "RIWAYAT.md").read_text(encoding="utf-8")
    expected = "\n".join(
        f"| {' / '.join(f'`{x}`' for x in (c.label, *c.aliases))} | "
        f"{'yes' if c.required else 'no'} | {c.meaning} |" for c in COLUMNS)
    assert expected in doc


def test_reason_codes_are_all_documented_and_used():
    import re

    from pipeline.history import importer
    from pipeline.reasons import Reason

    source = Path(importer.__file__).read_text(encoding="utf-8")
    body = source.split("REASON_CODES", 1)[1]
    used = set(re.findall(r'"(import_[a-z_]+)"', body))
    used |= {Reason[name].value for name in re.findall(r"Reason\.([A-Z_]+)", body)}
    used |= {f"import_{key}" for key in re.findall(r'_number_or_none\(cell\("(\w+)"\)', body)}
    assert used == set(importer.REASON_CODES)


def test_agency_code_and_several_old_codes(tmp_path):
    header = HEADER + ["Kode instansi", "Kode lama"]
    rows = [_row() + ["dinsos_01", "S1.0, S0.1"], _row(Kode="S1.2") + [None, None]]
    result = read_import(workbook(tmp_path / "a.xlsx", rows, header=header))
    assert result.problems == []
    coded, named = result.snapshots
    assert (coded.agency_key, named.agency_key) == ("dinsos-01", "dinas-sosial-kota-contoh")
    assert coded.indicators[0].kode_lama == ("S1.0", "S0.1")
    assert named.indicators[0].kode_lama == ()


GROWTH_MASTER = """\
versi_skema: 1
instansi:
  nama: Dinas A
  kota: Contoh
  tahun: 2021
  tempat_laporan: Contoh
  tanggal_laporan: 2022-01-31
  tugas: Melaksanakan urusan contoh.
  penandatangan: {jabatan: KEPALA DINAS, nama: Nama Kepala}
unit:
  - {kode: A, nama: Bidang A}
sasaran:
  - no: 1
    uraian: Meningkatnya layanan
    indikator:
      - kode: K1
        nama: Pertumbuhan jumlah pengguna
        jenis: pertumbuhan
        x1: Jumlah pengguna tahun ini
        x2: Jumlah pengguna tahun lalu
        target: 10
        unit_pelapor: [A]
"""


@pytest.mark.parametrize(("kind", "realisation", "x2"), [
    ("jumlah", 150, 150.0),  # a count: the figure is last year's x1
    ("nilai", 3.5, 3.5),  # a value as typed: likewise
    ("persentase", 80, None),  # a share: not last year's count
    ("", 150, None),  # kind unknown: nothing assumed
])
def test_an_imported_figure_is_next_years_x2_only_when_it_is_the_value(
        tmp_path, kind, realisation, x2):
    """Earlier years copied from old documents hold only the realisasi: for an indicator
    whose y is x1 (jumlah, nilai) that figure is last year's x1, which a growth kind needs
    as this year's x2; for any other kind it is not."""
    from pipeline.domain.master import parse_master
    from pipeline.history.report import read_prior

    master = parse_master(GROWTH_MASTER)
    history = tmp_path / "riwayat.sqlite"
    rows = [["Dinas A", 2020, "K1", "Jumlah pengguna", kind or None, None, None,
             realisation, None]]
    import_workbook(workbook(tmp_path / "lalu.xlsx", rows), history)
    prior = read_prior(history, master)
    assert prior.x2 == ({("A", "K1"): x2} if x2 is not None else {})


# --- issue 18: the submission rules, years, the same file again, a large file --------------


def _percent_workbook(path, cells: dict[str, str], row=None):
    """GOOD with the given columns' cells formatted as percent (the value as Excel stores a
    typed "90%": 0.9)."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Riwayat"
    ws.append(HEADER)
    ws.append(row or GOOD)
    for label, number_format in cells.items():
        cell = ws.cell(2, HEADER.index(label) + 1)
        cell.value = cell.value / 100
        cell.number_format = number_format
    book.save(path)
    return path


def test_a_percent_cell_is_refused_as_in_a_submission(tmp_path):
    """Capaian 90% typed in Excel is stored 0.9: never imported as 0,9."""
    db = tmp_path / "riwayat.sqlite"
    path = _percent_workbook(tmp_path / "persen.xlsx", {"Capaian": "0%", "Realisasi": "0.0%"})
    result = import_workbook(path, db)
    assert [p.format() for p in result.problems] == [
        "GALAT: persen.xlsx › Riwayat!H2: Realisasi berisi persen '81%' (sel berformat Persen, "
        "tersimpan sebagai 0,81), yang akan terbaca 0,81, bukan 81; ketik angkanya saja tanpa "
        "tanda %, mis. 81, dengan format sel Angka (Number)",
        "GALAT: persen.xlsx › Riwayat!I2: Capaian berisi persen '90%' (sel berformat Persen, "
        "tersimpan sebagai 0,9), yang akan terbaca 0,9, bukan 90; ketik capaiannya dalam "
        "persen sebagai angka biasa, mis. 90, dengan format sel Angka (Number), atau sebagai "
        "teks '90%'"]
    assert {p.code for p in result.problems} == {"import_percent_format"}
    assert result.versions == [] and not db.exists()
    # a percent format on a text cell, or a custom format with a quoted "%", is no percent
    fine = _percent_workbook(tmp_path / "teks.xlsx", {"Target": '0" %"'})
    assert read_import(fine).problems == []


def test_an_error_value_is_refused_not_read_as_blank(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(HEADER)
    ws.append(_row(Realisasi="#DIV/0!"))
    book.save(tmp_path / "galat.xlsx")
    (problem,) = read_import(tmp_path / "galat.xlsx").problems
    assert problem.format() == ("GALAT: galat.xlsx › Sheet!H2: Realisasi berisi galat Excel "
                                "#DIV/0!; ganti dengan angkanya (atau kosongkan bila tidak ada)")


@pytest.mark.libreoffice
@pytest.mark.skipif(__import__("pipeline.office.libreoffice", fromlist=["x"]).find_soffice()
                    is None, reason="needs LibreOffice (soffice)")
def test_an_ods_percent_cell_is_refused(tmp_path):
    """The same workbook saved by LibreOffice as .ods: a percentage value type."""
    import subprocess

    from pipeline.office.libreoffice import find_soffice

    xlsx = _percent_workbook(tmp_path / "persen.xlsx", {"Capaian": "0%"})
    subprocess.run([find_soffice(), f"-env:UserInstallation={(tmp_path / 'profil').as_uri()}",
                    "--headless", "--convert-to", "ods", "--outdir", str(tmp_path / "lo"),
                    str(xlsx)], check=True, capture_output=True, timeout=180)
    (problem,) = read_import(tmp_path / "lo" / "persen.ods").problems
    assert problem.format().startswith(
        "GALAT: persen.ods › Riwayat!I2: Capaian berisi persen '90%' (sel berformat Persen, "
        "tersimpan sebagai 0,9)")


def test_years_not_begun_are_refused_and_the_running_year_warned(tmp_path):
    import datetime as dt

    today = dt.date(2024, 6, 30)
    rows = [_row(Tahun=2025), _row(Tahun=2024), _row(Tahun=2023)]
    result = read_import(workbook(tmp_path / "tahun.xlsx", rows), today)
    assert [p.format() for p in result.problems] == [
        "GALAT: tahun.xlsx › Riwayat!B2: Tahun 2025 belum berjalan (hari ini 30-06-2024), "
        "sehingga belum ada angkanya; periksa Tahun (salah ketik?). Riwayat hanya menerima "
        "tahun yang sudah berjalan",
        "PERINGATAN: tahun.xlsx › Riwayat!A3: tahun 2024 masih berjalan (hari ini 30-06-2024), "
        "jadi angka tahunan Dinas Sosial Kota Contoh belum final; impor ini menjadi versinya "
        "yang berlaku sampai laporan tahun 2024 dibuat (iku report mencatat versi baru)"]
    # the quarters of the running year are what it has: no warning
    header = HEADER + ["Periode"]
    quarter = read_import(workbook(tmp_path / "tw.xlsx", [_row(Tahun=2024) + ["TW1"]],
                                   header=header), today)
    assert quarter.problems == []


def test_the_same_file_imported_again_adds_nothing(tmp_path):
    db = tmp_path / "riwayat.sqlite"
    path = workbook(tmp_path / "a.xlsx", [_row(), _row(Kode="S1.2"), _row(Tahun=2019)])
    first = import_workbook(path, db)
    assert first.versions == [1, 1]
    before = digest(db)
    again = import_workbook(path, db)
    assert again.ok and again.versions == [] and again.snapshots == []
    assert [(s.year, v) for s, v in again.unchanged] == [(2020, 1), (2019, 1)]
    assert digest(db) == before
    # a copy saved elsewhere with the same figures is the same too; one changed year is not
    mixed = workbook(tmp_path / "b.xlsx", [_row(), _row(Kode="S1.2"),
                                           _row(Tahun=2019, Realisasi=70)])
    result = import_workbook(mixed, db)
    assert [(s.year, v) for s, v in result.unchanged] == [(2020, 1)]
    assert [s.year for s in result.snapshots] == [2019] and result.versions == [2]


def test_the_same_file_again_through_the_cli(tmp_path):
    from conftest import run_cli

    db = tmp_path / "riwayat.sqlite"
    path = workbook(tmp_path / "a.xlsx", [_row()])
    assert run_cli("riwayat", "impor", path, "--riwayat", db).exit_code == 0
    result = run_cli("riwayat", "impor", path, "--riwayat", db)
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "Sudah ada: Dinas Sosial Kota Contoh tahun 2020 (tahunan) sama persis dengan versi 1 "
        "di riwayat; tidak ditambahkan\n"
        f"Tidak ada yang berubah: semua isi berkas a.xlsx sudah ada di riwayat {db}; tidak ada "
        "versi baru\n")


def test_a_large_file_is_described_with_the_limit_and_how_to_split_it(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Riwayat"
    ws.append(HEADER)
    ws.append(GOOD)
    ws.cell(10_001, 1, "baris terakhir")
    book.save(tmp_path / "besar.xlsx")
    (problem,) = read_import(tmp_path / "besar.xlsx").problems
    assert problem.format() == (
        "GALAT: besar.xlsx › Riwayat: lembar 'Riwayat' (bagian xl/worksheets/sheet1.xml) "
        "memakai sel sampai baris 10.001 (batas 10.000 baris). Berkas impor sebesar itu "
        "melebihi batas pemeriksaan keamanan iku: paling banyak 10.000 baris dan 100.000 sel "
        "per lembar (sekitar 6.200 baris bila ke-16 kolom susunan impor diisi), lembar kerja "
        "5 MB, berkas 20 MB. Bagi isinya menjadi beberapa berkas, mis. satu berkas per tahun "
        "atau per instansi, masing-masing dengan baris judul yang sama, lalu impor satu per "
        "satu dengan `iku riwayat impor` (berkas yang sudah diimpor tidak menambah apa pun "
        "bila diimpor lagi)")
    huge = tmp_path / "raksasa.xlsx"
    with open(huge, "wb") as fh:
        fh.write(b"PK\x03\x04")
        fh.truncate(21 * 1024 * 1024)
    (problem,) = read_import(huge).problems
    assert problem.message.startswith("ukuran berkas 21 MB melebihi batas 20 MB. Berkas impor "
                                      "sebesar itu melebihi batas")
    for word in ("kirim ulang", "zip bomb", "hapus baris"):
        assert word not in problem.message
