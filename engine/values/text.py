"""What of a text is visible: the one place that decides whether text is there at all.

Whitespace (spaces, tabs, line breaks, no-break and other Unicode spaces) and invisible format
characters (zero-width spaces and joiners, the byte-order mark, bidirectional controls, soft hyphens:
Unicode categories Zs, Zl, Zp and Cf) show nothing. Text made only of them is absent, wherever a
policy asks whether a field `exists`, how long it is (`len`), or whether a waiver names an approver.
"""

from __future__ import annotations

import unicodedata

__all__ = ["blank", "visible"]

_INVISIBLE_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cf", "Cc"})


def visible(text: str) -> str:
    """`text` without its whitespace and invisible characters: what a reader can see of it."""
    return "".join(c for c in text if not _invisible(c))


def blank(text: str) -> bool:
    """True when `text` shows nothing: empty, or only whitespace and invisible characters."""
    return not any(not _invisible(c) for c in text)


def _invisible(character: str) -> bool:
    return character.isspace() or unicodedata.category(character) in _INVISIBLE_CATEGORIES
