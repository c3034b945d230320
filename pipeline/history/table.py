"""An agency's indicators across years as rows of text: what ``iku riwayat`` prints.

Pure: a ``Series`` in, ``CrossYear`` out (headings and rows of Indonesian-formatted text,
``pipeline.numfmt``); the CLI lays it out with rich, ``workbook`` writes the same series
as numbers. One row per indicator series (renames joined, see ``store.join_series``),
per year one cell of three lines: Target, Realisasi and Capaian.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.numfmt import fmt_number, fmt_percent, fmt_target, fmt_value
from .model import Figure, IndicatorSeries, RunInfo, Series, Target
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


def versions_rows(infos: list[RunInfo]) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """``iku riwayat --versi``: one row per version, newest last."""

    headings = ("Periode", "Versi", "Dicatat", "Sumber", "Indikator", "Sidik master",
                "Sidik templat", "Sidik berkas impor", "Keterangan")
    rows = []
    for i in infos:
        notes = [text for flag, text in ((i.is_current, "berlaku"), (i.locked, "dikunci"),
                                         (i.over_lock, "dicatat dengan buka kunci")) if flag]
        rows.append((i.period, str(i.version), format_time(i.recorded_at), i.source,
                     fmt_number(i.indicators), _short(i.master_fingerprint),
                     _short(i.template_fingerprint), _short(i.source_fingerprint),
                     ", ".join(notes)))
    return headings, tuple(rows)


def _short(fp: str) -> str:
    """The first 12 hex digits, as git shows commits: enough to tell files apart."""
    return fp[:12] if fp else MISSING
