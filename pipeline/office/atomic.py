"""Write a file all at once: readers see the old file or the new one, never half of it.

Used for every file the pipeline writes (reports, templates, validation workbooks): the
data go to a temporary file in the target folder, are fsynced, then renamed over the
target with ``os.replace``. A failure leaves an existing file untouched.

Every Office package (.docx, .xlsx, .xlsm; ``ooxml.is_package``) is verified first
(``ooxml.verify_package``: zip, content types, well-formed XML with bound prefixes,
relationships): one that a client could not open raises ``InternalError`` and nothing is
written.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .. import system
from ..errors import OutputError
from .ooxml import is_package, verify_package


def write_atomically(path: Path, data: bytes, verified: bool = False) -> Path:
    """Write ``data`` to ``path`` all at once: readers see the old file or the new one.
    ``verified``: the caller has already run ``ooxml.verify_package`` on ``data``."""
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"{path} adalah folder; berikan nama berkas")
    if is_package(path) and not verified:
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
        raise OutputError(
            f"tidak dapat menulis {path}: {exc.strerror or exc}. Periksa izin folder dan "
            "ruang disk, dan tutup berkas itu bila sedang dibuka di Word/LibreOffice."
        ) from None
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
    return path


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
