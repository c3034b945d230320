"""Layout of the Word report read back from its XML: A4, landscape sections for the wide
tables, repeated header rows, rows that do not split, tables within the text width, real
headings for Word's navigation pane, page numbers."""

from __future__ import annotations

import zipfile

import pytest
from lxml import etree

from conftest import logical_tables, run_cli

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
A4_TWIPS = (11906, 16838)  # 210 x 297 mm


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("layout") / "laporan.docx"
    assert run_cli("report", "--out", out).exit_code == 0
    with zipfile.ZipFile(out) as z:
        return {name: z.read(name) for name in z.namelist()}


def _w(attr):
    return f"{{{W}}}{attr}"


def sections(body):
    """[(section properties, [tables in it])] in document order."""
    result, tables = [], []
    for el in body:
        if el.tag == _w("tbl"):
            tables.append(el)
        sect = el.find("w:pPr/w:sectPr", NS) if el.tag == _w("p") else None
        if el.tag == _w("sectPr"):
            sect = el
        if sect is not None:
            result.append((sect, tables))
            tables = []
    return result


def page(sect):
    size, mar = sect.find("w:pgSz", NS), sect.find("w:pgMar", NS)
    w, h = int(size.get(_w("w"))), int(size.get(_w("h")))
    text_width = w - int(mar.get(_w("left"))) - int(mar.get(_w("right")))
    return w, h, size.get(_w("orient")), text_width


def test_a4_with_landscape_sections_for_the_wide_tables(report):
    body = etree.fromstring(report["word/document.xml"]).find("w:body", NS)
    secs = sections(body)
    kinds = []
    for sect, tables in secs:
        w, h, orient, _ = page(sect)
        assert sorted((w, h)) == sorted(A4_TWIPS)
        kinds.append(("landscape" if w > h else "portrait", len(tables)))
        assert (orient == "landscape") == (w > h)
    landscape_tables = sum(n for kind, n in kinds if kind == "landscape")
    # the RPJMD and Sasaran Renstra tables (the notes and the signature are the Renstra
    # table's closing row: pipeline/word/pagination.py)
    assert landscape_tables == 2, kinds
    assert kinds[0][0] == "portrait"


def test_every_table_fits_its_page_width(report):
    body = etree.fromstring(report["word/document.xml"]).find("w:body", NS)
    for sect, tables in sections(body):
        *_, text_width = page(sect)
        for tbl in tables:
            grid = sum(int(c.get(_w("w"))) for c in tbl.findall("w:tblGrid/w:gridCol", NS))
            assert grid <= text_width + 5, (grid, text_width)


def test_header_rows_repeat_and_rows_do_not_split(report):
    body = etree.fromstring(report["word/document.xml"]).find("w:body", NS)
    tables = logical_tables(body)  # without the Renstra table's closing row
    assert len(tables) == 8
    for tbl in tables:
        rows = tbl.findall("w:tr", NS)
        assert rows[0].find("w:trPr/w:tblHeader", NS) is not None
        for tr in rows:
            assert tr.find("w:trPr/w:cantSplit", NS) is not None


def test_headings_for_the_navigation_pane(report):
    doc = etree.fromstring(report["word/document.xml"])
    styles = etree.fromstring(report["word/styles.xml"])
    names = {s.get(_w("styleId")): s.find("w:name", NS).get(_w("val"))
             for s in styles.findall("w:style", NS)}
    heads = {"heading 1": [], "heading 2": []}
    for p in doc.iter(_w("p")):
        style = p.find("w:pPr/w:pStyle", NS)
        name = names.get(style.get(_w("val"))) if style is not None else None
        if name in heads:
            heads[name].append("".join(t.text or "" for t in p.iter(_w("t"))))
    assert [h.upper() for h in heads["heading 1"]] == [
        "INDIKATOR KINERJA UTAMA (IKU) TAHUN 2021",
        "CAPAIAN INDIKATOR KINERJA UTAMA (IKU) TAHUN 2021"]
    orgs = ["Badan Kesatuan Bangsa dan Politik Kota Jambi",
            "Sekretariat Badan Kesatuan Bangsa dan Politik Kota Jambi",
            "Bidang Politik dan Kewaspadaan Daerah",
            "Bidang Bina Ideologi dan Wawasan Kebangsaan",
            "Bidang Ketahanan Seni Budaya, Agama, Kemasyarakatan dan Ekonomi"]
    assert len(heads["heading 2"]) == 6  # five in Part I, the agency again in Part II
    for org, heading in zip(orgs, heads["heading 2"], strict=False):
        assert org in heading, heading


def test_organisations_follow_one_another(report):
    """Part I lists the agency and its units one after another, as the 2021 original
    does (issue 21: each began a page of its own, most of it blank): no paragraph starts
    a page by itself, only the parts' Heading 1 style does."""
    doc = etree.fromstring(report["word/document.xml"])
    assert doc.findall(".//w:pPr/w:pageBreakBefore", NS) == []
    assert doc.findall(".//w:br[@w:type='page']", NS) == []
    styles = etree.fromstring(report["word/styles.xml"])
    breaking = [s.find("w:name", NS).get(_w("val")) for s in styles.findall("w:style", NS)
                if s.find("w:pPr/w:pageBreakBefore", NS) is not None]
    assert breaking == ["heading 1"]
    heading2 = [s for s in styles.findall("w:style", NS)
                if s.find("w:name", NS).get(_w("val")) == "heading 2"]
    assert heading2[0].find("w:pPr/w:keepNext", NS) is not None  # never ends a page


def test_page_numbers_in_the_footer(report):
    footers = [v for k, v in report.items() if k.startswith("word/footer")]
    assert footers and any(b"PAGE" in f for f in footers)


def test_committed_template_is_the_builders_output():
    """input_templates/laporan_iku.docx is generated by dev/word_template.py; a change
    to one without the other fails here (regenerate: python -m dev.word_template)."""
    from dev.word_template import build_template
    from pipeline.paths import WORD_TEMPLATE

    assert build_template() == build_template()  # deterministic
    assert WORD_TEMPLATE.read_bytes() == build_template(), (
        "regenerate with `python -m dev.word_template`")
