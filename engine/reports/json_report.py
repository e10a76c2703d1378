"""The JSON view of a report: every finding and its provenance, in the shape schemas/report.schema.json fixes."""

from __future__ import annotations

import json
from typing import Any

from ..findings import Finding, InputRole, InputSource, PolicySource, Provenance, Report
from ..values.verdicts import Status
from . import RenderOptions

FORMAT_VERSION = "1.0"
NEVER = "never"  # --fail-on never: no failure blocks


def render(report: Report, options: RenderOptions = RenderOptions()) -> str:
    """The report as deterministic JSON: two runs over the same inputs differ only in `generated_at`.

    Keys come in schema order, findings in report order (file, policy, rule, path), policies and inputs
    sorted; `options` does not apply (JSON always holds every finding).
    """
    return json.dumps(to_dict(report), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def to_dict(report: Report) -> dict[str, Any]:
    """The report as plain JSON-ready data, e.g. for a JSON Lines audit writer."""
    return {
        "openwatt_report": FORMAT_VERSION,
        "provenance": _provenance(report.provenance),
        "summary": _summary(report),
        "findings": [_finding(f) for f in report.findings],
    }


def _provenance(p: Provenance) -> dict[str, Any]:
    # Inputs may arrive in worker-completion order and imports in discovery order: sort them so
    # the same run always prints the same bytes.
    policies = sorted(dict.fromkeys(p.policies), key=lambda s: (s.id, s.version, s.file, s.sha256))
    inputs = sorted(dict.fromkeys(p.inputs), key=lambda s: (s.file, s.sha256))
    return {
        "openwatt_version": p.openwatt_version,
        "generated_at": p.generated_at,
        "as_of": p.as_of,
        "fail_on": p.fail_on.value if p.fail_on is not None else NEVER,
        "policies": [_policy(s) for s in policies],
        "inputs": [_input(s) for s in inputs],
    }


def _policy(s: PolicySource) -> dict[str, Any]:
    return {"id": s.id, "version": s.version, "file": s.file, "sha256": s.sha256}


def _input(s: InputSource) -> dict[str, Any]:
    return {"file": s.file, "sha256": s.sha256, "role": s.role}


def _summary(report: Report) -> dict[str, Any]:
    files = {i.file for i in report.provenance.inputs if i.role is InputRole.DOCUMENT} | {f.file for f in report.findings}
    return {
        "files": len(files),
        "findings": len(report.findings),
        "by_status": {s.value: report.counts[s.value] for s in Status},
        "blocking": len(report.blocking()),
        "exit_code": report.exit_code,
    }


def _finding(f: Finding) -> dict[str, Any]:
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
    }
