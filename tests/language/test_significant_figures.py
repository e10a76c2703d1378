"""`significant_figures(x)`: the precision of a number or quantity, for the Code of Practice form's "at least
two significant figures" (eu-ai-act.md section 7.1); trailing zeros do not count."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import yaml

from openwatt.documents.loading import parse_document
from openwatt.evaluation import evaluate
from openwatt.language.errors import PolicyErrors
from openwatt.language.loader import PolicyLoader
from openwatt.values.precision import significant_figures

DOCUMENT = {
    "openwatt": "1.0",
    "model": {"id": "x", "parameters": 6910000000, "general_purpose": True, "name": "Aurora"},
    "energy": {"training": {"compute": "2.3e25 FLOP", "energy": "1100 MWh"},
               "fine_tuning": {"compute": "1.0e25 FLOP"}},
}


@pytest.mark.parametrize(("number", "figures"), [
    (2.3e25, 2), (1e25, 1), (1.0e25, 1), (6910000000, 3), (6.91e9, 3), (7.3e10, 2), (1100, 2), (1100.0, 2),
    (74, 2), (0.00123, 3), (1.2345e-7, 5), (-4.5, 2), (0, 1), (0.0, 1), (123456789012345678901234567, 27),
])
def test_significant_figures_of_a_number(number: float, figures: int) -> None:
    assert significant_figures(number) == figures


def _judge(require: str, document: dict[str, Any] = DOCUMENT) -> Any:
    source = "\n".join(["policy sf", 'title "sf"', 'version "1"', "rule r {", '  title "r"', "  severity error",
                        f"  require {require}", "}", ""])
    policy = PolicyLoader().compile_source(source, "sf.policy")
    doc = parse_document(yaml.safe_dump(document, sort_keys=False).encode("utf-8"), "doc.yaml")
    [finding] = evaluate(policy, doc, as_of=dt.date(2026, 1, 1))
    return finding


@pytest.mark.parametrize(("require", "status"), [
    ("significant_figures(energy.training.compute) >= 2", "pass"),  # 2.3e25 FLOP, the form's example
    ("significant_figures(energy.training.energy) == 2", "pass"),  # 1100 MWh
    ("significant_figures(model.parameters) == 3", "pass"),  # 6910000000
    ("significant_figures(energy.fine_tuning.compute) >= 2", "fail"),  # 1.0e25 reads as 1e25: one figure
    ("significant_figures(2.30e25 FLOP) == 2", "pass"),  # a constant in the rule
    ("significant_figures(7.3e10) == 2", "pass"),
])
def test_significant_figures_in_a_rule(require: str, status: str) -> None:
    assert _judge(require).status == status


def test_significant_figures_of_absent_evidence_fails_missing() -> None:
    finding = _judge("significant_figures(energy.inference.compute_per_query) >= 2")
    assert (finding.status, finding.reason, finding.detail) == ("fail", "missing",
                                                                "missing: energy.inference.compute_per_query")


def test_significant_figures_of_text_is_the_type_error_code() -> None:
    with pytest.raises(PolicyErrors) as caught:
        _judge("significant_figures(model.name) >= 2")
    [error] = caught.value.errors
    assert error.code == "OW014"
    assert error.message == ("significant_figures() needs a number or a quantity for number; model.name is a string")


def test_significant_figures_of_true_is_the_type_error_code() -> None:
    with pytest.raises(PolicyErrors) as caught:
        _judge("significant_figures(model.general_purpose) >= 2")
    assert [e.code for e in caught.value.errors] == ["OW014"]
