"""Findings and reports: what a check concludes, as data every output format is a view of."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from .values.verdicts import Reason, Severity, Status

# The policy and rule ids of findings about the input itself rather than a policy's rule.
INPUT_POLICY = "openwatt"
LOAD_RULE = "load"  # the file could not be read or parsed
SCHEMA_RULE = "schema"  # the file does not fit the disclosure schema
EVIDENCE_RULE = "evidence"  # an evidence file disagrees with the disclosure, or cannot be used


@dataclass(frozen=True, slots=True)
class Location:
    """Where the decisive evidence is, or the nearest present parent when it is missing."""

    file: str
    line: int
    column: int
    path: str  # as a policy writes it: "energy.training.energy"; "" for the whole document


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule applied to one document."""

    file: str
    policy: str
    policy_version: str
    rule: str
    title: str
    status: Status
    severity: Severity
    reason: Reason | None  # None when the rule passed or did not apply
    message: str
    detail: str  # the evaluator's own words: observed versus required
    values: tuple[tuple[str, str], ...]  # the decisive values, as (path, shown value)
    location: Location
    cite: str
    fix: str
    waiver: str = ""  # the waiver's reason and approver when status is waived

    @property
    def sort_key(self) -> tuple[str, str, str, int, int, str]:
        return (self.file, self.policy, self.rule, self.location.line, self.location.column, self.location.path)


@dataclass(frozen=True, slots=True)
class PolicySource:
    """A policy the report was produced with (the top-level ones and every import)."""

    id: str
    version: str
    file: str
    sha256: str


class InputRole(StrEnum):
    """Why a report read a file."""

    DOCUMENT = "document"  # checked against the policies
    EVIDENCE = "evidence"  # read for a document that cites it


@dataclass(frozen=True, slots=True)
class InputSource:
    file: str
    sha256: str  # "" when the file could not be read at all
    role: InputRole = InputRole.DOCUMENT


@dataclass(frozen=True, slots=True)
class Provenance:
    """What a report can be re-verified against: tool version, policy and input digests, dates."""

    openwatt_version: str
    generated_at: str  # the only field allowed to differ between two runs over the same inputs
    as_of: str  # the date waivers' expiry is judged against
    fail_on: Severity | None  # None: --fail-on never
    policies: tuple[PolicySource, ...]
    inputs: tuple[InputSource, ...]


@dataclass(frozen=True, slots=True)
class Report:
    findings: tuple[Finding, ...]
    provenance: Provenance
    counts: Mapping[str, int] = field(init=False)

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.findings, key=lambda f: f.sort_key))
        object.__setattr__(self, "findings", ordered)
        tally = Counter(f.status for f in ordered)
        object.__setattr__(self, "counts", {s.value: tally.get(s, 0) for s in Status})

    @property
    def files(self) -> tuple[str, ...]:
        return tuple(i.file for i in self.provenance.inputs)

    def blocking(self) -> tuple[Finding, ...]:
        """Failures at or above the report's --fail-on severity."""
        if self.provenance.fail_on is None:
            return ()
        threshold = self.provenance.fail_on.rank
        return tuple(f for f in self.findings if f.status is Status.FAIL and f.severity.rank >= threshold)

    @property
    def exit_code(self) -> int:
        """0 all clear; 1 failures at or above --fail-on; 2 an input or a rule could not be checked."""
        if any(f.status is Status.ERROR for f in self.findings):
            return 2
        return 1 if self.blocking() else 0


def by_file(findings: Iterable[Finding]) -> dict[str, list[Finding]]:
    """Findings grouped by file, in report order."""
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        groups.setdefault(f.file, []).append(f)
    return groups
