"""Frozen dataclass trees and plain data <-> JSON bytes, for the on-disk cache: data that cannot run code.

Reading back only ever builds the classes registered by name (frozen dataclasses, by keyword, and
enums, from their values), dates, tuples, lists and dicts, so a planted entry can at worst describe a
wrong tree, never execute anything (unlike pickle, which calls whatever the bytes name).

Every JSON array is a list; every JSON object is one tagged value, its tag the first key:
  {"@": "Compare", "span": ..., "op": ...}   a registered dataclass, one key per field
  {"@enum": "Operator", "value": "=="}        a member of a registered enum (a StrEnum stays one)
  {"@date": "2025-08-02"}                     a datetime.date
  {"@tuple": [...]}                           a tuple
  {"@dict": [[key, value], ...]}              a dict, with keys of any of these types
Anything else is refused with a SerialError when written and when read.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
from collections.abc import Iterable
from typing import Any


class SerialError(ValueError):
    """A value that this codec cannot write, or bytes that are not something it wrote."""


class Codec:
    """Writes and reads values made of the given dataclasses and enums (looked up by class name)."""

    def __init__(self, classes: Iterable[type]) -> None:
        self._dataclasses: dict[str, tuple[type, frozenset[str]]] = {}
        self._enums: dict[str, type[enum.Enum]] = {}
        for cls in classes:
            if isinstance(cls, type) and issubclass(cls, enum.Enum):
                self._enums[cls.__name__] = cls
            elif dataclasses.is_dataclass(cls):
                names = frozenset(f.name for f in dataclasses.fields(cls) if f.init)
                self._dataclasses[cls.__name__] = (cls, names)
            else:
                raise TypeError(f"{cls!r} is neither a dataclass nor an enum")

    # -- writing --

    def dumps(self, value: object) -> bytes:
        """`value` as compact JSON bytes; SerialError for a type this codec does not know."""
        try:
            return json.dumps(self._encode(value), separators=(",", ":")).encode("ascii")
        except RecursionError:
            raise SerialError("nested too deeply to write") from None

    def _encode(self, value: object) -> Any:
        # Enums first: a StrEnum member is also a str, and would otherwise come back as a plain one.
        if isinstance(value, enum.Enum):
            enum_class = type(value)
            if self._enums.get(enum_class.__name__) is not enum_class:
                raise SerialError(f"enum {enum_class.__name__} is not registered")
            return {"@enum": enum_class.__name__, "value": value.value}
        if value is None or type(value) in (str, int, float, bool):
            return value
        if type(value) is list:
            return [self._encode(item) for item in value]
        if type(value) is tuple:
            return {"@tuple": [self._encode(item) for item in value]}
        if type(value) is dict:
            return {"@dict": [[self._encode(k), self._encode(v)] for k, v in value.items()]}
        if type(value) is dt.date:
            return {"@date": value.isoformat()}
        cls = type(value)
        if self._dataclasses.get(cls.__name__, (None,))[0] is cls:
            encoded: dict[str, Any] = {"@": cls.__name__}
            for f in dataclasses.fields(value):  # type: ignore[arg-type]
                if f.init:
                    encoded[f.name] = self._encode(getattr(value, f.name))
            return encoded
        raise SerialError(f"cannot write a {cls.__name__}")

    # -- reading --

    def loads(self, data: bytes) -> Any:
        """The value written by dumps(); SerialError for anything else (never another exception)."""
        try:
            # json calls _object once per JSON object, innermost first: every value is built in one pass
            return json.loads(data.decode("utf-8"), object_hook=self._object)
        except RecursionError:
            raise SerialError("nested too deeply to read") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            raise SerialError(f"not JSON: {err}") from None

    def _object(self, value: dict[str, Any]) -> Any:
        tag = next(iter(value), "")
        if tag == "@":
            name = value.pop("@")
            cls, names = self._dataclasses.get(name, (None, frozenset())) if isinstance(name, str) else (None, frozenset())
            if cls is None:
                raise SerialError(f"unknown class {name!r}")
            if value.keys() != names:
                raise SerialError(f"the fields of {name} do not match")
            try:
                return cls(**value)
            except (TypeError, ValueError) as err:  # a __post_init__ that refuses the values
                raise SerialError(f"not a valid {name}: {err}") from None
        if len(value) == 1 and type(items := value.get(tag)) is list:
            if tag == "@tuple":
                return tuple(items)
            if tag == "@dict":
                return self._dict(items)
        if tag == "@enum" and value.keys() == {"@enum", "value"}:
            cls = self._enums.get(value["@enum"]) if isinstance(value["@enum"], str) else None
            if cls is None:
                raise SerialError(f"unknown enum {value['@enum']!r}")
            try:
                return cls(value["value"])
            except (ValueError, TypeError):
                raise SerialError(f"{value['value']!r} is not a {cls.__name__}") from None
        if tag == "@date" and len(value) == 1 and isinstance(value["@date"], str):
            try:
                return dt.date.fromisoformat(value["@date"])
            except ValueError:
                raise SerialError(f"{value['@date']!r} is not a date") from None
        raise SerialError(f"unknown tag {tag!r}")

    @staticmethod
    def _dict(pairs: list[Any]) -> dict[Any, Any]:
        decoded = {}
        for pair in pairs:
            if type(pair) is not list or len(pair) != 2:
                raise SerialError("a dict entry is not a [key, value] pair")
            try:
                decoded[pair[0]] = pair[1]
            except TypeError:  # a list or dict as a key
                raise SerialError("a dict key that cannot be one") from None
        return decoded
