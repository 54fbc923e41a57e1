"""The layers of the house: server -> handlers -> domain -> storage, one direction only.

Every import counts, including the ones inside functions: an import hidden in a function is still
a dependency, and a cycle through it is still a cycle.
"""
import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("server", "handlers", "domain", "storage", "codegen", "generated")
# What each runtime layer may import (besides itself and third-party code).
ALLOWED = {
    "server": {"handlers", "domain", "storage", "generated"},
    "handlers": {"domain", "storage", "generated"},
    "domain": {"storage", "generated"},  # spec data (bounds, schemas), never transport code
    "storage": set(),
    "generated": set(),
}
MAX_HAND_WRITTEN_LINES = 600
# GraphQL root fields with logic of their own (`def graphql_*` in handlers/); a field that only names
# things differently from its REST twin is a declaration on @operation instead (docs/architecture.md).
MAX_GRAPHQL_ROOT_FUNCTIONS = 29


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    return {module_name(path): path for package in PACKAGES for path in (ROOT / package).rglob("*.py")
            if "__pycache__" not in path.parts}


def imports_of(path: Path, modules: dict[str, Path]) -> set[str]:
    """Project modules imported anywhere in the file (`from a import b` counts `a.b` when it is a module)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in modules else node.module
                     for alias in node.names]
        else:
            continue
        for name in names:
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name:
                found.add(name)
    return found


def graph() -> dict[str, set[str]]:
    modules = project_modules()
    return {name: imports_of(path, modules) - {name} for name, path in modules.items()}


def test_each_layer_imports_only_the_layers_below_it():
    violations = []
    for name, imported in graph().items():
        layer = name.split(".")[0]
        if layer not in ALLOWED:
            continue
        for target in imported:
            target_layer = target.split(".")[0]
            if target_layer != layer and target_layer not in ALLOWED[layer]:
                violations.append(f"{name} imports {target}")
    assert violations == []


def test_no_import_cycles_between_files():
    edges = graph()
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []

    def visit(node):  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in edges.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            # a package importing its own submodule (`__init__` re-exports) is not a cycle between files
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    assert cycles == []


def test_the_layering_check_sees_imports_inside_functions(tmp_path):
    source = tmp_path / "probe.py"
    source.write_text("def late():\n    from server.config import Settings\n    return Settings\n")
    assert imports_of(source, project_modules()) == {"server.config"}


def test_no_hand_written_module_is_too_long():
    too_long = {name: len(path.read_text(encoding="utf-8").splitlines())
                for name, path in project_modules().items() if not name.startswith("generated")}
    assert {name: lines for name, lines in too_long.items() if lines > MAX_HAND_WRITTEN_LINES} == {}


def test_handlers_are_folders_by_surface_and_area_not_prefix_families():
    loose = sorted(path.name for path in (ROOT / "handlers").glob("*.py") if path.name != "__init__.py")
    assert loose == []
    prefixed = [path.relative_to(ROOT).as_posix() for path in (ROOT / "handlers").rglob("*.py")
                if path.stem.startswith(("admin_", "customer_", "shop_"))]
    assert prefixed == []


def test_every_project_import_names_a_module_or_a_name_that_exists():
    """Imports inside functions (tests and tools included) run late; a stale one fails only when reached."""
    modules = project_modules() | {module_name(path): path for folder in ("tests", "bench")
                                   for path in (ROOT / folder).rglob("*.py") if "__pycache__" not in path.parts}
    stale = []
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [(node.module, alias.name) for alias in node.names]
            elif isinstance(node, ast.Import):
                targets = [(alias.name, None) for alias in node.names]
            else:
                continue
            for module, attribute in targets:
                if module.split(".")[0] not in modules:
                    continue  # third-party
                if module not in modules:
                    stale.append(f"{name}:{node.lineno} imports missing module {module}")
                elif attribute and f"{module}.{attribute}" not in modules and attribute != "*":
                    source = modules[module].read_text(encoding="utf-8")
                    if attribute not in source:
                        stale.append(f"{name}:{node.lineno} imports missing name {module}.{attribute}")
    assert not stale, "\n".join(stale)


def test_graphql_forms_of_rest_operations_are_declarations_not_functions():
    found = sorted(f"{path.relative_to(ROOT).as_posix()}:{name}" for path in (ROOT / "handlers").rglob("*.py")
                   for name in re.findall(r"^def (graphql_\w+)", path.read_text(encoding="utf-8"), re.MULTILINE))
    assert len(found) <= MAX_GRAPHQL_ROOT_FUNCTIONS, found
