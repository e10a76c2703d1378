"""`openwatt check`: disclosures against policies, a report on stdout or in a file."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys

from ..documents import INPUT_FORMATS
from ..reports import REPORTERS, RenderOptions
from ..values.verdicts import DEFAULT_FAIL_ON, FailOn, InputWaivers
from .common import (add_policy_path, emit, fail, load_config, parse_params, policy_errors,
                     policy_search_path)


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    check = commands.add_parser("check", help="check disclosures against policies",
                                description="Check disclosures (files or folders) against policies. "
                                "With no -p, the recommended pack applies.")
    check.add_argument("paths", nargs="+", metavar="PATH", help="disclosure files, or folders to search")
    check.add_argument("-p", "--policy", action="append", default=[], metavar="POLICY",
                       help="a policy file (x.policy) or a policy id; repeatable")
    add_policy_path(check)
    check.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", dest="params",
                       help="override a param, e.g. --set max_training_energy='500 MWh'; repeatable")
    check.add_argument("--input-format", choices=INPUT_FORMATS, default=None,
                       help="read every PATH as this format (default: detected from name and content)")
    check.add_argument("--format", choices=tuple(REPORTERS), default="text", help="output format (default text)")
    check.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of stdout")
    check.add_argument("--fail-on", choices=[f.value for f in FailOn], default=None,
                       help="exit 1 when a failure is at least this severe (default error)")
    check.add_argument("--waivers", action="append", default=[], metavar="FILE",
                       help="a YAML/JSON file with a 'waivers' list; repeatable")
    check.add_argument("--input-waivers", choices=[w.value for w in InputWaivers], default=InputWaivers.APPLY.value,
                       help="what waivers written inside the checked inputs (by their submitters) do: apply "
                       "(default), report (waive nothing, say so beside each failure) or ignore; --waivers files "
                       "always apply")
    check.add_argument("--as-of", metavar="YYYY-MM-DD",
                       help="judge waiver expiry and `today` on this date (default: SOURCE_DATE_EPOCH's date, "
                       "else today)")
    check.add_argument("--allow-no-rules", action="store_true",
                       help="apply a policy that has no rules (default: a policy error, OW038, since every input "
                       "would pass it)")
    check.add_argument("--allow-empty", action="store_true",
                       help="exit 0 when the paths select no input (default: exit 2, as for a mistyped path)")
    check.add_argument("-v", "--verbose", action="store_true", help="list passing and not applicable rules too")
    check.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                       help="colour the text output (default auto: on a terminal, unless NO_COLOR is set)")
    check.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..checking import DEFAULT_POLICY, Engine, shadowing
    from ..documents.source import DocumentError
    from ..language.errors import PolicyErrors
    from ..waivers import load_waivers

    params = parse_params(args.params)
    if isinstance(params, int):
        return params
    as_of = None
    if args.as_of:
        try:
            as_of = dt.date.fromisoformat(args.as_of)
        except ValueError:
            return fail(f"--as-of {args.as_of!r} is not a date", "write YYYY-MM-DD, e.g. --as-of 2026-01-31")
    config = load_config()
    if isinstance(config, int):
        return config
    engine = Engine(search_path=policy_search_path(args, config), params=params, config_params=config.params,
                    allow_no_rules=args.allow_no_rules)
    try:
        policies = engine.policies(args.policy or config.policies or [DEFAULT_POLICY])
    except PolicyErrors as err:
        return policy_errors(err, "; nothing was checked")
    for policy_id, file in shadowing(policies):
        sys.stderr.write(f"openwatt: warning: policy {policy_id} is read from {file}, which shadows the shipped "
                         f"pack {policy_id}\n")
    try:
        waivers = [w for file in [*args.waivers, *config.waivers] for w in load_waivers(file)]
    except DocumentError as err:
        return fail(f"waivers: {err}", err.hint)
    fail_on = FailOn(args.fail_on) if args.fail_on else config.fail_on or DEFAULT_FAIL_ON
    selection = engine.select(args.paths, args.input_format)
    if selection.empty and not args.allow_empty:
        return fail(f"no input found: searched {selection.searched()}", _empty_hint(args.input_format))
    report = engine.check(selection, policies, waivers=waivers, as_of=as_of, fail_on=fail_on,
                          input_format=args.input_format, input_waivers=InputWaivers(args.input_waivers))
    options = RenderOptions(color=_color(args.color, args.output), verbose=args.verbose, width=_width())
    failed = emit(REPORTERS[args.format](report, options), args.output)
    return report.exit_code if failed is None else failed


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


