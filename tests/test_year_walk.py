"""One SAKIP year of a fictitious agency, closed without retyping anything (issue 19).

Dinas Komunikasi dan Informatika Kota Sukamaju (not the sample) has five indicators: an
SPBE index measured only in TW IV, a share of agencies connected to the network over a
stock denominator ("Jumlah seluruh perangkat daerah", typed once in TW I and carried), a
share of information requests settled, a count of published content reported by two
units, and a count of security incidents that should stay low (negative polarity). The
year runs as the guide (docs/PANDUAN.md) says: TW I–IV (templates, the workbooks filled as
a person would with openpyxl, validate, report), the year from the quarters, ``iku
kunci``, ``iku lkjip`` (from the recorded year, and from the quarters), ``iku
tahun-baru``; once through the CLI, once through the collection page (``iku serve
--triwulan N`` as a Starlette TestClient). Every printed figure is read back with
python-docx and checked against this file's own computation.
"""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from starlette.testclient import TestClient

from pipeline.domain import spec
from pipeline.web import reports
from pipeline.web.app import create_app
from pipeline.web.site import open_site
from pipeline.workbook.sample import fill_workbook

from conftest import closing_texts, run_cli, table_texts
from web_support import csrf_of, text_of, upload

MASTER = """versi_skema: 1
instansi:
  nama: "Dinas Komunikasi dan Informatika Kota Sukamaju"
  nama_singkat: "Diskominfo Kota Sukamaju"
  kode: diskominfo_sukamaju
  kota: "Kota Sukamaju"
  tahun: 2024
  tempat_laporan: "Sukamaju"
  tanggal_laporan: 2025-01-31
  tugas: "Melaksanakan urusan pemerintahan bidang komunikasi dan informatika."
  penandatangan: {jabatan: "KEPALA DINAS", nama: "Ir. Rahmat Hidayat"}
unit:
  - {kode: SEKRETARIAT, nama: "Sekretariat"}
  - {kode: APTIKA, nama: "Bidang Aplikasi Informatika"}
  - {kode: IKP, nama: "Bidang Informasi dan Komunikasi Publik"}
sasaran:
  - no: 1
    uraian: "Meningkatnya tata kelola pemerintahan berbasis elektronik"
    indikator:
      - kode: S1.1
        nama: "Indeks SPBE"
        jenis: nilai
        x1: "Nilai indeks SPBE hasil evaluasi"
        target: 3,1
        diukur_triwulan: [4]
        unit_pelapor: [SEKRETARIAT]
      - kode: S1.2
        nama: "Persentase perangkat daerah yang terhubung jaringan intra pemerintah"
        x1: "Jumlah perangkat daerah yang terhubung"
        x2: "Jumlah seluruh perangkat daerah"
        akumulasi: terakhir
        target: 90
        unit_pelapor: [APTIKA]
  - no: 2
    uraian: "Meningkatnya keterbukaan informasi publik"
    indikator:
      - kode: S2.1
        nama: "Persentase permohonan informasi publik yang diselesaikan"
        x1: "Jumlah permohonan yang diselesaikan"
        x2: "Jumlah permohonan yang masuk"
        target: 95
        target_triwulan: [95, 95, 95, 95]
        unit_pelapor: [IKP]
      - kode: S2.2
        nama: "Jumlah konten informasi publik yang disebarluaskan"
        jenis: jumlah
        satuan: "konten"
        target: 240
        target_triwulan: [60, 120, 180, 240]
        unit_pelapor: [IKP, APTIKA]
      - kode: S2.3
        nama: "Jumlah insiden keamanan informasi"
        jenis: jumlah
        satuan: "insiden"
        polaritas: negatif
        target: 4
        unit_pelapor: [APTIKA]
"""
YEAR = 2024
ROMAN = ("I", "II", "III", "IV")
UNITS = ("SEKRETARIAT", "APTIKA", "IKP")

# What each unit types, quarter by quarter: (unit, Kode) → (x1, x2); x2 None where the
# workbook shows it already (the stock carried from the quarter before) or asks none.
# S1.1 is typed once, in TW IV; S1.2's x2 once, in TW I.
TYPED = {
    1: {("APTIKA", "S1.2"): (30, 42), ("IKP", "S2.1"): (40, 42), ("IKP", "S2.2"): (40, None),
        ("APTIKA", "S2.2"): (15, None), ("APTIKA", "S2.3"): (2, None)},
    2: {("APTIKA", "S1.2"): (33, None), ("IKP", "S2.1"): (50, 52), ("IKP", "S2.2"): (50, None),
        ("APTIKA", "S2.2"): (20, None), ("APTIKA", "S2.3"): (1, None)},
    3: {("APTIKA", "S1.2"): (32, None), ("IKP", "S2.1"): (45, 47), ("IKP", "S2.2"): (45, None),
        ("APTIKA", "S2.2"): (15, None), ("APTIKA", "S2.3"): (0, None)},
    4: {("SEKRETARIAT", "S1.1"): (3.21, None), ("APTIKA", "S1.2"): (39, None),
        ("IKP", "S2.1"): (60, 61), ("IKP", "S2.2"): (40, None), ("APTIKA", "S2.2"): (24, None),
        ("APTIKA", "S2.3"): (1, None)},
}
TEXTS = {  # (quarter, unit, Kode) → Kendala, Tindak lanjut
    (1, "SEKRETARIAT", "S1.1"): ("Evaluasi SPBE oleh KemenPAN-RB dijadwalkan November", ""),
    (2, "APTIKA", "S2.3"): ("Serangan phishing ke akun surel dinas", "Pelatihan keamanan"),
    (4, "SEKRETARIAT", "S1.1"): ("Domain arsitektur SPBE belum lengkap",
                                 "Menyusun peta rencana SPBE 2025"),
    (4, "APTIKA", "S1.2"): ("Tiga perangkat daerah pindah gedung", "Penyambungan ulang TW I"),
}

# --- this test's own reading of the rules (docs/TRIWULAN.md), written out --------------
MEASURED = {"S1.1": (4,), "S1.2": (1, 2, 3, 4), "S2.1": (1, 2, 3, 4), "S2.2": (1, 2, 3, 4),
            "S2.3": (1, 2, 3, 4)}
RULE = {"S1.1": "last", "S1.2": "last", "S2.1": "sum", "S2.2": "sum", "S2.3": "sum"}
KIND = {"S1.1": "value", "S1.2": "share", "S2.1": "share", "S2.2": "count", "S2.3": "count"}
YEAR_TARGET = {"S1.1": 3.1, "S1.2": 90, "S2.1": 95, "S2.2": 240, "S2.3": 4}
QUARTER_TARGET = {"S2.1": (95, 95, 95, 95), "S2.2": (60, 120, 180, 240)}
NEGATIVE = {"S2.3"}
UNIT_OF = {"S1.1": "", "S1.2": "%", "S2.1": "%", "S2.2": " konten", "S2.3": " insiden"}


def figures_of(n: int) -> dict[tuple[str, str], tuple]:
    """Each unit's figures of quarter n as the workbook holds them (the carried stock
    included)."""
    out = {}
    for key, (x1, x2) in TYPED[n].items():
        if x2 is None and KIND[key[1]] == "share":
            x2 = next(TYPED[q][key][1] for q in range(n, 0, -1) if TYPED[q][key][1])
        out[key] = (x1, x2)
    return out


def so_far(code: str, n: int) -> tuple | None:
    """x1 and x2 of the year so far at the end of quarter n, summed over the units."""
    if n not in MEASURED[code]:
        return None
    quarters = [q for q in MEASURED[code] if q <= n]
    per_quarter = [[v for (u, c), v in figures_of(q).items() if c == code] for q in quarters]
    x1s = [sum(v[0] for v in units) for units in per_quarter]
    x2s = [sum(v[1] or 0 for v in units) for units in per_quarter]
    if RULE[code] == "last":
        return x1s[-1], x2s[-1]
    return sum(x1s), sum(x2s)


def own(code: str, n: int) -> float | None:
    if n not in MEASURED[code]:
        return None
    units = [v for (u, c), v in figures_of(n).items() if c == code]
    return value(code, (sum(v[0] for v in units), sum(v[1] or 0 for v in units)))


def value(code: str, pair: tuple) -> float:
    x1, x2 = pair
    return x1 / x2 * 100 if KIND[code] == "share" else x1


def capaian(code: str, r: float, t: float) -> float:
    return max(0.0, (2 - r / t) * 100) if code in NEGATIVE else r / t * 100


def quarter_target(code: str, n: int) -> float | None:
    if n not in MEASURED[code]:
        return None
    return QUARTER_TARGET[code][n - 1] if code in QUARTER_TARGET else (
        YEAR_TARGET[code] if n == 4 else None)


def progress(code: str, n: int) -> tuple[float, str] | None:
    """Progress towards the year: a running total (a count that adds up) as the share of
    the year's target reached, or of the ceiling used when lower is better; a level (a
    share, an index, a stock) as the year-end capaian of the level now."""
    pair = so_far(code, n)
    if pair is None:
        return None
    r = value(code, pair)
    if KIND[code] == "count":
        return r / YEAR_TARGET[code] * 100, (
            "batas terpakai" if code in NEGATIVE else "tercapai")
    return capaian(code, r, YEAR_TARGET[code]), "capaian"


def grade(c: float | None) -> str:
    if c is None:
        return "-"
    for name, above in (("Sangat Baik", 90), ("Baik", 75), ("Cukup", 65), ("Kurang", 50)):
        if c > above:
            return name
    return "Sangat Kurang"


def number(text: str) -> float:
    first = text.split()[0].rstrip("%")
    return float(first.replace(".", "").replace(",", "."))


def near(printed: str, expected: float) -> bool:
    return abs(number(printed) - expected) <= 0.005 + 1e-9 * abs(expected)


def shown(code: str, r: float) -> str:
    """How a realisasi prints (two decimals at most, Indonesian)."""
    text = f"{r:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    return text + UNIT_OF[code]


# --- the walk ----------------------------------------------------------------------------


@pytest.fixture
def master_file(tmp_path) -> Path:
    path = tmp_path / "master_2024.yaml"
    path.write_text(MASTER, encoding="utf-8")
    return path


def fill(blank: Path, out: Path, n: int, unit: str) -> None:
    """Type a unit's quarter into its blank workbook, as a person would: only the cells it
    needs (a carried stock and a quarter not measured are left alone)."""
    sheet = openpyxl.load_workbook(blank)[spec.SHEET]
    header = {c.value: c.column for c in sheet[spec.HEADER_ROW + 1] if c.value}
    rows = {sheet.cell(r, header["Kode"]).value: r
            for r in range(spec.FIRST_DATA_ROW + 1, sheet.max_row + 1)}
    for code, r in rows.items():
        cell = sheet.cell(r, header["x1"])
        if n in MEASURED[code]:
            assert not cell.protection.locked, (n, unit, code)
        else:  # what the unit sees where nothing is asked
            assert (cell.value, cell.protection.locked) == ("Diukur di TW IV", True)
    # the stock denominator after TW I: prefilled with the last accepted figure, open
    if unit == "APTIKA" and n > 1:
        x2 = sheet.cell(rows["S1.2"], header["x2"])
        assert (x2.value, x2.protection.locked) == (42, False)
    values = {c: v for (u, c), v in TYPED[n].items() if u == unit}
    texts = {c: {"Kendala": k, "Tindak lanjut": t}
             for (q, u, c), (k, t) in TEXTS.items() if q == n and u == unit}
    fill_workbook(blank, values, out, texts=texts)


def check_quarter(docx: Path, n: int) -> None:
    """Every figure of quarter n's report against this file's computation."""
    document = Document(str(docx))
    (table,) = [t for t in table_texts(document) if t[0][0] == "No"]
    head, tw = table[0], f"TW {ROMAN[n - 1]}"
    rows = {}
    for row in table[1:]:
        name = row[head.index("Indikator Kinerja")].split("\n")[0]
        code = next((c for c, text in NAMES.items() if text == name), None)
        if code:
            rows[code] = dict(zip(head, row, strict=True))
    assert set(rows) == set(MEASURED)
    achieved, moving = [], []
    for code, row in rows.items():
        assert near(row[f"Target {YEAR}"], YEAR_TARGET[code])
        t = quarter_target(code, n)
        pair = so_far(code, n)
        if pair is None:  # not measured this quarter
            assert row[f"Realisasi s.d. {tw}"] == "Diukur di TW IV"
            if n > 1:
                assert row[f"Realisasi {tw}"] == "Diukur di TW IV"
            for key in (f"Target s.d. {tw}", f"% Capaian s.d. {tw}", f"% thd Target {YEAR}",
                        "Status"):
                assert row[key] == "-", (code, key, row[key])
            continue
        r = value(code, pair)
        assert row[f"Realisasi s.d. {tw}"] == shown(code, r), (n, code, row)
        if n > 1:
            assert row[f"Realisasi {tw}"] == shown(code, own(code, n)), (n, code)
        amount, word = progress(code, n)
        cell = row[f"% thd Target {YEAR}"]
        assert near(cell, amount) and cell.endswith(f"% {word}"), (n, code, cell)
        if word != "batas terpakai":
            moving.append(amount)
        if t is None:
            assert (row[f"Target s.d. {tw}"], row[f"% Capaian s.d. {tw}"], row["Status"]) == \
                ("-", "-", "-"), (n, code)
            continue
        c = capaian(code, r, t)
        achieved.append(c)
        assert near(row[f"Target s.d. {tw}"], t)
        assert near(row[f"% Capaian s.d. {tw}"], c), (n, code, row)
        assert row["Status"] == grade(c), (n, code)
    for (q, _unit, code), (obstacle, follow_up) in TEXTS.items():
        if q == n:
            assert obstacle in rows[code]["Kendala"]
            assert follow_up in rows[code]["Tindak Lanjut"]
    (average,) = [r for r in table if r[0].startswith("RATA-RATA")]
    label = "RATA-RATA % CAPAIAN" + (
        "" if len(achieved) == 5 else f" ({len(achieved)} dari 5 indikator bertarget {tw})")
    assert average[0] == label
    assert near(average[head.index(f"% Capaian s.d. {tw}")], sum(achieved) / len(achieved))
    assert near(average[head.index(f"% thd Target {YEAR}")], sum(moving) / len(moving))
    notes = "\n".join(closing_texts(document))
    if n < 4:
        assert (f"Tidak diukur di {tw} (diukur_triwulan): S1.1 (diukur di TW IV); tidak "
                "diisi, tidak dinilai dan tidak ikut rata-rata triwulan ini.") in notes
    assert "Rata-rata kemajuan tidak memuat batas terpakai (S2.3)" in notes
    assert "belum diisi" not in notes  # S1.1 is not a figure missing


NAMES = {"S1.1": "Indeks SPBE",
         "S1.2": "Persentase perangkat daerah yang terhubung jaringan intra pemerintah",
         "S2.1": "Persentase permohonan informasi publik yang diselesaikan",
         "S2.2": "Jumlah konten informasi publik yang disebarluaskan",
         "S2.3": "Jumlah insiden keamanan informasi"}


def sending(n: int) -> tuple[str, ...]:
    """The units that send a workbook in quarter n: the Sekretariat, whose only indicator
    is measured in TW IV, has nothing to send in TW II and TW III (in TW I it writes a
    Kendala)."""
    return tuple(u for u in UNITS if not (u == "SEKRETARIAT" and n in (2, 3)))


def quarter_by_cli(tmp_path: Path, master_file: Path, history: Path, n: int) -> Path:
    blank, inputs = tmp_path / f"templat_TW{n}", tmp_path / f"isian_TW{n}"
    made = run_cli("templates", "-c", master_file, "--triwulan", n, "--riwayat", history,
                   "--out", blank)
    assert made.exit_code == 0, made.output
    inputs.mkdir()
    for unit in sending(n):
        name = f"Isian_IKU_{YEAR}_TW{n}_{unit}.xlsx"
        fill(blank / name, inputs / name, n, unit)
    checked = run_cli("validate", "-c", master_file, "--triwulan", n, "-i", inputs,
                      "--riwayat", history)
    assert checked.exit_code == 0, checked.output
    assert checked.stdout.splitlines()[-1] == (
        f"Semua isian sah; laporan dapat dibuat dengan `iku report --triwulan {n}`.")
    # the master's gaps said once, apart from the count of the workbooks' problems
    assert checked.stdout.count("fungsi tidak diisi") == 1
    warnings = [line for line in checked.stdout.splitlines()
                if line.startswith("PERINGATAN: Isian")]
    assert checked.stdout.splitlines()[-2] == (
        f"0 galat, {len(warnings)} peringatan di {len(sending(n))} berkas")
    if n == 3:  # the stock went down: the warning names the cell the unit typed
        sheet = openpyxl.load_workbook(inputs / f"Isian_IKU_{YEAR}_TW3_APTIKA.xlsx")["Isian"]
        header = {c.value: c.column_letter for c in sheet[spec.HEADER_ROW + 1] if c.value}
        row = next(c.row for c in sheet["B"] if c.value == "S1.2")
        assert warnings == [
            f"PERINGATAN: Isian_IKU_{YEAR}_TW3_APTIKA.xlsx › Isian!{header['x1']}{row}: x1 "
            "turun dari 33 (TW II) menjadi 32 (TW III); akumulasi indikator S1.2 "
            "'terakhir': angka ini keadaan pada akhir triwulan, yang biasanya tidak "
            "berkurang. Periksa kembali; bila memang berkurang, abaikan peringatan ini"]
        assert header["x1"] != header["x1 s.d. TW III"]
    else:
        assert warnings == []
    out = tmp_path / f"Laporan_Kinerja_TW{n}_{YEAR}.docx"
    result = run_cli("report", "-c", master_file, "--triwulan", n, "-i", inputs,
                     "--riwayat", history, "--out", out)
    assert result.exit_code == 0, result.output
    assert f"Riwayat: angka Triwulan {ROMAN[n - 1]} {YEAR} dicatat sebagai versi 1" in \
        result.stdout
    return out


def quarter_by_page(tmp_path: Path, master_file: Path, history: Path, n: int) -> Path:
    from pipeline.domain.master import load_master

    master = load_master(master_file)
    site = open_site(master, tmp_path / f"server_tw{n}", quarter=n, history=history,
                     protected=(master_file,))
    with TestClient(create_app(site)) as client:
        for unit in sending(n):
            url = f"/u/{site.tokens.units[unit]}"
            blank = client.get(f"{url}/templat")
            assert blank.status_code == 200
            path = tmp_path / f"blank_tw{n}_{unit}.xlsx"
            path.write_bytes(blank.content)
            book = tmp_path / f"Isian_TW{n}_{unit}.xlsx"
            fill(path, book, n, unit)
            response = upload(client, url, book)
            assert response.status_code == 303
            page = text_of(client.get(response.headers["location"]).text)
            assert "Diterima" in page, page[:2000]
            if unit == "SEKRETARIAT" and n < 4:
                assert "Diukur di TW IV" in page
        token = csrf_of(client, f"/u/{site.tokens.units['IKP']}")
        built = client.post(f"/s/{site.tokens.secretariat}/laporan", data={"csrf": token})
        assert built.status_code == 200, built.text[:1000]
        assert (f"Laporan Pengukuran Kinerja Triwulan {ROMAN[n - 1]} Tahun {YEAR} dibuat "
                "(final).") in text_of(built.text)
    return site.folder / "laporan" / f"Laporan_Kinerja_TW{n}_{YEAR}.docx"


@pytest.mark.parametrize("way", ["cli", "page"])
def test_one_year_from_the_quarters_to_the_lkjip_without_retyping(way, tmp_path, master_file,
                                                                   monkeypatch):
    monkeypatch.setattr(reports, "pdf_available", lambda: False)
    history = tmp_path / "riwayat.sqlite"
    quarter = quarter_by_cli if way == "cli" else quarter_by_page
    for n in (1, 2, 3, 4):
        check_quarter(quarter(tmp_path, master_file, history, n), n)

    # the year from the quarters: nothing typed again
    year = tmp_path / f"Laporan_IKU_{YEAR}.docx"
    result = run_cli("report", "-c", master_file, "--dari-triwulan", "--riwayat", history,
                     "--out", year)
    assert result.exit_code == 0, result.output
    final = {code: value(code, so_far(code, 4)) for code in MEASURED}
    tables = table_texts(Document(str(year)))
    renstra = next(t for t in tables if t[0][:3] == ["No", "Sasaran Renstra",
                                                      "Indikator Kinerja Utama"])
    by_name = {row[2].split(". ", 1)[1]: row for row in renstra[1:]}
    for code, r in final.items():
        row = by_name[NAMES[code]]
        assert row[4] == shown(code, r), (code, row)
        assert near(row[5], capaian(code, r, YEAR_TARGET[code])), (code, row)
    keterangan = {code: by_name[NAMES[code]][-1] for code in final}
    assert f"Angka tahun {YEAR}: TW IV (akumulasi triwulan)" in keterangan["S1.1"]
    assert f"Angka tahun {YEAR}: jumlah TW I–IV (akumulasi triwulan)" in keterangan["S2.3"]

    assert run_cli("kunci", "-c", master_file, "--riwayat", history).exit_code == 0

    # Bab III from the recorded (signed) year, then the same from the four quarters
    chapter = tmp_path / f"LKjIP_Bab_III_{YEAR}.docx"
    result = run_cli("lkjip", "-c", master_file, "--riwayat", history, "--out", chapter)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Angka tahun {YEAR}: dari riwayat, versi 1, dikunci (dari "
                                    "empat triwulan, dicatat ")
    document = Document(str(chapter))
    measurement = next(t for t in table_texts(document)
                       if t[0][:3] == ["No", "Sasaran", "Indikator Kinerja"])
    rows = {r[2]: r for r in measurement[1:-1]}
    for code, r in final.items():
        c = capaian(code, r, YEAR_TARGET[code])
        row = rows[NAMES[code]]  # the satuan in a column of its own
        unit = {"-": "", "%": "%"}.get(row[3], f" {row[3]}")
        assert [row[5] + unit, *row[6:8]] == [
            shown(code, r), f"{c:.2f}".rstrip("0").rstrip(".").replace(".", ",") + "%",
            grade(c)], code
    average = sum(capaian(c, r, YEAR_TARGET[c]) for c, r in final.items()) / 5
    assert near(measurement[-1][6], average)
    paragraphs = [p.text for p in document.paragraphs]
    # TW IV's Kendala and Tindak lanjut as the units' Analisis, each quoted
    assert ("Analisis Sekretariat: kendala “Domain arsitektur SPBE belum lengkap”; tindak "
            "lanjut “Menyusun peta rencana SPBE 2025”") in paragraphs
    assert ("Catatan Sekretariat pada TW I: kendala “Evaluasi SPBE oleh KemenPAN-RB "
            "dijadwalkan November”") in paragraphs
    assert not any(p.startswith("Catatan Sekretariat pada TW IV") for p in paragraphs)
    assert ("Catatan Bidang Aplikasi Informatika pada TW II: kendala “Serangan phishing ke "
            "akun surel dinas”; tindak lanjut “Pelatihan keamanan”") in paragraphs
    assert not any("“-”" in p or ": -;" in p for p in paragraphs)  # an empty note left out
    again = run_cli("lkjip", "-c", master_file, "--riwayat", history, "--out", chapter,
                    "--dari-triwulan")
    assert again.exit_code == 0, again.output
    assert again.stdout.startswith(f"Angka tahun {YEAR}: dari keempat triwulan yang tercatat")
    assert "isinya sama, berkas tidak diubah" in again.stdout

    # the next year's master: last year's figures come from the history, not typed
    new = tmp_path / "master_2025.yaml"
    result = run_cli("tahun-baru", "-c", master_file, "--out", new)
    assert result.exit_code == 0, result.output
    assert "tahun: 2025" in new.read_text(encoding="utf-8")
    shown_years = run_cli("riwayat", "-c", new, "--riwayat", history)
    assert shown_years.exit_code == 0
    assert re.search(r"Realisasi 3,21", shown_years.stdout)


def test_a_unit_coded_like_the_secretariats_link_gets_its_own_page(tmp_path):
    """The Diskominfo's Sekretariat reports an indicator as unit SEKRETARIAT, the label of
    the secretariat's own link: each token opens its own page, never the other."""
    from pipeline.domain.master import parse_master

    master = parse_master(MASTER.replace("        diukur_triwulan: [4]\n", ""))
    site = open_site(master, tmp_path / "data")
    with TestClient(create_app(site)) as client:
        unit, secretariat = site.tokens.units["SEKRETARIAT"], site.tokens.secretariat
        assert "Indeks SPBE" in text_of(client.get(f"/u/{unit}").text)
        assert client.get(f"/u/{unit}/templat").status_code == 200
        assert client.get(f"/s/{secretariat}").status_code == 200
        assert client.get(f"/s/{unit}").status_code == 404
        assert client.get(f"/u/{secretariat}").status_code == 404
