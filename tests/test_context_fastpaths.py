"""The report context's fast paths (issue 25), each held to the slow path it replaces:
``clean`` skipping its regex for a printable text, ``is_missing`` and ``fmt_value`` /
``fmt_percent`` taking a float straight to its remembered text, ``rounded`` in a context
passed to each operation instead of a ``localcontext`` per number, ``_text`` by Decimal's
own format instead of a digit loop, and the texts both Capaian tables print worded once
(``capaian_texts``)."""

from __future__ import annotations

import math
import re
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, localcontext

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
from pipeline.domain.numfmt import fmt_number, fmt_percent, fmt_value, is_missing, rounded

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


# --- numbers -------------------------------------------------------------------------------

floats = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-1e7, max_value=1e7),
    st.sampled_from([0.0, -0.0, 0.125, 2.675, 0.0021, 57.99999999999999, 1e300, -1e22]),
)
numbers = st.one_of(floats, st.integers(min_value=-10**30, max_value=10**30), st.none(),
                    st.decimals(allow_nan=True, allow_infinity=True, places=6))
roundings = st.sampled_from([ROUND_HALF_UP, ROUND_DOWN])


def outcome(call, *args, **kwargs):
    """What a call gives, its text or the kind of error it raises (a huge value rounded
    to its decimals overflows even 60 digits, a signaling NaN refuses float(): the fast
    paths must fail where the slow ones fail)."""
    try:
        result = call(*args, **kwargs)
    except (ArithmeticError, ValueError) as e:
        return type(e)
    return str(result) if isinstance(result, Decimal) else result


def reference_is_missing(x) -> bool:
    if x is None:
        return True
    if isinstance(x, float | int | Decimal):
        return not math.isfinite(float(x))
    return False


@given(numbers)
def test_is_missing_is_the_isinstance_chain(x):
    assert outcome(is_missing, x) == outcome(reference_is_missing, x)


def reference_rounded(x, decimals, rounding, rescue) -> Decimal:
    """``rounded`` as it was: every step inside ``localcontext(prec=60)``."""
    if rounding == ROUND_DOWN and not isinstance(x, Decimal):
        d = Decimal(f"{float(x):.15g}")
    else:
        d = x if isinstance(x, Decimal) else Decimal(repr(float(x)))
    with localcontext(prec=60):
        q = d.quantize(Decimal(1).scaleb(-decimals), rounding=rounding)
        if rescue and q == 0 and d != 0:
            places = 1 - d.copy_abs().adjusted()
            q = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        return q if q != 0 else Decimal(0)


finite = st.one_of(st.floats(allow_nan=False, allow_infinity=False),
                   st.decimals(allow_nan=False, allow_infinity=False, places=8),
                   st.sampled_from([1e300, -1e45, 1e-300, 0.125, 2.675, 186.92]))


@given(finite, st.integers(min_value=0, max_value=8), roundings, st.booleans())
def test_rounded_is_the_wide_local_context(x, decimals, rounding, rescue):
    got = outcome(rounded, x, decimals, rounding, rescue)
    want = outcome(reference_rounded, x, decimals, rounding, rescue)
    assert got == want  # the same digits and the same exponent (as str), or the same error


def reference_text(q: Decimal, keep_zeros: bool) -> str:
    """``numfmt._text`` as it was: the digit loop."""
    sign, digits, exponent = q.as_tuple()
    text = "".join(map(str, digits))
    if exponent < 0:
        text = text.rjust(-exponent + 1, "0")
        whole, frac = text[:exponent], text[exponent:]
        if not keep_zeros:
            frac = frac.rstrip("0")
    else:
        whole, frac = text + "0" * exponent, ""
    groups = []
    while len(whole) > 3:
        whole, tail = whole[:-3], whole[-3:]
        groups.append(tail)
    groups.append(whole)
    out = ".".join(reversed(groups))
    if frac:
        out += "," + frac
    return ("-" if sign else "") + out


def reference_number(x, decimals, fixed, rounding, rescue) -> str:
    q = reference_rounded(x, decimals, rounding, rescue and not fixed)
    if fixed and q.as_tuple().exponent > -decimals:
        q = q.quantize(Decimal(1).scaleb(-decimals))
    return reference_text(q, keep_zeros=fixed)


@given(st.one_of(finite, st.integers(min_value=-10**20, max_value=10**20)),
       st.integers(min_value=0, max_value=6), st.booleans(), roundings, st.booleans())
def test_number_text_is_the_digit_loop(x, decimals, fixed, rounding, rescue):
    got = outcome(fmt_number, x, decimals=decimals, fixed=fixed, rounding=rounding,
                  rescue=rescue)
    assert got == outcome(reference_number, x, decimals, fixed, rounding, rescue)


def test_number_text_examples():
    assert fmt_number(1234567.891) == "1.234.567,89"
    assert fmt_number(-1234.5) == "-1.234,5"
    assert fmt_number(100.0) == "100"
    assert fmt_number(84.1, fixed=True) == "84,10"
    assert fmt_number(0.0021) == "0,0021"
    assert fmt_number(Decimal("1E+3")) == "1.000"


@given(numbers, st.sampled_from(["", "%", "dokumen"]), st.sampled_from(["-", "NA"]),
       st.integers(min_value=0, max_value=4), st.booleans(), roundings, st.booleans())
def test_value_and_percent_take_a_float_to_the_same_text(x, unit, na, decimals, fixed,
                                                          rounding, rescue):
    """The float fast paths of ``fmt_value`` and ``fmt_percent`` against their slow path:
    ``is_missing`` then ``fmt_number`` with the same arguments."""
    def slow_value():
        if reference_is_missing(x):
            return na
        number = fmt_number(x, decimals=decimals, fixed=fixed, rounding=rounding,
                            rescue=rescue)
        return f"{number}%" if unit == "%" else f"{number} {unit}".rstrip()

    def slow_percent():
        if reference_is_missing(x):
            return na
        return f"{fmt_number(x, decimals=decimals, fixed=fixed)}%"

    assert outcome(fmt_value, x, unit, na=na, decimals=decimals, fixed=fixed,
                   rounding=rounding, rescue=rescue) == outcome(slow_value)
    assert outcome(fmt_percent, x, na=na, decimals=decimals, fixed=fixed) == outcome(
        slow_percent)


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
