"""Quarterly measurement end to end through the CLI (issue 10).

Four quarters of random figures go through `iku templates --triwulan N`, the units'
workbooks (filled with openpyxl, as a person would) and `iku report --triwulan N`; every
figure of each quarterly report is checked against this file's own computation of the
akumulasi rules. The year from the quarters (`iku report --dari-triwulan`) must print
exactly what `iku report` prints from yearly workbooks holding the summed (or last, or
averaged) figures. Then the refusals: a workbook of another round, a missing quarter, a
signed year.
"""

from __future__ import annotations

import random
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from test_quarters import QUARTER_SAMPLE

from pipeline import paths
from pipeline.domain.master import parse_master
from pipeline.workbook.sample import fill_workbook

from conftest import folder_digest, run_cli, table_texts

EXTRA = '''
  - no: 5
    uraian: "Sasaran uji triwulan"
    indikator:
      - kode: S5.1
        nama: "Jumlah kegiatan pembinaan"
        jenis: jumlah
        satuan: "kegiatan"
        target: 40
        target_triwulan: [10, 20, 30, 40]
        unit_pelapor: [POLITIK, IDEOLOGI]
      - kode: S5.2
        nama: "Indeks kepuasan masyarakat"
        jenis: nilai
        akumulasi: rata_rata
        target: 3
        unit_pelapor: [SEKRETARIAT]

pengaturan:'''

MASTER_TEXT = QUARTER_SAMPLE.replace("\npengaturan:", EXTRA, 1)
MASTER = parse_master(MASTER_TEXT)
BY_CODE = {i.code: i for i in MASTER.indicators}
YEAR_TARGETS = {i.code: float(i.target) for i in MASTER.indicators}
QUARTER_TARGETS = {"S4.1": (25, 50, 75, 100), "S5.1": (10, 20, 30, 40)}
RULES = {  # (x1, x2): what this test expects the master to say, written out independently
    "S1.1": ("sum", "sum"), "S2.1": ("sum", "sum"), "S3.1": ("last", "last"),
    "S4.1": ("sum", "last"), "S5.1": ("sum", None), "S5.2": ("mean", None),
}
ROMAN = ("I", "II", "III", "IV")


@pytest.fixture
def master_file(tmp_path) -> Path:
    path = tmp_path / "master.yaml"
    path.write_text(MASTER_TEXT, encoding="utf-8")
    return path


def draw(seed: int) -> dict[int, dict[tuple[str, str], tuple]]:
    """Random figures per quarter, (unit, Kode) → (x1, x2); shares stay x1 <= x2; the
    averaged index's quarters are multiples of 0,25."""
    rng = random.Random(seed)
    out = {}
    for n in (1, 2, 3, 4):
        figures = {}
        for ind in MASTER.indicators:
            for unit in ind.reporting_units:
                if ind.kind.value == "persentase":
                    x2 = rng.randint(1, 20)
                    figures[(unit, ind.code)] = (rng.randint(0, x2), x2)
                elif ind.kind.value == "jumlah":
                    figures[(unit, ind.code)] = (rng.randint(0, 15), None)
                else:
                    figures[(unit, ind.code)] = (rng.randint(4, 16) / 4, None)
        out[n] = figures
    return out


def rolled(figures, n: int) -> dict[tuple[str, str], tuple]:
    """The year so far at the end of quarter n, by this test's reading of the rules."""
    out = {}
    for key in figures[1]:
        pair = []
        for i, rule in enumerate(RULES[key[1]]):
            seq = [figures[q][key][i] for q in range(1, n + 1)]
            pair.append(None if rule is None else sum(seq) if rule == "sum" else
                        seq[-1] if rule == "last" else sum(seq) / len(seq))
        out[key] = tuple(pair)
    return out


def realisation(code: str, figures: dict) -> float:
    pairs = [v for (unit, c), v in figures.items() if c == code]
    x1 = sum(p[0] for p in pairs)
    if BY_CODE[code].kind.value == "persentase":
        return x1 / sum(p[1] for p in pairs) * 100
    return x1


def grade(capaian: float | None) -> str:
    if capaian is None:
        return "-"
    for name, above in (("Sangat Baik", 90), ("Baik", 75), ("Cukup", 65), ("Kurang", 50)):
        if capaian > above:
            return name
    return "Sangat Kurang"


def number(text: str) -> float:
    """``16,28%`` / ``12 kegiatan`` / ``2,75`` → the number."""
    first = text.split()[0].rstrip("%")
    return float(first.replace(".", "").replace(",", "."))


def near(printed: str, value: float) -> bool:
    return abs(number(printed) - value) <= 0.005 + 1e-9 * abs(value)


def quarter_inputs(tmp: Path, master_file: Path, n: int, figures, history: Path) -> Path:
    blank, inputs = tmp / f"templat_TW{n}", tmp / f"isian_TW{n}"
    tmp.mkdir(parents=True, exist_ok=True)
    result = run_cli("templates", "-c", master_file, "--triwulan", n, "--out", blank,
                     "--riwayat", history)
    assert result.exit_code == 0, result.output
    inputs.mkdir()
    for path in sorted(blank.glob("*.xlsx")):
        unit = path.stem.rsplit("_", 1)[1]
        values = {code: v for (u, code), v in figures.items() if u == unit}
        texts = {code: {"Kendala": f"Kendala {unit} {code} TW {ROMAN[n - 1]}",
                        "Tindak lanjut": f"Tindak lanjut {unit} {code}"} for code in values}
        fill_workbook(path, values, inputs / path.name, texts=texts)
    return inputs


def report_rows(docx: Path, n: int) -> dict[str, dict[str, str]]:
    """The quarterly table: Kode → {heading: cell text}."""
    (table,) = [t for t in table_texts(Document(docx)) if t[0][0] == "No"]
    head = table[0]
    names = {i.name: i.code for i in MASTER.indicators}
    out = {}
    for row in table[1:]:
        name = row[head.index("Indikator Kinerja")].split("\n")[0]
        if name in names:
            out[names[name]] = dict(zip(head, row, strict=True))
    return out


@pytest.mark.parametrize("seed", [11, 29])
def test_four_quarters_and_the_year_from_them(seed, tmp_path, master_file):
    history = tmp_path / "riwayat.sqlite"
    figures = draw(seed)
    for n in (1, 2, 3, 4):
        inputs = quarter_inputs(tmp_path, master_file, n, figures[n], history)
        out = tmp_path / f"tw{n}.docx"
        result = run_cli("report", "-c", master_file, "--triwulan", n, "-i", inputs, "--out",
                         out, "--riwayat", history)
        assert result.exit_code == 0, result.output
        assert f"Riwayat: angka Triwulan {ROMAN[n - 1]} 2021 dicatat sebagai versi 1" in \
            result.output
        rows = report_rows(out, n)
        tw = f"TW {ROMAN[n - 1]}"
        so_far = rolled(figures, n)
        assert set(rows) == set(BY_CODE)
        for code, row in rows.items():
            cum = realisation(code, so_far)
            own = realisation(code, {k: v for k, v in figures[n].items()})
            assert near(row[f"Realisasi s.d. {tw}"], cum), (n, code)
            if n > 1:
                assert near(row[f"Realisasi {tw}"], own), (n, code)
            else:
                assert f"Realisasi {tw}" not in row  # the same as s.d. TW I: left out
            assert near(row["Target 2021"], YEAR_TARGETS[code])
            assert near(row["% thd Target 2021"], cum / YEAR_TARGETS[code] * 100), (n, code)
            target = QUARTER_TARGETS.get(code, (None, None, None, YEAR_TARGETS[code]))[n - 1]
            if target is None:
                assert (row[f"Target s.d. {tw}"], row[f"% Capaian s.d. {tw}"]) == ("-", "-")
                assert row["Status"] == "-"
            else:
                capaian = cum / target * 100
                assert near(row[f"Target s.d. {tw}"], target)
                assert near(row[f"% Capaian s.d. {tw}"], capaian), (n, code)
                assert row["Status"] == grade(capaian), (n, code)
            units = BY_CODE[code].reporting_units
            for unit in units:
                assert f"Kendala {unit} {code} {tw}" in row["Kendala"]
                assert f"Tindak lanjut {unit} {code}" in row["Tindak Lanjut"]

    # The year from its quarters equals the year from yearly workbooks holding the rolled-up
    # figures, typed in by hand (another history file: nothing shared).
    year = tmp_path / "tahun_dari_triwulan.docx"
    result = run_cli("report", "-c", master_file, "--dari-triwulan", "--out", year,
                     "--riwayat", history)
    assert result.exit_code == 0, result.output
    blank, inputs = tmp_path / "templat_tahunan", tmp_path / "isian_tahunan"
    assert run_cli("templates", "-c", master_file, "--out", blank, "--riwayat",
                   tmp_path / "lain.sqlite").exit_code == 0
    inputs.mkdir()
    so_far = rolled(figures, 4)
    for path in blank.glob("*.xlsx"):
        unit = path.stem.rsplit("_", 1)[1]
        fill_workbook(path, {c: v for (u, c), v in so_far.items() if u == unit},
                      inputs / path.name)
    typed = tmp_path / "tahun_diketik.docx"
    result = run_cli("report", "-c", master_file, "-i", inputs, "--out", typed, "--riwayat",
                     tmp_path / "lain.sqlite")
    assert result.exit_code == 0, result.output
    a, b = table_texts(Document(year)), table_texts(Document(typed))
    rpjmd = next(i for i, t in enumerate(a) if any("RATA-RATA" in c for r in t for c in r))
    assert a[rpjmd] == b[rpjmd]  # the RPJMD table: every figure and the average
    renstra_a, renstra_b = a[rpjmd + 1], b[rpjmd + 1]
    assert [r[:-1] for r in renstra_a] == [r[:-1] for r in renstra_b]  # all but Keterangan
    keterangan = {row[2].split(". ", 1)[1]: row[-1] for row in renstra_a[1:]}
    assert "Angka tahun 2021: jumlah TW I–IV (akumulasi triwulan)" in keterangan[
        "Persentase penyelesaian masalah keagamaan"]
    assert "Angka tahun 2021: TW IV (akumulasi triwulan)" in keterangan[
        "Persentase organisasi kemasyarakatan yang aktif"]
    assert "Angka tahun 2021: x\u2081 jumlah TW I–IV, x\u2082 TW IV (akumulasi triwulan)" in \
        keterangan["Kondisi daerah yang kondusif"]
    assert "Angka tahun 2021: rata-rata TW I–IV (akumulasi triwulan)" in keterangan[
        "Indeks kepuasan masyarakat"]
    assert "Riwayat: angka tahun 2021 dicatat sebagai versi 1" in result.output


# --- the round a workbook belongs to ------------------------------------------------------


@pytest.fixture
def recorded_tw1(tmp_path, master_file):
    """TW I reported and recorded; the figures of TW II and TW III drawn."""
    history = tmp_path / "riwayat.sqlite"
    figures = draw(3)
    inputs = quarter_inputs(tmp_path, master_file, 1, figures[1], history)
    result = run_cli("report", "-c", master_file, "--triwulan", 1, "-i", inputs, "--out",
                     tmp_path / "tw1.docx", "--riwayat", history)
    assert result.exit_code == 0, result.output
    return history, figures


def test_a_quarter_3_workbook_sent_in_quarter_2_is_refused(tmp_path, master_file,
                                                           recorded_tw1):
    history, figures = recorded_tw1
    inputs = quarter_inputs(tmp_path, master_file, 2, figures[2], history)
    tw3 = quarter_inputs(tmp_path, master_file, 3, figures[3], history)
    politik = inputs / "Isian_IKU_2021_TW2_POLITIK.xlsx"
    politik.unlink()
    shutil.copy(tw3 / "Isian_IKU_2021_TW3_POLITIK.xlsx", inputs)
    out = tmp_path / "tw2.docx"
    result = run_cli("report", "-c", master_file, "--triwulan", 2, "-i", inputs, "--out", out,
                     "--riwayat", history)
    assert result.exit_code == 1
    assert (
        "GALAT: Isian_IKU_2021_TW3_POLITIK.xlsx › Metadata: templat ini untuk Triwulan III "
        "2021, sedangkan yang sedang diolah Triwulan II 2021; minta unit mengisi templat "
        "Triwulan II (iku templates --triwulan 2), atau olah berkas ini pada laporan "
        "Triwulan III (iku report --triwulan 3)") in result.stderr
    assert "Laporan TIDAK dibuat" in result.stderr
    assert not out.exists()
    result = run_cli("validate", "-c", master_file, "--triwulan", 2, "-i", inputs,
                     "--riwayat", history)
    assert result.exit_code == 1
    assert "templat ini untuk Triwulan III 2021, sedangkan yang sedang diolah Triwulan II" \
        in result.output


ROUNDS = [
    # (the round processed, the workbook's round, the message after "Metadata: ")
    (2, "tahunan", "templat ini untuk laporan tahunan (akhir tahun) 2021, sedangkan yang sedang "
     "diolah Triwulan II 2021; minta unit mengisi templat Triwulan II (iku templates "
     "--triwulan 2)"),
    (None, 1, "templat ini untuk Triwulan I 2021, sedangkan yang sedang diolah laporan tahunan "
     "(akhir tahun) 2021; berkas triwulan diolah dengan `iku report --triwulan 1`. Untuk "
     "laporan tahunan minta unit mengisi templat tahunan (iku templates), atau ambil angka "
     "tahun dari keempat triwulan (iku report --dari-triwulan)"),
    (1, "2020", "templat ini untuk Triwulan I tahun 2020, sedangkan yang sedang diolah "
     "Triwulan I tahun 2021; minta unit mengisi templat Triwulan I tahun 2021 (iku templates "
     "--triwulan 1)"),
]


@pytest.mark.parametrize(("processed", "theirs", "message"), ROUNDS)
def test_a_workbook_of_another_round_is_refused(processed, theirs, message, tmp_path,
                                                master_file):
    history = tmp_path / "riwayat.sqlite"
    text = MASTER_TEXT
    if theirs == "2020":
        text = text.replace("  tahun: 2021", "  tahun: 2020")
        theirs = 1
    other = tmp_path / "lain.yaml"
    other.write_text(text, encoding="utf-8")
    args = ["--triwulan", theirs] if theirs != "tahunan" else []
    blank = tmp_path / "templat"
    assert run_cli("templates", "-c", other, "--out", blank, *args).exit_code == 0
    inputs = tmp_path / "isian"
    inputs.mkdir()
    (path,) = blank.glob("*_KETAHANAN.xlsx")
    fill_workbook(path, {"S1.1": (1, 2), "S2.1": (1, 2), "S3.1": (1, 2)}, inputs / path.name)
    cmd = ["validate", "-c", master_file, "-i", inputs, "--riwayat", history]
    if processed:
        cmd += ["--triwulan", processed]
    result = run_cli(*cmd)
    assert result.exit_code == 1
    assert f"GALAT: {path.name} › Metadata: {message}\n" in result.output


def test_a_later_quarter_needs_the_earlier_ones(tmp_path, master_file):
    history = tmp_path / "riwayat.sqlite"
    figures = draw(5)
    inputs = quarter_inputs(tmp_path, master_file, 2, figures[2], history)
    out = tmp_path / "tw2.docx"
    result = run_cli("report", "-c", master_file, "--triwulan", 2, "-i", inputs, "--out", out,
                     "--riwayat", history)
    assert result.exit_code == 1
    assert result.stderr == (
        f"GALAT: Triwulan I 2021 belum tercatat di riwayat {history} (triwulan 2021 yang "
        "tercatat: belum ada), padahal angka s.d. TW II dihitung dari triwulan-triwulan "
        "sebelumnya. Buat dulu laporan triwulan itu dari isiannya (iku report --triwulan 1); "
        "laporan yang sah (bukan draft) tercatat otomatis. Laporan TIDAK dibuat.\n")
    assert not out.exists()
    result = run_cli("report", "-c", master_file, "--dari-triwulan", "--out", out,
                     "--riwayat", history)
    assert result.exit_code == 1
    assert "Triwulan I 2021, Triwulan II 2021, Triwulan III 2021, Triwulan IV 2021 belum " \
        "tercatat" in result.stderr
    assert "(iku report --triwulan 1; iku report --triwulan 2; iku report --triwulan 3; " \
        "iku report --triwulan 4)" in result.stderr


def test_a_figure_going_down_is_a_warning(tmp_path, master_file, recorded_tw1):
    history, figures = recorded_tw1
    tw2 = dict(figures[2])
    x1, x2 = figures[1][("KETAHANAN", "S3.1")]
    tw2[("KETAHANAN", "S3.1")] = (x1, x2 - 1 if x2 > 0 else 0)  # a stock that shrank
    inputs = quarter_inputs(tmp_path, master_file, 2, tw2, history)
    result = run_cli("validate", "-c", master_file, "--triwulan", 2, "-i", inputs,
                     "--riwayat", history)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == (  # the next command, with its quarter
        "Semua isian sah; laporan dapat dibuat dengan `iku report --triwulan 2`.")
    wb = openpyxl.load_workbook(inputs / "Isian_IKU_2021_TW2_KETAHANAN.xlsx")["Isian"]
    header = {c.value: c.column_letter for c in wb[8]}
    row = next(c.row for c in wb["B"] if c.value == "S3.1")
    assert (
        f"PERINGATAN: Isian_IKU_2021_TW2_KETAHANAN.xlsx › Isian!{header['x2']}{row}: x2 turun "
        f"dari {x2} (TW I) menjadi {x2 - 1} (TW II); akumulasi indikator S3.1 'terakhir': "
        "angka ini keadaan pada akhir triwulan, yang biasanya tidak berkurang. Periksa "
        "kembali; bila memang berkurang, abaikan peringatan ini") in result.output


def test_a_negative_quarter_figure_lowers_a_running_total(tmp_path):
    """`jumlah` on a value that may be negative: the total s.d. TW II falls."""
    text = MASTER_TEXT.replace('''        akumulasi: rata_rata
        target: 3''', '''        akumulasi: jumlah
        boleh_negatif: true
        target: 3''')
    master_file = tmp_path / "m.yaml"
    master_file.write_text(text, encoding="utf-8")
    history = tmp_path / "riwayat.sqlite"
    figures = draw(7)
    figures[1][("SEKRETARIAT", "S5.2")] = (2.5, None)
    figures[2][("SEKRETARIAT", "S5.2")] = (-1.25, None)
    inputs = quarter_inputs(tmp_path, master_file, 1, figures[1], history)
    assert run_cli("report", "-c", master_file, "--triwulan", 1, "-i", inputs, "--out",
                   tmp_path / "a.docx", "--riwayat", history).exit_code == 0
    inputs = quarter_inputs(tmp_path, master_file, 2, figures[2], history)
    result = run_cli("validate", "-c", master_file, "--triwulan", 2, "-i", inputs,
                     "--riwayat", history)
    assert result.exit_code == 0, result.output
    assert ("x1 TW II berisi -1,25, sehingga total s.d. TW II turun dari 2,5 menjadi 1,25; "
            "akumulasi indikator S5.2 'jumlah' menjumlahkan angka tiap triwulan, jadi isi "
            "angka triwulan ini saja. Bila angka triwulan sebelumnya keliru, perbaiki isian "
            "triwulan itu dan buat ulang laporannya") in result.output


def test_quarterly_report_reruns_byte_identical_and_keeps_an_edited_one(tmp_path, master_file,
                                                                        recorded_tw1):
    history, figures = recorded_tw1
    inputs = quarter_inputs(tmp_path, master_file, 2, figures[2], history)
    out = tmp_path / "hasil" / "tw2.docx"
    args = ["report", "-c", master_file, "--triwulan", 2, "-i", inputs, "--out", out,
            "--riwayat", history]
    assert run_cli(*args).exit_code == 0
    first = out.read_bytes()
    again = run_cli(*args)
    assert again.exit_code == 0 and "isinya sama, berkas tidak diubah" in again.output
    assert "dicatat" not in again.output  # the same figures: no new version
    assert out.read_bytes() == first
    edited = _edited(first)  # someone typed into the report in Word
    out.write_bytes(edited)
    kept = run_cli(*args)
    assert kept.exit_code == 0
    assert "disimpan sebagai cadangan" in kept.stderr
    backups = list(out.parent.glob("tw2.diedit-*.docx"))
    assert len(backups) == 1 and backups[0].read_bytes() == edited
    assert out.read_bytes() == first


def _edited(docx: bytes) -> bytes:
    import io
    import zipfile

    src, buf = zipfile.ZipFile(io.BytesIO(docx)), io.BytesIO()
    with zipfile.ZipFile(buf, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "word/document.xml":
                data = data.replace(b"LAPORAN PENGUKURAN", b"LAPORAN DISUNTING")
            dst.writestr(item, data)
    return buf.getvalue()


def test_a_signed_year_refuses_a_changed_quarter(tmp_path, master_file, recorded_tw1):
    history, figures = recorded_tw1
    # the year reported from yearly workbooks, then signed
    blank, inputs = tmp_path / "tahunan", tmp_path / "isian_tahunan"
    run_cli("templates", "-c", master_file, "--out", blank, "--riwayat", history)
    inputs.mkdir()
    for path in blank.glob("*.xlsx"):
        unit = path.stem.rsplit("_", 1)[1]
        fill_workbook(path, {c: v for (u, c), v in figures[1].items() if u == unit},
                      inputs / path.name)
    assert run_cli("report", "-c", master_file, "-i", inputs, "--out", tmp_path / "y.docx",
                   "--riwayat", history).exit_code == 0
    assert run_cli("kunci", "-c", master_file, "--riwayat", history).exit_code == 0
    tw1 = quarter_inputs(tmp_path / "lagi", master_file, 1, figures[1], history)
    out = tmp_path / "tw1b.docx"
    same = run_cli("report", "-c", master_file, "--triwulan", 1, "-i", tw1, "--out", out,
                   "--riwayat", history)
    assert same.exit_code == 0, same.output  # the same figures: reprinted, not recorded
    assert "Riwayat: tahun 2021 terkunci; isi Triwulan I (angka dan teks) sama dengan yang " \
        "tercatat, tidak dicatat ulang" in same.output
    changed = dict(figures[1])
    changed[("KETAHANAN", "S1.1")] = (0, 20)
    tw1b = quarter_inputs(tmp_path / "ubah", master_file, 1, changed, history)
    refused = run_cli("report", "-c", master_file, "--triwulan", 1, "-i", tw1b, "--out",
                      tmp_path / "tw1c.docx", "--riwayat", history)
    assert refused.exit_code == 1
    assert "sudah dikunci (ditandatangani), termasuk triwulannya, dan isi Triwulan I ini " \
        "berbeda dari yang tercatat:\n- indikator S1.1:" in refused.stderr
    assert not (tmp_path / "tw1c.docx").exists()
    unlocked = run_cli("report", "-c", master_file, "--triwulan", 1, "-i", tw1b, "--out",
                       tmp_path / "tw1c.docx", "--riwayat", history, "--buka-kunci")
    assert unlocked.exit_code == 0, unlocked.output
    assert "Riwayat: angka Triwulan I 2021 dicatat sebagai versi 2" in unlocked.output


def test_the_year_refuses_a_unit_missing_from_tw_iv(tmp_path, master_file):
    history = tmp_path / "riwayat.sqlite"
    figures = draw(13)
    for n in (1, 2, 3, 4):
        inputs = quarter_inputs(tmp_path, master_file, n, figures[n], history)
        assert run_cli("report", "-c", master_file, "--triwulan", n, "-i", inputs, "--out",
                       tmp_path / f"tw{n}.docx", "--riwayat", history).exit_code == 0
    changed = tmp_path / "berubah.yaml"  # S1.1 gets a second reporting unit after TW IV
    changed.write_text(MASTER_TEXT.replace("        unit_pelapor: [KETAHANAN]\n",
                                           "        unit_pelapor: [KETAHANAN, POLITIK]\n", 1),
                       encoding="utf-8")
    out = tmp_path / "tahun.docx"
    result = run_cli("report", "-c", changed, "--dari-triwulan", "--out", out, "--riwayat",
                     history)
    assert result.exit_code == 1
    assert ("GALAT: indikator S1.1 unit POLITIK tidak ada di Triwulan IV 2021 yang tercatat "
            "(master berubah sejak itu?); buat ulang laporan TW IV dengan master ini (iku "
            "report --triwulan 4), lalu jalankan lagi") in result.stderr
    assert not out.exists()


USAGE = [
    (["--triwulan", "2", "--dari-triwulan"], "--triwulan tidak dapat dipakai bersama "
     "--dari-triwulan"),
    (["--triwulan", "2"], "--triwulan memerlukan --inputs: folder isian triwulan itu"),
    (["--dari-triwulan", "-i", "."], "--dari-triwulan tidak membaca isian: jangan berikan "
     "--inputs"),
    (["--triwulan", "5"], "GALAT: Nilai tidak sah untuk '--triwulan': 5 di luar rentang 1<=x<=4."),
]


@pytest.mark.parametrize(("args", "message"), USAGE)
def test_usage(args, message, master_file):
    result = run_cli("report", "-c", master_file, *args)
    assert result.exit_code == 2
    assert message in result.output


# --- a city: report --all --triwulan ------------------------------------------------------


def test_report_all_takes_a_quarter_and_the_rekap_shows_it(tmp_path, master_file):
    history = tmp_path / "riwayat.sqlite"
    root = tmp_path / "kota"
    figures = draw(17)
    for agency in ("a_dinas", "b_badan"):
        folder = root / agency
        folder.mkdir(parents=True)
        text = MASTER_TEXT.replace("  kode: kesbangpol_jambi", f"  kode: {agency}").replace(
            'nama: "Badan Kesatuan Bangsa dan Politik Kota Jambi"',
            f'nama: "Instansi {agency}"', 1)
        (folder / "master.yaml").write_text(text, encoding="utf-8")
        inputs = quarter_inputs(tmp_path / agency, folder / "master.yaml", 1, figures[1],
                                history)
        shutil.copytree(inputs, folder / "isian")
    out = tmp_path / "hasil"
    result = run_cli("report", "--all", root, "--out", out, "--triwulan", 1, "--riwayat",
                     history)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "Laporan_Kinerja_TW1_2021_a_dinas.docx", "Laporan_Kinerja_TW1_2021_b_badan.docx",
        "Rekap_Capaian_IKU_2021_TW1.xlsx"]
    sheet = openpyxl.load_workbook(out / "Rekap_Capaian_IKU_2021_TW1.xlsx")["Rekap"]
    assert sheet["A1"].value == ("REKAPITULASI CAPAIAN INDIKATOR KINERJA UTAMA TRIWULAN I "
                                 "TAHUN 2021")
    header = [c.value for c in sheet[4]]
    assert header[-2:] == ["% thd Target Tahun", "Periode"]
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=5) if r[4].value == "S4.1"]
    assert len(rows) == 2
    for row in rows:
        so_far = rolled(figures, 1)
        r = realisation("S4.1", so_far)
        assert row[7] == 25 and row[9] == pytest.approx(r)
        assert row[10] == pytest.approx(r / 25 * 100)  # against the quarter's target
        assert row[12] == pytest.approx(r)  # % of the year's target (100)
        assert row[13] == "TW1"
    s11 = next(r for r in sheet.iter_rows(min_row=5) if r[4].value == "S1.1")
    assert (s11[7].value, s11[10].value, s11[11].value) == ("-", None, "tanpa target TW I")


# --- the template and the report in LibreOffice ----------------------------------------------

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None or
                                   shutil.which("pdftotext") is None,
                                   reason="LibreOffice (soffice) atau poppler-utils tidak "
                                   "terpasang")


@pytest.mark.libreoffice
@needs_soffice
def test_quarterly_report_opens_in_libreoffice(tmp_path, master_file, recorded_tw1):
    history, figures = recorded_tw1
    inputs = quarter_inputs(tmp_path, master_file, 2, figures[2], history)
    out = tmp_path / "tw2.docx"
    result = run_cli("report", "-c", master_file, "--triwulan", 2, "-i", inputs, "--out", out,
                     "--riwayat", history, "--pdf")
    assert result.exit_code == 0, result.output
    text = subprocess.run(["pdftotext", str(out.with_suffix(".pdf")), "-"],
                          capture_output=True, text=True, check=True).stdout
    words = " ".join(text.split())
    for needle in ("LAPORAN PENGUKURAN KINERJA", "TRIWULAN II TAHUN 2021",
                   "Periode: Triwulan II (April–Juni 2021)", "Realisasi s.d. TW II",
                   "Kendala POLITIK S4.1 TW II", "RATA-RATA % CAPAIAN", "Jambi, Juli 2021",
                   "DRS. RADEN JUFRI. ME"):
        assert needle in words, needle


@pytest.mark.libreoffice
@needs_soffice
def test_quarterly_workbook_formulas_in_libreoffice(tmp_path, master_file, recorded_tw1):
    """Staff see the year so far while typing: recalculated by LibreOffice, the live cells
    show this file's own roll-up and realisasi."""
    history, figures = recorded_tw1
    inputs = quarter_inputs(tmp_path, master_file, 2, figures[2], history)
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                    "--headless", "--convert-to", "xlsx", "--outdir", str(tmp_path / "hasil"),
                    *map(str, sorted(inputs.glob("*.xlsx")))], check=True,
                   capture_output=True, timeout=300)
    so_far = rolled(figures, 2)
    for path in sorted((tmp_path / "hasil").glob("*.xlsx")):
        unit = path.stem.rsplit("_", 1)[1]
        sheet = openpyxl.load_workbook(path, data_only=True)["Isian"]
        header = {c.value: c.column for c in sheet[8]}
        rows = {sheet.cell(r, header["Kode"]).value: r for r in range(9, sheet.max_row + 1)}
        for (u, code), (x1, x2) in so_far.items():
            if u != unit:
                continue
            r = rows[code]
            assert sheet.cell(r, header["x1 s.d. TW II"]).value == pytest.approx(x1), code
            if x2 is not None:
                assert sheet.cell(r, header["x2 s.d. TW II"]).value == pytest.approx(x2)
            if len(BY_CODE[code].reporting_units) == 1:
                y = sheet.cell(r, header["Realisasi s.d. TW II"]).value
                assert y == pytest.approx(realisation(code, {(u, code): (x1, x2)})), code


def test_template_check_command_for_the_quarterly_template(tmp_path):
    result = run_cli("templat", "periksa", paths.QUARTER_TEMPLATE, "--jenis", "triwulan",
                     "--tanpa-pdf")
    assert result.exit_code == 0, result.output
    assert "Bagian wajib ada: tabel pengukuran kinerja triwulan, tanda tangan (nama " \
        "penandatangan)." in result.output
    assert result.output.splitlines()[-1] == (
        f"Templat LAYAK dipakai: iku report --triwulan N --template {paths.QUARTER_TEMPLATE}")


def test_outputs_never_among_inputs(tmp_path, master_file, recorded_tw1):
    history, figures = recorded_tw1
    inputs = quarter_inputs(tmp_path, master_file, 2, figures[2], history)
    before = folder_digest(inputs)
    result = run_cli("report", "-c", master_file, "--triwulan", 2, "-i", inputs, "--out",
                     inputs / "laporan.docx", "--riwayat", history)
    assert result.exit_code == 2
    assert folder_digest(inputs) == before



def test_a_draft_quarter_is_marked_and_not_recorded(tmp_path, master_file):
    history = tmp_path / "riwayat.sqlite"
    inputs = quarter_inputs(tmp_path, master_file, 1, draw(19)[1], history)
    (inputs / "Isian_IKU_2021_TW1_SEKRETARIAT.xlsx").unlink()
    out = tmp_path / "tw1.docx"
    result = run_cli("report", "-c", master_file, "--triwulan", 1, "-i", inputs, "--out", out,
                     "--riwayat", history, "--draft")
    assert result.exit_code == 0, result.output
    assert "GALAT: unit SEKRETARIAT (Sekretariat Badan Kesatuan Bangsa dan Politik Kota " \
        "Jambi) belum mengirim isian" in result.stderr
    assert "dicatat" not in result.output
    rows = report_rows(out, 1)
    assert rows["S5.2"]["Realisasi s.d. TW I"] == "(belum diisi)"
    text = "\n".join(p.text for p in Document(out).paragraphs)
    assert "DRAFT \u2014 laporan ini belum final (1 indikator belum diisi)." in text
    later = run_cli("templates", "-c", master_file, "--triwulan", 2, "--out",
                    tmp_path / "t2", "--riwayat", history)
    assert later.exit_code == 0
    assert "PERINGATAN: Triwulan I 2021 belum tercatat di riwayat: kolom TW I berisi — dan " \
        "laporan Triwulan II baru dapat dibuat setelah laporan TW I dibuat (iku report " \
        "--triwulan 1)" in later.output
