"""The history (riwayat): what each year's runs recorded, kept in one SQLite file.

Library first: ``open_history(path)`` returns a ``History`` whose methods take and return
the plain dataclasses of ``model`` (see docs/RIWAYAT.md for the schema and the rules).
The modules, each with its own contract:

* ``model``: the dataclasses, ``agency_key`` and ``fingerprint``;
* ``schema``: the file (connection settings, schema version, migrations);
* ``store``: ``History``: record, current, versions, series, locks;
* ``importer``: earlier years from a workbook (the documented layout or a city rekap);
* ``table``: the cross-year table the CLI prints and ``--xlsx`` writes;
* ``newyear``: ``iku tahun-baru``, the next year's master from this year's;

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
    RunInfo,
    RunSnapshot,
    Series,
    StoredRun,
    UnitFigure,
    agency_key,
    fingerprint,
)
from .store import History, open_history

ENV = "IKU_RIWAYAT"
DEFAULT_NAME = "riwayat.sqlite"

__all__ = [
    "ANNUAL", "DEFAULT_NAME", "ENV", "KINDS", "PERIODS", "AgencyInfo", "Figure", "History",
    "IndicatorRecord", "IndicatorSeries", "LockInfo", "RunInfo", "RunSnapshot", "Series",
    "StoredRun", "UnitFigure", "agency_key", "fingerprint", "master_key", "open_history",
    "resolve_path",
]


def master_key(master) -> str:
    """The agency key of a master: its explicit agency code once the master has one
    (``instansi.kode``), else its normalised name (``model.agency_key``)."""
    return agency_key(master.agency.name, getattr(master.agency, "code", None))


def resolve_path(given: Path | str | None = None) -> Path:
    """The history file: ``given`` (``--riwayat``), else ``$IKU_RIWAYAT``, else
    ``output/riwayat.sqlite``."""
    if given:
        return Path(given)
    if os.environ.get(ENV):
        return Path(os.environ[ENV])
    return paths.OUTPUT / DEFAULT_NAME
