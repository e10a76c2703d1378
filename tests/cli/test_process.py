"""The few things only a real process shows: the installed console script, `python -m openwatt`, exit
codes as the shell sees them, output into a pipe, and a start from a warm policy cache without lark.
Every other CLI test runs `main(argv)` in-process (the `openwatt` fixture of tests/conftest.py); the
first test here checks that both give the same output."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import openwatt as package

if TYPE_CHECKING:
    from conftest import Openwatt

POLICY = """\
policy grant
title "Grant conditions"
version "2.0"

param budget = 500 MWh description "training energy budget"

rule energy-reported {
  title "Training energy is reported"
  severity error
  require energy.training.energy exists
  fix "Report energy.training.energy, e.g. 433 MWh."
}
"""


@pytest.fixture
def work(tmp_path: Path) -> Path:
    (tmp_path / "grant.policy").write_text(POLICY, encoding="utf-8")
    (tmp_path / "ok.yaml").write_text('openwatt: "1.0"\nmodel:\n  id: ok\nenergy:\n  training:\n    energy: 433 MWh\n',
                                      encoding="utf-8")
    (tmp_path / "none.yaml").write_text('openwatt: "1.0"\nmodel:\n  id: none\n', encoding="utf-8")
    return tmp_path


def process(command: list[str], cwd: Path, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`command` in a process of its own, its output piped; NO_COLOR is left out of the environment."""
    environ = {name: value for name, value in os.environ.items() if name != "NO_COLOR"}
    return subprocess.run(command, cwd=cwd, env={**environ, **(env or {})}, capture_output=True, text=True,
                          timeout=120)


def python_m(*args: str, cwd: Path, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return process([sys.executable, "-m", "openwatt", *args], cwd=cwd, env=env)


def test_the_console_script_prints_into_a_pipe_what_main_prints(work: Path, openwatt: Openwatt) -> None:
    script = Path(sys.executable).with_name("openwatt")
    if not script.exists():
        pytest.skip(f"no console script beside {sys.executable}: openwatt is not installed in this environment")
    result = process([str(script), "check", "none.yaml", "-p", "grant.policy"], cwd=work)
    assert (result.returncode, result.stderr) == (1, "")
    assert "\x1b[" not in result.stdout  # a pipe gets no colour, NO_COLOR or not
    in_process = openwatt("check", "none.yaml", "-p", "grant.policy", cwd=work)
    assert (in_process.returncode, in_process.stdout, in_process.stderr) == (1, result.stdout, "")


def test_python_m_openwatt_prints_the_version(tmp_path: Path) -> None:
    result = python_m("--version", cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, f"openwatt {package.__version__}\n", "")


def test_exit_code_2_as_the_shell_sees_it(work: Path) -> None:  # 0 and 1: the tests above and below
    bad_policy = python_m("check", "ok.yaml", "-p", "grnt.policy", cwd=work)
    assert (bad_policy.returncode, bad_policy.stdout) == (2, "")
    assert bad_policy.stderr == ("grnt.policy: OW050 cannot read policy file: No such file or directory\n"
                                 "    hint: check the path and the file's permissions\n"
                                 "\n1 error in policy; nothing was checked\n")
    usage = python_m("check", cwd=work)  # argparse leaves through SystemExit
    assert (usage.returncode, usage.stdout) == (2, "")
    assert usage.stderr.endswith("openwatt: error: the following arguments are required: PATH\n")


def test_a_start_from_a_warm_cache_runs_without_lark(work: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    # A lark that cannot be imported shadows the real one: a warm check must not need it (cold starts).
    shadow = tmp_path_factory.mktemp("no-lark")
    (shadow / "lark").mkdir()
    (shadow / "lark" / "__init__.py").write_text('raise ImportError("lark imported on a warm start")\n',
                                                 encoding="utf-8")
    cold = python_m("check", "ok.yaml", "-p", "grant.policy", cwd=work)  # parses, and fills the cache
    warm = python_m("check", "ok.yaml", "-p", "grant.policy", cwd=work, env={"PYTHONPATH": str(shadow)})
    assert (cold.returncode, cold.stderr) == (0, "")
    assert (warm.returncode, warm.stdout, warm.stderr) == (0, cold.stdout, "")
    unparsed = python_m("check", "ok.yaml", "-p", "grant.policy", cwd=work,
                        env={"PYTHONPATH": str(shadow), "OPENWATT_NO_CACHE": "1"})
    assert "ImportError: lark imported on a warm start" in unparsed.stderr  # the shadow does shadow lark
