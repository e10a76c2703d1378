"""Expressions -> closures: names, paths, units, regexes and types resolved once, at compile time.

Every compiled expression can `run` (the value, or an Unknown when evidence is absent or of the
wrong kind), `locate` (the document path its value came from, for findings) and, when it is a
condition, `explain` why it does not hold. Evaluation never looks anything up by name.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..values.quantities import TIME, DimensionError, Quantity, QuantityError, unit
from ..values.verdicts import REASON_RANK, Reason
from . import ast
from .builtins import BUILTINS, Builtin
from .errors import PolicyError, did_you_mean
from .runtime import (EvalError, Failure, Items, Mismatch, Missing, Path, Scope, Unknown, coerce,
                      format_path, kind_of, show, unknown_failure)
from .types import (ANY, BOOLEAN, DATE, LIST, NULL, NUMBER, STRING, Kind, Type, assignable, list_of,
                    quantity)

Run = Callable[[Scope], Any]
Locate = Callable[[Scope], "Path | None"]
Explain = Callable[[Scope], Failure]


def _nowhere(scope: Scope) -> None:
    return None


@dataclass(frozen=True, slots=True, eq=False)
class Compiled:
    """One compiled expression."""

    run: Run
    type: Type
    node: ast.Expr
    text: str  # as written in the policy, for explanations
    locate: Locate = _nowhere
    explain: Explain | None = None  # set for conditions; see `explanation`
    constant: bool = False  # the value does not depend on the document (literals, params)


@dataclass(frozen=True, slots=True)
class Local:
    """A name bound inside a rule: a quantifier variable or a rule-level `let`."""

    type: Type
    let: Compiled | None = None  # None: a quantifier variable, read from scope.vars
    key: str = ""  # memo key of a let


@dataclass(slots=True)
class Context:
    """What names mean where an expression is compiled, and where errors go."""

    file: str
    source: str
    root: Type  # the disclosure, as the schema types it
    errors: list[PolicyError]
    lets: Mapping[str, Compiled]  # policy-level lets, compiled
    params: Mapping[str, Any]  # param values, resolved
    locals: dict[str, Local] = field(default_factory=dict)
    item: Type | None = None  # the list item a filter condition's bare names refer to
    builtins: Mapping[str, Builtin] = field(default_factory=lambda: BUILTINS)

    def error(self, code: str, message: str, node: ast.Node, hint: str | None = None) -> None:
        self.errors.append(PolicyError(code, message, node.span, hint))

    def text(self, node: ast.Node) -> str:
        """The source text of `node` (one line; a multi-line expression is joined by spaces)."""
        lines = self.source.splitlines()
        s = node.span
        if s.line == s.end_line:
            return lines[s.line - 1][s.column - 1:s.end_column - 1]
        chunk = [lines[s.line - 1][s.column - 1:], *lines[s.line:s.end_line - 1], lines[s.end_line - 1][:s.end_column - 1]]
        return " ".join(part.strip() for part in chunk)

    def within(self, **changes: Any) -> Context:
        new = Context(self.file, self.source, self.root, self.errors, self.lets, self.params,
                      dict(self.locals), self.item, self.builtins)
        for name, value in changes.items():
            setattr(new, name, value)
        return new


ITEM = "\x00item"  # scope.vars key of the list item a filter is looking at (not a writable name)


def _broken(node: ast.Expr, ctx: Context) -> Compiled:
    """Stands in for an expression with a compile error, so the other errors are still found."""
    def run(scope: Scope) -> Any:  # never runs: a policy with errors is not evaluated
        raise AssertionError("a policy with compile errors was evaluated")
    return Compiled(run, ANY, node, ctx.text(node))


def constant(value: Any, node: ast.Expr, ctx: Context, type_: Type) -> Compiled:
    return Compiled(lambda scope: value, type_, node, ctx.text(node), constant=True)


def type_of_value(value: Any) -> Type:
    """The static type of a constant (a literal or a param's value)."""
    if isinstance(value, bool):
        return BOOLEAN
    if isinstance(value, (int, float)):
        return NUMBER
    if isinstance(value, str):
        return STRING
    if isinstance(value, Quantity):
        return quantity(value.dimension)
    if isinstance(value, dt.date):
        return DATE
    if value is None:
        return NULL
    if isinstance(value, list):
        kinds = {type_of_value(v) for v in value}
        return list_of(kinds.pop()) if len(kinds) == 1 else LIST
    return ANY


@functools.singledispatch
def compile_expr(node: ast.Expr, ctx: Context) -> Compiled:
    raise NotImplementedError(f"no compiler for {type(node).__name__}")


# ---- literals --------------------------------------------------------------------------------


@compile_expr.register
def _literal(node: ast.Literal, ctx: Context) -> Compiled:
    return constant(node.value, node, ctx, type_of_value(node.value))


@compile_expr.register
def _date(node: ast.DateLiteral, ctx: Context) -> Compiled:
    try:
        value = dt.date.fromisoformat(node.text)
    except ValueError:
        ctx.error("OW019", f"{node.text} is not a calendar date", node, "write a date as YYYY-MM-DD, e.g. 2025-08-02")
        return _broken(node, ctx)
    return constant(value, node, ctx, DATE)


@compile_expr.register
def _quantity(node: ast.QuantityLiteral, ctx: Context) -> Compiled:
    try:
        value = Quantity(node.magnitude, unit(node.unit))
    except QuantityError as err:
        ctx.error("OW015", err.message, node, err.hint)
        return _broken(node, ctx)
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


# ---- names and paths -------------------------------------------------------------------------


def _field(value: Any, name: str, path: Path | None, type_: Type) -> Any:
    """`value.name` in a document: Missing past the end, Mismatch through a scalar."""
    if isinstance(value, Unknown):  # past the end of the evidence: missing further down too
        return Missing((*value.path, name)) if isinstance(value, Missing) else value
    child = (*path, name) if path is not None else (name,)
    if isinstance(value, dict):
        return coerce(value.get(name), type_, child)
    return Mismatch(path or (), value, "a mapping")


@compile_expr.register
def _name(node: ast.Name, ctx: Context) -> Compiled:
    name, text = node.name, node.name
    if (local := ctx.locals.get(name)) is not None:
        if local.let is not None:
            return _memoised(local.let, local.key, node, ctx)
        def run_var(scope: Scope) -> Any:
            return scope.vars[name]
        return Compiled(run_var, local.type, node, text, lambda scope: scope.paths[name])
    if name in ctx.lets:
        return _memoised(ctx.lets[name], name, node, ctx)
    if name in ctx.params:
        value = ctx.params[name]
        return constant(value, node, ctx, type_of_value(value))
    if ctx.item is not None and ctx.item.shape is not None and (t := ctx.item.shape.property(name)) is not None:
        def run_item(scope: Scope) -> Any:
            return coerce(scope.vars[ITEM].get(name), t, (*scope.paths[ITEM], name))
        return Compiled(run_item, t, node, text, lambda scope: (*scope.paths[ITEM], name))
    root_shape = ctx.root.shape
    assert root_shape is not None
    if (t := root_shape.property(name)) is not None:
        path = (name,)
        def run_root(scope: Scope) -> Any:
            return coerce(scope.root.get(name), t, path)
        return Compiled(run_root, t, node, text, lambda scope: path)
    known = [*ctx.locals, *ctx.lets, *ctx.params, *root_shape.names()]
    if ctx.item is not None and ctx.item.shape is not None:
        known += ctx.item.shape.names()
    hint = did_you_mean(name, known) or (
        f"a name is a param, a let, a quantifier variable or a disclosure section ({', '.join(root_shape.names())})")
    ctx.error("OW011", f"unknown name '{name}'", node, hint)
    return _broken(node, ctx)


def _memoised(let: Compiled, key: str, node: ast.Expr, ctx: Context) -> Compiled:
    """A `let` is computed once per document (or per rule, for a rule's own lets)."""
    if let.constant:
        return Compiled(let.run, let.type, node, ctx.text(node), constant=True)
    inner = let.run

    def run(scope: Scope) -> Any:
        memo = scope.memo
        if key in memo:
            return memo[key]
        value = memo[key] = inner(scope)
        return value
    return Compiled(run, let.type, node, ctx.text(node), let.locate, let.explain)


@compile_expr.register
def _attribute(node: ast.Attribute, ctx: Context) -> Compiled:
    base = compile_expr(node.value, ctx)
    name = node.name
    t = base.type
    list_item = t.item if t.kind is Kind.LIST else None
    shape = (list_item or t).shape
    if shape is not None:
        child = shape.property(name)
        if child is None:
            where = f"{base.text}.{name}"
            hint = did_you_mean(name, shape.names()) or f"{shape.name} has {', '.join(shape.names())}"
            if (close := did_you_mean(name, shape.names())) is not None:
                hint = close.replace("'", f"'{base.text}.", 1)
            ctx.error("OW010", f"unknown path '{where}'", node, hint)
            return _broken(node, ctx)
    elif t.kind in (Kind.ANY, Kind.OBJECT) or (list_item is not None and list_item.kind in (Kind.ANY, Kind.OBJECT)):
        child = ANY
    else:
        ctx.error("OW017", f"{base.text} is {t.describe()}; it has no field '{name}'", node)
        return _broken(node, ctx)
    base_run, base_locate = base.run, base.locate

    if list_item is not None:  # `components.license`: the field of every item
        def run_projection(scope: Scope) -> Any:
            items = base_run(scope)
            if isinstance(items, Unknown) or not isinstance(items, list):
                return _field(items, name, base_locate(scope), child)
            paths = items.paths if isinstance(items, Items) else [(*(base_locate(scope) or ()), i) for i in range(len(items))]
            return Items([_field(v, name, p, child) for v, p in zip(items, paths)],
                         [(*p, name) if p is not None else None for p in paths])
        return Compiled(run_projection, list_of(child), node, ctx.text(node), base_locate)

    def run(scope: Scope) -> Any:
        value = base_run(scope)
        if isinstance(value, dict):
            result = coerce(value.get(name), child, ())
            if isinstance(result, Unknown):  # the path is only worked out when it is needed
                result.path = (*(base_locate(scope) or ()), name)
            return result
        return _field(value, name, None if isinstance(value, Unknown) else base_locate(scope), child)

    def locate(scope: Scope) -> Path | None:
        return _child(base_locate(scope), name)
    return Compiled(run, child, node, ctx.text(node), locate)


def _child(path: Path | None, step: str | int) -> Path | None:
    return None if path is None else (*path, step)


@compile_expr.register
def _subscript(node: ast.Subscript, ctx: Context) -> Compiled:
    base = compile_expr(node.value, ctx)
    t = base.type
    if t.kind not in (Kind.LIST, Kind.ANY):
        ctx.error("OW017", f"{base.text} is {t.describe()}; only a list can be indexed or filtered", node)
        return _broken(node, ctx)
    item_type = t.item or ANY
    inner = compile_expr(node.index, ctx.within(item=item_type))
    if inner.type.kind is Kind.NUMBER:
        return _index(node, base, inner, item_type, ctx)
    if inner.type.kind not in (Kind.BOOLEAN, Kind.ANY):
        ctx.error("OW017", f"{inner.text} is {inner.type.describe()}; inside [...] write a condition "
                  "(kind == \"datasets\") or a position (0)", node.index)
        return _broken(node, ctx)
    return _filter(node, base, inner, t, ctx)


def _index(node: ast.Subscript, base: Compiled, index: Compiled, item_type: Type, ctx: Context) -> Compiled:
    base_run, base_locate, index_run = base.run, base.locate, index.run

    def position(scope: Scope) -> tuple[Any, Path | None]:
        items, i = base_run(scope), index_run(scope)
        if isinstance(items, Unknown):
            return items, None
        if isinstance(i, Unknown):
            return i, None
        if not isinstance(items, list):
            return Mismatch(base_locate(scope) or (), items, "a list"), None
        if not isinstance(i, int) or isinstance(i, bool):
            raise EvalError(f"position {show(i)} in {ctx.text(node)} is not a whole number")
        at = i + len(items) if i < 0 else i
        path = items.paths[at] if isinstance(items, Items) and 0 <= at < len(items) else _child(base_locate(scope), at)
        if not 0 <= at < len(items):
            return Missing(path or ()), path
        return coerce(items[at], item_type, path or ()), path

    return Compiled(lambda scope: position(scope)[0], item_type, node, ctx.text(node), lambda scope: position(scope)[1])


def _filter(node: ast.Subscript, base: Compiled, condition: Compiled, t: Type, ctx: Context) -> Compiled:
    base_run, base_locate, test = base.run, base.locate, condition.run

    def run(scope: Scope) -> Any:
        items = base_run(scope)
        if isinstance(items, Unknown):
            return items
        if not isinstance(items, list):
            return Mismatch(base_locate(scope) or (), items, "a list")
        paths = _item_paths(items, base_locate, scope)
        kept, kept_paths = [], []
        saved = scope.vars.get(ITEM), scope.paths.get(ITEM)
        for value, path in zip(items, paths):
            if not isinstance(value, dict):
                continue
            scope.vars[ITEM], scope.paths[ITEM] = value, path
            if test(scope) is True:
                kept.append(value)
                kept_paths.append(path)
        scope.vars[ITEM], scope.paths[ITEM] = saved
        return Items(kept, kept_paths)
    return Compiled(run, t, node, ctx.text(node), base_locate)


def _item_paths(items: list[Any], locate: Locate, scope: Scope) -> list[Path]:
    if isinstance(items, Items):
        return [p or () for p in items.paths]
    base = locate(scope) or ()
    return [(*base, i) for i in range(len(items))]


# ---- conditions ------------------------------------------------------------------------------


def explanation(c: Compiled) -> Explain:
    """Why `c` is not true: its own explanation, or the generic one."""
    if c.explain is not None:
        return c.explain
    run, locate, text = c.run, c.locate, c.text

    def explain(scope: Scope) -> Failure:
        value = run(scope)
        if isinstance(value, Unknown):
            return unknown_failure(value)
        return Failure(Reason.VIOLATED, locate(scope), f"{text} is {show(value)}", ((text, show(value)),))
    return explain


def _condition(c: Compiled, ctx: Context, role: str) -> Compiled:
    """Check that `c` is a condition (true or false)."""
    if c.type.kind not in (Kind.BOOLEAN, Kind.ANY):
        ctx.error("OW017", f"{role} must be a condition, but {c.text} is {c.type.describe()}", c.node,
                  _condition_hint(c))
    return c


def _condition_hint(c: Compiled) -> str:
    if c.type.kind is Kind.QUANTITY:
        return f"compare it, e.g. {c.text} <= {c.type.example() or '500 MWh'}"
    if c.type.kind in (Kind.STRING, Kind.NUMBER, Kind.DATE, Kind.OBJECT, Kind.LIST):
        return f"to require that it is given, write {c.text} exists"
    return "write a comparison, e.g. energy.training.energy <= 500 MWh"


def best(failures: list[Failure]) -> Failure:
    """The decisive failure: absence before wrong kinds before violations, then the shortest path."""
    return min(failures, key=lambda f: (REASON_RANK.get(f.reason, 3), len(f.path or ()), format_path(f.path)))


@compile_expr.register
def _and(node: ast.And, ctx: Context) -> Compiled:
    left = _condition(compile_expr(node.left, ctx), ctx, "each side of 'and'")
    right = _condition(compile_expr(node.right, ctx), ctx, "each side of 'and'")
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
        failures = [e(scope) for e, r in ((ea, a), (eb, b)) if r(scope) is not True]
        return best(failures)
    return Compiled(run, BOOLEAN, node, ctx.text(node), explain=explain)


@compile_expr.register
def _or(node: ast.Or, ctx: Context) -> Compiled:
    left = _condition(compile_expr(node.left, ctx), ctx, "each side of 'or'")
    right = _condition(compile_expr(node.right, ctx), ctx, "each side of 'or'")
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
        return Failure(decisive.reason, decisive.path, f"neither holds: {first.detail}; {second.detail}",
                       first.values + second.values)
    return Compiled(run, BOOLEAN, node, ctx.text(node), explain=explain)


@compile_expr.register
def _not(node: ast.Not, ctx: Context) -> Compiled:
    inner = _condition(compile_expr(node.value, ctx), ctx, "the operand of 'not'")
    a, locate, text = inner.run, inner.locate, inner.text

    def run(scope: Scope) -> Any:
        x = a(scope)
        return (not x) if isinstance(x, bool) else x

    def explain(scope: Scope) -> Failure:
        x = a(scope)
        if isinstance(x, Unknown):
            return unknown_failure(x)
        return Failure(Reason.VIOLATED, locate(scope), f"{text} holds; the policy requires it not to")
    return Compiled(run, BOOLEAN, node, ctx.text(node), locate, explain)


@compile_expr.register
def _presence(node: ast.Presence, ctx: Context) -> Compiled:
    inner = compile_expr(node.value, ctx)
    return _presence_of(inner, node.present, node, ctx)


def _presence_of(inner: Compiled, present: bool, node: ast.Expr, ctx: Context) -> Compiled:
    a, locate, text = inner.run, inner.locate, inner.text

    def exists(scope: Scope) -> bool:
        x = a(scope)
        return not isinstance(x, Missing) and x is not None and x != [] and x != ""

    run = exists if present else (lambda scope: not exists(scope))

    def explain(scope: Scope) -> Failure:
        x = a(scope)
        if present:
            path = x.path if isinstance(x, Missing) else locate(scope)
            where = format_path(path) if path else text
            return Failure(Reason.MISSING, path, f"missing: {where}", ((where, "missing"),))
        where = format_path(locate(scope)) or text
        return Failure(Reason.VIOLATED, locate(scope), f"{where} is {show(x)}; the policy requires it to be absent",
                       ((where, show(x)),))
    return Compiled(run, BOOLEAN, node, ctx.text(node), locate, explain)


# ---- comparison ------------------------------------------------------------------------------

_ORDER = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
_WORDS = {"==": "", "!=": "not ", "<": "less than ", "<=": "at most ", ">": "more than ", ">=": "at least "}
_FLIP = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
_COMPARABLE = {Kind.NUMBER, Kind.DATE, Kind.QUANTITY}


def _static_compare(op: str, left: Compiled, right: Compiled, node: ast.Expr, ctx: Context) -> bool:
    a, b = left.type, right.type
    if a.kind is Kind.ANY or b.kind is Kind.ANY:
        return True
    if a.kind is Kind.QUANTITY and b.kind is Kind.QUANTITY:
        if a.dimension is not None and b.dimension is not None and a.dimension != b.dimension:
            example = a.example() if not left.constant else b.example()
            ctx.error("OW016", f"cannot compare {left.text} ({a.describe()}) with {right.text} ({b.describe()})",
                      node, f"write the other side in units of {(a if not left.constant else b).dimension.name}"  # type: ignore[union-attr]
                      + (f", e.g. {example}" if example else ""))
            return False
        return True
    if {a.kind, b.kind} == {Kind.QUANTITY, Kind.NUMBER}:
        q = a if a.kind is Kind.QUANTITY else b
        ctx.error("OW017", f"cannot compare {left.text} ({a.describe()}) with {right.text} ({b.describe()})", node,
                  f"a quantity needs a unit, e.g. {q.example() or '500 MWh'}")
        return False
    if a.kind is not b.kind:
        ctx.error("OW017", f"cannot compare {left.text} ({a.describe()}) with {right.text} ({b.describe()})", node)
        return False
    if op in _ORDER and a.kind not in _COMPARABLE:
        ctx.error("OW017", f"'{op}' needs numbers, dates or quantities; {left.text} is {a.describe()}", node,
                  "use == or != (or 'in' / 'matches') for text")
        return False
    _check_enum(op, left, right, node, ctx)
    return True


def _check_enum(op: str, left: Compiled, right: Compiled, node: ast.Expr, ctx: Context) -> None:
    """`model.type == "weigths"`: a value the schema never allows is a typo, caught here."""
    for field_, literal in ((left, right), (right, left)):
        enum = field_.type.enum
        if enum and literal.constant and op in ("==", "!=") and not field_.constant:
            value = literal.run(None)  # type: ignore[arg-type]
            if value not in enum:
                hint = did_you_mean(str(value), [str(e) for e in enum])
                ctx.error("OW026", f"{field_.text} is never {show(value)}; the disclosure schema allows "
                          + ", ".join(show(e) for e in enum), literal.node, hint)


def _values_of(a: Any, b: Any) -> tuple[Any, Any]:
    """Make two present values comparable: quantities and dates may be written as strings."""
    if isinstance(a, str) and isinstance(b, Quantity):
        try:
            from ..values.quantities import parse_quantity
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
    return type(value).__name__


def compare_values(op: str, a: Any, b: Any) -> Any:
    """a op b for present values; None when they cannot be compared (kinds differ)."""
    a, b = _values_of(a, b)
    b, a = _values_of(b, a)
    if _kind(a) != _kind(b):
        return None
    if op == "==":
        return a == b
    if op == "!=":
        return a != b
    if isinstance(a, (str, bool, list, dict)):
        return None
    return _ORDER[op](a, b)


@compile_expr.register
def _compare(node: ast.Compare, ctx: Context) -> Compiled:
    op = node.op
    null_right = isinstance(node.right, ast.Literal) and node.right.value is None
    null_left = isinstance(node.left, ast.Literal) and node.left.value is None
    if (null_right or null_left) and op in ("==", "!="):  # `x == null` means x is missing
        other = compile_expr(node.left if null_right else node.right, ctx)
        return _presence_of(other, op == "!=", node, ctx)
    left, right = compile_expr(node.left, ctx), compile_expr(node.right, ctx)
    if not _static_compare(op, left, right, node, ctx):
        return _broken(node, ctx)
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

    def explain(scope: Scope) -> Failure:
        x, y = a(scope), b(scope)
        for value in (x, y):
            if isinstance(value, Unknown):
                return unknown_failure(value)
        if compare_values(op, x, y) is None:
            return unknown_failure(_mismatch(left, right, x, y, scope))
        return _violated(op, left, right, x, y, scope)
    return Compiled(run, BOOLEAN, node, ctx.text(node), _subject(left, right), explain)


def _subject(left: Compiled, right: Compiled) -> Locate:
    """Where a comparison's evidence is: the side read from the document."""
    return right.locate if left.constant and not right.constant else left.locate


def _mismatch(left: Compiled, right: Compiled, x: Any, y: Any, scope: Scope) -> Mismatch:
    # The side read from the document is the one of the wrong kind.
    doc, value, other = (left, x, y) if not left.constant else (right, y, x)
    return Mismatch(doc.locate(scope) or (), value, "a date" if isinstance(other, dt.date) else kind_of(other))


_PATHS = (ast.Name, ast.Attribute, ast.Subscript)


def _violated(op: str, left: Compiled, right: Compiled, x: Any, y: Any, scope: Scope) -> Failure:
    if left.constant and not right.constant:  # `500 MWh >= energy.training.energy`: say it path first
        left, right, x, y, op = right, left, y, x, _FLIP[op]
    path = left.locate(scope)
    subject = format_path(path) if path and isinstance(left.node, _PATHS) else left.text
    observed = show(x)
    if isinstance(x, Quantity) and isinstance(y, Quantity) and x.unit != y.unit and x.dimension == y.dimension:
        observed += f" ({x.to(y.unit)})"
    required = show(y) if right.constant else f"{show(y)} ({right.text})"
    detail = f"{subject} is {observed}; the policy requires {_WORDS[op]}{required}"
    values = ((subject, show(x)),) if right.constant else ((subject, show(x)), (right.text, show(y)))
    return Failure(Reason.VIOLATED, path, detail, values)


@compile_expr.register
def _in(node: ast.In, ctx: Context) -> Compiled:
    item, container = compile_expr(node.item, ctx), compile_expr(node.container, ctx)
    ct = container.type
    if ct.kind not in (Kind.LIST, Kind.STRING, Kind.ANY):
        ctx.error("OW017", f"'in' needs a list or a string on its right; {container.text} is {ct.describe()}", node)
        return _broken(node, ctx)
    if ct.kind is Kind.LIST and ct.item is not None and item.type.kind is not Kind.ANY and not assignable(item.type, ct.item):
        ctx.error("OW017", f"{item.text} is {item.type.describe()}, but {container.text} is {ct.describe()}", node)
        return _broken(node, ctx)
    if ct.kind is Kind.LIST and container.constant:
        for element in container.run(None):  # type: ignore[arg-type]
            literal = constant(element, node.container, ctx, type_of_value(element))
            _check_enum("==", item, literal, node, ctx)
    a, b, negated = item.run, container.run, node.negated

    def holds(x: Any, y: Any) -> Any:
        if isinstance(y, str):
            return x in y if isinstance(x, str) else None
        for element in y:
            if not isinstance(element, Unknown) and compare_values("==", x, element) is True:
                return True
        return False

    def run(scope: Scope) -> Any:
        x, y = a(scope), b(scope)
        if isinstance(x, Unknown):
            return x
        if isinstance(y, Unknown):
            return y
        found = holds(x, y)
        if found is None:
            return Mismatch(item.locate(scope) or (), x, "a string")
        return found is not negated

    def explain(scope: Scope) -> Failure:
        x = run(scope)
        if isinstance(x, Unknown):
            return unknown_failure(x)
        value, path = a(scope), item.locate(scope)
        subject = format_path(path) if path else item.text
        wanted = "not one of " if negated else "one of "
        listed = b(scope)
        shown = show(listed) if container.constant else f"{container.text} ({show(listed)})"
        if isinstance(listed, list) and container.constant:
            shown = ", ".join(show(v) for v in listed)
        if isinstance(listed, str):
            wanted = "not a part of " if negated else "a part of "
        return Failure(Reason.VIOLATED, path, f"{subject} is {show(value)}; the policy requires {wanted}{shown}",
                       ((subject, show(value)),))
    return Compiled(run, BOOLEAN, node, ctx.text(node), item.locate, explain)


@compile_expr.register
def _matches(node: ast.Matches, ctx: Context) -> Compiled:
    value = compile_expr(node.value, ctx)
    if not (isinstance(node.pattern, ast.Literal) and isinstance(node.pattern.value, str)):
        ctx.error("OW018", "the pattern after 'matches' must be a string literal", node.pattern,
                  'write the regular expression in quotes, e.g. matches "^https://"')
        return _broken(node, ctx)
    source = node.pattern.value
    try:
        pattern = re.compile(source)
    except re.error as err:
        ctx.error("OW018", f"invalid regular expression {show(source)}: {err.msg}", node.pattern,
                  "patterns use Python's re syntax; escape a literal '.', '(' or '[' with a backslash (\\.)")
        return _broken(node, ctx)
    if value.type.kind not in (Kind.STRING, Kind.ANY):
        ctx.error("OW017", f"'matches' needs text; {value.text} is {value.type.describe()}", node)
        return _broken(node, ctx)
    a, search = value.run, pattern.search

    def run(scope: Scope) -> Any:
        x = a(scope)
        if isinstance(x, str):
            return search(x) is not None
        if isinstance(x, Unknown):
            return x
        return Mismatch(value.locate(scope) or (), x, "a string")

    def explain(scope: Scope) -> Failure:
        x = run(scope)
        if isinstance(x, Unknown):
            return unknown_failure(x)
        path = value.locate(scope)
        subject = format_path(path) if path else value.text
        return Failure(Reason.VIOLATED, path,
                       f"{subject} is {show(a(scope))}; the policy requires it to match {show(source)}",
                       ((subject, show(a(scope))),))
    return Compiled(run, BOOLEAN, node, ctx.text(node), value.locate, explain)


# ---- quantifiers -----------------------------------------------------------------------------


@compile_expr.register
def _quantifier(node: ast.Quantifier, ctx: Context) -> Compiled:
    collection = compile_expr(node.collection, ctx)
    ct = collection.type
    if ct.kind not in (Kind.LIST, Kind.ANY):
        ctx.error("OW017", f"{node.kind}(...) needs a list after 'in'; {collection.text} is {ct.describe()}",
                  node.collection)
        return _broken(node, ctx)
    var = node.variable
    if var in ctx.locals or var in ctx.lets or var in ctx.params or (ctx.root.shape and ctx.root.shape.property(var)):
        ctx.error("OW023", f"'{var}' is already a name here; pick another name for the item", node)
    inner_ctx = ctx.within(locals={**ctx.locals, var: Local(ct.item or ANY)})
    condition = _condition(compile_expr(node.condition, inner_ctx), inner_ctx, f"the condition of {node.kind}(...)")
    items_run, test, kind = collection.run, condition.run, node.kind
    locate = collection.locate

    def outcomes(scope: Scope) -> Any:
        """Each item's condition value, with the item's path; or an Unknown for the whole list."""
        items = items_run(scope)
        if isinstance(items, Unknown):
            return items
        if not isinstance(items, list):
            return Mismatch(locate(scope) or (), items, "a list")
        paths = _item_paths(items, locate, scope)
        vars_, where = scope.vars, scope.paths
        saved = vars_.get(var), where.get(var)
        results = []
        for value, path in zip(items, paths):
            vars_[var], where[var] = value, path
            results.append(test(scope))
        vars_[var], where[var] = saved
        return results

    def run(scope: Scope) -> Any:
        results = outcomes(scope)
        if isinstance(results, Unknown):
            return 0 if kind == "count" and isinstance(results, Missing) else results
        if kind == "count":
            return sum(1 for r in results if r is True)
        if kind == "all":
            if False in results:
                return False
            return next((r for r in results if isinstance(r, Unknown)), True)
        found = True in results
        if not found and (unknown := next((r for r in results if isinstance(r, Unknown)), None)) is not None:
            return unknown
        return found if kind == "any" else not found

    explain_item = explanation(condition)

    def explain(scope: Scope) -> Failure:
        results = outcomes(scope)
        if isinstance(results, Unknown):
            return unknown_failure(results)
        items = items_run(scope)
        paths = _item_paths(items, locate, scope)
        where = format_path(locate(scope)) or collection.text
        if kind == "all" or kind == "any" and any(isinstance(r, Unknown) for r in results):
            bad = [i for i, r in enumerate(results) if r is not True]
            failures = []
            for i in bad:
                scope.vars[var], scope.paths[var] = items[i], paths[i]
                failures.append(explain_item(scope))
            return best(failures)
        if kind == "any":
            detail = (f"{where} is empty; the policy requires at least one item" if not results else
                      f"no item of {where} satisfies {condition.text}")
            return Failure(Reason.VIOLATED, locate(scope), detail, ((where, f"{len(results)} items"),))
        offending = [format_path(paths[i]) for i, r in enumerate(results) if r is True]
        return Failure(Reason.VIOLATED, paths[results.index(True)],
                       f"{', '.join(offending)} {'satisfies' if len(offending) == 1 else 'satisfy'} {condition.text}; "
                       "the policy requires that none does", tuple((p, "matches") for p in offending))

    if kind == "count":
        return Compiled(run, NUMBER, node, ctx.text(node), locate)
    return Compiled(run, BOOLEAN, node, ctx.text(node), locate, explain)


# ---- arithmetic ------------------------------------------------------------------------------

_ARITHMETIC = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}


def _arithmetic_type(op: str, a: Type, b: Type, node: ast.Arithmetic, left: Compiled, right: Compiled,
                     ctx: Context) -> Type | None:
    if Kind.ANY in (a.kind, b.kind):
        return ANY
    ka, kb = a.kind, b.kind
    if ka is Kind.NUMBER and kb is Kind.NUMBER:
        return NUMBER
    if ka is Kind.DATE and kb is Kind.DATE and op == "-":
        return quantity(TIME)
    if ka is Kind.DATE and kb is Kind.QUANTITY and op in "+-" and b.dimension in (TIME, None):
        return DATE
    if ka is Kind.QUANTITY and kb is Kind.QUANTITY:
        if op in "+-":
            if a.dimension and b.dimension and a.dimension != b.dimension:
                ctx.error("OW016", f"cannot {'add' if op == '+' else 'subtract'} {right.text} ({b.describe()}) "
                          f"{'to' if op == '+' else 'from'} {left.text} ({a.describe()})", node)
                return None
            return a
        if a.dimension is None or b.dimension is None:
            return quantity()
        dim = a.dimension * b.dimension if op == "*" else a.dimension / b.dimension
        return NUMBER if not dim.exponents else quantity(dim)
    if {ka, kb} == {Kind.QUANTITY, Kind.NUMBER} and (op == "*" or (op == "/" and kb is Kind.NUMBER)):
        return a if ka is Kind.QUANTITY else b
    ctx.error("OW017", f"cannot apply '{op}' to {left.text} ({a.describe()}) and {right.text} ({b.describe()})", node)
    return None


@compile_expr.register
def _arithmetic(node: ast.Arithmetic, ctx: Context) -> Compiled:
    left, right = compile_expr(node.left, ctx), compile_expr(node.right, ctx)
    t = _arithmetic_type(node.op, left.type, right.type, node, left, right, ctx)
    if t is None:
        return _broken(node, ctx)
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
        except EvalError as err:
            ctx.error("OW017", str(err), node)
            return _broken(node, ctx)
        return constant(value, node, ctx, t)
    return Compiled(run, t, node, text)


def apply_arithmetic(op: str, x: Any, y: Any, text: str, where: Callable[[], tuple[Any, Any]] | None = None) -> Any:
    """x op y for present values; EvalError for what a rule cannot do (division by zero)."""
    if isinstance(x, dt.date) and isinstance(y, dt.date) and op == "-":
        return Quantity((x - y).days, unit("days"))
    if isinstance(x, dt.date) and isinstance(y, Quantity) and y.dimension == TIME and op in "+-":
        days = dt.timedelta(days=y.to("days").magnitude)
        return x + days if op == "+" else x - days
    numeric = (int, float, Quantity)
    if not (isinstance(x, numeric) and isinstance(y, numeric)) or isinstance(x, bool) or isinstance(y, bool):
        paths = where() if where else (None, None)
        bad, path = (x, paths[0]) if not isinstance(x, numeric) or isinstance(x, bool) else (y, paths[1])
        return Mismatch(path or (), bad, "a number or a quantity")
    if op == "/" and (y == 0 if not isinstance(y, Quantity) else y.magnitude == 0):
        raise EvalError(f"division by zero in {text}")
    try:
        result = _ARITHMETIC[op](x, y)
    except DimensionError as err:
        raise EvalError(f"{err} in {text}") from None
    if result is NotImplemented:
        raise EvalError(f"cannot apply '{op}' to {show(x)} and {show(y)} in {text}")
    return result


@compile_expr.register
def _negate(node: ast.Negate, ctx: Context) -> Compiled:
    inner = compile_expr(node.value, ctx)
    if inner.type.kind not in (Kind.NUMBER, Kind.QUANTITY, Kind.ANY):
        ctx.error("OW017", f"cannot negate {inner.text} ({inner.type.describe()})", node)
        return _broken(node, ctx)
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


# ---- calls -----------------------------------------------------------------------------------


@compile_expr.register
def _call(node: ast.Call, ctx: Context) -> Compiled:
    builtin = ctx.builtins.get(node.function)
    if builtin is None:
        hint = did_you_mean(node.function, ctx.builtins) or "functions: " + ", ".join(sorted(ctx.builtins))
        ctx.error("OW012", f"unknown function '{node.function}'", node, hint)
        return _broken(node, ctx)
    args = [compile_expr(arg, ctx) for arg in node.args]
    if len(args) != len(builtin.params):
        wanted = ", ".join(p.name for p in builtin.params)
        ctx.error("OW013", f"{builtin.name}() takes {len(builtin.params)} argument"
                  f"{'' if len(builtin.params) == 1 else 's'} ({wanted}); {len(args)} given", node,
                  f"write {builtin.name}({wanted})")
        return _broken(node, ctx)
    ok = True
    for arg, param in zip(args, builtin.params):
        if not assignable(arg.type, param.type):
            ctx.error("OW014", f"{builtin.name}() needs {param.type.describe()} for {param.name}; "
                      f"{arg.text} is {arg.type.describe()}", arg.node)
            ok = False
    if not ok:
        return _broken(node, ctx)
    runs = [a.run for a in args]
    locates = [a.locate for a in args]
    impl, params = builtin.impl, builtin.params

    def values(scope: Scope) -> list[Any] | Unknown:
        out = []
        for run_arg, locate, param in zip(runs, locates, params):
            x = run_arg(scope)
            if isinstance(x, Unknown):
                return x
            if param.type.kind is not Kind.ANY and not param.accepts(x):
                return Mismatch(locate(scope) or (), x, param.type.describe())
            out.append(x)
        return out

    def run(scope: Scope) -> Any:
        xs = values(scope)
        if isinstance(xs, Unknown):
            return xs
        return impl(*xs, paths=[loc(scope) for loc in locates]) if builtin.wants_paths else impl(*xs)

    explain: Explain | None = None
    if builtin.returns.kind is Kind.BOOLEAN:
        def explain(scope: Scope) -> Failure:
            result = run(scope)
            if isinstance(result, Unknown):
                return unknown_failure(result)
            xs = values(scope)
            path = locates[0](scope)
            subject = format_path(path) if path else args[0].text
            detail = builtin.explain(*xs) if builtin.explain else f"{ctx.text(node)} is false"  # type: ignore[misc]
            shown = ((subject, show(xs[0])),) if xs else ()  # type: ignore[index]
            return Failure(Reason.VIOLATED, path, f"{subject}: {detail}" if builtin.explain else detail, shown)
    return Compiled(run, builtin.returns, node, ctx.text(node), locates[0] if locates else _nowhere, explain)


def check_registry() -> list[str]:
    """AST expression classes without a compiler (a test keeps this empty)."""
    expression_classes = [c for c in vars(ast).values() if isinstance(c, type) and issubclass(c, ast.Expr)
                          and c is not ast.Expr]
    return [c.__name__ for c in expression_classes if c not in compile_expr.registry]
