"""What differs per OS stays in ``pipeline/system.py``, and its Windows and macOS branches
work: LibreOffice found where their installers put it, the PDF timeout and Ctrl+C during
a conversion stop the whole process tree (psutil) and leave no file, permissions said
truthfully, and redirected output never fails on a character.

Nothing here runs Windows: the Windows branch is selected through ``system.current``;
where a Windows-only flag cannot be real on Linux (``CREATE_NEW_PROCESS_GROUP``), the test
checks that it is asked for and starts the process without it, in the test's own process
group, so only ``kill_tree`` (no process-group kill) can stop what was started.
"""

from __future__ import annotations

import ast
import os
import platform
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest

from pipeline import system
from pipeline.errors import OutputError
from pipeline.office import libreoffice
from pipeline.office.libreoffice import convert_to_pdf, find_soffice, require_soffice

ROOT = Path(__file__).resolve().parent.parent
PLATFORM_MODULE = ROOT / "pipeline" / "system.py"

# --- the guard: no OS-specific call outside pipeline/system.py ------------------------------

FORBIDDEN_NAMES = {
    "os.killpg", "os.setsid", "os.setpgrp", "os.getpgid", "os.getuid", "os.geteuid",
    "os.getgid", "os.fork", "os.umask", "os.name", "sys.platform", "platform.system",
    "signal.SIGKILL", "signal.SIGSTOP", "signal.SIGHUP", "signal.SIGQUIT", "signal.SIGCHLD",
}
FORBIDDEN_KEYWORDS = {"start_new_session", "creationflags", "preexec_fn", "process_group"}
FORBIDDEN_MODULES = {"resource", "fcntl", "msvcrt", "winreg", "pwd", "grp", "termios", "_winapi",
                     "ctypes"}
FORBIDDEN_METHODS = {"chmod", "lchmod", "fchmod"}  # os.chmod(p, mode), Path.chmod(mode)


def os_specific(source: str) -> list[str]:
    """Every OS-specific call, name, keyword or import in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Attribute):
            if ast.unparse(node) in FORBIDDEN_NAMES or node.attr in FORBIDDEN_METHODS:
                found.append(f"{line}: {ast.unparse(node)}")
            elif isinstance(node.value, ast.Name) and node.value.id in FORBIDDEN_MODULES:
                found.append(f"{line}: {ast.unparse(node)}")
        elif isinstance(node, ast.keyword) and node.arg in FORBIDDEN_KEYWORDS:
            found.append(f"{line}: {node.arg}=")
        elif isinstance(node, ast.Import):
            found += [f"{line}: import {a.name}" for a in node.names
                      if a.name.split(".")[0] in FORBIDDEN_MODULES]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] in FORBIDDEN_MODULES:
                found.append(f"{line}: from {node.module}")
            found += [f"{line}: from {node.module} import {a.name}" for a in node.names
                      if f"{node.module}.{a.name}" in FORBIDDEN_NAMES
                      or a.name in FORBIDDEN_METHODS]
    return found


def test_no_os_specific_call_outside_the_platform_module():
    offenders = {}
    for path in sorted((ROOT / "pipeline").rglob("*.py")):
        if path == PLATFORM_MODULE:
            continue
        found = os_specific(path.read_text(encoding="utf-8"))
        if found:
            offenders[path.relative_to(ROOT).as_posix()] = found
    assert offenders == {}


@pytest.mark.parametrize("line", [
    "os.killpg(proc.pid, signal.SIGKILL)",
    "os.kill(os.getpid(), signal.SIGKILL)",
    "subprocess.Popen(cmd, start_new_session=True)",
    "subprocess.Popen(cmd, creationflags=0x200)",
    "os.setsid()",
    "uid = os.getuid()",
    "os.chmod(path, 0o600)",
    "Path(path).chmod(0o600)",
    "import resource",
    "resource.setrlimit(1, (2, 3))",
    "import fcntl",
    "fcntl.flock(fd, 2)",
    "import msvcrt",
    "import ctypes",
    "from os import killpg",
    "if sys.platform == 'win32': pass",
    "if os.name == 'nt': pass",
])
def test_the_guard_sees_each_kind_of_os_specific_call(line):
    assert os_specific(line) != []


def test_the_platform_module_itself_holds_such_calls():
    """The guard would see the module's own calls: it is the one exception, not blind."""
    assert os_specific(PLATFORM_MODULE.read_text(encoding="utf-8")) != []


# --- finding LibreOffice -------------------------------------------------------------------


@pytest.fixture
def nowhere(tmp_path, monkeypatch):
    """No soffice on PATH, no setting."""
    empty = tmp_path / "path_kosong"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.delenv(libreoffice.SETTING, raising=False)
    return tmp_path


def _program(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    path.chmod(0o755)
    return path


def test_windows_finds_libreoffice_in_program_files(nowhere, monkeypatch):
    monkeypatch.setattr(system, "current", lambda: system.WINDOWS)
    files, files86 = nowhere / "Program Files", nowhere / "Program Files (x86)"
    monkeypatch.setenv("ProgramFiles", str(files))
    monkeypatch.setenv("ProgramW6432", str(files))
    monkeypatch.setenv("ProgramFiles(x86)", str(files86))
    assert find_soffice() is None
    old = _program(files86 / "LibreOffice" / "program" / "soffice.exe")
    assert find_soffice() == str(old)  # a 32-bit LibreOffice
    new = _program(files / "LibreOffice" / "program" / "soffice.exe")
    assert find_soffice() == str(new)  # the 64-bit one first


def test_macos_finds_libreoffice_in_applications(nowhere, monkeypatch):
    monkeypatch.setattr(system, "current", lambda: system.MACOS)
    monkeypatch.setattr(Path, "home", lambda: nowhere / "rumah")
    assert find_soffice() is None or find_soffice().startswith("/Applications/")
    app = _program(nowhere / "rumah" / "Applications" / "LibreOffice.app" / "Contents" / "MacOS"
                   / "soffice")
    if not Path("/Applications/LibreOffice.app").exists():
        assert find_soffice() == str(app)


@pytest.mark.parametrize("how", ["program", "folder"])
def test_the_setting_names_the_program_or_its_folder(nowhere, monkeypatch, how):
    monkeypatch.setattr(system, "current", lambda: system.WINDOWS)
    program = _program(nowhere / "D" / "LibreOffice" / "program" / "soffice.exe")
    _program(nowhere / "path_kosong" / "soffice")  # the setting wins over PATH
    given = program if how == "program" else nowhere / "D" / "LibreOffice"
    monkeypatch.setenv(libreoffice.SETTING, f'"{given}"')  # quoted as PowerShell users do
    assert find_soffice() == str(program)


def test_a_wrong_setting_is_named_in_the_message(nowhere, monkeypatch):
    monkeypatch.setenv(libreoffice.SETTING, str(nowhere / "tidak_ada" / "soffice.exe"))
    with pytest.raises(OutputError) as caught:
        require_soffice()
    assert f"IKU_SOFFICE berisi '{nowhere / 'tidak_ada' / 'soffice.exe'}'" in str(caught.value)


@pytest.mark.parametrize("os_kind, says, never", [
    (system.WINDOWS, ["C:\\Program Files\\LibreOffice", "$env:IKU_SOFFICE"], "apt-get"),
    (system.MACOS, ["Applications", "IKU_SOFFICE"], "apt-get"),
    (system.LINUX, ["sudo apt-get install libreoffice-writer-nogui", "IKU_SOFFICE"],
     "Program Files"),
])
def test_the_install_hint_is_for_this_os(nowhere, monkeypatch, os_kind, says, never):
    monkeypatch.setattr(system, "current", lambda: os_kind)
    monkeypatch.setattr(Path, "home", lambda: nowhere / "rumah")
    if os_kind == system.MACOS and Path("/Applications/LibreOffice.app").exists():
        pytest.skip("this machine has LibreOffice in /Applications")
    with pytest.raises(OutputError) as caught:
        require_soffice()
    message = str(caught.value)
    assert "tidak ada berkas yang ditulis" in message
    assert all(part in message for part in says), message
    assert never not in message


# --- stopping a conversion: the whole tree, no file left ---------------------------------------


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@pytest.fixture
def hanging(tmp_path, monkeypatch):
    """A LibreOffice that never finishes: a shell that starts a child and waits; both
    write their process ids. Named by IKU_SOFFICE, as a Windows user would."""
    pids = tmp_path / "pid"
    fake = tmp_path / "lo" / "soffice"
    fake.parent.mkdir()
    fake.write_text(f'#!/bin/sh\necho $$ > "{pids}.sh"\nsleep 300 &\necho $! > "{pids}.child"\n'
                    "wait\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv(libreoffice.SETTING, str(fake))
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(scratch))
    docx = tmp_path / "keluar" / "Laporan.docx"
    docx.parent.mkdir()
    docx.write_bytes(b"PK bukan docx sungguhan")
    return docx, pids, scratch


@pytest.fixture(params=[system.WINDOWS, system.LINUX])
def branch(request, monkeypatch):
    """The OS branch under test. Windows' new-process-group flag cannot be given on
    Linux: it must be asked for, and the process then starts in this process group."""
    asked = []
    monkeypatch.setattr(system, "current", lambda: request.param)
    if request.param == system.WINDOWS:
        def popen(cmd, **kwargs):
            asked.append(kwargs)
            assert kwargs.pop("creationflags") & system.CREATE_NEW_PROCESS_GROUP
            assert "start_new_session" not in kwargs
            return subprocess.Popen(cmd, **kwargs)

        monkeypatch.setattr(system, "popen", popen)
    yield request.param
    if request.param == system.WINDOWS:
        assert len(asked) == 1


def _all_stopped(pids: Path) -> list[str]:
    running = []
    for name in ("sh", "child"):
        pid = int(Path(f"{pids}.{name}").read_text())
        for _ in range(100):
            if not _alive(pid):
                break
            time.sleep(0.05)
        else:
            running.append(name)
    return running


def _nothing_left(docx: Path, scratch: Path) -> None:
    assert [p.name for p in docx.parent.iterdir()] == ["Laporan.docx"]
    assert list(scratch.iterdir()) == []


def test_pdf_timeout_stops_every_process_and_leaves_nothing(hanging, branch):
    docx, pids, scratch = hanging
    with pytest.raises(OutputError, match="tidak selesai mengubah Laporan.docx ke PDF dalam 1 "
                                          "detik"):
        convert_to_pdf(docx, timeout=1)
    assert _all_stopped(pids) == []
    _nothing_left(docx, scratch)


@pytest.mark.skipif(not hasattr(signal, "pthread_kill"), reason="sends Ctrl+C's signal")
def test_ctrl_c_during_a_conversion_stops_every_process_and_leaves_nothing(hanging, branch):
    docx, pids, scratch = hanging
    main = threading.main_thread().ident

    def press_ctrl_c():
        for _ in range(400):
            if Path(f"{pids}.child").exists():
                time.sleep(0.2)
                signal.pthread_kill(main, signal.SIGINT)  # what Ctrl+C delivers
                return
            time.sleep(0.05)

    presser = threading.Thread(target=press_ctrl_c)
    presser.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            convert_to_pdf(docx, timeout=60)
    finally:
        presser.join()
    assert _all_stopped(pids) == []
    _nothing_left(docx, scratch)


def test_kill_tree_reaches_grandchildren_of_an_ended_parent():
    """A process whose parent already ended is gone from nobody's tree; one still under
    the root is killed however deep."""
    proc = subprocess.Popen([sys.executable, "-c",
                             "import subprocess, sys, time; subprocess.Popen([sys.executable, "
                             "'-c', 'import time; time.sleep(300)']); time.sleep(300)"])
    for _ in range(200):
        kids = psutil.Process(proc.pid).children(recursive=True)
        if kids:
            break
        time.sleep(0.05)
    (kid,) = kids
    system.kill_tree(proc)
    assert proc.returncode is not None
    assert not _alive(kid.pid)


# --- permissions, workers, the console -------------------------------------------------------


def test_private_files_on_posix_and_what_windows_keeps(tmp_path, monkeypatch):
    path = tmp_path / "token.json"
    path.write_text("{}", encoding="utf-8")
    path.chmod(0o644)
    if os.name == "posix":
        assert system.make_private(path) is True
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    path.chmod(0o644)
    monkeypatch.setattr(system, "current", lambda: system.WINDOWS)
    assert system.make_private(path) is False  # the folder's access rights apply
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_workers_fork_only_on_linux(monkeypatch):
    monkeypatch.setattr(system, "current", lambda: system.LINUX)
    assert system.worker_context().get_start_method() == "fork"
    for other in (system.WINDOWS, system.MACOS):
        monkeypatch.setattr(system, "current", lambda other=other: other)
        assert system.worker_context() is None


# A process that allocates and frees 20 MiB of heap (1 KiB blocks: above Python's own
# allocator, below glibc's mmap threshold) five times, and prints the page faults of the
# last four rounds; the first argument says whether it keeps what it frees first.
_CHURN = """
import resource, sys
from pipeline import system
kept = system.keep_freed_memory() if sys.argv[1] == "keep" else None
def churn():
    blocks = [bytes(1024) for _ in range(20_000)]
    del blocks
churn()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(4):
    churn()
print(kept, resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


@pytest.mark.skipif(system.current() != system.LINUX or platform.libc_ver()[0] != "glibc",
                    reason="the heap kept is glibc's")
def test_a_worker_keeps_the_memory_it_frees_instead_of_faulting_it_in_again(tmp_path):
    def faults(mode: str) -> tuple[str, int]:
        done = subprocess.run([sys.executable, "-c", _CHURN, mode], cwd=ROOT,
                              capture_output=True, text=True, check=True)
        kept, count = done.stdout.split()
        return kept, int(count)

    assert faults("keep")[0] == "True"
    # glibc gives the freed top of the heap back and faults it in again every round:
    # about 5,000 pages a round here; kept, the pages stay (a few faults of the
    # interpreter's own)
    assert faults("give")[1] > 4_000
    assert faults("keep")[1] < 400


def test_only_linux_tunes_the_c_library_heap(monkeypatch):
    for other in (system.WINDOWS, system.MACOS):
        monkeypatch.setattr(system, "current", lambda other=other: other)
        assert system.keep_freed_memory() is False


@pytest.mark.parametrize("encoding", ["cp1252", "ascii"])
def test_redirected_output_never_fails_on_a_character(tmp_path, encoding):
    """Windows writes redirected output in its ANSI code page (cp1252: no "→", "≤", "₁");
    PYTHONIOENCODING makes Python do the same here."""
    env = {**os.environ, "PYTHONIOENCODING": encoding}
    env.pop("IKU_DEBUG", None)
    done = subprocess.run([sys.executable, "-m", "pipeline", "--help"], cwd=tmp_path, env=env,
                          capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert "`iku templates` → kirim templat" in done.stdout.decode("utf-8")
    shown = subprocess.run(
        [sys.executable, "-c", "from pipeline import system; system.utf8_console(); "
         "print('x₁ ≤ 50% → WITA'); import sys; print('\\udcff', file=sys.stderr)"],
        cwd=tmp_path, env=env, capture_output=True, timeout=60)
    assert shown.returncode == 0
    assert shown.stdout.decode("utf-8").strip() == "x₁ ≤ 50% → WITA"
    assert shown.stderr.decode("utf-8").strip() == "?"
