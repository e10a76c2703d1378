"""Calls of built-in functions: resolved, arity- and type-checked at compile time; each explains itself."""

from __future__ import annotations

from typing import Any

from ...values.verdicts import Reason
from .. import ast
from ..errors import did_you_mean
from ..runtime import Failure, Mismatch, Missing, Path, Scope, Unknown, format_path, show
from ..builtins import Param
from ..types import Kind, assignable
from .core import Compiled, Context, broken, compile_expr, explain_known, nowhere


def _each_item_hint(node: ast.Call, arg: Compiled, param: Param, ctx: Context) -> str | None:
    """A list where the function takes one of its items (`osi_approved(components.license)`): the
    quantifier that applies the function to each item, as a rewrite of the call."""
    item = arg.type.item
    if arg.type.kind is not Kind.LIST or item is None or not param.admits(item):
        return None
    if isinstance(arg.node, ast.Attribute) and _last_name(arg.node.value):  # components.license: c.license
        collection, var = ctx.text(arg.node.value), _last_name(arg.node.value)[0]
        each = f"{var}.{arg.node.name}"
    else:
        collection, var = arg.text, (_last_name(arg.node) or "x")[0]
        each = var
    call = ctx.text(node).replace(arg.text, each, 1)
    return f"to test each item, write all({var} in {collection}: {call}) (or any(...))"


def _at_least(value: Any, least: float) -> bool:
    """Whether a constant argument meets its least value (one that is not a number is another check's)."""
    return not isinstance(value, (int, float)) or isinstance(value, bool) or value >= least


def _last_name(node: ast.Expr) -> str:
    """The last name of a path (`components` of `model.components`), else ""."""
    if isinstance(node, ast.Name):
        return node.name
    if isinstance(node, ast.Attribute):
        return node.name
    return ""


@compile_expr.register
def _call(node: ast.Call, ctx: Context) -> Compiled:
    builtin = ctx.builtins.get(node.function)
    if builtin is None:
        hint = did_you_mean(node.function, ctx.builtins) or "functions: " + ", ".join(sorted(ctx.builtins))
        ctx.error("OW012", f"unknown function '{node.function}'", node, hint)
        return broken(node, ctx)
    args = [compile_expr(arg, ctx) for arg in node.args]
    if len(args) != len(builtin.params):
        wanted = ", ".join(p.name for p in builtin.params)
        ctx.error("OW013", f"{builtin.name}() takes {len(builtin.params)} argument"
                  f"{'' if len(builtin.params) == 1 else 's'} ({wanted}); {len(args)} given", node,
                  f"write {builtin.name}({wanted})")
        return broken(node, ctx)
    ok = True
    if builtin.result is not None and len(args) == 2 and not (assignable(args[0].type, args[1].type)):
        ctx.error("OW014", f"{builtin.name}() needs two values of one kind; {args[0].text} is "
                  f"{args[0].type.describe()} and {args[1].text} is {args[1].type.describe()}", args[1].node)
        ok = False
    for arg, param in zip(args, builtin.params):
        if not param.admits(arg.type):
            ctx.error("OW014", f"{builtin.name}() needs {param.describe()} for {param.name}; "
                      f"{arg.text} is {arg.type.describe()}", arg.node, _each_item_hint(node, arg, param, ctx))
            ok = False
    for arg, param in zip(args, builtin.params):
        if param.at_least is None or not arg.constant:
            continue
        value = arg.run(None)  # type: ignore[arg-type]  # a constant reads no document
        if not _at_least(value, param.at_least):
            ctx.error("OW014", f"{builtin.name}() needs a {param.name} of at least {param.at_least:g}; {arg.text} is "
                      f"{show(value)}", arg.node,
                      f"write a {param.name} of {param.at_least:g} or more; it widens the check both ways")
            ok = False
    if not ok:
        return broken(node, ctx)
    runs = [a.run for a in args]
    locates = [a.locate for a in args]
    impl, params = builtin.impl, builtin.params

    def values(scope: Scope) -> list[Any] | Unknown:
        out = []
        for run_arg, locate, param in zip(runs, locates, params):
            x = run_arg(scope)
            if isinstance(x, Unknown) and not (param.missing_ok and type(x) is Missing):
                return x
            if not isinstance(x, Missing) and not param.accepts(x):
                return Mismatch(locate(scope) or (), x, param.type.describe())
            out.append(x)
        return out

    def run(scope: Scope) -> Any:
        xs = values(scope)
        if isinstance(xs, Unknown):
            return xs
        return impl(*xs, paths=[loc(scope) for loc in locates]) if builtin.wants_paths else impl(*xs)

    def violated(scope: Scope) -> Failure:
        xs = values(scope)
        assert not isinstance(xs, Unknown)  # explained only when the call gave a value
        path = locates[0](scope)
        subject = format_path(path) if path else args[0].text
        if builtin.explain is None:
            return Failure(Reason.VIOLATED, path, f"{ctx.text(node)} is false", ((subject, show(xs[0])),))
        return Failure(Reason.VIOLATED, path, f"{subject}: {builtin.explain(*xs)}", ((subject, show(xs[0])),))
    returns = builtin.result([a.type for a in args]) if builtin.result is not None else builtin.returns
    def used(scope: Scope) -> Path | None:  # default(a, b): the evidence is the argument that was used
        for run_arg, locate_arg in zip(runs, locates):
            if not isinstance(run_arg(scope), Missing):
                return locate_arg(scope)
        return locates[0](scope)
    locate = used if any(p.missing_ok for p in params) else (locates[0] if locates else nowhere)
    return Compiled(run, returns, node, ctx.text(node), locate, explain_known(run, violated))
