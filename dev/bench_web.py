"""A bounded local load test of ``iku serve`` (``python -m dev.bench_web``, part of
``make bench``).

Starts a real ``iku serve`` (the sample master) in a subprocess on 127.0.0.1 with a free
port, then ``--clients`` concurrent clients (threads, one HTTP session each) send
``--uploads`` workbooks through the units' forms, all released at once by a barrier;
every fifth workbook holds an error. Each upload's response time (the POST until the 303
answer: receiving, storing, the safety gate, reading and validating) is measured. Then the
data folder is read back: every upload must be stored as its own version, byte for byte,
and checked with the expected outcome (diterima / ada galat); the secretariat's page (the
combined check of the current set) is timed once; the server is stopped with Ctrl+C and
must exit 0. Nothing leaves this machine: every request goes to 127.0.0.1, the number of
requests is fixed and every wait has a timeout.

``--idle N`` (issue 18 §9) runs the same load through a flood: ``N`` idle connections
(every other one half a request line, the rest nothing, no token) are opened before the
uploads start and kept at ``N`` until they end (each one the server closes is replaced
at once, at most ``--flood-rate`` new connections a second after the first ``N``);
``--open-files M`` limits the server to ``M`` open files (soft and hard, POSIX), so
``N > M`` is a flood the process could not hold. A unit's page is also fetched twice a
second during the load, and for ``--hold`` seconds at least (the flood goes on). With
``--debug-loop`` the server runs in asyncio's debug mode and any callback that held the
event loop for more than 0.1 s is counted from its log ("Executing … took").

``--versions 10,200,1000,2000`` measures something else and only prints it: the CPU time
of one upload and the result page it leads to (in this process, through Starlette's
TestClient, median of five after one to warm up) with that many versions already stored
in the data folder, and the CPU time ``open_site`` takes to read them at start (issue 18
§9: the cost of an upload must not grow with the versions stored).

The figures go into docs/BENCHMARKS.md between the markers ``<!-- bench_web -->`` and
``<!-- /bench_web -->`` (appended when absent, so ``python -m dev.bench``, which rewrites
the file, runs first in ``make bench``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import random
import re
import selectors
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from pipeline import paths
from pipeline.domain.master import load_master
from pipeline.web.server import SECRETARIAT_LINK
from pipeline.workbook.sample import fill_workbook
from pipeline.workbook.templates import write_template

ROOT = Path(__file__).resolve().parent.parent  # the repository

DEFAULT_OUT = ROOT / "docs" / "BENCHMARKS.md"
START, END = "<!-- bench_web -->", "<!-- /bench_web -->"
TARGET_MEDIAN = 2.0  # seconds (issue 12)
TIMEOUT = 120.0  # seconds: one request, and the whole run's waits
FLOOD_RATE = 2000  # new idle connections per second at most (after the first ones)
SECRETARIAT = "(sekretariat)"  # the secretariat's link among the units' (not a unit code)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def make_workbooks(folder: Path, uploads: int, seed: int) -> list[tuple[str, Path, bool]]:
    """``uploads`` filled workbooks, round-robin over the sample's units: (unit, path,
    valid). Every fifth has the text 'tujuh' as an x1 (a GALAT)."""
    master = load_master(paths.SAMPLE_MASTER)
    rng = random.Random(seed)
    units = [u.code for u in master.reporting_units]
    out = []
    for i in range(uploads):
        unit = units[i % len(units)]
        blank = folder / f"blank_{unit}.xlsx"
        if not blank.exists():
            write_template(master, unit, blank)
        values = {}
        for ind in master.indicators_of(unit):
            x2 = rng.randint(1, 400)
            values[ind.code] = (rng.randint(0, x2), x2)
        valid = i % 5 != 4
        if not valid:
            code = next(iter(values))
            values[code] = ("tujuh", values[code][1])
        path = folder / f"isian_{i:03d}_{unit}.xlsx"
        fill_workbook(blank, values, path)
        out.append((unit, path, valid))
    return out


def start_server(data: Path, open_files: int | None = None, debug_loop: bool = False
                 ) -> tuple[subprocess.Popen, dict[str, str]]:
    """``iku serve`` on a free port, and its links: each unit's by its code, the
    secretariat's under ``SECRETARIAT``."""
    env = {**os.environ, "IKU_RIWAYAT": str(data.parent / "riwayat.sqlite")}  # not output/'s
    if debug_loop:
        env["PYTHONASYNCIODEBUG"] = "1"

    def limit() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_NOFILE, (open_files, open_files))

    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "serve", "--data", str(data),
                             "--port", "0"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True,
                            env=env, preexec_fn=limit if open_files else None)
    links: dict[str, str] = {}
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            raise SystemExit("iku serve stopped: " + proc.stderr.read())
        label, sep, url = line.strip().rpartition(": ")
        if sep and url.startswith("http://127.0.0.1:"):  # "Unit POLITIK" → POLITIK
            links[SECRETARIAT if label == SECRETARIAT_LINK else label.removeprefix("Unit ")] = url
        if line.startswith("Folder data:"):
            return proc, links
    proc.kill()
    raise SystemExit("iku serve printed no links")


def stop_server(proc: subprocess.Popen) -> tuple[int, str]:
    """Ctrl+C; the exit code and what the server wrote to stderr."""
    proc.send_signal(signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        _, err = proc.communicate()
    return proc.returncode, err


class Flood:
    """``count`` idle connections to ``port`` kept open until the ``with`` block ends, by
    a child process (so that it never holds the measuring clients' interpreter): each one
    the server closes is replaced, at most ``rate`` new ones a second after the first
    ``count``. Every other connection sends half a request line, the rest nothing."""

    def __init__(self, port: int, count: int, rate: int = FLOOD_RATE):
        import multiprocessing

        self.port, self.count, self.rate = port, count, rate
        self._stop = multiprocessing.Event()
        self._opened = multiprocessing.Value("q", 0)
        self._closed = multiprocessing.Value("q", 0)
        self._process = multiprocessing.Process(
            target=_flood, args=(port, count, rate, self._stop, self._opened, self._closed),
            daemon=True)

    @property
    def opened(self) -> int:
        return self._opened.value

    @property
    def closed_by_server(self) -> int:
        return self._closed.value

    def __enter__(self) -> Flood:
        if not self.count:
            return self
        self._process.start()
        deadline = time.monotonic() + TIMEOUT
        while self.opened < self.count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self

    def __exit__(self, *exc) -> None:
        if not self.count:
            return
        self._stop.set()
        self._process.join(TIMEOUT)
        if self._process.is_alive():
            self._process.kill()
            self._process.join(TIMEOUT)


def _flood(port: int, count: int, rate: int, stop, opened, closed) -> None:
    """The flood of ``Flood``, in its own process, until ``stop`` is set."""
    sel = selectors.DefaultSelector()
    live = 0
    started = time.monotonic()
    try:
        while not stop.is_set():
            allowed = count + int((time.monotonic() - started) * rate)
            while live < count and opened.value < allowed:
                sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                sock.setblocking(False)
                sock.connect_ex(("127.0.0.1", port))
                sel.register(sock, selectors.EVENT_WRITE, "connecting")
                opened.value += 1
                live += 1
            for key, _ in sel.select(0.01):
                sock = key.fileobj
                if key.data == "connecting":
                    if not sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
                        if sock.fileno() % 2:
                            try:
                                sock.send(b"GET /u/")
                            except OSError:
                                pass
                        sel.modify(sock, selectors.EVENT_READ, "idle")
                        continue
                else:
                    try:
                        if sock.recv(4096):
                            continue
                    except BlockingIOError:
                        continue
                    except OSError:
                        pass
                sel.unregister(sock)  # closed by the server (or refused): replace it
                sock.close()
                live -= 1
                closed.value += 1
    finally:
        for key in list(sel.get_map().values()):
            key.fileobj.close()
        sel.close()


def sample_page(url: str, stop: threading.Event, times: list[float]) -> None:
    """Fetch ``url`` twice a second (each on a new connection, as a browser coming to the
    page) until ``stop``: each fetch's time (TIMEOUT on failure)."""
    import httpx2 as httpx

    while not stop.is_set():
        started = time.perf_counter()
        try:
            ok = httpx.get(url, timeout=TIMEOUT).status_code == 200
        except httpx.HTTPError:
            ok = False
        times.append(time.perf_counter() - started if ok else TIMEOUT)
        stop.wait(0.5)


def csrf(client, url: str) -> str:
    page = client.get(url)
    page.raise_for_status()
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


def run_load(links: dict[str, str], books: list[tuple[str, Path, bool]], clients: int
             ) -> tuple[list[float], list[float]]:
    """Each upload's POST time, and the time until its result page has arrived too."""
    import httpx2 as httpx

    times: list[float] = []
    shown: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients)

    def client_loop(k: int) -> None:
        try:
            uploads(k)
        except Exception as exc:  # reported after the run
            with lock:
                errors.append(f"client {k}: {type(exc).__name__}: {exc}")

    def uploads(k: int) -> None:
        mine = books[k::clients]
        with httpx.Client(timeout=TIMEOUT) as client:
            token = csrf(client, links[mine[0][0]]) if mine else ""
            payloads = [(links[unit], path.name, path.read_bytes()) for unit, path, _ in mine]
            barrier.wait(TIMEOUT)
            for url, name, data in payloads:
                started = time.perf_counter()
                response = client.post(f"{url}/unggah", data={"csrf": token},
                                       files={"berkas": (name, data, XLSX)},
                                       follow_redirects=False)
                took = time.perf_counter() - started
                root = url.split("/u/")[0]
                page = client.get(root + response.headers.get("location", ""))
                seen = time.perf_counter() - started
                with lock:
                    if response.status_code != 303 or page.status_code != 200:
                        errors.append(f"{name}: {response.status_code} {page.status_code}")
                    times.append(took)
                    shown.append(seen)

    threads = [threading.Thread(target=client_loop, args=(k,)) for k in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT * 5)
    if errors or len(times) != len(books):
        raise SystemExit(f"uploads failed: {errors or len(times)}")
    return times, shown


def verify(data: Path, books: list[tuple[str, Path, bool]]) -> dict:
    """Every upload stored as its own version, byte for byte, and checked as expected."""
    stored: dict[str, list[tuple[str, str]]] = {}
    for result in sorted((data / "unggahan").glob("*/v*/hasil.json")):
        record = json.loads(result.read_text(encoding="utf-8"))
        workbook = result.parent / "isian" / record["stored_name"]
        digest = hashlib.sha256(workbook.read_bytes()).hexdigest()
        stored.setdefault(record["unit"], []).append((digest, record["status"]))
    sent: dict[str, list[tuple[str, str]]] = {}
    for unit, path, valid in books:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        sent.setdefault(unit, []).append((digest, "diterima" if valid else "ada_galat"))
    same = {u: sorted(v) for u, v in stored.items()} == {u: sorted(v) for u, v in
                                                          sent.items()}
    versions = sum(len(v) for v in stored.values())
    return {"stored": versions, "matches": same,
            "accepted": sum(s == "diterima" for v in stored.values() for _, s in v),
            "errors": sum(s == "ada_galat" for v in stored.values() for _, s in v)}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1))
    return ordered[index]  # nearest rank


def report(args, times: list[float], shown: list[float], wall: float, check: dict,
           page: float, code: int, flood: dict | None = None) -> str:
    median, p95 = statistics.median(times), percentile(times, 0.95)
    ok = median <= TARGET_MEDIAN and check["matches"] and check["stored"] == args.uploads
    command = (f".venv/bin/python -m dev.bench_web --uploads {args.uploads} --clients "
               f"{args.clients} --seed {args.seed}")
    rows = []
    if flood:
        command += f" --idle {args.idle} --flood-rate {args.flood_rate} --hold {args.hold:g}"
        if args.open_files:
            command += f" --open-files {args.open_files}"
        if args.debug_loop:
            command += " --debug-loop"
        limit = (f"{args.open_files} open files" if args.open_files else
                 "its own open-files limit, raised at start")
        pages = flood["pages"]
        rows = [
            f"| idle connections held open throughout (server: {limit}; it keeps at most "
            f"{flood['cap']} connections) | "
            f"{args.idle} ({flood['opened']} opened in {flood['seconds']:.1f} s, "
            f"{flood['closed']} closed by the server and replaced) |",
            f"| a unit's page during the flood: fetches, failed, median / slowest | "
            f"{len(pages)}, {sum(t >= TIMEOUT for t in pages)}, "
            f"{statistics.median(pages):.3f} s / {max(pages):.3f} s |",
        ]
        if args.debug_loop:
            rows.append(f"| event loop held > 0.1 s (asyncio debug) | {flood['slow']} times |")
        rows.append(f"| \"Too many open files\" in the server's log | {flood['emfile']} |")
    return "\n".join([
        START,
        "## `iku serve` under load (issue 12)",
        "",
        f"Generated by `python -m dev.bench_web` (part of `make bench`); this run: `{command}`,"
        f" {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} CPU (shared).",
        "",
        f"A real `iku serve` (sample master) on 127.0.0.1; {args.uploads} uploads from "
        f"{args.clients} concurrent clients (one session each, released together), every "
        "fifth workbook with an error. Time per upload = the POST until its answer "
        "(receive, store, safety gate, read, validate); with the result page = until the "
        "page it redirects to (the lines, the cells in context) has arrived too.",
        *(["", f"Through a flood (issue 18 §9): {args.idle} idle connections to the server, "
            "no token (every other one sends half a request line, the rest nothing), opened "
            "before the uploads and kept at that number until the end (each one the server "
            f"closes replaced at once, at most {args.flood_rate} new ones a second); a unit's "
            "page fetched twice a second meanwhile, on a new connection each time."]
          if flood else []),
        "",
        "| measure | value |",
        "|---|---|",
        f"| uploads stored as versions, bytes identical | {check['stored']} of {args.uploads}"
        f" ({'all' if check['matches'] else 'MISMATCH'}) |",
        f"| checked: diterima / ada galat | {check['accepted']} / {check['errors']} |",
        f"| median response | {median:.3f} s |",
        f"| p95 response | {p95:.3f} s |",
        f"| slowest response | {max(times):.3f} s |",
        f"| median / p95 with the result page | {statistics.median(shown):.3f} s / "
        f"{percentile(shown, 0.95):.3f} s |",
        f"| wall time, all uploads | {wall:.2f} s ({args.uploads / wall:.1f} uploads/s) |",
        f"| secretariat page afterwards (combined check of the set) | {page:.3f} s |",
        *rows,
        f"| server stopped with Ctrl+C | exit {code} |",
        f"| target: median within {TARGET_MEDIAN:g} s, nothing lost | "
        f"{'met' if ok else 'NOT MET'} |",
        END,
        "",
    ])


def write_section(out: Path, section: str) -> None:
    text = out.read_text(encoding="utf-8") if out.exists() else "# Benchmarks\n\n"
    if START in text and END in text:
        before, rest = text.split(START, 1)
        after = rest.split(END, 1)[1].lstrip("\n")
        text = before + section + after
    else:
        text = text.rstrip("\n") + "\n\n" + section
    out.write_text(text, encoding="utf-8")


def upload_cost(folder: Path, stored: int) -> tuple[float, float]:
    """CPU seconds of one upload of POLITIK and its result page with ``stored`` versions
    in ``folder`` (up to 180 of POLITIK, its quota kept free, the rest of the other
    units), median of five; and the CPU seconds ``open_site`` took to read them."""
    import shutil

    from starlette.testclient import TestClient

    from pipeline.web import store
    from pipeline.web.app import create_app
    from pipeline.web.site import open_site

    master = load_master(paths.SAMPLE_MASTER)
    (unit, book, _), = make_workbooks(folder, 1, 0)
    site = open_site(master, folder / "data")
    url = f"/u/{site.tokens.units[unit]}"

    def send(client, token):
        with open(book, "rb") as fh:
            response = client.post(f"{url}/unggah", data={"csrf": token},
                                   files={"berkas": (book.name, fh, XLSX)},
                                   follow_redirects=False)
        assert response.status_code == 303, response.status_code
        return client.get(response.headers["location"])

    with TestClient(create_app(site)) as client:
        send(client, csrf(client, url))
    seed = folder / "data" / store.UPLOADS / unit / "v0001"
    mine = min(stored, 180)
    others = [u.code for u in master.reporting_units if u.code != unit]
    places = [(unit, n) for n in range(2, mine + 1)]
    places += [(others[i % len(others)], i // len(others) + 1) for i in range(stored - mine)]
    for code, n in places:
        shutil.copytree(seed, folder / "data" / store.UPLOADS / code / f"v{n:04d}")
    started = time.process_time()
    site = open_site(master, folder / "data")  # a restart: the folder is read once here
    start = time.process_time() - started
    samples = []
    with TestClient(create_app(site)) as client:
        token = csrf(client, url)
        for i in range(6):
            started = time.process_time()
            page = send(client, token)
            if i:  # the first warms up
                samples.append(time.process_time() - started)
            page.raise_for_status()
    return statistics.median(samples), start


def main(argv: list[str] | None = None) -> int:
    import httpx2 as httpx

    parser = argparse.ArgumentParser(prog="python -m dev.bench_web", description=__doc__)
    parser.add_argument("--uploads", type=int, default=50)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="Markdown file whose web section is written")
    parser.add_argument("--idle", type=int, default=0,
                        help="idle connections held open during the load (a flood)")
    parser.add_argument("--flood-rate", type=int, default=FLOOD_RATE,
                        help="new idle connections per second at most, once N are open")
    parser.add_argument("--open-files", type=int, default=None,
                        help="the server's limit of open files (POSIX)")
    parser.add_argument("--hold", type=float, default=0.0,
                        help="seconds the flood lasts at least (the page is fetched meanwhile)")
    parser.add_argument("--debug-loop", action="store_true",
                        help="count callbacks that held the server's event loop > 0.1 s")
    parser.add_argument("--versions", default="",
                        help="only print the CPU time of an upload with these numbers of "
                             "versions stored, e.g. 10,200,1000,2000")
    args = parser.parse_args(argv)
    if args.versions:
        for stored in (int(n) for n in args.versions.split(",")):
            with tempfile.TemporaryDirectory(prefix="iku_bench_web_") as tmp:
                cost, start = upload_cost(Path(tmp), stored)
            print(f"{stored} versions stored: {cost * 1000:.1f} ms of CPU per upload and its "
                  f"result page; open_site read them in {start:.3f} s of CPU", flush=True)
        return 0
    flood = None
    with tempfile.TemporaryDirectory(prefix="iku_bench_web_") as tmp:
        books = make_workbooks(Path(tmp), args.uploads, args.seed)
        data = Path(tmp) / "data"
        proc, links = start_server(data, args.open_files, args.debug_loop)
        try:
            port = int(links[SECRETARIAT].split("/")[2].rsplit(":", 1)[1])
            pages: list[float] = []
            stop = threading.Event()
            flood_started = time.perf_counter()
            with Flood(port, args.idle, args.flood_rate) as idle:
                sampler = threading.Thread(target=sample_page,
                                           args=(links[books[0][0]], stop, pages))
                if args.idle:
                    sampler.start()
                started = time.perf_counter()
                times, shown = run_load(links, books, args.clients)
                wall = time.perf_counter() - started
                if args.idle:
                    stop.wait(max(0.0, args.hold - wall))
                stop.set()
                if args.idle:
                    sampler.join(TIMEOUT)
                    flood = {"opened": idle.opened, "closed": idle.closed_by_server,
                             "pages": pages or [TIMEOUT],
                             "seconds": time.perf_counter() - flood_started}
            with httpx.Client(timeout=TIMEOUT) as client:
                started = time.perf_counter()
                client.get(links[SECRETARIAT]).raise_for_status()
                page = time.perf_counter() - started
        finally:
            code, err = stop_server(proc)
        check = verify(data, books)
    if flood is not None:
        flood["slow"] = len(re.findall(r"Executing .* took \d", err))
        flood["emfile"] = err.count("Too many open files")  # the log goes to stderr too
        cap = re.search(r"batas: (\d+) sambungan", err)
        flood["cap"] = cap.group(1) if cap else "?"
    section = report(args, times, shown, wall, check, page, code, flood)
    write_section(args.out, section)
    print(section)
    return 0 if (check["matches"] and code == 0) else 1


if __name__ == "__main__":
    raise SystemExit(main())
