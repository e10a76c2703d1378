"""The language package's shape: no module imports in a circle, the expression compiler's core knows
no node module, and operators and quantifier kinds reach the compiler as enums."""

from __future__ import annotations

import ast as py
from pathlib import Path

from openwatt.language import ast
from openwatt.language.parser import parse_expression

LANGUAGE = Path(__file__).parents[2] / "engine" / "language"


def _module(path: Path) -> str:
    parts = ("openwatt", "language", *path.relative_to(LANGUAGE).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _runtime_nodes(tree: py.AST) -> list[py.AST]:
    """The nodes of `tree`, but those only a type checker runs (`if TYPE_CHECKING:`)."""
    nodes, stack = [], [tree]
    while stack:
        node = stack.pop()
        nodes.append(node)
        if isinstance(node, py.If) and isinstance(node.test, py.Name) and node.test.id == "TYPE_CHECKING":
            stack.extend(node.orelse)
            continue
        stack.extend(py.iter_child_nodes(node))
    return nodes


def _imports() -> dict[str, set[str]]:
    """Each module of openwatt.language -> the modules of openwatt.language it imports, anywhere in it
    (an import inside a function is still a dependency)."""
    modules = {_module(p): p for p in LANGUAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        graph[name] = set()
        for node in _runtime_nodes(py.parse(path.read_text())):
            if isinstance(node, py.ImportFrom):
                base = package[:len(package) - node.level + 1] if node.level else []
                target = ".".join([*base, *([node.module] if node.module else [])])
                targets = [f"{target}.{alias.name}" if f"{target}.{alias.name}" in modules else target
                           for alias in node.names]
            elif isinstance(node, py.Import):
                targets = [alias.name for alias in node.names]
            else:
                continue
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> list[str] | None:
        if name in path:
            return [*path[path.index(name):], name]
        if name in done:
            return None
        for target in sorted(graph[name]):
            if (found := visit(target, [*path, name])) is not None:
                return found
        done.add(name)
        return None
    return next((c for name in sorted(graph) if (c := visit(name, [])) is not None), None)


def test_no_module_of_the_language_imports_in_a_circle() -> None:
    assert _cycle(_imports()) is None


def test_the_expression_core_imports_no_node_module() -> None:
    assert {m for m in _imports()["openwatt.language.expressions.core"] if m.startswith("openwatt.language.expressions")} == set()


def test_operators_and_quantifier_kinds_are_enums() -> None:
    compare = parse_expression("a.b <= 2 * c", "t.policy", 1, 1)
    assert isinstance(compare, ast.Compare) and compare.op is ast.CompareOp.LE
    assert isinstance(compare.right, ast.Arithmetic) and compare.right.op is ast.ArithmeticOp.MULTIPLY
    quantifier = parse_expression("none(x in xs: x == 1)", "t.policy", 1, 1)
    assert isinstance(quantifier, ast.Quantifier) and quantifier.kind is ast.QuantifierKind.NONE
