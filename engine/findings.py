"""Findings and reports: what a check concludes, as data every output format is a view of.

A finding is one judgement of one input: a rule with its effective params (however many applied packs
require it), or a problem of the input itself (policy `openwatt`: `openwatt/load`, `openwatt/schema`,
`openwatt/evidence`). A report holds the findings of every input, its provenance, and the verdict of each
input, from which the exit code follows; a report of a check that could not run at all (a policy with
errors) holds no finding but its `errors`, so that every output format can still say so.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import Any

from .documents.problems import Problem, ProblemKind
from .values.verdicts import FailOn, InputWaivers, Reason, Severity, Status

# The policy of findings about the input itself rather than a policy's rule, and their rules.
INPUT_POLICY = "openwatt"
LOAD_RULE = f"{INPUT_POLICY}/load"  # the file could not be read or parsed
SCHEMA_RULE = f"{INPUT_POLICY}/schema"  # the file does not fit the disclosure schema
EVIDENCE_RULE = f"{INPUT_POLICY}/evidence"  # an evidence file disagrees with the disclosure, or cannot be used
WAIVERS_RULE = f"{INPUT_POLICY}/waivers"  # a waiver in the input names no rule applied to it

_PROBLEM_RULES: Mapping[ProblemKind, tuple[str, str]] = {
    ProblemKind.LOAD: (LOAD_RULE, "The file can be read as a disclosure"),
    ProblemKind.SCHEMA: (SCHEMA_RULE, "The disclosure fits the openwatt disclosure schema"),
    ProblemKind.EVIDENCE: (EVIDENCE_RULE, "Stated figures agree with their evidence files"),
    ProblemKind.CONFLICT: (EVIDENCE_RULE, "Stated figures agree with their evidence files"),
    ProblemKind.UNUSED_WAIVER: (WAIVERS_RULE, "Waivers in the input name rules that are applied"),
}
# Problems that are failures of the input rather than inputs that could not be checked, with their severity.
_FAILING_PROBLEMS: Mapping[ProblemKind, Severity] = {ProblemKind.CONFLICT: Severity.ERROR,
                                                     ProblemKind.UNUSED_WAIVER: Severity.WARNING}


class ExitCode(IntEnum):
    """The exit codes of every openwatt command, as the README documents them."""

    CLEAR = 0  # no failure at or above --fail-on
    FINDINGS = 1  # at least one failure at or above --fail-on
    BAD_INPUT = 2  # an input or a rule could not be checked, a policy has errors, or the command line is wrong


@dataclass(frozen=True, slots=True)
class Location:
    """Where the decisive evidence is, or the nearest present parent when it is missing."""

    file: str
    line: int
    column: int
    path: str  # as a policy writes it: "energy.training.energy"; "" for the whole document


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """One judgement of one input: a rule with its params, or a problem of the input itself."""

    file: str
    rule: str  # always qualified by the policy that defines it: "energy-transparency/training-energy"
    policy: str  # the policy that defines the rule ("openwatt" for the input's own problems)
    policy_version: str
    title: str
    status: Status
    severity: Severity  # the highest that any applied policy requiring the rule gives it
    reason: Reason | None  # None when the rule passed or did not apply
    message: str
    detail: str  # the evaluator's own words: observed versus required
    values: tuple[tuple[str, str], ...]  # the decisive values, as (path, shown value)
    location: Location
    cite: str = ""
    fix: str = ""
    waiver: str = ""  # the waiver's reason and approver when status is waived (or why it no longer applies)
    required_by: tuple[str, ...] = ()  # the applied policies that require the rule, in the order applied
    params: tuple[tuple[str, str], ...] = ()  # the params the rule reads, as (name, value as a policy writes it)

    @classmethod
    def from_problem(cls, problem: Problem) -> Finding:
        """The finding of a problem of a checked input: a conflict with evidence fails (error), a waiver that
        waives nothing fails (warning); the rest are errors: the input could not be checked as it is."""
        rule, title = _PROBLEM_RULES[problem.kind]
        failing = problem.kind in _FAILING_PROBLEMS
        path = problem.shown_path
        return cls(file=problem.file, rule=rule, policy=INPUT_POLICY, policy_version="", title=title,
                   status=Status.FAIL if failing else Status.ERROR,
                   severity=_FAILING_PROBLEMS.get(problem.kind, Severity.ERROR),
                   reason=Reason.VIOLATED if failing else Reason.INVALID_INPUT, message=problem.message,
                   detail=problem.message, values=problem.values,
                   location=Location(problem.file, problem.line, problem.column, path), fix=problem.hint or "")

    @property
    def judgement(self) -> tuple[str, tuple[tuple[str, str], ...]]:
        """What makes this finding one of a kind for its input: the rule and its params."""
        return self.rule, self.params

    @property
    def sort_key(self) -> tuple[str, str, tuple[tuple[str, str], ...], int, int, str]:
        return (self.file, self.rule, self.params, self.location.line, self.location.column, self.location.path)

    @property
    def is_input_problem(self) -> bool:
        return self.policy == INPUT_POLICY


@dataclass(frozen=True, slots=True)
class PolicySource:
    """A policy the report was produced with (the top-level ones and every import)."""

    id: str
    version: str
    file: str
    sha256: str
    shadows: bool = False  # read from another file than the shipped pack of the same id (a search path)


class InputRole(StrEnum):
    """Why a report read a file."""

    DOCUMENT = "document"  # checked against the policies
    EVIDENCE = "evidence"  # read for a document that cites it


@dataclass(frozen=True, slots=True)
class InputSource:
    file: str
    sha256: str  # "" when the file could not be read at all
    role: InputRole = InputRole.DOCUMENT


@dataclass(frozen=True, slots=True, kw_only=True)
class Provenance:
    """What a report can be re-verified against: tool version, policy and input digests, dates."""

    openwatt_version: str
    generated_at: str  # the only field allowed to differ between two runs over the same inputs
    as_of: str  # the date waivers' expiry (and `today` in rules) is judged against
    fail_on: FailOn
    policies: tuple[PolicySource, ...]
    inputs: tuple[InputSource, ...]
    input_waivers: InputWaivers = InputWaivers.APPLY  # what waivers written in the inputs did
    waiver_files: tuple[str, ...] = ()  # the waivers files given (--waivers, the config's waivers), sorted
    run: Mapping[str, Any] | None = field(default=None, compare=False)  # the check's settings, for `verify`


class Verdict(StrEnum):
    """An input's verdict: the one word a per-input summary gives."""

    PASS = "pass"  # checked; no failure at or above --fail-on
    FAIL = "fail"  # checked; failures at or above --fail-on, schema problems or unusable evidence
    ERROR = "error"  # could not be read, or a rule broke while evaluating it


@dataclass(frozen=True, slots=True, kw_only=True)
class InputVerdict:
    """One input's verdict and the counts that decided it."""

    file: str
    verdict: Verdict
    unreadable: bool  # the file could not be read as a document at all
    rule_errors: int  # rules that broke while evaluating this input
    input_problems: int  # schema problems and unusable evidence (the input was checked all the same)
    failed: Mapping[Severity, int]  # failures by severity, waived ones not counted
    blocking: int  # failures at or above --fail-on
    waived: int


@dataclass(frozen=True, slots=True)
class Summary:
    """Counts of inputs as well as of findings."""

    inputs: int
    checked: int  # read and evaluated (with schema problems or not)
    with_input_problems: int  # checked, with schema problems or unusable evidence
    with_failures: int  # verdict FAIL
    not_checked: int  # verdict ERROR: could not be read, or a rule broke
    failing_rules: int  # distinct (rule, params) judgements that failed on some input


@dataclass(frozen=True, slots=True, kw_only=True)
class RunError:
    """Why a check could not run at all (e.g. a policy with errors): a report carrying one has no findings,
    and every machine format still says so in its own shape."""

    code: str  # "OW012"; "" when the error has none
    message: str
    file: str = ""  # the policy file, "" when the error is not in a file
    line: int = 0  # 1-based; 0 when there is no line
    column: int = 0
    hint: str = ""

    @property
    def text(self) -> str:
        """One line: `file:line:col: CODE message`, with the parts that are known."""
        place = f"{self.file}:{self.line}:{self.column}: " if self.file else ""
        return f"{place}{self.code + ' ' if self.code else ''}{self.message}"


@dataclass(frozen=True, slots=True)
class Report:
    findings: tuple[Finding, ...]
    provenance: Provenance
    errors: tuple[RunError, ...] = ()  # why the check could not run; then findings and verdicts are empty
    counts: Mapping[str, int] = field(init=False)
    verdicts: tuple[InputVerdict, ...] = field(init=False)  # one per checked input, by file

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.findings, key=lambda f: f.sort_key))
        object.__setattr__(self, "findings", ordered)
        tally = Counter(f.status for f in ordered)
        object.__setattr__(self, "counts", {s.value: tally.get(s, 0) for s in Status})
        groups = by_file(ordered)
        documents = () if self.errors else self.provenance.inputs  # a check that could not run judged no input
        files = sorted({i.file for i in documents if i.role is InputRole.DOCUMENT} | groups.keys())
        verdicts = tuple(judge_input(file, groups.get(file, ()), self.provenance.fail_on) for file in files)
        object.__setattr__(self, "verdicts", verdicts)

    @property
    def files(self) -> tuple[str, ...]:
        return tuple(v.file for v in self.verdicts)

    def blocking(self) -> tuple[Finding, ...]:
        """Failures at or above the report's --fail-on severity."""
        fail_on = self.provenance.fail_on
        return tuple(f for f in self.findings if f.status is Status.FAIL and fail_on.blocks(f.severity))

    @property
    def summary(self) -> Summary:
        counted = Counter(v.verdict for v in self.verdicts)
        failing = {(f.rule, f.params) for f in self.findings if f.status is Status.FAIL}
        return Summary(inputs=len(self.verdicts), checked=len(self.verdicts) - counted[Verdict.ERROR],
                       with_input_problems=sum(1 for v in self.verdicts if v.input_problems and not v.unreadable),
                       with_failures=counted[Verdict.FAIL], not_checked=counted[Verdict.ERROR],
                       failing_rules=len(failing))

    @property
    def exit_code(self) -> ExitCode:
        """CLEAR; FINDINGS for failures at or above --fail-on; BAD_INPUT when an input or rule could not be
        checked (an unreadable file, a schema problem, unusable evidence, a rule that broke), or the check
        could not run at all (`errors`)."""
        if self.errors or any(f.status is Status.ERROR for f in self.findings):
            return ExitCode.BAD_INPUT
        return ExitCode.FINDINGS if self.blocking() else ExitCode.CLEAR


def judge_input(file: str, findings: Iterable[Finding], fail_on: FailOn) -> InputVerdict:
    """The verdict of the input `file` from its findings (the same for a whole report and for a stream)."""
    unreadable = False
    rule_errors = input_problems = blocking = waived = 0
    failed: Counter[Severity] = Counter()
    for f in findings:
        if f.rule == LOAD_RULE:
            unreadable = True
        elif f.status is Status.ERROR:
            if f.is_input_problem:
                input_problems += 1
            else:
                rule_errors += 1
        elif f.status is Status.FAIL:
            failed[f.severity] += 1
            blocking += fail_on.blocks(f.severity)
        elif f.status is Status.WAIVED:
            waived += 1
    if unreadable or rule_errors:
        verdict = Verdict.ERROR
    elif blocking or input_problems:
        verdict = Verdict.FAIL
    else:
        verdict = Verdict.PASS
    return InputVerdict(file=file, verdict=verdict, unreadable=unreadable, rule_errors=rule_errors,
                        input_problems=input_problems, failed=dict(failed), blocking=blocking, waived=waived)


def by_file(findings: Iterable[Finding]) -> dict[str, list[Finding]]:
    """Findings grouped by file, in report order."""
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        groups.setdefault(f.file, []).append(f)
    return groups
