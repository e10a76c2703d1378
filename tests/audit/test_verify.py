"""`openwatt verify`: real audits replayed; each kind of output file tampered with, named; a changed policy or
input refused, named with both digests; a check's JSON report verified the same way."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import sys
from pathlib import Path

import pytest
from conftest import EPOCH, SAMPLES, generate  # type: ignore[import-not-found]

from openwatt.version import __version__

POLICY = "energy-transparency"
GRANT = """policy grant
title "Grant"
version "1.0.0"
source "grant agreement"

import energy-transparency

param budget = 500 MWh description "Training energy budget"

rule within-budget {
  title "Training energy within the budget"
  severity error
  cite "Grant agreement 4.2"
  when energy.training.energy exists
  require energy.training.energy <= budget
  message "training used {energy.training.energy}; the grant allows {budget}"
  fix "Ask for a waiver."
}
"""
OUTPUTS = "findings.jsonl, summary.csv, rules.csv, report.html and manifest.json"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def audited(openwatt, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    """An audit of 12 generated disclosures and one broken file, run from tmp_path with relative paths."""
    generate(tmp_path / "in", 12)
    (tmp_path / "in" / "broken.yaml").write_text("a: [\n")
    (tmp_path / "grant.policy").write_text(GRANT)
    result = openwatt("audit", "in", "-p", "grant.policy", "--set", "budget=1000 MWh", "--out", "out", cwd=tmp_path,
                      env=EPOCH)
    assert (result.returncode, result.stderr) == (2, "")  # the broken input
    return tmp_path


def _verify(openwatt, folder: Path, *argv: str):  # type: ignore[no-untyped-def]
    return openwatt("verify", *argv, cwd=folder)


def _lines(path: Path) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in path.read_text().splitlines()]


def _write_lines(path: Path, entries: list[dict]) -> None:  # type: ignore[type-arg]
    path.write_text("".join(json.dumps(e, ensure_ascii=False, separators=(",", ":")) + "\n" for e in entries))


def test_an_untouched_audit_is_verified(openwatt, audited: Path) -> None:  # type: ignore[no-untyped-def]
    for jobs in ("1", "2"):
        result = _verify(openwatt, audited, "out", "--jobs", jobs)
        assert (result.returncode, result.stderr) == (0, "")
        assert result.stdout == f"openwatt verify: out: verified: 13 inputs replayed; {OUTPUTS} are what the replay gives\n"


def test_the_manifest_records_what_a_replay_needs(audited: Path) -> None:
    manifest = json.loads((audited / "out" / "manifest.json").read_text())
    assert (manifest["sources"], manifest["include"], manifest["exclude"]) == (["in"], [], [])
    assert (manifest["named_policies"], manifest["params"]) == (["grant.policy"], {"budget": "1000 MWh"})
    assert manifest["policy_path"] == [] and manifest["config_params"] == {}
    assert manifest["outputs"] == {name: _sha(audited / "out" / name)
                                   for name in ("findings.jsonl", "summary.csv", "rules.csv", "report.html")}


def test_a_changed_verdict_and_finding_are_named(openwatt, audited: Path) -> None:  # type: ignore[no-untyped-def]
    findings = audited / "out" / "findings.jsonl"
    recorded = _sha(findings)
    entries = _lines(findings)
    failing = next(e for e in entries if e["verdict"] == "fail" and any(f["status"] == "fail" for f in e["findings"]))
    failed = next(f for f in failing["findings"] if f["status"] == "fail")
    verdict = failing["verdict"]
    failing["verdict"], failed["status"] = "pass", "pass"
    _write_lines(findings, entries)
    result = _verify(openwatt, audited, "out")
    assert (result.returncode, result.stderr) == (1, "")
    params = "; ".join(f"{p['name']}={p['value']}" for p in failed["params"])
    key = f"{failed['rule']}{f' [{params}]' if params else ''} at {failed['location']['path']}"
    assert result.stdout.splitlines() == [
        f"  findings.jsonl: edited after the audit (sha256 recorded {recorded}, now {_sha(findings)})",
        f"  findings.jsonl: {failing['file']}: verdict recorded 'pass', replayed {verdict!r}",
        f"  findings.jsonl: {failing['file']}: finding {key}: status recorded 'pass', replayed 'fail'",
        "openwatt verify: out: NOT verified: 3 differences from a replay of 13 inputs; the outputs were changed after "
        "they were written",
    ]


def test_an_edit_with_the_digest_recomputed_is_found_by_the_replay(openwatt, audited: Path) -> None:  # type: ignore[no-untyped-def]
    out = audited / "out"
    entries = _lines(out / "findings.jsonl")
    message, entries[0]["findings"][0]["message"] = entries[0]["findings"][0]["message"], "all good"
    _write_lines(out / "findings.jsonl", entries)
    manifest = json.loads((out / "manifest.json").read_text())
    recorded, manifest["outputs"]["findings.jsonl"] = manifest["outputs"]["findings.jsonl"], _sha(out / "findings.jsonl")
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    result = _verify(openwatt, audited, "out")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines == [
        f"  findings.jsonl: {entries[0]['file']}: finding openwatt/load: message recorded 'all good', replayed "
        f"{message!r}",
        f"  manifest.json: outputs.findings.jsonl: recorded '{_sha(out / 'findings.jsonl')}', replayed '{recorded}'",
        "openwatt verify: out: NOT verified: 2 differences from a replay of 13 inputs; the outputs have the sha256 "
        "manifest.json records, yet the replay judges otherwise: an evidence file a submission cites changed since, "
        "or manifest.json was edited with them"]


def test_a_removed_line_is_named(openwatt, audited: Path) -> None:  # type: ignore[no-untyped-def]
    findings = audited / "out" / "findings.jsonl"
    entries = _lines(findings)
    removed = entries.pop(4)
    _write_lines(findings, entries)
    result = _verify(openwatt, audited, "out")
    assert result.returncode == 1
    assert f"  findings.jsonl: {removed['file']}: missing (the replay has it: a line removed, or moved out of order)" \
        in result.stdout.splitlines()


def test_an_added_line_is_named(openwatt, audited: Path) -> None:  # type: ignore[no-untyped-def]
    findings = audited / "out" / "findings.jsonl"
    entries = _lines(findings)
    forged = dict(entries[-1], file="in/zz-forged.yaml", id="in/zz-forged.yaml")
    _write_lines(findings, [*entries, forged])
    result = _verify(openwatt, audited, "out")
    assert result.returncode == 1
    assert "  findings.jsonl: in/zz-forged.yaml: not in the replay (a line added, or moved out of order)" \
        in result.stdout.splitlines()
    _write_lines(findings, [*entries[:3], entries[2], *entries[3:]])  # a line twice
    result = _verify(openwatt, audited, "out")
    assert result.returncode == 1
    assert f"  findings.jsonl: {entries[2]['file']}: a second line (line 4)" in result.stdout.splitlines()


def test_edited_tables_and_page_are_named(openwatt, audited: Path) -> None:  # type: ignore[no-untyped-def]
    out = audited / "out"
    summary = (out / "summary.csv").read_text().splitlines()
    cells = summary[1].split(",")
    verdict, cells[3] = cells[3], "pass"
    (out / "summary.csv").write_text("\n".join([summary[0], ",".join(cells), *summary[2:]]) + "\n")
    rules = (out / "rules.csv").read_text().splitlines()
    rule = rules[1].split(",")
    rule[3] = str(int(rule[3]) + 1)
    (out / "rules.csv").write_text("\n".join([rules[0], ",".join(rule), *rules[2:]]) + "\n")
    (out / "report.html").write_text((out / "report.html").read_text().replace("<title>", "<title>Approved "))
    result = _verify(openwatt, audited, "out")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert f"  summary.csv: {cells[1]}: verdict recorded 'pass', replayed '{verdict}'" in lines
    assert f"  rules.csv: {rule[0]}{f' [{rule[1]}]' if rule[1] else ''}: pass recorded '{rule[3]}', replayed " \
           f"'{int(rule[3]) - 1}'" in lines
    assert "  report.html: differs from the page the replay writes" in lines
    assert sorted(line.split(":")[0] for line in lines if "edited after the audit" in line) == \
        ["  report.html", "  rules.csv", "  summary.csv"]


def test_a_changed_setting_in_the_manifest_is_found(openwatt, audited: Path) -> None:  # type: ignore[no-untyped-def]
    """The manifest claims a budget the findings were not judged with: the replay judges with the claim."""
    manifest_path = audited / "out" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["params"]["budget"] = "1 MWh"
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
    result = _verify(openwatt, audited, "out")
    assert result.returncode == 1
    assert "  findings.jsonl: in/submission-0000.yaml: finding grant/within-budget at energy.training.energy: params " \
        'recorded [{"name": "budget", "value": "1000 MWh"}], replayed [{"name": "budget", "value": "1 MWh"}]' \
        in result.stdout.splitlines()


def test_a_changed_policy_is_refused_with_both_digests(openwatt, audited: Path) -> None:  # type: ignore[no-untyped-def]
    policy = audited / "grant.policy"
    recorded = _sha(policy)
    policy.write_text(GRANT.replace('"Grant"', '"Grant, amended"'))
    result = _verify(openwatt, audited, "out")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "openwatt: error: out: cannot replay the audit: 1 policy changed since\n"
        f"    policy grant (grant.policy): sha256 recorded {recorded}, now {_sha(policy)}\n"
        "    hint: audit again to judge the current files; verify proves an audit only against the files it read\n")


def test_changed_added_and_removed_inputs_are_refused(openwatt, audited: Path) -> None:  # type: ignore[no-untyped-def]
    changed = audited / "in" / "submission-0003.yaml"
    recorded = _sha(changed)
    changed.write_text(changed.read_text() + "\n# edited\n")
    (audited / "in" / "submission-0005.yaml").unlink()
    shutil.copy(SAMPLES / "aurora-7b.yaml", audited / "in" / "late.yaml")
    result = _verify(openwatt, audited, "out")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "openwatt: error: out: cannot replay the audit: 3 inputs changed since\n"
        f"    input in/late.yaml: selected by the sources now, not in findings.jsonl (added since the audit, or its "
        "line removed)\n"
        f"    input in/submission-0003.yaml: sha256 recorded {recorded}, now {_sha(changed)}\n"
        "    input in/submission-0005.yaml: in findings.jsonl, not selected by the sources now (removed or renamed "
        "since the audit, or its line added)\n"
        "    hint: audit again to judge the current files; verify proves an audit only against the files it read\n")


def test_the_samples_with_their_evidence_files(openwatt, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Evidence files have no sha256 in findings.jsonl: one changed since shows as outcomes the replay judges
    otherwise, with outputs that are as written."""
    shutil.copytree(SAMPLES, tmp_path / "samples", ignore=shutil.ignore_patterns("hostile"))
    made = openwatt("audit", "samples", "-p", "recommended", "-p", "funder-grant-example", "--out", "out", "--jobs",
                    "2", cwd=tmp_path)
    assert made.stderr == ""
    result = _verify(openwatt, tmp_path, "out", "--jobs", "2")
    assert (result.returncode, result.stderr) == (0, "")
    evidence = tmp_path / "samples" / "evidence" / "aurora-7b" / "emissions.csv"
    evidence.write_text(evidence.read_text().replace(",4144.0,", ",9144.0,"))
    result = _verify(openwatt, tmp_path, "out")
    assert (result.returncode, result.stderr) == (1, "")
    lines = result.stdout.splitlines()
    assert "  findings.jsonl: samples/aurora-7b.yaml: finding openwatt/evidence at energy.training.emissions: missing " \
        "(the replay has it)" in lines
    assert not any("edited after the audit" in line for line in lines)
    assert lines[-1].endswith("; the outputs have the sha256 manifest.json records, yet the replay judges otherwise: "
                              "an evidence file a submission cites changed since, or manifest.json was edited with them")


@pytest.mark.parametrize(("damage", "message", "hint"), [
    ("no-summary", "out: summary.csv missing", "verify a complete audit folder (an audit interrupted before its "
     "end has none: finish it with --resume)"),
    ("no-manifest", "out/manifest.json: missing", "give the --out folder of a finished audit"),
    ("garbage-manifest", "out/manifest.json: not the manifest of an openwatt audit (openwatt_audit: 1)",
     "give the --out folder of a finished audit"),
    ("other-version", f"out/manifest.json: written by openwatt 0.0.1, this is openwatt {__version__}",
     "verify with openwatt 0.0.1 (pip install openwatt==0.0.1): another version may judge the same files "
     "differently"),
    ("older-manifest", "out/manifest.json: does not record named_policies, outputs, which a replay needs",
     "the audit was written by an openwatt without verify: audit again"),
    ("bad-setting", "out/manifest.json: cannot be replayed: ValueError: 'sometimes' is not a valid FailOn",
     "the manifest was edited: restore it, or audit again"),
    ("bad-sources", "out/manifest.json: cannot be replayed: TypeError: sources is not a list of strings",
     "the manifest was edited: restore it, or audit again"),
    ("bad-policies", "out/manifest.json: cannot be replayed: KeyError: 'sources'",
     "the manifest was edited: restore it, or audit again"),
])
def test_what_cannot_be_verified_says_why(openwatt, audited: Path, damage: str, message: str, hint: str) -> None:  # type: ignore[no-untyped-def]
    out = audited / "out"
    manifest = json.loads((out / "manifest.json").read_text())
    if damage == "no-summary":
        (out / "summary.csv").unlink()
    elif damage == "no-manifest":
        (out / "manifest.json").unlink()
    elif damage == "garbage-manifest":
        (out / "manifest.json").write_text("[1, 2]")
    else:
        if damage == "other-version":
            manifest["openwatt_version"] = "0.0.1"
        elif damage == "older-manifest":
            del manifest["named_policies"], manifest["outputs"]
        elif damage == "bad-sources":
            manifest["sources"] = 5
        elif damage == "bad-policies":
            del manifest["policies"][0]["sources"]
        else:
            manifest["fail_on"] = "sometimes"
        (out / "manifest.json").write_text(json.dumps(manifest))
    result = _verify(openwatt, audited, "out")
    assert (result.returncode, result.stdout, result.stderr) == (2, "", f"openwatt: error: {message}\n    hint: {hint}\n")


def test_a_json_report_is_replayed(openwatt, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for name in ("aurora-7b.yaml", "glacier-1b.yaml"):
        shutil.copy(SAMPLES / name, tmp_path / name)
    made = openwatt("check", "aurora-7b.yaml", "glacier-1b.yaml", "-p", POLICY, "--set", "emissions_tolerance=1.2",
                    "--format", "json", "-o", "report.json", cwd=tmp_path, env=EPOCH)
    assert made.stderr == ""
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["provenance"]["run"] == {
        "paths": ["aurora-7b.yaml", "glacier-1b.yaml"], "policies": [POLICY], "policy_path": [],
        "params": [{"name": "emissions_tolerance", "value": "1.2"}], "config_params": [], "input_format": None,
        "allow_no_rules": False, "waivers": []}
    result = _verify(openwatt, tmp_path, "report.json")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "openwatt verify: report.json: verified: 2 inputs replayed; report.json is what the replay gives\n"

    failed = next(f for f in report["findings"] if f["status"] == "fail")
    failed["status"] = "pass"
    (tmp_path / "forged.json").write_text(json.dumps(report, indent=2))
    result = _verify(openwatt, tmp_path, "forged.json")
    assert result.returncode == 1
    params = "; ".join(f"{p['name']}={p['value']}" for p in failed["params"])
    assert f"  forged.json: {failed['file']}: finding {failed['rule']}{f' [{params}]' if params else ''} at " \
           f"{failed['location']['path']}: status recorded 'pass', replayed 'fail'" in result.stdout.splitlines()

    recorded = _sha(tmp_path / "glacier-1b.yaml")
    (tmp_path / "glacier-1b.yaml").write_text((tmp_path / "glacier-1b.yaml").read_text() + "# edited\n")
    result = _verify(openwatt, tmp_path, "report.json")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.splitlines()[:2] == [
        "openwatt: error: report.json: cannot replay the check: 1 input changed since",
        f"    input glacier-1b.yaml: sha256 recorded {recorded}, now {_sha(tmp_path / 'glacier-1b.yaml')}"]


def test_a_report_without_its_settings_cannot_be_verified(openwatt, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from openwatt import Engine
    from openwatt.reports.json_report import render

    engine = Engine()
    report = engine.check([SAMPLES / "aurora-7b.yaml"], engine.policies([POLICY]))
    (tmp_path / "library.json").write_text(render(report))
    result = _verify(openwatt, tmp_path, "library.json")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == ("openwatt: error: library.json: records no provenance.run, which a replay needs\n"
                             "    hint: write the report with openwatt check --format json (openwatt with verify)\n")
    result = _verify(openwatt, tmp_path, "nothing.json")
    assert result.stderr == ("openwatt: error: nothing.json: no such file or folder\n"
                             "    hint: give an audit's --out folder, or a check --format json report\n")


def test_a_report_of_standard_input_cannot_be_verified(openwatt, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO((SAMPLES / "glacier-1b.yaml").read_bytes()),
                                                       encoding="utf-8"))
    made = openwatt("check", "-", "--format", "json", "-o", str(tmp_path / "stdin.json"), cwd=tmp_path)
    assert made.stderr == ""
    result = _verify(openwatt, tmp_path, "stdin.json")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == ("openwatt: error: stdin.json: checked standard input, which cannot be read again\n"
                             "    hint: check files instead of -, then verify that report\n")
