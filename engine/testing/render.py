"""Views of a TestReport, chosen by name from VIEWS: text for people, JSON for tools."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Protocol

from .results import CaseResult, Problem, TestReport, Verdict

__all__ = ["VIEWS", "View", "policy_test_data", "render_json", "render_test_report"]


class View(Protocol):
    """A view of a test report, `verbose` listing passing cases and covered rules too (where it can)."""

    def __call__(self, report: TestReport, *, verbose: bool = False) -> str: ...


def render_test_report(report: TestReport, *, verbose: bool = False) -> str:
    """The text view: failures and errors first, each with its place; then rule coverage; then one summary line."""
    blocks: list[list[str]] = [[f"ERROR {problem}", *_more(problem, 2)] for problem in report.problems]
    for result in report.files:
        blocks += [[f"ERROR {problem}", *_more(problem, 2)] for problem in result.problems]
        if result.empty:
            blocks.append([f"FAIL {result.file}: no cases", "  a test file that tests nothing fails; add cases"])
        for case in result.cases:
            if case.verdict is Verdict.PASSED:
                if verbose:
                    blocks.append([f"PASS {case.file}:{case.line}: {case.name}"])
                continue
            lines = [f"{'FAIL' if case.verdict is Verdict.FAILED else 'ERROR'} {case.file}:{case.line}: {case.name}"]
            for m in case.mismatches:
                lines.append(f"  {m.expectation.rule} (line {m.expectation.line}): expected "
                             f"{m.expectation.describe()}, got {m.describe()}")
                if m.message:
                    lines.append(f"    message: {m.message}")
            for problem in case.problems:
                lines += [f"  {problem}", *_more(problem, 4)]
            blocks.append(lines)
    if verbose:  # passing cases one per line, not one block each
        merged: list[list[str]] = []
        for block in blocks:
            if merged and block[0].startswith("PASS ") and merged[-1][-1].startswith("PASS "):
                merged[-1].append(block[0])
            else:
                merged.append(block)
        blocks = merged
    if report.coverage:
        blocks.append(_coverage(report, verbose))
    blocks.append([_summary(report)])
    return "\n\n".join("\n".join(block) for block in blocks) + "\n"


def policy_test_data(report: TestReport) -> dict[str, Any]:
    """The report as JSON-ready data: summary, problems, files and cases, coverage."""
    return {
        "summary": {"files": len(report.files), "cases": report.cases, **report.counts,
                    "coverage": round(report.percent, 2), "min_coverage": report.min_coverage,
                    "exit_code": report.exit_code},
        "problems": [_problem_data(p) for p in report.problems],
        "files": [{"file": f.file, "policy": f.policy, "verdict": f.verdict.value,
                   "problems": [_problem_data(p) for p in f.problems],
                   "cases": [_case_data(c) for c in f.cases]} for f in report.files],
        "coverage": [{"policy": c.policy, "file": c.file, "tested": c.tested, "covered": c.covered,
                      "total": c.total, "percent": round(c.percent, 2),
                      "rules": [{"rule": r.rule, "when": r.has_when, "seen": [s.value for s in r.seen],
                                 "covered": r.covered, "missing": r.missing} for r in c.rules]}
                     for c in report.coverage],
    }


def render_json(report: TestReport, *, verbose: bool = False) -> str:
    """The report as JSON text (`--format json`); every case is in it, so `verbose` changes nothing."""
    return json.dumps(policy_test_data(report), indent=2, ensure_ascii=False) + "\n"


def _problem_data(p: Problem) -> dict[str, Any]:
    return {"file": p.file, "line": p.line, "column": p.column, "message": p.message, "hint": p.hint,
            "detail": p.detail}


def _case_data(c: CaseResult) -> dict[str, Any]:
    def side(status: Any, reason: Any, message: str | None) -> dict[str, Any]:
        return {"status": status.value, "reason": reason.value if reason else None, "message": message}
    return {"name": c.name, "line": c.line, "verdict": c.verdict.value, "checked": c.checked,
            "mismatches": [{"rule": m.expectation.rule, "line": m.expectation.line,
                            "expected": side(m.expectation.status, m.expectation.reason, m.expectation.message),
                            "actual": side(m.status, m.reason, m.message)} for m in c.mismatches],
            "problems": [_problem_data(p) for p in c.problems]}


def _more(problem: Problem, indent: int) -> list[str]:
    pad = " " * indent
    lines = [f"{pad}hint: {problem.hint}"] if problem.hint else []
    if problem.detail:
        lines += [f"{pad}{line}" if line else "" for line in problem.detail.splitlines()]
    return lines


def _coverage(report: TestReport, verbose: bool) -> list[str]:
    lines = ["rule coverage"]
    rows = [(c.policy, f"{c.covered}/{c.total} rules", f"({_shown(c.percent)})") for c in report.coverage]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for c, row in zip(report.coverage, rows):
        cells = "  ".join(cell.ljust(width) for cell, width in zip(row, widths))
        lines.append(f"  {cells}  {c.file}" + ("" if c.tested else "  (no test file)"))
        for rule in c.rules if c.tested else ():  # an untested policy's rules are all uncovered
            if not rule.covered:
                lines.append(f"    {rule.rule}: {rule.missing}")
            elif verbose:
                lines.append(f"    {rule.rule}: covered ({', '.join(s.value for s in rule.seen)})")
    return lines


def _summary(report: TestReport) -> str:
    files = len(report.files)
    broken = sum(1 for f in report.files if f.problems)
    empty = sum(1 for f in report.files if f.empty)
    if not files:
        return f"no test files run; {_count(len(report.problems), 'error')}"
    text = _count(files, "test file") + (f" ({broken} could not be run)" if broken else "")
    text += f", {_count(report.cases, 'case')}: "
    counts = [f"{report.counts[Verdict.PASSED]} passed" if report.counts[Verdict.PASSED] else "",
              f"{report.counts[Verdict.FAILED]} failed" if report.counts[Verdict.FAILED] else "",
              _count(report.counts[Verdict.ERROR], "error") if report.counts[Verdict.ERROR] else ""]
    text += ", ".join(c for c in counts if c) or "none run"
    if empty:
        text += f"; {_count(empty, 'file')} without cases"
    if report.problems:
        text += f"; {_count(len(report.problems), 'other error')}"
    if report.coverage:
        text += f"; rule coverage {_shown(report.percent)}"
        if report.short:
            text += f", under {_shown(report.min_coverage)} in {', '.join(c.policy for c in report.short)}"
    return text


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _shown(percent: float) -> str:
    """100%, 85.7%: rounded down, so that coverage short of 100 % never shows as 100 %."""
    if percent == int(percent):
        return f"{int(percent)}%"
    return f"{math.floor(percent * 10) / 10:g}%"


VIEWS: Mapping[str, View] = MappingProxyType({"text": render_test_report, "json": render_json})
