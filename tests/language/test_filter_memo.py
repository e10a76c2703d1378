"""A filter is worked out once per document only where its text always means the same list."""

from __future__ import annotations

import datetime as dt

from openwatt.documents.loading import parse_document
from openwatt.evaluation import evaluate
from openwatt.language.loader import PolicyLoader

DOCUMENT = b"""\
openwatt: "1.0"
model: {id: x}
components:
  - {kind: datasets, license: CC-BY-4.0}
  - {kind: model-card, license: CC-BY-4.0}
"""

POLICY = """\
policy memo
title "Filters with the same text"
version "1"
let cards = components[kind == "model-card"]
rule same-text-first { title "a" severity error
  let k = "datasets"
  require components[kind == k] exists }
rule same-text-other-let { title "b" severity error
  let k = "training-code"
  require components[kind == k] missing }
rule per-item { title "c" severity error
  require count(k in ["datasets", "training-code"]: components[kind == k] exists) == 1 }
rule nested { title "d" severity error
  require all(c in components: components[kind == c.kind] exists) }
rule policy-level-twice { title "e" severity error
  when components[kind == "model-card"] exists
  require count(c in components[kind == "model-card"]: c.license == "CC-BY-4.0") == 1 and len(cards) == 1 }
"""


def test_filters_that_read_rule_lets_or_quantifier_variables_are_worked_out_each_time() -> None:
    policy = PolicyLoader().compile_source(POLICY, "memo.policy")
    findings = evaluate(policy, parse_document(DOCUMENT, "x.yaml"), as_of=dt.date(2026, 1, 1))
    assert [(f.rule, f.status, f.detail) for f in findings if f.status != "pass"] == []
    assert len(findings) == 5
