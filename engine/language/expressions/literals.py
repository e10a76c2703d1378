"""Literals: numbers, text, booleans, null, dates, quantities with their units, and lists."""

from __future__ import annotations

import datetime as dt
import math

from ...values.quantities import Quantity, QuantityError, unit
from .. import ast
from ..types import DATE, LIST, list_of, quantity
from .core import Compiled, Context, broken, compile_expr, constant, type_of_value


@compile_expr.register
def _literal(node: ast.Literal, ctx: Context) -> Compiled:
    if isinstance(node.value, float) and not math.isfinite(node.value):
        return _too_large(node, ctx)
    return constant(node.value, node, ctx, type_of_value(node.value))


def _too_large(node: ast.Literal | ast.QuantityLiteral, ctx: Context) -> Compiled:
    written = ctx.text(node)
    shown = written if len(written) <= 40 else f"{written[:37]}..."
    ctx.error("OW025", f"{shown} is too large for a number", node,
              "numbers go up to about 1.8e308; for a quantity, a larger unit keeps the number small (1.8 TWh)")
    return broken(node, ctx)


@compile_expr.register
def _date(node: ast.DateLiteral, ctx: Context) -> Compiled:
    try:
        value = dt.date.fromisoformat(node.text)
    except ValueError:
        ctx.error("OW019", f"{node.text} is not a calendar date", node, "write a date as YYYY-MM-DD, e.g. 2025-08-02")
        return broken(node, ctx)
    return constant(value, node, ctx, DATE)


@compile_expr.register
def _quantity(node: ast.QuantityLiteral, ctx: Context) -> Compiled:
    if not math.isfinite(node.magnitude):
        return _too_large(node, ctx)
    try:
        value = Quantity(node.magnitude, unit(node.unit))
    except QuantityError as err:
        ctx.error("OW015", err.message, node, err.hint)
        return broken(node, ctx)
    return constant(value, node, ctx, quantity(value.dimension))


@compile_expr.register
def _list(node: ast.ListLiteral, ctx: Context) -> Compiled:
    items = [compile_expr(item, ctx) for item in node.items]
    kinds = {i.type for i in items}
    type_ = list_of(kinds.pop()) if len(kinds) == 1 else LIST
    if all(i.constant for i in items):
        return constant([i.run(None) for i in items], node, ctx, type_)  # type: ignore[arg-type]
    runs = [i.run for i in items]
    return Compiled(lambda scope: [r(scope) for r in runs], type_, node, ctx.text(node))
