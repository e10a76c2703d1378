"""The journal of an audit: each result appended as it completes, so that `--resume` can skip it.

`journal.jsonl` in the output folder: a header line recording what the audit runs with (its fingerprint),
then one findings.jsonl line per checked submission, flushed to the operating system every `FLUSH_EVERY`
entries (a killed process loses at most the entries not yet flushed; they are checked again on resume).
A last line cut short by the kill is dropped when the journal is opened again. An input checked again
because it changed has two lines; the last one counts.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, BinaryIO

from .results import Entry, figures_start, figures_value, line_of

__all__ = ["FLUSH_EVERY", "Journal", "JournalError"]

FLUSH_EVERY = 32
JOURNAL_NAME = "journal.jsonl"
_FORMAT = 1


class JournalError(Exception):
    """A journal that cannot be resumed: written by another audit setup, or not a journal."""

    def __init__(self, file: str, message: str, hint: str) -> None:
        super().__init__(file, message, hint)  # state in args, so it pickles
        self.file, self.message, self.hint = file, message, hint

    def __str__(self) -> str:
        return f"{self.file}: {self.message}"


class Journal:
    """An open journal: `done` maps each file already checked to its sha256 (empty unless resumed); `_lines`
    each file to its last line's place: where it starts, its length, and where its `figures` start (-1: none),
    so that reading it back is one read, and the cohort pass reads only the figures."""

    def __init__(self, folder: Path, fingerprint: Mapping[str, Any], *, resume: bool) -> None:
        self.path = folder / JOURNAL_NAME
        self.done: dict[str, str] = {}
        self._lines: dict[str, tuple[int, int, int]] = {}
        header = line_of({"openwatt_journal": _FORMAT, "fingerprint": dict(fingerprint)})
        if resume and self.path.exists():
            self._reopen(header, fingerprint)
            self._handle: BinaryIO = self.path.open("ab")
        else:
            self._handle = self.path.open("wb")
            self._handle.write(header.encode() + b"\n")
            self._handle.flush()
        self._unflushed = 0

    def _reopen(self, header: str, fingerprint: Mapping[str, Any]) -> None:
        with self.path.open("rb") as handle:
            first = handle.readline().decode("utf-8", "replace").rstrip("\n")
            if first != header:
                raise JournalError(str(self.path), self._mismatch(first, fingerprint),
                                   "run the audit again without --resume, or with another --out folder")
            end = handle.tell()
            for raw in handle:
                if not raw.endswith(b"\n"):
                    break  # cut short by a kill: checked again
                entry = json.loads(raw)
                self.done[entry["file"]] = entry["sha256"]
                self._place(entry["file"], end, raw)
                end += len(raw)
        os.truncate(self.path, end)

    @staticmethod
    def _mismatch(first: str, expected: Mapping[str, Any]) -> str:
        try:
            found = json.loads(first)["fingerprint"]
            differing = sorted(k for k in {*found, *expected} if found.get(k) != expected.get(k))
        except (ValueError, KeyError, TypeError, AttributeError):
            return "is not an openwatt audit journal"
        return f"was written by an audit with other settings ({', '.join(differing)} differ{'s' if len(differing) == 1 else ''})"

    def is_done(self, file: str, sha256: str) -> bool:
        return self.done.get(file) == sha256 != ""

    def append(self, entry: Entry) -> None:
        line = entry.line.encode() + b"\n"
        self._place(entry.file, self._handle.tell(), line)
        self._handle.write(line)
        self._unflushed += 1
        if self._unflushed >= FLUSH_EVERY:
            self._handle.flush()
            self._unflushed = 0

    def close(self) -> None:
        self._handle.close()

    def _place(self, file: str, offset: int, line: bytes) -> None:
        start = figures_start(line)
        self._lines[file] = (offset, len(line), offset + start if start >= 0 else -1)

    def read(self, handle: BinaryIO, file: str) -> bytes:
        """The last line written for `file`, from `handle` open on the journal (after `close`)."""
        offset, length, _ = self._lines[file]
        handle.seek(offset)
        return handle.read(length)

    def figures(self, handle: BinaryIO, file: str) -> dict[str, Any]:
        """The `figures` of the last line written for `file`, reading only them (a line holds every finding)."""
        offset, length, start = self._lines[file]
        if start < 0:
            return {}
        handle.seek(start)
        return figures_value(handle.read(offset + length - start))
