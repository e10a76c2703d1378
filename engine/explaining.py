"""`openwatt explain`: one rule on one input, sub-expression by sub-expression, ending with its status.

The input goes through `inputs.open_input` (load, evidence, validation) and the rule is judged by
`evaluation.evaluate`, as `check` judges it; then each sub-expression of its `when` and `require`s is
run on the same scope, from the compiled parts the compiler kept for the rule (`CompiledRule.parts`),
so a value shown is the value the rule saw: paths resolved, quantities shown in the unit they are
compared in, and a quantifier's test shown for each item of its list.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from .documents.problems import Problem
from .evaluation import AppliedPolicies, Judgement, document_scope, evaluate
from .findings import Finding
from .inputs import InputOptions, Source, open_input
from .language import ast
from .language.errors import did_you_mean
from .language.expressions import Compiled
from .language.expressions.core import each_bound, item_paths
from .language.policy import CompiledPolicy
from .language.runtime import RULE_ERRORS, Items, Mismatch, Missing, Scope, Undecided, Unknown, format_path, show
from .values.quantities import Quantity
from .values.verdicts import Status

__all__ = ["Explanation", "Step", "UnknownRule", "explain_rule", "find_judgement", "render_explanation"]

# What a broken sub-expression raises: shown as its value, as a rule error is a finding of check.
_CONSTANTS = (ast.Literal, ast.QuantityLiteral, ast.DateLiteral, ast.ListLiteral)


class UnknownRule(LookupError):
    """A rule id that the applied policies do not have."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message, hint)
        self.message, self.hint = message, hint

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, slots=True, kw_only=True)
class Step:
    """One line of an explanation: an expression (or a quantifier's item) and the value it had."""

    depth: int  # how deep in the expression it is, for indentation
    text: str  # the expression as written, or `c = components[1]` for a quantifier's item
    value: str  # as a failure explanation shows a value; "" for an item line
    where: str = ""  # the document path the value was read from, when the text does not say it
    note: str = ""  # e.g. a quantity in the unit it is compared in


@dataclass(frozen=True, slots=True, kw_only=True)
class Explanation:
    """A rule on an input: its source, its conditions step by step, and the finding check gives."""

    rule: str  # qualified id
    policy_file: str
    line: int  # of the rule in its file
    written: str  # the rule as written
    steps: tuple[Step, ...]
    finding: Finding
    problems: tuple[Problem, ...]  # of the input (schema, evidence): check reports them beside the rule


def find_judgement(applied: AppliedPolicies, rule: str) -> Judgement:
    """The judgement of `rule`: a qualified id (`recommended/weights-licence`), or a rule's own id when
    one rule has it. Raises UnknownRule, with a did-you-mean hint."""
    exact = [j for j in applied.judgements if j.id == rule]
    own = [j for j in applied.judgements if j.id.rsplit("/", 1)[-1] == rule]
    if exact or len(own) == 1:
        return (exact or own)[0]
    ids = [j.id for j in applied.judgements]
    if own:
        raise UnknownRule(f"rule '{rule}' is in several policies", "name one: " + ", ".join(j.id for j in own))
    names = [*ids, *(i.rsplit("/", 1)[-1] for i in ids)]
    hint = did_you_mean(rule, names) or "rules: " + ", ".join(sorted(ids))
    raise UnknownRule(f"no rule '{rule}' in the applied policies", hint)


def explain_rule(source: Source, policies: Sequence[CompiledPolicy], rule: str,
                 options: InputOptions) -> Explanation:
    """`rule` of `policies` on one input, explained. Raises UnknownRule, and DocumentError for an
    input that cannot be read."""
    applied = AppliedPolicies(policies)
    judgement = find_judgement(applied, rule)
    opened = open_input(source, options)
    scope = document_scope(opened.document, options.as_of)
    findings = evaluate(applied, opened.document, waivers=options.waivers, as_of=options.as_of, scope=scope)
    finding = next(f for f in findings if f.rule == judgement.id and f.params == judgement.params)
    compiled = judgement.rule
    parts = {id(c.node): c for c in compiled.parts}
    steps: list[Step] = []
    conditions = [("when", compiled.when)] if compiled.when is not None else []
    conditions += [("require", r) for r in compiled.requires]
    for keyword, condition in conditions:
        top = _step(condition, scope, 0, parts)
        steps.append(Step(depth=0, text=f"{keyword} {top.text}", value=top.value, where=top.where, note=top.note))
        steps.extend(_below(condition.node, scope, 1, parts))
        if keyword == "when" and condition.run(scope) is not True:
            break  # the rule does not apply: its requires are not judged
    return Explanation(rule=judgement.id, policy_file=compiled.span.file, line=compiled.span.line,
                       written=compiled.written, steps=tuple(steps), finding=finding, problems=opened.problems)


def _below(node: ast.Node, scope: Scope, depth: int, parts: dict[int, Compiled]) -> Iterator[Step]:
    """The steps of the sub-expressions of `node`, each after the expression it is part of."""
    if isinstance(node, ast.Quantifier):
        yield from _quantifier(node, scope, depth, parts)
        return
    for child in _children(node):
        compiled = parts.get(id(child))
        if compiled is None:
            continue
        if not isinstance(child, _CONSTANTS) and not _bound_item(child, scope):
            yield _step(compiled, scope, depth, parts)
        yield from _below(child, scope, depth + 1, parts)


def _bound_item(node: ast.Expr, scope: Scope) -> bool:
    """Whether `node` is a quantifier's variable, which its item's line has shown already."""
    return isinstance(node, ast.Name) and node.name in scope.vars


def _children(node: ast.Node) -> list[ast.Expr]:
    """The expressions directly below `node` worth a step; a filter's condition is not one (it reads
    each item, and the filter's value says which it kept)."""
    # A path is one step: `energy.training.energy`, not also `energy.training` and `energy`; a list it
    # goes through that is computed (a filter, a call) is a step of its own.
    if isinstance(node, (ast.Attribute, ast.Subscript)):
        return [] if isinstance(node.value, (ast.Name, ast.Attribute)) else [node.value]
    return [child for child in ast.children(node) if isinstance(child, ast.Expr)]


def _quantifier(node: ast.Quantifier, scope: Scope, depth: int, parts: dict[int, Compiled]) -> Iterator[Step]:
    """The list, then each item with the test's sub-expressions as they were for it."""
    collection, condition = parts.get(id(node.collection)), parts.get(id(node.condition))
    if collection is None or condition is None:
        return
    yield _step(collection, scope, depth, parts)
    yield from _below(node.collection, scope, depth + 1, parts)
    items = collection.run(scope)
    if not isinstance(items, list):
        return
    steps: list[Step] = []

    def each(bound: Scope) -> None:
        path = bound.paths[node.variable]
        steps.append(Step(depth=depth, text=f"{node.variable} = {format_path(path or ()) or '?'}", value=""))
        steps.append(_step(condition, bound, depth + 1, parts))
        steps.extend(_below(node.condition, bound, depth + 2, parts))
    each_bound(scope, node.variable, items, item_paths(items, collection.locate, scope), each)
    yield from steps


def _step(compiled: Compiled, scope: Scope, depth: int, parts: dict[int, Compiled]) -> Step:
    try:
        value = compiled.run(scope)
        path = compiled.locate(scope)
    except RULE_ERRORS as err:
        return Step(depth=depth, text=compiled.text, value=f"error: {err}")
    # A path read from the document says where; a let or a calculation is located at its evidence, not named.
    read = isinstance(compiled.node, (ast.Attribute, ast.Subscript)) and not isinstance(value, Items)
    where = format_path(path) if path and read else ""
    return Step(depth=depth, text=compiled.text, value=_shown(value), where="" if where == compiled.text else where,
                note=_converted(compiled.node, scope, parts))


def _shown(value: Any) -> str:
    if isinstance(value, Undecided):
        return f"unknown ({value.detail})"
    if isinstance(value, Missing):
        return f"missing ({format_path(value.path)})" if value.path else "missing"
    if isinstance(value, Mismatch):
        return f"{show(value.found)}, not {value.expected}"
    if isinstance(value, Unknown):
        return "unknown"
    if isinstance(value, Items):
        where = ", ".join(format_path(p) for p in value.paths if p) if all(value.paths) else ""
        count = f"{len(value)} item{'' if len(value) == 1 else 's'}"
        return f"{count}: {where}" if where and value else count
    if isinstance(value, dict):
        return f"a mapping of {len(value)} key{'' if len(value) == 1 else 's'}"
    if isinstance(value, list) and any(isinstance(v, dict) for v in value):
        return f"{len(value)} item{'' if len(value) == 1 else 's'}"
    return show(value)


def _converted(node: ast.Expr, scope: Scope, parts: dict[int, Compiled]) -> str:
    """For a comparison of quantities in different units: the document's side in the unit of the other
    (the policy's constant), as the comparison sees them."""
    if not isinstance(node, ast.Compare):
        return ""
    left, right = parts.get(id(node.left)), parts.get(id(node.right))
    if left is None or right is None:
        return ""
    if left.constant and not right.constant:
        left, right = right, left
    a, b = left.run(scope), right.run(scope)
    if not (isinstance(a, Quantity) and isinstance(b, Quantity)) or a.unit == b.unit or a.dimension != b.dimension:
        return ""
    return f"{a} = {a.to(b.unit)}"


def render_explanation(explanation: Explanation) -> str:
    """The explanation as text: the rule's source, each step, then the status and why."""
    finding = explanation.finding
    lines = [f"{explanation.rule} on {finding.file}: {_STATUS_WORDS[finding.status]}", "",
             f"{explanation.policy_file}:{explanation.line}"]
    width = len(str(explanation.line + explanation.written.count("\n")))
    lines += [f"{n:>{width}} | {text}".rstrip() for n, text in enumerate(explanation.written.splitlines(),
                                                                        explanation.line)]
    lines.append("")
    for step in explanation.steps:
        pad = "  " * step.depth
        if not step.value:
            lines.append(f"{pad}{step.text}")
            continue
        extra = "".join(f"  ({x})" for x in (step.where, step.note) if x)
        lines.append(f"{pad}{step.text}  ->  {step.value}{extra}")
    lines += ["", *_why(finding), *(f"input problem: {p.message}" for p in explanation.problems)]
    return "\n".join(lines) + "\n"


_STATUS_WORDS = {Status.PASS: "PASS", Status.FAIL: "FAIL", Status.NOT_APPLICABLE: "NOT APPLICABLE",
                 Status.WAIVED: "WAIVED", Status.ERROR: "ERROR"}


def _why(finding: Finding) -> list[str]:
    status = finding.status
    if status is Status.PASS:
        head = "PASS: every require holds"
    elif status is Status.NOT_APPLICABLE:
        head = "NOT APPLICABLE: the 'when' does not hold, so the requires are not judged"
    else:
        reason = finding.reason.value if finding.reason is not None else ""
        head = f"{_STATUS_WORDS[status]} ({reason})" if reason else _STATUS_WORDS[status]
    lines = [f"status: {head}"]
    if finding.message and status is not Status.NOT_APPLICABLE:
        lines.append(f"  message: {finding.message}")
    if finding.detail and finding.detail != finding.message and status is not Status.NOT_APPLICABLE:
        lines.append(f"  detail: {finding.detail}")
    if finding.location.path and status is not Status.PASS:
        lines.append(f"  at: {finding.file}:{finding.location.line}:{finding.location.column} {finding.location.path}")
    if finding.waiver:
        lines.append(f"  waiver: {finding.waiver}")
    if finding.fix:
        lines.append(f"  fix: {finding.fix}")
    return lines

