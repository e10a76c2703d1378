"""Errors in policies: one type with a code, a span and a hint, rendered by one function."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..values.text import printable
from .ast import Span


@dataclass(frozen=True, slots=True)
class Label:
    """A secondary place an error points at, with what it is: "unclosed '(' opened here", "declared here"."""

    span: Span
    message: str


class PolicyError(Exception):
    """Something wrong in a policy, at a place in its source. State lives in `args` so it pickles."""

    def __init__(self, code: str, message: str, span: Span, hint: str | None = None,
                 labels: tuple[Label, ...] = ()) -> None:
        super().__init__(code, message, span, hint, labels)
        self.code, self.message, self.span, self.hint, self.labels = code, message, span, hint, labels

    def __str__(self) -> str:
        s = self.span
        where = f"{s.file}:{s.line}:{s.column}" if s.line else s.file  # line 0: an option, not a file
        return f"{where}: {self.code} {self.message}"


class PolicyErrors(Exception):
    """Every error found in one pass over a policy (and its imports), in source order."""

    def __init__(self, errors: Sequence[PolicyError], sources: dict[str, str] | None = None) -> None:
        ordered = tuple(sorted(errors, key=lambda e: (e.span.file, e.span.line, e.span.column, e.code)))
        super().__init__(ordered, sources or {})
        self.errors = ordered
        self.sources = sources or {}

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """A hint naming the closest candidate, or None when nothing is close."""
    close = difflib.get_close_matches(word, sorted(set(candidates)), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


def render_error(error: PolicyError, source: str | None) -> str:
    """`file:line:col: OW012 message`, the source line, a caret run under the span, each secondary label
    (its place, its source line and a dash run under it), the hint. Control characters of the policy (an
    escape sequence, a bidirectional override) are shown escaped, never sent to the terminal; the caret run
    stays under what they became."""
    text_lines = source.splitlines() if source is not None else []
    lines = [printable(str(error)), *_marked(error.span, text_lines, "^")]
    lines += [part for label in error.labels for part in _label_lines(label, text_lines)]
    if error.hint:
        lines.append(printable(f"    hint: {error.hint}"))
    return "\n".join(lines)


def _label_lines(label: Label, text_lines: Sequence[str]) -> list[str]:
    """A secondary label, as rustc shows one: where, what, and its source line underlined with dashes."""
    span = label.span
    return [printable(f"    {span.file}:{span.line}:{span.column}: {label.message}"),
            *_marked(span, text_lines, "-")]


def _marked(span: Span, text_lines: Sequence[str], mark: str) -> list[str]:
    """The source line of `span` and a run of `mark` under it ([] when the line is not there). Control
    characters are shown escaped, and the run stays under what they became."""
    if not 1 <= span.line <= len(text_lines):
        return []
    line = text_lines[span.line - 1].expandtabs(1)
    end = span.end_column if span.end_line == span.line else len(line) + 1
    start, stop = span.column - 1, max(span.column, min(end, len(line) + 1)) - 1
    before, under = printable(line[:start]), printable(line[start:stop])
    return [f"    {printable(line)}", "    " + " " * len(before) + mark * max(1, len(under))]


def render_errors(errors: PolicyErrors) -> str:
    """All errors of a policy, each rendered with its own source line, separated by blank lines."""
    return "\n\n".join(render_error(e, errors.sources.get(e.span.file)) for e in errors.errors)
