"""Whatever was built from a period that changed is flagged (issue 18 §7): TW II recorded
again after TW III, TW IV and the year were built leaves all three built from the old TW
II. `history.integrity.stale_periods` lists them with the command that rebuilds each;
`iku riwayat` and every command that touches the year say so (PERINGATAN)."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
from test_quarters_cli import MASTER_TEXT, draw, quarter_inputs

from pipeline.domain.master import parse_master
from pipeline.history import master_key, open_history
from pipeline.history.integrity import stale_periods

from conftest import cli

STALE_TW3 = ("Triwulan III 2021 (versi 1) dibuat dari angka yang sudah berubah (Triwulan II "
             "2021 versi 1, kini versi 2); buat ulang: iku report --triwulan 3 -i <folder "
             "isian TW III>")
STALE_TW4 = ("Triwulan IV 2021 (versi 1) dibuat dari angka yang sudah berubah (Triwulan II "
             "2021 versi 1, kini versi 2); buat ulang: iku report --triwulan 4 -i <folder "
             "isian TW IV>")
STALE_YEAR = ("laporan tahunan 2021 (versi 1) dibuat dari angka yang sudah berubah "
              "(Triwulan II 2021 versi 1, kini versi 2); buat ulang: iku report "
              "--dari-triwulan")



def flat(text: str) -> str:
    """The output with rich's line wrapping undone."""
    return " ".join(text.split())


def warnings(text: str) -> list[str]:
    return [flat(w) for w in re.findall(r"PERINGATAN: (.*?)(?=\nPERINGATAN: |\n[^ ]|\Z)",
                                        text, re.DOTALL)]


@pytest.fixture
def year(tmp_path):
    """TW I-IV and the year from them recorded; returns (master, history, figures)."""
    master = tmp_path / "master.yaml"
    master.write_text(MASTER_TEXT, encoding="utf-8")
    history = tmp_path / "riwayat.sqlite"
    figures = draw(17)
    for n in (1, 2, 3, 4):
        inputs = quarter_inputs(tmp_path / "awal", master, n, figures[n], history)
        cli("report", "-c", master, "--triwulan", n, "-i", inputs, "--out",
            tmp_path / f"tw{n}.docx", "--riwayat", history)
    cli("report", "-c", master, "--dari-triwulan", "--out", tmp_path / "tahun.docx",
        "--riwayat", history)
    return master, history, figures


def stale(history: Path) -> list:
    with open_history(history, create=False) as h:
        return stale_periods(h, master_key(parse_master(MASTER_TEXT)), 2021)


def rerecord_tw2(tmp: Path, master: Path, history: Path, figures, name: str = "ulang"):
    inputs = quarter_inputs(tmp / name, master, 2, figures, history)
    for path in inputs.glob("*.xlsx"):  # saved again by someone: other bytes, same figures
        # (openpyxl stamps its save time in whole seconds: two saves in the same second
        # would give the same bytes, and the test then depended on the clock)
        book = openpyxl.load_workbook(path)
        book.properties.lastModifiedBy = f"disimpan ulang ({name})"
        book.save(path)
    return cli("report", "-c", master, "--triwulan", 2, "-i", inputs, "--out",
               tmp / f"tw2_{name}.docx", "--riwayat", history)


def test_nothing_is_stale_until_a_period_changes(year, tmp_path):
    master, history, figures = year
    assert stale(history) == []
    # TW II recorded again from workbooks saved again with the same figures: a new
    # version, but nothing was built from other figures
    result = rerecord_tw2(tmp_path, master, history, figures[2], "sama")
    assert "dicatat sebagai versi 2" in result.stdout
    assert stale(history) == []


def test_a_changed_quarter_flags_what_was_built_from_it(year, tmp_path):
    master, history, figures = year
    changed = dict(figures[2])
    key = next(k for k, v in changed.items() if v[1] is not None)
    changed[key] = (changed[key][0] + 1, changed[key][1] + 2)
    rerecord_tw2(tmp_path, master, history, changed)
    found = stale(history)
    assert [(s.period, s.version, [(c.period, c.used, c.now) for c in s.changed])
            for s in found] == [("TW3", 1, [("TW2", 1, 2)]), ("TW4", 1, [("TW2", 1, 2)]),
                                ("tahunan", 1, [("TW2", 1, 2)])]
    assert [s.text() for s in found] == [STALE_TW3, STALE_TW4, STALE_YEAR]
    shown = cli("riwayat", "-c", master, "--riwayat", history, "--versi", 2021).stdout
    assert warnings(shown) == [STALE_TW3, STALE_TW4, STALE_YEAR]
    assert warnings(cli("riwayat", "-c", master, "--riwayat", history).stdout) == [
        STALE_TW3, STALE_TW4, STALE_YEAR]
    # the next command touching the year says what is stale, but not what it rebuilds
    inputs = quarter_inputs(tmp_path / "tw3", master, 3, figures[3], history)
    result = cli("report", "-c", master, "--triwulan", 3, "-i", inputs, "--out",
                 tmp_path / "tw3_baru.docx", "--riwayat", history)
    assert [w for w in warnings(result.stderr) if "›" not in w] == [STALE_TW4, STALE_YEAR]
    assert "Riwayat: angka Triwulan III 2021 dicatat sebagai versi 2" in result.stdout
    # TW IV and the year were built from TW II and TW III as they were: both changed since
    # (TW III's own figures did not, its year so far did)
    assert [(s.period, [(c.period, c.used, c.now) for c in s.changed])
            for s in stale(history)] == [("TW4", [("TW2", 1, 2), ("TW3", 1, 2)]),
                                         ("tahunan", [("TW2", 1, 2), ("TW3", 1, 2)])]
    inputs = quarter_inputs(tmp_path / "tw4", master, 4, figures[4], history)
    cli("report", "-c", master, "--triwulan", 4, "-i", inputs, "--out",
        tmp_path / "tw4_baru.docx", "--riwayat", history)
    result = cli("report", "-c", master, "--dari-triwulan", "--out",
                 tmp_path / "tahun_baru.docx", "--riwayat", history)
    assert "PERINGATAN" not in result.stderr
    assert "Riwayat: angka tahun 2021 dicatat sebagai versi 2" in result.stdout
    assert stale(history) == []


def test_locking_a_stale_year_says_so(year, tmp_path):
    master, history, figures = year
    changed = dict(figures[2])
    key = next(iter(changed))
    changed[key] = (changed[key][0] + 3, changed[key][1])
    rerecord_tw2(tmp_path, master, history, changed)
    result = cli("kunci", "-c", master, "--riwayat", history)
    lines = warnings(result.stderr)
    assert lines[-1] == (STALE_YEAR + " --buka-kunci (tahun 2021 terkunci: laporan yang "
                         "ditandatangani tetap memakai angka lama; buka kunci hanya bila "
                         "memang harus diperbarui)")
    assert "dikunci pada versi 1" in result.stdout


def test_last_year_recorded_again_makes_this_year_stale(tmp_path):
    """The yearly report prints last year's capaian: 2020 recorded again with other figures
    after 2021 was built leaves 2021 built from the old 2020."""
    from pipeline.workbook.sample import fill_workbook

    history = tmp_path / "riwayat.sqlite"
    masters = {}
    for year in (2020, 2021):
        text = MASTER_TEXT.replace("  tahun: 2021", f"  tahun: {year}", 1)
        masters[year] = tmp_path / f"m{year}.yaml"
        masters[year].write_text(text, encoding="utf-8")

    def build(year: int, x1: int, name: str) -> None:
        blank, inputs = tmp_path / f"blank{name}", tmp_path / f"isian{name}"
        cli("templates", "-c", masters[year], "--out", blank, "--riwayat", history)
        inputs.mkdir()
        for path in blank.glob("*.xlsx"):
            unit = path.stem.rsplit("_", 1)[1]
            values = {ind.code: (x1, 10) if ind.kind.value == "persentase" else (x1, None)
                      for ind in parse_master(MASTER_TEXT).indicators
                      if unit in ind.reporting_units}
            fill_workbook(path, values, inputs / path.name)
        cli("report", "-c", masters[year], "-i", inputs, "--out", tmp_path / f"{name}.docx",
            "--riwayat", history)

    build(2020, 5, "a")
    build(2021, 6, "b")
    assert stale(history) == []
    build(2020, 7, "c")  # 2020 again, other figures
    (found,) = stale(history)
    assert found.text() == (
        "laporan tahunan 2021 (versi 1) dibuat dari angka yang sudah berubah (laporan "
        "tahunan 2020 versi 1, kini versi 2); buat ulang: iku report -i <folder isian "
        "tahunan>")
