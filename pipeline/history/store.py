"""Record runs and read them back: the history's API over one SQLite file.

``open_history(path)`` returns a ``History``; every method takes and returns the plain
dataclasses of ``model``. Contract:

* ``record(snapshot)`` / ``record_many(snapshots)``: one transaction (``BEGIN
  IMMEDIATE``) for the whole call; each snapshot becomes version n + 1 of its (agency,
  year, period) and the current one; earlier versions stay (the audit trail). A locked
  year raises ``YearLocked`` unless ``unlock=True`` (the report's ``--buka-kunci``),
  which records the version, marks it ``over_lock`` and moves the lock onto it. Any
  error rolls the whole call back: nothing is half-recorded.
* ``current``, ``versions``, ``series``, ``previous_year_figure(s)``, ``agencies``,
  ``lock_info``: reads, never writes.
* ``lock(agency_key, year)``: lock the year on its current annual version.

SQLite's own errors are translated into ``HistoryError`` with an Indonesian message at
this edge (a busy file after the timeout, a full disk, a damaged file).

Fault injection for the kill tests: when the environment variable ``KILL_ENV`` names one
of ``KILL_POINTS``, ``record_many`` kills its own process at that point
(``system.kill_self``, as a power cut would).

**Connections held for a batch** (``iku report --all``, issue 25): within
``connections_held()`` (or after ``hold_connections()``, in a worker process for its whole
life) ``open_history`` opens each file once and hands the same connection out again, so an
agency's reading and recording no longer pay for opening, checking and migrating the file
twice each; leaving (``close_held``) closes them. Nothing else changes: every report is
still read and recorded in its own transactions (``recording``: the version written, the
report placed, then the COMMIT; docs/RIWAYAT.md), a connection is handed out only with no
transaction open, and a file that was replaced or removed meanwhile is opened afresh.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import stat
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .. import system
from ..domain.frozen import made
from ..domain.zones import local_time_text
from ..errors import HistoryError, NotCommitted, YearLocked
from . import schema
from .model import (
    ANNUAL,
    PERIODS,
    AgencyInfo,
    Figure,
    IndicatorRecord,
    IndicatorSeries,
    LockInfo,
    PkParty,
    PkProgram,
    PkRevision,
    PkTarget,
    RunInfo,
    RunSnapshot,
    Series,
    StoredRun,
    UnitFigure,
    agency_key,
    check_target,
    fingerprint,
    master_key,
    now,
)

#: How many blobs (the master's text, the Word template) a History keeps once read.
BLOBS_KEPT = 4

KILL_ENV = "IKU_HISTORY_KILL_AT"
#: Where ``record_many`` may be killed: before its transaction, inside it (after the run
#: row, after the figures, just before COMMIT), and after it.
KILL_POINTS = ("before_begin", "after_run", "after_figures", "before_commit",
               "after_commit")
ZLIB_LEVEL = 9


@dataclass
class Recording:
    """A version being recorded by ``History.recording``."""

    version: int
    committed: bool = False


def open_history(path: Path | str, create: bool = True) -> History:
    """Open the history file (made and migrated when ``create``); use as a context
    manager or call ``close()``. While connections are held (``connections_held``), the
    file's held connection is handed out, and ``close()`` leaves it open."""
    path = Path(path)
    if _HELD is not None:
        return _held(path, create)
    with _translated(path):
        return History(schema.connect(path, create=create), path)


# Held connections (see the module docstring): absolute path → (the History, the file's
# identity when it was opened); None when connections are not held.
_HELD: dict[str, tuple[History, tuple[int, int]]] | None = None


def hold_connections() -> None:
    """From now on, ``open_history`` keeps each file's connection open and hands it out
    again (``close_held`` closes them and stops holding)."""
    global _HELD
    if _HELD is None:
        _HELD = {}


def close_held() -> None:
    """Close every held connection and stop holding."""
    global _HELD
    held, _HELD = _HELD, None
    for history, _ in (held or {}).values():
        history.held = False
        history.close()


@contextmanager
def connections_held() -> Iterator[None]:
    """Hold the connections of the ``with`` body (nested: the outer one closes them)."""
    if _HELD is not None:
        yield
        return
    hold_connections()
    try:
        yield
    finally:
        close_held()


def _held(path: Path, create: bool) -> History:
    assert _HELD is not None
    key = os.path.abspath(path)
    found = _HELD.get(key)
    if found is not None:
        history, identity = found
        if _identity(path) == identity:
            if history.conn.in_transaction:  # a caller's exception left one open
                history._rollback()
            return history
        del _HELD[key]  # replaced or removed since: open it afresh
        history.held = False
        history.close()
    with _translated(path):
        history = History(schema.connect(path, create=create), path)
    history.held = True
    _HELD[key] = (history, _identity(path))
    return history


def _identity(path: Path) -> tuple[int, int]:
    try:
        st = os.stat(path)
    except OSError:
        return (-1, -1)
    return (st.st_dev, st.st_ino)


class History:
    def __init__(self, conn: sqlite3.Connection, path: Path):
        self.conn = conn
        self.path = path
        self.held = False  # held for a batch (``connections_held``): ``close`` leaves it
        # the blobs read last (sha256 → bytes; a blob is never changed, its key is its
        # content's hash): a batch's runs share their template, read once, not once per
        # agency. At most BLOBS_KEPT, the least recently read dropped first.
        self._blobs: dict[str, bytes] = {}

    def close(self) -> None:
        if not self.held:
            self.conn.close()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- writing --------------------------------------------------------------------------

    def record(self, snapshot: RunSnapshot, *, unlock: bool = False) -> int:
        """Record one run; return its version number."""
        return self.record_many([snapshot], unlock=unlock)[0]

    def record_many(self, snapshots: Sequence[RunSnapshot], *, unlock: bool = False
                    ) -> list[int]:
        """Record several runs in one transaction (all or none); return their versions."""
        for snap in snapshots:
            _check_snapshot(snap)
        _checkpoint("before_begin")
        with _translated(self.path), self._write():
            versions = [self._insert(snap, unlock) for snap in snapshots]
            _checkpoint("before_commit")
        _checkpoint("after_commit")
        return versions

    @contextmanager
    def recording(self, snapshot: RunSnapshot, *, unlock: bool = False
                  ) -> Iterator[Recording]:
        """Record one run in a transaction that commits only when the ``with`` body
        returns: the runner publishes the report inside it (docs/RIWAYAT.md, "Publishing
        and recording"), so a history that cannot take the version refuses before the
        report is placed, and a placement that fails records nothing. Yields a
        ``Recording`` (the version; ``committed`` once the COMMIT is done).

        The write lock is held while the body runs (the placement: renames, milliseconds;
        the rendering and any PDF conversion happen before). An exception from the body
        rolls the version back and propagates. A COMMIT that fails raises
        ``NotCommitted`` after the body ran: the caller undoes the placement. Kill points
        (``KILL_ENV``): ``before_begin``, ``after_run``, ``after_figures`` (the version
        written, the body not run), ``before_commit`` (the body ran, nothing committed:
        the moment the protocol's recovery is for) and ``after_commit``."""
        _check_snapshot(snapshot)
        _checkpoint("before_begin")
        with _translated(self.path):
            self.conn.execute("BEGIN IMMEDIATE")
        try:
            with _translated(self.path):
                done = Recording(self._insert(snapshot, unlock))
            yield done
        except BaseException:
            self._rollback()
            raise
        try:
            with _translated(self.path):
                _checkpoint("before_commit")
                self.conn.execute("COMMIT")
        except HistoryError as exc:
            self._rollback()
            raise NotCommitted(str(exc)) from None
        except BaseException:
            self._rollback()
            raise
        done.committed = True
        _checkpoint("after_commit")

    def _rollback(self) -> None:
        try:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass  # the connection is closed next; SQLite rolls an open transaction back

    def check_writable(self) -> None:
        """Raise HistoryError (Indonesian) unless a version could be written now: the
        file is not marked read-only, and the write lock can be taken (a read-only file
        system, a file held by another process past the busy timeout). Writes nothing."""
        if self.path.exists() and not os.stat(self.path).st_mode & stat.S_IWUSR:
            raise HistoryError(
                f"berkas riwayat {self.path} bersifat baca-saja (read-only), sehingga angka "
                "tahun ini tidak dapat dicatat; laporan tidak ditulis agar laporan dan "
                "riwayat tetap sesuai. Izinkan penulisan berkas itu (atau pilih berkas lain "
                "dengan --riwayat), lalu jalankan lagi")
        with _translated(self.path):
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.execute("ROLLBACK")

    def lock(self, agency_key: str, year: int) -> LockInfo:
        """Lock ``year`` on its current annual version (again, if it is already locked on
        an earlier one). Raises HistoryError when the year has not been recorded."""
        with _translated(self.path), self._write():
            row = self.conn.execute(
                "SELECT r.id, r.agency_id FROM run r JOIN agency a ON a.id = r.agency_id "
                "WHERE a.key = ? AND r.year = ? AND r.period = ? AND r.is_current = 1",
                (agency_key, year, ANNUAL)).fetchone()
            if row is None:
                raise HistoryError(
                    f"tahun {year} instansi '{agency_key}' belum tercatat di riwayat "
                    f"{self.path}, sehingga tidak dapat dikunci; catat dulu (iku report atau "
                    "iku riwayat impor)")
            run_id, agency_id = row
            held = self.conn.execute(
                "SELECT run_id FROM year_lock WHERE agency_id = ? AND year = ?",
                (agency_id, year)).fetchone()
            if held is None:
                self.conn.execute("INSERT INTO year_lock VALUES (?, ?, ?, ?)",
                                  (agency_id, year, _iso(now()), run_id))
            elif held[0] != run_id:
                self.conn.execute(
                    "UPDATE year_lock SET run_id = ?, locked_at = ? "
                    "WHERE agency_id = ? AND year = ?", (run_id, _iso(now()), agency_id, year))
        info = self.lock_info(agency_key, year)
        assert info is not None
        return info

    def record_pk(self, agency_key: str, agency_name: str, pk: PkRevision) -> None:
        """Record revision ``pk.revision`` of the agency's PK for ``pk.year``, replacing
        what that revision held (a PK not yet signed is rebuilt as often as needed; a new
        revision is a new row). One transaction. The caller decides the revision
        (``pk.history.plan``)."""
        if not isinstance(pk.year, int) or not 1900 <= pk.year <= 2200 or pk.revision < 0:
            raise ValueError(f"PK tidak sah: tahun {pk.year!r}, revisi {pk.revision!r}")
        for row in pk.targets:
            check_target(row.target)
        with _translated(self.path), self._write():
            agency_id = self._agency_id(agency_key, agency_name)
            self.conn.execute(
                "INSERT OR REPLACE INTO pk (agency_id, year, revision, recorded_at, signed_on, "
                "content) VALUES (?, ?, ?, ?, ?, ?)",
                (agency_id, pk.year, pk.revision, _iso(pk.recorded_at or now()),
                 pk.signed_on.isoformat() if pk.signed_on else None, _pk_json(pk)))

    # --- reading --------------------------------------------------------------------------

    def pk_revisions(self, agency_key: str, year: int) -> list[PkRevision]:
        """Every recorded revision of the agency's PK for ``year``, oldest first (the last
        is the one in force); [] when none."""
        with _translated(self.path):
            rows = self.conn.execute(
                "SELECT p.year, p.revision, p.recorded_at, p.signed_on, p.content FROM pk p "
                "JOIN agency a ON a.id = p.agency_id WHERE a.key = ? AND p.year = ? "
                "ORDER BY p.revision", (agency_key, year)).fetchall()
        return [_pk_value(*row) for row in rows]

    def is_locked(self, agency_key: str, year: int) -> bool:
        return self.lock_info(agency_key, year) is not None

    def lock_info(self, agency_key: str, year: int) -> LockInfo | None:
        with _translated(self.path):
            row = self.conn.execute(
                "SELECT l.locked_at, r.version FROM year_lock l "
                "JOIN agency a ON a.id = l.agency_id JOIN run r ON r.id = l.run_id "
                "WHERE a.key = ? AND l.year = ?", (agency_key, year)).fetchone()
        if row is None:
            return None
        return LockInfo(agency_key, year, _time(row[0]), row[1])

    def agencies(self) -> list[AgencyInfo]:
        """Every agency recorded, by name, with the years of its current annual runs."""
        with _translated(self.path):
            rows = self.conn.execute(
                "SELECT a.key, a.name, group_concat(r.year) FROM agency a LEFT JOIN run r "
                "ON r.agency_id = a.id AND r.is_current = 1 AND r.period = ? "
                "GROUP BY a.id ORDER BY a.name, a.key", (ANNUAL,)).fetchall()
        return [AgencyInfo(k, n, tuple(sorted(int(y) for y in (ys or "").split(",") if y)))
                for k, n, ys in rows]

    def versions(self, agency_key: str, year: int, period: str | None = None
                 ) -> list[RunInfo]:
        """Every recorded version of a year (of one period, or of all), oldest first."""
        where, args = "a.key = ? AND r.year = ?", [agency_key, year]
        if period is not None:
            where += " AND r.period = ?"
            args.append(period)
        with _translated(self.path):
            rows = self.conn.execute(_RUN_INFO + f" WHERE {where} ORDER BY "
                                     + _PERIOD_ORDER + ", r.version", args).fetchall()
        return [_run_info(row) for row in rows]

    def built_from_now(self, agency_key: str, from_year: int | None = None
                       ) -> list[tuple[int, str, int, str, int, str, int, int | None]]:
        """For each current run of the agency (of ``from_year`` and later) and each period
        it was built from: (year, period, version, source, source year, source period,
        version used, version current now or None)."""
        where, args = "a.key = ? AND r.is_current = 1", [agency_key]
        if from_year is not None:
            where += " AND r.year >= ?"
            args.append(from_year)
        with _translated(self.path):
            return [tuple(row) for row in self.conn.execute(
                "SELECT r.year, r.period, r.version, r.source, s.year, s.period, s.version, "
                "(SELECT q.version FROM run q WHERE q.agency_id = r.agency_id AND "
                "q.year = s.year AND q.period = s.period AND q.is_current = 1) "
                "FROM run r JOIN agency a ON a.id = r.agency_id "
                f"JOIN run_source s ON s.run_id = r.id WHERE {where} "
                "ORDER BY r.year, r.period, s.year, s.period", args).fetchall()]

    def current_runs(self, agency_key: str, from_year: int | None = None) -> list[RunInfo]:
        """The current version of every year and period of the agency (of ``from_year``
        and later), in year and period order."""
        where, args = "a.key = ? AND r.is_current = 1", [agency_key]
        if from_year is not None:
            where += " AND r.year >= ?"
            args.append(from_year)
        with _translated(self.path):
            rows = self.conn.execute(_RUN_INFO + f" WHERE {where} ORDER BY r.year, "
                                     + _PERIOD_ORDER, args).fetchall()
        return [_run_info(row) for row in rows]

    def current(self, agency_key: str, year: int, period: str = ANNUAL) -> StoredRun | None:
        """The current version of a year and period, with its snapshot; None if none."""
        with _translated(self.path):
            row = self.conn.execute(
                _RUN_INFO + " WHERE a.key = ? AND r.year = ? AND r.period = ? "
                "AND r.is_current = 1", (agency_key, year, period)).fetchone()
            if row is None:
                return None
            return self._stored(row)

    def version(self, agency_key: str, year: int, version: int, period: str = ANNUAL
                ) -> StoredRun | None:
        """One given version of a year and period, current or not."""
        with _translated(self.path):
            row = self.conn.execute(
                _RUN_INFO + " WHERE a.key = ? AND r.year = ? AND r.period = ? "
                "AND r.version = ?", (agency_key, year, period, version)).fetchone()
            return None if row is None else self._stored(row)

    def series(self, agency_key: str, years: Iterable[int] | None = None,
               last: int | None = None, period: str = ANNUAL,
               as_of: dt.datetime | None = None) -> Series:
        """An agency's indicators across years (current versions), joined by key and by
        ``kode_lama`` (see ``join_series``). ``years`` keeps only those years; ``last``
        keeps the latest n of what remains. ``as_of``: each year's version that was
        current at that moment instead (what a report recorded then had seen)."""
        with _translated(self.path):
            agency = self.conn.execute("SELECT id, name FROM agency WHERE key = ?",
                                       (agency_key,)).fetchone()
            if agency is None:
                return Series(agency_key, "", period, (), ())
            if as_of is None:
                runs = self.conn.execute(
                    "SELECT id, year, version, agency_name FROM run WHERE agency_id = ? AND "
                    "period = ? AND is_current = 1 ORDER BY year",
                    (agency[0], period)).fetchall()
            else:
                runs = self.conn.execute(
                    "SELECT id, year, version, agency_name FROM run r WHERE agency_id = ? "
                    "AND period = ? AND recorded_at <= ? AND version = (SELECT max(version) "
                    "FROM run q WHERE q.agency_id = r.agency_id AND q.year = r.year AND "
                    "q.period = r.period AND q.recorded_at <= ?) ORDER BY year",
                    (agency[0], period, _iso(as_of), _iso(as_of))).fetchall()
            if years is not None:
                wanted = set(years)
                runs = [r for r in runs if r[1] in wanted]
            if last is not None:
                runs = runs[-last:] if last > 0 else []
            by_year = {year: [Figure(year, period, version, rec)
                              for rec in self._records(run_id)]
                       for run_id, year, version, _ in runs}
        name = runs[-1][3] if runs else agency[1]
        return Series(agency_key, name, period, tuple(by_year), join_series(by_year))

    def previous_year_figure(self, agency_key: str, year: int, indicator_key: str,
                             kode_lama: Sequence[str] = ()) -> Figure | None:
        """The indicator's figure in the current annual version of ``year - 1``: the one
        with key ``indicator_key``, else the first with a key in ``kode_lama``; None if
        none."""
        return self.previous_year_figures(agency_key, year,
                                          [(indicator_key, tuple(kode_lama))])[indicator_key]

    def previous_year_figures(self, agency_key: str, year: int,
                              wanted: Sequence[tuple[str, Sequence[str]]],
                              ) -> dict[str, Figure | None]:
        """``previous_year_figure`` for many indicators at once (``wanted``: pairs of key
        and kode_lama), reading last year's run once: key → figure or None."""
        with _translated(self.path):
            row = self.conn.execute(
                "SELECT r.id, r.version FROM run r JOIN agency a ON a.id = r.agency_id "
                "WHERE a.key = ? AND r.year = ? AND r.period = ? AND r.is_current = 1",
                (agency_key, year - 1, ANNUAL)).fetchone()
            if row is None:
                return {key: None for key, _ in wanted}
            records = {rec.key: rec for rec in self._records(row[0])}
        found: dict[str, Figure | None] = {}
        for indicator_key, kode_lama in wanted:
            key = next((k for k in (indicator_key, *kode_lama) if k in records), None)
            found[indicator_key] = (None if key is None
                                    else Figure(year - 1, ANNUAL, row[1], records[key]))
        return found

    def find_agency(self, key: str, name: str = "") -> str | None:
        """The key an agency is filed under: ``key`` itself, else (given its name) the
        agency filed under ``agency_key(name)``, or the only one whose latest name
        normalises like ``name``. None if not recorded. Lets a master with an explicit
        code find what was imported or recorded by name, and the other way round."""
        with _translated(self.path):
            found = self._find(key, name)
        return None if found is None else found[1]

    def agency_of(self, master) -> str | None:
        """The key ``master``'s agency is filed under (``find_agency`` with the master's
        own key and name), or None when it was never recorded. The one lookup every reader
        of the history uses."""
        return self.find_agency(master_key(master), master.agency.name)

    def key_for(self, master) -> str:
        """The key to file ``master``'s agency under: where it is filed already, else the
        master's own key (a first record)."""
        return self.agency_of(master) or master_key(master)

    # --- internals ------------------------------------------------------------------------

    def _find(self, key: str, name: str) -> tuple[int, str] | None:
        c = self.conn
        row = c.execute("SELECT id, key FROM agency WHERE key = ?", (key,)).fetchone()
        if row is not None or not name:
            return row
        name_key = agency_key(name)
        row = c.execute("SELECT id, key FROM agency WHERE key = ?", (name_key,)).fetchone()
        if row is not None:
            return row
        rows = c.execute("SELECT id, key FROM agency WHERE name_key = ?",
                         (name_key,)).fetchall()
        return rows[0] if len(rows) == 1 else None

    @contextmanager
    def _write(self) -> Iterator[None]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def _agency_id(self, key: str, name: str) -> int:
        """The agency's row, made or updated (its latest name; the code adopted)."""
        c = self.conn
        name_key = agency_key(name)
        found = self._find(key, name)
        if found is None:
            return c.execute("INSERT INTO agency (key, name, name_key) VALUES (?, ?, ?)",
                             (key, name, name_key)).lastrowid
        agency_id, filed = found
        if filed == name_key != key:  # filed by name until now: adopt the code
            filed = key
        c.execute("UPDATE agency SET key = ?, name = ?, name_key = ? WHERE id = ?",
                  (filed, name, name_key, agency_id))
        return agency_id

    def _insert(self, snap: RunSnapshot, unlock: bool) -> int:
        c = self.conn
        agency_id = self._agency_id(snap.agency_key, snap.agency_name)
        held = c.execute("SELECT locked_at FROM year_lock WHERE agency_id = ? AND year = ?",
                         (agency_id, snap.year)).fetchone()
        if held and not unlock:
            raise YearLocked(
                f"riwayat tahun {snap.year} {snap.agency_name} sudah dikunci "
                f"(ditandatangani) pada {format_time(_time(held[0]))}; versi baru hanya "
                "dicatat bila kunci dibuka dengan tegas (iku report --buka-kunci)")
        version = c.execute(
            "SELECT coalesce(max(version), 0) + 1 FROM run WHERE agency_id = ? AND year = ? "
            "AND period = ?", (agency_id, snap.year, snap.period)).fetchone()[0]
        c.execute("UPDATE run SET is_current = 0 WHERE agency_id = ? AND year = ? AND "
                  "period = ? AND is_current = 1", (agency_id, snap.year, snap.period))
        master = self._blob(snap.master_text.encode("utf-8"))
        template = self._blob(snap.template)
        run_id = c.execute(
            "INSERT INTO run (agency_id, year, period, version, is_current, recorded_at, "
            "agency_name, source, master_sha256, master_fingerprint, template_sha256, "
            "template_fingerprint, source_fingerprint, over_lock, report_stamp, report_path) "
            "VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (agency_id, snap.year, snap.period, version, _iso(snap.recorded_at or now()),
             snap.agency_name, snap.source, master, snap.master_fingerprint, template,
             snap.template_fingerprint, snap.source_fingerprint, int(bool(held)),
             snap.report_stamp, snap.report_path)).lastrowid
        c.executemany("INSERT INTO run_source VALUES (?, ?, ?, ?)",
                      [(run_id, y, p, v) for y, p, v in snap.built_from])
        _checkpoint("after_run")
        self._insert_figures(run_id, snap.indicators)
        _checkpoint("after_figures")
        if held and snap.period == ANNUAL:
            c.execute("UPDATE year_lock SET run_id = ? WHERE agency_id = ? AND year = ?",
                      (run_id, agency_id, snap.year))
        return version

    def _insert_figures(self, run_id: int, records: Sequence[IndicatorRecord]) -> None:
        prints: dict[str, int] = {}
        figures, units = [], []
        for pos, rec in enumerate(records):
            figures.append((run_id, pos, rec.key, rec.code,
                            ",".join(rec.kode_lama) or None, rec.kind, rec.name,
                            rec.unit_of_measure, _target_json(rec.target), rec.realisation,
                            rec.realisation_label, rec.achievement, rec.predikat, rec.status,
                            _extra_json(rec)))
            for seq, u in enumerate(rec.contributions):
                n = None
                if u.submission_fingerprint:
                    n = prints.setdefault(u.submission_fingerprint, len(prints))
                units.append((run_id, pos, seq, u.unit, u.x1, u.x2, u.note, n, u.analysis,
                              u.obstacles, u.follow_up))
        c = self.conn
        c.executemany("INSERT INTO submission VALUES (?, ?, ?)",
                      [(run_id, n, fp) for fp, n in prints.items()])
        c.executemany(
            "INSERT INTO figure (run_id, position, key, code, kode_lama, kind, name, "
            "unit_of_measure, target, realisation, realisation_label, achievement, predikat, "
            "status, extra) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", figures)
        c.executemany(
            "INSERT INTO contribution (run_id, position, seq, unit, x1, x2, note, submission, "
            "analysis, obstacles, follow_up) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", units)

    def _blob(self, data: bytes) -> str | None:
        if not data:
            return None
        key = fingerprint(data)
        if self.conn.execute("SELECT 1 FROM blob WHERE sha256 = ?", (key,)).fetchone() is None:
            self.conn.execute("INSERT INTO blob VALUES (?, ?, ?)",
                              (key, len(data), zlib.compress(data, ZLIB_LEVEL)))
        return key

    def _read_blob(self, key: str | None) -> bytes:
        if key is None:
            return b""
        blobs = self._blobs
        data = blobs.pop(key, None)
        if data is None:
            (packed,) = self.conn.execute("SELECT zdata FROM blob WHERE sha256 = ?",
                                          (key,)).fetchone()
            data = zlib.decompress(packed)
            if self.conn.in_transaction:  # a blob of a version that may yet roll back
                return data
            while len(blobs) >= BLOBS_KEPT:
                del blobs[next(iter(blobs))]
        blobs[key] = data  # the most recently read last
        return data

    def _records(self, run_id: int) -> list[IndicatorRecord]:
        """The run's records, made with ``frozen.made`` (the constructors' instances, held
        to them by tests/test_history_fast.py)."""
        prints = dict(self.conn.execute(
            "SELECT n, fingerprint FROM submission WHERE run_id = ?", (run_id,)).fetchall())
        units: dict[int, list[UnitFigure]] = {}
        for pos, unit, x1, x2, note, n, analysis, obstacles, follow_up in self.conn.execute(
                "SELECT position, unit, x1, x2, note, submission, analysis, obstacles, "
                "follow_up FROM contribution WHERE run_id = ? ORDER BY position, seq",
                (run_id,)):
            figure = made(UnitFigure, {
                "unit": unit, "x1": x1, "x2": x2, "note": note,
                "submission_fingerprint": prints.get(n, "") if n is not None else "",
                "analysis": analysis, "obstacles": obstacles, "follow_up": follow_up})
            units.setdefault(pos, []).append(figure)
        records = []
        for pos, key, code, old, kind, name, uom, target, real, label, ach, pred, status, \
                extra in self.conn.execute(
                "SELECT position, key, code, kode_lama, kind, name, unit_of_measure, target, "
                "realisation, realisation_label, achievement, predikat, status, extra "
                "FROM figure WHERE run_id = ? ORDER BY position", (run_id,)):
            fields = {**_NO_EXTRA, **_extra_fields(extra)} if extra else _NO_EXTRA
            records.append(made(IndicatorRecord, {
                "key": key, "code": code, "kind": kind, "name": name,
                "unit_of_measure": uom, "target": _target_value(target), "realisation": real,
                "realisation_label": label, "achievement": ach, "predikat": pred,
                "status": status, "kode_lama": tuple(old.split(",")) if old else (),
                "contributions": tuple(units.get(pos, ())), **fields}))
        return records

    def _stored(self, row: tuple) -> StoredRun:
        info = _run_info(row)
        run_id, master_key, template_key = row[-3:]
        snap = RunSnapshot(
            agency_key=info.agency_key, agency_name=info.agency_name, year=info.year,
            indicators=tuple(self._records(run_id)), period=info.period, source=info.source,
            recorded_at=info.recorded_at,
            master_text=self._read_blob(master_key).decode("utf-8"),
            master_fingerprint=info.master_fingerprint, template=self._read_blob(template_key),
            template_fingerprint=info.template_fingerprint,
            source_fingerprint=info.source_fingerprint, report_stamp=info.report_stamp,
            report_path=info.report_path, built_from=self._built_from(run_id))
        return StoredRun(info, snap)

    def _built_from(self, run_id: int) -> tuple[tuple[int, str, int], ...]:
        return tuple(self.conn.execute(
            "SELECT year, period, version FROM run_source WHERE run_id = ? "
            "ORDER BY year, period", (run_id,)).fetchall())


# Columns of RunInfo, then the run id and blob keys _stored needs.
_RUN_INFO = (
    "SELECT a.key, r.agency_name, r.year, r.period, r.version, r.recorded_at, r.source, "
    "r.master_fingerprint, r.template_fingerprint, r.source_fingerprint, r.is_current, "
    "r.over_lock, "
    "EXISTS (SELECT 1 FROM year_lock l WHERE l.run_id = r.id), "
    "(SELECT count(*) FROM figure f WHERE f.run_id = r.id), r.report_stamp, r.report_path, "
    "r.id, r.master_sha256, r.template_sha256 "
    "FROM run r JOIN agency a ON a.id = r.agency_id"
)
_PERIOD_ORDER = ("CASE r.period " + " ".join(f"WHEN '{p}' THEN {i}"
                                             for i, p in enumerate(PERIODS)) + " END")


def _run_info(row: tuple) -> RunInfo:
    (key, name, year, period, version, at, source, master_fp, template_fp, source_fp,
     current, over_lock, locked, count, report_stamp, report_path) = row[:16]
    return RunInfo(key, name, year, period, version, _time(at), source, master_fp,
                   template_fp, source_fp, bool(current), bool(over_lock), bool(locked), count,
                   report_stamp, report_path)


def join_series(by_year: dict[int, list[Figure]]) -> tuple[IndicatorSeries, ...]:
    """Chain each year's figures into series, newest year first.

    A figure of year y continues, in the latest earlier year that has one, the figure
    with the same key, else the first whose key is in its ``kode_lama``. Chains start at the
    newest year an indicator appears in (indicators dropped earlier still get a row);
    rows come in that year's order, newer years first.
    """
    years = sorted(by_year, reverse=True)
    used: set[tuple[int, str]] = set()
    chains: list[IndicatorSeries] = []
    for i, year in enumerate(years):
        for fig in by_year[year]:
            if (year, fig.record.key) in used:
                continue
            chain, here = [fig], fig
            used.add((year, fig.record.key))
            for earlier in years[i + 1:]:
                found = {f.record.key: f for f in by_year[earlier]
                         if (earlier, f.record.key) not in used}
                nxt = next((found[k] for k in (here.record.key, *here.record.kode_lama)
                            if k in found), None)
                if nxt is None:
                    continue
                chain.append(nxt)
                used.add((earlier, nxt.record.key))
                here = nxt
            rec = fig.record
            chains.append(IndicatorSeries(rec.key, rec.name, rec.kind, rec.unit_of_measure,
                                          tuple(reversed(chain))))
    return tuple(chains)


# --- values in and out -------------------------------------------------------------------


def _check_snapshot(snap: RunSnapshot) -> None:
    """Refuse what a caller should never pass (a bug, not bad input): ValueError."""
    if snap.period not in PERIODS:
        raise ValueError(f"periode tidak dikenal: {snap.period!r} (pilihan: {PERIODS})")
    if not isinstance(snap.year, int) or not 1900 <= snap.year <= 2200:
        raise ValueError(f"tahun tidak sah: {snap.year!r}")
    if not snap.agency_key:
        raise ValueError("agency_key kosong")
    keys = [r.key for r in snap.indicators]
    if len(set(keys)) != len(keys):
        raise ValueError(f"kunci indikator berulang dalam satu catatan: {keys}")
    for year, period, version in snap.built_from:
        if period not in PERIODS or not isinstance(year, int) or not isinstance(version, int):
            raise ValueError(f"sumber tidak sah: {(year, period, version)!r}")
    for rec in snap.indicators:
        check_target(rec.target)
        if isinstance(rec.kode_lama, str) or any("," in k or not k for k in rec.kode_lama):
            raise ValueError(f"kode_lama harus tuple kode tanpa koma: {rec.kode_lama!r}")
    if snap.recorded_at is not None and snap.recorded_at.tzinfo is None:
        raise ValueError("recorded_at harus memakai zona waktu (mis. datetime.now(UTC))")


_EXTRA = ("previous_achievement", "previous_realisation", "derivation")
# IndicatorRecord's defaults of the _EXTRA fields, in its field order (a run's records
# without an extra text get these)
_NO_EXTRA = {"previous_achievement": None, "previous_realisation": None, "derivation": ""}


def _extra_json(rec: IndicatorRecord) -> str | None:
    extra = {name: getattr(rec, name) for name in _EXTRA
             if getattr(rec, name) is not None and getattr(rec, name) != ""}
    return json.dumps(extra, sort_keys=True) if extra else None


def _extra_fields(text: str | None) -> dict:
    return {k: v for k, v in json.loads(text).items() if k in _EXTRA} if text else {}


def _target_json(target) -> str | None:
    return None if target is None else json.dumps(target, ensure_ascii=False)


def _target_value(text: str | None):
    if text is None:
        return None
    value = json.loads(text)
    return tuple(value) if isinstance(value, list) else value


def _pk_json(pk: PkRevision) -> str:
    def party(p: PkParty) -> dict:
        return {"title": p.title, "name": p.name, "rank": p.rank, "nip": p.nip}

    return json.dumps({
        "first_party": party(pk.first_party),
        "second_party": party(pk.second_party),
        "targets": [{"code": t.code, "sasaran_no": t.sasaran_no, "sasaran": t.sasaran,
                     "indicator": t.indicator, "unit_of_measure": t.unit_of_measure,
                     "target": t.target, "decimals": t.decimals} for t in pk.targets],
        "programs": [{"program": p.program, "ceiling": p.ceiling, "note": p.note}
                     for p in pk.programs],
    }, ensure_ascii=False, sort_keys=True)


def _pk_value(year: int, revision: int, recorded_at: str, signed_on: str | None,
              content: str) -> PkRevision:
    data = json.loads(content)
    return PkRevision(
        year=year, revision=revision,
        signed_on=dt.date.fromisoformat(signed_on) if signed_on else None,
        first_party=PkParty(**data["first_party"]),
        second_party=PkParty(**data["second_party"]),
        targets=tuple(PkTarget(**{**t, "target": _target_value(json.dumps(t["target"]))})
                      for t in data["targets"]),
        programs=tuple(PkProgram(**p) for p in data["programs"]),
        recorded_at=_time(recorded_at))


def _iso(t: dt.datetime) -> str:
    return t.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def format_time(t: dt.datetime, zone: dt.tzinfo | None = None) -> str:
    """``2022-01-31 03:04 UTC`` → ``31-01-2022 10.04 WIB``: in the agency's ``zone``
    (``Agency.zone()``), or the computer's, named WIB/WITA/WIT (``domain.zones``)."""
    return local_time_text(t, zone)


def _checkpoint(name: str) -> None:
    if os.environ.get(KILL_ENV) == name:
        system.kill_self()


_SQLITE_HINTS = (
    (("locked", "busy"), "sedang dipakai proses lain lebih dari "
     f"{schema.BUSY_TIMEOUT_MS // 1000} detik; tunggu proses itu selesai lalu coba lagi"),
    (("full",), "tidak dapat ditulis karena disk penuh; kosongkan ruang disk lalu coba lagi"),
    (("readonly", "read-only", "unable to open", "permission"),
     "tidak dapat dibuka untuk ditulis; periksa izin berkas dan foldernya"),
    (("not a database", "malformed", "corrupt", "disk i/o"),
     "rusak atau bukan berkas riwayat iku; pulihkan dari cadangan atau pilih berkas lain "
     "dengan --riwayat"),
)


@contextmanager
def _translated(path: Path) -> Iterator[None]:
    """SQLite's operational errors as HistoryError (an Indonesian message, exit 1)."""
    try:
        yield
    except (sqlite3.OperationalError, sqlite3.DatabaseError) as exc:
        if isinstance(exc, sqlite3.IntegrityError | sqlite3.ProgrammingError):
            raise  # a bug: the schema refused what the code wrote
        text = str(exc).lower()
        for words, hint in _SQLITE_HINTS:
            if any(w in text for w in words):
                raise HistoryError(f"berkas riwayat {path} {hint} ({exc})") from None
        raise HistoryError(f"berkas riwayat {path} tidak dapat dipakai ({exc})") from None
