"""The report context's fast paths (issue 25), each held to the slow path it replaces:
``clean`` skipping its regex for a printable text, and the texts both Capaian tables print
worded once (``capaian_texts``)."""

from __future__ import annotations

import re

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from pipeline import paths
from pipeline.annual.context import (
    build_context,
    capaian_texts,
    explanation,
    indicator_texts,
    renstra_table,
    rpjmd_table,
)
from pipeline.annual.texts import clean
from pipeline.compute import Status, compute
from pipeline.domain.master import load_master

# --- clean -------------------------------------------------------------------------------

# The characters ``clean`` removes, written out again (the regex it had before the fast path).
UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ue000\ue001\ue002\ufffe\uffff]")
unsafe_chars = st.sampled_from(
    [chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"]
    + ["\x7f", "\ue000", "\ue001", "\ue002", "\ufffe", "\uffff"])
# printable text, the whitespace XML allows, other unprintable characters that stay
# (no-break space, line separator, zero-width space, other private use), and unsafe ones
texts = st.lists(st.one_of(st.text(max_size=8), st.sampled_from(
    ["\t", "\n", "\r", "\u00a0", "\u2028", "\u200b", "\ue003", "\U000f0000", " "]),
    unsafe_chars), max_size=12).map("".join)


@given(texts)
def test_clean_removes_exactly_the_unsafe_characters(text):
    assert clean(text) == UNSAFE.sub("", text)


def test_clean_removes_each_unsafe_character_from_printable_text():
    for c in [chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"] + [
            "\x7f", "\ue000", "\ue001", "\ue002", "\ufffe", "\uffff"]:
        assert clean(f"Dinas{c} Uji") == "Dinas Uji", repr(c)
    assert clean("Kota Jambi 2021") == "Kota Jambi 2021"


# --- the texts both Capaian tables print ---------------------------------------------------


def _sample_case():
    """The sample master with every status: most indicators filled (1/1), one left
    empty (belum diisi) and one with x2 = 0 (tidak sah where it divides)."""
    master = load_master(paths.SAMPLE_MASTER)
    inds = master.indicators
    rows = [(u, i.code, 1 + n % 3, 1 + n % 2, "") for n, i in enumerate(inds[2:])
            for u in i.reporting_units]
    rows += [(u, inds[1].code, 5, 0, "") for u in inds[1].reporting_units]
    frame = pd.DataFrame(rows, columns=["unit", "code", "x1", "x2", "note"])
    return master, compute(master, frame, draft=True)


def test_both_tables_print_each_indicators_own_texts():
    master, results = _sample_case()
    assert any(len(r.contributions) > 1 for r in results.indicators.values())
    statuses = {r.status for r in results.indicators.values()}
    assert Status.OK in statuses and len(statuses) > 1
    context = build_context(master, results)
    keys = ("target", "realisation", "achievement", "grade")
    inds = master.indicators
    assert len(context["rpjmd"]["rows"]) == len(context["renstra"]["rows"]) == len(inds)
    distinct = set()
    for ind, rpjmd, renstra in zip(inds, context["rpjmd"]["rows"], context["renstra"]["rows"],
                                   strict=True):
        r = results.indicators.get(ind.code)
        own = indicator_texts(master, ind, r)
        assert {k: rpjmd[k] for k in keys} == own == {k: renstra[k] for k in keys}
        distinct.add(tuple(own.values()))
        # the unit names renstra_table words once are the names explanation finds alone
        alone = explanation(master, ind, r)
        assert renstra["explanation"][:len(alone)] == alone
    assert len(distinct) > 2  # the rows differ, so a shifted or shared row would show
    # the tables alone (no texts given) print what build_context's shared texts print
    assert rpjmd_table(master, results) == context["rpjmd"]
    assert renstra_table(master, results) == context["renstra"]
    assert rpjmd_table(master, results, capaian_texts(master, results)) == context["rpjmd"]
