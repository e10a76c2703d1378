"""A policy's source lines echoed with its errors never carry raw control characters to the terminal
(docs/security.md, "Trust in what is applied")."""

from __future__ import annotations

import pytest

from openwatt.language.errors import PolicyErrors, render_errors
from openwatt.language.loader import PolicyLoader
from openwatt.values.text import printable

HEADER = 'policy p\ntitle "P"\nversion "1"\n'


def rendered(source: str) -> str:
    with pytest.raises(PolicyErrors) as caught:
        PolicyLoader().compile_source(source, "p.policy")
    return render_errors(caught.value)


def test_an_escape_sequence_in_a_string_is_shown_escaped_with_the_caret_under_it() -> None:
    source = HEADER + 'rule r { title "\x1b[2J\x1b]0;pwned\x07" severity error require energy.trainig.energy exists }\n'
    assert rendered(source) == (
        "p.policy:4:56: OW010 unknown path 'energy.trainig'\n"
        '    rule r { title "\\x1b[2J\\x1b]0;pwned\\x07" severity error require energy.trainig.energy exists }\n'
        "                                                                    ^^^^^^^^^^^^^^\n"
        "    hint: did you mean 'energy.training'?")


def test_a_bidirectional_override_is_shown_escaped() -> None:
    source = HEADER + 'rule r { title "\u202eevil" severity error require energy.trainig.energy exists }\n'
    assert "\u202e" not in rendered(source)
    assert '    rule r { title "\\u202eevil" severity' in rendered(source)


def test_an_escape_in_an_error_message_is_escaped() -> None:
    text = rendered(HEADER + "rule r\x1b[31m { }\n")
    assert "\x1b" not in text and "\\x1b" in text


@pytest.mark.parametrize(("text", "shown"), [("\x1b[31mred", "\\x1b[31mred"), ("a\x9bb", "a\\x9bb"), ("\x7f", "\\x7f"),
                                             ("\u2066x\u2069", "\\u2066x\\u2069"), ("café ✓", "café ✓")])
def test_printable(text: str, shown: str) -> None:
    assert printable(text) == shown
