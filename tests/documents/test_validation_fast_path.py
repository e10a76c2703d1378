"""The compiled validator (jsonschema_rs) and jsonschema agree on valid / invalid, so the fast path changes
no result: on every sample, every hostile input, and generated variants of the samples (hypothesis)."""

from __future__ import annotations

import copy
import datetime as dt
import importlib.util
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openwatt.documents import validation
from openwatt.documents.importers.detection import load_any
from openwatt.documents.source import Document, DocumentError

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted(p for p in (ROOT / "samples").rglob("*") if p.is_file() and p.suffix != ".py")


def _loaded(paths: list[Path]) -> Iterator[Document]:
    for path in paths:
        try:
            yield load_any(path)
        except DocumentError:
            pass


def _json(data: Any) -> Any:
    """The data as JSON values (dates as strings), as the validators read it."""
    return json.loads(json.dumps(data, default=lambda value: value.isoformat()))


def _slow_valid(data: Any) -> bool:
    return not list(validation._validator().iter_errors(_json(data)))


def _agree(data: Any) -> None:
    fast, slow = validation.is_valid_fast(_json(data)), _slow_valid(data)
    assert fast == slow, f"jsonschema_rs says {'valid' if fast else 'invalid'}, jsonschema does not: {data!r:.300}"


def test_the_fast_validator_is_installed() -> None:
    assert validation._fast_validator() is not None, "jsonschema-rs is a dependency: pip install -e ."


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: str(p.relative_to(ROOT)))
def test_both_validators_agree_on_every_sample(path: Path) -> None:
    for document in _loaded([path]):
        _agree(document.data)


def test_both_validators_agree_on_every_hostile_input(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("hostile_make", ROOT / "samples" / "hostile" / "make.py")
    assert spec is not None and spec.loader is not None
    make = importlib.util.module_from_spec(spec)
    sys.modules["hostile_make"] = make  # dataclasses look their module up while the class is made
    spec.loader.exec_module(make)
    documents = list(_loaded(make.write(tmp_path)))
    assert len(documents) == sum(case.outcome != "error" for case in make.CASES)  # the ones that load
    for document in documents:
        _agree(document.data)


def test_a_valid_disclosure_never_reaches_jsonschema(monkeypatch: pytest.MonkeyPatch) -> None:
    [document] = _loaded([ROOT / "samples" / "aurora-7b.yaml"])

    def refuse() -> None:
        raise AssertionError("jsonschema was asked about a valid disclosure")
    monkeypatch.setattr(validation, "_validator", refuse)
    assert validation.validate(document) == []


def test_an_invalid_disclosure_gets_jsonschemas_located_message() -> None:
    [document] = _loaded([ROOT / "samples" / "aurora-7b.yaml"])
    data = copy.deepcopy(document.data)
    data["model"]["parameters"] = "many"
    [problem] = validation.validate(Document(document.file, data, document.positions, document.digest,
                                                            document.format))
    assert (problem.line, problem.message) == (27, 'model.parameters is "many" (a string); expected a number')


def test_without_the_fast_validator_results_are_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    documents = list(_loaded(SAMPLES))
    fast = [validation.validate(d) for d in documents]
    monkeypatch.setattr(validation, "_fast_validator", lambda: None)
    assert [validation.validate(d) for d in documents] == fast
    assert any(fast) and not all(fast)  # both kinds of disclosure were seen


def test_a_final_newline_matches_a_patterns_end_in_both() -> None:
    [document] = _loaded([ROOT / "samples" / "aurora-7b.yaml"])
    data = copy.deepcopy(document.data)
    data["energy"]["training"]["energy"] = "74 MWh\n"  # Python's `$` matches before a final newline
    assert validation.is_valid_fast(_json(data)) and _slow_valid(data)
    data["energy"]["training"]["energy"] = "74 MWh\n\n"
    assert not validation.is_valid_fast(_json(data)) and not _slow_valid(data)


# ---- generated: the samples with one value replaced, removed or added --------------------------------------

_BASES = [d.data for d in _loaded(sorted((ROOT / "samples").glob("*.yaml")))]
_QUANTITIES = st.builds(lambda n, sep, unit, end: f"{n}{sep}{unit}{end}",
                        st.sampled_from(["74", "0", "-3", "1.5e+3", "1e3", ".5", "5.", "1,000", "", "٣"]),
                        st.sampled_from(["", " ", "  "]),
                        st.sampled_from(["MWh", "kWh", "tCO2e", "h", "FLOP", "W", "L", "gCO2e/kWh", "mwh", "J", "x"]),
                        st.sampled_from(["", "\n", " ", "\n\n"]))
_VALUES: st.SearchStrategy[Any] = st.one_of(
    _QUANTITIES, st.integers(-10**25, 10**25), st.floats(allow_nan=False, allow_infinity=False), st.booleans(),
    st.none(), st.text(max_size=12), st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)),
    st.sampled_from(["2025-02-30", "2025-9-16", "2025-09-16\n", "2025-09-16T00:00", "public", "restricted",
                     "parameters-final", "MIT", "https://example.org", "1.0", "", "open", "measured"]),
    st.lists(st.integers(), max_size=2), st.dictionaries(st.sampled_from(["kind", "name", "x"]), st.integers(),
                                                         max_size=2))


def _places(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    children = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in children:
        yield from _places(value, (*path, key))


@given(base=st.sampled_from(range(len(_BASES))), data=st.data(), value=_VALUES,
       change=st.sampled_from(["replace", "remove", "add"]))
def test_both_validators_agree_on_generated_disclosures(base: int, data: st.DataObject, value: Any,
                                                         change: str) -> None:
    document = copy.deepcopy(_BASES[base])
    places = [p for p in _places(document) if p]
    path = data.draw(st.sampled_from(places))
    parent: Any = document
    for key in path[:-1]:
        parent = parent[key]
    if change == "replace":
        parent[path[-1]] = value
    elif change == "remove":
        del parent[path[-1]]
    elif isinstance(parent, dict):
        parent[data.draw(st.sampled_from(["note", "energy", "kind", "license", str(path[-1])]))] = value
    else:
        parent.append(value)
    _agree(document)
