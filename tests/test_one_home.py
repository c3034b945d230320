"""One home per concept, guarded over the whole tree (every sub-package, ``rglob``).

Kinds and reasons have their guards beside their tests (tests/test_kinds.py,
tests/test_reasons.py); the layers and imports theirs in tests/test_architecture.py.
Here: how a target prints, how an agency is found in the history, who writes a
document's core properties.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from pipeline.annual.texts import fmt_target as report_target
from pipeline.domain.master import parse_master
from pipeline.domain.numfmt import fmt_target
from pipeline.history.table import target_text as history_target
from pipeline.web.checks import target_shown
from pipeline.workbook.templates import target_text as workbook_target

ROOT = Path(__file__).resolve().parent.parent

MASTER = """\
versi_skema: 1
instansi:
  nama: Dinas A
  kota: Contoh
  tahun: 2021
  tempat_laporan: Contoh
  tanggal_laporan: 2022-01-31
  penandatangan: {{jabatan: KEPALA DINAS, nama: Nama Kepala}}
unit:
  - {{kode: A, nama: Bidang A}}
sasaran:
  - no: 1
    uraian: Meningkatnya layanan
    indikator:
      - kode: K1
        nama: Indikator
        jenis: {kind}
        satuan: "{unit}"
        desimal: {decimals}
        x1: a
        x2: b
        target: {target}
        unit_pelapor: [A]
"""


def _calls(name: str) -> list[str]:
    """Every call of ``name`` (a function or method) under pipeline/, as path:line."""
    found = []
    for path in sorted((ROOT / "pipeline").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                called = getattr(func, "attr", getattr(func, "id", ""))
                if called == name:
                    found.append(f"{path.relative_to(ROOT).as_posix()}:{node.lineno}")
    return found


def _attribute_uses(attr: str) -> list[str]:
    found = []
    for path in sorted((ROOT / "pipeline").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == attr:
                found.append(path.relative_to(ROOT).as_posix())
    return sorted(set(found))


@pytest.mark.parametrize(("kind", "unit", "decimals", "target", "printed"), [
    ("persentase", "%", 2, "90", "90%"),
    ("persentase", "%", 2, "[80, 90]", "80\u201390%"),
    ("persentase", "%", 1, "[87.55, 90]", "87,6\u201390%"),
    ("rasio", "per 1.000", 2, "\"1.234,5\"", "1.234,5 per 1.000"),
    ("persentase", "%", 2, "NA", "NA"),
])
def test_a_target_prints_the_same_everywhere(kind, unit, decimals, target, printed):
    """The report, the history table and the collection page print the target with
    ``numfmt.fmt_target``; the workbook's Target cell shows a range without the unit
    (the Satuan is its own column)."""
    ind = parse_master(MASTER.format(kind=kind, unit=unit, decimals=decimals,
                                     target=target)).indicators[0]
    assert fmt_target(ind.target, unit, decimals) == printed
    assert report_target(ind, ind.target) == printed
    assert target_shown(ind) == (fmt_target(ind.target, decimals=decimals)
                                 if isinstance(ind.target, tuple) else printed)
    if decimals == 2:  # the history keeps the unit, not the decimals
        assert history_target(ind.target, unit) == printed
    if isinstance(ind.target, tuple):
        assert workbook_target(ind, ind.target) == fmt_target(ind.target, decimals=decimals)


def test_an_agency_is_found_in_the_history_in_one_place():
    """``History.agency_of`` / ``key_for`` are the lookup by master; ``find_agency`` is
    called by them and by the importer (which has a key and a name, not a master)."""
    assert [c.rsplit(":", 1)[0] for c in _calls("find_agency")] == [
        "pipeline/history/importer.py", "pipeline/history/store.py"]


def test_core_properties_are_written_in_one_place():
    assert _attribute_uses("core_properties") == ["pipeline/word/render.py"]
