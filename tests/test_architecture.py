"""The house keeps its shape: every module of ``pipeline/`` sits in a layer, imports only
downwards (or within its own package), and no import circle exists; project imports stand
at module top except the CLI's measured deferrals; no private name crosses a module; and
docs/ARCHITECTURE.md draws the graph as it is.

The graph and the rules are in ``dev/architecture.py`` (``python -m dev.architecture``
prints the page's diagram); every ``.py`` under ``pipeline/`` is read (``rglob``), so a
rule that holds at the top but breaks one folder down is still caught.
"""

from __future__ import annotations

import pytest

from dev.architecture import (
    DEFERRED_ALLOWED,
    EDGES,
    MODULES,
    ROOT,
    Edge,
    circles,
    deferred,
    edges_of,
    layer_of,
    mermaid,
    private,
    upward,
)


def test_every_module_has_a_layer():
    """A new module or package is placed in LAYERS (and in docs/ARCHITECTURE.md)."""
    unplaced = []
    for module in MODULES:
        if module == "pipeline":
            continue
        try:
            layer_of(module)
        except LookupError:
            unplaced.append(module)
    assert unplaced == []


def test_imports_only_go_down():
    """A module imports from a lower layer, or from its own unit (package); never from a
    sibling unit of the same layer or from above."""
    assert upward(EDGES) == []


def test_no_import_circle():
    assert circles(EDGES) == []


def test_project_imports_stand_at_module_top():
    assert deferred(EDGES) == []


def test_no_private_name_crosses_a_module():
    assert private(EDGES) == []


BAD = {  # one edge that breaks each rule, added to the real graph
    upward: Edge("pipeline.domain.master", "pipeline.run", ("run_report",), 1, False),
    circles: Edge("pipeline.compute", "pipeline.run", ("run_report",), 1, False),
    deferred: Edge("pipeline.run", "pipeline.compute", ("compute",), 1, True),
    private: Edge("pipeline.run", "pipeline.compute", ("_helper",), 1, False),
}


@pytest.mark.parametrize("guard", list(BAD), ids=lambda g: g.__name__)
def test_the_guards_can_fail(guard):
    assert guard(EDGES) == []
    assert guard([*EDGES, BAD[guard]]) != []


def test_the_page_draws_the_graph_as_it_is():
    page = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    assert mermaid() in page, (
        "docs/ARCHITECTURE.md's diagram is stale: paste `python -m dev.architecture`")


def test_deferral_is_allowed_only_in_the_cli():
    assert DEFERRED_ALLOWED == {"pipeline.cli.commands"}


def test_a_deferred_import_is_seen_one_folder_down(tmp_path):
    source = tmp_path / "m.py"
    source.write_text("def f():\n    from pipeline.compute import compute\n"
                      "if TYPE_CHECKING:\n    from pipeline.run import ReportJob\n")
    assert [(e.target, e.deferred) for e in edges_of("pipeline.web.m", source)] == [
        ("pipeline.compute", True)]
