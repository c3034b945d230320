"""The history database file: connection settings, schema and migrations.

``connect(path, create)`` returns a ``sqlite3.Connection`` (stdlib) on a migrated
database, set up as every user of the file needs it:

* autocommit mode (``isolation_level=None``): the store opens each write transaction
  itself with ``BEGIN IMMEDIATE``, so a writer takes the write lock before reading what it
  will change (the next version number) and two writers never interleave;
* ``busy_timeout`` ``BUSY_TIMEOUT_MS``: a second process waits for the first one's
  transaction instead of failing at once (a city's year records in well under a second);
* WAL journal (readers never block the writer nor see half a transaction; a process
  killed mid-write leaves a WAL that the next opener rolls back or forward), synchronous
  FULL (a committed run survives a power cut), foreign keys on.

The schema version lives in ``PRAGMA user_version``; ``MIGRATIONS[i]`` takes the file
from version ``i`` to ``i + 1``, all in one transaction, so a file is either at the old
version or the new one. A file written by a newer iku (a higher version than
``SCHEMA_VERSION``) is refused, never downgraded. ``PRAGMA application_id`` marks the
file as an iku history, so another program's SQLite file is refused rather than
modified.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from ..errors import HistoryError

#: "IKUR" as a 32-bit integer: ``PRAGMA application_id`` of every history file.
APPLICATION_ID = 0x494B5552
BUSY_TIMEOUT_MS = 30_000
SQLITE_MAGIC = b"SQLite format 3\x00"

_V1 = (
    """CREATE TABLE agency (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,       -- model.agency_key(name, code)
        name TEXT NOT NULL,             -- the latest name recorded
        name_key TEXT NOT NULL          -- model.agency_key(name): finds it by name too
    )""",
    "CREATE INDEX agency_name_key ON agency (name_key)",
    # Content-addressed, zlib-compressed files (master text, Word template), stored once.
    """CREATE TABLE blob (
        sha256 TEXT PRIMARY KEY,        -- of the uncompressed content
        size INTEGER NOT NULL,          -- uncompressed bytes
        zdata BLOB NOT NULL
    )""",
    """CREATE TABLE run (
        id INTEGER PRIMARY KEY,
        agency_id INTEGER NOT NULL REFERENCES agency(id),
        year INTEGER NOT NULL,
        period TEXT NOT NULL CHECK (period IN ('tahunan', 'TW1', 'TW2', 'TW3', 'TW4')),
        version INTEGER NOT NULL CHECK (version >= 1),
        is_current INTEGER NOT NULL CHECK (is_current IN (0, 1)),
        recorded_at TEXT NOT NULL,      -- ISO 8601, UTC
        agency_name TEXT NOT NULL,
        source TEXT NOT NULL,
        master_sha256 TEXT REFERENCES blob(sha256),
        master_fingerprint TEXT NOT NULL,
        template_sha256 TEXT REFERENCES blob(sha256),
        template_fingerprint TEXT NOT NULL,
        source_fingerprint TEXT NOT NULL,
        over_lock INTEGER NOT NULL DEFAULT 0 CHECK (over_lock IN (0, 1)),
        UNIQUE (agency_id, year, period, version)
    )""",
    "CREATE UNIQUE INDEX run_current ON run (agency_id, year, period) WHERE is_current = 1",
    """CREATE TABLE figure (
        run_id INTEGER NOT NULL REFERENCES run(id),
        position INTEGER NOT NULL,      -- order in the run (master order)
        key TEXT NOT NULL,
        code TEXT NOT NULL,
        kode_lama TEXT,                 -- earlier Kodes, comma-separated; NULL if none
        kind TEXT NOT NULL,
        name TEXT NOT NULL,
        unit_of_measure TEXT NOT NULL,
        target TEXT,                    -- JSON: number, [low, high], "NA", label; NULL
        realisation REAL,
        realisation_label TEXT,
        achievement REAL,
        predikat TEXT,
        status TEXT NOT NULL,
        PRIMARY KEY (run_id, position)  -- keys are unique per run (checked on record)
    ) WITHOUT ROWID""",
    # The distinct submission fingerprints of a run, numbered, so that 40 indicators of
    # one unit's workbook do not repeat its 64-character hash 40 times.
    """CREATE TABLE submission (
        run_id INTEGER NOT NULL REFERENCES run(id),
        n INTEGER NOT NULL,
        fingerprint TEXT NOT NULL,
        PRIMARY KEY (run_id, n)
    ) WITHOUT ROWID""",
    """CREATE TABLE contribution (
        run_id INTEGER NOT NULL,
        position INTEGER NOT NULL,
        seq INTEGER NOT NULL,           -- order of the units as recorded
        unit TEXT NOT NULL,
        x1 REAL,
        x2 REAL,
        note TEXT NOT NULL,
        submission INTEGER,             -- submission.n; NULL when none was given
        PRIMARY KEY (run_id, position, seq),
        FOREIGN KEY (run_id, position) REFERENCES figure(run_id, position),
        FOREIGN KEY (run_id, submission) REFERENCES submission(run_id, n)
    ) WITHOUT ROWID""",
    # A signed year: only new versions recorded with an explicit unlock may follow.
    """CREATE TABLE year_lock (
        agency_id INTEGER NOT NULL REFERENCES agency(id),
        year INTEGER NOT NULL,
        locked_at TEXT NOT NULL,
        run_id INTEGER NOT NULL REFERENCES run(id),  -- the annual version locked
        PRIMARY KEY (agency_id, year)
    ) WITHOUT ROWID""",
)

# v2: what a report took from elsewhere and must reproduce when rebuilt from history
# (`iku report --dari-riwayat`): the previous year's figures it printed (JSON in
# figure.extra), and each unit's year-end Analisis text (LKjIP Chapter III).
_V2 = (
    "ALTER TABLE figure ADD COLUMN extra TEXT",  # JSON object; NULL when nothing
    "ALTER TABLE contribution ADD COLUMN analysis TEXT NOT NULL DEFAULT ''",
)

# v3: a quarter's texts (issue 10): each unit's Kendala and Tindak lanjut, which the
# quarterly report prints (and a later LKjIP chapter analyses).
_V3 = (
    "ALTER TABLE contribution ADD COLUMN obstacles TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE contribution ADD COLUMN follow_up TEXT NOT NULL DEFAULT ''",
)

# v4: the seams between a version and what surrounds it (issue 18): the report a version
# was recorded with (its ``iku_sidik`` stamp and path: a report on disk that does not
# match its record is found), and the recorded periods a run was built from (a quarter's
# earlier quarters, the year's quarters, last year, the appendix's years: a run built
# from a period that changed since is stale). Old versions get '' and no sources.
_V4 = (
    "ALTER TABLE run ADD COLUMN report_stamp TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE run ADD COLUMN report_path TEXT NOT NULL DEFAULT ''",
    """CREATE TABLE run_source (
        run_id INTEGER NOT NULL REFERENCES run(id),
        year INTEGER NOT NULL,
        period TEXT NOT NULL,
        version INTEGER NOT NULL,       -- the version of (year, period) the run read
        PRIMARY KEY (run_id, year, period)
    ) WITHOUT ROWID""",
)

# v5: the Perjanjian Kinerja (issue 22): one row per revision of an agency's year (0: the
# PK signed in January; n: the n-th PK Perubahan); the highest is the one in force. Its
# content (parties, targets, programs: history.model.PkRevision) is one JSON document.
_V5 = (
    """CREATE TABLE pk (
        agency_id INTEGER NOT NULL REFERENCES agency(id),
        year INTEGER NOT NULL,
        revision INTEGER NOT NULL CHECK (revision >= 0),
        recorded_at TEXT NOT NULL,      -- ISO 8601, UTC: when this content was recorded
        signed_on TEXT,                 -- the date printed (ISO 8601); NULL: left blank
        content TEXT NOT NULL,          -- JSON: first_party, second_party, targets, programs
        PRIMARY KEY (agency_id, year, revision)
    ) WITHOUT ROWID""",
)

#: ``MIGRATIONS[i]`` takes a file from schema version ``i`` to ``i + 1``.
MIGRATIONS: tuple[tuple[str, ...], ...] = (_V1, _V2, _V3, _V4, _V5)
SCHEMA_VERSION = len(MIGRATIONS)


def connect(path: Path, create: bool = True) -> sqlite3.Connection:
    """Open (and, with ``create``, make) the history file at ``path``, migrated to
    ``SCHEMA_VERSION``. Raises HistoryError with an Indonesian message for a missing
    file (``create=False``), a file that is not an iku history, or a newer schema."""
    path = Path(path)
    _check_file(path, create)
    if create:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise HistoryError(f"folder riwayat {path.parent} tidak dapat dibuat "
                               f"({exc.strerror or exc})") from None
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                           check_same_thread=False)
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        _check_identity(conn, path)
        _set_wal(conn)
        conn.execute("PRAGMA synchronous = FULL")
        migrate(conn, path)
    except BaseException:
        conn.close()
        raise
    return conn


def _check_file(path: Path, create: bool) -> None:
    if path.is_dir():
        raise HistoryError(f"{path} adalah folder; berikan nama berkas riwayat (.sqlite)")
    if not path.exists():
        if not create:
            raise HistoryError(
                f"berkas riwayat {path} belum ada: riwayat terisi oleh `iku riwayat impor` "
                "(dan, nanti, oleh setiap `iku report`)")
        return
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise HistoryError(f"berkas riwayat {path} tidak dapat dibaca "
                           f"({exc.strerror or exc})") from None
    if head and head != SQLITE_MAGIC:
        raise HistoryError(f"{path} bukan berkas riwayat iku (bukan basis data SQLite); "
                           "pilih berkas lain dengan --riwayat")


def _check_identity(conn: sqlite3.Connection, path: Path) -> None:
    # Both reads in one read transaction: another process may be creating the file, and
    # its migration's tables and application_id must be seen together or not at all.
    conn.execute("BEGIN")
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0]
    finally:
        conn.execute("COMMIT")
    if app_id == APPLICATION_ID:
        return
    if app_id != 0 or tables:
        raise HistoryError(f"{path} adalah basis data SQLite milik program lain, bukan "
                           "berkas riwayat iku; pilih berkas lain dengan --riwayat")


def _set_wal(conn: sqlite3.Connection) -> None:
    # Switching a new file to WAL needs a moment alone with it; when two processes create
    # the file at once the loser may get SQLITE_BUSY without the busy handler: retry.
    for attempt in range(100):
        try:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            time.sleep(0.01 * (attempt + 1))
            continue
        if mode.lower() == "wal":
            return
    raise HistoryError("berkas riwayat tidak dapat dialihkan ke mode WAL; coba lagi")


def user_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: sqlite3.Connection, path: Path | str = "") -> int:
    """Bring the file to ``SCHEMA_VERSION`` in one transaction; return the version."""
    found = user_version(conn)
    _refuse_newer(found, path)
    if found == SCHEMA_VERSION:
        return found
    conn.execute("BEGIN IMMEDIATE")
    try:
        found = user_version(conn)  # another process may have migrated meanwhile
        _refuse_newer(found, path)
        for version in range(found, SCHEMA_VERSION):
            for statement in MIGRATIONS[version]:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version + 1}")
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return SCHEMA_VERSION


def _refuse_newer(found: int, path: Path | str) -> None:
    if found > SCHEMA_VERSION:
        raise HistoryError(
            f"berkas riwayat {path} dibuat oleh versi iku yang lebih baru (skema {found}; "
            f"program ini mengenal sampai skema {SCHEMA_VERSION}); perbarui iku, jangan "
            "mengubah berkas ini dengan versi lama")
