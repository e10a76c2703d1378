"""Disclosures written out: keys in the schema's order, YAML or JSON, no comments (`openwatt convert`)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

import yaml

from ..resources import load_schema
from .reference import _resolve


def canonical(data: Any) -> Any:
    """`data` with every mapping's keys in the order the disclosure schema lists them (unknown keys last,
    in their own order), so two conversions of the same facts are the same text."""
    schema = load_schema("disclosure")
    return _ordered(data, schema, schema)


def _ordered(value: Any, node: Mapping[str, Any], root: Mapping[str, Any]) -> Any:
    node = _resolve(node, root)
    if isinstance(value, dict):
        properties = node.get("properties", {})
        keys = [k for k in properties if k in value] + [k for k in value if k not in properties]
        return {k: _ordered(value[k], properties.get(k, {}), root) for k in keys}
    if isinstance(value, list):
        return [_ordered(item, node.get("items", {}), root) for item in value]
    return value


def dump(data: Any, form: str) -> str:
    """`data` as YAML (`form` "yaml") or JSON ("json"), in canonical order, ending with a newline."""
    ordered = canonical(data)
    if form == "json":
        return json.dumps(ordered, indent=2, ensure_ascii=False, default=_json_default) + "\n"
    return yaml.safe_dump(ordered, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)


def _json_default(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")
