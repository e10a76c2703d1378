"""Expressions -> closures: names, paths, units, regexes and types resolved once, at compile time.

Every compiled expression can `run` (the value, or an Unknown when evidence is absent or of the
wrong kind), `locate` (the document path its value came from, for findings) and, when it is a
condition, `explain` why it does not hold. Evaluation never looks anything up by name.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..values.quantities import Quantity, QuantityError, unit
from ..values.verdicts import REASON_RANK, Reason
from . import ast
from .builtins import BUILTINS, Builtin
from .errors import PolicyError, did_you_mean
from .runtime import (EvalError, Failure, Items, Mismatch, Missing, Path, Scope, Undecided, Unknown, coerce,
                      format_path, show, unknown_failure)
from .types import ANY, BOOLEAN, DATE, LIST, NULL, NUMBER, STRING, Kind, Type, list_of, quantity

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


@functools.lru_cache(maxsize=64)  # a policy's text, split once however many expressions quote it
def _lines(source: str) -> list[str]:
    return source.splitlines()


def source_text(node: ast.Node, source: str) -> str:
    """The source text of `node` (one line; a multi-line expression is joined by spaces)."""
    lines = _lines(source)
    s = node.span
    if s.line == s.end_line:
        return lines[s.line - 1][s.column - 1:s.end_column - 1]
    chunk = [lines[s.line - 1][s.column - 1:], *lines[s.line:s.end_line - 1], lines[s.end_line - 1][:s.end_column - 1]]
    return " ".join(part.strip() for part in chunk)


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
    pending: Mapping[str, int] = field(default_factory=dict)  # params and lets of the policy, by line
    # What makes a value the policy computes the same in every policy that imports this file: the file, its
    # text and its param values. Lets, filters and rule outcomes are remembered per document under it.
    variant: str = ""

    def error(self, code: str, message: str, node: ast.Node, hint: str | None = None) -> None:
        self.errors.append(PolicyError(code, message, node.span, hint))

    def text(self, node: ast.Node) -> str:
        return source_text(node, self.source)

    def within(self, **changes: Any) -> Context:
        new = Context(self.file, self.source, self.root, self.errors, self.lets, self.params,
                      dict(self.locals), self.item, self.builtins, self.pending, self.variant)
        for name, value in changes.items():
            setattr(new, name, value)
        return new


TODAY = "today"


def _today(scope: Scope) -> Any:
    return scope.as_of


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
    if isinstance(node.value, float) and not math.isfinite(node.value):
        return _too_large(node, ctx)
    return constant(node.value, node, ctx, type_of_value(node.value))


def _too_large(node: ast.Literal | ast.QuantityLiteral, ctx: Context) -> Compiled:
    written = ctx.text(node)
    shown = written if len(written) <= 40 else f"{written[:37]}..."
    ctx.error("OW025", f"{shown} is too large for a number", node,
              "numbers go up to about 1.8e308; for a quantity, a larger unit keeps the number small (1.8 TWh)")
    return _broken(node, ctx)


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
    if not math.isfinite(node.magnitude):
        return _too_large(node, ctx)
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
        return Missing((*value.path, name)) if type(value) is Missing else value  # Undecided says it all
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
    # Inside a filter, a bare name is a field of the item first: components[kind == "datasets"].
    if (t := _item_field(name, ctx)) is not None:
        def run_item(scope: Scope) -> Any:
            result = coerce(scope.vars[ITEM].get(name), t, ())
            if isinstance(result, Unknown):  # the path is only worked out when it is needed
                result.path = (*scope.paths[ITEM], name)
            return result
        return Compiled(run_item, t, node, text, lambda scope: (*scope.paths[ITEM], name))
    if name in ctx.lets:
        return _memoised(ctx.lets[name], f"{ctx.variant or ctx.file}\0{name}", node, ctx)  # not another file's
    if name in ctx.params:
        value = ctx.params[name]
        return constant(value, node, ctx, type_of_value(value))
    if name == TODAY:  # the date the check judges as of (--as-of, default the day it runs)
        return Compiled(_today, DATE, node, text)
    root_shape = ctx.root.shape
    assert root_shape is not None
    if (t := root_shape.property(name)) is not None:
        path = (name,)
        def run_root(scope: Scope) -> Any:
            return coerce(scope.root.get(name), t, path)
        return Compiled(run_root, t, node, text, lambda scope: path)
    known = [*ctx.locals, *ctx.lets, *ctx.params, *root_shape.names(), TODAY]
    if ctx.item is not None and ctx.item.shape is not None:
        known += ctx.item.shape.names()
    if ctx.pending.get(name, 0) > node.span.line:
        ctx.error("OW011", f"unknown name '{name}'", node,
                  f"'{name}' is defined below, at line {ctx.pending[name]}; move that line above this one")
        return _broken(node, ctx)
    hint = did_you_mean(name, known) or (
        f"a name is a param, a let, a quantifier variable or a disclosure section ({', '.join(root_shape.names())})")
    ctx.error("OW011", f"unknown name '{name}'", node, hint)
    return _broken(node, ctx)


def _memoised(let: Compiled, key: str, node: ast.Expr, ctx: Context) -> Compiled:
    """A `let` is computed once per document (or per rule, for a rule's own lets)."""
    if let.constant:
        return Compiled(let.run, let.type, node, ctx.text(node), constant=True)
    return Compiled(_remembered(let.run, key), let.type, node, ctx.text(node), let.locate, let.explain)


def _remembered(run: Callable[[Scope], Any], key: str) -> Callable[[Scope], Any]:
    """`run`, its value kept in the document's memo under `key` the first time it is worked out."""
    def remembered(scope: Scope) -> Any:
        memo = scope.memo
        if key in memo:
            return memo[key]
        value = memo[key] = run(scope)
        return value
    return remembered


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
            close = did_you_mean(name, shape.names())
            hint = close.replace("'", f"'{base.text}.", 1) if close else f"{base.text} has {', '.join(shape.names())}"
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
        if isinstance(items, Items):  # a filtered list: its items keep their own document paths
            if not 0 <= at < len(items):
                where = base_locate(scope) or ()
                return Undecided(where, f"missing: {ctx.text(node)} (only {len(items)} item"
                                 f"{'' if len(items) == 1 else 's'} of {format_path(where) or 'the list'} match)"), where
            path = items.paths[at] or ()
        else:
            path = (*(base_locate(scope) or ()), at)
            if not 0 <= at < len(items):
                return Missing(path), path
        return coerce(items[at], item_type, path), path

    return Compiled(lambda scope: position(scope)[0], item_type, node, ctx.text(node), lambda scope: position(scope)[1])


def _item_field(name: str, ctx: Context) -> Type | None:
    """The type of the items' field `name` when a bare `name` in a filter reads it (no local hides it)."""
    if name in ctx.locals or ctx.item is None or ctx.item.shape is None:
        return None
    return ctx.item.shape.property(name)


def _text_field(node: ast.Expr, ctx: Context) -> str | None:
    """The name of the item field `node` reads, when it is a bare name for a text field of the items."""
    if not isinstance(node, ast.Name) or (field_type := _item_field(node.name, ctx)) is None:
        return None
    return node.name if field_type.kind is Kind.STRING else None


def _texts(node: ast.Expr, ctx: Context) -> frozenset[str] | None:
    """The texts of a list written in the policy (["a", "b"]) or held by a param, else None."""
    if isinstance(node, ast.ListLiteral) and all(isinstance(i, ast.Literal) and isinstance(i.value, str)
                                                 for i in node.items):
        return frozenset(i.value for i in node.items)  # type: ignore[union-attr]
    if (isinstance(node, ast.Name) and node.name not in ctx.locals and _item_field(node.name, ctx) is None
            and node.name not in ctx.lets
            and isinstance(value := ctx.params.get(node.name), list) and all(isinstance(v, str) for v in value)):
        return frozenset(value)
    return None


def _direct_test(condition: ast.Expr, ctx: Context) -> Callable[[dict[str, Any]], bool] | None:
    """The commonest filters, `kind == "datasets"`, `kind != "x"` and `kind in ["a", "b"]` over a text
    field, as a plain test of an item: the same items kept as the compiled condition keeps (a missing or
    mistyped field is never kept), without binding the item in the scope for each one."""
    if isinstance(condition, ast.Compare) and condition.op in ("==", "!="):
        name, other = _text_field(condition.left, ctx), condition.right
        if name is None:
            name, other = _text_field(condition.right, ctx), condition.left
        if name is None or not isinstance(other, ast.Literal) or not isinstance(other.value, str):
            return None
        wanted = other.value
        if condition.op == "==":
            return lambda item: item.get(name) == wanted
        return lambda item: isinstance(value := item.get(name), str) and value != wanted
    if isinstance(condition, ast.In) and (name := _text_field(condition.item, ctx)) is not None:
        if (texts := _texts(condition.container, ctx)) is None:
            return None
        if condition.negated:
            return lambda item: isinstance(value := item.get(name), str) and value not in texts
        return lambda item: isinstance(value := item.get(name), str) and value in texts
    return None


def _filter(node: ast.Subscript, base: Compiled, condition: Compiled, t: Type, ctx: Context) -> Compiled:
    base_run, base_locate, test = base.run, base.locate, condition.run
    direct = _direct_test(node.index, ctx.within(item=t.item or ANY)) if condition.type.kind is Kind.BOOLEAN else None

    def run(scope: Scope) -> Any:
        items = base_run(scope)
        if isinstance(items, Unknown):
            return items
        if not isinstance(items, list):
            return Mismatch(base_locate(scope) or (), items, "a list")
        paths = _item_paths(items, base_locate, scope)
        if direct is not None:
            kept = [(value, path) for value, path in zip(items, paths) if isinstance(value, dict) and direct(value)]
            return Items([value for value, _ in kept], [path for _, path in kept])
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
    if ctx.item is not None or _reads_locals(node, ctx):  # its items depend on the quantifier or rule around it
        return Compiled(run, t, node, ctx.text(node), base_locate)
    # The same filter written in several rules (a `when` and its `require`, often) is worked out once
    # per document: with no local names, its text in its file always means the same list.
    key = f"{ctx.variant or ctx.file}\0[{ctx.text(node)}"
    return Compiled(_remembered(run, key), t, node, ctx.text(node), base_locate)


def _reads_locals(node: ast.Expr, ctx: Context) -> bool:
    """Whether `node` names a quantifier variable or a rule's own let of `ctx`."""
    return bool(ctx.locals) and any(isinstance(n, ast.Name) and n.name in ctx.locals for n in ast.walk(node))


def _item_paths(items: list[Any], locate: Locate, scope: Scope) -> list[Path]:
    if isinstance(items, Items):
        return [p or () for p in items.paths]
    base = locate(scope) or ()
    return [(*base, i) for i in range(len(items))]


# ---- conditions: what every condition shares ---------------------------------------------


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
    """Check that `c` is a condition (true or false); one whose type only the document tells
    (an item of a list of anything) is checked as it runs."""
    if c.type.kind not in (Kind.BOOLEAN, Kind.ANY):
        ctx.error("OW017", f"{role} must be a condition, but {c.text} is {c.type.describe()}", c.node,
                  _condition_hint(c))
    if c.type.kind is not Kind.ANY:
        return c
    inner, locate = c.run, c.locate

    def run(scope: Scope) -> Any:
        value = inner(scope)
        if isinstance(value, (bool, Unknown)):
            return value
        return Mismatch(locate(scope) or (), value, "true or false")
    return Compiled(run, BOOLEAN, c.node, c.text, locate, c.explain)


def _condition_hint(c: Compiled) -> str:
    if c.type.kind is Kind.QUANTITY:
        return f"compare it, e.g. {c.text} <= {c.type.example() or '500 MWh'}"
    if c.type.kind in (Kind.STRING, Kind.NUMBER, Kind.DATE, Kind.OBJECT, Kind.LIST):
        return f"to require that it is given, write {c.text} exists"
    return "write a comparison, e.g. energy.training.energy <= 500 MWh"


def best(failures: list[Failure]) -> Failure:
    """The decisive failure: absence before wrong kinds before violations, then the first as written."""
    return min(failures, key=lambda f: REASON_RANK.get(f.reason, 3))  # min keeps the first of equals


def check_registry() -> list[str]:
    """AST expression classes without a compiler (a test keeps this empty)."""
    expression_classes = [c for c in vars(ast).values() if isinstance(c, type) and issubclass(c, ast.Expr)
                          and c is not ast.Expr]
    return [c.__name__ for c in expression_classes if c not in compile_expr.registry]


# The compilers of the other expression kinds register themselves with compile_expr on import.
from . import conditions, operations  # noqa: E402,F401
