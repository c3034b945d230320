"""What the chapter reads from the history (pipeline/lkjip/history.py): the window's earlier
years joined through renames, only years before the chapter's, this year's quarters, and
nothing created or written."""

from __future__ import annotations

import pytest

from pipeline import paths
from pipeline.domain.master import parse_master
from pipeline.history import (
    IndicatorRecord,
    RunSnapshot,
    UnitFigure,
    agency_key,
    master_key,
    open_history,
)
from pipeline.lkjip.history import read_earlier

from conftest import folder_digest

SAMPLE = paths.SAMPLE_MASTER.read_text(encoding="utf-8")


def master_2022(old_code: str | None = "S1.0"):
    text = SAMPLE.replace("  tahun: 2021", "  tahun: 2022", 1)
    if old_code:
        text = text.replace("      - kode: S1.1\n",
                            f"      - kode: S1.1\n        kode_lama: {old_code}\n", 1)
    return parse_master(text)


def record(history, master, year: int, figures: dict[str, tuple], period="tahunan",
           other: str | None = None) -> None:
    """figures: Kode -> (achievement, kode_lama, note)."""
    records = tuple(
        IndicatorRecord(key=code, code=code, kind="persentase", name=f"Indikator {code}",
                        target=100, realisation=ach, achievement=ach, kode_lama=old,
                        contributions=(UnitFigure("KETAHANAN", 1, 1, note),))
        for code, (ach, old, note) in figures.items())
    with open_history(history) as h:
        key = agency_key(other) if other else master_key(master)
        h.record(RunSnapshot(key, other or master.agency.name, year, records, period=period))


def test_renamed_indicators_are_followed_and_only_earlier_years_in_the_window(tmp_path):
    history = tmp_path / "riwayat.sqlite"
    m = master_2022()
    record(history, m, 2016, {"S1.0": (10.0, (), "")})  # outside the 5-year window
    record(history, m, 2019, {"S1.0": (70.0, (), ""), "S2.1": (60.0, (), "")})
    record(history, m, 2020, {"S1.0": (80.0, (), "")})
    record(history, m, 2021, {"S1.1": (90.0, ("S1.0",), ""), "S2.1": (95.0, (), "")})
    record(history, m, 2022, {"S1.1": (1.0, (), "")})  # this year: never read back
    before = folder_digest(tmp_path)
    earlier = read_earlier(m, history)
    assert folder_digest(tmp_path) == before  # read only
    assert [(f.year, f.record.achievement) for f in earlier.figures["S1.1"]] == [
        (2019, 70.0), (2020, 80.0), (2021, 90.0)]
    assert [(f.year, f.record.achievement) for f in earlier.figures["S2.1"]] == [
        (2019, 60.0), (2021, 95.0)]
    assert "S3.1" not in earlier.figures
    assert earlier.notes == ()


def test_an_old_code_as_the_newest_key_is_found_by_kode_lama(tmp_path):
    history = tmp_path / "riwayat.sqlite"
    m = master_2022("S1.0")
    record(history, m, 2021, {"S1.0": (88.0, (), "")})
    earlier = read_earlier(m, history)
    assert [(f.year, f.record.key) for f in earlier.figures["S1.1"]] == [(2021, "S1.0")]


def test_quarters_of_the_year_with_their_notes(tmp_path):
    history = tmp_path / "riwayat.sqlite"
    m = master_2022(None)
    record(history, m, 2022, {"S1.1": (50.0, (), "Kendala: A")}, period="TW2")
    record(history, m, 2021, {"S1.1": (50.0, (), "tahun lalu")}, period="TW1")
    earlier = read_earlier(m, history)
    assert [(q.period, q.contributions["S1.1"][0].note) for q in earlier.quarters] == [
        ("TW2", "Kendala: A")]


@pytest.mark.parametrize(
    ("case", "note"),
    [
        ("tidak ada", "riwayat {path} belum ada: tahun-tahun sebelumnya hanya dari "
                      "capaian_tahun_lalu/realisasi_tahun_lalu di master (bila ada), catatan "
                      "triwulan tidak dicetak (catat tahun sebelumnya dengan `iku report` atau "
                      "`iku riwayat impor`)"),
        ("instansi lain", "Badan Kesatuan Bangsa dan Politik Kota Jambi belum tercatat di "
                          "riwayat {path}: tahun-tahun sebelumnya hanya dari capaian_tahun_lalu/"
                          "realisasi_tahun_lalu di master (bila ada)"),
        ("tahun lain", "riwayat {path} tidak memuat tahun 2018–2021 untuk Badan Kesatuan "
                       "Bangsa dan Politik Kota Jambi: tahun-tahun sebelumnya hanya dari "
                       "capaian_tahun_lalu/realisasi_tahun_lalu di master (bila ada)"),
    ],
)
def test_what_is_missing_is_said(tmp_path, case, note):
    history = tmp_path / "riwayat.sqlite"
    m = master_2022(None)
    if case == "instansi lain":
        record(history, m, 2021, {"S1.1": (1.0, (), "")}, other="Dinas Lain")
    elif case == "tahun lain":
        record(history, m, 2015, {"S1.1": (1.0, (), "")})
    earlier = read_earlier(m, history)
    assert earlier.figures == {} or all(not v for v in earlier.figures.values())
    assert earlier.notes == (note.format(path=history),)
    if case == "tidak ada":
        assert not history.exists()
