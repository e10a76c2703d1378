"""The GitHub Actions view of a report: workflow commands that annotate the files of a pull request.

Each failure, error and waiver is one `::error`, `::warning` or `::notice` line with the file, line, column
and a title; a plain line per input ends the log with its verdict. Values are escaped as the Actions
runner unescapes them: in the message `%`, CR and LF; in a property also `:` and `,`. GitHub turns at most
10 commands of each kind per step into annotations; past that a plain line says how many there were.
"""

from __future__ import annotations

from collections import Counter

from ..findings import Finding, Report, RunError
from ..values.verdicts import Severity, Status
from . import RenderOptions

ANNOTATIONS_PER_KIND = 10  # GitHub shows 10 errors, 10 warnings and 10 notices per step; the rest stay in the log
_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def render(report: Report, options: RenderOptions = RenderOptions()) -> str:
    """One workflow command per failure, error or waiver, then one verdict line per input (and a line saying
    how many annotations of a kind GitHub leaves out, past its limit per step)."""
    lines = [_error_command(e) for e in report.errors]
    for f in report.findings:
        if f.status in (Status.FAIL, Status.ERROR, Status.WAIVED):
            lines.append(_command(f))
    kinds = Counter(line[2:].split(" ", 1)[0].split(":", 1)[0] for line in lines)
    for kind in ("error", "warning", "notice"):
        if kinds[kind] > ANNOTATIONS_PER_KIND:
            lines.append(f"openwatt: {kinds[kind]} {kind} annotations; GitHub shows {ANNOTATIONS_PER_KIND} per step "
                         "(every one is in this log, and in the SARIF report)")
    for v in report.verdicts:
        lines.append(f"openwatt: {escape_data(v.file)}: {v.verdict.value.upper()}")  # a name cannot start a command
    if report.errors:
        lines.append("openwatt: the check could not run: the policy has errors")
    return "".join(f"{line}\n" for line in lines)


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
