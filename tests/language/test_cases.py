"""Language semantics as data: each case is a rule over a small disclosure and its expected finding."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from openwatt.documents.loading import parse_document
from openwatt.evaluation import evaluate
from openwatt.language.loader import PolicyLoader

CASES = Path(__file__).parent / "cases"
AS_OF = dt.date(2026, 1, 1)


def _cases() -> list[Any]:
    out = []
    for file in sorted(CASES.glob("*.yaml")):
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        for case in data["cases"]:
            case.setdefault("document", data.get("document", {}))
            out.append(pytest.param(case, id=f"{file.stem}: {case['name']}"))
    return out


def _policy(case: dict[str, Any]) -> str:
    requires = case["require"] if isinstance(case["require"], list) else [case["require"]]
    body = [f"  when {case['when']}"] if "when" in case else []
    body += [f"  let {line}" for line in case.get("lets", [])]
    body += [f"  require {r}" for r in requires]
    if "message" in case:
        body.append(f"  message {case['message']}")
    if "success" in case:
        body.append(f"  success {case['success']}")
    return "\n".join([
        "policy cases", 'title "Cases"', 'version "1"', case.get("preamble", ""),
        "rule r {", '  title "r"', "  severity error", *body, "}", ""])


def _document(case: dict[str, Any]) -> Any:
    doc = case["document"]
    text = doc if isinstance(doc, str) else yaml.safe_dump({"openwatt": "1.0", **doc}, sort_keys=False)
    return parse_document(text.encode("utf-8"), "doc.yaml")


@pytest.mark.parametrize("case", _cases())
def test_case(case: dict[str, Any]) -> None:
    policy = PolicyLoader(overrides=case.get("set")).compile_source(_policy(case), "cases.policy")
    [finding] = evaluate(policy, _document(case), as_of=AS_OF)
    assert finding.status == case["status"], finding.detail
    assert (finding.reason or None) == case.get("reason"), finding.detail
    if "detail" in case:
        assert finding.detail == case["detail"]
    if "message_out" in case:
        assert finding.message == case["message_out"]
    if "path" in case:
        assert finding.location.path == case["path"]
    if "line" in case:
        assert (finding.location.line, finding.location.column) == tuple(case["line"])
    if "values" in case:
        assert [list(v) for v in finding.values] == case["values"]


@pytest.mark.parametrize("case", _cases())
def test_formatting_keeps_the_finding(case: dict[str, Any]) -> None:
    """`policy fmt` changes layout only: the formatted policy gives the same finding on the case's document."""
    from openwatt.language.formatter import fmt

    source = _policy(case)
    formatted = fmt(source, "cases.policy")
    found = [evaluate(PolicyLoader(overrides=case.get("set")).compile_source(text, "cases.policy"),
                      _document(case), as_of=AS_OF)[0] for text in (source, formatted)]
    keys = ("status", "reason", "message", "detail", "values", "params")
    assert [getattr(found[1], k) for k in keys] == [getattr(found[0], k) for k in keys]
