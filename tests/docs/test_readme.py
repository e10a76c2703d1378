"""The README shows what openwatt does today: its example output lines are real, its commands exist."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_example_check_output_is_real() -> None:
    block = re.search(r"\$ (openwatt check \S+)\n```\n\n```\n(.*?)```", README, re.S)
    assert block is not None
    command, shown = block.groups()
    result = subprocess.run([sys.executable, "-m", "openwatt", *command.split()[1:]], cwd=ROOT, capture_output=True,
                            text=True, env={**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}, timeout=120)
    for line in shown.splitlines():
        if line.strip() and line.strip() != "…":
            assert line in result.stdout.splitlines(), line


def test_quickstart_has_exactly_two_commands_and_ci_runs_the_second() -> None:
    quickstart = README[README.index("## Quickstart"):README.index("## What a check looks like")]
    commands = re.findall(r"```sh\n(.*?)\n```", quickstart, re.S)
    assert len(commands) == 2
    assert commands[0].endswith(".venv/bin/openwatt check samples/")
    assert commands[1] in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
