"""LibreOffice: find it, and convert a document to PDF with it, leaving nothing behind.

``find_soffice`` looks, in order, at the ``IKU_SOFFICE`` setting (the program, or the
folder holding it), at ``soffice``/``libreoffice`` on PATH, and at the places the
installer of this OS uses (``system.libreoffice_places``: ``C:\\Program Files\\LibreOffice``
on Windows, ``/Applications/LibreOffice.app`` on macOS), where Windows' installer does
not add anything to PATH.

``convert_to_pdf`` runs LibreOffice headless with a private, temporary profile in its own
process group, writes into a temporary folder beside the target and renames the PDF into
place; whatever ends the conversion (an error, the timeout, Ctrl+C), LibreOffice and every
process it started are stopped (``system.kill_tree``) and every temporary folder removed.
``require_soffice`` is called before anything is written, so a missing LibreOffice never
leaves a report without its PDF.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .. import system
from ..errors import OutputError

PDF_TIMEOUT_S = 180
SETTING = "IKU_SOFFICE"  # the program (or its folder), where it is not found by itself
PROGRAM_NAMES = ("soffice", "soffice.exe", "libreoffice")


def _in_setting(value: str) -> str | None:
    path = Path(value).expanduser()
    if path.is_dir():
        for folder in (path, path / "program", path / "Contents" / "MacOS"):
            for name in PROGRAM_NAMES:
                if (folder / name).is_file():
                    return str(folder / name)
        return None
    return str(path) if path.is_file() else None


def find_soffice() -> str | None:
    """LibreOffice's program: ``IKU_SOFFICE``, else PATH, else the installer's places."""
    setting = os.environ.get(SETTING, "").strip().strip('"')
    if setting:
        return _in_setting(setting)
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    for place in system.libreoffice_places():
        if place.is_file():
            return str(place)
    return None


def require_soffice() -> str:
    """The LibreOffice program, or an error with the install hint for this OS (checked
    before any file is written, so a missing LibreOffice never leaves a report without its
    PDF)."""
    soffice = find_soffice()
    if soffice is None:
        setting = os.environ.get(SETTING, "").strip()
        where = (f"{SETTING} berisi '{setting}', tetapi di sana tidak ada program soffice"
                 if setting else "LibreOffice (soffice) tidak ditemukan")
        raise OutputError(
            f"{where}, sehingga PDF tidak dapat dibuat; tidak ada berkas yang ditulis. "
            f"{system.libreoffice_hint()} Atau jalankan tanpa --pdf."
        )
    return soffice


def convert_to_pdf(
    docx_path: Path, target: Path | None = None, timeout: float = PDF_TIMEOUT_S
) -> Path:
    """Convert a .docx to ``target`` (default: the .pdf next to it) with headless
    LibreOffice; return the PDF path.

    LibreOffice runs with a private, temporary profile (and temporary folder) in its own
    process group, so it neither disturbs nor waits for a LibreOffice the user has open.
    It writes into a temporary folder beside ``target``; the PDF is then renamed into
    place, so ``target`` is either the old file or the complete new one. Whatever ends the
    conversion - an
    error, the timeout, Ctrl+C (KeyboardInterrupt) - LibreOffice's whole process group is
    stopped (``system.kill_tree``) and the temporary folders are removed.
    """
    docx = Path(docx_path).resolve()
    if not docx.is_file():
        raise OutputError(f"berkas {docx} tidak ada; tidak dapat dibuat PDF-nya")
    soffice = require_soffice()
    target = Path(target) if target is not None else docx.with_suffix(".pdf")
    profile_dir = outdir = None
    proc = None
    try:
        profile_dir = tempfile.mkdtemp(prefix="iku_pdf_")
        outdir = tempfile.mkdtemp(prefix=".iku-pdf-", dir=target.parent)
        cmd = [
            soffice,
            f"-env:UserInstallation={(Path(profile_dir) / 'profil').as_uri()}",
            "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
            "--convert-to", "pdf", "--outdir", outdir, str(docx),
        ]  # fmt: skip
        scratch = Path(profile_dir) / "tmp"  # LibreOffice's own temporary files go here
        scratch.mkdir()
        env = {**os.environ, "TMPDIR": str(scratch), "TMP": str(scratch), "TEMP": str(scratch)}
        try:
            proc = system.start_group(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      env=env)
        except OSError as exc:
            raise OutputError(
                f"LibreOffice tidak dapat dijalankan ({exc}). {system.libreoffice_hint()}"
            ) from None
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise OutputError(
                f"LibreOffice tidak selesai mengubah {docx.name} ke PDF dalam {timeout:g} detik; "
                "coba lagi, atau buka berkas .docx dan ekspor PDF secara manual."
            ) from None
        produced = Path(outdir) / f"{docx.stem}.pdf"
        if proc.returncode != 0 or not produced.is_file():
            detail = err.decode("utf-8", "replace").strip()[-500:]
            raise OutputError(
                f"LibreOffice gagal mengubah {docx.name} ke PDF (kode {proc.returncode})"
                + (f": {detail}" if detail else "")
            )
        try:
            os.replace(produced, target)
        except OSError as exc:
            raise OutputError(
                f"tidak dapat menulis {target}: {exc.strerror or exc}. Tutup berkas itu bila "
                "sedang dibuka di program lain."
            ) from None
        return target
    finally:  # also on KeyboardInterrupt: no LibreOffice left running, no files left
        if proc is not None and proc.returncode is None:
            system.kill_tree(proc)
        for folder in (outdir, profile_dir):
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)
