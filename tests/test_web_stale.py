"""Stale periods on the secretariat's page (issue 18 §7): what was built from a quarter
recorded again since is listed with the command that rebuilds it, and the report button
says beforehand when what it would build from changed: an earlier quarter that is itself
stale, or one recorded again while the page runs (its workbooks and checks still hold the
figures read at start). The quarters are recorded through the CLI, as a secretariat
would; the page reads the history only."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient
from test_quarters_cli import draw, quarter_inputs
from test_stale_periods import MASTER_TEXT, STALE_TW3, cli, rerecord_tw2

from pipeline.domain.master import parse_master
from pipeline.web import reports
from pipeline.web.app import create_app
from pipeline.web.site import open_site

from web_support import csrf_of, lines, text_of

MASTER = parse_master(MASTER_TEXT)


@pytest.fixture(autouse=True)
def _no_pdf(monkeypatch):
    monkeypatch.setattr(reports, "pdf_available", lambda: False)


@pytest.fixture
def recorded(tmp_path):
    """A master file and a history with TW I and TW II recorded; the figures drawn."""
    master = tmp_path / "master.yaml"
    master.write_text(MASTER_TEXT, encoding="utf-8")
    history = tmp_path / "riwayat.sqlite"
    figures = draw(17)
    for n in (1, 2):
        record(tmp_path, master, history, n, figures[n])
    return master, history, figures


def record(tmp, master, history, n, figures) -> None:
    inputs = quarter_inputs(tmp / f"awal_{n}", master, n, figures, history)
    cli("report", "-c", master, "--triwulan", n, "-i", inputs, "--out", tmp / f"tw{n}.docx",
        "--riwayat", history)


def changed(figures: dict) -> dict:
    out = dict(figures)
    key = next(k for k, v in out.items() if v[1] is not None)
    out[key] = (out[key][0] + 1, out[key][1] + 2)
    return out


def section(page: str, name: str) -> list[str]:
    """The PERINGATAN lines of the element with id ``name`` ([] when it is absent)."""
    if f'id="{name}"' not in page:
        return []
    return lines(page.split(f'id="{name}"', 1)[1].split("</section>")[0])


def secretariat_page(site) -> str:
    with TestClient(create_app(site)) as client:
        return client.get(f"/s/{site.tokens.secretariat}").text


def test_the_secretariat_sees_stale_periods_and_the_button_says_what_it_builds_from(
        recorded, tmp_path):
    master, history, figures = recorded
    record(tmp_path, master, history, 3, figures[3])
    annual = open_site(MASTER, tmp_path / "tahunan", history=history)
    assert section(secretariat_page(annual), "dibuat-ulang") == []  # nothing stale yet
    rerecord_tw2(tmp_path, master, history, changed(figures[2]))  # TW III built from old TW II

    # the year's page lists it, with the command that rebuilds it
    assert section(secretariat_page(annual), "dibuat-ulang") == [f"PERINGATAN: {STALE_TW3}"]
    # TW III's own page: its button is the way to rebuild it
    tw3 = open_site(MASTER, tmp_path / "tw3", quarter=3, history=history)
    page = secretariat_page(tw3)
    assert section(page, "dibuat-ulang") == [
        f'PERINGATAN: {STALE_TW3}. Di halaman ini: tekan tombol "Buat laporan Triwulan III" di '
        "bawah"]
    assert section(page, "sebelum-membuat") == []  # it builds from TW I and TW II as now
    # TW IV's page: its report would read a stale TW III
    tw4 = open_site(MASTER, tmp_path / "tw4", quarter=4, history=history)
    with TestClient(create_app(tw4)) as client:
        url = f"/s/{tw4.tokens.secretariat}"
        page = client.get(url).text
        assert section(page, "dibuat-ulang") == [f"PERINGATAN: {STALE_TW3}"]
        before = ("PERINGATAN: TW III 2021 tercatat dari angka yang sudah berubah sejak "
                  "dibuat; laporan Triwulan IV ini memakai angka TW I–III yang tercatat "
                  "sekarang. Buat ulang dulu laporan TW III (iku report --triwulan 3 -i "
                  "<folder isian TW III>) agar laporan triwulan tahun ini sejalan")
        assert section(page, "sebelum-membuat") == [before]
        # ... and its build says the runner's own warning after building
        built = client.post(f"{url}/laporan", data={"csrf": csrf_of(client, url)})
        assert built.status_code == 200, text_of(built.text)[:1000]
        assert "dibuat (DRAFT)" in text_of(built.text)
        after = lines(built.text.split('id="catatan-laporan"', 1)[1].split("</div></div>")[0])
        assert f"PERINGATAN: {STALE_TW3}" in after


def test_a_quarter_recorded_again_while_the_page_runs_is_said_before_building(recorded,
                                                                               tmp_path):
    master, history, figures = recorded
    site = open_site(MASTER, tmp_path / "tw3", quarter=3, history=history)
    page = secretariat_page(site)
    assert section(page, "sebelum-membuat") == [] and 'id="dibuat-ulang"' not in page
    rerecord_tw2(tmp_path, master, history, figures[2], "sama")  # the same figures again
    assert section(secretariat_page(site), "sebelum-membuat") == []
    rerecord_tw2(tmp_path, master, history, changed(figures[2]))
    (line,) = section(secretariat_page(site), "sebelum-membuat")
    assert re.sub(r"kini versi \d+", "kini versi N", line) == (
        "PERINGATAN: angka TW II 2021 di riwayat berubah sejak halaman ini dijalankan (versi "
        "1, kini versi N): templat yang diunduh unit dan pemeriksaan di halaman ini masih "
        "memakai angka lama, sedangkan laporan memakai angka baru. Hentikan halaman ini "
        "(Ctrl+C) dan jalankan lagi iku serve --triwulan 3 sebelum membuat laporan")
    # started again, the page reads the new figures: nothing to say
    again = open_site(MASTER, tmp_path / "tw3", quarter=3, history=history)
    assert section(secretariat_page(again), "sebelum-membuat") == []


def test_an_unreadable_history_is_said_and_the_page_still_answers(recorded, tmp_path):
    _, history, _ = recorded
    site = open_site(MASTER, tmp_path / "tw3", quarter=3, history=history)
    history.write_bytes(b"bukan basis data SQLite" * 100)
    page = secretariat_page(site)
    (line,) = section(page, "dibuat-ulang")
    assert re.match(rf"PERINGATAN: riwayat {re.escape(str(history))} tidak dapat dibaca \(",
                    line), line
