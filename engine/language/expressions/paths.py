"""Names and paths: params, lets, quantifier variables, `today`, disclosure fields, `a.b`, `list[0]`
and filters `list[condition]`, each resolved at compile time to a closure reading the document."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import ast
from ..errors import did_you_mean
from ..runtime import EvalError, Items, Mismatch, Missing, Path, Scope, Undecided, Unknown, coerce, format_path, show
from ..types import ANY, DATE, Kind, Type, list_of
from .core import (IT, ITEM, TODAY, Compiled, Context, ImportedParam, Local, broken, compile_expr, constant, each_bound,
                   item_paths, remembered, today, type_of_value)


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
        var = local.var or name

        def run_var(scope: Scope) -> Any:
            return scope.vars[var]
        return Compiled(run_var, local.type, node, text, lambda scope: scope.paths[var])
    # Inside a filter, a bare name is a field of the item first: components[kind == "datasets"].
    if (field_type := _item_field(name, ctx)) is not None:
        item_type = field_type  # (a closure does not keep the narrowing of field_type)

        def run_item(scope: Scope) -> Any:
            item = scope.vars[ITEM]
            if not isinstance(item, dict):  # a list of mappings with a stray text or number in it
                return Mismatch(scope.paths[ITEM] or (), item, "a mapping")
            result = coerce(item.get(name), item_type, ())
            if isinstance(result, Unknown):  # the path is only worked out when it is needed
                result.path = (*(scope.paths[ITEM] or ()), name)
            return result
        return Compiled(run_item, item_type, node, text, lambda scope: (*(scope.paths[ITEM] or ()), name))
    if name in ctx.lets:
        ctx.used |= ctx.let_uses.get(name, frozenset())
        return _memoised(ctx.lets[name], f"{ctx.variant or ctx.file}\0{name}", node, ctx)  # not another file's
    if name in ctx.params:
        ctx.used.add(name)
        value = ctx.params[name]
        return constant(value, node, ctx, type_of_value(value))
    if name in ctx.imported:
        return _imported_param(node, ctx)
    if name == TODAY:  # the date the check judges as of (--as-of, default the day it runs)
        return Compiled(today, DATE, node, text)
    if name == IT:
        ctx.error("OW043", "'it' is used outside a filter or a quantifier", node,
                  "'it' is the item in a filter, list[it != \"\"], or in a quantifier without a variable, "
                  "all(list: it != \"\")")
        return broken(node, ctx)
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
        return broken(node, ctx)
    hint = did_you_mean(name, known) or (
        f"a name is a param, a let, a quantifier variable or a disclosure section ({', '.join(root_shape.names())})")
    ctx.error("OW011", f"unknown name '{name}'", node, hint)
    return broken(node, ctx)


def _imported_param(node: ast.Name, ctx: Context) -> Compiled:
    """A param of an imported policy, read by its name (the importing policy does not declare it)."""
    found = ctx.imported[node.name]
    if not isinstance(found, ImportedParam):
        ctx.error("OW045", f"param '{node.name}' is declared with different values by the imported policies "
                  f"{', '.join(sorted(found))}", node, f"declare '{node.name}' in this policy, or give it one value with "
                  f"`set {node.name} = ...` in the import")
        return broken(node, ctx)
    ctx.used.add(node.name)
    return constant(found.value, node, ctx, type_of_value(found.value))


def _memoised(let: Compiled, key: str, node: ast.Expr, ctx: Context) -> Compiled:
    """A `let` is computed once per document (or per rule, for a rule's own lets)."""
    if let.constant:
        return Compiled(let.run, let.type, node, ctx.text(node), constant=True)
    return Compiled(remembered(let.run, key), let.type, node, ctx.text(node), let.locate, let.explain)


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
            return broken(node, ctx)
    elif t.kind in (Kind.ANY, Kind.OBJECT) or (list_item is not None and list_item.kind in (Kind.ANY, Kind.OBJECT)):
        child = ANY
    else:
        ctx.error("OW017", f"{base.text} is {t.describe()}; it has no field '{name}'", node)
        return broken(node, ctx)
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
        return broken(node, ctx)
    item_type = t.item or ANY
    inner = compile_expr(node.index, ctx.within(item=item_type, locals={**ctx.locals, IT: Local(item_type, var=ITEM)}))
    if inner.type.kind is Kind.NUMBER:
        return _index(node, base, inner, item_type, ctx)
    if inner.type.kind not in (Kind.BOOLEAN, Kind.ANY):
        ctx.error("OW017", f"{inner.text} is {inner.type.describe()}; inside [...] write a condition "
                  "(kind == \"datasets\") or a position (0)", node.index)
        return broken(node, ctx)
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
        return frozenset(i.value for i in node.items)  # type: ignore[attr-defined]
    if (isinstance(node, ast.Name) and node.name not in ctx.locals and _item_field(node.name, ctx) is None
            and node.name not in ctx.lets
            and isinstance(value := ctx.params.get(node.name, _imported_value(node.name, ctx)), list)
            and all(isinstance(v, str) for v in value)):
        return frozenset(value)
    return None


def _imported_value(name: str, ctx: Context) -> Any:
    found = ctx.imported.get(name)
    return found.value if isinstance(found, ImportedParam) else None


def _direct_test(condition: ast.Expr, ctx: Context) -> Callable[[dict[str, Any]], bool] | None:
    """The commonest filters, `kind == "datasets"`, `kind != "x"` and `kind in ["a", "b"]` over a text
    field, as a plain test of an item: the same items kept as the compiled condition keeps (a missing or
    mistyped field is never kept), without binding the item in the scope for each one."""
    if isinstance(condition, ast.Compare) and condition.op in (ast.CompareOp.EQ, ast.CompareOp.NE):
        name, other = _text_field(condition.left, ctx), condition.right
        if name is None:
            name, other = _text_field(condition.right, ctx), condition.left
        if name is None or not isinstance(other, ast.Literal) or not isinstance(other.value, str):
            return None
        key, wanted = name, other.value
        if condition.op is ast.CompareOp.EQ:
            return lambda item: item.get(key) == wanted
        return lambda item: isinstance(value := item.get(key), str) and value != wanted
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
    # A condition on the item itself (`it`) looks at every item, texts and numbers too; one on fields, at mappings.
    every = any(isinstance(n, ast.Name) and n.name == IT for n in ast.walk(node.index))

    def run(scope: Scope) -> Any:
        items = base_run(scope)
        if isinstance(items, Unknown):
            return items
        if not isinstance(items, list):
            return Mismatch(base_locate(scope) or (), items, "a list")
        paths = item_paths(items, base_locate, scope)
        if direct is not None:
            kept = [(value, path) for value, path in zip(items, paths) if isinstance(value, dict) and direct(value)]
            return Items([value for value, _ in kept], [path for _, path in kept])
        mappings = [i for i, value in enumerate(items) if every or isinstance(value, dict)]
        values, where = [items[i] for i in mappings], [paths[i] for i in mappings]
        chosen = [i for i, result in enumerate(each_bound(scope, ITEM, values, where, test)) if result is True]
        return Items([values[i] for i in chosen], [where[i] for i in chosen])
    if ctx.item is not None or _reads_locals(node, ctx):  # its items depend on the quantifier or rule around it
        return Compiled(run, t, node, ctx.text(node), base_locate)
    # The same filter written in several rules (a `when` and its `require`, often) is worked out once
    # per document: with no local names, its text in its file always means the same list.
    key = f"{ctx.variant or ctx.file}\0[{ctx.text(node)}"
    return Compiled(remembered(run, key), t, node, ctx.text(node), base_locate)


def _reads_locals(node: ast.Expr, ctx: Context) -> bool:
    """Whether `node` names a quantifier variable or a rule's own let of `ctx`."""
    return bool(ctx.locals) and any(isinstance(n, ast.Name) and n.name in ctx.locals for n in ast.walk(node))
