"""One input, one verdict: every judgement reported once however many packs require it, `check` and
`policy test` agreeing on every case, inputs counted, and an empty selection never passing.

The pairs-and-triples property evaluates the samples as `inputs.check_input` does after loading, merging
evidence and validating (steps that do not depend on the packs applied), so that 165 combinations stay fast."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import shutil
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import pytest
import yaml

from openwatt.checking import Engine
from openwatt.cli.main import main
from openwatt.documents import Document, load_document, merge_evidence
from openwatt.evaluation import AppliedPolicies, evaluate
from openwatt.findings import Finding
from openwatt.language.policy import CompiledPolicy
from openwatt.testing.running import DEFAULT_AS_OF, SCHEMA_CHECK

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
POLICIES = ROOT / "policies"
AS_OF = dt.date(2026, 1, 1)
PACKS = sorted(p.stem for p in POLICIES.glob("*.policy"))
SAMPLE_FILES = sorted(p for p in SAMPLES.rglob("*.yaml") if "hostile" not in p.parts)


@cache
def _engine() -> Engine:
    return Engine()


@cache
def _pack(pack: str) -> CompiledPolicy:
    return _engine().policy(pack)


@cache
def _documents() -> tuple[Document, ...]:
    """Every sample as `check` reads it, its evidence merged in (the same for any packs applied)."""
    return tuple(merge_evidence(load_document(p))[0] for p in SAMPLE_FILES)


def _evaluate(packs: Sequence[str]) -> list[Finding]:
    """The packs applied together to every sample: what check_input gives after loading and validation."""
    applied = AppliedPolicies([_pack(p) for p in packs])
    return [f for document in _documents() for f in evaluate(applied, document, as_of=AS_OF)]


@cache
def _alone(pack: str) -> dict[tuple[str, str, tuple[tuple[str, str], ...]], Finding]:
    return {(f.file, f.rule, f.params): f for f in _evaluate([pack])}


# --- the reproducers of the issue -----------------------------------------------------------------------------


def test_a_rule_two_applied_packs_require_is_one_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    engine = _engine()
    both = engine.check(["samples/delta-3b-estimated.yaml"], engine.policies(["recommended", "energy-transparency"]),
                        as_of=AS_OF)
    alone = engine.check(["samples/delta-3b-estimated.yaml"], engine.policies(["recommended"]), as_of=AS_OF)
    assert [(f.rule, f.status) for f in both.findings] == [(f.rule, f.status) for f in alone.findings]
    energy = [f for f in both.findings if f.rule.startswith("energy-transparency/")]
    assert energy and all(f.required_by == ("recommended", "energy-transparency") for f in energy)
    assert both.counts["fail"] == 3 == both.summary.failing_rules
    assert all(f.policy == "energy-transparency" and f.policy_version for f in energy)


def test_a_rule_imported_with_other_params_is_two_findings_said_apart(monkeypatch: pytest.MonkeyPatch,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(ROOT)
    engine = _engine()
    report = engine.check(["samples/cirrus-70b-custom-licence.yaml"],
                          engine.policies(["osaid-1.0", "funder-grant-example"]), as_of=AS_OF)
    described = [f for f in report.findings if f.rule == "osaid-1.0/unshareable-data-described"]
    assert [(f.status, f.required_by, dict(f.params)["unshareable_description_min_chars"]) for f in described] == [
        ("fail", ("funder-grant-example",), "200"), ("pass", ("osaid-1.0",), "80")]
    assert main(["check", "samples/cirrus-70b-custom-licence.yaml", "-p", "osaid-1.0", "-p", "funder-grant-example",
                 "--color", "never"]) == 1
    out = capsys.readouterr().out
    assert "  FAIL   error    osaid-1.0/unshareable-data-described [by funder-grant-example;" in out


def test_rule_ids_are_always_qualified_in_json(monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(ROOT)
    main(["check", "samples/delta-3b-estimated.yaml", "-p", "recommended", "-p", "energy-transparency",
          "--format", "json"])
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert findings and all(f["rule"].startswith(f"{f['policy']}/") for f in findings)


def test_inputs_are_counted_not_findings(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["check", "samples/", "--format", "json"]) == 2  # the malformed sample
    summary = json.loads(capsys.readouterr().out)["summary"]
    assert summary["inputs"] == {"total": 22, "checked": 22, "with_input_problems": 1, "with_failures": 20,
                                 "not_checked": 0}
    assert summary["by_status"]["error"] == 6  # the malformed sample's six schema problems


def test_the_text_view_ends_with_a_verdict_per_input(monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("model: [unclosed\n", encoding="utf-8")
    (tmp_path / "a.yaml").write_bytes((SAMPLES / "aurora-7b.yaml").read_bytes())
    shutil.copytree(SAMPLES / "evidence", tmp_path / "evidence")
    (tmp_path / "m.yaml").write_bytes((SAMPLES / "malformed" / "fjord-2b-malformed.yaml").read_bytes())
    monkeypatch.chdir(tmp_path)
    assert main(["check", "a.yaml", "broken.yaml", "m.yaml", "--color", "never"]) == 2
    tail = capsys.readouterr().out.split("\n\n")[-2:]
    assert tail == [
        "PASS   a.yaml\n"
        "ERROR  broken.yaml  could not be read\n"
        "FAIL   m.yaml  6 input problems, 7 errors, 9 warnings, 1 info failed",
        "3 inputs: 1 passed, 1 failed, 1 could not be checked, 1 checked with input problems\n"
        "findings: 30 passed, 17 failed (7 errors, 9 warnings, 1 info), 11 not applicable,\n"
        "          7 input or rule errors, 17 distinct rules failed\n"
        "exit code 2: 7 input or rule errors; 7 failures at or above --fail-on error\n",
    ]


@pytest.mark.parametrize("extra", [[], ["--input-format", "disclosure"]])
def test_an_empty_selection_is_an_error(extra: list[str], monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["check", "samples/model-cards", *extra]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("openwatt: error: no input found: searched samples/model-cards for *.yaml, "
                                   "*.yml, *.json (hidden files and folders left out)\n    hint: ")


def test_allow_empty_exits_0_and_a_folder_of_model_cards_is_searched_for_them(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["check", "samples/model-cards", "--allow-empty", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["inputs"]["total"] == 0
    main(["check", "samples/model-cards", "--input-format", "model-card", "--format", "json"])
    assert [v["file"] for v in json.loads(capsys.readouterr().out)["verdicts"]] == [
        "samples/model-cards/glacier-1b-instruct/README.md"]


def test_source_date_epoch_is_the_default_as_of(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "waivers.yaml").write_text(
        "openwatt: '1.0'\nmodel: {id: x}\nwaivers:\n  - {rule: training-energy, reason: r, approver: a, "
        "expires: 2026-03-31}\n", encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1775001600")  # 2026-04-01: the waiver has expired
    report = _engine().check([tmp_path / "waivers.yaml"], [_pack("energy-transparency")])
    assert report.provenance.as_of == "2026-04-01"
    [finding] = [f for f in report.findings if f.rule == "energy-transparency/training-energy"]
    assert finding.status == "fail" and finding.waiver.startswith("expired on 2026-03-31")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01: it holds
    report = _engine().check([tmp_path / "waivers.yaml"], [_pack("energy-transparency")])
    assert report.provenance.as_of == "2026-01-01"
    assert [f.status for f in report.findings if f.rule == "energy-transparency/training-energy"] == ["waived"]


# --- check and policy test agree --------------------------------------------------------------------------------


def _cases() -> list[tuple[str, int]]:
    return [(path.name, i) for path in sorted(POLICIES.glob("*.test.yaml"))
            for i, _ in enumerate(yaml.safe_load(path.read_text(encoding="utf-8"))["cases"])]


@pytest.mark.parametrize(("test_file", "index"), _cases(), ids=[f"{f}-{i}" for f, i in _cases()])
def test_check_gives_every_status_a_policy_test_case_expects(test_file: str, index: int, tmp_path: Path) -> None:
    """Each case's document (file or inline disclosure) checked with `check`, with the case's policy, params
    and date: every rule has the status the case expects of it (which `policy test` confirms)."""
    test = yaml.safe_load((POLICIES / test_file).read_text(encoding="utf-8"))
    case = test["cases"][index]
    params = {name: _param(value) for name, value in {**test.get("params", {}), **case.get("params", {})}.items()}
    engine = Engine(search_path=[POLICIES], params=params)
    policy = engine.policy(test["policy"])
    if "document" in case:
        source: Path | Document = (POLICIES / case["document"]).resolve()
    else:
        source = tmp_path / "inline.yaml"
        source.write_text(yaml.safe_dump(case["disclosure"]), encoding="utf-8")
    as_of = case.get("as_of") or DEFAULT_AS_OF
    report = engine.check([source], [policy], as_of=as_of if isinstance(as_of, dt.date) else
                          dt.date.fromisoformat(as_of))
    statuses = {f.rule: f.status.value for f in report.findings if not f.is_input_problem}
    statuses[SCHEMA_CHECK] = "error" if any(f.rule == SCHEMA_CHECK for f in report.findings) else "pass"
    for rule, expected in case["expect"].items():
        qualified = rule if "/" in rule else f"{policy.id}/{rule}"
        want = expected if isinstance(expected, str) else expected["status"]
        assert statuses[qualified] == want, (case["name"], rule)


def _param(value: object) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value) if not isinstance(value, dt.date) else value.isoformat()


def test_policy_test_reads_a_model_card_and_merges_evidence(tmp_path: Path) -> None:
    from openwatt.testing import run_tests

    (tmp_path / "card").mkdir()
    (tmp_path / "card" / "README.md").write_bytes((SAMPLES / "model-cards" / "glacier-1b-instruct" /
                                                   "README.md").read_bytes())
    (tmp_path / "d.yaml").write_text("openwatt: '1.0'\nmodel: {id: x}\nenergy:\n  training:\n"
                                     "    evidence: emissions.csv\n", encoding="utf-8")
    (tmp_path / "emissions.csv").write_bytes((SAMPLES / "evidence" / "emissions.csv").read_bytes())
    (tmp_path / "t.test.yaml").write_text(
        "policy: energy-transparency\ncases:\n"
        "  - name: a model card\n    document: card/README.md\n"
        "    expect: {training-energy: not_applicable, adaptation-energy: {status: fail, reason: missing}}\n"
        "  - name: energy from its evidence\n    document: d.yaml\n    expect: {training-energy: pass}\n",
        encoding="utf-8")
    report = run_tests([tmp_path / "t.test.yaml"])
    [result] = report.files
    assert [(c.name, c.verdict, c.mismatches, c.problems) for c in result.cases] == [
        ("a model card", "passed", (), ()), ("energy from its evidence", "passed", (), ())]


# --- every pair and triple of shipped packs ---------------------------------------------------------------------


@pytest.mark.parametrize("size", [2, 3])
def test_packs_together_judge_each_rule_once_and_as_each_pack_alone(size: int) -> None:
    for packs in itertools.combinations(PACKS, size):
        findings = [f for f in _evaluate(packs) if not f.is_input_problem]  # e.g. a waiver naming no rule applied
        judgements = [(f.file, f.rule, f.params) for f in findings]
        assert len(judgements) == len(set(judgements)), packs
        for f in findings:
            alone = [_alone(p)[f.file, f.rule, f.params] for p in f.required_by]
            assert {a.status for a in alone} == {f.status}, (packs, f.file, f.rule)
            assert f.severity == max((a.severity for a in alone), key=lambda s: s.rank), (packs, f.rule)
            assert f.status != "error", (packs, f.file, f.rule, f.message)
