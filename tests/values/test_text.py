"""What of a text is visible: whitespace and invisible characters show nothing."""

from __future__ import annotations

import pytest

from openwatt.values.text import blank, visible


@pytest.mark.parametrize("text", ["", " " * 80, "\u200b" * 80, "\t\n\r\u00a0\u2003\u3000", "\ufeff\u200c\u200d\u2060",
                                  "\u202e\u2066\u00ad\u180e", "\u2028\u2029", "\x00\x1b"])
def test_text_of_nothing_visible_is_blank(text: str) -> None:
    assert blank(text) and visible(text) == ""


@pytest.mark.parametrize(("text", "seen"), [
    ("a detailed description", "adetaileddescription"),
    ("\u200bx\u200b", "x"),
    ("caf\u00e9", "caf\u00e9"),
    ("\U0001f469\u200d\U0001f4bb", "\U0001f469\U0001f4bb"),  # the joiner of an emoji sequence shows nothing
])
def test_visible_keeps_what_shows(text: str, seen: str) -> None:
    assert visible(text) == seen and not blank(text)
