"""Page breaks as LibreOffice lays the report out: the signature block stays on the page of
the last table's last row, never alone on a page (issue 13 §2). Checked on the sample and
on every example master under input_templates/master/contoh/."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree

from pipeline import paths
from pipeline.domain.master import load_master
from pipeline.word.pagination import add_page_hints

from conftest import run_cli

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NEEDS_LO = pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftotext")),
    reason="LibreOffice (soffice) and poppler (pdftotext) not installed")
MASTERS = [paths.SAMPLE_MASTER, *sorted(paths.EXAMPLE_MASTERS.glob(
    "*.yaml"))]


def _pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    return [" ".join(page.split()) for page in text.split("\f")]


def _words(text: str, n: int = 3) -> str:
    return " ".join(text.split()[:n])


@pytest.mark.libreoffice
@NEEDS_LO
@pytest.mark.parametrize("master_path", MASTERS, ids=lambda p: p.stem)
def test_signature_shares_the_page_of_the_last_table_row(master_path, tmp_path):
    master = load_master(master_path)
    inputs, docx = tmp_path / "isian", tmp_path / "laporan.docx"
    if master_path != paths.SAMPLE_MASTER:
        assert run_cli("sample", "-c", master_path, "--out", inputs).exit_code == 0
        args = ["-c", master_path, "-i", inputs]
    else:
        args = []
    res = run_cli("report", *args, "--draft", "--out", docx)
    assert res.exit_code == 0, res.output
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                    "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx)],
                   check=True, capture_output=True, timeout=180)
    pages = _pages(tmp_path / "laporan.pdf")
    place = master.agency.report_place
    (signed,) = [i for i, page in enumerate(pages) if f"{place}, " in page]
    last = master.indicators[-1]
    row_text = _words(last.renstra_title, 2)
    assert row_text in pages[signed], (
        f"page {signed + 1} holds the signature but not the last row ({row_text!r})")


def test_page_hints_hold_the_ending_together():
    body = etree.fromstring(
        f'<w:body xmlns:w="{W}"><w:tbl><w:tr><w:trPr><w:tblHeader/></w:trPr><w:tc><w:p/></w:tc>'
        "</w:tr><w:tr><w:tc><w:p/></w:tc></w:tr><w:tr><w:tc><w:p/></w:tc></w:tr>"
        "<w:tr><w:tc><w:p/></w:tc></w:tr><w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl><w:p/>"
        "<w:tbl><w:tblPr/><w:tblGrid><w:gridCol w:w='100'/><w:gridCol w:w='200'/></w:tblGrid>"
        "<w:tr><w:tc><w:tcPr><w:vMerge w:val='restart'/></w:tcPr><w:p><w:r><w:t>S1</w:t></w:r>"
        "</w:p></w:tc><w:tc><w:p><w:r><w:t>a</w:t></w:r></w:p></w:tc></w:tr>"
        "<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc><w:tc><w:p><w:r><w:t>b</w:t>"
        "</w:r></w:p></w:tc></w:tr></w:tbl>"
        "<w:p><w:pPr><w:pStyle w:val='x'/></w:pPr><w:r><w:t>Catatan</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>Tanda tangan</w:t></w:r></w:p><w:sectPr/></w:body>")
    add_page_hints(body)
    ns = {"w": W}

    def kept(p) -> bool:
        return p.find("w:pPr/w:keepNext", ns) is not None

    first, last, ending = body.findall("w:tbl", ns)
    rows = first.findall("w:tr", ns)
    # header + first data row + the row before the last; not the second or last row
    assert [kept(r.find(".//w:p", ns)) for r in rows] == [True, True, False, True, False]
    assert not kept(body.findall("w:p", ns)[0])  # between the tables: left alone
    # the last table keeps its first row; its last row moved, standalone, into the ending
    assert len(last.findall("w:tr", ns)) == 1
    separator = last.getnext()
    assert separator.tag == f"{{{W}}}p" and kept(separator) and ending.getprevious() is separator
    moved, closing = ending.findall("w:tr", ns)
    assert "".join(moved.itertext()) == "S1b"  # the merged sasaran cell got its text back
    assert moved.find(".//w:vMerge", ns) is None
    assert "".join(closing.itertext()) == "CatatanTanda tangan"
    assert closing.find("w:tc/w:tcPr/w:gridSpan", ns).get(f"{{{W}}}val") == "2"
    assert all(kept(p) for p in ending.iter(f"{{{W}}}p"))
    assert [c.tag.split("}")[1] for c in body][-1] == "sectPr"  # the section stays last
    assert ending.find("w:tblPr/w:tblCaption", ns) is not None
