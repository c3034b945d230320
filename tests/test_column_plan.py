"""Columns dropped before rendering (issue 25, ``columns.ColumnPlan``): the report's bytes
are those of the pass after rendering (``columns.drop_marked_columns``) for every set of
columns a report may drop, a column the plan cannot know sends the body back to that
pass, and a table takes part in the plan only when dropping its columns in the template
is the same as dropping them in its rendered copy."""

from __future__ import annotations

import copy
import functools
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from pipeline import paths
from pipeline.annual import report as annual_report
from pipeline.annual.context import build_context
from pipeline.annual.report import IKU
from pipeline.compute import compute
from pipeline.domain.master import load_master
from pipeline.intake.reader import read_folder
from pipeline.intake.validate import validate
from pipeline.office.packaging import package_time
from pipeline.word import direct, render
from pipeline.word.columns import DROP_COLUMN, ColumnPlan
from pipeline.workbook.sample import write_sample_inputs

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
EXAMPLES = sorted(paths.EXAMPLE_MASTERS.glob("*.yaml"))

# every heading the yearly template may drop a column by, as the context holds them
HEADINGS = [("org", None), ("agency", "reason"), ("agency", "sources"),
            ("rpjmd", "baseline"), ("rpjmd", "previous_realisation"), ("rpjmd", "previous"),
            ("rpjmd", "grade"), ("rpjmd", "final_target"), ("rpjmd", "final_achievement"),
            ("renstra", "grade"), ("renstra", "responsible"), ("renstra", "sources"),
            ("lampiran", "final")]


@functools.cache
def _case(master_path: Path):
    master = load_master(master_path)
    with tempfile.TemporaryDirectory() as tmp:
        write_sample_inputs(master, Path(tmp))
        checked = validate(master, read_folder(Path(tmp)))
    results = compute(master, checked.values, checked.invalid, draft=not checked.ok)
    return master, results


def _context(master_path: Path = paths.SAMPLE_MASTER) -> dict:
    master, results = _case(master_path)
    return build_context(master, results, None)


def _properties(master):
    def properties(docx):
        return render.set_properties(docx, when=package_time(master.agency.package_date),
                                     title="IKU", subject="x", author="y", keywords="z")
    return properties


def _render(context, master_path: Path = paths.SAMPLE_MASTER) -> bytes:
    master, _ = _case(master_path)
    return direct.render_package(context, paths.WORD_TEMPLATE, IKU, _properties(master))


def _without_plan(monkeypatch, context, master_path: Path = paths.SAMPLE_MASTER) -> bytes:
    with monkeypatch.context() as m:
        m.setattr(ColumnPlan, "dropped", lambda self, value: frozenset())
        return _render(context, master_path)


def _bodies(monkeypatch) -> list[str]:
    """The bodies rendered from now on (what ``_render_part`` was given for them)."""
    seen: list[str] = []
    real = direct._render_part

    def spy(xml, *args):
        if "<w:body" in xml[:200]:
            seen.append(xml)
        return real(xml, *args)

    monkeypatch.setattr(direct, "_render_part", spy)
    return seen


# --- the same bytes ----------------------------------------------------------------------


@pytest.mark.parametrize("master_path", [paths.SAMPLE_MASTER, *EXAMPLES],
                         ids=lambda p: p.stem)
def test_every_example_prints_the_same_bytes_with_and_without_the_plan(master_path,
                                                                      monkeypatch):
    master, results = _case(master_path)
    planned = annual_report.render_bytes(master, results)
    with monkeypatch.context() as m:
        m.setattr(ColumnPlan, "dropped", lambda self, value: frozenset())
        assert annual_report.render_bytes(master, results) == planned


@given(st.sets(st.sampled_from(range(len(HEADINGS)))))
@settings(max_examples=25, deadline=None)
def test_any_set_of_dropped_columns_prints_the_same_bytes(dropped):
    context = copy.deepcopy(_context())
    for i in dropped:
        block, key = HEADINGS[i]
        if key is None:
            for org in context["organisations"]:
                org["head"]["reason"] = DROP_COLUMN
        else:
            context[block]["head"][key] = DROP_COLUMN
    planned = _render(context)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(ColumnPlan, "dropped", lambda self, value: frozenset())
        assert _render(context) == planned


def test_the_plan_renders_the_body_without_the_dropped_columns(monkeypatch):
    context = copy.deepcopy(_context())
    context["rpjmd"]["head"]["grade"] = DROP_COLUMN
    context["renstra"]["head"]["sources"] = DROP_COLUMN
    bodies = _bodies(monkeypatch)
    _render(context)
    prepared = direct._prepared(paths.WORD_TEMPLATE.read_bytes(), "t")
    assert len(bodies) == 1  # rendered once
    assert len(bodies[0]) < len(prepared.body)  # without the two columns
    assert "renstra.head.sources" not in bodies[0] and "rpjmd.head.grade" not in bodies[0]
    assert "rpjmd.head.baseline" in bodies[0]


def test_a_column_the_plan_cannot_know_sends_the_body_back_to_the_pass(monkeypatch):
    """A cell of a reduced table that renders the marker (a value, not a heading) makes
    the whole body rendered again: the pass after rendering then drops every column at
    once, with the widths it always gave."""
    context = copy.deepcopy(_context())
    context["rpjmd"]["head"]["grade"] = DROP_COLUMN
    for row in context["rpjmd"]["rows"]:
        row["target"] = DROP_COLUMN  # the Target column, known only after rendering
    expected = _without_plan(monkeypatch, context)
    bodies = _bodies(monkeypatch)
    assert _render(context) == expected
    prepared = direct._prepared(paths.WORD_TEMPLATE.read_bytes(), "t")
    assert len(bodies) == 2 and bodies[1] == prepared.body


def test_a_marker_in_another_table_keeps_the_plan(monkeypatch):
    context = copy.deepcopy(_context())
    context["rpjmd"]["head"]["grade"] = DROP_COLUMN
    for org in context["organisations"]:
        org["head"]["reason"] = DROP_COLUMN  # a table the plan does not reduce
    expected = _without_plan(monkeypatch, context)
    bodies = _bodies(monkeypatch)
    assert _render(context) == expected
    assert len(bodies) == 1


# --- which tables take part --------------------------------------------------------------


def _cell(text: str, span: int = 1, extra: str = "") -> str:
    span_xml = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    return (f'<w:tc><w:tcPr><w:tcW w:w="{1000 * span}" w:type="dxa"/>{span_xml}</w:tcPr>'
            f"{extra}<w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>")


def _row(*cells: str) -> str:
    return "<w:tr>" + "".join(cells) + "</w:tr>"


def _body(rows: list[str], columns: int = 3, table_extra: str = "") -> str:
    grid = "".join('<w:gridCol w:w="1000"/>' for _ in range(columns))
    xml = (f'<w:body xmlns:w="{W}"><w:tbl><w:tblPr/>{table_extra}<w:tblGrid>{grid}'
           f'</w:tblGrid>{"".join(rows)}</w:tbl><w:p/></w:body>')
    return etree.tostring(etree.fromstring(xml), encoding="unicode")  # as lxml writes it


HEAD = _row(_cell("No"), _cell("{{ h.a }}"), _cell("{{ h.b }}"))
LOOP = [_row(_cell("{%tr for r in rows %}"), _cell(""), _cell("")),
        _row(_cell("{{ r.no }}"), _cell("{{ r.a }}"), _cell("{{ r.b }}")),
        _row(_cell("{%tr endfor %}"), _cell(""), _cell(""))]


def _plan(rows: list[str], **kwargs) -> list[tuple[int, int, str]]:
    return ColumnPlan(_body(rows, **kwargs)).candidates


def test_a_plain_table_takes_part_by_its_headings():
    assert _plan([HEAD, *LOOP]) == [(0, 1, "h.a"), (0, 2, "h.b")]


@pytest.mark.parametrize("change", [
    # a cell tag of docxtpl (its cells are not copies of the template's)
    lambda rows: rows[:2] + [_row(_cell("{{ r.no }}"), _cell('{% cellbg r.c %}{{ r.a }}'),
                                  _cell("{{ r.b }}"))] + rows[3:],
    # the row tag in a cell that would go
    lambda rows: [rows[0], _row(_cell(""), _cell("{%tr for r in rows %}"), _cell("")),
                  *rows[2:]],
    # a paragraph block opened in a cell that would go and closed in another
    lambda rows: rows[:2] + [_row(_cell("{{ r.no }}"), _cell("{%p if r.a %}"),
                                  _cell("{%p endif %}"))] + rows[3:],
    # a bare tag, which may span cells
    lambda rows: rows[:2] + [_row(_cell("{% if x %}"), _cell("{{ r.a }}"),
                                  _cell("{% endif %}"))] + rows[3:],
    # a value replacing a whole cell
    lambda rows: rows[:2] + [_row(_cell("{{ r.no }}"), _cell("{{tc r.a }}"),
                                  _cell("{{ r.b }}"))] + rows[3:],
    # rows that do not fill the grid (docxtpl's grid fix would change the table)
    lambda rows: [rows[0], *rows[1:2], _row(_cell("{{ r.no }}"), _cell("{{ r.a }}")),
                  *rows[3:]],
    # a drawing in a cell that would go (its id would be numbered otherwise)
    lambda rows: rows[:2] + [_row(_cell("{{ r.no }}"), _cell("x", extra="<w:drawing/>"),
                                  _cell("{{ r.b }}"))] + rows[3:],
    # a nested table
    lambda rows: rows[:2] + [_row(_cell("{{ r.no }}"), _cell("{{ r.a }}"), _cell(
        "x", extra=f'<w:tbl><w:tblGrid><w:gridCol w:w="9"/></w:tblGrid>{_row(_cell("y"))}'
                   "</w:tbl>"))] + rows[3:],
], ids=["cellbg", "row-tag-in-dropped-cell", "unbalanced-p", "bare-tag", "tc-value",
        "short-row", "drawing", "nested-table"])
def test_a_table_the_plan_could_get_wrong_does_not_take_part(change):
    assert _plan(change([HEAD, *LOOP])) == []


def test_a_tag_in_an_attribute_keeps_the_table_out():
    assert _plan([HEAD, *LOOP], table_extra='<w:tblStyle w:val="{{ style }}"/>') == []


def test_balanced_paragraph_blocks_in_a_cell_that_goes_are_allowed():
    rows = [HEAD, *LOOP]
    rows[2] = _row(_cell("{{ r.no }}"), _cell("{%p for s in r.a %}{{ s }}{%p endfor %}"),
                   _cell("{{ r.b }}"))
    assert _plan(rows) == [(0, 1, "h.a"), (0, 2, "h.b")]


@pytest.mark.parametrize("head", [
    _row(_cell("No"), _cell("Kolom {{ h.a }}"), _cell("{{ h.b }}")),  # other text
    _row(_cell("No"), _cell("{{ h.a|upper }}"), _cell("{{ h.b }}")),  # not a plain name
    _row(_cell("No", span=2), _cell("{{ h.b }}")),  # b's heading: a; a spans two columns
])
def test_only_plain_one_column_headings_are_candidates(head):
    assert [c[2] for c in _plan([head, *LOOP])] == ["h.b"]


def test_a_heading_below_a_tag_is_not_a_candidate():
    rows = [_row(_cell("{%tr if x %}"), _cell(""), _cell("")), HEAD,
            _row(_cell("{%tr endif %}"), _cell(""), _cell("")), *LOOP]
    assert _plan(rows) == []


def test_dropping_in_the_template_narrows_spans_and_shares_widths():
    rows = [_row(_cell("Judul", span=3)), HEAD, *LOOP]
    plan = ColumnPlan(_body(rows))
    xml, grids = plan.body(frozenset({(0, 1)}))
    assert grids == {("1500", "1500")}  # the freed width shared by the columns kept
    assert 'w:gridSpan w:val="2"' in xml and "{{ h.a }}" not in xml and "{{ r.a }}" not in xml
    assert "{{ h.b }}" in xml and "{%tr for r in rows %}" in xml
