"""A document value's kind in words, the same in every message: 'model.license is a number; expected a string'."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

__all__ = ["BOOLEAN", "DATE", "NULL", "NUMBER", "SCHEMA_TYPES", "kind_in_words"]

NULL, BOOLEAN, NUMBER, STRING = "null", "true or false", "a number", "a string"
DATE, LIST, MAPPING = "a date", "a list", "a mapping"

# In this order: to Python a bool is an int.
_KINDS: tuple[tuple[type | tuple[type, ...], str], ...] = (
    (bool, BOOLEAN), ((int, float), NUMBER), (str, STRING), (dt.date, DATE), (list, LIST), (Mapping, MAPPING))

SCHEMA_TYPES: Mapping[str, str] = MappingProxyType({
    "null": NULL, "boolean": BOOLEAN, "number": NUMBER, "integer": "a whole number", "string": STRING,
    "array": LIST, "object": MAPPING})
"""JSON Schema's type names in the same words, for what a schema's ``type`` expects."""


def kind_in_words(value: Any) -> str:
    """What a plain document value is, in words: 'null', 'true or false', 'a number', 'a string', 'a date',
    'a list' or 'a mapping'; anything else by its type's name."""
    if value is None:
        return NULL
    for kind, words in _KINDS:
        if isinstance(value, kind):
            return words
    return type(value).__name__
