"""`rule ID passed` / `rule ID failed`: a rule reading another rule's result, three-valued, in dependency
order, for the params the read rule has in the importing tree."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from openwatt.documents.loading import parse_document
from openwatt.documents.source import Document
from openwatt.evaluation import AppliedPolicies, evaluate
from openwatt.findings import Finding
from openwatt.language.errors import PolicyErrors
from openwatt.language.loader import PolicyLoader
from openwatt.language.ordering import dependency_order
from openwatt.language.policy import CompiledPolicy
from openwatt.waivers import Waiver

AS_OF = dt.date(2026, 1, 1)
HERE = Path(__file__).parent / "outcomes"

# `reader` comes before the rule it reads: rules are worked out in dependency order, not as written.
POLICY = """policy p
title "P"
version "1"

rule reader {
  title "Reads the result of base"
  severity error
  require rule base passed
}

rule reads-failure {
  title "Reads the failure of base"
  severity error
  when rule base failed
  require model.license exists
}

rule neither {
  title "base neither passed nor failed"
  severity info
  require not rule base passed and not rule p/base failed
}

rule base {
  title "Training energy is reported"
  severity error
  when model.type == "language"
  require energy.training.energy exists
  require 1 / energy.training.pue > 0
}
"""


def _document(data: dict[str, object]) -> Document:
    text = yaml.safe_dump({"openwatt": "1.0", **data}, sort_keys=False)
    return parse_document(text.encode("utf-8"), "doc.yaml")


def _findings(policy: CompiledPolicy | AppliedPolicies, data: dict[str, object],
              waivers: tuple[Waiver, ...] = ()) -> dict[str, Finding]:
    return {f.rule: f for f in evaluate(policy, _document(data), as_of=AS_OF, waivers=waivers)}


@pytest.fixture(scope="module")
def policy() -> CompiledPolicy:
    return PolicyLoader().compile_source(POLICY, "p.policy")


def test_passed(policy: CompiledPolicy) -> None:
    found = _findings(policy, {"model": {"type": "language"}, "energy": {"training": {"energy": "1 MWh", "pue": 1.2}}})
    assert [found[r].status for r in ("p/base", "p/reader", "p/reads-failure", "p/neither")] == \
        ["pass", "pass", "not_applicable", "fail"]


def test_failed(policy: CompiledPolicy) -> None:
    found = _findings(policy, {"model": {"type": "language", "license": "MIT"}, "energy": {"training": {"pue": 1.2}}})
    assert found["p/base"].status == "fail"
    assert found["p/reader"].status == "fail"
    assert found["p/reader"].reason == "violated"
    assert found["p/reader"].detail == "rule p/base failed; the policy requires that it passed"
    assert found["p/reads-failure"].status == "pass"


def test_not_applicable_is_neither_passed_nor_failed(policy: CompiledPolicy) -> None:
    found = _findings(policy, {"model": {"type": "vision"}})
    assert found["p/base"].status == "not_applicable"
    assert found["p/reader"].status == "fail"
    assert found["p/reader"].detail == ("rule p/base was not applicable, so it neither passed nor failed; "
                                        "the policy requires that it passed")
    assert found["p/reads-failure"].status == "not_applicable"
    assert found["p/neither"].status == "pass"


def test_a_rule_that_could_not_be_evaluated_is_neither_passed_nor_failed(policy: CompiledPolicy) -> None:
    found = _findings(policy, {"model": {"type": "language"}, "energy": {"training": {"energy": "1 MWh", "pue": 0}}})
    assert found["p/base"].status == "error"
    assert found["p/reader"].detail == ("rule p/base could not be evaluated, so it neither passed nor failed; "
                                        "the policy requires that it passed")
    assert found["p/reads-failure"].status == "not_applicable"
    assert found["p/neither"].status == "pass"


def test_a_waived_failure_is_still_failed(policy: CompiledPolicy) -> None:
    waiver = Waiver(rule="p/base", reason="energy reported next quarter", approver="ACME", expires=dt.date(2026, 6, 1),
                    origin="waivers.yaml:2")
    found = _findings(policy, {"model": {"type": "language", "license": "MIT"}}, (waiver,))
    assert found["p/base"].status == "waived"
    assert found["p/reader"].status == "fail"
    assert found["p/reads-failure"].status == "pass"


def test_an_imported_rule_is_read_with_the_params_it_has_in_the_importing_tree() -> None:
    strict = PolicyLoader(search_path=[HERE]).load(HERE / "strict.policy")
    limits = PolicyLoader(search_path=[HERE]).load(HERE / "limits.policy")
    data = {"model": {"license": "MIT"}, "components": [{"kind": "architecture"}, {"kind": "model-card"}]}
    found = _findings(AppliedPolicies((strict, limits)), data)
    # strict sets most = 1, so limits/few-components fails there, while limits alone (most = 10) passes it:
    # two judgements of one rule, and all-small reads the one of its own tree.
    judged = sorted((f.status, f.params) for f in evaluate(AppliedPolicies((strict, limits)), _document(data),
                                                           as_of=AS_OF) if f.rule == "limits/few-components")
    assert judged == [("fail", (("most", "1"),)), ("pass", (("most", "10"),))]
    assert found["strict/all-small"].status == "fail"
    assert found["strict/all-small"].detail == ("rule limits/few-components failed; "
                                                "the policy requires that it passed")
    assert found["strict/all-small"].params == (("most", "1"),)
    # A rule the import disables is not reported, yet its result can still be read.
    assert [f.rule for f in evaluate(strict, _document(data), as_of=AS_OF)] == ["strict/all-small",
                                                                                "limits/few-components"]


def test_the_reading_rule_is_another_judgement_when_the_read_rule_has_other_params() -> None:
    one = PolicyLoader(search_path=[HERE]).load(HERE / "strict.policy")
    other = PolicyLoader(search_path=[HERE], overrides={"most": "5"}).load(HERE / "strict.policy")
    assert one.rules[0].key != other.rules[0].key


def test_dependency_order() -> None:
    ordering = dependency_order({"a": ["b"], "b": ["c"], "c": [], "d": ["a", "x"]})
    assert ordering.order == ("c", "b", "a", "d") and ordering.cycles == ()
    cyclic = dependency_order({"a": ["b"], "b": ["c"], "c": ["a"], "s": ["s"]})
    assert cyclic.cycles == (("a", "b", "c", "a"), ("s", "s"))
    assert sorted(cyclic.order) == ["a", "b", "c", "s"]


def test_a_let_reading_an_imported_param_is_worked_out_for_each_value_of_it() -> None:
    """middle's let reads limits' `most`: under stricter (most = 1) and alone (most = 10) it is two values,
    though the file and its own params are the same."""
    loader = PolicyLoader(search_path=[HERE])
    applied = AppliedPolicies((loader.load(HERE / "stricter.policy"), loader.load(HERE / "middle.policy")))
    data = {"components": [{"kind": "architecture"}, {"kind": "model-card"}]}
    judged = sorted((f.status, f.params) for f in evaluate(applied, _document(data), as_of=AS_OF)
                    if f.rule == "middle/not-many")
    assert judged == [("fail", (("most", "1"),)), ("pass", (("most", "10"),))]


def test_imported_params_are_readable_by_name() -> None:
    middle = PolicyLoader(search_path=[HERE]).load(HERE / "middle.policy")
    assert "most" not in middle.params  # declared by limits, read by middle
    assert [r.params for r in middle.rules if r.id == "not-many"] == [(("most", "10"),)]


def test_a_message_can_say_another_rule_s_result() -> None:
    source = POLICY.replace('  require rule base passed\n',
                            '  require rule base passed\n  message "base passed: {rule base passed}; failed: {rule base failed}"\n')
    found = _findings(PolicyLoader().compile_source(source, "p.policy"), {"model": {"type": "vision"}})
    assert found["p/reader"].message == "base passed: false; failed: false"


def test_a_param_default_cannot_read_a_rule_s_result() -> None:
    source = POLICY.replace('version "1"\n', 'version "1"\n\nparam ok = rule base passed\n')
    with pytest.raises(PolicyErrors) as caught:
        PolicyLoader().compile_source(source, "p.policy")
    assert [(e.code, e.message) for e in caught.value.errors] == [
        ("OW029", "'rule base passed' can only be used inside a rule")]
