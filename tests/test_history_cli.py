"""The history commands through the CLI: `iku riwayat` (table, --xlsx, --versi), `iku
riwayat impor`, `iku riwayat contoh`, `iku kunci`. Exit codes, exact messages, files hashed
before and after; written workbooks read back with openpyxl.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
import subprocess

import openpyxl
import pytest

from pipeline import paths
from pipeline.history import agency_key, open_history
from pipeline.history.workbook import EXAMPLE_AGENCY

from conftest import run_cli

SAMPLE = paths.SAMPLE_MASTER
KEY = agency_key(EXAMPLE_AGENCY)  # the sample master's agency


def cli(*args, code=0):
    """Run the CLI; an exception that is not a deliberate exit fails the test."""
    result = run_cli(*args)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == code, (result.stdout, result.stderr)
    return result


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


@pytest.fixture
def history(tmp_path):
    """The example workbook imported into a fresh history file."""
    example = tmp_path / "contoh.xlsx"
    cli("riwayat", "contoh", example)
    db = tmp_path / "riwayat.sqlite"
    cli("riwayat", "impor", example, "--riwayat", db)
    return db


def test_contoh_then_impor(tmp_path):
    example = tmp_path / "contoh.xlsx"
    res = cli("riwayat", "contoh", example)
    assert res.stdout == f"Contoh susunan impor ditulis: {example}\n"
    first = digest(example)
    cli("riwayat", "contoh", example)
    assert digest(example) == first  # same bytes every time
    db = tmp_path / "riwayat.sqlite"
    res = cli("riwayat", "impor", example, "--riwayat", db)
    assert res.stdout.splitlines() == [
        f"Diimpor: {EXAMPLE_AGENCY} tahun 2019 (tahunan), 5 indikator, 1 rata-rata sasaran, "
        "versi 1",
        f"Diimpor: {EXAMPLE_AGENCY} tahun 2020 (tahunan), 5 indikator, versi 1",
        f"Diimpor: {EXAMPLE_AGENCY} tahun 2020 (TW2), 1 indikator, versi 1",
        f"3 catatan dari 12 baris dimasukkan ke {db}",
    ]
    assert res.stderr == "" and digest(example) == first  # the input is never modified
    with open_history(db) as h:
        assert h.series(KEY).years == (2019, 2020)
        assert h.current(KEY, 2020, "TW2").snapshot.indicators[0].realisation == 50.0


def test_impor_with_a_bad_row_changes_nothing(tmp_path, history):
    bad = tmp_path / "buruk.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Data"
    book.active.append(["Instansi", "Tahun", "Kode", "Indikator", "Realisasi", "Capaian"])
    book.active.append([EXAMPLE_AGENCY, 2018, "S1.1", "Persentase", 90, 90])
    book.active.append([EXAMPLE_AGENCY, "dua ribu", "S1.2", "Persentase", 90, 90])
    book.save(bad)
    before = digest(history)
    res = cli("riwayat", "impor", bad, "--riwayat", history, code=1)
    assert res.stdout == ""
    assert res.stderr.splitlines() == [
        "GALAT: buruk.xlsx › Data!B3: Tahun harus bilangan bulat 2000-2100, mis. 2021",
        "1 galat, 0 peringatan",
        "Tidak ada yang diimpor; perbaiki galat di atas lalu jalankan lagi.",
    ]
    assert digest(history) == before


def test_impor_of_a_missing_file_is_a_usage_error(tmp_path):
    res = cli("riwayat", "impor", tmp_path / "tidak_ada.xlsx", "--riwayat",
              tmp_path / "r.sqlite", code=2)
    assert res.stderr == f"GALAT: berkas '{tmp_path / 'tidak_ada.xlsx'}' tidak ada\n"
    assert not (tmp_path / "r.sqlite").exists()


def test_impor_uses_the_environment_variable(tmp_path, monkeypatch):
    example = tmp_path / "contoh.xlsx"
    cli("riwayat", "contoh", example)
    monkeypatch.setenv("IKU_RIWAYAT", str(tmp_path / "env.sqlite"))
    res = cli("riwayat", "impor", example)
    assert res.stdout.endswith(f"dimasukkan ke {tmp_path / 'env.sqlite'}\n")
    assert (tmp_path / "env.sqlite").exists()


def test_riwayat_prints_the_years_side_by_side(history):
    res = cli("riwayat", "--riwayat", history)
    out = res.stdout
    assert f"Riwayat capaian IKU {EXAMPLE_AGENCY}" in out
    header = next(line for line in out.splitlines() if "Kode" in line)
    assert [c.strip() for c in header.strip("┃ ").split("┃")] == [
        "Kode", "Indikator", "Satuan", "2019", "2020"]
    for text in ("Realisasi 85,5%", "Target 80–90%", "Capaian 133,33%", "Realisasi WTP",
                 "Capaian 95% (Sangat Baik)", "(Kode sebelumnya: S2.1)",
                 "Realisasi data tidak tersedia", "Target 3 kasus"):
        assert text in out, text
    before = digest(history)
    cli("riwayat", "--riwayat", history, "--terakhir", 1)
    assert digest(history) == before  # reading never writes


def test_riwayat_xlsx_exports_numbers_and_reimports(tmp_path, history):
    out = tmp_path / "ekspor" / "riwayat.xlsx"
    res = cli("riwayat", "--riwayat", history, "--xlsx", out)
    assert res.stdout.endswith(f"Ditulis: {out}\n")
    first = digest(out)
    cli("riwayat", "--riwayat", history, "--xlsx", out)
    assert digest(out) == first  # byte-identical rerun
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Riwayat", "Data"]
    wide = book["Riwayat"]
    assert [wide.cell(4, c).value for c in (1, 2, 3, 4, 7)] == [
        "Kode", "Indikator", "Satuan", "2019", "2020"]
    assert [c.value for c in wide[5]][3:] == ["Target", "Realisasi", "% Capaian"] * 2
    rows = {wide.cell(r, 1).value: [wide.cell(r, c).value for c in range(2, 10)]
            for r in range(6, wide.max_row + 1)}
    assert rows["S3.1"] == ["Persentase organisasi kemasyarakatan yang aktif", "%",
                            "80–90", 85.5, 100, "80–90", 85.5, 100]
    assert rows["S2.1a"][2:] == ["NA", None, None, 3, 2, 133.33]
    assert wide.cell(6, 4).number_format == "[$-421]#,##0.##"
    # the Data sheet is the import layout: importing it elsewhere gives the same series
    other = tmp_path / "lain.sqlite"
    cli("riwayat", "impor", out, "--riwayat", other)
    with open_history(history) as a, open_history(other) as b:
        def strip(series):
            return [(i.key, [(f.year, f.record) for f in i.figures]) for i in series.indicators]
        assert strip(a.series(KEY)) == strip(b.series(KEY))


def table_rows(text: str) -> list[list[str]]:
    """The rows of a rich table as printed, a cell wrapped over several lines joined."""
    rows, current = [], None
    for line in text.splitlines():
        if line.startswith("│"):
            cells = [c.strip() for c in line.strip("│").split("│")]
            current = cells if current is None else [
                " ".join(filter(None, (a, b))) for a, b in zip(current, cells, strict=True)]
        elif current is not None:
            rows.append(current)
            current = None
    return rows


def test_riwayat_versi_lists_versions(history):
    example = history.parent / "contoh.xlsx"
    changed = history.parent / "contoh_ubah.xlsx"
    book = openpyxl.load_workbook(example)
    sheet = book["Riwayat"]
    head = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        value = row[head.index("Realisasi")].value
        if row[head.index("Tahun")].value == 2020 and isinstance(value, int | float):
            row[head.index("Realisasi")].value = value + 1
    book.save(changed)
    cli("riwayat", "impor", changed, "--riwayat", history)
    res = cli("riwayat", "--riwayat", history, "--versi", 2020)
    cells = table_rows(res.stdout)
    assert [(c[0], c[1], c[3], c[4], c[6]) for c in cells] == [
        ("tahunan", "1", "impor", "5", ""), ("tahunan", "2", "impor", "5", "berlaku"),
        ("TW II", "1", "impor", "1", ""), ("TW II", "2", "impor", "1", "berlaku")]
    assert [c[5] for c in cells] == [
        "pertama kali dicatat", "angka berubah: S1.1 realisasi 100 → 101; S3.1 realisasi 85,5 "
        "→ 86,5; S2.1a realisasi 2 → 3; berkas impor lain", "pertama kali dicatat",
        "angka berubah: S1.1 realisasi 50 → 51; berkas impor lain"]
    first, second = (hashlib.sha256(p.read_bytes()).hexdigest()[:12] for p in (example, changed))
    assert first not in res.stdout and second not in res.stdout  # hashes only with --rinci
    detailed = table_rows(cli("riwayat", "--riwayat", history, "--versi", 2020,
                              "--rinci").stdout)
    assert [c[9] for c in detailed] == [first, second, first, second]
    assert cli("riwayat", "--riwayat", history, "--rinci", code=2).stderr == \
        "GALAT: --rinci hanya bersama --versi TAHUN\n"
    res = cli("riwayat", "--riwayat", history, "--versi", 2018, code=1)
    assert res.stderr == f"GALAT: tahun 2018 {EXAMPLE_AGENCY} belum tercatat di riwayat {history}\n"


def test_riwayat_versi_with_xlsx_is_a_usage_error(tmp_path, history):
    res = cli("riwayat", "--riwayat", history, "--versi", 2020, "--xlsx", tmp_path / "a.xlsx",
              code=2)
    assert res.stderr == "GALAT: --versi tidak dapat dipakai bersama --xlsx atau --terakhir\n"
    assert not (tmp_path / "a.xlsx").exists()


def test_riwayat_without_a_history_or_without_the_agency(tmp_path, history):
    missing = tmp_path / "tidak_ada.sqlite"
    res = cli("riwayat", "--riwayat", missing, code=1)
    assert res.stderr == (f"GALAT: berkas riwayat {missing} belum ada: riwayat terisi oleh "
                          "`iku riwayat impor` (dan, nanti, oleh setiap `iku report`)\n")
    assert not missing.exists()
    other = tmp_path / "lain.yaml"
    other.write_text(SAMPLE.read_text(encoding="utf-8").replace(
        'nama: "Badan Kesatuan Bangsa dan Politik Kota Jambi"', 'nama: "Dinas Lain"'),
        encoding="utf-8")
    res = cli("riwayat", "-c", other, "--riwayat", history, code=1)
    assert res.stderr == (f"GALAT: belum ada riwayat tahunan Dinas Lain di {history}; "
                          f"instansi yang tercatat: {EXAMPLE_AGENCY}\n")


def test_a_newer_history_file_is_refused(tmp_path, history):
    import sqlite3

    conn = sqlite3.connect(history)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    before = digest(history)
    res = cli("riwayat", "--riwayat", history, code=1)
    from pipeline.history.schema import SCHEMA_VERSION

    assert res.stderr.startswith(f"GALAT: berkas riwayat {history} dibuat oleh versi iku yang "
                                 "lebih baru (skema 99; program ini mengenal sampai skema "
                                 f"{SCHEMA_VERSION})")
    assert digest(history) == before


# --- kunci ------------------------------------------------------------------------------------


def test_kunci_refuses_an_unrecorded_year(tmp_path, history):
    before = digest(history)
    res = cli("kunci", "-c", SAMPLE, "--riwayat", history, code=1)  # the sample is 2021
    assert res.stderr == (f"GALAT: tahun 2021 {EXAMPLE_AGENCY} belum tercatat di riwayat "
                          f"{history}, sehingga tidak dapat dikunci; catat dulu (iku report, "
                          "atau iku riwayat impor)\n")
    assert digest(history) == before
    missing = tmp_path / "tidak_ada.sqlite"
    res = cli("kunci", "--riwayat", missing, code=1)
    assert "belum ada" in res.stderr and not missing.exists()


def test_kunci_locks_then_import_of_that_year_is_refused(tmp_path, history):
    master = tmp_path / "master_2020.yaml"
    master.write_text(SAMPLE.read_text(encoding="utf-8").replace("tahun: 2021", "tahun: 2020"),
                      encoding="utf-8")
    res = cli("kunci", "-c", master, "--riwayat", history)
    assert res.stdout.startswith(f"Tahun 2020 {EXAMPLE_AGENCY} dikunci pada versi 1 (dicatat ")
    assert res.stdout.endswith("Laporan tahun ini yang angkanya berbeda akan ditolak kecuali "
                               "dengan --buka-kunci.\n")
    res = cli("kunci", "-c", master, "--riwayat", history)
    assert res.stdout.startswith(f"Tahun 2020 {EXAMPLE_AGENCY} sudah dikunci sejak ")
    assert res.stdout.endswith("(versi 1); tidak ada yang berubah.\n")
    before = digest(history)
    res = cli("riwayat", "impor", history.parent / "contoh.xlsx", "--riwayat", history, code=1)
    assert res.stderr.splitlines() == [
        "GALAT: contoh.xlsx › Riwayat!A6: tahun 2020 Badan Kesatuan Bangsa dan Politik Kota "
        "Jambi sudah dikunci di riwayat (versi 1); impor tidak mengubah tahun yang sudah "
        "ditandatangani. Hapus baris tahun itu dari berkas",
        "GALAT: contoh.xlsx › Riwayat!A12: tahun 2020 Badan Kesatuan Bangsa dan Politik Kota "
        "Jambi sudah dikunci di riwayat (versi 1); impor tidak mengubah tahun yang sudah "
        "ditandatangani. Hapus baris tahun itu dari berkas",
        "2 galat, 0 peringatan",
        "Tidak ada yang diimpor; perbaiki galat di atas lalu jalankan lagi.",
    ]
    assert digest(history) == before


@pytest.mark.parametrize("command", [["riwayat"], ["riwayat", "impor"], ["riwayat", "contoh"],
                                     ["kunci"], ["tahun-baru"]])
def test_every_command_has_help(command):
    res = cli(*command, "--help")
    assert res.stdout.startswith("Pemakaian: ")
    assert len(res.stdout.splitlines()) > 4


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None,
                    reason="LibreOffice (soffice) tidak terpasang: apt-get install "
                    "libreoffice-calc-nogui")
def test_the_export_opens_in_libreoffice_with_indonesian_numbers(tmp_path, history):
    out = tmp_path / "riwayat.xlsx"
    cli("riwayat", "--riwayat", history, "--xlsx", out)
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path / 'profil'}", "--headless",
         "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir",
         str(tmp_path / "csv"), str(out)],
        check=True, capture_output=True, timeout=120)
    rows = list(csv.reader((tmp_path / "csv" / "riwayat.csv").open(encoding="utf-8")))
    by_code = {r[0]: r[1:] for r in rows if r and r[0].startswith("S")}
    # what a person sees in Calc: decimal comma, the range as typed, labels as text
    assert by_code["S3.1"] == ["Persentase organisasi kemasyarakatan yang aktif", "%",
                               "80–90", "85,5", "100", "80–90", "85,5", "100"]
    assert by_code["S2.1a"][2:] == ["NA", "", "", "3", "2", "133,33"]
