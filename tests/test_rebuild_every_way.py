"""Every way a year can be built is reprinted byte for byte from the history (issue 18 §5):
`iku report --dari-riwayat` of a year built from its units' workbooks, from its four
quarters (`--dari-triwulan`: the Keterangan lines "(akumulasi triwulan)" come from the
history), with the history appendix and last year's figures, and by `iku report --all`."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from test_quarters_cli import MASTER_TEXT, draw, quarter_inputs

from conftest import cli

APPENDIX = "\n  bagian_riwayat: true\n"



def _quarters(tmp: Path, master: Path, history: Path, seed: int) -> None:
    figures = draw(seed)
    for n in (1, 2, 3, 4):
        inputs = quarter_inputs(tmp / f"q{seed}", master, n, figures[n], history)
        cli("report", "-c", master, "--triwulan", n, "-i", inputs, "--out",
            tmp / f"tw{n}_{seed}.docx", "--riwayat", history)


def _master(tmp: Path, year: int, appendix: bool) -> Path:
    text = MASTER_TEXT.replace("  tahun: 2021", f"  tahun: {year}", 1).replace(
        "tanggal_laporan: 2022-01-31", f"tanggal_laporan: {year + 1}-01-31", 1)
    if appendix:
        assert "\npengaturan:\n" in text
        text = text.replace("\npengaturan:\n", "\npengaturan:" + APPENDIX, 1)
    path = tmp / f"master_{year}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("appendix", [False, True], ids=["polos", "lampiran"])
def test_a_year_from_its_quarters_is_reprinted_exactly(tmp_path, appendix):
    history = tmp_path / "riwayat.sqlite"
    if appendix:  # an earlier year built the same way, for the appendix and last year
        _quarters(tmp_path, _master(tmp_path, 2020, appendix), history, 7)
        cli("report", "-c", _master(tmp_path, 2020, appendix), "--dari-triwulan", "--out",
            tmp_path / "y2020.docx", "--riwayat", history)
    master = _master(tmp_path, 2021, appendix)
    _quarters(tmp_path, master, history, 11)
    year = tmp_path / "tahun.docx"
    cli("report", "-c", master, "--dari-triwulan", "--out", year, "--riwayat", history)
    text = "\n".join(c.text for t in docx.Document(year).tables for r in t.rows
                     for c in r.cells)
    assert text.count("(akumulasi triwulan)") >= 4
    if appendix:
        assert "LAMPIRAN" in "\n".join(p.text for p in docx.Document(year).paragraphs)
    cli("kunci", "-c", master, "--riwayat", history)
    rebuilt = tmp_path / "cetak_ulang.docx"
    cli("report", "-c", master, "--dari-riwayat", "--out", rebuilt, "--riwayat", history)
    assert rebuilt.read_bytes() == year.read_bytes()


def test_every_agency_of_a_city_is_reprinted_exactly(tmp_path):
    root = tmp_path / "kota"
    cli("synth", "--agencies", "2", "--units", "2", "--indicators", "5", "--out", root)
    history, out = tmp_path / "kota.sqlite", tmp_path / "hasil"
    cli("report", "--all", root, "--out", out, "--riwayat", history, "--jobs", "1")
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        (report,) = out.glob(f"Laporan_IKU_*_{folder.name}.docx")
        rebuilt = tmp_path / f"{folder.name}.docx"
        cli("report", "-c", folder / "master.yaml", "--dari-riwayat", "--out", rebuilt,
            "--riwayat", history)
        assert rebuilt.read_bytes() == report.read_bytes(), folder.name
