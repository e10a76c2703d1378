"""Engine.check over the files and policies a user names: each checked once, whatever the spelling."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from openwatt.checking import Engine

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def test_a_file_named_twice_or_inside_a_named_folder_is_checked_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(SAMPLES)
    engine = Engine()
    policies = engine.policies(["recommended", "recommended"])
    assert [p.id for p in policies] == ["recommended"]
    once = engine.check(["aurora-7b.yaml"], policies, as_of=dt.date(2026, 1, 1))
    twice = engine.check(["aurora-7b.yaml", "./aurora-7b.yaml", "."], policies, as_of=dt.date(2026, 1, 1))
    aurora = [f for f in twice.findings if f.file == "aurora-7b.yaml"]
    assert aurora == list(once.findings)
    assert not [f for f in twice.findings if f.file.endswith("aurora-7b.yaml") and f.file != "aurora-7b.yaml"]
    assert [i.file for i in twice.provenance.inputs].count("aurora-7b.yaml") == 1


def test_source_date_epoch_fixes_the_report_time_for_library_users_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(SAMPLES)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    engine = Engine()
    report = engine.check(["aurora-7b.yaml"], engine.policies(["recommended"]), as_of=dt.date(2026, 1, 1))
    assert report.provenance.generated_at == "2026-01-01T00:00:00Z"


def test_a_rule_imported_with_other_params_is_judged_with_its_own(tmp_path: Path) -> None:
    (tmp_path / "budget.policy").write_text(
        'policy budget\ntitle "Budget"\nversion "1"\nparam limit = 500 MWh\n'
        'let used = energy.training.energy\n'
        'rule within { title "Within" severity error require used <= limit }\n', encoding="utf-8")
    (tmp_path / "strict.policy").write_text(
        'policy strict\ntitle "Strict"\nversion "1"\nimport budget { set limit = 100 MWh }\n', encoding="utf-8")
    (tmp_path / "same.policy").write_text(
        'policy same\ntitle "Same"\nversion "1"\nimport budget\n', encoding="utf-8")
    (tmp_path / "d.yaml").write_text('openwatt: "1.0"\nmodel: {id: x}\nenergy: {training: {energy: 433 MWh}}\n',
                                     encoding="utf-8")
    engine = Engine(search_path=[tmp_path])
    for order in (["budget", "strict", "same"], ["strict", "same", "budget"]):
        policies = engine.policies(order)
        report = engine.check([str(tmp_path / "d.yaml")], policies, as_of=dt.date(2026, 1, 1))
        statuses = {(f.rule, frozenset(f.required_by), f.params): (f.status, f.detail) for f in report.findings
                    if not f.is_input_problem}
        # one judgement for the two packs that apply the rule with the same params, one for the other
        assert statuses == {
            ("budget/within", frozenset({"budget", "same"}), (("limit", "500 MWh"),)): ("pass", ""),
            ("budget/within", frozenset({"strict"}), (("limit", "100 MWh"),)): (
                "fail", "energy.training.energy is 433 MWh; the policy requires at most 100 MWh"),
        }
    keys = {p.id: p.rules[0].key for p in engine.policies(["budget", "strict", "same"])}
    assert keys["budget"] == keys["same"] != keys["strict"]  # judged once for budget and same


@pytest.mark.parametrize("epoch", ["99999999999999999999", "9" * 5000, "253402300800", "soon"])
def test_a_source_date_epoch_that_is_no_date_gives_the_time_now(monkeypatch: pytest.MonkeyPatch,
                                                                  epoch: str) -> None:
    monkeypatch.chdir(SAMPLES)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    engine = Engine()
    report = engine.check(["aurora-7b.yaml"], engine.policies(["recommended"]), as_of=dt.date(2026, 1, 1))
    assert report.provenance.generated_at.startswith(str(dt.date.today().year))
