"""An agency's indicators across years as rows of text: what ``iku riwayat`` prints.

Pure: a ``Series`` in, ``CrossYear`` out (headings and rows of Indonesian-formatted text,
``pipeline.numfmt``); the CLI lays it out with rich, ``workbook`` writes the same series
as numbers. One row per indicator series (renames joined, see ``store.join_series``),
per year one cell of three lines: Target, Realisasi and Capaian.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..domain.numfmt import fmt_number, fmt_percent, fmt_target, fmt_value
from ..domain.periods import ANNUAL, short
from .content import compare
from .model import Figure, IndicatorSeries, Series, StoredRun, Target
from .store import format_time

MISSING = "-"


@dataclass(frozen=True)
class CrossYear:
    title: str
    headings: tuple[str, ...]  # Kode, Indikator, Satuan, then one per year
    rows: tuple[tuple[str, ...], ...]


def cross_year(series: Series) -> CrossYear:
    headings = ("Kode", "Indikator", "Satuan", *(str(y) for y in series.years))
    rows = tuple(
        (ind.key, _name(ind), ind.unit_of_measure or MISSING,
         *(year_cell(ind.at(y)) for y in series.years))
        for ind in series.indicators)
    return CrossYear(f"Riwayat capaian IKU {series.agency_name}", headings, rows)


def year_cell(fig: Figure | None) -> str:
    if fig is None:
        return MISSING
    r = fig.record
    return (f"Target {target_text(r.target, r.unit_of_measure)}\n"
            f"Realisasi {realisation_text(fig)}\n"
            f"Capaian {achievement_text(fig)}")


def target_text(target: Target, unit: str = "") -> str:
    return fmt_target(target, unit, missing=MISSING)


def realisation_text(fig: Figure) -> str:
    r = fig.record
    if r.realisation_label:
        return r.realisation_label
    if r.realisation is None:
        return r.status if r.status not in ("", "ok") else MISSING
    return fmt_value(r.realisation, r.unit_of_measure)


def achievement_text(fig: Figure) -> str:
    r = fig.record
    text = fmt_percent(r.achievement, na=MISSING)
    return f"{text} ({r.predikat})" if r.predikat else text


def _name(ind: IndicatorSeries) -> str:
    earlier = []
    for fig in reversed(ind.figures):
        if fig.record.code != ind.key and fig.record.code not in earlier:
            earlier.append(fig.record.code)
    return ind.name + (f" (Kode sebelumnya: {', '.join(earlier)})" if earlier else "")


# How a recorded version was built (``RunSnapshot.source``), in words.
SOURCE_WORDS = {"report": "dari isian tahunan", "triwulan": "dari empat triwulan",
                "impor": "impor"}


def source_words(source: str, period: str = ANNUAL) -> str:
    """``dari isian tahunan``, ``dari isian triwulan`` (a quarter's own report), ``dari
    empat triwulan`` (``iku report --dari-triwulan``), ``impor``."""
    if source == "report" and period != ANNUAL:
        return "dari isian triwulan"
    return SOURCE_WORDS.get(source, source)


def versions_rows(runs: list[StoredRun], detailed: bool = False,
                  zone: dt.tzinfo | None = None
                  ) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """``iku riwayat --versi``: one row per version, newest last, each saying in words
    where it came from and what changed since the version before it of the same period;
    ``detailed`` (``--rinci``) adds the fingerprints of the master, the Word template and
    the imported file. Times in ``zone`` (the agency's)."""
    headings = ("Periode", "Versi", "Dicatat", "Sumber", "Indikator", "Perubahan",
                "Keterangan")
    if detailed:
        headings += ("Sidik master", "Sidik templat", "Sidik berkas impor")
    rows, before = [], {}
    for run in runs:
        i = run.info
        notes = [text for flag, text in ((i.is_current, "berlaku"), (i.locked, "dikunci"),
                                         (i.over_lock, "dicatat dengan buka kunci")) if flag]
        row = (short(i.period), str(i.version), format_time(i.recorded_at, zone),
               source_words(i.source, i.period), fmt_number(i.indicators),
               version_changes(before.get(i.period), run), ", ".join(notes))
        if detailed:
            row += (_short(i.master_fingerprint), _short(i.template_fingerprint),
                    _short(i.source_fingerprint))
        rows.append(row)
        before[i.period] = run
    return headings, tuple(rows)


# The figures a one-cell summary names (the lock's refusal names every field).
SUMMARY_FIELDS = frozenset({"target", "realisation", "realisation_label", "achievement"})


def version_changes(before: StoredRun | None, after: StoredRun) -> str:
    """What changed from one version of a period to the next, in words (Indonesian), in
    one cell: a summary of ``content.compare``."""
    if before is None:
        return "pertama kali dicatat"
    a, b = before.snapshot, after.snapshot
    parts = []
    if before.info.source != after.info.source:
        parts.append(f"sumber: {source_words(before.info.source, a.period)} → "
                     f"{source_words(after.info.source, b.period)}")
    found = compare(a, b)
    added = [i.code for i in found.indicators if i.new]
    if added:
        parts.append(f"indikator baru: {', '.join(added)}")
    if found.gone:
        parts.append(f"indikator dihapus: {', '.join(found.gone)}")
    figures, texts, files = [], [], []
    for ind in found.indicators:
        changed = [f"{c.label} {_figure(c.before)} → {_figure(c.after)}"
                   for c in ind.fields if c.attr in SUMMARY_FIELDS]
        if changed:
            figures.append(f"{ind.code} {', '.join(changed)}")
        for u in ind.units:
            if u.new:
                continue
            if u.texts:
                texts.append(f"{ind.code} {u.unit}")
            elif not u.values and u.refiled:
                files.append(u.unit)
    if figures:
        parts.append("angka berubah: " + "; ".join(figures))
    if texts:
        parts.append("teks unit berubah (catatan, analisis, kendala atau tindak lanjut): "
                     + ", ".join(texts))
    if a.master_fingerprint != b.master_fingerprint:
        parts.append("master diubah")
    if a.template_fingerprint != b.template_fingerprint:
        parts.append("templat Word diubah")
    if files and not figures:
        parts.append(f"berkas isian unit {', '.join(dict.fromkeys(files))} dikirim ulang "
                     "(angkanya sama)")
    if a.source_fingerprint != b.source_fingerprint and after.info.source == "impor":
        parts.append("berkas impor lain")
    return "; ".join(parts) or "angka sama (dicatat ulang)"


def _figure(x) -> str:
    if x is None:
        return MISSING
    if isinstance(x, tuple):
        return "–".join(fmt_number(v) for v in x)
    if isinstance(x, int | float) and not isinstance(x, bool):
        return fmt_number(x)
    return str(x)


def _short(fp: str) -> str:
    """The first 12 hex digits, as git shows commits: enough to tell files apart."""
    return fp[:12] if fp else MISSING
