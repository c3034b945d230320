"""A signed year stays signed (issue 18 §2-§4): the lock compares everything the signed
report printed, a run publishes and records or does neither (faults injected: a read-only
or damaged history, a COMMIT that fails, a process killed between the two steps), and a
DRAFT never replaces a signed report.

Every case runs the CLI on the bundled sample master (every unit's figures 1/1) and looks
at the files afterwards: the report's bytes, the history with plain sqlite3.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import paths
from pipeline.history.store import KILL_ENV

from conftest import cli, digest

SAMPLE = paths.SAMPLE_MASTER.read_text(encoding="utf-8")




def stamp_in(path: Path) -> str:
    """The report's iku_sidik property, read with zipfile and a regular expression."""
    import re
    import zipfile

    custom = zipfile.ZipFile(path).read("docProps/custom.xml").decode()
    return re.search(r'name="iku_sidik"><vt:lpwstr>([0-9a-f]{64})<', custom).group(1)


def versions(db: Path, period: str = "tahunan") -> list[tuple[int, int]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT version, is_current FROM run WHERE year = 2021 AND "
                            "period = ? ORDER BY version", (period,)).fetchall()
    finally:
        conn.close()


@pytest.fixture
def year(fill, tmp_path):
    """The sample year reported and recorded (version 1): (inputs, report, history)."""
    inputs = fill()
    report, db = tmp_path / "Laporan.docx", tmp_path / "riwayat.sqlite"
    result = cli("report", "-i", inputs, "--out", report, "--riwayat", db)
    assert "dicatat sebagai versi 1" in result.stdout
    return inputs, report, db


@pytest.fixture
def signed(year):
    inputs, report, db = year
    cli("kunci", "--riwayat", db)
    return year


def refill(fill, **kwargs) -> Path:
    return fill(folder="isian_baru", **kwargs)


# --- §2 what a lock covers ------------------------------------------------------------------


def test_units_counts_with_the_same_ratio_are_a_change(signed, fill):
    """1/1 → 7/7: realisasi and capaian stay 100%, the printed x1 and x2 do not."""
    _, report, db = signed
    before = digest(report)
    inputs = refill(fill, values={"KETAHANAN": {"S1.1": (7, 7), "S2.1": (1, 1),
                                                "S3.1": (1, 1)}})
    result = cli("report", "-i", inputs, "--out", report, "--riwayat", db, code=1)
    assert result.stderr.startswith(
        "GALAT: tahun 2021 Badan Kesatuan Bangsa dan Politik Kota Jambi sudah dikunci "
        "(ditandatangani; versi 1), dan isi laporan ini berbeda dari yang ditandatangani:\n"
        "- indikator S1.1: isian unit KETAHANAN berubah (berkas isiannya berbeda): x1 1 → 7, "
        "x2 1 → 7; realisasi dan capaiannya tetap, tetapi isian unit tercetak di laporan "
        "yang ditandatangani\n")
    assert "Laporan TIDAK dibuat" in result.stderr
    assert "sama dengan yang ditandatangani" not in result.output
    assert digest(report) == before and versions(db) == [(1, 1)]


def test_a_units_note_is_part_of_the_signed_content(signed, fill):
    _, report, db = signed
    inputs = refill(fill, notes={"POLITIK": {"S2.1": "Data diperbarui setelah rapat."}})
    result = cli("report", "-i", inputs, "--out", report, "--riwayat", db, code=1)
    assert "- indikator S2.1: Catatan unit POLITIK berubah; realisasi dan capaiannya tetap" \
        in result.stderr


def test_a_master_text_is_part_of_the_signed_content(signed, tmp_path):
    inputs, report, db = signed
    before = digest(report)
    master = tmp_path / "master.yaml"
    assert '  kota: "Kota Jambi"' in SAMPLE
    master.write_text(SAMPLE.replace('  kota: "Kota Jambi"', '  kota: "Kota Jambi Baru"', 1),
                      encoding="utf-8")
    result = cli("report", "-c", master, "-i", inputs, "--out", report, "--riwayat", db,
                 code=1)
    assert "- master: instansi › kota «Kota Jambi» → «Kota Jambi Baru»\n" in result.stderr
    assert digest(report) == before


def test_a_comment_in_the_master_changes_nothing_signed(signed, tmp_path):
    inputs, report, db = signed
    before = digest(report)
    master = tmp_path / "master.yaml"
    master.write_text("# disalin untuk dicetak ulang\n" + SAMPLE, encoding="utf-8")
    result = cli("report", "-c", master, "-i", inputs, "--out", report, "--riwayat", db)
    assert ("Riwayat: tahun 2021 terkunci; isi laporan ini (angka dan teks) sama dengan yang "
            "ditandatangani, tidak dicatat ulang") in result.stdout
    assert "Laporan ditulis: " in result.stdout and "(isinya sama" in result.stdout
    assert digest(report) == before and versions(db) == [(1, 1)]


def test_another_word_template_is_said(signed, tmp_path):
    import datetime as dt
    import zipfile

    from pipeline.office.packaging import deterministic_zip

    inputs, report, db = signed
    styles = zipfile.ZipFile(paths.WORD_TEMPLATE).read("word/styles.xml")
    assert b"Arial" in styles
    template = tmp_path / "templat.docx"
    template.write_bytes(deterministic_zip(
        paths.WORD_TEMPLATE.read_bytes(), dt.date(2020, 1, 1),
        {"word/styles.xml": styles.replace(b"Arial", b"Times New Roman")}))
    result = cli("report", "-t", template, "-i", inputs, "--out", report, "--riwayat", db,
                 code=1)
    assert result.stderr.count("\n- ") == 1
    assert "- templat Word berbeda dari yang dipakai laporan yang ditandatangani\n" in \
        result.stderr


# --- §4 a DRAFT never replaces a signed report -----------------------------------------------


def test_a_draft_of_a_signed_year_is_written_beside_it(signed, fill, tmp_path):
    _, report, db = signed
    before = digest(report)
    inputs = refill(fill, skip=("IDEOLOGI",))
    result = cli("report", "-i", inputs, "--out", report, "--riwayat", db, "--draft")
    draft = tmp_path / "Laporan.DRAFT.docx"
    assert ("PERHATIAN: tahun 2021 sudah dikunci (ditandatangani), jadi DRAFT ini tidak "
            "menggantikan laporan yang ditandatangani; DRAFT ditulis di sampingnya: "
            "Laporan.DRAFT.docx") in result.stderr
    assert f"Laporan ditulis: {draft}" in result.stdout
    assert digest(report) == before and draft.exists()
    assert versions(db) == [(1, 1)]


def test_unlocking_keeps_the_signed_report_as_a_backup(signed, fill, tmp_path):
    _, report, db = signed
    signed_bytes = report.read_bytes()
    inputs = refill(fill, values={"KETAHANAN": {"S1.1": (1, 2), "S2.1": (1, 1),
                                                "S3.1": (1, 1)}})
    result = cli("report", "-i", inputs, "--out", report, "--riwayat", db, "--buka-kunci",
                 "--timpa")
    (backup,) = tmp_path.glob("Laporan.ditandatangani-*.docx")
    assert backup.read_bytes() == signed_bytes
    assert f"PERHATIAN: laporan yang ditandatangani disimpan sebagai cadangan sebelum " \
           f"diganti: {backup}" in result.stderr
    assert "dicatat sebagai versi 2" in result.stdout and versions(db) == [(1, 0), (2, 1)]


# --- §3 publish and record, or neither ----------------------------------------------------------


def changed_run(fill, report: Path, db: Path, code: int, *args):
    inputs = refill(fill, values={"KETAHANAN": {"S1.1": (1, 2), "S2.1": (1, 1),
                                                "S3.1": (1, 1)}})
    return cli("report", "-i", inputs, "--out", report, "--riwayat", db, *args, code=code)


def test_a_read_only_history_is_refused_before_the_report_is_replaced(year, fill):
    _, report, db = year
    before = digest(report)
    db.chmod(0o444)
    try:
        result = changed_run(fill, report, db, 1)
    finally:
        db.chmod(0o644)
    assert f"GALAT: berkas riwayat {db} bersifat baca-saja (read-only)" in result.stderr
    assert "Laporan ditulis" not in result.output
    assert digest(report) == before and versions(db) == [(1, 1)]


def test_a_damaged_history_is_refused_before_the_report_is_replaced(year, fill):
    _, report, db = year
    before = digest(report)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    with open(db, "r+b") as fh:  # the second page: main replaced the report, then failed
        fh.seek(4096)
        fh.write(bytes(range(256)) * 16)
    result = changed_run(fill, report, db, 1)
    assert f"GALAT: berkas riwayat {db} rusak atau bukan berkas riwayat iku" in result.stderr
    assert "Laporan ditulis" not in result.output
    assert digest(report) == before


def test_a_history_held_by_another_process_is_refused_before_the_report_is_replaced(
        year, fill, monkeypatch):
    from pipeline.history import schema

    _, report, db = year
    before = digest(report)
    monkeypatch.setattr(schema, "BUSY_TIMEOUT_MS", 300)  # instead of waiting 30 s
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process writing
    try:
        result = changed_run(fill, report, db, 1)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert f"GALAT: berkas riwayat {db} sedang dipakai proses lain" in result.stderr
    assert "Laporan ditulis" not in result.output
    assert digest(report) == before and versions(db) == [(1, 1)]


@pytest.mark.parametrize("existing", [True, False])
def test_a_failed_commit_puts_the_previous_report_back(year, fill, tmp_path, monkeypatch,
                                                        existing):
    from pipeline.history import store

    _, report, db = year
    if not existing:
        report = tmp_path / "baru" / "Laporan.docx"
    before = digest(report) if existing else None
    real = store._checkpoint

    def fail(name: str) -> None:
        if name == "before_commit":
            assert report.exists()  # placed by then
            raise sqlite3.OperationalError("disk I/O error")
        real(name)

    monkeypatch.setattr(store, "_checkpoint", fail)
    result = changed_run(fill, report, db, 1)
    assert "Laporan TIDAK ditulis: laporan lama dikembalikan seperti semula, dan riwayat " \
        "tidak berubah." in result.stderr
    assert "Laporan ditulis" not in result.output
    assert (digest(report) == before) if existing else not report.exists()
    assert versions(db) == [(1, 1)]


def _killed_run(inputs: Path, report: Path, db: Path, point: str) -> None:
    env = {**os.environ, KILL_ENV: point, "IKU_DEBUG": "1"}
    p = subprocess.run([sys.executable, "-m", "pipeline", "report", "-i", str(inputs),
                        "--out", str(report), "--riwayat", str(db)], env=env,
                       capture_output=True, timeout=120)
    assert p.returncode == -signal.SIGKILL, p.stderr.decode()
    assert b"Laporan ditulis" not in p.stdout


def test_killed_before_publishing_leaves_neither(year, fill):
    _, report, db = year
    before = digest(report)
    inputs = refill(fill, values={"KETAHANAN": {"S1.1": (1, 2), "S2.1": (1, 1),
                                                "S3.1": (1, 1)}})
    _killed_run(inputs, report, db, "after_figures")
    assert digest(report) == before and versions(db) == [(1, 1)]


def test_killed_between_publishing_and_recording_is_found_and_repaired(year, fill):
    """The one moment the protocol cannot close: the report is in place, the version was
    not committed. The report carries a stamp the history does not know: `iku riwayat`
    says so, `iku kunci` refuses, and running the same command again records it."""
    _, report, db = year
    recorded = stamp_in(report)
    inputs = refill(fill, values={"KETAHANAN": {"S1.1": (1, 2), "S2.1": (1, 1),
                                                "S3.1": (1, 1)}})
    _killed_run(inputs, report, db, "before_commit")
    assert stamp_in(report) != recorded and versions(db) == [(1, 1)]
    shown = cli("riwayat", "--riwayat", db, "--versi", 2021).stdout
    assert (f"PERINGATAN: laporan {report} bukan laporan tahunan 2021 yang tercatat di "
            "riwayat (versi 1): isinya tidak tercatat (sebuah DRAFT, atau proses yang "
            "terhenti sebelum mencatat). Jalankan lagi perintah yang membuatnya agar laporan "
            "dan riwayat sesuai, atau cetak ulang yang tercatat dengan iku report "
            "--dari-riwayat") in " ".join(shown.split())
    refused = cli("kunci", "--riwayat", db, code=1)
    assert refused.stderr.startswith(
        "GALAT: tahun 2021 Badan Kesatuan Bangsa dan Politik Kota Jambi TIDAK dikunci: "
        f"laporan {report} bukan laporan")
    placed = report.read_bytes()
    again = cli("report", "-i", inputs, "--out", report, "--riwayat", db)
    assert f"Laporan ditulis: {report} (isinya sama, berkas tidak diubah)" in again.stdout
    assert "dicatat sebagai versi 2" in again.stdout
    assert report.read_bytes() == placed and versions(db) == [(1, 0), (2, 1)]
    assert "PERINGATAN" not in cli("riwayat", "--riwayat", db, "--versi", 2021).stdout
    cli("kunci", "--riwayat", db)


def test_a_history_of_the_previous_schema_keeps_working(year, fill, tmp_path):
    """A file written before the report stamp and the sources were stored (schema 3) is
    migrated when opened; its locked year is still compared by content, and reprinted."""
    inputs, report, db = year
    signed_bytes = report.read_bytes()
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for statement in ("DROP TABLE run_source", "ALTER TABLE run DROP COLUMN report_stamp",
                      "ALTER TABLE run DROP COLUMN report_path", "DROP TABLE pk",
                      "PRAGMA user_version = 3"):
        conn.execute(statement)
    conn.commit()
    conn.close()
    cli("kunci", "--riwayat", db)
    same = cli("report", "-i", inputs, "--out", report, "--riwayat", db)
    assert "isi laporan ini (angka dan teks) sama dengan yang ditandatangani" in same.stdout
    changed = refill(fill, values={"KETAHANAN": {"S1.1": (7, 7), "S2.1": (1, 1),
                                                 "S3.1": (1, 1)}})
    refused = cli("report", "-i", changed, "--out", report, "--riwayat", db, code=1)
    assert "isian unit KETAHANAN berubah (berkas isiannya berbeda): x1 1 → 7" in refused.stderr
    rebuilt = tmp_path / "cetak_ulang.docx"
    cli("report", "--dari-riwayat", "--out", rebuilt, "--riwayat", db)
    assert rebuilt.read_bytes() == signed_bytes
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone() == (5,)  # v4, then v5 (the PK)
    assert conn.execute("SELECT report_stamp, report_path FROM run").fetchall() == [("", "")]
    conn.close()


def test_a_citys_draft_run_writes_a_locked_agencys_draft_beside(tmp_path):
    root, out, db = tmp_path / "kota", tmp_path / "hasil", tmp_path / "kota.sqlite"
    cli("synth", "--agencies", "2", "--units", "2", "--indicators", "3", "--out", root)
    cli("report", "--all", root, "--out", out, "--riwayat", db, "--jobs", "1")
    first = sorted(p for p in root.iterdir() if p.is_dir())[0]
    cli("kunci", "-c", first / "master.yaml", "--riwayat", db)
    (signed,) = out.glob(f"Laporan_IKU_*_{first.name}.docx")
    before = digest(signed)
    sorted((first / "isian").iterdir())[0].unlink()
    result = cli("report", "--all", root, "--out", out, "--riwayat", db, "--jobs", "1",
                 "--draft")
    draft = signed.with_name(f"{signed.stem}.DRAFT.docx")
    assert ("PERHATIAN: tahun instansi ini sudah dikunci (ditandatangani), jadi DRAFT tidak "
            f"menggantikan laporannya; DRAFT ditulis di sampingnya: {draft.name}") in \
        result.stderr
    assert digest(signed) == before and draft.exists()


def test_killed_while_unlocking_keeps_the_signed_report_and_is_said(signed, fill, tmp_path):
    _, report, db = signed
    signed_bytes = report.read_bytes()
    inputs = refill(fill, values={"KETAHANAN": {"S1.1": (1, 2), "S2.1": (1, 1),
                                                "S3.1": (1, 1)}})
    env = {**os.environ, KILL_ENV: "before_commit", "IKU_DEBUG": "1"}
    p = subprocess.run([sys.executable, "-m", "pipeline", "report", "-i", str(inputs),
                        "--out", str(report), "--riwayat", str(db), "--buka-kunci"], env=env,
                       capture_output=True, timeout=120)
    assert p.returncode == -signal.SIGKILL
    (backup,) = tmp_path.glob("Laporan.ditandatangani-*.docx")
    assert backup.read_bytes() == signed_bytes and versions(db) == [(1, 1)]
    again = cli("kunci", "--riwayat", db)  # locked already on version 1: said, not refused
    assert "sudah dikunci sejak" in again.stdout and "tidak ada yang berubah" in again.stdout
    assert f"PERINGATAN: laporan {report} bukan laporan tahunan 2021 yang tercatat" in \
        again.stderr
    cli("report", "-i", inputs, "--out", report, "--riwayat", db, "--buka-kunci")
    assert versions(db) == [(1, 0), (2, 1)]


def test_the_history_records_the_bytes_the_figures_were_read_from(tmp_path, monkeypatch):
    """A unit's workbook changed on disk after it was checked and read (a unit saving it
    again): the history records the fingerprint of the bytes the figures came from, not
    of the file as it is by then (the reader keeps their digest; issue 25)."""
    import hashlib

    from pipeline import run as stages
    from pipeline.domain.master import load_master
    from pipeline.workbook.sample import write_sample_inputs

    master = load_master(paths.SAMPLE_MASTER)
    inputs = tmp_path / "isian"
    write_sample_inputs(master, inputs)
    read = {hashlib.sha256(p.read_bytes()).hexdigest() for p in inputs.glob("*.xlsx")}
    real_check = stages.check

    def check_then_saved_again(job, run):
        real_check(job, run)
        for p in inputs.glob("*.xlsx"):
            p.write_bytes(p.read_bytes() + b"\0")

    recorded: list[dict] = []
    real_snapshot = stages.snapshot

    def keep(master, results, submissions, template, *args):
        recorded.append(dict(submissions))
        return real_snapshot(master, results, submissions, template, *args)

    monkeypatch.setattr(stages, "STAGES", tuple(check_then_saved_again if s is real_check
                                                else s for s in stages.STAGES))
    monkeypatch.setattr(stages, "snapshot", keep)
    stages.run_report(stages.ReportJob(master, inputs, tmp_path / "Laporan.docx",
                                       history=tmp_path / "riwayat.sqlite"))
    assert len(recorded) == 1 and set(recorded[0].values()) == read


def test_the_history_records_the_template_the_report_was_rendered_from(tmp_path, monkeypatch):
    """The Word template replaced on disk after the report was rendered from it (someone
    saving an edited template meanwhile): the history records the template the report
    came from, read once for the run, not the file as it is by then (issue 25)."""
    import shutil

    from pipeline import run as stages
    from pipeline.domain.master import load_master
    from pipeline.history import open_history
    from pipeline.workbook.sample import write_sample_inputs

    master = load_master(paths.SAMPLE_MASTER)
    inputs = tmp_path / "isian"
    write_sample_inputs(master, inputs)
    template = tmp_path / "templat.docx"
    shutil.copyfile(paths.WORD_TEMPLATE, template)
    used = template.read_bytes()
    real_render = stages.render

    def render_then_replaced(job, run):
        real_render(job, run)
        template.write_bytes(used + b"\0")  # a different file from here on

    monkeypatch.setattr(stages, "STAGES", tuple(render_then_replaced if s is real_render
                                                else s for s in stages.STAGES))
    history = tmp_path / "riwayat.sqlite"
    outcome = stages.run_report(stages.ReportJob(master, inputs, tmp_path / "Laporan.docx",
                                                 template=template, history=history))
    assert outcome.recorded is not None
    with open_history(history, create=False) as h:
        stored = h.current(h.key_for(master), master.agency.year)
    assert stored.snapshot.template == used
