"""What every command shares: exit codes and the one way an error reaches the user."""

from __future__ import annotations

import sys

# Exit codes, as the README documents them.
EXIT_CLEAR, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2
FAIL_ON = ("error", "warning", "info", "never")


def emit(text: str, output: str | None) -> int | None:
    """Write a command's result to `output` (a file) or to stdout; the exit code of a failure, else None."""
    if output is None:
        sys.stdout.write(text)
        return None
    from pathlib import Path

    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as err:
        return fail(f"cannot write {output}: {err.strerror or err}")
    return None


def fail(message: str, hint: str | None = None) -> int:
    sys.stderr.write(f"openwatt: error: {message}\n")
    if hint:
        sys.stderr.write(f"    hint: {hint}\n")
    return EXIT_BAD_INPUT


