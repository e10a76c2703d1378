"""The SARIF 2.1.0 view of a report, for GitHub code scanning and other SARIF consumers.

One run; `tool.driver.rules` holds every rule a result refers to (id = the qualified rule id, the title as
short description, the fix and citation as full description and help, the level from the severity). Failures
and errors are results; waived failures are results with an external suppression carrying the waiver's
text; passing and not applicable judgements are not results. Within GitHub code scanning's documented
limits: at most 25,000 results per run (the most severe kept, the cut said in a notification), one location
per result, `region.startLine` on every location (a finding about a whole file is placed on its line 1),
`partialFingerprints` so that an alert survives edits that move its line.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import quote

from ..findings import Finding, Report, RunError
from ..values.verdicts import Severity, Status
from . import RenderOptions

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
MAX_RESULTS = 25_000  # GitHub code scanning rejects a run with more results
FINGERPRINT = "openwatt/v1"  # partialFingerprints key: file, rule, params and path, not the line

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_RANK = {"error": 0, "warning": 1, "note": 2}
_RESULT_STATUSES = (Status.FAIL, Status.ERROR, Status.WAIVED)


def render(report: Report, options: RenderOptions = RenderOptions()) -> str:
    """The report as one SARIF 2.1.0 log (deterministic JSON); `options` do not apply."""
    return json.dumps(to_dict(report), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def to_dict(report: Report) -> dict[str, Any]:
    findings = [f for f in report.findings if f.status in _RESULT_STATUSES]
    rules = _rules(findings)
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    results = [_result(f, index[f.rule]) for f in findings]
    notifications = [_error_notification(e) for e in report.errors]
    if len(results) > MAX_RESULTS:
        kept = sorted(range(len(results)), key=lambda i: _RANK[results[i]["level"]])[:MAX_RESULTS]
        notifications.append(_note(f"{len(results) - MAX_RESULTS} of {len(results)} results left out: "
                                   f"GitHub code scanning accepts at most {MAX_RESULTS} per run; "
                                   "the JSON format holds every finding", "warning"))
        results = [results[i] for i in sorted(kept)]
    invocation: dict[str, Any] = {"executionSuccessful": not report.errors}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    provenance = report.provenance
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": "openwatt",
            "version": provenance.openwatt_version,
            "semanticVersion": provenance.openwatt_version,
            "rules": rules,
        }},
        "invocations": [invocation],
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": {"as_of": provenance.as_of, "fail_on": provenance.fail_on.value,
                       "generated_at": provenance.generated_at},
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def _rules(findings: list[Finding]) -> list[dict[str, Any]]:
    first: dict[str, Finding] = {}
    severity: dict[str, Severity] = {}
    for f in findings:
        first.setdefault(f.rule, f)
        if f.rule not in severity or f.severity.rank > severity[f.rule].rank:
            severity[f.rule] = f.severity
    return [_rule(first[rule], severity[rule]) for rule in sorted(first)]


def _rule(f: Finding, severity: Severity) -> dict[str, Any]:
    help_text = " ".join(filter(None, [f.fix, f"Source: {f.cite}." if f.cite else ""])) or f.title or f.rule
    help_markdown = "\n\n".join(filter(None, [f.fix, f"Source: {f.cite}" if f.cite else ""])) or help_text
    return {
        "id": f.rule,
        "shortDescription": {"text": f.title or f.rule},
        "fullDescription": {"text": help_text},
        "help": {"text": help_text, "markdown": help_markdown},
        "defaultConfiguration": {"level": _LEVEL[severity]},
        "properties": {"policy": f.policy, "tags": sorted({"openwatt", f.policy})},
    }


def _result(f: Finding, rule_index: int) -> dict[str, Any]:
    message = f.message or f.title or f.rule
    if f.status is Status.ERROR and not f.is_input_problem:
        message = f"the rule could not be evaluated: {message}"
    result: dict[str, Any] = {
        "ruleId": f.rule,
        "ruleIndex": rule_index,
        "level": _LEVEL[f.severity] if f.status is not Status.ERROR else "error",
        "message": {"text": message},
        "locations": [_location(f)],
        "partialFingerprints": {FINGERPRINT: _fingerprint(f)},
    }
    if f.status is Status.WAIVED:
        result["suppressions"] = [{"kind": "external", "justification": f.waiver or "waived"}]
    properties: dict[str, Any] = {"status": f.status.value}
    if f.params:
        properties["params"] = {name: value for name, value in f.params}
    if f.location.path:
        properties["path"] = f.location.path
    result["properties"] = properties
    return result


def _location(f: Finding) -> dict[str, Any]:
    region: dict[str, int] = {"startLine": max(f.location.line, 1)}  # GitHub requires a start line
    if f.location.line >= 1 and f.location.column >= 1:
        region["startColumn"] = f.location.column
    return {"physicalLocation": {"artifactLocation": {"uri": artifact_uri(f.location.file or f.file)},
                                 "region": region}}


def artifact_uri(file: str) -> str:
    """A file name as a relative URI reference: forward slashes, anything else percent-encoded."""
    return quote(file.replace("\\", "/").removeprefix("./"), safe="/-._~")


def _fingerprint(f: Finding) -> str:
    key = "\x1f".join([f.file, f.rule, *(f"{n}={v}" for n, v in f.params), f.location.path])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _error_notification(error: RunError) -> dict[str, Any]:
    notification = _note(f"the check could not run: {error.text}" + (f" (hint: {error.hint})" if error.hint else ""),
                         "error")
    if error.code:
        notification["descriptor"] = {"id": error.code}
    if error.file:
        region = {"startLine": error.line, "startColumn": error.column} if error.line >= 1 and error.column >= 1 \
            else {"startLine": max(error.line, 1)}
        notification["locations"] = [{"physicalLocation": {"artifactLocation": {"uri": artifact_uri(error.file)},
                                                           "region": region}}]
    return notification


def _note(text: str, level: str) -> dict[str, Any]:
    return {"level": level, "message": {"text": text}}
