"""The policy-test runner on small test files: expectations, errors with places, coverage, params, documents.

The files are in tests/testing/: `packs/` holds two policies with complete tests (a folder that passes),
`files/` one test file per behaviour, each testing packs/grant.policy.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml

from openwatt.checking import Engine
from openwatt.testing import policy_test_data
from openwatt.resources import SCHEMAS_DIR
from openwatt.testing import (DEFAULT_AS_OF, PolicyCoverage, Problem, RuleCoverage, TestReport, Verdict,
                              find_test_files, problem_in, run_tests)
from openwatt.values.verdicts import Reason, Status

HERE = Path(__file__).parent


@pytest.fixture(autouse=True)
def _here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(HERE)  # files are shown relative to the working folder


def run(*paths: str, min_coverage: float = 100.0) -> TestReport:
    return run_tests(list(paths), Engine(search_path=["packs"]), min_coverage=min_coverage)


def problems(report: TestReport) -> list[tuple[int, int, str, str | None]]:
    found = [*report.problems, *(p for f in report.files for p in f.problems),
             *(p for f in report.files for c in f.cases for p in c.problems)]
    return [(p.line, p.column, p.message, p.hint) for p in found]


def rules(coverage: PolicyCoverage) -> dict[str, tuple[list[str], str]]:
    return {r.rule: ([s.value for s in r.seen], r.missing) for r in coverage.rules}


# ---- passing -------------------------------------------------------------------------------


def test_a_folder_of_complete_tests_passes_with_full_coverage() -> None:
    report = run("packs")
    assert [f.file for f in report.files] == ["packs/base.test.yaml", "packs/grant.test.yaml"]
    assert report.counts == {"passed": 7, "failed": 0, "error": 0}
    assert [(c.policy, c.file, c.covered, c.total) for c in report.coverage] == [
        ("base", "packs/base.policy", 1, 1), ("grant", "packs/grant.policy", 2, 2)]
    assert report.exit_code == 0


def test_coverage_counts_own_rules_only_and_records_what_was_asserted() -> None:
    grant = run("packs").coverage[1]
    # base/named is asserted in grant.test.yaml but belongs to base: base.test.yaml covers it.
    assert rules(grant) == {"energy-reported": (["pass", "fail", "waived"], ""),
                            "within-budget": (["pass", "fail", "not_applicable"], "")}


def test_inline_and_file_documents_params_per_case_and_as_of() -> None:
    [result] = run("packs/grant.test.yaml").files
    assert [(c.name, c.line, c.verdict, c.checked) for c in result.cases] == [
        ("within budget passes", 5, Verdict.PASSED, 3),  # a file, with the file's params
        ("over a tighter budget fails", 11, Verdict.PASSED, 1),  # the case's params over the file's
        ("no energy", 16, Verdict.PASSED, 3),  # inline
        ("a waiver in the disclosure", 24, Verdict.PASSED, 1),  # waived as of 2026-01-01
        ("the waiver has expired", 32, Verdict.PASSED, 1),  # as_of: 2026-07-01
    ]
    assert DEFAULT_AS_OF.isoformat() == "2026-01-01"


# ---- failing expectations ------------------------------------------------------------------


def test_failing_expectations_say_expected_and_actual_with_the_message() -> None:
    report = run("files/failing.test.yaml")
    [result] = report.files
    assert [c.verdict for c in result.cases] == [Verdict.PASSED, Verdict.FAILED, Verdict.FAILED]
    wrong = result.cases[1].mismatches
    assert [(m.expectation.rule, m.expectation.line, m.expectation.describe(), m.describe(), m.message)
            for m in wrong] == [
        ("energy-reported", 11, "fail", "pass", ""),
        ("within-budget", 12, "fail (missing)", "fail (violated)", "training used 433 MWh; the budget is 400 MWh"),
    ]  # base/named: pass held
    [message] = result.cases[2].mismatches
    assert message.expectation.describe() == 'fail with a message containing "the budget is 500 MWh"'
    assert (message.status, message.reason) == (Status.FAIL, Reason.VIOLATED)
    assert report.exit_code == 1


def test_a_failed_expectation_covers_nothing_and_waived_counts_as_failing() -> None:
    [grant] = run("files/coverage-waived.test.yaml").coverage
    assert rules(grant) == {"energy-reported": (["pass", "waived"], ""),
                            "within-budget": (["fail", "not_applicable"], "needs a case expecting pass")}


def test_not_applicable_stands_in_for_failing_only_for_a_rule_with_when() -> None:
    report = run("files/coverage-na.test.yaml")
    [grant] = report.coverage
    # base/named is seen failing in a case, but only what a case asserts counts, and only own rules.
    assert rules(grant) == {"energy-reported": (["pass"], "needs a case expecting fail"),
                            "within-budget": (["pass", "not_applicable"], "")}
    assert (grant.covered, grant.total, grant.percent) == (1, 2, 50.0)
    assert report.counts["passed"] == 3 and report.exit_code == 1


def test_min_coverage() -> None:
    assert run("files/coverage-na.test.yaml", min_coverage=50).exit_code == 0
    assert run("files/coverage-na.test.yaml", min_coverage=50.1).exit_code == 1
    assert [c.policy for c in run("files/coverage-na.test.yaml").short] == ["grant"]


@pytest.mark.parametrize(("seen", "has_when", "missing"), [
    ((), False, "needs cases expecting pass, and fail"),
    ((), True, "needs cases expecting pass, and fail or not_applicable"),
    ((Status.PASS,), False, "needs a case expecting fail"),
    ((Status.PASS, Status.NOT_APPLICABLE), False, "needs a case expecting fail"),
    ((Status.PASS, Status.NOT_APPLICABLE), True, ""),
    ((Status.PASS, Status.WAIVED), False, ""),
    ((Status.FAIL, Status.NOT_APPLICABLE), True, "needs a case expecting pass"),
    ((Status.PASS, Status.ERROR), False, "needs a case expecting fail"),
])
def test_the_coverage_rule(seen: tuple[Status, ...], has_when: bool, missing: str) -> None:
    rule = RuleCoverage("r", has_when, seen)
    assert (rule.missing, rule.covered) == (missing, not missing)


def test_a_file_without_cases_fails() -> None:
    report = run("files/empty.test.yaml")
    [result] = report.files
    assert (result.empty, result.verdict, report.exit_code) == (True, Verdict.FAILED, 1)


# ---- broken tests are errors (exit 2) ------------------------------------------------------


def test_an_unknown_rule_is_an_error_with_did_you_mean() -> None:
    report = run("files/unknown-rule.test.yaml")
    [result] = report.files
    assert [c.verdict for c in result.cases] == [Verdict.ERROR, Verdict.PASSED]  # the other case still runs
    assert problems(report) == [
        (6, 7, "unknown rule 'within-budgt': policy grant has no such rule", "did you mean 'within-budget'?"),
        (7, 7, "unknown rule 'named': policy grant has no such rule", "did you mean 'base/named'?"),
    ]
    assert report.exit_code == 2


def test_bad_yaml_is_an_error_with_its_place() -> None:
    report = run("files/bad-yaml.test.yaml")
    assert problems(report) == [(4, 14, "mapping values are not allowed here",
                                 "quote a value that contains ': ', or check this line's indentation")]
    assert report.exit_code == 2


def test_schema_problems_are_located_and_worded() -> None:
    assert problems(run("files/bad-schema.test.yaml")) == [
        (2, 1, "unknown field 'case'", "did you mean 'cases'?"),
        (4, 5, "cases[0] has both document and disclosure", "give a disclosure file (document: "
         "../samples/x.yaml) or an inline disclosure (disclosure: {...}), not both"),
        (7, 14, 'cases[0].expect.energy-reported: "PASS" is not a status', "did you mean 'pass'?"),
        (8, 5, "cases[1] has neither document nor disclosure", "give a disclosure file (document: "
         "../samples/x.yaml) or an inline disclosure (disclosure: {...})"),
        (9, 5, 'cases[1].as_of: "next year" is not a date', "write the date as YYYY-MM-DD, e.g. 2026-01-01"),
        (11, 7, "cases[1].expect.energy-reported: a pass finding has no reason to expect",
         "leave out reason, or expect another status"),
        (12, 7, "cases[1].expect.within-budget: a not_applicable finding has no reason to expect",
         "leave out reason, or expect another status"),
        (15, 5, "cases[2].expect names no rules",
         "add expect: with rule ids and the status each must reach, e.g. weights-licence: pass"),
        (16, 5, "cases[3]: missing 'name'", "give the case a name, e.g. name: fully open model passes"),
        (17, 46, 'cases[3].expect.energy-reported.reason: "absent" is not a reason',
         "reasons: violated, missing, type_mismatch, invalid_input, rule_error"),
    ]


def test_duplicate_case_names() -> None:
    assert problems(run("files/duplicate-names.test.yaml")) == [
        (6, 5, 'duplicate case name "same" (first at line 3)', "give each case its own name")]


def test_a_document_that_cannot_be_loaded_is_an_error() -> None:
    report = run("files/missing-document.test.yaml")
    assert problems(report) == [(4, 5, "cannot load the document: packs/disclosures/nowhere.yaml: no such file "
                                 "or directory", "check the path")]
    assert report.files[0].cases[0].verdict is Verdict.ERROR and report.exit_code == 2


def test_an_unknown_policy_id_is_an_error_with_did_you_mean() -> None:
    report = run("files/unknown-policy.test.yaml")
    assert problems(report) == [(1, 9, "OW030 unknown policy 'grnt'", "did you mean 'grant'?")]
    assert report.files[0].policy == "grnt" and report.exit_code == 2


def test_a_missing_policy_file_is_an_error() -> None:
    assert problems(run("files/missing-policy.test.yaml")) == [
        (1, 1, "packs/nope.policy: OW050 cannot read policy file: No such file or directory",
         "check the path and the file's permissions")]


def test_bad_params_are_errors_at_the_params() -> None:
    assert problems(run("files/bad-params.test.yaml")) == [
        (2, 1, "OW033 unknown param 'bugdet'", "did you mean 'budget'?")]
    report = run("files/bad-case-params.test.yaml")
    assert problems(report) == [
        (5, 5, "OW041 params budget=5 tCO2e: expected an energy quantity, found a carbon mass quantity",
         "e.g. params budget=500 MWh")]
    assert [c.verdict for c in report.files[0].cases] == [Verdict.ERROR, Verdict.PASSED]


def test_a_policy_with_errors_is_an_error_with_the_rendered_errors(tmp_path: Path) -> None:
    (tmp_path / "broken.policy").write_text('policy broken\ntitle "B"\nversion "1"\nrule r {\n  title "r"\n'
                                            '  severity error\n  require energy.trainig.energy exists\n}\n')
    (tmp_path / "broken.test.yaml").write_text("policy: broken\ncases: []\n")
    report = run_tests([tmp_path / "broken.test.yaml"])
    [problem] = report.files[0].problems
    assert (problem.line, problem.message) == (1, "policy broken does not compile (1 error)")
    assert problem.detail == (f"{tmp_path / 'broken.policy'}:7:11: OW010 unknown path 'energy.trainig'\n"
                              "      require energy.trainig.energy exists\n"
                              "              ^^^^^^^^^^^^^^\n"
                              "    hint: did you mean 'energy.training'?")
    assert report.exit_code == 2


def test_a_disclosure_that_does_not_fit_the_schema_is_an_error_unless_expected() -> None:
    report = run("files/schema-check.test.yaml")
    [result] = report.files
    assert [c.verdict for c in result.cases] == [Verdict.ERROR, Verdict.PASSED, Verdict.PASSED]
    # An inline disclosure's problems are located in the test file.
    assert problems(report) == [(7, 27, "the disclosure does not fit the schema: unknown field "
                                 "'energy.training.energie'", "did you mean 'energy'?")]


def test_a_document_outside_the_working_folder_is_named_without_dot_dot(tmp_path: Path) -> None:
    shutil.copytree(HERE / "packs", tmp_path / "packs")
    shutil.copytree(HERE / "files", tmp_path / "files")
    (tmp_path / "packs" / "disclosures" / "broken.yaml").write_text("energy: [\n")
    (tmp_path / "files" / "broken-document.test.yaml").write_text(
        "policy: ../packs/grant.policy\ncases:\n  - name: broken\n    document: ../packs/disclosures/broken.yaml\n"
        "    expect: {energy-reported: pass}\n")
    report = run_tests([tmp_path / "files" / "missing-document.test.yaml",
                        tmp_path / "files" / "broken-document.test.yaml"])
    [broken, missing] = [p.message for f in report.files for c in f.cases for p in c.problems]
    assert missing == f"cannot load the document: {tmp_path}/packs/disclosures/nowhere.yaml: no such file or directory"
    assert broken.startswith(f"cannot load the document: {tmp_path}/packs/disclosures/broken.yaml:2:1: ")


def test_paths_that_do_not_exist_and_folders_without_tests_are_errors(tmp_path: Path) -> None:
    report = run_tests([tmp_path / "nowhere"])
    assert [str(p) for p in report.problems] == [f"{tmp_path / 'nowhere'}: no such file or directory"]
    report = run_tests([tmp_path])
    assert [p.message for p in report.problems] == ["no policy test files (*.test.yaml) found"]
    assert report.exit_code == 2


def test_a_policy_in_a_tested_folder_without_a_test_file_has_no_coverage(tmp_path: Path) -> None:
    shutil.copytree(HERE / "packs", tmp_path / "packs")
    (tmp_path / "packs" / "base.test.yaml").unlink()
    report = run_tests([tmp_path / "packs"])
    base = next(c for c in report.coverage if c.policy == "base")
    assert (base.tested, base.covered, base.total) == (False, 0, 1)
    assert report.exit_code == 1


def test_find_test_files_sorted_and_without_hidden(tmp_path: Path) -> None:
    for name in ("b.test.yaml", "a.test.yaml", "notes.yaml", ".hidden.test.yaml", "sub/c.test.yaml",
                 ".git/d.test.yaml"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    files, found_problems = find_test_files([tmp_path])
    assert [f.relative_to(tmp_path).as_posix() for f in files] == ["a.test.yaml", "b.test.yaml", "sub/c.test.yaml"]
    assert found_problems == []


# ---- the report as data and the schema -----------------------------------------------------


def test_report_as_json() -> None:
    data = json.loads(json.dumps(policy_test_data(run("files/failing.test.yaml"))))
    assert data["summary"] == {"files": 1, "cases": 3, "passed": 1, "failed": 2, "error": 0, "coverage": 0.0,
                               "min_coverage": 100.0, "exit_code": 1}
    assert data["files"][0]["cases"][1]["mismatches"][0] == {
        "rule": "energy-reported", "line": 11, "expected": {"status": "fail", "reason": None, "message": None},
        "actual": {"status": "pass", "reason": None, "message": ""}}
    assert data["coverage"][0]["rules"][0] == {"rule": "energy-reported", "when": False, "seen": ["pass"],
                                               "covered": False, "missing": "needs a case expecting fail"}


def test_problem_text() -> None:
    assert str(problem_in("a.test.yaml", 3, 5, "m")) == "a.test.yaml:3:5: m"
    assert str(problem_in("a.test.yaml", 0, 0, "m")) == "a.test.yaml: m"


SCHEMA = json.loads((SCHEMAS_DIR / "policy-test.schema.json").read_text(encoding="utf-8"))


def test_the_schema_is_draft_2020_12() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$id"] == "https://openwatt.dev/schemas/policy-test.schema.json"


@pytest.mark.parametrize("path", ["packs/base.test.yaml", "packs/grant.test.yaml", "files/failing.test.yaml",
                                  "files/coverage-waived.test.yaml", "files/schema-check.test.yaml"])
def test_good_test_files_fit_the_schema_as_any_validator_reads_them(path: str) -> None:
    data = yaml.safe_load((HERE / path).read_text(encoding="utf-8"))

    def jsonable(value: object) -> object:  # YAML dates are strings to JSON Schema
        if isinstance(value, dict):
            return {k: jsonable(v) for k, v in value.items()}
        if isinstance(value, list):
            return [jsonable(v) for v in value]
        return value.isoformat() if hasattr(value, "isoformat") else value
    jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(jsonable(data))


def test_values_of_the_wrong_kind_are_one_problem_each(tmp_path: Path) -> None:
    (tmp_path / "odd.test.yaml").write_text('policy: 5\nparams: {"bad name": 1}\ncases:\n  - 1\n  - name: y\n'
                                            '    document: a.yaml\n    expect: {a: 5, b: [pass]}\n')
    assert [(p.line, p.column, p.message) for p in run_tests([tmp_path / "odd.test.yaml"]).files[0].problems] == [
        (1, 1, "policy is a number; expected a string"),
        (2, 1, 'params: "bad name" is not a param name'),
        (4, 5, "cases[0] is a number; expected a mapping"),
        (7, 14, "cases[1].expect.a is a number; expected a string or a mapping"),
        (7, 20, "cases[1].expect.b is a list; expected a string or a mapping"),
    ]


@pytest.mark.parametrize(("text", "message"), [
    ("", "the file is empty"),
    ("- a\n", "a test file is a mapping at the top level; found a list"),
])
def test_a_file_that_is_not_a_mapping(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "x.test.yaml").write_text(text)
    [problem] = run_tests([tmp_path / "x.test.yaml"]).files[0].problems
    assert (problem.message, problem.hint) == (
        message, "a test file is a mapping with policy: (the policy under test) and cases: (a list)")


def test_values_of_the_wrong_kind_are_shown_as_read() -> None:
    assert problems(run("files/wrong-kinds.test.yaml")) == [
        (3, 5, "cases[0].name is true; expected a string", None),
        (5, 14, "cases[0].expect.energy-reported is true; expected a string or a mapping", None),
        (5, 37, "cases[0].expect.within-budget is a list; expected a string or a mapping", None),
    ]


def test_a_date_or_a_nul_character_for_a_file_name_is_a_problem_not_a_crash() -> None:
    assert problems(run("files/bad-paths.test.yaml")) == [
        (4, 5, "cases[0].document is a date; expected a string", None)]
    (result,) = run("files/bad-nul.test.yaml").files
    assert [(p.line, p.message) for case in result.cases for p in case.problems] == [
        (4, '"../packs/disclosures/aster\\u0000.yaml" has a NUL character, which no file name has')]
