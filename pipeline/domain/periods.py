"""The periods of a SAKIP year, and how they are named (issue 10).

A year has five rounds of collection: four quarters (*triwulan*) and the year-end round.
Their codes are what the history stores, what a workbook's hidden metadata (``periode``)
says and what file names carry: ``TW1`` … ``TW4`` and ``tahunan``. People read them as
"Triwulan II", "TW II", "April–Juni". Nothing else in the package spells a period.
"""

from __future__ import annotations

ANNUAL = "tahunan"
QUARTERS = ("TW1", "TW2", "TW3", "TW4")
PERIODS = (ANNUAL, *QUARTERS)
ROMAN = ("I", "II", "III", "IV")
MONTHS = ("Januari–Maret", "April–Juni", "Juli–September", "Oktober–Desember")


def quarter_period(n: int) -> str:
    """1 → ``TW1``; anything but 1-4 is a caller's bug (ValueError)."""
    if not isinstance(n, int) or not 1 <= n <= 4:
        raise ValueError(f"triwulan harus 1-4, bukan {n!r}")
    return QUARTERS[n - 1]


def quarter_number(period: str) -> int | None:
    """``TW3`` → 3; ``tahunan`` (or anything else) → None."""
    return QUARTERS.index(period) + 1 if period in QUARTERS else None


def is_quarter(period: str) -> bool:
    return period in QUARTERS


def roman(n: int) -> str:
    return ROMAN[n - 1]


def short(period: str) -> str:
    """``TW2`` → ``TW II``; ``tahunan`` → ``tahunan``."""
    n = quarter_number(period)
    return f"TW {roman(n)}" if n else period


def label(period: str) -> str:
    """What a message calls a period: ``Triwulan II`` or ``laporan tahunan (akhir
    tahun)``."""
    n = quarter_number(period)
    return f"Triwulan {roman(n)}" if n else "laporan tahunan (akhir tahun)"


def span(n: int) -> str:
    """The quarters up to n, as a report prints them: ``TW I``, ``TW I–III``."""
    return "TW I" if n == 1 else f"TW I–{roman(n)}"


def months(n: int) -> str:
    return MONTHS[n - 1]


def quarters_text(quarters: tuple[int, ...]) -> str:
    """``(4,)`` → ``TW IV``; ``(2, 4)`` → ``TW II dan TW IV``; ``(1, 2, 4)`` → ``TW I, TW II
    dan TW IV``."""
    names = [f"TW {roman(n)}" for n in quarters]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} dan {names[-1]}"


def measured_text(quarters: tuple[int, ...]) -> str:
    """What a quarter in which an indicator is not measured shows in its place (the
    workbook's cells, the report's realisasi): ``Diukur di TW IV``, ``Diukur di TW II dan
    TW IV`` (the master's ``diukur_triwulan``)."""
    return f"Diukur di {quarters_text(quarters)}"
