"""The totals a stream counts input by input are the ones a whole Report computes from the same findings."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import pytest

from openwatt.findings import Finding, Report
from openwatt.reports.stream import inputs_of, tally_of
from openwatt.values.verdicts import FailOn, Status

MakeReport = Callable[..., Report]


@pytest.mark.parametrize("fail_on", list(FailOn))
@pytest.mark.parametrize("drop", [None, Status.ERROR, Status.FAIL])
def test_a_tally_counts_what_the_report_says(fail_on: FailOn, drop: Status | None,
                                             every_status: tuple[Finding, ...], make_report: MakeReport) -> None:
    report = make_report(tuple(f for f in every_status if f.status is not drop), fail_on=fail_on)
    tally = tally_of(report)
    for checked in inputs_of(report):
        tally.add(checked)
    assert tally.summary == report.summary
    assert tally.counts == report.counts
    assert tally.findings == len(report.findings)
    assert tally.blocking == len(report.blocking())
    assert tally.exit_code == report.exit_code
    assert tally.failed == Counter(f.severity for f in report.findings if f.status is Status.FAIL)
    assert [c.verdict for c in inputs_of(report)] == list(report.verdicts)
