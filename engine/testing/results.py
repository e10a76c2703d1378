"""What a policy test run found: per case, per file, rule coverage per policy, and the report of it all."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from ..documents.problems import Problem, ProblemKind
from ..values.verdicts import Reason, Status

__all__ = ["CaseResult", "Expectation", "Mismatch", "PolicyCoverage", "Problem", "RuleCoverage", "TestFileResult",
           "TestReport", "Verdict", "problem_in"]


class Verdict(StrEnum):
    PASSED = "passed"
    FAILED = "failed"  # an expectation did not hold, or the file has no cases
    ERROR = "error"  # the test itself is broken: bad file, unknown rule, unreadable document


def problem_in(file: str, line: int, column: int, message: str, hint: str | None = None, *,
               detail: str = "") -> Problem:
    """A problem of a test rather than of the policy's behaviour (line 0 when there is no place)."""
    return Problem(kind=ProblemKind.TEST, file=file, line=line, column=column, message=message, hint=hint,
                   detail=detail)


@dataclass(frozen=True, slots=True)
class Expectation:
    """What a case asserts about one rule's finding."""

    rule: str
    status: Status
    reason: Reason | None
    message: str | None  # a fragment the finding's message must contain
    line: int
    column: int

    def holds(self, status: Status, reason: Reason | None, message: str) -> bool:
        """Whether a finding with this status, reason and message meets the expectation."""
        return (status is self.status and (self.reason is None or reason is self.reason)
                and (self.message is None or self.message in message))

    def describe(self) -> str:
        text = self.status.value + (f" ({self.reason.value})" if self.reason else "")
        return text + (f" with a message containing {json.dumps(self.message, ensure_ascii=False)}"
                       if self.message is not None else "")


@dataclass(frozen=True, slots=True)
class Mismatch:
    """An expectation that did not hold, and what the finding said instead."""

    expectation: Expectation
    status: Status
    reason: Reason | None
    message: str

    def describe(self) -> str:
        return self.status.value + (f" ({self.reason.value})" if self.reason else "")


@dataclass(frozen=True, slots=True)
class CaseResult:
    name: str
    file: str
    line: int
    verdict: Verdict
    checked: int  # expectations evaluated
    mismatches: tuple[Mismatch, ...] = ()
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True, slots=True)
class RuleCoverage:
    """The statuses the cases asserted, and held, for one of the policy's own rules."""

    rule: str
    has_when: bool
    seen: tuple[Status, ...]  # in Status order

    @property
    def passing(self) -> bool:
        return Status.PASS in self.seen

    @property
    def failing(self) -> bool:
        stand_ins = {Status.FAIL, Status.WAIVED} | ({Status.NOT_APPLICABLE} if self.has_when else set())
        return bool(stand_ins & set(self.seen))

    @property
    def covered(self) -> bool:
        return self.passing and self.failing

    @property
    def missing(self) -> str:
        """What the cases still have to assert for the rule to be covered; "" when it is covered."""
        failing = "fail or not_applicable" if self.has_when else "fail"
        if not self.passing and not self.failing:
            return f"needs cases expecting pass, and {failing}"
        if not self.passing:
            return "needs a case expecting pass"
        return "" if self.failing else f"needs a case expecting {failing}"


@dataclass(frozen=True, slots=True)
class PolicyCoverage:
    policy: str
    file: str
    rules: tuple[RuleCoverage, ...]  # the policy's own rules, in policy order
    tested: bool = True  # False: a policy in a tested folder that no test file names

    @property
    def covered(self) -> int:
        return sum(r.covered for r in self.rules)

    @property
    def total(self) -> int:
        return len(self.rules)

    @property
    def percent(self) -> float:
        return 100.0 * self.covered / self.total if self.total else 100.0

    def meets(self, minimum: float) -> bool:
        return self.covered * 100 >= minimum * self.total  # exact: 99.96 % is not 100 %


@dataclass(frozen=True, slots=True)
class TestFileResult:
    __test__ = False  # not a pytest test class, despite the name

    file: str
    policy: str  # the policy's id; as written in the file when it could not be compiled
    cases: tuple[CaseResult, ...]
    problems: tuple[Problem, ...] = ()  # the file could not be run (as a whole)

    @property
    def verdict(self) -> Verdict:
        if self.problems or any(c.verdict is Verdict.ERROR for c in self.cases):
            return Verdict.ERROR
        if not self.cases or any(c.verdict is Verdict.FAILED for c in self.cases):
            return Verdict.FAILED
        return Verdict.PASSED

    @property
    def empty(self) -> bool:
        """No cases to run: a file that tests nothing fails."""
        return not self.problems and not self.cases


@dataclass(frozen=True, slots=True)
class TestReport:
    __test__ = False  # not a pytest test class, despite the name

    files: tuple[TestFileResult, ...]
    coverage: tuple[PolicyCoverage, ...]
    problems: tuple[Problem, ...] = ()  # paths that do not exist, no test files at all, untested policy broken
    min_coverage: float = 100.0
    counts: Mapping[str, int] = field(init=False)

    def __post_init__(self) -> None:
        cases = [c for f in self.files for c in f.cases]
        object.__setattr__(self, "counts", {v.value: sum(c.verdict is v for c in cases) for v in Verdict})

    @property
    def cases(self) -> int:
        return sum(len(f.cases) for f in self.files)

    @property
    def short(self) -> tuple[PolicyCoverage, ...]:
        """Policies whose rule coverage is below the minimum."""
        return tuple(c for c in self.coverage if not c.meets(self.min_coverage))

    @property
    def percent(self) -> float:
        """Rule coverage over every policy tested."""
        total = sum(c.total for c in self.coverage)
        return 100.0 * sum(c.covered for c in self.coverage) / total if total else 100.0

    @property
    def exit_code(self) -> int:
        """0 every expectation held and coverage is met; 1 an expectation failed, a file has no cases or
        coverage is short; 2 a test file, a policy or a document could not be used."""
        if self.problems or any(f.verdict is Verdict.ERROR for f in self.files):
            return 2
        return 1 if self.short or any(f.verdict is Verdict.FAILED for f in self.files) else 0
