"""Logical conditions: and, or, not, and the presence of evidence (exists, missing); each explains itself."""

from __future__ import annotations

from typing import Any

from ...values.text import blank
from ...values.verdicts import Reason
from .. import ast
from ..runtime import Failure, Items, Missing, Scope, Unknown, format_path, show, unknown_failure
from ..types import BOOLEAN
from .core import PATHS, Compiled, Context, as_condition, best, broken, compile_expr, explain_known, explanation


@compile_expr.register
def _and(node: ast.And, ctx: Context) -> Compiled:
    left = as_condition(compile_expr(node.left, ctx), ctx, "each side of 'and'")
    right = as_condition(compile_expr(node.right, ctx), ctx, "each side of 'and'")
    a, b = left.run, right.run

    def run(scope: Scope) -> Any:
        x = a(scope)
        if x is False:
            return False
        y = b(scope)
        if y is False:
            return False
        return x if x is not True else y  # Unknown if either is unknown

    ea, eb = explanation(left), explanation(right)

    def explain(scope: Scope) -> Failure:
        # A side that is false decides `and` on its own (false and unknown is false): explain that one.
        outcomes = [(r(scope), e) for e, r in ((ea, a), (eb, b))]
        decisive = [e for value, e in outcomes if value is False] or [e for value, e in outcomes if value is not True]
        return best([e(scope) for e in decisive])
    return Compiled(run, BOOLEAN, node, ctx.text(node), explain=explain)


def _one_of_hint(node: ast.Or, ctx: Context) -> str | None:
    """`method == "a" or "b"`, English for one of two texts: the hint to write `method in ["a", "b"]`."""
    left, right = node.left, node.right
    if not (isinstance(right, ast.Literal) and isinstance(right.value, str) and isinstance(left, ast.Compare)
            and left.op is ast.CompareOp.EQ and isinstance(left.right, ast.Literal)
            and isinstance(left.right.value, str)):
        return None
    return f"to accept either, write {ctx.text(left.left)} in [{ctx.text(left.right)}, {ctx.text(right)}]"


@compile_expr.register
def _or(node: ast.Or, ctx: Context) -> Compiled:
    if (hint := _one_of_hint(node, ctx)) is not None:
        ctx.error("OW017", f"each side of 'or' must be a condition, but {ctx.text(node.right)} is a string",
                  node.right, hint)
        return broken(node, ctx)
    left = as_condition(compile_expr(node.left, ctx), ctx, "each side of 'or'")
    right = as_condition(compile_expr(node.right, ctx), ctx, "each side of 'or'")
    a, b = left.run, right.run

    def run(scope: Scope) -> Any:
        x = a(scope)
        if x is True:
            return True
        y = b(scope)
        if y is True:
            return True
        return x if isinstance(x, Unknown) else y

    ea, eb = explanation(left), explanation(right)

    def explain(scope: Scope) -> Failure:
        first, second = ea(scope), eb(scope)
        decisive = best([first, second])
        if first.missing and second.missing:  # missing: a, or b
            missing = tuple(dict.fromkeys((*first.missing, *second.missing)))
            return Failure(decisive.reason, decisive.path, "missing: " + ", or ".join(missing),
                           first.values + second.values, missing)
        return Failure(decisive.reason, decisive.path, f"neither holds: {first.detail}; {second.detail}",
                       first.values + second.values)
    return Compiled(run, BOOLEAN, node, ctx.text(node), explain=explain)


@compile_expr.register
def _not(node: ast.Not, ctx: Context) -> Compiled:
    inner = as_condition(compile_expr(node.value, ctx), ctx, "the operand of 'not'")
    a, locate, text = inner.run, inner.locate, inner.text

    def run(scope: Scope) -> Any:
        x = a(scope)
        return (not x) if isinstance(x, bool) else x

    def violated(scope: Scope) -> Failure:
        return Failure(Reason.VIOLATED, locate(scope), f"{text} holds; the policy requires it not to")
    return Compiled(run, BOOLEAN, node, ctx.text(node), locate, explain_known(a, violated))


@compile_expr.register
def _presence(node: ast.Presence, ctx: Context) -> Compiled:
    inner = compile_expr(node.value, ctx)
    return presence_of(inner, node.present, node, ctx)


def _present(x: Any) -> bool:
    """Evidence is there: not missing, not blank text, not an empty list or mapping; a projection
    (`components.license`) is there when at least one item has it."""
    if isinstance(x, Missing) or x is None:
        return False
    if isinstance(x, str):
        return not blank(x)  # whitespace and invisible characters only: absent (values/text.py)
    if isinstance(x, Items):
        return any(_present(v) for v in x)
    if isinstance(x, (list, dict)):
        return len(x) > 0
    return True


def presence_of(inner: Compiled, present: bool, node: ast.Expr, ctx: Context) -> Compiled:
    """`inner exists` (present) or `inner missing`; also `x != null` and `x == null`."""
    a, locate, text = inner.run, inner.locate, inner.text

    def exists(scope: Scope) -> bool:
        return _present(a(scope))

    run = exists if present else (lambda scope: not exists(scope))

    def explain(scope: Scope) -> Failure:
        x = a(scope)
        if present:
            if isinstance(x, Unknown):
                return unknown_failure(x)
            path = locate(scope)  # present but empty: say it as written (a filter reads better than its list)
            where = format_path(path) if path and isinstance(inner.node, PATHS) and not isinstance(x, Items) else text
            return Failure(Reason.MISSING, path, f"missing: {where}", ((where, "missing"),))
        where = format_path(locate(scope)) or text
        return Failure(Reason.VIOLATED, locate(scope), f"{where} is {show(x)}; the policy requires it to be absent",
                       ((where, show(x)),))
    return Compiled(run, BOOLEAN, node, ctx.text(node), locate, explain)
