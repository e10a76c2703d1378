"""`openwatt policy fmt`: one canonical layout for policy text, comments kept, meaning unchanged.

The layout: the header's fields in a fixed order (title, version, source, description); one blank line
between items; two spaces of indent in rule and import bodies; one space around binary operators; lists
as `["a", "b"]`; parentheses only where the grouping needs them (and around an `and` inside an `or`,
for the reader); a `when`, `require` or `let` longer than LINE_LENGTH broken before each top-level
`and`/`or`. Texts keep their quotes and escapes as written; a triple-quoted text is re-indented.

Lark drops comments, so they are found in the source text and re-attached: each comment is printed
on a line of its own before the first field, item, override or closing brace that ends on or after
its line, at that element's indent. Formatting is checked: the result must parse to the same tree.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass

from . import ast
from .errors import PolicyErrors
from .parser import parse_policy

LINE_LENGTH = 100
INDENT = "  "
HEADER_ORDER = ("title", "version", "source", "description")

# Binding strength of each kind of expression (grammar.lark, loosest first).
_OR, _AND, _NOT, _COMPARE, _SUM, _PRODUCT, _UNARY, _POSTFIX, _ATOM = range(1, 10)
_NUMBER = re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


@dataclass(frozen=True, slots=True)
class Comment:
    """A `# ...` comment of the source: its line and its text (from `#`, trailing blanks removed)."""

    line: int
    text: str


def comments(source: str) -> list[Comment]:
    """Every comment in `source`, in order; a `#` inside a string or a triple-quoted text is not one."""
    found: list[Comment] = []
    i, line, n = 0, 1, len(source)
    while i < n:
        c = source[i]
        if c == "\n":
            line += 1
            i += 1
        elif source.startswith('"""', i):
            end = source.find('"""', i + 3)
            end = n if end < 0 else end + 3
            line += source.count("\n", i, end)
            i = end
        elif c == '"':
            j = i + 1
            while j < n and source[j] not in '"\n':
                j += 2 if source[j] == "\\" else 1
            i = j + 1 if j < n and source[j] == '"' else j
        elif c == "#":
            end = source.find("\n", i)
            end = n if end < 0 else end
            found.append(Comment(line, source[i:end].rstrip()))
            i = end
        else:
            i += 1
    return found


def fmt(source: str, file: str) -> str:
    """`source` in the canonical layout. Raises PolicyErrors when it does not parse."""
    tree = parse_policy(source, file)
    printer = _Printer(source, tree)
    out = printer.policy()
    try:
        again = parse_policy(out, file)
    except PolicyErrors as err:  # a bug in this module, never in the policy: say so where it shows
        raise AssertionError(f"fmt produced text that does not parse: {err}") from None
    if _shape(_ordered(again)) != _shape(_ordered(tree)):
        raise AssertionError(f"fmt changed the meaning of {file}")
    return out


def _ordered(tree: ast.PolicyFile) -> ast.PolicyFile:
    """`tree` with its header fields in the canonical order (the one change of order fmt makes)."""
    fields = sorted(tree.header.fields, key=lambda f: HEADER_ORDER.index(f.keyword))
    return dataclasses.replace(tree, header=dataclasses.replace(tree.header, fields=tuple(fields)))


def _shape(value: object) -> object:
    """A node without its positions, for comparing two parses of the same policy."""
    if isinstance(value, ast.Text):
        return ("Text", value.value, _shape(value.parts))
    if isinstance(value, ast.Node):
        return (type(value).__name__, *(_shape(getattr(value, f.name)) for f in dataclasses.fields(value)
                                        if f.name not in ("span", "id_span", "rule_span")))
    if isinstance(value, tuple):
        return tuple(_shape(v) for v in value)
    return value


@dataclass(frozen=True, slots=True)
class _Unit:
    """Something printed on a line of its own, to which comments attach: where it is in the source."""

    line: int
    end_line: int
    key: int  # id() of the node (or a marker) it stands for


class _Printer:
    def __init__(self, source: str, tree: ast.PolicyFile) -> None:
        self.source, self.tree = source, tree
        self.starts = [0] + [i + 1 for i, c in enumerate(source) if c == "\n"]  # where each line begins
        self.attached: dict[int, list[Comment]] = {}
        self.trailing: list[Comment] = []
        self._attach(comments(source))

    # ---- comments ---------------------------------------------------------------------------

    def _units(self) -> Iterator[_Unit]:
        h = self.tree.header
        yield _Unit(h.id_span.line, h.id_span.line, id(h))
        for f in h.fields:
            yield _Unit(f.span.line, f.span.end_line, id(f))
        for item in self.tree.items:
            if isinstance(item, (ast.Rule, ast.Import)):
                inner: tuple[ast.Node, ...] = item.body if isinstance(item, ast.Rule) else item.overrides
                first = item.id_span.line if isinstance(item, ast.Rule) else item.span.line
                yield _Unit(item.span.line, first, id(item))
                for node in inner:
                    yield _Unit(node.span.line, node.span.end_line, id(node))
                yield _Unit(item.span.end_line, item.span.end_line, -id(item))  # the closing brace
            else:
                yield _Unit(item.span.line, item.span.end_line, id(item))

    def _attach(self, found: list[Comment]) -> None:
        units = sorted(self._units(), key=lambda u: (u.end_line, u.line))
        for comment in found:
            unit = next((u for u in units if u.end_line >= comment.line), None)
            if unit is None:
                self.trailing.append(comment)
            else:
                self.attached.setdefault(unit.key, []).append(comment)

    def _comments(self, key: int, indent: str, line: int) -> list[str]:
        """The comments attached to `key`, one a line, keeping one blank line where the source had some."""
        out: list[str] = []
        attached = self.attached.get(key, [])
        for i, c in enumerate(attached):
            if i and c.line - attached[i - 1].line > 1:
                out.append("")
            out.append(indent + c.text)
        if attached and line - attached[-1].line > 1:
            out.append("")
        return out

    # ---- structure --------------------------------------------------------------------------

    def policy(self) -> str:
        h = self.tree.header
        out = self._comments(id(h), "", h.id_span.line) + [f"policy {h.id}"]
        for f in _ordered(self.tree).header.fields:
            out += self._comments(id(f), "", f.span.line) + self._field(f, "")
        previous: ast.Node | None = None
        for item in self.tree.items:
            if not (isinstance(item, ast.Let) and isinstance(previous, ast.Let) and self._adjacent(previous, item)):
                out.append("")
            out += self._item(item)
            previous = item
        if self.trailing:
            out.append("")
            out += [c.text for c in self.trailing]
        return "\n".join(line.rstrip() for line in out) + "\n"

    def _adjacent(self, previous: ast.Node, item: ast.Node) -> bool:
        """Whether `item` follows `previous` with no blank line between (lets written as a group stay one)."""
        attached = self.attached.get(id(item), [])
        first = attached[0].line if attached else item.span.line
        return first - previous.span.end_line <= 1

    def _item(self, item: ast.Import | ast.Param | ast.Let | ast.Rule) -> list[str]:
        out = self._comments(id(item), "", item.span.line)
        if isinstance(item, ast.Param):
            lines = self._lines(f"param {item.name} = ", item.value, "")
            if item.allowed is not None:
                lines[-1] += f" one of {self._expr(item.allowed)}"
            if item.description is None:
                return out + lines
            return out + lines[:-1] + self._text_lines(f"{lines[-1]} description ", item.description, "")
        if isinstance(item, ast.Let):
            return out + self._lines(f"let {item.name} = ", item.value, "")
        if isinstance(item, ast.Import):
            if not item.overrides and not self.attached.get(-id(item)):
                return out + [f"import {item.policy}"]
            out.append(f"import {item.policy} {{")
            for o in item.overrides:
                out += self._comments(id(o), INDENT, o.span.line) + [INDENT + self._override(o)]
            return out + self._comments(-id(item), INDENT, item.span.end_line) + ["}"]
        out.append(f"rule {item.id} {{")
        for node in item.body:
            out += self._comments(id(node), INDENT, node.span.line)
            if isinstance(node, ast.Let):
                out += self._lines(f"let {node.name} = ", node.value, INDENT)
            else:
                out += self._field(node, INDENT)
        return out + self._comments(-id(item), INDENT, item.span.end_line) + ["}"]

    def _override(self, o: ast.Override) -> str:
        if isinstance(o, ast.SeverityOverride):
            return f"severity {o.rule} {o.level}"
        if isinstance(o, ast.Disable):
            return f"disable {o.rule}"
        return f"set {o.name} = {self._expr(o.value)}"

    def _field(self, f: ast.Field, indent: str) -> list[str]:
        if isinstance(f.value, str):
            return [f"{indent}{f.keyword} {f.value}"]
        if isinstance(f.value, ast.Text):
            return self._text_lines(f"{f.keyword} ", f.value, indent)
        return self._lines(f"{f.keyword} ", f.value, indent)

    def _text_lines(self, lead: str, text: ast.Text, indent: str) -> list[str]:
        written = self._slice(text.span)
        if not written.startswith('"""') or "\n" not in written:
            return [f"{indent}{lead}{written}"]
        body = text.value  # the parser's dedented, stripped value: re-indented, it reads back the same
        lines = [indent + INDENT + line if line.strip() else "" for line in body.split("\n")]
        return [f'{indent}{lead}"""', *lines, f'{indent}"""']

    def _lines(self, lead: str, expr: ast.Expr, indent: str) -> list[str]:
        """`lead` then `expr`; when too long, broken before each top-level `and` or `or`."""
        one = f"{indent}{lead}{self._expr(expr)}"
        if len(one) <= LINE_LENGTH:
            return [one]
        if isinstance(expr, ast.ListLiteral):
            return [f"{indent}{lead}[", *self._fill([self._expr(i) for i in expr.items], indent + INDENT),
                    f"{indent}]"]
        if not isinstance(expr, (ast.And, ast.Or)):
            return [one]
        word = "and" if isinstance(expr, ast.And) else "or"
        operands = list(self._chain(expr, type(expr)))
        strength = _AND if word == "and" else _OR
        first, *rest = (self._operand(o, strength, i > 0) for i, o in enumerate(operands))
        return [f"{indent}{lead}{first}", *(f"{indent}{INDENT * 2}{word} {r}" for r in rest)]

    @staticmethod
    def _fill(words: list[str], indent: str) -> list[str]:
        """List items, comma-separated, as many a line as fit in LINE_LENGTH."""
        lines: list[str] = []
        line = ""
        for i, word in enumerate(words):
            word += "," if i < len(words) - 1 else ""
            if line and len(indent) + len(line) + 1 + len(word) > LINE_LENGTH:
                lines.append(indent + line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        return lines + [indent + line] if line else lines

    def _chain(self, expr: ast.Expr, kind: type) -> Iterator[ast.Expr]:
        if isinstance(expr, kind):
            yield from self._chain(expr.left, kind)  # type: ignore[attr-defined]
            yield expr.right  # type: ignore[attr-defined]
        else:
            yield expr

    # ---- expressions ------------------------------------------------------------------------

    def _slice(self, span: ast.Span) -> str:
        start = self.starts[span.line - 1] + span.column - 1
        end = self.starts[span.end_line - 1] + span.end_column - 1
        return self.source[start:end]

    def _expr(self, e: ast.Expr, at_least: int = 0) -> str:
        """`e` as text, in parentheses when it binds more loosely than its place needs."""
        text, strength = self._bare(e)
        return f"({text})" if strength < at_least else text

    def _operand(self, e: ast.Expr, strength: int, right: bool) -> str:
        """An operand of `and` (strength _AND) or `or` (_OR); an `and` inside an `or` is always bracketed."""
        if strength == _OR and isinstance(e, ast.And):
            return self._expr(e, _NOT)
        return self._expr(e, strength + 1 if right else strength)

    def _bare(self, e: ast.Expr) -> tuple[str, int]:
        x = self._expr
        if isinstance(e, ast.Or):
            return f"{self._operand(e.left, _OR, False)} or {self._operand(e.right, _OR, True)}", _OR
        if isinstance(e, ast.And):
            return f"{self._operand(e.left, _AND, False)} and {self._operand(e.right, _AND, True)}", _AND
        if isinstance(e, ast.Not):
            return f"not {x(e.value, _NOT)}", _NOT
        if isinstance(e, ast.Compare):
            return f"{x(e.left, _SUM)} {e.op} {x(e.right, _SUM)}", _COMPARE
        if isinstance(e, ast.In):
            return f"{x(e.item, _SUM)} {'not in' if e.negated else 'in'} {x(e.container, _SUM)}", _COMPARE
        if isinstance(e, ast.Matches):
            return f"{x(e.value, _SUM)} matches {x(e.pattern, _SUM)}", _COMPARE
        if isinstance(e, ast.Presence):
            return f"{x(e.value, _SUM)} {'exists' if e.present else 'missing'}", _COMPARE
        if isinstance(e, ast.Arithmetic):
            strength = _SUM if e.op in (ast.ArithmeticOp.ADD, ast.ArithmeticOp.SUBTRACT) else _PRODUCT
            return f"{x(e.left, strength)} {e.op} {x(e.right, strength + 1)}", strength
        if isinstance(e, ast.Negate):
            return f"-{x(e.value, _UNARY)}", _UNARY
        if isinstance(e, ast.Attribute):
            return f"{x(e.value, _POSTFIX)}.{e.name}", _POSTFIX
        if isinstance(e, ast.Subscript):
            return f"{x(e.value, _POSTFIX)}[{x(e.index)}]", _POSTFIX
        if isinstance(e, ast.Call):
            return f"{e.function}({', '.join(x(a) for a in e.args)})", _ATOM
        if isinstance(e, ast.Quantifier):
            head = f"{e.variable} in {x(e.collection)}" if e.named else x(e.collection)
            return f"{e.kind}({head}: {x(e.condition)})", _ATOM
        if isinstance(e, ast.RuleOutcome):
            return f"rule {e.rule} {'passed' if e.passed else 'failed'}", _ATOM
        if isinstance(e, ast.ListLiteral):
            return f"[{', '.join(x(i) for i in e.items)}]", _ATOM
        if isinstance(e, ast.Name):
            return e.name, _ATOM
        if isinstance(e, ast.QuantityLiteral):
            number = _NUMBER.match(self._slice(e.span))
            return f"{number.group() if number else e.magnitude} {e.unit}", _ATOM
        if isinstance(e, (ast.Literal, ast.DateLiteral)):
            return self._slice(e.span), _ATOM
        raise TypeError(f"fmt: no layout for {type(e).__name__}")


def check_formatted(source: str, file: str) -> bool:
    """Whether `source` is already in the canonical layout (PolicyErrors when it does not parse)."""
    return fmt(source, file) == source

