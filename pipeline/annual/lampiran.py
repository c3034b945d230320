"""The report's history appendix (*Lampiran*): each indicator over the last up to five
years, with charts (``pengaturan.bagian_riwayat: true``; issue 9 §2).

Built like the rest of the context: plain text for the template, figures formatted by
``numfmt`` with the indicator's own decimals and satuan, the earlier years as the history
recorded them (``history.Series``; the year of the report from this run's results). A
year with no recorded figure prints "-". The charts are ``charts.Chart`` objects; render
turns them into images.
"""

from __future__ import annotations

from typing import Any

from ..compute import IndicatorResult, Results, Status, indicator_achievement, mean
from ..domain.kinds import NA
from ..domain.master import Indicator, Master, Settings
from ..word.charts import bar_chart, line_chart
from ..word.columns import DROP_COLUMN, MERGE_UP
from .texts import (
    STATUS_TEXT,
    achievement_text,
    clean,
    fmt_target,
    heading,
    realisation_text,
)

EMPTY = {"show": False, "title": "", "head": {"final": DROP_COLUMN}, "rows": [], "charts": [],
         "note": ""}


def history_appendix(master: Master, results: Results, series: Any) -> dict[str, Any]:
    """The appendix's data; ``series`` is the history's ``Series`` of the years before
    (None: the history has none, or the master does not ask for the appendix)."""
    if not master.settings.history_section:
        return EMPTY
    year = master.agency.year
    earlier = {ind.code: _series_of(ind, series) for ind in master.indicators}
    years = sorted({f.year for s in earlier.values() if s for f in s.figures} | {year})
    rows, lines = [], []
    for ind in master.indicators:
        r = results.indicators.get(ind.code) or IndicatorResult(ind.code, Status.MISSING)
        per_year = []
        for i, y in enumerate(years):
            figure = earlier[ind.code].at(y) if earlier[ind.code] and y != year else None
            if y == year:
                cells = _this_year(ind, r, master.settings)
                per_year.append(r.achievement)
            elif figure is None:
                cells = {"target": "-", "realisation": "-", "achievement": "-", "final": "-"}
                per_year.append(None)
            else:
                cells = _recorded(master, ind, figure.record)
                per_year.append(figure.record.achievement)
            label = f"{ind.code} {clean(ind.name)}"
            rows.append({"indicator": label if i == 0 else MERGE_UP, "year": str(y), **cells})
        lines.append((ind.code, per_year))
    charts = [
        line_chart(f"Capaian indikator {years[0]}\u2013{year}" if len(years) > 1
                   else f"Capaian indikator {year}", years, lines),
        bar_chart(f"Rata-rata capaian per sasaran tahun {year}",
                  [f"Sasaran {s.number}" for s in master.sasaran],
                  [mean([results.indicators[i.code].achievement for i in s.indicators])
                   for s in master.sasaran]),
    ]
    has_final = any(i.final_target is not None for i in master.indicators)
    span = f"{years[0]}\u2013{year}" if len(years) > 1 else str(year)
    return {
        "show": True,
        "title": f"CAPAIAN INDIKATOR KINERJA UTAMA TAHUN {span}",
        "head": {"final": heading("% Capaian thd Target Akhir RPJMD", has_final)},
        "rows": rows,
        "charts": charts,
        "note": ("Angka tahun-tahun sebelumnya dari riwayat (versi yang berlaku); tanda - "
                 "berarti tahun itu tidak tercatat di riwayat."),
    }


def _series_of(ind: Indicator, series: Any):
    if series is None:
        return None
    keys = (ind.code, *ind.old_codes)
    return next((s for s in series.indicators if s.key in keys), None)


def _this_year(ind: Indicator, r: IndicatorResult, settings: Settings) -> dict[str, str]:
    final = settings.percent(r.final_achievement) if r.status == Status.OK else \
        STATUS_TEXT.get(r.status, "-")
    return {"target": fmt_target(ind, ind.target), "realisation": realisation_text(ind, r),
            "achievement": achievement_text(r, settings), "final": final}


def _recorded(master: Master, ind: Indicator, rec) -> dict[str, str]:
    """A recorded year's figures, printed with this year's satuan and decimals."""
    target = rec.target
    if isinstance(target, list):
        target = tuple(target)
    settings = master.settings
    if rec.realisation_label:
        realisation = clean(rec.realisation_label)
    else:
        realisation = ind.rules.format_value(ind, rec.realisation)
    final = "-"
    if isinstance(rec.realisation, int | float):
        final = settings.percent(indicator_achievement(ind, rec.realisation, ind.final_target,
                                                       final=True))
    shown = NA if rec.achievement is None and target == NA else settings.percent(rec.achievement)
    return {"target": fmt_target(ind, target), "realisation": realisation,
            "achievement": shown, "final": final}
