"""The JSON Lines view of a report: one line per input as it is checked, for tools that read a check as it goes.

Three kinds of line, each a JSON object fixed by schemas/report-line.schema.json: first a `run` line (the
report's format version and its provenance, less the inputs), then one `input` line per input in report
order (its file, sha256, verdict and counts as in the JSON report's `verdicts`, and its findings as in its
`findings`), last a `totals` line (the summary, the evidence files read, and the errors of a check that
could not run). A stream cut short has no `totals` line: a reader knows it is incomplete.
"""

from __future__ import annotations

from typing import Any

from ..findings import Report
from . import RenderOptions
from .json_report import (FORMAT_VERSION, encode, error_dict, finding_dict, input_dict, provenance_head, summary_dict,
                          verdict_dict, waivers_dict)
from .stream import InputReport, Tally, Write, render_with

LINE_VERSION = "1.0"


def render(report: Report, options: RenderOptions = RenderOptions()) -> str:
    """Every line of the report at once (see Writer)."""
    return render_with(Writer, report, options)


class Writer:
    """A `run` line, an `input` line per input as it comes, a `totals` line at the end."""

    def __init__(self, write: Write, options: RenderOptions = RenderOptions()) -> None:
        self._write = write

    def begin(self, tally: Tally) -> None:
        provenance = {**provenance_head(tally.provenance), "waivers": waivers_dict(tally.provenance)}
        self._write(encode({"kind": "run", "openwatt_report_line": LINE_VERSION,
                            "openwatt_report": FORMAT_VERSION, "provenance": provenance}) + "\n")

    def input(self, checked: InputReport) -> None:
        line: dict[str, Any] = {"kind": "input", **verdict_dict(checked.verdict), "sha256": checked.sha256,
                                "findings": [finding_dict(f) for f in checked.findings]}
        self._write(encode(line) + "\n")

    def end(self, tally: Tally) -> None:
        line: dict[str, Any] = {"kind": "totals", "summary": summary_dict(tally),
                                "evidence": [input_dict(s) for s in tally.evidence]}
        if tally.errors:
            line["errors"] = [error_dict(e) for e in tally.errors]
        self._write(encode(line) + "\n")
