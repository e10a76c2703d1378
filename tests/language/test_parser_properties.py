"""Property tests of the policy parser and compiler: whatever the text, the answer is a policy or
PolicyErrors, never another exception. Fast by default; OPENWATT_FUZZ_EXAMPLES sets how many examples
(the shared profile of tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openwatt.language.errors import PolicyErrors, render_errors
from openwatt.language.loader import PolicyLoader
from openwatt.language.parser import parse_policy

POLICIES = sorted((Path(__file__).parents[2] / "policies").glob("*.policy"))
SOURCES = {path.stem: path.read_text(encoding="utf-8") for path in POLICIES}

# Pieces of the language, so that random text gets past the first token often enough to reach the
# compiler: keywords, operators, paths, quantities, strings, braces and whatever may break them.
TOKENS = st.sampled_from([
    "policy p\n", 'title "T"\n', 'version "1"\n', "rule r {", "}", "{", "require", "when", "severity error",
    "message", "fix", "cite", "import", "energy-transparency", "param", "let", "set", "disable", "all", "any",
    "none", "count", "sum", "in", ":", "exists", "missing", "matches", "and", "or", "not", "(", ")", "[", "]",
    ",", ".", "==", "!=", "<=", ">=", "<", ">", "+", "-", "*", "/", "energy.training.energy", "model.license",
    "components", "500 MWh", "1e309 MWh", "0", "-1", "2026-02-30", '"text"', '"{x}"', '"""', '"', "'",
    "\n", " ", "\t", "\x1b", "\u202e", "\u200b", "#", "len(", "default(", "today", "x" * 40, "9" * 400,
    "((((((((((", "))))))))))", "^(a+)+$",
])


def _answer(text: str) -> None:
    """Compile `text`; PolicyErrors (rendered, which must not raise either) is a fine answer."""
    try:
        PolicyLoader(allow_no_rules=True).compile_source(text, "fuzz.policy")
    except PolicyErrors as errors:
        assert errors.errors and render_errors(errors)


@pytest.fixture(autouse=True)
def _no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENWATT_NO_CACHE", "1")  # thousands of random texts would only churn the cache


@given(text=st.text(max_size=400))
def test_any_text_is_a_policy_or_policy_errors(text: str) -> None:
    _answer(text)


@given(pieces=st.lists(TOKENS, max_size=60), header=st.booleans())
def test_any_sequence_of_tokens_is_a_policy_or_policy_errors(pieces: list[str], header: bool) -> None:
    _answer(('policy p\ntitle "T"\nversion "1"\n' if header else "") + " ".join(pieces))


@given(name=st.sampled_from(sorted(SOURCES)), data=st.data())
def test_a_damaged_shipped_pack_is_a_policy_or_policy_errors(name: str, data: st.DataObject) -> None:
    source = SOURCES[name]
    start = data.draw(st.integers(0, len(source)))
    end = data.draw(st.integers(start, min(len(source), start + 80)))
    inserted = data.draw(st.one_of(st.text(max_size=20), TOKENS))
    _answer(source[:start] + inserted + source[end:])


@given(text=st.text(max_size=200))
def test_the_parser_alone_raises_only_policy_errors(text: str) -> None:
    try:
        parse_policy(text, "fuzz.policy")
    except PolicyErrors:
        pass
