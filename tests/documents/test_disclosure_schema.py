"""The disclosure JSON Schema: well-formed, fully described, and in agreement with the samples."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_PATH = ROOT / "schemas" / "disclosure.schema.json"
SAMPLES = ROOT / "samples"

VALID_SAMPLES = [
    "aurora-7b.yaml",
    "borealis-13b-open-weights.yaml",
    "cirrus-70b-custom-licence.yaml",
    "delta-3b-estimated.yaml",
    "ember-1b-no-energy.yaml",
    "glacier-1b.yaml",
]
MALFORMED_SAMPLE = SAMPLES / "malformed" / "fjord-2b-malformed.yaml"
MALFORMED_ERRORS = {
    ("$.model.parameters", "type"),
    ("$.components[0]", "additionalProperties"),
    ("$.components[1].kind", "enum"),
    ("$.energy.training.energy", "type"),
    ("$.energy.training.pue", "minimum"),
    ("$.energy.training.emissions", "pattern"),
}
QUANTITY_KINDS = {"energy", "power", "time", "carbon", "volume", "compute", "carbon_intensity"}


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator(schema: dict[str, Any]) -> Draft202012Validator:
    # The format checker makes `format: date` assert (uri needs an optional package and is skipped).
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def load(path: Path) -> Any:
    return jsonable(yaml.safe_load(path.read_text(encoding="utf-8")))


def jsonable(value: Any) -> Any:
    # YAML gives date objects for unquoted dates; the schema speaks JSON, where dates are strings.
    if isinstance(value, dict):
        return {key: jsonable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [jsonable(item) for item in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def subschemas(node: Any, where: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every schema object reachable from `node`, with a JSON-pointer-like location."""
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            if key in ("enum", "const", "examples"):
                continue  # values, not schemas
            yield from subschemas(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from subschemas(item, f"{where}/{index}")


def test_schema_is_a_valid_2020_12_schema(schema: dict[str, Any]) -> None:
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == "https://openwatt.dev/schemas/disclosure.schema.json"
    Draft202012Validator.check_schema(schema)


def test_every_property_has_a_description(schema: dict[str, Any]) -> None:
    missing = [
        f"{where}/properties/{name}"
        for where, node in subschemas(schema)
        for name, prop in node.get("properties", {}).items()
        if not (isinstance(prop, dict) and prop.get("description", "").strip())
    ]
    undescribed_defs = [name for name, sub in schema["$defs"].items() if not sub.get("description")]
    assert missing == [] and undescribed_defs == []


def test_every_object_rejects_unknown_keys(schema: dict[str, Any]) -> None:
    open_objects = [
        where
        for where, node in subschemas(schema)
        if "properties" in node and node.get("additionalProperties") is not False
    ]
    assert open_objects == []


def test_every_ref_resolves(schema: dict[str, Any]) -> None:
    refs = {node["$ref"] for _, node in subschemas(schema) if "$ref" in node}
    assert refs and all(ref.startswith("#/$defs/") and ref.removeprefix("#/$defs/") in schema["$defs"]
                        for ref in refs)


def test_quantity_defs(schema: dict[str, Any]) -> None:
    defs = schema["$defs"]
    quantities = {name for name, sub in defs.items() if "pattern" in sub}
    assert quantities == QUANTITY_KINDS
    for name in QUANTITY_KINDS:
        sub = defs[name]
        assert set(sub) == {"type", "pattern", "description", "examples"}
        checker = Draft202012Validator(sub)
        for example in sub["examples"]:
            assert checker.is_valid(example), (name, example)
        assert not checker.is_valid("433"), name  # a bare number has no unit


@pytest.mark.parametrize("name", VALID_SAMPLES)
def test_valid_sample(validator: Draft202012Validator, name: str) -> None:
    errors = [f"{e.json_path}: {e.message}" for e in validator.iter_errors(load(SAMPLES / name))]
    assert errors == []


def test_samples_are_all_listed() -> None:
    assert sorted(p.name for p in SAMPLES.glob("*.yaml")) == sorted(VALID_SAMPLES)


def test_malformed_sample_fails_as_expected(validator: Draft202012Validator) -> None:
    errors = {(e.json_path, e.validator) for e in validator.iter_errors(load(MALFORMED_SAMPLE))}
    assert errors == MALFORMED_ERRORS
