"""Property tests of the evaluator: any document against the shipped packs gives findings, one per
judgement, and never an exception. Fast by default; OPENWATT_FUZZ_EXAMPLES sets how many examples (the
shared profile of tests/conftest.py)."""

from __future__ import annotations

import copy
import datetime as dt
import functools
import json
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from openwatt.checking import Engine
from openwatt.documents.loading import load_document, parse_document
from openwatt.evaluation import AppliedPolicies
from openwatt.findings import Finding
from openwatt.inputs import InputOptions, check_input
from openwatt.values.verdicts import InputWaivers, Reason, Status

ROOT = Path(__file__).resolve().parents[1]
PACKS = sorted(p.stem for p in (ROOT / "policies").glob("*.policy"))
SAMPLES = sorted((ROOT / "samples").glob("*.yaml")) + sorted((ROOT / "samples" / "real").glob("*.yaml"))

SCALARS: st.SearchStrategy[Any] = st.one_of(
    st.none(), st.booleans(), st.integers(-10**40, 10**40), st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30), st.sampled_from(["500 MWh", "-41.44 tCO2e", "1e309 kWh", "0e2 tCO2e", "2026-02-30",
                                           "2026-01-01", "MIT", "Apache-2.0 OR GPL-3.0-only", "NVIDIA H100",
                                           "measured", "estimated", "https://x.org", "\u200b" * 80, " " * 80]))
JSON: st.SearchStrategy[Any] = st.recursive(
    SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner,
                                                                                  max_size=4)), max_leaves=20)


@functools.cache
def applied() -> AppliedPolicies:
    engine = Engine()
    return AppliedPolicies(engine.policies(PACKS))


@functools.cache
def sample(path: Path) -> dict[str, Any]:
    return load_document(path).data


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(_paths(item, (*prefix, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(_paths(item, (*prefix, index)))
    return found


def _judged(data: Any, mode: InputWaivers = InputWaivers.APPLY) -> list[Finding]:
    document = parse_document(json.dumps(data, default=str).encode(), "fuzz.json")
    options = InputOptions(as_of=dt.date(2026, 1, 1), input_waivers=mode)
    findings = list(check_input(document, applied(), options).findings)
    judged = [f for f in findings if not f.is_input_problem]
    assert len(judged) == len(applied().judgements)  # one finding per judgement, whatever the input
    for f in judged:  # a rule that broke is said as such, never a traceback
        assert f.status is not Status.ERROR or f.reason is Reason.RULE_ERROR
    return findings


@given(data=st.dictionaries(st.text(max_size=10), JSON, max_size=5))
def test_any_document_gives_findings(data: dict[str, Any]) -> None:
    _judged(data)


@given(path=st.sampled_from(SAMPLES), data=st.data(), mode=st.sampled_from(list(InputWaivers)))
def test_a_sample_with_any_value_anywhere_gives_findings(path: Path, data: st.DataObject, mode: InputWaivers) -> None:
    document = copy.deepcopy(sample(path))
    for _ in range(data.draw(st.integers(1, 4))):
        where = data.draw(st.sampled_from(_paths(document)[1:] or [("model",)]))
        parent = document
        for step in where[:-1]:
            parent = parent[step]
        parent[where[-1]] = data.draw(JSON)
    _judged(document, mode)
