"""What the history costs (issue 9): ``python -m dev.bench_history`` (part of ``make
bench``).

1. A synthetic 40-agency city (``iku synth``) goes through ``report_all`` (one process,
   ``jobs=1``, so the process's CPU time is the whole run's) without a history and with
   one that already holds the city's previous year (so last year is really read),
   alternating, several rounds. Two figures: the CPU time spent inside the runner's
   history stages (``prior``, ``signed``, ``publish``: reading last year and the year's
   warnings, building the snapshot, writing it in the transaction that places the report:
   ``publish`` also places the report, a few milliseconds, so the figure is an upper
   bound), timed directly around those stages; and the difference of the
   two runs' medians, which also catches costs elsewhere but carries the machine's noise.
   Target: under 10% of the run.
2. The size of a synthetic decade of 400 agencies (``dev.history_measure``). Target:
   under 100 MB.

The figures go into docs/BENCHMARKS.md between ``<!-- bench_history -->`` and
``<!-- /bench_history -->`` (appended when absent; ``dev.bench`` rewrites the rest).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from dev import history_measure

ROOT = Path(__file__).resolve().parent.parent  # the repository

START, END = "<!-- bench_history -->", "<!-- /bench_history -->"
OUT = ROOT / "docs" / "BENCHMARKS.md"


def _city(root: Path, agencies: int, units: int, indicators: int, seed: int,
          year: int = 2021) -> None:
    from pipeline.workbook.synth import write_city

    write_city(root, agencies, units, indicators, seed=seed, year=year, jobs=1)


def _run(root: Path, out: Path, history: Path | None) -> tuple[float, float]:
    from pipeline.batch import report_all

    cpu, wall = time.process_time(), time.perf_counter()
    outcome = report_all(root, out, jobs=1, progress=False, history=history)
    assert outcome.ok, "the synthetic city should be valid"
    return time.process_time() - cpu, time.perf_counter() - wall


HISTORY_STAGES = ("prior", "signed", "publish")


@contextlib.contextmanager
def timed_history_stages(spent: list[float]):
    """Wrap the runner's history stages so their CPU time adds up in ``spent[0]``."""
    from pipeline import run as runner

    def timed(stage):
        def wrapper(job, outcome):
            start = time.process_time()
            try:
                return stage(job, outcome)
            finally:
                spent[0] += time.process_time() - start
        return wrapper

    original = runner.STAGES
    runner.STAGES = tuple(timed(s) if s.__name__ in HISTORY_STAGES else s for s in original)
    try:
        yield
    finally:
        runner.STAGES = original


def measure_recording(tmp: Path, agencies: int, rounds: int, units: int, indicators: int,
                      seed: int) -> dict:
    root, last_year = tmp / "kota", tmp / "kota_tahun_lalu"
    _city(root, agencies, units, indicators, seed)
    _city(last_year, agencies, units, indicators, seed, year=2020)
    base = tmp / "tahun_lalu.sqlite"
    _run(last_year, tmp / "hasil_tahun_lalu", base)  # also warms imports and caches
    without, with_, stages, walls = [], [], [], ([], [])
    for i in range(rounds):
        fresh = tmp / f"r{i}.sqlite"
        shutil.copyfile(base, fresh)
        order = (None, fresh) if i % 2 == 0 else (fresh, None)
        for history in order:
            spent = [0.0]
            with timed_history_stages(spent):
                cpu, wall = _run(root, tmp / f"hasil{i}_{history is None}", history)
            (without if history is None else with_).append(cpu)
            if history is not None:
                stages.append(spent[0])
            walls[history is None].append(wall)
    plain, recorded, inside = (statistics.median(v) for v in (without, with_, stages))
    return {"agencies": agencies, "rounds": rounds, "without": plain, "with": recorded,
            "stages": inside, "stages_ratio": inside / recorded,
            "cost": recorded - plain, "ratio": (recorded - plain) / plain,
            "spread": max(without) - min(without),
            "wall_without": statistics.median(walls[True]),
            "wall_with": statistics.median(walls[False])}


def measure_size(tmp: Path, agencies: int, years: int) -> dict:
    path = tmp / "dekade.sqlite"
    masters = history_measure.agency_masters(agencies, 5, 9)
    built = history_measure.build(path, masters, range(2016, 2016 + years))
    return {"agencies": agencies, "years": years, "mib": built["bytes"] / 2**20,
            "indicators": built["indicators"], "contributions": built["contributions"],
            "seconds": built["seconds"]}


def section(rec: dict, size: dict, command: str) -> str:
    ok_cost, ok_size = rec["stages_ratio"] < 0.10, size["mib"] < 100
    return "\n".join([
        START,
        "## The history's cost (issue 9)",
        "",
        f"Generated by `python -m dev.bench_history` (part of `make bench`); this run: "
        f"`{command}`, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} CPU (shared).",
        "",
        f"`report --all` of a synthetic {rec['agencies']}-agency city (2021) in one process, "
        "without a history and with one already holding the city's 2020, alternating, "
        f"{rec['rounds']} rounds each (CPU seconds of the process; medians). The history "
        "stages (reading last year, the snapshot, recording) are timed directly; the "
        "difference of the two runs is shown too, but it is within the machine's noise "
        f"(the runs without history alone spread over {rec['spread']:.2f} s).",
        "",
        "| measure | value |",
        "|---|---|",
        f"| `report --all`, no history | {rec['without']:.2f} s CPU ({rec['wall_without']:.2f}"
        " s wall) |",
        f"| `report --all`, recording into the history | {rec['with']:.2f} s CPU "
        f"({rec['wall_with']:.2f} s wall) |",
        f"| time inside the history stages | {rec['stages']:.2f} s CPU = "
        f"{rec['stages_ratio'] * 100:.1f}% of the run (target under 10%: "
        f"{'met' if ok_cost else 'NOT MET'}) |",
        f"| difference of the two runs | {rec['cost']:+.2f} s CPU = {rec['ratio'] * 100:+.1f}%"
        " (noise included) |",
        f"| a {size['years']}-year, {size['agencies']}-agency history "
        f"({size['indicators']:,} indicator figures, {size['contributions']:,} unit figures)"
        f" | {size['mib']:.1f} MiB (target under 100 MB: {'met' if ok_size else 'NOT MET'});"
        f" built in {size['seconds']:.0f} s |",
        END,
        "",
    ])


def write_section(out: Path, text: str) -> None:
    doc = out.read_text(encoding="utf-8") if out.exists() else "# Benchmarks\n\n"
    if START in doc and END in doc:
        before, rest = doc.split(START, 1)
        doc = before + text + rest.split(END, 1)[1].lstrip("\n")
    else:
        doc = doc.rstrip("\n") + "\n\n" + text
    out.write_text(doc, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m dev.bench_history", description=__doc__)
    ap.add_argument("--agencies", type=int, default=40)
    ap.add_argument("--units", type=int, default=8)
    ap.add_argument("--indicators", type=int, default=19)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--decade-agencies", type=int, default=400)
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    command = (f".venv/bin/python -m dev.bench_history --agencies {args.agencies} --rounds "
               f"{args.rounds} --decade-agencies {args.decade_agencies} --years {args.years}")
    with tempfile.TemporaryDirectory(prefix="iku_bench_riwayat_") as tmp:
        tmp = Path(tmp)
        rec = measure_recording(tmp, args.agencies, args.rounds, args.units,
                                args.indicators, args.seed)
        size = measure_size(tmp, args.decade_agencies, args.years)
    text = section(rec, size, command)
    write_section(args.out, text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
