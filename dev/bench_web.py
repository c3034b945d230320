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
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from pipeline import paths
from pipeline.domain.master import load_master
from pipeline.workbook.sample import fill_workbook
from pipeline.workbook.templates import write_template

ROOT = Path(__file__).resolve().parent.parent  # the repository

DEFAULT_OUT = ROOT / "docs" / "BENCHMARKS.md"
START, END = "<!-- bench_web -->", "<!-- /bench_web -->"
TARGET_MEDIAN = 2.0  # seconds (issue 12)
TIMEOUT = 120.0  # seconds: one request, and the whole run's waits
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


def start_server(data: Path) -> tuple[subprocess.Popen, dict[str, str]]:
    env = {**os.environ, "IKU_RIWAYAT": str(data.parent / "riwayat.sqlite")}  # not output/'s
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "serve", "--data", str(data),
                             "--port", "0"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True,
                            env=env)
    links: dict[str, str] = {}
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            raise SystemExit("iku serve stopped: " + proc.stderr.read())
        label, sep, url = line.strip().partition(": ")
        if sep and url.startswith("http://127.0.0.1:"):
            links[label] = url
        if line.startswith("Folder data:"):
            return proc, links
    proc.kill()
    raise SystemExit("iku serve printed no links")


def stop_server(proc: subprocess.Popen) -> int:
    proc.send_signal(signal.SIGINT)
    try:
        proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
    return proc.returncode


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
        workbook = result.parent / "isian" / record["berkas"]
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
           page: float, code: int) -> str:
    median, p95 = statistics.median(times), percentile(times, 0.95)
    ok = median <= TARGET_MEDIAN and check["matches"] and check["stored"] == args.uploads
    command = (f".venv/bin/python -m dev.bench_web --uploads {args.uploads} --clients "
               f"{args.clients} --seed {args.seed}")
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


def main(argv: list[str] | None = None) -> int:
    import httpx2 as httpx

    parser = argparse.ArgumentParser(prog="python -m dev.bench_web", description=__doc__)
    parser.add_argument("--uploads", type=int, default=50)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="Markdown file whose web section is written")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="iku_bench_web_") as tmp:
        books = make_workbooks(Path(tmp), args.uploads, args.seed)
        data = Path(tmp) / "data"
        proc, links = start_server(data)
        try:
            started = time.perf_counter()
            times, shown = run_load(links, books, args.clients)
            wall = time.perf_counter() - started
            with httpx.Client(timeout=TIMEOUT) as client:
                started = time.perf_counter()
                client.get(links["SEKRETARIAT"]).raise_for_status()
                page = time.perf_counter() - started
        finally:
            code = stop_server(proc)
        check = verify(data, books)
    section = report(args, times, shown, wall, check, page, code)
    write_section(args.out, section)
    print(section)
    return 0 if (check["matches"] and code == 0) else 1


if __name__ == "__main__":
    raise SystemExit(main())
