"""`openwatt explain`: one rule on one input, each sub-expression with the value it had, then why."""

from __future__ import annotations

import argparse
import sys

from ..documents import INPUT_FORMATS
from .common import (add_policy_path, fail, load_config, parse_as_of, parse_params, policy_errors,
                     policy_search_path)


def register(commands: argparse._SubParsersAction) -> None:
    explain = commands.add_parser(
        "explain", help="show how a rule judged one input, sub-expression by sub-expression",
        description="Show a rule's source, then each sub-expression of its 'when' and 'require's with the value "
        "it had on FILE (paths resolved, units converted, each item of a quantifier), then why the status is "
        "what it is. With no -p, the recommended pack applies.")
    explain.add_argument("file", metavar="FILE", help="the input: a disclosure, model card, MOT file or CodeCarbon log")
    explain.add_argument("-p", "--policy", action="append", default=[], metavar="POLICY",
                         help="a policy file (x.policy) or a policy id; repeatable")
    explain.add_argument("--rule", required=True, metavar="RULE",
                         help="the rule: its qualified id (recommended/weights-licence) or its own id (weights-licence)")
    add_policy_path(explain)
    explain.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", dest="params",
                         help="override a param, as for check; repeatable")
    explain.add_argument("--input-format", choices=INPUT_FORMATS, default=None,
                         help="read FILE as this format (default: detected from name and content)")
    explain.add_argument("--as-of", metavar="YYYY-MM-DD", help="judge `today` and waivers on this date, as for check")
    explain.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..checking import DEFAULT_POLICY, Engine, judged_as_of
    from ..documents.source import DocumentError
    from ..explaining import UnknownRule, explain_rule, render_explanation
    from ..inputs import InputOptions
    from ..language.errors import PolicyErrors

    params = parse_params(args.params)
    if isinstance(params, int):
        return params
    given = parse_as_of(args.as_of)
    if isinstance(given, int):
        return given
    as_of = judged_as_of(given)
    config = load_config()
    if isinstance(config, int):
        return config
    engine = Engine(search_path=policy_search_path(args, config), params=params, config_params=config.params)
    try:
        policies = engine.policies(args.policy or config.policies or [DEFAULT_POLICY])
    except PolicyErrors as err:
        return policy_errors(err, "; nothing was explained")
    options = InputOptions(as_of=as_of, limits=engine.limits, input_format=args.input_format)
    try:
        explanation = explain_rule(args.file, policies, args.rule, options)
    except UnknownRule as err:
        return fail(err.message, err.hint)
    except DocumentError as err:
        return fail(str(err), err.hint)
    sys.stdout.write(render_explanation(explanation))
    return 0
