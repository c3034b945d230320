"""`iku tahun-baru`: next year's master differs from this year's only in the lines it must
change; everything else (comments, key order, quoting, null spelling) stays byte for byte.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib

import pytest

from pipeline import paths
from pipeline.domain.master import load_master
from pipeline.history.newyear import next_year

from conftest import run_cli

SAMPLE = paths.SAMPLE_MASTER


def cli(*args, code=0):
    result = run_cli(*args)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == code, (result.stdout, result.stderr)
    return result


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def changed_lines(old: str, new: str) -> list[tuple[str, str]]:
    a, b = old.splitlines(), new.splitlines()
    assert len(a) == len(b)
    return [(x, y) for x, y in zip(a, b, strict=True) if x != y]


def test_the_sample_master_changes_only_in_those_lines(tmp_path):
    out = tmp_path / "master_2022.yaml"
    before = digest(SAMPLE)
    res = cli("tahun-baru", "-c", SAMPLE, "--out", out)
    assert res.stdout.splitlines() == [
        f"Master tahun 2022 ditulis: {out}",
        "capaian_tahun_lalu/realisasi_tahun_lalu dikosongkan pada 4 indikator (S1.1, S2.1, "
        "S3.1, S4.1): nilainya diambil dari riwayat.",
        "Periksa sebelum dipakai: target tiap indikator (juga target triwulan), unit, "
        "penandatangan, tanggal laporan, tanggal PK dan anggaran.",
    ]
    assert res.stderr == ""
    assert digest(SAMPLE) == before
    old, new = SAMPLE.read_text(encoding="utf-8"), out.read_text(encoding="utf-8")
    assert changed_lines(old, new) == [
        ("  tahun: 2021", "  tahun: 2022"),
        ("  tanggal_laporan: 2022-01-31", "  tanggal_laporan: 2023-01-31"),
    ] + [("        capaian_tahun_lalu: 100", "        capaian_tahun_lalu: null")] * 4
    diff = list(difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=0))
    assert len([d for d in diff if d.startswith("+") and not d.startswith("+++")]) == 6
    master = load_master(out)
    assert master.agency.year == 2022
    assert master.agency.report_date == dt.date(2023, 1, 31)
    assert [i.previous_achievement for i in master.indicators] == [None] * 4
    assert load_master(SAMPLE).model_dump(exclude={"agency", "sasaran"}) == \
        master.model_dump(exclude={"agency", "sasaran"})


def test_an_existing_output_is_never_overwritten(tmp_path):
    out = tmp_path / "master_2022.yaml"
    out.write_text("sudah ada\n", encoding="utf-8")
    res = cli("tahun-baru", "-c", SAMPLE, "--out", out, code=2)
    assert res.stderr == (f"GALAT: {out} sudah ada; tahun-baru tidak menimpa berkas. Pilih "
                          "nama lain untuk --out atau pindahkan berkas itu dulu\n")
    assert out.read_text(encoding="utf-8") == "sudah ada\n"
    assert [p.name for p in tmp_path.iterdir()] == ["master_2022.yaml"]  # no temporary left


def test_a_broken_master_is_reported_against_itself(tmp_path):
    bad = tmp_path / "master.yaml"
    bad.write_text(SAMPLE.read_text(encoding="utf-8").replace("tahun: 2021", "tahun: dua"),
                   encoding="utf-8")
    res = cli("tahun-baru", "-c", bad, "--out", tmp_path / "baru.yaml", code=1)
    line = bad.read_text(encoding="utf-8").splitlines().index("  tahun: dua") + 1
    assert res.stderr.startswith(f"GALAT: {bad} baris {line} › instansi.tahun: harus "
                                 "bilangan bulat")
    assert not (tmp_path / "baru.yaml").exists()


def test_29_february_and_windows_line_ends(tmp_path):
    src = tmp_path / "master.yaml"
    text = SAMPLE.read_text(encoding="utf-8").replace("tanggal_laporan: 2022-01-31",
                                                      "tanggal_laporan: 2024-02-29")
    src.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    out = tmp_path / "baru.yaml"
    cli("tahun-baru", "-c", src, "--out", out)
    raw = out.read_bytes()
    assert raw.count(b"\r\n") == raw.count(b"\n")  # every line end kept as CRLF
    assert changed_lines(src.read_bytes().decode(), raw.decode())[1] == (
        "  tanggal_laporan: 2024-02-29", "  tanggal_laporan: 2025-02-28")
    assert load_master(out).agency.report_date == dt.date(2025, 2, 28)


PER_YEAR = """\
instansi:
  tahun: 2021  # tahun laporan
  tanggal_laporan: "2022-01-31"
sasaran:
  - no: 1
    indikator:
      - kode: A
        capaian_tahun_lalu: 95.5  # dari LKjIP 2020
        target: {2021: 90, 2022: 92}
      - kode: B
        capaian_tahun_lalu:
        angka_awal_rpjmd: ~
        target:
          2020: 1
          2021: 2  # dua
      - kode: C
        capaian_tahun_lalu: null
        realisasi_tahun_lalu: 12
        target: [80, 90]
"""


def test_per_year_targets_are_kept_and_a_missing_year_warned():
    new = next_year(PER_YEAR)
    assert new.year == 2022 and new.cleared == ("A", "C")
    assert new.warnings == ("indikator B: `target` per tahun (2020, 2021) tidak memuat tahun "
                            "2022; isi `target` untuk 2022 di master baru",)
    assert changed_lines(PER_YEAR, new.text) == [
        ("  tahun: 2021  # tahun laporan", "  tahun: 2022  # tahun laporan"),
        ('  tanggal_laporan: "2022-01-31"', '  tanggal_laporan: "2023-01-31"'),
        ("        capaian_tahun_lalu: 95.5  # dari LKjIP 2020",
         "        capaian_tahun_lalu: null  # dari LKjIP 2020"),
        ("        realisasi_tahun_lalu: 12", "        realisasi_tahun_lalu: null"),
    ]


def test_a_new_master_missing_a_years_target_is_written_with_a_warning(tmp_path,
                                                                        monkeypatch):
    """With per-year targets the new master may not load until the new year's target is
    filled in: it is written all the same, and the loader's message is a PERINGATAN."""
    from pipeline.errors import MasterError
    from pipeline.history import newyear

    def refuse(text, source):
        raise MasterError(f"{source} baris 9 › sasaran[0].indikator[0].target: target untuk "
                          "tahun 2022 tidak ada")

    def lacking(text, source="<master>"):
        result = next_year(text, source)
        return newyear.NewYear(result.text, result.year, result.cleared,
                               ("indikator S1.1: target per tahun (2021) tidak memuat tahun "
                                "2022; isi `target` untuk 2022 di master baru",))

    monkeypatch.setattr(newyear, "parse_master", refuse)
    monkeypatch.setattr(newyear, "next_year", lacking)
    out = tmp_path / "baru.yaml"
    res = cli("tahun-baru", "-c", SAMPLE, "--out", out)
    assert res.stderr.splitlines() == [
        "PERINGATAN: indikator S1.1: target per tahun (2021) tidak memuat tahun 2022; isi "
        "`target` untuk 2022 di master baru",
        f"PERINGATAN: master baru belum dapat dipakai sebelum diperbaiki: {out} baris 9 › "
        "sasaran[0].indikator[0].target: target untuk tahun 2022 tidak ada",
    ]
    assert out.exists()


@pytest.mark.parametrize("text, message", [
    ("sasaran: []\n", "<master>: instansi.tahun tidak ditemukan atau bukan angka tahun"),
    ("instansi:\n  tahun: 2021\n  tanggal_laporan: besok\n",
     "<master>: instansi.tanggal_laporan 'besok' bukan tanggal TTTT-BB-HH"),
    ("instansi: [\n", "<master>: format YAML tidak sah"),
])
def test_next_year_refuses_what_it_cannot_read(text, message):
    from pipeline.errors import MasterError

    with pytest.raises(MasterError) as exc:
        next_year(text)
    assert str(exc.value).startswith(message)


def test_the_pk_date_moves_a_year_and_last_years_spending_is_cleared(tmp_path):
    """Issue 22: the Perjanjian Kinerja's date moves with the year; each program's
    realisasi (last year's spending) is cleared, its pagu and keterangan kept to review."""
    master = paths.INPUT_TEMPLATES / "master" / "contoh" / "dinkes_provinsi_lampung_2015.yaml"
    out = tmp_path / "master_2016.yaml"
    cli("tahun-baru", "-c", master, "--out", out)
    pairs = changed_lines(master.read_text(encoding="utf-8"), out.read_text(encoding="utf-8"))
    assert ("  tanggal_pk: 2015-01-15", "  tanggal_pk: 2016-01-15") in pairs
    assert [p for p in pairs if "realisasi:" in p[0]] == [
        ("        realisasi: 3987500000", "        realisasi: null"),
        ('        realisasi: "1.490.250.000"', "        realisasi: null"),
        ("        realisasi: 915750000", "        realisasi: null")]
    new = load_master(out)
    assert new.agency.pk_date == dt.date(2016, 1, 15)
    assert [(b.ceiling, b.spent, b.note) for s in new.sasaran for b in s.budget] == [
        (4250e6, None, "APBD"), (1575.5e6, None, "APBD dan DAK"), (980e6, None, "")]


@pytest.mark.parametrize("example", sorted((paths.INPUT_TEMPLATES / "master" / "contoh")
                                           .glob("*.yaml")), ids=lambda p: p.stem)
def test_every_example_master_gets_its_next_year(example, tmp_path):
    """Never a bug (exit 3): a value given per year without the new year (a per-year
    ``target`` or ``target_triwulan``) is a PERINGATAN naming the key, and the new master is
    written for the secretariat to complete."""
    out = tmp_path / "baru.yaml"
    res = cli("tahun-baru", "-c", example, "--out", out)
    assert out.is_file()
    data = next_year(example.read_text(encoding="utf-8"))
    assert data.year == load_master(example).agency.year + 1
    for warning in data.warnings:
        assert f"PERINGATAN: {warning}" in res.stderr
