"""What eu-ai-act-gpai got wrong before 0.3.0 (issue 11), each a small disclosure given the verdict of the text it
cites: the AI Act (Regulation (EU) 2024/1689) and the Commission's GPAI guidelines, C(2025) 5045 of 18 July 2025
(paragraph numbers of that version; domain notes: eu-ai-act.md)."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import pytest
import yaml

from openwatt.checking import Engine
from openwatt.documents.loading import parse_document
from openwatt.documents.validation import validate
from openwatt.findings import Finding

AS_OF = dt.date(2026, 11, 26)
PLACED = "2025-12-01"  # after 2 August 2025: in scope from the start (Art. 113(b))

# An Apache-2.0 open-weights model that meets every condition of the Art. 53(2) exemption except, as given here,
# evidence that it has no systemic risk: 405 billion parameters, no training compute, no `systemic_risk`.
OPEN_405B: dict[str, Any] = {
    "model": {
        "id": "example/open-405b", "general_purpose": True, "eu_market_date": PLACED, "parameters": 4.05e11,
        "license": "Apache-2.0", "architecture": "transformer decoder",
        "modalities": {"input": ["text"], "output": ["text"]},
        "capabilities": "Text and code generation in eight languages.", "limitations": "Makes factual errors.",
        "integration": {"technical_means": "https://example.org/open-405b/integration"},
    },
    "components": [{"kind": "parameters-final", "availability": "public", "license": "Apache-2.0"},
                   {"kind": "model-card", "availability": "public", "license": "CC-BY-4.0"}],
    "compliance": {"open_source": {"monetised": False}},
}

# Annex XI, Annex XII and Art. 54 rules that OPEN_405B does not meet (it gives the licence, architecture, size and
# technical means, and no compute).
DOCUMENTATION_RULES = ("intended-tasks", "acceptable-use-policy", "release-and-distribution", "modalities",
                       "input-size", "training-data", "training-energy", "evaluation-results",
                       "authorised-representative")
SYSTEMIC_RULES = ("systemic-risk-notification", "notification-compute", "systemic-risk-evaluation",
                  "adversarial-testing", "systemic-risk-assessment", "serious-incidents", "cybersecurity",
                  "system-architecture")


@functools.cache
def _engine(params: tuple[tuple[str, str], ...] = ()) -> tuple[Engine, Any]:
    engine = Engine(params=dict(params))
    return engine, engine.policy("eu-ai-act-gpai")


def _merge(base: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in change.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def _check(disclosure: dict[str, Any], *, as_of: dt.date = AS_OF, **params: str) -> dict[str, Finding]:
    text = yaml.safe_dump({"openwatt": "1.0", **disclosure}, sort_keys=False)
    document = parse_document(text.encode("utf-8"), "disclosure.yaml")
    assert validate(document) == []
    engine, policy = _engine(tuple(sorted(params.items())))
    report = engine.check([document], [policy], as_of=as_of)
    return {f.rule.removeprefix("eu-ai-act-gpai/"): f for f in report.findings}


def _status(findings: dict[str, Finding], *rules: str) -> set[str]:
    return {str(findings[rule].status) for rule in rules}


# ---- Art. 53(2): the exemption rests on evidence, never on silence ----------------------------------------------


def test_an_open_model_silent_on_compute_and_systemic_risk_is_not_exempt() -> None:
    """Art. 53(2), last sentence: "This exception shall not apply to general-purpose AI models with systemic risks."
    Whether the exception applies cannot be read from a disclosure that says nothing on systemic risk, so the
    documentation is due (before 0.3.0, `default(model.systemic_risk, false)` made this model exempt)."""
    findings = _check(OPEN_405B)
    exemption = findings["open-source-exemption"]
    assert (exemption.status, exemption.reason) == ("fail", "missing")
    assert exemption.detail == ("neither holds: missing: energy.cumulative_compute, or energy.training.compute, or "
                                "model.systemic_risk; default(compliance.rebuttal.decision, \"none\") is \"none\"; the "
                                "policy requires \"accepted\"")
    assert _status(findings, *DOCUMENTATION_RULES, "training-compute") == {"fail"}


@pytest.mark.parametrize("evidence", [
    {"model": {"systemic_risk": False}},  # a stated classification
    {"energy": {"training": {"compute": "3.8e24 FLOP"}}},  # compute at or below 10^25 FLOP
    {"energy": {"training": {"compute": "1e25 FLOP"}}},  # Art. 51(2) is "greater than": 10^25 itself is below
], ids=["stated-classification", "compute-below", "compute-at-threshold"])
def test_evidence_of_no_systemic_risk_makes_the_open_model_exempt(evidence: dict[str, Any]) -> None:
    findings = _check(_merge(OPEN_405B, evidence))
    assert str(findings["open-source-exemption"].status) == "pass"
    assert _status(findings, *DOCUMENTATION_RULES) == {"not_applicable"}


def test_a_stated_classification_contradicted_by_compute_is_no_evidence() -> None:
    """systemic_risk: false with 3.8e25 FLOP: the Art. 51(2) presumption holds and the exemption question does not
    arise (Art. 53(2), last sentence); the model must be declared systemic-risk."""
    findings = _check(_merge(OPEN_405B, {"model": {"systemic_risk": False},
                                         "energy": {"training": {"compute": "3.8e25 FLOP"}}}))
    assert str(findings["open-source-exemption"].status) == "not_applicable"
    assert (findings["systemic-risk-presumption"].status, findings["systemic-risk-presumption"].reason) == (
        "fail", "violated")
    assert _status(findings, *DOCUMENTATION_RULES, *SYSTEMIC_RULES) == {"fail"}


@pytest.mark.parametrize(("change", "decisive"), [
    ({"compliance": {"open_source": {"monetised": True}}}, "compliance.open_source.monetised is true"),
    ({"model": {"limitations": None}}, "missing: model.limitations"),  # Guidelines para 90
    ({"model": {"integration": None}}, "missing: model.integration"),  # para 91: technical means
    ({"compliance": None}, "missing: compliance"),  # monetisation not stated is not "none"
], ids=["monetised", "no-limitations", "no-technical-means", "monetisation-unstated"])
def test_the_guidelines_conditions_of_the_exemption(change: dict[str, Any], decisive: str) -> None:
    """Guidelines paras 85-89 (no monetisation) and 90-91 (usage information at least modalities, capabilities,
    limitations and technical means)."""
    disclosure = {k: v for k, v in _merge(_merge(OPEN_405B, {"model": {"systemic_risk": False}}), change).items()
                  if v is not None}
    disclosure["model"] = {k: v for k, v in disclosure["model"].items() if v is not None}
    finding = _check(disclosure)["open-source-exemption"]
    assert str(finding.status) == "fail"
    assert decisive in finding.detail


def test_user_verification_does_not_break_the_exemption() -> None:
    """Guidelines para 79: "reasonable safety and security measures, such as user verification processes, may be
    implemented"; gated weights without such a stated measure are not public."""
    gated = _merge(OPEN_405B, {"model": {"systemic_risk": False}})
    gated["components"] = [{**gated["components"][0], "availability": "gated"}, gated["components"][1]]
    assert str(_check(gated)["open-source-exemption"].status) == "fail"
    verified = _merge(gated, {"compliance": {"open_source": {"access_measures": "E-mail verification only."}}})
    assert str(_check(verified)["open-source-exemption"].status) == "pass"


# ---- Art. 51(2): cumulative compute ----------------------------------------------------------------------------


@pytest.mark.parametrize(("energy", "presumed"), [
    ({"training": {"compute": "9e24 FLOP"}, "fine_tuning": {"compute": "2e24 FLOP"}}, True),
    ({"training": {"compute": "8e24 FLOP"}, "synthetic_data_compute": "2.5e24 FLOP"}, True),  # para 119
    ({"training": {"compute": "8e24 FLOP"}, "inherited_compute": "2.5e24 FLOP"}, True),  # paras 120-121
    ({"training": {"compute": "9e24 FLOP"}}, False),
    ({"training": {"compute": "9e24 FLOP"}, "fine_tuning": {"compute": "2e24 FLOP"},
      "cumulative_compute": "9.9e24 FLOP"}, False),  # a stated total wins
], ids=["pre-training+fine-tuning", "synthetic-data", "merged-weights", "pre-training-only", "stated-total"])
def test_the_threshold_counts_cumulative_compute(energy: dict[str, Any], presumed: bool) -> None:
    """Art. 51(2) counts "the cumulative amount of computation used for its training"; recital 111 (Guidelines
    para 119): "such as pre-training, synthetic data generation and fine-tuning"."""
    findings = _check({"model": {"id": "example/m", "general_purpose": True, "eu_market_date": PLACED},
                       "energy": energy})
    assert str(findings["systemic-risk-presumption"].status) == ("fail" if presumed else "not_applicable")
    assert _status(findings, *SYSTEMIC_RULES) == ({"fail"} if presumed else {"not_applicable"})


def test_the_presumption_message_names_the_cumulative_figure() -> None:
    findings = _check({"model": {"id": "example/m", "general_purpose": True, "eu_market_date": PLACED},
                       "energy": {"training": {"compute": "9e24 FLOP"}, "fine_tuning": {"compute": "2e24 FLOP"}}})
    assert findings["systemic-risk-presumption"].message == (
        "Cumulative training compute of 1.1e25 FLOP is greater than 1e25 FLOP: the model is presumed to have "
        "high-impact capabilities (Art. 51(2)), but model.systemic_risk is not true and no rebuttal was accepted "
        "(Art. 52(2)).")


# ---- Art. 53(1)(c)-(d): every GPAI provider, exempt ones included ----------------------------------------------


def test_copyright_policy_and_training_summary_bind_an_exempt_provider() -> None:
    """Recital 104; Guidelines para 75: exempt providers "are not exempted from the obligation laid down in
    Article 53(1), point (c)", nor from point (d)."""
    exempt = _merge(OPEN_405B, {"model": {"systemic_risk": False}})
    findings = _check(exempt)
    assert str(findings["open-source-exemption"].status) == "pass"
    assert _status(findings, "copyright-policy", "training-content-summary") == {"fail"}
    documented = _merge(exempt, {"compliance": {
        "copyright_policy": {"location": "https://example.org/copyright", "rights_reservations": "robots.txt honoured"},
        "training_content_summary": {"location": "https://example.org/summary", "template": "AI Office, July 2025"}}})
    assert _status(_check(documented), "copyright-policy", "training-content-summary") == {"pass"}


def test_a_training_summary_that_is_not_public_fails() -> None:
    """Art. 53(1)(d): "make publicly available"."""
    disclosure = _merge(OPEN_405B, {"model": {"systemic_risk": False}, "compliance": {
        "training_content_summary": {"location": "on request", "template": "AI Office, July 2025"}}})
    finding = _check(disclosure)["training-content-summary"]
    assert (finding.status, finding.reason) == ("fail", "violated")


# ---- Art. 52, 55 and Annex XI Section 2 ------------------------------------------------------------------------

SYSTEMIC: dict[str, Any] = {"model": {"id": "example/frontier", "general_purpose": True, "systemic_risk": True,
                                      "eu_market_date": PLACED}}


@pytest.mark.parametrize(("notification", "verdict"), [
    ({"threshold_date": "2025-10-01", "date": "2025-10-15"}, "pass"),  # exactly two weeks
    ({"threshold_date": "2025-10-01", "date": "2025-10-16"}, "fail"),
], ids=["two-weeks", "fifteen-days"])
def test_notification_within_two_weeks(notification: dict[str, str], verdict: str) -> None:
    """Art. 52(1): "without delay and in any event within two weeks after that requirement is met"."""
    finding = _check(_merge(SYSTEMIC, {"compliance": {"notification": notification}}))["systemic-risk-notification"]
    assert str(finding.status) == verdict


@pytest.mark.parametrize(("compute", "verdict"), [("2.3e25 FLOP", "pass"), ("2e25 FLOP", "fail"),
                                                  ("2.0e25 FLOP", "fail")])
def test_notified_compute_has_two_significant_figures(compute: str, verdict: str) -> None:
    """Guidelines para 32: "reported in FLOP and with two significant figures (e.g. 2.3x10^25 FLOP)". A float keeps
    no trailing zero, so 2.0e25 reads as one figure (docs/language.md, significant_figures)."""
    notification = {"compute": compute, "compute_methodology": "6 x parameters x tokens"}
    finding = _check(_merge(SYSTEMIC, {"compliance": {"notification": notification}}))["notification-compute"]
    assert str(finding.status) == verdict


def test_an_accepted_rebuttal_lifts_the_systemic_risk_obligations_a_pending_one_does_not() -> None:
    """Art. 52(2); Guidelines paras 41-42: presenting arguments "does not suspend providers' obligations"."""
    base = {"model": {"id": "example/m", "general_purpose": True, "systemic_risk": False, "eu_market_date": PLACED},
            "energy": {"training": {"compute": "1.2e25 FLOP"}}}
    pending = _check(_merge(base, {"compliance": {"rebuttal": {"decision": "pending"}}}))
    assert _status(pending, "systemic-risk-presumption", "systemic-risk-rebuttal", *SYSTEMIC_RULES) == {"fail"}
    accepted = _check(_merge(base, {"compliance": {"rebuttal": {"decision": "accepted"}}}))
    assert _status(accepted, "systemic-risk-presumption", "systemic-risk-rebuttal") == {"pass"}
    assert _status(accepted, *SYSTEMIC_RULES) == {"not_applicable"}


def test_each_article_55_obligation_is_its_own_finding() -> None:
    """Art. 55(1)(a)-(d) and Annex XI Section 2 points 1-3, one rule each: one documented duty does not hide the
    others."""
    only_cyber = _merge(SYSTEMIC, {"compliance": {"systemic_risk": {"cybersecurity": "Weights in secured enclaves."}}})
    findings = _check(only_cyber)
    assert str(findings["cybersecurity"].status) == "pass"
    assert [findings[r].detail for r in ("adversarial-testing", "systemic-risk-assessment", "serious-incidents",
                                         "system-architecture")] == [
        "missing: compliance.systemic_risk.evaluation", "missing: compliance.systemic_risk.risk_assessment",
        "missing: compliance.systemic_risk.serious_incidents", "missing: compliance.systemic_risk.system_architecture"]


# ---- Whether the model is GPAI -----------------------------------------------------------------------------------


def test_leaving_out_general_purpose_is_an_error_when_nothing_decides_it() -> None:
    """Before 0.3.0 an absent flag turned 20 of 21 rules off with only a warning."""
    findings = _check({"model": {"id": "example/m", "eu_market_date": PLACED}})
    finding = findings["gpai-status-stated"]
    assert (finding.status, finding.severity, finding.detail) == (
        "fail", "error", "missing: model.general_purpose, or energy.training.compute")
    assert _status(findings, *DOCUMENTATION_RULES) == {"not_applicable"}


@pytest.mark.parametrize(("modalities", "compute", "gpai"), [
    ({"input": ["text"], "output": ["text"]}, "5e23 FLOP", True),
    ({"input": ["text"], "output": ["code"]}, "5e23 FLOP", True),  # footnote 2: text includes code
    ({"input": ["audio"], "output": ["audio"]}, "5e23 FLOP", True),  # language "in the form of ... audio"
    ({"input": ["text"], "output": ["image"]}, "5e23 FLOP", True),  # text-to-image
    ({"input": ["image"], "output": ["image"]}, "5e23 FLOP", False),  # image-to-image is not in para 17
    ({"input": ["tabular"], "output": ["tabular"]}, "5e23 FLOP", False),
    ({"input": ["text"], "output": ["text"]}, "1e23 FLOP", False),  # "greater than 10^23"
], ids=["text", "code", "audio", "text-to-image", "image-to-image", "tabular", "at-threshold"])
def test_gpai_is_inferred_from_the_indicative_criterion(modalities: dict[str, list[str]], compute: str,
                                                         gpai: bool) -> None:
    """Guidelines para 17: "training compute is greater than 10^23 FLOP and it can generate language (whether in
    the form of text or audio), text-to-image or text-to-video"."""
    findings = _check({"model": {"id": "example/m", "eu_market_date": PLACED, "modalities": modalities},
                       "energy": {"training": {"compute": compute}}})
    assert str(findings["gpai-status-stated"].status) == "pass"
    assert str(findings["intended-tasks"].status) == ("fail" if gpai else "not_applicable")


# ---- Downstream modifiers (Guidelines paras 60-70) -------------------------------------------------------------


@pytest.mark.parametrize(("modification", "provider"), [
    ({"compute": "1.1e24 FLOP", "original_compute": "3e24 FLOP"}, True),  # more than a third (para 63)
    ({"compute": "9e23 FLOP", "original_compute": "3e24 FLOP"}, False),
    ({"compute": "5e22 FLOP"}, True),  # original unknown, not systemic-risk: a third of 10^23 (para 64)
    ({"compute": "5e22 FLOP", "original_systemic_risk": True}, False),  # a third of 10^25 (para 64)
], ids=["above-a-third", "below-a-third", "fallback-1e23", "fallback-1e25"])
def test_a_modifier_becomes_the_provider_above_a_third_of_the_original_compute(modification: dict[str, Any],
                                                                               provider: bool) -> None:
    findings = _check({"model": {"id": "example/fine-tune", "general_purpose": True, "eu_market_date": PLACED,
                                 "base_model": "example/base"},
                       "compliance": {"modification": modification}})
    assert str(findings["downstream-modifier"].status) == "pass"
    due = {"fail"} if provider else {"not_applicable"}
    assert _status(findings, "modification-documented", "intended-tasks", "copyright-policy") == due


def test_a_modifier_documents_the_modification_compute_not_the_original() -> None:
    """Guidelines para 68: the documentation "is limited to information on the modification"."""
    findings = _check({"model": {"id": "example/fine-tune", "general_purpose": True, "eu_market_date": PLACED,
                                 "base_model": "example/base"},
                       "compliance": {"modification": {"compute": "1.1e24 FLOP", "original_compute": "3e24 FLOP",
                                                       "description": "Continued pre-training on legal text."}}})
    assert _status(findings, "training-compute", "modification-documented") == {"pass"}


def test_a_modifier_of_a_systemic_risk_model_above_the_threshold_must_notify() -> None:
    """Guidelines para 70: the modified model is presumed to have high-impact capabilities; notify under Art. 52(1)."""
    findings = _check({"model": {"id": "example/fine-tune", "general_purpose": True, "eu_market_date": PLACED,
                                 "base_model": "example/frontier"},
                       "compliance": {"modification": {"compute": "4e24 FLOP", "original_systemic_risk": True}}})
    assert str(findings["systemic-risk-notification"].status) == "fail"


# ---- The smaller items -----------------------------------------------------------------------------------------


def test_evaluation_results_are_due_from_every_gpai_model() -> None:
    """Art. 53(1)(a): "the results of its evaluation", systemic-risk or not."""
    plain = {"model": {"id": "example/m", "general_purpose": True, "systemic_risk": False, "eu_market_date": PLACED}}
    assert _check(plain)["evaluation-results"].detail == "missing: evaluation.results"
    results = {"evaluation": {"results": [{"metric": "accuracy", "value": 0.7, "dataset": "MMLU"}]}}
    assert str(_check(_merge(plain, results))["evaluation-results"].status) == "pass"


def test_inference_compute_is_the_benchmark_task_not_per_query() -> None:
    """Code of Practice form, 'Benchmarked amount of computation used for inference' (example 5.1x10^17 FLOP)."""
    plain = {"model": {"id": "example/m", "general_purpose": True, "systemic_risk": False, "eu_market_date": PLACED}}
    hardware = [{"type": "NVIDIA H100 SXM5 80GB", "count": 1}]
    per_query = _merge(plain, {"energy": {"inference": {"benchmark": "1,000 queries", "hardware": hardware,
                                                        "compute_per_query": "1.1e13 FLOP"}}})
    assert _check(per_query)["inference-compute"].detail == "missing: energy.inference.benchmark_compute"
    task = _merge(per_query, {"energy": {"inference": {"benchmark_compute": "1.1e16 FLOP"}}})
    assert str(_check(task)["inference-compute"].status) == "pass"


def test_a_third_country_provider_needs_an_authorised_representative_unless_exempt() -> None:
    """Art. 54; Art. 54(6) waives it for the Art. 53(2) exemption (Guidelines para 73)."""
    third = {"model": {"id": "example/m", "general_purpose": True, "systemic_risk": False, "eu_market_date": PLACED},
             "compliance": {"provider_established_in_eu": False}}
    assert _check(third)["authorised-representative"].detail == (
        "neither holds: compliance.provider_established_in_eu is false; the policy requires true; "
        "missing: compliance.authorised_representative")
    exempt = _merge(OPEN_405B, {"model": {"systemic_risk": False}, "compliance": {"provider_established_in_eu": False}})
    assert str(_check(exempt)["authorised-representative"].status) == "not_applicable"


def test_precision_of_figures_to_two_significant_figures() -> None:
    """Code of Practice form: training compute, training energy, inference compute and model size "with at least
    two significant figures" (a warning)."""
    plain = {"model": {"id": "example/m", "general_purpose": True, "systemic_risk": False, "eu_market_date": PLACED,
                       "parameters": 7e9}, "energy": {"training": {"compute": "4.2e23 FLOP", "energy": "74 MWh"}}}
    finding = _check(plain)["figure-precision"]
    assert (finding.status, finding.severity) == ("fail", "warning")
    assert finding.detail == ("neither holds: model.parameters is 7000000000; the policy requires it to be absent; "
                              "significant_figures(model.parameters) is 1; the policy requires at least 2")
    assert str(_check(_merge(plain, {"model": {"parameters": 7.2e9}}))["figure-precision"].status) == "pass"


# ---- a real disclosure: Llama 3.1 405B --------------------------------------------------------------------------


def _llama_3_1_405b() -> dict[str, Any]:
    """samples/real/energy/llama-3.1-family.yaml (Meta's model card, and 3.8e25 FLOP from the Llama 3 paper; sources in
    the file), with its release date (23 July 2024, the card's "Model Release Date") and `general_purpose: true`:
    a large generative language model, which no one disputes is general-purpose."""
    from pathlib import Path

    sample = Path(__file__).parent.parent / "samples" / "real" / "energy" / "llama-3.1-family.yaml"
    card = yaml.safe_load(sample.read_text(encoding="utf-8"))
    card.pop("openwatt")
    return _merge(card, {"model": {"general_purpose": True, "release_date": "2024-07-23"}})


def test_llama_3_1_405b_is_presumed_systemic_risk_and_its_duties_wait_for_2_august_2027() -> None:
    # Art. 51(2): above 10^25 FLOP the presumption holds; nothing in the card declares it or a rebuttal.
    findings = _check(_llama_3_1_405b())
    presumption = findings["systemic-risk-presumption"]
    assert (str(presumption.status), presumption.message) == ("fail", (
        "Cumulative training compute of 3.8e25 FLOP is greater than 1e25 FLOP: the model is presumed to have "
        "high-impact capabilities (Art. 51(2)), but model.systemic_risk is not true and no rebuttal was accepted "
        "(Art. 52(2))."))
    # Placed on the market before 2 August 2025: Art. 111(3) gives it until 2 August 2027 (Guidelines para 109).
    assert _status(findings, "copyright-policy", "training-energy", *SYSTEMIC_RULES) == {"not_applicable"}
    assert str(findings["open-source-exemption"].status) == "not_applicable"  # never for systemic risk


def test_llama_3_1_405b_after_2_august_2027_owes_the_systemic_risk_duties() -> None:
    findings = _check(_llama_3_1_405b(), as_of=dt.date(2027, 8, 3))
    # The card gives GPU-hours and board power but no energy figure, no notification and none of Art. 55's duties.
    assert _status(findings, "training-energy", "copyright-policy", "training-content-summary", *SYSTEMIC_RULES) \
        == {"fail"}
    assert _status(findings, "training-compute", "architecture-and-parameters", "gpai-status-stated") == {"pass"}
