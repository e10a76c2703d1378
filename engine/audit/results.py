"""One submission's result as the audit records it: one compact JSON line (findings.jsonl and the journal).

The line holds the submission's id, file, sha256, verdict, its findings as the JSON report writes each
finding, and last the figures the cohort view reads (`cohort.figures_of`); it is built where the input was checked
(a worker process), so the writing process only copies it, and a resumed audit still has the figures.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..findings import Finding, InputSource, Provenance, Report, Verdict
from ..reports.json_report import encode, finding_dict
from ..values.verdicts import FailOn

__all__ = ["Entry", "entry_of", "figures_in", "figures_start", "figures_value", "line_of",
           "params_text"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Entry:
    """A checked submission: the key `--resume` matches on (file, sha256) and its findings.jsonl line."""

    file: str
    sha256: str  # "" when the file could not be read at all
    verdict: Verdict
    line: str  # compact JSON, no newline


def entry_of(id: str, file: str, sha256: str, findings: Sequence[Finding], fail_on: FailOn,
             figures: Mapping[str, Any] | None = None) -> Entry:
    """The entry of one submission from its findings; the verdict is the one `check` would give it. `figures`
    are the document's (`cohort.figures_of`); none for an input that could not be read."""
    provenance = Provenance(openwatt_version="", generated_at="", as_of="", fail_on=fail_on, policies=(),
                            inputs=(InputSource(file, sha256),))
    report = Report(tuple(findings), provenance)
    verdict = _worst(v.verdict for v in report.verdicts)
    data = {"id": id, "file": file, "sha256": sha256, "verdict": verdict.value,
            "findings": [finding_dict(f) for f in report.findings], "figures": dict(figures or {})}
    return Entry(file=file, sha256=sha256, verdict=verdict, line=line_of(data))


def params_text(params: Any) -> str:
    """A finding's params (a JSON report's `params` list) as rules.csv and diff.csv write them:
    `name=value; name=value`; anything that is no such list (an edited file) as far as it is one."""
    listed = params if isinstance(params, list) else []
    return "; ".join(f"{p.get('name')}={p.get('value')}" for p in listed if isinstance(p, dict))


def line_of(data: dict[str, Any]) -> str:
    """Compact, deterministic JSON on one line (the JSON report's encoder)."""
    return encode(data)


_FIGURES = b',"figures":'


def figures_start(line: bytes) -> int:
    """Where the value of a findings.jsonl line's `figures` starts, or -1 for a line of an older journal: the
    key is the line's last, and its quotes cannot appear unescaped inside a string, so its last occurrence is
    the key itself."""
    at = line.rfind(_FIGURES)
    return at + len(_FIGURES) if at >= 0 else -1


def figures_in(line: bytes) -> dict[str, Any]:
    """The `figures` of a findings.jsonl line (or of its end from `figures_start` on) without parsing its
    findings."""
    start = figures_start(line)
    return figures_value(line[start:]) if start >= 0 else {}


def figures_value(tail: bytes) -> dict[str, Any]:
    """The figures from the end of a line that starts with their value: `{...}}` and the newline."""
    figures = json.loads(tail.rstrip().removesuffix(b"}"))
    return figures if isinstance(figures, dict) else {}


_RANK = {Verdict.PASS: 0, Verdict.FAIL: 1, Verdict.ERROR: 2}


def _worst(verdicts: Any) -> Verdict:
    """An input whose evidence file has problems has findings in two files: its verdict is the worse one."""
    return max(verdicts, key=_RANK.__getitem__, default=Verdict.PASS)
