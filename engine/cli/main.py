"""The `openwatt` command: argument parsing and wiring; every error is printed here and nowhere else.

Each command is a module of this package with `register(commands)`, which adds its parser and sets
`run`, the function that does the work and returns the exit code.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from . import audit, check, convert, diff, explain, init, policy, schema, verify
from .common import ExitCode, fail

COMMANDS = (audit, check, convert, diff, explain, init, policy, schema, verify)


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
    try:
        return int(args.run(args))
    except MemoryError:  # too many inputs for one report in memory: a limit of this machine, not a bug
        return fail("out of memory: the inputs' findings do not fit in memory for one report",
                    "check fewer inputs at a time (a folder per run), or write --format json to a file")
    except Exception as error:  # the one boundary: a bug is "could not check" (2), never "findings failed" (1)
        return _internal_error(error)


def _internal_error(error: Exception) -> int:
    """A short message for an exception no command expected, instead of a traceback; exit 2."""
    from ..values.text import printable
    from ..version import __version__

    what = printable(f"{type(error).__name__}: {error}")
    if len(what) > 300:
        what = what[:297] + "..."
    sys.stderr.write(f"openwatt: internal error: {what}\n"
                     f"    nothing was concluded (exit {int(ExitCode.BAD_INPUT)}). This is a bug in openwatt "
                     f"{__version__}: please report it with the command you ran and, if you can, the input; "
                     f"OPENWATT_TRACEBACK=1 shows the traceback\n")
    if os.environ.get("OPENWATT_TRACEBACK"):
        import traceback

        traceback.print_exception(error, file=sys.stderr)
    return ExitCode.BAD_INPUT


if __name__ == "__main__":
    raise SystemExit(main())
