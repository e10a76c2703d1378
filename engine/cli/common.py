"""What every command shares: exit codes, the one way an error reaches the user, and the options and
settings several commands read the same way (--policy-path, --set, the project configuration)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..config import Config
    from ..language.errors import PolicyErrors

from ..findings import ExitCode

__all__ = ["ExitCode", "add_policy_path", "emit", "fail", "load_config", "parse_params", "policy_errors",
           "policy_search_path"]


def emit(text: str, output: str | None) -> ExitCode | None:
    """Write a command's result to `output` (a file) or to stdout; the exit code of a failure, else None."""
    text = writable(text)
    if output is None:
        sys.stdout.write(text)
        return None
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as err:
        return fail(f"cannot write {output}: {err.strerror or err}")
    return None


def fail(message: str, hint: str | None = None) -> ExitCode:
    sys.stderr.write(writable(f"openwatt: error: {message}\n"))
    if hint:
        sys.stderr.write(writable(f"    hint: {hint}\n"))
    return ExitCode.BAD_INPUT


def writable(text: str) -> str:
    """`text` as UTF-8 can hold it: a lone surrogate (a JSON disclosure's "\\ud800", or a file name that is not
    UTF-8) becomes its escape, \\ud800, which is also how JSON writes it, so a report is always written."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def policy_errors(err: PolicyErrors, consequence: str = "") -> ExitCode:
    """A policy's errors, each with its source line and caret, then how many; the exit code."""
    from ..language.errors import render_errors

    sys.stderr.write(render_errors(err) + "\n")
    count = len(err.errors)
    sys.stderr.write(f"\n{count} error{'s' if count != 1 else ''} in policy{consequence}\n")
    return ExitCode.BAD_INPUT


def add_policy_path(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--policy-path", action="append", default=[], metavar="DIR",
                        help="a folder of policies for ids and imports; repeatable")


def policy_search_path(args: argparse.Namespace, config: Config) -> list[Path]:
    """Where policy ids and imports are looked up: --policy-path folders, then the config's policy_path."""
    return [*map(Path, args.policy_path), *config.policy_path]


def parse_params(items: Sequence[str]) -> dict[str, str] | int:
    """The params of `--set NAME=VALUE` options; the exit code after the error for one without a name or '='."""
    found: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            return fail(f"--set {item!r}: expected NAME=VALUE", "e.g. --set max_training_energy='500 MWh'")
        found[name.strip()] = value.strip()
    return found


def parse_as_of(written: str | None) -> dt.date | None | ExitCode:
    """The date of `--as-of` (None when it is not given); the exit code after the error for one that is no date."""
    if not written:
        return None
    try:
        return dt.date.fromisoformat(written)
    except ValueError:
        return fail(f"--as-of {written!r} is not a date", "write YYYY-MM-DD, e.g. --as-of 2026-01-31")


def load_config() -> Config | int:
    """The project configuration found from the working folder up; the exit code after the error for a bad one."""
    from ..config import ConfigError, find_config

    try:
        return find_config(Path.cwd())
    except ConfigError as err:
        return fail(str(err), err.hint)


def processes(text: str) -> int:
    """--jobs N of audit and verify: a whole number of processes, at least 1."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of processes, at least 1, got {text!r}")
    return int(text)
