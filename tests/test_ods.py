""".ods submissions: read like .xlsx when LibreOffice saved them, refused when hostile.

The real file is ``tests/fixtures/libreoffice_saved_POLITIK.ods`` (LibreOffice 7.4 made it
from a filled template; see the fixtures README); hostile variants replace its parts. A
test with LibreOffice converts a filled workbook holding a formula, an error and a merged
cell at test time, as a unit's LibreOffice would.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import time
import zipfile
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from pipeline.intake import odf, safety
from pipeline.intake.reader import read_workbook
from pipeline.intake.safety import inspect_file
from pipeline.intake.validate import check_inputs
from pipeline.office.libreoffice import find_soffice

from conftest import folder_digest, run_cli

FIXTURE = Path(__file__).parent / "fixtures" / "libreoffice_saved_POLITIK.ods"
P = "Isian_POLITIK.xlsx"
NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
      'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"')


def ods_with(tmp_path: Path, name: str = "x.ods", replace: dict | None = None,
             add: dict | None = None, drop: tuple = ()) -> Path:
    """The fixture with parts replaced (bytes, or a function of the old bytes), added or
    dropped; ``mimetype`` stays first and stored, as the format wants."""
    replace, add = replace or {}, add or {}
    out = io.BytesIO()
    with zipfile.ZipFile(FIXTURE) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            if info.filename in drop:
                continue
            data = zin.read(info.filename)
            new = replace.get(info.filename, data)
            data = new(data) if callable(new) else new
            method = zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
            zout.writestr(info.filename, data, compress_type=method)
        for part, data in add.items():
            zout.writestr(part, data, compress_type=zipfile.ZIP_DEFLATED)
    path = tmp_path / name
    path.write_bytes(out.getvalue())
    return path


def content(rows: str, name: str = "Isian") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {NS}>'
            f'<office:body><office:spreadsheet><table:table table:name="{name}">{rows}'
            "</table:table></office:spreadsheet></office:body></office:document-content>"
            ).encode()


V = ('<table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p>'
     "</table:table-cell>")
E = "<table:table-cell/>"


def row(cells: str, repeat: int = 1) -> str:
    attr = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-row{attr}>{cells}</table:table-row>"


def cells(n: int, cell: str = V) -> str:
    repeated = f'<table:table-cell table:number-columns-repeated="{n}"'
    return cell.replace("<table:table-cell", repeated, 1)


# --- the real file ---------------------------------------------------------------------


def test_libreoffice_ods_passes_the_gate_quickly():
    start = time.process_time()  # CPU time: other processes' load does not count
    problems, sheets = safety.inspect_workbook(FIXTURE)
    assert problems == []
    assert time.process_time() - start < 2
    assert list(sheets) == [safety.ODS_CONTENT]
    assert b"table:number-rows-repeated" in sheets[safety.ODS_CONTENT]  # the free repeats


def test_ods_reads_like_the_xlsx_it_was_made_from(master, fill, tmp_path):
    values = {"S2.1": (3, 4), "S4.1": (5, 8)}
    as_xlsx = fill({"POLITIK": values}, folder="a")
    as_ods = fill(folder="b")
    (as_ods / P).unlink()
    shutil.copy(FIXTURE, as_ods / "Isian_POLITIK.ods")
    a, b = check_inputs(master, as_xlsx), check_inputs(master, as_ods)
    assert a.ok and b.ok, [p.format() for p in a.problems + b.problems]
    assert b.problems == []
    key = ["unit", "code"]
    assert a.values.sort_values(key).reset_index(drop=True).equals(
        b.values.sort_values(key).reset_index(drop=True))


def test_report_from_an_ods_submission(fill, tmp_path):
    inputs = fill()
    (inputs / P).unlink()
    shutil.copy(FIXTURE, inputs / "kiriman politik.ods")
    before = folder_digest(inputs)
    out = tmp_path / "hasil" / "Laporan.docx"
    res = run_cli("report", "-i", inputs, "--out", out)
    assert res.exit_code == 0, res.output
    assert "0 galat" not in res.stderr  # no problems printed at all
    assert folder_digest(inputs) == before
    import docx

    cells = [c.text for t in docx.Document(str(out)).tables for r in t.rows for c in r.cells]
    assert "62,5%" in cells  # S4.1 = 5 / 8 from the .ods


def test_ods_renamed_xlsx_is_read_by_content(master, fill):
    inputs = fill()
    shutil.copy(FIXTURE, inputs / P)  # an .ods under the .xlsx name
    checked = check_inputs(master, inputs)
    assert checked.ok, [p.format() for p in checked.problems]


# --- the walk agrees with calamine -------------------------------------------------------


WALK_CASES = {
    "plain": row(V + V) + row(V),
    "trailing_empty_cells_and_rows": row(V + cells(16000, E)) + row(E, 1_000_000),
    "row_repeated_with_content": row(V, 50) + row(V),
    "empty_rows_between": row(V) + row(E, 30) + row(V),
    "columns_repeated_with_content": row(cells(40)),
    "empty_then_value": row(cells(30, E) + V),
    "covered_cells": row('<table:table-cell table:number-columns-spanned="3" '
                         'office:value-type="string"><text:p>a</text:p></table:table-cell>'
                         '<table:covered-table-cell office:value-type="float" office:value="9"/>'
                         + cells(2, "<table:covered-table-cell/>")),
    "header_rows": "<table:table-header-rows>" + row(V) + "</table:table-header-rows>" + row(V),
    "empty_string_cell": row('<table:table-cell office:value-type="string"/>' + E + V),
}


@pytest.mark.parametrize("case", sorted(WALK_CASES))
def test_measured_extent_is_never_smaller_than_calamines(case, tmp_path):
    body = content(WALK_CASES[case])
    path = ods_with(tmp_path, replace={"content.xml": body})
    book = CalamineWorkbook.from_path(str(path))
    grid = book.get_sheet_by_name("Isian").to_python(skip_empty_area=False)
    height = len(grid)
    width = max((len(r) for r in grid), default=0)
    (table,) = [t for t in odf._walk(body, 10**6) if isinstance(t, odf.Table)]
    assert table.max_row >= height and table.max_col >= width, (height, width, table)
    assert table.max_row <= height + 1 and table.max_col <= width + 1  # and not wildly more


# --- hostile and broken .ods files --------------------------------------------------------


def _noise(n: int, seed: int = 0) -> str:
    """``n`` hex digits that do not compress much (a zip bomb check must not fire first)."""
    import random

    return random.Random(seed + n).randbytes((n + 1) // 2).hex()[:n]


def _chunks(text: str, size: int, per_row: int) -> list[list[str]]:
    names = [text[i:i + size] for i in range(0, len(text), size)]
    return [names[i:i + per_row] for i in range(0, len(names), per_row)]


def _doctype(data: bytes) -> bytes:
    head, _, rest = data.partition(b"?>")
    return head + b'?><!DOCTYPE x [<!ENTITY a "aaaa">]>' + rest


HOSTILE = {
    "rows_repeated": ({"content.xml": content(row(V, 1_000_000))}, "sheet_too_big",
                      "sampai baris 1.000.000 (batas 10.000 baris)"),
    "columns_repeated": ({"content.xml": content(row(cells(100_000)))}, "sheet_too_big",
                         "kolom ke-100.000, batas 200 kolom"),
    "far_cell": ({"content.xml": content(row(cells(16_384, E) + V))}, "sheet_too_big",
                 "sampai kolom XFE"),
    "far_row_after_empty_rows": ({"content.xml": content(row(V) + row(E, 2_000_000) + row(V))},
                                 "sheet_too_big", "sampai baris 2.000.002"),
    "too_many_cells": ({"content.xml": content("".join(
        row("".join(f'<table:table-cell table:style-name="c{name}"/>' for name in names))
        for names in _chunks(_noise(105_000 * 6), 6, 50)))},
        "sheet_too_big", "berisi 105.000 sel (batas 100.000)"),
    "doctype_in_content": ({"content.xml": _doctype}, "xml_doctype", "content.xml"),
    "doctype_in_styles": ({"styles.xml": _doctype}, "xml_doctype", "styles.xml"),
    "malformed_content": ({"content.xml": b"<office:document-content><a></b>"}, "xml_invalid",
                          "content.xml) di dalam berkas .ods rusak"),
    "encrypted": ({"META-INF/manifest.xml": lambda d: d.replace(
        b"</manifest:manifest>", b"<manifest:encryption-data/></manifest:manifest>", 1)},
                  "encrypted", "berkas .ods dilindungi kata sandi"),
    "macro_call": ({"content.xml": lambda d: d.replace(
        b"</office:document-content>",
        b'<x xlink:href="vnd.sun.star.script:Standard.Module1.Main"/></office:document-content>',
        1)}, "macro", "berisi makro"),
    "content_too_large": ({"content.xml": content(row(V) + f"<!-- {_noise(6 << 20)} -->")},
                          "sheet_too_big", "content.xml) berukuran"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_ods_is_refused(case, tmp_path):
    replace, code, fragment = HOSTILE[case]
    path = ods_with(tmp_path, replace=replace)
    before = path.read_bytes()
    start = time.process_time()  # CPU time: other processes' load does not count
    problems = inspect_file(path)
    assert time.process_time() - start < 2
    assert [p.code for p in problems] == [code], problems
    assert fragment in problems[0].message, problems[0].message
    assert path.read_bytes() == before


def test_ods_with_basic_macros_is_refused(tmp_path):
    path = ods_with(tmp_path, add={"Basic/Standard/Module1.xml": "<module/>"})
    assert [p.code for p in inspect_file(path)] == ["macro"]


def test_ods_without_content_is_refused(tmp_path):
    path = ods_with(tmp_path, drop=("content.xml",))
    assert [p.code for p in inspect_file(path)] == ["corrupt_zip"]


def test_ods_that_also_claims_to_be_xlsx_is_refused(tmp_path):
    path = ods_with(tmp_path, add={"xl/workbook.xml": "<workbook/>",
                                   "[Content_Types].xml": "<Types/>"})
    problems = inspect_file(path)
    assert [p.code for p in problems] == ["zip_not_workbook"]
    assert "sekaligus mengaku sebagai OpenDocument (.ods) dan Excel" in problems[0].message


def test_a_hostile_ods_in_the_inputs_never_reaches_calamine(fill, tmp_path, monkeypatch):
    import pipeline.intake.reader

    def forbidden(*args, **kwargs):
        raise AssertionError("calamine opened a refused file")

    inputs = fill()
    ods_with(inputs, "bom.ods", replace={"content.xml": content(row(V, 1_000_000))})
    monkeypatch.setattr(pipeline.intake.reader.CalamineWorkbook, "from_filelike", forbidden)
    sub, problems = read_workbook(inputs / "bom.ods")
    assert sub is None and [p.code for p in problems] == ["sheet_too_big"]


# --- a unit's LibreOffice, at test time ----------------------------------------------------


@pytest.mark.libreoffice
@pytest.mark.skipif(find_soffice() is None, reason="needs LibreOffice (soffice)")
def test_libreoffice_ods_with_formula_error_and_hidden_value(fill, tmp_path):
    """A workbook with a formula in x1, an error in x2 and x2 hidden under a merged cell,
    saved by LibreOffice as .ods: each problem is found in the .ods as in the .xlsx."""
    import openpyxl

    inputs = fill()
    book = openpyxl.load_workbook(inputs / P)
    book["Isian"]["E9"] = "=2+3"
    book["Isian"]["G9"] = "#DIV/0!"
    book.save(inputs / P)
    with zipfile.ZipFile(inputs / P) as z:
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
    parts["xl/worksheets/sheet1.xml"] = re.sub(
        rb'<mergeCells count="(\d+)">', rb'<mergeCells count="3"><mergeCell ref="F10:G10"/>',
        parts["xl/worksheets/sheet1.xml"])
    with zipfile.ZipFile(inputs / P, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    converted = tmp_path / "lo"
    subprocess.run([find_soffice(), f"-env:UserInstallation={(tmp_path / 'profil').as_uri()}",
                    "--headless", "--convert-to", "ods", "--outdir", str(converted),
                    str(inputs / P)], check=True, capture_output=True, timeout=180)
    (inputs / P).unlink()
    shutil.copy(converted / "Isian_POLITIK.ods", inputs)
    before = folder_digest(inputs)
    res = run_cli("validate", "-i", inputs)
    assert res.exit_code == 1, res.output
    for line in (
        "GALAT: Isian_POLITIK.ods › Isian!E9: x1 berisi rumus, bukan angka",
        "GALAT: Isian_POLITIK.ods › Isian!G9: x2 berisi galat Excel #DIV/0!",
        "GALAT: Isian_POLITIK.ods › Isian!G10: x2 di G10 tertutup sel gabungan F10:G10: yang "
        "terlihat hanya isi F10 ('Target pembinaan politik'), sedangkan nilai x2 '1' "
        "tersembunyi di G10",
    ):
        assert line in res.stdout, res.stdout
    assert folder_digest(inputs) == before
