"""Documents and their source maps: loaded data, where each value was written, and the error for bad files."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ..values.paths import Path, format_path
from .problems import Problem, ProblemKind

__all__ = ["DEFAULT_LIMITS", "BinaryFileError", "Document", "DocumentError", "Format", "Limits", "Path",
           "format_path"]



class Format(StrEnum):
    """What a document was read from: a disclosure in YAML or JSON, or a format imported into one."""

    YAML = "yaml"
    JSON = "json"
    MODEL_CARD = "model-card"  # a Hugging Face model card: README.md with YAML front matter
    MOT = "mot"                # a Model Openness Tool model file (YAML)
    CODECARBON = "codecarbon"  # a CodeCarbon emissions.csv


@dataclass(frozen=True, slots=True)
class Limits:
    """Caps that keep a hostile file from costing more than a disclosure ever needs."""

    max_bytes: int = 10 * 1024 * 1024  # a large disclosure is a few tens of KiB
    max_depth: int = 64                # nesting of mappings and lists; disclosures use about 5
    max_nodes: int = 100_000           # values after aliases are expanded (alias bombs)


DEFAULT_LIMITS = Limits()


class DocumentError(Exception):
    """A file that cannot be read as a document, with a 1-based location (0, 0 when there is none)."""

    def __init__(self, file: str, line: int, column: int, message: str, hint: str | None = None) -> None:
        super().__init__(file, line, column, message, hint)  # state in args, so it pickles to audit workers
        self.file, self.line, self.column, self.message, self.hint = file, line, column, message, hint

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}" if self.line else self.file  # no position: the file
        return f"{where}: {self.message}"

    @property
    def problem(self) -> Problem:
        """This error as the one located problem type (kind `load`)."""
        return Problem(kind=ProblemKind.LOAD, file=self.file, line=self.line, column=self.column,
                       message=self.message, hint=self.hint)


class BinaryFileError(DocumentError):
    """A file that holds binary data (a NUL byte), not text."""


@dataclass(frozen=True, slots=True)
class Document:
    """A loaded document: its data, a source map from paths to 1-based (line, column), and the sha256
    of its bytes. A mapping value is located at its key, a list item at the item itself."""

    file: str
    data: Any
    positions: Mapping[Path, tuple[int, int]]
    digest: str
    format: Format

    def locate(self, path: Sequence[str | int]) -> tuple[int, int, Path]:
        """(line, column, located) of the value at ``path``, or of its nearest parent that is present;
        ``located`` says which path that was. The whole document is at (1, 1, ())."""
        wanted = tuple(path)
        for end in range(len(wanted), 0, -1):
            if (position := self.positions.get(wanted[:end])) is not None:
                return position[0], position[1], wanted[:end]
        return 1, 1, ()
