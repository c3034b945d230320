"""The house, measured: the import graph of ``pipeline/`` and its layers.

``python -m dev.architecture`` prints the package diagram of docs/ARCHITECTURE.md (a
Mermaid flowchart of the units of ``LAYERS`` and the imports between them, each arrow
kept only when no longer path implies it); tests/test_architecture.py holds the tree to
the rules below and the page to this diagram.

The graph is read with ``ast`` from every ``.py`` under ``pipeline/`` (``rglob``), imports
inside functions included; imports under ``if TYPE_CHECKING:`` are type hints only and
left out, as Python never runs them.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "pipeline"

# Lowest first. A module belongs to the first entry that is it or one of its parents.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("pipeline.reasons", "pipeline.paths", "pipeline.system"),
    ("pipeline.errors",),
    ("pipeline.domain", "pipeline.office"),
    ("pipeline.compute", "pipeline.word"),
    ("pipeline.intake", "pipeline.workbook"),
    ("pipeline.annual", "pipeline.workspace"),
    ("pipeline.history",),
    ("pipeline.quarter", "pipeline.pk"),
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
DEFERRED_ALLOWED = {"pipeline.cli.commands"}


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



def unit_edges(edges: list[Edge]) -> set[tuple[str, str]]:
    """(importing unit, imported unit) for every import between two units."""
    out = set()
    for e in edges:
        if e.target == "pipeline":
            continue
        a, b = layer_of(e.source)[1], layer_of(e.target)[1]
        if a != b:
            out.add((a, b))
    return out


def reduced(pairs: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """The arrows no longer path implies (transitive reduction of an acyclic graph)."""
    succ: dict[str, set[str]] = {}
    for a, b in pairs:
        succ.setdefault(a, set()).add(b)

    def reach(start: str, skip: tuple[str, str]) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            v = todo.pop()
            for w in succ.get(v, ()):
                if (v, w) != skip and w not in seen:
                    seen.add(w)
                    todo.append(w)
        return seen

    return {(a, b) for a, b in pairs if b not in reach(a, (a, b))}


def short(unit: str) -> str:
    return unit.removeprefix("pipeline.")


def mermaid() -> str:
    """The package diagram: one box per unit, the layers from top (cli) to bottom."""
    lines = ["```mermaid", "flowchart TD"]
    for units in reversed(LAYERS):
        for unit in units:
            name = short(unit)
            kind = "package" if (ROOT / unit.replace(".", "/")).is_dir() else "module"
            label = f"{name}/" if kind == "package" else name
            lines.append(f'    {name.replace(".", "_").replace("__", "")}["{label}"]')
    for a, b in sorted(reduced(unit_edges(EDGES)), key=lambda p: (layer_of(p[0])[0] * -1, p)):
        lines.append(f"    {_id(a)} --> {_id(b)}")
    lines.append("```")
    return "\n".join(lines)


def _id(unit: str) -> str:
    return short(unit).replace(".", "_").replace("__", "")


if __name__ == "__main__":
    sys.stdout.write(mermaid() + "\n")
