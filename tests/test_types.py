"""The type check CI runs: mypy over engine/ (seen as the package `openwatt`), with pyproject.toml's
[tool.mypy] settings. Keyword-only findings and problems make a positional `Finding(...)` a type error."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_engine_type_checks(tmp_path: Path) -> None:
    # pyproject maps engine/ to `openwatt`; mypy reads packages from folders, so give it one by that name.
    (tmp_path / "openwatt").symlink_to(ROOT / "engine")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"), "--cache-dir",
         str(tmp_path / "cache"), "-p", "openwatt"],
        cwd=ROOT, capture_output=True, text=True, timeout=600, env={**os.environ, "MYPYPATH": str(tmp_path)})
    assert result.returncode == 0, result.stdout.replace(f"{tmp_path}/openwatt/", "engine/") + result.stderr
