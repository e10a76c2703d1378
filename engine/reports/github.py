"""The GitHub Actions view of a report: workflow commands that annotate the files of a pull request.

Each failure, error and waiver is one `::error`, `::warning` or `::notice` line with the file, line, column
and a title; a plain line per input ends the log with its verdict. Values are escaped as the Actions
runner unescapes them: in the message `%`, CR and LF; in a property also `:` and `,`. GitHub turns at most
10 commands of each kind per step into annotations; past that a plain line says how many there were.
"""

from __future__ import annotations

from collections import Counter

from ..findings import Report, Finding, RunError
from ..values.verdicts import Severity, Status
from . import RenderOptions
from .stream import InputReport, Spool, Tally, Write, render_with

ANNOTATIONS_PER_KIND = 10  # GitHub shows 10 errors, 10 warnings and 10 notices per step; the rest stay in the log
_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def render(report: Report, options: RenderOptions = RenderOptions()) -> str:
    """Every command and verdict line of the report at once (see Writer)."""
    return render_with(Writer, report, options)


class Writer:
    """One workflow command per failure, error or waiver as each input comes; at the end a line saying how many
    annotations of a kind GitHub leaves out (past its limit per step), then one verdict line per input."""

    def __init__(self, write: Write, options: RenderOptions = RenderOptions()) -> None:
        self._write = write
        self._kinds: Counter[str] = Counter()
        self._verdicts = Spool()

    def begin(self, tally: Tally) -> None:
        self._commands([_error_command(e) for e in tally.errors])

    def input(self, checked: InputReport) -> None:
        self._commands([_command(f) for f in checked.findings if f.status in _ANNOTATED])
        # A name cannot start a command: it is escaped, after the "openwatt: " that starts the line.
        self._verdicts.write(f"openwatt: {escape_data(checked.file)}: {checked.verdict.verdict.value.upper()}\n")

    def end(self, tally: Tally) -> None:
        for kind in ("error", "warning", "notice"):
            if self._kinds[kind] > ANNOTATIONS_PER_KIND:
                self._write(f"openwatt: {self._kinds[kind]} {kind} annotations; GitHub shows {ANNOTATIONS_PER_KIND} "
                            "per step (every one is in this log, and in the SARIF report)\n")
        self._verdicts.replay(self._write)
        if tally.errors:
            self._write("openwatt: the check could not run: the policy has errors\n")

    def _commands(self, lines: list[str]) -> None:
        self._kinds.update(line[2:].split(" ", 1)[0].split(":", 1)[0] for line in lines)
        self._write("".join(f"{line}\n" for line in lines))


_ANNOTATED = frozenset({Status.FAIL, Status.ERROR, Status.WAIVED})


def _command(f: Finding) -> str:
    if f.status is Status.ERROR:
        command = "error"
        message = f.message if f.is_input_problem else f"the rule could not be evaluated: {f.message}"
    elif f.status is Status.WAIVED:
        command, message = "notice", f"waived: {f.message} ({f.waiver})" if f.waiver else f"waived: {f.message}"
    else:
        command, message = _COMMAND[f.severity], f.message
    if f.fix and f.status is not Status.WAIVED:
        message += f"\nfix: {f.fix}"
    title = f"{f.rule}: {f.title}" if f.title else f.rule
    return workflow_command(command, message, file=f.location.file or f.file, line=f.location.line,
                            col=f.location.column, title=title)


def _error_command(error: RunError) -> str:
    message = f"the check could not run: {error.message}" + (f"\nhint: {error.hint}" if error.hint else "")
    title = f"openwatt: {error.code}" if error.code else "openwatt: policy error"
    return workflow_command("error", message, file=error.file, line=error.line, col=error.column, title=title)


def workflow_command(command: str, message: str, *, file: str = "", line: int = 0, col: int = 0,
                     title: str = "") -> str:
    """`::command file=…,line=…,col=…,title=…::message`, leaving out unknown places (0 or "")."""
    properties = []
    if file:
        properties.append(f"file={escape_property(file)}")
        if line >= 1:
            properties.append(f"line={line}")
            if col >= 1:
                properties.append(f"col={col}")
    if title:
        properties.append(f"title={escape_property(title)}")
    return f"::{command} {','.join(properties)}::{escape_data(message)}" if properties \
        else f"::{command}::{escape_data(message)}"


def escape_data(text: str) -> str:
    """A message as the runner reads it back: % first, so that the other escapes are not escaped again."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
