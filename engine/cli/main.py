"""The `openwatt` command: argument parsing and wiring; every error is printed here and nowhere else.

Each command is a module of this package with `register(commands)`, which adds its parser and sets
`run`, the function that does the work and returns the exit code.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import check, convert, explain, init, policy, schema
from .common import ExitCode

COMMANDS = (check, convert, explain, init, policy, schema)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"openwatt: error: {message}\n")
        raise SystemExit(ExitCode.BAD_INPUT)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="openwatt", description="Policy-as-code for AI openness and energy transparency.")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for command in COMMANDS:
        command.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.version:
        from ..version import __version__
        print(f"openwatt {__version__}")
        return ExitCode.CLEAR
    if getattr(args, "run", None) is None:
        parser.print_help(sys.stderr)
        return ExitCode.BAD_INPUT
    return int(args.run(args))


if __name__ == "__main__":
    raise SystemExit(main())
