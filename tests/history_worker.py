"""A separate process that records into a history file, for the concurrency and kill
tests (tests/test_history_faults.py). Not a test module.

    python tests/history_worker.py DB once AGENCY YEAR INDICATORS
    python tests/history_worker.py DB repeat AGENCY YEAR INDICATORS COUNT
    python tests/history_worker.py DB forever AGENCY YEAR INDICATORS

"forever" prints "siap" once the file is open, then the count of each run after its
COMMIT.

Every run it records has INDICATORS indicators of 5 units each, ``source`` =
``worker-<pid>`` and, as the first indicator's ``realisation``, the worker's count of runs
recorded before it (0, 1, 2 ...): a test can check that each version was written whole
and that each process's runs got increasing versions.
"""

from __future__ import annotations

import datetime as dt
import os
import sys

from pipeline.history import IndicatorRecord, RunSnapshot, UnitFigure, open_history

UNITS = ("SEKRETARIAT", "POLITIK", "IDEOLOGI", "KETAHANAN", "EKONOMI")


def snapshot(agency: str, year: int, indicators: int, mark: float) -> RunSnapshot:
    records = tuple(
        IndicatorRecord(
            key=f"S{i // 4 + 1}.{i % 4 + 1}", code=f"S{i // 4 + 1}.{i % 4 + 1}",
            kind="persentase", name=f"Persentase indikator nomor {i} " + "x" * 40,
            unit_of_measure="%", target=100, realisation=mark if i == 0 else 87.5,
            achievement=87.5, status="ok",
            contributions=tuple(UnitFigure(u, 7.0, 8.0, "", "f" * 64) for u in UNITS))
        for i in range(indicators))
    return RunSnapshot(agency_key=agency, agency_name=agency.upper(), year=year,
                       indicators=records, recorded_at=dt.datetime.now(dt.UTC),
                       master_text=f"master {agency} {year} {mark}\n" * 200,
                       master_fingerprint="m", source=f"worker-{os.getpid()}")


def main(argv: list[str]) -> int:
    db, mode, agency, year, indicators = argv[:5]
    count = int(argv[5]) if mode == "repeat" else (1 if mode == "once" else 10**9)
    with open_history(db) as h:
        if mode == "forever":
            print("siap", flush=True)
        for n in range(count):
            h.record(snapshot(agency, int(year), int(indicators), float(n)))
            if mode == "forever":
                print(n, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
