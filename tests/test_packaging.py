"""The built wheel holds every module and every file the program reads at run time, and
works as a user installs it: in a fresh virtual environment outside the repository, run
from an empty folder (a hand-written package list once left ``pipeline.quarter`` out of
the wheel, and the bundled sample master was never in it, so every command failed after
a normal install).

The fresh environment gets iku from the wheel alone; its dependencies come from this
test's own environment through a ``.pth`` line (offline there is nowhere to download them
from). Nothing of the repository is on its path: the check reads ``pipeline.__file__``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from conftest import run_cli

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("pyproject.toml", "setup.py", "README.md")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The wheel, built as pip builds it for a user (an isolated build environment with
    the build-system requirements of pyproject.toml), from a copy of the source so the
    checkout gets no build/ folder."""
    src = tmp_path_factory.mktemp("bron")
    for name in SOURCES:
        shutil.copy2(ROOT / name, src / name)
    for folder in ("pipeline", "input_templates"):
        shutil.copytree(ROOT / folder, src / folder,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    out = tmp_path_factory.mktemp("roda")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps",
         "--quiet", "-w", str(out), str(src)],
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    (wheel,) = out.glob("iku-*.whl")
    return wheel


@pytest.fixture(scope="module")
def wheel(built) -> zipfile.ZipFile:
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
    catalogue = {p.relative_to(ROOT).as_posix()
                 for p in (ROOT / "pipeline" / "cli" / "locale").rglob("*.[mp]o")}
    assert catalogue and catalogue <= names
    assert "iku" in (wheel.read(next(n for n in names if n.endswith("entry_points.txt")))
                     .decode())


def test_every_bundled_file_is_in_the_wheel_byte_for_byte(wheel):
    """input_templates/ ships whole as pipeline/input_templates/ (setup.py's mapping)."""
    bundled = [p for p in (ROOT / "input_templates").rglob("*")
               if p.is_file() and "__pycache__" not in p.parts]
    assert {p.suffix for p in bundled} >= {".yaml", ".docx"}
    for path in bundled:
        name = "pipeline/input_templates/" + path.relative_to(ROOT / "input_templates").as_posix()
        assert wheel.read(name) == path.read_bytes(), name


# --- installed as a user installs it --------------------------------------------------------


def _scripts(venv: Path) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin")


@pytest.fixture(scope="module")
def installed(built, tmp_path_factory) -> Path:
    """A fresh virtual environment with the wheel installed: its ``iku`` program."""
    venv = tmp_path_factory.mktemp("venv_pengguna") / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=120)
    python = _scripts(venv) / ("python.exe" if os.name == "nt" else "python")
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True).stdout.strip()
    # the dependencies: this environment's site-packages, as one more path entry (its own
    # .pth files, such as the editable install of the checkout, are not run from there)
    Path(purelib, "dependensi_uji.pth").write_text(
        "\n".join(site.getsitepackages()) + "\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
         "--no-index", "--quiet", str(built)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return _scripts(venv) / ("iku.exe" if os.name == "nt" else "iku")


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "IKU_RIWAYAT", "IKU_DEBUG", "IKU_BAHASA", "VIRTUAL_ENV")}
    env["LANG"] = "en_US.UTF-8"  # a clerk's English Windows: iku speaks Indonesian anyway
    return env


def _iku(iku: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(iku), *args], cwd=cwd, env=_env(), capture_output=True,
                          text=True, encoding="utf-8", timeout=600)


def test_the_installed_package_comes_from_the_wheel_not_the_checkout(installed, tmp_path):
    python = installed.with_name(installed.name.replace("iku", "python"))
    code = ("import sys, pipeline, pipeline.paths as p; "
            "print(pipeline.__file__); print(p.SAMPLE_MASTER); print(*sys.path, sep='\\n')")
    out = subprocess.run([python, "-c", code], cwd=tmp_path, env=_env(), check=True,
                         capture_output=True, text=True).stdout.splitlines()
    venv = installed.parent.parent
    assert Path(out[0]).is_relative_to(venv), out[0]
    assert Path(out[1]).is_relative_to(venv) and Path(out[1]).is_file(), out[1]
    entries = {Path(e).resolve() for e in out[2:] if e}
    assert ROOT.resolve() not in entries and ROOT.parent.resolve() not in entries


def test_a_user_installs_makes_a_working_folder_and_builds_every_document(installed,
                                                                           tmp_path, master):
    """From an empty folder, as the README's install line and PANDUAN lead a clerk."""
    home = tmp_path / "kosong"
    home.mkdir()
    agency = Path("output") / "kesbangpol_jambi_2021"

    made = _iku(installed, home, "init", "kerja")
    assert made.returncode == 0, made.stderr
    work = home / "kerja"
    assert sorted(p.name for p in work.iterdir()) == [
        "BACA_SAYA.txt", "contoh_master", "isian", "master.xlsx", "templat_word"]
    examples = Path(__file__).resolve().parent.parent / "input_templates" / "master" / "contoh"
    assert sorted(p.name for p in (work / "contoh_master").glob("*.yaml")) == sorted(
        p.name for p in examples.glob("*.yaml"))
    assert "Langkah berikutnya" in (work / "BACA_SAYA.txt").read_text(encoding="utf-8")
    assert list((work / "isian").iterdir()) == []
    assert "Folder kerja dibuat" in made.stdout

    for args in (("templates",), ("sample",), ("report",), ("lkjip",),
                 ("sample", "--triwulan", "1"),
                 ("report", "--triwulan", "1", "-i", str(agency / "contoh_isian_TW1"))):
        done = _iku(installed, home, *args)
        assert done.returncode == 0, (args, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr
    files = home / agency
    templates = sorted((files / "templat").glob("*.xlsx"))
    units = len(master.reporting_units)
    assert len(templates) == units
    assert load_workbook(templates[0], read_only=True).sheetnames[0] == "Isian"
    assert len(list((files / "contoh_isian").glob("*.xlsx"))) == units
    report = files / "Laporan_IKU_2021.docx"
    assert "CAPAIAN INDIKATOR KINERJA UTAMA" in "\n".join(
        p.text for p in Document(str(report)).paragraphs).upper()
    assert Document(str(files / "LKjIP_Bab_III_2021.docx")).paragraphs
    assert (files / "Laporan_Kinerja_TW1_2021.docx").is_file()
    assert (home / "output" / "riwayat.sqlite").is_file()  # the history is the folder's

    # the installed tool writes the same report as the checkout
    same = run_cli("report", "--out", tmp_path / "repo" / "Laporan_IKU_2021.docx")
    assert same.exit_code == 0, same.output
    assert _sha(report) == _sha(tmp_path / "repo" / "Laporan_IKU_2021.docx")

    helped = _iku(installed, home, "serve", "--help")
    assert helped.returncode == 0 and helped.stdout.startswith("Pemakaian: iku serve")

    # inside the working folder, with its own master (a workbook: issue 24)
    own = _iku(installed, work, "sample", "-c", "master.xlsx", "--out", "isian")
    assert own.returncode == 0, own.stderr
    built = _iku(installed, work, "report", "-c", "master.xlsx", "-i", "isian")
    assert built.returncode == 0, built.stderr
    assert (work / agency / "Laporan_IKU_2021.docx").is_file()


def test_init_refuses_a_folder_that_holds_anything(installed, tmp_path):
    (tmp_path / "ada").mkdir()
    (tmp_path / "ada" / "catatan.txt").write_text("punya orang", encoding="utf-8")
    refused = _iku(installed, tmp_path, "init", "ada")
    assert refused.returncode == 2
    assert "GALAT: folder 'ada' tidak kosong" in refused.stderr
    assert [p.name for p in (tmp_path / "ada").iterdir()] == ["catatan.txt"]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
