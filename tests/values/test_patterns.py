"""Policy patterns: RE2 syntax, linear time, and a reason for each pattern that cannot be run that way."""

from __future__ import annotations

import pytest

from openwatt.values.patterns import PatternError, compile_pattern

FEATURE_HINT = ("openwatt runs patterns with RE2, which takes time linear in the text and so cannot look around or "
                "refer back; split the test into several conditions joined with 'and' / 'not'")
SYNTAX_HINT = ("patterns use RE2 syntax, which runs in linear time; escape a literal '.', '(' or '[' with a "
               "backslash (\\.)")


@pytest.mark.parametrize(("source", "reason", "hint"), [
    ("^https://(?!localhost)", "look-arounds ((?=…), (?!…), (?<=…), (?<!…)) are not supported", FEATURE_HINT),
    ("(?<=v)1", "look-arounds ((?=…), (?!…), (?<=…), (?<!…)) are not supported", FEATURE_HINT),
    (r"(a)\1", r"back-references (\1, (?P=name)) are not supported", FEATURE_HINT),
    ("(?P<x>a)(?P=x)", r"back-references (\1, (?P=name)) are not supported", FEATURE_HINT),
    ("(?>a+)b", "atomic groups ((?>…)) are not supported", FEATURE_HINT),
    ("a++b", "possessive repeats (a++, a*+) are not supported", FEATURE_HINT),
    (r"end\Z", r"\Z is not supported; write \z (or $) for the end of the text", SYNTAX_HINT),
    ("(?x) a b", "the flags (?x), (?a), (?L) and (?u) are not supported; (?i), (?m) and (?s) are", SYNTAX_HINT),
    ("a{1001}", "a repeat count above 1000 is not supported", SYNTAX_HINT),
    ("a{0,2000}", "a repeat count above 1000 is not supported", SYNTAX_HINT),
    ("^https://(github|gitlab", "missing ), unterminated subpattern", SYNTAX_HINT),
    (r"\p{Zz}", r"invalid character class range: \p{Zz}", SYNTAX_HINT),
])
def test_refused_patterns_say_why(source: str, reason: str, hint: str) -> None:
    with pytest.raises(PatternError) as caught:
        compile_pattern(source)
    assert (caught.value.reason, caught.value.hint) == (reason, hint)


def test_a_refused_pattern_prints_nothing_itself(capfd: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(PatternError):
        compile_pattern("(?=x)")
    assert capfd.readouterr() == ("", "")


@pytest.mark.parametrize(("source", "text", "found"), [
    ("^(Apache|MIT)", "MIT", True),
    ("(?i)^apache", "APACHE-2.0", True),
    (r"^\d+$", "123", True),
    (r"^\d$", "\u0663", False),  # ASCII digits only, unlike Python's re
    (r"^\p{Nd}$", "\u0663", True),
    ("a$", "a\n", False),  # $ is the very end of the text, unlike Python's re
    ("^[[:alpha:]]+$", "abc", True),
    ("^a{1000}$", "a" * 1000, True),
    ("é", "café", True),
    ("b", "a\ud800b", True),  # a lone surrogate, possible in JSON text, is read as U+FFFD
])
def test_search(source: str, text: str, found: bool) -> None:
    assert (compile_pattern(source).search(text) is not None) is found


def test_nested_repetition_is_linear_time() -> None:
    # With Python's re, 30 characters take about a minute; RE2 reads 1 MB in milliseconds.
    assert compile_pattern("^(a+)+$").search("a" * 1_000_000 + "b") is None
    assert compile_pattern(r"^(\w+\s?)*$").search("word " * 200_000 + "!") is None
