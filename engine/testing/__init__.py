"""Policy tests: cases of a disclosure and the statuses its rules must reach, run with rule coverage.

A test file (`policies/<pack>.test.yaml`, schema `schemas/policy-test.schema.json`) names the policy
under test and its cases; `run_tests` runs every case and returns a `TestReport`, which a view from
`VIEWS` renders (text or JSON). Nothing here prints.

Rule coverage counts what the cases *assert*, not what they happen to produce: an expectation that
held shows the rule reaching that status. A rule is covered when the cases assert it passing and
failing (a `waived` expectation counts as failing: the rule's requirement did not hold); for a rule
with a `when`, `not_applicable` may stand in for failing, as it shows the rule not passing on a
document. Only the policy's own rules are counted; imported rules are covered by their own pack's
tests (expectations on them are still checked).

Modules: `results` (what a run found), `running` (finding and running test files), `schema` (a test
file's own checks), `render` (the views).
"""

from .render import VIEWS, View, policy_test_data, render_json, render_test_report
from .results import (CaseResult, Expectation, Mismatch, PolicyCoverage, Problem, RuleCoverage, TestFileResult,
                      TestReport, Verdict, problem_in)
from .running import DEFAULT_AS_OF, SCHEMA_CHECK, TEST_SUFFIX, find_test_files, run_tests

__all__ = ["DEFAULT_AS_OF", "SCHEMA_CHECK", "TEST_SUFFIX", "VIEWS", "CaseResult", "Expectation", "Mismatch",
           "PolicyCoverage", "Problem", "RuleCoverage", "TestFileResult", "TestReport", "Verdict", "View",
           "find_test_files", "policy_test_data", "render_json", "render_test_report", "run_tests", "problem_in"]
