"""Paths into a disclosure, as data and as a policy writes them."""

from __future__ import annotations

import functools
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
        elif _plain(part):
            text += f".{part}" if text else part
        else:
            escaped = part.replace("\\", "\\\\").replace('"', '\\"')
            text += f'["{escaped}"]'
    return text


@functools.lru_cache(maxsize=4096)  # a document has few distinct keys, written into many paths
def _plain(key: str) -> bool:
    """A key written bare after a dot: a letter, then letters, digits, '_' or '-'."""
    return bool(key) and key[0].isalpha() and all(c.isalnum() or c in "_-" for c in key)
