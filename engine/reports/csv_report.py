"""The CSV view of a report: one row per finding under a fixed header, for spreadsheets.

Values and params are joined into one cell each (`path=value; …`); a report of a check that could not run
is one row per error with the status `error` and the rule `openwatt/policy`. A text cell that a spreadsheet
would take for a formula (starting with `=`, `+`, `-`, `@`, a tab or CR) is written with a leading `'`, as
OWASP advises against CSV injection: a submitter's file name or value never runs in a spreadsheet.
"""

from __future__ import annotations

import csv

from ..findings import Report, INPUT_POLICY, Finding, RunError
from ..values.verdicts import Status
from . import RenderOptions
from .stream import InputReport, Tally, Write, render_with

HEADER = ("file", "line", "column", "path", "policy", "rule", "params", "title", "status", "severity", "reason",
          "message", "values", "fix", "cite", "waiver", "required_by")
POLICY_ERROR_RULE = f"{INPUT_POLICY}/policy"  # the rule of a row saying the check could not run


def render(report: Report, options: RenderOptions = RenderOptions()) -> str:
    """The header, then one row per finding in report order (or per error when the check could not run)."""
    return render_with(Writer, report, options)


class Writer:
    """The header (and one row per error of a check that could not run), then each input's rows as it comes."""

    def __init__(self, write: Write, options: RenderOptions = RenderOptions()) -> None:
        self._rows = csv.writer(_Lines(write), lineterminator="\n")  # LF: goldens and git diffs stay plain

    def begin(self, tally: Tally) -> None:
        self._rows.writerow(HEADER)
        self._rows.writerows(map(_safe, (_error_row(e) for e in tally.errors)))

    def input(self, checked: InputReport) -> None:
        self._rows.writerows(map(_safe, (_row(f) for f in checked.findings)))

    def end(self, tally: Tally) -> None:
        pass


class _Lines:
    """A `write` as csv.writer wants it: an object with a write method."""

    def __init__(self, write: Write) -> None:
        self.write = write


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _safe(row: tuple[str | int, ...]) -> tuple[str | int, ...]:
    return tuple(f"'{cell}" if isinstance(cell, str) and cell.startswith(_FORMULA) else cell for cell in row)


def _row(f: Finding) -> tuple[str | int, ...]:
    return (f.file, f.location.line, f.location.column, f.location.path, f.policy, f.rule,
            "; ".join(f"{n}={v}" for n, v in f.params), f.title, f.status.value, f.severity.value,
            f.reason.value if f.reason else "", f.message, "; ".join(f"{p}={v}" for p, v in f.values), f.fix,
            f.cite, f.waiver, " ".join(f.required_by))


def _error_row(e: RunError) -> tuple[str | int, ...]:
    message = f"the check could not run: {e.code + ' ' if e.code else ''}{e.message}"
    return (e.file, e.line, e.column, "", INPUT_POLICY, POLICY_ERROR_RULE, "", "The policy compiles",
            Status.ERROR.value, "error", "", message, "", e.hint, "", "", "")
