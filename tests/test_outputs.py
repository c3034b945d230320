"""Never destroy someone's work: output paths, edited and read-only reports, PDF pairs.

Every case runs the CLI and hashes the inputs and the output folder before and after:
the exit code, the message and exactly which files changed are asserted.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import docx
import pytest

from pipeline import paths
from pipeline.office.libreoffice import find_soffice
from pipeline.office.packaging import STAMP_NAME, read_custom_property, stamp_matches

from conftest import folder_digest, run_cli

OLD = b"laporan lama"


def _tree(tmp_path: Path) -> dict[str, str]:
    """Hashes of every file under tmp_path (inputs and outputs alike)."""
    return folder_digest(tmp_path)


def _report(inputs: Path, out: Path, *args):
    return run_cli("report", "-i", inputs, "--out", out, *args)


# --- output paths -----------------------------------------------------------------------


def _link_into_inputs(tmp_path: Path, inputs: Path) -> Path:
    link = tmp_path / "pintasan"
    link.symlink_to(inputs, target_is_directory=True)
    return link / "Laporan.docx"


def _hard_link_of_input(tmp_path: Path, inputs: Path) -> Path:
    target = tmp_path / "keluar" / "salinan.docx"
    target.parent.mkdir()
    os.link(inputs / "Isian_POLITIK.xlsx", target)
    return target


OUT_CASES = {
    "inside_inputs": (lambda t, i: i / "Laporan.docx", "berada di dalam folder isian"),
    "new_subfolder_of_inputs": (lambda t, i: i / "hasil" / "Laporan.docx",
                                "berada di dalam folder isian"),
    "dotdot_into_inputs": (lambda t, i: t / "lain" / ".." / "isian" / "L.docx",
                           "berada di dalam folder isian"),
    "symlink_into_inputs": (_link_into_inputs, "berada di dalam folder isian"),
    "hard_link_of_a_workbook": (_hard_link_of_input, "menunjuk ke berkas masukan"),
}


@pytest.mark.parametrize("case", sorted(OUT_CASES))
def test_report_out_among_the_inputs_is_refused(case, fill, tmp_path):
    make, fragment = OUT_CASES[case]
    inputs = fill()
    out = make(tmp_path, inputs)
    before = _tree(tmp_path)
    res = _report(inputs, out)
    assert res.exit_code == 2, res.output
    assert fragment in res.stderr
    assert "--out" in res.stderr
    assert _tree(tmp_path) == before  # nothing written, nothing changed


def test_report_out_over_the_word_template_is_refused(fill, tmp_path):
    template = tmp_path / "templat.docx"
    shutil.copy(paths.WORD_TEMPLATE, template)
    inputs = fill()
    before = _tree(tmp_path)
    res = _report(inputs, template, "-t", template)
    assert res.exit_code == 2, res.output
    assert f"menunjuk ke berkas masukan '{template}'" in res.stderr
    assert _tree(tmp_path) == before


def test_report_out_over_the_master_is_refused(fill, tmp_path):
    master = tmp_path / "master.docx"  # a master named .docx: the guard still sees it
    shutil.copy(paths.SAMPLE_MASTER, master)
    inputs = fill()
    before = _tree(tmp_path)
    res = run_cli("report", "-c", master, "-i", inputs, "--out", master)
    assert res.exit_code == 2, res.output
    assert "menunjuk ke berkas masukan" in res.stderr
    assert _tree(tmp_path) == before


@pytest.mark.parametrize("name", ["cek.xlsx", "sub/cek.xlsx", "Isian_POLITIK.xlsx"])
def test_validate_report_among_the_inputs_is_refused(name, fill, tmp_path):
    inputs = fill({"POLITIK": {"S2.1": (None, 1), "S4.1": (1, 1)}})
    before = _tree(tmp_path)
    res = run_cli("validate", "-i", inputs, "--report", inputs / name)
    assert res.exit_code == 2, res.output
    assert "--report" in res.stderr and "berada di dalam folder isian" in res.stderr
    assert _tree(tmp_path) == before


def test_validate_report_whose_copies_folder_is_the_inputs_is_refused(fill, tmp_path):
    """``--report X/isian.xlsx`` puts the corrected copies into ``X/isian_perbaikan``:
    refused when that folder is the inputs folder."""
    inputs = fill(folder="cek_perbaikan", values={"POLITIK": {"S2.1": (None, 1),
                                                              "S4.1": (1, 1)}})
    before = _tree(tmp_path)
    res = run_cli("validate", "-i", inputs, "--report", tmp_path / "cek.xlsx")
    assert res.exit_code == 2, res.output
    assert "--report (salinan)" in res.stderr or "--report" in res.stderr
    assert _tree(tmp_path) == before


@pytest.mark.parametrize("out", ["laporan.pdf", "laporan", "laporan.doc", "laporan.xlsx"])
def test_out_must_be_docx(out, fill, tmp_path):
    inputs = fill()
    before = _tree(tmp_path)
    res = _report(inputs, tmp_path / out)
    assert res.exit_code == 2, res.output
    assert f"--out '{tmp_path / out}' harus berakhiran .docx" in res.stderr
    assert _tree(tmp_path) == before


def test_report_all_into_an_agency_inputs_folder_is_refused(tmp_path):
    root = tmp_path / "kota"
    assert run_cli("synth", "-n", 2, "-u", 2, "-k", 3, "--out", root).exit_code == 0
    (agency,) = [p for p in sorted(root.iterdir())][:1]
    before = _tree(tmp_path)
    res = run_cli("report", "--all", root, "--out", agency / "isian", "--jobs", 1)
    assert res.exit_code == 2, res.output
    assert "berada di dalam folder isian" in res.stderr
    assert _tree(tmp_path) == before


# --- an edited report -------------------------------------------------------------------


def _edit_in_word(path: Path, when: float = 1_700_000_000) -> bytes:
    """What Word does to a report: changed text, the whole package saved again."""
    document = docx.Document(str(path))
    document.add_paragraph("Catatan tambahan dari Kepala Badan.")
    document.save(str(path))
    os.utime(path, (when, when))
    return path.read_bytes()


def _stamp_of(when: float) -> str:
    import datetime as dt

    return dt.datetime.fromtimestamp(when).strftime("%Y-%m-%d-%H%M")


def test_report_records_what_it_wrote(fill, tmp_path):
    out = tmp_path / "hasil" / "Laporan.docx"
    assert _report(fill(), out).exit_code == 0
    assert stamp_matches(out)
    import zipfile

    custom = zipfile.ZipFile(out).read("docProps/custom.xml")
    assert len(read_custom_property(custom, STAMP_NAME)) == 64
    _edit_in_word(out)
    assert not stamp_matches(out)


def test_edited_report_is_kept_as_a_dated_backup(fill, tmp_path):
    inputs = fill()
    out = tmp_path / "hasil" / "Laporan.docx"
    assert _report(inputs, out).exit_code == 0
    ours = out.read_bytes()
    edited = _edit_in_word(out)
    inputs_before = folder_digest(inputs)

    res = _report(inputs, out)
    assert res.exit_code == 0, res.output
    backup = out.with_name(f"Laporan.diedit-{_stamp_of(1_700_000_000)}.docx")
    assert f"disimpan sebagai cadangan: {backup}" in res.stderr
    assert backup.read_bytes() == edited  # the person's work, byte for byte
    assert out.read_bytes() == ours  # the same report as the first run
    assert sorted(p.name for p in out.parent.iterdir()) == sorted(["Laporan.docx", backup.name])
    assert folder_digest(inputs) == inputs_before

    # an unedited rerun: no new backup, the file not even rewritten
    mtime = out.stat().st_mtime_ns
    res = _report(inputs, out)
    assert res.exit_code == 0 and "cadangan" not in res.output
    assert "isinya sama, berkas tidak diubah" in res.stdout
    assert out.stat().st_mtime_ns == mtime
    assert len(list(out.parent.iterdir())) == 2

    # edited again in the same minute: a second backup, the first never overwritten
    again = _edit_in_word(out)
    res = _report(inputs, out)
    second = out.with_name(f"Laporan.diedit-{_stamp_of(1_700_000_000)}-2.docx")
    assert f"disimpan sebagai cadangan: {second}" in res.stderr
    assert second.read_bytes() == again and backup.read_bytes() == edited


def test_a_file_iku_did_not_write_is_kept_too(fill, tmp_path):
    out = tmp_path / "Laporan.docx"
    out.write_bytes(OLD)
    res = _report(fill(), out)
    assert res.exit_code == 0, res.output
    (backup,) = tmp_path.glob("Laporan.diedit-*.docx")
    assert backup.read_bytes() == OLD and stamp_matches(out)


def test_timpa_replaces_an_edited_report_without_backup(fill, tmp_path):
    inputs = fill()
    out = tmp_path / "hasil" / "Laporan.docx"
    assert _report(inputs, out).exit_code == 0
    ours = out.read_bytes()
    _edit_in_word(out)
    res = _report(inputs, out, "--timpa")
    assert res.exit_code == 0, res.output
    assert "cadangan" not in res.output
    assert out.read_bytes() == ours
    assert [p.name for p in out.parent.iterdir()] == ["Laporan.docx"]


def test_read_only_report_is_refused_unless_timpa(fill, tmp_path):
    inputs = fill({"POLITIK": {"S2.1": (1, 2), "S4.1": (1, 1)}})
    out = tmp_path / "hasil" / "Laporan.docx"
    out.parent.mkdir()
    out.write_bytes(OLD)
    out.chmod(0o444)
    before = _tree(tmp_path)
    res = _report(inputs, out)
    assert res.exit_code == 2, res.output
    assert f"laporan '{out}' bersifat baca-saja (read-only)" in res.stderr
    assert "--timpa" in res.stderr
    assert _tree(tmp_path) == before
    res = _report(inputs, out, "--timpa")
    assert res.exit_code == 0, res.output
    assert stamp_matches(out) and [p.name for p in out.parent.iterdir()] == ["Laporan.docx"]


# --- the PDF beside the report ----------------------------------------------------------


def test_stale_pdf_is_moved_aside(fill, tmp_path):
    out = tmp_path / "hasil" / "Laporan.docx"
    assert _report(fill(), out).exit_code == 0
    pdf = out.with_suffix(".pdf")
    pdf.write_bytes(b"%PDF lama")
    os.utime(pdf, (1_700_000_000, 1_700_000_000))
    # same inputs: the report is unchanged, so its PDF may well be current: kept
    res = _report(tmp_path / "isian", out)
    assert res.exit_code == 0 and pdf.read_bytes() == b"%PDF lama"
    # other figures: the PDF no longer matches the report
    changed = fill({"POLITIK": {"S2.1": (1, 2), "S4.1": (1, 1)}}, folder="isian2")
    res = _report(changed, out)
    assert res.exit_code == 0, res.output
    moved = out.with_name(f"Laporan.usang-{_stamp_of(1_700_000_000)}.pdf")
    assert f"PDF lama milik laporan sebelumnya dipindahkan ke {moved}" in res.stderr
    assert not pdf.exists() and moved.read_bytes() == b"%PDF lama"


def test_stale_pdf_is_removed_with_timpa(fill, tmp_path):
    out = tmp_path / "Laporan.docx"
    pdf = out.with_suffix(".pdf")
    pdf.write_bytes(b"%PDF lama")
    res = _report(fill(), out, "--timpa")
    assert res.exit_code == 0, res.output
    assert "PDF lama milik laporan sebelumnya dihapus" in res.stderr
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["Laporan.docx"]


def _fake_soffice(tmp_path: Path, body: str) -> Path:
    """A `soffice` on PATH that does ``body`` (a shell script) instead of converting."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    script = bindir / "soffice"
    script.write_text("#!/bin/sh\n" + body)
    script.chmod(0o755)
    return bindir


def _with_old_pair(tmp_path: Path) -> Path:
    out = tmp_path / "hasil" / "Laporan.docx"
    out.parent.mkdir()
    out.write_bytes(OLD)
    out.with_suffix(".pdf").write_bytes(b"%PDF lama")
    return out


def test_pdf_conversion_failure_replaces_nothing(fill, tmp_path, monkeypatch):
    bindir = _fake_soffice(tmp_path, 'echo "Error: source file could not be loaded" >&2\nexit 1\n')
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
    inputs = fill()
    out = _with_old_pair(tmp_path)
    before = _tree(tmp_path)
    res = _report(inputs, out, "--pdf")
    assert res.exit_code == 1, res.output
    assert "LibreOffice gagal mengubah Laporan.docx ke PDF (kode 1)" in res.stderr
    assert "source file could not be loaded" in res.stderr
    assert _tree(tmp_path) == before  # neither the report nor its PDF, no temp files
    assert sorted(p.name for p in out.parent.iterdir()) == ["Laporan.docx", "Laporan.pdf"]


def test_missing_libreoffice_is_found_before_anything_is_written(fill, tmp_path, monkeypatch):
    import pipeline.office.libreoffice

    monkeypatch.setattr(pipeline.office.libreoffice, "find_soffice", lambda: None)
    inputs = fill()
    out = _with_old_pair(tmp_path)
    before = _tree(tmp_path)
    res = _report(inputs, out, "--pdf")
    assert res.exit_code == 1, res.output
    assert "LibreOffice (soffice) tidak ditemukan" in res.stderr
    assert "apt-get install libreoffice-writer-nogui" in res.stderr
    assert "Laporan ditulis" not in res.output
    assert _tree(tmp_path) == before


def test_missing_libreoffice_stops_a_batch_before_any_agency(tmp_path, monkeypatch):
    import pipeline.office.libreoffice

    root = tmp_path / "kota"
    assert run_cli("synth", "-n", 2, "-u", 2, "-k", 3, "--out", root).exit_code == 0
    monkeypatch.setattr(pipeline.office.libreoffice, "find_soffice", lambda: None)
    before = _tree(tmp_path)
    res = run_cli("report", "--all", root, "--out", tmp_path / "hasil", "--pdf", "--jobs", 1)
    assert res.exit_code == 1, res.output
    assert "LibreOffice (soffice) tidak ditemukan" in res.stderr
    assert _tree(tmp_path) == before and not (tmp_path / "hasil").exists()


def test_pdf_and_report_are_replaced_together(fill, tmp_path, monkeypatch):
    """A fake LibreOffice that writes a PDF: both files replaced, the edited pair kept."""
    bindir = _fake_soffice(tmp_path, (
        'for a; do last="$a"; done\n'
        'while [ "$1" != "--outdir" ]; do shift; done\n'
        'name=$(basename "$last" .docx)\n'
        'printf "%%PDF baru" > "$2/$name.pdf"\n'))
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
    inputs = fill()
    out = _with_old_pair(tmp_path)
    res = _report(inputs, out, "--pdf")
    assert res.exit_code == 0, res.output
    assert stamp_matches(out) and out.with_suffix(".pdf").read_bytes() == b"%PDF baru"
    assert len(list(out.parent.iterdir())) == 4  # the new pair and the old pair kept
    (old_docx,) = out.parent.glob("Laporan.diedit-*.docx")
    (old_pdf,) = out.parent.glob("Laporan.diedit-*.pdf")
    assert old_docx.read_bytes() == OLD and old_pdf.read_bytes() == b"%PDF lama"


# --- Ctrl+C during the conversion ---------------------------------------------------------


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if text.encode() in cmdline and _alive(int(entry.name)):
                found.append(int(entry.name))
    return found


def _interrupt_during_conversion(tmp_path: Path, inputs: Path, env: dict, started) -> tuple:
    out = _with_old_pair(tmp_path)
    before = folder_digest(out.parent)
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "report", "-i", str(inputs), "--out", str(out),
         "--pdf"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not started():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "LibreOffice never started"
        time.sleep(0.05)
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)  # what Ctrl+C sends to the foreground process
    _, err = proc.communicate(timeout=60)
    return proc.returncode, err.decode(), out, before


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_ctrl_c_stops_a_fake_libreoffice_and_leaves_nothing(fill, tmp_path):
    pids = tmp_path / "pids"
    bindir = _fake_soffice(tmp_path, f'echo $$ > "{pids}.sh"\nsleep 300 &\n'
                                     f'echo $! > "{pids}.child"\nwait\n')
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {**os.environ, "PATH": f"{bindir}{os.pathsep}{os.environ['PATH']}",
           "TMPDIR": str(tmp)}
    env.pop("IKU_DEBUG", None)
    code, err, out, before = _interrupt_during_conversion(
        tmp_path, fill(), env, lambda: Path(f"{pids}.child").exists())
    assert code == 130, err
    assert "Dibatalkan." in err and "Traceback" not in err
    for name in ("sh", "child"):
        pid = int(Path(f"{pids}.{name}").read_text())
        for _ in range(100):
            if not _alive(pid):
                break
            time.sleep(0.05)
        assert not _alive(pid), f"the {name} process of the fake LibreOffice still runs"
    assert folder_digest(out.parent) == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["Laporan.docx", "Laporan.pdf"]
    assert list(tmp.iterdir()) == []  # the LibreOffice profile folder is gone too


@pytest.mark.libreoffice
@pytest.mark.skipif(find_soffice() is None or sys.platform != "linux",
                    reason="needs LibreOffice (soffice) and /proc")
def test_ctrl_c_stops_libreoffice_and_leaves_nothing(fill, tmp_path):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp)}
    env.pop("IKU_DEBUG", None)
    code, err, out, before = _interrupt_during_conversion(
        tmp_path, fill(), env, lambda: bool(_processes_mentioning(str(tmp))))
    assert code == 130, err
    assert "Dibatalkan." in err and "Traceback" not in err
    for _ in range(100):
        if not _processes_mentioning(str(tmp)):
            break
        time.sleep(0.05)
    assert _processes_mentioning(str(tmp)) == [], "LibreOffice still runs"
    assert folder_digest(out.parent) == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["Laporan.docx", "Laporan.pdf"]
    assert list(tmp.iterdir()) == []


@pytest.mark.libreoffice
@pytest.mark.skipif(find_soffice() is None or shutil.which("pdftotext") is None,
                    reason="needs LibreOffice (soffice) and pdftotext")
def test_report_with_pdf_through_libreoffice(fill, tmp_path):
    inputs = fill()
    out = tmp_path / "hasil" / "Laporan.docx"
    res = _report(inputs, out, "--pdf")
    assert res.exit_code == 0, res.output
    assert f"PDF ditulis: {out.with_suffix('.pdf')}" in res.stdout
    text = subprocess.run(["pdftotext", str(out.with_suffix(".pdf")), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "CAPAIAN INDIKATOR KINERJA UTAMA (IKU) TAHUN 2021" in text
    assert sorted(p.name for p in out.parent.iterdir()) == ["Laporan.docx", "Laporan.pdf"]
    assert stamp_matches(out)


def test_report_all_keeps_an_edited_agency_report(tmp_path):
    root, out = tmp_path / "kota", tmp_path / "hasil"
    assert run_cli("synth", "-n", 2, "-u", 2, "-k", 3, "--out", root).exit_code == 0
    assert run_cli("report", "--all", root, "--out", out, "--jobs", 1).exit_code == 0
    first = sorted(out.glob("Laporan_*.docx"))[0]
    ours = first.read_bytes()
    edited = _edit_in_word(first)
    inputs_before = folder_digest(root)
    res = run_cli("report", "--all", root, "--out", out, "--jobs", 1)
    assert res.exit_code == 0, res.output
    backup = first.with_name(f"{first.stem}.diedit-{_stamp_of(1_700_000_000)}.docx")
    assert f"disimpan sebagai cadangan: {backup}" in res.stderr
    assert backup.read_bytes() == edited and first.read_bytes() == ours
    assert folder_digest(root) == inputs_before


def test_when_the_pdf_cannot_be_placed_the_old_report_is_put_back(fill, tmp_path, monkeypatch):
    """The second rename of the pair fails (the PDF is open in a reader on Windows, say):
    the report renamed first is rolled back, so the old pair stays together."""
    import pipeline.office.publish

    bindir = _fake_soffice(tmp_path, (
        'for a; do last="$a"; done\n'
        'while [ "$1" != "--outdir" ]; do shift; done\n'
        'printf "%%PDF baru" > "$2/$(basename "$last" .docx).pdf"\n'))
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
    real_replace = os.replace

    def pdf_locked(src, dst):
        if str(dst).endswith("hasil/Laporan.pdf"):
            raise PermissionError(13, "Permission denied")
        return real_replace(src, dst)

    inputs = fill()
    out = _with_old_pair(tmp_path)
    stamp_time = 1_700_000_000
    os.utime(out, (stamp_time, stamp_time))
    monkeypatch.setattr(pipeline.office.publish.os, "replace", pdf_locked)
    res = _report(inputs, out, "--pdf")
    assert res.exit_code == 1, res.output
    assert "laporan lama tidak berubah" in res.stderr
    assert out.read_bytes() == OLD and out.with_suffix(".pdf").read_bytes() == b"%PDF lama"
    names = sorted(p.name for p in out.parent.iterdir())
    assert names == sorted(["Laporan.docx", "Laporan.pdf",  # and the backups made first
                            f"Laporan.diedit-{_stamp_of(stamp_time)}.docx",
                            f"Laporan.diedit-{_stamp_of(stamp_time)}.pdf"])
