"""The pages (Starlette, Jinja2 templates, plain HTML forms, no JavaScript).

``create_app(site)`` returns the ASGI app. Every page is reached only through a link
carrying a token (``/u/<token>`` for a unit, ``/s/<token>`` for the secretariat); a
wrong or missing token is a 404 and a log line (the token itself is never logged).

Safe by default:

* an upload is first admitted by its unit's limits (``store.Uploads.admit``: uploads per
  period, versions and bytes kept), received by ``upload.receive_upload`` (size limit
  while receiving), passed through the safety gate (``checks.gate``: a file it refuses is
  answered at once and never stored), stored under a generated name (``store``) and
  checked by the CLI's stages (``checks``), in a worker thread so the server keeps
  answering;
* no page lists or reads every version: the units' versions come from the index in
  memory (``store.Uploads``), and only the one version a page shows is read from its
  folder (the cells around its problems in a worker thread);
* every unsafe request (POST, PUT, PATCH, DELETE), on any path, passes one middleware
  (``csrf.CsrfMiddleware``) before a route runs: a double-submit CSRF token (a random
  ``SameSite=Strict`` cookie that each form repeats as its first field); one whose
  field does not match, or whose ``Origin`` is another site, is refused with 403;
* no stack trace in any response: any unexpected error gives a generic Indonesian page
  (status 500) and the details go to the log;
* every response says ``Cache-Control: no-store``, ``Referrer-Policy: same-origin`` (a
  link's token never leaves the site in a Referer), ``X-Frame-Options: DENY``, ``nosniff`` and a
  Content-Security-Policy without scripts.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import time
from pathlib import Path

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from ..domain.zones import local_time_text
from ..errors import IkuError, Problem, Severity
from ..reasons import Reason
from ..workbook.quarter import write_quarter_template
from ..workbook.templates import write_template
from . import checks, csrf, reports, store
from .site import Site
from .store import size_text
from .upload import UploadRefused, receive_upload

log = logging.getLogger("iku.web")

LISTED_VERSIONS = 20  # a unit's page lists its latest versions (a page's cost is bounded)
TEMPLATES = Path(__file__).parent / "templates"
STATUS_TEXT = {
    store.NOT_SENT: "belum mengirim",
    store.HAS_ERRORS: "ada galat",
    store.ACCEPTED: "diterima",
    store.CHECKING: "sedang diperiksa",
}
SECURITY_HEADERS = [
    (b"cache-control", b"no-store"),
    # same-origin, not no-referrer: with no-referrer Chromium sends "Origin: null" on a
    # form POST, which the origin check must refuse; a link's token still never leaves
    # the site in a Referer
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"content-security-policy",
     b"default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; "
     b"frame-ancestors 'none'; base-uri 'none'"),
]


def time_text(iso: str | None, zone: dt.tzinfo) -> str:
    """A stored time (ISO text with its offset) as the agency reads it:
    ``2025-01-28T00:42:10+00:00`` → ``28-01-2025 07.42 WIB``."""
    if not iso:
        return "-"
    try:
        when = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    return local_time_text(when, zone)


def _environment(zone: dt.tzinfo) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True,
                             lstrip_blocks=True)
    env.globals["status_text"] = STATUS_TEXT
    env.globals["listed_versions"] = LISTED_VERSIONS
    env.filters["waktu"] = lambda iso: time_text(iso, zone)
    return env


class _Pages:
    def __init__(self, site: Site):
        self.site = site
        self.zone = site.master.agency.zone()
        self.env = _environment(self.zone)
        self._blanks: dict[str, bytes] = {}

    # --- helpers -----------------------------------------------------------------------

    def render(self, request: Request, name: str, status: int = 200, **context) -> Response:
        token = request.cookies.get(csrf.COOKIE) or ""
        fresh = not csrf.valid_cookie(token)
        if fresh:
            token = csrf.new_token()
        site = self.site
        html = self.env.get_template(name).render(
            site=site, agency=site.master.agency, csrf=token, **context)
        response = HTMLResponse(html, status_code=status)
        if fresh:
            response.set_cookie(csrf.COOKIE, token, httponly=True, samesite="strict", path="/")
        return response

    def who(self, request: Request, want: str) -> str:
        """The label the path's token opens; 404 (logged) when it is not a ``want``
        token (a unit's code for "unit", ``SECRETARIAT`` for "s")."""
        label = self.site.tokens.find(request.path_params.get("token", ""), want != "s")
        if label is None:
            raise HTTPException(404)  # logged by not_found
        return label

    def unit_context(self, unit: str) -> dict:
        site = self.site
        state = site.state(unit)
        return {"unit": site.master.unit(unit), "state": state,
                "fill": checks.what_to_fill(site.master, unit, site.previous, site.quarter)}

    def version_context(self, unit: str, number: int) -> dict:
        version = store.read_version(self.site.folder, unit, number)
        if version is None:
            raise HTTPException(404)
        result = version.result or {}
        problems = result.get("problems", [])
        context = (checks.cell_context(version.workbook, problems)
                   if result.get("read") and version.workbook is not None else {})
        lines = [(checks.problem_of(p), context.get(i)) for i, p in enumerate(problems)]
        copy = bool(result.get("read")) and any(p.get("cell") for p in problems)
        return {"version": version, "result": result, "lines": lines, "has_copy": copy}

    # --- the unit's pages ----------------------------------------------------------------

    async def unit_page(self, request: Request) -> Response:
        unit = self.who(request, "unit")
        return self.render(request, "unit.html", base=f"/u/{request.path_params['token']}",
                           shown=None, refused=None, **self.unit_context(unit))

    async def unit_version(self, request: Request) -> Response:
        unit = self.who(request, "unit")
        shown = await run_in_threadpool(self.version_context, unit,
                                        request.path_params["number"])
        return self.render(request, "unit.html", base=f"/u/{request.path_params['token']}",
                           shown=shown, refused=None, **self.unit_context(unit))

    async def blank(self, request: Request) -> Response:
        unit = self.who(request, "unit")
        site = self.site
        if unit not in self._blanks:
            buffer = io.BytesIO()
            if site.quarter:  # the quarter's workbook, with the earlier quarters (issue 10)
                await run_in_threadpool(write_quarter_template, site.master, unit,
                                        site.quarter, buffer, site.earlier, site.prior_x2)
            else:
                await run_in_threadpool(write_template, site.master, unit, buffer,
                                        site.prior_x2)
            self._blanks[unit] = buffer.getvalue()
        return _download(self._blanks[unit], site.texts.blank_name(unit))

    async def upload(self, request: Request) -> Response:
        unit = self.who(request, "unit")
        token = request.path_params["token"]
        site = self.site
        try:
            site.uploads.admit(unit)  # before a byte is received or stored
            received = await receive_upload(request.headers, request.stream(), site.folder,
                                            site.limit)
        except (UploadRefused, store.LimitReached) as exc:
            return self._refused(request, unit, exc)
        except ClientDisconnect:  # gone, or cut by the server's deadlines (guard)
            log.info("unggahan %s terputus sebelum selesai diterima", unit)
            return Response(status_code=400)
        try:
            stored = await run_in_threadpool(self._store_and_check, unit, received)
        except store.LimitReached as exc:
            return self._refused(request, unit, exc)
        if isinstance(stored, Problem):  # not a workbook: answered here, never kept
            return self.render(request, "unit.html", status=422, base=f"/u/{token}",
                               shown=None, refused=stored, **self.unit_context(unit))
        return RedirectResponse(f"/u/{token}/versi/{stored.number}", status_code=303)

    def _refused(self, request: Request, unit: str,
                 exc: UploadRefused | store.LimitReached) -> Response:
        log.info("unggahan %s ditolak (%d): %s", unit, exc.status, exc.message)
        refused = Problem(Severity.ERROR, _refusal_reason(exc), exc.message, unit=unit)
        return self.render(request, "unit.html", status=exc.status,
                           base=f"/u/{request.path_params['token']}", shown=None,
                           refused=refused, **self.unit_context(unit))

    def _store_and_check(self, unit: str, received) -> store.Version | Problem:
        """The gate first: a file it refuses is deleted and its GALAT returned (a log
        line is all that is kept); else a new version, checked."""
        site = self.site
        refused = checks.gate(received.path, received.filename)
        if refused is not None:
            received.path.unlink(missing_ok=True)
            log.info("unggahan %s ditolak gerbang keamanan, tidak disimpan (%s, %s, %s)",
                     unit, refused.file, size_text(received.size), refused.code)
            return refused
        try:
            version = site.uploads.add(unit, received.path, received.filename, received.size)
        except store.LimitReached:
            received.path.unlink(missing_ok=True)
            raise
        started = time.perf_counter()
        try:
            result = checks.check_upload(site.master, unit, version, received.filename,
                                         site.prior_x2, site.round, site.earlier)
        except Exception:
            log.exception("pemeriksaan unggahan %s versi %d gagal", unit, version.number)
            result = {"version": version.number, "unit": unit,
                      "checked_at": store.now_text(),
                      "original_name": store.display_name(received.filename),
                      "stored_name": version.workbook.name, "status": store.HAS_ERRORS,
                      "read": False, "internal_error": True, "problems": [], "figures": [],
                      "problem_summary": "pemeriksaan gagal"}
        site.uploads.save(version, result)
        log.info("unggahan %s versi %d (%s): %s, %.2f s", unit, version.number,
                 result["original_name"], result["status"], time.perf_counter() - started)
        return version

    async def unit_copy(self, request: Request) -> Response:
        unit = self.who(request, "unit")
        return await self._copy(unit, request.path_params["number"])

    async def _copy(self, unit: str, number: int) -> Response:
        version = store.read_version(self.site.folder, unit, number)
        if version is None or not (version.summary or {}).get("read"):
            raise HTTPException(404)
        copy = await run_in_threadpool(checks.corrected_copy, self.site.master, version,
                                       self.site.prior_x2, self.site.round, self.site.earlier)
        if copy is None:
            raise HTTPException(404)
        original = Path(version.summary.get("original_name", "")).stem or version.workbook.stem
        return _file(copy, f"{original}_PERBAIKI.xlsx")

    # --- the secretariat's pages ---------------------------------------------------------

    async def secretariat(self, request: Request) -> Response:
        self.who(request, "s")
        return await self._secretariat_page(request)

    async def _secretariat_page(self, request: Request, status: int = 200,
                                message: str = "", failed: str = "",
                                warnings: tuple[str, ...] = ()) -> Response:
        site = self.site
        states = await run_in_threadpool(site.states)
        combined = await run_in_threadpool(site.combined, states)
        history = await run_in_threadpool(site.staleness)
        docx, pdf = reports.report_paths(site.folder, site.master, site.quarter)
        root = f"{request.url.scheme}://{request.headers.get('host', '')}"
        links = {s.code: f"{root}/u/{site.tokens.units[s.code]}" for s in states}
        return self.render(
            request, "secretariat.html", status=status,
            base=f"/s/{request.path_params['token']}", states=states, combined=combined,
            docx=docx if docx.exists() else None, pdf=pdf if pdf.exists() else None,
            report_time=local_time_text(dt.datetime.fromtimestamp(docx.stat().st_mtime),
                                        self.zone) if docx.exists() else "",
            pdf_available=reports.pdf_available(), links=links, message=message,
            failed=failed, warnings=warnings, history=history,
            this_period=(site.master.agency.year, site.round))

    async def build_report(self, request: Request) -> Response:
        self.who(request, "s")
        site = self.site
        try:
            built = await run_in_threadpool(reports.build, site.master, site.folder,
                                            site.quarter, site.protected, site.history)
        except IkuError as exc:
            log.warning("laporan tidak dibuat: %s", exc)
            return await self._secretariat_page(request, status=409, failed=str(exc))
        log.info("laporan dibuat: %s%s", built.docx, " (DRAFT)" if built.draft else "")
        message = site.texts.built_text(built.draft, built.pdf is not None)
        if built.notes:
            message += " " + "; ".join(built.notes) + "."
        return await self._secretariat_page(request, message=message,
                                            warnings=built.warnings)

    async def report_file(self, request: Request) -> Response:
        self.who(request, "s")
        docx, pdf = reports.report_paths(self.site.folder, self.site.master, self.site.quarter)
        kind = request.path_params["kind"]
        path = {"pdf": pdf, "docx": docx}.get(kind)
        if path is None or not path.exists():
            raise HTTPException(404)
        return _file(path, path.name)

    async def secretariat_version(self, request: Request) -> Response:
        self.who(request, "s")
        unit = self._known_unit(request.path_params["unit"])
        shown = await run_in_threadpool(self.version_context, unit,
                                        request.path_params["number"])
        return self.render(request, "unit.html", base=f"/s/{request.path_params['token']}"
                           f"/unit/{unit}", shown=shown, refused=None, secretariat=True,
                           **self.unit_context(unit))

    async def secretariat_copy(self, request: Request) -> Response:
        self.who(request, "s")
        unit = self._known_unit(request.path_params["unit"])
        return await self._copy(unit, request.path_params["number"])

    async def secretariat_workbook(self, request: Request) -> Response:
        self.who(request, "s")
        unit = self._known_unit(request.path_params["unit"])
        version = store.read_version(self.site.folder, unit, request.path_params["number"])
        if version is None or version.workbook is None:
            raise HTTPException(404)
        return _file(version.workbook, version.workbook.name)

    def _known_unit(self, code: str) -> str:
        if code not in self.site.tokens.units:
            raise HTTPException(404)
        return code

    # --- errors --------------------------------------------------------------------------

    async def not_found(self, request: Request, exc: Exception) -> Response:
        log.warning("404 (tautan tidak dikenal) dari %s: %s %s", _client(request),
                    request.method, _masked(request.url.path))
        return self._error(request, 404, "Halaman tidak ditemukan",
                           "Alamat ini tidak dikenal. Periksa kembali tautan yang Anda "
                           "terima dari Sekretariat, lengkap sampai karakter terakhir.")

    async def http_error(self, request: Request, exc: HTTPException) -> Response:
        if exc.status_code == 404:
            return await self.not_found(request, exc)
        if exc.status_code == 405:
            return self._error(request, 405, "Tidak dapat dilakukan",
                               "Cara membuka alamat ini tidak dikenal; kembali ke halaman "
                               "sebelumnya.")
        return self._error(request, exc.status_code, "Permintaan tidak dapat dilayani",
                           "Muat ulang halaman, lalu coba lagi.")

    async def csrf_refused(self, request: Request) -> Response:
        """``csrf.CsrfMiddleware``'s refusal: a log line and the 403 page."""
        log.warning("formulir ditolak (CSRF) dari %s: %s", _client(request),
                    _masked(request.url.path))
        return self._error(request, 403, "Formulir kedaluwarsa",
                           "Formulir ini tidak dapat diterima (sesi berubah atau halaman "
                           "dibuka dari tempat lain). Muat ulang halaman, lalu coba lagi.")

    async def server_error(self, request: Request, exc: Exception) -> Response:
        log.error("galat internal pada %s %s", request.method, _masked(request.url.path),
                  exc_info=exc)
        return self._error(request, 500, "Terjadi kesalahan pada server",
                           "Ini kesalahan program, bukan kesalahan isian Anda. Coba lagi "
                           "sebentar lagi; bila tetap terjadi, beri tahu Sekretariat "
                           "(rinciannya tercatat di log server).")

    def _error(self, request: Request, status: int, title: str, text: str) -> Response:
        html = self.env.get_template("error.html").render(title=title, text=text,
                                                          status=status)
        return HTMLResponse(html, status_code=status)


def _refusal_reason(exc: UploadRefused | store.LimitReached) -> Reason:
    if isinstance(exc, store.LimitReached):
        return Reason.UPLOAD_LIMIT
    return Reason.FILE_TOO_LARGE if exc.status == 413 else Reason.UPLOAD_NOT_READ


def _client(request: Request) -> str:
    return request.client.host if request.client else "?"


def _masked(path: str) -> str:
    """A path with its token cut to 4 characters: logs never hold a whole link."""
    parts = path.split("/")
    if len(parts) > 2 and parts[1] in ("u", "s") and parts[2]:
        parts[2] = parts[2][:4] + "…"
    return "/".join(parts)


def _download(data: bytes, name: str) -> Response:
    return Response(data, media_type=_media_type(name),
                    headers={"content-disposition": _disposition(name)})


def _file(path: Path, name: str) -> Response:
    return FileResponse(path, media_type=_media_type(name),
                        headers={"content-disposition": _disposition(name)})


def _media_type(name: str) -> str:
    return {
        ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".pdf": "application/pdf",
        ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    }.get(Path(name).suffix.lower(), "application/octet-stream")


def _disposition(name: str) -> str:
    from urllib.parse import quote

    plain = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "._-") else "_"
                    for ch in name) or "berkas"
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name)}"


class _Headers:
    """Adds the security headers to every response and logs each request (path masked)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        status = [0]

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            log.debug("%s %s %s %.3f s", scope["method"], _masked(scope["path"]), status[0],
                      time.perf_counter() - started)


def create_app(site: Site) -> Starlette:
    pages = _Pages(site)
    routes = [
        Route("/favicon.ico", lambda request: Response(status_code=204)),
        Route("/u/{token}", pages.unit_page),
        Route("/u/{token}/templat", pages.blank),
        Route("/u/{token}/unggah", pages.upload, methods=["POST"]),
        Route("/u/{token}/versi/{number:int}", pages.unit_version),
        Route("/u/{token}/versi/{number:int}/perbaikan", pages.unit_copy),
        Route("/s/{token}", pages.secretariat),
        Route("/s/{token}/laporan", pages.build_report, methods=["POST"]),
        Route("/s/{token}/laporan.{kind:str}", pages.report_file),
        Route("/s/{token}/unit/{unit}/versi/{number:int}", pages.secretariat_version),
        Route("/s/{token}/unit/{unit}/versi/{number:int}/perbaikan", pages.secretariat_copy),
        Route("/s/{token}/unit/{unit}/versi/{number:int}/berkas", pages.secretariat_workbook),
    ]
    app = Starlette(routes=routes, exception_handlers={
        404: pages.not_found, HTTPException: pages.http_error, Exception: pages.server_error})
    app.add_middleware(csrf.CsrfMiddleware, refuse=pages.csrf_refused)
    app.add_middleware(_Headers)  # outermost: the CSRF refusal carries the headers too
    return app
