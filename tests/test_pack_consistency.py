"""The shipped openness packs do not contradict each other on the same disclosure (issue 11).

`recommended`, `osaid-1.0` and the MOF packs each judge the licence of the final weights. Before issue 11,
`recommended/weights-licence` failed weights under open data licences (CDLA-Permissive-2.0, OpenMDW-1.0,
CC-BY-4.0) that `osaid-1.0/parameters` accepted and that the MOF names as the type-appropriate licences for
weights, so a developer following one shipped pack failed another. The reading now shared (each rule's
description says so): OSAID 1.0 asks "OSI-approved terms" for parameters, not "licenses", and the MOF treats
weights as data, so an OSI-approved licence or an open data licence passes in all three.

What remains different is written down here, with its source:
- the MOF packs warn (never fail) on weights under an open source code licence such as Apache-2.0: the MOF asks
  for an open data licence on data including weights and the Model Openness Tool shows "should have a
  type-appropriate open license" without changing the class (mof.md section 3.4);
- two ids on the MOT's own data type list fail the MOT's openness test (mof.md section 3.3: its hard-coded list
  spells the public domain dedication `ODC-PDDL-1.0`, not the SPDX `PDDL-1.0`, and has no `C-UDA-1.0`); the MOF
  packs reproduce the MOT's class exactly, so they fail them where the others accept them.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import shutil
from pathlib import Path

import pytest
import yaml

from openwatt.checking import Engine
from openwatt.findings import Finding, Report

ROOT = Path(__file__).resolve().parents[1]
AURORA = ROOT / "samples" / "aurora-7b.yaml"
AS_OF = dt.date(2026, 12, 1)

# The rule of each pack that judges the final weights' licence, all at severity error.
WEIGHTS_RULES = {
    "recommended": "recommended/weights-licence",
    "osaid-1.0": "osaid-1.0/parameters",
    "mof-class-iii": "mof-class-iii/parameters-final",
}
TYPE_WARNING = "mof-class-iii/data-licence-types"

# Licences the three packs' texts name for weights: the issue's three, the MOF examples (LF AI & Data blog,
# 22 July 2025: "e.g. CDLA-Permissive-2.0, CC-BY-4.0" for data; Apache-2.0 and MIT for code), the MOT's
# community defaults (MIT, CDLA-Permissive-2.0) and the MOT's data type list (mof.md section 3.4).
OPEN_DATA = ["CDLA-Permissive-2.0", "OpenMDW-1.0", "CC-BY-4.0", "CDLA-Permissive-1.0", "CC0-1.0", "ODC-By-1.0"]
OPEN_SOURCE = ["Apache-2.0", "MIT"]
# Not open in any pack: a community licence with use restrictions, a non-commercial licence and a near miss.
CLOSED = ["LicenseRef-Llama-2-Community-License", "CC-BY-NC-4.0", "Apache 2.0"]
# Accepted by recommended and osaid-1.0, failed by the MOF packs, which reproduce the MOT (mof.md section 3.3).
MOT_QUIRKS = ["PDDL-1.0", "C-UDA-1.0"]


@functools.cache
def _engine() -> Engine:
    return Engine()


@functools.cache
def _aurora() -> str:
    return AURORA.read_text(encoding="utf-8")


def _with_weights_licence(tmp_path: Path, licence: str) -> Path:
    """Aurora 7B, the fully open sample, with its final weights under `licence` (nothing else changed; its
    evidence file is copied beside it)."""
    evidence = tmp_path / "evidence" / "aurora-7b"
    if not evidence.exists():
        shutil.copytree(ROOT / "samples" / "evidence" / "aurora-7b", evidence)
    data = yaml.safe_load(_aurora())
    weights = [c for c in data["components"] if c["kind"] == "parameters-final"]
    assert len(weights) == 1
    weights[0]["license"] = licence
    path = tmp_path / f"aurora-{re.sub(r'[^A-Za-z0-9.-]', '_', licence)}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def _report(path: Path, pack: str) -> Report:
    engine = _engine()
    return engine.check([path], [engine.policy(pack)], as_of=AS_OF)


def _finding(report: Report, rule: str) -> Finding:
    (finding,) = [f for f in report.findings if f.rule == rule]
    return finding


def _verdicts(tmp_path: Path, licence: str) -> dict[str, str]:
    path = _with_weights_licence(tmp_path, licence)
    return {pack: str(_finding(_report(path, pack), rule).status) for pack, rule in WEIGHTS_RULES.items()}


@pytest.mark.parametrize("licence", OPEN_DATA)
def test_open_data_weights_pass_every_pack_without_a_warning(tmp_path: Path, licence: str) -> None:
    path = _with_weights_licence(tmp_path, licence)
    for pack in WEIGHTS_RULES:
        report = _report(path, pack)
        assert report.exit_code == 0, (pack, [f"{f.rule}: {f.message}" for f in report.blocking()])
        failed = [f.rule for f in report.findings if f.status == "fail"]
        assert failed == [], (pack, failed)


@pytest.mark.parametrize("licence", OPEN_SOURCE)
def test_open_source_weights_pass_every_pack_with_the_mof_type_warning_only(tmp_path: Path, licence: str) -> None:
    path = _with_weights_licence(tmp_path, licence)
    for pack in WEIGHTS_RULES:
        report = _report(path, pack)
        assert report.exit_code == 0, (pack, [f"{f.rule}: {f.message}" for f in report.blocking()])
        failed = [(f.rule, str(f.severity)) for f in report.findings if f.status == "fail"]
        assert failed == ([(TYPE_WARNING, "warning")] if pack == "mof-class-iii" else []), (pack, failed)
    warning = _finding(_report(path, "mof-class-iii"), TYPE_WARNING)
    assert warning.message == (f"The final parameters are under {licence}: open, but not an open data licence, "
                               "which the MOF asks for data including model weights.")


@pytest.mark.parametrize("licence", CLOSED)
def test_closed_weights_fail_every_pack(tmp_path: Path, licence: str) -> None:
    assert _verdicts(tmp_path, licence) == dict.fromkeys(WEIGHTS_RULES, "fail")


@pytest.mark.parametrize("licence", MOT_QUIRKS)
def test_the_only_divergence_is_the_mots_exact_id_test(tmp_path: Path, licence: str) -> None:
    assert _verdicts(tmp_path, licence) == {"recommended": "pass", "osaid-1.0": "pass", "mof-class-iii": "fail"}


def test_every_licence_a_weights_fix_recommends_passes_every_pack(tmp_path: Path) -> None:
    """Following one pack's fix never fails another: each licence id named in the fix of a weights rule."""
    engine = _engine()
    named: set[str] = set()
    for pack, rule_id in WEIGHTS_RULES.items():
        (rule,) = [r for r in _all_rules(engine, pack) if f"{r.origin}/{r.id}" == rule_id]
        named |= set(re.findall(r"\b(?:Apache-2\.0|MIT|CDLA-Permissive-2\.0|OpenMDW-1\.0|CC-BY-4\.0)\b", rule.fix.plain))
    assert {"CDLA-Permissive-2.0", "OpenMDW-1.0"} <= named
    for licence in sorted(named):
        assert _verdicts(tmp_path, licence) == dict.fromkeys(WEIGHTS_RULES, "pass"), licence


def test_each_weights_rule_says_which_reading_it_takes() -> None:
    engine = _engine()
    for pack in ("recommended", "osaid-1.0"):
        (rule,) = [r for r in _all_rules(engine, pack) if f"{r.origin}/{r.id}" == WEIGHTS_RULES[pack]]
        text = " ".join(rule.description.split())
        assert "OSI-approved terms" in text and "weights as data" in text, pack
        assert "mof-class-iii/data-licence-types" in text, pack


def _all_rules(engine: Engine, pack: str) -> list:  # type: ignore[type-arg]
    return list(engine.policy(pack).rules)
