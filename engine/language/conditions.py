"""Conditions: and, or, not, exists/missing, comparisons, in, matches and quantifiers; each explains itself."""

from __future__ import annotations

import datetime as dt
import operator
import re
from typing import Any

from ..values.quantities import UNITS, Quantity, QuantityError, parse_quantity
from ..values.text import blank
from ..values.verdicts import Reason
from . import ast
from .operations import apply_arithmetic
from .compiler import (Compiled, Context, Local, Locate, _broken, _item_paths, best, compile_expr, constant,
                       explanation, type_of_value, _condition)
from .errors import did_you_mean
from .runtime import (Failure, Items, Mismatch, Missing, Scope, Unknown, approximate, format_path, kind_of, show,
                      unknown_failure)
from .types import ANY, BOOLEAN, NUMBER, Kind, assignable

# ---- conditions ------------------------------------------------------------------------------


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
        # A side that is false decides `and` on its own (false and unknown is false): explain that one.
        outcomes = [(r(scope), e) for e, r in ((ea, a), (eb, b))]
        decisive = [e for value, e in outcomes if value is False] or [e for value, e in outcomes if value is not True]
        return best([e(scope) for e in decisive])
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
        if all(f.detail.startswith("missing: ") for f in (first, second)):  # missing: a, or b
            named = [f.detail.removeprefix("missing: ") for f in (first, second)]
            detail = "missing: " + ", or ".join(dict.fromkeys(n for part in named for n in part.split(", or ")))
        else:
            detail = f"neither holds: {first.detail}; {second.detail}"
        return Failure(decisive.reason, decisive.path, detail,
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


def _presence_of(inner: Compiled, present: bool, node: ast.Expr, ctx: Context) -> Compiled:
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
            where = format_path(path) if path and isinstance(inner.node, _PATHS) and not isinstance(x, Items) else text
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


def compare_values(op: str, a: Any, b: Any) -> Any:
    """a op b for present values; None when they cannot be compared (kinds differ)."""
    kind = type(a)
    if kind is type(b) and kind in _SAME_KIND_FAST:  # the common case, e.g. kind == "datasets" in a filter
        if op == "==":
            return a == b
        if op == "!=":
            return a != b
        return _ORDER[op](a, b) if _SAME_KIND_FAST[kind] else None
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
    # A value the policy computed (energy × intensity) is shown to four significant digits, or as many
    # more as it takes for the shown values still to break the rule (117760 h is not "117800 h").
    for digits in (4, 6, 9, 12, 17):
        shown_x = x if isinstance(left.node, _PATHS) else approximate(x, digits)
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
        return _broken(node, ctx)
    if ct.kind is Kind.STRING and item.type.kind not in (Kind.STRING, Kind.ANY):
        ctx.error("OW017", f"'in' text needs text on its left; {item.text} is {item.type.describe()}", node,
                  f'write it in quotes, e.g. "{item.text}" in {container.text}')
        return _broken(node, ctx)
    if ct.kind is Kind.LIST and ct.item is not None and item.type.kind is not Kind.ANY and not assignable(item.type, ct.item):
        ctx.error("OW017", f"{item.text} is {item.type.describe()}, but {container.text} is {ct.describe()}", node)
        return _broken(node, ctx)
    if ct.kind is Kind.LIST and container.constant and item.type.enum:
        written = node.container.items if isinstance(node.container, ast.ListLiteral) else ()
        for i, element in enumerate(container.run(None)):  # type: ignore[arg-type]
            where = written[i] if i < len(written) else node.container  # the caret goes under the value itself
            _check_enum("==", item, constant(element, where, ctx, type_of_value(element)), node, ctx)
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
            if not isinstance(element, Unknown) and compare_values("==", x, element) is True:
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

    def explain(scope: Scope) -> Failure:
        x = run(scope)
        if isinstance(x, Unknown):
            return unknown_failure(x)
        value, path, listed = a(scope), item.locate(scope), b(scope)
        if item.constant and not container.constant:  # `"GPL" in model.license`: the container is the evidence
            where = container.locate(scope)
            subject = format_path(where) if where and isinstance(container.node, _PATHS) else container.text
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
    return Compiled(run, BOOLEAN, node, ctx.text(node), _subject(item, container), explain)


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
    if node.kind == "sum":
        return _sum(node, collection, compile_expr(node.condition, inner_ctx), ctx)
    condition = _condition(compile_expr(node.condition, inner_ctx), inner_ctx, f"the test after ':' in {node.kind}(...)")
    items_run, test, kind = collection.run, condition.run, node.kind
    locate = collection.locate

    def outcomes(scope: Scope, stop: Any = None) -> Any:
        """Each item's condition value, up to the first that is `stop`; or an Unknown for the whole list."""
        items = items_run(scope)
        if isinstance(items, Unknown):
            return items
        if not isinstance(items, list):
            return Mismatch(locate(scope) or (), items, "a list")
        paths = _item_paths(items, locate, scope)
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

    def count(scope: Scope) -> Any:
        results = outcomes(scope)
        return results if isinstance(results, Unknown) else sum(1 for r in results if r is True)

    # all(...) stops at the first item that is false, any(...) and none(...) at the first that is true;
    # an unknown item decides only when no item does.
    decisive = False if kind == "all" else True

    def run(scope: Scope) -> Any:
        results = outcomes(scope, decisive)
        if isinstance(results, Unknown):
            return results
        if results and results[-1] is decisive:
            return decisive if kind != "none" else False
        if (unknown := next((r for r in results if isinstance(r, Unknown)), None)) is not None:
            return unknown
        return not decisive if kind != "none" else True

    explain_item = explanation(condition)

    def explain(scope: Scope) -> Failure:
        results = outcomes(scope)
        if isinstance(results, Unknown):
            return unknown_failure(results)
        items = items_run(scope)
        paths = _item_paths(items, locate, scope)
        # A filtered list is named as written ("components[kind == ...]"), a plain one by its path.
        pure_path = isinstance(collection.node, _PATHS) and not isinstance(items, Items)
        where = (format_path(locate(scope)) if pure_path else "") or collection.text
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
        return Compiled(count, NUMBER, node, ctx.text(node), locate)
    return Compiled(run, BOOLEAN, node, ctx.text(node), locate, explain)


def _sum(node: ast.Quantifier, collection: Compiled, term: Compiled, ctx: Context) -> Compiled:
    """`sum(h in hardware: h.count * h.duration)`: the total of a number or quantity over a list."""
    if term.type.kind not in (Kind.NUMBER, Kind.QUANTITY, Kind.ANY):
        ctx.error("OW017", f"sum(...) adds numbers or quantities; {term.text} is {term.type.describe()}", term.node)
        return _broken(node, ctx)
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
            for value, path in zip(items, _item_paths(items, locate, scope)):
                vars_[var], where[var] = value, path
                x = value_run(scope)
                if isinstance(x, Unknown):
                    return x
                if isinstance(x, bool) or not isinstance(x, (int, float, Quantity)):
                    return Mismatch(term_locate(scope) or (), x, "a number or a quantity")
                total = (apply_arithmetic("+", total, x, text, lambda: (None, term_locate(scope)))
                         if total is not zero else x)
                if isinstance(total, Unknown):
                    return total
        finally:
            vars_[var], where[var] = saved
        return total
    return Compiled(run, term.type if term.type.kind is not Kind.ANY else ANY, node, text, locate)
