"""Text made of whitespace and invisible characters is absent everywhere a rule reads it, and `len` counts
visible characters only (docs/security.md, "Verdicts a submitter can game")."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from openwatt.documents.loading import parse_document
from openwatt.evaluation import evaluate
from openwatt.language.loader import PolicyLoader

POLICY = """\
policy p
title "P"
version "1"
rule described { title "Described" severity error require energy.training.methodology exists }
rule detailed { title "Detailed" severity error require len(energy.training.methodology) >= 80 }
"""

INVISIBLE = [" " * 80, "\u200b" * 80, "\u00a0" * 40 + "\u200d" * 40, "\ufeff" * 80, "\t\n" * 40, "\u2060\u3000" * 40]


def judged(description: str) -> dict[str, tuple[str, str]]:
    policy = PolicyLoader().compile_source(POLICY, "p.policy")
    document = parse_document(json.dumps({"openwatt": "1.0", "model": {"id": "x"},
                                          "energy": {"training": {"methodology": description}}})
                              .encode(), "x.json")
    return {f.rule: (f.status.value, f.detail) for f in evaluate(policy, document, as_of=dt.date(2026, 1, 1))}


@pytest.mark.parametrize("description", INVISIBLE, ids=["spaces", "zero-width", "nbsp+zwj", "bom", "tabs", "wj+ideo"])
def test_invisible_text_is_no_description(description: str) -> None:
    assert judged(description) == {
        "p/described": ("fail", "missing: energy.training.methodology"),
        "p/detailed": ("fail", "missing: energy.training.methodology"),
    }


def test_visible_characters_are_counted_and_invisible_ones_are_not() -> None:
    assert judged("x" * 80)["p/detailed"][0] == "pass"
    assert judged(("x\u200b") * 79)["p/detailed"] == ("fail", "len(energy.training.methodology) is 79; the policy requires at least 80")
    assert judged("word " * 16)["p/detailed"] == ("fail", "len(energy.training.methodology) is 64; the policy requires at least 80")


def test_invisible_text_is_absent_wherever_it_is_read() -> None:
    policy = PolicyLoader().compile_source(
        'policy q\ntitle "Q"\nversion "1"\n'
        'rule energy { title "E" severity error require energy.training.energy <= 500 MWh }\n'
        'rule method { title "M" severity error require energy.training.methodology != "x" }\n', "q.policy")
    document = parse_document(json.dumps({"openwatt": "1.0", "model": {"id": "x"}, "energy": {"training": {
        "energy": "\u200b", "methodology": "\ufeff \u2060"}}}).encode(), "x.json")
    assert [(f.rule, f.status.value, f.detail) for f in evaluate(policy, document, as_of=dt.date(2026, 1, 1))] == [
        ("q/energy", "fail", "missing: energy.training.energy"),
        ("q/method", "fail", "missing: energy.training.methodology")]
