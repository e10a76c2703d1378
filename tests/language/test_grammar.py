"""The grammar builds without conflicts, and every expression node has a compiler."""

from __future__ import annotations

from lark import Lark

from openwatt.language import ast
from openwatt.language.expressions import check_registry
from openwatt.language.parser import WORDS, parse_expression, parse_policy
from openwatt.resources import POLICIES_DIR


def test_grammar_is_lalr_without_conflicts() -> None:
    # strict=True turns shift/reduce conflicts and terminal collisions into errors (needs interegular).
    Lark.open_from_package("openwatt.language", "grammar.lark", parser="lalr", strict=True,
                           start=["start", "header", "item", "expr"])


def test_every_named_terminal_has_words_for_errors() -> None:
    parser = Lark.open_from_package("openwatt.language", "grammar.lark", parser="lalr",
                                    start=["start", "header", "item", "expr"])
    # Keywords (_WHEN) read as their word ('when'); every other regex terminal needs a phrase.
    named = {t.name for t in parser.terminals if t.pattern.type == "re" and not t.name.startswith("_")}
    assert named - {"COMMENT", "WS"} <= set(WORDS)


def test_every_expression_node_has_a_compiler() -> None:
    assert check_registry() == []


def test_spans_are_one_based_and_exact() -> None:
    expr = parse_expression("energy.training.energy <= 500 MWh", "f.policy", 3, 11)
    assert isinstance(expr, ast.Compare)
    assert (expr.span.line, expr.span.column, expr.span.end_column) == (3, 11, 44)
    assert (expr.right.span.column, expr.right.span.end_column) == (37, 44)


def test_precedence() -> None:
    expr = parse_expression("not a and b or c == 1 + 2 * 3", "f", 1, 1)
    assert isinstance(expr, ast.Or)
    assert isinstance(expr.left, ast.And) and isinstance(expr.left.left, ast.Not)
    compare = expr.right
    assert isinstance(compare, ast.Compare) and isinstance(compare.right, ast.Arithmetic)
    assert compare.right.op == "+" and isinstance(compare.right.right, ast.Arithmetic)


def test_long_strings_are_dedented() -> None:
    tree = parse_policy('policy p\ntitle "t"\nversion "1"\ndescription """\n    one\n      two\n    """\n', "p.policy")
    [_, _, description] = tree.header.fields
    assert description.value.value == "one\n  two"


def test_shipped_policies_parse() -> None:
    for path in sorted(POLICIES_DIR.glob("*.policy")):
        parse_policy(path.read_text(encoding="utf-8"), path.name)
