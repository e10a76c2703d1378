"""What compiled policies work with while evaluating: scopes, absent evidence, failures, display."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..values.kinds import kind_in_words
from ..values.paths import Path, format_path
from ..values.quantities import DimensionError, Quantity, QuantityError, parse_quantity
from ..values.text import blank
from ..values.verdicts import Reason
from .types import Kind, Type


class Unknown:
    """A value that is not there to judge: the evidence is missing or of the wrong kind.
    Conditions over it are neither true nor false (three-valued logic, as SQL's NULL)."""

    __slots__ = ("path",)

    def __init__(self, path: Path) -> None:
        self.path = path


class Missing(Unknown):
    """Absent evidence at `path` (or null)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"Missing({format_path(self.path)})"


class Mismatch(Unknown):
    """Evidence at `path` that is not of the expected kind."""

    __slots__ = ("found", "expected")

    def __init__(self, path: Path, found: Any, expected: str) -> None:
        super().__init__(path)
        self.found, self.expected = found, expected

    def __repr__(self) -> str:
        return f"Mismatch({format_path(self.path)}, {self.found!r}, {self.expected!r})"


class Undecided(Missing):
    """Not enough evidence to judge, with the whole explanation in words (an accelerator of unknown
    power; no item at a position of a filtered list); `path` is where to point the reader."""

    __slots__ = ("detail",)

    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(path)
        self.detail = detail


class EvalError(Exception):
    """The rule itself broke while evaluating (division by zero, incompatible units at run time)."""


# What a broken rule raises while evaluating: the rule's status is `error` and the other rules go on.
RULE_ERRORS = (EvalError, ArithmeticError, DimensionError, ValueError)


class Items(list[Any]):
    """A list computed by a filter or a projection, with the document path of each item."""

    __slots__ = ("paths",)

    def __init__(self, values: list[Any], paths: list[Path | None]) -> None:
        super().__init__(values)
        self.paths = paths


class Scope:
    """One document being evaluated: its data, the bound variables and their document paths,
    and the memo of policy-level `let`s (computed once per document)."""

    __slots__ = ("root", "vars", "paths", "memo", "as_of")

    def __init__(self, root: Any, as_of: dt.date) -> None:
        self.root = root
        self.as_of = as_of  # `today` in a policy: the check's --as-of date
        self.vars: dict[str, Any] = {}
        self.paths: dict[str, Path | None] = {}
        self.memo: dict[str, Any] = {}


@dataclass(frozen=True, slots=True)
class Failure:
    """Why a condition is not true: a reason, the decisive evidence, words, and the values."""

    reason: Reason
    path: Path | None
    detail: str
    values: tuple[tuple[str, str], ...] = ()
    missing: tuple[str, ...] = ()  # for "missing: a, or b": the paths whose absence is the whole reason


def kind_of(value: Any) -> str:
    """The kind of a value, in words: 'a string', 'a number', 'a list', 'an energy quantity'."""
    if isinstance(value, Quantity):
        return Type(Kind.QUANTITY, dimension=value.dimension).describe()
    return kind_in_words(value)


# A value in a message is clipped to this many characters of text and this many items of a list or mapping, with
# the full size said: a 9 MB value quoted by every rule that reads it made an 81 MB report.
MAX_SHOWN_CHARACTERS = 200
MAX_SHOWN_ITEMS = 20


def _more(count: int, what: str) -> str:
    return f"… ({count} {what})"


def show(value: Any) -> str:
    """A value as a failure explanation shows it: strings quoted, quantities as written; long ones clipped."""
    if isinstance(value, str):
        if len(value) > MAX_SHOWN_CHARACTERS:
            return '"' + value[:MAX_SHOWN_CHARACTERS].replace('"', '\\"') + '"' + _more(len(value), "characters")
        return '"' + value.replace('"', '\\"') + '"'
    if isinstance(value, list):
        more = [_more(len(value), "items")] if len(value) > MAX_SHOWN_ITEMS else []
        return "[" + ", ".join([*(show(v) for v in value[:MAX_SHOWN_ITEMS]), *more]) + "]"
    if isinstance(value, Mapping):
        more = [_more(len(value), "keys")] if len(value) > MAX_SHOWN_ITEMS else []
        shown = (f"{k}: {show(v)}" for k, v in itertools.islice(value.items(), MAX_SHOWN_ITEMS))
        return "{" + ", ".join([*shown, *more]) + "}"
    return text(value)


def approximate(value: Any, digits: int = 4) -> Any:
    """A computed number or quantity rounded for people: 37.6727272727 tCO2e -> 37.67 tCO2e."""
    if isinstance(value, Quantity):
        return Quantity(float(f"{value.magnitude:.{digits}g}"), value.unit)
    if isinstance(value, float):
        return float(f"{value:.{digits}g}")
    return value


def text(value: Any) -> str:
    """A value as a message interpolates it: strings as they are, long ones clipped."""
    if isinstance(value, str):
        if len(value) > MAX_SHOWN_CHARACTERS:
            return value[:MAX_SHOWN_CHARACTERS] + _more(len(value), "characters")
        return value
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    if isinstance(value, Missing):
        return "(missing)"
    if isinstance(value, Mismatch):
        return show(value.found)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        more = [_more(len(value), "items")] if len(value) > MAX_SHOWN_ITEMS else []
        return ", ".join([*(text(v) for v in value[:MAX_SHOWN_ITEMS]), *more])
    if _too_long_for_a_float(value):  # hundreds of digits: say how many
        return f"a number of {len(str(value))} digits"
    return str(value)


def _too_long_for_a_float(value: Any) -> bool:
    """A whole number no float holds (1e309 and up), which messages describe by its length."""
    return isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 1023


# ---- reading typed values out of a document ------------------------------------------------


def coerce(value: Any, expected: Type, path: Path) -> Any:
    """The document value at `path` as the schema types it, or Missing/Mismatch. Quantities
    are written as strings (`433 MWh`) and dates may be strings (JSON) or dates (YAML). Text that shows
    nothing (whitespace and invisible characters only, values/text.py) is absent, like null."""
    if value is None or (isinstance(value, str) and blank(value)):
        return Missing(path)
    kind = expected.kind
    if kind is Kind.QUANTITY:
        if isinstance(value, str):
            try:
                q = parse_quantity(value)
            except QuantityError:
                return Mismatch(path, value, expected.describe())
            if expected.dimension is None or q.dimension == expected.dimension:
                return q
        return Mismatch(path, value, expected.describe())
    if kind is Kind.STRING:
        return value if isinstance(value, str) else Mismatch(path, value, "a string")
    if kind is Kind.NUMBER:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        if ok and isinstance(value, int) and value.bit_length() > 1023:  # no float holds it: 1e309 and up
            return Mismatch(path, value, "a number below 1.8e308")
        return value if ok else Mismatch(path, value, "a number")
    if kind is Kind.BOOLEAN:
        return value if isinstance(value, bool) else Mismatch(path, value, "true or false")
    if kind is Kind.DATE:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        return Mismatch(path, value, "a date (YYYY-MM-DD)")
    if kind is Kind.LIST:
        return value if isinstance(value, list) else Mismatch(path, value, expected.describe())
    if kind is Kind.OBJECT:
        return value if isinstance(value, dict) else Mismatch(path, value, expected.describe())
    return value


def unknown_failure(value: Unknown) -> Failure:
    """The failure a condition over absent or mistyped evidence gives."""
    where = format_path(value.path) or "the document"
    if isinstance(value, Mismatch):
        found, shown = value.found, show(value.found)
        # true, false, null and "a number of 400 digits" say their kind themselves
        plain = found is None or isinstance(found, bool) or _too_long_for_a_float(found)
        said = shown if plain else f"{shown} ({kind_of(found)})"
        detail = f"{where} is {said}; expected {value.expected}"
        return Failure(Reason.TYPE_MISMATCH, value.path, detail, ((where, show(value.found)),))
    if isinstance(value, Undecided):
        return Failure(Reason.MISSING, value.path, value.detail, ((where, "undecided"),))
    return Failure(Reason.MISSING, value.path, f"missing: {where}", ((where, "missing"),), (where,))
