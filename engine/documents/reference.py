"""The disclosure format in words: docs/disclosure.md rendered from the schema's own descriptions."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ..resources import SCHEMAS_DIR, load_schema

SCHEMAS = {"disclosure": "disclosure.schema.json", "report": "report.schema.json",
           "report-line": "report-line.schema.json",
           "policy-test": "policy-test.schema.json"}

_QUANTITY_EXAMPLES = {"energy": "433 MWh", "power": "400 W", "time": "90 days", "carbon": "24.7 tCO2e",
                      "volume": "1.2 ML", "compute": "3.8e25 FLOP", "carbon_intensity": "57 gCO2e/kWh"}


def schema_text(name: str) -> str:
    """The JSON text of a shipped schema (`disclosure`, `report`, `policy-test`); KeyError for others."""
    return (SCHEMAS_DIR / SCHEMAS[name]).read_text(encoding="utf-8")


def render_reference() -> str:
    """Markdown describing every field of a disclosure, from schemas/disclosure.schema.json."""
    schema = load_schema("disclosure")
    lines = [
        "# The disclosure format",
        "",
        "<!-- Generated from schemas/disclosure.schema.json by `openwatt schema disclosure --markdown`; "
        "do not edit by hand. -->",
        "",
        schema.get("description", ""),
        "",
        "A disclosure is a YAML or JSON file. Quantities are written with their unit, e.g. "
        + ", ".join(f"`{v}`" for v in _QUANTITY_EXAMPLES.values())
        + "; dates as `YYYY-MM-DD`.",
        "",
        "| field | type | description |",
        "|---|---|---|",
    ]
    for path, node, required in _fields(schema, schema, ""):
        kind = _kind(node, schema)
        mark = " (required)" if required else ""
        lines.append(f"| `{path}`{mark} | {kind} | {_cell(_description(node, schema))} |")
    lines.append("")
    return "\n".join(lines)


def _fields(node: Mapping[str, Any], root: Mapping[str, Any], prefix: str) -> Iterator[tuple[str, Mapping[str, Any], bool]]:
    target = _resolve(node, root)
    required = set(target.get("required", ()))
    for name, child in target.get("properties", {}).items():
        path = f"{prefix}.{name}" if prefix else name
        yield path, child, name in required
        resolved = _resolve(child, root)
        if resolved.get("type") == "object":
            yield from _fields(resolved, root, path)
        elif resolved.get("type") == "array" and _resolve(resolved.get("items", {}), root).get("type") == "object":
            yield from _fields(resolved["items"], root, f"{path}[]")


def _resolve(node: Mapping[str, Any], root: Mapping[str, Any]) -> Mapping[str, Any]:
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        return _resolve(root["$defs"][ref.removeprefix("#/$defs/")], root)
    return node


def _kind(node: Mapping[str, Any], root: Mapping[str, Any]) -> str:
    ref = node.get("$ref", "")
    name = ref.removeprefix("#/$defs/") if isinstance(ref, str) else ""
    if name in _QUANTITY_EXAMPLES:
        return f"{name.replace('_', ' ')} quantity, e.g. `{_QUANTITY_EXAMPLES[name]}`"
    if name == "date":
        return "date"
    resolved = _resolve(node, root)
    if "enum" in resolved:
        return "one of " + ", ".join(f"`{v}`" for v in resolved["enum"])
    if "const" in resolved:
        return f"`{resolved['const']}`"
    for combinator in ("oneOf", "anyOf"):
        if combinator in resolved:
            return " or ".join(_kind(option, root) for option in resolved[combinator])
    kind = resolved.get("type", "any")
    if kind == "array":
        return f"list of {_kind(resolved.get('items', {}), root)}"
    if isinstance(kind, list):
        return " or ".join(kind)
    if kind == "object":
        return "mapping"
    return str(kind)


def _description(node: Mapping[str, Any], root: Mapping[str, Any]) -> str:
    return node.get("description") or _resolve(node, root).get("description", "")


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")
