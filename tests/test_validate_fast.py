"""The fast paths of validate and compute (issue 25) held to the code they replaced.

Each reference below is a frozen copy of the function as it was before the fast path; the
property tests draw indicators of every kind with random options and compare. Breaking a
fast path on purpose (a field left out, a default changed, a row field dropped) makes
these tests fail: see each test's docstring.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import pickle
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from pipeline import compute
from pipeline.compute import Contribution, IndicatorResult, Status
from pipeline.domain import spec
from pipeline.domain.kinds import REGISTRY, InputRule, Kind, KindRules, rules_of
from pipeline.domain.master import Indicator, Settings, load_master
from pipeline.intake import validate as validate_module
from pipeline.intake.reader import ReadResult, Row, Submission
from pipeline.intake.validate import validate
from pipeline.reasons import Reason

TEXTS = st.sampled_from(["Jumlah kegiatan", "Arti \u2265 x", 'kutip "ganda"', "baris\ndua",
                         "é ñ 中文", "\\ miring", "NA", "a" * 60])
SCALES = st.sampled_from([None, ["WTP", "WDP", "TW", "TMP"], ["A", "B", "C"],
                          {"Paripurna": 4, "Utama": 3, "Madya": 2}])
TARGETS = st.one_of(st.floats(-1e6, 1e6, allow_nan=False), st.integers(0, 1000),
                    st.sampled_from(["NA", "93,55", "\u2265 95", "minimal 80", "\u2264 5",
                                     "WTP", "A", "Ada", "Paripurna", "Terakreditasi"]),
                    st.tuples(st.integers(0, 50), st.integers(51, 100)).map(list))


@st.composite
def indicators(draw) -> Indicator:
    kind = draw(st.sampled_from(list(Kind)))
    data: dict = {"kode": draw(st.sampled_from(["K1", "S1.2", "A-3"])), "nama": draw(TEXTS),
                  "jenis": kind.value, "x1": draw(TEXTS), "target": draw(TARGETS),
                  "unit_pelapor": draw(st.sampled_from([["A"], ["A", "B"]]))}
    for key, strategy in (
        ("x2", st.one_of(st.none(), TEXTS)),
        ("y", TEXTS),
        ("isian_bulat", st.sampled_from([True, False])),
        ("boleh_negatif", st.booleans()),
        ("desimal", st.integers(0, 4)),
        ("pengali", st.sampled_from([1, 100, 1000, 2.5])),
        ("skala", SCALES),
        ("diukur_triwulan", st.sampled_from([[4], [2, 4], [1, 2, 3, 4]])),
        ("polaritas", st.sampled_from(["positif", "negatif"])),
    ):
        if draw(st.booleans()):
            value = draw(strategy)
            if value is not None:
                data[key] = value
    try:
        return Indicator.model_validate(data)
    except ValidationError:
        assume(False)
        raise  # not reached


# --- frozen references -------------------------------------------------------------------


def reference_inputs(ind: Indicator) -> tuple[InputRule, ...]:
    """The kinds' ``inputs`` before the fast constructor, every kind in one place."""
    rules: KindRules = rules_of(ind.kind)
    kind = ind.kind
    if kind in (Kind.GRADE,):
        return (InputRule("x1", ind.x1_meaning, choices=tuple(ind.scale)),)
    if kind == Kind.YES_NO:
        return (InputRule("x1", ind.x1_meaning, choices=("Ada", "Tidak ada")),)
    if kind == Kind.STATUS:
        if ind.scale:
            return (InputRule("x1", ind.x1_meaning, choices=tuple(ind.scale)),)
        return (InputRule("x1", ind.x1_meaning, text=True),)
    whole = rules.whole_inputs if ind.whole_inputs is None else ind.whole_inputs
    x1 = InputRule("x1", ind.x1_meaning, negative=ind.allow_negative, whole=whole)
    if kind == Kind.COUNT:
        whole = ind.decimals == 0 if ind.whole_inputs is None else ind.whole_inputs
        return (InputRule("x1", x1.meaning, negative=x1.negative, whole=whole),)
    if not rules.asks_x2:
        return (x1,)
    x2 = InputRule("x2", ind.x2_meaning or "", whole=whole, nonzero=True)
    return (x1, x2)


def reference_fingerprint(indicators: list[Indicator]) -> str:
    """``spec.definition_fingerprint`` as it was (session 4), over a unit's indicators."""
    rows = []
    for ind in indicators:
        target = ind.target
        row = [
            ind.code,
            ind.name,
            ind.kind.value,
            ind.y_meaning,
            ind.x1_meaning,
            ind.x2_meaning if ind.asks_x2 else None,
            list(target) if isinstance(target, tuple) else target,
            *_reference_rule_fingerprint(ind),
        ]
        if ind.measured:
            row.append(["diukur_triwulan", list(ind.measured)])
        rows.append(row)
    text = json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _reference_rule_fingerprint(ind: Indicator) -> list:
    rules = reference_inputs(ind)
    extra = [[r.key, list(r.choices), r.negative, r.whole] for r in rules]
    plain = [["x1", [], False, True], ["x2", [], False, True]]
    return [] if extra == plain and ind.multiplier == 1 else [extra, ind.multiplier]


class _OneUnit:
    """A master as ``definition_fingerprint`` reads it: the unit's indicators."""

    def __init__(self, inds: list[Indicator]) -> None:
        self.inds = inds

    def indicators_of(self, unit_code: str) -> list[Indicator]:
        return self.inds


# --- the tests ---------------------------------------------------------------------------


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(indicators())
def test_inputs_are_the_dataclass_rules(ind: Indicator) -> None:
    """The kinds' rules, made without the dataclass's ``__init__``, are the rules it makes:
    equal, of the same hash and repr, the same fields in the same order, picklable alike.
    Fails when ``kinds._input_rule`` drops or reorders a field, or a kind passes another
    value (tried: ``"whole": True`` written for ``whole``; Count's ``whole`` default back to
    the base class's)."""
    got, wanted = ind.rules.inputs(ind), reference_inputs(ind)
    assert got == wanted
    assert [hash(r) for r in got] == [hash(r) for r in wanted]
    assert [repr(r) for r in got] == [repr(r) for r in wanted]
    assert [list(vars(r).items()) for r in got] == [list(vars(r).items()) for r in wanted]
    assert all(type(r) is InputRule for r in got)
    assert pickle.loads(pickle.dumps(got)) == wanted


def test_input_rule_still_frozen_and_not_a_tuple() -> None:
    """A rule made by the fast constructor is the same frozen dataclass: it refuses to be
    changed and never equals a plain tuple of its fields."""
    rule = REGISTRY[Kind.PERCENTAGE].inputs(Indicator.model_validate(
        {"kode": "K1", "nama": "Uji", "jenis": "persentase", "x1": "a", "x2": "b",
         "target": 100, "unit_pelapor": ["A"]}))[0]
    with pytest.raises(AttributeError):
        rule.key = "x2"  # type: ignore[misc]
    assert rule != ("x1", "a", (), False, True, False, False)
    assert {rule: 1}[InputRule("x1", "a")] == 1


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(st.lists(indicators(), min_size=1, max_size=6))
def test_fingerprint_is_the_frozen_reference(inds: list[Indicator]) -> None:
    """The definition fingerprint gives the same 16 hex digits as the frozen reference for
    random indicators of every kind, with the rules given by the caller or made inside.
    Fails when a row field is dropped or changed, or the plain-percentage shortcut misses
    a case (tried: the shortcut without its ``multiplier == 1`` test)."""
    wanted = reference_fingerprint(inds)
    master = _OneUnit(inds)
    assert spec.definition_fingerprint(master, "A") == wanted  # type: ignore[arg-type]
    assert spec.definition_fingerprint(master, "A", indicators=inds,  # type: ignore[arg-type]
                                       inputs=reference_inputs) == wanted


_contribution = compute._contribution
VALUES = st.one_of(st.none(), st.floats(allow_nan=False), st.text(max_size=5), st.booleans())


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(list(Status)), st.dictionaries(
    st.sampled_from([f.name for f in dataclasses.fields(IndicatorResult)][2:]), VALUES))
def test_results_are_the_dataclass_results(status: Status, given_fields: dict) -> None:
    """compute's results and contributions, made without the dataclasses' ``__init__``,
    are what the constructors make, with any fields given and the rest defaulted: equal,
    the same repr, the same fields in the same order. Fails when ``compute._result``
    drops a field or changes a default (tried: ``"capped": capped`` left out; ``met``
    defaulting to False), or ``_contribution`` swaps two fields (tried: note/analysis)."""
    given_fields.pop("contributions", None)
    parts = (_contribution("A", 1.0, None, "n", "a"), _contribution("B", None, 2.0, "", "x"))
    got = compute._result("K1", status, contributions=parts, **given_fields)
    wanted = IndicatorResult("K1", status, contributions=(
        Contribution("A", 1.0, None, "n", "a"), Contribution("B", None, 2.0, "", "x")),
        **given_fields)
    assert got == wanted and repr(got) == repr(wanted)
    assert list(vars(got).items()) == list(vars(wanted).items())
    assert [list(vars(c).items()) for c in got.contributions] == \
        [list(vars(c).items()) for c in wanted.contributions]
    assert pickle.loads(pickle.dumps(got)) == wanted
    with pytest.raises(dataclasses.FrozenInstanceError):
        got.code = "K2"  # type: ignore[misc]


# --- validate's rows: the usual cell values skip the general checks -----------------------

MASTER = (Path(__file__).resolve().parents[1]
          / "input_templates/master/kesbangpol_kota_jambi_2021.yaml")
CELLS = st.sampled_from([None, "", " ", "\t\n", " teks ", "teks", 3.0, 2.5, 0.0, True,
                         "x" * 1200])


def _reference_blank(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _reference_show(v) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _reference_text(v) -> str:
    return "" if _reference_blank(v) else _reference_show(v).strip()


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_row_texts_and_codes_read_as_before(data) -> None:
    """A row's Kode, Catatan, Analisis, Kendala and Tindak lanjut, of any cell type, read
    as the general checks read them (blank: None or spaces; a number shown without .0;
    text stripped), whether or not a fast path took them. Fails when a fast path takes a
    blank text for a value or a value for blank (tried: the Kode test without its
    ``strip()``, which lets "  " through as an unknown Kode; the Catatan test reading
    every text as it is, which keeps " teks " unstripped)."""
    master = load_master(MASTER)
    unit = master.reporting_units[0].code
    inds = master.indicators_of(unit)
    columns = {c.key: i for i, c in enumerate(spec.COLUMNS)}
    columns.update({"obstacles": len(columns), "follow_up": len(columns) + 1})
    rows, wanted_texts, wanted_codes = [], {}, []
    for n, ind in enumerate(inds):
        cells = [data.draw(CELLS) for _ in range(4)]
        code = data.draw(st.sampled_from([ind.code, ind.code, None, "", "  ", 7.0, "ZZ9"]))
        rows.append(Row(spec.FIRST_DATA_ROW + n, code, 1.0, 2.0, cells[0],
                        spec.shown_definition(ind), cells[1], cells[2], cells[3]))
        if code == ind.code:
            wanted_texts[code] = [_reference_text(c) for c in cells]
        else:
            wanted_codes.append("(kosong)" if _reference_blank(code) else _reference_show(code))
    meta = {"tahun": str(master.agency.year), "instansi": master.agency.name,
            "kode_unit": unit, "periode": "TW2"}
    sub = Submission("a.xlsx", Path("a.xlsx"), meta, spec.SHEET, columns, tuple(rows))
    checked = validate(master, ReadResult(submissions=[sub], files=1), period="TW2")
    got = {r.code: [r.note, r.analysis] for r in checked.values.itertuples(index=False)}
    for code, texts in wanted_texts.items():
        if code in got:  # a row refused for its inputs has no values
            kept = [t if len(t) <= 1000 else t[:1000] + "…" for t in texts]
            assert got[code] == [kept[0], texts[1]]
            quarter = {k: v for k, v in zip(("obstacles", "follow_up"), kept[2:], strict=True)
                       if v}
            assert checked.texts.get((unit, code), {}) == quarter
    bad = sorted("(kosong)" if p.code == Reason.CODE_BLANK else p.value
                 for p in checked.problems
                 if p.code in (Reason.CODE_BLANK, Reason.CODE_UNKNOWN))
    assert bad == sorted(wanted_codes)


@pytest.mark.parametrize("order", [compute.VALUE_COLUMNS,
                                   ["analysis", "x2", "note", "code", "x1", "unit"]])
def test_compute_reads_each_column_by_its_name(order: list[str]) -> None:
    """compute keeps each row as a tuple and reads x1, x2, Catatan and Analisis by their
    places in VALUE_COLUMNS; a frame in another column order reads the same. Fails when
    the places are read wrong (tried: x1 and x2 swapped in the unpacking; note and
    analysis swapped)."""
    master = load_master(MASTER)
    ind = next(i for i in master.indicators if i.asks_x2 and len(i.reporting_units) == 1)
    unit = ind.reporting_units[0]
    frame = pd.DataFrame([{"unit": unit, "code": ind.code, "x1": 3.0, "x2": 4.0,
                           "note": "catatan", "analysis": "analisis"}])[order]
    result = compute.compute(master, frame).indicators[ind.code]
    (part,) = result.contributions
    assert (part.unit, part.x1, part.x2, part.note, part.analysis) == (
        unit, 3.0, 4.0, "catatan", "analisis")
    assert (result.x1, result.x2) == (3.0, 4.0)
    assert result.realisation == compute.realisation(ind, 3.0, 4.0)


def test_every_class_made_without_its_init_is_a_frozen_dataclass_without_post_init():
    """``frozen.made`` skips ``__init__``: a class it builds must be a frozen dataclass with
    no ``__post_init__`` (a check there would be skipped) and no field default factory
    (the callers give every field). Every ``made(Class, …)`` in pipeline/ is found here."""
    import importlib
    import re

    root = Path(__file__).resolve().parents[1] / "pipeline"
    found: dict[str, object] = {}
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        names = set(re.findall(r"\bmade\(([A-Z][A-Za-z]*),", text))
        if not names:
            continue
        module = importlib.import_module(
            ".".join(path.relative_to(root.parent).with_suffix("").parts))
        for name in names:
            found[name] = getattr(module, name)
    assert {"InputRule", "IndicatorResult", "Contribution", "Row", "IndicatorRecord",
            "UnitFigure"} <= found.keys()
    for name, cls in found.items():
        assert dataclasses.is_dataclass(cls) and cls.__dataclass_params__.frozen, name
        assert not hasattr(cls, "__post_init__"), name
        assert all(f.default_factory is dataclasses.MISSING
                   for f in dataclasses.fields(cls)), name


# --- compute: % capaian and the combined inputs ------------------------------------------


def _reference_achievement(r, target, polarity, rule=compute.NegativeRule.TWO_T_MINUS_R):
    """``compute.achievement`` as it was before its enum members were read once."""
    if isinstance(target, tuple):
        low, high = target
        if low <= r <= high:
            return 100.0
        t = high if r > high else low
    else:
        t = target
    if polarity == compute.Polarity.NEGATIVE and rule == compute.NegativeRule.R_OVER_T:
        polarity = compute.Polarity.POSITIVE
    if t == 0:
        if polarity == compute.Polarity.POSITIVE:
            return 100.0
        return 100.0 if r == 0 else 0.0
    if polarity == compute.Polarity.POSITIVE:
        return r / t * 100
    if rule == compute.NegativeRule.T_OVER_R:
        return 200.0 if r == 0 else t / r * 100
    return max(0.0, (2 - r / t) * 100)


NUMBERS = st.one_of(st.floats(-1e6, 1e6, allow_nan=False), st.sampled_from([0.0, -0.0, 1.0]))


@settings(max_examples=400, deadline=None)
@given(NUMBERS, st.one_of(NUMBERS, st.tuples(NUMBERS, NUMBERS).map(tuple)),
       st.sampled_from(list(compute.Polarity)), st.sampled_from(list(compute.NegativeRule)))
def test_achievement_is_the_frozen_reference(r, target, polarity, rule) -> None:
    """% capaian of any realisasi, target (a number or a range), polarity and negative
    rule is the reference's, to the bit. Fails when the rules are mixed up (tried:
    ``T/R`` tested as ``R/T``)."""
    got, wanted = compute.achievement(r, target, polarity, rule), \
        _reference_achievement(r, target, polarity, rule)
    assert repr(got) == repr(wanted)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(st.lists(st.one_of(st.floats(0, 1e6, allow_nan=False), st.sampled_from([0.1, 0.2, 0.7])),
                min_size=3, max_size=3),
       st.lists(st.floats(1, 1e6, allow_nan=False), min_size=3, max_size=3),
       st.integers(1, 3), st.sampled_from(["jumlah", "sama"]))
def test_combined_inputs_are_the_contributions_summed(x1s, x2s, units, merge) -> None:
    """An indicator's x1 and x2 over its units are the contributions' values summed in
    unit order (``gabung: jumlah``) or the first unit's (``sama``, where validation has made
    them agree), to the bit. Fails when the sums are formed otherwise (tried:
    ``math.fsum``)."""
    codes = ["A", "B", "C"][:units]
    if merge == "sama":
        x1s, x2s = [x1s[0]] * 3, [x2s[0]] * 3
    ind = Indicator.model_validate({"kode": "K1", "nama": "Uji", "jenis": "persentase",
                                    "x1": "a", "x2": "b", "target": 90, "gabung": merge,
                                    "unit_pelapor": codes})
    rows = {u: (u, "K1", x1s[n], x2s[n], "", "") for n, u in enumerate(codes)}
    result = compute._indicator_result(Settings(), ind, rows, frozenset())
    parts = result.contributions
    if merge == "sama":
        wanted = (parts[0].x1, parts[0].x2)
    else:
        wanted = (sum(c.x1 for c in parts), sum(c.x2 for c in parts))
    assert repr((result.x1, result.x2)) == repr(wanted)


MASTERS = sorted(MASTER.parent.glob("**/*.yaml"))


@pytest.mark.parametrize("path", MASTERS, ids=lambda p: p.stem)
def test_each_units_indicators_from_one_pass_are_the_masters(path: Path) -> None:
    """validate's one pass over the indicators gives each unit's ``indicators_of``, in
    master order, each indicator once."""
    master = load_master(path)
    by_unit = validate_module._indicators_by_unit(master.indicators)
    for unit in master.units:
        assert by_unit.get(unit.code, []) == master.indicators_of(unit.code)


# --- the rows compute reads: ``Validated.lines``, the frame only when asked (issue 25) ------

# what a line's number may be besides a float (an int, a blank, NaN), and its texts
_ODD_X = st.sampled_from([None, float("nan"), 0, 7, 2.5, -1.0, 10**17 + 1])
_ODD_TEXT = st.sampled_from([None, float("nan"), "", "catatan", "  spasi  "])


def _sample_check(path: Path):
    from pipeline.intake.reader import read_folder
    from pipeline.workbook.sample import sample_inputs

    master = load_master(path)
    with sample_inputs(master) as folder:
        return master, validate(master, read_folder(folder))


@pytest.mark.parametrize("path", MASTERS, ids=lambda p: p.stem)
def test_compute_from_lines_is_compute_from_the_frame(path: Path) -> None:
    """``compute`` on ``Validated.lines`` (what a report's run hands it) gives the results
    it gives on ``Validated.values`` (the frame the quarters, the web page and the tests
    read), on every sample master's sample inputs."""
    master, checked = _sample_check(path)
    assert checked.lines, path.stem
    lines = compute.compute(master, checked.lines, checked.invalid)
    assert lines == compute.compute(master, checked.values, checked.invalid)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_compute_from_odd_lines_is_compute_from_their_frame(data) -> None:
    """Lines holding what a frame would convert (an int, None or NaN where a number
    belongs, a blank or spaced text; a label stays a label) give the results their frame
    gives: the frame turns ints into floats and None into NaN in a number column, and
    compute reads both alike. Fails when compute reads a line's values unconverted
    (tried: x1 taken as it is: a None in a line is missing, the NaN of its frame is
    not)."""
    path = data.draw(st.sampled_from(MASTERS))
    master, checked = _sample_check(path)
    lines = []
    for unit, code, x1, x2, note, analysis in checked.lines:
        if data.draw(st.booleans()):
            x1 = x1 if isinstance(x1, str) else data.draw(_ODD_X)  # a label stays one
            x2 = None if x2 is None else data.draw(_ODD_X)  # a kind without x2: None
            note, analysis = data.draw(_ODD_TEXT), data.draw(_ODD_TEXT)
        lines.append((unit, code, x1, x2, note, analysis))
    odd = validate_module.Validated(lines, invalid=checked.invalid)
    assert compute.compute(master, odd.lines, odd.invalid) == compute.compute(
        master, odd.values, odd.invalid)


def test_a_report_run_hands_compute_the_lines_and_makes_no_frame(tmp_path: Path) -> None:
    """An annual report's run never builds the frame (``Validated.values`` is made only
    when read): making it for each agency and taking it apart again cost a tenth of read,
    validate and compute. Fails when the run hands compute ``checked.values``."""
    from pipeline.run import build_report
    from pipeline.workbook.sample import sample_inputs

    master = load_master(MASTER)
    with sample_inputs(master) as folder:
        outcome = build_report(master, folder, tmp_path / "laporan.docx")
    assert outcome.docx is not None and outcome.docx.exists()
    assert "values" not in vars(outcome.checked)  # the cached frame was never made
    assert outcome.results == compute.compute(master, outcome.checked.values,
                                              outcome.checked.invalid)
