"""Static types of policy expressions, and the disclosure schema read as types (for path checks)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any

from ..resources import load_schema
from ..values.quantities import DIMENSIONS, Dimension


class Kind(StrEnum):
    ANY = "any"
    BOOLEAN = "boolean"
    NUMBER = "number"
    STRING = "string"
    DATE = "date"
    QUANTITY = "quantity"
    LIST = "list"
    OBJECT = "object"
    NULL = "null"


_ARTICLE = {Kind.ANY: "a value", Kind.BOOLEAN: "true or false", Kind.NUMBER: "a number",
            Kind.STRING: "a string", Kind.DATE: "a date", Kind.NULL: "null"}
_EXAMPLE_UNIT = {"energy": "500 MWh", "power": "700 W", "time": "90 days", "carbon mass": "25 tCO2e",
                 "volume": "1.2 ML", "compute": "1e25 FLOP", "carbon intensity": "57 gCO2e/kWh",
                 "water intensity": "1.8 L/kWh"}


@dataclass(frozen=True, slots=True, eq=False)
class Shape:
    """An object type read from the disclosure schema: its properties, by name."""

    name: str
    node: Mapping[str, Any]
    root: Mapping[str, Any]

    def property(self, name: str) -> Type | None:
        node = self.node.get("properties", {}).get(name)
        return None if node is None else schema_type(node, self.root, name)

    def names(self) -> list[str]:
        return sorted(self.node.get("properties", {}))


@dataclass(frozen=True, slots=True)
class Type:
    kind: Kind
    dimension: Dimension | None = None  # for quantities; None: any dimension
    item: Type | None = None  # for lists
    shape: Shape | None = None  # for objects from the schema
    enum: tuple[Any, ...] | None = None  # allowed values, from the schema

    def describe(self) -> str:
        """In words, for messages: 'an energy quantity', 'a list of component', 'a string'."""
        if self.kind is Kind.QUANTITY:
            if self.dimension is None:
                return "a quantity"
            name = self.dimension.name
            article = "an" if name[0] in "aeiou" else "a"
            return f"{article} {name} quantity"
        if self.kind is Kind.LIST:
            return "a list" if self.item is None or self.item.kind is Kind.ANY else f"a list of {_plain(self.item)}"
        if self.kind is Kind.OBJECT:
            if self.shape is None:
                return "an object"
            return f"{'an' if self.shape.name[0] in 'aeiou' else 'a'} {self.shape.name}"
        return _ARTICLE[self.kind]

    def example(self) -> str | None:
        """A literal of this type, for hints: '500 MWh'."""
        if self.kind is Kind.QUANTITY and self.dimension is not None:
            return _EXAMPLE_UNIT.get(self.dimension.name)
        return None


def _plain(t: Type) -> str:
    described = t.describe()
    for article in ("an ", "a "):
        if described.startswith(article):
            described = described[len(article):]
            break
    uncountable = described.endswith(("ware", "data", "s"))  # "a list of hardware", not "hardwares"
    return described + ("" if uncountable or t.kind not in (Kind.OBJECT, Kind.STRING, Kind.NUMBER, Kind.DATE)
                        else "s")


ANY = Type(Kind.ANY)
BOOLEAN = Type(Kind.BOOLEAN)
NUMBER = Type(Kind.NUMBER)
STRING = Type(Kind.STRING)
DATE = Type(Kind.DATE)
NULL = Type(Kind.NULL)
LIST = Type(Kind.LIST, item=ANY)


def quantity(dimension: Dimension | None = None) -> Type:
    return Type(Kind.QUANTITY, dimension=dimension)


def list_of(item: Type) -> Type:
    return Type(Kind.LIST, item=item)


def assignable(actual: Type, expected: Type) -> bool:
    """Whether a value of `actual` type can stand where `expected` is wanted (ANY fits both ways)."""
    if actual.kind is Kind.ANY or expected.kind is Kind.ANY:
        return True
    if actual.kind is not expected.kind:
        return False
    if actual.kind is Kind.QUANTITY:
        return expected.dimension is None or actual.dimension is None or actual.dimension == expected.dimension
    if actual.kind is Kind.LIST:
        return assignable(actual.item or ANY, expected.item or ANY)
    return True


# ---- the disclosure schema as types ---------------------------------------------------------

_QUANTITY_DEFS = {name: dim for name, dim in DIMENSIONS.items()}
_SCALARS = {"string": STRING, "number": NUMBER, "integer": NUMBER, "boolean": BOOLEAN, "null": NULL}


def schema_type(node: Mapping[str, Any], root: Mapping[str, Any], name: str = "value") -> Type:
    """The type of values a schema node admits. `$defs` named after a quantity kind (energy,
    carbon, ...) are quantities of that dimension; `$defs/date` and `format: date` are dates."""
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        def_name = ref[len("#/$defs/"):]
        if def_name in _QUANTITY_DEFS:
            return quantity(_QUANTITY_DEFS[def_name])
        return schema_type(root["$defs"][def_name], root, def_name.replace("_", " "))
    for combinator in ("oneOf", "anyOf"):
        if combinator in node:
            options = {schema_type(option, root, name) for option in node[combinator]}
            return options.pop() if len(options) == 1 else ANY
    kind = node.get("type")
    if isinstance(kind, list):
        return ANY
    if kind == "object":
        return Type(Kind.OBJECT, shape=Shape(name, node, root))
    if kind == "array":
        return list_of(schema_type(node.get("items", {}), root, _singular(name)))
    if kind == "string" and node.get("format") == "date":
        return DATE
    if kind in _SCALARS:
        enum = tuple(node["enum"]) if "enum" in node else None
        return Type(_SCALARS[kind].kind, enum=enum) if enum else _SCALARS[kind]
    return ANY


def _singular(name: str) -> str:
    return name[:-1] if name.endswith("s") and not name.endswith("ss") else name


def disclosure_type(schema: Mapping[str, Any]) -> Type:
    """The type of a whole disclosure document."""
    return Type(Kind.OBJECT, shape=Shape("disclosure", schema, schema))


@cache
def disclosure() -> Type:
    """The disclosure schema as types: what a path in a policy may name."""
    return disclosure_type(load_schema("disclosure"))
