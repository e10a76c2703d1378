"""The Markdown view of a report: a pull-request comment (GitHub or GitLab flavoured Markdown).

A headline, the verdict of each input in a table, then per input the failing and erroring rules with
their message, place and fix; what passed, did not apply or was waived is collapsed in `<details>`.
Text from inputs and policies is escaped so that it cannot open HTML or break a table.
"""

from __future__ import annotations

from collections import Counter

from ..findings import Finding, InputVerdict, Report, Verdict, by_file
from ..values.verdicts import Status
from . import RenderOptions

_VERDICT = {Verdict.PASS: "✅ pass", Verdict.FAIL: "❌ fail", Verdict.ERROR: "⚠️ error"}
_MARK = {Status.PASS: "✅", Status.NOT_APPLICABLE: "➖", Status.WAIVED: "💤"}


def render(report: Report, options: RenderOptions = RenderOptions()) -> str:
    """The comment; `options` do not apply (passes are always there, collapsed)."""
    if report.errors:
        return _could_not_run(report)
    summary = report.summary
    lines = [f"## openwatt: {_headline(report)}", ""]
    if not report.verdicts:
        return "\n".join([*lines, "No input was checked.", ""])
    lines += ["| Input | Verdict | Blocking failures | Waived |", "| --- | --- | ---: | ---: |"]
    lines += [f"| {_code(v.file)} | {_VERDICT[v.verdict]} | {v.blocking} | {v.waived} |" for v in report.verdicts]
    groups = by_file(report.findings)
    judged = Counter((f.file, f.rule) for f in report.findings)
    for v in report.verdicts:
        lines += ["", *_input(v, groups.get(v.file, []), judged)]
    lines += ["", f"<sub>openwatt {_text(report.provenance.openwatt_version)} · fail on "
                  f"{report.provenance.fail_on.value} · as of {report.provenance.as_of} · "
                  f"{summary.inputs} input{'s' if summary.inputs != 1 else ''}</sub>", ""]
    return "\n".join(lines)


def _headline(report: Report) -> str:
    summary = report.summary
    if summary.not_checked:
        return (f"{summary.not_checked} of {summary.inputs} inputs could not be checked" if summary.inputs != 1
                else "the input could not be checked")
    if summary.inputs == 1:
        return {Verdict.FAIL: "the input fails"}.get(report.verdicts[0].verdict, "the input passes")
    if summary.with_failures:
        return f"{summary.with_failures} of {summary.inputs} inputs fail"
    return f"all {summary.inputs} inputs pass"


def _input(v: InputVerdict, findings: list[Finding], judged: Counter[tuple[str, str]]) -> list[str]:
    lines = [f"### {_code(v.file)}: {_VERDICT[v.verdict]}"]
    failing = [f for f in findings if f.status in (Status.FAIL, Status.ERROR)]
    if failing:
        lines.append("")
    for f in failing:
        lines += _failing(f, _name(f, judged))
    rest = [f for f in findings if f.status not in (Status.FAIL, Status.ERROR)]
    if rest:
        counts = [f"{sum(1 for f in rest if f.status is s)} {label}"
                  for s, label in ((Status.PASS, "passing"), (Status.NOT_APPLICABLE, "not applicable"),
                                   (Status.WAIVED, "waived")) if any(f.status is s for f in rest)]
        lines += ["", f"<details><summary>{', '.join(counts)}</summary>", ""]
        lines += [_other(f, _name(f, judged)) for f in rest]
        lines += ["", "</details>"]
    return lines


def _failing(f: Finding, name: str) -> list[str]:
    kind = f.severity.value
    if f.status is Status.ERROR:
        kind = "input problem" if f.is_input_problem else "rule error"
    head = f"- **{_text(name)}** ({kind})" + (f": {_text(f.title)}" if f.title else "")
    place = f"{f.location.file}:{f.location.line}:{f.location.column}" if f.location.line else f.location.file
    where = _code(place) + (f" at {_code(f.location.path)}" if f.location.path else "")
    lines = [head, f"  {_text(f.message)}", f"  {where}"]
    if f.fix:
        lines.append(f"  **Fix:** {_prose(f.fix)}")
    if f.cite:
        lines.append(f"  <sub>{_prose(f.cite)}</sub>")
    return lines


def _other(f: Finding, name: str) -> str:
    line = f"- {_MARK[f.status]} {_text(name)}" + (f": {_text(f.title)}" if f.title else "")
    if f.status is Status.WAIVED:
        line += f" (waived: {_text(f.waiver or f.message)})"
    return line


def _name(f: Finding, judged: Counter[tuple[str, str]]) -> str:
    """The rule, with its params only when the input has the rule judged more than once (other params)."""
    params = ", ".join(f"{n}={v}" for n, v in f.params)
    return f"{f.rule} [{params}]" if params and judged[f.file, f.rule] > 1 else f.rule


def _could_not_run(report: Report) -> str:
    lines = ["## openwatt: the check could not run", "", "The policy has errors; no input was checked.", "",
             "```text"]
    for e in report.errors:
        lines.append(e.text.replace("```", "'''"))
        if e.hint:
            lines.append(f"    hint: {e.hint.replace('```', chr(39) * 3)}")
    return "\n".join([*lines, "```", ""])


def _text(text: str) -> str:
    """Text that stays text: no HTML, no table break, no line break, no stray emphasis."""
    for raw, escaped in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("|", "\\|"), ("*", "\\*"),
                         ("_", "\\_"), ("`", "\\`"), ("[", "\\["), ("]", "\\]")):
        text = text.replace(raw, escaped)
    return " ".join(text.split())


def _prose(text: str) -> str:
    """A policy author's text (fix, citation): their Markdown kept, but no HTML and no table break."""
    for raw, escaped in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("|", "\\|")):
        text = text.replace(raw, escaped)
    return " ".join(text.split())


def _code(text: str) -> str:
    """A file name or path as inline code (a longer fence when it holds backticks); pipes escaped for tables."""
    text = " ".join(text.split()).replace("|", "\\|")
    fence = "``" if "`" in text else "`"
    return f"{fence}{text}{fence}" if fence == "`" else f"{fence} {text} {fence}"
