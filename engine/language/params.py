"""Param values given from outside a policy: `--set NAME=VALUE` and a config file's `[params]`.

A value is read as the policy language would write it (500 MWh, 0.8, 2026-01-01, true, ["a", "b"]),
else kept as text, and checked against the type of the param's default; what does not fit is an OW041
error located at the option, with an example.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import shlex
from typing import Any

from . import ast
from .errors import Label, PolicyError, PolicyErrors, did_you_mean
from .expressions import Context, compile_expr, type_of_value
from .runtime import text
from .types import assignable, disclosure


def option_span(origin: str) -> ast.Span:
    """Where an error in a command-line option or a config setting is: no line of a policy file."""
    return ast.Span(origin, 0, 0, 0, 0)


def typed_override(param: ast.Param, default: Any, raw: Any, origin: str, errors: list[PolicyError]) -> Any:
    """A --set or config value for `param`, read as a literal and checked against its default; a value
    that does not fit is reported in `errors` and the default kept."""
    if origin == "config":  # as openwatt.toml writes it; quantities and dates are TOML strings
        said = f"[params] {param.name} = {_toml(raw)}"
        example = f"{param.name} = {_toml(default)}"
    else:
        said = f"{origin} {param.name}={raw if isinstance(raw, str) else json.dumps(raw)}"
        shown = literal(default)
        example = f"{origin} {param.name}={shlex.quote(shown) if origin == '--set' else shown}"  # as a shell takes it
    if isinstance(default, str) and isinstance(raw, str):
        return raw  # a text param takes the text as written: --set label=2026 is "2026"
    value, problem = _override_value(raw)
    if isinstance(value, float) and not math.isfinite(value):  # TOML's nan and inf
        errors.append(PolicyError("OW041", f"{said}: expected {type_of_value(default).describe()}, "
                                  f"found {value}, which is no number",
                                  option_span(origin), f"e.g. {example}"))
        return default
    if (found := _not_a_value(value)) is not None:  # TOML has tables and times; policies have neither
        errors.append(PolicyError("OW041", f"{said}: expected {type_of_value(default).describe()}, "
                                  f"found {found}", option_span(origin), f"e.g. {example}"))
        return default
    if problem is not None:
        errors.append(PolicyError("OW041", f"{said}: {problem.message}", option_span(origin), problem.hint))
        return default
    want, got = type_of_value(default), type_of_value(value)
    if not assignable(got, want):
        errors.append(PolicyError("OW041", f"{said}: expected {want.describe()}, found {got.describe()}",
                                  option_span(origin), f"e.g. {example}"))
        return default
    return value


def allowed_texts(param: ast.Param, default: Any, ctx: Context, errors: list[PolicyError]) -> tuple[str, ...] | None:
    """The texts `param NAME = "x" one of ["a", "b", "x"]` allows, or None (reported, OW041) when the
    list is not a written list of texts or the param is not text."""
    assert param.allowed is not None
    node = param.allowed
    written = ctx.text(node)
    if not isinstance(node, ast.ListLiteral) or not node.items or not all(
            isinstance(i, ast.Literal) and isinstance(i.value, str) for i in node.items):
        errors.append(PolicyError("OW041", f"'one of' after param '{param.name}' needs a list of texts, "
                                  f"found {written}", node.span, 'e.g. one of ["public", "gated"]'))
        return None
    if not isinstance(default, str):
        errors.append(PolicyError("OW041", f"'one of' is for a text param; the default of '{param.name}' is "
                                  f"{type_of_value(default).describe()}", param.value.span,
                                  f'give a text default, e.g. param {param.name} = "{node.items[0].value}"'  # type: ignore[attr-defined]
                                  ))
        return None
    return tuple(i.value for i in node.items)  # type: ignore[attr-defined]


def not_allowed(param: ast.Param, value: Any, allowed: tuple[str, ...], said: str, span: ast.Span) -> PolicyError:
    """OW042: a value of a text param that is not one of those its `one of` list allows; the list is
    labelled when the value is in the same file (an error renders the lines of one file)."""
    assert param.allowed is not None
    choices = ", ".join(literal(a) for a in allowed)
    labels = (Label(param.allowed.span, f"the values '{param.name}' allows"),) if span.file == param.span.file else ()
    close = did_you_mean(value, allowed) if isinstance(value, str) else None
    return PolicyError("OW042", f"{said}: {literal(value)} is not one of {choices}", span,
                       close or f"param '{param.name}' allows only the values of its 'one of' list", labels)


def _override_value(raw: Any) -> tuple[Any, PolicyError | None]:
    """A --set value: a literal when it reads as one (500 MWh, 0.8, 2026-01-01, true), else text;
    with the error of a literal that is almost right (an unknown unit or date)."""
    if not isinstance(raw, str):
        return raw, None
    from .parser import parse_expression

    try:
        node = parse_expression(raw, "--set", 1, 1)
    except PolicyErrors:
        return raw, None
    ctx = Context("--set", raw, disclosure(), [], {}, {})
    compiled = compile_expr(node, ctx)
    literal_problems = [e for e in ctx.errors if e.code in ("OW015", "OW019")]
    if literal_problems:
        return raw, literal_problems[0]
    if ctx.errors or not compiled.constant:
        return raw, None
    return compiled.run(None), None  # type: ignore[arg-type]


def _not_a_value(value: Any) -> str | None:
    """What a config value is when no policy value can be (a table, a time of day), else None."""
    if isinstance(value, dt.datetime):
        return "a date and time"
    if isinstance(value, dt.time):
        return "a time of day"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return next((found for item in value if (found := _not_a_value(item)) is not None), None)
    return None


def _toml(value: Any) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # nan, inf, -inf, as TOML writes them
    if isinstance(value, (bool, int, float, str)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (dt.datetime, dt.time)):  # as TOML writes them, unquoted
        return value.isoformat()
    return json.dumps(text(value), ensure_ascii=False)


def literal(value: Any) -> str:
    """A value as a policy would write it: "text", 500 MWh, 2026-01-01, ["a", "b"], true."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    return text(value)
