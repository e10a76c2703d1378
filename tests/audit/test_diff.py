"""`openwatt diff` and `openwatt audit --compare`: a funder tightening a budget, a new version of a pack, inputs
added and removed, between two real audits; diff.csv's rows and order; folders that cannot be compared."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from conftest import EPOCH, SAMPLES, generate  # type: ignore[import-not-found]

GRANT = """policy grant
title "Grant"
version "1.0.0"
source "grant agreement"

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
NEW_RULE = """
rule emissions-stated {
  title "Training emissions stated"
  severity warning
  cite "Grant agreement 4.3"
  require energy.training.emissions exists
  message "no training emissions"
  fix "State them."
}
"""
COLUMNS = ["change", "id", "file", "rule", "old_params", "new_params", "old_status", "new_status"]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    generate(tmp_path / "in", 8)
    (tmp_path / "grant.policy").write_text(GRANT)
    return tmp_path


def _audit(openwatt, folder: Path, out: str, *argv: str):  # type: ignore[no-untyped-def]
    result = openwatt("audit", "in", "-p", "grant.policy", "--out", out, *argv, cwd=folder, env=EPOCH)
    assert result.stderr == ""
    return result


def _energy(folder: Path) -> dict[str, float]:
    """Each input's training energy in MWh, as the first audit's figures give it."""
    entries = [json.loads(line) for line in (folder / "old" / "findings.jsonl").read_text().splitlines()]
    return {e["file"]: e["figures"]["energy_kwh"] / 1000 for e in entries if "energy_kwh" in e["figures"]}


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(path.open(encoding="utf-8", newline="")))


def test_a_tighter_budget_shows_each_input_it_turns(openwatt, folder: Path) -> None:  # type: ignore[no-untyped-def]
    _audit(openwatt, folder, "old")
    _audit(openwatt, folder, "new", "--set", "budget=100 MWh")
    energy = _energy(folder)
    turned = sorted(f for f, mwh in energy.items() if 100 < mwh <= 500)
    assert turned, "the samples give energies between the two budgets"
    result = openwatt("diff", "old", "new", cwd=folder)
    assert (result.returncode, result.stderr) == (1, "")
    rows = _rows(folder / "new" / "diff.csv")
    assert rows[0] == COLUMNS
    expected = []
    old_verdicts = {json.loads(line)["file"]: json.loads(line)["verdict"]
                    for line in (folder / "old" / "findings.jsonl").read_text().splitlines()}
    for file in turned:
        if old_verdicts[file] == "pass":
            expected.append(["changed", file, file, "", "", "", "pass", "fail"])
        expected.append(["changed", file, file, "grant/within-budget", "budget=500 MWh", "budget=100 MWh", "pass",
                         "fail"])
    assert rows[1:] == expected
    lines = result.stdout.splitlines()
    assert lines[:3] == ["openwatt diff: old -> new", "settings that differ:",
                         "  policy grant: param budget: 500 MWh -> 100 MWh (set by --set)"]
    assert lines[-1] == (f"openwatt diff: {len(expected)} changes ({len(expected)} changed) in {len(turned)} input"
                         f"{'s' if len(turned) != 1 else ''}; new/diff.csv written")
    assert lines[3].split() == ["change", "file", "rule", "params", "old", "new"]
    assert lines[4 + (old_verdicts[turned[0]] == "pass")].split() == [
        "changed", turned[0], "grant/within-budget", "budget=500", "MWh", "->", "budget=100", "MWh", "pass", "fail"]


def test_the_same_audit_twice_has_no_change(openwatt, folder: Path) -> None:  # type: ignore[no-untyped-def]
    _audit(openwatt, folder, "old")
    _audit(openwatt, folder, "new", "--jobs", "2")
    result = openwatt("diff", "old", "new", "-o", "same.csv", cwd=folder)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "openwatt diff: old -> new\nopenwatt diff: no input or rule changed outcome; same.csv written\n"
    assert _rows(folder / "same.csv") == [COLUMNS]


def test_a_new_pack_version_and_other_inputs(openwatt, folder: Path) -> None:  # type: ignore[no-untyped-def]
    _audit(openwatt, folder, "old")
    (folder / "grant.policy").write_text(GRANT.replace('"1.0.0"', '"1.1.0"') + NEW_RULE)
    (folder / "in" / "submission-0002.yaml").unlink()
    shutil.copy(SAMPLES / "aurora-7b.yaml", folder / "in" / "zz-late.yaml")
    result = _audit(openwatt, folder, "new", "--compare", "old")
    assert result.returncode in (0, 1)
    rows = _rows(folder / "new" / "diff.csv")[1:]
    new = {json.loads(line)["file"]: json.loads(line)
           for line in (folder / "new" / "findings.jsonl").read_text().splitlines()}
    old = {json.loads(line)["file"]: json.loads(line)
           for line in (folder / "old" / "findings.jsonl").read_text().splitlines()}
    assert ["removed", "in/submission-0002.yaml", "in/submission-0002.yaml", "", "", "", old["in/submission-0002.yaml"]["verdict"], ""] in rows
    assert ["added", "in/zz-late.yaml", "in/zz-late.yaml", "", "", "", "", new["in/zz-late.yaml"]["verdict"]] in rows
    for file in sorted(set(old) & set(new)):
        [status] = [f["status"] for f in new[file]["findings"] if f["rule"] == "grant/emissions-stated"]
        assert ["added", file, file, "grant/emissions-stated", "", "", "", status] in rows
    assert [r[2] for r in rows] == sorted(r[2] for r in rows)  # by file
    assert "  policy grant: version 1.0.0 -> 1.1.0" in result.stdout.splitlines()
    assert "  policy grant: its source files differ" in result.stdout.splitlines()
    again = openwatt("diff", "old", "new", "-o", "again.csv", cwd=folder)
    assert (folder / "again.csv").read_bytes() == (folder / "new" / "diff.csv").read_bytes()
    assert again.returncode == 1


@pytest.mark.parametrize(("damage", "message"), [
    ("nowhere", "nowhere: no such folder"),
    ("no-findings", "new: findings.jsonl missing"),
    ("not-a-manifest", "new/manifest.json: not the manifest of an openwatt audit"),
    ("unsorted", "new/findings.jsonl:2: in/submission-0000.yaml out of order (an audit sorts its inputs by file)"),
    ("not-an-entry", "new/findings.jsonl:1: not an entry of an audit"),
])
def test_what_cannot_be_compared_says_why(openwatt, folder: Path, damage: str, message: str) -> None:  # type: ignore[no-untyped-def]
    _audit(openwatt, folder, "old")
    _audit(openwatt, folder, "new")
    findings = folder / "new" / "findings.jsonl"
    lines = findings.read_text().splitlines(keepends=True)
    hint = "give the --out folder of a finished audit"
    if damage == "no-findings":
        findings.unlink()
    elif damage == "not-a-manifest":
        (folder / "new" / "manifest.json").write_text("{}")
    elif damage == "unsorted":
        findings.write_text("".join([lines[1], lines[0], *lines[2:]]))
        hint = "compare the findings.jsonl an audit wrote (openwatt verify checks one)"
    elif damage == "not-an-entry":
        findings.write_text("".join(["[]\n", *lines[1:]]))
        hint = "compare the findings.jsonl an audit wrote (openwatt verify checks one)"
    result = openwatt("diff", "old", "nowhere" if damage == "nowhere" else "new", "-o", "d.csv", cwd=folder)
    assert (result.returncode, result.stdout, result.stderr) == (2, "", f"openwatt: error: {message}\n    hint: {hint}\n")
    assert not (folder / "d.csv").exists()


def test_audit_compare_refuses_a_folder_that_is_no_audit_before_auditing(openwatt, folder: Path) -> None:  # type: ignore[no-untyped-def]
    result = openwatt("audit", "in", "-p", "grant.policy", "--out", "new", "--compare", "old", cwd=folder, env=EPOCH)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == ("openwatt: error: --compare old: no such folder\n"
                             "    hint: give the --out folder of a finished audit\n")
    assert not (folder / "new").exists()
