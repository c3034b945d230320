"""``iku init FOLDER``: a working folder for a new agency, with an Indonesian note whose
commands are real; an existing file or a folder holding anything is refused, untouched.
(tests/test_packaging.py runs it from an installed wheel.)"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from pipeline import paths
from pipeline.cli import main
from pipeline.domain.master import load_master
from pipeline.intake.master import read_master_workbook
from pipeline.workspace import NOTE_TEXT, note_text

from conftest import folder_digest, run_cli


def test_init_makes_the_working_folder(tmp_path):
    res = run_cli("init", tmp_path / "kerja")
    assert res.exit_code == 0, res.output
    work = tmp_path / "kerja"
    assert res.stdout.splitlines()[0] == f"Folder kerja dibuat: {work}"
    # the master is the sample as a workbook (issue 24), read back as the same master
    assert not (work / "master.yaml").exists()
    assert _same(read_master_workbook(work / "master.xlsx"), load_master(paths.SAMPLE_MASTER))
    assert list((work / "isian").iterdir()) == []
    assert {p.name for p in (work / "templat_word").iterdir()} == {
        "laporan_iku.docx", "laporan_triwulan.docx", "lkjip_bab3.docx",
        "lkjip_lengkap.docx", "perjanjian_kinerja.docx"}
    assert ({p.name for p in (work / "contoh_master").iterdir()}
            == {p.name for p in paths.EXAMPLE_MASTERS.glob("*.yaml")})
    assert (work / "BACA_SAYA.txt").read_text(encoding="utf-8") == NOTE_TEXT


def test_every_command_in_the_note_exists():
    lines = [line.strip() for line in NOTE_TEXT.splitlines()]
    commands = [line for line in lines if line.startswith("iku ")]
    commands += re.findall(r"`(iku [^`]+)`", NOTE_TEXT)
    assert len(commands) >= 6
    for command in commands:
        words = shlex.split(command)[1:]
        group = main
        while words and words[0] in getattr(group, "commands", {}):
            group = group.commands[words.pop(0)]
        assert group is not main, command
        options = {o for p in group.params for o in (*p.opts, *p.secondary_opts)}
        assert {w for w in words if w.startswith("-")} <= options, command


def test_the_note_is_indonesian():
    words = set(re.findall(r"[a-z]+", NOTE_TEXT.lower()))
    assert not words & {"the", "and", "folder's", "with", "your", "run", "file", "step"}


def test_init_refuses_a_folder_that_holds_anything_and_a_file(tmp_path):
    (tmp_path / "ada").mkdir()
    (tmp_path / "ada" / "master.yaml").write_text("milik orang\n", encoding="utf-8")
    before = folder_digest(tmp_path)
    res = run_cli("init", tmp_path / "ada")
    assert res.exit_code == 2
    assert res.stderr.startswith(f"GALAT: folder '{tmp_path / 'ada'}' tidak kosong")
    (tmp_path / "berkas.txt").write_text("x", encoding="utf-8")
    res = run_cli("init", tmp_path / "berkas.txt")
    assert res.exit_code == 2
    assert "adalah berkas, bukan folder" in res.stderr
    assert folder_digest(tmp_path) == {**before, "berkas.txt": folder_digest(tmp_path)[
        "berkas.txt"]}


def test_init_takes_an_empty_existing_folder(tmp_path):
    assert run_cli("init", tmp_path).exit_code == 0
    assert (tmp_path / "master.xlsx").is_file()


def test_init_yaml_gives_the_sample_yaml_and_its_note(tmp_path):
    res = run_cli("init", "--yaml", tmp_path / "kerja")
    assert res.exit_code == 0, res.output
    work = tmp_path / "kerja"
    assert (work / "master.yaml").read_bytes() == paths.SAMPLE_MASTER.read_bytes()
    assert not (work / "master.xlsx").exists()
    note = (work / "BACA_SAYA.txt").read_text(encoding="utf-8")
    assert note == note_text("master.yaml") != NOTE_TEXT
    assert "iku report -c master.yaml -i isian" in note


def _same(a, b) -> bool:
    """Two masters are the same master: every field, the private ones aside."""
    return a.__dict__ == b.__dict__


# --- the docs a clerk installs from -----------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent


def _doc(name: str) -> str:
    return (ROOT / name).read_text(encoding="utf-8")


def _section(text: str, heading: str) -> str:
    start = text.index(heading)
    end = text.find("\n## ", start + len(heading))
    return text[start:end if end != -1 else None]


def test_readme_starts_with_make_and_gives_the_user_install_line():
    readme = _doc("README.md")
    first = re.search(r"```sh\n(.*?)```", readme, re.S).group(1)
    assert [line.split("#")[0].strip() for line in first.splitlines()
            if line.split("#")[0].strip()] == ["make report", "make test"]
    assert "pipx install iku-0.1.0-py3-none-any.whl" in readme
    assert "py -m pip install iku-0.1.0-py3-none-any.whl" in readme
    assert "not on PyPI" in readme and "make wheel" in readme


def test_panduan_installs_on_windows_with_powershell_commands_that_exist():
    panduan = _doc("docs/PANDUAN.md")
    assert ".venv/bin/iku" not in panduan and ".venv/bin/iku" not in _doc("README.md")
    windows = _section(panduan, "## Memasang dan menjalankan di Windows")
    (block,) = re.findall(r"```powershell\n(.*?)```", windows, re.S)
    steps = [line.strip() for line in block.splitlines()
             if line.strip() and not line.strip().startswith("#")]
    assert steps[0].startswith("py -m venv ")
    assert steps[1].endswith("Activate.ps1") and steps[2].startswith("py -m pip install ")
    assert steps[2].endswith(".whl")
    commands = [s for s in steps if s.startswith("iku ")]
    assert [c.split()[1] for c in commands] == ["init", "report"]
    assert steps[steps.index(commands[0]) + 1].startswith("cd ")  # into the working folder
    for command in commands:
        assert command.split()[1] in main.commands
    for needed in ("$env:IKU_DEBUG=1", "set IKU_DEBUG=1", "IKU_SOFFICE",
                   "C:\\Program Files\\LibreOffice", "pipx install", "BACA_SAYA.txt"):
        assert needed in windows, needed
    assert "`IKU_DEBUG=1`" in _section(panduan, "## Kode keluar perintah")
    assert "$env:IKU_DEBUG=1" in _section(panduan, "## Kode keluar perintah")
