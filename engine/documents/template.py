"""`openwatt init`: a commented disclosure covering every section of the schema, optionally pre-filled.

Every field is written with its description; fields without a value are commented out with an example,
so the template validates as it is and a developer uncomments what they can state.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import Any

import yaml

from ..resources import load_schema
from .reference import _QUANTITY_EXAMPLES, _resolve

_WIDTH = 100
_PLACEHOLDERS = {"openwatt": "1.0", "id": "your-organisation/your-model"}  # required, so never commented out


def render_template(data: Mapping[str, Any] | None = None) -> str:
    """A disclosure in YAML: the values of `data` where given, every other field as a commented example."""
    schema = load_schema("disclosure")
    lines = ["# openwatt disclosure: what this model release states about its openness and energy.",
             "# Uncomment and fill in what you can state; `openwatt check` says what is still missing.",
             "# Reference: docs/disclosure.md (openwatt schema disclosure --markdown).", ""]
    lines += _mapping(schema, schema, dict(data or {}), 0, required=True)
    return "\n".join(lines) + "\n"


def _mapping(node: Mapping[str, Any], root: Mapping[str, Any], data: Mapping[str, Any], depth: int,
             required: bool) -> list[str]:
    target = _resolve(node, root)
    needed = set(target.get("required", ())) if required else set()
    lines: list[str] = []
    for name, child in target.get("properties", {}).items():
        lines += _field(name, child, root, data.get(name), depth, name in needed)
    return lines


def _field(name: str, node: Mapping[str, Any], root: Mapping[str, Any], value: Any, depth: int,
           required: bool) -> list[str]:
    indent = "  " * depth
    description = node.get("description") or _resolve(node, root).get("description", "")
    lines = [f"{indent}# {line}" for line in textwrap.wrap(" ".join(description.split()), _WIDTH - len(indent) - 2)]
    target = _resolve(node, root)
    if value is None and required:
        value = {} if target.get("type") == "object" else _PLACEHOLDERS.get(name, "")
    if target.get("type") == "object" and (value is None or isinstance(value, dict)):
        inner = _mapping(target, root, value or {}, depth + 1, required=value is not None)
        if value is None:
            return [*lines, f"{indent}# {name}:", *(_commented(line, indent) for line in inner)]
        return [*lines, f"{indent}{name}:", *inner]
    if value is not None:
        return [*lines, *_dump({name: value}, indent)]
    return [*lines, *(_commented(line, indent) for line in _dump({name: _example(node, root)}, indent))]


def _commented(line: str, indent: str) -> str:
    if line.lstrip().startswith("#") or not line.strip():
        return line
    return f"{indent}# {line[len(indent):]}"


def _dump(value: Mapping[str, Any], indent: str) -> list[str]:
    text = yaml.safe_dump(value, sort_keys=False, allow_unicode=True, width=_WIDTH, default_flow_style=False)
    return [indent + line for line in text.splitlines()]


def _example(node: Mapping[str, Any], root: Mapping[str, Any]) -> Any:
    ref = node.get("$ref", "")
    name = ref.removeprefix("#/$defs/") if isinstance(ref, str) else ""
    if name in _QUANTITY_EXAMPLES:
        return _QUANTITY_EXAMPLES[name]
    if name == "date":
        return "2026-01-31"
    target = _resolve(node, root)
    if "enum" in target:
        return target["enum"][0]
    if "const" in target:
        return target["const"]
    for combinator in ("oneOf", "anyOf"):
        if combinator in target:
            return _example(target[combinator][0], root)
    kind = target.get("type")
    if kind == "array":
        item = target.get("items", {})
        resolved = _resolve(item, root)
        if resolved.get("type") == "object":  # one item with its required and first few plain fields
            properties = resolved.get("properties", {})
            plain = [k for k, c in properties.items() if _resolve(c, root).get("type") not in ("object", "array")]
            shown = [k for k in properties if k in resolved.get("required", ()) or k in plain[:6]]
            return [{key: _example(properties[key], root) for key in shown}]
        return [_example(item, root)]
    if kind == "object":
        return {key: _example(child, root) for key, child in target.get("properties", {}).items()}
    return {"number": 0, "integer": 0, "boolean": False}.get(kind, "...") if isinstance(kind, str) else "..."
