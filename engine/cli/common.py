"""What every command shares: exit codes and the one way an error reaches the user."""

from __future__ import annotations

import sys

# Exit codes, as the README documents them.
EXIT_CLEAR, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2
FAIL_ON = ("error", "warning", "info", "never")


def fail(message: str, hint: str | None = None) -> int:
    sys.stderr.write(f"openwatt: error: {message}\n")
    if hint:
        sys.stderr.write(f"    hint: {hint}\n")
    return EXIT_BAD_INPUT


