"""A number typed as a percentage ("75%" in Excel or Calc: 0.75 stored with a percent
format) is a GALAT that says so, by the input's rule: a count is never a percentage, a
value is typed without the % sign (issue 11 §2).

The style is read from the sheet (``s="N"``) → ``xl/styles.xml`` ``cellXfs[N]@numFmtId``
→ a built-in percent format or a custom code with an unquoted ``%`` (``cellscan``); an
.ods cell carries ``office:value-type="percentage"``. Workbooks are made with openpyxl (as
Excel stores them) and, with LibreOffice installed, converted by it to .xlsx and .ods
as a unit's Calc would save them.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest

from pipeline.domain.master import load_master
from pipeline.intake import safety
from pipeline.intake.cellscan import PercentStyles, is_percent_format, scan_cells
from pipeline.office.libreoffice import find_soffice
from pipeline.workbook.sample import fill_workbook, seed_values
from pipeline.workbook.templates import write_all_templates

from conftest import folder_digest, run_cli

ROOT = Path(__file__).resolve().parent.parent
PEKANBARU = ROOT / "input_templates" / "master" / "contoh" / "bappeda_kota_pekanbaru_2020.yaml"
P = "Isian_POLITIK.xlsx"  # rows: S2.1 9, S4.1 10 (x1 in E, x2 in G)
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


# --- the format codes ---------------------------------------------------------------------


@pytest.mark.parametrize(("code", "percent"), [
    ("0%", True), ("0.00%", True), ("#,##0.0%", True), ("0.0%;[Red]-0.0%", True),
    ("[$-421]0,0%", True), ('"%"0%', True),
    ("0", False), ("General", False), ("#,##0.00", False), ('0.0"%"', False),
    ("0\\%", False), ("#,##0_%", False), ("0*%", False), ("[$%-409]0", False), ("", False),
])
def test_percent_format_codes(code, percent):
    assert is_percent_format(code) is percent


def _styles(body: str) -> frozenset[int]:
    reader = PercentStyles()
    xml = f'<?xml version="1.0"?><styleSheet xmlns="{MAIN}">{body}</styleSheet>'.encode()
    for i in range(0, len(xml), 7):  # fed in small chunks, as the gate inflates it
        reader.feed(xml[i:i + 7])
    return reader.result()


def test_percent_styles_from_cell_formats():
    assert _styles(
        '<numFmts count="3"><numFmt numFmtId="164" formatCode="0.0%"/>'
        '<numFmt numFmtId="165" formatCode="0.0&quot;%&quot;"/>'
        '<numFmt numFmtId="166" formatCode="#,##0&#37;"/></numFmts>'
        '<cellStyleXfs count="1"><xf numFmtId="9"/></cellStyleXfs>'
        '<cellXfs count="7"><xf numFmtId="0"/><xf numFmtId="9" applyNumberFormat="1"/>'
        '<xf numFmtId="164"><alignment horizontal="center"/></xf><xf numFmtId="165"/>'
        "<xf numFmtId='10'/><!-- <xf numFmtId=\"9\"/> --><xf numFmtId=\"166\"/><xf/>"
        "</cellXfs>") == {1, 2, 4, 5}


def test_percent_styles_with_a_prefix_and_without_any():
    assert _styles('<x:cellXfs xmlns:x="y"><x:xf numFmtId="0"/><x:xf numFmtId="10"/>'
                   "</x:cellXfs>") == {1}
    assert _styles('<cellXfs><xf numFmtId="0"/><xf numFmtId="3"/></cellXfs>') == frozenset()
    assert _styles("") == frozenset()


def test_percent_cells_are_found_by_their_style():
    sheet = (
        f'<worksheet xmlns="{MAIN}"><sheetData><row r="9">'
        '<c r="E9" s="3"><v>0.75</v></c><c r="F9" s="3"><v>0.5</v></c>'
        '<c r="G9" s="3" t="s"><v>4</v></c></row><row r="10">'
        '<c r="E10" s="2"><v>3</v></c><c r="G10" s="3"/></row><row r="11">'
        '<c r="E11" t="n" s="3"><f>1/4</f><v>0.25</v></c></row></sheetData></worksheet>'
    ).encode()
    facts = scan_cells(sheet, {"E", "G"}, frozenset({3}))
    assert {ref: (f.percent, f.formula) for ref, f in facts.items()} == {
        "E9": (True, False), "E11": (True, True)}
    assert scan_cells(sheet, {"E", "G"}, frozenset()).keys() == {"E11"}


# --- typed in a workbook -------------------------------------------------------------------


def _percent(path: Path, cells: dict[str, tuple[float, str]]) -> None:
    """Type numbers with a number format into the Isian sheet, as Excel stores "75%"."""
    book = openpyxl.load_workbook(path)
    for ref, (value, number_format) in cells.items():
        book["Isian"][ref] = value
        book["Isian"][ref].number_format = number_format
    book.save(path)


COUNT_MESSAGE = (f"GALAT: {P} › Isian!E10: x1 berisi persen '75%' (sel berformat Persen, "
                 "tersimpan sebagai 0,75); x1 dan x2 adalah jumlah (cacah), bukan persen: isi "
                 "jumlahnya, mis. 3 dan 4, dengan format sel Angka (Number)")


def test_percent_in_a_count_cell(fill):
    inputs = fill()
    _percent(inputs / P, {"E10": (0.75, "0%")})
    before = folder_digest(inputs)
    res = run_cli("validate", "-i", inputs)
    assert res.exit_code == 1, res.output
    assert COUNT_MESSAGE in res.stdout, res.stdout
    assert "percent_format" not in res.stdout  # the code is for scripts, not shown
    assert folder_digest(inputs) == before


def test_percent_style_on_text_or_elsewhere_is_not_a_percentage(fill):
    """Only a number in x1/x2 counts: text in a percent-formatted cell is judged as text,
    a percent format on another column (y, capaian) is the template's business."""
    inputs = fill()
    _percent(inputs / P, {"E10": ("75", "0%"), "H10": (0.5, "0%"), "G9": (4, "0")})
    res = run_cli("validate", "-i", inputs)
    assert res.exit_code == 0, res.output
    assert "persen" not in res.stdout


@pytest.fixture(scope="module")
def pekanbaru(tmp_path_factory) -> tuple[Path, Path]:
    """The Pekanbaru example (nilai indicators) with its units' workbooks filled with the
    seed figures: (master, inputs folder)."""
    folder = tmp_path_factory.mktemp("pekanbaru")
    master = load_master(PEKANBARU)
    blanks = folder / "templat"
    write_all_templates(master, blanks)
    inputs = folder / "isian"
    inputs.mkdir()
    for unit in master.reporting_units:
        (blank,) = blanks.glob(f"*_{unit.code}.xlsx")
        fill_workbook(blank, seed_values(master, unit.code), inputs / blank.name)
    return PEKANBARU, inputs


def _value_case(pekanbaru, tmp_path) -> tuple[Path, str]:
    master, seeded = pekanbaru
    inputs = shutil.copytree(seeded, tmp_path / "isian")
    (book,) = inputs.glob("*_EKONOMI.xlsx")
    sheet = openpyxl.load_workbook(book)["Isian"]
    row = next(r for r in range(1, 40) if sheet.cell(r, 2).value == "S1.1")
    _percent(book, {f"E{row}": (0.052, "0.0%")})
    return inputs, (f"GALAT: {book.name} › Isian!E{row}: x1 berisi persen '5,2%' (sel "
                    "berformat Persen, tersimpan sebagai 0,052); ketik angkanya saja tanpa "
                    "tanda %, mis. 5,2, dengan format sel Angka (Number)")


def test_percent_in_a_value_cell(pekanbaru, tmp_path):
    inputs, message = _value_case(pekanbaru, tmp_path)
    res = run_cli("validate", "-c", pekanbaru[0], "-i", inputs)
    assert res.exit_code == 1, res.output
    assert message in res.stdout, res.stdout


def test_the_gate_reads_the_percent_styles(fill):
    inputs = fill()
    _percent(inputs / P, {"E10": (0.75, "0%"), "G10": (0.5, "0.00%")})
    problems, sheets = safety.inspect_workbook(inputs / P)
    assert problems == []
    with zipfile.ZipFile(inputs / P) as z:
        styles = z.read("xl/styles.xml")
    assert b'numFmtId="9"' in styles and b'numFmtId="10"' in styles
    assert len(sheets.percent_styles) == 2


# --- saved by LibreOffice --------------------------------------------------------------------

needs_soffice = pytest.mark.skipif(find_soffice() is None, reason="needs LibreOffice")


def _libreoffice(path: Path, fmt: str, tmp_path: Path) -> Path:
    """``path`` opened and saved by LibreOffice as ``fmt`` (xlsx, ods), in its folder."""
    out = tmp_path / f"lo_{fmt}"
    subprocess.run([find_soffice(), f"-env:UserInstallation={(tmp_path / 'profil').as_uri()}",
                    "--headless", "--convert-to", fmt, "--outdir", str(out), str(path)],
                   check=True, capture_output=True, timeout=180)
    (converted,) = out.glob(f"*.{fmt}")
    path.unlink()
    return shutil.copy(converted, path.with_suffix(f".{fmt}"))


@pytest.mark.libreoffice
@needs_soffice
@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_libreoffice_saved_percent_in_a_count_cell(fmt, fill, tmp_path):
    inputs = fill()
    _percent(inputs / P, {"E10": (0.75, "0%")})
    saved = _libreoffice(inputs / P, fmt, tmp_path)
    if fmt == "xlsx":  # LibreOffice writes its own styles: still the built-in percent
        assert safety.inspect_workbook(saved)[1].percent_styles
    else:
        with zipfile.ZipFile(saved) as z:
            assert b'office:value-type="percentage"' in z.read("content.xml")
    res = run_cli("validate", "-i", inputs)
    assert res.exit_code == 1, res.output
    assert COUNT_MESSAGE.replace(P, saved.name) in res.stdout, res.stdout


@pytest.mark.libreoffice
@needs_soffice
@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_libreoffice_saved_percent_in_a_value_cell(fmt, pekanbaru, tmp_path):
    inputs, message = _value_case(pekanbaru, tmp_path)
    (book,) = inputs.glob("*_EKONOMI.xlsx")
    saved = _libreoffice(book, fmt, tmp_path)
    res = run_cli("validate", "-c", pekanbaru[0], "-i", inputs)
    assert res.exit_code == 1, res.output
    assert message.replace(book.name, saved.name) in res.stdout, res.stdout
