"""Put outputs in place without destroying anyone's work.

Two guards and one writer:

* ``guard_outputs``: an output path (the report, its PDF, the problem list, the corrected
  copies' folder, a batch's output folder) may not be one of the input files (a
  submission, the master, the Word template) nor lie inside the inputs folder. Paths
  are compared by file identity (``os.path.samefile`` on the path and each existing
  parent), so symbolic links, ``..``, hard links and case-insensitive file systems
  (Windows, macOS) cannot sneak an output into the inputs. Breaking the rule is a usage
  error (exit 2), raised before anything is read or written.
* ``check_target``: the report path must end in ``.docx``, and a read-only report is not
  replaced without ``overwrite`` (``--timpa``): someone marked it final.
* ``publish_report``: writes the rendered report (and its PDF) so that

  - an existing report that is no longer exactly what iku wrote (edited in Word: its
    ``packaging`` stamp no longer matches, or it carries none) is first kept as a dated
    backup next to it, ``<name>.diedit-YYYY-MM-DD-HHMM.docx`` (its modification time;
    ``-2``, ``-3`` … when that name is taken; never overwritten), with the PDF beside it
    if any; ``overwrite`` skips the backup;
  - a byte-identical rerun leaves the file untouched (no backup, same modification time);
  - with ``pdf``, the .docx and the .pdf are converted in a temporary folder beside the
    target and then renamed into place together: if the conversion fails (or is
    interrupted) neither is replaced, and if the second rename fails the first is rolled
    back;
  - without ``pdf``, a PDF of an older report left beside a changed report is renamed
    ``<name>.usang-YYYY-MM-DD-HHMM.pdf`` (deleted with ``overwrite``), so a stale PDF
    never sits next to a new report;
  - the signed report of a locked year (the file carrying ``signed_stamp``, the locked
    version's stamp) is always kept as ``<name>.ditandatangani-YYYY-MM-DD-HHMM.docx``
    before it is replaced, ``overwrite`` or not.

``publish_report`` is ``prepared_report`` (everything before the target changes: checks,
the comparison, the PDF conversion) followed by ``Prepared.place`` (backups and renames).
The runner calls the two apart, placing the report inside the history's transaction, and
``Prepared.undo`` puts the previous report back when that transaction cannot commit
(docs/RIWAYAT.md, "Publishing and recording").

What happened is returned (``Published``) for the CLI to say.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import shutil
import stat
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import OutputError, UsageError
from . import libreoffice
from .atomic import write_atomically
from .ooxml import verify_package
from .packaging import stamp_matches, stamp_value

EDITED = "diedit"  # backup of a report someone changed
SIGNED = "ditandatangani"  # backup of a locked year's signed report, before it is replaced
STALE = "usang"  # a PDF that belongs to an older report


@dataclass
class Published:
    docx: Path
    pdf: Path | None = None
    unchanged: bool = False  # the report had exactly these bytes already
    backups: list[Path] = field(default_factory=list)  # edited files kept
    stale_pdf: Path | None = None  # where an outdated PDF went (None: removed or none)
    stale_removed: bool = False


# --- guards ----------------------------------------------------------------------------


def guard_outputs(
    outputs: Iterable[tuple[str, Path]],
    inputs: Path | None = None,
    protected: Iterable[Path] = (),
) -> None:
    """Refuse (UsageError, exit 2) an output that is an input file or lies inside the
    inputs folder. ``outputs`` are (option name, path) pairs for the message."""
    files = [Path(p) for p in protected if p is not None]
    if inputs is not None and Path(inputs).is_dir():
        files += [p for p in Path(inputs).iterdir() if p.is_file()]
    for option, out in outputs:
        out = Path(out)
        if inputs is not None and _within(out, Path(inputs)):
            raise UsageError(
                f"{option} '{out}' berada di dalam folder isian '{inputs}'; hasil tidak boleh "
                "ditulis ke folder isian agar berkas kiriman unit tidak tertimpa atau ikut "
                "terbaca sebagai isian. Pilih folder lain, mis. output/."
            )
        for source in files:
            if _same(out, source):
                raise UsageError(
                    f"{option} '{out}' menunjuk ke berkas masukan '{source}'; berkas itu "
                    "akan tertimpa. Pilih nama atau folder lain untuk hasilnya."
                )


def check_target(out: Path, overwrite: bool = False) -> None:
    """The report path: a .docx name, and not a read-only report unless ``overwrite``."""
    out = Path(out)
    if out.suffix.lower() != ".docx":
        raise UsageError(
            f"--out '{out}' harus berakhiran .docx (laporan ditulis sebagai dokumen Word); "
            f"mis. --out {out.with_suffix('.docx').name}"
        )
    if not overwrite and _read_only(out):
        raise UsageError(
            f"laporan '{out}' bersifat baca-saja (read-only), mungkin karena sudah final atau "
            "ditandatangani; laporan tidak ditimpa. Tulis ke nama lain dengan --out, atau "
            "tambahkan --timpa untuk tetap menimpanya."
        )


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


def _within(path: Path, folder: Path) -> bool:
    """``path`` is ``folder`` or lies inside it, judged by file identity of every existing
    ancestor (as written and with links resolved)."""
    if not folder.exists():
        return False
    candidates = [Path(os.path.abspath(path)), path.resolve()]
    for candidate in candidates:
        for p in (candidate, *candidate.parents):
            if p.exists() and _same(p, folder):
                return True
    return False


def _read_only(path: Path) -> bool:
    try:
        st = os.stat(path)
    except OSError:
        return False
    return stat.S_ISREG(st.st_mode) and not st.st_mode & stat.S_IWUSR


# --- writing ---------------------------------------------------------------------------


def publish_report(data: bytes, target: Path, pdf: bool = False,
                   overwrite: bool = False, signed_stamp: str = "") -> Published:
    """Write the report ``data`` to ``target`` (and its PDF) as the module docstring says."""
    with prepared_report(data, target, pdf, overwrite, signed_stamp) as prepared:
        return prepared.place()


@dataclass
class Prepared:
    """A report ready to be placed: checked, compared with what is at the target, its PDF
    converted in a temporary folder beside it; nothing at the target changed yet.
    ``place`` puts it there; ``undo`` puts back what ``place`` replaced (used when the
    history cannot record the report after all: docs/RIWAYAT.md)."""

    data: bytes
    target: Path
    pdf: bool
    overwrite: bool
    old: bytes | None  # the report at the target before (None: none; b"": not comparable)
    old_pdf: bytes | None  # the PDF beside it before
    unchanged: bool
    edited: bool  # changed since iku wrote it: kept as a backup unless overwrite
    signed: bool  # the signed report (``signed_stamp``) about to be replaced: kept always
    work: Path | None = None
    fresh_pdf: Path | None = None

    @property
    def pdf_target(self) -> Path:
        return self.target.with_suffix(".pdf")

    def place(self) -> Published:
        """Put the report (and PDF) in place: backups first, then the renames."""
        target, pdf_target = self.target, self.pdf_target
        result = Published(target, unchanged=self.unchanged)
        keep_old = self.signed or (self.edited and not self.overwrite)
        tag = SIGNED if self.signed else EDITED
        if not self.pdf:
            if keep_old:
                result.backups += _backup(target, pdf_target, move_pdf=True, tag=tag)
            if not self.unchanged:
                write_atomically(target, self.data, verified=True)
                _retire_stale_pdf(pdf_target, self.overwrite, result)
            return result
        fresh = self.work / target.name
        if keep_old:
            result.backups += _backup(target, pdf_target, move_pdf=False, tag=tag)
        _replace_pair(fresh, target, self.fresh_pdf, pdf_target, keep_docx=self.unchanged)
        result.pdf = pdf_target
        return result

    def undo(self, published: Published) -> None:
        """Put back the report and PDF that ``place`` replaced, and drop the backups it
        made (their content is back in place). Raises OutputError when it cannot."""
        try:
            if not self.unchanged:
                if self.old is None:
                    self.target.unlink(missing_ok=True)
                elif self.old:
                    write_atomically(self.target, self.old, verified=True)
                else:
                    raise OutputError(f"laporan lama {self.target} tidak dapat dikembalikan")
            pdf_changed = published.pdf is not None or published.stale_removed or \
                published.stale_pdf is not None or any(
                    b.suffix.lower() == ".pdf" for b in published.backups)
            if pdf_changed:
                if self.old_pdf is None:
                    self.pdf_target.unlink(missing_ok=True)
                elif self.old_pdf:
                    write_atomically(self.pdf_target, self.old_pdf)
                else:
                    raise OutputError(f"PDF lama {self.pdf_target} tidak dapat dikembalikan")
            for path in [*published.backups, *filter(None, [published.stale_pdf])]:
                path.unlink(missing_ok=True)
        except OSError as exc:
            raise OutputError(f"laporan lama {self.target} tidak dapat dikembalikan "
                              f"({exc.strerror or exc})") from None


@contextmanager
def prepared_report(data: bytes, target: Path, pdf: bool = False, overwrite: bool = False,
                    signed_stamp: str = "") -> Iterator[Prepared]:
    """Everything ``publish_report`` does before it changes anything at ``target``:
    checks, the comparison with the existing report, the PDF conversion. ``signed_stamp``:
    the ``iku_sidik`` of the signed report of a locked year, which is never replaced
    without a backup (``<name>.ditandatangani-…``), ``--timpa`` or not. The temporary
    folder is removed on leaving."""
    target = Path(target)
    check_target(target, overwrite)
    if target.is_dir():
        raise OutputError(f"{target} adalah folder; berikan nama berkas .docx")
    verify_package(data, target.name)  # before any backup, rename or write
    old = _existing_bytes(target)
    unchanged = old == data
    edited = old is not None and not unchanged and not stamp_matches(target)
    signed = bool(signed_stamp) and bool(old) and not unchanged and \
        stamp_value(old) == signed_stamp
    if pdf:
        libreoffice.require_soffice()  # before anything is written
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"folder {target.parent} tidak dapat dibuat ({exc})") from None
    pdf_target = target.with_suffix(".pdf")
    old_pdf = _existing_bytes(pdf_target) if pdf_target.is_file() else None
    prepared = Prepared(data, target, pdf, overwrite, old, old_pdf, unchanged, edited, signed)
    if not pdf:
        yield prepared
        return
    prepared.work = Path(tempfile.mkdtemp(prefix=".iku-", dir=target.parent))
    try:
        fresh = prepared.work / target.name
        fresh.write_bytes(data)
        prepared.fresh_pdf = libreoffice.convert_to_pdf(fresh, prepared.work / pdf_target.name)
        yield prepared
    finally:
        shutil.rmtree(prepared.work, ignore_errors=True)


def _existing_bytes(path: Path) -> bytes | None:
    """The report already at ``path``: None when there is none; ``b""`` when something is
    there that cannot be compared (unreadable, not a regular file, implausibly large),
    which is then treated as someone's work and kept."""
    if not path.exists() and not path.is_symlink():
        return None
    try:
        if not path.is_file() or path.stat().st_size > 200 * 1024 * 1024:
            return b""
        return path.read_bytes()
    except OSError:
        return b""


def _replace_pair(docx: Path, target: Path, pdf: Path, pdf_target: Path, keep_docx: bool):
    """Rename both into place; if the PDF cannot be placed, put the old report back."""
    saved = None
    try:
        if not keep_docx:
            if target.exists():
                saved = target.with_name(f".{target.name}.{secrets.token_hex(6)}.lama")
                _keep(target, saved, move=False)  # to put back if the PDF cannot be placed
            os.replace(docx, target)
        try:
            os.replace(pdf, pdf_target)
        except OSError:
            if not keep_docx:
                if saved is not None:
                    os.replace(saved, target)
                    saved = None
                else:
                    target.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise OutputError(
            f"laporan dan PDF-nya tidak dapat ditulis ke {target.parent}: "
            f"{exc.strerror or exc}; laporan lama tidak berubah. Tutup berkas itu bila "
            "sedang dibuka di Word/LibreOffice/pembaca PDF, lalu jalankan lagi."
        ) from None
    finally:
        if saved is not None:
            saved.unlink(missing_ok=True)


def _backup(target: Path, pdf_target: Path, move_pdf: bool, tag: str = "") -> list[Path]:
    """Keep the report (and the PDF beside it) under a dated name; return them."""
    kept = []
    when = _mtime_stamp(target)
    backup = _free_name(target, f"{tag or EDITED}-{when}")
    _keep(target, backup, move=False)
    kept.append(backup)
    if pdf_target.is_file():
        pdf_backup = _free_name(pdf_target, f"{tag or EDITED}-{when}")
        _keep(pdf_target, pdf_backup, move=move_pdf)
        kept.append(pdf_backup)
    return kept


def _retire_stale_pdf(pdf_target: Path, overwrite: bool, result: Published) -> None:
    """A PDF beside a report just changed belongs to an older report."""
    if not pdf_target.is_file():
        return
    if overwrite:
        try:
            pdf_target.unlink()
        except OSError as exc:
            raise OutputError(
                f"PDF lama {pdf_target} tidak sesuai lagi dengan laporan baru dan tidak dapat "
                f"dihapus ({exc.strerror or exc}); hapus berkas itu secara manual."
            ) from None
        result.stale_removed = True
        return
    moved = _free_name(pdf_target, f"{STALE}-{_mtime_stamp(pdf_target)}")
    _keep(pdf_target, moved, move=True)
    result.stale_pdf = moved


def _keep(src: Path, dst: Path, move: bool) -> None:
    """Link (or move) ``src`` to the new name ``dst`` without ever replacing a file."""
    try:
        try:
            os.link(src, dst)  # fails if dst exists: an earlier backup is never replaced
        except OSError:
            with open(src, "rb") as fin, open(dst, "xb") as fout:  # no hard links here
                shutil.copyfileobj(fin, fout)
            shutil.copystat(src, dst)
        if move:
            src.unlink()
    except OSError as exc:
        raise OutputError(
            f"cadangan {dst} tidak dapat dibuat ({exc.strerror or exc}); laporan lama tidak "
            "ditimpa. Periksa izin folder, atau pakai --timpa untuk menimpa tanpa cadangan."
        ) from None


def _mtime_stamp(path: Path) -> str:
    return dt.datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y-%m-%d-%H%M")


def _free_name(path: Path, tag: str) -> Path:
    """``Laporan.docx`` → ``Laporan.<tag>.docx``, or ``Laporan.<tag>-2.docx`` … if taken."""
    candidate = path.with_name(f"{path.stem}.{tag}{path.suffix}")
    n = 2
    while candidate.exists() or candidate.is_symlink():
        candidate = path.with_name(f"{path.stem}.{tag}-{n}{path.suffix}")
        n += 1
    return candidate
