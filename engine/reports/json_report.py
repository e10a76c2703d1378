"""The JSON view of a report: every finding and its provenance, in the shape schemas/report.schema.json fixes.

Written as the check goes, in a compact layout: one finding, verdict or input per line, with what is known only
at the end (verdicts, summary, provenance with every input's digest) after the findings. The keys of the
report's top-level object therefore come in the order openwatt_report, findings, verdicts, summary,
provenance (and errors); inside each object they come in schema order.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from ..findings import Finding, InputSource, InputVerdict, PolicySource, Provenance, Report, RunError, Summary
from ..values.verdicts import Severity, Status
from . import RenderOptions
from .stream import InputReport, Spool, Tally, Write, render_with

FORMAT_VERSION = "2.0"

# Compact and fast: no indent, no spaces, no circularity check (the data are plain trees we built).
encode = json.JSONEncoder(ensure_ascii=False, allow_nan=False, check_circular=False, separators=(",", ":")).encode


def render(report: Report, options: RenderOptions = RenderOptions()) -> str:
    """The whole report as one JSON document (see Writer)."""
    return render_with(Writer, report, options)


class Writer:
    """The report as deterministic JSON: two runs over the same inputs differ only in `generated_at`.

    Findings come in report order (file, rule, params, place), policies and inputs sorted; the options do not
    apply (JSON always holds every finding)."""

    def __init__(self, write: Write, options: RenderOptions = RenderOptions()) -> None:
        self._write = write
        self._verdicts = Spool()
        self._inputs = Spool()  # [file, sha256] of each input, in report order
        self._first = True
        self._last_input: tuple[str, str] | None = None

    def begin(self, tally: Tally) -> None:
        self._write(f'{{"openwatt_report":{encode(FORMAT_VERSION)},\n"findings":[')

    def input(self, checked: InputReport) -> None:
        if checked.findings:  # one write per input: the findings of an input joined first
            self._write(("\n" if self._first else ",\n") + ",\n".join(encode(finding_dict(f))
                                                                        for f in checked.findings))
            self._first = False
        self._verdicts.write(f"{encode(verdict_dict(checked.verdict))}\n")
        key = (checked.file, checked.sha256)
        if key != self._last_input:  # the same input named twice is one input of the provenance
            self._inputs.write(f"{encode(key)}\n")
            self._last_input = key

    def end(self, tally: Tally) -> None:
        write = self._write
        write('\n],\n"verdicts":[')
        for n, line in enumerate(self._verdicts.lines()):
            write(f"{',' if n else ''}\n{line[:-1]}")
        write(f'\n],\n"summary":{encode(summary_dict(tally))},\n"provenance":')
        write(encode(provenance_head(tally.provenance))[:-1])
        write(',"inputs":[')
        for n, source in enumerate(self._sources(tally)):
            write(f"{',' if n else ''}\n{encode(input_dict(source))}")
        write(f'\n],"waivers":{encode(waivers_dict(tally.provenance))}')
        if tally.provenance.run is not None:  # the check's settings, for `openwatt verify`
            write(f',"run":{encode(dict(tally.provenance.run))}')
        write("}")
        if tally.errors:
            write(f',\n"errors":{encode([error_dict(e) for e in tally.errors])}')
        write("\n}\n")

    def _sources(self, tally: Tally) -> Iterator[InputSource]:
        """Every input read, sorted by (file, sha256): the checked inputs (spooled, in order) merged with the
        evidence files (few: kept in memory)."""
        import heapq

        documents = (InputSource(*json.loads(line)) for line in self._inputs.lines())
        return heapq.merge(documents, tally.evidence, key=lambda s: (s.file, s.sha256))


def error_dict(e: RunError) -> dict[str, Any]:
    return {"code": e.code, "message": e.message, "file": e.file, "line": e.line, "column": e.column,
            "hint": e.hint}


def provenance_head(p: Provenance) -> dict[str, Any]:
    """The provenance up to its inputs (they follow, then `waivers`, as the schema orders them)."""
    # Imports arrive in discovery order: sort them so that the same run always prints the same bytes.
    policies = sorted(dict.fromkeys(p.policies), key=lambda s: (s.id, s.version, s.file, s.sha256))
    return {
        "openwatt_version": p.openwatt_version,
        "generated_at": p.generated_at,
        "as_of": p.as_of,
        "fail_on": p.fail_on.value,
        "policies": [policy_dict(s) for s in policies],
    }


def waivers_dict(p: Provenance) -> dict[str, Any]:
    return {"input": p.input_waivers.value, "files": list(p.waiver_files)}


def policy_dict(s: PolicySource) -> dict[str, Any]:
    return {"id": s.id, "version": s.version, "file": s.file, "sha256": s.sha256, "shadows": s.shadows}


def input_dict(s: InputSource) -> dict[str, Any]:
    return {"file": s.file, "sha256": s.sha256, "role": s.role}


def summary_dict(tally: Tally) -> dict[str, Any]:
    summary: Summary = tally.summary
    return {
        "inputs": {
            "total": summary.inputs,
            "checked": summary.checked,
            "with_input_problems": summary.with_input_problems,
            "with_failures": summary.with_failures,
            "not_checked": summary.not_checked,
        },
        "failing_rules": summary.failing_rules,
        "findings": tally.findings,
        "by_status": {s.value: tally.statuses[s] for s in Status},
        "blocking": tally.blocking,
        "exit_code": int(tally.exit_code),
    }


def verdict_dict(v: InputVerdict) -> dict[str, Any]:
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
