"""The SARIF, JUnit, GitHub, Markdown and CSV views: goldens, their published schemas, escaping, limits, and
the document each writes when the check could not run."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from jsonschema import Draft202012Validator

from openwatt.findings import Finding, Location, Report, RunError
from openwatt.reports import REPORTERS, RenderOptions, csv_report, github, sarif
from openwatt.values.verdicts import Reason, Severity, Status

REPORT_SCHEMA = Path(__file__).resolve().parents[2] / "schemas" / "report.schema.json"
MakeFinding = Callable[..., Finding]
MakeReport = Callable[..., Report]
Validator = Callable[[str], None]

GOLDEN = {"sarif": "representative.sarif", "junit": "representative.junit.xml", "github": "representative.github.txt",
          "markdown": "representative.md", "csv": "representative.csv"}
ERROR = RunError(code="OW010", message="unknown path 'energy.trainig'", file="bad.policy", line=11, column=11,
                 hint="did you mean 'energy.training'?")


def _render(name: str, report: Report) -> str:
    return REPORTERS[name](report, RenderOptions())


@pytest.fixture
def could_not_run(representative: Report) -> Report:
    return Report((), replace(representative.provenance, policies=(), inputs=()), errors=(ERROR,))


@pytest.mark.parametrize("name", GOLDEN)
def test_golden(name: str, representative: Report, golden: Callable[[str, str], None]) -> None:
    golden(f"reports/golden/{GOLDEN[name]}", _render(name, representative))


@pytest.mark.parametrize("name", GOLDEN)
def test_could_not_run_golden(name: str, could_not_run: Report, golden: Callable[[str, str], None]) -> None:
    golden(f"reports/golden/could-not-run.{GOLDEN[name].split('.', 1)[1]}", _render(name, could_not_run))


def test_text_says_the_check_could_not_run(could_not_run: Report) -> None:
    assert _render("text", could_not_run) == ("the check could not run\n"
                                              "  bad.policy:11:11: OW010 unknown path 'energy.trainig'\n"
                                              "    hint: did you mean 'energy.training'?\n")


# SARIF --------------------------------------------------------------------------------------------------------

def test_sarif_valid(representative: Report, could_not_run: Report, make_report: MakeReport,
                     sarif_validator: Validator) -> None:
    for report in (representative, could_not_run, make_report(())):
        sarif_validator(_render("sarif", report))


def _sarif(report: Report) -> dict[str, Any]:
    return json.loads(_render("sarif", report))  # type: ignore[no-any-return]


def test_sarif_rules_and_results(representative: Report) -> None:
    run = _sarif(representative)["runs"][0]
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert list(rules) == sorted(rules)
    assert rules["osaid/weights-licence"] == {
        "id": "osaid/weights-licence",
        "shortDescription": {"text": "Weights under an OSI-approved licence"},
        "fullDescription": {"text": "License the weights under an OSI-approved licence, e.g. Apache-2.0 or MIT. "
                                    "Source: OSAID 1.0, “Required components: Parameters”."},
        "help": {"text": "License the weights under an OSI-approved licence, e.g. Apache-2.0 or MIT. "
                         "Source: OSAID 1.0, “Required components: Parameters”.",
                 "markdown": "License the weights under an OSI-approved licence, e.g. Apache-2.0 or MIT.\n\n"
                             "Source: OSAID 1.0, “Required components: Parameters”"},
        "defaultConfiguration": {"level": "error"},
        "properties": {"policy": "osaid", "tags": ["openwatt", "osaid"]},
    }
    assert rules["funder-grant/energy-plausible"]["defaultConfiguration"] == {"level": "warning"}
    # Passing and not applicable judgements are no results; failures, errors and waivers are.
    assert [(r["ruleId"], r["level"]) for r in run["results"]] == [
        ("eu-ai-act-energy/emissions-basis", "warning"), ("eu-ai-act-energy/training-energy", "error"),
        ("funder-grant/energy-plausible", "warning"), ("osaid/unshareable-data-described", "error"),
        ("osaid/weights-licence", "error"), ("openwatt/schema", "error")]
    for result in run["results"]:
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
    weights = run["results"][4]
    assert weights["message"] == {"text": 'components[1].license is "Llama-3.1-Community", which is not OSI-approved'}
    assert weights["locations"] == [{"physicalLocation": {"artifactLocation": {"uri": "samples/aurora-7b.yaml"},
                                                          "region": {"startLine": 14, "startColumn": 7}}}]
    assert run["invocations"] == [{"executionSuccessful": True}]


def test_sarif_waived_finding_is_a_suppressed_result(representative: Report) -> None:
    waived = _sarif(representative)["runs"][0]["results"][0]
    assert waived["suppressions"] == [{
        "kind": "external",
        "justification": "grid data pending from the provider (approved by J. Okafor, until 2026-03-31)"}]
    assert all("suppressions" not in r for r in _sarif(representative)["runs"][0]["results"][1:])


def test_sarif_finding_without_a_line_is_placed_on_line_1(make_finding: MakeFinding, make_report: MakeReport,
                                                         sarif_validator: Validator) -> None:
    missing = make_finding(file="gone dir/x.yaml", rule="openwatt/load", policy="openwatt", status=Status.ERROR,
                           reason=Reason.INVALID_INPUT, message="no such file or directory",
                           location=Location("gone dir/x.yaml", 0, 0, ""))
    text = _render("sarif", make_report((missing,)))
    sarif_validator(text)
    [result] = json.loads(text)["runs"][0]["results"]
    # GitHub code scanning needs region.startLine; a finding about the whole file points at its top.
    assert result["locations"][0]["physicalLocation"] == {"artifactLocation": {"uri": "gone%20dir/x.yaml"},
                                                          "region": {"startLine": 1}}


def test_sarif_fingerprint_survives_a_moved_line_and_tells_params_apart(make_finding: MakeFinding,
                                                                         make_report: MakeReport) -> None:
    def fingerprint(**fields: Any) -> str:
        f = make_finding(status=Status.FAIL, reason=Reason.VIOLATED, message="m", **fields)
        return _sarif(make_report((f,)))["runs"][0]["results"][0]["partialFingerprints"][sarif.FINGERPRINT]

    here = fingerprint(location=Location("samples/aurora-7b.yaml", 3, 1, "data"))
    assert fingerprint(location=Location("samples/aurora-7b.yaml", 30, 5, "data")) == here
    assert fingerprint(location=Location("samples/aurora-7b.yaml", 3, 1, "data"), params=(("n", "3"),)) != here
    assert fingerprint(location=Location("samples/aurora-7b.yaml", 3, 1, "model")) != here


def test_sarif_keeps_to_the_result_limit_most_severe_first(make_finding: MakeFinding, make_report: MakeReport,
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          sarif_validator: Validator) -> None:
    monkeypatch.setattr(sarif, "MAX_RESULTS", 2)
    findings = tuple(make_finding(rule=f"funder-grant/r{i}", status=Status.FAIL, reason=Reason.VIOLATED,
                                  severity=severity, message=str(i))
                     for i, severity in enumerate([Severity.INFO, Severity.ERROR, Severity.WARNING]))
    text = _render("sarif", make_report(findings))
    sarif_validator(text)
    run = json.loads(text)["runs"][0]
    assert [r["ruleId"] for r in run["results"]] == ["funder-grant/r1", "funder-grant/r2"]
    assert run["invocations"][0]["toolExecutionNotifications"] == [{
        "level": "warning",
        "message": {"text": "1 of 3 results left out: GitHub code scanning accepts at most 2 per run; "
                            "the JSON format holds every finding"}}]


def test_sarif_says_the_check_could_not_run(could_not_run: Report) -> None:
    run = _sarif(could_not_run)["runs"][0]
    assert run["results"] == [] and run["tool"]["driver"]["rules"] == []
    assert run["invocations"] == [{"executionSuccessful": False, "toolExecutionNotifications": [{
        "level": "error",
        "message": {"text": "the check could not run: bad.policy:11:11: OW010 unknown path 'energy.trainig' "
                            "(hint: did you mean 'energy.training'?)"},
        "descriptor": {"id": "OW010"},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": "bad.policy"},
                                            "region": {"startLine": 11, "startColumn": 11}}}]}]}]


# JUnit --------------------------------------------------------------------------------------------------------

def test_junit_valid(representative: Report, could_not_run: Report, make_report: MakeReport,
                     junit_validator: Validator) -> None:
    for report in (representative, could_not_run, make_report(())):
        junit_validator(_render("junit", report))


def test_junit_one_suite_per_input_and_policy_one_case_per_finding(representative: Report) -> None:
    root = ET.fromstring(_render("junit", representative))
    suites = root.findall("testsuite")
    assert [(s.get("name"), s.get("tests"), s.get("failures"), s.get("errors"), s.get("skipped")) for s in suites] == [
        ("samples/aurora-7b.yaml [eu-ai-act-energy]", "3", "1", "0", "2"),
        ("samples/aurora-7b.yaml [funder-grant]", "2", "1", "0", "1"),
        ("samples/aurora-7b.yaml [osaid]", "4", "2", "0", "0"),
        ("samples/borealis-13b.yaml [eu-ai-act-energy]", "2", "0", "0", "0"),
        ("samples/borealis-13b.yaml [openwatt]", "1", "0", "1", "0"),
        ("samples/borealis-13b.yaml [osaid]", "1", "0", "0", "0")]
    cases = {(c.get("name"), tuple(child.tag for child in c)) for s in suites[:3] for c in s.iter("testcase")}
    assert ("osaid/unshareable-data-described [min_sources=3]", ("failure",)) in cases
    assert ("osaid/unshareable-data-described [min_sources=1]", ()) in cases
    assert ("eu-ai-act-energy/emissions-basis", ("skipped",)) in cases
    skipped = suites[0].find("testcase[@name='eu-ai-act-energy/emissions-basis']/skipped")  # [eu-ai-act-energy]
    assert skipped is not None
    assert skipped.get("message") == ("waived: grid data pending from the provider (approved by J. Okafor, "
                                      "until 2026-03-31)")
    error = suites[4].find("testcase/error")  # borealis [openwatt]: the schema problem
    assert error is not None and error.get("message") == "energy.training.pue: -1.2 is less than the minimum of 1"


def test_junit_control_characters_stay_well_formed(make_finding: MakeFinding, make_report: MakeReport,
                                                  junit_validator: Validator) -> None:
    odd = make_finding(status=Status.FAIL, reason=Reason.VIOLATED, message="bell \x07 and <tag> & \"quote\"")
    text = _render("junit", make_report((odd,)))
    junit_validator(text)
    failure = ET.fromstring(text).find("testsuite/testcase/failure")
    assert failure is not None and failure.get("message") == "bell \ufffd and <tag> & \"quote\""


def test_junit_says_the_check_could_not_run(could_not_run: Report) -> None:
    root = ET.fromstring(_render("junit", could_not_run))
    [suite] = root.findall("testsuite")
    assert (suite.get("name"), suite.get("tests"), suite.get("errors")) == ("openwatt", "1", "1")
    error = suite.find("testcase[@name='check']/error")
    assert error is not None
    assert error.get("message") == "the check could not run: bad.policy:11:11: OW010 unknown path 'energy.trainig'"


# GitHub workflow commands ---------------------------------------------------------------------------------------

def test_github_escapes_data_and_properties() -> None:
    assert github.escape_data("50% done\r\nnext: a, b") == "50%25 done%0D%0Anext: a, b"
    assert github.escape_property("dir:a,b%\n") == "dir%3Aa%2Cb%25%0A"
    assert github.workflow_command("warning", "m", file="a,b.yaml", line=3, col=0, title="t: x") == \
        "::warning file=a%2Cb.yaml,line=3,title=t%3A x::m"
    assert github.workflow_command("error", "m", file="x.yaml", line=0, col=4) == "::error file=x.yaml::m"
    assert github.workflow_command("notice", "m") == "::notice::m"


def test_github_says_when_annotations_pass_the_limit_per_step(make_finding: MakeFinding,
                                                              make_report: MakeReport) -> None:
    findings = tuple(make_finding(rule=f"funder-grant/r{i:02}", status=Status.FAIL, reason=Reason.VIOLATED,
                                  message=str(i)) for i in range(12))
    lines = _render("github", make_report(findings)).splitlines()
    assert sum(line.startswith("::error ") for line in lines) == 12
    assert lines[-2:] == ["openwatt: 12 error annotations; GitHub shows 10 per step (every one is in this log, "
                          "and in the SARIF report)", "openwatt: samples/aurora-7b.yaml: FAIL"]


def test_github_text_from_inputs_cannot_start_a_command(make_finding: MakeFinding, make_report: MakeReport) -> None:
    name = "x.yaml\n::error::forged"
    sneaky = make_finding(file=name, status=Status.FAIL, reason=Reason.VIOLATED, message="a\n::warning::forged",
                          location=Location(name, 1, 1, ""))
    lines = _render("github", make_report((sneaky,))).splitlines()
    assert lines == ["::error file=x.yaml%0A%3A%3Aerror%3A%3Aforged,line=1,col=1,title=funder-grant/rule::a%0A::warning"
                     "::forged", "openwatt: x.yaml%0A::error::forged: FAIL"]


def test_github_says_the_check_could_not_run(could_not_run: Report) -> None:
    assert _render("github", could_not_run) == (
        "::error file=bad.policy,line=11,col=11,title=openwatt%3A OW010::the check could not run: unknown path "
        "'energy.trainig'%0Ahint: did you mean 'energy.training'?\n"
        "openwatt: the check could not run: the policy has errors\n")


# Markdown -------------------------------------------------------------------------------------------------------

def test_markdown_text_from_inputs_cannot_open_html_or_break_a_table(make_finding: MakeFinding,
                                                                    make_report: MakeReport) -> None:
    hostile = make_finding(file="a|b.yaml", status=Status.FAIL, reason=Reason.VIOLATED,
                           message="<details><script>x</script> | *bold*\nnext line",
                           location=Location("a|b.yaml", 2, 1, "model"))
    text = _render("markdown", make_report((hostile,)))
    assert "| `a\\|b.yaml` | ❌ fail | 1 | 0 |" in text
    assert "  &lt;details&gt;&lt;script&gt;x&lt;/script&gt; \\| \\*bold\\* next line\n" in text
    assert "<script>" not in text


# CSV ------------------------------------------------------------------------------------------------------------

def test_csv_round_trips_one_row_per_finding(representative: Report) -> None:
    rows = list(csv.reader(io.StringIO(_render("csv", representative))))
    assert tuple(rows[0]) == csv_report.HEADER
    assert len(rows) == len(representative.findings) + 1
    plausible = next(r for r in rows if r[5] == "funder-grant/energy-plausible")
    assert dict(zip(csv_report.HEADER, plausible, strict=True)) | {"message": ""} == {
        "file": "samples/aurora-7b.yaml", "line": "33", "column": "13", "path": "energy.training.energy",
        "policy": "funder-grant", "rule": "funder-grant/energy-plausible", "params": "tolerance=3",
        "title": "Reported training energy is plausible", "status": "fail", "severity": "warning",
        "reason": "violated", "message": "",
        "values": "energy.training.energy=433 MWh; energy.training.hardware.count=512",
        "fix": "Check the hardware count, hours and power, or the reported energy.",
        "cite": "Funder grant conditions §4.2", "waiver": "", "required_by": "funder-grant"}


def test_csv_cells_never_become_formulas(make_finding: MakeFinding, make_report: MakeReport) -> None:
    name = '=HYPERLINK("http://x","y").yaml'
    sneaky = make_finding(file=name, status=Status.FAIL, reason=Reason.VIOLATED, message="@SUM(1+1)",
                          values=(("model.id", "-2"),), location=Location(name, 1, 1, ""))
    [_, row] = list(csv.reader(io.StringIO(_render("csv", make_report((sneaky,))))))
    assert (row[0], row[11], row[12]) == ("'" + name, "'@SUM(1+1)", "model.id=-2")


def test_csv_says_the_check_could_not_run(could_not_run: Report) -> None:
    rows = list(csv.reader(io.StringIO(_render("csv", could_not_run))))
    assert rows[1] == ["bad.policy", "11", "11", "", "openwatt", "openwatt/policy", "", "The policy compiles",
                       "error", "error", "", "the check could not run: OW010 unknown path 'energy.trainig'", "",
                       "did you mean 'energy.training'?", "", "", ""]


# JSON -----------------------------------------------------------------------------------------------------------

def test_json_says_the_check_could_not_run(could_not_run: Report) -> None:
    document = json.loads(_render("json", could_not_run))
    Draft202012Validator(json.loads(REPORT_SCHEMA.read_text(encoding="utf-8"))).validate(document)
    assert document["errors"] == [{"code": "OW010", "message": "unknown path 'energy.trainig'", "file": "bad.policy",
                                   "line": 11, "column": 11, "hint": "did you mean 'energy.training'?"}]
    assert (document["verdicts"], document["findings"], document["summary"]["exit_code"]) == ([], [], 2)
    assert could_not_run.exit_code == 2
