"""The project's exceptions and the Problem record every check produces.

The CLI catches ``IkuError`` and prints its message in Indonesian; anything else escaping
is a bug. Checks on submissions never raise per cell: they return ``Problem`` records so
every mistake in every file is reported in one run.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from .reasons import Reason


class IkuError(Exception):
    """Base of every error the CLI reports to the user as a message (exit code 1)."""

    exit_code = 1


class MasterError(IkuError):
    """The master definition (YAML) is missing, malformed or inconsistent."""


class TemplateError(IkuError):
    """The Word template is missing, broken, or uses a name the pipeline does not provide."""


class OutputError(IkuError):
    """An output file could not be written; nothing was left half-written."""


class InternalError(IkuError):
    """A bug caught before it reached a file (e.g. a package that would not open): exit 3.

    The message says that the file was NOT written and that this is a program fault to
    report, never that the user's input is wrong."""

    exit_code = 3


class HistoryError(IkuError):
    """The history database (riwayat) cannot be opened, read or written, or refuses a
    write: a newer schema, not an iku history file, a locked year, a busy file."""


class YearLocked(HistoryError):
    """A locked (signed) year would get a new version without an explicit unlock."""


class NotCommitted(HistoryError):
    """A version was written into its transaction but the COMMIT failed (a full disk, an
    I/O error): nothing was recorded. Raised by ``History.recording`` after its body has
    run, so the caller can undo what the body did (put the previous report back)."""


class UsageError(IkuError):
    """The command was called wrongly (a missing folder, a bad option): exit code 2."""

    exit_code = 2


class ValidationFailed(IkuError):
    """Submissions hold errors that block the report."""

    def __init__(self, problems: list[Problem], files: int | None = None):
        self.problems = problems
        self.files = files
        super().__init__(summary(problems, files))


class Severity(StrEnum):
    ERROR = "GALAT"  # blocks the report
    WARNING = "PERINGATAN"  # reported, does not block


@dataclass(frozen=True)
class Problem:
    """One finding about one submission (or about a missing one)."""

    severity: Severity
    code: Reason  # stable reason code (pipeline/reasons.py); tests and the report key on it
    message: str  # Indonesian, says what is wrong and how to fix it
    file: str = ""  # file name as the user sees it
    sheet: str = ""
    cell: str = ""  # A1 reference
    value: str = ""  # the offending value as text
    unit: str = ""  # unit code when known

    def __post_init__(self) -> None:
        # An unknown code is a bug caught here, not a typo that silently slips through.
        if not isinstance(self.code, Reason):
            object.__setattr__(self, "code", Reason(self.code))
        # What a person reads never hides a character: a tab, a zero-width space or a
        # non-breaking space in a typed value shows as \t, \u200b, \u00a0.
        object.__setattr__(self, "message", visible(self.message))
        object.__setattr__(self, "value", visible(self.value))

    def format(self) -> str:
        """`GALAT: file › Sheet!Cell: message`; a problem with no file (a unit that sent
        nothing, an empty folder) has no location part. A sheet name that is not a plain
        word is quoted as Excel does: `'Isian (2)'!E9`."""
        where = visible(self.file)
        if self.file and self.sheet:
            where += f" › {sheet_ref(self.sheet)}"
            if self.cell:
                where += f"!{self.cell}"
        return f"{self.severity.value}: {where + ': ' if where else ''}{self.message}"

    @property
    def blocking(self) -> bool:
        return self.severity == Severity.ERROR


def summary(problems: list[Problem], files: int | None = None) -> str:
    errors = sum(p.blocking for p in problems)
    warnings = len(problems) - errors
    text = f"{errors} galat, {warnings} peringatan"
    if files is not None:
        text += f" di {files} berkas"
    return text


_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
_HIDDEN_CATEGORIES = {"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"}


def visible(text: str) -> str:
    """``text`` with every character a reader cannot see written as an escape: tab, line
    breaks and other control characters, zero-width and bidirectional marks, and spaces
    other than the plain one (``a\u00a0b`` → ``a\\u00a0b``)."""
    if text.isascii() and text.isprintable():
        return text  # the usual case, at no cost
    return "".join(_visible_char(ch) for ch in text)


def _visible_char(ch: str) -> str:
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    category = unicodedata.category(ch)
    if category in _HIDDEN_CATEGORIES or (category == "Zs" and ch != " "):
        code = ord(ch)
        return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
    return ch


def sheet_ref(name: str) -> str:
    """A sheet name as in a cell reference: plain when it is one word, else quoted."""
    name = visible(name)
    if re.fullmatch(r"[^\W\d][\w.]*", name):
        return name
    return "'" + name.replace("'", "''") + "'"

