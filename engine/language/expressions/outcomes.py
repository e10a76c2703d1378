"""`rule ID passed` and `rule ID failed`: a condition on another rule's result for the same document.

Three-valued, like the evidence it rests on: a rule that is not applicable, or could not be evaluated,
neither passed nor failed, so both conditions are false. A waiver does not change a rule's result: a
waived failure is still `failed` (the waiver excuses the finding; the requirement is still not met).
The referenced rule is resolved at compile time (policy.py compiles rules in dependency order), and its
status is worked out once per document, whichever rule asks first.
"""

from __future__ import annotations

from typing import Any

from ...values.verdicts import Reason, Status
from .. import ast
from ..errors import Label, PolicyError, did_you_mean
from ..runtime import Failure, Scope
from ..types import BOOLEAN
from .core import Compiled, Context, broken, compile_expr

_SAID = {Status.PASS: "passed", Status.FAIL: "failed", Status.NOT_APPLICABLE: "was not applicable",
         Status.ERROR: "could not be evaluated"}


@compile_expr.register
def _rule_outcome(node: ast.RuleOutcome, ctx: Context) -> Compiled:
    word = "passed" if node.passed else "failed"
    if ctx.rules is None:
        labels = (Label(ctx.outside.span, "this is outside any rule"),) if ctx.outside is not None else ()
        ctx.error("OW029", f"'rule {node.rule} {word}' can only be used inside a rule", node,
                  "move the condition into the rule that needs it (its when, a require or a let of the rule)",
                  labels)
        return broken(node, ctx)
    if node.rule not in ctx.rules:
        _unknown_rule(node, ctx)
        return broken(node, ctx)
    target = ctx.rules[node.rule]
    if target is None:  # on a dependency cycle, or broken itself: reported there
        return broken(node, ctx)
    ctx.depends.append(target)
    wanted = Status.PASS if node.passed else Status.FAIL
    status, shown = target.status, f"rule {target.id}"

    def run(scope: Scope) -> Any:
        return status(scope) is wanted

    def explain(scope: Scope) -> Failure:
        found = status(scope)
        if found in (Status.PASS, Status.FAIL):
            detail = f"{shown} {_SAID[found]}; the policy requires that it {word}"
        else:
            detail = f"{shown} {_SAID[found]}, so it neither passed nor failed; the policy requires that it {word}"
        return Failure(Reason.VIOLATED, None, detail, ((shown, str(found)),))
    return Compiled(run, BOOLEAN, node, ctx.text(node), explain=explain)


def _unknown_rule(node: ast.RuleOutcome, ctx: Context) -> None:
    assert ctx.rules is not None
    policy, _, _ = node.rule.rpartition("/")
    labels: tuple[Label, ...] = ()
    if policy and policy in ctx.imported_at:
        labels = (Label(ctx.imported_at[policy], f"'{policy}' is imported here"),)
    hint: str | None
    if policy and not any(known.startswith(f"{policy}/") for known in ctx.rules):
        hint = (did_you_mean(node.rule, ctx.rules) or
                f"a policy's rules can be read only where it is imported: add `import {policy}`")
    else:
        own = sorted(known for known in ctx.rules if "/" not in known)
        hint = did_you_mean(node.rule, ctx.rules) or (f"rules here: {', '.join(own)}" if own else None)
    ctx.errors.append(PolicyError("OW027", f"unknown rule '{node.rule}'", node.rule_span, hint, labels))

