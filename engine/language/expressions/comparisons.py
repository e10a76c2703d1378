"""Comparisons: ==, !=, <, <=, >, >= between numbers, dates, quantities and text, `in` and `matches`;
each explains itself in the words of the disclosure's path."""

from __future__ import annotations

import datetime as dt
import operator
from typing import Any

from ...values.patterns import PatternError, compile_pattern
from ...values.quantities import Quantity, QuantityError, parse_quantity
from ...values.verdicts import Reason
from .. import ast
from ..ast import CompareOp
from ..errors import did_you_mean
from ..runtime import Failure, Mismatch, Scope, Unknown, approximate, format_path, kind_of, show
from ..types import BOOLEAN, Kind, assignable
from .conditions import presence_of
from .core import PATHS, Compiled, Context, Locate, broken, compile_expr, constant, explain_known, type_of_value


# As globals: reading an enum member costs more, and compare_values runs for every comparison.
_EQ, _NE, _LT, _LE, _GT, _GE = (CompareOp.EQ, CompareOp.NE, CompareOp.LT, CompareOp.LE, CompareOp.GT, CompareOp.GE)
_ORDER = {_LT: operator.lt, _LE: operator.le, _GT: operator.gt, _GE: operator.ge}
_WORDS = {_EQ: "", _NE: "not ", _LT: "less than ", _LE: "at most ", _GT: "more than ", _GE: "at least "}
_FLIP = {_EQ: _EQ, _NE: _NE, _LT: _GT, _LE: _GE, _GT: _LT, _GE: _LE}  # a < b is b > a
_COMPARABLE = {Kind.NUMBER, Kind.DATE, Kind.QUANTITY}


def _static_compare(op: CompareOp, left: Compiled, right: Compiled, node: ast.Expr, ctx: Context) -> bool:
    a, b = left.type, right.type
    if a.kind is Kind.ANY or b.kind is Kind.ANY:
        return True
    if a.kind is Kind.QUANTITY and b.kind is Kind.QUANTITY:
        if a.dimension is not None and b.dimension is not None and a.dimension != b.dimension:
            example = a.example() if not left.constant else b.example()
            ctx.error("OW016", f"cannot compare {left.text} ({a.describe()}) with {right.text} ({b.describe()})",
                      node, f"write {_other_side(left if left.constant else right, ctx)} in units of "
                      f"{(a if not left.constant else b).dimension.name}"  # type: ignore[union-attr]
                      + (f", e.g. {example}" if example else ""),
                      ctx.param_label(left.node, a) + ctx.param_label(right.node, b))
            return False
        return True
    if {a.kind, b.kind} == {Kind.QUANTITY, Kind.NUMBER}:
        q = a if a.kind is Kind.QUANTITY else b
        ctx.error("OW017", f"cannot compare {left.text} ({a.describe()}) with {right.text} ({b.describe()})", node,
                  f"a quantity needs a unit, e.g. {q.example() or '500 MWh'}")
        return False
    if a.kind is not b.kind:
        ctx.error("OW017", f"cannot compare {left.text} ({a.describe()}) with {right.text} ({b.describe()})", node,
                  _quoted_hint(left, right) or _quoted_hint(right, left))
        return False
    if op.ordering and a.kind not in _COMPARABLE:
        ctx.error("OW017", f"'{op}' needs numbers, dates or quantities; {left.text} is {a.describe()}", node,
                  "use == or != (or 'in' / 'matches') for text")
        return False
    _check_enum(op, left, right, node, ctx)
    return True


def _other_side(constant: Compiled, ctx: Context) -> str:
    """What to rewrite in other units: a param's default, where it is declared, else the constant side."""
    node = constant.node
    if isinstance(node, ast.Name) and node.name in ctx.declared and node.name not in ctx.locals:
        return f"the default of '{node.name}'"
    return "the other side"


def _quoted_hint(quoted: Compiled, other: Compiled) -> str | None:
    """`"50 tCO2e"` or `"2026-12-31"` compared with a quantity or a date: a value written as text."""
    if not (isinstance(quoted.node, ast.Literal) and isinstance(text := quoted.node.value, str)):
        return None
    if other.type.kind is Kind.QUANTITY:
        try:
            parse_quantity(text)
        except QuantityError:
            return None
    elif other.type.kind is Kind.DATE:
        try:
            dt.date.fromisoformat(text)
        except ValueError:
            return None
    else:
        return None
    what = "a quantity" if other.type.kind is Kind.QUANTITY else "a date"
    return f"drop the quotes: write {text} ({what}), not {quoted.text} (text)"


def _check_enum(op: CompareOp, left: Compiled, right: Compiled, node: ast.Expr, ctx: Context) -> None:
    """`model.type == "weigths"`: a value the schema never allows is a typo, caught here."""
    for field_, literal in ((left, right), (right, left)):
        enum = field_.type.enum
        if enum and literal.constant and not op.ordering and not field_.constant:
            value = literal.run(None)  # type: ignore[arg-type]
            if value not in enum:
                hint = did_you_mean(str(value), [str(e) for e in enum])
                ctx.error("OW026", f"{field_.text} is never {show(value)}; the disclosure schema allows "
                          + ", ".join(show(e) for e in enum), literal.node, hint)


def _values_of(a: Any, b: Any) -> tuple[Any, Any]:
    """Make two present values comparable: quantities and dates may be written as strings."""
    if isinstance(a, str) and isinstance(b, Quantity):
        try:
            return parse_quantity(a), b
        except QuantityError:
            return a, b
    if isinstance(a, str) and isinstance(b, dt.date):
        try:
            return dt.date.fromisoformat(a), b
        except ValueError:
            return a, b
    return a, b


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, Quantity):
        return f"q{value.dimension}"
    if isinstance(value, dt.date):
        return "date"
    if isinstance(value, list):  # a filter's or projection's Items too
        return "list"
    return type(value).__name__


_SAME_KIND_FAST = {str: False, int: True, float: True, dt.date: True}  # type -> can be ordered


def compare_values(op: CompareOp, a: Any, b: Any) -> Any:
    """a op b for present values; None when they cannot be compared (kinds differ)."""
    kind = type(a)
    if kind is type(b) and kind in _SAME_KIND_FAST:  # the common case, e.g. kind == "datasets" in a filter
        if op is _EQ:
            return a == b
        if op is _NE:
            return a != b
        return _ORDER[op](a, b) if _SAME_KIND_FAST[kind] else None
    a, b = _values_of(a, b)
    b, a = _values_of(b, a)
    if _kind(a) != _kind(b):
        return None
    if op is _EQ:
        return a == b
    if op is _NE:
        return a != b
    if isinstance(a, (str, bool, list, dict)):
        return None
    return _ORDER[op](a, b)


@compile_expr.register
def _compare(node: ast.Compare, ctx: Context) -> Compiled:
    op = node.op
    null_right = isinstance(node.right, ast.Literal) and node.right.value is None
    null_left = isinstance(node.left, ast.Literal) and node.left.value is None
    if (null_right or null_left) and not op.ordering:  # `x == null` means x is missing
        other = compile_expr(node.left if null_right else node.right, ctx)
        return presence_of(other, op is _NE, node, ctx)
    left, right = compile_expr(node.left, ctx), compile_expr(node.right, ctx)
    if not _static_compare(op, left, right, node, ctx):
        return broken(node, ctx)
    a, b = left.run, right.run

    def run(scope: Scope) -> Any:
        x, y = a(scope), b(scope)
        if isinstance(x, Unknown):
            return x
        if isinstance(y, Unknown):
            return y
        result = compare_values(op, x, y)
        if result is None:
            return _mismatch(left, right, x, y, scope)
        return result

    def violated(scope: Scope) -> Failure:
        return _violated(op, left, right, a(scope), b(scope), scope)
    return Compiled(run, BOOLEAN, node, ctx.text(node), _subject(left, right), explain_known(run, violated))


def _subject(left: Compiled, right: Compiled) -> Locate:
    """Where a comparison's evidence is: the side read from the document."""
    return right.locate if left.constant and not right.constant else left.locate


def _mismatch(left: Compiled, right: Compiled, x: Any, y: Any, scope: Scope) -> Mismatch:
    # The side read from the document is the one of the wrong kind.
    doc, value, other = (left, x, y) if not left.constant else (right, y, x)
    return Mismatch(doc.locate(scope) or (), value, "a date" if isinstance(other, dt.date) else kind_of(other))


def _violated(op: CompareOp, left: Compiled, right: Compiled, x: Any, y: Any, scope: Scope) -> Failure:
    if left.constant and not right.constant:  # `500 MWh >= energy.training.energy`: say it path first
        left, right, x, y, op = right, left, y, x, _FLIP[op]
    path = left.locate(scope)
    subject = format_path(path) if path and isinstance(left.node, PATHS) else left.text
    # A value the policy computed (energy × intensity) is shown to four significant digits, or as many
    # more as it takes for the shown values still to break the rule (117760 h is not "117800 h").
    for digits in (4, 6, 9, 12, 17):
        shown_x = x if isinstance(left.node, PATHS) else approximate(x, digits)
        shown_y = y if right.constant else approximate(y, digits)
        if compare_values(op, shown_x, shown_y) is False:
            break
    observed = show(shown_x)
    if isinstance(x, Quantity) and isinstance(y, Quantity) and x.unit != y.unit and x.dimension == y.dimension:
        observed += f" ({approximate(x.to(y.unit), digits)})"
    required = show(shown_y) if right.constant else f"{show(shown_y)} ({right.text})"
    detail = f"{subject} is {observed}; the policy requires {_WORDS[op]}{required}"
    values = ((subject, show(x)),) if right.constant else ((subject, show(x)), (right.text, show(shown_y)))
    return Failure(Reason.VIOLATED, path, detail, values)


_LISTED = 8  # a constant list longer than this is named in explanations, not spelled out


@compile_expr.register
def _in(node: ast.In, ctx: Context) -> Compiled:
    item, container = compile_expr(node.item, ctx), compile_expr(node.container, ctx)
    ct = container.type
    if ct.kind not in (Kind.LIST, Kind.STRING, Kind.ANY):
        ctx.error("OW017", f"'in' needs a list or a string on its right; {container.text} is {ct.describe()}", node)
        return broken(node, ctx)
    if ct.kind is Kind.STRING and item.type.kind not in (Kind.STRING, Kind.ANY):
        ctx.error("OW017", f"'in' text needs text on its left; {item.text} is {item.type.describe()}", node,
                  f'write it in quotes, e.g. "{item.text}" in {container.text}')
        return broken(node, ctx)
    if ct.kind is Kind.LIST and ct.item is not None and item.type.kind is not Kind.ANY and not assignable(item.type, ct.item):
        ctx.error("OW017", f"{item.text} is {item.type.describe()}, but {container.text} is {ct.describe()}", node)
        return broken(node, ctx)
    if ct.kind is Kind.LIST and container.constant and item.type.enum:
        written = node.container.items if isinstance(node.container, ast.ListLiteral) else ()
        for i, element in enumerate(container.run(None)):  # type: ignore[arg-type]
            where = written[i] if i < len(written) else node.container  # the caret goes under the value itself
            _check_enum(_EQ, item, constant(element, where, ctx, type_of_value(element)), node, ctx)
    a, b, negated = item.run, container.run, node.negated
    # A constant list of text (a licence list of hundreds of ids) is looked up, not scanned.
    texts = container.run(None) if container.constant and ct.kind is Kind.LIST else None  # type: ignore[arg-type]
    lookup = frozenset(texts) if texts is not None and all(isinstance(v, str) for v in texts) else None

    def holds(x: Any, y: Any) -> Any:
        if lookup is not None and isinstance(x, str):
            return x in lookup
        if isinstance(y, str):
            return x in y if isinstance(x, str) else None
        for element in y:
            if not isinstance(element, Unknown) and compare_values(_EQ, x, element) is True:
                return True
        return False

    def run(scope: Scope) -> Any:
        x, y = a(scope), b(scope)
        if isinstance(x, Unknown):
            return x
        if isinstance(y, Unknown):
            return y
        if not isinstance(y, (list, str)):  # a value of any type in the document, neither list nor text
            return Mismatch(container.locate(scope) or (), y, "a list or a string")
        found = holds(x, y)
        if found is None:
            return Mismatch(item.locate(scope) or (), x, "a string")
        return found is not negated

    def violated(scope: Scope) -> Failure:
        value, path, listed = a(scope), item.locate(scope), b(scope)
        if item.constant and not container.constant:  # `"GPL" in model.license`: the container is the evidence
            where = container.locate(scope)
            subject = format_path(where) if where and isinstance(container.node, PATHS) else container.text
            verb = "contain" if isinstance(listed, str) else "include"
            return Failure(Reason.VIOLATED, where, f"{subject} is {show(listed)}; the policy requires it "
                           f"{'not ' if negated else ''}to {verb} {show(value)}", ((subject, show(listed)),))
        subject = format_path(path) if path else item.text
        wanted = "not one of " if negated else "one of "
        shown = show(listed) if container.constant else f"{container.text} ({show(listed)})"
        if isinstance(listed, list) and container.constant:
            shown = ", ".join(show(v) for v in listed)
            if len(listed) > _LISTED:  # a param's long list by its name; a written one by its first values
                shown = (f"{container.text} ({len(listed)} values)" if isinstance(node.container, ast.Name) else
                         ", ".join(show(v) for v in listed[:_LISTED]) + f", … ({len(listed)} values)")
        if isinstance(listed, str):
            wanted = "not a part of " if negated else "a part of "
        return Failure(Reason.VIOLATED, path, f"{subject} is {show(value)}; the policy requires {wanted}{shown}",
                       ((subject, show(value)),))
    return Compiled(run, BOOLEAN, node, ctx.text(node), _subject(item, container), explain_known(run, violated))


@compile_expr.register
def _matches(node: ast.Matches, ctx: Context) -> Compiled:
    value = compile_expr(node.value, ctx)
    if not (isinstance(node.pattern, ast.Literal) and isinstance(node.pattern.value, str)):
        ctx.error("OW018", "the pattern after 'matches' must be a string literal", node.pattern,
                  'write the regular expression in quotes, e.g. matches "^https://"')
        return broken(node, ctx)
    source = node.pattern.value
    try:
        pattern = compile_pattern(source)
    except PatternError as err:
        ctx.error("OW018", f"invalid regular expression {show(source)}: {err.reason}", node.pattern, err.hint)
        return broken(node, ctx)
    if value.type.kind not in (Kind.STRING, Kind.ANY):
        ctx.error("OW017", f"'matches' needs text; {value.text} is {value.type.describe()}", node)
        return broken(node, ctx)
    a, search = value.run, pattern.search

    def run(scope: Scope) -> Any:
        x = a(scope)
        if isinstance(x, str):
            return search(x) is not None
        if isinstance(x, Unknown):
            return x
        return Mismatch(value.locate(scope) or (), x, "a string")

    def violated(scope: Scope) -> Failure:
        path = value.locate(scope)
        subject = format_path(path) if path else value.text
        return Failure(Reason.VIOLATED, path,
                       f"{subject} is {show(a(scope))}; the policy requires it to match {show(source)}",
                       ((subject, show(a(scope))),))
    return Compiled(run, BOOLEAN, node, ctx.text(node), value.locate, explain_known(run, violated))
