"""Targets written as thresholds: ``≥ 95``, ``≤ 5``, ``minimal 80``, ``maksimal 5``.

A threshold is held as its normalised text (``"≥ 95"``, ``"minimal 80"``, ``"≤ 5,5"``) in
the place of a target, so that every home a target already has keeps it as it is: the
history stores it as text, the workbook's Target cell shows it as text, the rekap writes
it as text, and ``numfmt.fmt_target`` prints it with the indicator's satuan and decimals
(``≥ 95%``). ``parse_threshold`` reads the normalised text back; the master normalises
what people type (``>=95``, ``Minimal 80%``, ``paling sedikit 80``) through
``split_threshold`` and ``threshold_text``.

The direction is the threshold's word: ``≥`` and ``minimal`` ask at least the bound
(higher is better: polaritas positif), ``≤`` and ``maksimal`` at most (polaritas
negatif). What follows from it (met, % capaian) is ``compute``'s business.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

AT_LEAST_SIGN, AT_MOST_SIGN = "\u2265", "\u2264"  # ≥, ≤
AT_LEAST_WORD, AT_MOST_WORD = "minimal", "maksimal"

# What people type, to the word printed: a sign stays a sign, a word stays a word.
_WORDS = {
    ">=": AT_LEAST_SIGN, "=>": AT_LEAST_SIGN, AT_LEAST_SIGN: AT_LEAST_SIGN,
    "<=": AT_MOST_SIGN, "=<": AT_MOST_SIGN, AT_MOST_SIGN: AT_MOST_SIGN,
    "minimal": AT_LEAST_WORD, "minimum": AT_LEAST_WORD, "min": AT_LEAST_WORD,
    "min.": AT_LEAST_WORD, "paling sedikit": AT_LEAST_WORD,
    "sekurang-kurangnya": AT_LEAST_WORD,
    "maksimal": AT_MOST_WORD, "maksimum": AT_MOST_WORD, "maks": AT_MOST_WORD,
    "maks.": AT_MOST_WORD, "max": AT_MOST_WORD, "max.": AT_MOST_WORD,
    "paling banyak": AT_MOST_WORD, "sebanyak-banyaknya": AT_MOST_WORD,
}
_PREFIX = re.compile(
    r"^\s*(>=|=>|\u2265|<=|=<|\u2264|minimal|minimum|min\.?|maksimal|maksimum|maks\.?|"
    r"max\.?|paling\s+sedikit|paling\s+banyak|sekurang-kurangnya|sebanyak-banyaknya)"
    r"(?![A-Za-z])\s*(.*?)\s*$", re.IGNORECASE)
# The number of a normalised threshold: Indonesian (1.234,5) or as Python writes it.
_NUMBER = re.compile(r"^-?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?$")


@dataclass(frozen=True)
class Threshold:
    word: str  # ≥, ≤, minimal or maksimal
    value: float

    @property
    def at_least(self) -> bool:
        """True for ``≥`` / ``minimal`` (higher is better), False for ``≤`` / ``maksimal``."""
        return self.word in (AT_LEAST_SIGN, AT_LEAST_WORD)


def split_threshold(text: str) -> tuple[str, str] | None:
    """``">= 95%"`` → ``("≥", "95%")``: the normalised word and the rest as typed; None
    when the text does not start with a threshold word."""
    match = _PREFIX.match(text)
    if match is None:
        return None
    word = " ".join(match.group(1).split()).casefold()
    return _WORDS[word], match.group(2)


def threshold_text(word: str, value: float) -> str:
    """The normalised text: ``≥ 95``, ``minimal 80,5`` (decimal comma, no thousands dots)."""
    number = repr(float(value))
    if number.endswith(".0"):
        number = number[:-2]
    return f"{word} {number.replace('.', ',')}"


def parse_threshold(text: object) -> Threshold | None:
    """The threshold a (normalised) target text states; None for any other text (a label,
    NA)."""
    if not isinstance(text, str):
        return None
    split = split_threshold(text)
    if split is None:
        return None
    word, rest = split
    rest = rest.removesuffix("%").strip()
    if not _NUMBER.match(rest):
        return None
    return Threshold(word, float(rest.replace(".", "").replace(",", ".")))
