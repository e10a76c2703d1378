"""`policy show` and `policy doc` keep a description's bulleted list a list (they used to join its items
into one paragraph, which broke the Markdown of docs/policies.md)."""

from __future__ import annotations

from openwatt.catalogue import _paragraphs, _wrap

DESCRIPTION = """\
The conditions:
- the first condition, which is long enough
  to go on to a second line;
- the second.
The text after the list.

Another paragraph
over two lines."""


def test_markdown_keeps_the_list() -> None:
    assert _paragraphs(DESCRIPTION) == [
        "The conditions:", "",
        "- the first condition, which is long enough to go on to a second line;",
        "- the second.", "",
        "The text after the list.", "",
        "Another paragraph over two lines.",
    ]


def test_text_keeps_one_item_a_line() -> None:
    assert _wrap(DESCRIPTION, 2) == [
        "  The conditions:",
        "  - the first condition, which is long enough to go on to a second line;",
        "  - the second.",
        "  The text after the list.",
        "",
        "  Another paragraph over two lines.",
    ]
