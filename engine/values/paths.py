"""Paths into a disclosure, as data and as a policy writes them."""

from __future__ import annotations

from collections.abc import Sequence

Path = tuple[str | int, ...]
"""Mapping keys and list indexes from the top of a document, e.g. ('components', 3, 'license')."""


def format_path(path: Sequence[str | int] | None) -> str:
    """('components', 1, 'kind') -> 'components[1].kind'; keys that are not plain names are quoted;
    the whole document is ''."""
    text = ""
    for part in path or ():
        if isinstance(part, int):
            text += f"[{part}]"
        elif part and all(c.isalnum() or c in "_-" for c in part) and part[0].isalpha():
            text += f".{part}" if text else part
        else:
            escaped = part.replace("\\", "\\\\").replace('"', '\\"')
            text += f'["{escaped}"]'
    return text
