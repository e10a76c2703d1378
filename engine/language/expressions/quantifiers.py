"""Quantifiers over a list: all, any, none and count of a condition, and the sum of a value."""

from __future__ import annotations

from typing import Any

from ...values.quantities import UNITS, Quantity
from ...values.verdicts import Reason
from .. import ast
from ..ast import ArithmeticOp, QuantifierKind
from ..runtime import Failure, Items, Mismatch, Scope, Unknown, format_path, unknown_failure
from ..types import ANY, BOOLEAN, NUMBER, Kind
from .arithmetic import apply_arithmetic
from .core import (PATHS, Compiled, Context, Local, as_condition, best, broken, compile_expr, each_bound, explanation,
                   item_paths)

_ADD = ArithmeticOp.ADD


@compile_expr.register
def _quantifier(node: ast.Quantifier, ctx: Context) -> Compiled:
    collection = compile_expr(node.collection, ctx)
    ct = collection.type
    if ct.kind not in (Kind.LIST, Kind.ANY):
        where = "after 'in'" if node.named else "before ':'"
        ctx.error("OW017", f"{node.kind}(...) needs a list {where}; {collection.text} is {ct.describe()}",
                  node.collection)
        return broken(node, ctx)
    var = node.variable
    taken = var in ctx.locals or var in ctx.lets or var in ctx.params or ctx.root.shape and ctx.root.shape.property(var)
    if node.named and taken:  # `it` (no variable written) may shadow an outer `it`
        ctx.error("OW023", f"'{var}' is already a name here; pick another name for the item", node)
    inner_ctx = ctx.within(locals={**ctx.locals, var: Local(ct.item or ANY)})
    if node.kind is QuantifierKind.SUM:
        return _sum(node, collection, compile_expr(node.condition, inner_ctx), ctx)
    condition = as_condition(compile_expr(node.condition, inner_ctx), inner_ctx,
                             f"the test after ':' in {node.kind}(...)")
    items_run, test, kind = collection.run, condition.run, node.kind
    locate = collection.locate

    def outcomes(scope: Scope, stop: Any = None) -> Any:
        """Each item's condition value, up to the first that is `stop`; or an Unknown for the whole list."""
        items = items_run(scope)
        if isinstance(items, Unknown):
            return items
        if not isinstance(items, list):
            return Mismatch(locate(scope) or (), items, "a list")
        return each_bound(scope, var, items, item_paths(items, locate, scope), test, stop)

    def count(scope: Scope) -> Any:
        results = outcomes(scope)
        return results if isinstance(results, Unknown) else sum(1 for r in results if r is True)

    # all(...) stops at the first item that is false, any(...) and none(...) at the first that is true;
    # an unknown item decides only when no item does.
    decisive = kind is not QuantifierKind.ALL
    none = kind is QuantifierKind.NONE  # none(...) is true when no item is

    def run(scope: Scope) -> Any:
        results = outcomes(scope, decisive)
        if isinstance(results, Unknown):
            return results
        if results and results[-1] is decisive:
            return decisive if not none else False
        if (unknown := next((r for r in results if isinstance(r, Unknown)), None)) is not None:
            return unknown
        return not decisive if not none else True

    explain_item = explanation(condition)

    def explain(scope: Scope) -> Failure:
        results = outcomes(scope)
        if isinstance(results, Unknown):
            return unknown_failure(results)
        items = items_run(scope)
        paths = item_paths(items, locate, scope)
        # A filtered list is named as written ("components[kind == ...]"), a plain one by its path.
        pure_path = isinstance(collection.node, PATHS) and not isinstance(items, Items)
        where = (format_path(locate(scope)) if pure_path else "") or collection.text
        if kind is QuantifierKind.ALL or kind is QuantifierKind.ANY and any(isinstance(r, Unknown) for r in results):
            bad = [i for i, r in enumerate(results) if r is not True]
            return best(each_bound(scope, var, [items[i] for i in bad], [paths[i] for i in bad], explain_item))
        if kind is QuantifierKind.ANY:
            detail = (f"{where} is empty; the policy requires at least one item" if not results else
                      f"no item of {where} satisfies {condition.text}")
            return Failure(Reason.VIOLATED, locate(scope), detail, ((where, f"{len(results)} items"),))
        offending = [format_path(paths[i]) for i, r in enumerate(results) if r is True]
        return Failure(Reason.VIOLATED, paths[results.index(True)],
                       f"{', '.join(offending)} {'satisfies' if len(offending) == 1 else 'satisfy'} {condition.text}; "
                       "the policy requires that none does", tuple((p, "matches") for p in offending))

    if kind is QuantifierKind.COUNT:
        return Compiled(count, NUMBER, node, ctx.text(node), locate)
    return Compiled(run, BOOLEAN, node, ctx.text(node), locate, explain)


def _sum(node: ast.Quantifier, collection: Compiled, term: Compiled, ctx: Context) -> Compiled:
    """`sum(h in hardware: h.count * h.duration)`: the total of a number or quantity over a list."""
    if term.type.kind not in (Kind.NUMBER, Kind.QUANTITY, Kind.ANY):
        ctx.error("OW017", f"sum(...) adds numbers or quantities; {term.text} is {term.type.describe()}", term.node)
        return broken(node, ctx)
    zero: Any = 0
    if term.type.kind is Kind.QUANTITY and term.type.dimension is not None:
        zero = Quantity(0, next(u for u in UNITS.values() if u.dimension == term.type.dimension))
    items_run, value_run, locate, var = collection.run, term.run, collection.locate, node.variable
    text, term_locate = ctx.text(node), term.locate

    def run(scope: Scope) -> Any:
        items = items_run(scope)
        if isinstance(items, Unknown):
            return items
        if not isinstance(items, list):
            return Mismatch(locate(scope) or (), items, "a list")
        total = zero
        vars_, where = scope.vars, scope.paths
        saved = vars_.get(var), where.get(var)
        try:
            for value, path in zip(items, item_paths(items, locate, scope)):
                vars_[var], where[var] = value, path
                x = value_run(scope)
                if isinstance(x, Unknown):
                    return x
                if isinstance(x, bool) or not isinstance(x, (int, float, Quantity)):
                    return Mismatch(term_locate(scope) or (), x, "a number or a quantity")
                total = (apply_arithmetic(_ADD, total, x, text, lambda: (None, term_locate(scope)))
                         if total is not zero else x)
                if isinstance(total, Unknown):
                    return total
        finally:
            vars_[var], where[var] = saved
        return total
    return Compiled(run, term.type if term.type.kind is not Kind.ANY else ANY, node, text, locate)
