"""Everything that differs between Windows, macOS and Linux, in one place.

Nothing else in ``pipeline/`` calls an operating-system-specific API (tests/test_system.py
scans the tree for them). Every branch goes through ``current()``, so a test selects the
Windows branch on Linux by replacing that one function (and ``popen`` where Windows'
process flags cannot be real here).

* **Processes** (LibreOffice for ``--pdf``): ``start_group`` starts a program in its own
  process group (``start_new_session`` on POSIX; ``CREATE_NEW_PROCESS_GROUP`` on Windows),
  so a Ctrl+C in the terminal reaches iku, not the program; ``kill_tree`` stops the
  program and every process it started with ``psutil`` (which works the same on every
  OS; ``os.killpg`` and SIGKILL do not exist on Windows): the tree is suspended first, so
  no process can start a new one while it is being killed, then killed and waited for.
* **Where programs live**: ``LIBREOFFICE_PLACES`` and ``LIBREOFFICE_HINTS``, by OS.
* **File permissions**: ``make_private`` gives a file mode 0600 on POSIX. On Windows
  permissions are ACLs, not mode bits: ``os.chmod`` can only set the read-only flag, so
  the file keeps the access of the folder it is in (a folder in the user's own profile is
  private to that user by default; a shared folder is shared). ``make_private`` says
  which happened. ``default_permissions`` gives a file written through a temporary file
  the mode a plain ``open()`` would (POSIX umask; nothing to do on Windows).
* **Open files**: ``raise_open_files`` raises the soft limit of open files (sockets
  included) to the hard one where POSIX allows (``iku serve``, issue 18 §9); Windows has
  no such limit for sockets.
* **The console**: ``utf8_console`` makes stdout and stderr write UTF-8 with
  ``errors="replace"``: Windows writes redirected output in its ANSI code page (cp1252),
  where "₁", "≤" or "→" raise UnicodeEncodeError.
* **Memory a batch's worker frees** (``keep_freed_memory``): glibc gives the top of its heap
  back to the kernel whenever more than 128 KiB of it is free, and a worker rendering one
  report after another then asks for the same pages again, each one a page fault and a
  zeroed page: about 1,300 faults and 5 ms of system time per agency (issue 25). The
  worker keeps what it frees instead (``mallopt``: trim threshold and top pad), where the
  C library is glibc; its peak memory is the same, it only stays at that peak. Windows and
  macOS allocate otherwise and are left as they are.
* **Test hooks**: ``kill_self`` ends this process at once, as a power cut would.

psutil, multiprocessing and subprocess are imported where they are used: together they
cost about 22 ms, which every command (and ``iku --help``) would pay while only ``--pdf``,
``report --all`` and ``synth`` need them.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import subprocess

WINDOWS, MACOS, LINUX = "windows", "macos", "linux"

# Windows' flag (subprocess.CREATE_NEW_PROCESS_GROUP, defined only there): the child gets
# its own process group and ignores the terminal's Ctrl+C.
CREATE_NEW_PROCESS_GROUP = 0x200

KILL_WAIT_S = 10


def current() -> str:
    """``windows``, ``macos`` or ``linux`` (any other POSIX system counts as linux)."""
    if sys.platform.startswith("win"):
        return WINDOWS
    if sys.platform == "darwin":
        return MACOS
    return LINUX


# --- processes -------------------------------------------------------------------------

popen = None  # subprocess.Popen; replaced by tests that simulate Windows on Linux


def start_group(cmd: list[str], **kwargs) -> subprocess.Popen:
    """Start ``cmd`` in its own process group (``kwargs`` as for ``subprocess.Popen``)."""
    import subprocess

    if current() == WINDOWS:
        kwargs["creationflags"] = kwargs.get("creationflags", 0) | CREATE_NEW_PROCESS_GROUP
    else:
        kwargs["start_new_session"] = True
    return (popen or subprocess.Popen)(cmd, **kwargs)


def kill_tree(proc: subprocess.Popen, wait: float = KILL_WAIT_S) -> None:
    """Stop ``proc`` and every process it started, and wait for them (at most ``wait``
    seconds); a process that is already gone is skipped."""
    import subprocess

    import psutil

    try:
        root = psutil.Process(proc.pid)
    except psutil.NoSuchProcess:
        root = None
    found: dict[int, psutil.Process] = {}
    todo = [root] if root is not None else []
    while todo:  # suspend first: a stopped process cannot start another meanwhile
        for process in todo:
            found[process.pid] = process
            try:
                process.suspend()
            except psutil.Error:
                pass
        todo = []
        for process in list(found.values()):
            try:
                todo += [c for c in process.children(recursive=True) if c.pid not in found]
            except psutil.Error:
                pass
    for process in found.values():
        try:
            process.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(list(found.values()), timeout=wait)
    try:
        proc.communicate(timeout=wait)  # reaps it and closes its pipes
    except (subprocess.TimeoutExpired, ValueError, OSError):
        pass


def worker_context():
    """Worker processes for ``report --all`` and ``synth``: forked on Linux (safe there,
    and the workers inherit the imported modules instead of importing them again: about
    0.7 s each), the default (spawn) on Windows and macOS, where fork is missing or
    unsafe."""
    import multiprocessing

    return multiprocessing.get_context("fork") if current() == LINUX else None


def at_worker_exit(action) -> None:
    """Run ``action()`` when this worker process of a pool ends normally (a pool's workers
    leave through ``os._exit``, which skips ``atexit``; multiprocessing runs its own
    finalizers first)."""
    from multiprocessing import util

    util.Finalize(None, action, exitpriority=0)


# glibc's mallopt parameters (malloc.h) and what a batch's worker sets them to
_M_TRIM_THRESHOLD, _M_TOP_PAD = -1, -2
KEPT_FREE = 256 * 1024 * 1024  # free heap kept before any is given back to the kernel
TOP_PAD = 64 * 1024 * 1024  # the heap grows by this much more at once


def keep_freed_memory() -> bool:
    """This process keeps the heap memory it frees for its next allocations instead of
    giving it back to the kernel (module docstring); True when set, False where the C
    library is not glibc (Windows, macOS, musl) or refuses."""
    if current() != LINUX:
        return False
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt  # the C library the interpreter runs on
    except (OSError, AttributeError):  # no such function: not glibc
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    # glibc returns 1 on success, 0 for a value it refuses
    return bool(mallopt(_M_TRIM_THRESHOLD, KEPT_FREE)) and bool(mallopt(_M_TOP_PAD, TOP_PAD))


def kill_self() -> None:
    """End this process at once, without cleanup (the history's crash tests)."""
    import psutil

    psutil.Process().kill()


# --- where programs live ---------------------------------------------------------------


def _program_files() -> list[Path]:
    folders = [os.environ.get(name) for name in ("ProgramFiles", "ProgramW6432",
                                                  "ProgramFiles(x86)")]
    folders += [r"C:\Program Files", r"C:\Program Files (x86)"]
    seen: list[Path] = []
    for folder in folders:
        if folder and Path(folder) not in seen:
            seen.append(Path(folder))
    return seen


def libreoffice_places() -> list[Path]:
    """Where LibreOffice's installer puts ``soffice`` on this OS (in order)."""
    if current() == WINDOWS:
        return [f / "LibreOffice" / "program" / "soffice.exe" for f in _program_files()]
    if current() == MACOS:
        app = Path("LibreOffice.app") / "Contents" / "MacOS" / "soffice"
        return [Path("/Applications") / app, Path.home() / "Applications" / app]
    # libreoffice.org's own packages (/opt/libreofficeX.Y, newest first) and the snap;
    # Debian's and Fedora's packages put `soffice` on PATH
    return [*sorted(Path("/opt").glob("libreoffice*/program/soffice"), reverse=True),
            Path("/snap/bin/libreoffice")]


LIBREOFFICE_HINTS = {
    WINDOWS: "Pasang LibreOffice dari https://www.libreoffice.org/download/ (pemasang "
             "Windows, ke folder bawaannya C:\\Program Files\\LibreOffice), lalu jalankan "
             "lagi; bila dipasang di folder lain, atur IKU_SOFFICE ke soffice.exe-nya, mis. "
             "di PowerShell: $env:IKU_SOFFICE=\"D:\\LibreOffice\\program\\soffice.exe\".",
    MACOS: "Pasang LibreOffice dari https://www.libreoffice.org/download/ (seret ke folder "
           "Applications), lalu jalankan lagi; bila dipasang di tempat lain, atur "
           "IKU_SOFFICE ke program soffice-nya.",
    LINUX: "Pasang LibreOffice, mis. `sudo apt-get install libreoffice-writer-nogui` "
           "(Debian/Ubuntu), lalu pastikan perintah `soffice` ada di PATH atau atur "
           "IKU_SOFFICE ke program soffice-nya.",
}


def libreoffice_hint() -> str:
    return LIBREOFFICE_HINTS[current()]


# --- file permissions ------------------------------------------------------------------


def make_private(path: Path) -> bool:
    """Only the owner may read or write ``path`` (mode 0600) on POSIX; True when done.
    On Windows mode bits do not exist (see the module docstring): False, and the file
    keeps its folder's access rights."""
    if current() == WINDOWS:
        return False
    os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
    return True


def default_permissions(path: Path) -> None:
    """The mode a file made by ``open()`` gets (0666 less the umask), for a file made by
    ``tempfile.mkstemp`` (0600); nothing to do on Windows."""
    if current() == WINDOWS:
        return
    mask = os.umask(0o022)
    os.umask(mask)
    os.chmod(path, 0o666 & ~mask)


# --- open files ------------------------------------------------------------------------

OPEN_FILES_CEILING = 65536  # far above the page's cap (1000); children inherit the limit


def raise_open_files(ceiling: int = OPEN_FILES_CEILING) -> int | None:
    """Raise the soft limit of open files to the hard one (at most ``ceiling``) where the
    OS allows; the soft limit now in force, or None where there is none (Windows)."""
    if current() == WINDOWS:
        return None
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = ceiling if hard == resource.RLIM_INFINITY else min(hard, ceiling)
    if soft != resource.RLIM_INFINITY and soft < want:
        for target in dict.fromkeys((want, 10240, 4096)):  # macOS refuses above OPEN_MAX
            if soft < target <= want:
                try:
                    resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
                    break
                except (ValueError, OSError):
                    continue
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    return None if soft == resource.RLIM_INFINITY else soft


# --- the console -----------------------------------------------------------------------


def utf8_console() -> None:
    """stdout and stderr write UTF-8, replacing what cannot be encoded, whatever the
    console or the file they are redirected to expects."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(encoding="utf-8", errors="replace")
            except (ValueError, OSError):  # a closed or detached stream
                pass
