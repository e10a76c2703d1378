"""`openwatt policy list|show|test|doc|fmt|lint`: the policies on the search path, one policy, policy tests,
the catalogue, the canonical layout and style warnings."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .common import (ExitCode, add_policy_path, emit, fail, load_config, parse_params, policy_errors,
                     policy_search_path)


def register(commands: argparse._SubParsersAction) -> None:
    policy = commands.add_parser("policy", help="list, show, test, document, format and lint policies",
                                 description="Work with policies: list those on the search path, show one, "
                                 "run policy tests, render the catalogue as Markdown, rewrite policies in the one layout (fmt), "
                                 "report errors and style warnings (lint).")
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

    fmt = sub.add_parser("fmt", help="rewrite policies in the canonical layout",
                         description="Rewrite .policy files in openwatt's one layout (header fields in order, "
                         "one blank line between items, two-space indent, comments kept), in place. With "
                         "--check, change nothing: list the files that would change and exit 1 if any would. "
                         "Exit 2 when a file cannot be read or parsed.")
    fmt.add_argument("paths", nargs="+", metavar="PATH", help=".policy files, or folders to search for them")
    fmt.add_argument("--check", action="store_true", help="only report the files that would change (exit 1)")
    fmt.set_defaults(run=run_fmt)

    lint = sub.add_parser("lint", help="compile policies and report errors and style warnings",
                          description="Compile each .policy file and report its errors, then style warnings "
                          "(OW1xx, docs/errors.md): a rule without cite or fix, an unused param or let, a "
                          "when that can never hold, `in` on a text with commas. Exit 0: clean; 1: findings; "
                          "2: a file cannot be read.")
    lint.add_argument("paths", nargs="+", metavar="PATH", help=".policy files, or folders to search for them")
    add_policy_path(lint)
    lint.set_defaults(run=run_lint)


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



# ---- fmt, lint -------------------------------------------------------------------------------


def _policy_files(paths: list[str]) -> list[Path] | int:
    """The .policy files `paths` name (folders searched, sorted); the exit code after a missing path."""
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*.policy") if p.is_file())
        elif path.exists():
            found.append(path)
        else:
            return fail(f"{name}: no such file or folder", "give .policy files or folders that hold them")
    return list(dict.fromkeys(found))  # a file named twice (as itself and in its folder) is done once


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        reason = err.strerror if isinstance(err, OSError) else "not UTF-8 text"
        fail(f"cannot read {path}: {reason or err}")
        return None


def run_fmt(args: argparse.Namespace) -> int:
    from ..language.errors import PolicyErrors
    from ..language.formatter import fmt

    files = _policy_files(args.paths)
    if isinstance(files, int):
        return files
    changed, broken = [], False
    for path in files:
        source = _read(path)
        if source is None:
            broken = True
            continue
        try:
            formatted = fmt(source, str(path))
        except PolicyErrors as err:
            policy_errors(err, f" {path}: not formatted")
            broken = True
            continue
        except AssertionError as err:  # fmt's own check that the layout kept the meaning: a bug, never written
            fail(f"{path}: {err}; the file is left as it was", "please report this as a bug of openwatt")
            broken = True
            continue
        if formatted != source:
            changed.append(path)
            if not args.check:
                path.write_text(formatted, encoding="utf-8")
            sys.stdout.write(f"{'would reformat' if args.check else 'reformatted'} {path}\n")
    plural = "s" if len(changed) != 1 else ""
    kept = len(files) - len(changed)
    verb = "would be reformatted" if args.check else "reformatted"
    sys.stdout.write(f"{len(changed)} file{plural} {verb}, {kept} already formatted\n")
    if broken:
        return ExitCode.BAD_INPUT
    return ExitCode.FINDINGS if args.check and changed else ExitCode.CLEAR


def run_lint(args: argparse.Namespace) -> int:
    from ..language.errors import render_error
    from ..language.lint import WARNINGS, lint_file
    from ..language.loader import PolicyLoader

    config = load_config()
    if isinstance(config, int):
        return config
    files = _policy_files(args.paths)
    if isinstance(files, int):
        return files
    blocks: list[str] = []
    unreadable = False
    errors = warnings = 0
    for path in files:
        source = _read(path)
        if source is None:
            unreadable = True
            continue
        found, sources = lint_file(path, source, PolicyLoader(search_path=policy_search_path(args, config)))
        blocks += [render_error(e, sources.get(e.span.file)) for e in found]
        warnings += sum(e.code in WARNINGS for e in found)
        errors += sum(e.code not in WARNINGS for e in found)
    if blocks:
        sys.stdout.write("\n\n".join(blocks) + "\n\n")
    count = f"{len(files)} file{'s' if len(files) != 1 else ''}"
    sys.stdout.write(f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}"
                     f" in {count}\n")
    if unreadable:
        return ExitCode.BAD_INPUT
    return ExitCode.FINDINGS if blocks else ExitCode.CLEAR
