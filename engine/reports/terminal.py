"""The terminal view of a report: findings grouped by file, failures spelled out, one summary line."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from ..findings import INPUT_POLICY, Finding, InputRole, Location, Report, by_file
from ..values.verdicts import Severity, Status
from . import RenderOptions

LABELS: Mapping[Status, str] = {
    Status.FAIL: "FAIL",
    Status.ERROR: "ERROR",
    Status.WAIVED: "WAIVED",
    Status.PASS: "PASS",
    Status.NOT_APPLICABLE: "N/A",
}
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
    from rich.console import Console  # rich costs ~30 ms: only a text render pays for it
    from rich.text import Text

    out = io.StringIO()
    console = Console(
        file=out,
        width=options.width,
        force_terminal=options.color,
        no_color=not options.color,
        color_system="standard" if options.color else None,
        highlight=False,
        markup=False,
        emoji=False,
        legacy_windows=False,
        _environ={},  # the output depends on the options only, not on COLUMNS, NO_COLOR, TERM...
    )
    for block in _blocks(report, verbose=options.verbose, width=options.width):
        lead = Text.assemble(*block.lead)
        lead.append(" " * (block.indent - lead.cell_len))
        body = Text.assemble(*block.body)
        lines = body.wrap(console, max(options.width - block.indent, _MIN_BODY_WIDTH), overflow="fold")
        for n, line in enumerate(lines):
            text = Text.assemble(lead if n == 0 else " " * block.indent, line)
            text.rstrip()  # wrapping leaves the space it broke at; goldens and copy-paste dislike it
            console.print(text, soft_wrap=True)  # soft_wrap: already wrapped, print as is
    return out.getvalue()


def _blocks(report: Report, *, verbose: bool, width: int) -> Iterator[_Block]:
    groups = by_file(report.findings)
    files = sorted({i.file for i in report.provenance.inputs if i.role is InputRole.DOCUMENT} | groups.keys())
    for file in files:
        findings = groups.get(file, [])
        yield _Block(((_clean(file), "bold"),))
        # What stopped a file being read or checked comes first: it is the first thing to fix.
        for finding in sorted(findings, key=lambda f: f.policy != INPUT_POLICY):
            if verbose or finding.status not in QUIET or _announces(finding):
                yield from _finding(finding, verbose=verbose)
        if not verbose and (quiet := _tally(f for f in findings if f.status in QUIET and not _announces(f))):
            yield _Block(quiet, INDENT)
        if not findings:
            yield _Block((("no findings", "dim"),), INDENT)
        yield _Block()
    yield from _summary(report, len(files), width)
    if report.exit_code:
        head = f"exit code {report.exit_code}: "
        yield _Block(((_exit_reason(report), "bold red"),), len(head), lead=((head, "bold red"),))


def _announces(f: Finding) -> bool:
    """A passing rule with something to say (its `success` text, e.g. "reaches MOF Class II") is shown."""
    return f.status is Status.PASS and bool(f.message)


def _finding(f: Finding, *, verbose: bool) -> Iterator[_Block]:
    label = LABELS[f.status].ljust(_STATUS_WIDTH)
    lead = (
        (" " * INDENT, ""),
        (label, _status_style(f)),
        (" ", ""),
        (f.severity.value, SEVERITY_STYLE[f.severity]),
    )
    heading: tuple[Seg, ...] = ((_clean(rule_id(f)), "bold"),)
    if f.title:
        heading += (("  ", ""), (_clean(f.title), ""))
    yield _Block(heading, BODY, lead)

    def detail(*segs: Seg) -> _Block:
        return _Block(segs, BODY)

    if message := f.message or f.detail:
        yield detail((_clean(message), ""))
    if verbose and f.detail and f.detail != message:
        yield detail(("detail: ", "dim"), (_clean(f.detail), ""))
    yield detail(("at ", "dim"), (_clean(_where(f.location, f.file)), ""))
    if f.cite:
        yield detail(("cite: ", "dim"), (_clean(f.cite), ""))
    if f.status is Status.WAIVED and f.waiver:
        yield detail(("waived: ", "blue"), (_clean(f.waiver), ""))
    elif f.waiver:  # a waiver that no longer applies (expired): say so beside the failure
        yield detail(("waiver: ", "yellow"), (_clean(f.waiver), ""))
    if f.status in ACTIONABLE and f.fix:
        yield detail(("fix: ", "green"), (_clean(f.fix), ""))


def rule_id(f: Finding) -> str:
    """`policy/rule`; an imported rule's id already names its own policy (`osaid/weights-licence`)."""
    return f.rule if "/" in f.rule else f"{f.policy}/{f.rule}"


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


def _summary(report: Report, files: int, width: int) -> Iterator[_Block]:
    """`5 files checked: 41 passed, 9 failed (...), ...`, wrapped between parts, never inside one."""
    counts = report.counts
    parts: list[Seg] = []
    if counts[Status.PASS]:
        parts.append((f"{counts[Status.PASS]} passed", STATUS_STYLE[Status.PASS]))
    if counts[Status.FAIL]:
        by_severity = Counter(f.severity for f in report.findings if f.status is Status.FAIL)
        split = ", ".join(
            f"{n} {s.value if n == 1 else _SEVERITY_PLURAL[s]}"
            for s in sorted(by_severity, key=lambda s: -s.rank)
            if (n := by_severity[s])
        )
        parts.append((f"{counts[Status.FAIL]} failed ({split})", "bold red"))
    if counts[Status.NOT_APPLICABLE]:
        parts.append((f"{counts[Status.NOT_APPLICABLE]} not applicable", STATUS_STYLE[Status.NOT_APPLICABLE]))
    if counts[Status.WAIVED]:
        parts.append((f"{counts[Status.WAIVED]} waived", STATUS_STYLE[Status.WAIVED]))
    if counts[Status.ERROR]:
        parts.append((f"{counts[Status.ERROR]} could not be checked", STATUS_STYLE[Status.ERROR]))
    head = f"{files} {'file' if files == 1 else 'files'} checked: "
    lines: list[list[Seg]] = [[]]
    used = len(head)
    for part in parts or [("no findings", "dim")]:
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


def _exit_reason(report: Report) -> str:
    reasons = []
    if errors := report.counts[Status.ERROR]:
        reasons.append(f"{errors} {'rule or input' if errors == 1 else 'rules or inputs'} could not be checked")
    if blocking := len(report.blocking()):
        threshold = report.provenance.fail_on.value if report.provenance.fail_on else "never"
        reasons.append(f"{blocking} {'failure' if blocking == 1 else 'failures'} at or above --fail-on {threshold}")
    return "; ".join(reasons)


def _join(parts: list[Seg]) -> tuple[Seg, ...]:
    joined: list[Seg] = []
    for n, part in enumerate(parts):
        joined += [(", ", "")] if n else []
        joined.append(part)
    return tuple(joined)


def _clean(text: str) -> str:
    return text.translate(_CONTROLS)
