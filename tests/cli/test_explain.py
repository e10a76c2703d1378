"""`openwatt explain` and `check --explain`: a rule's source, each sub-expression's value, and why."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import Openwatt

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("sample", "rule", "golden_file"), [
    # A failing quantifier: the item that fails, its licence read from the document, the finding's message.
    ("cirrus-70b-custom-licence.yaml", "recommended/weights-licence", "weights-licence-fail.txt"),
    # The same rule passing is explained too.
    ("aurora-7b.yaml", "weights-licence", "weights-licence-pass.txt"),
    # An energy rule: 284 kWh compared with 0 MWh is shown converted.
    ("glacier-1b.yaml", "energy-transparency/training-energy", "training-energy-units.txt"),
    # Quantifiers over a filtered list: every item of any(...), the failing one of all(...), an empty list.
    ("cirrus-70b-custom-licence.yaml", "training-code-open", "training-code-open.txt"),
    # Lets and arithmetic, with a param.
    ("aurora-7b.yaml", "accelerator-time-consistent", "accelerator-time.txt"),
])
def test_explain_samples(openwatt: Openwatt, golden: Callable[[str, str], None], sample: str, rule: str,
                         golden_file: str) -> None:
    result = openwatt("explain", f"samples/{sample}", "--rule", rule, "--as-of", "2026-06-01", cwd=ROOT)
    assert (result.returncode, result.stderr) == (0, "")
    golden(f"golden/explain/{golden_file}", result.stdout)


def test_a_rule_that_does_not_apply_says_so_and_stops_at_when(openwatt: Openwatt) -> None:
    result = openwatt("explain", "samples/ember-1b-no-energy.yaml", "--rule", "pue-reported", cwd=ROOT)
    assert result.returncode == 0
    tail = result.stdout.split("\n\n")[-2:]
    assert tail == ["when energy.training.energy exists  ->  false\n"
                    "  energy.training.energy  ->  missing (energy.training.energy)",
                    "status: NOT APPLICABLE: the 'when' does not hold, so the requires are not judged\n"]


def test_an_unknown_rule_is_an_error_with_did_you_mean(openwatt: Openwatt) -> None:
    result = openwatt("explain", "samples/aurora-7b.yaml", "--rule", "weights-licenc", cwd=ROOT)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == ("openwatt: error: no rule 'weights-licenc' in the applied policies\n"
                          "    hint: did you mean 'weights-licence'?\n")


def test_an_unreadable_input_is_an_error(openwatt: Openwatt) -> None:
    result = openwatt("explain", "samples/absent.yaml", "--rule", "weights-licence", cwd=ROOT)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith("openwatt: error: samples/absent.yaml")


def test_rule_is_required(openwatt: Openwatt) -> None:
    result = openwatt("explain", "samples/aurora-7b.yaml", cwd=ROOT)
    assert result.returncode == 2
    assert "the following arguments are required: --rule" in result.stderr


def test_check_explain_explains_each_failing_rule_after_the_report(openwatt: Openwatt) -> None:
    result = openwatt("check", "samples/cirrus-70b-custom-licence.yaml", "--explain", "--as-of", "2026-06-01",
                      cwd=ROOT)
    assert result.returncode == 1
    report, _, explained = result.stdout.partition("\nenergy-transparency/inference-energy on ")
    assert report.endswith("exit code 1: 4 failures at or above --fail-on error\n")
    heads = [line for line in result.stdout.splitlines() if " on samples/" in line]
    assert heads == [f"{rule} on samples/cirrus-70b-custom-licence.yaml: FAIL" for rule in (
        "energy-transparency/inference-energy", "recommended/data-information", "recommended/documentation-licences",
        "recommended/licences-spdx", "recommended/training-code-open", "recommended/weights-licence",
        "recommended/weights-public")]
    alone = openwatt("explain", "samples/cirrus-70b-custom-licence.yaml", "--rule", "weights-licence",
                     "--as-of", "2026-06-01", cwd=ROOT)
    assert alone.stdout in result.stdout


def test_check_explain_with_a_machine_format_keeps_stdout_a_document(openwatt: Openwatt) -> None:
    result = openwatt("check", "samples/cirrus-70b-custom-licence.yaml", "--explain", "--format", "json", cwd=ROOT)
    assert result.returncode == 1
    json.loads(result.stdout)
    assert "recommended/weights-licence on samples/cirrus-70b-custom-licence.yaml: FAIL" in result.stderr


def test_a_passing_check_explains_nothing(openwatt: Openwatt) -> None:
    result = openwatt("check", "samples/aurora-7b.yaml", "--explain", "-p", "osaid-1.0", cwd=ROOT)
    assert " on samples/" not in result.stdout
