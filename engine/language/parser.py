"""Policy text -> syntax tree, with source spans; syntax errors in words, with a caret and a hint."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import re
import sys
import textwrap
from typing import Any
from pathlib import Path

from lark import Lark, Token, Transformer, Tree, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, v_args
from lark import __version__ as lark_version
from lark.grammar import Rule
from lark.lark import _LOAD_ALLOWED_OPTIONS
from lark.lexer import TerminalDef
from lark.tree import Meta

from . import ast
from .cache_folder import load, store
from .errors import Label, PolicyError, PolicyErrors, did_you_mean


_LARK_OPTIONS: dict[str, Any] = {"parser": "lalr", "propagate_positions": True, "start": ["start", "header", "item", "expr"]}


@functools.cache
def _lark() -> Lark:
    # Building the LALR tables takes about 0.6 s, so they are kept in openwatt's cache as data
    # (cache.py), keyed by the grammar, Lark's version and the options. Lark's own `cache=` is not
    # used: it unpickles its file before checking it, and without a path it uses the shared /tmp.
    key = _tables_key()
    tables = load("lark-tables", key)
    if isinstance(tables, dict) and tables.keys() == {"data", "memo"}:
        try:
            return Lark._load_from_dict(tables["data"], tables["memo"], propagate_positions=True)
        except Exception:  # noqa: BLE001 -- tables Lark cannot load (written by a same-named older Lark?): built again
            pass
    lark = Lark.open_from_package("openwatt.language", "grammar.lark", **_LARK_OPTIONS)
    store("lark-tables", key, _tables(lark))
    return lark


def _tables_key() -> str:
    """What the tables depend on: the grammar, Lark's version, the options, the Python version."""
    grammar = (Path(__file__).parent / "grammar.lark").read_bytes()
    about = repr((lark_version, sorted(_LARK_OPTIONS.items()), sys.version_info[:2])).encode()
    return hashlib.sha256(grammar + b"\0" + about).hexdigest()


def _tables(lark: Lark) -> dict[str, object]:
    """Lark's parse tables as plain data (what Lark.save() pickles), less the options given at load."""
    data, memo = lark.memo_serialize([TerminalDef, Rule])
    # load-time options are passed again when loading; the package loader objects are not data
    data["options"] = {name: value for name, value in data["options"].items()
                       if name not in _LOAD_ALLOWED_OPTIONS and name not in ("import_paths", "source_path")}
    return {"data": data, "memo": memo}


# ---- words for terminals, so errors read "expected a rule id, found 'A'" -------------------

WORDS = {
    "POLICY_ID": "a policy id",
    "RULE_ID": "a rule id",
    "RULE_REF": "a rule id",
    "NAME": "a name",
    "NUMBER": "a number",
    "UNIT": "a unit",
    "DATE": "a date",
    "STRING": "a string",
    "LONG_STRING": "a string",
    "COMPARE": "a comparison",
    "QUANTIFIER": "all(...), any(...), none(...), count(...) or sum(...)",
    "LEVEL": "error, warning or info",
    "OUTCOME": "passed or failed",
    "_ONE_OF": "'one of'",
    "$END": "the end of the file",
}
_EXPRESSION_START = {"NAME", "NUMBER", "STRING", "DATE", "LPAR", "LSQB", "MINUS", "QUANTIFIER", "_TRUE", "_FALSE", "_NULL", "_NOT", "_RULE"}
_OPERATORS = {"_AND", "_OR", "COMPARE", "PLUS", "MINUS", "STAR", "SLASH", "_IN", "_NOT", "_MATCHES", "_EXISTS", "_MISSING", "DOT", "LSQB"}
_RULE_FIELDS = {"_TITLE", "_SEVERITY", "_CITE", "_WHEN", "_REQUIRE", "_MESSAGE", "_SUCCESS", "_FIX", "_LET",
                "_DESCRIPTION"}
_HEADER_FIELDS = {"_TITLE", "_VERSION", "_SOURCE", "_DESCRIPTION"}
_TOP_LEVEL = {"_IMPORT", "_PARAM", "_LET", "_RULE"}
# (terminal group, phrase): a group mostly present in an expected set is named by its phrase.
_GROUPS = (
    (_EXPRESSION_START, "an expression"),
    (_OPERATORS, "an operator"),
    (_RULE_FIELDS, "a rule field"),
    (_HEADER_FIELDS, "a header field (title, version, source, description)"),
    (_TOP_LEVEL, "import, param, let or rule"),
)
_KEYWORD_TERMINAL = re.compile(r"^_[A-Z]+$")


def _word(terminal: str) -> str:
    if terminal in WORDS:
        return WORDS[terminal]
    if _KEYWORD_TERMINAL.match(terminal):
        return f"'{terminal[1:].lower()}'"
    pattern = _lark().get_terminal(terminal).pattern
    return f"'{pattern.value}'"


def _describe_expected(expected: set[str]) -> str:
    phrases: list[str] = []
    left = set(expected)
    for group, phrase in _GROUPS:
        hit = left & group
        if len(hit) * 2 > len(group):
            phrases.append(phrase)
            left -= group
    singles = sorted({_word(t) for t in left})
    words = phrases + [w for w in singles if w not in phrases]
    if not words:  # lark knows nothing that could follow: the expression is complete
        return "the end of the expression"
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]


def _found(token: Token) -> str:
    if token.type == "$END":
        return "the end of the file"
    return f"'{token.value}'"


def _keywords_in(expected: set[str]) -> list[str]:
    words = [t[1:].lower() for t in expected if _KEYWORD_TERMINAL.match(t)]
    if "LEVEL" in expected:
        words += ["error", "warning", "info"]
    return words


def _hint(token: Token, expected: set[str], previous: Token | None, after: str = "") -> str | None:
    """The hint for `token` where the parser expected `expected`; `after` is the character that follows it."""
    value = str(token.value)
    if value == ":" and previous is not None and previous.type in _RULE_FIELDS | _HEADER_FIELDS:
        keyword = str(previous.value)
        return f"a field has no ':' (this is not YAML): write {keyword} and its value, e.g. {keyword} \"...\""
    if value == "=" and after in "<>":
        fixed = after + "="
        return f"write {fixed} ('{after}' then '='); ={after} is not an operator"
    if expected == {"_POLICY"}:
        return "a policy file starts with its header: policy <id>, then title, version, source and description"
    if expected == {"LEVEL"}:
        return "a severity is error, warning or info"
    if expected <= {"RULE_ID", "RULE_REF"}:
        return "rule ids are lower-case words joined by hyphens, e.g. training-energy-reported"
    if expected == {"POLICY_ID"}:
        return "policy ids are lower-case words joined by hyphens or dots, e.g. osaid-1.0"
    if expected & {"STRING", "LONG_STRING"} and len(expected) <= 2:
        return 'write the text in double quotes, e.g. "Training energy is reported"'
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", value):
        suggestion = did_you_mean(value, _keywords_in(expected))
        if suggestion:
            return suggestion
    if previous is not None and previous.type == "NUMBER" and token.type == "NAME":
        return "a quantity is a number and a unit, e.g. 500 MWh"
    if token.type == "$END" and "RBRACE" in expected:
        return "a rule ends with '}'"
    if value == "=":
        return "to compare, write == (two equals signs); a single = only gives a value to a param, let or set"
    if token.type in _RULE_FIELDS and expected & _TOP_LEVEL:
        return f"a {value} belongs inside a rule's {{ ... }}"
    return None


def _syntax_error(err: UnexpectedInput, file: str, text: str) -> PolicyError:
    if isinstance(err, UnexpectedCharacters):
        position = err.pos_in_stream
        char = text[position] if position is not None and position < len(text) else ""
        span = ast.Span(file, err.line, err.column, err.line, err.column + 1)
        if char == '"':
            return PolicyError(
                "OW002", "unterminated string", span,
                'a string closes on the same line; use """...""" for text over several lines',
            )
        what = "single quote" if char == "'" else f"character '{char}'"
        return PolicyError("OW002", f"unexpected {what}", span, _char_hint(char))
    expected = _expected(err)
    if isinstance(err, UnexpectedEOF):
        line = text.count("\n") + 1
        column = len(text) - (text.rfind("\n") + 1) + 1
        span = ast.Span(file, line, column, line, column + 1)
        return PolicyError("OW003", f"unexpected end of file, expected {_describe_expected(expected)}", span,
                           labels=_unclosed(text, len(text), expected, file))
    assert isinstance(err, UnexpectedToken)
    token = err.token
    previous = err.token_history[-1] if err.token_history else None
    if token.type == "$END":
        line, column = _end_position(text)
        span = ast.Span(file, line, column, line, column + 1)
        return PolicyError(
            "OW003", f"unexpected end of file, expected {_describe_expected(expected)}", span,
            _hint(token, expected, previous, _after(text, token)), _unclosed(text, len(text), expected, file),
        )
    span = ast.Span(file, token.line, token.column, token.end_line, token.end_column)
    message = f"expected {_describe_expected(expected)}, found {_found(token)}"
    # A closing bracket where another was due: say where that one was opened (an item cut off by the
    # next one is an unexpected end of its text, labelled above).
    labels = _unclosed(text, token.start_pos or 0, expected, file)
    if token.value not in (")", "}", "]") and not (token.type in _RULE_FIELDS and _opens_expression(labels)):
        labels = ()  # a '}' is always one of the things a rule accepts: only a bracket that stops the parse
    hint = _chain_hint(text, token, expected) or _hint(token, expected, previous, _after(text, token))
    return PolicyError("OW001", message, span, hint, labels)


_FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}  # a < b is b > a
_COMPARE_OP = re.compile(r"(<=|>=|==|!=|<|>)")


def _chain_hint(text: str, token: Token, expected: set[str]) -> str | None:
    """`1 MWh < x < 500 MWh`: a second comparison right after a first, as mathematics writes a range."""
    if token.type != "COMPARE" or "COMPARE" in expected:
        return None
    line = text.splitlines()[(token.line or 1) - 1]
    words = line[:(token.column or 1) - 1].split(None, 1)
    before = words[1] if len(words) == 2 and words[0] in ("require", "when") else line[:(token.column or 1) - 1]
    first = [part.strip() for part in _COMPARE_OP.split(before)]
    rest = line[(token.end_column or 1) - 1:].split("#")[0].strip().removesuffix("}").strip()
    if len(first) != 3 or not all(first) or not rest:
        return "comparisons do not chain: join two with and, e.g. x > 1 MWh and x < 500 MWh"
    low, op, subject = first
    return f"comparisons do not chain: write {subject} {_FLIPPED[op]} {low} and {subject} {token.value} {rest}"


def _opens_expression(labels: tuple[Label, ...]) -> bool:
    """Whether the unclosed bracket is a '(' or '[' of an expression, which a rule field cannot be inside."""
    return any(label.message.startswith(("unclosed '('", "unclosed '['")) for label in labels)


def _after(text: str, token: Token) -> str:
    """The character right after `token` in `text` ("" at the end)."""
    end = token.end_pos or 0
    return text[end:end + 1]


_CLOSERS = {"(": ("RPAR", ")"), "{": ("RBRACE", "}"), "[": ("RSQB", "]")}
_SKIPPED = re.compile(r'"""(?:.|\n)*?"""|"(?:[^"\\\n]|\\.)*"|#[^\n]*|[(){}\[\]]')


def _unclosed(text: str, stop: int, expected: set[str], file: str) -> tuple[Label, ...]:
    """Where the innermost bracket still open at `stop` was opened, when the parser wants its closer
    there: the secondary label of "expected ')'" (strings and comments are skipped)."""
    open_: list[tuple[str, int]] = []
    for match in _SKIPPED.finditer(text, 0, stop):
        char = match.group(0)
        if char in _CLOSERS:
            open_.append((char, match.start()))
        elif char in ")}]" and open_:
            open_.pop()
    if not open_ or _CLOSERS[open_[-1][0]][0] not in expected:
        return ()
    char, at = open_[-1]
    line = text.count("\n", 0, at) + 1
    column = at - (text.rfind("\n", 0, at) + 1) + 1
    return (Label(ast.Span(file, line, column, line, column + 1), f"unclosed '{char}' opened here"),)


def _expected(err: UnexpectedInput) -> set[str]:
    """The terminals the parser would have accepted where it stopped."""
    if isinstance(err, UnexpectedEOF):
        return set(err.expected)
    expected = set(getattr(err, "accepts", None) or getattr(err, "expected", None) or ())
    return set(_TOP_LEVEL) if expected == {"$END"} else expected  # after a whole item, another may follow


def _char_hint(char: str) -> str | None:
    if char == "'":
        return 'strings are written in double quotes, e.g. "measured"'
    if char in "=!&|":
        return "comparisons are ==, !=, <, <=, >, >=; logic is and, or, not"
    return None


def _end_position(text: str) -> tuple[int, int]:
    stripped = text.rstrip()
    line = stripped.count("\n") + 1
    return line, len(stripped) - (stripped.rfind("\n") + 1) + 1


# ---- tree -> AST ----------------------------------------------------------------------------


def _span(file: str, meta: Meta | Token) -> ast.Span:
    return ast.Span(file, meta.line or 0, meta.column or 0, meta.end_line or 0, meta.end_column or 0)


_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t"}


def _unescape(raw: str) -> str:
    # \" \\ \n \t are escapes; any other backslash stays as written, so "\d+" is a regex as typed.
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), raw)


@v_args(meta=True, inline=True)
class _ToAst(Transformer):
    """Builds AST nodes; it never validates (the compiler does, so every error is collected)."""

    def __init__(self, file: str) -> None:
        super().__init__()
        self.file = file
        self.errors: list[PolicyError] = []  # in message and fix texts, reported after the whole file

    def _s(self, meta: Meta | Token) -> ast.Span:
        return _span(self.file, meta)

    # policy structure
    def start(self, meta: Meta, header: ast.Header, *items: ast.Node) -> ast.PolicyFile:
        return ast.PolicyFile(self._s(meta), header, items)  # type: ignore[arg-type]

    def header(self, meta: Meta, id_: Token, *fields: ast.Field) -> ast.Header:
        return ast.Header(self._s(meta), str(id_), self._s(id_), fields)

    def _field(self, keyword: str, meta: Meta, value: object) -> ast.Field:
        return ast.Field(self._s(meta), keyword, value)  # type: ignore[arg-type]

    def title(self, meta: Meta, text: ast.Text) -> ast.Field:
        return self._field("title", meta, text)

    def version(self, meta: Meta, text: ast.Text) -> ast.Field:
        return self._field("version", meta, text)

    def source(self, meta: Meta, text: ast.Text) -> ast.Field:
        return self._field("source", meta, text)

    def description(self, meta: Meta, text: ast.Text) -> ast.Field:
        return self._field("description", meta, text)

    def cite(self, meta: Meta, text: ast.Text) -> ast.Field:
        return self._field("cite", meta, text)

    def message(self, meta: Meta, text: ast.Text) -> ast.Field:
        return self._field("message", meta, self._template(text))

    def success(self, meta: Meta, text: ast.Text) -> ast.Field:
        return self._field("success", meta, self._template(text))

    def fix(self, meta: Meta, text: ast.Text) -> ast.Field:
        return self._field("fix", meta, self._template(text))

    def _template(self, text: ast.Text) -> ast.Text:
        """Split a message or fix at its `{...}` expressions; problems are kept for parse_policy."""
        parts, written, errors = template_parts(text)
        self.errors.extend(errors)
        return dataclasses.replace(text, parts=parts, written=written)

    def severity(self, meta: Meta, level: str) -> ast.Field:
        return self._field("severity", meta, level)

    def when(self, meta: Meta, expr: ast.Expr) -> ast.Field:
        return self._field("when", meta, expr)

    def require(self, meta: Meta, expr: ast.Expr) -> ast.Field:
        return self._field("require", meta, expr)

    def level(self, meta: Meta, token: Token) -> str:
        return str(token)

    def text(self, meta: Meta, token: Token) -> ast.Text:
        value = str(token)
        if token.type == "LONG_STRING":
            raw, offset = value[3:-3], 3
            body = textwrap.dedent(raw.lstrip("\n") if raw.startswith("\n") else raw).strip()
        else:
            raw, offset = value[1:-1], 1
            body = _unescape(raw)
        return ast.Text(self._s(meta), body, raw, token.line or 0, (token.column or 0) + offset)

    def import_(self, meta: Meta, policy: Token, *overrides: ast.Override) -> ast.Import:
        return ast.Import(self._s(meta), str(policy), overrides)

    def severity_override(self, meta: Meta, rule: Token, level: str) -> ast.SeverityOverride:
        return ast.SeverityOverride(self._s(meta), str(rule), level)

    def disable(self, meta: Meta, rule: Token) -> ast.Disable:
        return ast.Disable(self._s(meta), str(rule))

    def set_param(self, meta: Meta, name: Token, value: ast.Expr) -> ast.SetParam:
        return ast.SetParam(self._s(meta), str(name), value)

    def param(self, meta: Meta, name: Token, value: ast.Expr, *rest: ast.Field | ast.Expr | None) -> ast.Param:
        allowed = next((r for r in rest if isinstance(r, ast.Expr)), None)
        description = next((r for r in rest if isinstance(r, ast.Field)), None)
        text = description.value if description is not None else None
        return ast.Param(self._s(meta), str(name), value, text, allowed)  # type: ignore[arg-type]

    def allowed(self, meta: Meta, values: ast.Expr) -> ast.Expr:
        return values

    def let(self, meta: Meta, name: Token, value: ast.Expr) -> ast.Let:
        return ast.Let(self._s(meta), str(name), value)

    def rule(self, meta: Meta, id_: Token, *body: ast.Field | ast.Let) -> ast.Rule:
        return ast.Rule(self._s(meta), str(id_), self._s(id_), body)

    # expressions
    def or_(self, meta: Meta, left: ast.Expr, right: ast.Expr) -> ast.Or:
        return ast.Or(self._s(meta), left, right)

    def and_(self, meta: Meta, left: ast.Expr, right: ast.Expr) -> ast.And:
        return ast.And(self._s(meta), left, right)

    def not_(self, meta: Meta, value: ast.Expr) -> ast.Not:
        return ast.Not(self._s(meta), value)

    def compare(self, meta: Meta, left: ast.Expr, op: Token, right: ast.Expr) -> ast.Compare:
        return ast.Compare(self._s(meta), ast.CompareOp(str(op)), left, right)

    def in_(self, meta: Meta, item: ast.Expr, container: ast.Expr) -> ast.In:
        return ast.In(self._s(meta), item, container, False)

    def not_in(self, meta: Meta, item: ast.Expr, container: ast.Expr) -> ast.In:
        return ast.In(self._s(meta), item, container, True)

    def matches(self, meta: Meta, value: ast.Expr, pattern: ast.Expr) -> ast.Matches:
        return ast.Matches(self._s(meta), value, pattern)

    def exists(self, meta: Meta, value: ast.Expr) -> ast.Presence:
        return ast.Presence(self._s(meta), value, True)

    def missing(self, meta: Meta, value: ast.Expr) -> ast.Presence:
        return ast.Presence(self._s(meta), value, False)

    def _arithmetic(self, op: str, meta: Meta, left: ast.Expr, right: ast.Expr) -> ast.Arithmetic:
        return ast.Arithmetic(self._s(meta), ast.ArithmeticOp(op), left, right)

    def add(self, meta: Meta, left: ast.Expr, right: ast.Expr) -> ast.Arithmetic:
        return self._arithmetic("+", meta, left, right)

    def subtract(self, meta: Meta, left: ast.Expr, right: ast.Expr) -> ast.Arithmetic:
        return self._arithmetic("-", meta, left, right)

    def multiply(self, meta: Meta, left: ast.Expr, right: ast.Expr) -> ast.Arithmetic:
        return self._arithmetic("*", meta, left, right)

    def divide(self, meta: Meta, left: ast.Expr, right: ast.Expr) -> ast.Arithmetic:
        return self._arithmetic("/", meta, left, right)

    def negate(self, meta: Meta, value: ast.Expr) -> ast.Negate:
        return ast.Negate(self._s(meta), value)

    def attribute(self, meta: Meta, value: ast.Expr, name: Token) -> ast.Attribute:
        return ast.Attribute(self._s(meta), value, str(name))

    def subscript(self, meta: Meta, value: ast.Expr, index: ast.Expr) -> ast.Subscript:
        return ast.Subscript(self._s(meta), value, index)

    def name(self, meta: Meta, token: Token) -> ast.Name:
        return ast.Name(self._s(meta), str(token))

    def call(self, meta: Meta, function: Token, *args: ast.Expr | None) -> ast.Call:
        return ast.Call(self._s(meta), str(function), tuple(a for a in args if a is not None))

    def quantifier(self, meta: Meta, kind: Token, head: ast.Expr, condition: ast.Expr) -> ast.Quantifier:
        # `all(c in LIST: ...)` names the item; `all(LIST: ...)` calls it `it`. One grammar rule for both
        # (two would be an LALR conflict on the name before `in`): a head `NAME in LIST` is the named form.
        quantifier = ast.QuantifierKind(str(kind))
        if isinstance(head, ast.In) and not head.negated and isinstance(head.item, ast.Name):
            return ast.Quantifier(self._s(meta), quantifier, head.item.name, head.container, condition)
        return ast.Quantifier(self._s(meta), quantifier, "it", head, condition, named=False)

    def rule_outcome(self, meta: Meta, rule: Token, outcome: Token) -> ast.RuleOutcome:
        return ast.RuleOutcome(self._s(meta), str(rule), self._s(rule), str(outcome) == "passed")

    def list(self, meta: Meta, *items: ast.Expr | None) -> ast.ListLiteral:
        return ast.ListLiteral(self._s(meta), tuple(i for i in items if i is not None))

    def string(self, meta: Meta, token: Token) -> ast.Literal:
        return ast.Literal(self._s(meta), _unescape(str(token)[1:-1]))

    def number(self, meta: Meta, token: Token) -> ast.Literal:
        return ast.Literal(self._s(meta), _number(str(token)))

    def quantity(self, meta: Meta, number: Token, unit: Token) -> ast.QuantityLiteral:
        return ast.QuantityLiteral(self._s(meta), float(str(number)), str(unit))

    def date(self, meta: Meta, token: Token) -> ast.DateLiteral:
        return ast.DateLiteral(self._s(meta), str(token))

    def true(self, meta: Meta) -> ast.Literal:
        return ast.Literal(self._s(meta), True)

    def false(self, meta: Meta) -> ast.Literal:
        return ast.Literal(self._s(meta), False)

    def null(self, meta: Meta) -> ast.Literal:
        return ast.Literal(self._s(meta), None)


# The grammar's rule is called `import`, a Python keyword; Lark looks methods up by rule name.
setattr(_ToAst, "import", _ToAst.import_)


def _number(text: str) -> int | float:
    # A whole number of more digits than any float holds is read as a float (inf), which the compiler
    # reports (OW025); int() would refuse 4,301 digits or more.
    return int(text) if text.isdigit() and len(text) <= 308 else float(text)


# ---- entry points ---------------------------------------------------------------------------

_TOP_LEVEL_LINE = re.compile(r"^(?:policy|import|param|let|rule)(?![A-Za-z0-9_])", re.MULTILINE)


def parse_policy(text: str, file: str) -> ast.PolicyFile:
    """Parse a whole `.policy` file. Raises PolicyErrors with every syntax error found."""
    try:
        tree = _lark().parse(text, start="start")
    except UnexpectedInput as err:
        raise PolicyErrors(_all_syntax_errors(text, file, err), {file: text}) from None
    if (deep := _too_deep(tree, file)) is not None:
        raise PolicyErrors([deep], {file: text})
    builder = _ToAst(file)
    policy = builder.transform(tree)
    if builder.errors:
        raise PolicyErrors(builder.errors, {file: text})
    return policy


def parse_expression(text: str, file: str, line: int, column: int) -> ast.Expr:
    """Parse one expression found at (line, column) of `file`, e.g. inside a message's {...}."""
    padded = "\n" * (line - 1) + " " * (column - 1) + text
    try:
        tree = _lark().parse(padded, start="expr")
    except UnexpectedInput as err:
        raise PolicyErrors([_syntax_error(err, file, padded)]) from None
    if (deep := _too_deep(tree, file)) is not None:
        raise PolicyErrors([deep])
    return _ToAst(file).transform(tree)


MAX_DEPTH = 100  # levels of nesting in a policy's parse tree; the shipped packs reach 12


def _too_deep(tree: Tree, file: str) -> PolicyError | None:
    """The error for a tree nested deeper than MAX_DEPTH (`not not not ...` a thousand times), which
    would exhaust Python's recursion while it is turned into an AST or compiled."""
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            meta = node.meta
            span = ast.Span(file, meta.line, meta.column, meta.end_line, meta.end_column)
            return PolicyError("OW004", f"expression nested more than {MAX_DEPTH} levels deep", span,
                               "split it with let, or write it with all(...), any(...) or in [...]")
        stack.extend((child, depth + 1) for child in node.children if isinstance(child, Tree))
    return None


def _all_syntax_errors(text: str, file: str, first: UnexpectedInput) -> list[PolicyError]:
    """Recover after a syntax error by parsing each top-level item (a line starting with
    policy, import, param, let or rule) on its own, so one pass reports every broken item."""
    starts = [m.start() for m in _TOP_LEVEL_LINE.finditer(text)]
    if not starts:
        return [_syntax_error(first, file, text)]
    bounds = list(zip(starts, starts[1:] + [len(text)]))
    errors: list[PolicyError] = []
    if starts[0] > 0 and text[: starts[0]].strip(" \t\r\n") and not _only_comments(text[: starts[0]]):
        return [_syntax_error(first, file, text)]
    for i, (begin, end) in enumerate(bounds):
        chunk = text[begin:end]
        padded = "\n" * text.count("\n", 0, begin) + chunk
        start = "header" if i == 0 and chunk.startswith("policy") else "item"
        if i == 0 and start == "item":
            errors.append(_syntax_error(first, file, text))
            continue
        try:
            _lark().parse(padded, start=start)
        except UnexpectedInput as err:
            error = _syntax_error(err, file, padded)
            if error.code == "OW003" and end < len(text):
                error = _cut_off(error, _expected(err), text, end, file)
            errors.append(error)
    return errors or [_syntax_error(first, file, text)]


def _cut_off(error: PolicyError, expected: set[str], text: str, next_start: int, file: str) -> PolicyError:
    """An item that ran into the next one: say so at the next item's first word."""
    line = text.count("\n", 0, next_start) + 1
    word = re.match(r"\w+", text[next_start:])
    width = len(word.group(0)) if word else 1
    span = ast.Span(file, line, 1, line, 1 + width)
    found = word.group(0) if word else text[next_start]
    return PolicyError("OW001", f"expected {_describe_expected(expected)}, found '{found}'", span, error.hint,
                       error.labels)


def _only_comments(text: str) -> bool:
    return all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines())


# ---- {...} in message and fix texts ---------------------------------------------------------

_BRACES = re.compile(r"\{\{|\}\}|\{[^{}]*\}?|\}")
_TEMPLATE_HINT = "write {path} to show a value, and {{ or }} for a literal brace"


def template_parts(text: ast.Text) -> tuple[tuple[str | ast.Expr, ...], tuple[str, ...], list[PolicyError]]:
    """`"used {energy.training.energy}"` -> ("used ", <expression>), with each expression as written.
    Pieces come from the text's value (escapes read, long strings dedented); positions from where the
    same piece is in the raw source."""
    parts: list[str | ast.Expr] = []
    written: list[str] = []
    literal, pos, searched = "", 0, 0
    for match in _BRACES.finditer(text.value):
        token = match.group(0)
        literal += text.value[pos:match.start()]
        pos = match.end()
        found = text.raw.find(token, searched)
        offset = found if found >= 0 else 0
        searched = offset + len(token) if found >= 0 else searched
        if token in ("{{", "}}"):
            literal += token[0]
            continue
        line, column = _raw_position(text, offset)
        if token == "}" or not token.endswith("}"):
            span = ast.Span(text.span.file, line, column, line, column + 1)
            return (text.value,), (), [PolicyError("OW040", f"unbalanced '{token[0]}' in text", span,
                                                   _TEMPLATE_HINT)]
        try:
            expr = parse_expression(token[1:-1], text.span.file, line, column + 1)
        except PolicyErrors as err:
            first = err.errors[0]
            why = first.message
            if first.code == "OW003":  # the expression ended at the closing brace
                why = why.replace("unexpected end of file, expected ", "expected ") + " before '}'"
            return (text.value,), (), [PolicyError("OW040", f"{token} is not an expression ({why})", first.span,
                                                   _TEMPLATE_HINT)]
        if literal:
            parts.append(literal)
        parts.append(expr)
        written.append(token[1:-1].strip())
        literal = ""
    literal += text.value[pos:]
    if literal:
        parts.append(literal)
    return tuple(parts), tuple(written), []


def _raw_position(text: ast.Text, offset: int) -> tuple[int, int]:
    before = text.raw[:offset]
    if "\n" not in before:
        return text.raw_line, text.raw_column + offset
    return text.raw_line + before.count("\n"), len(before) - before.rfind("\n")
