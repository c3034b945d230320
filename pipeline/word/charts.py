"""Charts for the Word documents, drawn with matplotlib as PNG bytes, the same bytes every
run (the report's byte-identical reruns include its images).

Deterministic because: the Agg backend, a fixed size and resolution, the DejaVu Sans font
matplotlib ships (never a system font that may differ between machines), no timestamp or
software name in the PNG (``metadata={"Software": None}``), sorted inputs. Axis numbers
use the Indonesian decimal comma (``pipeline.numfmt``). Text is Indonesian.

``Chart`` is what ``context`` puts in the template's data; ``render`` turns it into a
docxtpl ``InlineImage`` (which needs the document being rendered).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from ..domain.numfmt import fmt_number

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


def _figure(width_mm: float, height_mm: float):
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib import pyplot as plt

    plt.rcParams.update({
        "font.family": "DejaVu Sans", "font.size": 8, "axes.spines.top": False,
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
