"""The registry of indicator kinds: everything a kind (``jenis``) means, in one place.

Each kind is one class registered in ``REGISTRY`` under its master value. It says:

* which inputs the workbook asks for (``inputs``: x1 alone or x1 and x2; a number, and
  whether it may be negative, must be whole or must be non-zero; or a label chosen from a
  list) and how their meanings default;
* the Python computation of realisasi (``realisation``) and, for kinds whose realisasi is
  a label, the label and its score (``label``);
* the Excel formula of the workbook's live Realisasi cell (``excel_realisation``) and how
  the % Capaian formula reads a score from it (``excel_score``);
* the Office Math equation (``omml``) and the worked example (``worked_example``) of the
  report's Keterangan cell;
* how a value prints (``format_value``, ``shown``) and its default satuan, decimals and
  ``gabung``;
* how the quarters roll up to the year (``default_accumulation``, issue 10; the rules
  themselves are in ``pipeline.quarter.rollup``), and how much x1 a target asks
  (``x1_for``, ``x1_raises_y``) for a quarter's progress towards the year
  (``pipeline.quarter.figures``, issue 19).

Nothing else in the package branches on a kind: the master model fills defaults from
here, ``compute`` calls ``realisation``, ``templates`` writes ``excel_*`` and the input
rules, ``validate`` checks cells against the input rules, ``context`` prints through
``omml``, ``worked_example`` and ``format_value``. A test checks, for every kind, that the
Excel formulas and the Python computation agree on random inputs.

% capaian itself does not depend on the kind (``compute.achievement``): it compares a
number (the realisasi, or a label's score) with the target's number (or score); a kind
whose capaian is only met or not (``met_only``: ``status``) is printed Tercapai / Tidak
tercapai and enters an average only where the master says so (``ikut_rata_rata``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from html import escape  # quote=False: xml.sax.saxutils.escape, without its imports
from typing import TYPE_CHECKING, ClassVar

from .frozen import made
from .numfmt import fmt_number, fmt_percent, fmt_value

if TYPE_CHECKING:
    from .master import Indicator

NA = "NA"  # a target, baseline or final target not (yet) set
OMML_NS = "http://schemas.openxmlformats.org/officeDocument/2006/math"
SUB1, SUB2 = "x\u2081", "x\u2082"  # x₁, x₂ in running text
TIMES, MINUS = "\u00d7", "\u2212"


class Kind(StrEnum):
    """The master's ``jenis`` values."""

    PERCENTAGE = "persentase"  # y = x1 / x2 × 100
    RATIO = "rasio"  # y = x1 / x2 × pengali
    COUNT = "jumlah"  # y = x1, a count
    VALUE = "nilai"  # y = x1 as typed: an index, a published rate
    GROWTH = "pertumbuhan"  # y = (x1 − x2) / x2 × 100, x2 = last year's value
    DECREASE = "penurunan"  # y = (x2 − x1) / x2 × 100
    GRADE = "predikat"  # y = a label of a scale (WTP, AA, …), scored
    YES_NO = "ya_tidak"  # y = Ada / Tidak ada
    STATUS = "status"  # y = a label (an accreditation, a survey grade): met or not


class Merge(StrEnum):
    """How the figures of several reporting units combine (``gabung``)."""

    SUM = "jumlah"  # sum x1 and x2 over the units, then compute
    SAME = "sama"  # one city-wide figure every unit copies; they must agree


class Accumulation(StrEnum):
    """How an input's quarterly figures roll up to the year so far (``akumulasi``)."""

    SUM = "jumlah"  # the quarters' figures add up (activities, cases: a flow)
    LAST = "terakhir"  # the latest quarter's figure is the year's (a stock, an index)
    MEAN = "rata_rata"  # the mean of the quarters' figures


YES, NO = "Ada", "Tidak ada"
MET, NOT_MET = "Tercapai", "Tidak tercapai"  # the % capaian of a met_only kind
YES_NO_SCORES = {YES: 100.0, NO: 0.0}
# What people type for Ada / Tidak ada, compared case-insensitively.
YES_NO_ALIASES = {"ada": YES, "ya": YES, "tidak ada": NO, "tidak": NO}


@dataclass(frozen=True)
class InputRule:
    """What one input cell (x1 or x2) may hold."""

    key: str  # "x1" or "x2"
    meaning: str
    choices: tuple[str, ...] = ()  # a label from this list (drop-down); else a number
    negative: bool = False  # a number below 0 is allowed
    whole: bool = True  # a fraction is refused (a count)
    nonzero: bool = False  # a divisor: the indicator's total must not be 0
    text: bool = False  # free text, typed as written (a status without a listed order)

    @property
    def is_choice(self) -> bool:
        return bool(self.choices)

    @property
    def zero_means_none(self) -> bool:
        """0 is a meaningful figure to suggest: a count of things (none happened). Not for
        a divisor (``nonzero``), nor for a measured value (a decimal input: an index, a
        rate, an amount), where 0 would be a false measurement."""
        return self.whole and not self.nonzero and not self.is_choice and not self.text


def _input_rule(key: str, meaning: str, choices: tuple[str, ...] = (), negative: bool = False,
                whole: bool = True, nonzero: bool = False, text: bool = False) -> InputRule:
    """``InputRule(...)`` at half the cost (``frozen.made``): the kinds' ``inputs`` make one
    or two per indicator of every master read (tests/test_validate_fast.py holds them to
    the dataclass's own constructor)."""
    return made(InputRule, {"key": key, "meaning": meaning, "choices": choices,
                            "negative": negative, "whole": whole, "nonzero": nonzero,
                            "text": text})


class KindRules:
    """The behaviour of one kind; subclasses override what differs."""

    kind: ClassVar[Kind]
    title: ClassVar[str]  # Indonesian, for docs and messages
    asks_x2: ClassVar[bool] = True
    default_unit: ClassVar[str] = ""
    default_decimals: ClassVar[int] = 2
    default_merge: ClassVar[Merge] = Merge.SUM
    whole_inputs: ClassVar[bool] = True  # counts; an indicator may say otherwise
    negative_option: ClassVar[bool] = False  # `boleh_negatif: true` is meaningful
    x1_default: ClassVar[str | None] = None  # None: the master must give the meaning
    x2_default: ClassVar[str | None] = None
    is_share: ClassVar[bool] = False  # x1 is a part of x2 (x1 > x2 deserves a warning)
    labelled: ClassVar[bool] = False  # realisasi and target are labels, not numbers
    uses_scale: ClassVar[bool] = False  # `skala` (labels, best first) is meaningful
    # % capaian is only met (100) or not (0): printed Tercapai / Tidak tercapai, counted in
    # averages only with `ikut_rata_rata: true` (compute)
    met_only: ClassVar[bool] = False
    uses_multiplier: ClassVar[bool] = False  # `pengali` scales y
    # x2 is the value of the year before: the history gives it (last year's x1), the
    # workbook shows it filled and locked, and staff type only x1.
    x2_from_history: ClassVar[bool] = False
    # How the quarters' x1 and x2 roll up to the year (docs/TRIWULAN.md gives the reasons).
    # Kinds whose x2 is last year's value roll up x1 only: x2 is the same every quarter.
    default_accumulation: ClassVar[Accumulation] = Accumulation.SUM

    @property
    def value_is_x1(self) -> bool:
        """y is the number typed as x1 (``jumlah``, ``nilai``): a recorded realisasi is
        that x1, so it can stand for last year's x1 (next year's x2 of a growth kind)."""
        return not self.asks_x2 and not self.labelled

    # --- inputs --------------------------------------------------------------------------

    def inputs(self, ind: Indicator) -> tuple[InputRule, ...]:
        whole = self.whole_inputs if ind.whole_inputs is None else ind.whole_inputs
        x1 = _input_rule("x1", ind.x1_meaning, negative=ind.allow_negative, whole=whole)
        if not self.asks_x2:
            return (x1,)
        x2 = _input_rule("x2", ind.x2_meaning or "", whole=whole, nonzero=True)
        return (x1, x2)

    def check(self, ind: Indicator) -> list[str]:
        """Problems with the indicator's definition for this kind (Indonesian)."""
        return []

    # --- computation ---------------------------------------------------------------------

    def realisation(self, ind: Indicator, x1: float, x2: float | None) -> float | None:
        raise NotImplementedError

    def label(self, ind: Indicator, x1: object) -> str | None:
        """The printed label of a labelled realisasi; None for numeric kinds."""
        return None

    # A larger x1 gives a larger realisasi (every kind but ``penurunan``, whose y falls
    # as x1 grows): a quarter's running total of x1 then moves towards a positive target
    # or uses up a lower-is-better ceiling (``quarter.figures``, docs/TRIWULAN.md).
    x1_raises_y: ClassVar[bool] = True

    def x1_for(self, ind: Indicator, y: float, x2: float | None) -> float | None:
        """The x1 that gives realisasi ``y`` with this x2 (the inverse of ``realisation``
        in x1): how much x1 the year's target asks, for a quarter's progress. None where
        it has no meaning (a label, no x2)."""
        return None

    def target_score(self, ind: Indicator, target: str) -> float | None:
        """The number a label target stands for (labelled kinds only)."""
        return None

    def met(self, ind: Indicator, label: str | None, target: object) -> bool | None:
        """A ``met_only`` kind: whether a recorded label meets a target (an earlier year's,
        from the history); None for other kinds, or when either is missing."""
        return None

    # --- the workbook --------------------------------------------------------------------

    def excel_realisation(self, ind: Indicator, x1: str, x2: str) -> str:
        raise NotImplementedError

    def excel_score(self, ind: Indicator, r: str) -> tuple[str, str]:
        """(guard, expression): the guard is true when the Realisasi cell ``r`` holds a
        usable value; the expression is the number % Capaian compares with the target."""
        return f"ISNUMBER({r})", r

    # --- the report ----------------------------------------------------------------------

    def omml(self, ind: Indicator) -> str:
        """The right-hand side of ``y = …`` as Office Math."""
        raise NotImplementedError

    def worked_example(self, ind: Indicator, x1: object, x2: float | None,
                       y: float | None) -> str:
        raise NotImplementedError

    def format_value(self, ind: Indicator, value: float | None, na: str = "-") -> str:
        return ind.value_text(value, na=na)

    def shown(self, ind: Indicator, value: float | None, label: str | None = None,
              na: str = "-") -> str:
        """The realisasi as printed, from its number (a label's score) and, for kinds whose
        label the number cannot give back, the label recorded with it."""
        return self.format_value(ind, value, na=na)

    def equation(self, ind: Indicator) -> str:
        """The whole equation ``y = …`` as an Office Math object (namespace declared on
        the element, so the report stays well-formed whatever the template's root says)."""
        return f'<m:oMath xmlns:m="{OMML_NS}">{_r("y=")}{self.omml(ind)}</m:oMath>'


# --- Office Math helpers ---------------------------------------------------------------


def _r(text: str) -> str:
    return f"<m:r><m:t>{escape(text, quote=False)}</m:t></m:r>"


def _x(index: str) -> str:
    return f"<m:sSub><m:e>{_r('x')}</m:e><m:sub>{_r(index)}</m:sub></m:sSub>"


def _frac(num: str, den: str) -> str:
    return f"<m:f><m:num>{num}</m:num><m:den>{den}</m:den></m:f>"


def _num(value: float) -> str:
    """A number as a formula constant (always a dot as decimal separator)."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _excel_text(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _all_numbers(*cells: str) -> str:
    return ",".join(f"ISNUMBER({c})" for c in cells)


def _percent_value(ind: Indicator, y: float) -> str:
    """y of a percentage kind in a worked example: always with %, in its decimals."""
    return fmt_value(y, "%", decimals=ind.decimals, fixed=ind.fixed_realisation,
                     rounding=ind.rounding.mode, rescue=not ind.as_printed)


# --- the kinds -------------------------------------------------------------------------


class Percentage(KindRules):
    kind = Kind.PERCENTAGE
    title = "persentase: y = x1/x2 × 100%"
    default_unit = "%"
    is_share = True

    def realisation(self, ind, x1, x2):
        return x1 / x2 * 100 if x2 else None

    def x1_for(self, ind, y, x2):
        return y * x2 / 100 if x2 else None

    def excel_realisation(self, ind, x1, x2):
        return f'=IF(AND({_all_numbers(x1, x2)},{x2}<>0),{x1}/{x2}*100,"")'

    def omml(self, ind):
        return _frac(_x("1"), _x("2")) + _r(f"{TIMES}100%")

    def worked_example(self, ind, x1, x2, y):
        value = _percent_value(ind, y)
        return f"y = {fmt_number(x1)}/{fmt_number(x2)} {TIMES} 100% = {value}"


class Ratio(KindRules):
    kind = Kind.RATIO
    title = "rasio: y = x1/x2 × pengali"
    uses_multiplier = True

    def realisation(self, ind, x1, x2):
        return x1 / x2 * ind.multiplier if x2 else None

    def x1_for(self, ind, y, x2):
        return y * x2 / ind.multiplier if x2 else None

    def excel_realisation(self, ind, x1, x2):
        scale = "" if ind.multiplier == 1 else f"*{_num(ind.multiplier)}"
        return f'=IF(AND({_all_numbers(x1, x2)},{x2}<>0),{x1}/{x2}{scale},"")'

    def _times(self, ind) -> str:
        return "" if ind.multiplier == 1 else f" {TIMES} {fmt_number(ind.multiplier)}"

    def omml(self, ind):
        times = self._times(ind).replace(" ", "")
        return _frac(_x("1"), _x("2")) + (_r(times) if times else "")

    def worked_example(self, ind, x1, x2, y):
        value = self.format_value(ind, y)
        return f"y = {fmt_number(x1)}/{fmt_number(x2)}{self._times(ind)} = {value}"


class Count(KindRules):
    kind = Kind.COUNT
    title = "jumlah: y = x1"
    asks_x2 = False
    default_decimals = 0

    def inputs(self, ind):
        # KindRules.inputs' x1 with its own default for whole (one rule made, not two)
        whole = ind.decimals == 0 if ind.whole_inputs is None else ind.whole_inputs
        return (_input_rule("x1", ind.x1_meaning, negative=ind.allow_negative, whole=whole),)

    def realisation(self, ind, x1, x2):
        return x1

    def x1_for(self, ind, y, x2):
        return y

    def excel_realisation(self, ind, x1, x2):
        return f'=IF(ISNUMBER({x1}),{x1},"")'

    def omml(self, ind):
        return _x("1")

    def worked_example(self, ind, x1, x2, y):
        return f"y = {SUB1} = {self.format_value(ind, y)}"


class Value(Count):
    kind = Kind.VALUE
    title = "nilai: y = x1 (indeks, angka BPS, dsb.)"
    default_decimals = 2
    default_merge = Merge.SAME
    whole_inputs = False
    negative_option = True
    default_accumulation = Accumulation.LAST  # an index: the latest figure is the year's

    def inputs(self, ind):
        return KindRules.inputs(self, ind)


class Growth(KindRules):
    kind = Kind.GROWTH
    title = "pertumbuhan: y = (x1 − x2)/x2 × 100%"
    default_unit = "%"
    x2_from_history = True
    whole_inputs = False
    default_accumulation = Accumulation.LAST  # x1: the value reached so far this year
    x1_default = "Nilai tahun berjalan"
    x2_default = "Nilai tahun sebelumnya"

    def change(self, x1: float, x2: float) -> float:
        return x1 - x2

    def realisation(self, ind, x1, x2):
        return self.change(x1, x2) / x2 * 100 if x2 else None

    def x1_for(self, ind, y, x2):
        return x2 * (1 + y / 100) if x2 else None

    def _excel_change(self, x1: str, x2: str) -> str:
        return f"({x1}-{x2})"

    def excel_realisation(self, ind, x1, x2):
        change = self._excel_change(x1, x2)
        return f'=IF(AND({_all_numbers(x1, x2)},{x2}<>0),{change}/{x2}*100,"")'

    def _order(self) -> tuple[str, str]:
        return "1", "2"

    def omml(self, ind):
        a, b = self._order()
        num = _r("(") + _x(a) + _r(MINUS) + _x(b) + _r(")")
        return _frac(num, _x("2")) + _r(f"{TIMES}100%")

    def worked_example(self, ind, x1, x2, y):
        a, b = (x1, x2) if self._order() == ("1", "2") else (x2, x1)
        value = _percent_value(ind, y)
        return (f"y = ({fmt_number(a, decimals=4)} {MINUS} {fmt_number(b, decimals=4)})/"
                f"{fmt_number(x2, decimals=4)} {TIMES} 100% = {value}")


class Decrease(Growth):
    kind = Kind.DECREASE
    title = "penurunan: y = (x2 − x1)/x2 × 100%"

    x1_raises_y = False

    def change(self, x1, x2):
        return x2 - x1

    def x1_for(self, ind, y, x2):
        return x2 * (1 - y / 100) if x2 else None

    def _excel_change(self, x1, x2):
        return f"({x2}-{x1})"

    def _order(self):
        return "2", "1"


class Grade(KindRules):
    kind = Kind.GRADE
    title = "predikat: y = label skala (WTP, AA, …), dibandingkan dengan skornya"
    asks_x2 = False
    default_merge = Merge.SAME
    labelled = True
    uses_scale = True
    default_accumulation = Accumulation.LAST  # a label cannot be added or averaged
    x1_default = "Predikat yang diperoleh (pilih dari daftar)"

    def inputs(self, ind):
        return (_input_rule("x1", ind.x1_meaning, choices=tuple(ind.scale)),)

    def check(self, ind):
        problems = []
        if not ind.scale:
            problems.append("indikator jenis 'predikat' memerlukan 'skala', mis. "
                            "skala: [WTP, WDP, TW, TMP] (terbaik lebih dahulu)")
        return problems

    def label(self, ind, x1):
        return _find_label(str(x1), tuple(ind.scale))

    def realisation(self, ind, x1, x2):
        label = self.label(ind, x1)
        return ind.scale[label] if label is not None else None

    def target_score(self, ind, target):
        label = _find_label(target, tuple(ind.scale))
        return ind.scale[label] if label is not None else None

    def _match(self, ind, cell: str) -> str:
        labels = ",".join(_excel_text(label) for label in ind.scale)
        return f"MATCH({cell},{{{labels}}},0)"

    def excel_realisation(self, ind, x1, x2):
        return f'=IF(ISNUMBER({self._match(ind, x1)}),{x1},"")'

    def excel_score(self, ind, r):
        scores = ",".join(_num(s) for s in ind.scale.values())
        match = self._match(ind, r)
        return f"ISNUMBER({match})", f"CHOOSE({match},{scores})"

    def omml(self, ind):
        return _x("1")

    def worked_example(self, ind, x1, x2, y):
        label = self.label(ind, x1)
        best = max(ind.scale.values())
        return (f"y = {SUB1} = {label} (skor {fmt_number(y)} dari {fmt_number(best)})")

    def format_value(self, ind, value, na="-"):
        if value is None:
            return na
        return next((k for k, v in ind.scale.items() if v == value), fmt_number(value))


class YesNo(KindRules):
    kind = Kind.YES_NO
    title = "ya_tidak: y = Ada (100%) atau Tidak ada (0%)"
    asks_x2 = False
    default_merge = Merge.SAME
    labelled = True
    default_accumulation = Accumulation.LAST
    x1_default = "Ada atau tidak ada (pilih dari daftar)"

    def inputs(self, ind):
        return (_input_rule("x1", ind.x1_meaning, choices=(YES, NO)),)

    def label(self, ind, x1):
        return YES_NO_ALIASES.get(" ".join(str(x1).split()).casefold())

    def realisation(self, ind, x1, x2):
        label = self.label(ind, x1)
        return YES_NO_SCORES[label] if label is not None else None

    def target_score(self, ind, target):
        label = self.label(ind, target)
        return YES_NO_SCORES[label] if label is not None else None

    def excel_realisation(self, ind, x1, x2):
        return f'=IF(OR({x1}="{YES}",{x1}="{NO}"),{x1},"")'

    def excel_score(self, ind, r):
        return f'OR({r}="{YES}",{r}="{NO}")', f'IF({r}="{YES}",100,0)'

    def omml(self, ind):
        return _x("1")

    def worked_example(self, ind, x1, x2, y):
        return f"y = {SUB1} = {self.label(ind, x1)} ({fmt_percent(y)})"

    def format_value(self, ind, value, na="-"):
        if value is None:
            return na
        return YES if value else NO


class Status(KindRules):
    """A status with no numeric scale in the document (an accreditation, a survey grade):
    met when the realisasi is the target, or, where the master lists an order (``skala``,
    best first), at or above it. Without an order the realisasi is typed as text and
    compared with the target (case and spacing ignored); its score is 1 when it is the
    target, else 0 (the target's score is 1); with an order, the scores are the scale's.
    % capaian is Tercapai (100) or Tidak tercapai (0)."""

    kind = Kind.STATUS
    title = "status: y = label (akreditasi, nilai survei); tercapai atau tidak tercapai"
    asks_x2 = False
    default_merge = Merge.SAME
    labelled = True
    uses_scale = True
    met_only = True
    default_accumulation = Accumulation.LAST
    x1_default = "Status yang dicapai (ketik seperti tertulis di dokumen sumber)"

    def inputs(self, ind):
        if ind.scale:
            return (_input_rule("x1", ind.x1_meaning, choices=tuple(ind.scale)),)
        return (_input_rule("x1", ind.x1_meaning, text=True),)

    def label(self, ind, x1):
        if ind.scale:
            return _find_label(str(x1), tuple(ind.scale))
        if isinstance(x1, float) and x1.is_integer():
            x1 = int(x1)
        text = " ".join(str(x1).split())
        return text or None

    def realisation(self, ind, x1, x2):
        label = self.label(ind, x1)
        if label is None:
            return None
        if ind.scale:
            return ind.scale[label]
        target = ind.target
        return 1.0 if isinstance(target, str) and _same_text(label, target) else 0.0

    def target_score(self, ind, target):
        if ind.scale:
            label = _find_label(target, tuple(ind.scale))
            return ind.scale[label] if label is not None else None
        return 1.0 if " ".join(target.split()) else None

    def met(self, ind, label, target):
        if not isinstance(label, str) or not isinstance(target, str) or target == NA:
            return None
        if not ind.scale:
            return _same_text(label, target)
        got, wanted = (_find_label(t, tuple(ind.scale)) for t in (label, target))
        if got is None or wanted is None:
            return None
        return ind.scale[got] >= ind.scale[wanted]

    def excel_realisation(self, ind, x1, x2):
        if ind.scale:
            return f'=IF(ISNUMBER({_match(ind, x1)}),{x1},"")'
        return f'=IF(ISBLANK({x1}),"",{x1})'

    def excel_score(self, ind, r):
        if ind.scale:
            scores = ",".join(_num(s) for s in ind.scale.values())
            match = _match(ind, r)
            return f"ISNUMBER({match})", f"CHOOSE({match},{scores})"
        target = ind.target if isinstance(ind.target, str) else ""
        return f'{r}<>""', f"IF(TRIM({r})={_excel_text(' '.join(target.split()))},1,0)"

    def omml(self, ind):
        return _x("1")

    def worked_example(self, ind, x1, x2, y):
        return f"y = {SUB1} = {self.label(ind, x1)}"

    def format_value(self, ind, value, na="-"):
        if value is None:
            return na
        if ind.scale:
            return next((k for k, v in ind.scale.items() if v == value), fmt_number(value))
        return na  # the label is not in the number: ``shown`` takes it from the result

    def shown(self, ind, value, label=None, na="-"):
        return label if label is not None else self.format_value(ind, value, na=na)


def _match(ind: Indicator, cell: str) -> str:
    labels = ",".join(_excel_text(label) for label in ind.scale)
    return f"MATCH({cell},{{{labels}}},0)"


def _same_text(a: str, b: str) -> bool:
    """Two labels are the same when they differ only in case and spacing."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _find_label(text: str, labels: tuple[str, ...]) -> str | None:
    """The scale's label that ``text`` names (spaces and case ignored), or None."""
    wanted = " ".join(text.split()).casefold()
    return next((label for label in labels if label.casefold() == wanted), None)


REGISTRY: dict[Kind, KindRules] = {
    rules.kind: rules
    for rules in (Percentage(), Ratio(), Count(), Value(), Growth(), Decrease(), Grade(),
                  YesNo(), Status())
}


def labelled_kinds() -> tuple[str, ...]:
    """The kinds whose realisasi and target are labels (``predikat``, ``ya_tidak``)."""
    return tuple(kind.value for kind, rules in REGISTRY.items() if rules.labelled)


def rules_of(kind: Kind | str) -> KindRules:
    # a Kind (or its text: a StrEnum hashes as its value) is found directly; Kind(kind)
    # costs more than the lookup and is only needed to raise for an unknown kind
    rules = REGISTRY.get(kind)
    return rules if rules is not None else REGISTRY[Kind(kind)]
