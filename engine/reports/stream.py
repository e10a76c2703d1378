"""Reports written as a check goes: each input's part as soon as it is checked, the totals at the end.

A streamed format is a `StreamWriter`: `begin` with what is known before any input (the provenance, less
its inputs, or the errors of a check that could not run), `input` once per input in report order (by file),
`end` with the totals. Its memory does not grow with the number of inputs: what a format writes only at the
end (text's verdict lines, JSON's verdicts and input digests) goes to a `Spool`, a temporary file past
1 MiB. A whole Report renders through the same writer (`render_with`), so the output of a collected report
and of a stream are the same bytes.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from io import StringIO
from typing import Protocol

from ..findings import (ExitCode, Finding, InputRole, InputSource, InputVerdict, Provenance, Report, RunError,
                        Summary, Verdict, by_file, judge_input)
from ..values.verdicts import Severity, Status
from . import RenderOptions

__all__ = ["Checked", "Collected", "InputReport", "ReportStream", "Spool", "StreamWriter", "Tally", "Write", "WriterFactory", "inputs_of", "render_with", "tally_of"]

Write = Callable[[str], object]  # where a writer's text goes: a file's or stdout's `write`


@dataclass(frozen=True, slots=True)
class InputReport:
    """One checked input as the writers see it: its verdict, its digest ("" if unread) and its findings in
    report order."""

    verdict: InputVerdict
    sha256: str
    findings: tuple[Finding, ...]

    @property
    def file(self) -> str:
        return self.verdict.file

    @classmethod
    def judged(cls, file: str, sha256: str, findings: Iterable[Finding], provenance: Provenance) -> InputReport:
        ordered = tuple(sorted(findings, key=lambda f: f.sort_key))
        return cls(judge_input(file, ordered, provenance.fail_on), sha256, ordered)


class Tally:
    """The totals of a report, counted input by input in constant memory (the distinct failing judgements
    are bounded by the rules, not the inputs): what a Report's `summary`, `counts`, `blocking()` and
    `exit_code` say of the same findings."""

    def __init__(self, provenance: Provenance, errors: Iterable[RunError] = ()) -> None:
        self.provenance = provenance  # its `inputs` are not kept: the inputs come one by one
        self.errors = tuple(errors)
        self.inputs = 0
        self.verdicts: Counter[Verdict] = Counter()
        self.with_input_problems = 0
        self.statuses: Counter[Status] = Counter()
        self.failed: Counter[Severity] = Counter()  # failures by severity, waived ones not counted
        self.blocking = 0
        self._failing: set[tuple[str, tuple[tuple[str, str], ...]]] = set()
        self._evidence: dict[InputSource, None] = {}

    def add(self, checked: InputReport) -> None:
        verdict = checked.verdict
        self.inputs += 1
        self.verdicts[verdict.verdict] += 1
        self.with_input_problems += bool(verdict.input_problems and not verdict.unreadable)
        self.blocking += verdict.blocking
        for f in checked.findings:
            self.statuses[f.status] += 1
            if f.status is Status.FAIL:
                self.failed[f.severity] += 1
                self._failing.add(f.judgement)

    def add_evidence(self, sources: Iterable[InputSource]) -> None:
        """Evidence files read for an input (each distinct file once, however many inputs cite it)."""
        self._evidence.update(dict.fromkeys(s for s in sources if s.role is InputRole.EVIDENCE))

    @property
    def evidence(self) -> list[InputSource]:
        return sorted(self._evidence, key=lambda s: (s.file, s.sha256))

    @property
    def counts(self) -> Mapping[str, int]:
        return {s.value: self.statuses.get(s, 0) for s in Status}

    @property
    def findings(self) -> int:
        return sum(self.statuses.values())

    @property
    def summary(self) -> Summary:
        errors = self.verdicts[Verdict.ERROR]
        return Summary(inputs=self.inputs, checked=self.inputs - errors, with_input_problems=self.with_input_problems,
                       with_failures=self.verdicts[Verdict.FAIL], not_checked=errors,
                       failing_rules=len(self._failing))

    @property
    def exit_code(self) -> ExitCode:
        """As Report.exit_code: BAD_INPUT for an error (or a check that could not run), FINDINGS for a failure
        at or above --fail-on, else CLEAR."""
        if self.errors or self.statuses[Status.ERROR]:
            return ExitCode.BAD_INPUT
        return ExitCode.FINDINGS if self.blocking else ExitCode.CLEAR


class Checked(Protocol):
    """One input as a check gives it (`checking.CheckedInput`): its findings and the files read for it."""

    @property
    def file(self) -> str: ...

    @property
    def findings(self) -> Sequence[Finding]: ...

    @property
    def sources(self) -> Sequence[InputSource]: ...


class ReportStream:
    """Inputs handed to several writers as they are checked: each judged once (its verdict), counted once (the
    tally), then written by every writer. `begin` first, `add` per input in report order, `end` last."""

    def __init__(self, provenance: Provenance, writers: Sequence[StreamWriter]) -> None:
        self.tally = Tally(provenance)
        self._writers = tuple(writers)

    def begin(self) -> None:
        for writer in self._writers:
            writer.begin(self.tally)

    def add(self, checked: Checked) -> InputReport:
        sha256 = next((s.sha256 for s in checked.sources if s.role is InputRole.DOCUMENT), "")
        judged = InputReport.judged(checked.file, sha256, checked.findings, self.tally.provenance)
        self.tally.add(judged)
        self.tally.add_evidence(checked.sources)
        for writer in self._writers:
            writer.input(judged)
        return judged

    def end(self) -> Tally:
        for writer in self._writers:
            writer.end(self.tally)
        return self.tally


class StreamWriter(Protocol):
    def begin(self, tally: Tally) -> None: ...

    def input(self, checked: InputReport) -> None: ...

    def end(self, tally: Tally) -> None: ...


WriterFactory = Callable[[Write, RenderOptions], StreamWriter]


class Spool:
    """Text kept for the end of a report, in memory up to 1 MiB and in a temporary file past that."""

    def __init__(self) -> None:
        self._file = tempfile.SpooledTemporaryFile(max_size=1 << 20, mode="w+", encoding="utf-8",
                                                   errors="backslashreplace", newline="")
        self.empty = True

    def write(self, text: str) -> None:
        self._file.write(text)
        self.empty = False

    def lines(self) -> Iterator[str]:
        """What was written, line by line (each with its newline); the spool is closed after the last."""
        self._file.seek(0)
        with self._file:
            yield from self._file

    def replay(self, write: Write) -> None:
        """What was written, written again to `write` in chunks; the spool is closed after."""
        self._file.seek(0)
        with self._file:
            while chunk := self._file.read(1 << 16):
                write(chunk)


def inputs_of(report: Report) -> Iterator[InputReport]:
    """A collected report's inputs, in its order, as a stream gives them."""
    groups = by_file(report.findings)
    digests = {i.file: i.sha256 for i in reversed(report.provenance.inputs) if i.role is InputRole.DOCUMENT}
    for verdict in report.verdicts:
        yield InputReport(verdict, digests.get(verdict.file, ""), tuple(groups.get(verdict.file, ())))


def tally_of(report: Report) -> Tally:
    """An empty tally for `report`, with its evidence files (the inputs are added as they are written)."""
    tally = Tally(report.provenance, report.errors)
    tally.add_evidence(report.provenance.inputs)
    return tally


def render_with(factory: WriterFactory, report: Report, options: RenderOptions) -> str:
    """A whole report written by a streamed format's writer, as one string."""
    out = StringIO()
    writer = factory(out.write, options)
    tally = tally_of(report)
    writer.begin(tally)
    for checked in inputs_of(report):
        tally.add(checked)
        writer.input(checked)
    writer.end(tally)
    return out.getvalue()


class Collected:
    """A format that needs the whole report (sarif, junit, markdown) as a writer: the inputs are kept as they
    come and rendered with `render` at the end; its memory grows with the findings."""

    def __init__(self, render: Callable[[Report, RenderOptions], str], write: Write, options: RenderOptions) -> None:
        self._render, self._write, self._options = render, write, options
        self._inputs: list[InputReport] = []

    def begin(self, tally: Tally) -> None:
        pass

    def input(self, checked: InputReport) -> None:
        self._inputs.append(checked)

    def end(self, tally: Tally) -> None:
        documents = (InputSource(i.file, i.sha256) for i in self._inputs)
        provenance = replace(tally.provenance, inputs=(*documents, *tally.evidence))
        findings = tuple(f for i in self._inputs for f in i.findings)
        self._write(self._render(Report(findings, provenance, tally.errors), self._options))
