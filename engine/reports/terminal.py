"""The terminal view of a report: findings grouped by file, failures spelled out, one summary line."""

from __future__ import annotations

import io
import itertools
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..findings import Finding, InputVerdict, Location, Report, Verdict
from ..values.verdicts import Severity, Status
from . import RenderOptions
from .stream import InputReport, Spool, Tally, Write, render_with

if TYPE_CHECKING:
    from rich.console import Console

LABELS: Mapping[Status, str] = {
    Status.FAIL: "FAIL",
    Status.ERROR: "ERROR",
    Status.WAIVED: "WAIVED",
    Status.PASS: "PASS",
    Status.NOT_APPLICABLE: "N/A",
}
VERDICT_LABELS: Mapping[Verdict, str] = {Verdict.PASS: "PASS", Verdict.FAIL: "FAIL", Verdict.ERROR: "ERROR"}
VERDICT_STYLE: Mapping[Verdict, str] = {Verdict.PASS: "bold green", Verdict.FAIL: "bold red",
                                        Verdict.ERROR: "bold magenta"}
# Counted per file rather than listed, unless verbose: a clean run should fit on a screen.
QUIET: Mapping[Status, str] = {Status.PASS: "passed", Status.NOT_APPLICABLE: "not applicable"}
# Listed with their fix: the findings a user has to act on.
ACTIONABLE = frozenset({Status.FAIL, Status.ERROR})

SEVERITY_STYLE: Mapping[Severity, str] = {
    Severity.ERROR: "red",
    Severity.WARNING: "yellow",
    Severity.INFO: "cyan",
}
STATUS_STYLE: Mapping[Status, str] = {  # FAIL takes the colour of its severity
    Status.ERROR: "bold magenta",
    Status.WAIVED: "blue",
    Status.PASS: "green",
    Status.NOT_APPLICABLE: "dim",
}
_SEVERITY_PLURAL: Mapping[Severity, str] = {
    Severity.ERROR: "errors",
    Severity.WARNING: "warnings",
    Severity.INFO: "info",
}

INDENT = 2
_STATUS_WIDTH = max(len(label) for label in LABELS.values())
_SEVERITY_WIDTH = max(len(s.value) for s in Severity)
# Rule ids and a finding's details start in this column, so labels stand out down the left edge.
BODY = INDENT + _STATUS_WIDTH + 1 + _SEVERITY_WIDTH + 2
_MIN_BODY_WIDTH = 20  # below this, lines overflow the terminal rather than wrap into slivers

# Input text must not drive the terminal: escape sequences and bidi overrides in a disclosure
# value are shown, not obeyed. Newlines stay (multi-line messages wrap under their indent).
_CONTROLS = {c: f"\\x{c:02x}" for c in (*range(0x20), 0x7F, *range(0x80, 0xA0)) if c != 0x0A}
_CONTROLS |= {c: f"\\u{c:04x}" for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}
_CONTROLS[0x09] = " "

Seg = tuple[str, str]  # text and its rich style ("" for none)


@dataclass(frozen=True, slots=True)
class _Block:
    """Text wrapped to the width, every line after the first indented by `indent` columns."""

    body: tuple[Seg, ...] = ()
    indent: int = 0
    lead: tuple[Seg, ...] = ()  # drawn in the first line's indent (ASCII, narrower than it)


def render(report: Report, options: RenderOptions = RenderOptions()) -> str:
    """The report as terminal text; plain (no ANSI codes) unless `options.color`."""
    return render_with(Writer, report, options)


class Writer:
    """Each input's block of findings as soon as it is checked; at the end one verdict line per input and the
    totals (with --summary, each verdict line as its input is checked, and no finding)."""

    def __init__(self, write: Write, options: RenderOptions = RenderOptions()) -> None:
        self._write, self._options = write, options
        self._printer = _Printer(options)
        self._verdicts = Spool()

    def begin(self, tally: Tally) -> None:
        self._write(self._printer.print(_head(tally)))

    def input(self, checked: InputReport) -> None:
        options = self._options
        if not options.summary:
            self._write(self._printer.print(_file(checked.file, checked.findings, verbose=options.verbose)))
        verdict = self._printer.print(_verdict(checked.verdict))
        if options.summary:  # nothing comes between the verdict lines: no need to keep them for the end
            self._write(verdict)
        else:
            self._verdicts.write(verdict)

    def end(self, tally: Tally) -> None:
        if tally.errors:  # the check could not run: the head said so, and there are no totals
            return
        self._verdicts.replay(self._write)
        self._write(self._printer.print(_tail(tally, self._options.width)))


class _Printer:
    """Blocks drawn as text: plain ASCII wrapped here, the rest by one rich console made when first needed (rich
    costs ~15-30 ms to import: a check whose text is all ASCII, without colour, never pays for it)."""

    def __init__(self, options: RenderOptions, *, plain: bool = True) -> None:
        self._out = io.StringIO()
        self._width = options.width
        self._color = options.color
        # Without colour, ASCII text is wrapped here: the same text rich would draw, at a fraction of the cost
        # (most lines of a long report are ASCII); rich is imported only for a block it must draw.
        self._plain = plain and not options.color
        self._console: Console | None = None

    def _rich(self) -> Console:
        if self._console is None:
            from rich.console import Console

            color = self._color
            self._console = Console(
                file=self._out,
                width=self._width,
                force_terminal=color,
                no_color=not color,
                color_system="standard" if color else None,
                highlight=False,
                markup=False,
                emoji=False,
                legacy_windows=False,
                _environ={},  # the output depends on the options only, not on COLUMNS, NO_COLOR, TERM...
            )
        return self._console

    def print(self, blocks: Iterable[_Block]) -> str:
        width, out = self._width, self._out
        for block in blocks:
            if self._plain and (plain := _plain_lines(block, width)) is not None:
                out.write(plain)
                continue
            from rich.text import Text

            console = self._rich()
            lead = Text.assemble(*block.lead)
            lead.append(" " * (block.indent - lead.cell_len))
            body = Text.assemble(*block.body)
            lines = body.wrap(console, max(width - block.indent, _MIN_BODY_WIDTH), overflow="fold")
            for n, line in enumerate(lines):
                text = Text.assemble(lead if n == 0 else " " * block.indent, line)
                text.rstrip()  # wrapping leaves the space it broke at; goldens and copy-paste dislike it
                console.print(text, soft_wrap=True)  # soft_wrap: already wrapped, print as is
        drawn = self._out.getvalue()
        self._out.seek(0)
        self._out.truncate()
        return drawn


def _plain_lines(block: _Block, width: int) -> str | None:
    """The block as plain text when it is ASCII: wrapped as rich wraps it (words with their trailing spaces,
    a word longer than the width folded), each line after the first indented, no trailing space; else None."""
    body = "".join(text for text, _ in block.body)
    if not body.isascii():
        return None
    lead = "".join(text for text, _ in block.lead).ljust(block.indent)
    pieces = [piece for segment in body.split("\n") for piece in _divide(segment, max(width - block.indent,
                                                                                         _MIN_BODY_WIDTH))]
    rest = " " * block.indent
    return "".join(f"{lead if n == 0 else rest}{piece}".rstrip() + "\n" for n, piece in enumerate(pieces))


# A word and the spaces after it; rich's words also take the spaces before the first (added below): written
# without a leading \s*, which a search over a long run of spaces would make quadratic.
_WORD = re.compile(r"\S+\s*")


def _divide(text: str, width: int) -> list[str]:
    """One line of ASCII text cut where rich's `divide_line` (fold) cuts it."""
    breaks: list[int] = []
    offset = 0
    for n, match in enumerate(_WORD.finditer(text)):
        # The first word starts at 0, with the spaces before it.
        start, word = (0, text[:match.end()]) if n == 0 else (match.start(), match.group())
        length = len(word.rstrip())
        if width - offset >= length:
            offset += len(word)
        elif length > width:  # folded into pieces of `width` characters
            chunks = [word[i:i + width] for i in range(0, len(word), width)]
            for c, chunk in enumerate(chunks):
                if start:
                    breaks.append(start)
                if c == len(chunks) - 1:
                    offset = len(chunk)
                else:
                    start += len(chunk)
        elif offset and start:
            breaks.append(start)
            offset = len(word)
    return [text[a:b] for a, b in itertools.pairwise([0, *breaks, len(text)])]


def _head(tally: Tally) -> Iterator[_Block]:
    """What comes before any input: why the check could not run, or the packs read from elsewhere."""
    if tally.errors:  # the check could not run (the CLI shows these on stderr, with source lines)
        yield _Block((("the check could not run", "bold red"),))
        for error in tally.errors:
            yield _Block(((_clean(error.text), ""),), INDENT)
            if error.hint:
                yield _Block(((_clean(f"hint: {error.hint}"), ""),), INDENT * 2)
        return
    # A pack read from elsewhere than openwatt's own (a policies/ folder, a policy_path) is said first:
    # the verdicts below are that file's, not the shipped pack's.
    shadowing = [s for s in tally.provenance.policies if s.shadows]
    for source in shadowing:
        yield _Block(((f"policy {_clean(source.id)} from {_clean(source.file)} (shadows the shipped pack)", "yellow"),))
    if shadowing:
        yield _Block()


def _file(file: str, findings: Sequence[Finding], *, verbose: bool) -> Iterator[_Block]:
    """One input's block: its name, what stopped it being read or checked, its failures, a tally of the rest."""
    yield _Block(((_clean_name(file), "bold"),))
    # A rule judged twice (imported with different params) says which params and packs each time.
    judgements = {(f.rule, f.params, f.required_by) for f in findings if not f.is_input_problem}
    ambiguous = {rule for rule, n in Counter(rule for rule, _, _ in judgements).items() if n > 1}
    # What stopped a file being read or checked comes first: it is the first thing to fix.
    for finding in sorted(findings, key=lambda f: not f.is_input_problem):
        if verbose or finding.status not in QUIET or _announces(finding):
            yield from _finding(finding, verbose=verbose, variant=finding.rule in ambiguous)
    if not verbose and (quiet := _tally(f for f in findings if f.status in QUIET and not _announces(f))):
        yield _Block(quiet, INDENT)
    if not findings:
        yield _Block((("no findings", "dim"),), INDENT)
    yield _Block()


def _tail(tally: Tally, width: int) -> Iterator[_Block]:
    if tally.inputs:  # after the verdict lines
        yield _Block()
    yield from _summary(tally, width)
    if tally.exit_code:
        head = f"exit code {tally.exit_code}: "
        yield _Block(((_exit_reason(tally), "bold red"),), len(head), lead=((head, "bold red"),))


def _announces(f: Finding) -> bool:
    """A passing rule with something to say (its `success` text, e.g. "reaches MOF Class II") is shown."""
    return f.status is Status.PASS and bool(f.message)


def _finding(f: Finding, *, verbose: bool, variant: bool) -> Iterator[_Block]:
    label = LABELS[f.status].ljust(_STATUS_WIDTH)
    lead = (
        (" " * INDENT, ""),
        (label, _status_style(f)),
        (" ", ""),
        (f.severity.value, SEVERITY_STYLE[f.severity]),
    )
    heading: tuple[Seg, ...] = ((_clean(f.rule), "bold"),)
    if variant:
        heading += ((" ", ""), (_clean(_variant(f)), "bold"))
    if f.title:
        heading += (("  ", ""), (_clean(f.title), ""))
    yield _Block(heading, BODY, lead)

    def detail(*segs: Seg) -> _Block:
        return _Block(segs, BODY)

    if message := f.message or f.detail:
        yield detail((_clean(message), ""))
    if verbose and f.detail and f.detail != message:
        yield detail(("detail: ", "dim"), (_clean(f.detail), ""))
    yield detail(("at ", "dim"), (_clean_name(_where(f.location, f.file)), ""))
    if f.cite:
        yield detail(("cite: ", "dim"), (_clean(f.cite), ""))
    if verbose and len(f.required_by) > 1:
        yield detail(("required by: ", "dim"), (_clean(", ".join(f.required_by)), ""))
    if f.status is Status.WAIVED and f.waiver:
        yield detail(("waived: ", "blue"), (_clean(f.waiver), ""))
    elif f.waiver:  # a waiver that no longer applies (expired): say so beside the failure
        yield detail(("waiver: ", "yellow"), (_clean(f.waiver), ""))
    if f.status in ACTIONABLE and f.fix:
        yield detail(("fix: ", "green"), (_clean(f.fix), ""))


def _variant(f: Finding) -> str:
    """Which judgement of a rule imported with different params this is: `[by funder-grant-example; x=1]`."""
    params = ", ".join(f"{name}={value}" for name, value in f.params)
    return f"[by {', '.join(f.required_by)}" + (f"; {params}]" if params else "]")


def _where(location: Location, file: str) -> str:
    where = location.file or file
    if location.line > 0:  # a file that could not be read has no line to point at
        where += f":{location.line}:{location.column}"
    return f"{where} ({location.path})" if location.path else where


def _status_style(f: Finding) -> str:
    return f"bold {SEVERITY_STYLE[f.severity]}" if f.status is Status.FAIL else STATUS_STYLE[f.status]


def _tally(findings: Iterable[Finding]) -> tuple[Seg, ...]:
    counts = Counter(f.status for f in findings)
    parts = [(f"{counts[s]} {word}", STATUS_STYLE[s]) for s, word in QUIET.items() if counts[s]]
    return _join(parts)


def _verdict(v: InputVerdict) -> Iterator[_Block]:
    """One line per input, at the left edge (findings are indented): `PASS   file`,
    `FAIL   file  4 errors, 1 warning failed`, `ERROR  file  could not be read`."""
    label = VERDICT_LABELS[v.verdict]
    lead = ((label.ljust(_STATUS_WIDTH), VERDICT_STYLE[v.verdict]), (" ", ""))
    said = _verdict_counts(v)
    yield _Block(((_clean_name(v.file), ""), *(((f"  {said}", "dim"),) if said else ())), _STATUS_WIDTH + 1, lead)


def _verdict_counts(v: InputVerdict) -> str:
    if v.unreadable:
        return "could not be read"
    parts = []
    if v.rule_errors:
        parts.append(f"{v.rule_errors} {'rule' if v.rule_errors == 1 else 'rules'} could not be evaluated")
    if v.input_problems:
        parts.append(f"{v.input_problems} input {'problem' if v.input_problems == 1 else 'problems'}")
    if failed := _by_severity(v.failed):
        parts.append(f"{failed} failed")
    if v.waived:
        parts.append(f"{v.waived} waived")
    return ", ".join(parts)


def _by_severity(counts: Mapping[Severity, int]) -> str:
    """`4 errors, 2 warnings, 1 info`, most severe first."""
    return ", ".join(f"{n} {s.value if n == 1 else _SEVERITY_PLURAL[s]}"
                     for s in sorted(counts, key=lambda s: -s.rank) if (n := counts[s]))


def _summary(tally: Tally, width: int) -> Iterator[_Block]:
    """Two lines, inputs then findings, each wrapped between parts, never inside one:
    `4 inputs: 1 passed, 2 failed, 1 could not be checked, 1 checked with input problems`
    `findings: 41 passed, 9 failed (4 errors, 5 warnings), 2 not applicable; 7 distinct rules failed`."""
    summary = tally.summary
    passed = summary.inputs - summary.with_failures - summary.not_checked
    inputs: list[Seg] = []
    if passed:
        inputs.append((f"{passed} passed", STATUS_STYLE[Status.PASS]))
    if summary.with_failures:
        inputs.append((f"{summary.with_failures} failed", "bold red"))
    if summary.not_checked:
        inputs.append((f"{summary.not_checked} could not be checked", STATUS_STYLE[Status.ERROR]))
    if summary.with_input_problems:
        inputs.append((f"{summary.with_input_problems} checked with input problems", ""))
    head = f"{summary.inputs} {'input' if summary.inputs == 1 else 'inputs'}"
    yield from _wrapped(f"{head}: ", inputs, width) if inputs else iter((_Block(((head, "bold"),)),))
    counts = tally.counts
    parts: list[Seg] = []
    if counts[Status.PASS]:
        parts.append((f"{counts[Status.PASS]} passed", STATUS_STYLE[Status.PASS]))
    if counts[Status.FAIL]:
        split = _by_severity(tally.failed)
        parts.append((f"{counts[Status.FAIL]} failed ({split})", "bold red"))
    if counts[Status.NOT_APPLICABLE]:
        parts.append((f"{counts[Status.NOT_APPLICABLE]} not applicable", STATUS_STYLE[Status.NOT_APPLICABLE]))
    if counts[Status.WAIVED]:
        parts.append((f"{counts[Status.WAIVED]} waived", STATUS_STYLE[Status.WAIVED]))
    if counts[Status.ERROR]:
        errors = counts[Status.ERROR]
        parts.append((f"{errors} input or rule {'error' if errors == 1 else 'errors'}", STATUS_STYLE[Status.ERROR]))
    if summary.failing_rules:
        parts.append((f"{summary.failing_rules} distinct {'rule' if summary.failing_rules == 1 else 'rules'} "
                      "failed", ""))
    yield from _wrapped("findings: ", parts or [("none", "dim")], width)


def _wrapped(head: str, parts: list[Seg], width: int) -> Iterator[_Block]:
    """`head` then the parts joined by commas, wrapped between parts and indented under the first."""
    lines: list[list[Seg]] = [[]]
    used = len(head)
    for part in parts:
        if lines[-1] and used + len(", ") + len(part[0]) + len(",") > width:  # "," may end the line
            lines[-1].append((",", ""))
            lines.append([])
            used = len(head)
        elif lines[-1]:
            lines[-1].append((", ", ""))
            used += len(", ")
        lines[-1].append(part)
        used += len(part[0])
    for n, line in enumerate(lines):
        yield _Block(tuple(line), len(head), lead=((head, "bold"),) if n == 0 else ())


def _exit_reason(tally: Tally) -> str:
    reasons = []
    if errors := tally.statuses[Status.ERROR]:
        reasons.append(f"{errors} input or rule {'error' if errors == 1 else 'errors'}")
    if blocking := tally.blocking:
        threshold = tally.provenance.fail_on.value
        reasons.append(f"{blocking} {'failure' if blocking == 1 else 'failures'} at or above --fail-on {threshold}")
    return "; ".join(reasons)


def _join(parts: list[Seg]) -> tuple[Seg, ...]:
    joined: list[Seg] = []
    for n, part in enumerate(parts):
        joined += [(", ", "")] if n else []
        joined.append(part)
    return tuple(joined)


def _clean_name(name: str) -> str:
    """A file name on one line: a newline in it is shown as \\n, so that it cannot forge a line of the report."""
    return _clean(name).replace("\n", "\\n")


def _clean(text: str) -> str:
    return text.translate(_CONTROLS)
