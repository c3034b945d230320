"""The chapter's chart: % capaian of a sasaran's indicators across years, drawn with
matplotlib (Agg) and returned as ``pipeline.word.charts.Chart`` (PNG bytes, width, alternative
text), which ``render`` places as a docxtpl ``InlineImage``.

Deterministic, as ``pipeline.word.charts``: the same figures give the same bytes. The
backend is Agg, the font is the document's body font as ``word.charts.chart_font`` finds
it (Arial, or Liberation Sans where Arial is not installed), size and resolution are
fixed, and the PNG carries no "Software" text chunk (``metadata={"Software": None}``) and
no time. Unlike the report appendix's plain line chart, each point is labelled with its
value and the 100% line is drawn, as LKjIP charts usually are. Every label is Indonesian,
every number formatted with ``pipeline.numfmt``.

Read as a head of agency reads it (issue 21): the vertical axis starts at 0% (or below,
for a negative capaian), so a change of one point between two years looks like one point
and not like a collapse; legends and titles are wrapped, never cut with "…".
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from ..domain.numfmt import fmt_number
from ..word.charts import COLOURS, FONT, Chart, chart_font

WIDTH_IN, HEIGHT_IN, DPI = 6.3, 3.1, 150  # 16 x 7.9 cm: the portrait text width
# placed in the years table's last row: the 16 cm text width less the cell's margins (an
# image wider than its cell is cut at the cell's edge by LibreOffice)
WIDTH_MM = 155.0
LEGEND_CHARS = 110  # a legend line's characters at 7 pt across the chart, then it wraps
TITLE_CHARS = 80  # a title line at 9 pt over the plot area, then it wraps


@dataclass(frozen=True)
class Line:
    label: str  # the legend's text: the indicator's code and name
    points: tuple[tuple[int, float], ...]  # (year, % capaian), oldest first


def legend_label(text: str) -> str:
    """A legend entry wrapped over as many lines as it needs, never cut with "…"."""
    return textwrap.fill(text, LEGEND_CHARS)


def axis_range(values: Sequence[float]) -> tuple[float, float]:
    """The vertical axis of a capaian chart: from 0% (below it only for a negative capaian)
    to above the highest value and the 100% line, with room for the point labels. A zoomed
    axis would make a change of one point between two years look like a collapse."""
    values = [*values, 100.0]
    low, high = min(values), max(values)
    pad = max((high - min(low, 0.0)) * 0.12, 5.0)
    return (low - pad if low < 0 else 0.0), high + pad


def capaian_chart(title: str, years: Sequence[int], lines: Sequence[Line],
                  description: str = "", font: str | None = FONT) -> Chart:
    """A line chart of % capaian across ``years``, one line per indicator, with the 100%
    line dashed; drawn in ``font`` (``word.charts.chart_font``)."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib import pyplot as plt
    from matplotlib.ticker import FuncFormatter

    style = {
        "font.family": chart_font(font), "font.size": 8, "axes.titlesize": 9,
        "svg.hashsalt": "iku", "path.simplify": False, "figure.dpi": DPI,
    }
    with matplotlib.rc_context(style):
        fig, ax = plt.subplots(figsize=(WIDTH_IN, HEIGHT_IN))
        try:
            for i, line in enumerate(lines):
                xs = [x for x, _ in line.points]
                ys = [y for _, y in line.points]
                colour = COLOURS[i % len(COLOURS)]
                ax.plot(xs, ys, marker="o", color=colour, linewidth=1.6, markersize=4,
                        label=legend_label(line.label))
                for x, y in line.points:
                    ax.annotate(f"{fmt_number(y)}%", (x, y), textcoords="offset points",
                                xytext=(0, 6), ha="center", fontsize=7, color=colour)
            ax.axhline(100, color="#7f7f7f", linestyle="--", linewidth=0.8)
            ax.set_xticks(list(years))
            ax.set_xticklabels([str(y) for y in years])
            ax.set_xlim(min(years) - 0.5, max(years) + 0.5)
            ax.set_ylim(*axis_range([y for line in lines for _, y in line.points]))
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{fmt_number(v)}%"))
            ax.set_ylabel("% capaian")
            ax.set_title(textwrap.fill(title, TITLE_CHARS))
            ax.grid(axis="y", color="#d9d9d9", linewidth=0.5)
            for side in ("top", "right"):
                ax.spines[side].set_visible(False)
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=1, frameon=False,
                      fontsize=7)
            buf = io.BytesIO()
            fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight", pad_inches=0.05,
                        metadata={"Software": None})
        finally:
            plt.close(fig)
    return Chart(buf.getvalue(), WIDTH_MM, description or title)
