"""The complete LKjIP's summaries of the year (issue 22): the *Ikhtisar Eksekutif* and the
*Kesimpulan* of Bab IV, generated from the chapter's data in plain Indonesian.

The same rules as ``sentences``: every figure is printed by the function that prints it
in Bab III's tables (``sentences.shown_current``, the agency's ``Settings.percent``), a
derived figure (a change between two years) is computed from the printed values, and
nothing here is a judgement: what the year means is a marked slot in the template.

Counts follow the official style of the published documents: *4 (empat) sasaran
strategis* (research note §2.5, LKjIP Kota Salatiga 2020 and RSUD Muntilan 2017).
"""

from __future__ import annotations

from decimal import Decimal

from ..compute import Status
from ..domain.numfmt import fmt_percent
from . import sentences as say
from .model import Chapter, IndicatorView

_UNITS = ("nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan",
          "sembilan", "sepuluh", "sebelas")


def words(n: int) -> str:
    """A count in Indonesian words (up to 999), as official documents write it."""
    if n < 12:
        return _UNITS[n]
    if n < 20:
        return f"{_UNITS[n - 10]} belas"
    if n < 100:
        tens, rest = divmod(n, 10)
        return f"{_UNITS[tens]} puluh" + (f" {_UNITS[rest]}" if rest else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        head = "seratus" if hundreds == 1 else f"{_UNITS[hundreds]} ratus"
        return head + (f" {words(rest)}" if rest else "")
    return str(n)


def counted(n: int) -> str:
    """"4 (empat)"."""
    return f"{n} ({words(n)})"


def _views(chapter: Chapter) -> list[IndicatorView]:
    return [v for s in chapter.sasaran for v in s.indicators]


def _verdicts(chapter: Chapter) -> tuple[int, int, int]:
    """(met or exceeded, not met, without a verdict) over the indicators."""
    met = short = other = 0
    for v in _views(chapter):
        s = say.shown_current(v, chapter.master.settings)
        if v.result.status != Status.OK or (s.value is None and s.met is None):
            other += 1
        elif s.verdict == "belum mencapai target":
            short += 1
        else:
            met += 1
    return met, short, other


def _verdict_parts(chapter: Chapter) -> list[str]:
    """"4 (empat) indikator mencapai atau melampaui target", "1 (satu) indikator belum
    mencapai target", …: the counts that are not zero."""
    met, short, other = _verdicts(chapter)
    parts = [f"{counted(met)} indikator mencapai atau melampaui target"] if met else []
    if short:
        parts.append(f"{counted(short)} indikator belum mencapai target")
    if other:
        parts.append(f"{counted(other)} indikator belum dapat dinilai")
    return parts


def grade_shares(chapter: Chapter) -> list[str]:
    """"2 (dua) indikator atau 50% berpredikat Sangat Baik", per predikat of the scale
    (best first), over the indicators that have a predikat."""
    graded = [v.result.grade for v in _views(chapter)
              if v.result.status == Status.OK and v.result.grade]
    out = []
    for band in chapter.master.settings.grade_scale:
        n = graded.count(band.grade)
        if n:
            out.append(f"{counted(n)} indikator atau {fmt_percent(n / len(graded) * 100)} "
                       f"berpredikat {band.grade}")
    return out


def year_in_words(chapter: Chapter, pk_name: str) -> list[str]:
    """The Ikhtisar Eksekutif: what the report is, what was promised, how it went."""
    master, results = chapter.master, chapter.results
    agency, year = master.agency, chapter.year
    period = (f" dalam periode Renstra {agency.renstra_period}" if agency.renstra_period
              else "")
    views = _views(chapter)
    out = [f"Laporan Kinerja Instansi Pemerintah (LKjIP) {agency.name} Tahun {year} ini "
           f"merupakan pengukuran dan evaluasi pelaksanaan kinerja tahun {year}{period}, "
           "sebagai bentuk pertanggungjawaban atas kinerja secara transparan dan akuntabel.",
           f"Berdasarkan {pk_name}, telah ditetapkan {counted(len(chapter.sasaran))} sasaran "
           f"strategis dengan {counted(len(views))} indikator kinerja utama."]
    parts = _verdict_parts(chapter)
    if parts:
        out.append("Hasil pengukuran kinerja menunjukkan " + say.join(parts) + ".")
    shares = grade_shares(chapter)
    if shares:
        out.append("Menurut skala predikat, " + say.join(shares, "; ", "; dan ") + ".")
    average = master.settings.percent(results.average_achievement)
    grade = master.settings.grade_of(results.average_achievement)
    if average != "-":
        out.append(f"Rata-rata capaian seluruh indikator sebesar {average}"
                   + (f" dengan predikat {grade}." if grade else "."))
    lines = chapter.budget_lines
    if lines:
        out.append(say.budget_summary(lines))
    return out


def _change(chapter: Chapter, view: IndicatorView) -> tuple[Decimal, int] | None:
    """The printed % capaian of this year minus last recorded year's, and that year."""
    settings = chapter.master.settings
    shown = [say.shown_point(view.indicator, p, False, settings) for p in view.points]
    now = shown[-1]
    before = [s for s, p in zip(shown[:-1], view.points[:-1], strict=True)
              if s.value is not None and not p.changed]
    if now.value is None or not before:
        return None
    return now.value - before[-1].value, before[-1].year


def conclusion(chapter: Chapter) -> list[str]:
    """Bab IV's generated summary: what was measured, met and not, the average and its
    predikat, the highest and lowest capaian, the largest rise and fall against the year
    before."""
    master, results = chapter.master, chapter.results
    settings = master.settings
    views = _views(chapter)
    out = [f"Pada tahun {chapter.year}, {master.agency.name} mengukur "
           f"{counted(len(views))} indikator kinerja utama dari "
           f"{counted(len(chapter.sasaran))} sasaran strategis: "
           + say.join(_verdict_parts(chapter)) + "."]
    average = settings.percent(results.average_achievement)
    grade = settings.grade_of(results.average_achievement)
    if average != "-":
        out.append(f"Rata-rata capaian seluruh indikator sebesar {average}"
                   + (f", sehingga capaian kinerja tahun {chapter.year} secara umum "
                      f"dikategorikan {grade}." if grade else "."))
    scored = [(say.shown_current(v, settings), v) for v in views]
    scored = [(s, v) for s, v in scored if s.value is not None]
    if len(scored) >= 2:
        high = max(scored, key=lambda sv: sv[0].value)
        low = min(scored, key=lambda sv: sv[0].value)
        if high[0].value != low[0].value:
            out.append(f"Capaian tertinggi diraih indikator "
                       f"{say.quoted(high[1].indicator.renstra_title)} "
                       f"({high[0].achievement}), sedangkan capaian terendah pada indikator "
                       f"{say.quoted(low[1].indicator.renstra_title)} ({low[0].achievement}).")
    changes = [(c, v) for v in views if (c := _change(chapter, v)) is not None]
    rises = [(c, v) for c, v in changes if c[0] > 0]
    falls = [(c, v) for c, v in changes if c[0] < 0]
    said = []
    if rises:
        (d, year), v = max(rises, key=lambda cv: cv[0][0])
        said.append(f"peningkatan capaian terbesar terjadi pada indikator "
                    f"{say.quoted(v.indicator.renstra_title)} (naik {say.points(d, 0)} poin "
                    f"persen dibandingkan dengan tahun {year})")
    if falls:
        (d, year), v = min(falls, key=lambda cv: cv[0][0])
        said.append(f"penurunan terbesar pada indikator {say.quoted(v.indicator.renstra_title)} "
                    f"(turun {say.points(d, 0)} poin persen dibandingkan dengan tahun {year})")
    if said:
        text = say.join(said, "; ", ", sedangkan ")
        out.append(text[0].upper() + text[1:] + ".")
    return out
