"""The JSON reporter: exact output, valid against its schema, byte-identical across runs."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from openwatt.findings import Finding, InputRole, InputSource, Location, PolicySource, Report
from openwatt.reports import RenderOptions
from openwatt.reports.json_report import render
from openwatt.values.verdicts import FailOn, Reason, Severity, Status

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schemas" / "report.schema.json"

# The top-level keys as a streamed report writes them: what is known only at the end comes after the findings.
STREAM_ORDER = ["openwatt_report", "findings", "verdicts", "summary", "provenance", "errors"]

MakeFinding = Callable[..., Finding]
MakeReport = Callable[..., Report]


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator(schema: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


@pytest.fixture
def small(make_finding: MakeFinding, make_report: MakeReport) -> Report:
    energy = make_finding(
        policy="eu-ai-act-energy",
        policy_version="0.3.0",
        rule="training-energy",
        title="Training energy is reported",
        status=Status.FAIL,
        severity=Severity.ERROR,
        reason=Reason.VIOLATED,
        message="energy.training.energy is 433 MWh, over the 400 MWh ceiling",
        detail="433 MWh <= 400 MWh is false",
        values=(("energy.training.energy", "433 MWh"),),
        location=Location("samples/aurora-7b.yaml", 31, 13, "energy.training.energy"),
        cite="EU AI Act, Annex XI §1 2(d)",
        fix="Report a measured figure, or request a waiver.",
    )
    licence = make_finding(rule="osaid/weights-licence", title="Weights under an OSI-approved licence")
    policies = (
        PolicySource("funder-grant", "2.1.0", "policies/funder-grant.policy", "f" * 64),
        PolicySource("eu-ai-act-energy", "0.3.0", "policies/eu-ai-act-energy.policy", "e" * 64),
    )
    return make_report((licence, energy), policies=policies)


def test_small_report_golden(small: Report, golden: Callable[[str, str], None]) -> None:
    golden("reports/golden/small.json", render(small))


def test_representative_report_golden(representative: Report, golden: Callable[[str, str], None]) -> None:
    golden("reports/golden/representative.json", render(representative))


def test_format_basics(representative: Report) -> None:
    out = render(representative)
    assert out.endswith("}\n") and not out.endswith("\n\n")
    # Compact, one finding per line; what is known only at the end of a check (provenance) comes last.
    assert out.startswith('{"openwatt_report":"2.0",\n"findings":[\n{"file":"samples/')
    lines = out.splitlines()
    assert len(lines) == 2 + len(representative.findings) + 2 + len(representative.verdicts) + 3 + \
        len(representative.provenance.inputs) + 2
    assert "6.1× hardware" in out and "“Required components" in out  # ensure_ascii=False


def test_options_do_not_change_json(representative: Report) -> None:
    plain = render(representative)
    assert render(representative, RenderOptions(color=True, verbose=True, width=20)) == plain


def test_reports_validate_against_the_schema(
    representative: Report, small: Report, make_finding: MakeFinding, make_report: MakeReport,
    validator: Draft202012Validator,
) -> None:
    unreadable = make_finding(policy="openwatt", rule="load", status=Status.ERROR, reason=Reason.INVALID_INPUT,
                              message="not valid UTF-8 at byte 12", location=Location("bad.yaml", 0, 0, ""),
                              file="bad.yaml")
    reports = [
        representative,
        small,
        make_report(representative.findings, fail_on=FailOn.NEVER),
        make_report((unreadable,), policies=()),
        make_report((), files=()),
    ]
    for report in reports:
        document = json.loads(render(report))
        errors = [f"{e.json_path}: {e.message}" for e in validator.iter_errors(document)]
        assert errors == []


def test_input_that_could_not_be_read_has_an_empty_digest(
    make_finding: MakeFinding, make_report: MakeReport, validator: Draft202012Validator,
) -> None:
    document = json.loads(render(make_report((make_finding(),))))
    document["provenance"]["inputs"][0]["sha256"] = ""
    assert validator.is_valid(document)
    document["provenance"]["inputs"][0]["sha256"] = "abc"
    assert not validator.is_valid(document)


@pytest.mark.parametrize(("where", "change"), [
    ("finding", lambda d: d["findings"][0].update(status="passed")),
    ("finding", lambda d: d["findings"][0].update(reason="")),
    ("finding", lambda d: d["findings"][0].update(extra=1)),
    ("location", lambda d: d["findings"][0]["location"].pop("column")),
    ("summary", lambda d: d["summary"].update(exit_code=3)),
    ("provenance", lambda d: d["provenance"].update(fail_on="none")),
    ("provenance", lambda d: d["provenance"].update(as_of="1 September 2025")),
    ("policy", lambda d: d["provenance"]["policies"][0].update(sha256="F" * 64)),
    ("root", lambda d: d.update(openwatt_report="1.0")),
])
def test_schema_rejects_what_openwatt_never_writes(
    where: str, change: Callable[[dict[str, Any]], object], representative: Report, validator: Draft202012Validator,
) -> None:
    document = json.loads(render(representative))
    change(document)
    assert not validator.is_valid(document), where


def test_keys_come_in_schema_order(representative: Report, schema: dict[str, Any]) -> None:
    def check(value: Any, node: dict[str, Any]) -> None:
        if "$ref" in node:
            node = schema["$defs"][node["$ref"].removeprefix("#/$defs/")]
        if isinstance(value, dict):
            # Optional keys (`errors`, there only when the check could not run) keep their place when absent.
            order = STREAM_ORDER if node is schema else list(node["properties"])
            assert list(value) == [key for key in order if key in value]
            assert set(node.get("required", value)) <= set(value)
            for key, item in value.items():
                check(item, node["properties"][key])
        elif isinstance(value, list):
            for item in value:
                check(item, node["items"])

    check(json.loads(render(representative)), schema)


def test_summary_figures(every_status: tuple[Finding, ...], make_report: MakeReport) -> None:
    checked = tuple(f for f in every_status if f.status is not Status.ERROR)
    summaries = {
        name: json.loads(render(report))["summary"]
        for name, report in {
            "all": make_report(every_status),
            "error": make_report(checked, fail_on=FailOn.ERROR),
            "warning": make_report(checked, fail_on=FailOn.WARNING),
            "never": make_report(checked, fail_on=FailOn.NEVER),
        }.items()
    }
    assert summaries["all"] == {
        "inputs": {"total": 2, "checked": 2, "with_input_problems": 1, "with_failures": 2, "not_checked": 0},
        "failing_rules": 4,
        "findings": 13,
        "by_status": {"pass": 5, "fail": 4, "not_applicable": 2, "waived": 1, "error": 1},
        "blocking": 3,
        "exit_code": 2,
    }
    assert [summaries[k]["blocking"] for k in ("error", "warning", "never")] == [3, 4, 0]
    assert [summaries[k]["inputs"]["with_failures"] for k in ("error", "warning", "never")] == [1, 1, 0]
    assert [summaries[k]["exit_code"] for k in ("error", "warning", "never")] == [1, 1, 0]
    assert summaries["never"]["by_status"]["error"] == 0


def test_fail_on_never_is_written_as_never(representative: Report, make_report: MakeReport) -> None:
    document = json.loads(render(make_report(representative.findings, fail_on=FailOn.NEVER)))
    assert document["provenance"]["fail_on"] == "never"


def test_only_the_timestamp_differs_between_runs(every_status: tuple[Finding, ...], make_report: MakeReport) -> None:
    # The second run sees findings, policies and inputs in another order, as parallel workers would.
    shuffled = list(every_status)
    random.Random(7).shuffle(shuffled)
    first = render(make_report(every_status)).splitlines(keepends=True)
    later = make_report(tuple(shuffled), generated_at="2025-09-02T08:30:00.123456+02:00")
    provenance = replace(later.provenance, policies=tuple(reversed(later.provenance.policies)),
                         inputs=tuple(reversed(later.provenance.inputs)))
    second = render(replace(later, provenance=provenance)).splitlines(keepends=True)
    assert len(first) == len(second)
    differing = [(a, b) for a, b in zip(first, second, strict=True) if a != b]
    assert [(a.replace('"generated_at":"2025-09-01T12:00:00Z"', '"generated_at":"2025-09-02T08:30:00.123456+02:00"'),
             a.startswith('"provenance":{')) for a, _ in differing] == [(b, True) for _, b in differing]
    assert len(differing) == 1


def test_same_report_renders_byte_identical(representative: Report) -> None:
    assert render(representative).encode() == render(representative).encode()


def test_unicode_and_control_characters(make_finding: MakeFinding, make_report: MakeReport) -> None:
    text = "缺少：energy.training.energy — 433 MWh × 3 ≤ 1 GWh \x1b[31m\u202e"
    out = render(make_report((make_finding(message=text, status=Status.FAIL, reason=Reason.MISSING),)))
    assert '"message":"缺少：energy.training.energy — 433 MWh × 3 ≤ 1 GWh \\u001b[31m\u202e",' in out
    assert json.loads(out)["findings"][0]["message"] == text


def test_an_input_role_is_written_as_its_name(make_finding: MakeFinding, make_report: MakeReport) -> None:
    report = make_report((make_finding(file="a.yaml"),))
    inputs = (InputSource("a.yaml", ""), InputSource("a.csv", "", InputRole.EVIDENCE))
    report = Report(report.findings, replace(report.provenance, inputs=inputs))
    data = json.loads(render(report, RenderOptions()))
    assert data["provenance"]["inputs"] == [{"file": "a.csv", "sha256": "", "role": "evidence"},
                                            {"file": "a.yaml", "sha256": "", "role": "document"}]
    assert data["summary"]["inputs"]["total"] == 1  # the evidence file is read, not checked
