"""What every importer shares: a disclosure built value by value with the source position of each value."""

from __future__ import annotations

import hashlib
import math
from typing import Any

from openwatt.documents.loading import decode_text
from openwatt.documents.writing import canonical
from openwatt.documents.source import BinaryFileError, Document, DocumentError, Format, Limits, Path
from openwatt.values.quantities import format_number
from openwatt.values.urls import is_url

__all__ = ["MAX_COUNT", "Output", "Position", "clip", "decode", "device_count", "is_url",
           "number_text", "sha256"]

Position = tuple[int, int]
"""A 1-based (line, column) in the original file."""

FORMAT_VERSION = "1.0"

MAX_COUNT = 999_999_999
"""The most devices a count in an imported file may give: more than any machine has, so a larger count is
a typing error or hostile input, and its digits are never converted (Python refuses 4301 digits or more)."""


class Output:
    """A disclosure under construction. Each value is put at a disclosure path together with where
    the original file says it, so findings on the converted disclosure point into the original file.
    A container is located where its first value was found unless it is placed explicitly."""

    __slots__ = ("data", "positions")

    def __init__(self, start: Position = (1, 1)) -> None:
        self.data: dict[str, Any] = {}
        self.positions: dict[Path, Position] = {(): (1, 1)}
        self.put(("openwatt",), FORMAT_VERSION, start)

    def put(self, path: Path, value: Any, at: Position) -> None:
        """Set the value at ``path`` (a list index must be the next free one), creating the mappings
        and lists on the way; ``at`` becomes the position of the value and of every value inside it."""
        container: Any = self.data
        for depth, (part, following) in enumerate(zip(path, path[1:])):
            self.positions.setdefault(path[:depth + 1], at)
            if isinstance(part, int) and part == len(container):
                container.append({} if isinstance(following, str) else [])
            elif isinstance(part, str) and part not in container:
                container[part] = {} if isinstance(following, str) else []
            container = container[part]
        last = path[-1]
        if isinstance(last, int) and last == len(container):
            container.append(value)
        else:
            container[last] = value
        self.positions[path] = at
        for inner in _paths(value, path):
            self.positions[inner] = at

    def place(self, path: Path, at: Position) -> None:
        """Locate an existing or future container at ``at``, e.g. a component at its list item."""
        self.positions[path] = at

    def has(self, path: Path) -> bool:
        value: Any = self.data
        for part in path:
            if isinstance(value, dict) and part in value:
                value = value[part]
            elif isinstance(value, list) and isinstance(part, int) and part < len(value):
                value = value[part]
            else:
                return False
        return True

    def document(self, file: str, digest: str, format: Format) -> Document:
        """The finished disclosure, keys in schema order; ``digest`` is the sha256 of the original bytes."""
        return Document(file, canonical(self.data), self.positions, digest, format)


def sha256(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def _paths(value: Any, prefix: Path) -> list[Path]:
    found: list[Path] = []
    if isinstance(value, dict):
        for key, item in value.items():
            found.append((*prefix, key))
            found.extend(_paths(item, (*prefix, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.append((*prefix, index))
            found.extend(_paths(item, (*prefix, index)))
    return found


def decode(raw: bytes, file: str, limits: Limits, what: str) -> str:
    """The text of an imported file; ``what`` names the kind of file in the hint for binary data."""
    try:
        return decode_text(raw, file, limits=limits)
    except BinaryFileError as error:
        raise DocumentError(error.file, error.line, error.column, error.message,
                            f"{what} is a text file; check that this is the right file") from None


def clip(text: str, width: int = 40) -> str:
    """``text`` cut to ``width`` characters for a message, '...' marking the cut: a cell may be megabytes."""
    return text if len(text) <= width else f"{text[:width - 3]}..."


def number_text(value: float) -> str:
    """A sum or a parsed number as a disclosure writes it: 12 significant digits, so float noise from
    adding (0.1 + 0.2) never reaches the text, and no trailing '.0'."""
    if not math.isfinite(value):
        raise ValueError(f"not a finite number: {value!r}")
    return format_number(float(f"{value:.12g}"))


def device_count(digits: str) -> int | None:
    """The count that ``digits`` (ASCII digits, e.g. a regex group) writes; None when it is above MAX_COUNT."""
    significant = digits.lstrip("0")
    if len(significant) > len(str(MAX_COUNT)):
        return None
    count = int(significant or "0")
    return count if count <= MAX_COUNT else None
