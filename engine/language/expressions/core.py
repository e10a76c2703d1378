"""The expression compiler's core: what every node compiler shares, and nothing node-specific.

A compiled expression (`Compiled`) can `run` (its value, or an Unknown when evidence is absent or of
the wrong kind), `locate` (the document path its value came from, for findings) and, when it is a
condition, `explain` why it does not hold. Here are that type, the compile-time `Context`, the
`compile_expr` dispatcher the node modules register with, unknown propagation (`explanation`, `best`,
`condition`) and the binding of a quantifier's or filter's item in the scope. This module imports no
node module; the package's `__init__` imports them all, so that `compile_expr` knows every node.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ...values.quantities import Quantity
from ...values.verdicts import REASON_RANK, Reason, Status
from .. import ast
from ..builtins import BUILTINS, Builtin
from ..errors import Label, PolicyError
from ..runtime import Failure, Items, Mismatch, Path, Scope, Unknown, show, unknown_failure
from ..types import ANY, BOOLEAN, DATE, LIST, NULL, NUMBER, STRING, Kind, Type, list_of, quantity

Run = Callable[[Scope], Any]
Locate = Callable[[Scope], "Path | None"]
Explain = Callable[[Scope], Failure]


def nowhere(scope: Scope) -> None:
    """The location of a value read from no document path (a constant, a calculation's result)."""
    return None


@dataclass(frozen=True, slots=True, eq=False)
class Compiled:
    """One compiled expression."""

    run: Run
    type: Type
    node: ast.Expr
    text: str  # as written in the policy, for explanations
    locate: Locate = nowhere
    explain: Explain | None = None  # set for conditions; see `explanation`
    constant: bool = False  # the value does not depend on the document (literals, params)


@dataclass(frozen=True, slots=True)
class Local:
    """A name bound inside a rule: a quantifier variable or a rule-level `let`."""

    type: Type
    let: Compiled | None = None  # None: a quantifier variable, read from scope.vars
    key: str = ""  # memo key of a let
    var: str = ""  # the scope.vars key of a variable, when it is not its name (`it` in a filter: ITEM)


@dataclass(frozen=True, slots=True)
class RuleTarget:
    """A compiled rule another rule may read the result of (`rule ID passed`)."""

    id: str  # qualified: "mof-class-iii/class-reached"
    key: str  # the rule's judgement key (see CompiledRule.key)
    params: tuple[tuple[str, str], ...]  # the params its result depends on, as written
    status: Callable[[Scope], Status]  # its status on the scope's document, worked out once


@dataclass(frozen=True, slots=True)
class ImportedParam:
    """A param an imported policy declares, readable by name in the importing one."""

    value: Any
    policies: tuple[str, ...]  # the imported policies that declare it (several: with the same value)


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
    # The params an expression reads, directly or through a let, gathered as it compiles: what a rule's
    # judgement depends on (a rule imported with other values of params it never reads is the same rule).
    used: set[str] = field(default_factory=set)
    let_uses: dict[str, frozenset[str]] = field(default_factory=dict)  # policy-level let -> the params it reads
    # When set, every expression compiled here is recorded: a rule's sub-expressions, for `openwatt explain`.
    trace: list[Compiled] | None = None
    declared: Mapping[str, ast.Span] = field(default_factory=dict)  # the policy's params: where each default is
    # The params of the policies it imports that it does not declare itself: names it may read. A name two
    # imported policies declare with different values maps to their ids (reading it is error OW045).
    imported: Mapping[str, ImportedParam | tuple[str, ...]] = field(default_factory=dict)
    # Inside a rule: the rules whose result it may read (`rule ID passed`), by every id it may write;
    # None for a rule that cannot be read (on a dependency cycle, or broken). Outside a rule: None.
    rules: Mapping[str, RuleTarget | None] | None = None
    imported_at: Mapping[str, ast.Span] = field(default_factory=dict)  # directly imported policy -> its import
    depends: list[RuleTarget] = field(default_factory=list)  # the rules read, gathered as a rule compiles
    outside: ast.Node | None = None  # the param or policy-level let being compiled, for OW029's label

    def param_label(self, node: ast.Node, type_: Type) -> tuple[Label, ...]:
        """ "declared here", at the default of the param `node` names (none for other nodes)."""
        if not isinstance(node, ast.Name) or node.name in self.locals or node.name not in self.declared:
            return ()
        return (Label(self.declared[node.name], f"'{node.name}' is declared here, as {type_.describe()}"),)

    def error(self, code: str, message: str, node: ast.Node, hint: str | None = None,
              labels: tuple[Label, ...] = ()) -> None:
        self.errors.append(PolicyError(code, message, node.span, hint, labels))

    def text(self, node: ast.Node) -> str:
        return source_text(node, self.source)

    def within(self, **changes: Any) -> Context:
        new = Context(self.file, self.source, self.root, self.errors, self.lets, self.params,
                      dict(self.locals), self.item, self.builtins, self.pending, self.variant, self.used,
                      self.let_uses, self.trace, self.declared, self.imported, self.rules, self.imported_at,
                      self.depends, self.outside)
        for name, value in changes.items():
            setattr(new, name, value)
        return new


@functools.singledispatch
def _dispatch(node: ast.Expr, ctx: Context) -> Compiled:
    raise NotImplementedError(f"no compiler for {type(node).__name__}")


class _Compiler:
    """`compile_expr(node, ctx)`: `node` compiled in `ctx`; errors go to `ctx.errors` and a stand-in comes
    back (see `broken`). It dispatches on the node's class (node modules `register` with it); an
    expression compiled in a context with a `trace` is recorded there."""

    registry = _dispatch.registry

    @staticmethod
    def register(compiler: Callable[[Any, Context], Compiled]) -> Callable[[Any, Context], Compiled]:
        """Register `compiler` for the node class its first parameter is annotated with."""
        return _dispatch.register(compiler)

    def __call__(self, node: ast.Expr, ctx: Context) -> Compiled:
        compiled: Compiled = _dispatch(node, ctx)
        if ctx.trace is not None:
            ctx.trace.append(compiled)
        return compiled


compile_expr = _Compiler()


def check_registry() -> list[str]:
    """AST expression classes without a compiler (a test keeps this empty)."""
    expression_classes = [c for c in vars(ast).values() if isinstance(c, type) and issubclass(c, ast.Expr)
                          and c is not ast.Expr]
    return [c.__name__ for c in expression_classes if c not in compile_expr.registry]


# ---- building compiled expressions -----------------------------------------------------------


def broken(node: ast.Expr, ctx: Context) -> Compiled:
    """Stands in for an expression with a compile error, so the other errors are still found."""
    def run(scope: Scope) -> Any:  # never runs: a policy with errors is not evaluated
        raise AssertionError("a policy with compile errors was evaluated")
    return Compiled(run, ANY, node, ctx.text(node))


def constant(value: Any, node: ast.Expr, ctx: Context, type_: Type) -> Compiled:
    """An expression whose value the compiler knows: a literal, a param, a calculation of those."""
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


def remembered(run: Run, key: str) -> Run:
    """`run`, its value kept in the document's memo under `key` the first time it is worked out."""
    def remember(scope: Scope) -> Any:
        memo = scope.memo
        if key in memo:
            return memo[key]
        value = memo[key] = run(scope)
        return value
    return remember


# Expressions that read the document as written: an explanation names them by their path.
PATHS = (ast.Name, ast.Attribute, ast.Subscript)


# ---- scope binding: a quantifier's variable, a filter's item -----------------------------------

TODAY = "today"
IT = "it"  # the item, in a filter (`model.modalities[it != "text"]`) or a quantifier without a variable
ITEM = "\x00item"  # scope.vars key of the list item a filter is looking at (not a writable name)


def today(scope: Scope) -> Any:
    """The date the check judges as of (--as-of, default the day it runs)."""
    return scope.as_of


def item_paths(items: list[Any], locate: Locate, scope: Scope) -> list[Path]:
    """The document path of each item of a list: a filtered list's own, else the list's path and index."""
    if isinstance(items, Items):
        return [p or () for p in items.paths]
    base = locate(scope) or ()
    return [(*base, i) for i in range(len(items))]


_NEVER = object()


def each_bound(scope: Scope, var: str, items: Sequence[Any], paths: Sequence[Path], test: Run,
               stop: Any = _NEVER) -> list[Any]:
    """`test` of each item, the item bound to `var` (its value and its path), up to the first result
    that is `stop`; `var` is bound again to what it was before (an outer item) when done."""
    vars_, where = scope.vars, scope.paths
    saved = vars_.get(var), where.get(var)
    results = []
    try:
        for value, path in zip(items, paths):
            vars_[var], where[var] = value, path
            results.append(result := test(scope))
            if result is stop:
                break
    finally:
        vars_[var], where[var] = saved
    return results


# ---- conditions: what every condition shares -------------------------------------------------


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


def explain_known(run: Run, violated: Explain) -> Explain:
    """Why a condition does not hold: the evidence it lacks (absent, or of the wrong kind) when `run`
    gives an Unknown, else `violated`, which explains a value that is there and breaks the rule."""
    def explain(scope: Scope) -> Failure:
        value = run(scope)
        if isinstance(value, Unknown):
            return unknown_failure(value)
        return violated(scope)
    return explain


def as_condition(c: Compiled, ctx: Context, role: str) -> Compiled:
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
