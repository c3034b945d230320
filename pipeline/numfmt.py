"""Indonesian number and date formatting for the report.

Every figure is computed unrounded and rounded here only, when it becomes text: at most
two decimals, half-up (``0,125`` → ``0,13``, as people round by hand; Babel alone rounds
half-to-even), decimal comma and thousands dot (``1.234,5``), percent without a space
(``87,5%``). A missing value (None, NaN, ±inf) becomes the caller's ``na`` text, "-" by
default or "NA" for the RPJMD baseline.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_HALF_UP, Decimal, localcontext

LOCALE = "id_ID"
_PATTERN = "#,##0.##"
_HUNDREDTH = Decimal("0.01")


def _rounded(x: float | int | Decimal) -> Decimal:
    # repr() gives the shortest text that reads back as the same float, so 2.675 is
    # rounded as the 2.675 people see, not as 2.67499999… stored in binary.
    d = x if isinstance(x, Decimal) else Decimal(repr(float(x)))
    q = d.quantize(_HUNDREDTH, rounding=ROUND_HALF_UP)
    return q if q != 0 else Decimal(0)  # no "-0"


def is_missing(x: object) -> bool:
    if x is None:
        return True
    if isinstance(x, float | int | Decimal):
        return not math.isfinite(float(x))
    return False


def fmt_number(x: float | int | Decimal | None, na: str = "-") -> str:
    """``1234.5`` → ``1.234,5``; ``0.125`` → ``0,13``; ``100.0`` → ``100``."""
    if is_missing(x):
        return na
    from babel.numbers import format_decimal  # Babel loads only where text is formatted

    with localcontext(rounding=ROUND_HALF_UP):
        return format_decimal(_rounded(x), format=_PATTERN, locale=LOCALE)


def fmt_percent(x: float | int | Decimal | None, na: str = "-") -> str:
    """A value already in percent: ``87.5`` → ``87,5%``, ``100`` → ``100%``."""
    if is_missing(x):
        return na
    return f"{fmt_number(x)}%"


def fmt_value(x: float | int | Decimal | None, unit: str = "", na: str = "-") -> str:
    """A value in its unit of measure: ``%`` is appended, other units follow a space."""
    if is_missing(x):
        return na
    if unit == "%":
        return fmt_percent(x)
    return f"{fmt_number(x)} {unit}".rstrip()


def fmt_date(d: dt.date) -> str:
    """``2022-01-31`` → ``31 Januari 2022``."""
    from babel.dates import format_date

    return format_date(d, "d MMMM y", locale=LOCALE)


def fmt_month_year(d: dt.date) -> str:
    """``2022-01-31`` → ``Januari 2022``."""
    from babel.dates import format_date

    return format_date(d, "MMMM y", locale=LOCALE)


def fmt_count(n: int) -> str:
    """A whole number with Indonesian thousands dots: ``200000`` → ``200.000``.

    The same text ``fmt_number`` gives for an integer, without loading Babel: the one
    formatter for counts in messages (limits, sizes, row numbers).
    """
    return f"{int(n):,}".replace(",", ".")

