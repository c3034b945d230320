"""The pages say what the period they serve is (issue 18 §10): every page of the year-end
collection and of each quarter's (`iku serve --triwulan N`), read as a unit and as the
secretariat would, holds the words of its period and none of another's.

Before: a quarter's pages said this version knew no quarterly templates or reports, the
download button named the yearly workbook while it served the TW N file, the unit page
asked for "Catatan" where the quarterly workbook has Kendala and Tindak lanjut, and the
combined check told the secretariat to put files in a folder. The words asked for are
checked against the workbook the page hands out (its header row and its metadata), read
back with openpyxl.
"""

from __future__ import annotations

import re

import openpyxl
import pytest
from starlette.testclient import TestClient
from test_quarters_cli import MASTER_TEXT

from pipeline.domain import spec
from pipeline.domain.master import parse_master
from pipeline.web import reports
from pipeline.web.app import create_app
from pipeline.web.site import open_site
from pipeline.workbook.sample import fill_workbook, seed_values

from web_support import lines, text_of, upload

YEAR = 2021
ROMAN = ("I", "II", "III", "IV")
MONTHS = ("Januari–Maret", "April–Juni", "Juli–September", "Oktober–Desember")
# the Sekretariat's only indicator is measured in TW IV: nothing to send in TW I-III
TEXT = MASTER_TEXT.replace("        unit_pelapor: [SEKRETARIAT]\n",
                           "        unit_pelapor: [SEKRETARIAT]\n        diukur_triwulan: [4]\n",
                           1)
assert TEXT != MASTER_TEXT
WRONG_EVERYWHERE = ("belum mengenal", "belum dapat dibuat", "folder isian", "letakkan",
                    "aturan yang sama dengan isian tahunan")


@pytest.fixture(scope="module")
def master():
    return parse_master(TEXT)


@pytest.fixture(scope="module", params=[None, 1, 2, 3, 4], ids=lambda q: f"TW{q}" if q
                else "tahunan")
def pages(request, master, tmp_path_factory):
    """Every page of one collection as a person sees it: a unit's page, its blank
    workbook, an accepted and a refused upload, the secretariat's page and a version
    seen from there. Nothing but POLITIK has sent anything."""
    quarter = request.param
    tmp = tmp_path_factory.mktemp(f"tw{quarter or 0}")
    mp = pytest.MonkeyPatch()
    mp.setattr(reports, "pdf_available", lambda: False)
    site = open_site(master, tmp / "data", quarter=quarter)
    unit = f"/u/{site.tokens.units['POLITIK']}"
    secretariat = f"/s/{site.tokens.secretariat}"
    out = {"quarter": quarter, "site": site}
    try:
        with TestClient(create_app(site)) as client:
            out["unit"] = client.get(unit).text
            blank = client.get(f"{unit}/templat")
            assert blank.status_code == 200
            out["disposition"] = blank.headers["content-disposition"]
            out["blank"] = tmp / "blank.xlsx"
            out["blank"].write_bytes(blank.content)
            values = {code: value for code, value in seed_values(master, "POLITIK").items()}
            good, bad = tmp / "Isian_baik.xlsx", tmp / "Isian_salah.xlsx"
            fill_workbook(out["blank"], values, good)
            fill_workbook(out["blank"], {**values, "S4.1": ("?", 12)}, bad)
            sent = upload(client, unit, good)
            assert sent.status_code == 303, text_of(sent.text)[:2000]
            out["accepted"] = client.get(sent.headers["location"]).text
            assert 'id="diterima"' in out["accepted"], text_of(out["accepted"])[:3000]
            sent = upload(client, unit, bad)
            out["refused"] = client.get(sent.headers["location"]).text
            assert 'id="galat"' in out["refused"]
            out["secretariat"] = client.get(secretariat).text
            out["seen"] = client.get(f"{secretariat}/unit/POLITIK/versi/1").text
    finally:
        mp.undo()
    return out


def _texts(pages) -> dict[str, str]:
    """The pages' own words: without the cells read back from a workbook (around a
    problem), which show the workbook's headings (a TW IV workbook has x1 TW I …)."""
    return {name: text_of(re.sub(r'<table class="ctx">.*?</table>', "", pages[name],
                                 flags=re.S))
            for name in ("unit", "accepted", "refused", "secretariat", "seen")}


def _header(path) -> list[str]:
    sheet = openpyxl.load_workbook(path)["Isian"]
    return [c.value for c in sheet[spec.HEADER_ROW + 1] if c.value]


def _metadata(path) -> dict:
    sheet = openpyxl.load_workbook(path)[spec.META_SHEET]
    return {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row[0]}


def test_every_page_names_its_period_and_no_other(pages):
    quarter = pages["quarter"]
    for name, text in _texts(pages).items():
        for wrong in WRONG_EVERYWHERE:
            assert wrong not in text, (name, wrong)
        if quarter is None:
            assert f"Isian IKU Tahun {YEAR}" in text, name
            assert "Triwulan" not in text and not re.search(r"\bTW\b", text), name
            continue
        tw = f"TW {ROMAN[quarter - 1]}"
        assert f"Isian IKU Triwulan {ROMAN[quarter - 1]} Tahun {YEAR}" in text, name
        assert (f"Pengumpulan isian Triwulan {ROMAN[quarter - 1]} ({MONTHS[quarter - 1]}) "
                f"tahun {YEAR}. Setiap unit mengunduh templat {tw}") in text, name
        assert f"Isian IKU Tahun {YEAR}" not in text and "tahunan" not in text, name
        for other in set(range(1, 5)) - {quarter}:
            found = re.search(rf".{{200}}(Triwulan|TW) {ROMAN[other - 1]}\b.{{100}}", text)
            assert not found, (name, other, found and found[0])


def test_the_unit_page_asks_for_what_the_workbook_it_hands_out_has(pages):
    quarter, site = pages["quarter"], pages["site"]
    text = text_of(pages["unit"])
    header, meta = _header(pages["blank"]), _metadata(pages["blank"])
    if quarter is None:
        name = f"Isian_IKU_{YEAR}_POLITIK.xlsx"
        asked = "x1, x2, Catatan dan Analisis"
        button = f"Unduh templat kosong ({name})"
        assert meta["periode"] == "tahunan"
        assert {"Catatan", "Analisis"} <= set(header) and "Kendala" not in header
        assert "Kendala" not in text and "Tindak lanjut" not in text
    else:
        tw = f"TW {ROMAN[quarter - 1]}"
        name = f"Isian_IKU_{YEAR}_TW{quarter}_POLITIK.xlsx"
        asked = f"x1 {tw}, x2 {tw}, Kendala dan Tindak lanjut"
        button = f"Unduh templat kosong {tw} ({name})"
        assert meta["periode"] == f"TW{quarter}"
        assert {"Kendala", "Tindak lanjut"} <= set(header)
        assert "Catatan" not in header and "Analisis" not in header
        assert "Catatan" not in text and "Analisis" not in text
        assert f"Target s.d. {tw}" in text and f"Target {YEAR}" in text
    assert f"isi sel berwarna kuning ({asked})" in text
    assert button in text
    assert f'filename="{name}"' in pages["disposition"]
    assert site.texts.blank_name("POLITIK") == name


def test_an_accepted_upload_shows_its_figures_under_the_periods_headings(pages):
    quarter = pages["quarter"]
    heads = re.search(r'<table id="angka">\s*<tr>(.*?)</tr>', pages["accepted"], re.S)[1]
    heads = [text_of(h) for h in re.findall(r"<th>(.*?)</th>", heads)]
    if quarter is None:
        assert heads == ["Kode", "Indikator", "x1", "x2", "Realisasi", "Target"]
    else:
        tw = f"TW {ROMAN[quarter - 1]}"
        assert heads == ["Kode", "Indikator", f"x1 {tw}", f"x2 {tw}", f"Realisasi {tw}",
                         f"Target {YEAR}"]
        assert (f"Realisasi di sini dari angka {tw} unit ini saja; realisasi s.d. {tw}"
                in text_of(pages["accepted"]))


def test_the_secretariats_page_names_the_report_its_button_builds(pages):
    quarter, page = pages["quarter"], pages["secretariat"]
    text = text_of(page)
    button = text_of(re.search(r'<button type="submit" id="buat">(.*?)</button>', page)[1])
    if quarter is None:
        assert button == "Buat laporan IKU DRAFT"
        assert f"Laporan IKU dan Capaian IKU Tahun {YEAR}" in text
        assert "Pengukuran Kinerja" not in text
    else:
        name = f"Triwulan {ROMAN[quarter - 1]}"
        assert button == f"Buat laporan {name} DRAFT"
        assert f"Laporan Pengukuran Kinerja {name} Tahun {YEAR}" in text
        assert f"iku validate --triwulan {quarter}" in text
        assert "Capaian IKU" not in text


def test_the_combined_check_tells_the_secretariat_what_to_do_on_the_page(pages, master):
    quarter, site = pages["quarter"], pages["site"]
    combined = lines(pages["secretariat"].split('id="gabungan"')[1])
    missing = [line for line in combined if "belum punya isian" in line]
    period = f"Triwulan {ROMAN[quarter - 1]}" if quarter else "tahunan"
    # the Sekretariat sends nothing in TW I-III: nothing of it is measured then
    expected = ["IDEOLOGI", "KETAHANAN"] + (["SEKRETARIAT"] if quarter in (None, 4) else [])
    assert sorted(re.match(r"GALAT: unit (\S+) ", line)[1] for line in missing) == expected
    for line in missing:
        unit = re.match(r"GALAT: unit (\S+) ", line)[1]
        assert line == (f"GALAT: unit {unit} ({master.unit(unit).name}) belum punya isian "
                        f"{period} yang diterima; kirim tautan unit {unit} (tabel Status isian "
                        "unit di atas) kepada unit itu agar mengunggah isiannya di halamannya. "
                        "Selama itu laporan hanya dapat dibuat sebagai DRAFT")
        assert line == f"GALAT: {site.texts.missing_unit(unit, master.unit(unit).name)}"
    assert not any("folder" in line for line in combined)


def test_with_no_workbook_at_all_a_quarter_asks_only_the_units_it_measures(master, tmp_path):
    """The combined check of an empty set is the period's too: in TW II the Sekretariat,
    whose only indicator is measured in TW IV, is not missing. Before: the empty set was
    checked as the year-end round's, and listed it."""
    site = open_site(master, tmp_path / "data", quarter=2)
    with TestClient(create_app(site)) as client:
        page = client.get(f"/s/{site.tokens.secretariat}").text
    combined = lines(page.split('id="gabungan"')[1])
    missing = [m[1] for line in combined if (m := re.match(r"GALAT: unit (\S+) \(.*\) belum ",
                                                                   line))]
    assert sorted(missing) == ["IDEOLOGI", "KETAHANAN", "POLITIK"]
