"""`openwatt audit`: the output folder's files, an unreadable input recorded, --jobs giving the same bytes."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from conftest import EPOCH, generate  # type: ignore[import-not-found]

from openwatt.version import __version__

POLICY = "energy-transparency"


def _audit(openwatt, *argv: str):  # type: ignore[no-untyped-def]
    return openwatt("audit", *argv, env=EPOCH)


def test_outputs_one_line_and_row_per_input(openwatt, submissions: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (submissions / "broken.yaml").write_text("a: [\n")
    out = tmp_path / "out"
    result = _audit(openwatt, str(submissions), "-p", POLICY, "--out", str(out))
    assert result.returncode == 2  # an input could not be read
    assert result.stderr == ""
    lines = (out / "findings.jsonl").read_text().splitlines()
    assert len(lines) == 13
    entries = [json.loads(line) for line in lines]
    assert [e["file"] for e in entries] == sorted(e["file"] for e in entries)
    assert all(line == json.dumps(e, ensure_ascii=False, separators=(",", ":")) for line, e in zip(lines, entries))
    broken = next(e for e in entries if e["file"].endswith("broken.yaml"))
    assert broken["verdict"] == "error"
    assert [f["rule"] for f in broken["findings"]] == ["openwatt/load"]
    assert len(broken["sha256"]) == 64  # its bytes could be read, though not as YAML
    counted = {v: sum(e["verdict"] == v for e in entries) for v in ("pass", "fail", "error")}
    assert result.stdout == (f"openwatt audit: 13 inputs: {counted['pass']} pass, {counted['fail']} fail, "
                             f"1 error; outputs in {out}\n")
    first = entries[0]
    assert list(first) == ["id", "file", "sha256", "verdict", "findings", "figures"]
    assert list(first["findings"][0]) == ["file", "policy", "policy_version", "rule", "title", "status", "severity",
                                          "reason", "message", "detail", "values", "location", "cite", "fix",
                                          "waiver", "required_by", "params"]

    rows = list(csv.DictReader((out / "summary.csv").open()))
    assert list(rows[0]) == ["id", "file", "sha256", "verdict", "pass", "fail", "not_applicable", "waived", "error",
                             "failed_error", "failed_warning", "failed_info", "energy_per_flop",
                             "energy_per_flop_outlier", "carbon_intensity", "carbon_intensity_outlier"]
    assert [r["file"] for r in rows] == [e["file"] for e in entries]
    for row, entry in zip(rows, entries):
        assert row["verdict"] == entry["verdict"]
        assert int(row["fail"]) == sum(f["status"] == "fail" for f in entry["findings"])
        assert int(row["failed_warning"]) == sum(f["status"] == "fail" and f["severity"] == "warning"
                                                 for f in entry["findings"])

    rules = list(csv.DictReader((out / "rules.csv").open()))
    assert list(rules[0]) == ["rule", "params", "policy", "pass", "fail", "not_applicable", "waived", "error",
                              "pass_rate"]
    by_rule = {(r["rule"], r["params"]): r for r in rules}
    assert by_rule[("openwatt/load", "")]["error"] == "1"
    for (rule, params), row in by_rule.items():
        judged = [f for e in entries for f in e["findings"]
                  if f["rule"] == rule and "; ".join(f"{p['name']}={p['value']}" for p in f["params"]) == params]
        assert int(row["pass"]) == sum(f["status"] == "pass" for f in judged)
        passed, applicable = int(row["pass"]), sum(f["status"] != "not_applicable" for f in judged)
        assert row["pass_rate"] == (f"{passed / applicable:.4f}" if applicable else "")

    manifest = json.loads((out / "manifest.json").read_text())
    assert list(manifest) == ["openwatt_audit", "openwatt_version", "started_at", "ended_at", "as_of", "fail_on",
                              "input_format", "input_waivers", "waivers", "sources", "include", "exclude", "inputs",
                              "named_policies", "policy_path", "params", "config_params", "policies", "outputs"]
    assert (manifest["openwatt_version"], manifest["started_at"], manifest["ended_at"], manifest["as_of"],
            manifest["inputs"]) == (__version__, "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", "2026-01-01", 13)
    [policy] = manifest["policies"]
    assert policy["id"] == POLICY and policy["version"] and len(policy["sources"][0]["sha256"]) == 64
    assert policy["params"]["emissions_tolerance"]["set_by"] == "default"


def test_a_manifest_gives_each_submission_its_id(openwatt, submissions: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    manifest = tmp_path / "list.csv"
    manifest.write_text("id,path\nA-1,in/submission-0001.yaml\nA-2,in/missing.yaml\n")
    out = tmp_path / "out"
    result = _audit(openwatt, str(manifest), "-p", POLICY, "--out", str(out))
    assert result.returncode == 2
    entries = [json.loads(line) for line in (out / "findings.jsonl").read_text().splitlines()]
    assert [(e["id"], e["verdict"]) for e in entries] == [("A-2", "error"), ("A-1", entries[1]["verdict"])]
    assert entries[0]["findings"][0]["message"] == "no such file or directory"


def test_jobs_2_gives_the_bytes_of_jobs_1(openwatt, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    generate(tmp_path / "in", 70)  # more than two batches
    outputs = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"out-{jobs}"
        result = _audit(openwatt, str(tmp_path / "in"), "-p", POLICY, "--out", str(out), "--jobs", jobs)
        assert result.returncode in (0, 1), result.stderr
        outputs[jobs] = {name: (out / name).read_bytes() for name in ("findings.jsonl", "summary.csv", "rules.csv",
                                                                      "manifest.json")}
    assert outputs["1"] == outputs["2"]
    assert len(outputs["1"]["findings.jsonl"].splitlines()) == 70


def test_a_policy_with_errors_audits_nothing(openwatt, submissions: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = _audit(openwatt, str(submissions), "-p", "no-such-pack", "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert result.stderr.endswith("1 error in policy; nothing was audited\n")
    assert not (tmp_path / "out").exists()


def test_jobs_must_be_a_whole_number(openwatt, submissions: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = _audit(openwatt, str(submissions), "-p", POLICY, "--out", str(tmp_path), "--jobs", "0")
    assert result.returncode == 2
    assert result.stderr.endswith(
        "openwatt: error: argument --jobs: expected a whole number of processes, at least 1, got '0'\n")


def test_no_input_found(openwatt, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "empty").mkdir()
    result = _audit(openwatt, str(tmp_path / "empty"), "-p", POLICY, "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert result.stderr.endswith(f"openwatt: error: no input found in {tmp_path / 'empty'}\n"
                                  "    hint: check the paths and the --include globs\n")


def test_a_link_leading_outside_is_an_input_in_error(openwatt, submissions: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    secret = tmp_path / "secret.yaml"
    secret.write_text("model: {id: secret}\n")
    (submissions / "zz-link.yaml").symlink_to(secret)
    out = tmp_path / "out"
    result = _audit(openwatt, str(submissions), "-p", POLICY, "--out", str(out))
    assert result.returncode == 2
    last = json.loads((out / "findings.jsonl").read_text().splitlines()[-1])
    assert (last["file"], last["sha256"], last["verdict"]) == (str(submissions / "zz-link.yaml"), "", "error")
    [finding] = last["findings"]
    assert (finding["rule"], finding["message"], finding["fix"]) == (
        "openwatt/load", f"symbolic link to {secret} leads outside {submissions}; not followed",
        "link the file inside the folder audited, or give the file it points to as a SOURCE itself")


def test_an_unusable_source_date_epoch_gives_the_time_now(openwatt, submissions: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    openwatt("audit", str(submissions), "-p", POLICY, "--out", str(out), "--as-of", "2026-01-01",
             env={"SOURCE_DATE_EPOCH": "9" * 30})
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["started_at"].endswith("Z") and not manifest["started_at"].startswith("2026-01-01T00:00:00")


def test_a_submitters_own_waivers_are_reported_not_applied_by_default(tmp_path: Path) -> None:
    from openwatt.cli.main import main

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "d.yaml").write_text(
        "openwatt: '1.0'\nmodel: {id: x}\nwaivers:\n  - {rule: energy-transparency/training-energy, reason: mine, "
        "approver: me, expires: 9999-12-31}\n", encoding="utf-8")
    for mode, status in (None, "fail"), ("apply", "waived"):
        out = tmp_path / f"out-{mode}"
        argv = ["audit", str(folder), "-p", "energy-transparency", "--out", str(out), "--as-of", "2026-01-01"]
        main([*argv, "--input-waivers", mode] if mode else argv)
        [line] = (out / "findings.jsonl").read_text(encoding="utf-8").splitlines()
        [finding] = [f for f in json.loads(line)["findings"] if f["rule"] == "energy-transparency/training-energy"]
        assert finding["status"] == status, mode
    manifest = json.loads((tmp_path / "out-None" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["input_waivers"] == "report"


def test_a_waivers_file_applies_and_is_recorded(tmp_path: Path) -> None:
    from openwatt.cli.main import main

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "d.yaml").write_text("openwatt: '1.0'\nmodel: {id: x}\n", encoding="utf-8")
    (tmp_path / "w.yaml").write_text("waivers:\n  - {rule: energy-transparency/training-energy, reason: agreed, "
                                     "approver: PO, expires: 2026-06-30}\n", encoding="utf-8")
    out = tmp_path / "out"
    main(["audit", str(folder), "-p", "energy-transparency", "--out", str(out), "--as-of", "2026-01-01",
          "--waivers", str(tmp_path / "w.yaml")])
    [line] = (out / "findings.jsonl").read_text(encoding="utf-8").splitlines()
    [finding] = [f for f in json.loads(line)["findings"] if f["rule"] == "energy-transparency/training-energy"]
    assert finding["status"] == "waived"
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["waivers"] == [{"rule": "energy-transparency/training-energy", "reason": "agreed",
                                    "approver": "PO", "expires": "2026-06-30", "origin": f"{tmp_path / 'w.yaml'}:2"}]
