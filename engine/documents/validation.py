"""Disclosure schema validation: JSON Schema errors as located problems, in words a disclosure writer uses.

Two validators judge a disclosure. A compiled one (`jsonschema_rs`, Rust) answers "valid?" some hundred
times faster than `jsonschema`; only when it says no, or cannot judge a value (a number too large for it,
text that is not valid Unicode), does `jsonschema` run, to find every problem with its place. `jsonschema`
decides: when the two disagree, its answer stands (tests/documents/test_validation_fast_path.py shows
they agree on every sample, hostile and generated input). Without `jsonschema_rs` installed, every
disclosure goes through `jsonschema`, with the same results.
"""

from __future__ import annotations

import datetime
import difflib
import functools
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from openwatt.documents.problems import Problem, ProblemKind
from openwatt.documents.source import Document, Format, Path, format_path
from ..resources import load_schema
from openwatt.values.kinds import DATE, NUMBER, SCHEMA_TYPES, kind_in_words
from openwatt.values.quantities import (DIMENSIONS, QuantityError, UnknownUnitError, format_number,
                                        parse_quantity)

if TYPE_CHECKING:  # imported when a disclosure is invalid (or without the fast validator): valid ones never need it
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

__all__ = ["validate"]


@dataclass(frozen=True, slots=True)
class _Problem:  # a problem before it is located
    path: Path
    message: str
    hint: str | None = None


def validate(document: Document) -> list[Problem]:
    """Every schema problem of ``document`` (kind `schema`), located at its path or the nearest present
    parent, sorted by (line, column, path); [] for a valid disclosure.

    Formats: ``date`` is checked (YYYY-MM-DD); ``uri`` is not, because jsonschema checks it only when
    an optional package is installed, and results must not depend on what else is installed."""
    data = _jsonable(document.data)
    if is_valid_fast(data):
        return []
    found: dict[tuple[Path, str], _Problem] = {}
    for error in _validator().iter_errors(data):
        for problem in _explain(_decisive(error), document.format):
            found.setdefault((problem.path, problem.message), problem)
    located = [_located(document, p) for p in found.values()]
    return sorted(located, key=lambda p: (p.line, p.column, _path_key(p.path), p.message))


def _located(document: Document, problem: _Problem) -> Problem:
    line, column, _ = document.locate(problem.path)
    return Problem(kind=ProblemKind.SCHEMA, file=document.file, line=line, column=column, path=problem.path,
                   message=problem.message, hint=problem.hint)


def is_valid_fast(data: Any) -> bool:
    """Whether the compiled validator finds ``data`` (JSON values: dates as strings) valid; False when it
    says invalid, cannot judge the data, or is not installed: then `jsonschema` must look."""
    if (fast := _fast_validator()) is None:
        return False
    try:
        return bool(fast.is_valid(data))
    except (ValueError, TypeError, OverflowError, RecursionError):  # a value it cannot convert: jsonschema judges
        return False


@functools.cache
def _fast_validator() -> Any | None:
    try:
        import jsonschema_rs
    except ImportError:
        return None
    return jsonschema_rs.Draft202012Validator(_fast_schema(load_schema("disclosure")), validate_formats=True)


_CHECKED_FORMATS = ("date",)
_NAMED_SCHEMAS = ("properties", "patternProperties", "$defs", "dependentSchemas")  # name -> schema
_DATA = ("enum", "const", "examples", "default", "required", "description", "title")  # values, not schemas


def _fast_schema(schema: Any) -> Any:
    """The schema as the compiled validator must read it to judge as `jsonschema` does here: only the
    ``date`` format is checked (an unchecked format is an annotation, so it is dropped), and a pattern's
    final ``$`` also matches before one final newline, as Python's `re.search` reads it."""
    if isinstance(schema, list):
        return [_fast_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    result: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "format" and value not in _CHECKED_FORMATS:
            continue
        if key == "pattern" and isinstance(value, str) and value.endswith("$") and not value.endswith("\\$"):
            value = value[:-1] + "\\n?$"
        elif key in _NAMED_SCHEMAS and isinstance(value, dict):
            value = {name: _fast_schema(sub) for name, sub in value.items()}
        elif key not in _DATA:
            value = _fast_schema(value)
        result[key] = value
    return result


@functools.cache
def _validator() -> Draft202012Validator:
    from jsonschema import Draft202012Validator, FormatChecker
    schema = load_schema("disclosure")
    return Draft202012Validator(schema, format_checker=FormatChecker(formats=_CHECKED_FORMATS))


@functools.cache
def _quantity_kinds() -> Mapping[str, tuple[str, str]]:
    """Pattern of each quantity $def -> (its kind, e.g. 'energy', and its first example, e.g. '74 MWh')."""
    defs = load_schema("disclosure")["$defs"]
    return {defs[name]["pattern"]: (name, defs[name]["examples"][0]) for name in DIMENSIONS if name in defs}


def _path_key(path: Path) -> tuple[tuple[int, int | str], ...]:
    return tuple((0, part) if isinstance(part, int) else (1, part) for part in path)


_LEAVES = frozenset({str, int, float, bool, type(None)})  # JSON values as they are: no call needed for them


def _jsonable(value: Any) -> Any:
    # The schema speaks JSON, where dates are strings; YAML gives date objects for unquoted dates.
    if isinstance(value, dict):
        return {key: item if type(item) in _LEAVES else _jsonable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [item if type(item) in _LEAVES else _jsonable(item) for item in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def _decisive(error: ValidationError) -> ValidationError:
    # An anyOf/oneOf failure carries one error per branch; best_match descends to the branch that explains
    # it and stops at a tie. A tie goes to a branch whose type fits the value (its complaint is about the
    # value, not its kind), then to the first in schema order.
    from jsonschema.exceptions import best_match, relevance
    error = best_match([error])
    while error.context:
        error = min(error.context, key=lambda branch: (relevance(branch), branch.validator == "type"))
    return error


def _explain(error: ValidationError, syntax: Format = Format.YAML) -> Iterable[_Problem]:
    path = tuple(error.absolute_path)
    if error.validator == "type":  # the one explanation that depends on the syntax the value was written in
        return _type(error, path, syntax)
    return _EXPLAINERS.get(str(error.validator), _fallback)(error, path)


def _where(path: Path) -> str:
    return format_path(path) or "the document"


def _shown(value: Any) -> str:
    if isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
        return text if len(text) <= 60 else text[:56] + '..."'
    if isinstance(value, bool):
        return "true" if value else "false"
    text = "null" if value is None else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _shown_with_kind(value: Any) -> str:
    """What a message says ``value`` is: '5 (a number)', '"5" (a string)', 'a list', 'null'; true and false
    need no kind after them."""
    if value is None or isinstance(value, (dict, list)):
        return kind_in_words(value)
    return _shown(value) if isinstance(value, bool) else f"{_shown(value)} ({kind_in_words(value)})"


_DATE_HINT = "write the date as YYYY-MM-DD, e.g. 2025-09-16"
_SIGNLESS_EXPONENT = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[eE][0-9]+")


def _article(noun: str) -> str:
    return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"


def _either(choices: list[str]) -> str:
    quoted = [f"'{c}'" for c in choices]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"


def _did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(word, list(choices), n=3, cutoff=0.6)
    return f"did you mean {_either(close)}?" if close else None


def _quantity(schema: Mapping[str, Any]) -> tuple[str, str, str] | None:
    """(kind, 'an energy quantity', example) if ``schema`` is one of the quantity $defs."""
    if (found := _quantity_kinds().get(schema.get("pattern", ""))) is None:
        return None
    kind, example = found
    return kind, f"{_article(DIMENSIONS[kind].name)} quantity", example


def _type(error: ValidationError, path: Path, syntax: Format) -> Iterable[_Problem]:
    value, schema, where = error.instance, error.schema, _where(path)
    if (quantity := _quantity(schema)) is not None and kind_in_words(value) == NUMBER:
        unit = quantity[2].split(" ", 1)[1]
        yield _Problem(path, f"{where}: {_shown(value)} is not a quantity with a unit",
                       f"write a number and a unit, e.g. {_shown(value)} {unit}")
        return
    types = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
    expected = quantity[1] if quantity else " or ".join(SCHEMA_TYPES.get(t, t) for t in types)
    hint = None
    if schema.get("format") == "date":
        expected, hint = DATE, _DATE_HINT
    elif isinstance(value, str) and {"number", "integer"} & set(types):
        if syntax is Format.YAML and _SIGNLESS_EXPONENT.fullmatch(value.strip()):
            mantissa, exponent = re.split("[eE]", value.strip())
            hint = (f"YAML 1.1 reads {value.strip()} as a string; write {format_number(float(value))} "
                    f"or {mantissa}e+{exponent}")
        elif _is_number(value):
            hint = "write the number without quotes"
    elif value is None:
        hint = "give a value, or leave the field out"
    yield _Problem(path, f"{where} is {_shown_with_kind(value)}; expected {expected}", hint)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _pattern(error: ValidationError, path: Path) -> Iterable[_Problem]:
    value, where = error.instance, _where(path)
    if (quantity := _quantity(error.schema)) is None:
        yield _Problem(path, f"{where}: {_shown(value)} does not match the pattern {error.validator_value}")
        return
    kind, expected, example = quantity
    try:
        found = parse_quantity(value)
    except QuantityError as problem:
        # An unknown unit's hint names the units meant; other hints are generic, so give one of this kind.
        generic = f"write a number and a unit, e.g. {example}"
        hint = problem.hint if isinstance(problem, UnknownUnitError) else generic
        yield _Problem(path, f"{where}: {problem.message}", hint)
        return
    if found.dimension != DIMENSIONS[kind]:
        yield _Problem(path, f"{where}: {_shown(value)} is {_article(found.dimension.name)} quantity; "
                             f"expected {expected}", f"write {expected}, e.g. {example}")
    elif found.magnitude < 0:  # the schema's quantities are physical amounts: energy, emissions, water, time ...
        yield _Problem(path, f"{where}: {_shown(value)} is negative; expected {expected} of zero or more",
                       f"write the amount as zero or more, e.g. {example}")
    else:  # a quantity openwatt reads, but not written as the schema asks (e.g. spaces around it)
        yield _Problem(path, f"{where}: {_shown(value)} is not written as {expected}",
                       f"write a number, at most one space and a unit, with nothing around them, e.g. {example}")


def _enum(error: ValidationError, path: Path) -> Iterable[_Problem]:
    choices = [str(choice) for choice in error.validator_value]
    hint = _did_you_mean(str(error.instance), choices) if isinstance(error.instance, str) else None
    yield _Problem(path, f"{_where(path)}: {_shown(error.instance)} is not one of {', '.join(choices)}", hint)


def _const(error: ValidationError, path: Path) -> Iterable[_Problem]:
    value, wanted = error.instance, error.validator_value
    if isinstance(wanted, str) and not isinstance(value, str) and _shown(value) == wanted:
        yield _Problem(path, f"{_where(path)} is {_shown_with_kind(value)}; expected the string "
                             f"{_shown(wanted)}", f"quote it: {path[-1] if path else 'value'}: {_shown(wanted)}")
    else:
        yield _Problem(path, f"{_where(path)}: {_shown(value)} is not {_shown(wanted)}")


def _required(error: ValidationError, path: Path) -> Iterable[_Problem]:
    for name in error.validator_value:
        if name not in error.instance:
            yield _Problem((*path, name), f"missing required field {format_path((*path, name))!r}")


def _additional(error: ValidationError, path: Path) -> Iterable[_Problem]:
    known = list(error.schema.get("properties", {}))
    for name in error.instance:
        if name not in known:
            hint = _did_you_mean(name, known) or f"the fields here are {', '.join(known)}"
            yield _Problem((*path, name), f"unknown field {format_path((*path, name))!r}", hint)


def _minimum(error: ValidationError, path: Path) -> Iterable[_Problem]:
    yield _Problem(path, f"{_where(path)}: {_shown(error.instance)} is below the minimum of "
                         f"{_shown(error.validator_value)}")


def _maximum(error: ValidationError, path: Path) -> Iterable[_Problem]:
    yield _Problem(path, f"{_where(path)}: {_shown(error.instance)} is above the maximum of "
                         f"{_shown(error.validator_value)}")


def _min_length(error: ValidationError, path: Path) -> Iterable[_Problem]:
    if error.instance == "":
        yield _Problem(path, f"{_where(path)} is an empty string", "give a value, or leave the field out")
    else:
        yield _Problem(path, f"{_where(path)}: {_shown(error.instance)} is shorter than "
                             f"{error.validator_value} characters")


def _format(error: ValidationError, path: Path) -> Iterable[_Problem]:
    if error.validator_value == "date":
        yield _Problem(path, f"{_where(path)}: {_shown(error.instance)} is not a date", _DATE_HINT)
    else:
        yield from _fallback(error, path)


def _fallback(error: ValidationError, path: Path) -> Iterable[_Problem]:
    yield _Problem(path, f"{_where(path)}: {error.message}")


_EXPLAINERS: Mapping[str, Callable[[ValidationError, Path], Iterable[_Problem]]] = {
    "pattern": _pattern, "enum": _enum, "const": _const, "required": _required, "maximum": _maximum,
    "additionalProperties": _additional, "minimum": _minimum, "minLength": _min_length, "format": _format,
}
