"""What the history holds, as plain frozen dataclasses (no SQLite here).

Written by the caller and handed to ``History.record``:

* ``RunSnapshot``: one recorded run of one agency, year and period (the report builds it
  in phase 2; ``iku riwayat impor`` builds it from a workbook), with its indicators;
* ``IndicatorRecord``: one indicator's definition and figures in that run;
* ``UnitFigure``: one unit's x1 and x2 for it, with the fingerprint of the submission
  they came from.

Returned by the queries (``History.current``, ``series``, ``versions`` ...): ``RunInfo``,
``StoredRun``, ``Figure``, ``IndicatorSeries``, ``Series``, ``LockInfo``, ``AgencyInfo``.

The Perjanjian Kinerja (issue 22) is kept beside the runs, one row per revision of a year
(``History.record_pk``, ``pk_revisions``): ``PkRevision`` with its ``PkParty``,
``PkTarget`` and ``PkProgram`` rows.

Targets are JSON-able values, so that every kind of target the master can hold fits one
column: a number (``100``), a range as a 2-tuple ``(80.0, 90.0)`` (stored as a JSON list
and read back as a tuple), ``"NA"`` (no target set), or a label (``"WTP"``, ``"ya"``).
``None`` means the source gave no target at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
import unicodedata
from dataclasses import dataclass

from ..domain.kinds import Kind

# The periods a year has: the year-end round and the four quarters (pipeline/domain/periods.py).
from ..domain.periods import ANNUAL, PERIODS  # noqa: F401 (re-exported)

#: The kinds of indicator the history accepts: those of the registry (``pipeline.kinds``);
#: "" = unknown, e.g. imported from a rekap, which does not say.
KINDS = tuple(k.value for k in Kind)

Target = float | int | tuple[float, float] | str | None


@dataclass(frozen=True)
class UnitFigure:
    """One unit's counts for one indicator, as accepted from its submission."""

    unit: str
    x1: float | None
    x2: float | None
    note: str = ""
    submission_fingerprint: str = ""  # sha256 of the submitted workbook's bytes
    analysis: str = ""  # the unit's year-end Analisis text (LKjIP Chapter III)
    obstacles: str = ""  # a quarter's Kendala (issue 10)
    follow_up: str = ""  # a quarter's Tindak lanjut


@dataclass(frozen=True)
class IndicatorRecord:
    """One indicator of a run: its definition as the master gave it, and its figures.

    ``key`` is the series key (the Kode; phase 2 passes the master's ``kode``), ``code``
    the Kode printed that year, ``kode_lama`` the Kodes it had before renames (the
    master's ``kode_lama``, one or several), so that ``History.series`` joins them.
    """

    key: str
    code: str
    kind: str
    name: str
    unit_of_measure: str = ""
    target: Target = None
    realisation: float | None = None
    realisation_label: str | None = None  # predikat / ya_tidak: the label typed
    achievement: float | None = None  # % capaian, unrounded
    predikat: str | None = None
    status: str = "ok"
    kode_lama: tuple[str, ...] = ()
    contributions: tuple[UnitFigure, ...] = ()
    # What the report printed from elsewhere (the master or the history) and a rebuild
    # must print again: the previous year's % capaian and realisasi (a number or a label).
    previous_achievement: float | None = None
    previous_realisation: float | str | None = None
    # How the year's figures were formed when they were not typed in the year's workbooks,
    # as the report's Keterangan prints it (``iku report --dari-triwulan``: "Angka tahun
    # 2021: jumlah TW I–IV (akumulasi triwulan)"); "" when typed.
    derivation: str = ""


@dataclass(frozen=True)
class RunSnapshot:
    """Everything one run of one agency, year and period records.

    ``recorded_at`` None means "now" at recording time (UTC). ``master_text`` and
    ``template`` are stored once per distinct content (zlib, keyed by sha256); empty
    means none (an import has no master). ``source_fingerprint`` names the file an import
    came from; a report leaves it empty (its submissions carry their own).
    """

    agency_key: str
    agency_name: str
    year: int
    indicators: tuple[IndicatorRecord, ...]
    period: str = ANNUAL
    source: str = "report"  # "report" | "impor" | ...
    recorded_at: dt.datetime | None = None
    master_text: str = ""
    master_fingerprint: str = ""
    template: bytes = b""
    template_fingerprint: str = ""
    source_fingerprint: str = ""  # impor: sha256 of the imported workbook
    # The report this version was recorded with (docs/RIWAYAT.md, "Publishing and
    # recording"): its ``iku_sidik`` stamp and where it was written; "" for an import.
    report_stamp: str = ""
    report_path: str = ""
    # The recorded periods this run was built from: (year, period, version), e.g. a
    # quarter's earlier quarters, the year's four quarters (--dari-triwulan), last year
    # (its figures printed) and the appendix's years; sorted. ``stale.stale_periods``
    # compares them with what is current now.
    built_from: tuple[tuple[int, str, int], ...] = ()


@dataclass(frozen=True)
class RunInfo:
    """One recorded version of an agency's year and period (``iku riwayat --versi``)."""

    agency_key: str
    agency_name: str
    year: int
    period: str
    version: int  # 1, 2, ... per (agency, year, period)
    recorded_at: dt.datetime
    source: str
    master_fingerprint: str
    template_fingerprint: str
    source_fingerprint: str
    is_current: bool
    over_lock: bool  # recorded over a lock with an explicit unlock (--buka-kunci)
    locked: bool  # the version the year's lock points at
    indicators: int
    report_stamp: str = ""  # the stamp of the report recorded with it ("" none)
    report_path: str = ""  # where that report was written


@dataclass(frozen=True)
class StoredRun:
    """A recorded version and the snapshot exactly as it was recorded."""

    info: RunInfo
    snapshot: RunSnapshot


@dataclass(frozen=True)
class Figure:
    """One indicator's figures in one year (a point of a series)."""

    year: int
    period: str
    version: int
    record: IndicatorRecord


@dataclass(frozen=True)
class IndicatorSeries:
    """One indicator across years, joined through renames (``kode_lama``).

    ``key``, ``name``, ``kind`` and ``unit_of_measure`` are those of the latest year.
    """

    key: str
    name: str
    kind: str
    unit_of_measure: str
    figures: tuple[Figure, ...]  # oldest year first, at most one per year

    def at(self, year: int) -> Figure | None:
        return next((f for f in self.figures if f.year == year), None)


@dataclass(frozen=True)
class Series:
    agency_key: str
    agency_name: str
    period: str
    years: tuple[int, ...]  # ascending
    indicators: tuple[IndicatorSeries, ...]


@dataclass(frozen=True)
class LockInfo:
    agency_key: str
    year: int
    locked_at: dt.datetime
    version: int  # the annual version the lock points at


@dataclass(frozen=True)
class AgencyInfo:
    key: str
    name: str
    years: tuple[int, ...]


# --- the Perjanjian Kinerja ----------------------------------------------------------------


@dataclass(frozen=True)
class PkParty:
    """One signatory of a Perjanjian Kinerja as it was signed ("" where not given)."""

    title: str
    name: str = ""
    rank: str = ""
    nip: str = ""


@dataclass(frozen=True)
class PkTarget:
    """One row of a PK's lampiran: an indicator with its target for the year."""

    code: str  # the indicator's Kode (the key a revision's rows are compared by)
    sasaran_no: int
    sasaran: str  # the sasaran strategis as printed (the Renstra wording)
    indicator: str  # the indicator as printed (the Renstra wording)
    unit_of_measure: str
    target: Target  # a number, (low, high), "NA", a label
    decimals: int = 2


@dataclass(frozen=True)
class PkProgram:
    """One program of a PK's lampiran with its anggaran (the pagu, rupiah)."""

    program: str  # "" when the master names none (printed as a blank to fill in)
    ceiling: float
    note: str = ""  # the master's keterangan (e.g. the source of funds)


@dataclass(frozen=True)
class PkRevision:
    """What one revision of a year's Perjanjian Kinerja promises and who signs it.

    ``revision`` 0 is the PK signed in January; n ≥ 1 is the n-th PK Perubahan. The one in
    force is the highest revision recorded (``pk.history.pk_of``): its targets are the
    ones the LKjIP measures against. ``signed_on`` is the date printed (None: left blank)."""

    year: int
    revision: int
    signed_on: dt.date | None
    first_party: PkParty
    second_party: PkParty
    targets: tuple[PkTarget, ...]
    programs: tuple[PkProgram, ...]
    recorded_at: dt.datetime | None = None  # set by the history when read back

    @property
    def revised(self) -> bool:
        """A PK Perubahan (not the PK signed in January)."""
        return self.revision > 0

    def same_promise(self, other: PkRevision) -> bool:
        """The same parties, targets and programs (the date and the revision aside)."""
        return ((self.first_party, self.second_party, self.targets, self.programs)
                == (other.first_party, other.second_party, other.targets, other.programs))


# --- keys and fingerprints ----------------------------------------------------------------


def agency_key(name: str, code: str | None = None) -> str:
    """The key an agency is filed under.

    An explicit code (a later master's agency code) wins, normalised the same way.
    Otherwise the agency's full name normalised: Unicode NFKC, case folded, accents
    dropped, every run of characters other than letters and digits turned into one "-",
    no "-" at either end. ``"Badan Kesatuan Bangsa  dan Politik, Kota Jambi"`` →
    ``"badan-kesatuan-bangsa-dan-politik-kota-jambi"``. Spacing, case and punctuation
    therefore do not split an agency in two; a real rename does (give a code then).
    """
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", code or name))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    key = re.sub(r"[\W_]+", "-", text).strip("-")
    if not key:
        raise ValueError(f"nama instansi tidak dapat dijadikan kunci: {name!r}")
    return key


def master_key(master) -> str:
    """The agency key of a master: its explicit agency code once the master has one
    (``instansi.kode``), else its normalised name (``model.agency_key``)."""
    return agency_key(master.agency.name, getattr(master.agency, "code", None))


# A sasaran's yearly average % capaian, imported where a document gives only that (issue
# 20), is recorded as one more record of its year, under a key no Kode can be (a Kode has
# no space): "sasaran 1". Its figure is its ``achievement``; it has no target or realisasi.
SASARAN_KEY = "sasaran {}"


def sasaran_key(number: int) -> str:
    return SASARAN_KEY.format(number)


def sasaran_number(key: str) -> int | None:
    """The sasaran a record's key stands for (``sasaran 1`` → 1); None for an indicator."""
    prefix = SASARAN_KEY.format("")
    if key.startswith(prefix) and key[len(prefix):].isdigit():
        return int(key[len(prefix):])
    return None


def fingerprint(data: bytes | str) -> str:
    """sha256 (hex) of bytes, or of text encoded as UTF-8."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def is_number(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def check_target(target: Target) -> Target:
    """Refuse a target the history cannot store faithfully (raises ValueError)."""
    if target is None or isinstance(target, str) or is_number(target):
        return target
    if (isinstance(target, tuple) and len(target) == 2 and all(is_number(t) for t in target)):
        return target
    raise ValueError(f"target tidak dikenal: {target!r}")


def now() -> dt.datetime:
    """The current time, UTC, to the microsecond (what ``recorded_at=None`` becomes)."""
    return dt.datetime.now(dt.UTC)
