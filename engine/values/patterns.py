"""Regular expressions written in policies (`matches`), compiled for RE2, which runs in time linear in the text.

A policy's pattern is searched in text from an untrusted disclosure. Python's `re` backtracks, so a pattern that
repeats a repetition, such as `^(a+)+$`, takes minutes on thirty characters that almost match; RE2 (the
`google-re2` bindings) never backtracks and takes time proportional to the text whatever the pattern. What RE2
cannot run in linear time it does not offer: back-references, look-arounds, atomic groups and possessive repeats
are refused when the pattern is compiled, with a reason meant for the policy author.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from typing import Any, Protocol

import re2

__all__ = ["Pattern", "PatternError", "compile_pattern"]

# Python-only syntax, recognised in the pattern's text once RE2 has refused it, so that the author learns why a
# pattern that Python accepts is refused. Checked in order; the first that occurs in the pattern gives the reason.
_UNSUPPORTED: tuple[tuple[str, str], ...] = (
    (r"\(\?<?[=!]", "look-arounds ((?=…), (?!…), (?<=…), (?<!…)) are not supported"),
    (r"\\[1-9]|\(\?P=", r"back-references (\1, (?P=name)) are not supported"),
    (r"\(\?>", "atomic groups ((?>…)) are not supported"),
    (r"[*+?}][+]", "possessive repeats (a++, a*+) are not supported"),
)
# Python-only spellings of what RE2 can do, each reason saying how RE2 writes it.
_RESPELL: tuple[tuple[str, str], ...] = (
    (r"\\Z", r"\Z is not supported; write \z (or $) for the end of the text"),
    (r"\(\?[aiLmsux]*[xaLu]", "the flags (?x), (?a), (?L) and (?u) are not supported; (?i), (?m) and (?s) are"),
    (r"\{(?:[0-9]*,)?0*(?:[1-9][0-9]{4,}|[2-9][0-9]{3}|1(?!000[,}])[0-9]{3})",
     "a repeat count above 1000 is not supported"),
)
_HINT = "patterns use RE2 syntax, which runs in linear time; escape a literal '.', '(' or '[' with a backslash (\\.)"
_FEATURE_HINT = ("openwatt runs patterns with RE2, which takes time linear in the text and so cannot look around or "
                 "refer back; split the test into several conditions joined with 'and' / 'not'")
_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # RE2 would otherwise print each refused pattern to stderr itself


class PatternError(ValueError):
    """A pattern that cannot be compiled: `reason` says why, `hint` how to write it."""

    def __init__(self, reason: str, hint: str = _HINT) -> None:
        super().__init__(reason, hint)
        self.reason, self.hint = reason, hint


class _Match(Protocol):
    def span(self) -> tuple[int, int]: ...


@dataclass(frozen=True, slots=True)
class Pattern:
    """A compiled pattern; `search` finds it anywhere in a text, in time linear in the text."""

    source: str
    _regexp: Any  # re2._Regexp; the bindings ship no type information

    def search(self, text: str) -> _Match | None:
        """The first match in `text`, or None. A lone surrogate (possible in JSON text) reads as U+FFFD."""
        try:
            return self._regexp.search(text)
        except UnicodeEncodeError:
            # RE2 works on UTF-8, which cannot hold a lone surrogate; the match's span is then not that of `text`.
            readable = text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
            return self._regexp.search(readable)


def compile_pattern(source: str) -> Pattern:
    """`source` compiled as an RE2 pattern; raises PatternError saying why it cannot be.

    A syntax error is told in the words of Python's `re` where Python also refuses the pattern (its messages say
    more, e.g. "missing ), unterminated subpattern"); Python-only syntax is named as such.
    """
    try:
        return Pattern(source=source, _regexp=re2.compile(source, _OPTIONS))
    except re2.error as err:
        raise _refusal(source, err) from None


def _refusal(source: str, err: Exception) -> PatternError:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "possible nested set" and the like: only the verdict matters here
        try:
            re.compile(source)
        except re.error as python_err:
            if not python_err.msg.startswith(("bad escape \\p", "bad escape \\P")):  # \p{L} is RE2's, not Python's
                return PatternError(python_err.msg)
        except (RecursionError, OverflowError):
            pass
    for syntax, reason in _UNSUPPORTED:
        if re.search(syntax, source):
            return PatternError(reason, _FEATURE_HINT)
    for syntax, reason in _RESPELL:
        if re.search(syntax, source):
            return PatternError(reason)
    said = err.args[0] if err.args else ""
    return PatternError(said.decode("utf-8", "replace") if isinstance(said, bytes) else str(said))
