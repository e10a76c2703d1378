"""A test file's own checks against schemas/policy-test.schema.json: every break located and put in words."""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Iterable
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from ..documents.source import Document
from ..language.errors import did_you_mean
from ..resources import load_schema
from ..values.kinds import SCHEMA_TYPES, kind_in_words
from ..values.paths import format_path
from .results import Problem, problem_in

__all__ = ["schema_problems"]


@functools.cache
def _validator() -> Draft202012Validator:
    schema = load_schema("policy-test")
    return Draft202012Validator(schema, format_checker=FormatChecker(formats=("date",)))


def schema_problems(test: Document) -> list[Problem]:
    """Every way the test file breaks schemas/policy-test.schema.json, located and in words."""
    found: dict[tuple[int, int, str], Problem] = {}
    for error in _validator().iter_errors(_jsonable(test.data)):
        for path, message, hint in _explain(error):
            line, column, _ = test.locate(path)
            found.setdefault((line, column, message), problem_in(test.file, line, column, message, hint))
    return sorted(found.values(), key=lambda p: (p.line, p.column, p.message))


def _jsonable(value: Any, key: Any = None, parent: Any = None) -> Any:
    """The test file as JSON reads it for the schema: a date YAML read as `as_of` or as a param value
    becomes its text; a date anywhere else stays a date, so a field meant for text (`document: 2025-01-01`)
    is refused."""
    if isinstance(value, dict):
        return {k: _jsonable(item, k, key) for k, item in value.items()}
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    if isinstance(value, dt.date) and (key == "as_of" or parent == "params"):
        return value.isoformat()
    return value


_REQUIRED_HINTS = {
    "policy": "name the policy under test, e.g. policy: osaid-1.0",
    "cases": "add cases: a list of named cases, each with a document or disclosure and expect",
    "name": "give the case a name, e.g. name: fully open model passes",
    "expect": "add expect: with rule ids and the status each must reach, e.g. weights-licence: pass",
    "status": "give the status: pass, fail, not_applicable, waived or error",
}


def _explain(error: ValidationError) -> Iterable[tuple[tuple[str | int, ...], str, str | None]]:
    path = tuple(error.absolute_path)
    where = format_path(path) or "the test file"
    kind, value = error.validator, error.instance
    if kind == "required":
        for name in error.validator_value:
            if name not in value:
                yield path, f"{where}: missing {name!r}" if path else f"missing {name!r}", _REQUIRED_HINTS.get(name)
    elif kind == "additionalProperties":
        known = list(error.schema.get("properties", {}))
        for name in value:
            if name not in known:
                yield (*path, name), f"{where}: unknown field {name!r}" if path else f"unknown field {name!r}", \
                    did_you_mean(name, known) or f"the fields here are {', '.join(known)}"
    elif kind == "enum":
        choices = [str(c) for c in error.validator_value]
        what = "reason" if path and path[-1] == "reason" else "status"
        shown = json.dumps(value) if isinstance(value, str) else _said(value)
        guess = did_you_mean(value.lower(), choices) if isinstance(value, str) else None
        plural = "statuses" if what == "status" else "reasons"
        yield path, f"{where}: {shown} is not a {what}", guess or f"{plural}: {', '.join(choices)}"
    elif kind == "type":
        types = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        expected = " or ".join(SCHEMA_TYPES.get(str(t), str(t)) for t in types)
        yield path, f"{where} is {_said(value)}; expected {expected}", None
    elif kind == "format":
        yield path, f"{where}: {json.dumps(value)} is not a date", "write the date as YYYY-MM-DD, e.g. 2026-01-01"
    elif kind == "minProperties":
        yield path, f"{where} names no rules", _REQUIRED_HINTS["expect"]
    elif kind == "minLength":
        yield path, f"{where} is empty", None
    elif kind == "oneOf" and isinstance(value, dict):  # a case with neither or both of document, disclosure
        both = "document" in value and "disclosure" in value
        yield path, f"{where} has {'both document and' if both else 'neither document nor'} disclosure", \
            "give a disclosure file (document: ../samples/x.yaml) or an inline disclosure (disclosure: {...})" \
            + (", not both" if both else "")
    elif kind == "not":
        status = value.get("status") if isinstance(value, dict) else None
        yield path, f"{where}: a {status} finding has no reason to expect", "leave out reason, or expect another status"
    elif kind == "pattern":  # the only pattern: param names
        yield path, f"{where}: {json.dumps(value)} is not a param name", None
    elif kind != "oneOf":
        yield path, f"{where}: {error.message}", None


def _said(value: Any) -> str:
    """A value that is not of the kind wanted: true, false and null as written, anything else by its kind."""
    return json.dumps(value) if value is None or isinstance(value, bool) else kind_in_words(value)
