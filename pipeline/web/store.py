"""The data folder of ``iku serve``: links (tokens) and every upload, kept as versions.

No web framework here: plain files, written so that concurrent requests lose nothing.

Layout of the data folder (default ``output/<kode>_<tahun>/server/``)::

    server.json                   what the folder collects: agency, year, period (checked
                                  at every start, so a folder is never mixed up)
    token.json                    the links' secrets (mode 0600): sekretariat + one per unit
    masuk/                        uploads being received (temporary, deleted on any failure)
    unggahan/<UNIT>/v0001/        one folder per upload (version), never overwritten:
        isian/Isian_<UNIT>_v0001.xlsx  the workbook, under a generated name (.xlsx, .ods
                                  ...), alone in a folder checked as `iku validate` would
        hasil.json                the check's result; absent while the check is running
        perbaikan/                the highlighted corrected copy, written when first asked
    laporan/                      the reports the secretariat builds

Concurrency: a version number is taken by creating its folder (``mkdir`` is atomic and
fails when the folder exists), so two uploads at once, of one unit or of two, get two
versions; the workbook is moved into its own folder with ``os.replace`` and the result
written with ``atomic.write_atomically``. Nothing is shared between versions, so there is
no index to lose an update of; the unit's state is read from its version folders.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import os
import re
import secrets
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .. import system
from ..domain.master import Master
from ..errors import UsageError
from ..intake.reader import SPREADSHEET_SUFFIXES
from ..office.atomic import write_atomically

SECRETARIAT = "SEKRETARIAT"  # the label of the secretariat's link
TOKEN_FILE = "token.json"
SITE_FILE = "server.json"
INCOMING = "masuk"
UPLOADS = "unggahan"
REPORTS = "laporan"
RESULT_FILE = "hasil.json"
INPUTS = "isian"
CORRECTED = "perbaikan"
TOKEN_BYTES = 24  # secrets.token_urlsafe(24): 32 characters, 192 bits

ACCEPTED = "diterima"
HAS_ERRORS = "ada_galat"
CHECKING = "diperiksa"  # the version exists, its check has not finished
NOT_SENT = "belum_mengirim"

_VERSION = re.compile(r"^v(\d{4,})$")


def period_label(quarter: int | None) -> str:
    return f"Triwulan {quarter}" if quarter else "Tahunan"


@dataclass(frozen=True)
class Tokens:
    secretariat: str
    units: dict[str, str]  # unit code -> token

    def find(self, token: str, unit: bool | None = None) -> str | None:
        """The label a token opens (``SECRETARIAT`` or a unit code), else None; ``unit``
        True looks among the units' tokens only, False at the secretariat's only (a unit
        may be coded SEKRETARIAT, like the secretariat's label). Every token is compared
        in constant time."""
        found = None
        pairs = [] if unit else [(SECRETARIAT, self.secretariat)]
        pairs += list(self.units.items()) if unit is not False else []
        for label, known in pairs:
            if hmac.compare_digest(token.encode("utf-8", "surrogatepass"),
                                   known.encode("utf-8")):
                found = label
        return found


def _new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def _write_private(path: Path, data: bytes) -> None:
    """Write a file only its owner can read (0600 on POSIX; on Windows the folder's
    access rights, see ``system.make_private``), all at once."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:  # mkstemp creates the file with mode 0600
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        system.make_private(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_tokens(folder: Path, units: list[str], renew: bool = False) -> Tokens:
    """The links' secrets, kept in ``token.json`` (mode 0600) so they survive a restart.
    ``renew`` (``--token-baru``) replaces every one; a unit new in the master gets one."""
    path = folder / TOKEN_FILE
    stored: dict = {}
    if path.exists() and not renew:
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise UsageError(f"berkas token {path} rusak ({exc}); jalankan dengan --token-baru "
                             "untuk membuat tautan baru") from None
    secretariat = stored.get("sekretariat") or _new_token()
    known = stored.get("unit") or {}
    tokens = Tokens(secretariat, {u: known.get(u) or _new_token() for u in units})
    data = {"sekretariat": tokens.secretariat, "unit": tokens.units}
    if data != stored:
        _write_private(path, json.dumps(data, indent=2, sort_keys=True).encode("utf-8"))
    else:
        system.make_private(path)
    return tokens


def prepare_folder(folder: Path, master: Master, quarter: int | None) -> None:
    """Create the data folder, or check that it collects this agency, year and period."""
    folder = Path(folder)
    try:
        for sub in (INCOMING, UPLOADS, REPORTS):
            (folder / sub).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"folder data {folder} tidak dapat dibuat ({exc.strerror or exc})"
                         ) from None
    about = {"instansi": master.agency.name, "tahun": master.agency.year,
             "periode": period_label(quarter)}
    path = folder / SITE_FILE
    if path.exists():
        try:
            found = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            found = None
        if found != about:
            raise UsageError(
                f"folder data {folder} sudah dipakai untuk pengumpulan lain ({found}); "
                f"pengumpulan ini: {about}. Pilih folder lain dengan --data")
    else:
        write_atomically(path, json.dumps(about, ensure_ascii=False, indent=2).encode("utf-8"))
    for leftover in (folder / INCOMING).iterdir():  # a receive or a set cut short by a crash
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)


# --- uploads ------------------------------------------------------------------------------


@dataclass
class Version:
    unit: str
    number: int
    folder: Path
    result: dict | None = None  # hasil.json; None while the check runs

    @property
    def status(self) -> str:
        return self.result["status"] if self.result else CHECKING

    @property
    def inputs(self) -> Path:
        """The folder holding only this upload's workbook."""
        return self.folder / INPUTS

    @property
    def workbook(self) -> Path | None:
        name = (self.result or {}).get("berkas")
        if name:
            return self.inputs / name
        found = sorted(self.inputs.glob("Isian_*")) if self.inputs.is_dir() else []
        return found[0] if found else None


@dataclass
class UnitState:
    code: str
    name: str
    versions: list[Version] = field(default_factory=list)  # oldest first

    @property
    def latest(self) -> Version | None:
        return self.versions[-1] if self.versions else None

    @property
    def accepted(self) -> Version | None:
        """The latest valid upload: the one that counts."""
        return next((v for v in reversed(self.versions) if v.status == ACCEPTED), None)

    @property
    def status(self) -> str:
        latest = self.latest
        if latest is None:
            return NOT_SENT
        return latest.status


def stored_name(unit: str, number: int, original: str) -> str:
    """The generated name of an upload: never the uploaded file's name, only its
    extension when it is one of the spreadsheet formats the reader knows (the gate then
    says what the content really is)."""
    suffix = Path(original).suffix.lower()
    if suffix not in SPREADSHEET_SUFFIXES:
        suffix = ".xlsx"
    return f"Isian_{unit}_v{number:04d}{suffix}"


def display_name(original: str) -> str:
    """The uploaded file's name as pages show it: the last path part, at most 120
    characters; never used as a path."""
    name = re.split(r"[\\/]", original or "")[-1].strip()
    name = "".join(ch for ch in name if ch.isprintable())
    return name[:120] or "isian.xlsx"


def incoming_file(folder: Path) -> tuple[int, Path]:
    """A new private temporary file for an upload being received."""
    fd, path = tempfile.mkstemp(dir=Path(folder) / INCOMING, prefix="unggah-", suffix=".part")
    return fd, Path(path)


def new_version(folder: Path, unit: str, received: Path, original: str) -> Version:
    """Move a completely received upload into a new version folder of ``unit``."""
    base = Path(folder) / UPLOADS / unit
    base.mkdir(parents=True, exist_ok=True)
    number = _last_number(base) + 1
    while True:
        target = base / f"v{number:04d}"
        try:
            target.mkdir()  # atomic: the version number is ours
            break
        except FileExistsError:
            number += 1
    (target / INPUTS).mkdir()
    os.replace(received, target / INPUTS / stored_name(unit, number, original))
    return Version(unit, number, target)


def save_result(version: Version, result: dict) -> None:
    data = json.dumps(result, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
    write_atomically(version.folder / RESULT_FILE, data)
    version.result = result


def _last_number(base: Path) -> int:
    numbers = [int(m.group(1)) for p in base.iterdir() if (m := _VERSION.match(p.name))]
    return max(numbers, default=0)


def read_version(folder: Path, unit: str, number: int) -> Version | None:
    path = Path(folder) / UPLOADS / unit / f"v{number:04d}"
    if not path.is_dir():
        return None
    return Version(unit, number, path, _read_result(path))


def _read_result(path: Path) -> dict | None:
    try:
        return json.loads((path / RESULT_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except ValueError:  # cannot happen with atomic writes; say so rather than crash
        return {"status": HAS_ERRORS, "masalah": [], "rusak": True}


def unit_states(folder: Path, master: Master) -> list[UnitState]:
    """Every reporting unit with its versions, in master order."""
    states = []
    for unit in master.reporting_units:
        state = UnitState(unit.code, unit.name)
        base = Path(folder) / UPLOADS / unit.code
        if base.is_dir():
            numbers = sorted(int(m.group(1)) for p in base.iterdir()
                             if (m := _VERSION.match(p.name)))
            for n in numbers:
                path = base / f"v{n:04d}"
                state.versions.append(Version(unit.code, n, path, _read_result(path)))
        states.append(state)
    return states


def now_text() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def show_time(iso: str | None) -> str:
    """``2025-01-28T07:42:10+07:00`` → ``28-01-2025 07:42``."""
    if not iso:
        return "-"
    try:
        when = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    return when.strftime("%d-%m-%Y %H:%M")


def file_time(path: Path) -> str:
    """A file's modification time as pages show it."""
    when = dt.datetime.fromtimestamp(Path(path).stat().st_mtime).astimezone()
    return show_time(when.isoformat())
