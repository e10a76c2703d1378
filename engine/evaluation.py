"""A compiled policy applied to a document: findings, stamped with policy, rule, place and waivers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from .documents.source import Document
from .findings import Finding, Location
from .language.expressions import best
from .language.policy import CompiledPolicy, CompiledRule
from .language.runtime import EvalError, Failure, Scope
from .values.paths import format_path
from .values.quantities import DimensionError
from .values.verdicts import Reason, Status
from .waivers import Waiver, waivers_in


# What a broken rule raises while evaluating: the rule gets an error finding, the others go on.
_RULE_ERRORS = (EvalError, ArithmeticError, DimensionError, ValueError)


def document_scope(document: Document, as_of: dt.date) -> Scope:
    """What the rules of every policy checked against `document` share: its data, and what they have
    worked out of it (lets, filters, and the outcome of a rule that several policies import)."""
    return Scope(document.data if isinstance(document.data, dict) else {}, as_of)


def evaluate(policy: CompiledPolicy, document: Document, *, waivers: Sequence[Waiver] = (),
             as_of: dt.date, scope: Scope | None = None) -> list[Finding]:
    """Every rule of `policy` applied to `document`, in rule order. Policies checked against the same
    document may share one `document_scope`, so that a rule they all import is judged once."""
    scope = scope or document_scope(document, as_of)
    all_waivers = [*waivers_in(document), *waivers]
    return [_finding(policy, rule, document, scope, all_waivers, as_of) for rule in policy.rules]


def _finding(policy: CompiledPolicy, rule: CompiledRule, document: Document, scope: Scope,
             waivers: Iterable[Waiver], as_of: dt.date) -> Finding:
    memo = scope.memo
    if (judged := memo.get(rule.key)) is None:
        judged = memo[rule.key] = _judge(rule, scope)
    status, failure, message, fix = judged
    if status is Status.NOT_APPLICABLE:
        detail = f"not applicable: {rule.when.text if rule.when else ''} does not hold"
        return _stamp(policy, rule, document, status, None, detail, detail, (), None, "", "")
    if failure is None:
        return _stamp(policy, rule, document, Status.PASS, None, message, "", (), _first_path(rule, scope), "", "")
    waiver_text = ""
    if status is Status.FAIL:
        # An active waiver wins over expired ones (a renewal beside the old entry); else the latest expired is said.
        covering = [w for w in waivers if w.covers(policy.id, rule)]
        if (active := next((w for w in covering if w.active(as_of)), None)) is not None:
            status, waiver_text = Status.WAIVED, active.describe()
        elif covering:
            latest = max(covering, key=lambda w: w.expires)  # max keeps the first of equals
            waiver_text = f"expired on {latest.expires.isoformat()}: {latest.describe()}"
    return _stamp(policy, rule, document, status, failure.reason, message or failure.detail, failure.detail,
                  failure.values, failure.path, fix, waiver_text)


def _judge(rule: CompiledRule, scope: Scope) -> tuple[Status, Failure | None, str, str]:
    """The rule's status, why it is not a pass, its message and its fix: all that depends only on the
    rule as compiled and the document, not on the policy that imports it."""
    try:
        status, failure = _outcome(rule, scope)
        # A rule's message speaks of a violation; absent or mistyped evidence is said in the evaluator's words.
        violated = failure is not None and failure.reason is Reason.VIOLATED
        message = rule.message.render(scope) if rule.message is not None and violated else ""
        if status is Status.PASS and rule.success is not None:
            message = rule.success.render(scope)
        fix = rule.fix.render(scope) if failure is not None else ""
    except _RULE_ERRORS as err:
        status, failure = Status.ERROR, Failure(Reason.RULE_ERROR, None, f"the rule could not be evaluated: {err}")
        message, fix = failure.detail, ""
    return status, failure, message, fix


def _outcome(rule: CompiledRule, scope: Scope) -> tuple[Status, Failure | None]:
    if rule.when is not None and rule.when.run(scope) is not True:  # false or unknown: not applicable
        return Status.NOT_APPLICABLE, None
    failures = [explain(scope) for require, explain in zip(rule.requires, rule.explains)
                if require.run(scope) is not True]
    if not failures:
        return Status.PASS, None

    return Status.FAIL, best(failures)


def _first_path(rule: CompiledRule, scope: Scope) -> tuple[str | int, ...] | None:
    for require in rule.requires:
        if (path := require.locate(scope)) is not None:
            return path
    return None


def _stamp(policy: CompiledPolicy, rule: CompiledRule, document: Document, status: Status, reason: Reason | None,
           message: str, detail: str, values: tuple[tuple[str, str], ...], path: tuple[str | int, ...] | None,
           fix: str, waiver: str) -> Finding:
    line, column, _ = document.locate(path or ())
    return Finding(document.file, policy.id, policy.version, rule.id, rule.title, status, rule.severity, reason,
                   message, detail, values, Location(document.file, line, column, format_path(path) if path else ""),
                   rule.cite, fix, waiver)
