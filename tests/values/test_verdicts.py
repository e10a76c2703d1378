"""Tests for openwatt.values.verdicts: the closed vocabularies of a finding and their orderings."""

from __future__ import annotations

from openwatt.values.verdicts import REASON_RANK, Reason, Severity, Status


def test_values_are_the_strings_reports_write() -> None:
    assert [s.value for s in Status] == ["pass", "fail", "not_applicable", "waived", "error"]
    assert [s.value for s in Severity] == ["error", "warning", "info"]
    assert [r.value for r in Reason] == ["violated", "missing", "type_mismatch", "invalid_input", "rule_error"]
    assert Status("pass") is Status.PASS and Status.PASS == "pass" and str(Severity.WARNING) == "warning"


def test_severity_rank() -> None:
    assert [s.rank for s in Severity] == [3, 2, 1]
    assert max(Severity, key=lambda s: s.rank) is Severity.ERROR


def test_reason_rank_puts_absence_first() -> None:
    assert sorted(REASON_RANK, key=REASON_RANK.__getitem__) == [Reason.MISSING, Reason.TYPE_MISMATCH,
                                                               Reason.VIOLATED]
