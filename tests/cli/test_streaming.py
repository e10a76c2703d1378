"""`openwatt check` writes each input as soon as it is checked: streamed outputs equal the collected report,
JSON Lines fit their schema, a broken input is one error block in the stream, files are whole or untouched."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from jsonschema import Draft202012Validator

from openwatt.checking import Engine
from openwatt.findings import Report
from openwatt.reports import RenderOptions
from openwatt.reports.json_report import finding_dict
from openwatt.reports.terminal import render as render_text
from openwatt.values.verdicts import Severity, Status

if TYPE_CHECKING:
    from conftest import Openwatt

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
PACKS = sorted(p.stem for p in (ROOT / "policies").glob("*.policy"))
EPOCH = {"SOURCE_DATE_EPOCH": "1767225600"}  # 2026-01-01: the same generated_at and as_of in every run
OK = 'openwatt: "1.0"\nmodel:\n  id: {id}\nenergy:\n  training:\n    energy: 433 MWh\n'


def _packs() -> list[str]:
    return [arg for pack in PACKS for arg in ("-p", pack)]


def _collected(report: Report) -> dict[str, Any]:
    """The JSON report as data, built from the collected Report's own figures (not through any writer)."""
    p, summary = report.provenance, report.summary
    return {
        "openwatt_report": "2.0",
        "provenance": {
            "openwatt_version": p.openwatt_version, "generated_at": p.generated_at, "as_of": p.as_of,
            "fail_on": p.fail_on.value,
            "policies": [{"id": s.id, "version": s.version, "file": s.file, "sha256": s.sha256, "shadows": s.shadows}
                         for s in sorted(set(p.policies), key=lambda s: (s.id, s.version, s.file, s.sha256))],
            "inputs": [{"file": s.file, "sha256": s.sha256, "role": s.role.value}
                       for s in sorted(dict.fromkeys(p.inputs), key=lambda s: (s.file, s.sha256))],
            "waivers": {"input": p.input_waivers.value, "files": list(p.waiver_files)},
        },
        "summary": {
            "inputs": {"total": summary.inputs, "checked": summary.checked,
                       "with_input_problems": summary.with_input_problems, "with_failures": summary.with_failures,
                       "not_checked": summary.not_checked},
            "failing_rules": summary.failing_rules, "findings": len(report.findings),
            "by_status": dict(report.counts), "blocking": len(report.blocking()), "exit_code": int(report.exit_code),
        },
        "verdicts": [{"file": v.file, "verdict": v.verdict.value, "failed": {s.value: v.failed.get(s, 0) for s in Severity},
                      "blocking": v.blocking, "waived": v.waived, "input_problems": v.input_problems,
                      "rule_errors": v.rule_errors} for v in report.verdicts],
        "findings": [finding_dict(f) for f in report.findings],
    }


@pytest.fixture(scope="module")
def collected() -> Report:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH["SOURCE_DATE_EPOCH"])
        engine = Engine()
        return engine.check(["samples"], engine.policies(PACKS))


def test_streamed_json_equals_the_collected_report(collected: Report, openwatt: Openwatt) -> None:
    result = openwatt("check", "samples", *_packs(), "--format", "json", cwd=ROOT, env=EPOCH)
    assert result.returncode == collected.exit_code, result.stderr
    streamed = json.loads(result.stdout)
    assert streamed == _collected(collected)
    assert len(collected.verdicts) > 10 and collected.counts[Status.FAIL.value] > 0  # a real, mixed run
    assert any(i.role.value == "evidence" for i in collected.provenance.inputs)  # evidence files merged in order
    # One finding per line: a tool can grep or tail the report.
    lines = result.stdout.splitlines()
    assert lines[2:2 + len(collected.findings)] == [json.dumps(finding_dict(f), ensure_ascii=False,
                                                               separators=(",", ":")) + ","
                                                    for f in collected.findings[:-1]] + [lines[1 + len(collected.findings)]]


def test_json_lines_fit_their_schema_and_the_report(collected: Report, openwatt: Openwatt) -> None:
    result = openwatt("check", "samples", *_packs(), "--format", "jsonl", cwd=ROOT, env=EPOCH)
    assert result.returncode == collected.exit_code, result.stderr
    schema = json.loads((ROOT / "schemas" / "report-line.schema.json").read_text(encoding="utf-8"))
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    for line in lines:
        validator.validate(line)
    expected = _collected(collected)
    assert [line["kind"] for line in lines] == ["run", *["input"] * len(collected.verdicts), "totals"]
    provenance = dict(expected["provenance"])
    documents = {i["file"]: i["sha256"] for i in provenance.pop("inputs") if i["role"] == "document"}
    assert lines[0] == {"kind": "run", "openwatt_report_line": "1.0", "openwatt_report": "2.0",
                        "provenance": provenance}
    assert [{k: v for k, v in line.items() if k not in ("kind", "sha256", "findings")} for line in lines[1:-1]] == \
        expected["verdicts"]
    assert [line["sha256"] for line in lines[1:-1]] == [documents[v.file] for v in collected.verdicts]
    assert [f for line in lines[1:-1] for f in line["findings"]] == expected["findings"]
    assert lines[-1] == {"kind": "totals", "summary": expected["summary"],
                         "evidence": [i for i in expected["provenance"]["inputs"] if i["role"] == "evidence"]}


def test_the_schema_command_prints_the_line_schema(openwatt: Openwatt) -> None:
    result = openwatt("schema", "report-line")
    assert json.loads(result.stdout)["$id"] == "https://openwatt.dev/schemas/report-line.schema.json"


def test_line_schema_definitions_are_the_report_schema_ones() -> None:
    report = json.loads((ROOT / "schemas" / "report.schema.json").read_text(encoding="utf-8"))
    line = json.loads((ROOT / "schemas" / "report-line.schema.json").read_text(encoding="utf-8"))
    shared = {k: v for k, v in line["$defs"].items() if k != "run_provenance"}
    assert shared == {k: v for k, v in report["$defs"].items() if k != "provenance"}
    run_provenance = dict(line["$defs"]["run_provenance"]["properties"])
    assert run_provenance == {k: v for k, v in report["$defs"]["provenance"]["properties"].items() if k != "inputs"}


def test_streamed_text_equals_the_collected_report(collected: Report, openwatt: Openwatt) -> None:
    result = openwatt("check", "samples", *_packs(), cwd=ROOT, env=EPOCH)
    assert result.stdout == render_text(collected, RenderOptions(width=100))
    summary = openwatt("check", "samples", *_packs(), "--summary", cwd=ROOT, env=EPOCH)
    assert summary.stdout == render_text(collected, RenderOptions(width=100, summary=True))


@pytest.mark.parametrize("format", ["csv", "github", "sarif", "junit", "markdown"])
def test_every_format_written_with_json_equals_its_collected_render(format: str, collected: Report,
                                                                    openwatt: Openwatt, tmp_path: Path) -> None:
    from openwatt.reports import REPORTERS

    out = tmp_path / f"report.{format}"
    result = openwatt("check", "samples", *_packs(), "--format", "json", "-o", f"{format}={out}", cwd=ROOT, env=EPOCH)
    assert result.returncode == collected.exit_code, result.stderr
    assert out.read_text(encoding="utf-8") == REPORTERS[format](collected, RenderOptions(width=100))
    assert json.loads(result.stdout) == _collected(collected)


def test_a_broken_input_mid_stream_is_an_error_block_and_the_stream_goes_on(tmp_path: Path,
                                                                           openwatt: Openwatt) -> None:
    (tmp_path / "a.yaml").write_text(OK.format(id="a"), encoding="utf-8")
    (tmp_path / "b.yaml").write_text("openwatt: [\n", encoding="utf-8")
    (tmp_path / "c.yaml").write_text(OK.format(id="c"), encoding="utf-8")
    (tmp_path / "grant.policy").write_text(
        'policy grant\ntitle "Grant"\nversion "1.0"\n\nrule energy-reported {\n  title "Training energy is reported"\n'
        '  severity error\n  require energy.training.energy exists\n}\n', encoding="utf-8")
    result = openwatt("check", "a.yaml", "b.yaml", "c.yaml", "-p", "grant.policy", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == (
        "a.yaml\n  1 passed\n\n"
        "b.yaml\n"
        "  ERROR  error    openwatt/load  The file can be read as a disclosure\n"
        "                  expected the node content, but found '<stream end>'\n"
        "                  at b.yaml:2:1\n"
        "                  fix: check the indentation and quoting on this line and the one before\n\n"
        "c.yaml\n  1 passed\n\n"
        "PASS   a.yaml\nERROR  b.yaml  could not be read\nPASS   c.yaml\n\n"
        "3 inputs: 2 passed, 1 could not be checked\nfindings: 2 passed, 1 input or rule error\n"
        "exit code 2: 1 input or rule error\n")
    jsonl = openwatt("check", "a.yaml", "b.yaml", "c.yaml", "-p", "grant.policy", "--format", "jsonl", cwd=tmp_path)
    lines = [json.loads(line) for line in jsonl.stdout.splitlines()]
    assert [(line.get("file"), line.get("verdict")) for line in lines] == [
        (None, None), ("a.yaml", "pass"), ("b.yaml", "error"), ("c.yaml", "pass"), (None, None)]
    assert lines[2]["sha256"] == "" and [f["rule"] for f in lines[2]["findings"]] == ["openwatt/load"]
    assert lines[-1]["summary"]["exit_code"] == 2


def test_a_report_file_is_written_whole_and_nothing_else_is_left(tmp_path: Path, openwatt: Openwatt) -> None:
    (tmp_path / "a.yaml").write_text(OK.format(id="a"), encoding="utf-8")
    result = openwatt("check", "a.yaml", "--format", "json", "-o", "out.json", "-o", "jsonl=out.jsonl", cwd=tmp_path)
    assert result.returncode in (0, 1) and result.stdout == "" and result.stderr == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml", "out.json", "out.jsonl"]
    assert json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["summary"]["inputs"]["total"] == 1


def test_a_check_that_breaks_midway_leaves_the_report_file_as_it_was(tmp_path: Path, openwatt: Openwatt,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from openwatt import checking

    for name in ("a", "b"):
        (tmp_path / f"{name}.yaml").write_text(OK.format(id=name), encoding="utf-8")
    (tmp_path / "out.json").write_text("the last report\n", encoding="utf-8")
    checked: list[object] = []

    def breaks_on_the_second(source: object, *args: object) -> object:
        if checked:
            raise RuntimeError("out of luck")
        checked.append(source)
        return check_input(source, *args)

    check_input = checking.check_input
    monkeypatch.setattr("openwatt.checking.check_input", breaks_on_the_second)
    result = openwatt("check", "a.yaml", "b.yaml", "--format", "json", "-o", "out.json", cwd=tmp_path)
    assert result.returncode == 2 and "out of luck" in result.stderr
    assert (tmp_path / "out.json").read_text(encoding="utf-8") == "the last report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml", "b.yaml", "out.json"]


def test_a_report_file_that_cannot_be_made_is_said_before_any_check(tmp_path: Path, openwatt: Openwatt) -> None:
    (tmp_path / "a.yaml").write_text(OK.format(id="a"), encoding="utf-8")
    result = openwatt("check", "a.yaml", "-o", "no/such/folder/out.txt", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == ("openwatt: error: cannot write no/such/folder/out.txt: No such file or directory\n")


def test_a_report_to_a_device_is_written_straight_to_it(tmp_path: Path, openwatt: Openwatt) -> None:
    (tmp_path / "a.yaml").write_text(OK.format(id="a"), encoding="utf-8")
    result = openwatt("check", "a.yaml", "--format", "json", "-o", "/dev/null", cwd=tmp_path)
    assert result.returncode in (0, 1) and (result.stdout, result.stderr) == ("", "")
    assert Path("/dev/null").is_char_device()  # not replaced by a regular file
