"""The registry of kinds: for every kind, the workbook's live Excel formulas and the
Python computation agree on random inputs.

Two independent checks of the same formula text: ``formula_eval`` (an evaluator written
for these tests) on many random cases, and LibreOffice, which recalculates a whole filled
workbook, where it is installed.
"""

from __future__ import annotations

import ast
import math
import random
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.compute import compute
from pipeline.domain import spec
from pipeline.domain.kinds import REGISTRY, Kind, labelled_kinds, rules_of
from pipeline.domain.master import (
    AchievementBase,
    Master,
    NegativeRule,
    Rounding,
    parse_master,
)
from pipeline.domain.thresholds import parse_threshold
from pipeline.workbook.sample import fill_workbook
from pipeline.workbook.templates import achievement_formula, realisation_formula, write_template

from formula_eval import evaluate

FIRST = spec.FIRST_DATA_ROW + 1  # openpyxl rows are 1-based
COL = {key: index + 1 for key, index in spec.COLUMN_INDEX.items()}
SCALES = {"opini": ["WTP", "WDP", "TW", "TMP"],
          "sakip": ["AA", "A", "BB", "B", "CC", "C", "D"],
          "akreditasi": ["Paripurna", "Utama", "Madya", "Dasar"]}
GRADES = ("A", "B", "C")  # a status typed as text, compared with its target

HEAD = """\
versi_skema: 1
instansi:
  nama: Badan Uji
  kota: Kota Uji
  tahun: 2024
  tempat_laporan: Uji
  tanggal_laporan: 2025-01-31
  penandatangan: {{jabatan: KEPALA}}
unit:
  - {{kode: A, nama: Bidang A}}
pengaturan:
  rumus_negatif: "{rule}"
  batas_atas_capaian: {cap}
  skala:
    opini: [WTP, WDP, TW, TMP]
    sakip: [AA, A, BB, B, CC, C, D]
    akreditasi: [Paripurna, Utama, Madya, Dasar]
sasaran:
  - no: 1
    uraian: Uji
    indikator:
"""


def _number(rng: random.Random, whole: bool, negative: bool) -> float:
    value = rng.choice([0, 1, 2, 5, 10, 37, 100, 250, 1000, 45_000, rng.randint(0, 500)])
    if not whole:
        value = round(value * rng.random() * 1.7, rng.choice([0, 1, 2, 3]))
    if negative and rng.random() < 0.4:
        value = -value
    return float(value)


def _indicator_yaml(rng: random.Random, i: int, kind: Kind) -> str:
    lines = [f"      - kode: K{i}", f"        nama: Indikator {i}", f"        jenis: {kind.value}",
             "        x1: pembilang", "        x2: penyebut", "        unit_pelapor: [A]"]
    rules = rules_of(kind)
    if kind == Kind.RATIO:
        lines.append(f"        pengali: {rng.choice([1, 100, 1000, 100000])}")
    if rules.negative_option and rng.random() < 0.5:
        lines.append("        boleh_negatif: true")
    if rules.labelled:
        if rules.uses_scale and (kind == Kind.GRADE or rng.random() < 0.5):
            scale = rng.choice(["opini", "sakip", "akreditasi"] if kind == Kind.STATUS
                               else ["opini", "sakip"])
            lines.append(f"        skala: {scale}")
            lines.append(f"        target: {rng.choice(SCALES[scale])}")
        elif kind == Kind.STATUS:  # no order: met when the text is the target
            lines.append(f"        target: {rng.choice(GRADES)}")
        else:
            lines.append("        target: Ada")
        if rules.met_only and rng.random() < 0.5:
            lines.append("        ikut_rata_rata: true")
        return "\n".join(lines)
    shape = rng.random()
    threshold = None
    if shape < 0.15:
        target = "NA"
    elif shape < 0.3:
        low = rng.choice([0, 5, 50, 80])
        target = f"[{low}, {low + rng.choice([0, 5, 10])}]"
    elif shape < 0.4:
        target = "0"
    elif shape < 0.55:  # a threshold: its word gives the direction
        threshold = rng.choice(["\u2265", "minimal", "\u2264", "maksimal"])
        target = f'"{threshold} {rng.choice([1, 10, 32, 87.5, 95]):g}"'.replace(".", ",")
    else:
        target = str(rng.choice([1, 1.5, 10, 32, 87.5, 100, 120]))
    negative = rng.random() < 0.5 if threshold is None else threshold in ("\u2264", "maksimal")
    if threshold is None:
        lines.append(f"        polaritas: {'negatif' if negative else 'positif'}")
    if negative and rng.random() < 0.5:  # the indicator's own rule (issue 20)
        lines.append(f'        rumus_negatif: "{rng.choice(["(2T-R)/T", "T/R", "R/T"])}"')
    if rng.random() < 0.4:  # capaian from the realisasi as printed
        lines.append("        capaian_dari: realisasi_tercetak")
        lines.append(f"        desimal: {rng.choice([0, 1, 2, 3])}")
        lines.append(f"        pembulatan: {rng.choice(['biasa', 'potong'])}")
    lines.append(f"        target: {target}")
    return "\n".join(lines)


def random_master(seed: int, per_kind: int = 4) -> Master:
    rng = random.Random(seed)
    rule = rng.choice(["(2T-R)/T", "T/R", "R/T"])
    cap = rng.choice(["null", "null", "120", "100"])
    body = [_indicator_yaml(rng, i * 100 + k, kind)
            for k, kind in enumerate(REGISTRY) for i in range(per_kind)]
    return parse_master(HEAD.format(rule=rule, cap=cap) + "\n".join(body) + "\n")


def random_inputs(master: Master, seed: int) -> dict[str, tuple]:
    rng = random.Random(seed + 1)
    values = {}
    for ind in master.indicators:
        inputs = ind.rules.inputs(ind)
        row = []
        for rule in inputs:
            if rule.is_choice:
                row.append(rng.choice(rule.choices))
            elif rule.text:
                row.append(rng.choice(GRADES))
            else:
                row.append(_number(rng, rule.whole, rule.negative))
        if len(row) == 1:
            row.append(None)
        values[ind.code] = tuple(row)
    return values


def python_figures(master: Master, values: dict[str, tuple]) -> dict[str, tuple]:
    """(realisasi as the cell shows it, % capaian, "NA", or Tercapai / Tidak tercapai) per
    indicator; None = blank. The Realisasi cell of an indicator whose capaian divides the
    printed realisasi holds the printed value."""
    frame = pd.DataFrame([["A", code, x1, x2, ""] for code, (x1, x2) in values.items()],
                         columns=["unit", "code", "x1", "x2", "note"])
    results = compute(master, frame)
    out = {}
    for ind in master.indicators:
        r = results.indicators[ind.code]
        if r.realisation is None:
            out[ind.code] = (None, None)
            continue
        shown = r.label if ind.rules.labelled else ind.used_realisation(r.realisation)
        if r.met is not None:
            capaian = "Tercapai" if r.met else "Tidak tercapai"
        else:
            capaian = "NA" if r.achievement is None else r.achievement
        out[ind.code] = (shown, capaian)
    return out


def _same(got, expected) -> bool:
    if expected is None:
        return got in (None, "")
    if isinstance(expected, str):
        return isinstance(got, str) and got.casefold() == expected.casefold()
    return isinstance(got, int | float) and math.isclose(got, expected, rel_tol=1e-9,
                                                          abs_tol=1e-9)


def excel_figures(master: Master, values: dict[str, tuple]) -> dict[str, tuple]:
    """The same figures from the formula texts the template writes, by formula_eval."""
    out = {}
    for offset, ind in enumerate(master.indicators):
        row = spec.FIRST_DATA_ROW + offset
        ref = {key: spec.cell_ref(row, spec.COLUMN_INDEX[key])
               for key in ("x1", "x2", "realisation", "target")}
        x1, x2 = values[ind.code]
        cells = {ref["x1"]: x1, ref["x2"]: x2,
                 ref["target"]: ind.target if not isinstance(ind.target, tuple) else None}
        y = evaluate(realisation_formula(ind, ref["x1"], ref["x2"]), cells)
        cells[ref["realisation"]] = y
        c = evaluate(achievement_formula(ind, ref["realisation"], ref["target"],
                                         master.settings), cells)
        out[ind.code] = (None if y == "" else y, None if c == "" else c)
    return out


@pytest.mark.parametrize("seed", range(40))
def test_excel_formulas_agree_with_python(seed):
    master = random_master(seed)
    values = random_inputs(master, seed)
    expected = python_figures(master, values)
    got = excel_figures(master, values)
    for ind in master.indicators:
        (gy, gc), (ey, ec) = got[ind.code], expected[ind.code]
        context = (ind.code, ind.kind.value, ind.target, ind.polarity.value, values[ind.code])
        assert _same(gy, ey), (context, gy, ey)
        assert _same(gc, ec), (context, gc, ec)


def test_every_kind_is_exercised():
    kinds = {ind.kind for seed in range(3) for ind in random_master(seed).indicators}
    assert kinds == set(Kind)


def test_every_option_of_issue_20_is_exercised():
    """The random masters hold every rule, rounding, threshold and status option, so the
    agreement above covers each of them."""
    inds = [ind for seed in range(40) for ind in random_master(seed).indicators]
    assert {i.rule for i in inds if i.negative_rule} == set(NegativeRule)
    assert {(i.achievement_base, i.rounding, i.decimals) for i in inds
            if not i.rules.labelled} >= {(AchievementBase.PRINTED, r, d)
                                         for r in Rounding for d in (0, 1, 2, 3)}
    thresholds = {parse_threshold(i.target).word for i in inds if not i.rules.labelled
                  and parse_threshold(i.target)}
    assert thresholds == {"\u2265", "minimal", "\u2264", "maksimal"}
    statuses = [i for i in inds if i.rules.met_only]
    assert {(bool(i.scale), i.counted) for i in statuses} == {
        (True, True), (True, False), (False, True), (False, False)}


def _has_soffice() -> bool:
    return shutil.which("soffice") is not None


@pytest.mark.libreoffice
@pytest.mark.skipif(not _has_soffice(), reason="LibreOffice (soffice) not installed")
@pytest.mark.parametrize("seed", [101, 202])
def test_libreoffice_recalculates_the_same_figures(seed, tmp_path: Path):
    master = random_master(seed, per_kind=6)
    values = random_inputs(master, seed)
    template = tmp_path / "blank.xlsx"
    write_template(master, "A", template)
    filled = tmp_path / "Isian_A.xlsx"
    fill_workbook(template, values, filled)
    subprocess.run(
        ["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--convert-to", "xlsx", "--outdir", str(tmp_path / "lo"), str(filled)],
        check=True, capture_output=True, timeout=180)
    ws = openpyxl.load_workbook(tmp_path / "lo" / filled.name, data_only=True)[spec.SHEET]
    expected = python_figures(master, values)
    for offset, ind in enumerate(master.indicators):
        gy = ws.cell(row=FIRST + offset, column=COL["realisation"]).value
        gc = ws.cell(row=FIRST + offset, column=COL["achievement"]).value
        ey, ec = expected[ind.code]
        context = (ind.code, ind.kind.value, ind.target, values[ind.code])
        assert _same(gy, ey), (context, gy, ey)
        assert _same(gc, ec), (context, gc, ec)


# --- one home: a kind is known only through the registry ---------------------------------

ROOT = Path(__file__).resolve().parent.parent
KIND_NAMES = {k.value for k in Kind}


def _kind_literals(node) -> list:
    """String constants naming a kind in a literal: "nilai", ("nilai", "jumlah"), {…}."""
    items = node.elts if isinstance(node, (ast.Tuple, ast.List, ast.Set)) else [node]
    return [c for c in items if isinstance(c, ast.Constant) and c.value in KIND_NAMES]


def spelled_out_kinds(root: Path) -> list[str]:
    """Comparisons of a value with kind names spelled out (``x == "jumlah"``,
    ``kind in ("nilai", "jumlah")``) and module constants listing kinds, anywhere under
    ``pipeline/`` but the registry itself: such code knows a kind without the registry,
    and a new kind silently falls outside it."""
    found = []
    for path in sorted((root / "pipeline").rglob("*.py")):
        if path.relative_to(root).as_posix() == "pipeline/domain/kinds.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            literals = []
            if isinstance(node, ast.Compare):
                for side in [node.left, *node.comparators]:
                    literals += _kind_literals(side)
            elif isinstance(node, ast.Assign) and isinstance(node.value, (ast.Tuple, ast.Set)):
                if len(_kind_literals(node.value)) >= 2:
                    literals += _kind_literals(node.value)
            found += [f"{path.relative_to(root).as_posix()}:{c.lineno} {c.value!r}"
                      for c in literals]
    return found


def test_no_kind_is_spelled_out_outside_the_registry():
    assert spelled_out_kinds(ROOT) == []


def test_the_kind_guard_sees_a_tuple_one_folder_down(tmp_path):
    folder = tmp_path / "pipeline" / "history"
    folder.mkdir(parents=True)
    (folder / "m.py").write_text('def f(rec):\n    return rec.kind in ("nilai", "jumlah")\n'
                                 'LABELS = ("predikat", "ya_tidak")\n')
    assert sorted(spelled_out_kinds(tmp_path)) == [
        "pipeline/history/m.py:2 'jumlah'", "pipeline/history/m.py:2 'nilai'",
        "pipeline/history/m.py:3 'predikat'", "pipeline/history/m.py:3 'ya_tidak'"]


@pytest.mark.parametrize("kind", list(Kind))
def test_what_a_kind_is_comes_from_its_rules(kind):
    """The properties other packages ask the registry for, per kind (history/report's
    next year's x2 from a recorded figure, history/importer's label kinds)."""
    rules = REGISTRY[kind]
    assert rules.value_is_x1 == (kind in (Kind.COUNT, Kind.VALUE))
    assert (kind.value in labelled_kinds()) == (kind in (Kind.GRADE, Kind.YES_NO, Kind.STATUS))
    assert rules.met_only == (kind == Kind.STATUS)


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_equation_text_escapes_as_xml_sax_did(text):
    """An equation's text (``kinds._r``) is escaped as xml.sax.saxutils.escape did before
    html.escape (quote=False) replaced it, character for character."""
    from xml.sax.saxutils import escape as sax_escape

    from pipeline.domain import kinds

    assert kinds._r(text) == f"<m:r><m:t>{sax_escape(text)}</m:t></m:r>"
