"""Charts for the Word documents, drawn with matplotlib as PNG bytes, the same bytes every
run (the report's byte-identical reruns include its images).

Deterministic because: the Agg backend, a fixed size and resolution, one font file chosen
the same way every run (``chart_font``), no timestamp or software name in the PNG
(``metadata={"Software": None}``), sorted inputs. Axis numbers use the Indonesian decimal
comma (``pipeline.numfmt``). Text is Indonesian.

The font (issue 21): the document's body font, so a chart reads as part of the page. The
templates set Arial, which Windows has; LibreOffice's installers bring Liberation Sans,
metric-compatible with it and drawn alike, so ``chart_font`` takes the body font when the
computer has it, else its metric-compatible twin (Liberation Sans/Serif/Mono for Arial,
Times New Roman, Courier New; Carlito and Caladea for Calibri and Cambria), else the
DejaVu Sans matplotlib ships. Nothing is embedded in the document: the text is drawn into
the PNG. A computer with other fonts draws other pixels, as with any other matplotlib
version; on one computer every run gives the same bytes. ``body_font`` reads a template's
body font (a restyled template's charts follow its font).

``Chart`` is what ``context`` puts in the template's data; ``render`` turns it into a
docxtpl ``InlineImage`` (which needs the document being rendered).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree

from ..domain.numfmt import fmt_number

FONT = "Arial"  # the bundled templates' body font
FALLBACK_FONT = "DejaVu Sans"  # shipped with matplotlib
# A font and the metric-compatible one LibreOffice brings for it (and substitutes in a
# document that names the first).
TWINS = {"arial": "Liberation Sans", "helvetica": "Liberation Sans",
         "times new roman": "Liberation Serif", "courier new": "Liberation Mono",
         "calibri": "Carlito", "cambria": "Caladea"}
WIDTH_MM = 160.0
DPI = 150
COLOURS = ("#1f4e79", "#c55a11", "#548235", "#7030a0", "#bf9000", "#2e75b6", "#a50021",
           "#3a3838")


@dataclass(frozen=True)
class Chart:
    """A PNG image for the template, and the width it is placed at."""

    png: bytes
    width_mm: float = WIDTH_MM
    description: str = ""  # alternative text


@lru_cache(maxsize=16)
def chart_font(name: str | None = FONT) -> str:
    """The font family the charts are drawn with: ``name`` when matplotlib finds it on this
    computer, else its metric-compatible twin (``TWINS``), else ``FALLBACK_FONT``."""
    from matplotlib import font_manager

    for family in (name, TWINS.get((name or "").strip().casefold())):
        if not family:
            continue
        try:
            font_manager.findfont(font_manager.FontProperties(family=family),
                                  fallback_to_default=False)
        except ValueError:
            continue
        return family
    return FALLBACK_FONT


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def body_font(docx: bytes) -> str | None:
    """The body font a .docx names (its Normal style's, else its document defaults'), None
    when it names none (a theme font) or cannot be read."""
    try:
        with zipfile.ZipFile(io.BytesIO(docx)) as z:
            styles = etree.fromstring(z.read("word/styles.xml"))
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError):
        return None
    found = None
    defaults = styles.find(f"{_W}docDefaults/{_W}rPrDefault/{_W}rPr/{_W}rFonts")
    if defaults is not None:
        found = defaults.get(f"{_W}ascii") or found
    for style in styles.findall(f"{_W}style"):
        if style.get(f"{_W}type") == "paragraph" and style.get(f"{_W}default") in ("1", "true"):
            fonts = style.find(f"{_W}rPr/{_W}rFonts")
            if fonts is not None and fonts.get(f"{_W}ascii"):
                found = fonts.get(f"{_W}ascii")
    return found


def _figure(width_mm: float, height_mm: float, font: str | None = FONT):
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib import pyplot as plt

    plt.rcParams.update({
        "font.family": chart_font(font), "font.size": 8, "axes.spines.top": False,
        "axes.spines.right": False, "svg.hashsalt": "iku", "path.simplify": False,
    })
    fig = plt.figure(figsize=(width_mm / 25.4, height_mm / 25.4), dpi=DPI)
    return plt, fig


def _png(plt, fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def _percent_axis(ax) -> None:
    from matplotlib.ticker import FuncFormatter

    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{fmt_number(v)}%"))
    ax.grid(axis="y", color="#d9d9d9", linewidth=0.5)
    ax.set_axisbelow(True)


def line_chart(title: str, years: Sequence[int], series: Sequence[tuple[str, Sequence]],
               width_mm: float = WIDTH_MM, height_mm: float = 75.0) -> Chart:
    """One line per (label, values by year; None = no figure that year)."""
    plt, fig = _figure(width_mm, height_mm)
    ax = fig.add_subplot(1, 1, 1)
    for i, (label, values) in enumerate(series):
        points = [(y, v) for y, v in zip(years, values, strict=True) if v is not None]
        if not points:
            continue
        xs, ys = zip(*points, strict=True)
        ax.plot(xs, ys, marker="o", markersize=3, linewidth=1.2, label=label,
                color=COLOURS[i % len(COLOURS)])
    ax.set_xticks(list(years))
    ax.set_xticklabels([str(y) for y in years])
    ax.set_title(title, fontsize=9)
    ax.set_ylabel("% capaian")
    _percent_axis(ax)
    low = min((v for _, values in series for v in values if v is not None), default=0.0)
    ax.set_ylim(bottom=min(0.0, low * 1.1))  # from 0: a small change does not look large
    if series:
        ax.legend(fontsize=7, ncol=min(4, len(series)), loc="upper center",
                  bbox_to_anchor=(0.5, -0.12), frameon=False)
    fig.tight_layout()
    return Chart(_png(plt, fig), width_mm, title)


def bar_chart(title: str, labels: Sequence[str], values: Sequence[float | None],
              width_mm: float = WIDTH_MM, height_mm: float = 70.0,
              reference: float | None = 100.0) -> Chart:
    """One bar per label, the value printed on it; a dashed line at ``reference``."""
    plt, fig = _figure(width_mm, height_mm)
    ax = fig.add_subplot(1, 1, 1)
    heights = [v if v is not None else 0.0 for v in values]
    bars = ax.bar(range(len(labels)), heights, color=COLOURS[0], width=0.6)
    for bar, value in zip(bars, values, strict=True):
        text = "NA" if value is None else f"{fmt_number(value)}%"
        ax.annotate(text, (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                    ha="center", va="bottom", fontsize=7, xytext=(0, 2),
                    textcoords="offset points")
    ax.set_xticks(range(len(labels)))
    ax.set_xticklabels(list(labels))
    if reference is not None:
        ax.axhline(reference, color="#a50021", linewidth=0.8, linestyle="--")
    ax.set_title(title, fontsize=9)
    ax.set_ylabel("% capaian")
    _percent_axis(ax)
    fig.tight_layout()
    return Chart(_png(plt, fig), width_mm, title)
