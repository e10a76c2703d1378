"""Compiled policies applied to a document: one finding per judgement, stamped with rule, place and waivers.

Policies applied together are an `AppliedPolicies`: their rules grouped into judgements, one per rule
and effective params (`CompiledRule.key`), however many of the applied packs require it. A judgement
reports the rule under its qualified id (`energy-transparency/training-energy`), lists the packs that
require it (`required_by`) and takes the highest severity any of them gives. A rule imported with other
params is another judgement, told apart by its `params`. No I/O and no parsing here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from .documents.problems import Problem, ProblemKind
from .documents.source import Document
from .findings import Finding, Location
from .language.policy import CompiledPolicy, CompiledRule
from .language.runtime import RULE_ERRORS, Failure, Scope
from .values.paths import format_path
from .values.verdicts import Reason, Severity, Status
from .waivers import InputWaivers, Waiver, waivers_in

@dataclass(frozen=True, slots=True, kw_only=True)
class Judgement:
    """A rule with its effective params, as every applied policy that requires it requires it."""

    rule: CompiledRule  # as the first applied policy that requires it has it
    id: str  # qualified by the policy that defines the rule
    policy_version: str  # of the policy that defines the rule
    severity: Severity  # the highest any requiring policy gives
    required_by: tuple[str, ...]  # applied policies, in the order applied
    requirers: tuple[tuple[str, CompiledRule], ...]  # (applied policy id, its rule): what a waiver may name
    params: tuple[tuple[str, str], ...]  # the params the rule reads, with their values as a policy writes them


class AppliedPolicies:
    """Policies applied together to each input, compiled once; their rules as judgements."""

    def __init__(self, policies: Sequence[CompiledPolicy]) -> None:
        self.policies = tuple(policies)
        groups: dict[str, list[tuple[CompiledPolicy, CompiledRule]]] = {}
        for policy in self.policies:
            for rule in policy.rules:
                groups.setdefault(rule.key, []).append((policy, rule))
        self.judgements = tuple(_judgement(requirers) for requirers in groups.values())


def _judgement(requirers: list[tuple[CompiledPolicy, CompiledRule]]) -> Judgement:
    top, rule = requirers[0]
    defining = _defining(top, rule.origin)
    own_id = rule.id.rsplit("/", 1)[-1]
    return Judgement(rule=rule, id=f"{rule.origin}/{own_id}", policy_version=defining.version,
                     severity=max((r.severity for _, r in requirers), key=lambda s: s.rank),
                     required_by=tuple(dict.fromkeys(p.id for p, _ in requirers)),
                     requirers=tuple((p.id, r) for p, r in requirers), params=rule.params)


def _defining(policy: CompiledPolicy, origin: str) -> CompiledPolicy:
    """The policy of `policy`'s import tree whose id is `origin` (with the params it got in this tree)."""
    for member in _tree(policy):
        if member.id == origin:
            return member
    raise LookupError(f"policy {origin!r} is not in the import tree of {policy.id!r}")


def _tree(policy: CompiledPolicy) -> Iterator[CompiledPolicy]:
    stack = [policy]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(current.imports)


def document_scope(document: Document, as_of: dt.date) -> Scope:
    """What the rules checked against `document` share: its data, and what they have worked out of it
    (lets, filters, and the outcome of each rule)."""
    return Scope(document.data if isinstance(document.data, dict) else {}, as_of)


def evaluate(applied: AppliedPolicies | CompiledPolicy, document: Document, *, waivers: Sequence[Waiver] = (),
             as_of: dt.date, scope: Scope | None = None,
             input_waivers: InputWaivers = InputWaivers.APPLY) -> list[Finding]:
    """One finding per judgement of `applied` (or of one policy) on `document`, in rule order. `waivers`
    (from waivers files) apply; the document's own waivers apply, are only reported beside the failures
    they would waive, or are ignored, as `input_waivers` says."""
    if isinstance(applied, CompiledPolicy):
        applied = AppliedPolicies((applied,))
    scope = scope or document_scope(document, as_of)
    own = waivers_in(document) if input_waivers is not InputWaivers.IGNORE else []
    applying = [*own, *waivers] if input_waivers is InputWaivers.APPLY else list(waivers)
    reported = own if input_waivers is InputWaivers.REPORT else []
    findings = [_finding(judgement, document, scope, applying, as_of, reported) for judgement in applied.judgements]
    unused = [w for w in own if not any(w.covers(policy_id, rule) for judgement in applied.judgements
                                        for policy_id, rule in judgement.requirers)]
    return findings + [Finding.from_problem(_waives_nothing(document, w, applied)) for w in unused]


def _waives_nothing(document: Document, waiver: Waiver, applied: AppliedPolicies) -> Problem:
    """A waiver written in the input that names no rule of the applied policies (a typo, another pack's rule)."""
    line, column, _ = document.locate((*waiver.path, "rule"))
    return Problem(kind=ProblemKind.UNUSED_WAIVER, file=document.file, line=line, column=column,
                   path=(*waiver.path, "rule"),
                   message=f"the waiver of '{waiver.rule}' names no rule of the policies applied "
                           f"({', '.join(p.id for p in applied.policies)}), so it waives nothing",
                   hint="write the rule id as `openwatt policy show` lists it, or remove the waiver")


def _finding(judgement: Judgement, document: Document, scope: Scope, waivers: Iterable[Waiver],
             as_of: dt.date, reported: Sequence[Waiver] = ()) -> Finding:
    rule = judgement.rule
    memo = scope.memo
    if (judged := memo.get(rule.key)) is None:
        judged = memo[rule.key] = _judge(rule, scope)
    status, failure, message, fix = judged
    if status is Status.NOT_APPLICABLE:
        detail = f"not applicable: {rule.when.text if rule.when else ''} does not hold"
        return _stamp(judgement, document, status=status, message=detail, detail=detail)
    if failure is None:
        return _stamp(judgement, document, status=Status.PASS, message=message, path=_first_path(rule, scope))
    waiver_text = ""
    if status is Status.FAIL:
        # An active waiver wins over expired ones (a renewal beside the old entry); else the latest expired is said.
        covering = _covering(judgement, waivers)
        if (active := next((w for w in covering if w.active(as_of)), None)) is not None:
            status, waiver_text = Status.WAIVED, active.describe()
        elif covering:
            latest = max(covering, key=lambda w: w.expires)  # max keeps the first of equals
            waiver_text = f"expired on {latest.expires.isoformat()}: {latest.describe()}"
        elif (claimed := _covering(judgement, reported)):
            waiver_text = f"not applied (waivers written in the input are only reported): {claimed[0].describe()}"
    return _stamp(judgement, document, status=status, reason=failure.reason, message=message or failure.detail,
                  detail=failure.detail, values=failure.values, path=failure.path, fix=fix, waiver=waiver_text)


def _covering(judgement: Judgement, waivers: Iterable[Waiver]) -> list[Waiver]:
    return [w for w in waivers if any(w.covers(policy_id, r) for policy_id, r in judgement.requirers)]


def _judge(rule: CompiledRule, scope: Scope) -> tuple[Status, Failure | None, str, str]:
    """The rule's status, why it is not a pass, its message and its fix: all that depends only on the
    rule as compiled and the document, not on the policy that imports it."""
    status, failure = rule.outcome(scope)  # a broken rule's status is `error`; the others go on
    try:
        # A rule's message speaks of a violation; absent or mistyped evidence is said in the evaluator's words.
        violated = failure is not None and failure.reason is Reason.VIOLATED
        message = rule.message.render(scope) if rule.message is not None and violated else ""
        if status is Status.PASS and rule.success is not None:
            message = rule.success.render(scope)
        fix = rule.fix.render(scope) if failure is not None and status is not Status.ERROR else ""
    except RULE_ERRORS as err:  # a message or fix that breaks
        status, failure = Status.ERROR, Failure(Reason.RULE_ERROR, None, f"the rule could not be evaluated: {err}")
        message, fix = failure.detail, ""
    return status, failure, message, fix


def _first_path(rule: CompiledRule, scope: Scope) -> tuple[str | int, ...] | None:
    for require in rule.requires:
        if (path := require.locate(scope)) is not None:
            return path
    return None


def _stamp(judgement: Judgement, document: Document, *, status: Status, reason: Reason | None = None,
           message: str, detail: str = "", values: tuple[tuple[str, str], ...] = (),
           path: tuple[str | int, ...] | None = None, fix: str = "", waiver: str = "") -> Finding:
    rule = judgement.rule
    if path:
        line, column, _ = document.locate(path)
        location = Location(document.file, line, column, format_path(path))
    else:  # not applicable, or a pass with no evidence to point at: the whole document, where locate(()) puts it
        location = Location(document.file, 1, 1, "")
    return Finding(file=document.file, rule=judgement.id, policy=rule.origin, policy_version=judgement.policy_version,
                   title=rule.title, status=status, severity=judgement.severity, reason=reason, message=message,
                   detail=detail, values=values, location=location, cite=rule.cite, fix=fix, waiver=waiver,
                   required_by=judgement.required_by, params=judgement.params)
