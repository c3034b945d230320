"""The house keeps its shape: every module of ``pipeline/`` sits in a layer, imports only
downwards (or within its own package), and no import circle exists; project imports stand
at module top except the CLI's measured deferrals; no private name crosses a module.

The graph is read with ``ast`` from every ``.py`` under ``pipeline/`` (``rglob``: a rule
that holds at the top but breaks one folder down is still caught), imports inside functions
included; imports under ``if TYPE_CHECKING:`` are type hints only and left out, as Python
never runs them. docs/ARCHITECTURE.md draws the same layers.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "pipeline"

# Lowest first. A module belongs to the first entry that is it or one of its parents.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("pipeline.reasons", "pipeline.paths"),
    ("pipeline.errors",),
    ("pipeline.domain", "pipeline.office"),
    ("pipeline.compute", "pipeline.word"),
    ("pipeline.intake", "pipeline.workbook"),
    ("pipeline.annual",),
    ("pipeline.history",),
    ("pipeline.quarter",),
    ("pipeline.run",),
    ("pipeline.lkjip", "pipeline.rekap"),
    ("pipeline.batch", "pipeline.families"),
    ("pipeline.web",),
    ("pipeline.cli",),
    ("pipeline.__main__",),
)

# The CLI imports each command's stages when the command runs: `iku --help` takes about
# 60 ms with them deferred and about 550 ms with them at the top (docs/ARCHITECTURE.md,
# "Deferred imports"). Nowhere else may a project import stand inside a function.
DEFERRED_ALLOWED = {"pipeline.cli"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def _resolve(module: str, is_package: bool, level: int, name: str | None) -> str:
    if level == 0:
        return name or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join(base + ([name] if name else []))


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(x) for b in node.body for x in ast.walk(b))
    return skip


class Edge:
    def __init__(self, source: str, target: str, names: tuple[str, ...], line: int,
                 deferred: bool):
        self.source, self.target, self.names = source, target, names
        self.line, self.deferred = line, deferred

    def __repr__(self) -> str:
        return f"{self.source}:{self.line} -> {self.target} {self.names}"


def _known(name: str) -> str | None:
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def edges_of(module: str, path: Path) -> list[Edge]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_nodes(tree)
    top_level = {id(n) for n in tree.body}
    top_level |= {id(x) for n in tree.body if isinstance(n, (ast.If, ast.Try))
                  for x in ast.walk(n)}
    out: list[Edge] = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        deferred = id(node) not in top_level
        if isinstance(node, ast.Import):
            for alias in node.names:
                target = _known(alias.name)
                if target and alias.name.startswith("pipeline"):
                    out.append(Edge(module, target, (), node.lineno, deferred))
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(module, path.name == "__init__.py", node.level, node.module)
            if not base.startswith("pipeline"):
                continue
            for alias in node.names:
                full = f"{base}.{alias.name}"
                if full in MODULES:  # `from pkg import module`
                    out.append(Edge(module, full, (), node.lineno, deferred))
                else:
                    target = _known(base)
                    if target:
                        out.append(Edge(module, target, (alias.name,), node.lineno, deferred))
    return [e for e in out if e.target != module]


EDGES = [e for m, p in sorted(MODULES.items()) for e in edges_of(m, p)]


def layer_of(module: str) -> tuple[int, str]:
    """(layer index, unit): the unit is the layer entry the module belongs to."""
    for index, units in enumerate(LAYERS):
        for unit in units:
            if module == unit or module.startswith(unit + "."):
                return index, unit
    raise LookupError(module)


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


def upward(edges: list[Edge]) -> list[str]:
    """Edges from a module to a sibling unit of its layer or to a higher layer."""
    wrong = []
    for e in edges:
        if e.target == "pipeline":
            continue
        (src_layer, src_unit), (dst_layer, dst_unit) = layer_of(e.source), layer_of(e.target)
        if src_unit != dst_unit and dst_layer >= src_layer:
            wrong.append(repr(e))
    return wrong


def circles(edges: list[Edge]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for e in edges:
        graph[e.source].add(e.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    return found


def deferred(edges: list[Edge]) -> list[str]:
    return [repr(e) for e in edges if e.deferred and e.source not in DEFERRED_ALLOWED]


def private(edges: list[Edge]) -> list[str]:
    """``from .x import _helper`` couples a module to another's internals: make the helper
    public (a documented name) or move it where both can use it."""
    return [repr(e) for e in edges
            if any(n.startswith("_") and not n.startswith("__") for n in e.names)]


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


def test_a_deferred_import_is_seen_one_folder_down(tmp_path):
    source = tmp_path / "m.py"
    source.write_text("def f():\n    from pipeline.compute import compute\n"
                      "if TYPE_CHECKING:\n    from pipeline.run import ReportJob\n")
    assert [(e.target, e.deferred) for e in edges_of("pipeline.web.m", source)] == [
        ("pipeline.compute", True)]
