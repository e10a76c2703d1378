"""What a policy reads of others: the params its imports declare, and the results of rules (its own or its
imports'), with the order and the cycles (OW028) those readings make among its own rules."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import ast
from .errors import Label, PolicyError
from .expressions.core import ImportedParam


def readable_params(found: Mapping[str, list[tuple[str, Any]]]) -> dict[str, ImportedParam | tuple[str, ...]]:
    """Each imported param (name -> the imported policies that declare it, with their values) as the
    importing policy may read it: its value when they agree, else the ids of the policies (OW045 if read)."""
    readable: dict[str, ImportedParam | tuple[str, ...]] = {}
    for name, declared in found.items():
        members = tuple(member for member, _ in declared)
        same = all(value == declared[0][1] for _, value in declared)
        readable[name] = ImportedParam(declared[0][1], members) if same else members
    return readable


def rules_read(rule: ast.Rule, policy_id: str) -> list[str]:
    """The ids of the rules of its own policy whose result `rule` reads, as they are written bare."""
    own = f"{policy_id}/"
    return [n.rule.removeprefix(own) for n in ast.walk(rule) if isinstance(n, ast.RuleOutcome)]


def _reading(rule: ast.Rule, read: str, policy_id: str) -> ast.Span:
    """Where `rule` reads the result of its policy's rule `read`."""
    return next(n.span for n in ast.walk(rule) if isinstance(n, ast.RuleOutcome)
                and n.rule.removeprefix(f"{policy_id}/") == read)


def cycle_error(cycle: tuple[str, ...], rule_nodes: Mapping[str, ast.Rule], policy_id: str) -> PolicyError:
    """OW028 at the first rule's reading of the next, with a label at each other reading of the cycle (or,
    for a rule that reads itself, at the rule)."""
    readings = [_reading(rule_nodes[reader], read, policy_id) for reader, read in zip(cycle, cycle[1:])]
    if len(cycle) == 2:
        return PolicyError("OW028", f"rule '{cycle[0]}' reads its own result", readings[0],
                           "a rule cannot depend on itself; read the conditions it tests instead",
                           (Label(rule_nodes[cycle[0]].id_span, f"this is rule '{cycle[0]}'"),))
    labels = tuple(Label(span, f"'{reader}' reads '{read}' here")
                   for (reader, read), span in list(zip(zip(cycle, cycle[1:]), readings))[1:])
    return PolicyError("OW028", f"rules read each other's results in a cycle: {' -> '.join(cycle)}", readings[0],
                       "one of these rules must not read the next one's result; read the conditions it tests instead",
                       labels)
