"""The JSON view of a report: every finding and its provenance, in the shape schemas/report.schema.json fixes."""

from __future__ import annotations

import json
from typing import Any

from ..findings import Finding, InputSource, InputVerdict, PolicySource, Provenance, Report, RunError
from ..values.verdicts import Severity, Status
from . import RenderOptions

FORMAT_VERSION = "2.0"


def render(report: Report, options: RenderOptions = RenderOptions()) -> str:
    """The report as deterministic JSON: two runs over the same inputs differ only in `generated_at`.

    Keys come in schema order, findings in report order (file, rule, params, place), policies and inputs
    sorted; `options` does not apply (JSON always holds every finding).
    """
    return json.dumps(to_dict(report), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def to_dict(report: Report) -> dict[str, Any]:
    """The report as plain JSON-ready data, e.g. for a JSON Lines audit writer. `errors` is there only when
    the check could not run (a policy with errors): then there are no verdicts and no findings."""
    data = {
        "openwatt_report": FORMAT_VERSION,
        "provenance": _provenance(report.provenance),
        "summary": _summary(report),
        "verdicts": [_verdict(v) for v in report.verdicts],
        "findings": [finding_dict(f) for f in report.findings],
    }
    if report.errors:
        data["errors"] = [_error(e) for e in report.errors]
    return data


def _error(e: RunError) -> dict[str, Any]:
    return {"code": e.code, "message": e.message, "file": e.file, "line": e.line, "column": e.column,
            "hint": e.hint}


def _provenance(p: Provenance) -> dict[str, Any]:
    # Inputs may arrive in worker-completion order and imports in discovery order: sort them so
    # the same run always prints the same bytes.
    policies = sorted(dict.fromkeys(p.policies), key=lambda s: (s.id, s.version, s.file, s.sha256))
    inputs = sorted(dict.fromkeys(p.inputs), key=lambda s: (s.file, s.sha256))
    return {
        "openwatt_version": p.openwatt_version,
        "generated_at": p.generated_at,
        "as_of": p.as_of,
        "fail_on": p.fail_on.value,
        "policies": [_policy(s) for s in policies],
        "inputs": [_input(s) for s in inputs],
        "waivers": {"input": p.input_waivers.value, "files": list(p.waiver_files)},
        **({"run": dict(p.run)} if p.run is not None else {}),  # the check's settings, for `openwatt verify`
    }


def _policy(s: PolicySource) -> dict[str, Any]:
    return {"id": s.id, "version": s.version, "file": s.file, "sha256": s.sha256, "shadows": s.shadows}


def _input(s: InputSource) -> dict[str, Any]:
    return {"file": s.file, "sha256": s.sha256, "role": s.role}


def _summary(report: Report) -> dict[str, Any]:
    summary = report.summary
    return {
        "inputs": {
            "total": summary.inputs,
            "checked": summary.checked,
            "with_input_problems": summary.with_input_problems,
            "with_failures": summary.with_failures,
            "not_checked": summary.not_checked,
        },
        "failing_rules": summary.failing_rules,
        "findings": len(report.findings),
        "by_status": {s.value: report.counts[s.value] for s in Status},
        "blocking": len(report.blocking()),
        "exit_code": int(report.exit_code),
    }


def _verdict(v: InputVerdict) -> dict[str, Any]:
    return {
        "file": v.file,
        "verdict": v.verdict.value,
        "failed": {s.value: v.failed.get(s, 0) for s in Severity},
        "blocking": v.blocking,
        "waived": v.waived,
        "input_problems": v.input_problems,
        "rule_errors": v.rule_errors,
    }


def finding_dict(f: Finding) -> dict[str, Any]:
    """One finding as the JSON report writes it (also each finding of an audit's findings.jsonl line)."""
    return {
        "file": f.file,
        "policy": f.policy,
        "policy_version": f.policy_version,
        "rule": f.rule,
        "title": f.title,
        "status": f.status.value,
        "severity": f.severity.value,
        "reason": f.reason.value if f.reason is not None else None,
        "message": f.message,
        "detail": f.detail,
        "values": [{"path": path, "value": value} for path, value in f.values],
        "location": {
            "file": f.location.file,
            "line": f.location.line,
            "column": f.location.column,
            "path": f.location.path,
        },
        "cite": f.cite,
        "fix": f.fix,
        "waiver": f.waiver,
        "required_by": list(f.required_by),
        "params": [{"name": name, "value": value} for name, value in f.params],
    }
