"""Indonesian number and date formatting for the report and the workbooks.

Every figure is computed unrounded and rounded here only, when it becomes text: at most
``decimals`` decimals (two unless an indicator says otherwise), half-up (``0,125`` →
``0,13``, as people round by hand; Babel alone rounds half-to-even), decimal comma and
thousands dot (``1.234,5``), trailing zeros dropped (``100``, ``87,5``), percent without a
space (``87,5%``). A non-zero value is never printed as ``0``: when rounding would give
zero, enough decimals are shown for two significant digits (``0,0021``, not ``0``). A
missing value (None, NaN, ±inf) becomes the caller's ``na`` text, "-" by default or "NA".
Where a table column must print one number of decimals (the quarterly report's % columns),
``fmt_fixed`` / ``fmt_percent_fixed`` keep the trailing zeros (``92,90%`` above ``73,53%``).

Published tables round otherwise, and the master says so (issue 20): ``fixed`` prints
exactly ``decimals`` decimals, trailing zeros kept (``84,10``, ``0,00``: no two
significant digits then, the table's decimals are the table's), and ``rounding`` may be
``DOWN`` (truncation towards zero: ``186,92`` → ``186``) instead of ``HALF_UP``;
``rescue=False`` drops the two-significant-digits rule where the printed value is the
value computed with (``Indicator.printed``).

The formatter is written out rather than calling Babel per number: it prints the same
text as ``babel.numbers.format_decimal(x, "#,##0.##", locale="id_ID")`` (a property test
compares the two) and is about ten times faster, which matters on a city's reports.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_DOWN, ROUND_HALF_UP, Context, Decimal, localcontext
from functools import lru_cache
from math import isfinite
from typing import Any

from .thresholds import parse_threshold

HALF_UP, DOWN = ROUND_HALF_UP, ROUND_DOWN  # the roundings a master may ask (``pembulatan``)

MONTHS = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip


def is_missing(x: object) -> bool:
    if type(x) is float:  # the usual figure: a float, tested without the isinstance chain
        return not isfinite(x)
    if x is None:
        return True
    if isinstance(x, float | int | Decimal):
        return not math.isfinite(float(x))
    return False


def _decimal(x: float | int | Decimal) -> Decimal:
    # repr() gives the shortest text that reads back as the same float, so 2.675 is
    # rounded as the 2.675 people see, not as 2.67499999… stored in binary.
    return x if isinstance(x, Decimal) else Decimal(repr(float(x)))


def rounded(x: float | int | Decimal, decimals: int = 2, rounding: str = HALF_UP,
            rescue: bool = True) -> Decimal:
    """``x`` rounded (half-up, or ``DOWN``: truncated) to ``decimals`` places, or, with
    ``rescue``, to two significant digits when that would make a non-zero value zero.
    Never ``-0``. Truncation reads the value at 15 significant digits, as a spreadsheet
    shows it: 29/50 × 100 is 57.99999999999999 in binary and must cut to 58, not 57,99."""
    if rounding == DOWN and not isinstance(x, Decimal):
        d = Decimal(f"{float(x):.15g}")
    else:
        d = _decimal(x)
    return _rounded(d, decimals, rounding, rescue)


# The context every rounding runs in: 60 digits, so that a huge value quantized to its
# decimals never overflows the precision. Passed to each operation rather than entered
# with ``localcontext`` per number (which cost half of ``rounded``'s time; issue 25).
_WIDE = Context(prec=60)


def _rounded(d: Decimal, decimals: int, rounding: str = HALF_UP,
             rescue: bool = True) -> Decimal:
    q = d.quantize(Decimal(1).scaleb(-decimals, _WIDE), rounding=rounding, context=_WIDE)
    if rescue and q == 0 and d != 0:
        places = 1 - d.copy_abs().adjusted()  # two significant digits
        q = d.quantize(Decimal(1).scaleb(-places, _WIDE), rounding=ROUND_HALF_UP,
                       context=_WIDE)
    return q if q != 0 else Decimal(0)


def fmt_number(x: float | int | Decimal | None, na: str = "-", decimals: int = 2,
               fixed: bool = False, rounding: str = HALF_UP, rescue: bool = True) -> str:
    """``1234.5`` → ``1.234,5``; ``0.125`` → ``0,13``; ``100.0`` → ``100``;
    ``0.0021`` → ``0,0021``; ``fixed``: ``84.1`` → ``84,10`` (decimals 2), ``0.0021`` →
    ``0,00``. A float or an int is remembered with its text (a report prints the same
    targets and percentages many times; issue 25)."""
    if type(x) is float or type(x) is int:
        return _fmt_number_of(x, na, decimals, fixed, rounding, rescue)
    return _fmt_number(x, na, decimals, fixed, rounding, rescue)


@lru_cache(maxsize=8192)
def _fmt_number_of(x: float | int, na: str, decimals: int, fixed: bool, rounding: str,
                   rescue: bool) -> str:
    return _fmt_number(x, na, decimals, fixed, rounding, rescue)


def _fmt_number(x: float | int | Decimal | None, na: str, decimals: int, fixed: bool,
                rounding: str, rescue: bool) -> str:
    if is_missing(x):
        return na
    q = rounded(x, decimals, rounding, rescue and not fixed)
    if fixed and q.as_tuple().exponent > -decimals:  # 0 or a whole value: pad the decimals
        q = q.quantize(Decimal(1).scaleb(-decimals))
    return _text(q, keep_zeros=fixed)


def _text(q: Decimal, keep_zeros: bool) -> str:
    """A rounded number as Indonesian text: thousands dots, decimal comma; the decimals'
    trailing zeros dropped unless ``keep_zeros``. Decimal's own ``,f`` format writes
    every digit of ``q`` (no precision given: nothing is rounded) with English
    separators, which are swapped (issue 25: a third of the time of the digit loop)."""
    whole, _, frac = f"{q:,f}".partition(".")
    if not keep_zeros:
        frac = frac.rstrip("0")
    whole = whole.replace(",", ".")
    return f"{whole},{frac}" if frac else whole


def printed_decimals(x: float | int | Decimal | None, decimals: int = 2) -> int:
    """How many decimals ``fmt_number(x, decimals=decimals)`` prints (0 for a missing
    value): ``92.9`` → 1, ``73.5333`` → 2, ``100`` → 0."""
    if is_missing(x):
        return 0
    text = fmt_number(x, decimals=decimals)
    return len(text.partition(",")[2])


def fmt_fixed(x: float | int | Decimal | None, places: int, na: str = "-") -> str:
    """``x`` with exactly ``places`` decimals, trailing zeros kept (a table column printed
    to one number of decimals: ``92,90`` above ``73,53``); rounded half-up. A non-zero
    value that would print as zero keeps ``fmt_number``'s two significant digits."""
    if is_missing(x):
        return na
    with localcontext(prec=60):
        d = _decimal(x)
        q = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if q == 0 and d != 0:
        return fmt_number(x, decimals=places)
    return _text(q if q != 0 else Decimal(0).quantize(Decimal(1).scaleb(-places)),
                 keep_zeros=True)


def fmt_percent(x: float | int | Decimal | None, na: str = "-", decimals: int = 2,
                fixed: bool = False) -> str:
    """A value already in percent: ``87.5`` → ``87,5%``, ``100`` → ``100%`` (``fixed``:
    ``100,00%``)."""
    if type(x) is float:  # the usual figure: straight to its remembered text (issue 25)
        if not isfinite(x):
            return na
        return f"{_fmt_number_of(x, '-', decimals, fixed, HALF_UP, True)}%"
    if is_missing(x):
        return na
    return f"{fmt_number(x, decimals=decimals, fixed=fixed)}%"


def fmt_percent_fixed(x: float | int | Decimal | None, places: int, na: str = "-") -> str:
    """A percent with exactly ``places`` decimals (``fmt_fixed``): ``92.9`` → ``92,90%``."""
    if is_missing(x):
        return na
    return f"{fmt_fixed(x, places)}%"


def fmt_value(
    x: float | int | Decimal | None, unit: str = "", na: str = "-", decimals: int = 2,
    fixed: bool = False, rounding: str = HALF_UP, rescue: bool = True,
) -> str:
    """A value in its unit of measure: ``%`` is appended, other units follow a space."""
    if type(x) is float:  # the usual figure: straight to its remembered text (issue 25)
        if not isfinite(x):
            return na
        number = _fmt_number_of(x, "-", decimals, fixed, rounding, rescue)
    elif is_missing(x):
        return na
    else:
        number = fmt_number(x, decimals=decimals, fixed=fixed, rounding=rounding,
                            rescue=rescue)
    if unit == "%":
        return f"{number}%"
    return f"{number} {unit}".rstrip()


def fmt_target(target: Any, unit: str = "", decimals: int = 2, missing: str = "-",
               fixed: bool = False) -> str:
    """How a target prints, everywhere (the reports, the workbooks, the history, the
    page): none → ``missing``; a label, or ``NA``, as written; a threshold with its word
    (``≥ 95%``, ``minimal 80 dokumen``); a range ``low–high unit`` (``80–90%``); a number
    in its unit (``90%``, ``12 dokumen``). ``fixed``: exactly ``decimals`` decimals."""
    if target is None:
        return missing
    if isinstance(target, str):
        threshold = parse_threshold(target)
        if threshold is None:
            return target
        bound = fmt_value(threshold.value, unit, decimals=decimals, fixed=fixed)
        return f"{threshold.word} {bound}"
    if isinstance(target, tuple):
        low, high = target
        high_text = fmt_value(high, unit, decimals=decimals, fixed=fixed)
        return f"{fmt_number(low, decimals=decimals, fixed=fixed)}\u2013{high_text}"
    return fmt_value(target, unit, decimals=decimals, fixed=fixed)


def fmt_date(d: dt.date) -> str:
    """``2022-01-31`` → ``31 Januari 2022``."""
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def fmt_month_year(d: dt.date) -> str:
    """``2022-01-31`` → ``Januari 2022``."""
    return f"{MONTHS[d.month - 1]} {d.year}"


def fmt_count(n: int) -> str:
    """A whole number with Indonesian thousands dots: ``200000`` → ``200.000``: the one
    formatter for counts in messages (limits, sizes, row numbers)."""
    return f"{int(n):,}".replace(",", ".")
