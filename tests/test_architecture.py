"""The layout holds: no import cycle between the project's modules, and each app imports only
from the layers below it. The import graph is read from the source with ast (nothing imported)."""

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = (
    "accounts",
    "aeict",
    "budget",
    "diagnostics",
    "notifications",
    "partnerships",
    "recommendations",
    "territories",
)


@dataclass(frozen=True)
class Import:
    importer: str
    imported: str
    line: int
    in_function: bool  # imported when a function runs, not when the module loads
    via: "Import | None" = None  # between packages: the module import that ties them

    def __str__(self):
        if self.via is not None:
            return f"{self.importer} -> {self.imported}, as {self.via}"
        where = " (inside a function)" if self.in_function else ""
        return f"{self.importer}:{self.line} imports {self.imported}{where}"


def project_modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "migrations" in parts:
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def imports_of(name: str, path: Path, modules) -> list[Import]:
    """Every import statement of a module, resolved to a module name where it names one."""
    found = []
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]

    def visit(node, in_function):
        for child in ast.iter_child_nodes(node):
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.Import):
                found.extend(Import(name, a.name, child.lineno, inner) for a in child.names)
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package[: len(package) - child.level + 1]
                    source = ".".join([*base, *([child.module] if child.module else [])])
                else:
                    source = child.module
                for alias in child.names:
                    submodule = f"{source}.{alias.name}"
                    target = submodule if submodule in modules else source
                    found.append(Import(name, target, child.lineno, inner))
            visit(child, inner)

    visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)), False)
    return found


@pytest.fixture(scope="module")
def graph() -> list[Import]:
    modules = project_modules()
    edges = []
    for name, path in modules.items():
        edges.extend(
            i
            for i in imports_of(name, path, modules)
            if i.imported in modules and i.imported != name
        )
    return edges


def cycles(edges: list[Import]) -> list[list[Import]]:
    """One cycle through each group of modules that import one another (Tarjan's components)."""
    successors: dict[str, list[Import]] = {}
    for edge in edges:
        successors.setdefault(edge.importer, []).append(edge)
        successors.setdefault(edge.imported, [])
    index, low, stack, on_stack, components = {}, {}, [], set(), []

    def strongconnect(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for edge in successors[node]:
            if edge.imported not in index:
                strongconnect(edge.imported)
                low[node] = min(low[node], low[edge.imported])
            elif edge.imported in on_stack:
                low[node] = min(low[node], index[edge.imported])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(component)

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10 * len(successors)))
    try:
        for node in sorted(successors):
            if node not in index:
                strongconnect(node)
    finally:
        sys.setrecursionlimit(limit)
    return [_one_cycle(component, successors) for component in components]


def _one_cycle(component, successors) -> list[Import]:
    """A shortest path from the component's first module back to itself, edge by edge."""
    start = min(component)
    paths = {start: []}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for edge in successors[node]:
            if edge.imported == start:
                return [*paths[node], edge]
            if edge.imported in component and edge.imported not in paths:
                paths[edge.imported] = [*paths[node], edge]
                queue.append(edge.imported)
    raise AssertionError("a component without a cycle")


def describe(found: list[list[Import]]) -> str:
    return "\n\n".join(
        "import cycle:\n" + "\n".join(f"  {edge}" for edge in cycle) for cycle in found
    )


def test_the_graph_is_read(graph):
    importers = {edge.importer for edge in graph}
    assert {"diagnostics.views", "accounts.views", "recommendations.services"} <= importers
    assert any(
        edge.importer == "diagnostics.scoring" or edge.imported == "diagnostics.scoring"
        for edge in graph
    )


def test_the_cycle_finder_finds_a_cycle_and_says_where():
    edges = [Import("a", "b", 1, False), Import("b", "c", 2, True), Import("c", "a", 3, False)]
    found = cycles([*edges, Import("c", "d", 4, False)])
    assert found == [edges]
    assert "b:2 imports c (inside a function)" in describe(found)
    assert cycles(edges[:2]) == []
    between_packages = grouped([Import("p.a", "q.b", 5, False), Import("q.c", "p.d", 6, False)], 1)
    assert "p -> q, as p.a:5 imports q.b" in describe(cycles(between_packages))


def test_no_module_of_the_project_imports_itself_back(graph):
    # Imports inside functions count too: they only hide a cycle from the interpreter.
    found = cycles(graph)
    assert not found, describe(found)


def grouped(graph: list[Import], depth: int) -> list[Import]:
    """The graph between apps (depth 1) or between an app's modules and sub-packages (depth 2)."""
    edges = []
    for edge in graph:
        importer = ".".join(edge.importer.split(".")[:depth])
        imported = ".".join(edge.imported.split(".")[:depth])
        if importer != imported:
            edges.append(Import(importer, imported, edge.line, edge.in_function, via=edge))
    return edges


@pytest.mark.parametrize("depth", [1, 2], ids=["apps", "sub-packages"])
def test_no_app_or_sub_package_imports_itself_back(graph, depth):
    # Two modules can be free of cycles while their packages import each other: plan.views
    # from results.report and results.views from plan.services would tie the two packages.
    found = cycles(grouped(graph, depth))
    assert not found, describe(found)


def _imports_from(graph, importer_prefix, forbidden):
    return [
        str(edge)
        for edge in graph
        if (edge.importer == importer_prefix or edge.importer.startswith(importer_prefix + "."))
        and edge.imported.split(".")[0] in forbidden
    ]


def test_the_catalogue_app_knows_nothing_of_accounts_or_diagnostics(graph):
    found = _imports_from(graph, "recommendations", {"accounts", "diagnostics"})
    assert not found, "\n".join(found)


def test_accounts_know_nothing_of_diagnostics(graph):
    found = _imports_from(graph, "accounts", {"diagnostics"})
    assert not found, "\n".join(found)


def test_the_official_list_knows_nothing_of_collectivites_or_their_data(graph):
    found = _imports_from(graph, "territories", {"accounts", "diagnostics", "partnerships"})
    assert not found, "\n".join(found)


def test_only_the_notifications_app_knows_of_notifications(graph):
    # The services tell what happened through signals (accounts.signals, diagnostics.signals).
    found = _imports_from(graph, "accounts", {"notifications"}) + _imports_from(
        graph, "diagnostics", {"notifications"}
    )
    assert not found, "\n".join(found)


def test_the_scoring_method_imports_the_standard_library_only():
    modules = project_modules()
    path = modules["diagnostics.scoring"]
    imported = {i.imported.split(".")[0] for i in imports_of("diagnostics.scoring", path, modules)}
    outside = sorted(imported - set(sys.stdlib_module_names))
    assert not outside, f"diagnostics.scoring imports {outside}"


def test_the_budget_calculations_import_the_standard_library_only():
    modules = project_modules()
    path = modules["budget.calculations"]
    imported = {i.imported.split(".")[0] for i in imports_of("budget.calculations", path, modules)}
    outside = sorted(imported - set(sys.stdlib_module_names))
    assert not outside, f"budget.calculations imports {outside}"
