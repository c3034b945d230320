"""One collection: the master, its data folder, the period and the links (library, no web).

``open_site(master, folder, quarter, renew_tokens)`` prepares the data folder (``store``),
loads or makes the tokens, reads every unit's versions once into ``store.Uploads`` (the
index the pages read, with the units' ``store.Quota``), reads last year's realisasi from
the history database (read only), and finishes any upload whose check was cut short (a
crash between storing and checking). The web app (``app``) and the server (``server``)
take a ``Site``; tests build one directly.
"""

from __future__ import annotations

import functools
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

from ..domain.master import Master
from ..domain.periods import ANNUAL, quarter_period
from ..errors import HistoryError
from ..history.report import read_prior
from ..intake.safety import MAX_FILE_SIZE
from ..quarter.history import recorded_earlier
from . import checks, reports, store
from .texts import PageTexts, page_texts

log = logging.getLogger("iku.web")


@dataclass
class Site:
    master: Master
    folder: Path
    tokens: store.Tokens
    quarter: int | None = None
    limit: int = MAX_FILE_SIZE  # largest upload accepted (bytes)
    protected: tuple[Path, ...] = ()  # input files no output may replace (the master)
    previous: dict[str, str] = field(default_factory=dict)  # Kode -> last year's realisasi
    history: Path | None = None  # the history database reports are recorded into
    prior_x2: dict = field(default_factory=dict)  # (unit, Kode) -> last year's value
    earlier: dict = field(default_factory=dict)  # a quarter: TW1 … figures, from history
    uploads: store.Uploads | None = None  # every unit's versions and limits (open_site)
    started: reports.Started = field(default_factory=dict)  # earlier quarters read at start
    _combined: checks.Combined | None = field(default=None, repr=False)
    _combined_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _staleness: tuple[tuple, reports.Staleness] | None = field(default=None, repr=False)
    _staleness_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def period(self) -> str:
        return store.period_label(self.quarter)

    @property
    def round(self) -> str:
        """The round's code (``tahunan``, ``TW1`` …) that workbooks carry (issue 10)."""
        return quarter_period(self.quarter) if self.quarter else ANNUAL

    @functools.cached_property
    def texts(self) -> PageTexts:
        """The pages' words for this collection's period (``texts.page_texts``)."""
        return page_texts(self.master, self.quarter)

    @property
    def title(self) -> str:
        return self.texts.title

    def states(self) -> list[store.UnitState]:
        if self.uploads is None:
            return store.unit_states(self.folder, self.master)
        return self.uploads.states()

    def state(self, unit: str) -> store.UnitState:
        if self.uploads is None:
            return next(s for s in self.states() if s.code == unit)
        return self.uploads.state(unit)

    def combined(self, states: list[store.UnitState]) -> checks.Combined:
        """The combined check of the current set, recomputed only when the set changed."""
        key = checks.set_key(states)
        with self._combined_lock:
            if self._combined is None or self._combined.key != key:
                self._combined = checks.combined_check(self.master, self.folder, states,
                                                       self.prior_x2, self.round, self.earlier)
            return self._combined

    def staleness(self) -> reports.Staleness:
        """What the history says no longer holds together (``reports.staleness``), read
        again only when the history file changed (the secretariat's page refreshes every
        30 seconds)."""
        key = _file_state(self.history)
        with self._staleness_lock:
            if self._staleness is None or self._staleness[0] != key:
                self._staleness = (key, reports.staleness(self.master, self.quarter,
                                                          self.history, self.started))
            return self._staleness[1]


def _file_state(path: Path | None) -> tuple:
    """What changes when a SQLite file is written: the file and its write-ahead log."""
    if path is None:
        return ()
    out = []
    for each in (Path(path), Path(f"{path}-wal")):
        try:
            info = each.stat()
            out.append((info.st_mtime_ns, info.st_size))
        except OSError:
            out.append(None)
    return tuple(out)


def open_site(master: Master, folder: Path, quarter: int | None = None,
              renew_tokens: bool = False, limit: int = MAX_FILE_SIZE,
              protected: tuple[Path, ...] = (), history: Path | None = None,
              quota: store.Quota | None = None) -> Site:
    """``history``: the history database to show last year's realisasi from (read only;
    the CLI passes ``history.resolve_path()``); None shows none. ``quota``: what each unit
    may send and keep (default ``store.Quota()``)."""
    folder = Path(folder)
    store.prepare_folder(folder, master, quarter)
    units = [u.code for u in master.reporting_units]
    tokens = store.load_tokens(folder, units, renew=renew_tokens)
    prior_x2, earlier, started = {}, {}, {}
    if history is not None:
        try:
            prior = read_prior(history, master)
            prior_x2 = dict(prior.x2)
            if quarter:  # the earlier quarters as recorded when the page starts
                earlier = recorded_earlier(master, prior.quarters, quarter)[0]
                started = reports.started_quarters(prior.quarters, quarter)
        except HistoryError as exc:  # shown as the column left out; a report says why
            log.warning("riwayat %s tidak dapat dibaca: %s", history, exc)
    site = Site(master, folder, tokens, quarter, limit, protected,
                checks.previous_figures(master, history), history, prior_x2, earlier,
                uploads=store.Uploads(folder, master, quota), started=started)
    for state in site.states():
        for version in state.versions:
            if version.summary is None and version.workbook is not None:
                log.warning("memeriksa ulang unggahan yang terputus: %s versi %d",
                            state.code, version.number)
                site.uploads.save(version, checks.check_upload(
                    master, state.code, version, version.workbook.name, prior_x2,
                    site.round, earlier))
    return site
