"""Every Word document iku writes keeps the schema's element order (issue 21).

Word refuses, or offers to "repair", a document whose property elements hold their
children out of the ISO/IEC 29500 order (``w:tcW`` after ``w:shd`` in a ``w:tcPr``);
LibreOffice forgives it, so nothing else in the suite would notice. ``pipeline.word.strict``
checks the order; here every document family is built through the real CLI and checked:
each family of ``families.FAMILIES`` (so a new family is checked as soon as it is
registered), the yearly report of every example master with its LKjIP chapter, the
Perjanjian Kinerja of every master and a PK Perubahan, the
four quarters and the year rolled up from them, a yearly report with the history appendix
and a DRAFT one, an LKjIP chapter with the earlier years' chart, budget and standard. Then
the checker itself: it must fail on a misordered document, or the tests above prove
nothing.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree

from pipeline import paths
from pipeline.domain.master import load_master
from pipeline.families import FAMILIES
from pipeline.word.strict import (
    TC_PR,
    clark,
    in_order_xml,
    insert_in_order,
    order_problems,
    positions_of,
    sequence_for,
    sort_children,
)
from pipeline.workbook.sample import write_sample_inputs

from conftest import run_cli

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DECLARE = f'xmlns:w="{W}"'


def cli(*args) -> None:
    result = run_cli(*args)
    assert result.exit_code == 0, result.output


def problems_of(path: Path) -> list[str]:
    return order_problems(Path(path).read_bytes())


# --- every document family ----------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(FAMILIES))
def test_every_registered_family_and_its_template_keep_words_order(kind, tmp_path,
                                                                    monkeypatch):
    """The bundled template of each family, and the bundled sample rendered with it (the
    renderer `iku templat periksa` uses: a family registered later is checked here too)."""
    monkeypatch.setenv("IKU_RIWAYAT", str(tmp_path / "riwayat.sqlite"))
    spec = FAMILIES[kind]
    assert problems_of(spec.template) == []
    out = spec.sample(spec.template, tmp_path / f"{kind}.docx")
    assert problems_of(out) == []


@pytest.mark.parametrize("index", range(4), ids=lambda i: f"contoh{i}")
def test_every_example_master_report_and_chapter(index, tmp_path, monkeypatch):
    """Rasio, jumlah, growth, predikat, ya/tidak, ranges, NA, extra columns, both negative
    rules: the yearly report and the LKjIP chapter of each example master."""
    from test_examples import EXAMPLES, EXAMPLES_DIR, fill, templates

    monkeypatch.setenv("IKU_DEBUG", "1")
    example = EXAMPLES[index]
    master = EXAMPLES_DIR / example.file
    inputs = tmp_path / "isian"
    fill(example, templates(example, tmp_path), inputs)
    history = tmp_path / "riwayat.sqlite"
    report, chapter = tmp_path / "laporan.docx", tmp_path / "bab3.docx"
    cli("report", "-c", master, "-i", inputs, "--riwayat", history, "--out", report)
    cli("lkjip", "-c", master, "-i", inputs, "--riwayat", history, "--out", chapter)
    assert problems_of(report) == []
    assert problems_of(chapter) == []


@pytest.mark.parametrize("master", [paths.SAMPLE_MASTER, *sorted(
    (paths.INPUT_TEMPLATES / "master" / "contoh").glob("*.yaml"))], ids=lambda p: p.stem)
def test_every_masters_perjanjian_kinerja(master, tmp_path):
    """The PK (merged sasaran cells, dropped Keterangan column, the signature tables) of
    the sample and of every example master."""
    out = tmp_path / "pk.docx"
    cli("pk", "-c", master, "--out", out, "--riwayat", tmp_path / "riwayat.sqlite")
    assert problems_of(out) == []


def test_a_pk_perubahan(tmp_path):
    """The Keterangan column kept, changed rows marked, the notes."""
    master = paths.INPUT_TEMPLATES / "master" / "contoh" / "kesbangpol_kota_bengkulu_2022.yaml"
    history = tmp_path / "riwayat.sqlite"
    cli("pk", "-c", master, "--out", tmp_path / "pk.docx", "--riwayat", history)
    changed = tmp_path / "master.yaml"
    changed.write_text(master.read_text(encoding="utf-8").replace(
        "        target: 20\n", "        target: 25\n"), encoding="utf-8")
    out = tmp_path / "pk_perubahan.docx"
    cli("pk", "-c", changed, "--out", out, "--riwayat", history, "--perubahan")
    assert problems_of(out) == []


def test_four_quarters_and_the_year_from_them(tmp_path):
    """TW I–IV (status cells shaded by docxtpl's {% cellbg %}, Kendala and Tindak lanjut
    lists, the quarter's own column from TW II) and `--dari-triwulan`."""
    from test_quarters_cli import MASTER_TEXT, draw, quarter_inputs

    master = tmp_path / "master.yaml"
    master.write_text(MASTER_TEXT, encoding="utf-8")
    history = tmp_path / "riwayat.sqlite"
    figures = draw(11)
    for n in (1, 2, 3, 4):
        inputs = quarter_inputs(tmp_path, master, n, figures[n], history)
        out = tmp_path / f"tw{n}.docx"
        cli("report", "-c", master, "--triwulan", n, "-i", inputs, "--riwayat", history,
            "--out", out)
        assert problems_of(out) == [], n
    year = tmp_path / "tahun.docx"
    cli("report", "-c", master, "--dari-triwulan", "--riwayat", history, "--out", year)
    assert problems_of(year) == []


@pytest.fixture(scope="module")
def second_year(tmp_path_factory):
    """2021 (the sample) recorded, then 2022 from `iku tahun-baru` with the history
    appendix asked for, its sample workbooks, its report recorded."""
    tmp = tmp_path_factory.mktemp("strict")
    history = tmp / "riwayat.sqlite"
    cli("report", "--riwayat", history, "--out", tmp / "laporan_2021.docx")
    master = tmp / "master_2022.yaml"
    cli("tahun-baru", "-c", paths.SAMPLE_MASTER, "--out", master)
    with master.open("a", encoding="utf-8") as f:
        f.write("  bagian_riwayat: true\n")  # pengaturan is the master's last section
    inputs = tmp / "isian_2022"
    write_sample_inputs(load_master(master), inputs)
    report = tmp / "laporan_2022.docx"
    cli("report", "-c", master, "-i", inputs, "--riwayat", history, "--out", report)
    return {"tmp": tmp, "history": history, "master": master, "inputs": inputs,
            "report": report}


def test_a_report_with_the_history_appendix(second_year):
    with zipfile.ZipFile(second_year["report"]) as zf:
        assert any(n.startswith("word/media/") for n in zf.namelist())  # the chart
    assert problems_of(second_year["report"]) == []


def test_a_draft_report(second_year, tmp_path):
    """A unit's workbook missing: the DRAFT notice and the header mark."""
    inputs = tmp_path / "isian"
    inputs.mkdir()
    for path in sorted(second_year["inputs"].glob("*.xlsx"))[1:]:
        (inputs / path.name).write_bytes(path.read_bytes())
    out = tmp_path / "draft.docx"
    result = run_cli("report", "-c", second_year["master"], "-i", inputs, "--riwayat",
                     tmp_path / "riwayat.sqlite", "--draft", "--out", out)
    assert result.exit_code == 0, result.output
    assert "DRAFT" in result.output
    assert problems_of(out) == []


def test_an_lkjip_chapter_with_chart_budget_and_standard(second_year):
    from test_lkjip import with_budget_and_standard

    master = with_budget_and_standard(second_year)
    out = second_year["tmp"] / "bab3.docx"
    cli("lkjip", "-c", master, "-i", second_year["inputs"], "--riwayat",
        second_year["history"], "--out", out)
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert "SPM Kesbangpol 2022" in text  # the standard's part is there
    assert problems_of(out) == []


# --- docxtpl's cell tags ------------------------------------------------------------------


def _tagged_template() -> bytes:
    """A table whose cells use each of docxtpl's cell tags, over cells that already have
    a width, borders and a vertical alignment (as the bundled templates' cells do)."""
    doc = Document()
    table = doc.add_table(rows=4, cols=2)
    for row in table.rows:
        for cell in row.cells:
            tcpr = cell._tc.get_or_add_tcPr()
            borders = OxmlElement("w:tcBorders")
            borders.append(OxmlElement("w:top"))
            insert_in_order(tcpr, borders)
            valign = OxmlElement("w:vAlign")
            valign.set(qn("w:val"), "center")
            insert_in_order(tcpr, valign)
    table.cell(0, 0).text = "{% cellbg colour %}shaded"
    table.cell(0, 1).text = "{% colspan 1 %}spanned"
    table.cell(1, 0).text = "{%tr for x in items %}"
    table.cell(2, 0).text = "{% vm %}{{ x }}"
    table.cell(2, 1).text = "{% hm %}{{ x }}"
    table.cell(3, 0).text = "{%tr endfor %}"
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def test_docxtpls_cell_tags_write_their_properties_in_order():
    from pipeline.word.render import _template_class

    data = _tagged_template()
    assert order_problems(data) == []
    tpl = _template_class()(io.BytesIO(data))
    tpl.hold_ending = False
    tpl.render({"colour": "FF0000", "items": ["a", "b"]})
    out = io.BytesIO()
    tpl.save(out)
    rendered = out.getvalue()
    body = zipfile.ZipFile(io.BytesIO(rendered)).read("word/document.xml").decode()
    for wrote in ('w:fill="FF0000"', "<w:gridSpan", 'w:vMerge w:val="restart"'):
        assert wrote in body  # each tag did its work
    assert order_problems(rendered) == []


def test_docxtpl_alone_would_misorder_them():
    """Without ``patched_xml``'s reordering, docxtpl's {% cellbg %} puts w:shd first: the
    quarterly report's six Status cells and its average's (found in issue 21)."""
    from docxtpl import DocxTemplate

    cell = ('<w:tc><w:tcPr><w:tcW w:w="1041" w:type="dxa"/><w:vAlign w:val="center"/>'
            '</w:tcPr><w:p><w:r><w:t>{% cellbg row.fill %}{{ row.status }}</w:t></w:r></w:p>'
            '</w:tc>')
    theirs = DocxTemplate(None).patch_xml(cell)
    assert theirs.index("<w:shd") < theirs.index("<w:tcW")
    from pipeline.word.prepared import patched_xml

    ours = patched_xml(cell)
    assert ours.index("<w:tcW") < ours.index("<w:shd") < ours.index("<w:vAlign")


# --- the checker can fail -----------------------------------------------------------------


def _docx(document_body: str = "", styles: str = "") -> bytes:
    """A minimal package: python-docx's default document with its body (and styles)
    replaced."""
    doc = Document()
    buf = io.BytesIO()
    doc.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name in src.namelist():
            data = src.read(name)
            if name == "word/document.xml" and document_body:
                data = (f"<w:document {DECLARE}><w:body>{document_body}</w:body>"
                        "</w:document>").encode()
            elif name == "word/styles.xml" and styles:
                data = f"<w:styles {DECLARE}>{styles}</w:styles>".encode()
            zf.writestr(name, data)
    return out.getvalue()


def _table(*cells_tcpr: str) -> str:
    cells = "".join(f"<w:tc><w:tcPr>{p}</w:tcPr><w:p/></w:tc>" for p in cells_tcpr)
    return f"<w:tbl><w:tblPr/><w:tblGrid/><w:tr>{cells}</w:tr></w:tbl>"


def test_a_misordered_cell_is_found_and_named():
    ok = '<w:tcW w:w="1" w:type="dxa"/><w:shd w:fill="FF0000"/>'
    bad = '<w:shd w:fill="FF0000"/><w:tcW w:w="1" w:type="dxa"/>'
    assert order_problems(_docx(_table(ok, ok))) == []
    assert order_problems(_docx("<w:p/>" + _table(ok) + _table(ok, bad))) == [
        "word/document.xml: table 2 row 1 cell 2 w:tcPr: w:tcW after w:shd"]


def test_a_misordered_paragraph_style_is_found_and_named():
    """The LKjIP chapter's "Isian Sekretariat" as it was: w:shd after w:jc."""
    style = ('<w:style w:type="paragraph" w:styleId="IsianSekretariat">'
             '<w:name w:val="Isian Sekretariat"/><w:pPr><w:spacing w:after="160"/>'
             '<w:jc w:val="both"/>{shd}</w:pPr></w:style>')
    shd = '<w:shd w:val="clear" w:color="auto" w:fill="FFF2CC"/>'
    assert order_problems(_docx(styles=style.format(shd=""))) == []
    assert order_problems(_docx(styles=style.format(shd=shd))) == [
        "word/styles.xml: style 'IsianSekretariat' w:pPr: w:shd after w:jc"]


def test_run_and_paragraph_mark_properties_have_their_own_sequences():
    """A paragraph mark's w:rPr may start with its tracked insertion (CT_ParaRPr); a run's
    may not (CT_RPr)."""
    ins = '<w:ins w:id="1" w:author="x"/>'
    mark = f"<w:p><w:pPr><w:rPr>{ins}<w:b/></w:rPr></w:pPr></w:p>"
    run = f"<w:p><w:r><w:rPr>{ins}<w:b/></w:rPr><w:t>x</w:t></w:r></w:p>"
    assert order_problems(_docx(mark)) == []
    assert order_problems(_docx(run)) == [
        "word/document.xml: paragraph 1 run 1 w:rPr: unknown child w:ins"]
    sz_first = "<w:p><w:r><w:rPr><w:sz w:val='20'/><w:b/></w:rPr></w:r></w:p>"
    assert order_problems(_docx(sz_first)) == [
        "word/document.xml: paragraph 1 run 1 w:rPr: w:b after w:sz"]


def test_unknown_and_repeated_children_are_problems():
    twice = '<w:tcW w:w="1" w:type="dxa"/><w:tcW w:w="2" w:type="dxa"/>'
    unknown = '<w:tcW w:w="1" w:type="dxa"/><w:jc w:val="left"/>'
    assert order_problems(_docx(_table(twice, unknown))) == [
        "word/document.xml: table 1 row 1 cell 1 w:tcPr: w:tcW twice",
        "word/document.xml: table 1 row 1 cell 2 w:tcPr: unknown child w:jc"]


def test_groups_the_schema_leaves_unordered():
    """CT_TrPrBase is an unbounded choice (python-docx's order is one of many); the
    section's header and footer references come in any order before the rest."""
    row = ("<w:tbl><w:tblPr/><w:tblGrid/><w:tr><w:trPr><w:tblHeader/><w:cantSplit/>"
           "<w:trHeight w:val='300'/></w:trPr><w:tc><w:p/></w:tc></w:tr></w:tbl>")
    refs = ("<w:sectPr><w:footerReference w:type='default' r:id='rId1' "
            "xmlns:r='http://schemas.openxmlformats.org/officeDocument/2006/relationships'/>"
            "<w:headerReference w:type='default' r:id='rId2' "
            "xmlns:r='http://schemas.openxmlformats.org/officeDocument/2006/relationships'/>"
            "<w:pgSz w:w='11906' w:h='16838'/></w:sectPr>")
    assert order_problems(_docx(row + "<w:p/>" + refs)) == []
    late = "<w:sectPr><w:pgSz w:w='11906' w:h='16838'/><w:type w:val='nextPage'/></w:sectPr>"
    assert order_problems(_docx("<w:p/>" + late)) == [
        "word/document.xml: w:sectPr: w:type after w:pgSz"]


def test_every_misorder_of_a_real_report_is_found(tmp_path):
    """Swapping the first two children of one element of each checked kind in the sample
    report (two children of different places in the sequence; in the body, else in the
    styles) gives one problem each."""
    out = tmp_path / "laporan.docx"
    cli("report", "--riwayat", tmp_path / "r.sqlite", "--out", out)
    src = zipfile.ZipFile(io.BytesIO(out.read_bytes()))
    roots = {name: etree.fromstring(src.read(name))
             for name in ("word/document.xml", "word/styles.xml")}
    swapped = []
    for tag in ("w:tcPr", "w:pPr", "w:rPr", "w:tblPr", "w:trPr", "w:sectPr", "w:tcBorders",
                "w:tcMar", "w:tblBorders", "w:tblCellMar", "w:pBdr", "w:numPr"):
        for el in (el for root in roots.values() for el in root.iter(clark(tag))):
            kids = [c for c in el if isinstance(c.tag, str)]
            place = positions_of(sequence_for(el))
            if len(kids) >= 2 and place[kids[0].tag] != place[kids[1].tag]:
                kids[0].addprevious(kids[1])
                swapped.append(tag)
                break
    assert {"w:tcPr", "w:pPr", "w:rPr", "w:tblPr", "w:sectPr"} <= set(swapped)
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as zf:
        for name in src.namelist():
            zf.writestr(name, etree.tostring(roots[name]) if name in roots
                        else src.read(name))
    found = order_problems(broken.getvalue())
    assert sorted(line.split(": ")[1].split()[-1] for line in found) == sorted(swapped), found


# --- putting children in their place ------------------------------------------------------


def _el(xml: str) -> etree._Element:
    return etree.fromstring(xml.replace("<w:tcPr>", f"<w:tcPr {DECLARE}>", 1)
                            .replace("<w:pPr>", f"<w:pPr {DECLARE}>", 1))


def _names(el: etree._Element) -> list[str]:
    return [etree.QName(c).localname for c in el]


def test_insert_in_order_puts_a_child_at_its_schema_position():
    tcpr = _el("<w:tcPr><w:tcW/><w:gridSpan/><w:vAlign/></w:tcPr>")
    insert_in_order(tcpr, etree.Element(clark("w:shd")))
    insert_in_order(tcpr, etree.Element(clark("w:vMerge")))
    insert_in_order(tcpr, etree.Element(clark("w:cnfStyle")))
    insert_in_order(tcpr, etree.Element(clark("w:hideMark")))
    assert _names(tcpr) == ["cnfStyle", "tcW", "gridSpan", "vMerge", "shd", "vAlign",
                            "hideMark"]
    ppr = _el("<w:pPr><w:pStyle/><w:spacing/><w:jc/></w:pPr>")
    insert_in_order(ppr, etree.Element(clark("w:shd")))
    insert_in_order(ppr, etree.Element(clark("w:keepNext")))
    assert _names(ppr) == ["pStyle", "keepNext", "shd", "spacing", "jc"]
    with pytest.raises(ValueError, match="w:tblW is not a child of w:tcPr"):
        insert_in_order(tcpr, etree.Element(clark("w:tblW")))


def test_sort_children_and_in_order_xml():
    tcpr = _el("<w:tcPr><w:shd/><w:tcW/><w:vAlign/></w:tcPr>")
    assert sort_children(tcpr, TC_PR)
    assert _names(tcpr) == ["tcW", "shd", "vAlign"]
    assert not sort_children(tcpr, TC_PR)
    text = ('<w:tcPr><w:shd w:fill="{{ row.fill }}"/><w:tcW w:w="1"/></w:tcPr>'
            '<w:tcPr><w:tcW w:w="2"/><w:shd/></w:tcPr>')
    assert in_order_xml(text) == ('<w:tcPr><w:tcW w:w="1"/><w:shd w:fill="{{ row.fill }}"/>'
                                  '</w:tcPr><w:tcPr><w:tcW w:w="2"/><w:shd/></w:tcPr>')
    # a Jinja tag between the children, or an unknown child: left as written
    for kept in ('<w:tcPr><w:shd/>{% if x %}<w:tcW/>{% endif %}</w:tcPr>',
                 '<w:tcPr><w:shd/><w14:foo/><w:tcW/></w:tcPr>'):
        assert in_order_xml(kept) == kept
