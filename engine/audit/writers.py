"""The audit's tables, written as the entries stream past: summary.csv (one row per input, with its cohort
figures and outlier flags) and rules.csv (one row per rule and params, counted as inputs go by: memory grows with
the rules, not the inputs).

Each writer takes an entry's data, the parsed findings.jsonl line (see docs/audit.md for the columns).
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any, TextIO

from ..values.verdicts import Severity, Status
from .cohort import Band, Metric, Outlier
from .results import params_text

__all__ = ["RULES_COLUMNS", "SUMMARY_COLUMNS", "RulesWriter", "SummaryWriter", "outliers"]

_STATUSES = tuple(s.value for s in Status)
SUMMARY_COLUMNS = ("id", "file", "sha256", "verdict", *_STATUSES, *(f"failed_{s.value}" for s in Severity),
                   *(column for m in Metric for column in (m.value, f"{m.value}_outlier")))


def outliers(entry: Mapping[str, Any], bands: Mapping[Metric, Band | None]) -> dict[Metric, Outlier]:
    """Each metric the entry has a figure for and whose cohort can be judged, with where the figure lies."""
    figures = entry.get("figures") or {}
    return {m: band.judge(figures[m.value]) for m, band in bands.items() if band is not None and m.value in figures}
RULES_COLUMNS = ("rule", "params", "policy", *_STATUSES, "pass_rate")


class SummaryWriter:
    """summary.csv: per input its verdict, its findings counted by status, its failures by severity, and each
    cohort figure with its outlier flag (`high`, `low`, `no`; empty when there is no figure or no cohort)."""

    def __init__(self, handle: TextIO) -> None:
        self._csv = csv.writer(handle, lineterminator="\n")
        self._csv.writerow(SUMMARY_COLUMNS)

    def add(self, entry: Mapping[str, Any], flags: Mapping[Metric, Outlier] | None = None) -> None:
        statuses = Counter(f["status"] for f in entry["findings"])
        failed = Counter(f["severity"] for f in entry["findings"] if f["status"] == Status.FAIL)
        figures, flags = entry.get("figures") or {}, flags or {}
        cohort = [cell for m in Metric for cell in (_figure(figures.get(m.value)), flags.get(m, ""))]
        self._csv.writerow([entry["id"], entry["file"], entry["sha256"], entry["verdict"],
                            *(statuses[s] for s in _STATUSES), *(failed[s.value] for s in Severity), *cohort])


def _figure(value: Any) -> str:
    """A figure as findings.jsonl holds it (6 significant digits), empty when absent."""
    return "" if value is None else f"{float(value):.6g}"


class RulesWriter:
    """rules.csv: per (rule, params), how many inputs it passed, failed, did not apply to, was waived for or
    broke on, and its pass rate (passed / judged, where judged is passed + failed + waived + error)."""

    def __init__(self) -> None:
        self._counts: dict[tuple[str, str], Counter[str]] = {}
        self._policies: dict[tuple[str, str], str] = {}

    def add(self, entry: Mapping[str, Any]) -> None:
        for finding in entry["findings"]:
            key = (finding["rule"], params_text(finding["params"]))
            counts = self._counts.get(key)
            if counts is None:
                counts = self._counts[key] = Counter()
                self._policies[key] = finding["policy"]
            counts[finding["status"]] += 1

    def rows(self) -> Iterator[list[Any]]:
        """The rows of RULES_COLUMNS, sorted by rule and params."""
        for key in sorted(self._counts):
            counts = self._counts[key]
            judged = sum(counts[s] for s in _STATUSES if s != Status.NOT_APPLICABLE)
            rate = f"{counts[Status.PASS] / judged:.4f}" if judged else ""
            yield [*key, self._policies[key], *(counts[s] for s in _STATUSES), rate]

    def write(self, handle: TextIO) -> None:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(RULES_COLUMNS)
        out.writerows(self.rows())
