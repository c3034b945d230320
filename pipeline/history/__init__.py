"""The history (riwayat): what each year's runs recorded, kept in one SQLite file.

Library first: ``open_history(path)`` returns a ``History`` whose methods take and return
the plain dataclasses of ``model`` (see docs/RIWAYAT.md for the schema and the rules).
The modules, each with its own contract:

* ``model``: the dataclasses, ``agency_key``, ``master_key`` and ``fingerprint``;
* ``schema``: the file (connection settings, schema version, migrations);
* ``store``: ``History``: record, current, versions, series, locks; the Perjanjian
  Kinerja's revisions (``record_pk``, ``pk_revisions``; read through ``pk.history``);
* ``importer``: earlier years from a workbook (the documented layout or a city rekap);
* ``table``: the cross-year table the CLI prints and ``--xlsx`` writes;
* ``newyear``: ``iku tahun-baru``, the next year's master from this year's;
* ``report``: what a report run reads from (``read_prior``) and records into the history;
* ``content``: what a version holds for the documents of its year, and the differences
  between two versions in words (what a lock covers);
* ``integrity``: stale periods and reports that are not their record;
* ``rebuild``: ``iku report --dari-riwayat``, a recorded year's report byte for byte;
* ``lock``: ``iku kunci``, locking a signed year;

An agency is found through ``History.agency_of(master)`` / ``key_for(master)`` only.

Where the file is: ``resolve_path``.
"""

from __future__ import annotations

import os
from pathlib import Path

from .. import paths
from .model import (
    ANNUAL,
    KINDS,
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
    fingerprint,
    master_key,
    sasaran_key,
    sasaran_number,
)
from .store import History, close_held, connections_held, hold_connections, open_history

ENV = "IKU_RIWAYAT"
DEFAULT_NAME = "riwayat.sqlite"

__all__ = [
    "ANNUAL", "DEFAULT_NAME", "ENV", "KINDS", "PERIODS", "AgencyInfo", "Figure", "History",
    "IndicatorRecord", "IndicatorSeries", "LockInfo", "PkParty", "PkProgram", "PkRevision",
    "PkTarget", "RunInfo", "RunSnapshot", "Series",
    "StoredRun", "UnitFigure", "agency_key", "close_held", "connections_held", "fingerprint",
    "hold_connections", "master_key", "open_history",
    "resolve_path", "sasaran_key", "sasaran_number",
]


def resolve_path(given: Path | str | None = None) -> Path:
    """The history file: ``given`` (``--riwayat``), else ``$IKU_RIWAYAT``, else
    ``output/riwayat.sqlite``."""
    if given:
        return Path(given)
    if os.environ.get(ENV):
        return Path(os.environ[ENV])
    return paths.OUTPUT / DEFAULT_NAME
