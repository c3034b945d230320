"""`iku serve` in a real browser: Debian's Chromium headless, driven by Playwright, against
a real `iku serve` started in a subprocess on 127.0.0.1 with a free port.

The previews in docs/preview/ (web_unit_galat.png, web_unit_diterima.png,
web_sekretariat.png) are written by this test when asked:

    IKU_PREVIEW=1 .venv/bin/python -m pytest tests/test_web_browser.py
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import docx
import pytest

from conftest import table_texts
from web_support import ROOT, ServeProcess, filled

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PREVIEW = ROOT / "docs" / "preview"


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (pip install playwright)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--headless=new", "--disable-gpu", "--disable-dev-shm-usage"])
        yield browser
        browser.close()


def _shot(page, tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    page.screenshot(path=str(path), full_page=True)
    assert path.read_bytes().startswith(b"\x89PNG")
    if os.environ.get("IKU_PREVIEW"):
        shutil.copyfile(path, PREVIEW / name)


def test_a_unit_uploads_fixes_and_the_secretariat_builds_the_report(browser, master,
                                                                   tmp_path):
    with ServeProcess("--data", str(tmp_path / "data")) as served:
        context = browser.new_context(viewport={"width": 1150, "height": 900},
                                      accept_downloads=True, locale="id-ID")
        page = context.new_page()
        page.set_default_timeout(60_000)

        # the unit opens its link and downloads its blank workbook
        page.goto(served.units["POLITIK"])
        assert master.unit("POLITIK").name in page.inner_text("header h1")
        with page.expect_download() as download:
            page.click("#templat")
        assert download.value.suggested_filename == "Isian_IKU_2021_POLITIK.xlsx"
        blank = tmp_path / "unduhan.xlsx"
        download.value.save_as(blank)

        # a bad workbook: the GALAT line with its cell, the cell shown in context
        bad = filled(master, tmp_path, "POLITIK", {"S2.1": (3, 4), "S4.1": ("tujuh", 8)},
                     name="Isian POLITIK.xlsx")
        page.set_input_files("input[name=berkas]", str(bad))
        page.click("#unggah button[type=submit]")
        page.wait_for_selector("#galat")
        line = page.inner_text("#masalah .line.galat")
        assert line.startswith("GALAT: Isian POLITIK.xlsx › Isian!E10: x1 berisi teks 'tujuh'")
        assert page.inner_text("table.ctx td.here") == "tujuh"
        assert page.is_visible("#salinan")
        _shot(page, tmp_path, "web_unit_galat.png")

        # the fixed one: Diterima, the figures and their realisasi
        good = filled(master, tmp_path, "POLITIK", {"S2.1": (3, 4), "S4.1": (7, 8)},
                      name="Isian POLITIK diperbaiki.xlsx")
        page.set_input_files("input[name=berkas]", str(good))
        page.click("#unggah button[type=submit]")
        page.wait_for_selector("#diterima")
        assert page.inner_text("#diterima") == "Diterima"
        rows = page.locator("#angka tr")
        assert rows.nth(2).inner_text().split("\t")[2:5] == ["7", "8", "87,5%"]  # 7/8
        _shot(page, tmp_path, "web_unit_diterima.png")

        # the other units, each through its own link
        figures = {"IDEOLOGI": {"S2.1": (1, 4)},
                   "KETAHANAN": {"S1.1": (9, 10), "S2.1": (2, 4), "S3.1": (1, 4)}}
        for unit, values in figures.items():
            page.goto(served.units[unit])
            page.set_input_files("input[name=berkas]",
                                 str(filled(master, tmp_path, unit, values)))
            page.click("#unggah button[type=submit]")
            page.wait_for_selector("#diterima")

        # the secretariat: every unit accepted, the report built and downloaded
        page.goto(served.secretariat)
        for unit in ("POLITIK", "IDEOLOGI", "KETAHANAN"):
            assert "diterima" in page.inner_text(f"#unit-{unit}")
        assert "POLITIK" in page.inner_text("#unit-POLITIK") and "versi 2" in page.inner_text(
            "#unit-POLITIK")
        assert page.inner_text("#buat") == "Buat laporan IKU"
        page.click("#buat")
        page.wait_for_selector("#pesan", timeout=180_000)
        assert page.inner_text("#pesan").startswith(
            "Laporan IKU dan Capaian IKU Tahun 2021 dibuat (final)")
        with page.expect_download() as download:
            page.click("#unduh-docx")
        report = tmp_path / "laporan.docx"
        download.value.save_as(report)
        _shot(page, tmp_path, "web_sekretariat.png")
        context.close()
        code, _, err = served.stop()
    assert code == 0, err

    document = docx.Document(report)
    (rpjmd,) = [t for t in table_texts(document)
                if any("ANGKA AWAL" in c.upper() for r in t[:3] for c in r)]
    # S2.1 = (3+1+2)/(4+4+4) = 50%; S1.1 = 9/10 = 90%; S3.1 = 1/4 = 25%; S4.1 = 7/8 = 87,5%
    expected = {"S1.1": "90%", "S2.1": "50%", "S3.1": "25%", "S4.1": "87,5%"}
    for ind in master.indicators:
        (row,) = [r for r in rpjmd if r[2] == ind.name]
        assert row[6] == expected[ind.code], (ind.code, row)
