"""Where an agency's records no longer hold together, found from the history alone:

* **stale periods** (``stale_periods``): a run records the versions of the periods it was
  built from (``RunSnapshot.built_from``: a quarter's earlier quarters, the year's four
  quarters for ``--dari-triwulan``, last year and the appendix's years for the yearly
  report). When one of those periods is current in another version whose figures differ
  (``content.figures_key``; a version saved again with the same figures does not count),
  the run is stale: it printed the old figures. Each comes with the command that
  rebuilds it. TW II recorded again after TW III, TW IV and the year were built makes
  all three stale; rebuilding TW III leaves TW IV stale until it is rebuilt too.
* **a report that is not its record** (``report_mismatch``): a version records the
  ``iku_sidik`` stamp of the report it was published with and where; the report at that
  path carrying another stamp means it was replaced by something that was not recorded
  (a DRAFT, or a run killed between publishing and recording: docs/RIWAYAT.md,
  "Publishing and recording"). An edited report keeps its stamp and is not a mismatch;
  a missing file is not one either (moved away).

``iku riwayat`` prints both, and every command that touches a year prints them as
PERINGATAN (``year_warnings``); ``iku kunci`` refuses to lock a year whose report is not
its record.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..domain.periods import ANNUAL, label, quarter_number, short
from ..office.packaging import stamp_in
from .content import figures_key
from .model import RunInfo
from .store import History


@dataclass(frozen=True)
class Changed:
    """A source period recorded again with other figures since a run read it."""

    year: int
    period: str
    used: int  # the version the run was built from
    now: int  # the current version


@dataclass(frozen=True)
class Stale:
    """A current run built from a period whose figures changed since."""

    year: int
    period: str
    version: int
    source: str  # how the run was made: report, triwulan (--dari-triwulan)
    locked: bool  # its year is locked (signed)
    changed: tuple[Changed, ...]

    @property
    def command(self) -> str:
        """What rebuilds it (Indonesian; the master with -c as always)."""
        n = quarter_number(self.period)
        if n:
            command = f"iku report --triwulan {n} -i <folder isian {short(self.period)}>"
        elif self.source == "triwulan":
            command = "iku report --dari-triwulan"
        else:
            command = "iku report -i <folder isian tahunan>"
        return command + (" --buka-kunci" if self.locked else "")

    def text(self) -> str:
        what = "; ".join(f"{_name(c.period, c.year)} versi {c.used}, kini versi {c.now}"
                         for c in self.changed)
        line = (f"{_name(self.period, self.year)} (versi {self.version}) dibuat dari angka "
                f"yang sudah berubah ({what}); buat ulang: {self.command}")
        if self.locked:
            line += (f" (tahun {self.year} terkunci: laporan yang ditandatangani tetap "
                     "memakai angka lama; buka kunci hanya bila memang harus diperbarui)")
        return line


def _name(period: str, year: int) -> str:
    return f"{label(period) if period != ANNUAL else 'laporan tahunan'} {year}"


def stale_periods(history: History, agency_key: str, from_year: int | None = None
                  ) -> list[Stale]:
    """Every current run of the agency (of ``from_year`` and later, when given) built from
    a period whose figures changed since, in year and period order."""
    rows = history.built_from_now(agency_key, from_year)
    found: dict[tuple[int, str], list[Changed]] = {}
    runs: dict[tuple[int, str], tuple[int, str]] = {}
    figures: dict[tuple[int, str, int], str] = {}

    def key_of(year: int, period: str, version: int) -> str | None:
        if (year, period, version) not in figures:
            stored = history.version(agency_key, year, version, period)
            figures[(year, period, version)] = (figures_key(stored.snapshot.indicators)
                                                if stored else "")
        return figures[(year, period, version)]

    for year, period, version, source, src_year, src_period, used, now in rows:
        runs[(year, period)] = (version, source)
        if now is None or now == used:
            continue
        if key_of(src_year, src_period, used) == key_of(src_year, src_period, now):
            continue  # recorded again with the same figures
        found.setdefault((year, period), []).append(Changed(src_year, src_period, used, now))
    order = {p: i for i, p in enumerate(("TW1", "TW2", "TW3", "TW4", ANNUAL))}
    out = []
    for (year, period), changed in sorted(found.items(),
                                          key=lambda kv: (kv[0][0], order[kv[0][1]])):
        version, source = runs[(year, period)]
        out.append(Stale(year, period, version, source,
                         history.lock_info(agency_key, year) is not None, tuple(changed)))
    return out


def report_mismatch(info: RunInfo) -> str | None:
    """An Indonesian line when the report a version was recorded with has been replaced,
    at its path, by one that carries another stamp; None when it matches, is missing, or
    the version recorded no report (an import, an older iku)."""
    if not info.report_stamp or not info.report_path:
        return None
    path = Path(info.report_path)
    if not path.is_file():
        return None
    found = stamp_in(path)
    if found == info.report_stamp:
        return None
    what = (f"laporan {label(info.period)} {info.year}" if info.period != ANNUAL
            else f"laporan tahunan {info.year}")
    return (f"laporan {path} bukan {what} yang tercatat di riwayat (versi "
            f"{info.version}): isinya tidak tercatat (sebuah DRAFT, atau proses yang terhenti "
            "sebelum mencatat). Jalankan lagi perintah yang membuatnya agar laporan dan "
            "riwayat sesuai, atau cetak ulang yang tercatat dengan iku report --dari-riwayat")


def year_warnings(history: History, agency_key: str, from_year: int | None = None
                  ) -> list[tuple[int, str, str]]:
    """What a command touching a year should say, as (year, period, Indonesian line): the
    stale periods of ``from_year`` and later years (built from it), and the reports of
    those years that are not their record (all years when None). A command leaves out
    the period it rebuilds itself."""
    lines = [(s.year, s.period, s.text())
             for s in stale_periods(history, agency_key, from_year)]
    for info in history.current_runs(agency_key, from_year):
        line = report_mismatch(info)
        if line:
            lines.append((info.year, info.period, line))
    return lines
