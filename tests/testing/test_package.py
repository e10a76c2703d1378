"""openwatt.testing as a package: every name it had as one module, its views by name, and a CLI that
does not load it until `policy test` runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import openwatt.testing
from openwatt.checking import Engine
from openwatt.testing import VIEWS, render_json, render_test_report, run_tests

HERE = Path(__file__).parent


def test_every_name_of_the_single_module_is_still_there() -> None:
    names = {"DEFAULT_AS_OF", "SCHEMA_CHECK", "TEST_SUFFIX", "CaseResult", "Expectation", "Mismatch",
             "PolicyCoverage", "Problem", "RuleCoverage", "TestFileResult", "TestReport", "Verdict",
             "find_test_files", "run_tests"}
    assert names <= set(openwatt.testing.__all__)
    assert all(hasattr(openwatt.testing, name) for name in openwatt.testing.__all__)


def test_views_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(HERE)
    report = run_tests(["packs"], Engine(search_path=["packs"]))
    assert list(VIEWS) == ["text", "json"]
    assert VIEWS["text"](report, verbose=True) == render_test_report(report, verbose=True)
    assert VIEWS["json"](report) == render_json(report) == render_json(report, verbose=True)


def test_the_cli_loads_the_test_runner_only_for_policy_test() -> None:
    code = ("import sys, openwatt.cli.main as m\n"
            "m._parser()\n"
            "print(sorted(n for n in sys.modules if n.startswith('openwatt.testing')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out == "[]\n"
