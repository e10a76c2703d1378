"""One submission's result as the audit records it: one compact JSON line (findings.jsonl and the journal).

The line holds the submission's id, file, sha256, verdict and its findings as the JSON report writes each
finding; it is built where the input was checked (a worker process), so the writing process only copies it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..findings import Finding, InputSource, Provenance, Report, Verdict
from ..reports.json_report import finding_dict
from ..values.verdicts import FailOn

__all__ = ["Entry", "entry_of", "line_of"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Entry:
    """A checked submission: the key `--resume` matches on (file, sha256) and its findings.jsonl line."""

    file: str
    sha256: str  # "" when the file could not be read at all
    verdict: Verdict
    line: str  # compact JSON, no newline


def entry_of(id: str, file: str, sha256: str, findings: Sequence[Finding], fail_on: FailOn) -> Entry:
    """The entry of one submission from its findings; the verdict is the one `check` would give it."""
    provenance = Provenance(openwatt_version="", generated_at="", as_of="", fail_on=fail_on, policies=(),
                            inputs=(InputSource(file, sha256),))
    report = Report(tuple(findings), provenance)
    verdict = _worst(v.verdict for v in report.verdicts)
    data = {"id": id, "file": file, "sha256": sha256, "verdict": verdict.value,
            "findings": [finding_dict(f) for f in report.findings]}
    return Entry(file=file, sha256=sha256, verdict=verdict, line=line_of(data))


def line_of(data: dict[str, Any]) -> str:
    """Compact, deterministic JSON on one line."""
    return json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


_RANK = {Verdict.PASS: 0, Verdict.FAIL: 1, Verdict.ERROR: 2}


def _worst(verdicts: Any) -> Verdict:
    """An input whose evidence file has problems has findings in two files: its verdict is the worse one."""
    return max(verdicts, key=_RANK.__getitem__, default=Verdict.PASS)
