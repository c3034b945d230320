"""Write a file all at once: readers see the old file or the new one, never half of it.

Used for every file the pipeline writes (reports, templates, validation workbooks): the
data go to a temporary file in the target folder, are fsynced, then renamed over the
target with ``os.replace``. A failure leaves an existing file untouched.

Every Office package (.docx, .xlsx, .xlsm; ``ooxml.is_package``) is verified first
(``ooxml.verify_package``: zip, content types, well-formed XML with bound prefixes,
relationships): one that a client could not open raises ``InternalError`` and nothing is
written. A package the pipeline zipped itself (``packaging.zip_parts``) was verified part
by part as it was zipped and arrives as ``ooxml.Verified``: it is not checked twice.

``atomic_file(path)`` is the same for a writer that writes the file itself (xlsxwriter
streaming a city's rekap): it hands out the temporary file and, when the writer is done,
verifies the package from the file as a stream (``ooxml.verify_file``: the memory it
needs does not grow with the file), fsyncs it and renames it into place.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .. import system
from ..errors import OutputError
from .ooxml import Verified, is_package, verify_file, verify_package


def write_atomically(path: Path, data: bytes, verified: bool = False) -> Path:
    """Write ``data`` to ``path`` all at once: readers see the old file or the new one.
    ``verified``: the caller has already run ``ooxml.verify_package`` on ``data`` (an
    ``ooxml.Verified`` package needs no saying)."""
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"{path} adalah folder; berikan nama berkas")
    if is_package(path) and not verified and not isinstance(data, Verified):
        verify_package(data, path.name)
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        system.default_permissions(tmp)
        os.replace(tmp, path)
        tmp = None
        _fsync_dir(path.parent)
    except OSError as exc:
        raise _not_written(path, exc) from None
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
    return path


@contextmanager
def atomic_file(path: Path) -> Iterator[Path]:
    """A temporary file beside ``path`` for a writer that writes a file itself; when the
    ``with`` body returns, the file is verified (a package: ``ooxml.verify_file``, as a
    stream), fsynced and renamed over ``path`` (``place_file``). An exception from the
    body, or a package that would not open (``InternalError``), removes it and leaves
    ``path`` as it was."""
    path = Path(path)
    tmp = temporary_beside(path)
    try:
        yield tmp
        place_file(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def temporary_beside(path: Path) -> Path:
    """A new empty temporary file in ``path``'s folder (made if missing), for a writer
    that writes a file itself before ``place_file`` puts it at ``path``; the caller
    removes it if it never gets there."""
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"{path} adalah folder; berikan nama berkas")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        os.close(fd)
    except OSError as exc:
        raise _not_written(path, exc) from None
    return Path(name)


def place_file(tmp: Path, path: Path) -> Path:
    """Put the file ``tmp`` (written beside ``path``) at ``path`` all at once: verified (a
    package: ``ooxml.verify_file``, as a stream), fsynced, renamed. A package that would
    not open raises ``InternalError`` and ``path`` is left as it was (``tmp`` too: the
    caller removes it)."""
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"{path} adalah folder; berikan nama berkas")
    if is_package(path):
        verify_file(tmp, path.name)
    try:
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        system.default_permissions(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        raise _not_written(path, exc) from None
    _fsync_dir(path.parent)
    return path


def _not_written(path: Path, exc: OSError) -> OutputError:
    return OutputError(
        f"tidak dapat menulis {path}: {exc.strerror or exc}. Periksa izin folder dan "
        "ruang disk, dan tutup berkas itu bila sedang dibuka di Word/LibreOffice."
    )


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
