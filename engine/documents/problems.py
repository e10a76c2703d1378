"""The one located problem: something wrong with an input (or a policy test file) at a place, with a hint.

Load errors, schema problems, evidence conflicts and unusable evidence, and problems of policy test
files are all a `Problem`; `DocumentError` carries one. A problem of a checked input becomes a finding
in exactly one place, `Finding.from_problem`, which reads its `kind`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ..values.paths import Path, format_path

__all__ = ["Problem", "ProblemKind"]


class ProblemKind(StrEnum):
    """What went wrong, which decides the rule and status of the finding a problem becomes."""

    LOAD = "load"  # the file cannot be read as a document
    SCHEMA = "schema"  # the document does not fit the disclosure schema
    EVIDENCE = "evidence"  # an evidence file the document cites cannot be used
    CONFLICT = "conflict"  # a stated figure that its evidence file contradicts
    UNUSED_WAIVER = "unused-waiver"  # a waiver written in the input that names no rule applied to it
    TEST = "test"  # a policy test file is wrong (not a checked input)


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    """Something wrong at `file`:`line`:`column` (1-based; line 0 when there is no place in the file).

    `path` is the document path it concerns (() for none); `values` the decisive values, as
    (what, shown value) pairs; `detail` more lines (a policy's own errors, rendered with their carets)."""

    kind: ProblemKind
    file: str
    line: int
    column: int
    message: str
    hint: str | None = None
    path: Path = ()
    values: tuple[tuple[str, str], ...] = ()
    detail: str = ""

    @property
    def where(self) -> str:
        """`file:line:column`, or the file alone when there is no line to point at."""
        return f"{self.file}:{self.line}:{self.column}" if self.line else self.file

    @property
    def shown_path(self) -> str:
        return format_path(self.path) if self.path else ""

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"
