"""Each `--format` offers the names of its view registry, and building the parser loads no view."""

from __future__ import annotations

import argparse
import subprocess
import sys

from openwatt.catalogue import LIST_VIEWS
from openwatt.cli.main import _parser
from openwatt.reports import REPORTERS
from openwatt.testing import VIEWS


def _choices(*command: str) -> tuple[str, ...]:
    """The choices of `--format` on the parser of `openwatt <command...>`."""
    parser = _parser()
    for name in command:
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        parser = sub.choices[name]
    return tuple(next(a for a in parser._actions if "--format" in a.option_strings).choices)


def test_check_offers_every_reporter() -> None:
    assert _choices("check") == tuple(REPORTERS)


def test_policy_list_and_test_offer_every_view() -> None:  # written out in cli/policy.py, so checked here
    assert _choices("policy", "list") == tuple(LIST_VIEWS)
    assert _choices("policy", "test") == tuple(VIEWS)


def test_building_the_parser_loads_no_view() -> None:
    code = ("import sys, openwatt.cli.main as m\n"
            "m._parser()\n"
            "print(sorted(n for n in sys.modules if n.startswith(('openwatt.catalogue', 'openwatt.testing', "
            "'openwatt.reports.'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out == "[]\n"
