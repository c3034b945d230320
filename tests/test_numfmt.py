import datetime as dt
from decimal import Decimal

import pytest

from pipeline.domain.numfmt import fmt_date, fmt_month_year, fmt_number, fmt_percent, fmt_value


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.125, "0,13"),  # half-up, not Babel's half-to-even "0,12"
        (2.675, "2,68"),  # the decimal people see, not the binary float below it
        (1234.5, "1.234,5"),
        (1234567.891, "1.234.567,89"),
        (100.0, "100"),
        (0, "0"),
        (-0.001, "-0,001"),  # a non-zero value never prints as 0
        (-0.0000001, "-0,0000001"),
        (0.0021, "0,0021"),
        (0.00214, "0,0021"),
        (-1.5, "-1,5"),
        (66.66666666666667, "66,67"),
        (Decimal("0.005"), "0,01"),
        (None, "-"),
        (float("nan"), "-"),
        (float("inf"), "-"),
    ],
)
def test_fmt_number(value, expected):
    assert fmt_number(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (87.5, "87,5%"),
        (200 / 3, "66,67%"),
        (100, "100%"),
        (100.0, "100%"),
        (99.999, "100%"),
        (0.0, "0%"),
        (1250.5, "1.250,5%"),
    ],
)
def test_fmt_percent(value, expected):
    assert fmt_percent(value) == expected


@pytest.mark.parametrize(
    ("value", "na", "expected"),
    [(None, "NA", "NA"), (None, "-", "-"), (float("nan"), "NA", "NA")],
)
def test_missing_text_is_the_callers_choice(value, na, expected):
    assert fmt_number(value, na=na) == expected
    assert fmt_percent(value, na=na) == expected
    assert fmt_value(value, "%", na=na) == expected


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (75, "%", "75%"),
        (0.755, "", "0,76"),
        (12, "dokumen", "12 dokumen"),
        (1500, "orang", "1.500 orang"),
    ],
)
def test_fmt_value(value, unit, expected):
    assert fmt_value(value, unit) == expected


@pytest.mark.parametrize(
    ("day", "long", "month_year"),
    [
        (dt.date(2022, 1, 31), "31 Januari 2022", "Januari 2022"),
        (dt.date(2021, 2, 1), "1 Februari 2021", "Februari 2021"),
        (dt.date(2021, 3, 5), "5 Maret 2021", "Maret 2021"),
        (dt.date(2021, 5, 20), "20 Mei 2021", "Mei 2021"),
        (dt.date(2021, 6, 9), "9 Juni 2021", "Juni 2021"),
        (dt.date(2021, 7, 9), "9 Juli 2021", "Juli 2021"),
        (dt.date(2025, 8, 17), "17 Agustus 2025", "Agustus 2025"),
        (dt.date(2021, 10, 28), "28 Oktober 2021", "Oktober 2021"),
        (dt.date(2021, 12, 31), "31 Desember 2021", "Desember 2021"),
    ],
)
def test_dates_use_indonesian_month_names(day, long, month_year):
    assert fmt_date(day) == long
    assert fmt_month_year(day) == month_year


from decimal import ROUND_HALF_UP, localcontext  # noqa: E402

from babel.numbers import format_decimal  # noqa: E402
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from pipeline.domain.numfmt import rounded  # noqa: E402


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False),
       st.integers(min_value=0, max_value=4))
def test_same_text_as_babel(x, decimals):
    """The hand-written formatter prints what Babel prints for the same rounded value."""
    q = rounded(x, decimals)
    pattern = "#,##0." + "#" * max(decimals, -q.as_tuple().exponent) if q else "#,##0"
    with localcontext(rounding=ROUND_HALF_UP):
        expected = format_decimal(q, format=pattern, locale="id_ID")
    assert fmt_number(x, decimals=decimals) == expected


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (1021679, 0, "1.021.679"),
        (0.381, 3, "0,381"),
        (4.88, 2, "4,88"),
        (71.3456, 3, "71,346"),
        (12.5, 0, "13"),
        (0.4, 0, "0,4"),  # never 0 for a non-zero value
        (0.0021, 2, "0,0021"),
    ],
)
def test_decimals_per_indicator(value, decimals, expected):
    assert fmt_number(value, decimals=decimals) == expected


@pytest.mark.parametrize(("value", "places", "expected"), [
    (92.9, 2, "92,90"), (73.5333, 2, "73,53"), (100, 2, "100,00"), (0, 1, "0,0"),
    (1234.5, 2, "1.234,50"), (0.125, 2, "0,13"), (-5.125, 2, "-5,13"), (0.999, 2, "1,00"),
    (12345678.9, 0, "12.345.679"), (-0.0, 1, "0,0"),
    (0.0021, 2, "0,0021"),  # a non-zero value never prints as zero
    (None, 2, "-"), (float("nan"), 2, "-")])
def test_fmt_fixed_keeps_the_column_decimals(value, places, expected):
    from pipeline.domain.numfmt import fmt_fixed, fmt_percent_fixed

    assert fmt_fixed(value, places) == expected
    assert fmt_percent_fixed(value, places) == (expected + "%" if expected != "-" else "-")


@pytest.mark.parametrize(("value", "decimals"), [
    (92.9, 1), (73.5333, 2), (100, 0), (None, 0), (0.0021, 4), (1234.5, 1)])
def test_printed_decimals(value, decimals):
    from pipeline.domain.numfmt import printed_decimals

    assert printed_decimals(value) == decimals
