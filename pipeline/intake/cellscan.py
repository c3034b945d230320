"""What calamine does not tell: which cells hold a formula or an Excel error value, which
show a number as a percentage, and which are hidden under a merged cell.

python-calamine returns a formula's cached result as if it were typed, and an error value
(``#DIV/0!``, ``#REF!``) as an empty string. Both matter in an input cell: a formula where
a count belongs, an error that would otherwise read as "blank". A person who types
``75%`` in Excel or Calc stores 0.75 with a percent number format, and calamine returns
0.75. It also returns the value of a cell covered by a merged range (LibreOffice keeps it
when asked to, a hand-edited file may hold it) as if it were visible, while the person
sees only the merged cell's text.

This module scans the sheet's XML, as ``safety.inspect_workbook`` already inflated and
checked it (no DOCTYPE, bounded size), so a regular-expression scan of the text is safe
and nothing is unzipped twice; cheap byte searches first skip the scans that can find
nothing (a sheet without formulas, errors, percent styles or merged cells). Which cell
styles show a percentage (``PercentStyles``) is read from ``xl/styles.xml`` by the gate
itself, chunk by chunk as it inflates and checks that part: the style of a cell is its
``s="N"`` attribute, an index into ``cellXfs``, whose ``numFmtId`` is a built-in percent
format (9 ``0%``, 10 ``0.00%``) or a custom ``numFmt`` whose code holds an unquoted ``%``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..domain.spec import parse_cell_ref

_ATTR = re.compile(rb'\b(r|t)="([^"]*)"')
_FORMULA = re.compile(rb"<(?:\w+:)?f\b")
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")


@dataclass(frozen=True)
class CellFact:
    formula: bool = False
    error: str | None = None  # the error value, e.g. "#DIV/0!"
    covered_by: str | None = None  # the merged range hiding this cell, e.g. "F10:G10"
    visible: str = ""  # what the merged range shows instead (its first cell's value)
    percent: bool = False  # a number shown as a percentage (typed "75%": stored 0.75)


_ATTR_T = re.compile(rb'\bt="([^"]*)"')
_ATTR_S = re.compile(rb'\bs="([0-9]{1,9})"')
# value types of a cell holding text, a logical value, an error or a date: not a number
_NOT_NUMBER = frozenset({b"s", b"str", b"inlineStr", b"b", b"e", b"d"})


def scan_cells(data: bytes, columns: set[str], percent_styles: frozenset[int] = frozenset(),
               *, shortcut: bool = True) -> dict[str, CellFact]:
    """Formula, error and percent facts for the cells of ``columns`` (letters) in a
    sheet's XML; ``percent_styles``: the cell styles (``s``) that show a percentage.

    Only the cells that can have a fact are looked at: the cell around each formula
    element, and each cell whose tag carries ``t="e"`` or a percent style, all found by
    byte searches (a sheet has a few dozen such cells among hundreds), and of those only
    the cells whose tag names a wanted column. ``shortcut=False``: every formula's cell
    found the long way (``_formula_cells``), for the tests."""
    if not columns:
        return {}
    wanted = _column_of(frozenset(columns))
    starts = _formula_cells(data, wanted, shortcut)
    percents = _percent_styled(data, percent_styles)
    positions = _attribute_positions(data, b't="e"')
    if percents and len(percent_styles) <= 64:
        for n in sorted(percent_styles):
            positions += _attribute_positions(data, b's="%d"' % n)
    elif percents:
        positions += [m.start() for m in _ATTR_S.finditer(data)
                      if int(m.group(1)) in percent_styles]
    for pos in positions:
        at = data.rfind(b"<", 0, pos)
        tag = _CELL_AT.match(data, at) if at >= 0 else None
        if tag is not None and tag.end() > pos:
            starts.add(at)
    named = [b'r="' + c.encode("ascii") for c in columns]
    facts: dict[str, CellFact] = {}
    for at in sorted(starts):
        close = data.find(b">", at)
        if not any(data.find(name, at, close) >= 0 for name in named):
            continue  # the tag names no wanted column (checked exactly below)
        tag = _CELL_AT.match(data, at)
        if not wanted.search(tag.group(1)):
            continue
        if tag.group(2):
            body = b""
        else:
            end = _CELL_END.search(data, tag.end())
            if end is None:
                continue
            body = data[tag.end():end.start()]
        attrs = dict(_ATTR.findall(tag.group(1)))
        ref = attrs.get(b"r", b"").decode("ascii", "replace")
        formula = bool(_FORMULA.search(body))
        error = None
        if attrs.get(b"t") == b"e":
            value = _VALUE.search(body)
            error = value.group(1).decode("utf-8", "replace") if value else "#N/A"
        percent = False
        if percents and _VALUE.search(body) is not None:
            style = _ATTR_S.search(tag.group(1))
            kind = _ATTR_T.search(tag.group(1))
            percent = (style is not None and int(style.group(1)) in percent_styles
                       and (kind is None or kind.group(1) not in _NOT_NUMBER))
        if formula or error or percent:
            facts[ref] = CellFact(formula, error, percent=percent)
    return facts


def _formula_cells(data: bytes, wanted: re.Pattern[bytes], shortcut: bool = True) -> set[int]:
    """Where the cells holding a formula element start (``_enclosing_cell`` of every
    formula), those whose tag fails ``wanted`` possibly left out (``scan_cells`` skips
    them anyway).

    The shortcut: a formula right after a plain cell start tag holding no "<"
    (``<c r="H9" s="3"><f>``, as Excel and LibreOffice write it) is that cell's, which
    is what ``_enclosing_cell`` finds walking back one tag; one pattern finds them all
    in the same pass as every other plain formula start tag, and the tag's attributes
    say at once whether its column is wanted. Any other formula (after a value, in a
    prefixed cell ...) takes ``_enclosing_cell``'s walk.
    ``shortcut=False``: every formula walks (the long way, for the tests)."""
    starts = set()
    if shortcut:
        # the usual sheet first: every plain formula right after a plain cell tag (no
        # lone one: findall gives b"" for those, and for an attribute-less cell tag), none
        # of those tags naming a wanted column (their attributes joined by "<", which
        # neither holds nor ``wanted`` matches): the loop below would add nothing
        lone, tags = _plain_formula_tags(data)
        if lone or wanted.search(tags):
            starts = _plain_formula_cells(data, wanted)
        if _literal(b":f").search(data):  # prefixed formula start tags: the walk
            for m in _PREFIXED_FORMULA.finditer(data):
                at = _enclosing_cell(data, m.start())
                if at is not None:
                    starts.add(at)
        return starts
    for pos in _formula_positions(data):
        at = _enclosing_cell(data, pos)
        if at is not None:
            starts.add(at)
    return starts


def _plain_formula_cells(data: bytes, wanted: re.Pattern[bytes]) -> set[int]:
    """``_formula_cells``' shortcut for the plain formula start tags, one match at a time:
    the cell tag's position when its attributes name a wanted column, else (a formula with
    no plain cell tag right before it) its ``_enclosing_cell``."""
    starts = set()
    for m in _PLAIN_FORMULA_OR_CELL.finditer(data):
        attrs = m.group(1)  # up to the ">": "/" last in a self-closing tag
        if attrs is None:
            at = _enclosing_cell(data, m.start())
            if at is not None:
                starts.add(at)
        elif not attrs.endswith(b"/") and wanted.search(attrs):
            starts.add(m.start())
    return starts


_CELL_AT = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(/?)>", re.DOTALL)
# Every plain formula start tag (``_PLAIN_FORMULA``) in one pass: with the plain cell
# start tag holding no "<" right before it (group 1: its attributes; where _CELL_AT
# matches, one tag back), else alone (group 1 None). A formula after such a cell tag is
# always matched with it: the scan reaches the cell's "<" first, and the tag holds none.
_PLAIN_FORMULA_OR_CELL = re.compile(rb"<(?:c\b([^<>]*+)><f|f)(?![0-9A-Za-z_])")
# The same pattern read backwards, on the sheet's bytes reversed: every "<f" ending the
# element's name (reversed "f<", no word byte before it there: the look back sees the
# byte after the "f"), with the plain cell start tag right before it when there is one
# (group 1: its attributes reversed; the byte after "c" not a word byte, ``\b``). The
# scan then starts at the literal "f<" and tries only the few formulas, where
# ``_PLAIN_FORMULA_OR_CELL`` tries every "<" and reads every cell tag's attributes: 20
# against 32-38 us on a 16 KB Isian sheet of 279 cells and 38 formulas, reversal (5 us)
# included.
_PLAIN_FORMULA_OR_CELL_REVERSED = re.compile(
    rb"f<(?<![0-9A-Za-z_]f<)(?:>((?:[^<>]*[^<>0-9A-Za-z_])?)c<)?")


def _plain_formula_tags(data: bytes) -> tuple[bool, bytes]:
    """What ``_PLAIN_FORMULA_OR_CELL.findall(data)`` tells, found backwards: whether it
    gives b"" (a formula without a plain cell tag right before it, or after one without
    attributes), and what it gives joined by "<" (the same bytes: the reversed tags
    joined, then reversed back). A match of either pattern holds one "<" besides the
    formula's, the cell tag's, and no ">" inside the tag: both give each formula its
    tag, or none, alike."""
    backwards = bytearray(data)
    backwards.reverse()
    tags = _PLAIN_FORMULA_OR_CELL_REVERSED.findall(backwards)
    return b"" in tags, b"<".join(tags)[::-1]


_CELL_END = re.compile(rb"</(?:\w+:)?c>")
_PREFIXED_FORMULA = re.compile(rb"<\w++:f\b")
_DEPTH = 64  # tags looked back from a formula for its cell (a cell holds two or three)


def _is_word(byte: bytes) -> bool:
    """``\\w`` of a bytes pattern: an ASCII letter, digit or underscore."""
    return byte.isalnum() or byte == b"_"


# the byte values _is_word accepts, for a test of one byte by its value
_WORD_BYTES = frozenset(b for b in range(256) if _is_word(bytes([b])))


# "<f" ending the element's name: the next byte is not a word character (``\\b``)
_PLAIN_FORMULA = re.compile(rb"<f(?![0-9A-Za-z_])")


def _formula_positions(data: bytes) -> list[int]:
    """Where ``_FORMULA`` matches (``<f`` or ``<prefix:f`` ending the name): the plain
    start tags by a pattern starting with the literal "<f" (half the cost of a find loop),
    the prefixed ones only when ":f" occurs at all (a pattern trying a prefix at every
    "<" costs ten times more)."""
    found = [m.start() for m in _PLAIN_FORMULA.finditer(data)]
    if _literal(b":f").search(data):
        found = sorted(found + [m.start() for m in _PREFIXED_FORMULA.finditer(data)])
    return found


def _attribute_positions(data: bytes, attribute: bytes) -> list[int]:
    """Where ``\\b`` + ``attribute`` matches: the attribute text with no word character
    right before it."""
    found: list[int] = []
    if not _literal(attribute).search(data):  # the usual sheet: not there at all
        return found
    at = data.find(attribute)
    while at >= 0:
        if at == 0 or data[at - 1] not in _WORD_BYTES:
            found.append(at)
        at = data.find(attribute, at + 1)
    return found


def _enclosing_cell(data: bytes, pos: int) -> int | None:
    """Where the cell start tag holding the element at ``pos`` begins: the nearest cell
    start before it with no cell end in between; None outside a cell."""
    end = pos
    for _ in range(_DEPTH):
        at = data.rfind(b"<", 0, end)
        if at < 0:
            return None
        tag = _CELL_AT.match(data, at)
        if tag is not None:
            return None if tag.group(2) or tag.end() > pos else at
        if _CELL_END.match(data, at):
            return None
        end = at
    return None


@lru_cache(maxsize=64)
def _literal(text: bytes) -> re.Pattern[bytes]:
    """A pattern finding ``text`` as it is. Its ``search`` answers ``text in data`` at a
    third of the cost of ``in`` on a sheet's XML (measured on a 16 KB Isian sheet: 4.8
    against 13.7 us for ":f", 5.6 against 8.7 us for 't="e"')."""
    return re.compile(re.escape(text))


@lru_cache(maxsize=16)
def _column_of(columns: frozenset[str]) -> re.Pattern[bytes]:
    """``\\br="`` and one of the column letters, then digits and a quote. The word
    boundary is written as a look back after the literal ``r="`` (no word character
    before the "r"), so the regex engine scans for that literal first instead of trying
    every position (4.2 against 1.1 us on a sheet's formula cell tags)."""
    letters = b"|".join(sorted(c.encode("ascii") for c in columns))
    return re.compile(rb'r="(?<![0-9A-Za-z_]r=")(?:' + letters + rb')[0-9]+"')


def _percent_styled(data: bytes, percent_styles: frozenset[int]) -> bool:
    """Whether any cell of the sheet may carry one of the percent styles (byte searches;
    a workbook with more percent styles than this is looked at anyway)."""
    if not percent_styles:
        return False
    return len(percent_styles) > 64 or any(b's="%d"' % n in data for n in percent_styles)


# --- percent number formats ------------------------------------------------------------

BUILTIN_PERCENT_FORMATS = frozenset({9, 10})  # 0%, 0.00%
MAX_STYLES = 65_536  # Excel allows 64,000 cell formats; styles past this are not read


def is_percent_format(code: str) -> bool:
    """True when a number format code shows a percentage: a ``%`` that is not quoted
    (``"%"``), escaped (``\\%``), a fill or padding character (``*%``, ``_%``) or inside a
    ``[...]`` section (colour, locale, condition)."""
    i, n = 0, len(code)
    while i < n:
        ch = code[i]
        if ch == '"':
            end = code.find('"', i + 1)
            i = n if end < 0 else end + 1
            continue
        if ch == "[":
            end = code.find("]", i + 1)
            i = n if end < 0 else end + 1
            continue
        if ch in "\\_*":
            i += 2
            continue
        if ch == "%":
            return True
        i += 1
    return False


_TAG_ATTRS = rb"""((?:\s++[^\s=<>/]++\s*+=\s*+(?:"[^"]*+"|'[^']*+'))*+)"""
_OPEN = {name: re.compile(rb"<(?:[\w.-]++:)?" + name + rb"(?=[\s/>])")
         for name in (b"numFmts", b"cellXfs")}
_CLOSE = {name: re.compile(rb"</(?:[\w.-]++:)?" + name + rb"\s*+>")
          for name in (b"numFmts", b"cellXfs")}
_NUMFMT = re.compile(rb"<(?:[\w.-]++:)?numFmt(?=[\s/>])" + _TAG_ATTRS)
_XF = re.compile(rb"<(?:[\w.-]++:)?xf(?=[\s/>])" + _TAG_ATTRS)
_XML_ATTR = re.compile(rb"""([^\s=<>/]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_COMMENT = re.compile(rb"<!--.*?-->", re.DOTALL)
_REFERENCE = re.compile(r"&(#[0-9]+|#x[0-9A-Fa-f]+|lt|gt|amp|quot|apos);")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
MAX_STYLES_SIZE = 5 * 1024 * 1024  # a styles part larger than this is not read


def _region(data: bytes, name: bytes) -> bytes:
    """What lies between the first ``<name>`` element's start and its end tag."""
    start = _OPEN[name].search(data, _before(data, name, 0))
    if start is None:
        return b""
    end = _CLOSE[name].search(data, _before(data, name, start.end()))
    return data[start.end():end.start() if end else len(data)]


def _before(data: bytes, name: bytes, pos: int) -> int:
    """Where a search from ``pos`` for a tag named ``name`` may start: at the last "<"
    before the name's first occurrence from ``pos`` (a tag's "<" and its name have only
    a prefix between them, never a "<"), so the patterns, which try a prefix at every
    "<", skip what cannot match; ``pos`` when there is no such "<"."""
    at = data.find(name, pos)
    if at < 0:
        return pos
    return max(pos, data.rfind(b"<", pos, at))


def _attrs(text: bytes) -> dict[str, str]:
    """A start tag's attributes by local name, values unescaped as XML does."""
    out = {}
    for name, dq, sq in _XML_ATTR.findall(text):
        value = (dq or sq).decode("utf-8", "replace")
        if "&" in value:
            value = _REFERENCE.sub(_unescape, value)
        out.setdefault(name.decode("ascii", "replace").rsplit(":", 1)[-1], value)
    return out


def _unescape(m: re.Match) -> str:
    ref = m.group(1)
    if ref in _NAMED:
        return _NAMED[ref]
    try:
        return chr(int(ref[2:], 16) if ref[1] in "xX" else int(ref[1:]))
    except (ValueError, OverflowError):
        return ""


class PercentStyles:
    """Reads ``xl/styles.xml`` as the gate inflates and checks it (``feed`` its chunks),
    and gives the cell styles (indices into ``cellXfs``) whose number format shows a
    percentage (``result``). The part has passed the gate's DOCTYPE scan; its
    ``numFmts`` and ``cellXfs`` are read by regular expressions (comments removed first),
    which costs microseconds where a parser calls Python for each of the part's hundred
    elements. A part over ``MAX_STYLES_SIZE`` is not read (no percent styles)."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self._size = 0

    def feed(self, chunk: bytes) -> None:
        self._size += len(chunk)
        if self._size <= MAX_STYLES_SIZE:
            self._chunks.append(chunk)

    def result(self) -> frozenset[int]:
        if self._size > MAX_STYLES_SIZE:
            return frozenset()
        data = b"".join(self._chunks)
        return (percent_styles_kept(data) if len(data) <= _KEPT_STYLES_SIZE
                else percent_styles(data))


def percent_styles(data: bytes) -> frozenset[int]:
    """``PercentStyles.result`` of a whole styles part: the cell styles whose number
    format shows a percentage. A pure function of the bytes."""
    data = data.replace(b"\x00", b"")
    if b"<!--" in data:
        data = _COMMENT.sub(b"", data)
    formats: dict[int, str] = {}
    for attrs in _NUMFMT.findall(_region(data, b"numFmts")):
        found = _attrs(attrs)
        try:
            formats[int(found.get("numFmtId", ""))] = found.get("formatCode", "")
        except ValueError:
            continue
    percent = {n for n, code in formats.items() if is_percent_format(code)}
    percent |= BUILTIN_PERCENT_FORMATS - formats.keys()
    cell_xfs = _region(data, b"cellXfs")
    if not percent or not re.search(  # the usual workbook: no style shows a percentage
            rb"numFmtId\s*=\s*[\"']\s*0*(?:"
            + b"|".join(str(n).encode() for n in sorted(percent)) + rb")\b", cell_xfs):
        return frozenset()
    styles = set()
    for i, attrs in enumerate(_XF.findall(cell_xfs)):
        if i >= MAX_STYLES:
            break
        value = _attrs(attrs).get("numFmtId", "0")
        if value.strip().isdigit() and int(value) in percent:
            styles.add(i)
    return frozenset(styles)


# The styles part is the same in many workbooks of a city: ``percent_styles`` remembered
# for parts up to _KEPT_STYLES_SIZE (keyed by the whole bytes), at most 16 of them.
_KEPT_STYLES_SIZE = 256 * 1024
percent_styles_kept = lru_cache(maxsize=16)(percent_styles)


_MERGE = re.compile(
    rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Za-z]{1,3}\d{1,7})(?::([A-Za-z]{1,3}\d{1,7}))?"'
)
MAX_MERGES = 1_000  # a template has 3; more merged ranges than this are not looked at


def scan_merges(data: bytes) -> list[tuple[int, int, int, int]]:
    """The merged ranges of a sheet's XML as 0-based (first row, first col, last row, last
    col), at most ``MAX_MERGES``."""
    merges = []
    first = data.find(b"mergeCell")  # the ranges come together, near the sheet's end
    if first < 0:
        return merges
    for match in _MERGE.finditer(data, max(0, data.rfind(b"<", 0, first))):
        first = parse_cell_ref(match.group(1).decode("ascii"))
        last = parse_cell_ref((match.group(2) or match.group(1)).decode("ascii"))
        merges.append((min(first[0], last[0]), min(first[1], last[1]),
                       max(first[0], last[0]), max(first[1], last[1])))
        if len(merges) >= MAX_MERGES:
            break
    return merges
