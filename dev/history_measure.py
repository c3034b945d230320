"""Measure the history: the size of a synthetic city's decade and the cost of one year.

``python -m dev.history_measure [--agencies 400] [--years 10] [--units 5]
[--per-unit 9] [--city 40] [--all-units] [--out FILE]`` (a development tool, not a user
command; ``make bench`` runs it through ``dev.bench_history``):

1. builds a database of ``--agencies`` agencies over ``--years`` years, each year one
   annual run per agency recorded with ``History.record`` (its own transaction, as
   ``iku report`` will), with the agency's master text (``synth.master_data``, the year
   and some targets changed each year, so every year stores a new master blob), about
   ``--units`` x ``--per-unit`` indicators (some shared by two or three units), each with
   its units' x1 and x2 and one submission fingerprint per unit; prints the file size
   after a checkpoint (WAL folded in) and per table (``dbstat``);
2. times recording one city year (``--city`` agencies) into that database, once as one
   ``record`` call per agency (one transaction each) and once as a single ``record_many``
   (one transaction), the best of three each; each timed round writes a new year.

Figures are synthetic but shaped like real ones: realisation and capaian drawn as floats
with decimals, notes mostly empty. The real sample master (21 KB) compresses to 5 KB,
the synthetic ones (25 KB) to 3 KB: see docs/RIWAYAT.md for what that means for a city.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import tempfile
import time
from pathlib import Path

import yaml

from pipeline.history.model import (
    IndicatorRecord,
    RunSnapshot,
    UnitFigure,
    agency_key,
    fingerprint,
)
from pipeline.history.store import open_history
from pipeline.workbook.synth import master_data

_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def agency_masters(agencies: int, units: int, per_unit: int, seed: int = 0) -> list[dict]:
    return [master_data(random.Random(seed * 100_003 + n), n, units, per_unit, 2000)
            for n in range(1, agencies + 1)]


def snapshot(data: dict, year: int, rng: random.Random, all_units: bool = False
             ) -> RunSnapshot:
    """One agency's annual run for ``year``: the master of that year and drawn figures;
    ``all_units``: every unit reports every indicator (the worst case for size)."""
    data = {**data, "instansi": {**data["instansi"], "tahun": year}}
    records = []
    for sas in data["sasaran"]:
        for ind in sas["indikator"]:
            if all_units:
                ind["unit_pelapor"] = [u["kode"] for u in data["unit"]]
            if rng.random() < 0.2 and not isinstance(ind["target"], list):
                ind["target"] = ind["target"] + rng.choice((1, 2, 5))  # a new year's target
            units = []
            for unit in ind["unit_pelapor"]:
                x2 = rng.randint(1, 400)
                units.append(UnitFigure(unit, float(rng.randint(0, x2)), float(x2), "",
                                        fingerprint(f"{data['instansi']['nama']}{year}{unit}")))
            real = rng.uniform(40, 120)
            target = ind["target"]
            records.append(IndicatorRecord(
                key=ind["kode"], code=ind["kode"], kind=ind["jenis"], name=ind["nama"],
                unit_of_measure=ind["satuan"],
                target=tuple(target) if isinstance(target, list) else target,
                realisation=real, achievement=real / 0.95, status="ok",
                contributions=tuple(units)))
    text = yaml.dump(data, Dumper=_DUMPER, allow_unicode=True, sort_keys=False, width=100)
    name = data["instansi"]["nama"]
    return RunSnapshot(
        agency_key=agency_key(name), agency_name=name, year=year, indicators=tuple(records),
        recorded_at=dt.datetime(year + 1, 1, 31, 9, tzinfo=dt.UTC), master_text=text,
        master_fingerprint=fingerprint(text), template=b"", template_fingerprint="")


def build(path: Path, masters: list[dict], years: range, seed: int = 0,
          all_units: bool = False) -> dict[str, float]:
    rng = random.Random(seed)
    start = time.perf_counter()
    indicators = contributions = 0
    with open_history(path) as h:
        for year in years:
            for data in masters:
                snap = snapshot(data, year, rng, all_units)
                indicators += len(snap.indicators)
                contributions += sum(len(r.contributions) for r in snap.indicators)
                h.record(snap)
        h.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        tables = dict(h.conn.execute(
            "SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall())
    return {"seconds": time.perf_counter() - start, "bytes": path.stat().st_size,
            "indicators": indicators, "contributions": contributions, "tables": tables}


def time_city_year(path: Path, masters: list[dict], first_year: int, repeat: int = 3
                   ) -> tuple[float, float]:
    """Best seconds to record ``len(masters)`` agencies: one transaction each, and all in
    one ``record_many``."""
    rng = random.Random(1)
    each, together = [], []
    year = first_year
    with open_history(path) as h:
        for _ in range(repeat):
            snaps = [snapshot(d, year, rng) for d in masters]
            t = time.perf_counter()
            for s in snaps:
                h.record(s)
            each.append(time.perf_counter() - t)
            year += 1
            snaps = [snapshot(d, year, rng) for d in masters]
            t = time.perf_counter()
            h.record_many(snaps)
            together.append(time.perf_counter() - t)
            year += 1
    return min(each), min(together)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--agencies", type=int, default=400)
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--units", type=int, default=5)
    ap.add_argument("--per-unit", type=int, default=9)
    ap.add_argument("--city", type=int, default=40)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--all-units", action="store_true",
                    help="every unit reports every indicator (worst case for size)")
    ap.add_argument("--out", type=Path, help="keep the database here (default: temporary)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="iku_riwayat_") as tmp:
        path = args.out or Path(tmp) / "riwayat.sqlite"
        masters = agency_masters(args.agencies, args.units, args.per_unit, args.seed)
        years = range(2016, 2016 + args.years)
        built = build(path, masters, years, args.seed, args.all_units)
        runs = args.agencies * args.years
        print(f"{args.agencies} instansi x {args.years} tahun = {runs} runs, "
              f"{built['indicators']} indicator figures, {built['contributions']} unit "
              f"figures: {built['bytes'] / 2**20:.1f} MiB "
              f"({built['bytes'] / runs / 1024:.1f} KiB per run), built in "
              f"{built['seconds']:.1f} s")
        for name, size in sorted(built["tables"].items(), key=lambda kv: -kv[1]):
            print(f"  {name:24} {size / 2**20:7.2f} MiB")
        each, together = time_city_year(path, masters[:args.city], years.stop)
        print(f"record one city year ({args.city} instansi) into it: {each:.3f} s as "
              f"{args.city} transactions, {together:.3f} s as one (best of 3)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
