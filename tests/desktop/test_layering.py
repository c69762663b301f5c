"""The client's layers hold (net → controllers → models → views, with the session wiring them): read from the
import statements of every desktop module, type-only imports included, so a shortcut cannot creep in."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

DESKTOP = Path(__file__).resolve().parents[2] / "desktop"


def module_name(path: Path) -> str:
    parts = path.relative_to(DESKTOP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every module the file imports, anywhere in it (functions and TYPE_CHECKING blocks too)."""
    found: set[str] = set()
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                parent = ".".join(base)
                base_name = f"{parent}.{node.module}" if node.module else parent
            else:
                base_name = node.module or ""
            found.add(base_name)
            found.update(f"{base_name}.{alias.name}" for alias in node.names)
    return found


MODULES = {module_name(path): path for path in sorted(DESKTOP.rglob("*.py"))}
IMPORTS = {name: imports_of(path) for name, path in MODULES.items()}


def within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def offending(layer: str, forbidden: tuple[str, ...]) -> list[str]:
    return sorted(
        f"{module} imports {imported}"
        for module, imported_names in IMPORTS.items()
        if within(module, layer)
        for imported in imported_names
        if any(within(imported, banned) for banned in forbidden)
    )


@pytest.mark.parametrize(
    ("layer", "forbidden"),
    [
        ("desktop.views", ("desktop.net", "desktop.session", "desktop.cache")),
        ("desktop.models", ("desktop.net", "desktop.session", "desktop.controller", "PySide6.QtWidgets")),
        ("desktop.domain", ("desktop.net", "desktop.session", "desktop.controller", "PySide6")),
        ("desktop.net", ("desktop.session", "desktop.controller", "desktop.views", "PySide6.QtWidgets")),
        ("desktop.controller", ("desktop.session", "desktop.views", "PySide6.QtWidgets")),
    ],
)
def test_a_layer_never_imports_the_layers_it_must_not_know(layer, forbidden):
    assert offending(layer, forbidden) == []


def desktop_edges() -> dict[str, set[str]]:
    """Module → the desktop modules it imports (``from desktop.x import name`` counts x, or x.name when
    that is a module)."""
    edges: dict[str, set[str]] = {}
    for module, imported_names in IMPORTS.items():
        edges[module] = {name for name in imported_names if name in MODULES and name != module}
    return edges


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    visiting: list[str] = []
    done: set[str] = set()

    def visit(module: str) -> list[str] | None:
        if module in visiting:
            return [*visiting[visiting.index(module) :], module]
        if module in done:
            return None
        visiting.append(module)
        for target in sorted(edges.get(module, ())):
            cycle = visit(target)
            if cycle:
                return cycle
        visiting.pop()
        done.add(module)
        return None

    for module in sorted(edges):
        cycle = visit(module)
        if cycle:
            return cycle
    return None


def test_desktop_modules_import_each_other_without_cycles():
    """A package's __init__ re-exporting its modules is not a cycle: the modules never import it back."""
    assert find_cycle(desktop_edges()) is None


def test_the_cycle_check_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
