"""Which waiver applies when several cover a rule: an active one wins; else the latest expired is said."""

from __future__ import annotations

import datetime as dt

from openwatt.documents.loading import parse_document
from openwatt.evaluation import evaluate
from openwatt.language.loader import PolicyLoader
from openwatt.waivers import Waiver

POLICY = """\
policy grant
title "Grant"
version "1"
rule energy-reported { title "Energy is reported" severity error require energy.training.energy exists }
"""

DISCLOSURE = b"""\
openwatt: "1.0"
model: {id: x}
waivers:
  - {rule: energy-reported, reason: first extension, approver: PO, expires: 2020-01-01}
"""


def _finding(waivers: list[Waiver], as_of: dt.date) -> tuple[str, str]:
    policy = PolicyLoader().compile_source(POLICY, "grant.policy")
    [finding] = evaluate(policy, parse_document(DISCLOSURE, "x.yaml"), waivers=waivers, as_of=as_of)
    return finding.status, finding.waiver


def test_a_renewed_waiver_wins_over_the_expired_one_written_first() -> None:
    renewed = Waiver("grant/energy-reported", "second extension", "PO", dt.date(2026, 6, 30), "waivers.yaml:2")
    assert _finding([renewed], dt.date(2026, 1, 1)) == (
        "waived", "second extension (approved by PO until 2026-06-30; waivers.yaml:2)")


def test_when_all_have_expired_the_latest_is_named() -> None:
    older = Waiver("energy-reported", "second extension", "PO", dt.date(2025, 6, 30), "waivers.yaml:2")
    assert _finding([older], dt.date(2026, 1, 1)) == (
        "fail", "expired on 2025-06-30: second extension (approved by PO until 2025-06-30; waivers.yaml:2)")
    assert _finding([], dt.date(2026, 1, 1)) == (
        "fail", "expired on 2020-01-01: first extension (approved by PO until 2020-01-01; in the input at x.yaml:4)")
