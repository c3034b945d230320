"""``iku init FOLDER``: a working folder for a new agency, with an Indonesian note whose
commands are real; an existing file or a folder holding anything is refused, untouched.
(tests/test_packaging.py runs it from an installed wheel.)"""

from __future__ import annotations

import re
import shlex

from pipeline import paths
from pipeline.cli import main
from pipeline.workspace import NOTE_TEXT

from conftest import folder_digest, run_cli


def test_init_makes_the_working_folder(tmp_path):
    res = run_cli("init", tmp_path / "kerja")
    assert res.exit_code == 0, res.output
    work = tmp_path / "kerja"
    assert res.stdout.splitlines()[0] == f"Folder kerja dibuat: {work}"
    assert (work / "master.yaml").read_bytes() == paths.SAMPLE_MASTER.read_bytes()
    assert list((work / "isian").iterdir()) == []
    assert {p.name for p in (work / "templat_word").iterdir()} == {
        "laporan_iku.docx", "laporan_triwulan.docx", "lkjip_bab3.docx"}
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
    assert (tmp_path / "master.yaml").is_file()
