"""Waivers a submitter writes for themselves: applied, only reported or ignored (`--input-waivers`), said
apart from waivers files in the report; a waiver naming nobody or no reason, in invisible characters, is
no waiver (docs/security.md, "Verdicts a submitter can game")."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import Openwatt
from openwatt.documents.loading import parse_document
from openwatt.documents.source import DocumentError
from openwatt.evaluation import evaluate
from openwatt.language.loader import PolicyLoader
from openwatt.values.verdicts import InputWaivers
from openwatt.waivers import load_waivers, waivers_in

POLICY = """\
policy grant
title "Grant"
version "1"
rule energy-reported { title "Energy is reported" severity error require energy.training.energy exists }
"""

SELF_WAIVED = """\
openwatt: "1.0"
model: {id: x}
waivers:
  - {rule: energy-reported, reason: not needed, approver: me, expires: 9999-12-31}
"""

AS_OF = dt.date(2026, 1, 1)


def finding(disclosure: str, mode: InputWaivers) -> tuple[str, str]:
    policy = PolicyLoader().compile_source(POLICY, "grant.policy")
    [found] = evaluate(policy, parse_document(disclosure.encode(), "x.yaml"), as_of=AS_OF, input_waivers=mode)
    return found.status.value, found.waiver


def test_a_submitters_own_waiver_applies_only_when_asked() -> None:
    assert finding(SELF_WAIVED, InputWaivers.APPLY) == (
        "waived", "not needed (approved by me until 9999-12-31; in the input at x.yaml:4)")
    assert finding(SELF_WAIVED, InputWaivers.REPORT) == (
        "fail", "not applied (waivers written in the input are only reported): not needed (approved by me until "
                "9999-12-31; in the input at x.yaml:4)")
    assert finding(SELF_WAIVED, InputWaivers.IGNORE) == ("fail", "")


@pytest.mark.parametrize("invisible", ["", "   ", "\u200b" * 80, "\u200d\ufeff\u2060", "\u00a0\u3000\t", "\u202e\u00ad"],
                         ids=["empty", "spaces", "zero-width-spaces", "joiner-bom-word-joiner", "nbsp-ideographic-tab",
                              "bidi-override-soft-hyphen"])
@pytest.mark.parametrize("field", ["approver", "reason"])
def test_an_invisible_approver_or_reason_is_no_waiver(field: str, invisible: str) -> None:
    disclosure = SELF_WAIVED.replace({"approver": "me", "reason": "not needed"}[field], json.dumps(invisible))
    assert waivers_in(parse_document(disclosure.encode(), "x.yaml")) == []
    assert finding(disclosure, InputWaivers.APPLY) == ("fail", "")


def test_an_invisible_approver_in_a_waivers_file_is_refused(tmp_path: Path) -> None:
    file = tmp_path / "waivers.yaml"
    file.write_text('waivers:\n  - {rule: r, reason: ok, approver: "\\u200b\\u200b", expires: 2030-01-01}\n',
                    encoding="utf-8")
    with pytest.raises(DocumentError) as caught:
        load_waivers(file)
    assert (str(caught.value), caught.value.hint) == (
        f"{file}:2:5: waiver 1 has no approver", "each waiver needs rule, reason, approver and expires (YYYY-MM-DD)")


def test_the_command_reports_where_each_waiver_came_from(tmp_path: Path, openwatt: Openwatt) -> None:
    (tmp_path / "grant.policy").write_text(POLICY, encoding="utf-8")
    (tmp_path / "self.yaml").write_text(SELF_WAIVED, encoding="utf-8")
    (tmp_path / "w.yaml").write_text(
        "waivers:\n  - {rule: grant/energy-reported, reason: agreed, approver: PO, expires: 2026-06-30}\n",
        encoding="utf-8")
    args = ("check", "self.yaml", "-p", "grant.policy", "--as-of", "2026-01-01", "--format", "json")
    codes = {mode: openwatt(*args, "--input-waivers", mode, cwd=tmp_path).returncode for mode in InputWaivers}
    assert codes == {"apply": 0, "report": 1, "ignore": 1}
    assert openwatt(*args, cwd=tmp_path).returncode == 0  # `check` applies them by default

    report = json.loads(openwatt(*args, "--input-waivers", "report", cwd=tmp_path).stdout)
    assert report["provenance"]["waivers"] == {"input": "report", "files": []}
    [found] = report["findings"]
    assert (found["status"], found["waiver"]) == (
        "fail", "not applied (waivers written in the input are only reported): not needed (approved by me until "
                "9999-12-31; in the input at self.yaml:4)")

    report = json.loads(openwatt(*args, "--input-waivers", "ignore", "--waivers", "w.yaml", cwd=tmp_path).stdout)
    assert report["provenance"]["waivers"] == {"input": "ignore", "files": ["w.yaml"]}
    [found] = report["findings"]
    assert (found["status"], found["waiver"]) == ("waived", "agreed (approved by PO until 2026-06-30; w.yaml:2)")

    text = openwatt("check", "self.yaml", "-p", "grant.policy", "--as-of", "2026-01-01", "--input-waivers", "report",
                    cwd=tmp_path).stdout
    assert "waiver: not applied (waivers written in the input are only reported): not needed" in " ".join(text.split())


def test_an_unknown_mode_is_a_usage_error(tmp_path: Path, openwatt: Openwatt) -> None:
    result = openwatt("check", "x.yaml", "--input-waivers", "trust", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.endswith("openwatt: error: argument --input-waivers: invalid choice: 'trust' "
                                  "(choose from 'apply', 'report', 'ignore')\n")
