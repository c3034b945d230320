"""Helpers for the tests of ``iku serve`` (tests/test_web*.py): workbooks to upload, a
form post with the page's CSRF cookie, the problem lines of a page, a real server."""

from __future__ import annotations

import html
import os
import re
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from pipeline.web.server import SECRETARIAT_LINK
from pipeline.workbook.sample import fill_workbook, seed_values
from pipeline.workbook.templates import write_template

ROOT = Path(__file__).resolve().parent.parent
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def filled(master, tmp_path: Path, unit: str, values=None, name=None) -> Path:
    """A workbook of ``unit`` filled with ``values`` ({Kode: (x1, x2)}; default: the
    sample's figures)."""
    blank = tmp_path / f"blank_{unit}.xlsx"
    if not blank.exists():
        write_template(master, unit, blank)
    path = tmp_path / (name or f"Isian_{unit}.xlsx")
    fill_workbook(blank, {**seed_values(master, unit), **(values or {})}, path)
    return path


def csrf_of(client, url: str) -> str:
    """Open ``url`` (sets the CSRF cookie) and return the token its form carries."""
    page = client.get(url)
    assert page.status_code == 200, page.text[:500]
    match = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert match, "no CSRF field on the page"
    return match.group(1)


def upload(client, unit_url: str, path: Path | None = None, name: str | None = None,
           data: bytes | None = None, csrf: str | None = None):
    """POST a workbook through the unit's form; the response is not followed."""
    token = csrf if csrf is not None else csrf_of(client, unit_url)
    body = data if data is not None else Path(path).read_bytes()
    files = {"berkas": (name or Path(path).name, body, XLSX)}
    return client.post(f"{unit_url}/unggah", data={"csrf": token}, files=files,
                       follow_redirects=False)


def lines(page_html: str) -> list[str]:
    """The GALAT/PERINGATAN lines a page shows, as text."""
    found = re.findall(r'<div class="line (?:galat|peringatan)">(.*?)</div>', page_html, re.S)
    return [html.unescape(text) for text in found]


def text_of(page_html: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page_html)).split())


@contextmanager
def served(site, limits=None, open_files=None):
    """The app on a real uvicorn server in a thread, on a free port of 127.0.0.1, with the
    configuration ``iku serve`` uses (``limits``: ``guard.Limits``; ``open_files``: the
    soft limit the connection cap is derived from; the process's own limit is left)."""
    from pipeline.web import guard
    from pipeline.web.app import create_app
    from pipeline.web.server import bind, uvicorn_server

    sock = bind("127.0.0.1", 0)
    server = uvicorn_server(create_app(site), limits or guard.Limits(), open_files)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(15)
        sock.close()


def _limit_open_files(n: int):
    """For ``preexec_fn``: the child may open ``n`` files at most, soft and hard limit
    alike (so ``iku serve`` cannot raise it back); POSIX only."""
    def limit() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_NOFILE, (n, n))
    return limit


class ServeProcess:
    """``iku serve`` in a subprocess; ``links`` maps each printed label to its URL
    (``secretariat`` and ``units`` pick them out).
    ``open_files``: the child's limit of open files (soft and hard; POSIX)."""

    def __init__(self, *args: str, env: dict | None = None, open_files: int | None = None):
        data = Path(args[args.index("--data") + 1]) if "--data" in args else None
        if data is not None and "IKU_RIWAYAT" not in (env or {}):  # never output/'s history
            env = {**(env or {}), "IKU_RIWAYAT": str(data.parent / "riwayat-uji.sqlite")}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "serve", "--port", "0", *args],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, **(env or {})}, start_new_session=True,
            preexec_fn=None if open_files is None else _limit_open_files(open_files))
        self.output: list[str] = []
        self.links: dict[str, str] = {}
        deadline = time.monotonic() + 60
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise AssertionError("iku serve stopped: " + self.proc.stderr.read())
            self.output.append(line.rstrip("\n"))
            label, sep, url = line.strip().rpartition(": ")
            if sep and url.startswith("http://"):
                self.links[label] = url
            if line.startswith("Folder data:"):
                break
            assert time.monotonic() < deadline, "no links printed"

    @property
    def secretariat(self) -> str:
        """The secretariat's link, as printed."""
        return self.links[SECRETARIAT_LINK]

    @property
    def units(self) -> dict[str, str]:
        """Each unit's link by its code, as printed (``Unit <code>: <url>``)."""
        return {label.removeprefix("Unit "): url for label, url in self.links.items()
                if label.startswith("Unit ")}

    def stop(self) -> tuple[int, str, str]:
        """Ctrl+C, then the exit code and the rest of stdout and stderr."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            out, err = self.proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            out, err = self.proc.communicate()
        return self.proc.returncode, out, err

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
