"""``iku serve`` through Starlette's TestClient (every route, tokens, CSRF, the streamed
size limit, errors) and a real server (concurrent uploads)."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import re
import secrets
import shutil
import stat
import threading
import zipfile
from pathlib import Path

import docx
import httpx2 as httpx
import openpyxl
import pytest
from starlette.testclient import TestClient

from pipeline.errors import UsageError
from pipeline.web import checks, reports, store
from pipeline.web.app import create_app
from pipeline.web.site import open_site
from pipeline.workbook.templates import write_template

from conftest import run_cli, table_texts
from web_support import csrf_of, filled, lines, served, text_of, upload


@pytest.fixture(autouse=True)
def _no_pdf(monkeypatch, tmp_path):
    """PDFs are tested once (libreoffice mark); elsewhere the report is the .docx alone.
    Any history a report records goes to this test's folder, never to output/."""
    monkeypatch.setattr(reports, "pdf_available", lambda: False)
    monkeypatch.setenv("IKU_RIWAYAT", str(tmp_path / "riwayat-uji.sqlite"))


@pytest.fixture
def site(master, tmp_path):
    return open_site(master, tmp_path / "data")


@pytest.fixture
def client(site):
    with TestClient(create_app(site)) as c:
        yield c


def unit_url(site, unit: str) -> str:
    return f"/u/{site.tokens.units[unit]}"


def secretariat_url(site) -> str:
    return f"/s/{site.tokens.secretariat}"


def follow(client, response):
    assert response.status_code == 303, response.text[:1000]
    return client.get(response.headers["location"])


# --- tokens ---------------------------------------------------------------------------------


def test_tokens_are_private_survive_a_restart_and_can_be_renewed(master, site):
    path = site.folder / store.TOKEN_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["secretariat"] == site.tokens.secretariat
    assert set(saved["units"]) == {u.code for u in master.reporting_units}
    tokens = [site.tokens.secretariat, *site.tokens.units.values()]
    assert len(set(tokens)) == len(tokens) and all(len(t) >= 32 for t in tokens)
    again = open_site(master, site.folder)
    assert again.tokens == site.tokens
    renewed = open_site(master, site.folder, renew_tokens=True)
    assert renewed.tokens.secretariat != site.tokens.secretariat
    assert not set(renewed.tokens.units.values()) & set(site.tokens.units.values())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize("path", [
    "/u/tidak-ada", "/u/", "/s/tidak-ada", "/s/", "/", "/u/x/templat", "/s/x/laporan.docx",
])
def test_a_wrong_or_missing_token_is_404_and_logged(client, caplog, path):
    with caplog.at_level(logging.WARNING, logger="iku.web"):
        response = client.get(path)
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.text
    assert any("404" in r.getMessage() for r in caplog.records)


def test_a_unit_link_does_not_open_the_secretariat_page_nor_the_reverse(site, client):
    unit_token = site.tokens.units["POLITIK"]
    assert client.get(f"/s/{unit_token}").status_code == 404
    assert client.get(f"/u/{site.tokens.secretariat}").status_code == 404
    # another unit's version through this unit's link: not found, not shown
    assert client.get(f"/s/{site.tokens.secretariat}/unit/NOPE/versi/1").status_code == 404


def test_an_unknown_unit_is_a_404_never_a_500_nor_its_files(master, site, tmp_path, caplog):
    """A unit dropped from the master keeps its uploads in the data folder (the folder is
    reused for the same agency, year and period): the secretariat's old links to it, and a
    code too long for a file name, are the Indonesian 404 page, not a 500 and not the
    dropped unit's files (the check is ``_Pages._known_unit``)."""
    with TestClient(create_app(site), raise_server_exceptions=False) as client:
        book = filled(master, tmp_path, "POLITIK", {"S2.1": ("?", 1)})
        assert upload(client, unit_url(site, "POLITIK"), book).status_code == 303
        uploads = site.folder / store.UPLOADS
        shutil.copytree(uploads / "POLITIK", uploads / "LAMA")
        base = f"{secretariat_url(site)}/unit"
        paths = [f"{base}/LAMA/versi/1", f"{base}/LAMA/versi/1/perbaikan",
                 f"{base}/LAMA/versi/1/berkas", f"{base}/{'A' * 300}/versi/1"]
        with caplog.at_level(logging.WARNING, logger="iku.web"):
            for path in paths:
                response = client.get(path)
                assert response.status_code == 404, (path[:60], response.status_code)
                assert "Halaman tidak ditemukan" in response.text
                assert response.headers["content-type"].startswith("text/html")
        assert sum("404" in r.getMessage() for r in caplog.records) == len(paths)
        assert not any(r.levelno >= logging.ERROR for r in caplog.records)
        # the same links of a unit still in the master open
        assert client.get(f"{base}/POLITIK/versi/1").status_code == 200


def test_a_valid_looking_unknown_token_is_a_404_on_every_page(site, client):
    """A token of the right form that opens nothing: the Indonesian 404 page on every page
    of a unit and of the secretariat, the upload form included (with a good CSRF token),
    and nothing stored."""
    fake = secrets.token_urlsafe(32)
    assert fake not in (site.tokens.secretariat, *site.tokens.units.values())
    token = csrf_of(client, unit_url(site, "POLITIK"))
    for path in (f"/u/{fake}", f"/u/{fake}/templat", f"/u/{fake}/versi/1",
                 f"/u/{fake}/versi/1/perbaikan", f"/s/{fake}", f"/s/{fake}/laporan.docx",
                 f"/s/{fake}/unit/POLITIK/versi/1", f"/s/{fake}/unit/POLITIK/versi/1/berkas"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Halaman tidak ditemukan" in response.text
    response = client.post(f"/u/{fake}/unggah", data={"csrf": token},
                           files={"berkas": ("a.xlsx", b"PK", "application/octet-stream")})
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.text
    response = client.post(f"/s/{fake}/laporan", data={"csrf": token})
    assert response.status_code == 404
    assert not list((site.folder / store.UPLOADS).rglob("*.xlsx"))
    assert not list((site.folder / store.REPORTS).iterdir())


def test_the_log_never_holds_a_whole_token(site, client, caplog):
    with caplog.at_level(logging.DEBUG, logger="iku.web"):
        client.get(f"/u/{site.tokens.units['POLITIK']}x")
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert site.tokens.units["POLITIK"] not in text
    assert site.tokens.units["POLITIK"][:4] in text


def test_every_response_carries_the_security_headers(site, client):
    response = client.get(unit_url(site, "POLITIK"))
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-frame-options"] == "DENY"
    assert "script-src" not in response.headers["content-security-policy"]
    assert "default-src 'none'" in response.headers["content-security-policy"]


# --- the unit's page ------------------------------------------------------------------------


@pytest.mark.parametrize("unit", ["POLITIK", "IDEOLOGI", "KETAHANAN"])
def test_the_unit_page_says_what_to_fill(master, site, client, unit):
    page = text_of(client.get(unit_url(site, unit)).text)
    assert master.unit(unit).name in page
    for ind in master.indicators_of(unit):
        assert f"{ind.code} {ind.name}" in page
        assert ind.x1_meaning in page and ind.x2_meaning in page
    others = [i.code for i in master.indicators if unit not in i.reporting_units]
    assert not any(f" {code} " in f" {page} " for code in others)
    assert "belum mengirim" in page


def test_the_blank_workbook_is_the_units_template(master, site, client):
    response = client.get(f"{unit_url(site, 'KETAHANAN')}/templat")
    assert response.status_code == 200
    assert 'filename="Isian_IKU_2021_KETAHANAN.xlsx"' in response.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    meta = {row[0].value: row[1].value for row in book["Metadata"].iter_rows()}
    assert meta["kode_unit"] == "KETAHANAN"
    expected = io.BytesIO()
    write_template(master, "KETAHANAN", expected)
    assert response.content == expected.getvalue()


def test_a_valid_upload_is_accepted_with_its_figures(master, site, client, tmp_path):
    # S2.1: 3/4 × 100% = 75%; S4.1: 7/8 × 100% = 87,5%
    book = filled(master, tmp_path, "POLITIK", {"S2.1": (3, 4), "S4.1": (7, 8)})
    page = follow(client, upload(client, unit_url(site, "POLITIK"), book))
    assert '<div class="banner ok" id="diterima">Diterima</div>' in page.text
    rows = [r for r in _table(page.text, "angka")]
    assert rows == [["Kode", "Indikator", "x1", "x2", "Realisasi", "Target"],
                    ["S2.1", rows[1][1], "3", "4", "75%", "100%"],
                    ["S4.1", "Kondisi daerah yang kondusif", "7", "8", "87,5%", "100%"]]
    assert lines(page.text) == []
    (state,) = [s for s in site.states() if s.code == "POLITIK"]
    assert state.status == store.ACCEPTED and state.accepted.number == 1


def _table(page_html: str, table_id: str) -> list[list[str]]:
    import html
    import re

    body = re.search(rf'<table id="{table_id}">(.*?)</table>', page_html, re.S).group(1)
    out = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        out.append([" ".join(html.unescape(re.sub(r"<[^>]+>", "", re.sub(
            r"<br>.*", "", c, flags=re.S))).split()) for c in cells])
    return out


def test_an_upload_with_errors_shows_the_lines_iku_validate_prints(master, site, client,
                                                                   tmp_path):
    name = "Isian POLITIK (revisi).xlsx"
    book = filled(master, tmp_path, "POLITIK", {"S2.1": ("tiga", 4), "S4.1": (2.5, 0)},
                  name=name)
    page = follow(client, upload(client, unit_url(site, "POLITIK"), book))
    assert 'id="galat"' in page.text
    folder = tmp_path / "cli"
    folder.mkdir()
    (folder / name).write_bytes(book.read_bytes())
    cli = run_cli("validate", "-i", folder)
    expected = [line for line in cli.output.splitlines() if line.startswith(f"GALAT: {name}")
                or line.startswith(f"PERINGATAN: {name}")]
    assert len(expected) >= 3
    assert lines(page.text) == expected
    assert "GALAT: Isian POLITIK (revisi).xlsx › Isian!E9: x1 berisi teks 'tiga'" in expected[0]


def test_the_cells_are_shown_in_context(master, site, client, tmp_path):
    book = filled(master, tmp_path, "POLITIK", {"S4.1": ("tujuh", 8)})
    page = follow(client, upload(client, unit_url(site, "POLITIK"), book)).text
    (line,) = lines(page)
    assert "› Isian!E10:" in line
    # the context table: column letters, the Excel rows 8-12, the cell itself marked
    assert '<td class="here">tujuh</td>' in page
    assert "<th>E</th>" in page and "<th>10</th>" in page and "<th>8</th>" in page
    assert "<td>S4.1</td>" in page and "<td>8</td>" in page  # x2 of the same row


def test_the_corrected_copy_highlights_the_cells(master, site, client, tmp_path):
    book = filled(master, tmp_path, "POLITIK", {"S4.1": ("tujuh", 8)}, name="isian saya.xlsx")
    page = follow(client, upload(client, unit_url(site, "POLITIK"), book))
    assert 'id="salinan"' in page.text
    response = client.get(f"{unit_url(site, 'POLITIK')}/versi/1/perbaikan")
    assert response.status_code == 200
    assert 'filename="isian_saya_PERBAIKI.xlsx"' in response.headers["content-disposition"]
    copy = openpyxl.load_workbook(io.BytesIO(response.content))
    cell = copy["Isian"]["E10"]
    assert cell.fill.start_color.rgb.endswith("FFC7CE")
    assert "x1 berisi teks 'tujuh'" in cell.comment.text
    # asked again: the same copy
    assert client.get(f"{unit_url(site, 'POLITIK')}/versi/1/perbaikan").content == \
        response.content


def test_no_corrected_copy_for_an_accepted_upload(master, site, client, tmp_path):
    follow(client, upload(client, unit_url(site, "POLITIK"), filled(master, tmp_path,
                                                                     "POLITIK")))
    assert client.get(f"{unit_url(site, 'POLITIK')}/versi/1/perbaikan").status_code == 404
    assert client.get(f"{unit_url(site, 'POLITIK')}/versi/9").status_code == 404


def test_another_units_workbook_is_refused(master, site, client, tmp_path):
    book = filled(master, tmp_path, "IDEOLOGI")
    page = follow(client, upload(client, unit_url(site, "POLITIK"), book))
    (line,) = lines(page.text)
    assert line == (
        "GALAT: Isian_IDEOLOGI.xlsx › Metadata: berkas ini isian unit IDEOLOGI (Bidang Bina "
        "Ideologi dan Wawasan Kebangsaan), bukan isian unit POLITIK (Bidang Politik dan "
        "Kewaspadaan Daerah); tautan ini hanya menerima isian unit POLITIK. Unggah isian "
        "unit POLITIK (templat kosongnya dapat diunduh di halaman ini); isian unit IDEOLOGI "
        "diunggah melalui tautan unit IDEOLOGI")
    states = {s.code: s for s in site.states()}
    assert states["POLITIK"].status == store.HAS_ERRORS
    assert states["IDEOLOGI"].versions == []


def test_an_uncorrected_marked_copy_is_not_taken_as_the_submission(master, site, client,
                                                                   tmp_path):
    follow(client, upload(client, unit_url(site, "POLITIK"),
                          filled(master, tmp_path, "POLITIK", {"S4.1": ("x", 8)})))
    copy = client.get(f"{unit_url(site, 'POLITIK')}/versi/1/perbaikan").content
    page = follow(client, upload(client, unit_url(site, "POLITIK"), name="lagi.xlsx",
                                 data=copy))
    shown = lines(page.text)
    assert shown[0].startswith("GALAT: lagi.xlsx: berkas ini tidak dibaca sebagai isian unit")
    assert shown[1].startswith("PERINGATAN: lagi.xlsx: ini salinan bertanda")


@pytest.mark.parametrize("name, data, expected", [
    ("laporan.xlsx", b"%PDF-1.7\n" + b"x" * 100,
     "GALAT: laporan.xlsx: berkas ini bukan buku kerja Excel (.xlsx), melainkan dokumen "
     "PDF"),
    ("kosong.xlsx", b"", "GALAT: kosong.xlsx: berkas kosong (0 byte)"),
    ("isian.xlsm", b"PK\x03\x04", "GALAT: isian.xlsm: format .xlsm (buku kerja bermakro/biner) "
     "tidak diterima"),
])
def test_uploads_pass_the_same_safety_gate(site, client, name, data, expected, caplog):
    """A file the gate refuses is answered at once and never kept (issue 18 §9): not a
    version, not in masuk/; only a log line says it came."""
    with caplog.at_level(logging.INFO, logger="iku.web"):
        page = upload(client, unit_url(site, "POLITIK"), name=name, data=data)
    assert page.status_code == 422
    (line,) = lines(page.text)
    assert line.startswith(expected)
    assert site.states()[0].versions == []
    assert not list((site.folder / store.UPLOADS).rglob("*.*"))
    assert not list((site.folder / store.INCOMING).iterdir())
    assert any("ditolak gerbang keamanan, tidak disimpan" in r.getMessage()
               for r in caplog.records)


def test_a_zip_bomb_is_refused_by_the_gate(site, client, tmp_path, caplog):
    from test_safety import c_bomb_total

    bomb = c_bomb_total(tmp_path)
    with caplog.at_level(logging.INFO, logger="iku.web"):
        page = upload(client, unit_url(site, "POLITIK"), bomb, name="bom.xlsx")
    assert page.status_code == 422
    (line,) = lines(page.text)
    assert line.startswith("GALAT: bom.xlsx: ")
    assert any(r.getMessage().endswith(", zip_bomb)") for r in caplog.records)
    assert site.states()[0].latest is None


def test_the_stored_name_is_generated_never_the_uploaded_one(master, site, client, tmp_path):
    book = filled(master, tmp_path, "POLITIK")
    for name in ("../../../keluar.xlsx", "..\\..\\keluar.xlsx", "C:\\Data\\isian.xlsx",
                 "con.exe"):
        response = upload(client, unit_url(site, "POLITIK"), book, name=name)
        assert response.status_code == 303
    stored = sorted(p.relative_to(site.folder).as_posix()
                    for p in site.folder.rglob("*") if p.is_file() and "isian" in p.parts)
    assert stored == [f"unggahan/POLITIK/v000{n}/isian/Isian_POLITIK_v000{n}.xlsx"
                      for n in (1, 2, 3, 4)]
    assert not list(site.folder.parent.rglob("keluar.xlsx"))
    shown = [v.result["original_name"] for v in site.states()[0].versions]
    assert shown == ["keluar.xlsx", "keluar.xlsx", "isian.xlsx", "con.exe"]


def test_every_upload_is_a_new_version_and_the_latest_valid_counts(master, site, client,
                                                                   tmp_path):
    good = filled(master, tmp_path, "POLITIK", {"S4.1": (1, 2)}, name="baik.xlsx")
    better = filled(master, tmp_path, "POLITIK", {"S4.1": (3, 4)}, name="lebih.xlsx")
    bad = filled(master, tmp_path, "POLITIK", {"S4.1": ("?", 4)}, name="salah.xlsx")
    url = unit_url(site, "POLITIK")
    for book in (good, better, bad):
        assert upload(client, url, book).status_code == 303
    (state, *_) = site.states()
    assert [v.number for v in state.versions] == [1, 2, 3]
    assert [v.workbook.read_bytes() for v in state.versions] == [
        p.read_bytes() for p in (good, better, bad)]
    assert state.status == store.HAS_ERRORS and state.accepted.number == 2
    page = text_of(client.get(url).text)
    assert "Status: ada galat · versi yang dipakai: 2" in page
    secretariat = text_of(client.get(secretariat_url(site)).text)
    assert "unggahan terakhir bergalat; versi ini tetap dipakai" in secretariat


# --- the size limit, enforced while receiving ----------------------------------------------


def _multipart(csrf: str, size: int, chunk: int = 16 * 1024):
    """A streamed multipart body with a file of ``size`` bytes; counts what was read."""
    boundary = "iku-batas"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"berkas\"; "
            f"filename=\"besar.xlsx\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            ).encode()
    sent = {"chunks": 0, "total": -(-size // chunk) + 2}

    def body():
        sent["chunks"] += 1
        yield head
        for start in range(0, size, chunk):
            sent["chunks"] += 1
            yield b"P" * min(chunk, size - start)
        sent["chunks"] += 1
        yield f"\r\n--{boundary}--\r\n".encode()

    return body(), f"multipart/form-data; boundary={boundary}", sent


def test_the_size_limit_stops_the_upload_while_receiving(master, tmp_path, monkeypatch):
    """A real server and a raw socket sending a 64 MiB upload in chunks: the app stops
    reading at the limit (counted where it reads), answers 413 while the client is still
    sending, and nothing is stored."""
    import select
    import socket

    from pipeline.web import app as app_module
    from pipeline.web.upload import OVERHEAD

    limit, chunk, size = 100 * 1024, 16 * 1024, 64 * 1024 * 1024
    consumed = [0]
    real = app_module.receive_upload

    async def counting(headers, chunks, folder, limit_):
        async def counted():
            async for piece in chunks:
                consumed[0] += len(piece)
                yield piece
        return await real(headers, counted(), folder, limit_)

    monkeypatch.setattr(app_module, "receive_upload", counting)
    site = open_site(master, tmp_path / "data", limit=limit)
    url = unit_url(site, "POLITIK")
    with served(site) as base:
        with httpx.Client(base_url=base) as client:
            token = csrf_of(client, url)
        port = int(base.rsplit(":", 1)[1])
        head = ("--b\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" + token +
                "\r\n--b\r\nContent-Disposition: form-data; name=\"berkas\"; "
                "filename=\"besar.xlsx\"\r\n\r\n").encode()
        sent, answered = 0, b""
        with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
            sock.sendall((f"POST {url}/unggah HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                          f"Cookie: iku_csrf={token}\r\nTransfer-Encoding: chunked\r\n"
                          "Content-Type: multipart/form-data; boundary=b\r\n\r\n").encode())
            pieces = [head] + [b"P" * chunk] * (size // chunk)
            for piece in pieces:
                if select.select([sock], [], [], 0)[0]:
                    break  # the answer came while we were still sending
                try:
                    sock.sendall(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                except (BrokenPipeError, ConnectionResetError):
                    break
                sent += len(piece)
            while b"\r\n\r\n" not in answered:
                data = sock.recv(65536)
                if not data:
                    break
                answered += data
    assert answered.startswith(b"HTTP/1.1 413"), answered[:200]
    # the app reads what uvicorn hands over and stops at the limit: a few hundred KiB at
    # most (uvicorn hands over whatever it buffered, more at once on a busy machine), never
    # the 64 MiB sent
    assert consumed[0] <= limit + OVERHEAD + 512 * 1024
    assert sent < size
    assert not list((site.folder / store.UPLOADS).rglob("*"))
    assert not list((site.folder / store.INCOMING).iterdir())


def test_the_size_limit_through_the_test_client(master, tmp_path):
    site = open_site(master, tmp_path / "data", limit=100 * 1024)
    with TestClient(create_app(site)) as client:
        url = unit_url(site, "POLITIK")
        token = csrf_of(client, url)
        body, kind, _ = _multipart(token, 4 * 1024 * 1024)
        response = client.post(f"{url}/unggah", content=body, headers={"content-type": kind})
    assert response.status_code == 413
    assert "berkas lebih besar dari batas unggahan 100 KB" in text_of(response.text)
    assert not list((site.folder / store.UPLOADS).rglob("*"))
    assert not list((site.folder / store.INCOMING).iterdir())


def test_a_declared_length_over_the_limit_is_refused_before_reading(master, tmp_path,
                                                                  monkeypatch):
    """The upload route refuses on the declared length without taking a chunk of the
    stream (the CSRF middleware before it looks at the first field only; the test
    client hands the app the whole body at once, so the count is where the route reads)."""
    from pipeline.web import app as app_module

    consumed = [0]
    real = app_module.receive_upload

    async def counting(headers, chunks, folder, limit_):
        async def counted():
            async for piece in chunks:
                consumed[0] += len(piece)
                yield piece
        return await real(headers, counted(), folder, limit_)

    monkeypatch.setattr(app_module, "receive_upload", counting)
    site = open_site(master, tmp_path / "data", limit=100 * 1024)
    with TestClient(create_app(site)) as client:
        url = unit_url(site, "POLITIK")
        token = csrf_of(client, url)
        body, kind, _ = _multipart(token, 1024 * 1024)
        response = client.post(f"{url}/unggah", content=body, headers={
            "content-type": kind, "content-length": str(1024 * 1024 + 500)})
    assert response.status_code == 413
    assert consumed[0] == 0
    assert not list((site.folder / store.INCOMING).iterdir())


def test_an_upload_just_under_the_limit_is_taken(master, tmp_path, caplog):
    """Received in full and handed to the gate (which refuses 100 KB of 'P': not a
    workbook, so not kept), never cut by the size limit."""
    site = open_site(master, tmp_path / "data", limit=100 * 1024)
    with TestClient(create_app(site)) as client:
        url = unit_url(site, "POLITIK")
        body, kind, _ = _multipart(csrf_of(client, url), 100 * 1024)
        with caplog.at_level(logging.INFO, logger="iku.web"):
            response = client.post(f"{url}/unggah", content=body,
                                   headers={"content-type": kind}, follow_redirects=False)
    assert response.status_code == 422
    assert lines(response.text)[0].startswith("GALAT: besar.xlsx: berkas ini bukan buku kerja")
    assert any("(besar.xlsx, 100 KB, not_zip)" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("files, data, message", [
    ({}, {"csrf": "x"}, "pilih berkas isian (.xlsx) lebih dahulu"),
    ({"berkas": ("", b"", "application/octet-stream")}, {}, "pilih berkas isian"),
])
def test_a_form_without_a_file_is_refused(site, client, files, data, message):
    url = unit_url(site, "POLITIK")
    token = csrf_of(client, url)
    response = client.post(f"{url}/unggah", data={**data, "csrf": token},
                           files=files or {"lain": ("a.txt", b"x", "text/plain")})
    assert response.status_code == 400
    assert message in text_of(response.text)
    assert not list((site.folder / store.UPLOADS).rglob("*.xlsx"))


def test_a_post_that_is_not_a_form_is_refused(site, client):
    url = unit_url(site, "POLITIK")
    token = csrf_of(client, url)
    # a body that is not a form carries no CSRF token: refused before the route
    response = client.post(f"{url}/unggah", content=b"{}",
                           headers={"content-type": "application/json"})
    assert response.status_code == 403
    assert "Formulir kedaluwarsa" in text_of(response.text)
    # a form with the token, but not the upload form (no file part)
    response = client.post(f"{url}/unggah", data={"csrf": token})
    assert response.status_code == 400
    assert "formulir di halaman ini" in text_of(response.text)


# --- CSRF ----------------------------------------------------------------------------------


@pytest.mark.parametrize("case", ["no field", "wrong field", "no cookie", "other origin"])
def test_forms_without_the_csrf_token_are_refused(master, site, client, tmp_path, case):
    book = filled(master, tmp_path, "POLITIK")
    url = unit_url(site, "POLITIK")
    token = csrf_of(client, url)
    headers = {"origin": "http://penyerang.example"} if case == "other origin" else {}
    if case == "no cookie":
        client.cookies.clear()
    field = {"no field": None, "wrong field": "x" * 43}.get(case, token)
    data = {} if field is None else {"csrf": field}
    response = client.post(f"{url}/unggah", data=data, headers=headers, files={
        "berkas": ("a.xlsx", book.read_bytes(), "application/octet-stream")})
    assert response.status_code == 403
    assert "Formulir kedaluwarsa" in response.text
    assert not list(site.folder.rglob("*.xlsx"))
    assert not list((site.folder / store.INCOMING).iterdir())
    # the secretariat's form alike
    s_url = secretariat_url(site)
    s_token = csrf_of(client, s_url) if case != "no cookie" else "y" * 43
    if case == "no cookie":
        client.cookies.clear()
    s_field = {"no field": None, "wrong field": "x" * 43}.get(case, s_token)
    response = client.post(f"{s_url}/laporan", headers=headers,
                           data={} if s_field is None else {"csrf": s_field})
    assert response.status_code == 403
    assert not list((site.folder / store.REPORTS).iterdir())


# --- the secretariat's page ---------------------------------------------------------------


def test_the_secretariat_sees_every_status_and_the_combined_check(master, site, client,
                                                                  tmp_path):
    url = secretariat_url(site)
    upload(client, unit_url(site, "POLITIK"), filled(master, tmp_path, "POLITIK"))
    upload(client, unit_url(site, "IDEOLOGI"),
           filled(master, tmp_path, "IDEOLOGI", {"S2.1": ("?", 1)}))
    page = client.get(url).text
    text = text_of(page)
    for unit, status in (("POLITIK", "diterima"), ("IDEOLOGI", "ada galat"),
                         ("KETAHANAN", "belum mengirim")):
        row = text_of(page.split(f'<tr id="unit-{unit}">')[1].split("</tr>")[0])
        assert row.startswith(f"{unit} {master.unit(unit).name} {status}"), row
        assert f"/u/{site.tokens.units[unit]}" in row
    assert "versi 1" in text
    combined = lines(page.split('id="gabungan"')[1])
    # the combined set is POLITIK's accepted file alone: as `iku validate` on that folder
    folder = tmp_path / "set"
    folder.mkdir()
    accepted = site.states()[0].accepted.workbook
    (folder / accepted.name).write_bytes(accepted.read_bytes())
    cli = run_cli("validate", "-i", folder)
    said = [line for line in cli.output.splitlines() if line.startswith(("GALAT", "PERINGATAN"))]
    # ... but a missing unit is told what to do on the page, not in a folder
    missing = re.compile(r"GALAT: unit (\S+) \(.*\) belum mengirim isian; letakkan berkasnya di "
                         r"folder isian$")
    assert combined == [f"GALAT: {site.texts.missing_unit(m[1], master.unit(m[1]).name)}"
                        if (m := missing.match(line)) else line for line in said]
    assert len(combined) == 2 and any(missing.match(line) for line in said)
    assert not any("folder" in line for line in combined)
    assert "Buat laporan IKU DRAFT" in text
    # the statuses fill in by themselves: a plain refresh of the page's own address
    assert f'<meta http-equiv="refresh" content="30; url={url}">' in page


def test_the_secretariat_opens_a_units_version_and_its_file(master, site, client, tmp_path):
    book = filled(master, tmp_path, "IDEOLOGI", {"S2.1": ("?", 1)})
    upload(client, unit_url(site, "IDEOLOGI"), book)
    base = f"{secretariat_url(site)}/unit/IDEOLOGI/versi/1"
    page = client.get(base)
    assert page.status_code == 200 and len(lines(page.text)) == 1
    assert 'action="' not in page.text.split('id="hasil"')[1].split("</section>")[0]
    assert client.get(f"{base}/berkas").content == book.read_bytes()
    assert client.get(f"{base}/perbaikan").status_code == 200
    assert client.get(f"{secretariat_url(site)}/unit/IDEOLOGI/versi/2").status_code == 404


def _upload_all(master, site, client, tmp_path, values):
    for unit in master.reporting_units:
        book = filled(master, tmp_path, unit.code, values.get(unit.code))
        assert upload(client, unit_url(site, unit.code), book).status_code == 303


def _build(client, site):
    url = secretariat_url(site)
    token = csrf_of(client, unit_url(site, "POLITIK"))  # one cookie for every page
    return client.post(f"{url}/laporan", data={"csrf": token})


def test_the_report_is_built_from_the_accepted_uploads(master, site, client, tmp_path):
    values = {"POLITIK": {"S2.1": (1, 4), "S4.1": (5, 8)},
              "IDEOLOGI": {"S2.1": (2, 4)},
              "KETAHANAN": {"S1.1": (9, 10), "S2.1": (3, 4), "S3.1": (1, 3)}}
    _upload_all(master, site, client, tmp_path, values)
    # a later bad upload does not replace the accepted one
    upload(client, unit_url(site, "KETAHANAN"),
           filled(master, tmp_path, "KETAHANAN", {"S1.1": ("?", 1)}))
    response = _build(client, site)
    assert response.status_code == 200
    assert "Laporan IKU dan Capaian IKU Tahun 2021 dibuat (final)." in text_of(response.text)
    download = client.get(f"{secretariat_url(site)}/laporan.docx")
    assert download.status_code == 200
    assert 'filename="Laporan_IKU_2021.docx"' in download.headers["content-disposition"]
    document = docx.Document(io.BytesIO(download.content))
    (rpjmd,) = [t for t in table_texts(document) if any("ANGKA AWAL" in c.upper()
                                                          for r in t[:3] for c in r)]
    # S2.1 sums every unit: (1+2+3)/(4+4+4) = 50%; S1.1 9/10 = 90%; S3.1 1/3 = 33,33%;
    # S4.1 5/8 = 62,5%
    expected = {"S1.1": "90%", "S2.1": "50%", "S3.1": "33,33%", "S4.1": "62,5%"}
    for ind in master.indicators:
        (row,) = [r for r in rpjmd if r[2] == ind.name]
        assert row[6] == expected[ind.code], (ind.code, row)
    assert not any("DRAFT" in p.text for p in document.paragraphs)
    assert client.get(f"{secretariat_url(site)}/laporan.pdf").status_code == 404
    # built again from the same set: the same bytes, the file untouched
    before = (site.folder / "laporan" / "Laporan_IKU_2021.docx").stat().st_mtime_ns
    assert _build(client, site).status_code == 200
    assert (site.folder / "laporan" / "Laporan_IKU_2021.docx").stat().st_mtime_ns == before


def test_the_report_is_a_draft_while_a_unit_is_missing(master, site, client, tmp_path):
    upload(client, unit_url(site, "POLITIK"), filled(master, tmp_path, "POLITIK"))
    response = _build(client, site)
    assert "Laporan IKU dan Capaian IKU Tahun 2021 dibuat (DRAFT)." in text_of(response.text)
    document = docx.Document(site.folder / "laporan" / "Laporan_IKU_2021.docx")
    header_text = " ".join(p.text for s in document.sections for p in s.header.paragraphs)
    assert "DRAFT" in header_text
    assert "(belum diisi)" in " ".join(c for t in table_texts(document) for r in t for c in r)


@pytest.mark.libreoffice
def test_the_report_comes_with_its_pdf_when_libreoffice_is_there(master, site, client,
                                                                 tmp_path, monkeypatch):
    import shutil
    import subprocess

    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    monkeypatch.setattr(reports, "pdf_available", lambda: True)
    _upload_all(master, site, client, tmp_path, {})
    assert "beserta PDF" in text_of(_build(client, site).text)
    pdf = client.get(f"{secretariat_url(site)}/laporan.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    (tmp_path / "l.pdf").write_bytes(pdf.content)
    text = subprocess.run(["pdftotext", tmp_path / "l.pdf", "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "CAPAIAN" in text.upper()


def test_an_edited_report_in_the_data_folder_is_kept(master, site, client, tmp_path):
    _upload_all(master, site, client, tmp_path, {})
    _build(client, site)
    target = site.folder / "laporan" / "Laporan_IKU_2021.docx"
    document = docx.Document(target)
    document.add_paragraph("disunting")
    document.save(target)
    response = _build(client, site)
    assert "disimpan sebagai cadangan: Laporan_IKU_2021.diedit-" in text_of(response.text)
    (kept,) = (site.folder / "laporan").glob("*.diedit-*.docx")
    assert "disunting" in " ".join(p.text for p in docx.Document(kept).paragraphs)


# --- quarters -------------------------------------------------------------------------------


ROMAN = ("I", "II", "III", "IV")


def _quarter_round(master, tmp_path, n, values, history):
    """Collect quarter n on its own page: every unit downloads its blank quarterly workbook
    from the page, fills it and uploads it; the secretariat builds the report."""
    from pipeline.workbook.sample import fill_workbook, seed_values

    site = open_site(master, tmp_path / f"tw{n}", quarter=n, history=history)
    with TestClient(create_app(site)) as client:
        page = text_of(client.get(unit_url(site, "POLITIK")).text)
        assert f"Isian IKU Triwulan {ROMAN[n - 1]} Tahun 2021" in page
        blanks = {}
        for unit in master.reporting_units:
            blank = client.get(f"{unit_url(site, unit.code)}/templat")
            assert blank.status_code == 200
            assert f'filename="Isian_IKU_2021_TW{n}_{unit.code}.xlsx"' in \
                blank.headers["content-disposition"]
            path = tmp_path / f"blank_tw{n}_{unit.code}.xlsx"
            path.write_bytes(blank.content)
            blanks[unit.code] = path
            book = tmp_path / f"Isian_TW{n}_{unit.code}.xlsx"
            fill_workbook(path, {**seed_values(master, unit.code),
                                 **values.get(unit.code, {})}, book,
                          texts={c: {"Kendala": f"Kendala {unit.code} TW{n}"}
                                 for c in seed_values(master, unit.code)})
            assert upload(client, unit_url(site, unit.code), book).status_code == 303
        response = _build(client, site)
    return site, response, blanks


def test_a_quarter_is_collected_checked_and_reported_on_its_page(master, tmp_path):
    history = tmp_path / "riwayat.sqlite"
    # a year-end workbook sent to a quarter's page is refused, naming both rounds
    site = open_site(master, tmp_path / "tw1", quarter=1, history=history)
    with TestClient(create_app(site)) as client:
        response = follow(client, upload(client, unit_url(site, "POLITIK"),
                                         filled(master, tmp_path, "POLITIK")))
        assert ("templat ini untuk laporan tahunan (akhir tahun) 2021, sedangkan yang sedang "
                "diolah Triwulan I 2021") in text_of(response.text)
    site, response, _ = _quarter_round(master, tmp_path, 1, {
        "POLITIK": {"S4.1": (3, 12)}}, history)
    assert response.status_code == 200, response.text[:500]
    report = site.folder / "laporan" / "Laporan_Kinerja_TW1_2021.docx"
    assert report.is_file()
    site, response, blanks = _quarter_round(master, tmp_path, 2, {
        "POLITIK": {"S4.1": (5, 12)}}, history)
    assert response.status_code == 200, response.text[:500]
    # the TW II blank shows TW I's accepted figures; the report the year so far
    sheet = openpyxl.load_workbook(blanks["POLITIK"])["Isian"]
    header = {c.value: c.column for c in sheet[8]}
    row = next(r for r in range(9, sheet.max_row + 1)
               if sheet.cell(r, header["Kode"]).value == "S4.1")
    assert (sheet.cell(row, header["x1 TW I"]).value,
            sheet.cell(row, header["x2 TW I"]).value) == (3, 12)
    document = docx.Document(site.folder / "laporan" / "Laporan_Kinerja_TW2_2021.docx")
    (table,) = [t for t in table_texts(document) if t[0][0] == "No"]
    head = table[0]
    (s41,) = [r for r in table if r[head.index("Indikator Kinerja")].startswith("Kondisi")]
    assert s41[head.index("Realisasi s.d. TW II")] == "33,33%"  # (3 + 5) / (12 + 12)
    assert s41[head.index("Kendala")] == "Kendala POLITIK TW2"
    assert not any("DRAFT" in p.text for p in document.paragraphs)


def test_a_data_folder_serves_one_collection(master, tmp_path):
    open_site(master, tmp_path / "data")
    with pytest.raises(UsageError, match="sudah dipakai untuk pengumpulan lain"):
        open_site(master, tmp_path / "data", quarter=3)


def test_leftovers_of_a_crash_are_cleared_at_start(master, site):
    incoming = site.folder / store.INCOMING
    (incoming / "unggah-x.part").write_bytes(b"half")
    (incoming / ".set-x").mkdir()
    (incoming / ".set-x" / "Isian_POLITIK_v0001.xlsx").write_bytes(b"link")
    open_site(master, site.folder)
    assert list(incoming.iterdir()) == []


def test_an_upload_whose_check_was_cut_short_is_checked_at_start(master, site, tmp_path):
    book = filled(master, tmp_path, "POLITIK")
    received = tmp_path / "masuk.part"
    received.write_bytes(book.read_bytes())
    version = store.new_version(site.folder, "POLITIK", received, "a.xlsx")
    assert version.status == store.CHECKING
    again = open_site(master, site.folder)
    assert again.states()[0].accepted.number == 1


# --- no stack trace ------------------------------------------------------------------------


def test_a_bug_gives_a_generic_page_and_a_log_line(site, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("rahasia di dalam program")

    monkeypatch.setattr(checks, "combined_check", broken)
    with TestClient(create_app(site), raise_server_exceptions=False) as client:
        with caplog.at_level(logging.ERROR, logger="iku.web"):
            response = client.get(secretariat_url(site))
    assert response.status_code == 500
    assert "Terjadi kesalahan pada server" in response.text
    for leak in ("Traceback", "RuntimeError", "rahasia", "checks.py"):
        assert leak not in response.text
    assert any(r.exc_info and "rahasia" in str(r.exc_info[1]) for r in caplog.records)


def test_a_check_that_fails_is_recorded_not_lost(master, site, client, tmp_path, monkeypatch,
                                                 caplog):
    monkeypatch.setattr(checks, "check_upload",
                        lambda *a, **k: (_ for _ in ()).throw(KeyError("aduh")))
    with caplog.at_level(logging.ERROR, logger="iku.web"):
        page = follow(client, upload(client, unit_url(site, "POLITIK"),
                                     filled(master, tmp_path, "POLITIK")))
    assert "kesalahan program (bukan kesalahan isian)" in text_of(page.text)
    assert "KeyError" not in page.text and "aduh" not in page.text
    assert site.states()[0].latest.status == store.HAS_ERRORS
    assert any("gagal" in r.getMessage() for r in caplog.records)


def test_unknown_methods_and_report_kinds(site, client):
    assert client.get("/favicon.ico").status_code == 204  # browsers ask; not a 404 line
    assert client.delete(unit_url(site, "POLITIK")).status_code == 403  # no CSRF token
    token = csrf_of(client, unit_url(site, "POLITIK"))
    response = client.request("DELETE", unit_url(site, "POLITIK"), data={"csrf": token})
    assert response.status_code == 405
    assert "Tidak dapat dilakukan" in text_of(response.text)
    assert client.get(f"{secretariat_url(site)}/laporan.exe").status_code == 404
    assert client.get(f"{secretariat_url(site)}/laporan.docx").status_code == 404


# --- concurrency, on a real server --------------------------------------------------------


def _session(base: str, unit_url_: str) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=base, timeout=60)
    return client, csrf_of(client, unit_url_)


def test_concurrent_uploads_lose_nothing(master, site, tmp_path):
    books = {unit: [filled(master, tmp_path, unit, {code: (n, 10) for code in
                                                      [i.code for i in
                                                       master.indicators_of(unit)]},
                           name=f"{unit}_{n}.xlsx") for n in range(1, 7)]
             for unit in ("POLITIK", "IDEOLOGI")}
    errors: list[BaseException] = []
    barrier = threading.Barrier(12)

    def send(unit: str, book: Path) -> None:
        try:
            url = unit_url(site, unit)
            client, token = _session(base, url)
            try:
                barrier.wait(30)
                response = upload(client, url, book, csrf=token)
                assert response.status_code == 303, response.text[:300]
            finally:
                client.close()
        except BaseException as exc:  # reported below
            errors.append(exc)

    with served(site) as base:
        threads = [threading.Thread(target=send, args=(unit, book))
                   for unit, group in books.items() for book in group]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
    assert errors == []
    states = {s.code: s for s in site.states()}
    for unit, group in books.items():
        versions = states[unit].versions
        assert [v.number for v in versions] == [1, 2, 3, 4, 5, 6]
        assert all(v.status == store.ACCEPTED for v in versions)
        sent = sorted(hashlib.sha256(b.read_bytes()).hexdigest() for b in group)
        stored = sorted(hashlib.sha256(v.workbook.read_bytes()).hexdigest() for v in versions)
        assert stored == sent
        assert sorted(v.result["original_name"] for v in versions) == sorted(b.name for b in group)
    assert not list((site.folder / store.INCOMING).iterdir())


def test_two_report_builds_at_once_both_succeed(master, site, tmp_path):
    with TestClient(create_app(site)) as client:
        _upload_all(master, site, client, tmp_path, {})
    results: list[int] = []

    def build():
        with httpx.Client(base_url=base, timeout=120) as c:
            url = secretariat_url(site)
            token = csrf_of(c, url)
            results.append(c.post(f"{url}/laporan", data={"csrf": token}).status_code)

    with served(site) as base:
        threads = [threading.Thread(target=build) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(240)
    assert results == [200, 200]
    (report,) = (site.folder / "laporan").glob("*.docx")
    with zipfile.ZipFile(report) as z:
        assert z.testzip() is None
    assert not [p for p in (site.folder / "laporan").iterdir() if p.name.startswith(".")]
    assert os.listdir(site.folder / store.INCOMING) == []


# --- last year's figures from the history (read only) -------------------------------------


def test_last_years_realisasi_comes_from_the_history(master, tmp_path):
    from pipeline.history import IndicatorRecord, RunSnapshot, master_key, open_history

    path = tmp_path / "riwayat.sqlite"
    records = (IndicatorRecord("S1.1", "S1.1", "persentase", "a", "%", 100.0, 80.5),
               IndicatorRecord("S2.1", "S2.1", "persentase", "b", "%", 100.0, 70.0))
    with open_history(path) as db:
        db.record(RunSnapshot(master_key(master), master.agency.name, 2020, records))
    before = path.read_bytes()
    site = open_site(master, tmp_path / "data", history=path)
    with TestClient(create_app(site)) as client:
        page = client.get(unit_url(site, "KETAHANAN")).text
        other = client.get(unit_url(site, "POLITIK")).text
    assert "<th>Realisasi 2020</th>" in page
    rows = {r[0]: r for r in _fill_rows(page)}
    assert (rows["S1.1"][-1], rows["S2.1"][-1], rows["S3.1"][-1]) == ("80,5%", "70%", "-")
    assert "<th>Realisasi 2020</th>" in other
    assert path.read_bytes() == before  # only read


def test_an_unreadable_history_leaves_the_column_out(master, tmp_path, caplog):
    path = tmp_path / "riwayat.sqlite"
    path.write_bytes(b"bukan basis data")
    with caplog.at_level(logging.WARNING, logger="iku.web"):
        site = open_site(master, tmp_path / "data", history=path)
    assert site.previous == {}
    assert any("riwayat" in r.getMessage() for r in caplog.records)
    with TestClient(create_app(site)) as client:
        assert "Realisasi 2020" not in client.get(unit_url(site, "POLITIK")).text
    assert open_site(master, tmp_path / "data2", history=tmp_path / "tidak-ada").previous == {}


def _fill_rows(page_html: str) -> list[list[str]]:
    import html
    import re

    body = page_html.split('id="isi"')[1].split("</table>")[0]
    return [[" ".join(html.unescape(re.sub(r"<[^>]+>", " ", c)).split())
             for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S) if "<td" in row]


def test_a_final_report_from_the_page_is_recorded_in_the_history(master, tmp_path):
    """As with `iku report`: a valid report built on the page records the year; a draft
    does not."""
    from pipeline.history import master_key, open_history

    history = tmp_path / "riwayat.sqlite"
    site = open_site(master, tmp_path / "data", history=history)
    with TestClient(create_app(site)) as client:
        upload(client, unit_url(site, "POLITIK"), filled(master, tmp_path, "POLITIK"))
        assert _build(client, site).status_code == 200  # a draft: nothing recorded
        assert not history.exists()
        for unit in ("IDEOLOGI", "KETAHANAN"):
            upload(client, unit_url(site, unit), filled(master, tmp_path, unit))
        assert _build(client, site).status_code == 200
    with open_history(history, create=False) as h:
        (info,) = h.versions(master_key(master), 2021)
    assert (info.version, info.source, info.indicators) == (1, "report", 4)
