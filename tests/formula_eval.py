"""A small evaluator for the Excel formulas the templates write, written for the tests.

It knows only what the workbooks use: numbers, strings, cell references, array constants
``{"a","b"}``, the operators ``+ - * /`` and comparisons, and IF, AND, OR, ISNUMBER,
ISBLANK, MAX, MIN, MATCH (exact match), CHOOSE, SUM, AVERAGE, ROUND, TRUNC and TRIM, with
Excel's rules where they matter here: text comparisons ignore case, a blank cell is not a
number, a formula that shows "" is text (not blank), SUM and AVERAGE of cell references
skip text and blank cells (AVERAGE of none is #DIV/0!), ROUND rounds halves away from
zero and TRUNC cuts towards zero, both on the number as Excel shows it (15 significant
digits), TRIM removes leading and trailing spaces and turns runs of spaces into one.
It is independent of the pipeline: a test compares what it computes from the formula
text with what ``pipeline.compute`` computes, and LibreOffice checks the same formulas
where it is installed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

_TOKEN = re.compile(
    r'\s*(?:(?P<num>\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)|(?P<str>"(?:[^"]|"")*")'
    r"|(?P<ref>\$?[A-Z]{1,3}\$?\d+)(?![A-Z(])|(?P<name>[A-Z]+)(?=\()"
    r"|(?P<op><>|<=|>=|[-+*/=<>(),{}]))"
)


class FormulaError(Exception):
    """The formula uses something this evaluator does not know, or divides by zero."""


def tokens(formula: str) -> list[tuple[str, str]]:
    text = formula[1:] if formula.startswith("=") else formula
    out, pos = [], 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise FormulaError(f"cannot read {text[pos:]!r}")
        kind = m.lastgroup
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


def evaluate(formula: str, cells: Mapping[str, Any]) -> Any:
    """The value of ``formula`` with ``cells`` (A1 → value; missing or None = blank)."""
    parser = _Parser(tokens(formula), cells)
    value = parser.expression()
    if parser.pos != len(parser.toks):
        raise FormulaError(f"unexpected {parser.toks[parser.pos]}")
    return value


class _Blank:
    def __repr__(self) -> str:
        return "BLANK"

    def __bool__(self) -> bool:
        return False


BLANK = _Blank()


def _number(v: Any) -> float:
    if v is BLANK or v is None:
        return 0.0
    if isinstance(v, bool):
        return float(v)
    if isinstance(v, int | float):
        return float(v)
    raise FormulaError(f"#VALUE! ({v!r} is not a number)")


def _compare(a: Any, b: Any) -> int:
    """Excel's ordering: numbers < text < logical; text ignores case."""
    def rank(v: Any) -> tuple[int, Any]:
        if v is BLANK or v is None:
            v = 0.0
        if isinstance(v, bool):
            return (2, v)
        if isinstance(v, str):
            return (1, v.casefold())
        return (0, float(v))
    ra, rb = rank(a), rank(b)
    return (ra > rb) - (ra < rb)


class _Parser:
    def __init__(self, toks: list[tuple[str, str]], cells: Mapping[str, Any]):
        self.toks, self.pos, self.cells = toks, 0, cells

    def peek(self) -> tuple[str, str] | None:
        return self.toks[self.pos] if self.pos < len(self.toks) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        tok = self.peek()
        if tok is None or (value is not None and tok[1] != value):
            raise FormulaError(f"expected {value!r}, found {tok}")
        self.pos += 1
        return tok

    # comparison < additive < multiplicative < unary < primary
    def expression(self) -> Any:
        left = self.additive()
        while (tok := self.peek()) and tok[1] in ("=", "<>", "<", ">", "<=", ">="):
            op = self.take()[1]
            c = _compare(left, self.additive())
            left = {"=": c == 0, "<>": c != 0, "<": c < 0, ">": c > 0, "<=": c <= 0,
                    ">=": c >= 0}[op]
        return left

    def additive(self) -> Any:
        left = self.term()
        while (tok := self.peek()) and tok[1] in ("+", "-"):
            op = self.take()[1]
            right = self.term()
            left = _number(left) + _number(right) if op == "+" else _number(left) - _number(right)
        return left

    def term(self) -> Any:
        left = self.unary()
        while (tok := self.peek()) and tok[1] in ("*", "/"):
            op = self.take()[1]
            right = self.unary()
            if op == "*":
                left = _number(left) * _number(right)
            else:
                if _number(right) == 0:
                    raise FormulaError("#DIV/0!")
                left = _number(left) / _number(right)
        return left

    def unary(self) -> Any:
        if (tok := self.peek()) and tok[1] == "-":
            self.take()
            return -_number(self.unary())
        return self.primary()

    def primary(self) -> Any:
        kind, value = self.take()
        if kind == "num":
            return float(value)
        if kind == "str":
            return value[1:-1].replace('""', '"')
        if kind == "ref":
            v = self.cells.get(value.replace("$", ""))
            return BLANK if v is None else v
        if value == "(":
            v = self.expression()
            self.take(")")
            return v
        if value == "{":
            items = [self.expression()]
            while self.peek() and self.peek()[1] == ",":
                self.take(",")
                items.append(self.expression())
            self.take("}")
            return items
        if kind == "name":
            return self.call(value)
        raise FormulaError(f"unexpected {value!r}")

    def call(self, name: str) -> Any:
        self.take("(")
        # Arguments are parsed lazily for IF, whose untaken branch may divide by zero.
        args: list[Callable[[], Any]] = []
        if self.peek() and self.peek()[1] != ")":
            while True:
                args.append(self._lazy())
                if self.peek() and self.peek()[1] == ",":
                    self.take(",")
                    continue
                break
        self.take(")")
        return _FUNCTIONS[name](args)

    def _lazy(self) -> Callable[[], Any]:
        """Parse one argument now; evaluate it when asked (by re-parsing its tokens)."""
        start = self.pos
        depth = 0
        while self.pos < len(self.toks):
            v = self.toks[self.pos][1]
            if v in ("(", "{"):
                depth += 1
            elif v in (")", "}"):
                if depth == 0:
                    break
                depth -= 1
            elif v == "," and depth == 0:
                break
            self.pos += 1
        toks = self.toks[start:self.pos]

        def value() -> Any:
            sub = _Parser(toks, self.cells)
            v = sub.expression()
            if sub.pos != len(toks):
                raise FormulaError(f"unexpected {toks[sub.pos]}")
            return v
        return value


def _if(args):
    cond = args[0]()
    if cond is BLANK:
        cond = False
    if isinstance(cond, str):
        raise FormulaError("#VALUE! (text as a condition)")
    if cond:
        return args[1]()
    return args[2]() if len(args) > 2 else False


def _match(args):
    wanted, within = args[0](), args[1]()
    if len(args) > 2 and _number(args[2]()) != 0:
        raise FormulaError("only exact MATCH is supported")
    for i, item in enumerate(within, 1):
        if wanted is not BLANK and _compare(wanted, item) == 0 and \
                isinstance(wanted, str) == isinstance(item, str):
            return float(i)
    return FormulaError  # #N/A, a value ISNUMBER rejects


def _numbers(args) -> list[float]:
    """The numbers among SUM/AVERAGE's arguments (cell references): text and blanks are
    skipped, as Excel does for references."""
    values = [a() for a in args]
    return [float(v) for v in values
            if isinstance(v, int | float) and not isinstance(v, bool)]


def _average(args):
    numbers = _numbers(args)
    if not numbers:
        raise FormulaError("#DIV/0!")
    return sum(numbers) / len(numbers)


def _decimal_of(value: float) -> Decimal:
    """The number as Excel shows it: 15 significant digits (so 2.675, stored as
    2.67499999…, rounds as the 2.675 a person typed)."""
    return Decimal(f"{value:.15g}")


def _round(args, mode: str):
    value, places = _number(args[0]()), int(_number(args[1]()))
    quantum = Decimal(1).scaleb(-places)
    return float(_decimal_of(value).quantize(quantum, rounding=mode))


def _trim(args):
    value = args[0]()
    if value is BLANK:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(part for part in str(value).split(" ") if part)


_FUNCTIONS: dict[str, Callable[[list[Callable[[], Any]]], Any]] = {
    "ROUND": lambda args: _round(args, ROUND_HALF_UP),
    "TRUNC": lambda args: _round(args, ROUND_DOWN),
    "TRIM": _trim,
    "ISBLANK": lambda args: args[0]() is BLANK,
    "SUM": lambda args: sum(_numbers(args)),
    "AVERAGE": _average,
    "IF": _if,
    "AND": lambda args: all(bool(a()) for a in args),
    "OR": lambda args: any(bool(a()) for a in args),
    "ISNUMBER": lambda args: isinstance(v := args[0](), int | float) and not isinstance(v, bool),
    "MAX": lambda args: max(_number(a()) for a in args),
    "MIN": lambda args: min(_number(a()) for a in args),
    "MATCH": _match,
    "CHOOSE": lambda args: args[int(_number(args[0]()))](),
}
