"""``iku serve`` bounded (issue 18 §9): an idle-connection flood, slow clients, the cap on
connections, the open-files limit; what a unit may upload and keep; the cost of an upload
with many versions stored.

Every connection goes to 127.0.0.1; every loop is bounded and every wait has a timeout.
The flood and the slow clients run against a real ``iku serve`` limited to
``OPEN_FILES`` open files (soft and hard, so it cannot raise them back), with the default
deadlines; the finer rules run on a server in a thread with short deadlines.
"""

from __future__ import annotations

import logging
import selectors
import shutil
import socket
import statistics
import sys
import time
from pathlib import Path

import httpx2 as httpx
import pytest
from starlette.testclient import TestClient

from pipeline.web import store
from pipeline.web.app import create_app
from pipeline.web.site import open_site

from web_support import ServeProcess, csrf_of, filled, lines, served, text_of, upload

POSIX = sys.platform != "win32"
OPEN_FILES = 256  # the limit of the server under flood
FLOOD = 400  # idle connections: more than the server may have files open
PAGE_BOUND = 5.0  # seconds: a unit's page during the flood
HEAD_SECONDS = 10.0  # guard.Limits' defaults, which `iku serve` uses
BODY_WINDOW = 10.0
TOKEN = "t" * 43  # a well-formed CSRF cookie (csrf.valid_cookie), repeated by the form


def _port(url: str) -> int:
    return int(url.split("://", 1)[1].split("/", 1)[0].rsplit(":", 1)[1])


def _flood(port: int, count: int, deadline: float) -> list[socket.socket]:
    """``count`` connections opened at once (non-blocking connects); every other one sends
    half a request line, the rest nothing. All sockets returned, connected or not."""
    sel = selectors.DefaultSelector()
    pending: dict[socket.socket, int] = {}
    opened: list[socket.socket] = []
    try:
        for i in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            opened.append(sock)
            sock.setblocking(False)
            sock.connect_ex(("127.0.0.1", port))
            pending[sock] = i
            sel.register(sock, selectors.EVENT_WRITE)
        end = time.monotonic() + deadline
        while pending and time.monotonic() < end:
            for key, _ in sel.select(0.2):
                sock = key.fileobj
                sel.unregister(sock)
                if pending.pop(sock) % 2 and not sock.getsockopt(socket.SOL_SOCKET,
                                                                  socket.SO_ERROR):
                    try:
                        sock.send(b"GET /u/")
                    except OSError:
                        pass  # already shed
    finally:
        sel.close()
    return opened


def _upload_head(url: str, length: int = 100_000) -> bytes:
    """The start of an upload a browser would send: the CSRF cookie and, as the form's
    first field, the same token (so ``csrf.CsrfMiddleware`` lets it through to the
    route), then the head of the file part; the ``length`` announced is never reached."""
    return (f"POST {url} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: iku_csrf={TOKEN}\r\n"
            "Content-Type: multipart/form-data; boundary=b\r\n"
            f"Content-Length: {length}\r\n\r\n"
            f"--b\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{TOKEN}\r\n"
            "--b\r\nContent-Disposition: form-data; name=\"berkas\"; "
            "filename=\"a.xlsx\"\r\n\r\n").encode()


def _closed(sock: socket.socket, wait: float) -> bool:
    """The server has closed ``sock`` (EOF or reset) within ``wait`` seconds."""
    sock.setblocking(True)
    sock.settimeout(wait)
    try:
        while True:
            if not sock.recv(65536):
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except TimeoutError:
        return False
    except OSError:  # never connected
        return True


def _close_all(socks: list[socket.socket]) -> None:
    for sock in socks:
        sock.close()


@pytest.fixture(scope="module")
def limited(tmp_path_factory):
    """``iku serve`` that may open ``OPEN_FILES`` files, no more."""
    if not POSIX:
        pytest.skip("the open-files limit is POSIX")
    data = tmp_path_factory.mktemp("flood") / "data"
    with ServeProcess("--data", str(data), open_files=OPEN_FILES) as server:
        yield server


# --- the flood and slow clients, on a real `iku serve` ------------------------------------


def test_the_page_survives_an_idle_connection_flood(limited):
    """More idle connections than the server may open files (no token needed), then a
    unit's page: it answers within PAGE_BOUND, the excess sockets are closed rather than
    held, and the server lives on. Before: "Too many open files" at each accept and the
    page never answered."""
    url = limited.units["POLITIK"]
    flood = _flood(_port(url), FLOOD, deadline=15)
    try:
        started = time.monotonic()
        page = httpx.get(url, timeout=PAGE_BOUND)
        took = time.monotonic() - started
        assert page.status_code == 200
        assert "Isian IKU Tahun" in page.text and "POLITIK" in page.text
        assert took < PAGE_BOUND
        shed = sum(_closed(sock, 0.01) for sock in flood)
        assert shed >= FLOOD - OPEN_FILES // 2, shed  # closed, not held
    finally:
        _close_all(flood)
    assert limited.proc.poll() is None
    assert httpx.get(limited.secretariat, timeout=PAGE_BOUND).status_code == 200


def test_slow_clients_are_cut_after_the_deadlines(limited):
    """A slow loris (a request head one header at a time) is cut HEAD_SECONDS after its
    accept; an upload whose body trickles (10 bytes every half second) is cut after one
    BODY_WINDOW; meanwhile the page answers at once. Before: both were held for ever."""
    url = limited.units["POLITIK"]
    port = _port(url)
    path = "/" + url.split("/", 3)[3]
    loris = socket.create_connection(("127.0.0.1", port), timeout=5)
    loris.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode())
    loris_start = time.monotonic()
    trickle = socket.create_connection(("127.0.0.1", port), timeout=5)
    trickle.sendall(_upload_head(f"{path}/unggah", 1_000_000))
    trickle_start = time.monotonic()
    cut: dict[str, float] = {}
    try:
        assert httpx.get(url, timeout=PAGE_BOUND).status_code == 200
        end = time.monotonic() + HEAD_SECONDS + 15
        while len(cut) < 2 and time.monotonic() < end:
            for name, sock, data, start in (("loris", loris, b"X-a: b\r\n", loris_start),
                                            ("trickle", trickle, b"P" * 10, trickle_start)):
                if name in cut:
                    continue
                try:
                    sock.sendall(data)
                except OSError:
                    cut[name] = time.monotonic() - start
                    continue
                if _closed(sock, 0.25):
                    cut[name] = time.monotonic() - start
    finally:
        loris.close()
        trickle.close()
    assert set(cut) == {"loris", "trickle"}, f"never cut: {cut}"
    assert HEAD_SECONDS - 1 <= cut["loris"] <= HEAD_SECONDS + 5, cut
    assert BODY_WINDOW - 1 <= cut["trickle"] <= BODY_WINDOW + 5, cut
    assert limited.proc.poll() is None


# --- the rules, on a server in a thread with short deadlines ------------------------------


@pytest.fixture
def site(master, tmp_path):
    return open_site(master, tmp_path / "data")


def _connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=5)


def test_idle_connections_beyond_the_cap_are_shed_oldest_first(site):
    from pipeline.web.guard import Limits

    with served(site, Limits(max_connections=20)) as base:
        port = _port(base)
        first = [_connect(port) for _ in range(20)]
        time.sleep(0.3)
        more = [_connect(port) for _ in range(10)]
        time.sleep(0.5)
        try:
            gone = [i for i, sock in enumerate(first + more) if _closed(sock, 0.01)]
            assert gone == list(range(10))  # the ten idle longest, no other
            page = httpx.get(f"{base}/u/{site.tokens.units['POLITIK']}", timeout=PAGE_BOUND)
            assert page.status_code == 200
        finally:
            _close_all(first + more)


class _Loop:
    def call_later(self, delay, callback, *args):
        return None


class _Connection:
    """What ``Guard`` needs of a connection."""

    def __init__(self, guard, host: str):
        self.guard, self.host, self.loop, self.gone = guard, host, _Loop(), False

    def cut(self) -> None:
        self.gone = True
        self.guard.forget(self)


def test_a_flood_from_one_address_sheds_only_its_own_connections():
    from pipeline.web.guard import Guard, Limits, _counted_host

    guard = Guard(Limits(per_client=3), cap=6)
    others = [_Connection(guard, "10.0.0.9") for _ in range(2)]
    flood = [_Connection(guard, "10.0.0.5") for _ in range(8)]
    for conn in others + flood:  # the others came first: the oldest idle
        assert guard.admit(conn)
        guard.set_idle(conn)
    assert not any(conn.gone for conn in others)
    assert [conn.gone for conn in flood] == [True] * 5 + [False] * 3
    for conn in flood[5:]:
        guard.set_busy(conn)  # its three all busy: no room for a fourth
    assert not guard.admit(_Connection(guard, "10.0.0.5"))
    third = [_Connection(guard, f"10.0.1.{i}") for i in range(2)]
    for conn in third:  # the cap (6): the oldest idle of any address makes room
        assert guard.admit(conn)
        guard.set_idle(conn)
    assert [conn.gone for conn in others] == [True, False]
    assert len(guard.live) == 6 and guard.cuts == {"client": 5, "busy": 1, "shed": 1}
    assert _counted_host(("127.0.0.1", 5)) == _counted_host(("::1", 5)) == ""
    assert _counted_host(("192.168.1.20", 5)) == "192.168.1.20"


def test_when_every_connection_is_busy_a_new_one_is_told_and_closed(site):
    """Two uploads still sending their bodies fill a cap of two: the third connection is
    answered 503 with an Indonesian line and closed at once, not held."""
    from pipeline.web.guard import Limits

    url = f"/u/{site.tokens.units['POLITIK']}/unggah"
    with served(site, Limits(max_connections=2)) as base:
        port = _port(base)
        busy = [_connect(port) for _ in range(2)]
        try:
            for sock in busy:
                sock.sendall(_upload_head(url))
            time.sleep(0.3)
            with _connect(port) as third:
                third.settimeout(5)
                answer = b""
                while chunk := third.recv(4096):
                    answer += chunk
            assert answer.startswith(b"HTTP/1.1 503")
            assert answer.endswith(b"Server sedang sibuk; muat ulang halaman sebentar "
                                   b"lagi.")
        finally:
            _close_all(busy)
        time.sleep(0.3)
        assert httpx.get(f"{base}/u/{site.tokens.units['POLITIK']}",
                         timeout=PAGE_BOUND).status_code == 200
    assert not list((site.folder / store.INCOMING).iterdir())


def test_keep_alive_is_bounded_even_for_a_trickle(site):
    """After a response, the next request head is due within head_seconds, however the
    bytes trickle (uvicorn's keep-alive restarts at every byte)."""
    from pipeline.web.guard import Limits

    with served(site, Limits(head_seconds=1, keep_alive_seconds=5)) as base:
        with _connect(_port(base)) as sock:
            sock.sendall(b"GET /favicon.ico HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            assert sock.recv(4096).startswith(b"HTTP/1.1 204")
            started = time.monotonic()
            sock.sendall(b"GET /favicon.ico HTTP/1.1\r\n")
            while time.monotonic() - started < 5:
                try:
                    sock.sendall(b"X")
                except OSError:
                    break
                if _closed(sock, 0.2):
                    break
            took = time.monotonic() - started
    assert 0.8 <= took <= 2.5, took


def test_a_slow_body_is_cut_and_its_file_removed(site, caplog):
    """Cut after one window; the temporary file goes, and the log says so in one line
    (no "galat internal" with a traceback)."""
    from pipeline.web.guard import Limits

    url = f"/u/{site.tokens.units['POLITIK']}/unggah"
    limits = Limits(body_window=0.5, body_min_bytes=1024)
    with (caplog.at_level(logging.INFO, logger="iku.web"), served(site, limits) as base,
          _connect(_port(base)) as sock):
        sock.sendall(_upload_head(url))
        started = time.monotonic()
        while time.monotonic() - started < 5:
            try:
                sock.sendall(b"P" * 10)
            except OSError:
                break
            if _closed(sock, 0.1):
                break
        took = time.monotonic() - started
        deadline = time.monotonic() + 5
        while list((site.folder / store.INCOMING).iterdir()) and time.monotonic() < deadline:
            time.sleep(0.05)
    assert 0.4 <= took <= 2.0, took
    assert not list((site.folder / store.INCOMING).iterdir())
    messages = [r.getMessage() for r in caplog.records]
    assert "unggahan POLITIK terputus sebelum selesai diterima" in messages
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_the_open_files_limit_is_raised_where_the_os_allows(monkeypatch):
    import subprocess

    from pipeline import system
    from pipeline.web import guard

    if POSIX:
        code = ("import resource; resource.setrlimit(resource.RLIMIT_NOFILE, (256, 1024)); "
                "from pipeline import system; print(system.raise_open_files(), "
                "resource.getrlimit(resource.RLIMIT_NOFILE)[0])")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             timeout=60, check=True).stdout.split()
        assert out == ["1024", "1024"]
    limits = guard.Limits()
    assert limits.connection_cap(256) == 256 - limits.fd_reserve - 4 * limits.accept_burst
    assert limits.connection_cap(1 << 20) == limits.max_connections
    assert limits.connection_cap(50) == guard.MIN_CONNECTIONS
    monkeypatch.setattr(system, "current", lambda: system.WINDOWS)
    assert system.raise_open_files() is None
    assert limits.connection_cap(None) == limits.max_connections


# --- what a unit may upload and keep -------------------------------------------------------


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_rate_limit_names_the_limit_and_when_to_upload_again(master, tmp_path):
    site = open_site(master, tmp_path / "data", quota=store.Quota(uploads=3, window=600))
    clock = site.uploads.clock = Clock()
    book = filled(master, tmp_path, "POLITIK")
    url = f"/u/{site.tokens.units['POLITIK']}"
    with TestClient(create_app(site)) as client:
        token = csrf_of(client, url)
        assert upload(client, url, book, csrf=token).status_code == 303
        clock.now += 100
        refused = upload(client, url, name="bukan.xlsx", data=b"%PDF-1.7\n", csrf=token)
        assert refused.status_code == 422  # not kept, but it was sent
        clock.now += 100
        assert upload(client, url, book, csrf=token).status_code == 303
        clock.now += 100
        page = upload(client, url, book, csrf=token)
        assert page.status_code == 429
        assert lines(page.text) == [
            "GALAT: unit POLITIK sudah mengunggah 3 kali dalam 10 menit terakhir, padahal "
            "batasnya 3 unggahan per 10 menit untuk setiap unit; berkas ini tidak diperiksa "
            "dan tidak disimpan. Tunggu 5 menit, lalu unggah lagi. Periksa dulu isian di "
            "Excel (sel berwarna kuning, angka tanpa teks) agar tidak perlu mengunggah "
            "berulang kali"]
        other = f"/u/{site.tokens.units['IDEOLOGI']}"
        assert upload(client, other, filled(master, tmp_path, "IDEOLOGI")).status_code == 303
        clock.now += 301  # the first upload is now more than 10 minutes old
        assert upload(client, url, book, csrf=token).status_code == 303
    assert [v.number for v in site.states()[0].versions] == [1, 2, 3]
    assert not list((site.folder / store.INCOMING).iterdir())


def test_the_versions_kept_are_bounded_and_numbers_never_reused(master, tmp_path):
    quota = store.Quota(versions=2)
    site = open_site(master, tmp_path / "data", quota=quota)
    book = filled(master, tmp_path, "POLITIK")
    url = f"/u/{site.tokens.units['POLITIK']}"
    message = (
        "GALAT: unit POLITIK sudah menyimpan 2 versi unggahan, padahal batasnya 2 versi untuk "
        "setiap unit; berkas ini tidak diperiksa dan tidak disimpan. Versi yang dipakai tetap "
        "seperti tertulis di halaman ini. Hubungi Sekretariat: Sekretariat dapat memindahkan "
        "versi lama unit ini ke folder arsip (lihat PANDUAN, bagian \"Batas unggahan\") lalu "
        "menjalankan ulang halaman ini")
    with TestClient(create_app(site)) as client:
        for _ in range(2):
            assert upload(client, url, book).status_code == 303
        page = upload(client, url, book)
        assert page.status_code == 507
        assert lines(page.text) == [message]
        assert "Status: diterima · versi yang dipakai: 2" in text_of(page.text)
    again = open_site(master, site.folder, quota=quota)  # a restart counts the folder
    with TestClient(create_app(again)) as client:
        assert upload(client, url, book).status_code == 507
    base = site.folder / store.UPLOADS / "POLITIK"
    shutil.move(base / "v0001", tmp_path / "arsip_v0001")  # the secretariat archives
    (base / store.COUNTER_FILE).unlink()  # even a lost counter: v0002 still says where
    again = open_site(master, site.folder, quota=quota)
    with TestClient(create_app(again)) as client:
        assert upload(client, url, book).status_code == 303
    assert [v.number for v in again.states()[0].versions] == [2, 3]
    shutil.move(base / "v0003", tmp_path / "arsip_v0003")  # the latest too: the counter
    again = open_site(master, site.folder, quota=quota)
    with TestClient(create_app(again)) as client:
        assert upload(client, url, book).status_code == 303
    assert [v.number for v in again.states()[0].versions] == [2, 4]


def test_the_bytes_kept_are_bounded(master, tmp_path):
    book = filled(master, tmp_path, "POLITIK")
    size = book.stat().st_size
    site = open_site(master, tmp_path / "data", quota=store.Quota(bytes=2 * size + 100))
    url = f"/u/{site.tokens.units['POLITIK']}"
    with TestClient(create_app(site)) as client:
        for _ in range(2):
            assert upload(client, url, book).status_code == 303
        page = upload(client, url, book)
    assert page.status_code == 507
    (line,) = lines(page.text)
    assert line.startswith(
        f"GALAT: unggahan unit POLITIK yang tersimpan sudah {store.size_text(2 * size)} "
        f"(berkas ini {store.size_text(size)}), padahal batasnya "
        f"{store.size_text(2 * size + 100)} untuk setiap unit; berkas ini tidak disimpan. "
        "Berkas isian IKU biasanya hanya puluhan KB")
    assert len(site.states()[0].versions) == 2
    assert not list((site.folder / store.INCOMING).iterdir())


def test_a_large_file_that_is_not_a_workbook_is_not_kept(site):
    """The issue's case: 19 MB that is not a workbook was kept as a version."""
    url = f"/u/{site.tokens.units['POLITIK']}"
    with TestClient(create_app(site)) as client:
        page = upload(client, url, name="foto.xlsx", data=b"\xff\xd8\xff\xe0" + bytes(19 << 20))
    assert page.status_code == 422
    assert lines(page.text)[0].startswith("GALAT: foto.xlsx: berkas ini bukan buku kerja")
    assert site.states()[0].versions == []
    assert sum(p.stat().st_size for p in site.folder.rglob("*") if p.is_file()) < 64 * 1024


# --- the cost of an upload with many versions stored ----------------------------------------


def _cost_of_an_upload(master, folder: Path, tmp_path: Path, stored: int) -> float:
    """CPU time (the whole process: the app runs in TestClient's threads) of one upload
    of POLITIK and the result page it leads to, median of five, with ``stored`` versions
    in the folder: up to 180 of POLITIK (its quota stays free), the rest of the others."""
    site = open_site(master, folder)
    book = filled(master, tmp_path, "POLITIK")
    url = f"/u/{site.tokens.units['POLITIK']}"
    with TestClient(create_app(site)) as client:
        assert upload(client, url, book).status_code == 303
    seed = folder / store.UPLOADS / "POLITIK" / "v0001"
    mine = min(stored, 180)
    others = [u.code for u in master.reporting_units if u.code != "POLITIK"]
    places = [("POLITIK", n) for n in range(2, mine + 1)]
    places += [(others[i % len(others)], i // len(others) + 1) for i in range(stored - mine)]
    for unit, n in places:
        shutil.copytree(seed, folder / store.UPLOADS / unit / f"v{n:04d}")
    site = open_site(master, folder)  # a restart: the folder is read once here
    with TestClient(create_app(site)) as client:
        token = csrf_of(client, url)
        samples = []
        for i in range(6):
            started = time.process_time()
            response = upload(client, url, book, csrf=token)
            page = client.get(response.headers["location"])
            if i:  # the first warms up
                samples.append(time.process_time() - started)
            assert page.status_code == 200
    shutil.rmtree(folder)  # thousands of files: not left for pytest's cleanup
    return statistics.median(samples)


def test_the_cost_of_an_upload_does_not_grow_with_the_versions_stored(master, tmp_path):
    """Before: every upload listed the unit's versions and its result page read every
    version's result (at 1,000 versions about 6 times the cost at 10)."""
    few = _cost_of_an_upload(master, tmp_path / "few", tmp_path, 10)
    many = _cost_of_an_upload(master, tmp_path / "many", tmp_path, 1000)
    assert many < 1.8 * few, f"{few * 1000:.1f} ms at 10 versions, {many * 1000:.1f} ms at 1000"
