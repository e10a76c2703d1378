"""`openwatt policy list|show|test|doc`: the policies on the search path, one policy, policy tests, the catalogue."""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .common import EXIT_BAD_INPUT, EXIT_CLEAR, emit, fail

if TYPE_CHECKING:
    from ..config import Config
    from ..testing import CaseResult, Problem, TestReport


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    policy = commands.add_parser("policy", help="list, show, test and document policies",
                                 description="Work with policies: list those on the search path, show one, "
                                 "run policy tests, render the catalogue as Markdown.")
    sub = policy.add_subparsers(dest="policy_command", metavar="COMMAND", parser_class=type(policy))
    policy.set_defaults(run=lambda args: _usage(policy))

    listing = sub.add_parser("list", help="the policies on the search path",
                             description="Every policy id on the search path (--policy-path folders, the "
                             "config's policy_path, then the shipped packs): id, version, title, file.")
    _policy_path(listing)
    listing.add_argument("--format", choices=("text", "json"), default="text", help="output format (default text)")
    listing.set_defaults(run=run_list)

    show = sub.add_parser("show", help="one policy: header, params, rules",
                          description="One policy in words: its header, params with the values a check "
                          "would use (defaults, config, --set), and every rule with its conditions.")
    show.add_argument("policy", metavar="ID|FILE", help="a policy id or a .policy file")
    _policy_path(show)
    show.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", dest="params",
                      help="override a param, as for check; repeatable")
    show.set_defaults(run=run_show)

    test = sub.add_parser("test", help="run policy tests (*.test.yaml) and report rule coverage",
                          description="Run policy test files: each case's disclosure is checked and the "
                          "statuses it expects are compared with the findings. Then rule coverage: each "
                          "rule of a policy under test must be expected to pass in some case and to fail "
                          "in another (for a rule with a `when`, not_applicable may stand in for fail). "
                          "Exit 0: all expectations held and coverage is met; 1: an expectation failed, a "
                          "file has no cases or coverage is short; 2: a test file, policy or document "
                          "could not be used.")
    test.add_argument("paths", nargs="*", metavar="PATH",
                      help="test files, or folders to search for *.test.yaml (default: policies/)")
    _policy_path(test)
    test.add_argument("--min-coverage", type=_percent, default=100.0, metavar="PERCENT",
                      help="the rule coverage each policy must reach (default 100)")
    test.add_argument("--format", choices=("text", "json"), default="text", help="output format (default text)")
    test.add_argument("-v", "--verbose", action="store_true",
                      help="list passing cases and every rule's coverage too")
    test.set_defaults(run=run_test)

    doc = sub.add_parser("doc", help="render policies to Markdown (docs/policies.md)",
                         description="Render policies to Markdown: per pack its title, version, source, "
                         "description, params and rules with severity, citation, conditions and fix. "
                         "With no ID, every shipped pack.")
    doc.add_argument("ids", nargs="*", metavar="ID", help="policy ids or .policy files (default: every shipped pack)")
    _policy_path(doc)
    doc.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    doc.set_defaults(run=run_doc)


def _policy_path(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--policy-path", action="append", default=[], metavar="DIR",
                        help="a folder of policies for ids and imports; repeatable")


def _percent(text: str) -> float:
    try:
        value = float(text.rstrip("%"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a percentage") from None
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"{text!r} is not between 0 and 100")
    return value


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return EXIT_BAD_INPUT


def _config() -> Config | int:
    from ..config import ConfigError, find_config

    try:
        return find_config(Path.cwd())
    except ConfigError as err:
        return fail(str(err), err.hint)


def _search_path(args: argparse.Namespace, config: Config) -> list[Path]:
    return [*map(Path, args.policy_path), *config.policy_path]


def _policy_errors(err: Exception) -> int:
    from ..language.errors import PolicyErrors, render_errors

    assert isinstance(err, PolicyErrors)
    sys.stderr.write(render_errors(err) + "\n")
    count = len(err.errors)
    sys.stderr.write(f"\n{count} error{'s' if count != 1 else ''} in policy\n")
    return EXIT_BAD_INPUT


# ---- list, show, doc -------------------------------------------------------------------------


def run_list(args: argparse.Namespace) -> int:
    from ..catalogue import list_policies, render_list

    config = _config()
    if isinstance(config, int):
        return config
    entries = list_policies(_search_path(args, config))
    if args.format == "json":
        sys.stdout.write(json.dumps([{"id": e.id, "title": e.title, "version": e.version, "file": e.file,
                                      "error": e.error or None} for e in entries], indent=2) + "\n")
    else:
        sys.stdout.write(render_list(entries))
    return EXIT_BAD_INPUT if any(e.error for e in entries) else EXIT_CLEAR


def run_show(args: argparse.Namespace) -> int:
    from ..catalogue import load_page, render_text
    from ..language.errors import PolicyErrors

    config = _config()
    if isinstance(config, int):
        return config
    params: dict[str, str] = {}
    for item in args.params:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            return fail(f"--set {item!r}: expected NAME=VALUE", "e.g. --set max_training_energy='500 MWh'")
        params[name.strip()] = value.strip()
    try:
        page = load_page(args.policy, search_path=_search_path(args, config), params=params,
                         config_params=config.params, origin="openwatt policy show")
    except PolicyErrors as err:
        return _policy_errors(err)
    sys.stdout.write(render_text(page))
    return EXIT_CLEAR


def run_doc(args: argparse.Namespace) -> int:
    from ..catalogue import load_page, render_markdown, shipped_ids
    from ..language.errors import PolicyErrors

    config = _config()
    if isinstance(config, int):
        return config
    search_path = _search_path(args, config) if args.ids else []  # the shipped packs as shipped
    try:
        pages = [load_page(ref, search_path=search_path, origin="openwatt policy doc")
                 for ref in (args.ids or shipped_ids())]
    except PolicyErrors as err:
        return _policy_errors(err)
    return emit(render_markdown(pages), args.output) or EXIT_CLEAR


# ---- test ------------------------------------------------------------------------------------


def run_test(args: argparse.Namespace) -> int:
    from ..checking import Engine
    from ..testing import run_tests

    config = _config()
    if isinstance(config, int):
        return config
    report = run_tests(args.paths or ["policies"], Engine(search_path=_search_path(args, config)), min_coverage=args.min_coverage)
    if args.format == "json":
        sys.stdout.write(json.dumps(policy_test_data(report), indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(render_test_report(report, verbose=args.verbose))
    return report.exit_code


def render_test_report(report: TestReport, *, verbose: bool = False) -> str:
    """Failures and errors first, each with its place; then rule coverage; then one summary line."""
    from ..testing import Verdict

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
    """The report as JSON-ready data (`--format json`): summary, problems, files and cases, coverage."""
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
    from ..testing import Verdict

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
