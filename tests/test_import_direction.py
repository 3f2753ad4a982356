"""Dependencies run one way, `ui → assistant → ingest`, and the library's packages form layers.

Every `.py` under assistant/, ingest/ and ui/ is parsed (nothing is imported) and each
import is sorted by where it stands:

- module level: runs when the module is imported;
- typing: under `if TYPE_CHECKING:`, never runs, but the module still depends on the
  other one's design, so it counts wherever module-level imports count;
- deferred: inside a function, runs on first call. These are kept for start-up time (heavy
  parts load when first used) and at composition points; they may point back up a layer,
  so they count for the direction rules but not for the layering of packages.

The rules:

1. `ingest` imports neither `assistant` nor `ui` (at all).
2. `assistant` imports neither `ui` nor `streamlit` (at all).
3. No two modules import each other in a circle by module-level imports (an import-time
   cycle), and none by any imports (deferred ones included) except the circles listed in
   `ALLOWED_MODULE_CYCLES`.
4. The top-level packages of `assistant` (`platform`, `language`, `llm`, `index`, …; the
   root modules `models`, `services` and `cli` count as packages of their own) form no
   cycle by module-level and typing imports, except over `ALLOWED_PACKAGE_EDGES`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("assistant", "ingest", "ui")

# The packages of `assistant`, top layer first (docs/architecture.md draws the same map):
# each imports only packages further down, by module-level and typing imports.
LAYERS = (
    "cli",
    "workspace",
    "operations",
    "drafting",
    "services",
    "answering",
    "documents",
    "retrieval",
    "indicators",
    "index",
    "llm",
    "language",
    "access",
    "platform",
    "models",
)

# An edge that runs against the layers, and why it is allowed.
ALLOWED_PACKAGE_EDGES: dict[tuple[str, str], str] = {}

# Module circles closed only by deferred imports, and why each stays.
ALLOWED_MODULE_CYCLES: dict[frozenset[str], str] = {
    # `engine_for` upgrades a database on first use; the migrations collect the tables
    # every package declares on `db.Base` (the indicator store's among them).
    frozenset(
        {"assistant.platform.db", "assistant.platform.migrations", "assistant.indicators.store"}
    ): "the app database migrates itself; the migrations read every package's tables",
}

Edge = tuple[str, str, str]  # importer, imported module, "module" | "typing" | "deferred"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_of(source: str, module: str, is_package: bool) -> list[tuple[str, str]]:
    """(imported name, kind) of every import in `source`; `from x import y` yields both
    `x` and `x.y`, since `y` may be a module."""
    package = module if is_package else module.rpartition(".")[0]
    found: list[tuple[str, str]] = []

    def visit(node: ast.AST, kind: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import):
                found.extend((alias.name, kind) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    parts = package.split(".")[: len(package.split(".")) - child.level + 1]
                    base = ".".join([*parts, base] if base else parts)
                found.append((base, kind))
                found.extend((f"{base}.{alias.name}", kind) for alias in child.names)
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                visit(child, "deferred")
            elif isinstance(child, ast.If) and _is_type_checking(child.test):
                for statement in child.body:
                    visit(ast.Module(body=[statement], type_ignores=[]), _typing(kind))
                for statement in child.orelse:
                    visit(ast.Module(body=[statement], type_ignores=[]), kind)
            else:
                visit(child, kind)

    visit(ast.parse(source), "module")
    return found


def _typing(kind: str) -> str:
    return "deferred" if kind == "deferred" else "typing"


def project_edges() -> list[Edge]:
    files = [path for name in SOURCES for path in sorted((ROOT / name).rglob("*.py"))]
    modules = {module_name(path) for path in files}
    edges: set[Edge] = set()
    for path in files:
        module = module_name(path)
        for name, kind in imports_of(path.read_text(), module, path.name == "__init__.py"):
            target = name
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != module:
                edges.add((module, target, kind))
            elif not target and name.split(".")[0] == "streamlit":
                edges.add((module, "streamlit", kind))
    return sorted(edges)


def cycles(graph: Mapping[str, Iterable[str]]) -> list[frozenset[str]]:
    """The strongly connected components of more than one node (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []
    nodes = sorted(set(graph) | {w for targets in graph.values() for w in targets})
    for start in nodes:
        if start in index:
            continue
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, targets = work[-1]
            for target in targets:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(graph.get(target, ())))))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(frozenset(component))
    return found


def package_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "assistant" and len(parts) > 1 else None


def _graph(edges: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for source, target in edges:
        graph.setdefault(source, set()).add(target)
    return graph


EDGES = project_edges()


def test_ingest_imports_neither_assistant_nor_ui() -> None:
    wrong = [
        (source, target)
        for source, target, _ in EDGES
        if source.startswith("ingest") and target.split(".")[0] in {"assistant", "ui"}
    ]
    assert wrong == []


def test_assistant_imports_neither_ui_nor_streamlit() -> None:
    wrong = [
        (source, target)
        for source, target, _ in EDGES
        if source.startswith("assistant") and target.split(".")[0] in {"ui", "streamlit"}
    ]
    assert wrong == []


def test_no_import_time_cycles() -> None:
    module_level = _graph((s, t) for s, t, kind in EDGES if kind == "module")
    assert cycles(module_level) == []


def test_deferred_cycles_are_the_listed_ones() -> None:
    every_import = _graph((s, t) for s, t, _ in EDGES)
    # Equal, not a subset: a circle that has gone should leave the list too.
    assert set(cycles(every_import)) == set(ALLOWED_MODULE_CYCLES), cycles(every_import)


def test_packages_form_layers() -> None:
    package_edges = {
        (package_of(source), package_of(target))
        for source, target, kind in EDGES
        if kind != "deferred"
    }
    layered = _graph(
        (source, target)
        for source, target in package_edges
        if source and target and source != target
        if (source, target) not in ALLOWED_PACKAGE_EDGES
    )
    assert cycles(layered) == []
    # An allowed edge that no longer exists should leave the list.
    assert set(ALLOWED_PACKAGE_EDGES) <= package_edges


def test_packages_import_only_lower_layers() -> None:
    root = ROOT / "assistant"
    packages = {path.stem for path in root.glob("*.py")} - {"__init__"}
    packages |= {path.parent.name for path in root.glob("*/__init__.py")}
    assert packages == set(LAYERS), "a new package needs its place in LAYERS"
    level = {package: depth for depth, package in enumerate(LAYERS)}
    upward = set()
    for source, target, kind in EDGES:
        importer, imported = package_of(source), package_of(target)
        if kind != "deferred" and importer and imported and level[importer] > level[imported]:
            upward.add((importer, imported))
    assert upward <= set(ALLOWED_PACKAGE_EDGES)


def test_the_checks_can_fail() -> None:
    """A synthetic graph with a cycle through three nodes and one through two."""
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"f"}, "f": {"e"}}
    assert set(cycles(graph)) == {frozenset("abc"), frozenset("ef")}
    assert cycles({"a": {"b"}, "b": {"c"}}) == []
    source = (
        "from typing import TYPE_CHECKING\n"
        "import ui.state\n"
        "if TYPE_CHECKING:\n"
        "    from assistant.models import Answer\n"
        "def f():\n"
        "    from .sibling import g\n"
    )
    found = imports_of(source, "assistant.pkg.mod", is_package=False)
    assert ("ui.state", "module") in found
    assert ("assistant.models.Answer", "typing") in found
    assert ("assistant.pkg.sibling", "deferred") in found


def test_the_layers_of_the_docs_are_the_packages() -> None:
    """Each package of the library says in its docstring what it is for."""
    for init in sorted((ROOT / "assistant").glob("*/__init__.py")):
        docstring = ast.get_docstring(ast.parse(init.read_text()))
        assert docstring and len(docstring) > 80, init.parent.name
