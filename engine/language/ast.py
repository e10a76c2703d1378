"""The policy language's syntax tree: plain frozen dataclasses, each with the span it came from.

Operators and quantifier kinds are enums, read from the parser's text once, when a node is built;
the compiler dispatches on them, never on strings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, fields
from enum import StrEnum


class CompareOp(StrEnum):
    """A comparison operator, as written."""

    EQ = "=="
    NE = "!="
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="

    @property
    def ordering(self) -> bool:
        """< <= > >=, as opposed to == and !=."""
        return self not in (CompareOp.EQ, CompareOp.NE)


class ArithmeticOp(StrEnum):
    """An arithmetic operator, as written."""

    ADD = "+"
    SUBTRACT = "-"
    MULTIPLY = "*"
    DIVIDE = "/"


class QuantifierKind(StrEnum):
    """What a quantifier does with its items: `all(...)`, `any(...)`, ..."""

    ALL = "all"
    ANY = "any"
    NONE = "none"
    COUNT = "count"
    SUM = "sum"  # of a value, not a condition


@dataclass(frozen=True, slots=True)
class Span:
    """Where a node is in its file: 1-based line and column, end exclusive."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True, slots=True)
class Node:
    span: Span


# ---- expressions ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Expr(Node):
    pass


@dataclass(frozen=True, slots=True)
class Literal(Expr):
    """A string, number, boolean, date or null written in the policy."""

    value: str | int | float | bool | dt.date | None


@dataclass(frozen=True, slots=True)
class DateLiteral(Expr):
    """`2025-08-02`: checked to be a calendar date by the compiler."""

    text: str


@dataclass(frozen=True, slots=True)
class QuantityLiteral(Expr):
    """`500 MWh`: the unit is resolved (and checked) by the compiler."""

    magnitude: float
    unit: str


@dataclass(frozen=True, slots=True)
class ListLiteral(Expr):
    items: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Name(Expr):
    """A bare name: a `let`, a `param`, a quantifier variable or the first step of a path."""

    name: str


@dataclass(frozen=True, slots=True)
class Attribute(Expr):
    """`value.name`: one step down a path."""

    value: Expr
    name: str


@dataclass(frozen=True, slots=True)
class Subscript(Expr):
    """`items[0]` (an index) or `items[kind == "x"]` (a filter); the compiler tells them apart."""

    value: Expr
    index: Expr


@dataclass(frozen=True, slots=True)
class Call(Expr):
    function: str
    args: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Quantifier(Expr):
    """`all(c in components: condition)`; also `any`, `none`, `count`, and `sum` (of a value, not a condition).
    Written without a variable, `all(model.modalities: it != "")`, the item is `it` and `named` is False."""

    kind: QuantifierKind
    variable: str
    collection: Expr
    condition: Expr
    named: bool = True


@dataclass(frozen=True, slots=True)
class RuleOutcome(Expr):
    """`rule class-reached passed`, `rule mof-class-iii/class-reached failed`: another rule's result."""

    rule: str  # as written: a rule of this policy, or `policy-id/rule-id` of an imported one
    rule_span: Span
    passed: bool  # `passed` (True) or `failed` (False)


@dataclass(frozen=True, slots=True)
class Compare(Expr):
    op: CompareOp
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class In(Expr):
    item: Expr
    container: Expr
    negated: bool


@dataclass(frozen=True, slots=True)
class Matches(Expr):
    value: Expr
    pattern: Expr


@dataclass(frozen=True, slots=True)
class Presence(Expr):
    """`path exists` (present=True) or `path missing` (present=False)."""

    value: Expr
    present: bool


@dataclass(frozen=True, slots=True)
class And(Expr):
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class Or(Expr):
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class Not(Expr):
    value: Expr


@dataclass(frozen=True, slots=True)
class Arithmetic(Expr):
    op: ArithmeticOp
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class Negate(Expr):
    value: Expr


# ---- policy structure ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Text(Node):
    """A string in a header or rule field. In a message or a fix, `parts` is the text split into
    literal pieces and the expressions written as `{...}`; elsewhere it is just the value."""

    value: str
    raw: str  # the source text between the quotes, for positions inside it
    raw_line: int
    raw_column: int
    parts: tuple[str | Expr, ...] = ()
    written: tuple[str, ...] = ()  # each {…} expression of `parts` as written in the text, for documentation


@dataclass(frozen=True, slots=True)
class Field(Node):
    """`title "..."`, `cite "..."`, `severity error`, `when expr`, `require expr`, ..."""

    keyword: str
    value: Text | Expr | str


@dataclass(frozen=True, slots=True)
class Let(Node):
    name: str
    value: Expr


@dataclass(frozen=True, slots=True)
class Param(Node):
    name: str
    value: Expr
    description: Text | None
    allowed: Expr | None = None  # `one of [...]`: the only texts the param may be given


@dataclass(frozen=True, slots=True)
class SeverityOverride(Node):
    rule: str
    level: str


@dataclass(frozen=True, slots=True)
class Disable(Node):
    rule: str


@dataclass(frozen=True, slots=True)
class SetParam(Node):
    name: str
    value: Expr


Override = SeverityOverride | Disable | SetParam


@dataclass(frozen=True, slots=True)
class Import(Node):
    policy: str
    overrides: tuple[Override, ...]


@dataclass(frozen=True, slots=True)
class Rule(Node):
    id: str
    id_span: Span
    body: tuple[Field | Let, ...]


@dataclass(frozen=True, slots=True)
class Header(Node):
    id: str
    id_span: Span
    fields: tuple[Field, ...]


@dataclass(frozen=True, slots=True)
class PolicyFile(Node):
    header: Header
    items: tuple[Import | Param | Let | Rule, ...]


def children(node: Node) -> list[Node]:
    """The nodes directly below `node`, in source order."""
    below: list[Node] = []
    for f in fields(node):
        value = getattr(node, f.name)
        below += [v for v in (value if isinstance(value, tuple) else (value,)) if isinstance(v, Node)]
    return below


def walk(node: Node) -> Iterator[Node]:
    """`node` and every node below it, depth first, in source order."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack += reversed(children(current))
