"""The layer rules of ../shared/ARCHITECTURE.md ("Rules of the house"), checked on the source.

Every module of engine/ is parsed with `ast` (nothing is imported or run) and its imports of our own
modules become a graph: relative imports resolved, `from package import module` read as an import of the
module, imports under `if TYPE_CHECKING:` left out (they never run). Imports inside a function count for
the layer rules, and say so in the message; the cycle check is over module-level imports only, since a
function-level import is how a module legitimately reaches one that imports it. A failure names the
importing module, the imported one, the file and the line.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "openwatt"  # engine/ is imported as `openwatt` (pyproject.toml maps it)

# Import cycles that exist today and are being removed; a new cycle fails the test. Each entry is the
# set of modules of one cycle; a cycle among some of them only (the known one shrinking) is allowed too.
KNOWN_CYCLES: dict[str, frozenset[str]] = {}

# Layer-rule violations that exist today, as (importer, imported); none.
KNOWN_VIOLATIONS: frozenset[tuple[str, str]] = frozenset()


@dataclass(frozen=True, slots=True)
class Import:
    """One import of one of our modules by another, where it is written."""

    importer: str
    imported: str
    file: str
    line: int
    in_function: bool

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" + (", inside a function" if self.in_function else "")
        return f"{self.importer} imports {self.imported} ({where})"


def module_names(root: Path, package: str) -> dict[str, Path]:
    """Every module of the package folder `root` by its dotted name (a package by its own name)."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join((package, *parts))] = path
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _import_nodes(node: ast.AST, in_function: bool = False) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    """Each import statement under `node` and whether a function encloses it; `if TYPE_CHECKING:` bodies
    are skipped (their `else:` is not)."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.Import, ast.ImportFrom)):
            yield child, in_function
        elif isinstance(child, ast.If) and _is_type_checking(child.test):
            for other in child.orelse:
                yield from _import_nodes(ast.Module(body=[other], type_ignores=[]), in_function)
        else:
            nested = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            yield from _import_nodes(child, nested)


def _targets(node: ast.Import | ast.ImportFrom, module: str, is_package: bool, known: Iterable[str],
             package: str) -> Iterator[str]:
    """The modules of ours one import statement in `module` imports (the most specific name each time)."""
    known = set(known)
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.name == package or alias.name.startswith(package + "."):
                yield alias.name
        return
    if node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[:len(base) - (node.level - 1)]
        source = ".".join([*base, *([node.module] if node.module else [])])
    else:
        source = node.module or ""
        if source != package and not source.startswith(package + "."):
            return
    for alias in node.names:
        submodule = f"{source}.{alias.name}"
        yield submodule if submodule in known else source


def scan(root: Path, package: str = PACKAGE) -> list[Import]:
    """Every import of one of our modules by another, in file and line order."""
    modules = module_names(root, package)
    found = []
    for module, path in modules.items():
        tree = ast.parse(path.read_bytes(), filename=str(path))
        for node, in_function in _import_nodes(tree):
            for target in _targets(node, module, path.name == "__init__.py", modules, package):
                if target != module:
                    found.append(Import(importer=module, imported=target, line=node.lineno, in_function=in_function,
                                        file=path.relative_to(root.parent).as_posix()))
    return sorted(found, key=lambda i: (i.file, i.line, i.imported))


def cycles(imports: Iterable[Import]) -> list[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan), over module-level imports."""
    graph: dict[str, set[str]] = {}
    for imp in imports:
        if not imp.in_function:
            graph.setdefault(imp.importer, set()).add(imp.imported)
            graph.setdefault(imp.imported, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []

    def visit(node: str) -> None:  # recursion depth is bounded by the number of modules
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
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

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found, key=sorted)


def _layer(module: str, package: str = PACKAGE) -> str:
    """The first level under the package: `language` for openwatt.language.parser, `checking` for a module."""
    return module.removeprefix(package + ".").split(".")[0] if module != package else ""


def layer_violations(imports: Iterable[Import], package: str = PACKAGE) -> list[str]:
    """Each import that breaks a rule of the house, with the rule it breaks."""
    found = []
    for imp in imports:
        source, target = _layer(imp.importer, package), _layer(imp.imported, package)
        if source == target:
            continue
        if source == "language" and target in ("documents", "reports", "audit", "cli"):
            rule = "`language` never imports `documents`, `reports`, `audit` or `cli`"
        elif source == "reports" and target == "language":
            rule = "`reports` never imports `language`"
        elif target == "cli" and source != "__main__":
            rule = "nothing imports `cli` (but `cli` itself and `__main__`)"
        elif source == "values":
            rule = "`values` imports nothing of ours outside `values`"
        else:
            continue
        if (imp.importer, imp.imported) not in KNOWN_VIOLATIONS:
            found.append(f"{imp}: {rule}")
    return found


@pytest.fixture(scope="module")
def imports() -> list[Import]:
    return scan(ROOT / "engine")


def test_the_layer_rules_hold(imports: list[Import]) -> None:
    found = layer_violations(imports)
    assert not found, "imports against ARCHITECTURE.md's rules of the house:\n" + "\n".join(found)


def test_there_is_no_new_import_cycle(imports: list[Import]) -> None:
    new = [c for c in cycles(imports) if not any(c <= known for known in KNOWN_CYCLES.values())]
    messages = []
    for component in new:
        edges = [str(i) for i in imports if not i.in_function and i.importer in component and i.imported in component]
        messages.append(f"modules that import each other: {', '.join(sorted(component))}\n  " + "\n  ".join(edges))
    assert not messages, ("\n".join(messages) + "\nhint: move what they share into a small module both import, "
                          "or import inside the function that needs it")


def test_every_known_cycle_is_still_there(imports: list[Import]) -> None:
    found = cycles(imports)
    gone = [name for name, known in KNOWN_CYCLES.items() if not any(c <= known for c in found)]
    assert not gone, f"no longer a cycle: {', '.join(gone)}; delete its entry of KNOWN_CYCLES in this file"


def test_every_known_violation_is_still_there(imports: list[Import]) -> None:
    fixed = sorted(KNOWN_VIOLATIONS - {(i.importer, i.imported) for i in imports})
    assert not fixed, f"no longer imported, delete from KNOWN_VIOLATIONS: {fixed}"


def test_the_graph_is_read_from_the_whole_package(imports: list[Import]) -> None:
    # Guards the scanner itself: relative imports of modules, of packages and of names are all resolved.
    pairs = {(i.importer, i.imported) for i in imports}
    assert ("openwatt.cli.main", "openwatt.cli.check") in pairs  # from . import check
    assert ("openwatt.__main__", "openwatt.cli.main") in pairs  # from .cli.main import main
    assert ("openwatt.reports.terminal", "openwatt.findings") in pairs  # from ..findings import Finding
    assert len(module_names(ROOT / "engine", PACKAGE)) > 40


# ---- the scanner on a package of its own ----------------------------------------------------------


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "pkg"
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_imports_are_resolved_and_located(tmp_path: Path) -> None:
    root = _package(tmp_path, {
        "__init__.py": "from .language import parser\n",
        "language/__init__.py": "from . import parser\nfrom .parser import parse as p\n",
        "language/parser.py": ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..cli import main\n"
                               "import pkg.values\n\ndef f():\n    from .. import cli\n"),
        "values.py": "import os\n",
        "cli/__init__.py": "",
        "cli/main.py": "",
    })
    assert [str(i) for i in scan(root, "pkg")] == [
        "pkg imports pkg.language.parser (pkg/__init__.py:1)",
        "pkg.language imports pkg.language.parser (pkg/language/__init__.py:1)",
        "pkg.language imports pkg.language.parser (pkg/language/__init__.py:2)",
        "pkg.language.parser imports pkg.values (pkg/language/parser.py:4)",
        "pkg.language.parser imports pkg.cli (pkg/language/parser.py:7, inside a function)",
    ]
    assert layer_violations(scan(root, "pkg"), "pkg") == [
        "pkg.language.parser imports pkg.cli (pkg/language/parser.py:7, inside a function): "
        "`language` never imports `documents`, `reports`, `audit` or `cli`"]


def test_a_cycle_is_found_over_module_level_imports_only(tmp_path: Path) -> None:
    root = _package(tmp_path, {
        "__init__.py": "",
        "a.py": "from . import b\n",
        "b.py": "from .c import x\n",
        "c.py": "import pkg.a\n",
        "d.py": "from . import a\n",  # into the cycle, not part of it
        "e.py": "from . import f\n",
        "f.py": "def g():\n    from . import e\n",  # a cycle only through a function: allowed
    })
    assert cycles(scan(root, "pkg")) == [frozenset({"pkg.a", "pkg.b", "pkg.c"})]
