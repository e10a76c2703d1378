"""Imports: search path, qualified ids, overrides, params set through imports, diamonds."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from openwatt.documents.loading import parse_document
from openwatt.evaluation import evaluate
from openwatt.language.errors import PolicyErrors
from openwatt.language.loader import PolicyLoader

BASE = """\
policy base
title "Base"
version "1.0"
param budget = 500 MWh
rule energy-reported {
  title "Energy reported"
  severity error
  require energy.training.energy exists
}
rule within-budget {
  title "Within budget"
  severity error
  require energy.training.energy <= budget
}
"""
MIDDLE = """\
policy middle
title "Middle"
version "2.0"
import base
rule pue {
  title "PUE"
  severity warning
  require energy.training.pue exists
}
"""
DOC = parse_document(b'openwatt: "1.0"\nmodel: {id: x}\nenergy: {training: {energy: 450 MWh}}\n', "d.yaml")


@pytest.fixture
def packs(tmp_path: Path) -> Path:
    (tmp_path / "base.policy").write_text(BASE, encoding="utf-8")
    (tmp_path / "middle.policy").write_text(MIDDLE, encoding="utf-8")
    return tmp_path


def outcomes(source: str, packs: Path, **options: object) -> dict[str, tuple[str, str]]:
    policy = PolicyLoader([packs], **options).compile_source(source, "top.policy")  # type: ignore[arg-type]
    return {f.rule: (f.status.value, f.severity.value) for f in evaluate(policy, DOC, as_of=dt.date(2026, 1, 1))}


def header(imports: str) -> str:
    return f'policy top\ntitle "Top"\nversion "3.0"\n{imports}\n'


def test_imported_rules_are_qualified_and_nested_ones_keep_their_policy(packs: Path) -> None:
    assert outcomes(header("import middle"), packs) == {
        "middle/pue": ("fail", "warning"),
        "base/energy-reported": ("pass", "error"),
        "base/within-budget": ("pass", "error"),
    }


def test_severity_override_disable_and_set(packs: Path) -> None:
    source = header("import base {\n  severity energy-reported info\n  disable base/within-budget\n}")
    assert outcomes(source, packs) == {"base/energy-reported": ("pass", "info")}
    tightened = header("import base { set budget = 400 MWh }")
    assert outcomes(tightened, packs)["base/within-budget"] == ("fail", "error")


def test_set_reaches_a_param_declared_deeper_in_the_tree(packs: Path) -> None:
    source = header("import middle { set budget = 400 MWh }")
    assert outcomes(source, packs)["base/within-budget"] == ("fail", "error")


def test_a_policy_imported_twice_gives_its_rules_once(packs: Path) -> None:
    source = header("import middle\nimport base { severity within-budget warning }")
    assert outcomes(source, packs) == {
        "middle/pue": ("fail", "warning"),
        "base/energy-reported": ("pass", "error"),
        "base/within-budget": ("pass", "warning"),
    }


def test_command_line_set_wins_over_an_import_set(packs: Path) -> None:
    source = header("import base { set budget = 600 MWh }")
    assert outcomes(source, packs, overrides={"budget": "400 MWh"})["base/within-budget"] == ("fail", "error")


def test_conflicting_sets_are_an_error(packs: Path) -> None:
    source = header("import middle { set budget = 400 MWh }\nimport base { set budget = 300 MWh }")
    with pytest.raises(PolicyErrors) as caught:
        PolicyLoader([packs]).compile_source(source, "top.policy")
    [error] = caught.value.errors
    assert error.code == "OW036"
    assert error.message == "param 'budget' of 'base' is set to 300 MWh here and to 400 MWh at top.policy:4"


def test_sources_record_every_policy_for_provenance(packs: Path) -> None:
    policy = PolicyLoader([packs]).compile_source(header("import middle"), "top.policy")
    assert [(s.id, s.version) for s in policy.sources] == [("top", "3.0"), ("middle", "2.0"), ("base", "1.0")]
