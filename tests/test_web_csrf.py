"""CSRF is one middleware (``pipeline/web/csrf.py``), so it holds for every route.

The sweep enumerates the app's routes (``app.routes``, not a hand list): every route,
every unsafe method, each way a request can lack the token, in both form encodings, is
refused with the Indonesian 403 page and its log line before any route runs, and nothing
in the data folder changes. A route added later is swept too (the guard test adds one
with no CSRF code of its own). Then: a refused upload is not even read, and every form
of the pages sends the token as its first field (the rule the middleware reads by).
"""

from __future__ import annotations

import asyncio
import logging
import re
from urllib.parse import urlencode

import pytest
from starlette.responses import Response
from starlette.routing import Route
from starlette.testclient import TestClient

from pipeline.web import app as app_module
from pipeline.web import csrf, reports, store
from pipeline.web.app import create_app
from pipeline.web.site import open_site

from web_support import XLSX, csrf_of, filled

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
HOST = "testserver"  # the test client's Host
VALUES = {"unit": "POLITIK", "number": 1, "kind": "docx"}  # path parameters other than token
OTHER = "x" * 43  # a well-formed token that is not the cookie


@pytest.fixture(autouse=True)
def _no_pdf(monkeypatch, tmp_path):
    monkeypatch.setattr(reports, "pdf_available", lambda: False)
    monkeypatch.setenv("IKU_RIWAYAT", str(tmp_path / "riwayat-uji.sqlite"))


@pytest.fixture
def site(master, tmp_path):
    return open_site(master, tmp_path / "data")


@pytest.fixture
def book(master, tmp_path) -> bytes:
    return filled(master, tmp_path, "POLITIK").read_bytes()


def _routes(app) -> list[Route]:
    routes = list(app.routes)
    for route in routes:
        assert isinstance(route, Route), f"{route!r}: the sweep knows plain routes only"
    return routes


def _path(route: Route, site) -> str:
    """The route's path with real tokens: a refusal then comes from CSRF, not a 404."""
    params = {}
    for name in route.param_convertors:
        if name == "token":
            params[name] = (site.tokens.units["POLITIK"] if route.path.startswith("/u/")
                            else site.tokens.secretariat)
        else:
            assert name in VALUES, f"{route.path}: give the sweep a value for {{{name}}}"
            params[name] = VALUES[name]
    return route.path_format.format(**params)


def _multipart(fields: list[tuple[str, str | bytes]]) -> tuple[bytes, str]:
    """A multipart body with its parts in the given order (bytes: the workbook)."""
    boundary = "iku-batas-uji"
    body = b""
    for name, value in fields:
        if isinstance(value, bytes):
            body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; "
                     f"filename=\"Isian.xlsx\"\r\nContent-Type: {XLSX}\r\n\r\n").encode()
            body += value + b"\r\n"
        else:
            body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\""
                     f"\r\n\r\n{value}\r\n").encode()
    return body + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def _body(encoding: str, fields: list[tuple[str, str]], book: bytes) -> tuple[bytes, str]:
    """The page's form in ``encoding``; ``fields`` are the CSRF fields, ``("*", "")``
    marks where the form's own field goes (the workbook, or a plain field)."""
    if encoding == "multipart":
        return _multipart([("berkas", book) if name == "*" else (name, value)
                           for name, value in fields])
    pairs = [("catatan", "uji") if name == "*" else (name, value) for name, value in fields]
    return urlencode(pairs).encode(), "application/x-www-form-urlencoded"


def _cases(token: str) -> dict[str, tuple[str | None, list, dict]]:
    """Each way a request lacks the token: (cookie, fields in order, extra headers)."""
    return {
        "no field": (token, [("*", "")], {}),
        "empty field": (token, [("csrf", ""), ("*", "")], {}),
        "wrong field": (token, [("csrf", OTHER), ("*", "")], {}),
        "no cookie": (None, [("csrf", token), ("*", "")], {}),
        "malformed cookie": ("abc", [("csrf", "abc"), ("*", "")], {}),
        "field not first": (token, [("*", ""), ("csrf", token)], {}),
        "other origin": (token, [("csrf", token), ("*", "")],
                         {"origin": "http://penyerang.example"}),
        "null origin": (token, [("csrf", token), ("*", "")], {"origin": "null"}),
    }


def _snapshot(folder):
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*")}


def _send(client, method, path, cookie, body, kind, headers):
    headers = {"content-type": kind, **headers}
    if cookie is not None:
        headers["cookie"] = f"{csrf.COOKIE}={cookie}"
    return client.request(method, path, content=body, headers=headers,
                          follow_redirects=False)


def sweep(app, client, site, book, caplog) -> list[tuple[str, str]]:
    """Every route × every unsafe method × every case × both encodings is refused;
    then each declared unsafe route, sent the same form with the token, is reached.
    Returns the (method, path) pairs swept."""
    routes = _routes(app)
    token = csrf_of(client, f"/u/{site.tokens.units['POLITIK']}")
    client.cookies.clear()  # each request below says its own cookie
    reached: list[tuple[str, str]] = []
    for route in routes:  # a spy in front of each route's handler
        def spy(inner, path=route.path):
            async def app_(scope, receive, send):
                reached.append((scope["method"], path))
                await inner(scope, receive, send)
            return app_
        route.app = spy(route.app)
    before = _snapshot(site.folder)
    swept, refused = [], 0
    with caplog.at_level(logging.WARNING, logger="iku.web"):
        for route in routes:
            path = _path(route, site)
            for method in UNSAFE:
                swept.append((method, route.path))
                for case, (cookie, fields, headers) in _cases(token).items():
                    for encoding in ("multipart", "urlencoded"):
                        body, kind = _body(encoding, fields, book)
                        response = _send(client, method, path, cookie, body, kind, headers)
                        where = f"{method} {route.path} ({case}, {encoding})"
                        assert response.status_code == 403, where
                        assert "Formulir kedaluwarsa" in response.text, where
                        assert response.headers["x-frame-options"] == "DENY", where
                        refused += 1
    assert reached == [], "a route ran without the CSRF token"
    assert _snapshot(site.folder) == before, "a refused request changed the data folder"
    logged = [r for r in caplog.records if "formulir ditolak (CSRF)" in r.getMessage()]
    assert len(logged) == refused
    assert not any(token in r.getMessage() for r in caplog.records)
    # the control: the same form with the token reaches each declared unsafe route
    for route in routes:
        for method in sorted(set(route.methods or ()) & set(UNSAFE)):
            body, kind = _body("multipart", [("csrf", token), ("*", "")], book)
            response = _send(client, method, _path(route, site), token, body, kind,
                             {"origin": f"http://{HOST}"})
            assert response.status_code != 403, f"{method} {route.path}: {response.text}"
            assert reached[-1] == (method, route.path)
    return swept


def test_every_unsafe_request_without_the_token_is_refused_on_every_route(site, book,
                                                                           caplog):
    app = create_app(site)
    with TestClient(app) as client:
        swept = sweep(app, client, site, book, caplog)
    paths = {path for _, path in swept}
    assert {"/u/{token}/unggah", "/s/{token}/laporan"} <= paths
    assert len(swept) == 4 * len(app.routes)
    # the control reached both forms: one upload stored, one (draft) report built
    (version,) = site.states()[0].versions
    assert version.workbook.read_bytes() == book
    assert list((site.folder / store.REPORTS).iterdir())


def test_a_new_unsafe_route_is_covered_without_a_line_of_its_own(site, book, caplog):
    """A route added with no CSRF code is refused like the others: the sweep enumerates
    it, and its handler never runs without the token."""
    app = create_app(site)
    calls = []

    async def remove(request):
        calls.append(request.method)
        return Response(status_code=204)

    app.router.routes.append(Route("/s/{token}/unit/{unit}/hapus", remove, methods=UNSAFE))
    with TestClient(app) as client:
        swept = sweep(app, client, site, book, caplog)
    assert ("DELETE", "/s/{token}/unit/{unit}/hapus") in swept
    assert calls == sorted(UNSAFE)  # the control's requests only


def _asgi(app, path: str, headers: dict, chunks: list[bytes]) -> tuple[int, int]:
    """POST ``chunks`` straight to the ASGI app, one message each: the status and how many
    messages the app took."""
    messages = [{"type": "http.request", "body": c, "more_body": True} for c in chunks]
    messages.append({"type": "http.request", "body": b"", "more_body": False})
    taken, status = [0], []

    async def receive():
        if taken[0] < len(messages):
            taken[0] += 1
            return messages[taken[0] - 1]
        return {"type": "http.disconnect"}

    async def send(message):
        if message["type"] == "http.response.start":
            status.append(message["status"])

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "POST", "scheme": "http", "path": path, "raw_path": path.encode(),
             "query_string": b"", "root_path": "", "client": ("127.0.0.1", 50000),
             "server": (HOST, 80),
             "headers": [(k.encode(), v.encode()) for k, v in {"host": HOST, **headers}.items()]}
    asyncio.run(app(scope, receive, send))
    return status[0], taken[0]


def test_a_refused_upload_is_not_read(site, book, monkeypatch):
    """A 4 MiB upload in 16 KiB messages: without the cookie not one message is taken,
    with a wrong token only the first (it holds the whole first field), with the file
    first no more than ``PEEK_LIMIT`` bytes, and the upload route is never called; with
    the token the whole stream reaches the route."""
    started = []
    real = app_module.receive_upload

    async def receive_upload(*args):
        started.append(True)
        return await real(*args)

    monkeypatch.setattr(app_module, "receive_upload", receive_upload)
    app = create_app(site)
    with TestClient(app) as client:
        token = csrf_of(client, f"/u/{site.tokens.units['POLITIK']}")
    path = f"/u/{site.tokens.units['POLITIK']}/unggah"

    def chunks(field: str, workbook: bytes) -> tuple[list[bytes], str]:
        body, kind = _multipart([("csrf", field), ("berkas", workbook)])
        return [body[i:i + 16 * 1024] for i in range(0, len(body), 16 * 1024)], kind

    big, kind = chunks(token, b"P" * (4 * 1024 * 1024))
    assert _asgi(app, path, {"content-type": kind}, big) == (403, 0)
    wrong, _ = chunks(OTHER, b"P" * (4 * 1024 * 1024))
    cookie = {"cookie": f"{csrf.COOKIE}={token}", "content-type": kind}
    assert _asgi(app, path, cookie, wrong) == (403, 1)
    # the file first: the middleware stops looking after csrf.PEEK_LIMIT bytes
    body, _ = _multipart([("berkas", b"P" * (4 * 1024 * 1024)), ("csrf", token)])
    file_first = [body[i:i + 4096] for i in range(0, len(body), 4096)]
    assert _asgi(app, path, cookie, file_first) == (403, csrf.PEEK_LIMIT // 4096)
    assert started == []
    assert not list((site.folder / store.INCOMING).iterdir())
    good, _ = chunks(token, book)
    assert _asgi(app, path, cookie, good) == (303, len(good) + 1)
    assert len(site.states()[0].versions) == 1


def test_every_form_of_the_pages_sends_the_token_first():
    """The middleware reads the form's first field; browsers send fields in document
    order, so each POST form's first control is the hidden token."""
    forms = 0
    for template in sorted(app_module.TEMPLATES.glob("*.html")):
        text = template.read_text(encoding="utf-8")
        for attributes, inner in re.findall(r"<form\b([^>]*)>(.*?)</form>", text, re.S):
            assert 'method="post"' in attributes, f"{template.name}: a form that is not POST"
            first = re.search(r"<(?:input|select|textarea|button)\b[^>]*>", inner)
            assert first and first.group(0) == (
                '<input type="hidden" name="csrf" value="{{ csrf }}">'), template.name
            forms += 1
    assert forms == 2
