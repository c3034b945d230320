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
from pipeline.word.pagination import StyleMetrics, add_page_hints

from conftest import run_cli

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
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
    place = master.agency.report_place or "\u2026" * 5  # the marked blank when left out
    (signed,) = [i for i, page in enumerate(pages) if f"{place}, " in page]
    last = master.indicators[-1]
    row_text = _words(last.renstra_title, 2)
    assert row_text in pages[signed], (
        f"page {signed + 1} holds the signature but not the last row ({row_text!r})")


def _kept(p) -> bool:
    return p.find("w:pPr/w:keepNext", NS) is not None


def _row(*cells: str, merge: str | None = None, header: bool = False) -> str:
    """A table row; ``merge``: the first cell's w:vMerge value ("restart" / "continue")."""
    tr = "<w:tr>" + ("<w:trPr><w:tblHeader/></w:trPr>" if header else "")
    for i, text in enumerate(cells):
        props = ""
        if i == 0 and merge:
            props = f"<w:tcPr><w:vMerge w:val='{merge}'/></w:tcPr>"
        run = f"<w:r><w:t>{text}</w:t></w:r>" if text else ""
        tr += f"<w:tc>{props}<w:p>{run}</w:p></w:tc>"
    return tr + "</w:tr>"


def _table(*rows: str, widths=(600, 1200)) -> str:
    grid = "".join(f"<w:gridCol w:w='{w}'/>" for w in widths)
    return f"<w:tbl><w:tblPr/><w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"


def _body(*parts: str) -> etree._Element:
    return etree.fromstring(f'<w:body xmlns:w="{W}">{"".join(parts)}<w:sectPr/></w:body>')


def test_the_ending_stays_in_the_last_table_under_its_header():
    """The notes and the signature move into a borderless closing row of the last table
    (one table: its header repeats above them on a new page); the last data row keeps with
    it, and the row before that too when the last one sums the table up. Until issue 21
    the last row moved into a second table without a header."""
    average = ("<w:tr><w:tc><w:tcPr><w:gridSpan w:val='2'/></w:tcPr><w:p><w:r>"
               "<w:t>RATA-RATA</w:t></w:r></w:p></w:tc></w:tr>")
    body = _body(
        _table(_row("NO", "X", header=True), _row("1", "a"), _row("2", "b"), _row("3", "c"),
               _row("4", "d")),
        "<w:p/>",
        _table(_row("NO", "SASARAN", header=True), _row("S1", "a", merge="restart"),
               _row("", "b", merge="continue"), _row("S2", "c"), average),
        "<w:p><w:pPr><w:pStyle w:val='x'/></w:pPr><w:r><w:t>Catatan</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>Tanda tangan</w:t></w:r></w:p>")
    add_page_hints(body)
    first, last = body.findall("w:tbl", NS)  # no table added
    rows = first.findall("w:tr", NS)
    # header + first data row + the row before the last; not the second or last row
    assert [_kept(r.find(".//w:p", NS)) for r in rows] == [True, True, False, True, False]
    header, s1a, s1b, s2, avg, closing = last.findall("w:tr", NS)
    assert header.find("w:trPr/w:tblHeader", NS) is not None  # still the table's first row
    assert "".join(closing.itertext()) == "CatatanTanda tangan"
    assert closing.find("w:trPr/w:cantSplit", NS) is not None
    assert closing.find("w:tc/w:tcPr/w:gridSpan", NS).get(f"{{{W}}}val") == "2"
    assert closing.find("w:tc/w:tcPr/w:tcBorders/w:top", NS).get(f"{{{W}}}val") == "nil"
    # the sasaran's rows keep together; the average with the closing row, the last
    # indicator with the average
    assert [all(_kept(p) for p in tr.iter(f"{{{W}}}p")) for tr in (s1a, s1b, s2, avg)] \
        == [True, False, True, True]
    assert [el.tag.split("}")[1] for el in body] == ["tbl", "p", "tbl", "sectPr"]


def test_without_a_sum_only_the_last_row_keeps_with_the_signature():
    body = _body(_table(_row("NO", "X", header=True), _row("1", "a"), _row("2", "b"),
                        _row("3", "c")),
                 "<w:p><w:r><w:t>Tanda tangan</w:t></w:r></w:p>")
    add_page_hints(body)
    header, r1, r2, r3, closing = body.find("w:tbl", NS).findall("w:tr", NS)
    assert [_kept(tr.find(".//w:p", NS)) for tr in (r1, r2, r3)] == [True, False, True]


def test_rows_joined_by_a_merge_keep_together():
    """Word, unlike LibreOffice, splits the rows of a vertical merge across pages unless
    they keep with the next row."""
    body = _body(_table(_row("NO", "X", header=True), _row("S1", "a", merge="restart"),
                        _row("", "b", merge="continue"), _row("", "c", merge="continue"),
                        _row("S2", "d"), _row("S3", "e"), _row("S4", "f")))
    add_page_hints(body, hold_ending=False)
    rows = body.find("w:tbl", NS).findall("w:tr", NS)
    assert [_kept(r.find(".//w:p", NS)) for r in rows] == [True, True, True, False, False,
                                                          True, False]
    assert body.find(".//w:vMerge[@w:val='restart']", NS) is not None
    assert len(body.findall(".//w:vMerge[@w:val='restart']", NS)) == 1  # not cut


def test_a_merge_too_tall_for_a_page_is_cut_and_shows_its_text_again():
    """A sasaran whose indicators cannot fit on one page is cut into pieces that each fit,
    every piece starting with the No and Sasaran again, so the page its indicators
    continue on does not show them empty (issue 21)."""
    tall = "kata " * 400  # about 40 lines in a 1.2 cm wide cell: a third of a page
    rows = [_row("S1", tall, merge="restart")] + [_row("", tall, merge="continue")
                                                  for _ in range(5)]
    body = _body(_table(_row("NO", "X", header=True), *rows, _row("S2", "y"), _row("S3", "z")))
    add_page_hints(body, hold_ending=False)
    data = body.find("w:tbl", NS).findall("w:tr", NS)[1:7]
    first_cells = [tr.find("w:tc", NS) for tr in data]
    texts = ["".join(tc.itertext()) for tc in first_cells]
    restarts = [tc.find("w:tcPr/w:vMerge", NS) is None
                or tc.find("w:tcPr/w:vMerge", NS).get(f"{{{W}}}val") == "restart"
                for tc in first_cells]
    assert restarts[0] and sum(restarts) >= 3, restarts  # six rows of a third: 3+ pieces
    assert all(text == "S1" for text, r in zip(texts, restarts, strict=True) if r)
    assert all(text == "" for text, r in zip(texts, restarts, strict=True) if not r)
    for k, tr in enumerate(data):  # each piece keeps together, pieces may part
        last_of_piece = k + 1 == len(data) or restarts[k + 1]
        assert _kept(tr.find(".//w:p", NS)) == (not last_of_piece or k == 0), k


def test_the_height_estimate_follows_the_styles():
    styles = etree.fromstring(
        f'<w:styles xmlns:w="{W}"><w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val="20"/>'
        "</w:rPr></w:rPrDefault></w:docDefaults>"
        "<w:style w:type='paragraph' w:styleId='Big'><w:basedOn w:val='Base'/></w:style>"
        "<w:style w:type='paragraph' w:styleId='Base'><w:pPr><w:spacing w:after='200'/>"
        "</w:pPr><w:rPr><w:sz w:val='40'/></w:rPr></w:style></w:styles>")
    metrics = StyleMetrics(styles)
    plain = etree.fromstring(f'<w:p xmlns:w="{W}"/>')
    big = etree.fromstring(f"<w:p xmlns:w='{W}'><w:pPr><w:pStyle w:val='Big'/></w:pPr></w:p>")
    assert metrics.of(plain).size == 10 and metrics.of(big).size == 20  # through basedOn
    assert metrics.of(big).after == 10
    assert metrics.of(big).line == 2 * metrics.of(plain).line


def test_a_paragraph_in_a_text_box_counts_for_the_paragraph_around_it():
    """The estimate reads each paragraph's text length in one walk of the table; a
    paragraph inside another (a text box in a run) counts for both, and a w:t reached
    through a hyperlink for its paragraph: the same as reading every ancestor (issue 25
    reads the usual w:p/w:r/w:t by its grandparent, and every ancestor otherwise)."""
    from pipeline.word.pagination import _Facts

    inner = "<w:p><w:r><w:t>dalam</w:t></w:r></w:p>"
    box = (f"<w:r><w:pict><w:txbxContent>{inner}</w:txbxContent></w:pict></w:r>")
    cell = (f"<w:tc><w:p><w:r><w:t>luar</w:t></w:r>{box}"
            "<w:hyperlink><w:r><w:t>tautan</w:t></w:r></w:hyperlink></w:p></w:tc>")
    tbl = _body(f"<w:tbl><w:tblGrid><w:gridCol w:w='900'/></w:tblGrid><w:tr>{cell}</w:tr>"
                "</w:tbl>").find("w:tbl", NS)
    outer, nested = tbl.iter(f"{{{W}}}p")
    lengths = _Facts(tbl).lengths
    assert lengths[nested] == len("dalam")
    assert lengths[outer] == len("luar") + len("dalam") + len("tautan")
    flat = _body(_table(_row("a", "bc"))).find("w:tbl", NS)  # no nesting: the fast path
    assert sorted(_Facts(flat).lengths.values()) == [1, 2]


def test_merge_groups_read_from_the_table_match_reading_each_cell():
    """The rows joined to the row above are found by one query per table (issue 25); the
    same rows as asking each cell, a restart and a cell without a value included."""
    from pipeline.word.pagination import _joined_rows, _merge_groups

    no_value = "<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc><w:tc><w:p/></w:tc></w:tr>"
    tbl = _body(_table(_row("S1", "a", merge="restart"), _row("", "b", merge="continue"),
                       no_value, _row("S2", "c", merge="restart"), _row("S3", "d"))
                ).find("w:tbl", NS)
    rows = tbl.findall("w:tr", NS)
    assert _joined_rows(tbl) == set(rows[1:3])
    assert _merge_groups(rows, _joined_rows(tbl)) == _merge_groups(rows) \
        == [rows[:3], [rows[3]], [rows[4]]]


def test_a_marker_in_a_text_with_a_child_element_is_found():
    """The markers are found by walking the w:t elements (issue 25); a w:t holding an
    element (never written by Word, but XML allows it) is read as XPath reads it."""
    from pipeline.word.columns import DROP_COLUMN, MERGE_UP, Marked

    body = _body(_table(_row(MERGE_UP, "x")),
                 f"<w:p><w:r><w:t>a<w:x/>{DROP_COLUMN}</w:t></w:r></w:p>")
    found = Marked(body, (DROP_COLUMN, MERGE_UP))
    assert [t.text for t in found.texts] == [MERGE_UP, "a"]
    assert len(found.cells(MERGE_UP)) == 1
