"""The progress bar: on stderr when it is a terminal; in a pipe, nothing on stderr and the closing line on stdout."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

from conftest import EPOCH, generate  # type: ignore[import-not-found]


def test_a_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    generate(tmp_path / "in", 40)
    leader, follower = pty.openpty()
    command = [sys.executable, "-m", "openwatt", "audit", str(tmp_path / "in"), "-p", "energy-transparency",
               "--out", str(tmp_path / "out")]
    env = {**os.environ, **EPOCH, "TERM": "xterm", "COLUMNS": "120"}
    env.pop("NO_COLOR", None)
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=follower)
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert process.stdout is not None
    closing = process.stdout.read().decode()
    assert process.wait() in (0, 1)
    text = shown.decode("utf-8", "replace")
    assert "auditing" in text and "/40" in text and "failing" in text
    assert closing.startswith("openwatt audit: 40 inputs: ")


def test_quiet_in_a_pipe(tmp_path: Path) -> None:
    generate(tmp_path / "in", 3)
    done = subprocess.run([sys.executable, "-m", "openwatt", "audit", str(tmp_path / "in"), "-p",
                           "energy-transparency", "--out", str(tmp_path / "out")],
                          env={**os.environ, **EPOCH}, capture_output=True, text=True, check=False)
    assert done.stderr == ""
    assert done.stdout.splitlines() == [done.stdout.strip()]
    assert done.stdout.startswith("openwatt audit: 3 inputs: ")
