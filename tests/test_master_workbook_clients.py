"""The master workbook in the real client (issue 24): LibreOffice Calc fills ``iku master
baru``'s workbook through UNO (tests/uno_master.py, run with the system Python that has
Debian's python3-uno) and saves it as .xlsx and as .ods; each builds the same report as
its YAML twin, and a workbook with the classic mistakes is refused with one message per
mistake naming its cell, in both formats.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest
from test_master_workbook import same_master
from test_template_clients import SYSTEM_PYTHON, needs_uno

from pipeline import paths
from pipeline.domain import masterbook as mb
from pipeline.domain.master import load_master, master_data
from pipeline.errors import MasterError
from pipeline.intake.master import read_master_workbook
from pipeline.office.libreoffice import find_soffice

from conftest import run_cli

UNO_SCRIPT = Path(__file__).with_name("uno_master.py")
pytestmark = [pytest.mark.libreoffice, needs_uno, pytest.mark.skipif(
    find_soffice() is None, reason="LibreOffice (soffice) tidak terpasang: apt-get install "
                                   "libreoffice-calc-nogui")]


def typing_plan(data: dict) -> dict:
    """What a clerk types into ``iku master baru``'s workbook for this master: the example
    rows cleared, then every value in its cell (numbers as numbers, a date typed as
    2022-01-31, text as text)."""
    rows = mb.rows_of(data)
    plan: dict = {"clear": [], "cells": []}
    for sheet in mb.SHEETS:
        n = len(sheet.fields)
        if sheet.form:
            plan["clear"].append([sheet.name, mb.FIRST_ROW, mb.FIRST_ROW + n - 1, 1, 1])
            row = rows[sheet.name][0]
            cells = [(mb.FIRST_ROW + i, 1, f, row.get(f, mb.MISSING))
                     for i, f in enumerate(sheet.fields)]
        else:
            plan["clear"].append([sheet.name, mb.FIRST_ROW, mb.FIRST_ROW + 20, 0, n - 1])
            cells = [(mb.FIRST_ROW + r, c, f, row.get(f, mb.MISSING))
                     for r, row in enumerate(rows[sheet.name])
                     for c, f in enumerate(sheet.fields)]
        for r, c, f, raw in cells:
            value = mb.to_cell(f, raw)
            if value is None:
                continue
            if isinstance(value, dt.date):
                plan["cells"].append([sheet.name, r, c, "typed", value.isoformat()])
            elif isinstance(value, int | float):
                plan["cells"].append([sheet.name, r, c, "number", value])
            else:
                plan["cells"].append([sheet.name, r, c, "text", value])
    return plan


def calc_fills(plan: dict, folder: Path) -> tuple[Path, Path]:
    base = folder / "baru.xlsx"
    res = run_cli("master", "baru", "--out", base)
    assert res.exit_code == 0, res.output
    (folder / "rencana.json").write_text(json.dumps(plan), encoding="utf-8")
    done = subprocess.run([SYSTEM_PYTHON, str(UNO_SCRIPT), str(base),
                           str(folder / "rencana.json"), str(folder / "diisi")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return folder / "diisi.xlsx", folder / "diisi.ods"


def test_calc_fills_the_sample_and_both_formats_build_the_yaml_twins_report(tmp_path):
    plan = typing_plan(master_data(paths.SAMPLE_MASTER.read_text(encoding="utf-8")))
    xlsx, ods = calc_fills(plan, tmp_path)
    twin = load_master(paths.SAMPLE_MASTER)
    inputs = tmp_path / "isian"
    assert run_cli("sample", "--out", inputs).exit_code == 0
    built = {}
    for name, config in (("yaml", paths.SAMPLE_MASTER), ("xlsx", xlsx), ("ods", ods)):
        if name != "yaml":
            assert same_master(read_master_workbook(config), twin), name
        out = tmp_path / f"Laporan_{name}.docx"
        res = run_cli("report", "-c", config, "-i", inputs, "--out", out,
                      "--riwayat", tmp_path / f"riwayat_{name}.sqlite")
        assert res.exit_code == 0, res.output
        built[name] = out.read_bytes()
    assert built["xlsx"] == built["yaml"] == built["ods"]


def test_calc_fills_an_example_with_per_year_and_quarterly_targets(tmp_path):
    path = paths.EXAMPLE_MASTERS / "kesbangpol_kota_bengkulu_2022.yaml"
    xlsx, ods = calc_fills(typing_plan(master_data(path.read_text(encoding="utf-8"))),
                           tmp_path)
    for book in (xlsx, ods):
        assert same_master(read_master_workbook(book), load_master(path)), book.name


def test_calc_saves_the_classic_mistakes_each_named_at_its_cell(tmp_path):
    plan = typing_plan(master_data(paths.SAMPLE_MASTER.read_text(encoding="utf-8")))

    def at(sheet: mb.Sheet, path: str, row: int) -> tuple[int, int]:
        return mb.FIRST_ROW + row, sheet.fields.index(sheet.field(path))

    kind = at(mb.INDIKATOR, "sasaran.indikator.jenis", 1)
    target = at(mb.TARGET, "sasaran.indikator.target", 2)
    reporter = at(mb.INDIKATOR, "sasaran.indikator.unit_pelapor", 0)
    plan["cells"] += [
        ["Indikator", *kind, "text", "persen"],  # a kind not in the list
        ["Target", *target, "typed", "95%"],  # typed as a percentage
        ["Indikator", *reporter, "text", "HUKUM"],  # a unit the Unit sheet lacks
    ]
    plan["merge"] = [["IKU", "C4:C5"]]
    plan["rename"] = [["Anggaran", "Anggaran 2021"]]
    xlsx, ods = calc_fills(plan, tmp_path)

    def ref(rc: tuple[int, int]) -> str:
        from pipeline.domain.spec import cell_ref

        return cell_ref(*rc)

    for book in (xlsx, ods):
        with pytest.raises(MasterError) as exc:
            read_master_workbook(book)
        lines = str(exc.value).splitlines()
        assert len(lines) == 5, lines
        wanted = [
            ("IKU!C4", "sel C4:C5 digabung (merge)"),
            (f"Indikator!{ref(reporter)}", "Unit pelapor: indikator S1.1: unit_pelapor HUKUM "
                                           "tidak ada di daftar unit"),
            (f"Indikator!{ref(kind)}", "Jenis: nilai tidak dikenal; pilihan: persentase"),
            (f"Target!{ref(target)}", "Target: angka berformat persen"),
            ("Anggaran", "lembar 'Anggaran' tidak ditemukan (lembar yang tidak dikenal: "
                         "'Anggaran 2021')"),
        ]
        for (where, what), line in zip(sorted(wanted), sorted(
                lines, key=lambda x: x.split(" › ", 1)[1]), strict=True):
            assert line.startswith(f"{book} › {where}: ") and what in line, line
