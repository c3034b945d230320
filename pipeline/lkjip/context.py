"""Everything the chapter's Word template shows, already worded and formatted.

``build_context(chapter, font)`` returns a plain dict of strings, lists and dicts (every
key always present, so the template check and StrictUndefined see one shape whatever the
data); a chart is a ``pipeline.word.charts.Chart``, which ``render`` turns into a docxtpl
``InlineImage``; ``font`` is the font the charts are drawn with (the template's body font,
``word.charts.body_font``).
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

from ..annual.context import draft_notice, formula_notes
from ..compute import Status
from ..domain.master import Master, Polarity
from ..domain.numfmt import fmt_date, fmt_percent
from ..history.model import PkRevision
from ..pk.context import title_of
from ..word.charts import Chart
from ..word.columns import DROP_COLUMN, MERGE_UP
from . import sentences as say
from .charts import Line, capaian_chart
from .model import Chapter, IndicatorView, SasaranView, UnitText

YEAR_SLOTS = 5  # year columns of the years table (the history window)
TITLE = ("BAB III", "AKUNTABILITAS KINERJA")
POSITIVE_FORMULA = ("Indikator yang makin tinggi realisasinya makin baik (polaritas "
                    "positif): % capaian = realisasi/target \u00d7 100%.")

_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ue000-\uf8ff\ufffe\uffff"
                     "\U000f0000-\U0010ffff]")


def clean(text: str) -> str:
    return _UNSAFE.sub("", text)


class Numbers:
    """Tabel n.m and Gambar n.m, numbered in the order they appear (``chapter``: the
    chapter's number, 3 for Bab III)."""

    def __init__(self, chapter: int = 3) -> None:
        self.chapter = chapter
        self.table = 0
        self.figure = 0

    def next_table(self, text: str) -> str:
        self.table += 1
        return f"Tabel {self.chapter}.{self.table} {text}"

    def next_figure(self, text: str) -> str:
        self.figure += 1
        return f"Gambar {self.chapter}.{self.figure} {text}"


def build_context(chapter: Chapter, font: str | None = None) -> dict[str, Any]:
    master, results = chapter.master, chapter.results
    agency, year = master.agency, chapter.year
    numbers = Numbers()
    measurement = _measurement(chapter, numbers)
    sasaran = [_sasaran(chapter, s, numbers, font) for s in chapter.sasaran]
    return {
        "title": {"chapter": TITLE[0], "name": TITLE[1]},
        "year": str(year),
        "agency": clean(agency.name),
        "draft": results.draft,
        "draft_notice": draft_notice(results),
        "intro": _intro(chapter, sasaran),
        "measurement": measurement,
        "sasaran": sasaran,
        "other": {"slot": say.slot(
            f"penghargaan, prestasi dan capaian kinerja lain tahun {year} di luar indikator "
            "kinerja utama (bila ada), dengan pemberi dan tanggalnya.")},
        "budget": _budget(chapter, numbers),
    }


def _intro(chapter: Chapter, sasaran: list[dict[str, Any]]) -> str:
    """What the chapter does for each sasaran, naming only the parts it prints."""
    compared = ["target"]
    for key, what in (("years", "tahun-tahun sebelumnya"),
                      ("final", "target akhir Renstra/RPJMD"),
                      ("standard", "standar nasional/provinsi")):
        if any(s[key]["shown"] for s in sasaran):
            compared.append(what)
    analysed = ["penyebab keberhasilan atau kegagalannya beserta alternatif solusinya"]
    if any(s["efficiency"]["shown"] for s in sasaran):
        analysed.append("efisiensi penggunaan sumber dayanya")
    analysed.append("program dan kegiatan yang menunjangnya")
    return ("Untuk setiap sasaran strategis, realisasi dan capaian kinerjanya dibandingkan "
            f"dengan {say.join(compared)}, kemudian dianalisis "
            f"{say.join(analysed, ', ', ', serta ')}.")


# --- A. the method and the measurement table ------------------------------------------------


def pk_name(master: Master, pk: PkRevision | None) -> str:
    """The Perjanjian Kinerja the targets are from, as a sentence names it: the one in
    force in the history (a PK Perubahan once recorded), else the year's, with its date
    where known."""
    year = master.agency.year
    if pk is None:
        when = master.agency.pk_date
        name = f"Perjanjian Kinerja Tahun {year}"
    else:
        when = pk.signed_on
        name = title_of(pk).title()
    return name + (f" tanggal {fmt_date(when)}" if when else "")


def _measurement(chapter: Chapter, numbers: Numbers) -> dict[str, Any]:
    master, results = chapter.master, chapter.results
    scale_caption = numbers.next_table("Skala predikat capaian kinerja")
    rows, views = [], []
    for s in chapter.sasaran:
        for j, view in enumerate(s.indicators):
            shown = say.shown_current(view, master.settings)
            first = j == 0
            ind = view.indicator
            rows.append({
                "no": str(s.sasaran.number) if first else MERGE_UP,
                "sasaran": clean(s.sasaran.renstra_title) if first else MERGE_UP,
                "indicator": clean(ind.renstra_title),
                "unit": clean(ind.unit_of_measure) or "-",
                "target": say.bare_target(ind, shown),
                "realisation": say.bare_realisation(ind, view.current, shown),
                "achievement": shown.achievement,
                "grade": say.grade_text(master, shown.value, view.result),
            })
            views.append(view)
    average = master.settings.percent(results.average_achievement)
    grade = master.settings.grade_of(results.average_achievement) or ""
    label = "RATA-RATA CAPAIAN"
    if results.averaged < results.total:
        label += f" ({results.averaged} dari {results.total} indikator)"
    formulas = [POSITIVE_FORMULA, *formula_notes(master)]
    if not any(i.polarity == Polarity.POSITIVE for i in master.indicators):
        formulas = formulas[1:]
    return {
        "basis": ("Pengukuran capaian kinerja dilakukan dengan cara membandingkan antara "
                  "target setiap indikator sasaran dalam "
                  f"{clean(pk_name(master, chapter.pk))} dengan realisasinya. Capaian "
                  "setiap indikator dihitung sebagai berikut:"),
        "formulas": [clean(f) for f in formulas],
        "scale_caption": scale_caption,
        "scale_rows": _scale_rows(master),
        "scale_note": (f"Predikat setiap capaian ditentukan dengan skala pada "
                       f"{scale_caption.split(' ', 2)[0]} {scale_caption.split(' ', 2)[1]}; "
                       "predikat itu menggolongkan capaian, sedangkan target dinyatakan "
                       "tercapai bila capaiannya paling sedikit 100%."),
        "caption": numbers.next_table(f"Pengukuran Kinerja {clean(master.agency.name)} "
                                      f"Tahun {chapter.year}"),
        "head": {"year": str(chapter.year)},
        "rows": rows,
        "average": {"label": label, "achievement": average, "grade": grade},
        "sentences": say.measurement_summary(master, views, average, grade),
    }


def _scale_rows(master: Master) -> list[dict[str, str]]:
    """The predikat scale as rows: "> 90%" Sangat Baik, "> 75% – 90%" Baik, …"""
    rows, upper = [], None
    for band in master.settings.grade_scale:
        if band.above is None:
            span = f"\u2264 {fmt_percent(upper)}" if upper is not None else "semua nilai"
        elif upper is None:
            span = f"> {fmt_percent(band.above)}"
        else:
            span = f"> {fmt_percent(band.above)} \u2013 {fmt_percent(upper)}"
        rows.append({"range": span, "grade": clean(band.grade)})
        upper = band.above
    return rows


# --- per sasaran --------------------------------------------------------------------------------


def _sasaran(chapter: Chapter, s: SasaranView, numbers: Numbers,
             font: str | None) -> dict[str, Any]:
    master = chapter.master
    number = s.sasaran.number
    count = len(s.indicators)
    names = [say.quoted(clean(v.indicator.renstra_title)) for v in s.indicators]
    years = _years(chapter, s, numbers, font)
    final = _final(chapter, s, numbers)
    standard = _standard(chapter, s, numbers)
    efficiency = _efficiency(chapter, s, numbers)
    parts = [("this_year", True), ("years", years["shown"]), ("final", final["shown"]),
             ("standard", standard["shown"]), ("analysis", True),
             ("efficiency", efficiency["shown"]), ("programs", True)]
    num, n = {}, 0
    for key, present in parts:
        n += present
        num[key] = str(n) if present else ""
    return {
        "heading": f"Sasaran {number}: {clean(s.sasaran.renstra_title)}",
        "intro": (f"Sasaran ini diukur dengan {say.count_words(count)} indikator kinerja, "
                  f"yaitu {say.join(names)}." if count > 1 else
                  f"Sasaran ini diukur dengan satu indikator kinerja, yaitu {names[0]}."),
        "num": num,
        "this_year": [clean(say.this_year(master, v)) for v in s.indicators],
        "years": years,
        "final": final,
        "standard": standard,
        "analysis": [_analysis(v, master) for v in s.indicators],
        "efficiency": efficiency,
        "programs": _programs(s),
    }


def _years(chapter: Chapter, s: SasaranView, numbers: Numbers,
           font: str | None) -> dict[str, Any]:
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
                       "indicator": clean(ind.renstra_title) if j == 0 else MERGE_UP,
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
    caption = ""
    if shown:
        caption = numbers.next_table(f"Realisasi dan capaian sasaran {s.sasaran.number} tahun "
                                     f"{window[0]}\u2013{window[-1]}")
    chart: Chart | str = ""
    chart_caption = ""
    lines = [Line(f"{v.indicator.code} {clean(v.indicator.renstra_title)}",
                  tuple((p.year, p.achievement) for p in v.points
                        if p.status == "ok" and p.achievement is not None
                        and p.year in window and not p.changed))
             for v in s.indicators]
    lines = [line for line in lines if line.points]
    if shown and any(len(line.points) >= 2 for line in lines):
        first, last = window[0], window[-1]
        chart_caption = numbers.next_figure(
            f"Capaian indikator sasaran {s.sasaran.number}, tahun {first}\u2013{last}")
        chart = capaian_chart(f"Sasaran {s.sasaran.number}: "
                              f"{clean(s.sasaran.renstra_title)}", window, lines,
                              chart_caption, font=font)
    return {
        "shown": shown,
        "caption": caption,
        "head": head,
        "rows": rows,
        "chart": chart,
        "chart_caption": chart_caption,
        "sentences": ([clean(t) for v in s.indicators
                       for t in say.against_years(chapter.master, v)]
                      + [t for t in [say.sasaran_years(chapter.master, s, settings.percent(
                          s.average_achievement))] if t]) if shown else [],
    }


def _final(chapter: Chapter, s: SasaranView, numbers: Numbers) -> dict[str, Any]:
    views = [v for v in s.indicators if v.indicator.final_target is not None]
    rows, sentences = [], []
    for v in views:
        f = say.against_final(chapter.master, v)
        rows.append({"indicator": clean(v.indicator.renstra_title),
                     "final_target": f.final_target, "realisation": f.realisation,
                     "final_achievement": f.final_achievement, "remaining": f.remaining})
        sentences.append(clean(f.sentence))
    return {
        "shown": bool(views),
        "caption": numbers.next_table(f"Realisasi sasaran {s.sasaran.number} dibandingkan "
                                      "dengan target akhir Renstra/RPJMD") if views else "",
        "head": {"realisation": f"Realisasi {chapter.year}"},
        "rows": rows,
        "sentences": sentences,
    }


def _standard(chapter: Chapter, s: SasaranView, numbers: Numbers) -> dict[str, Any]:
    views = [v for v in s.indicators if v.indicator.standard is not None]
    rows, sentences = [], []
    for v in views:
        real, std, sentence = say.against_standard(chapter.master, v)
        rows.append({"indicator": clean(v.indicator.renstra_title), "realisation": real,
                     "standard": std, "source": clean(v.indicator.standard_source)})
        sentences.append(clean(sentence))
    return {
        "shown": bool(views),
        "caption": numbers.next_table(f"Realisasi sasaran {s.sasaran.number} dibandingkan "
                                      "dengan standar nasional/provinsi") if views else "",
        "head": {"realisation": f"Realisasi {chapter.year}"},
        "rows": rows,
        "sentences": sentences,
    }


def unit_line(t: UnitText) -> str:
    """A unit's text as the chapter quotes it: "Analisis Bidang X: “…”", a quarter's
    "Catatan Bidang X pada TW II: kendala “…”; tindak lanjut “…”"."""
    lead = (f"Catatan {clean(t.unit)} pada {t.period}" if t.period
            else f"Analisis {clean(t.unit)}")
    said = [f"{label.lower()} {say.quoted(clean(text))}" if label
            else say.quoted(clean(text)) for label, text in t.parts]
    return f"{lead}: {'; '.join(said)}"


def _analysis(view: IndicatorView, master: Master) -> dict[str, Any]:
    name = say.quoted(clean(view.indicator.renstra_title))
    lines = [unit_line(t) for t in (*view.analyses, *view.quarter_notes)]
    if view.result.status == Status.OK and (view.result.achievement is not None
                                             or view.result.met is not None):
        verdict = say.shown_current(view, master.settings).verdict
        what = ("penyebab keberhasilan" if verdict != "belum mencapai target"
                else "penyebab belum tercapainya target")
    else:
        what = "penyebab keberhasilan atau kegagalan"
    edit = ("; sunting atau lengkapi kutipan unit di atas" if lines else "")
    return {
        "indicator": f"Indikator {name}",
        "lines": lines,
        "none": "" if lines else "Unit pelapor tidak menuliskan analisis untuk indikator ini.",
        "slot": say.slot(f"{what} indikator {name} dan alternatif solusi yang telah "
                         f"dilakukan{edit}."),
    }


def _efficiency(chapter: Chapter, s: SasaranView, numbers: Numbers) -> dict[str, Any]:
    if not s.spent_budget:
        return {"shown": False, "caption": "", "rows": [], "total": _empty_total(),
                "sentences": [], "slot": ""}
    average = chapter.master.settings.percent(s.average_achievement)
    rows = [_budget_row(b.program or f"Sasaran {s.sasaran.number}", b.ceiling, b.spent)
            for b in s.spent_budget]
    ceiling, spent = say.budget_total(s.spent_budget)
    total = {**_budget_row("Jumlah" if len(rows) > 1 else "", ceiling, spent),
             "achievement": average}
    return {
        "shown": True,
        "caption": numbers.next_table(f"Penyerapan anggaran dan capaian sasaran "
                                      f"{s.sasaran.number}"),
        "rows": rows if len(rows) > 1 else [],
        "total": {**total, "item": total["item"] or clean(rows[0]["item"])},
        "sentences": [say.efficiency(s, average, chapter.master.settings)],
        "slot": say.slot("penilaian efisiensi penggunaan sumber daya sasaran ini (anggaran, "
                         "sumber daya manusia, sarana dan prasarana)."),
    }


def _programs(s: SasaranView) -> dict[str, Any]:
    """Item 7: the programs and activities behind the result (PermenPAN-RB 53/2014's
    seventh analysis): the programs the budget names, and a slot."""
    text = say.programs_text(s.budget)
    return {
        "sentences": [clean(text)] if text else [],
        "slot": say.slot("program dan kegiatan yang menunjang keberhasilan atau menyebabkan "
                         "kegagalan pencapaian sasaran ini, dan bagaimana perannya."),
    }


def _budget_row(item: str, ceiling: float, spent: float | None) -> dict[str, str]:
    return {"item": clean(item), "ceiling": say.money(ceiling),
            "spent": say.money(spent) if spent is not None else "-",
            "absorption": (fmt_percent(say.absorption(spent, ceiling)) if spent is not None
                           else "-"), "achievement": ""}


def _empty_total() -> dict[str, str]:
    return {"item": "", "ceiling": "", "spent": "", "absorption": "", "achievement": ""}


# --- B. the budget ------------------------------------------------------------------------------


def _budget(chapter: Chapter, numbers: Numbers) -> dict[str, Any]:
    """B. Realisasi Anggaran: always printed (PermenPAN-RB 53/2014 asks for it); every
    program of every sasaran, a line without its realisasi printed "-"; the sasaran
    without a budget named, and a slot."""
    lines = chapter.budget_lines
    year = chapter.year
    bare = [str(s.sasaran.number) for s in chapter.sasaran if not s.budget]
    sentences = []
    if not lines:
        return {"shown": False, "caption": "", "rows": [], "total": _empty_total(),
                "sentences": [f"Data realisasi anggaran per program tahun {year} belum "
                              "tersedia dalam bab ini."],
                "slot": say.slot(f"realisasi anggaran tahun {year} setiap program (pagu, "
                                 "realisasi dan persentase penyerapan), sebab sisa anggaran "
                                 "dan kaitannya dengan capaian kinerja.")}
    rows = []
    for s in chapter.sasaran:
        for j, b in enumerate(s.budget):
            rows.append({
                "no": str(s.sasaran.number) if j == 0 else MERGE_UP,
                "sasaran": clean(s.sasaran.renstra_title) if j == 0 else MERGE_UP,
                **_budget_row(b.program or "-", b.ceiling, b.spent),
            })
    ceiling, spent = say.budget_total([b for _, b in lines])
    complete = all(b.spent is not None for _, b in lines)
    total = _budget_row("JUMLAH", ceiling, spent if complete else None)
    if not complete:
        total["spent"] = say.money(spent) if any(b.spent is not None for _, b in lines) else "-"
    sentences.append(say.budget_summary(lines))
    if bare:
        sentences.append(f"Anggaran sasaran {say.join(bare)} belum tercantum dalam tabel ini.")
    return {
        "shown": True,
        "caption": numbers.next_table(f"Realisasi anggaran per program tahun {year}"),
        "rows": rows,
        "total": total,
        "sentences": [clean(t) for t in sentences],
        "slot": say.slot("penjelasan atas realisasi anggaran (sebab sisa anggaran, efisiensi "
                         "yang dicapai dan kaitannya dengan capaian kinerja)"
                         + (f"; rincian anggaran sasaran {say.join(bare)}" if bare else "")
                         + "."),
    }
