"""Reports built by hand: a small factory, and the representative report every reporter is shown."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import pytest

from openwatt.findings import Finding, InputSource, Location, PolicySource, Provenance, Report
from openwatt.values.verdicts import FailOn, Reason, Severity, Status

AURORA = "samples/aurora-7b.yaml"
BOREALIS = "samples/borealis-13b.yaml"
GENERATED_AT = "2025-09-01T12:00:00Z"


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def finding(**fields: Any) -> Finding:
    """A finding with dull defaults (a passing rule at the top of a file); name what matters."""
    file = fields.get("file", AURORA)
    defaults: dict[str, Any] = {
        "file": file,
        "policy": "funder-grant",
        "policy_version": "2.1.0",
        "rule": "funder-grant/rule",
        "title": "",
        "status": Status.PASS,
        "severity": Severity.ERROR,
        "reason": None,
        "message": "",
        "detail": "",
        "values": (),
        "location": Location(file, 1, 1, ""),
        "cite": "",
        "fix": "",
        "required_by": ("funder-grant",),
    }
    return Finding(**(defaults | fields))


POLICIES = (
    PolicySource("funder-grant", "2.1.0", "policies/funder-grant.policy", digest("funder-grant")),
    PolicySource("osaid", "1.0.0", "policies/osaid.policy", digest("osaid")),
    PolicySource("eu-ai-act-energy", "0.3.0", "policies/eu-ai-act-energy.policy", digest("eu-ai-act-energy")),
)


def report(
    findings: tuple[Finding, ...],
    *,
    fail_on: FailOn = FailOn.ERROR,
    files: tuple[str, ...] | None = None,
    generated_at: str = GENERATED_AT,
    policies: tuple[PolicySource, ...] = POLICIES,
) -> Report:
    """A report over `findings`; its inputs are the findings' files unless `files` names them."""
    names = files if files is not None else tuple(dict.fromkeys(f.file for f in findings))
    provenance = Provenance(
        openwatt_version="0.1.0",
        generated_at=generated_at,
        as_of="2025-09-01",
        fail_on=fail_on,
        policies=policies,
        inputs=tuple(InputSource(name, digest(name)) for name in names),
    )
    return Report(findings, provenance)


def representative_findings() -> tuple[Finding, ...]:
    """Every status, two files, two top-level policies (one importing osaid), a rule judged twice with other
    params, in scrambled order."""
    energy = {"policy": "eu-ai-act-energy", "policy_version": "0.3.0", "required_by": ("eu-ai-act-energy",)}
    osaid = {"policy": "osaid", "policy_version": "1.0.0"}
    weights = {
        **osaid,
        "rule": "osaid/weights-licence",
        "title": "Weights under an OSI-approved licence",
        "severity": Severity.ERROR,
        "cite": "OSAID 1.0, “Required components: Parameters”",
        "fix": "License the weights under an OSI-approved licence, e.g. Apache-2.0 or MIT.",
    }
    training = {
        **energy,
        "rule": "eu-ai-act-energy/training-energy",
        "title": "Training energy is reported",
        "severity": Severity.ERROR,
        "cite": "EU AI Act, Annex XI §1 2(d)",
        "fix": "State the training energy with a unit, e.g. `energy: 433 MWh`.",
    }
    return (
        finding(
            **weights,
            status=Status.FAIL,
            reason=Reason.VIOLATED,
            message='components[1].license is "Llama-3.1-Community", which is not OSI-approved',
            detail='osi_approved(components[1].license) is false for "Llama-3.1-Community"',
            values=(("components[1].license", '"Llama-3.1-Community"'),),
            location=Location(AURORA, 14, 7, "components[1].license"),
        ),
        finding(**training, status=Status.PASS, file=BOREALIS,
                location=Location(BOREALIS, 30, 5, "energy.training.energy")),
        finding(
            rule="funder-grant/energy-plausible",
            params=(("tolerance", "3"),),
            title="Reported training energy is plausible",
            status=Status.FAIL,
            severity=Severity.WARNING,
            reason=Reason.VIOLATED,
            message="reported 433 MWh is 6.1× hardware × hours × power × PUE (71 MWh); allowed ×3",
            detail="433 MWh / 71 MWh = 6.1 > 3",
            values=(("energy.training.energy", "433 MWh"), ("energy.training.hardware.count", "512")),
            location=Location(AURORA, 33, 13, "energy.training.energy"),
            cite="Funder grant conditions §4.2",
            fix="Check the hardware count, hours and power, or the reported energy.",
        ),
        finding(**training, status=Status.FAIL, reason=Reason.MISSING,
                message="missing: energy.training.energy",
                location=Location(AURORA, 31, 3, "energy.training")),
        finding(
            **energy,
            rule="eu-ai-act-energy/emissions-basis",
            title="Emissions state their basis",
            status=Status.WAIVED,
            severity=Severity.WARNING,
            reason=Reason.MISSING,
            message="missing: energy.training.emissions_basis",
            location=Location(AURORA, 31, 3, "energy.training"),
            cite="GPAI Code of Practice, Model Documentation Form",
            fix="Add `emissions_basis: location` or `market`.",
            waiver="grid data pending from the provider (approved by J. Okafor, until 2026-03-31)",
        ),
        finding(**energy, rule="eu-ai-act-energy/inference-energy", title="Inference energy per 1,000 queries",
                status=Status.NOT_APPLICABLE, severity=Severity.INFO),
        finding(**osaid, rule="osaid/code-available", title="Training code is available", status=Status.PASS,
                location=Location(AURORA, 20, 5, "components[4]")),
        finding(**osaid, rule="osaid/unshareable-data-described", title="Unshareable data is described",
                status=Status.PASS, required_by=("osaid",), params=(("min_sources", "1"),),
                location=Location(AURORA, 40, 3, "data")),
        finding(**osaid, rule="osaid/unshareable-data-described", title="Unshareable data is described",
                status=Status.FAIL, reason=Reason.VIOLATED, required_by=("funder-grant",),
                params=(("min_sources", "3"),), message="data names 1 source; the policy requires 3",
                location=Location(AURORA, 40, 3, "data")),
        finding(rule="funder-grant/compute-notified", title="Compute above 10^25 FLOP is notified",
                status=Status.NOT_APPLICABLE, severity=Severity.WARNING),
        finding(
            file=BOREALIS,
            policy="openwatt",
            policy_version="",
            rule="openwatt/schema",
            required_by=(),
            title="Disclosure fits the schema",
            status=Status.ERROR,
            severity=Severity.ERROR,
            reason=Reason.INVALID_INPUT,
            message="energy.training.pue: -1.2 is less than the minimum of 1",
            location=Location(BOREALIS, 22, 10, "energy.training.pue"),
            fix="PUE is facility energy over IT energy: 1.0 or more, e.g. 1.1.",
        ),
        finding(**energy, file=BOREALIS, rule="eu-ai-act-energy/inference-energy", title="Inference energy per 1,000 queries",
                status=Status.PASS, severity=Severity.INFO,
                location=Location(BOREALIS, 41, 5, "energy.inference")),
        finding(**weights, file=BOREALIS, status=Status.PASS,
                location=Location(BOREALIS, 12, 7, "components[1].license")),
    )


@pytest.fixture
def every_status() -> tuple[Finding, ...]:
    return representative_findings()


@pytest.fixture
def representative(every_status: tuple[Finding, ...]) -> Report:
    return report(every_status)


@pytest.fixture
def make_finding() -> Callable[..., Finding]:
    return finding


@pytest.fixture
def make_report() -> Callable[..., Report]:
    return report
