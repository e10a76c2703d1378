"""What of a text is visible: the one place that decides whether text is there at all.

Whitespace (spaces, tabs, line breaks, no-break and other Unicode spaces) and invisible format
characters (zero-width spaces and joiners, the byte-order mark, bidirectional controls, soft hyphens:
Unicode categories Zs, Zl, Zp and Cf) show nothing. Text made only of them is absent, wherever a
policy asks whether a field `exists`, how long it is (`len`), or whether a waiver names an approver.
"""

from __future__ import annotations

import unicodedata

__all__ = ["blank", "printable", "visible"]

_INVISIBLE_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cf", "Cc"})


def visible(text: str) -> str:
    """`text` without its whitespace and invisible characters: what a reader can see of it."""
    return "".join(c for c in text if not _invisible(c))


def blank(text: str) -> bool:
    """True when `text` shows nothing: empty, or only whitespace and invisible characters."""
    if text[:1].isalnum():  # most values start with a letter or a digit, which always shows
        return False
    return not any(not _invisible(c) for c in text)


# What a terminal would obey rather than show: C0 and C1 controls (escape sequences start with ESC or
# CSI), DEL, and the bidirectional overrides and isolates that reorder what follows them.
_CONTROLS = {c: f"\\x{c:02x}" for c in (*range(0x20), 0x7F, *range(0x80, 0xA0))}
_CONTROLS |= {c: f"\\u{c:04x}" for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}


def printable(text: str) -> str:
    """`text` safe to echo to a terminal: controls (tabs and newlines included) and bidirectional
    overrides written as escapes (`\\x1b`, `\\u202e`), everything else as it is."""
    return text.translate(_CONTROLS)


def _invisible(character: str) -> bool:
    return character.isspace() or unicodedata.category(character) in _INVISIBLE_CATEGORIES
