"""The built wheel holds every module of the source tree and every file the program reads
at run time from the package (a hand-written package list once left ``pipeline.quarter``
out of the wheel, so every quarterly command failed after a normal install)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    """The wheel, built as pip builds it for a user (an isolated build environment with
    the build-system requirements of pyproject.toml), from a copy of the source so the
    checkout gets no build/ folder."""
    src = tmp_path_factory.mktemp("bron")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    shutil.copytree(ROOT / "pipeline", src / "pipeline",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    out = tmp_path_factory.mktemp("roda")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps",
         "--quiet", "-w", str(out), str(src)],
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    (built,) = out.glob("iku-*.whl")
    return zipfile.ZipFile(built)


def test_every_module_of_the_source_is_in_the_wheel(wheel):
    source = {p.relative_to(ROOT).as_posix() for p in (ROOT / "pipeline").rglob("*.py")}
    missing = source - set(wheel.namelist())
    assert missing == set()


def test_package_data_is_in_the_wheel(wheel):
    names = set(wheel.namelist())
    pages = {p.relative_to(ROOT).as_posix()
             for p in (ROOT / "pipeline" / "web" / "templates").glob("*.html")}
    assert pages and pages <= names
    assert "iku" in (wheel.read(next(n for n in names if n.endswith("entry_points.txt")))
                     .decode())
