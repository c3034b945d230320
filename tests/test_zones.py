"""Times are shown in the agency's zone, named WIB, WITA or WIT, never with the
computer's zone name (Windows: "SE Asia Standard Time"): from the master's
``instansi.zona_waktu``, else the province its ``kota`` names, else the computer's offset.

The computer's zone is set with a POSIX ``TZ`` rule of a made-up name ("ABC-8" is
UTC+8 called "ABC"): what iku prints must not depend on the name the system gives it.
"""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest

from pipeline import paths
from pipeline.domain.master import parse_master
from pipeline.domain.zones import (
    PROVINCES,
    ZoneName,
    fixed,
    local_time_text,
    machine_zone,
    zone_of_province,
)
from pipeline.errors import MasterError
from pipeline.history.store import format_time
from pipeline.web.app import time_text

from conftest import run_cli

T = dt.datetime(2022, 1, 31, 2, 4, tzinfo=dt.UTC)
SAMPLE = paths.SAMPLE_MASTER.read_text(encoding="utf-8")


@pytest.fixture
def computer_zone(monkeypatch):
    """Set the computer's zone by a POSIX TZ rule (restored afterwards)."""
    def set_zone(rule: str) -> None:
        monkeypatch.setenv("TZ", rule)
        time.tzset()

    yield set_zone
    monkeypatch.undo()
    time.tzset()


def test_38_provinces_each_in_one_zone():
    main_names = [n for n in PROVINCES if n not in (
        "bangka belitung", "jakarta", "di yogyakarta", "yogyakarta")]
    assert len(main_names) == 38
    assert sum(z == ZoneName.WIB for n, z in PROVINCES.items() if n in main_names) == 18
    assert sum(z == ZoneName.WITA for n, z in PROVINCES.items() if n in main_names) == 12
    assert sum(z == ZoneName.WIT for n, z in PROVINCES.items() if n in main_names) == 8


@pytest.mark.parametrize("region, zone", [
    ("Provinsi Bali", ZoneName.WITA),
    ("Prov. Lampung", ZoneName.WIB),
    ("PROVINSI PAPUA BARAT DAYA", ZoneName.WIT),
    ("Kota Jambi", ZoneName.WIB),  # a city named after its province
    ("Kabupaten Gorontalo", ZoneName.WITA),
    ("Provinsi Kalimantan Barat", ZoneName.WIB),
    ("Provinsi Kalimantan Timur", ZoneName.WITA),
    ("Kabupaten Sampang", None),  # a regency's province is not in its name
    ("Kota Bengkulu Selatan", None),
])
def test_the_province_a_region_names(region, zone):
    assert zone_of_province(region) == zone


@pytest.mark.parametrize("rule, name", [
    ("ABC-7", "WIB"), ("ABC-8", "WITA"), ("ABC-9", "WIT"), ("UTC0", "UTC"),
    ("ABC-5:30", "UTC+05.30"), ("ABC3", "UTC-03.00"),
])
def test_the_computers_offset_is_named_by_indonesia_not_by_the_system(computer_zone, rule,
                                                                      name):
    computer_zone(rule)
    assert machine_zone().tzname(None) == name


def test_a_time_in_each_zone():
    assert local_time_text(T, fixed(ZoneName.WIB)) == "31-01-2022 09.04 WIB"
    assert local_time_text(T, fixed(ZoneName.WITA)) == "31-01-2022 10.04 WITA"
    assert local_time_text(T, fixed(ZoneName.WIT)) == "31-01-2022 11.04 WIT"
    assert format_time(T, fixed(ZoneName.WITA)) == "31-01-2022 10.04 WITA"
    assert time_text(T.isoformat(), fixed(ZoneName.WIT)) == "31-01-2022 11.04 WIT"
    assert time_text(None, fixed(ZoneName.WIT)) == "-"


def _master(zone_line: str = "", city: str = "Kota Jambi"):
    text = SAMPLE.replace('kota: "Kota Jambi"', f'kota: "{city}"{zone_line}')
    assert text != SAMPLE or (not zone_line and city == "Kota Jambi")
    return parse_master(text)


def test_the_agency_zone_setting_then_province_then_computer(computer_zone):
    computer_zone("ABC-9")
    assert _master().agency.zone().tzname(None) == "WIB"  # Kota Jambi
    assert _master("\n  zona_waktu: WITA").agency.zone().tzname(None) == "WITA"
    assert _master(city="Kabupaten Sampang").agency.zone().tzname(None) == "WIT"  # computer


def test_a_wrong_zone_is_refused_in_indonesian():
    with pytest.raises(MasterError, match=r"zona_waktu: nilai tidak dikenal; pilihan: "
                                          r"WIB, WITA atau WIT"):
        _master("\n  zona_waktu: GMT+7")


def test_kunci_shows_the_agencys_zone_whatever_the_computers(computer_zone, tmp_path):
    """Kota Jambi is WIB: a computer set to UTC+8 under another name prints WIB times."""
    computer_zone("ABC-8")
    history = tmp_path / "riwayat.sqlite"
    assert run_cli("report", "--out", tmp_path / "L.docx", "--riwayat", history).exit_code == 0
    res = run_cli("kunci", "--riwayat", history)
    assert res.exit_code == 0, res.output
    when = re.search(r"\(dicatat (\d\d-\d\d-\d{4} \d\d\.\d\d \w+)\)", res.stdout)
    assert when and when.group(1).endswith(" WIB"), res.stdout
    shown = dt.datetime.strptime(when.group(1)[:-4], "%d-%m-%Y %H.%M")
    now_wib = dt.datetime.now(dt.UTC).astimezone(fixed(ZoneName.WIB)).replace(tzinfo=None)
    assert abs(now_wib - shown) < dt.timedelta(minutes=5)
    res = run_cli("riwayat", "--versi", "2021", "--riwayat", history)
    assert " WIB" in res.stdout and "ABC" not in res.stdout


def test_the_collection_page_shows_upload_times_in_the_agencys_zone(master, tmp_path,
                                                                     computer_zone,
                                                                     monkeypatch):
    from starlette.testclient import TestClient

    from pipeline.web import reports
    from pipeline.web.app import create_app
    from pipeline.web.site import open_site

    from web_support import filled, upload

    monkeypatch.setattr(reports, "pdf_available", lambda: False)
    computer_zone("ABC-9")  # the computer says UTC+9 under another name; Jambi is WIB
    site = open_site(master, tmp_path / "data")
    unit = master.reporting_units[0].code
    with TestClient(create_app(site)) as client:
        before = dt.datetime.now(dt.UTC)
        upload(client, f"/u/{site.tokens.units[unit]}", filled(master, tmp_path, unit))
        page = client.get(f"/s/{site.tokens.secretariat}").text
    shown = re.findall(r"\d\d-\d\d-\d{4} \d\d\.\d\d (\w+)", page)
    assert shown and set(shown) == {"WIB"}, page
    expected = before.astimezone(fixed(ZoneName.WIB)).strftime("%d-%m-%Y %H.")
    assert expected in page and "ABC" not in page
