"""The closed vocabularies of a finding: status, severity, the reason a rule did not pass, and what
decides a verdict (the --fail-on threshold, what the waivers written in an input do)."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    NOT_APPLICABLE = "not_applicable"  # the rule's `when` is false
    WAIVED = "waived"  # failed, but an unexpired waiver covers it
    ERROR = "error"  # the input could not be checked, or the rule itself broke


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Higher is more severe: error 3, warning 2, info 1."""
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.ERROR: 3, Severity.WARNING: 2, Severity.INFO: 1}


class Reason(StrEnum):
    VIOLATED = "violated"  # the evidence is there and breaks the rule
    MISSING = "missing"  # the evidence is absent
    TYPE_MISMATCH = "type_mismatch"  # the evidence is there but of the wrong kind
    INVALID_INPUT = "invalid_input"  # the document could not be read or does not fit the schema
    RULE_ERROR = "rule_error"  # the rule broke while evaluating (e.g. division by zero)


# Which failure to report when several conditions fail: absence first, then wrong kinds, then
# plain violations -- a user fixes a missing field before arguing about its value.
REASON_RANK = {Reason.MISSING: 0, Reason.TYPE_MISMATCH: 1, Reason.VIOLATED: 2}


class FailOn(StrEnum):
    """The least severe failure that fails a check (`--fail-on`, `fail_on` in the config); NEVER: none does."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    NEVER = "never"

    def blocks(self, severity: Severity) -> bool:
        """Whether a failure of `severity` is at or above this threshold."""
        return self is not FailOn.NEVER and severity.rank >= Severity(self.value).rank


DEFAULT_FAIL_ON = FailOn.ERROR


class InputWaivers(StrEnum):
    """What the waivers written inside a checked input (by its submitter) do (`--input-waivers`)."""

    APPLY = "apply"  # they waive failures, as waivers from a waivers file do (the default of `check`)
    REPORT = "report"  # they waive nothing; each failure one would waive says so (the default of `audit`)
    IGNORE = "ignore"  # they are not read at all
