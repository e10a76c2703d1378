"""`openwatt check`, run in-process: exit codes, outputs, errors, waivers, determinism."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import jsonschema
import pytest

if TYPE_CHECKING:
    from conftest import Openwatt

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"

POLICY = """\
policy grant
title "Grant conditions"
version "2.0"

param budget = 500 MWh description "training energy budget"

rule energy-reported {
  title "Training energy is reported"
  severity error
  cite "Grant agreement §4.1"
  require energy.training.energy exists
  fix "Report energy.training.energy, e.g. 433 MWh."
}

rule within-budget {
  title "Training energy within budget"
  severity warning
  when energy.training.energy exists
  require energy.training.energy <= budget
  message "training used {energy.training.energy}; the budget is {budget}"
}
"""


@pytest.fixture
def work(tmp_path: Path) -> Path:
    (tmp_path / "grant.policy").write_text(POLICY, encoding="utf-8")
    (tmp_path / "ok.yaml").write_text('openwatt: "1.0"\nmodel:\n  id: ok\nenergy:\n  training:\n    energy: 433 MWh\n',
                                      encoding="utf-8")
    (tmp_path / "big.yaml").write_text('openwatt: "1.0"\nmodel:\n  id: big\nenergy:\n  training:\n'
                                       '    energy: 1.2 GWh\n', encoding="utf-8")
    (tmp_path / "none.yaml").write_text('openwatt: "1.0"\nmodel:\n  id: none\n', encoding="utf-8")
    return tmp_path


def test_all_clear_exits_0(work: Path, openwatt: Openwatt) -> None:
    result = openwatt("check", "ok.yaml", "-p", "grant.policy", cwd=work)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "ok.yaml\n  2 passed\n\nPASS   ok.yaml\n\n1 input: 1 passed\nfindings: 2 passed\n"


def test_failure_at_fail_on_exits_1(work: Path, openwatt: Openwatt) -> None:
    result = openwatt("check", "none.yaml", "-p", "grant.policy", cwd=work)
    assert result.returncode == 1
    assert "missing: energy.training.energy" in result.stdout
    assert "fix: Report energy.training.energy, e.g. 433 MWh." in result.stdout


def test_warning_blocks_only_with_fail_on_warning(work: Path, openwatt: Openwatt) -> None:
    assert openwatt("check", "big.yaml", "-p", "grant.policy", cwd=work).returncode == 0
    result = openwatt("check", "big.yaml", "-p", "grant.policy", "--fail-on", "warning", cwd=work)
    assert result.returncode == 1
    assert "training used 1.2 GWh; the budget is 500 MWh" in result.stdout


def test_fail_on_never(work: Path, openwatt: Openwatt) -> None:
    assert openwatt("check", "none.yaml", "-p", "grant.policy", "--fail-on", "never", cwd=work).returncode == 0


def test_set_overrides_a_param(work: Path, openwatt: Openwatt) -> None:
    result = openwatt("check", "ok.yaml", "-p", "grant.policy", "--set", "budget=400 MWh", "--fail-on", "warning",
                 cwd=work)
    assert result.returncode == 1
    assert "training used 433 MWh; the budget is 400 MWh" in result.stdout


def test_unknown_param_is_a_policy_error(work: Path, openwatt: Openwatt) -> None:
    result = openwatt("check", "ok.yaml", "-p", "grant.policy", "--set", "budjet=1 MWh", cwd=work)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("--set: OW033 unknown param 'budjet'\n")
    assert "hint: did you mean 'budget'?" in result.stderr


def test_bad_policy_exits_2_with_the_rendered_error(work: Path, openwatt: Openwatt) -> None:
    (work / "bad.policy").write_text(POLICY.replace("require energy.training.energy exists", "require energy.trainig.energy exists"),
                                     encoding="utf-8")
    result = openwatt("check", "ok.yaml", "-p", "bad.policy", cwd=work)
    assert result.returncode == 2
    assert result.stderr == (
        "bad.policy:11:11: OW010 unknown path 'energy.trainig'\n"
        "      require energy.trainig.energy exists\n"
        "              ^^^^^^^^^^^^^^\n"
        "    hint: did you mean 'energy.training'?\n"
        "\n1 error in policy; nothing was checked\n")


def test_unknown_policy_id(work: Path, openwatt: Openwatt) -> None:
    result = openwatt("check", "ok.yaml", "-p", "recomended", cwd=work)
    assert result.returncode == 2
    assert "OW030 unknown policy 'recomended'" in result.stderr
    assert "did you mean 'recommended'?" in result.stderr


def test_unreadable_input_is_an_error_finding_and_the_batch_goes_on(work: Path, openwatt: Openwatt) -> None:
    (work / "broken.yaml").write_text("model: [unclosed\n", encoding="utf-8")
    result = openwatt("check", "broken.yaml", "missing.yaml", "ok.yaml", "-p", "grant.policy", "--format", "json",
                 cwd=work)
    assert result.returncode == 2
    report = json.loads(result.stdout)
    by_file = {(f["file"], f["rule"], f["status"]) for f in report["findings"]}
    assert ("broken.yaml", "openwatt/load", "error") in by_file
    assert ("missing.yaml", "openwatt/load", "error") in by_file
    assert ("ok.yaml", "grant/energy-reported", "pass") in by_file
    assert report["summary"]["inputs"] == {"total": 3, "checked": 1, "with_input_problems": 0, "with_failures": 0,
                                           "not_checked": 2}


def test_json_report_is_valid_and_deterministic(work: Path, openwatt: Openwatt) -> None:
    env = {"SOURCE_DATE_EPOCH": "1767225600"}
    args = ("check", ".", "-p", "grant.policy", "--format", "json", "--as-of", "2026-01-01")
    first = openwatt(*args, cwd=work, env=env)
    second = openwatt(*args, cwd=work, env=env)
    assert first.stdout == second.stdout
    report = json.loads(first.stdout)
    schema = json.loads((ROOT / "schemas" / "report.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(report)
    assert report["provenance"]["generated_at"] == "2026-01-01T00:00:00Z"
    assert [p["id"] for p in report["provenance"]["policies"]] == ["grant"]
    assert [i["file"] for i in report["provenance"]["inputs"]] == ["big.yaml", "none.yaml", "ok.yaml"]


def test_waivers_file_and_expiry(work: Path, openwatt: Openwatt) -> None:
    (work / "waivers.yaml").write_text(
        "waivers:\n  - rule: grant/energy-reported\n    reason: logs arrive in March\n"
        "    approver: Programme officer\n    expires: 2026-03-31\n", encoding="utf-8")
    waived = openwatt("check", "none.yaml", "-p", "grant.policy", "--waivers", "waivers.yaml", "--as-of", "2026-01-01",
                 "--format", "json", cwd=work)
    assert waived.returncode == 0
    [finding] = [f for f in json.loads(waived.stdout)["findings"] if f["rule"] == "grant/energy-reported"]
    assert finding["status"] == "waived"
    assert finding["waiver"] == ("logs arrive in March (approved by Programme officer until 2026-03-31; "
                                 "waivers.yaml:2)")
    expired = openwatt("check", "none.yaml", "-p", "grant.policy", "--waivers", "waivers.yaml", "--as-of", "2026-04-01",
                  cwd=work)
    assert expired.returncode == 1


def test_bad_waivers_file(work: Path, openwatt: Openwatt) -> None:
    (work / "waivers.yaml").write_text("waivers:\n  - rule: x\n    reason: r\n", encoding="utf-8")
    result = openwatt("check", "ok.yaml", "-p", "grant.policy", "--waivers", "waivers.yaml", cwd=work)
    assert result.returncode == 2
    assert result.stderr == ("openwatt: error: waivers: waivers.yaml:2:5: waiver 1 has no approver\n"
                             "    hint: each waiver needs rule, reason, approver and expires (YYYY-MM-DD)\n")


def test_config_file_sets_policy_and_params(work: Path, openwatt: Openwatt) -> None:
    (work / "openwatt.toml").write_text('policies = ["grant.policy"]\nfail_on = "warning"\n\n[params]\n'
                                        'budget = "400 MWh"\n', encoding="utf-8")
    result = openwatt("check", "ok.yaml", cwd=work)
    assert result.returncode == 1
    assert "the budget is 400 MWh" in result.stdout


def test_usage_errors_exit_2(work: Path, openwatt: Openwatt) -> None:
    assert openwatt("check", cwd=work).returncode == 2
    bad_set = openwatt("check", "ok.yaml", "--set", "budget", cwd=work)
    assert bad_set.returncode == 2
    assert bad_set.stderr == ("openwatt: error: --set 'budget': expected NAME=VALUE\n"
                              "    hint: e.g. --set max_training_energy='500 MWh'\n")


def test_plain_output_in_a_pipe_has_no_escape_codes(work: Path, openwatt: Openwatt) -> None:
    result = openwatt("check", "none.yaml", "-p", "grant.policy", cwd=work, env={"NO_COLOR": ""})
    assert "\x1b[" not in result.stdout


def test_default_pack_on_the_samples(openwatt: Openwatt) -> None:
    result = openwatt("check", str(SAMPLES / "aurora-7b.yaml"), cwd=ROOT)
    assert result.returncode in (0, 1), result.stderr
    assert "aurora-7b.yaml" in result.stdout
