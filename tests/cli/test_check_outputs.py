"""`openwatt check` writing several formats at once (`--output FORMAT=FILE`), the documents machine formats still
write when the check could not run, and one input from standard input (`-`)."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import jsonschema
import pytest

if TYPE_CHECKING:
    from conftest import Openwatt

ROOT = Path(__file__).resolve().parents[2]
REPORT_SCHEMA = json.loads((ROOT / "schemas" / "report.schema.json").read_text(encoding="utf-8"))
Validator = Callable[[str], None]

POLICY = """\
policy grant
title "Grant conditions"
version "2.0"

rule energy-reported {
  title "Training energy is reported"
  severity error
  require energy.training.energy exists
  fix "Report energy.training.energy, e.g. 433 MWh."
}
"""
OK = 'openwatt: "1.0"\nmodel:\n  id: ok\nenergy:\n  training:\n    energy: 433 MWh\n'
NONE = 'openwatt: "1.0"\nmodel:\n  id: none\n'


@pytest.fixture
def work(tmp_path: Path) -> Path:
    (tmp_path / "grant.policy").write_text(POLICY, encoding="utf-8")
    (tmp_path / "bad.policy").write_text(POLICY.replace("energy.training.energy exists", "energy.trainig.energy exists"),
                                         encoding="utf-8")
    (tmp_path / "ok.yaml").write_text(OK, encoding="utf-8")
    (tmp_path / "none.yaml").write_text(NONE, encoding="utf-8")
    return tmp_path


def test_several_formats_in_one_run(work: Path, openwatt: Openwatt, sarif_validator: Validator,
                                    junit_validator: Validator) -> None:
    result = openwatt("check", "ok.yaml", "none.yaml", "-p", "grant.policy", "--format", "json",
                      "--output", "sarif=x.sarif", "-o", "junit=x.xml", "-o", "csv=x.csv",
                      "--output", "text=x.txt", cwd=work)
    assert result.returncode == 1
    assert json.loads(result.stdout)["summary"]["blocking"] == 1
    sarif_validator((work / "x.sarif").read_text(encoding="utf-8"))
    junit_validator((work / "x.xml").read_text(encoding="utf-8"))
    assert (work / "x.csv").read_text(encoding="utf-8").count("\n") == 3
    assert (work / "x.txt").read_text(encoding="utf-8").endswith("exit code 1: 1 failure at or above --fail-on error\n")


def test_main_output_file_and_extra_formats(work: Path, openwatt: Openwatt) -> None:
    result = openwatt("check", "ok.yaml", "-p", "grant.policy", "--format", "markdown", "-o", "comment.md",
                      "-o", "github=annotations.txt", cwd=work)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert (work / "comment.md").read_text(encoding="utf-8").startswith("## openwatt: the input passes\n")
    assert (work / "annotations.txt").read_text(encoding="utf-8") == "openwatt: ok.yaml: PASS\n"


@pytest.mark.parametrize(("argv", "stderr"), [
    (("-o", "xml=report.xml"),
     "openwatt: error: --output 'xml=report.xml': unknown format 'xml'\n"
     "    hint: use one of text, json, jsonl, sarif, junit, github, markdown, csv; for a file whose name has '=', "
     "write ./xml=report.xml\n"),
    (("-o", "a.json", "-o", "b.json"),
     "openwatt: error: --output 'b.json': the --format report already goes to a.json\n"
     "    hint: give one FILE for --format, and FORMAT=FILE for each other format\n"),
    (("-o", "r.out", "-o", "sarif=r.out"),
     "openwatt: error: --output: r.out is named for two reports\n    hint: give each format a file of its own\n"),
    (("-o", "sarif="),
     "openwatt: error: --output 'sarif=': no file after '='\n    hint: e.g. --output sarif=report.sarif\n"),
])
def test_bad_outputs(argv: tuple[str, ...], stderr: str, work: Path, openwatt: Openwatt) -> None:
    result = openwatt("check", "ok.yaml", "-p", "grant.policy", *argv, cwd=work)
    assert (result.returncode, result.stdout, result.stderr) == (2, "", stderr)


POLICY_ERROR = ("bad.policy:8:11: OW010 unknown path 'energy.trainig'\n"
                "      require energy.trainig.energy exists\n"
                "              ^^^^^^^^^^^^^^\n"
                "    hint: did you mean 'energy.training'?\n"
                "\n1 error in policy; nothing was checked\n")


def test_policy_error_under_json_still_writes_a_report(work: Path, openwatt: Openwatt) -> None:
    result = openwatt("check", "ok.yaml", "-p", "bad.policy", "--format", "json", cwd=work)
    assert (result.returncode, result.stderr) == (2, POLICY_ERROR)
    report = json.loads(result.stdout)
    jsonschema.Draft202012Validator(REPORT_SCHEMA).validate(report)
    assert report["errors"] == [{"code": "OW010", "message": "unknown path 'energy.trainig'", "file": "bad.policy",
                                 "line": 8, "column": 11, "hint": "did you mean 'energy.training'?"}]
    assert report["summary"]["exit_code"] == 2


def test_policy_error_writes_every_machine_format_but_not_text(work: Path, openwatt: Openwatt,
                                                               sarif_validator: Validator,
                                                               junit_validator: Validator) -> None:
    result = openwatt("check", "ok.yaml", "-p", "bad.policy", "--output", "sarif=x.sarif", "--output", "junit=x.xml",
                      "--output", "text=x.txt", cwd=work)
    assert (result.returncode, result.stdout, result.stderr) == (2, "", POLICY_ERROR)
    sarif = (work / "x.sarif").read_text(encoding="utf-8")
    sarif_validator(sarif)
    assert json.loads(sarif)["runs"][0]["invocations"][0]["executionSuccessful"] is False
    junit = (work / "x.xml").read_text(encoding="utf-8")
    junit_validator(junit)
    assert '<error message="the check could not run: bad.policy:8:11: OW010' in junit
    assert not (work / "x.txt").exists()


def test_error_in_an_option_names_the_option_not_a_file(work: Path, openwatt: Openwatt) -> None:
    result = openwatt("check", "ok.yaml", "-p", "grant.policy", "--set", "budjet=1 MWh", "--format", "json", cwd=work)
    assert result.returncode == 2
    [error] = json.loads(result.stdout)["errors"]
    assert (error["file"], error["line"], error["message"]) == ("", 0, "--set: unknown param 'budjet'")


def test_no_input_under_sarif_still_writes_sarif(work: Path, openwatt: Openwatt, sarif_validator: Validator) -> None:
    (work / "empty").mkdir()
    result = openwatt("check", "empty", "-p", "grant.policy", "--format", "sarif", cwd=work)
    assert result.returncode == 2
    sarif_validator(result.stdout)
    [note] = json.loads(result.stdout)["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert note["message"]["text"] == (
        "the check could not run: no input found: searched empty for *.yaml, *.yml, *.json (hidden files and "
        "folders left out) (hint: give files or folders of disclosures; for a folder of Hugging Face model cards "
        "add --input-format model-card, for CodeCarbon logs --input-format codecarbon; --allow-empty exits 0)")


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def test_stdin_is_one_input_named_stdin(work: Path, openwatt: Openwatt, monkeypatch: pytest.MonkeyPatch) -> None:
    _stdin(monkeypatch, NONE.encode())
    result = openwatt("check", "-", "ok.yaml", "-p", "grant.policy", "--format", "csv", cwd=work)
    assert result.returncode == 1
    assert [line.split(",")[:2] for line in result.stdout.splitlines()[1:]] == [["<stdin>", "1"], ["ok.yaml", "6"]]


def test_stdin_that_cannot_be_read_is_a_load_finding(work: Path, openwatt: Openwatt,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    _stdin(monkeypatch, b"model: [unclosed\n")
    result = openwatt("check", "-", "-p", "grant.policy", "--format", "json", cwd=work)
    assert result.returncode == 2
    report = json.loads(result.stdout)
    assert [(f["file"], f["rule"], f["status"]) for f in report["findings"]] == [("<stdin>", "openwatt/load", "error")]
    assert report["verdicts"][0]["verdict"] == "error"
    assert report["provenance"]["inputs"] == [{"file": "<stdin>", "sha256": "", "role": "document"}]


def test_stdin_model_card_detected_by_its_front_matter(work: Path, openwatt: Openwatt,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    card = (ROOT / "samples" / "model-cards" / "glacier-1b-instruct" / "README.md").read_bytes()
    _stdin(monkeypatch, card)
    detected = openwatt("check", "-", "--format", "json", cwd=work)
    _stdin(monkeypatch, card)
    named = openwatt("check", "-", "--input-format", "model-card", "--format", "json", cwd=work)
    assert json.loads(detected.stdout)["findings"] == json.loads(named.stdout)["findings"]
    assert {f["file"] for f in json.loads(named.stdout)["findings"]} == {"<stdin>"}


def test_stdin_named_twice(work: Path, openwatt: Openwatt) -> None:
    result = openwatt("check", "-", "-", cwd=work)
    assert (result.returncode, result.stderr) == (
        2, "openwatt: error: standard input (-) is given more than once\n    hint: name - once\n")


def test_policy_error_under_json_to_a_file(work: Path, openwatt: Openwatt) -> None:
    # The case: `--format json -o out.json` with a policy that does not compile wrote no JSON at all.
    result = openwatt("check", "ok.yaml", "-p", "bad.policy", "--format", "json", "-o", "out.json", cwd=work)
    assert (result.returncode, result.stdout, result.stderr) == (2, "", POLICY_ERROR)
    report = json.loads((work / "out.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(REPORT_SCHEMA).validate(report)
    assert [e["code"] for e in report["errors"]] == ["OW010"]


@pytest.mark.parametrize(("raw", "expected"), [
    (b"---\nlicense: mit\n---\n# A model\n", "model-card"),
    (b"\xef\xbb\xbf---\r\nlicense: mit\r\n---\r\n\r\nText\r\n", "model-card"),
    (b"---\nopenwatt: '1.0'\nmodel:\n  id: x\n", None),  # a YAML document start, no front matter
    (b"---\na: 1\n---\n", None),  # two YAML documents, nothing after: not a model card
    (b"openwatt: '1.0'\n", None),
])
def test_sniff_format(raw: bytes, expected: str | None) -> None:
    from openwatt.cli.outputs import sniff_format

    assert sniff_format(raw) == expected
