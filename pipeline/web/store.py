"""The data folder of ``iku serve``: links (tokens) and every upload, kept as versions.

No web framework here: plain files, written so that concurrent requests lose nothing.

Layout of the data folder (default ``output/<kode>_<tahun>/server/``)::

    server.json                   what the folder collects: agency, year, period (checked
                                  at every start, so a folder is never mixed up)
    token.json                    the links' secrets (mode 0600): the secretariat's, and
                                  one per unit
    masuk/                        uploads being received (temporary, deleted on any failure)
    unggahan/<UNIT>/v0001/        one folder per upload (version), never overwritten:
        isian/Isian_<UNIT>_v0001.xlsx  the workbook, under a generated name (.xlsx, .ods
                                  ...), alone in a folder checked as `iku validate` would
        hasil.json                the check's result; absent while the check is running
        perbaikan/                the highlighted corrected copy, written when first asked
    unggahan/<UNIT>/versi_terakhir.txt  the last version number taken (a counter)
    laporan/                      the reports the secretariat builds

Stored keys are English (docs/ARCHITECTURE.md, "Naming"): ``server.json`` holds
``agency``, ``year``, ``period``; ``token.json`` ``secretariat`` and ``units``;
``hasil.json`` the keys ``checks.check_upload`` writes (``version``, ``unit``,
``checked_at``, ``original_name``, ``stored_name``, ``size``, ``status``, ``read``,
``problems``, ``problem_summary``, ``figures``, and ``internal_error`` when the check
itself failed). The names of files and folders stay Indonesian: the secretariat opens
them. A folder written before issue 17 (Indonesian keys: ``sekretariat``, ``unit``,
``instansi``, ``tahun``, ``periode``, ``nama_asli``, ``masalah``, ``dibaca`` …) is read
through ``OLD_KEYS`` and friends; what this version writes has the English keys only
(``server.json`` and ``token.json`` are rewritten at the first start, an old
``hasil.json`` is translated each time it is read and never rewritten: a version's
folder is never changed).

Concurrency: a version number is taken by creating its folder (``mkdir`` is atomic and
fails when the folder exists), so two uploads at once, of one unit or of two, get two
versions; the workbook is moved into its own folder with ``os.replace`` and the result
written with ``atomic.write_atomically``. The counter only says where to start trying:
a stale or lost counter costs a few more ``mkdir`` attempts, never a version; a number
is never used twice, even after old versions were moved out of the folder.

Cost (issue 18 §9): taking a version number reads the counter, not the unit's folder, and
the pages read the units' versions from ``Uploads``, an index kept in memory: the folder
is read once at start (``open_site``: 2,000 versions in 0.07 s of CPU) and the index is
then kept up to date by this process's own writes. Storing an upload and showing the page
that follows therefore cost the same with 10 versions stored or 2,000: 9-12 ms of CPU
(``python -m dev.bench_web --versions 10,200,1000,2000``; ``tests/test_web_flood.py``;
before, the upload listed the unit's versions and its result page read every version's
``hasil.json``: 10 ms at 10 versions, 18 at 200, 46 at 1,000, 80 at 2,000). The index
keeps each version's summary (``Version.summary``: status, time, names, size, one line of
counts); the whole result is read from ``hasil.json`` when a page shows that version, and
a unit's page lists its latest ``app.LISTED_VERSIONS``.

Limits per unit (``Quota``; ``Uploads.admit`` before an upload is received,
``Uploads.add`` when it is stored): uploads per period (a rate limit), versions kept and
bytes kept. A refusal is a ``LimitReached`` whose Indonesian message names the limit and
what to do. Only workbooks are kept: a file the safety gate refuses is never stored
(``checks.gate``, before ``Uploads.add``), so it counts towards the rate limit only.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import math
import os
import re
import secrets
import shutil
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable
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
COUNTER_FILE = "versi_terakhir.txt"
INPUTS = "isian"
CORRECTED = "perbaikan"
TOKEN_BYTES = 24  # secrets.token_urlsafe(24): 32 characters, 192 bits

ACCEPTED = "diterima"
HAS_ERRORS = "ada_galat"
CHECKING = "diperiksa"  # the version exists, its check has not finished
NOT_SENT = "belum_mengirim"

_VERSION = re.compile(r"^v(\d{4,})$")


def period_label(quarter: int | None) -> str:
    """The period as ``server.json`` stores it (a value, unchanged since issue 12, so
    older folders still match)."""
    return f"Triwulan {quarter}" if quarter else "Tahunan"


# --- the keys of older data folders (before issue 17), read but never written ----------

SITE_OLD_KEYS = {"instansi": "agency", "tahun": "year", "periode": "period"}
TOKEN_OLD_KEYS = {"sekretariat": "secretariat", "unit": "units"}
RESULT_OLD_KEYS = {
    "versi": "version", "waktu": "checked_at", "nama_asli": "original_name",
    "berkas": "stored_name", "ukuran": "size", "dibaca": "read", "masalah": "problems",
    "ringkasan": "problem_summary", "angka": "figures", "galat_internal": "internal_error",
    "rusak": "damaged",
}
FIGURE_OLD_KEYS = {"kode": "code", "nama": "name", "realisasi": "realisation",
                   "gabungan": "shared"}
OLD_KEYS = {**SITE_OLD_KEYS, **TOKEN_OLD_KEYS, **RESULT_OLD_KEYS, **FIGURE_OLD_KEYS}


def renamed(data: dict, old_keys: dict[str, str]) -> dict:
    """``data`` with its older keys under their English names (a key already English
    wins over its older twin)."""
    out = {old_keys.get(k, k): v for k, v in data.items() if k in old_keys}
    out.update({k: v for k, v in data.items() if k not in old_keys})
    return out


def result_from_stored(data: dict) -> dict:
    """A ``hasil.json`` as read, with English keys whichever version wrote it."""
    result = renamed(data, RESULT_OLD_KEYS)
    if isinstance(result.get("figures"), list):
        result["figures"] = [renamed(f, FIGURE_OLD_KEYS) if isinstance(f, dict) else f
                             for f in result["figures"]]
    return result


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
    found = renamed(stored, TOKEN_OLD_KEYS) if isinstance(stored, dict) else {}
    secretariat = found.get("secretariat") or _new_token()
    known = found.get("units") or {}
    tokens = Tokens(secretariat, {u: known.get(u) or _new_token() for u in units})
    data = {"secretariat": tokens.secretariat, "units": tokens.units}
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
    about = {"agency": master.agency.name, "year": master.agency.year,
             "period": period_label(quarter)}
    path = folder / SITE_FILE
    stored = None
    if path.exists():
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            stored = None
        found = renamed(stored, SITE_OLD_KEYS) if isinstance(stored, dict) else None
        if found != about:
            raise UsageError(
                f"folder data {folder} sudah dipakai untuk pengumpulan lain "
                f"({_collection_text(found)}); pengumpulan ini: {_collection_text(about)}. "
                "Pilih folder lain dengan --data")
    if stored != about:  # a new folder, or one written with the older keys
        write_atomically(path, json.dumps(about, ensure_ascii=False, indent=2).encode("utf-8"))
    for leftover in (folder / INCOMING).iterdir():  # a receive or a set cut short by a crash
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)


def _collection_text(about: dict | None) -> str:
    """What a data folder collects, for a message: ``Dinas X, 2025, Triwulan 2``."""
    if not about:
        return "isi server.json tidak terbaca"
    return ", ".join(str(about.get(k, "?")) for k in ("agency", "year", "period"))


# --- uploads ------------------------------------------------------------------------------


# The fields of hasil.json that pages list for every version; the rest (the problems, the
# figures) is read from the file when a page shows that version.
SUMMARY_FIELDS = ("status", "checked_at", "original_name", "problem_summary", "stored_name",
                  "size", "read")


def summary_of(result: dict | None) -> dict | None:
    if result is None:
        return None
    return {k: result[k] for k in SUMMARY_FIELDS if k in result}


@dataclass
class Version:
    unit: str
    number: int
    folder: Path
    summary: dict | None = None  # hasil.json's SUMMARY_FIELDS; None while the check runs

    @property
    def result(self) -> dict | None:
        """The whole ``hasil.json`` (None while the check runs), read from the file each
        time: a result with many problems is large, the index keeps only the summary."""
        return None if self.summary is None else _read_result(self.folder)

    @property
    def status(self) -> str:
        return self.summary["status"] if self.summary else CHECKING

    @property
    def inputs(self) -> Path:
        """The folder holding only this upload's workbook."""
        return self.folder / INPUTS

    @property
    def workbook(self) -> Path | None:
        name = (self.summary or {}).get("stored_name")
        if name:
            return self.inputs / name
        found = sorted(self.inputs.glob("Isian_*")) if self.inputs.is_dir() else []
        return found[0] if found else None

    @property
    def size(self) -> int:
        """The workbook's bytes (what the quota counts)."""
        size = (self.summary or {}).get("size")
        if isinstance(size, int):
            return size
        path = self.workbook
        try:
            return path.stat().st_size if path is not None else 0
        except OSError:
            return 0


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
    """Move a completely received upload into a new version folder of ``unit``. The
    number comes from the unit's counter (one small file), not from listing its
    versions, so this costs the same whatever the number of versions stored."""
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
    _write_counter(base, number)
    (target / INPUTS).mkdir()
    os.replace(received, target / INPUTS / stored_name(unit, number, original))
    return Version(unit, number, target)


def save_result(version: Version, result: dict) -> None:
    data = json.dumps(result, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
    write_atomically(version.folder / RESULT_FILE, data)
    version.summary = summary_of(result)


def _last_number(base: Path) -> int:
    """The last version number taken in ``base``: the counter, or (a folder without one,
    from an older iku, or a counter cut short) the highest version folder."""
    try:
        text = (base / COUNTER_FILE).read_text(encoding="ascii").strip()
        if text.isdigit():
            return int(text)
    except (OSError, ValueError):
        pass
    return max(_numbers(base), default=0)


def _numbers(base: Path) -> list[int]:
    return [int(m.group(1)) for p in base.iterdir() if (m := _VERSION.match(p.name))]


def _write_counter(base: Path, number: int) -> None:
    """Record ``number`` as taken. Two uploads at once may write in either order: a
    counter one behind only costs the next upload one more ``mkdir``."""
    try:
        write_atomically(base / COUNTER_FILE, f"{number}\n".encode("ascii"))
    except Exception:  # the counter is a hint: the version folders remain the record
        pass


def read_version(folder: Path, unit: str, number: int) -> Version | None:
    path = Path(folder) / UPLOADS / unit / f"v{number:04d}"
    if not path.is_dir():
        return None
    return Version(unit, number, path, summary_of(_read_result(path)))


def _read_result(path: Path) -> dict | None:
    try:
        data = json.loads((path / RESULT_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except ValueError:  # cannot happen with atomic writes; say so rather than crash
        data = None
    if not isinstance(data, dict):
        return {"status": HAS_ERRORS, "problems": [], "damaged": True}
    return result_from_stored(data)


def unit_states(folder: Path, master: Master) -> list[UnitState]:
    """Every reporting unit with its versions, in master order, read from the folder
    (every version's ``hasil.json``: at start and for a report; pages use ``Uploads``)."""
    states = []
    for unit in master.reporting_units:
        state = UnitState(unit.code, unit.name)
        base = Path(folder) / UPLOADS / unit.code
        if base.is_dir():
            for n in sorted(_numbers(base)):
                path = base / f"v{n:04d}"
                state.versions.append(Version(unit.code, n, path,
                                              summary_of(_read_result(path))))
        states.append(state)
    return states


# --- limits per unit (issue 18 §9) --------------------------------------------------------

MiB = 1024 * 1024


@dataclass(frozen=True)
class Quota:
    """What one unit may send and keep. A unit's workbook is tens of KB and a unit fixes
    and uploads it a few times, rarely more than 20 in a collection; these limits are ten
    times that, and bound what one link (or a script holding it) can cost: the disk (at
    most ``bytes`` per unit, with ``versions`` folders) and the CPU (``uploads`` checks per
    ``window`` seconds, about 0.1 s of CPU each)."""

    versions: int = 200  # versions kept per unit
    bytes: int = 100 * MiB  # bytes of workbooks kept per unit
    uploads: int = 20  # uploads per unit ...
    window: float = 600.0  # ... in this many seconds


class LimitReached(Exception):
    """An upload a unit's ``Quota`` does not allow: ``status`` (429 too many uploads,
    507 nothing more can be kept) and an Indonesian ``message`` that names the limit and
    says what to do."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def size_text(n: int) -> str:
    """A byte count for people: 20 MB, 512 KB."""
    if n >= MiB:
        return f"{n / MiB:.1f}".removesuffix(".0").replace(".", ",") + " MB"
    return f"{max(1, round(n / 1024))} KB"


def duration_text(seconds: float) -> str:
    """A wait for people: 40 detik, 3 menit, 2 jam."""
    if seconds < 60:
        return f"{max(1, math.ceil(seconds))} detik"
    if seconds < 2 * 3600:
        return f"{math.ceil(seconds / 60)} menit"
    return f"{math.ceil(seconds / 3600)} jam"


class Uploads:
    """Every unit's versions as this process knows them, and the units' limits.

    Read from the folder once (``unit_states``) and then kept up to date by this
    process's own writes (``add``, ``save``), each unit under its own lock (two units'
    uploads are stored at once); ``states`` hands out a snapshot. ``admit`` runs on the
    event loop: it takes only a lock that is never held across file operations. The
    folder stays the record: another process writing into the same folder gets its own
    version numbers, but this index learns of its versions only at the next start. The
    rate limit is kept in memory (it starts afresh at each start).
    """

    def __init__(self, folder: Path, master: Master, quota: Quota | None = None,
                 clock: Callable[[], float] = time.monotonic):
        self.folder = Path(folder)
        self.quota = quota or Quota()
        self.clock = clock
        self._units = {s.code: s for s in unit_states(self.folder, master)}
        self._bytes = {code: sum(v.size for v in s.versions) for code, s in self._units.items()}
        self._sent: dict[str, deque[float]] = {code: deque() for code in self._units}
        self._locks = {code: threading.Lock() for code in self._units}  # storing
        self._rate_lock = threading.Lock()  # the deques of _sent only

    def states(self) -> list[UnitState]:
        """Every unit with its versions, in master order (a snapshot: ``list`` copies a
        list at once, even while another thread appends to it)."""
        return [UnitState(s.code, s.name, list(s.versions)) for s in self._units.values()]

    def state(self, unit: str) -> UnitState:
        s = self._units[unit]
        return UnitState(s.code, s.name, list(s.versions))

    def admit(self, unit: str) -> None:
        """Before an upload of ``unit`` is received: refuse it (``LimitReached``) when the
        unit has sent ``quota.uploads`` in the last ``quota.window`` seconds or keeps
        what its quota allows (read without waiting for an upload being stored: ``add``
        checks again); else count it as sent."""
        quota = self.quota
        now = self.clock()
        with self._rate_lock:
            sent = self._sent[unit]
            while sent and sent[0] <= now - quota.window:
                sent.popleft()
            if len(sent) >= quota.uploads:
                window = duration_text(quota.window)
                raise LimitReached(429, (
                    f"unit {unit} sudah mengunggah {len(sent)} kali dalam {window} terakhir, "
                    f"padahal batasnya {quota.uploads} unggahan per {window} untuk setiap "
                    "unit; berkas ini tidak diperiksa dan tidak disimpan. Tunggu "
                    f"{duration_text(sent[0] + quota.window - now)}, lalu unggah lagi. "
                    "Periksa dulu isian di Excel (sel berwarna kuning, angka tanpa teks) "
                    "agar tidak perlu mengunggah berulang kali"))
            self._check_room(unit, 0)
            sent.append(now)

    def add(self, unit: str, received: Path, original: str, size: int) -> Version:
        """Store a received workbook of ``unit`` as its new version (``new_version``), or
        refuse it (``LimitReached``) when the unit's quota is full."""
        with self._locks[unit]:
            self._check_room(unit, size)
            version = new_version(self.folder, unit, received, original)
            self._units[unit].versions.append(version)
            self._bytes[unit] += size
        return version

    def save(self, version: Version, result: dict) -> None:
        """Write a version's result (``save_result``); the index holds the same object."""
        save_result(version, result)

    def _check_room(self, unit: str, size: int) -> None:
        quota, kept = self.quota, len(self._units[unit].versions)
        what_to_do = (
            "Versi yang dipakai tetap seperti tertulis di halaman ini. Hubungi Sekretariat: "
            "Sekretariat dapat memindahkan versi lama unit ini ke folder arsip (lihat "
            "PANDUAN, bagian \"Batas unggahan\") lalu menjalankan ulang halaman ini")
        if kept >= quota.versions:
            raise LimitReached(507, (
                f"unit {unit} sudah menyimpan {kept} versi unggahan, padahal batasnya "
                f"{quota.versions} versi untuk setiap unit; berkas ini tidak diperiksa dan "
                f"tidak disimpan. {what_to_do}"))
        used = self._bytes[unit]
        if used + size > quota.bytes:
            this = f" (berkas ini {size_text(size)})" if size else ""
            raise LimitReached(507, (
                f"unggahan unit {unit} yang tersimpan sudah {size_text(used)}{this}, "
                f"padahal batasnya {size_text(quota.bytes)} untuk setiap unit; berkas ini "
                "tidak disimpan. Berkas isian IKU biasanya hanya puluhan KB: pastikan yang "
                f"diunggah adalah templat isian dari sekretariat. {what_to_do}"))


def now_text() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")

