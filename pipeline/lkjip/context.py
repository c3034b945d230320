"""Everything the chapter's Word template shows, already worded and formatted.

``build_context(chapter)`` returns a plain dict of strings, lists and dicts (every key
always present, so the template check and StrictUndefined see one shape whatever the
data); a chart is a ``pipeline.word.charts.Chart``, which ``render`` turns into a docxtpl
``InlineImage``.
docs/LKJIP.md lists the keys. Optional parts carry ``shown``; a part that is not shown
prints nothing, not even its heading, and the parts of a sasaran are numbered by what is
shown. Table columns of years the window lacks are headed ``DROP_COLUMN`` (removed after
rendering, as in the IKU report), merged cells use ``MERGE_UP``.

Texts from the master and the workbooks are cleaned of control and private-use
characters.
"""

from __future__ import annotations

import re
from typing import Any

from ..annual.context import draft_notice, grade_scale_text
from ..compute import Status
from ..domain.master import Master
from ..domain.numfmt import fmt_percent
from ..word.charts import Chart
from ..word.columns import DROP_COLUMN, MERGE_UP
from . import sentences as say
from .charts import Line, capaian_chart
from .model import Chapter, IndicatorView, SasaranView

YEAR_SLOTS = 5  # year columns of the years table (the history window)
TITLE = ("BAB III", "AKUNTABILITAS KINERJA")

_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ue000-\uf8ff\ufffe\uffff"
                     "\U000f0000-\U0010ffff]")


def _clean(text: str) -> str:
    return _UNSAFE.sub("", text)


class _Numbers:
    """Tabel 3.n and Gambar 3.n, numbered in the order they appear."""

    def __init__(self) -> None:
        self.table = 0
        self.figure = 0

    def next_table(self, text: str) -> str:
        self.table += 1
        return f"Tabel 3.{self.table} {text}"

    def next_figure(self, text: str) -> str:
        self.figure += 1
        return f"Gambar 3.{self.figure} {text}"


def build_context(chapter: Chapter) -> dict[str, Any]:
    master, results = chapter.master, chapter.results
    agency, year = master.agency, chapter.year
    numbers = _Numbers()
    measurement = _measurement(chapter, numbers)
    sasaran = [_sasaran(chapter, s, numbers) for s in chapter.sasaran]
    context = {
        "title": {"chapter": TITLE[0], "name": TITLE[1]},
        "year": str(year),
        "agency": _clean(agency.name),
        "draft": results.draft,
        "draft_notice": draft_notice(results),
        "intro": _intro(chapter, sasaran),
        "measurement": measurement,
        "sasaran": sasaran,
        "budget": _budget(chapter, numbers),
    }
    return context


def _intro(chapter: Chapter, sasaran: list[dict[str, Any]]) -> str:
    """What the chapter holds, naming only the parts it prints."""
    compared = ["target"]
    for key, what in (("years", "tahun-tahun sebelumnya"),
                      ("final", "target akhir Renstra/RPJMD"),
                      ("standard", "standar nasional/provinsi")):
        if any(s[key]["shown"] for s in sasaran):
            compared.append(what)
    parts = ["pengukuran kinerja atas sasaran dan indikator kinerja utama",
             "perbandingan capaiannya dengan " + say.join(compared),
             "analisis penyebab keberhasilan atau kegagalan dan alternatif solusinya"]
    if any(s["efficiency"]["shown"] for s in sasaran):
        parts.append("efisiensi penggunaan anggaran")
    if chapter.has_budget:
        parts.append("realisasi anggaran")
    return (f"Bab ini menyajikan capaian kinerja {_clean(chapter.master.agency.name)} tahun "
            f"{chapter.year}: " + say.join(parts, "; ", "; serta ") + ".")


# --- A. the measurement table ----------------------------------------------------------------


def _measurement(chapter: Chapter, numbers: _Numbers) -> dict[str, Any]:
    master, results = chapter.master, chapter.results
    rows, views = [], []
    for s in chapter.sasaran:
        for j, view in enumerate(s.indicators):
            shown = say.shown_current(view, master.settings)
            first = j == 0
            rows.append({
                "no": str(s.sasaran.number) if first else MERGE_UP,
                "sasaran": _clean(s.sasaran.renstra_title) if first else MERGE_UP,
                "indicator": _clean(view.indicator.renstra_title),
                "target": shown.target,
                "realisation": shown.realisation,
                "achievement": shown.achievement,
                "grade": say.grade_text(master, shown.value, view.result),
            })
            views.append(view)
    average = master.settings.percent(results.average_achievement)
    grade = master.settings.grade_of(results.average_achievement) or ""
    label = "RATA-RATA CAPAIAN"
    if results.averaged < results.total:
        label += f" ({results.averaged} dari {results.total} indikator)"
    return {
        "caption": numbers.next_table(f"Pengukuran Kinerja {_clean(master.agency.name)} "
                                      f"Tahun {chapter.year}"),
        "head": {"year": str(chapter.year)},
        "rows": rows,
        "average": {"label": label, "achievement": average, "grade": grade},
        "scale": "Skala predikat capaian: " + grade_scale_text(master) + ".",
        "sentences": say.measurement_summary(master, views, average, grade),
    }


# --- per sasaran --------------------------------------------------------------------------------


def _sasaran(chapter: Chapter, s: SasaranView, numbers: _Numbers) -> dict[str, Any]:
    master = chapter.master
    number = s.sasaran.number
    count = len(s.indicators)
    names = "; ".join(f"«{_clean(v.indicator.renstra_title)}»" for v in s.indicators)
    years = _years(chapter, s, numbers)
    final = _final(chapter, s, numbers)
    standard = _standard(chapter, s, numbers)
    efficiency = _efficiency(chapter, s, numbers)
    parts = [("this_year", True), ("years", years["shown"]), ("final", final["shown"]),
             ("standard", standard["shown"]), ("analysis", True),
             ("efficiency", efficiency["shown"])]
    num, n = {}, 0
    for key, present in parts:
        n += present
        num[key] = str(n) if present else ""
    return {
        "heading": f"Sasaran {number}: {_clean(s.sasaran.renstra_title)}",
        "intro": (f"Sasaran ini diukur dengan {count} indikator kinerja: {_clean(names)}."
                  if count > 1 else f"Sasaran ini diukur dengan indikator kinerja {names}."),
        "num": num,
        "this_year": [_clean(say.this_year(master, v)) for v in s.indicators],
        "years": years,
        "final": final,
        "standard": standard,
        "analysis": [_analysis(v, master) for v in s.indicators],
        "efficiency": efficiency,
    }


def _years(chapter: Chapter, s: SasaranView, numbers: _Numbers) -> dict[str, Any]:
    settings = chapter.master.settings
    shown = any(p.source != "isian" for v in s.indicators for p in v.points) or \
        bool(s.past_averages)
    window = list(chapter.years[-YEAR_SLOTS:])
    slots = window + [None] * (YEAR_SLOTS - len(window))
    head = {f"y{i + 1}": (str(y) if y is not None else DROP_COLUMN) for i, y in enumerate(slots)}
    rows = []
    if shown:
        for k, view in enumerate(s.indicators, 1):
            ind = view.indicator
            by_year = {p.year: say.shown_point(ind, p, view.result.capped and p.source == "isian",
                                               settings)
                       for p in view.points}
            for j, (item, attr) in enumerate((("Target", "target"), ("Realisasi", "realisation"),
                                              ("% Capaian", "achievement"))):
                row = {"no": str(k) if j == 0 else MERGE_UP,
                       "indicator": _clean(ind.renstra_title) if j == 0 else MERGE_UP,
                       "item": item}
                for i, y in enumerate(slots):
                    point = by_year.get(y) if y is not None else None
                    row[f"y{i + 1}"] = getattr(point, attr) if point is not None else "-"
                rows.append(row)
        if s.past_averages:  # the sasaran's imported averages, and this year's
            averages = {**dict(s.past_averages), chapter.year: s.average_achievement}
            row = {"no": "", "indicator": "Rata-rata capaian sasaran", "item": "% Capaian"}
            for i, y in enumerate(slots):
                row[f"y{i + 1}"] = settings.percent(averages.get(y)) if y is not None else "-"
            rows.append(row)
    chart: Chart | str = ""
    chart_caption = ""
    lines = [Line(f"{v.indicator.code} {_clean(v.indicator.renstra_title)}",
                  tuple((p.year, p.achievement) for p in v.points
                        if p.status == "ok" and p.achievement is not None
                        and p.year in window and not p.changed))
             for v in s.indicators]
    lines = [line for line in lines if line.points]
    if shown and any(len(line.points) >= 2 for line in lines):
        first, last = window[0], window[-1]
        chart_caption = numbers.next_figure(
            f"Capaian indikator sasaran {s.sasaran.number}, tahun {first}–{last}")
        chart = capaian_chart(f"Sasaran {s.sasaran.number}: "
                              f"{_clean(s.sasaran.renstra_title)}", window, lines,
                              chart_caption)
    caption = ""
    if shown:
        caption = numbers.next_table(f"Capaian sasaran {s.sasaran.number} tahun "
                                     f"{window[0]}–{window[-1]}")
    return {
        "shown": shown,
        "caption": caption,
        "head": head,
        "rows": rows,
        "chart": chart,
        "chart_caption": chart_caption,
        "sentences": ([_clean(t) for v in s.indicators
                       for t in say.against_years(chapter.master, v)]
                      + [t for t in [say.sasaran_years(chapter.master, s, settings.percent(
                          s.average_achievement))] if t]) if shown else [],
    }


def _final(chapter: Chapter, s: SasaranView, numbers: _Numbers) -> dict[str, Any]:
    views = [v for v in s.indicators if v.indicator.final_target is not None]
    rows, sentences = [], []
    for v in views:
        f = say.against_final(chapter.master, v)
        rows.append({"indicator": _clean(v.indicator.renstra_title),
                     "final_target": f.final_target, "realisation": f.realisation,
                     "final_achievement": f.final_achievement, "remaining": f.remaining})
        sentences.append(_clean(f.sentence))
    return {
        "shown": bool(views),
        "caption": numbers.next_table(f"Realisasi sasaran {s.sasaran.number} dibandingkan "
                                      "target akhir Renstra/RPJMD") if views else "",
        "head": {"realisation": f"Realisasi {chapter.year}"},
        "rows": rows,
        "sentences": sentences,
    }


def _standard(chapter: Chapter, s: SasaranView, numbers: _Numbers) -> dict[str, Any]:
    views = [v for v in s.indicators if v.indicator.standard is not None]
    rows, sentences = [], []
    for v in views:
        real, std, sentence = say.against_standard(chapter.master, v)
        rows.append({"indicator": _clean(v.indicator.renstra_title), "realisation": real,
                     "standard": std, "source": _clean(v.indicator.standard_source)})
        sentences.append(_clean(sentence))
    return {
        "shown": bool(views),
        "caption": numbers.next_table(f"Realisasi sasaran {s.sasaran.number} dibandingkan "
                                      "standar nasional/provinsi") if views else "",
        "head": {"realisation": f"Realisasi {chapter.year}"},
        "rows": rows,
        "sentences": sentences,
    }


def _analysis(view: IndicatorView, master: Master) -> dict[str, Any]:
    name = _clean(view.indicator.renstra_title)
    lines = [f"Analisis {_clean(t.unit)}: {_clean(t.text)}" for t in view.analyses]
    lines += [f"Catatan {t.period} {_clean(t.unit)}: {_clean(t.text)}"
              for t in view.quarter_notes]
    if view.result.status == Status.OK and (view.result.achievement is not None
                                             or view.result.met is not None):
        verdict = say.shown_current(view, master.settings).verdict
        what = ("penyebab keberhasilan" if verdict != "belum mencapai target"
                else "penyebab belum tercapainya target")
    else:
        what = "penyebab keberhasilan atau kegagalan"
    return {
        "indicator": f"Indikator «{name}»",
        "lines": lines,
        "none": "" if lines else "Unit pelapor tidak menuliskan analisis untuk indikator ini.",
        "slot": say.slot(f"{what} indikator «{name}» dan alternatif solusinya; sunting atau "
                         "lengkapi analisis unit di atas."),
    }


def _efficiency(chapter: Chapter, s: SasaranView, numbers: _Numbers) -> dict[str, Any]:
    if not s.budget:
        return {"shown": False, "caption": "", "rows": [], "total": _empty_total(),
                "sentences": [], "slot": ""}
    average = chapter.master.settings.percent(s.average_achievement)
    rows = [_budget_row(b.program or f"Sasaran {s.sasaran.number}", b.ceiling, b.spent)
            for b in s.budget]
    ceiling, spent = say.budget_total(s.budget)
    total = {**_budget_row("Jumlah" if len(rows) > 1 else "", ceiling, spent),
             "achievement": average}
    return {
        "shown": True,
        "caption": numbers.next_table(f"Penyerapan anggaran dan capaian sasaran "
                                      f"{s.sasaran.number}"),
        "rows": rows if len(rows) > 1 else [],
        "total": {**total, "item": total["item"] or _clean(rows[0]["item"])},
        "sentences": [say.efficiency(s, average, chapter.master.settings)],
        "slot": say.slot("apakah sumber daya digunakan secara efisien, dan program/kegiatan "
                         "yang menunjang capaian sasaran ini."),
    }


def _budget_row(item: str, ceiling: float, spent: float) -> dict[str, str]:
    return {"item": _clean(item), "ceiling": say.money(ceiling), "spent": say.money(spent),
            "absorption": fmt_percent(say.absorption(spent, ceiling)), "achievement": ""}


def _empty_total() -> dict[str, str]:
    return {"item": "", "ceiling": "", "spent": "", "absorption": "", "achievement": ""}


# --- B. the budget ------------------------------------------------------------------------------


def _budget(chapter: Chapter, numbers: _Numbers) -> dict[str, Any]:
    lines = [(s, b) for s in chapter.sasaran for b in s.budget]
    if not lines:
        return {"shown": False, "caption": "", "rows": [], "total": _empty_total(),
                "sentences": [], "slot": ""}
    rows = []
    for s in chapter.sasaran:
        for j, b in enumerate(s.budget):
            rows.append({
                "no": str(s.sasaran.number) if j == 0 else MERGE_UP,
                "sasaran": _clean(s.sasaran.renstra_title) if j == 0 else MERGE_UP,
                **_budget_row(b.program or "-", b.ceiling, b.spent),
            })
    ceiling, spent = say.budget_total([b for _, b in lines])
    return {
        "shown": True,
        "caption": numbers.next_table(f"Realisasi anggaran per sasaran tahun {chapter.year}"),
        "rows": rows,
        "total": _budget_row("JUMLAH", ceiling, spent),
        "sentences": [say.budget_summary([b for _, b in lines])],
        "slot": say.slot("penjelasan realisasi anggaran: sebab sisa anggaran, efisiensi yang "
                         "dicapai, dan kaitannya dengan capaian kinerja."),
    }
