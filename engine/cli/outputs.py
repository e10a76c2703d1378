"""Where `openwatt check` reads and writes besides files: several report formats in one run
(`--output FORMAT=FILE`) and one input from standard input (`-`)."""

from __future__ import annotations

import os
import re
import stat
import sys
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO

from ..documents.source import DEFAULT_LIMITS, Document, DocumentError, Limits
from ..reports import REPORTERS
from .common import fail, writable

__all__ = ["STDIN", "STDIN_NAME", "Outputs", "Sink", "StdinInput", "WriteError", "parse_outputs", "read_stdin"]

STDIN = "-"  # the PATH that means standard input
STDIN_NAME = "<stdin>"  # the file name findings about standard input carry
TEXT = "text"  # the format whose errors are on stderr already


@dataclass(frozen=True, slots=True)
class Outputs:
    """The report formats to write: the --format one to `file` (None: stdout), then each FORMAT=FILE."""

    main: str
    file: str | None = None
    extra: tuple[tuple[str, str], ...] = ()

    @property
    def all(self) -> tuple[tuple[str, str | None], ...]:
        return ((self.main, self.file), *self.extra)

    def machine(self) -> Outputs | None:
        """Only the machine-readable outputs (text left out: its errors are on stderr already); None if none."""
        extra = tuple((f, file) for f, file in self.extra if f != TEXT)
        if self.main != TEXT:
            return replace(self, extra=extra)
        return Outputs(main=extra[0][0], file=extra[0][1], extra=extra[1:]) if extra else None


def parse_outputs(main: str, items: list[str]) -> Outputs | int:
    """The outputs of `--format` and the `-o/--output` options; the exit code after the error for a bad one.
    `FILE` is where the --format report goes (once); `FORMAT=FILE` adds a format, FORMAT a registry name."""
    file: str | None = None
    extra: list[tuple[str, str]] = []
    for item in items:
        name, sep, target = item.partition("=")
        if sep and name in REPORTERS:
            if not target:
                return fail(f"--output {item!r}: no file after '='", f"e.g. --output {name}=report.{name}")
            extra.append((name, target))
        elif sep and re.fullmatch(r"[a-z][a-z0-9-]*", name):
            return fail(f"--output {item!r}: unknown format {name!r}",
                        f"use one of {', '.join(REPORTERS)}; for a file whose name has '=', write ./{item}")
        elif file is not None:
            return fail(f"--output {item!r}: the --format report already goes to {file}",
                        "give one FILE for --format, and FORMAT=FILE for each other format")
        else:
            file = item
    targets = [t for t in [file, *(t for _, t in extra)] if t is not None]
    repeated = sorted({t for t in targets if targets.count(t) > 1})
    if repeated:
        return fail(f"--output: {repeated[0]} is named for two reports", "give each format a file of its own")
    return Outputs(main=main, file=file, extra=tuple(extra))


@dataclass(frozen=True, slots=True)
class StdinInput:
    """Standard input, read once: its document, or the error that kept it from being one."""

    document: Document | None
    error: DocumentError | None



class Sink:
    """Where one report goes as it is written: standard output, or FILE. A file is written under a temporary
    name beside it and renamed to FILE when the report is complete: a check that fails or is stopped midway
    leaves FILE as it was, never a truncated report that looks whole."""

    def __init__(self, file: str | None) -> None:
        self.file = file
        self._temp: IO[str] | None = None  # the temporary file, renamed to FILE when complete
        self._direct: IO[str] | None = None  # FILE itself, when it is no regular file (a device, a pipe)

    def open(self) -> None:
        """Make the temporary file (for standard output, nothing). Raises WriteError when it cannot be made."""
        if self.file is None:
            return
        target = Path(self.file)
        try:
            if target.exists() and not target.is_file():  # /dev/null, a pipe: written straight, never replaced
                self._direct = open(target, "w", encoding="utf-8", errors="backslashreplace")  # noqa: SIM115
                return
            temp = tempfile.NamedTemporaryFile("w", encoding="utf-8", errors="backslashreplace", delete=False,
                                               dir=target.parent, prefix=f".{target.name}.", suffix=".partial")
            os.chmod(temp.name, _mode(target))  # as the file would have been made, not private to its owner
        except OSError as err:
            raise WriteError(self.file, err) from err
        self._temp = temp

    def write(self, text: str) -> None:
        out = self._temp or self._direct
        if out is None:
            sys.stdout.write(writable(text))
            return
        try:
            out.write(text)
        except OSError as err:
            raise WriteError(self.file or "", err) from err

    def commit(self) -> None:
        """The report is complete: the temporary file becomes FILE (standard output is flushed)."""
        if self._temp is None:
            (self._direct or sys.stdout).flush()
            return
        try:
            self._temp.close()
            os.replace(self._temp.name, self.file or "")
        except OSError as err:
            raise WriteError(self.file or "", err) from err
        self._temp = None

    def discard(self) -> None:
        """The report is not complete: the temporary file goes, FILE stays as it was (after `commit`: closes)."""
        if self._direct is not None:
            self._direct.close()
            self._direct = None
        if self._temp is not None:
            self._temp.close()
            Path(self._temp.name).unlink(missing_ok=True)
            self._temp = None


class WriteError(Exception):
    """A report file that could not be written."""

    def __init__(self, file: str, error: OSError) -> None:
        super().__init__(file, error)
        self.file, self.reason = file, error.strerror or str(error)


def _mode(target: Path) -> int:
    """The permissions FILE has, or a new file would get (0o666 less the umask)."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def read_stdin(input_format: str | None, limits: Limits = DEFAULT_LIMITS) -> StdinInput:
    """Standard input as one document named `<stdin>`: in `input_format`, else detected by content (a
    CodeCarbon header, a MOT file's keys, front matter between two `---` lines for a model card, else a
    disclosure in YAML or JSON). Evidence paths it cites are relative to the working folder."""
    from ..documents.importers.detection import parse_any

    raw = sys.stdin.buffer.read(limits.max_bytes + 1)
    try:
        if len(raw) > limits.max_bytes:
            raise DocumentError(STDIN_NAME, 0, 0, f"standard input is over the {limits.max_bytes} byte limit",
                                "a disclosure is a few tens of KiB; check what is piped in")
        chosen = input_format or sniff_format(raw)
        return StdinInput(document=parse_any(raw, STDIN_NAME, limits=limits, input_format=chosen), error=None)
    except DocumentError as error:
        return StdinInput(document=None, error=error)


_FRONT_MATTER = re.compile(rb"\A(?:\xef\xbb\xbf)?---[ \t]*\r?\n(?:.*\r?\n)*?---[ \t]*\r?\n", re.MULTILINE)


def sniff_format(raw: bytes) -> str | None:
    """'model-card' for text that opens with front matter followed by more text (a README.md); None to let
    the importers tell a disclosure, a MOT file and a CodeCarbon log apart."""
    match = _FRONT_MATTER.match(raw)
    return "model-card" if match is not None and raw[match.end():].strip() else None
