"""A synthetic city: many agencies' masters and their filled submissions, for tests and
benchmarks.

``write_city(root, agencies, units, indicators, seed)`` lays out, exactly as ``iku report
--all`` expects (docs/KOTA.md)::

    ROOT/01_dinas_pendidikan/master.yaml
    ROOT/01_dinas_pendidikan/isian/Isian_IKU_2021_SEKRETARIAT.xlsx
    ...

Every master is built as plain data, written with ``yaml.safe_dump`` and loaded back with
``load_master``, so it is valid by the same rules as a secretariat's master. Every workbook
is the project's own template (``templates.write_template``) with counts typed into its
input cells only, the way a person fills it: ``fill_template`` finds the header and the
rows by their labels and Kode, refuses locked cells, and stores each typed number in the
cell the template left blank. It edits the sheet XML instead of round-tripping through
openpyxl (``sample.fill_workbook``), which is some ten times slower and would dominate a
300-workbook city; the tests check that both give the reader the same values.

Each unit fills ``indicators`` rows; some indicators are shared by two or three units of
the agency (their counts are summed). Counts are realistic: 0 <= x1 <= x2, x2 >= 1.
Everything is drawn from ``random.Random(seed)``: the same arguments give byte-identical
files.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import re
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .. import system
from ..domain.kinds import Kind, rules_of
from ..domain.master import Master, load_master
from ..office.ooxml import verify_package
from .sample import fill_template
from .templates import template_filename, write_template

MASTER_NAME = "master.yaml"  # the layout of docs/KOTA.md; batch.py reads the same names
INPUTS_DIR = "isian"

Number = int | float
Values = Mapping[str, tuple[Number | None, Number | None]]

AGENCIES = (
    "Dinas Pendidikan", "Dinas Kesehatan", "Dinas Pekerjaan Umum dan Penataan Ruang",
    "Dinas Perumahan dan Kawasan Permukiman", "Dinas Sosial", "Dinas Tenaga Kerja",
    "Dinas Pemberdayaan Perempuan dan Perlindungan Anak", "Dinas Ketahanan Pangan",
    "Dinas Lingkungan Hidup", "Dinas Kependudukan dan Pencatatan Sipil",
    "Dinas Pemberdayaan Masyarakat dan Kelurahan", "Dinas Pengendalian Penduduk dan KB",
    "Dinas Perhubungan", "Dinas Komunikasi dan Informatika",
    "Dinas Koperasi dan Usaha Kecil Menengah", "Dinas Penanaman Modal dan PTSP",
    "Dinas Kepemudaan dan Olahraga", "Dinas Pariwisata dan Kebudayaan",
    "Dinas Perpustakaan dan Kearsipan", "Dinas Perikanan", "Dinas Pertanian",
    "Dinas Perindustrian dan Perdagangan", "Satuan Polisi Pamong Praja",
    "Dinas Pemadam Kebakaran dan Penyelamatan", "Badan Perencanaan Pembangunan Daerah",
    "Badan Pengelola Keuangan dan Aset Daerah", "Badan Pendapatan Daerah",
    "Badan Kepegawaian dan Pengembangan SDM", "Badan Penanggulangan Bencana Daerah",
    "Badan Kesatuan Bangsa dan Politik", "Inspektorat", "Sekretariat Daerah",
    "Sekretariat DPRD", "Rumah Sakit Umum Daerah", "Kecamatan Kota Baru",
    "Kecamatan Telanaipura", "Kecamatan Jambi Selatan", "Kecamatan Pasar",
    "Kecamatan Danau Teluk", "Kecamatan Pelayangan",
)
UNITS = (
    ("SEKRETARIAT", "Sekretariat"), ("PERENCANAAN", "Bidang Perencanaan dan Evaluasi"),
    ("PELAYANAN", "Bidang Pelayanan"), ("PEMBINAAN", "Bidang Pembinaan"),
    ("PENGAWASAN", "Bidang Pengawasan dan Pengendalian"),
    ("DATA", "Bidang Data dan Informasi"), ("PENGEMBANGAN", "Bidang Pengembangan"),
    ("KERJASAMA", "Bidang Kerja Sama"), ("SARPRAS", "Bidang Sarana dan Prasarana"),
    ("UPTD", "Unit Pelaksana Teknis Daerah"),
)
OBJECTS = (
    "dokumen perencanaan", "laporan keuangan", "pengaduan masyarakat", "sekolah",
    "puskesmas", "ruas jalan", "usaha mikro", "kelurahan", "pegawai", "rekomendasi izin",
    "kegiatan pembinaan", "temuan pemeriksaan", "data kependudukan", "layanan daring",
    "kelompok tani", "sarana olahraga", "arsip daerah", "koperasi aktif", "titik rawan",
    "rumah tidak layak huni",
)
STATES = (
    "yang diselesaikan tepat waktu", "yang memenuhi standar", "yang ditindaklanjuti",
    "dalam kondisi baik", "yang terlayani", "yang terverifikasi", "yang dibina",
)
PEOPLE = ("Budi Santoso", "Siti Aminah", "Ahmad Fauzi", "Dewi Lestari", "Rudi Hartono",
          "Nur Aini", "Hendra Gunawan", "Sri Wahyuni", "Agus Salim", "Yuliana Putri")


@dataclass(frozen=True)
class City:
    root: Path
    agencies: tuple[Path, ...]  # the agency folders, in order
    workbooks: int
    rows: int  # indicator rows over all workbooks


def write_city(
    root: Path,
    agencies: int,
    units: int,
    indicators: int,
    seed: int = 0,
    year: int = 2021,
    jobs: int | None = 1,
) -> City:
    """Write ``agencies`` masters and their filled submissions under ``root``.

    Each agency has ``units`` reporting units and each unit's workbook ``indicators`` rows.
    Agency *n* draws from its own ``random.Random(f"{seed}-{n}")``, so the files do not
    depend on ``jobs`` (worker processes; None = one per CPU).
    """
    if agencies < 1 or units < 1 or indicators < 1:
        raise ValueError("agencies, units and indicators must be at least 1")
    if units > 99:
        raise ValueError("at most 99 units per agency")
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    width = max(2, len(str(agencies)))  # folder numbers sort in order: 001_ … 100_
    tasks = [(root, n, width, units, indicators, seed, year) for n in range(1, agencies + 1)]
    jobs = min(jobs or os.cpu_count() or 1, agencies)
    if jobs > 1:
        with pool(jobs) as executor:
            done = list(executor.map(_write_agency, tasks))
    else:
        done = [_write_agency(t) for t in tasks]
    return City(
        root,
        tuple(folder for folder, _, _ in done),
        sum(w for _, w, _ in done),
        sum(r for _, _, r in done),
    )


def _write_agency(task: tuple[Path, int, int, int, int, int, int]) -> tuple[Path, int, int]:
    root, number, width, units, indicators, seed, year = task
    rng = random.Random(f"{seed}-{number}")
    data = master_data(rng, number, units, indicators, year)
    folder = root / f"{number:0{width}d}_{_slug(data['instansi']['nama_singkat'])}"
    inputs = folder / INPUTS_DIR
    inputs.mkdir(parents=True, exist_ok=True)
    master = write_master(data, folder / MASTER_NAME)
    workbooks = rows = 0
    for unit in master.reporting_units:
        values = unit_values(rng, master, unit.code)
        blank = io.BytesIO()
        write_template(master, unit.code, blank)
        filled = fill_template(blank.getvalue(), values)
        name = template_filename(master, unit.code)
        verify_package(filled, name)  # as write_atomically does; no fsync for test data
        (inputs / name).write_bytes(filled)
        workbooks += 1
        rows += len(values)
    return folder, workbooks, rows


def pool(jobs: int) -> ProcessPoolExecutor:
    """Worker processes; forked on Linux, where that is safe and starts in milliseconds."""
    return ProcessPoolExecutor(jobs, mp_context=system.worker_context())


# --- masters --------------------------------------------------------------------------


def agency_name(number: int) -> str:
    base = AGENCIES[(number - 1) % len(AGENCIES)]
    rounds = (number - 1) // len(AGENCIES)
    return base if rounds == 0 else f"{base} {rounds + 1}"


def master_data(
    rng: random.Random, number: int, units: int, indicators: int, year: int
) -> dict[str, Any]:
    """One agency's master as the plain data a YAML file holds (Indonesian keys)."""
    short = agency_name(number)
    name = f"{short} Kota Contoh"
    unit_list = [_unit(rng, i) for i in range(units)]
    codes = [u["kode"] for u in unit_list]
    reporters = _assign(rng, codes, indicators)
    sasaran, n = [], 0
    while n < len(reporters):
        size = min(rng.randint(2, 5), len(reporters) - n)
        number_s = len(sasaran) + 1
        inds = [
            _indicator(rng, f"S{number_s}.{j + 1}", reporters[n + j], name)
            for j in range(size)
        ]
        sasaran.append({
            "no": number_s,
            "uraian": f"Meningkatnya kualitas {rng.choice(OBJECTS)} {short.lower()}",
            "indikator": inds,
        })
        n += size
    head = rng.choice(PEOPLE)
    return {
        "versi_skema": 1,
        "instansi": {
            "nama": name,
            "nama_singkat": short,
            "kota": "Kota Contoh",
            "tahun": year,
            "tempat_laporan": "Kota Contoh",
            "tanggal_laporan": dt.date(year + 1, 1, 31),
            "tugas": f"Melaksanakan urusan pemerintahan daerah di bidang {short.lower()}.",
            "fungsi": [f"Perumusan kebijakan teknis {short.lower()};",
                       "Pelaksanaan pembinaan, pengendalian, monitoring, evaluasi dan "
                       "pelaporan."],
            "iku": _iku_rows(rng, 3, sources=False),
            "penandatangan": {
                "jabatan": f"KEPALA {short.upper()} KOTA CONTOH",
                "nama": head.upper(),
                "pangkat": "Pembina Utama Muda",
                "nip": f"19{rng.randint(60, 85)}{rng.randint(1, 12):02d}"
                       f"{rng.randint(1, 28):02d} 199{rng.randint(0, 9)}03 1 "
                       f"{rng.randint(1, 9):03d}",
            },
        },
        "unit": unit_list,
        "sasaran": sasaran,
        "pengaturan": {"batas_atas_capaian": None},
    }


def write_master(data: dict[str, Any], path: Path) -> Master:
    """Write the master YAML and load it back: the proof that it is a valid master."""
    # yaml.safe_dump, with libyaml's emitter when present (same output, much faster)
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    text = yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False, width=100)
    path.write_text(text, encoding="utf-8")
    return load_master(path)


def _unit(rng: random.Random, index: int) -> dict[str, Any]:
    code, name = UNITS[index % len(UNITS)]
    if index >= len(UNITS):
        code, name = f"{code}_{index // len(UNITS) + 1}", f"{name} {index // len(UNITS) + 1}"
    return {
        "kode": code,
        "nama": name,
        "tugas": f"Membantu kepala dalam melaksanakan urusan {name.lower()}.",
        "fungsi": ["Penyusunan rencana dan program kerja;", "Pelaksanaan koordinasi;"],
        "iku": _iku_rows(rng, rng.randint(1, 3), sources=True),
    }


def _iku_rows(rng: random.Random, n: int, sources: bool) -> list[dict[str, Any]]:
    rows = []
    for i in range(n):
        row: dict[str, Any] = {"uraian": f"Jumlah {rng.choice(OBJECTS)} {rng.choice(STATES)}"}
        if i == 0 or rng.random() < 0.5:  # else the cell continues the row above
            row["alasan"] = f"Mengukur kinerja penanganan {rng.choice(OBJECTS)}"
            if sources:
                row["sumber_data"] = [f"Laporan {rng.choice(OBJECTS)}"]
        rows.append(row)
    return rows


def _assign(rng: random.Random, codes: list[str], per_unit: int) -> list[list[str]]:
    """Reporting units of each indicator: every unit gets ``per_unit`` rows; about one
    row in seven joins an indicator an earlier unit already reports (shared counts)."""
    indicators: list[list[str]] = []
    for code in codes:
        for _ in range(per_unit):
            open_ = [r for r in indicators if code not in r and len(r) < 3]
            if open_ and rng.random() < 0.15:
                rng.choice(open_).append(code)
            else:
                indicators.append([code])
    return indicators


# The kinds a synthetic agency uses (as the master's text), drawn 70/20/10.
SYNTH_KINDS = (Kind.PERCENTAGE.value, Kind.COUNT.value, Kind.RATIO.value)


def _indicator(rng: random.Random, code: str, units: list[str], agency: str) -> dict[str, Any]:
    kind = rng.choices(SYNTH_KINDS, weights=(70, 20, 10))[0]
    obj = rng.choice(OBJECTS)
    negative = kind == Kind.PERCENTAGE and rng.random() < 0.1
    if kind == Kind.COUNT:
        target: Any = rng.randint(5, 200)
        name, unit_of_measure = f"Jumlah {obj} {rng.choice(STATES)}", "unit"
    elif kind == Kind.RATIO:
        target = round(rng.uniform(0.5, 1.0), 2)
        name, unit_of_measure = f"Rasio {obj} {rng.choice(STATES)}", "rasio"
    else:
        unit_of_measure = "%"
        name = f"Persentase {obj} {'bermasalah' if negative else rng.choice(STATES)}"
        if negative:
            target = rng.choice((5, 10, 15))
        elif rng.random() < 0.15:
            low = rng.choice((70, 75, 80, 85))
            target = [low, low + 10]
        else:
            target = rng.choice((80, 85, 90, 95, 100))
    data: dict[str, Any] = {
        "kode": code,
        "nama": name,
        "jenis": kind,
        "y": name,
        "x1": f"Jumlah {obj} {'bermasalah' if negative else rng.choice(STATES)}",
    }
    if rules_of(kind).asks_x2:
        data["x2"] = f"Jumlah seluruh {obj}"
    data |= {
        "satuan": unit_of_measure,
        "polaritas": "negatif" if negative else "positif",
        "target": target,
        "angka_awal_rpjmd": None if rng.random() < 0.3 else round(rng.uniform(50, 90), 2),
        "capaian_tahun_lalu": round(rng.uniform(60, 110), 2),
        "target_akhir_rpjmd": target,
        "penanggung_jawab": f"{agency} dan Tim",
        "sumber_data": [f"Laporan {obj}"],
        "unit_pelapor": list(units),
    }
    return data


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:40]


# --- counts --------------------------------------------------------------------------------


def unit_values(
    rng: random.Random, master: Master, unit_code: str
) -> dict[str, tuple[int, int | None]]:
    """Plausible counts for one unit: x2 >= 1, 0 <= x1 <= x2; no x2 for a count."""
    values: dict[str, tuple[int, int | None]] = {}
    for ind in master.indicators_of(unit_code):
        if not ind.asks_x2:
            target = ind.target[1] if isinstance(ind.target, tuple) else ind.target
            share = max(1, round(target / len(ind.reporting_units)))
            values[ind.code] = (rng.randint(0, int(share * 1.3) + 1), None)
            continue
        x2 = rng.randint(1, 400)
        if ind.polarity.value == "negatif":
            x1 = rng.randint(0, max(0, x2 // 5))
        else:
            x1 = x2 - rng.randint(0, max(0, x2 // 4))
        values[ind.code] = (x1, x2)
    return values


# --- typing into a template ------------------------------------------------------------
