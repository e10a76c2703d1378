"""The audit's tables, written as the entries stream past: summary.csv (one row per input) and rules.csv
(one row per rule and params, counted as inputs go by: memory grows with the rules, not the inputs).

Each writer takes an entry's data, the parsed findings.jsonl line (see docs/audit.md for the columns).
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Mapping
from typing import Any, TextIO

from ..values.verdicts import Severity, Status

__all__ = ["RULES_COLUMNS", "SUMMARY_COLUMNS", "RulesWriter", "SummaryWriter"]

_STATUSES = tuple(s.value for s in Status)
SUMMARY_COLUMNS = ("id", "file", "sha256", "verdict", *_STATUSES, *(f"failed_{s.value}" for s in Severity))
RULES_COLUMNS = ("rule", "params", "policy", *_STATUSES, "pass_rate")


class SummaryWriter:
    """summary.csv: per input its verdict, its findings counted by status and its failures by severity."""

    def __init__(self, handle: TextIO) -> None:
        self._csv = csv.writer(handle, lineterminator="\n")
        self._csv.writerow(SUMMARY_COLUMNS)

    def add(self, entry: Mapping[str, Any]) -> None:
        statuses = Counter(f["status"] for f in entry["findings"])
        failed = Counter(f["severity"] for f in entry["findings"] if f["status"] == Status.FAIL)
        self._csv.writerow([entry["id"], entry["file"], entry["sha256"], entry["verdict"],
                            *(statuses[s] for s in _STATUSES), *(failed[s.value] for s in Severity)])


class RulesWriter:
    """rules.csv: per (rule, params), how many inputs it passed, failed, did not apply to, was waived for or
    broke on, and its pass rate (passed / judged, where judged is passed + failed + waived + error)."""

    def __init__(self) -> None:
        self._counts: dict[tuple[str, str], Counter[str]] = {}
        self._policies: dict[tuple[str, str], str] = {}

    def add(self, entry: Mapping[str, Any]) -> None:
        for finding in entry["findings"]:
            key = (finding["rule"], "; ".join(f"{p['name']}={p['value']}" for p in finding["params"]))
            counts = self._counts.get(key)
            if counts is None:
                counts = self._counts[key] = Counter()
                self._policies[key] = finding["policy"]
            counts[finding["status"]] += 1

    def write(self, handle: TextIO) -> None:
        """The rows, sorted by rule and params."""
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(RULES_COLUMNS)
        for key in sorted(self._counts):
            counts = self._counts[key]
            judged = sum(counts[s] for s in _STATUSES if s != Status.NOT_APPLICABLE)
            rate = f"{counts[Status.PASS] / judged:.4f}" if judged else ""
            out.writerow([*key, self._policies[key], *(counts[s] for s in _STATUSES), rate])
