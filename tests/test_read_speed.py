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

import pytest
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


def reference_rows(grid, header_row, columns):
    """reader._rows before issue 25: a list per line, Row built through its __init__."""
    from pipeline.intake.reader import _ROW_KEYS, Row, _blank

    at = [columns.get(key) for key in _ROW_KEYS]
    for r in range(header_row + 1, len(grid)):
        line = grid[r]
        values = [line[i] if i is not None and i < len(line) else "" for i in at]
        code, x1, x2, note, analysis, obstacles, follow_up, *shown = values
        if _blank(code) and all(_blank(v) for v in (x1, x2, note, analysis, obstacles,
                                                     follow_up)):
            continue
        yield Row(r, code.strip() if isinstance(code, str) else code, x1, x2, note,
                  tuple(shown), analysis, obstacles, follow_up)


_KEYS = ["code", "x1", "x2", "note", "analysis", "obstacles", "follow_up", "indicator",
         "x1_meaning", "x2_meaning"]
_VALUE = st.one_of(st.sampled_from(["", " ", "S1.1", " S2.3 ", "teks"]), st.none(),
                   st.floats(allow_nan=False), st.integers(-3, 3), st.booleans())


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(_VALUE, max_size=14), max_size=12),
       st.dictionaries(st.sampled_from(_KEYS), st.integers(0, 13)),
       st.tuples(st.integers(0, 13), st.integers(0, 13), st.integers(0, 13)), st.integers(0, 3))
def test_rows_built_as_before(grid, columns, required, header_row):
    from dataclasses import FrozenInstanceError

    from pipeline.intake.reader import Row, _rows

    columns = dict(columns, **dict(zip(("code", "x1", "x2"), required, strict=True)))
    if any(grid):  # calamine's grid is rectangular; a ragged one is read cell by cell
        width = max(map(len, grid))
        if header_row % 2:
            grid = [line + [""] * (width - len(line)) for line in grid]
    new = list(_rows(grid, header_row, columns))
    old = list(reference_rows(grid, header_row, columns))
    assert new == old
    assert [list(vars(r).items()) for r in new] == [list(vars(r).items()) for r in old]
    assert [hash(r) for r in new if all(x is None or isinstance(x, (str, int, float, tuple))
                                        for x in vars(r).values())] == \
        [hash(r) for r in old if all(x is None or isinstance(x, (str, int, float, tuple))
                                     for x in vars(r).values())]
    for row in new:
        assert type(row) is Row and repr(row) == repr(old[new.index(row)])
        with pytest.raises(FrozenInstanceError):
            row.x1 = 1


# --- cellscan's searches (issue 25, session 6) ----------------------------------------------
# ``_literal(text).search`` stands for ``text in data``, ``_attribute_positions`` returns
# early when the attribute is absent, and ``_column_of`` writes ``\b`` as a look back after
# the literal ``r="``: each held to the formulation it replaced on generated bytes made of
# the pieces that matter (word and non-word bytes before "r", prefixes, quotes, digits).

_SCAN_PIECES = st.sampled_from([
    b'r="', b"r=", b'"', b"E", b"G", b"A", b"EG", b"1", b"09", b" ", b"x", b"_", b"-", b"<",
    b">", b":", b"f", b":f", b"<x:f", b't="e"', b"t=", b'e"', b"at", b"\x00", b"\xe9", b"9",
    b's="3"', b"s=", b"\n", b"R", b'r="E1"', b'r="G10"', b'r="A9"', b'r="AB3"', b'r="E"',
    b'r="E1', b'r="e1"', b'r="G1"r="E2"',
])


def _joined(pieces):
    return b"".join(pieces)


@settings(max_examples=1500, deadline=None)
@given(st.lists(_SCAN_PIECES, max_size=24).map(_joined),
       st.sampled_from([frozenset({"E", "G"}), frozenset({"A"}), frozenset({"E"}),
                        frozenset({"AB", "G"})]))
def test_wanted_columns_found_as_with_a_word_boundary(data, columns):
    import re

    from pipeline.intake.cellscan import _column_of

    letters = b"|".join(sorted(c.encode("ascii") for c in columns))
    old = re.compile(rb'\br="(?:' + letters + rb')[0-9]+"')
    new = _column_of(columns)
    assert [m.span() for m in new.finditer(data)] == [m.span() for m in old.finditer(data)]
    assert bool(new.search(data)) == bool(old.search(data))


@settings(max_examples=1500, deadline=None)
@given(st.lists(_SCAN_PIECES, max_size=24).map(_joined),
       st.sampled_from([b":f", b't="e"', b's="3"', b"r=", b'"']))
def test_literal_searches_and_attribute_positions_as_before(data, text):
    from pipeline.intake.cellscan import _WORD_BYTES, _attribute_positions, _literal

    assert (_literal(text).search(data) is not None) == (text in data)
    old, at = [], data.find(text)
    while at >= 0:  # _attribute_positions before: every occurrence by find
        if at == 0 or data[at - 1] not in _WORD_BYTES:
            old.append(at)
        at = data.find(text, at + 1)
    assert _attribute_positions(data, text) == old
