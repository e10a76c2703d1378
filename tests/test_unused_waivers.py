"""A waiver written in a disclosure that names no rule of the policies applied waives nothing: it is said, as
a warning finding `openwatt/waivers` at the waiver's rule, instead of being ignored silently."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openwatt.checking import Engine

DISCLOSURE = """\
openwatt: "1.0"
model: {id: example/m}
waivers:
  - rule: energy-transparency/training-energy
    reason: logs arrive in March
    approver: Programme officer
    expires: 2026-03-31
  - rule: energy-transparency/trainig-energy
    reason: a typo
    approver: Programme officer
    expires: 2026-03-31
"""


def test_a_waiver_naming_no_applied_rule_is_a_warning(tmp_path: Path) -> None:
    (tmp_path / "d.yaml").write_text(DISCLOSURE, encoding="utf-8")
    engine = Engine()
    report = engine.check([tmp_path / "d.yaml"], engine.policies(["energy-transparency"]), as_of=dt.date(2026, 1, 1))
    [unused] = [f for f in report.findings if f.rule == "openwatt/waivers"]
    assert (unused.status, unused.severity, unused.location.line, unused.location.column) == ("fail", "warning", 8, 5)
    assert unused.message == ("the waiver of 'energy-transparency/trainig-energy' names no rule of the policies "
                              "applied (energy-transparency), so it waives nothing")
    assert unused.fix == "write the rule id as `openwatt policy show` lists it, or remove the waiver"
    [waived] = [f for f in report.findings if f.rule == "energy-transparency/training-energy"]
    assert waived.status == "waived"  # the well-named waiver still applies
    assert report.exit_code == 0  # a warning: it does not block under the default --fail-on error


def test_no_warning_when_the_input_waivers_are_ignored(tmp_path: Path) -> None:
    from openwatt.values.verdicts import InputWaivers

    (tmp_path / "d.yaml").write_text(DISCLOSURE, encoding="utf-8")
    engine = Engine()
    report = engine.check([tmp_path / "d.yaml"], engine.policies(["energy-transparency"]), as_of=dt.date(2026, 1, 1),
                          input_waivers=InputWaivers.IGNORE)
    assert not [f for f in report.findings if f.rule == "openwatt/waivers"]
