"""`openwatt check`: disclosures against policies, a report on stdout or in a file."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys

from ..config import FAIL_ON
from ..documents import INPUT_FORMATS
from ..reports import REPORTERS, RenderOptions
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
    check.add_argument("--fail-on", choices=FAIL_ON, default=None,
                       help="exit 1 when a failure is at least this severe (default error)")
    check.add_argument("--waivers", action="append", default=[], metavar="FILE",
                       help="a YAML/JSON file with a 'waivers' list; repeatable")
    check.add_argument("--as-of", metavar="YYYY-MM-DD", help="judge waiver expiry on this date (default today)")
    check.add_argument("-v", "--verbose", action="store_true", help="list passing and not applicable rules too")
    check.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                       help="colour the text output (default auto: on a terminal, unless NO_COLOR is set)")
    check.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..checking import DEFAULT_POLICY, Engine
    from ..documents.source import DocumentError
    from ..language.errors import PolicyErrors
    from ..values.verdicts import Severity
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
    engine = Engine(search_path=policy_search_path(args, config), params=params, config_params=config.params)
    try:
        policies = engine.policies(args.policy or config.policies or [DEFAULT_POLICY])
    except PolicyErrors as err:
        return policy_errors(err, "; nothing was checked")
    try:
        waivers = [w for file in [*args.waivers, *config.waivers] for w in load_waivers(file)]
    except DocumentError as err:
        return fail(f"waivers: {err}", err.hint)
    fail_on_name = args.fail_on or config.fail_on or "error"
    fail_on = None if fail_on_name == "never" else Severity(fail_on_name)
    report = engine.check(args.paths, policies, waivers=waivers, as_of=as_of, fail_on=fail_on,
                          input_format=args.input_format)
    options = RenderOptions(color=_color(args.color, args.output), verbose=args.verbose, width=_width())
    failed = emit(REPORTERS[args.format](report, options), args.output)
    return report.exit_code if failed is None else failed


def _color(choice: str, output: str | None) -> bool:
    if choice != "auto":
        return choice == "always"
    return output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ


def _width() -> int:
    try:
        return max(60, min(os.get_terminal_size().columns, 140))
    except OSError:
        return 100


