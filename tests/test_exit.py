"""How ``iku`` ends (issue 25): the objects left when a command is over are frozen, so
that the interpreter's collections at exit do not walk them; every file is written,
placed and closed before, and nothing temporary is left behind."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

import pipeline.cli as cli
from pipeline.office.packaging import stamp_matches
from pipeline.workbook.synth import write_city

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def frozen(monkeypatch):
    calls = []
    monkeypatch.setattr(cli.gc, "freeze", lambda: calls.append("freeze"))
    yield calls


@pytest.mark.parametrize("code", [0, 1, 2])
def test_the_objects_left_are_frozen_however_the_command_ends(monkeypatch, frozen, code):
    def command():
        assert frozen == []  # not before the command has run
        raise SystemExit(code)

    monkeypatch.setattr(cli, "main", command)
    with pytest.raises(SystemExit) as ended:
        cli.run()
    assert ended.value.code == code
    assert frozen == ["freeze"]


def test_a_bug_still_ends_with_the_objects_frozen(monkeypatch, frozen):
    def command():
        raise RuntimeError("bug")

    monkeypatch.setattr(cli, "main", command)
    with pytest.raises(RuntimeError):
        cli.run()
    assert frozen == ["freeze"]


def test_a_city_run_leaves_every_file_complete_and_nothing_temporary(tmp_path):
    city = write_city(tmp_path / "kota", agencies=3, units=2, indicators=3, seed=3)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    out = tmp_path / "hasil"
    env = {**os.environ, "TMPDIR": str(scratch), "TEMP": str(scratch), "TMP": str(scratch)}
    done = subprocess.run([sys.executable, "-m", "pipeline", "report", "--all", str(city.root),
                           "--out", str(out), "--jobs", "2"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    reports = sorted(out.glob("*.docx"))
    assert len(reports) == 3
    for report in reports:
        assert stamp_matches(report), report  # whole, as written
        with zipfile.ZipFile(report) as z:
            assert z.testzip() is None
    rekap = next(out.glob("Rekap_*.xlsx"))
    assert openpyxl.load_workbook(rekap, read_only=True).sheetnames[0] == "Rekap"
    assert list(scratch.iterdir()) == []  # no temporary file or folder left
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no hidden leftovers

