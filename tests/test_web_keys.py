"""The collection page stores its JSON with English keys (issue 17: "stored keys are
English", docs/ARCHITECTURE.md), and a data folder written by the previous version, with
Indonesian keys, still opens: the same links, every version shown as before.

The scan reads every JSON file the store writes back with ``json`` (not through the
store) and checks each key at any depth: each word of it is a word of ``ENGLISH`` and
none is a key of the older folders (``OLD_FORMAT`` below is what the previous version
wrote, copied from a folder it made, not derived from the code under test).
"""

from __future__ import annotations

import json
import shutil

import pytest
from starlette.testclient import TestClient

from pipeline.web import checks, reports, store
from pipeline.web.app import create_app
from pipeline.web.site import open_site

from web_support import filled, lines, text_of, upload

# Every word a stored key may be made of (a key is words joined by "_"). A new key whose
# words are not here fails the scan: add its words only if they are English.
ENGLISH = {"agency", "year", "period", "secretariat", "units", "version", "unit", "checked",
           "at", "original", "name", "stored", "size", "status", "read", "problems",
           "problem", "summary", "figures", "internal", "error", "damaged", "code", "x1",
           "x2", "realisation", "target", "shared", "severity", "message", "file", "sheet",
           "cell", "value"}
# The keys the previous version wrote (token.json, server.json, hasil.json and its figures).
INDONESIAN = {"sekretariat", "unit_pelapor", "instansi", "tahun", "periode", "versi", "waktu",
              "nama_asli", "berkas", "ukuran", "dibaca", "masalah", "ringkasan", "angka",
              "galat_internal", "rusak", "kode", "nama", "realisasi", "gabungan"}


def _keys(data, path=""):
    """Every (where, key) of a JSON value; a unit's code under ``units`` is data, not a
    key."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield path, key
            if path.endswith("token.json") and key == "units":
                continue
            yield from _keys(value, f"{path}.{key}")
    elif isinstance(data, list):
        for item in data:
            yield from _keys(item, path)


@pytest.fixture(autouse=True)
def _no_pdf(monkeypatch):
    monkeypatch.setattr(reports, "pdf_available", lambda: False)


def test_every_key_the_store_writes_is_english(master, tmp_path, monkeypatch):
    """Tokens, the folder's collection, an accepted upload with its figures, one with
    problems, one whose check failed inside the program: every JSON file, every key."""
    site = open_site(master, tmp_path / "data")
    with TestClient(create_app(site), raise_server_exceptions=False) as client:
        url = f"/u/{site.tokens.units['POLITIK']}"
        assert upload(client, url, filled(master, tmp_path, "POLITIK")).status_code == 303
        wrong = filled(master, tmp_path, "IDEOLOGI", {"S2.1": ("?", 1)})
        assert upload(client, f"/u/{site.tokens.units['IDEOLOGI']}", wrong).status_code == 303

        def broken(*args, **kwargs):
            raise RuntimeError("uji")

        monkeypatch.setattr(checks, "check_upload", broken)
        book = filled(master, tmp_path, "KETAHANAN")
        assert upload(client, f"/u/{site.tokens.units['KETAHANAN']}", book).status_code == 303
    written = sorted(site.folder.rglob("*.json"))
    names = {p.name for p in written}
    assert names == {store.TOKEN_FILE, store.SITE_FILE, store.RESULT_FILE}
    assert len(written) == 5
    found = set()
    for path in written:
        for where, key in _keys(json.loads(path.read_text(encoding="utf-8")),
                                path.relative_to(site.folder).as_posix()):
            found.add(key)
            assert key not in INDONESIAN, (where, key)
            assert set(key.split("_")) <= ENGLISH, (where, key)
    # the scan saw the nested keys too: a figure's and a problem's
    assert {"secretariat", "units", "agency", "original_name", "figures", "realisation",
            "problems", "cell", "internal_error"} <= found


# What the previous version wrote, as it wrote it (a folder made by main before issue 17;
# tokens and times replaced by fixed values).
OLD_SERVER = {"instansi": "Badan Kesatuan Bangsa dan Politik Kota Jambi", "tahun": 2021,
              "periode": "Tahunan"}
OLD_TOKENS = {"sekretariat": "sE7UZq3T4Zezfv6z5Wbl5iDdxr-dwv67",
              "unit": {"IDEOLOGI": "MT0p8mapaSCBHLWPiegA_Qgy-OOvabkM",
                       "KETAHANAN": "n7j8npZhifJbLwWuEOAxadTbhG_N46wT",
                       "POLITIK": "4NQOtvpsR2NIo1KBU2Gqp1kOiJmUpPyg"}}
OLD_ACCEPTED = {
    "angka": [
        {"gabungan": True, "kode": "S2.1",
         "nama": "Persentase jumlah Menurunnya angka konflik yang disebabkan oleh suku, ras "
                 "dan antar golongan/etnis",
         "realisasi": "100%", "target": "100%", "x1": "1", "x2": "1"},
        {"gabungan": False, "kode": "S4.1", "nama": "Kondisi daerah yang kondusif",
         "realisasi": "100%", "target": "100%", "x1": "1", "x2": "1"}],
    "berkas": "Isian_POLITIK_v0001.xlsx", "dibaca": True, "masalah": [],
    "nama_asli": "Isian_POLITIK_lama.xlsx", "ringkasan": "0 galat, 0 peringatan di 1 berkas",
    "status": "diterima", "ukuran": 8732, "unit": "POLITIK", "versi": 1,
    "waktu": "2025-01-28T00:42:10+00:00"}
OLD_REFUSED = {
    "angka": [], "berkas": "Isian_POLITIK_v0002.xlsx", "dibaca": True,
    "masalah": [{"cell": "E9", "code": "text", "file": "Isian_POLITIK_salah.xlsx",
                 "message": "x1 berisi teks '?'; isi dengan angka saja, tanpa satuan atau "
                            "tanda %", "severity": "GALAT", "sheet": "Isian",
                 "unit": "POLITIK", "value": "?"}],
    "nama_asli": "Isian_POLITIK_salah.xlsx", "ringkasan": "1 galat, 0 peringatan di 1 berkas",
    "status": "ada_galat", "ukuran": 8738, "unit": "POLITIK", "versi": 2,
    "waktu": "2025-01-29T01:00:00+00:00"}


def _write(path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True),
                    encoding="utf-8")


@pytest.fixture
def old_folder(master, tmp_path):
    """A data folder as the previous version left it: two versions of POLITIK, the
    second with an error in S2.1's x1 (cell E9)."""
    folder = tmp_path / "data"
    for sub in (store.INCOMING, store.REPORTS):
        (folder / sub).mkdir(parents=True)
    _write(folder / store.SITE_FILE, OLD_SERVER)
    _write(folder / store.TOKEN_FILE, OLD_TOKENS)
    (folder / store.TOKEN_FILE).chmod(0o600)
    base = folder / store.UPLOADS / "POLITIK"
    good = filled(master, tmp_path, "POLITIK")
    bad = filled(master, tmp_path / "salah", "POLITIK", {"S2.1": ("?", 1)})
    for number, result, book in ((1, OLD_ACCEPTED, good), (2, OLD_REFUSED, bad)):
        version = base / f"v{number:04d}"
        (version / store.INPUTS).mkdir(parents=True)
        shutil.copyfile(book, version / store.INPUTS / result["berkas"])
        _write(version / store.RESULT_FILE, result)
    return folder


def test_a_folder_of_the_previous_version_opens_with_its_links_and_versions(master,
                                                                           old_folder,
                                                                           tmp_path):
    results = {p: p.read_bytes() for p in old_folder.rglob(store.RESULT_FILE)}
    site = open_site(master, old_folder)
    assert site.tokens.secretariat == OLD_TOKENS["sekretariat"]
    assert site.tokens.units == OLD_TOKENS["unit"]  # every link the units hold still works
    # the folder's own files now carry the English keys; a version's result is untouched
    assert json.loads((old_folder / store.TOKEN_FILE).read_text(encoding="utf-8")) == {
        "secretariat": OLD_TOKENS["sekretariat"], "units": OLD_TOKENS["unit"]}
    assert json.loads((old_folder / store.SITE_FILE).read_text(encoding="utf-8")) == {
        "agency": OLD_SERVER["instansi"], "year": 2021, "period": "Tahunan"}
    (state,) = [s for s in site.states() if s.code == "POLITIK"]
    assert [v.status for v in state.versions] == [store.ACCEPTED, store.HAS_ERRORS]
    assert state.accepted.number == 1 and state.accepted.size == 8732
    unit = f"/u/{OLD_TOKENS['unit']['POLITIK']}"
    with TestClient(create_app(site)) as client:
        page = text_of(client.get(unit).text)
        assert "Isian_POLITIK_lama.xlsx" in page and "Isian_POLITIK_salah.xlsx" in page
        assert "versi yang dipakai: 1 (28-01-2025 07.42 WIB)" in page
        first = client.get(f"{unit}/versi/1").text
        assert "Diterima" in text_of(first)
        assert ("S4.1 Kondisi daerah yang kondusif 1 1 100% 100%"
                in text_of(first.split('id="angka"')[1]))
        second = client.get(f"{unit}/versi/2").text
        assert lines(second) == ["GALAT: Isian_POLITIK_salah.xlsx › Isian!E9: x1 berisi teks "
                                 "'?'; isi dengan angka saja, tanpa satuan atau tanda %"]
        assert 'class="here">?</td>' in second  # the cell read back from the stored file
        copy = client.get(f"{unit}/versi/2/perbaikan")
        assert copy.status_code == 200
        assert "Isian_POLITIK_salah_PERBAIKI.xlsx" in copy.headers["content-disposition"]
        secretariat = text_of(client.get(f"/s/{OLD_TOKENS['sekretariat']}").text)
        assert "1 dari 3 unit sudah punya isian yang diterima." in secretariat
        # a new upload is version 3, written with the English keys
        response = upload(client, unit, filled(master, tmp_path / "baru", "POLITIK"))
        assert response.headers["location"].endswith("/versi/3")
    third = json.loads((old_folder / store.UPLOADS / "POLITIK" / "v0003" / store.RESULT_FILE)
                       .read_text(encoding="utf-8"))
    assert third["version"] == 3 and third["original_name"] == "Isian_POLITIK.xlsx"
    assert not set(third) & (set(OLD_ACCEPTED) - {"status", "unit"})
    assert {p: p.read_bytes() for p in results} == results  # older results never rewritten


def test_an_older_folder_of_another_collection_is_still_refused(master, old_folder):
    from pipeline.errors import UsageError

    with pytest.raises(UsageError, match="sudah dipakai untuk pengumpulan lain "
                                         r"\(Badan Kesatuan .*, 2021, Tahunan\); "
                                         r"pengumpulan ini: .*, 2021, Triwulan 3"):
        open_site(master, old_folder, quarter=3)
