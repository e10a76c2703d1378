"""A document value's kind in words: the same words wherever a message names one."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from openwatt.values.kinds import SCHEMA_TYPES, kind_in_words


@pytest.mark.parametrize(("value", "words"), [
    (None, "null"), (True, "true or false"), (False, "true or false"), (0, "a number"), (4096.5, "a number"),
    ("", "a string"), (dt.date(2025, 9, 16), "a date"), (dt.datetime(2025, 9, 16, 10), "a date"), ([], "a list"),
    ({}, "a mapping"), (object(), "object"),
])
def test_kind_in_words(value: Any, words: str) -> None:
    assert kind_in_words(value) == words


def test_schema_types_use_the_same_words() -> None:
    samples = {"null": None, "boolean": True, "number": 1.5, "string": "x", "array": [], "object": {}}
    assert {name: kind_in_words(value) for name, value in samples.items()} == {
        name: words for name, words in SCHEMA_TYPES.items() if name != "integer"}
    assert SCHEMA_TYPES["integer"] == "a whole number"
