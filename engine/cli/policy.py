"""`openwatt policy list|show|test|doc`: the policies on the search path, one policy, policy tests, the catalogue."""

from __future__ import annotations

import argparse
import sys

from .common import (ExitCode, add_policy_path, emit, load_config, parse_params, policy_errors,
                     policy_search_path)


def register(commands: argparse._SubParsersAction) -> None:
    policy = commands.add_parser("policy", help="list, show, test and document policies",
                                 description="Work with policies: list those on the search path, show one, "
                                 "run policy tests, render the catalogue as Markdown.")
    sub = policy.add_subparsers(dest="policy_command", metavar="COMMAND", parser_class=type(policy))
    policy.set_defaults(run=lambda args: _usage(policy))

    listing = sub.add_parser("list", help="the policies on the search path",
                             description="Every policy id on the search path (--policy-path folders, the "
                             "config's policy_path, then the shipped packs): id, version, title, file.")
    add_policy_path(listing)
    # The names of catalogue.LIST_VIEWS, written out: importing the catalogue would slow every command's
    # start-up. tests/cli/test_formats.py checks that they agree (and likewise for `test` below).
    listing.add_argument("--format", choices=("text", "json"), default="text", help="output format (default text)")
    listing.set_defaults(run=run_list)

    show = sub.add_parser("show", help="one policy: header, params, rules",
                          description="One policy in words: its header, params with the values a check "
                          "would use (defaults, config, --set), and every rule with its conditions.")
    show.add_argument("policy", metavar="ID|FILE", help="a policy id or a .policy file")
    add_policy_path(show)
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
    add_policy_path(test)
    test.add_argument("--min-coverage", type=_percent, default=100.0, metavar="PERCENT",
                      help="the rule coverage each policy must reach (default 100)")
    # The names of testing.VIEWS, written out: importing the test runner would slow every start-up.
    test.add_argument("--format", choices=("text", "json"), default="text", help="output format (default text)")
    test.add_argument("-v", "--verbose", action="store_true",
                      help="list passing cases and every rule's coverage too")
    test.set_defaults(run=run_test)

    doc = sub.add_parser("doc", help="render policies to Markdown (docs/policies.md)",
                         description="Render policies to Markdown: per pack its title, version, source, "
                         "description, params and rules with severity, citation, conditions and fix. "
                         "With no ID, every shipped pack.")
    doc.add_argument("ids", nargs="*", metavar="ID", help="policy ids or .policy files (default: every shipped pack)")
    add_policy_path(doc)
    doc.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    doc.set_defaults(run=run_doc)


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
    return ExitCode.BAD_INPUT


# ---- list, show, doc -------------------------------------------------------------------------


def run_list(args: argparse.Namespace) -> int:
    from ..catalogue import LIST_VIEWS, list_policies

    config = load_config()
    if isinstance(config, int):
        return config
    entries = list_policies(policy_search_path(args, config))
    sys.stdout.write(LIST_VIEWS[args.format](entries))
    return ExitCode.BAD_INPUT if any(e.error for e in entries) else ExitCode.CLEAR


def run_show(args: argparse.Namespace) -> int:
    from ..catalogue import load_page, render_text
    from ..language.errors import PolicyErrors

    config = load_config()
    if isinstance(config, int):
        return config
    params = parse_params(args.params)
    if isinstance(params, int):
        return params
    try:
        page = load_page(args.policy, search_path=policy_search_path(args, config), params=params,
                         config_params=config.params, origin="openwatt policy show")
    except PolicyErrors as err:
        return policy_errors(err)
    sys.stdout.write(render_text(page))
    return ExitCode.CLEAR


def run_doc(args: argparse.Namespace) -> int:
    from ..catalogue import load_page, render_markdown, shipped_ids
    from ..language.errors import PolicyErrors

    config = load_config()
    if isinstance(config, int):
        return config
    search_path = policy_search_path(args, config) if args.ids else []  # the shipped packs as shipped
    try:
        pages = [load_page(ref, search_path=search_path, origin="openwatt policy doc")
                 for ref in (args.ids or shipped_ids())]
    except PolicyErrors as err:
        return policy_errors(err)
    return emit(render_markdown(pages), args.output) or ExitCode.CLEAR


# ---- test ------------------------------------------------------------------------------------


def run_test(args: argparse.Namespace) -> int:
    from ..checking import Engine
    from ..testing import VIEWS, run_tests

    config = load_config()
    if isinstance(config, int):
        return config
    report = run_tests(args.paths or ["policies"], Engine(search_path=policy_search_path(args, config)),
                       min_coverage=args.min_coverage)
    sys.stdout.write(VIEWS[args.format](report, verbose=args.verbose))
    return report.exit_code

