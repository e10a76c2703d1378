"""Arithmetic on numbers, quantities and dates (with their units and the calendar), and negation."""

from __future__ import annotations

import datetime as dt
import math
import operator
from collections.abc import Callable
from typing import Any

from ...values.quantities import TIME, DimensionError, Quantity, unit
from .. import ast
from ..ast import ArithmeticOp
from ..runtime import EvalError, Mismatch, Path, Scope, Unknown, kind_of, show
from ..types import ANY, DATE, NUMBER, Kind, Type, quantity
from .core import Compiled, Context, broken, compile_expr, constant


# As globals: reading an enum member costs more, and apply_arithmetic runs for every calculation.
_ADD, _SUBTRACT, _MULTIPLY, _DIVIDE = ArithmeticOp.ADD, ArithmeticOp.SUBTRACT, ArithmeticOp.MULTIPLY, ArithmeticOp.DIVIDE
_ARITHMETIC = {_ADD: operator.add, _SUBTRACT: operator.sub, _MULTIPLY: operator.mul, _DIVIDE: operator.truediv}
_ADDITIVE = (_ADD, _SUBTRACT)


def _arithmetic_type(op: ArithmeticOp, a: Type, b: Type, node: ast.Arithmetic, left: Compiled, right: Compiled,
                     ctx: Context) -> Type | None:
    if Kind.ANY in (a.kind, b.kind):
        return ANY
    ka, kb = a.kind, b.kind
    if ka is Kind.NUMBER and kb is Kind.NUMBER:
        return NUMBER
    if ka is Kind.DATE and kb is Kind.DATE and op is _SUBTRACT:
        return quantity(TIME)
    if ka is Kind.DATE and kb is Kind.QUANTITY and op in _ADDITIVE and b.dimension in (TIME, None):
        return DATE
    if ka is Kind.QUANTITY and kb is Kind.QUANTITY:
        if op in _ADDITIVE:
            if a.dimension and b.dimension and a.dimension != b.dimension:
                ctx.error("OW016", f"cannot {'add' if op is _ADD else 'subtract'} {right.text} ({b.describe()}) "
                          f"{'to' if op is _ADD else 'from'} {left.text} ({a.describe()})", node)
                return None
            return a
        if a.dimension is None or b.dimension is None:
            return quantity()
        dim = a.dimension * b.dimension if op is _MULTIPLY else a.dimension / b.dimension
        return NUMBER if not dim.exponents else quantity(dim)
    if {ka, kb} == {Kind.QUANTITY, Kind.NUMBER} and (op is _MULTIPLY or (op is _DIVIDE and kb is Kind.NUMBER)):
        return a if ka is Kind.QUANTITY else b
    ctx.error("OW017", f"cannot apply '{op}' to {left.text} ({a.describe()}) and {right.text} ({b.describe()})", node)
    return None


@compile_expr.register
def _arithmetic(node: ast.Arithmetic, ctx: Context) -> Compiled:
    left, right = compile_expr(node.left, ctx), compile_expr(node.right, ctx)
    t = _arithmetic_type(node.op, left.type, right.type, node, left, right, ctx)
    if t is None:
        return broken(node, ctx)
    op, a, b, text = node.op, left.run, right.run, ctx.text(node)

    def run(scope: Scope) -> Any:
        x, y = a(scope), b(scope)
        if isinstance(x, Unknown):
            return x
        if isinstance(y, Unknown):
            return y
        return apply_arithmetic(op, x, y, text, lambda: (left.locate(scope), right.locate(scope)))
    if left.constant and right.constant:
        try:
            value = run(None)  # type: ignore[arg-type]
        except (EvalError, ArithmeticError, ValueError) as err:  # what breaks a rule at run time, seen early
            ctx.error("OW017", str(err), node, "this calculation uses only constants and cannot be done; "
                      "check its numbers and units")
            return broken(node, ctx)
        return constant(value, node, ctx, t)
    def locate(scope: Scope) -> Path | None:  # the evidence a calculation is made of, for the finding
        return left.locate(scope) or right.locate(scope)
    return Compiled(run, t, node, text, locate)


_CALENDAR = {"month": 1, "months": 1, "year": 12, "years": 12, "yr": 12}


def shift_date(date: dt.date, by: Quantity) -> dt.date:
    """`date + 6 months` on the calendar, as a deadline is read: 2025-08-31 + 6 months is 2026-02-28
    (the day kept, or the month's last day). Days, weeks and hours are exact; a part-day is dropped."""
    per_unit = _CALENDAR.get(by.unit.symbol)
    try:
        if per_unit is not None and float(by.magnitude).is_integer():
            months = date.month - 1 + int(by.magnitude) * per_unit
            year, month = date.year + months // 12, months % 12 + 1
            last_day = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
            return dt.date(year, month, min(date.day, last_day))
        return date + dt.timedelta(days=int(by.to("days").magnitude))
    except (ValueError, OverflowError):  # past year 9999, or an infinite span
        raise EvalError(f"{date.isoformat()} + {show(by)} is not a date between the years 1 and 9999") from None


def apply_arithmetic(op: ArithmeticOp, x: Any, y: Any, text: str,
                     where: Callable[[], tuple[Any, Any]] | None = None) -> Any:
    """x op y for present values; EvalError for what a rule cannot do (division by zero)."""
    if isinstance(x, dt.date) and isinstance(y, dt.date) and op is _SUBTRACT:
        return Quantity((x - y).days, unit("days"))
    if isinstance(x, dt.date) and isinstance(y, Quantity) and y.dimension == TIME and (op is _ADD or op is _SUBTRACT):
        return shift_date(x, y if op is _ADD else -y)
    numeric = (int, float, Quantity)
    if not (isinstance(x, numeric) and isinstance(y, numeric)) or isinstance(x, bool) or isinstance(y, bool):
        paths = where() if where else (None, None)
        bad, path = (x, paths[0]) if not isinstance(x, numeric) or isinstance(x, bool) else (y, paths[1])
        return Mismatch(path or (), bad, "a number or a quantity")
    if op is _DIVIDE and (y == 0 if not isinstance(y, Quantity) else y.magnitude == 0):
        raise EvalError(f"division by zero in {text}")
    try:
        result = _ARITHMETIC[op](x, y)
        if isinstance(result, float) and not math.isfinite(result):
            raise EvalError(f"{text} is too large for a number")
        return result
    except DimensionError as err:
        raise EvalError(f"{err} in {text}") from None
    except TypeError:  # a number and a quantity added: the value read from the document is of the wrong kind
        paths = where() if where else (None, None)
        bad, path, other = (x, paths[0], y) if paths[0] is not None else (y, paths[1], x)
        return Mismatch(path or (), bad, kind_of(other))


@compile_expr.register
def _negate(node: ast.Negate, ctx: Context) -> Compiled:
    inner = compile_expr(node.value, ctx)
    if inner.type.kind not in (Kind.NUMBER, Kind.QUANTITY, Kind.ANY):
        ctx.error("OW017", f"cannot negate {inner.text} ({inner.type.describe()})", node)
        return broken(node, ctx)
    a = inner.run

    def run(scope: Scope) -> Any:
        x = a(scope)
        if isinstance(x, Unknown):
            return x
        if isinstance(x, (int, float, Quantity)) and not isinstance(x, bool):
            return -x
        return Mismatch(inner.locate(scope) or (), x, "a number or a quantity")
    if inner.constant:
        return constant(run(None), node, ctx, inner.type)  # type: ignore[arg-type]
    return Compiled(run, inner.type, node, ctx.text(node))
