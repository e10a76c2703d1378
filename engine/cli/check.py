"""`openwatt check`: disclosures against policies, a report on stdout or in a file."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import functools
import os
import sys
from typing import TYPE_CHECKING

from ..documents import INPUT_FORMATS
from ..findings import Finding, Report, RunError
from ..reports import REPORTERS, STREAMERS, RenderOptions
from ..values.verdicts import DEFAULT_FAIL_ON, FailOn, InputWaivers
from .common import (add_policy_path, emit, fail, load_config, parse_as_of, parse_params, policy_errors, writable,
                     policy_search_path)
from .outputs import STDIN, STDIN_NAME, Outputs, Sink, WriteError, parse_outputs, read_stdin

if TYPE_CHECKING:
    from ..checking import CheckRun
    from ..documents.source import Limits
    from ..language.errors import PolicyErrors
    from ..language.policy import CompiledPolicy
    from ..waivers import Waiver


def register(commands: argparse._SubParsersAction) -> None:
    check = commands.add_parser("check", help="check disclosures against policies",
                                description="Check disclosures (files or folders) against policies. "
                                "With no -p, the recommended pack applies.")
    check.add_argument("paths", nargs="+", metavar="PATH",
                       help="disclosure files, or folders to search; - reads one input from standard input")
    check.add_argument("-p", "--policy", action="append", default=[], metavar="POLICY",
                       help="a policy file (x.policy) or a policy id; repeatable")
    add_policy_path(check)
    check.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", dest="params",
                       help="override a param, e.g. --set max_training_energy='500 MWh'; repeatable")
    check.add_argument("--input-format", choices=INPUT_FORMATS, default=None,
                       help="read every PATH as this format (default: detected from name and content)")
    check.add_argument("--format", choices=tuple(REPORTERS), default="text",
                       help=f"output format: {', '.join(REPORTERS)} (default text)")
    check.add_argument("-o", "--output", action="append", default=[], metavar="FILE|FORMAT=FILE",
                       help="write the --format report to FILE instead of stdout; FORMAT=FILE writes that format "
                       "to FILE as well (e.g. --output sarif=openwatt.sarif); repeatable")
    check.add_argument("--fail-on", choices=[f.value for f in FailOn], default=None,
                       help="exit 1 when a failure is at least this severe (default error)")
    check.add_argument("--waivers", action="append", default=[], metavar="FILE",
                       help="a YAML/JSON file with a 'waivers' list; repeatable")
    check.add_argument("--input-waivers", choices=[w.value for w in InputWaivers],
                       default=InputWaivers.APPLY.value,
                       help="what waivers written inside the checked inputs (by their submitters) do: apply "
                       "(default), report (waive nothing, say so beside each failure) or ignore; --waivers files "
                       "always apply")
    check.add_argument("--as-of", metavar="YYYY-MM-DD",
                       help="judge waiver expiry and `today` on this date (default: SOURCE_DATE_EPOCH's date, "
                       "else today)")
    check.add_argument("--allow-no-rules", action="store_true",
                       help="apply a policy that has no rules (default: a policy error, OW039, since every input "
                       "would pass it)")
    check.add_argument("--allow-empty", action="store_true",
                       help="exit 0 when the paths select no input (default: exit 2, as for a mistyped path)")
    check.add_argument("--explain", action="store_true",
                       help="after the report, explain each failing rule as `openwatt explain` does (on stderr "
                       "when a machine format goes to stdout)")
    check.add_argument("-v", "--verbose", action="store_true", help="list passing and not applicable rules too")
    check.add_argument("--summary", action="store_true",
                       help="text: only the verdict of each input and the totals, no finding (for many inputs)")
    check.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                       help="colour the text output (default auto: on a terminal, unless NO_COLOR is set)")
    check.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..audit.recorded import run_settings
    from ..checking import DEFAULT_POLICY, Engine, shadowing
    from ..documents.source import DocumentError
    from ..language.errors import PolicyErrors
    from ..waivers import load_waivers, matching_nothing

    outputs = parse_outputs(args.format, args.output)
    if isinstance(outputs, int):
        return outputs
    if args.paths.count(STDIN) > 1:
        return fail("standard input (-) is given more than once", "name - once")
    params = parse_params(args.params)
    if isinstance(params, int):
        return params
    as_of = parse_as_of(args.as_of)
    if isinstance(as_of, int):
        return as_of
    config = load_config()
    if isinstance(config, int):
        return config
    fail_on = FailOn(args.fail_on) if args.fail_on else config.fail_on or DEFAULT_FAIL_ON
    could_not_run = functools.partial(_could_not_run, outputs, as_of=as_of, fail_on=fail_on)
    engine = Engine(search_path=policy_search_path(args, config), params=params, config_params=config.params,
                    allow_no_rules=args.allow_no_rules)
    named = args.policy or config.policies or [DEFAULT_POLICY]
    try:
        policies = engine.policies(named)
    except PolicyErrors as err:
        code = policy_errors(err, "; nothing was checked")
        return could_not_run(_run_errors(err), code)
    for policy_id, file in shadowing(policies):
        sys.stderr.write(writable(f"openwatt: warning: policy {policy_id} is read from {file}, which shadows the "
                                  f"shipped pack {policy_id}\n"))
    try:
        waivers = [w for file in [*args.waivers, *config.waivers] for w in load_waivers(file)]
    except DocumentError as err:
        code = fail(f"waivers: {err}", err.hint)
        return could_not_run([RunError(code="", message=f"waivers: {err.message}", file=err.file, line=err.line,
                                       column=err.column, hint=err.hint or "")], code)
    for waiver in matching_nothing(waivers, policies):
        sys.stderr.write(f"openwatt: warning: {waiver.origin}: the waiver of '{waiver.rule}' matches no rule of the "
                         f"policies applied ({', '.join(p.id for p in policies)}), so it waives nothing\n"
                         "    hint: write the rule id as `openwatt policy show` lists it\n")
    paths = [p for p in args.paths if p != STDIN]
    selection = engine.select(paths, args.input_format)
    stdin = read_stdin(args.input_format, engine.limits) if STDIN in args.paths else None
    if selection.empty and stdin is None and not args.allow_empty:
        message, hint = f"no input found: searched {selection.searched()}", _empty_hint(args.input_format)
        return could_not_run([RunError(code="", message=message, hint=hint)], fail(message, hint))
    inputs = [*paths, stdin.document] if stdin is not None and stdin.document is not None else selection
    unreadable = [stdin.error.problem] if stdin is not None and stdin.error is not None else []
    run = engine.stream(inputs, policies, waivers=waivers, as_of=as_of, fail_on=fail_on,
                        input_format=args.input_format, input_waivers=InputWaivers(args.input_waivers),
                        unreadable=unreadable)
    run.provenance = dataclasses.replace(run.provenance, run=run_settings(
        paths=args.paths, policies=named, search_path=[str(p) for p in engine.search_path], params=params,
        config_params=config.params, input_format=args.input_format, allow_no_rules=args.allow_no_rules,
        waivers=waivers))
    failing: list[Finding] = []
    exit_code = write_streamed(run, outputs, color=args.color, verbose=args.verbose, summary=args.summary,
                               failing=failing if args.explain else None)
    if args.explain:
        to = sys.stdout if outputs.main == "text" and outputs.file is None else sys.stderr
        to.write(_explanations(failing, as_of=run.provenance.as_of, policies=policies, waivers=waivers,
                               input_format=args.input_format, limits=engine.limits))
    return exit_code


def _explanations(failing: list[Finding], *, as_of: str, policies: list[CompiledPolicy], waivers: list[Waiver],
                  input_format: str | None, limits: Limits) -> str:
    """Each failing rule of each input explained (an input read from standard input is not read again)."""
    from ..explaining import explain_rule, render_explanation
    from ..inputs import InputOptions

    options = InputOptions(as_of=dt.date.fromisoformat(as_of), waivers=tuple(waivers), limits=limits,
                           input_format=input_format)
    texts = [render_explanation(explain_rule(f.file, policies, f.rule, options)) for f in failing
             if f.file != STDIN_NAME]
    return "".join(f"\n{text}" for text in texts)


def write_streamed(run: CheckRun, outputs: Outputs, *, color: str = "auto", verbose: bool = False,
                   summary: bool = False, failing: list[Finding] | None = None) -> int:
    """Every requested format written as the check goes, each input as soon as it is checked (sarif, junit and
    markdown at the end); the exit code. A file is complete or left as it was (see Sink). `failing`, when
    given, receives each failure of a rule (for --explain)."""
    from ..findings import INPUT_POLICY
    from ..reports.stream import Collected, ReportStream, StreamWriter
    from ..values.verdicts import Status

    sinks: list[Sink] = []
    writers: list[StreamWriter] = []
    try:
        for format, file in outputs.all:
            sink = Sink(file)
            sink.open()
            sinks.append(sink)
            options = RenderOptions(color=_color(color, file), verbose=verbose, width=_width(), summary=summary)
            writers.append(STREAMERS[format](sink.write, options) if format in STREAMERS
                           else Collected(REPORTERS[format], sink.write, options))
        stream = ReportStream(run.provenance, writers)
        stream.begin()
        for checked in run:
            judged = stream.add(checked)
            if failing is not None:
                failing.extend(f for f in judged.findings if f.status is Status.FAIL and f.policy != INPUT_POLICY)
        tally = stream.end()
        for sink in sinks:
            sink.commit()
    except WriteError as err:
        return fail(f"cannot write {err.file}: {err.reason}")
    finally:
        for sink in sinks:
            sink.discard()
    return tally.exit_code


def write_reports(report: Report, outputs: Outputs, *, color: str = "auto", verbose: bool = False,
                  summary: bool = False) -> int:
    """Every requested format of `report` written (the main one to its file or stdout); the exit code."""
    for format, file in outputs.all:
        options = RenderOptions(color=_color(color, file), verbose=verbose, width=_width(), summary=summary)
        failed = emit(REPORTERS[format](report, options), file)
        if failed is not None:
            return failed
    return report.exit_code


def _could_not_run(outputs: Outputs, errors: list[RunError], code: int, *, as_of: dt.date | None,
                   fail_on: FailOn) -> int:
    """After the errors went to stderr: the machine formats still get a document saying the check could not
    run (text, already on stderr, gets none)."""
    from ..checking import could_not_run

    machine = outputs.machine()
    if machine is None:
        return code
    write_reports(could_not_run(errors, as_of=as_of, fail_on=fail_on), machine)
    return code


def _run_errors(err: PolicyErrors) -> list[RunError]:
    """Each policy error as a run error; one in a command-line option (`--set`) names the option, not a file."""
    return [RunError(code=e.code, message=e.message, file=e.span.file, line=e.span.line, column=e.span.column,
                     hint=e.hint or "") if not e.span.file.startswith("-")
            else RunError(code=e.code, message=f"{e.span.file}: {e.message}", hint=e.hint or "")
            for e in err.errors]


def _empty_hint(input_format: str | None) -> str:
    if input_format is None:
        return ("give files or folders of disclosures; for a folder of Hugging Face model cards add "
                "--input-format model-card, for CodeCarbon logs --input-format codecarbon; --allow-empty exits 0")
    return "check the paths, or name the files directly; --allow-empty exits 0"


def _color(choice: str, output: str | None) -> bool:
    if choice != "auto":
        return choice == "always"
    return output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ


def _width() -> int:
    try:
        return max(60, min(os.get_terminal_size().columns, 140))
    except OSError:
        return 100


