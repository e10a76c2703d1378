"""`openwatt policy lint`: a policy's compile errors plus style warnings (codes OW1xx, docs/errors.md).

A warning is a PolicyError like any other (code, message, span, hint), so it renders the same way; only
its code says it is a warning. The checks read the syntax tree and need no disclosure.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from . import ast
from .errors import PolicyError, PolicyErrors
from .loader import PolicyLoader
from .parser import parse_policy

NO_CITE = "OW101"
NO_FIX = "OW102"
UNUSED_PARAM = "OW103"
UNUSED_LET = "OW104"
NEVER_HOLDS = "OW105"
TEXT_WITH_COMMAS = "OW106"
WARNINGS = (NO_CITE, NO_FIX, UNUSED_PARAM, UNUSED_LET, NEVER_HOLDS, TEXT_WITH_COMMAS)


def lint_file(path: Path, source: str, loader: PolicyLoader) -> tuple[list[PolicyError], dict[str, str]]:
    """The compile errors and style warnings of the policy in `path` (already read as `source`), in
    source order, with the text of every file they are in (for rendering)."""
    file = str(path)
    try:
        loader.load(path)
        errors: list[PolicyError] = []
        sources = {file: source}
    except PolicyErrors as err:
        errors, sources = list(err.errors), {file: source, **err.sources}
    try:
        tree = parse_policy(source, file)
    except PolicyErrors:
        return errors, sources  # the syntax errors are among `errors` already
    found = [*errors, *warnings(tree)]
    return list(PolicyErrors(found).errors), sources


def warnings(tree: ast.PolicyFile) -> Iterator[PolicyError]:
    """The style warnings of one parsed policy."""
    read = [_names([item]) for item in tree.items]  # the names each item reads

    def elsewhere(index: int) -> set[str]:
        return set().union(*(names for i, names in enumerate(read) if i != index))

    for index, item in enumerate(tree.items):
        if isinstance(item, ast.Param) and item.name not in elsewhere(index):
            yield PolicyError(UNUSED_PARAM, f"param '{item.name}' is never used", _head(item, "param", item.name),
                              "use it in a rule or a let, or remove it")
        elif isinstance(item, ast.Let) and item.name not in elsewhere(index):
            yield PolicyError(UNUSED_LET, f"let '{item.name}' is never used", _head(item, "let", item.name),
                              "use it in a rule, or remove it")
        elif isinstance(item, ast.Rule):
            yield from _rule(item)
    # A text param is a constant string too: `param methods = "measured, estimated"` read with `in`.
    texts = {item.name: item.value.value for item in tree.items if isinstance(item, ast.Param)
             and isinstance(item.value, ast.Literal) and isinstance(item.value.value, str)}
    for node in ast.walk(tree):
        if not isinstance(node, ast.In):
            continue
        container = node.container
        if isinstance(container, ast.Literal) and isinstance(container.value, str) and "," in container.value:
            yield PolicyError(TEXT_WITH_COMMAS, "'in' on a text with commas tests for a part of that text",
                              container.span, f"to test for one of several values, write a list: "
                              f"{_as_list(container.value)}")
        elif isinstance(container, ast.Name) and "," in str(texts.get(container.name, "")):
            written = texts[container.name]
            yield PolicyError(TEXT_WITH_COMMAS, f"'in' on the text param '{container.name}' (\"{written}\") "
                              "tests for a part of that text", container.span,
                              f"to test for one of several values, declare a list: "
                              f"param {container.name} = {_as_list(str(written))}")


def _as_list(text: str) -> str:
    """`"a, b"` written as the list it almost certainly meant: `["a", "b"]`."""
    return "[" + ", ".join(f'"{part.strip()}"' for part in text.split(",") if part.strip()) + "]"


def _rule(rule: ast.Rule) -> Iterator[PolicyError]:
    keywords = {f.keyword for f in rule.body if isinstance(f, ast.Field)}
    if "cite" not in keywords:
        yield PolicyError(NO_CITE, f"rule '{rule.id}' has no cite", rule.id_span,
                          'add cite "..." naming where the requirement comes from')
    if "fix" not in keywords:
        yield PolicyError(NO_FIX, f"rule '{rule.id}' has no fix", rule.id_span,
                          'add fix "..." saying what to change in the disclosure to pass')
    for i, node in enumerate(rule.body):
        if isinstance(node, ast.Let) and node.name not in _names(rule.body[i + 1:]):
            yield PolicyError(UNUSED_LET, f"let '{node.name}' is never used", _head(node, "let", node.name),
                              "use it below in the rule, or remove it")
        if isinstance(node, ast.Field) and node.keyword == "when" and isinstance(node.value, ast.Expr) \
                and constant(node.value) is False:
            yield PolicyError(NEVER_HOLDS, "this 'when' can never hold, so the rule never applies", node.value.span,
                              "compare a path of the disclosure, not two fixed values")


def _names(nodes: Iterable[ast.Node]) -> set[str]:
    """Every name read by the expressions under `nodes`."""
    found: set[str] = set()
    for node in nodes:
        found |= {n.name for n in ast.walk(node) if isinstance(n, ast.Name)}
    return found


def _head(node: ast.Node, keyword: str, name: str) -> ast.Span:
    """The span of `keyword name` at the start of `node`."""
    s = node.span
    return ast.Span(s.file, s.line, s.column, s.line, s.column + len(keyword) + 1 + len(name))


def constant(expr: ast.Expr) -> bool | None:
    """The truth of a condition made of fixed values only (True, False), else None (it depends on the input)."""
    if isinstance(expr, ast.Literal) and isinstance(expr.value, bool):
        return expr.value
    if isinstance(expr, ast.Not):
        inner = constant(expr.value)
        return None if inner is None else not inner
    if isinstance(expr, (ast.And, ast.Or)):
        left, right = constant(expr.left), constant(expr.right)
        if isinstance(expr, ast.And):
            return False if False in (left, right) else (True if left is right is True else None)
        return True if True in (left, right) else (False if left is right is False else None)
    if isinstance(expr, ast.Compare) and isinstance(expr.left, ast.Literal) and isinstance(expr.right, ast.Literal):
        a, b = expr.left.value, expr.right.value
        if expr.op is ast.CompareOp.EQ:
            return a == b
        if expr.op is ast.CompareOp.NE:
            return a != b
        both_numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (a, b))
        if both_numbers or (isinstance(a, str) and isinstance(b, str)):
            return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[expr.op.value]  # type: ignore[operator]
    return None
