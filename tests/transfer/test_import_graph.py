"""The transfer package's modules import each other without a circle (issue 14): the engine and the
fast path share `rows.py`, and no module reaches back to one that imports it, even inside a function."""

from __future__ import annotations

import ast
from pathlib import Path

import shanhai.transfer

PACKAGE = "shanhai.transfer"


def _imports() -> dict[str, set[str]]:
    """Each module of the package → the package's modules it imports (at the top or inside a function)."""
    root = Path(shanhai.transfer.__file__).parent
    modules = {f"{PACKAGE}.{p.stem}": p for p in root.glob("*.py") if p.stem != "__init__"}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                if node.module == PACKAGE:
                    found.update(f"{PACKAGE}.{a.name}" for a in node.names)
                elif node.module.startswith(PACKAGE + "."):
                    found.add(node.module)
            elif isinstance(node, ast.Import):
                found.update(a.name for a in node.names if a.name.startswith(PACKAGE + "."))
        graph[name] = {m for m in found if m in modules and m != name}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    """One circle of imports, or [] (depth-first search)."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(m: str) -> list[str]:
        state[m] = 1
        path.append(m)
        for d in sorted(graph[m]):
            if state.get(d) == 1:
                return path[path.index(d):] + [d]
            if d not in state and (found := visit(d)):
                return found
        path.pop()
        state[m] = 2
        return []

    for m in sorted(graph):
        if m not in state and (found := visit(m)):
            return found
    return []


def test_engine_and_fast_path_share_rows_module() -> None:
    graph = _imports()
    assert f"{PACKAGE}.fastpath" in graph[f"{PACKAGE}.engine"]
    assert f"{PACKAGE}.engine" not in graph[f"{PACKAGE}.fastpath"]
    assert f"{PACKAGE}.rows" in graph[f"{PACKAGE}.fastpath"] & graph[f"{PACKAGE}.engine"]


def test_no_import_circle_in_transfer() -> None:
    assert _cycle(_imports()) == []


def test_a_circle_is_found() -> None:
    """The search itself: a planted circle is reported."""
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) == []
