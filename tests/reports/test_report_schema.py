"""The report JSON Schema: well-formed, fully described, closed, and in step with the enums."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from openwatt.values.verdicts import FailOn, InputWaivers, Reason, Severity, Status

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schemas" / "report.schema.json"


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _objects(node: Any, where: str = "$") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every object schema, with where it is."""
    if isinstance(node, dict):
        if node.get("type") == "object":
            yield where, node
        for key, child in node.items():
            yield from _objects(child, f"{where}.{key}")
    elif isinstance(node, list):
        for n, child in enumerate(node):
            yield from _objects(child, f"{where}[{n}]")


def test_schema_is_valid_draft_2020_12(schema: dict[str, Any]) -> None:
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == "https://openwatt.dev/schemas/report.schema.json"


def test_every_property_has_a_title_and_description(schema: dict[str, Any]) -> None:
    undescribed = [
        f"{where}.{name}"
        for where, node in _objects(schema)
        for name, prop in node.get("properties", {}).items()
        if not (prop.get("title") and prop.get("description"))
    ]
    assert undescribed == []
    assert all(d.get("title") and d.get("description") for d in schema["$defs"].values())


# The optional properties: `errors`, added in a backward-compatible way (a report of a check that
# could not run), and `provenance.run` (the check's settings, for `openwatt verify`; absent in a report
# built through the library); every report that ran stays valid against the schema as it was.
OPTIONAL = {"$": ["errors"], "$.$defs.provenance": ["run"]}


def test_every_object_is_closed_and_requires_all_its_properties(schema: dict[str, Any]) -> None:
    for where, node in _objects(schema):
        assert node.get("additionalProperties") is False, where
        optional = OPTIONAL.get(where, [])
        assert node.get("required") == [p for p in node["properties"] if p not in optional], where
        assert list(node["properties"])[len(node["properties"]) - len(optional):] == optional, where


def test_enums_match_the_python_vocabularies(schema: dict[str, Any]) -> None:
    defs = schema["$defs"]
    assert defs["status"]["enum"] == [s.value for s in Status]
    assert defs["severity"]["enum"] == [s.value for s in Severity]
    assert defs["reason"]["enum"] == [*(r.value for r in Reason), None]
    assert defs["provenance"]["properties"]["fail_on"]["enum"] == [f.value for f in FailOn]
    assert defs["provenance"]["properties"]["waivers"]["properties"]["input"]["enum"] == [w.value for w in InputWaivers]
    assert list(defs["summary"]["properties"]["by_status"]["properties"]) == [s.value for s in Status]
