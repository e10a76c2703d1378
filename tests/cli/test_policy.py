"""`openwatt policy list|show|test|doc`, run in-process: exact outputs and exit codes.

The policies and test files are tests/testing/packs and tests/testing/files; commands run there.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from openwatt.catalogue import LIST_VIEWS, PolicyEntry, list_policies
from openwatt.checking import Engine
from openwatt.testing import VIEWS, run_tests

if TYPE_CHECKING:
    from conftest import Command, Openwatt

ROOT = Path(__file__).resolve().parents[2]
HERE = ROOT / "tests" / "testing"


@pytest.fixture
def run(openwatt: Openwatt) -> Command:
    """`openwatt policy ARGS...`, in tests/testing unless `cwd` says otherwise."""
    return functools.partial(openwatt, "policy", cwd=HERE)


# ---- test ----------------------------------------------------------------------------------


def test_passing_tests_exit_0(run: Command) -> None:
    result = run("test", "packs")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == """\
rule coverage
  base   1/1 rules  (100%)  packs/base.policy
  grant  2/2 rules  (100%)  packs/grant.policy

2 test files, 7 cases: 7 passed; rule coverage 100%
"""


def test_verbose_lists_passing_cases_and_what_covers_each_rule(run: Command) -> None:
    result = run("test", "-v", "packs/grant.test.yaml")
    assert result.returncode == 0
    assert result.stdout == """\
PASS packs/grant.test.yaml:5: within budget passes
PASS packs/grant.test.yaml:11: over a tighter budget fails
PASS packs/grant.test.yaml:16: no energy
PASS packs/grant.test.yaml:24: a waiver in the disclosure
PASS packs/grant.test.yaml:32: the waiver has expired

rule coverage
  grant  2/2 rules  (100%)  packs/grant.policy
    energy-reported: covered (pass, fail, waived)
    within-budget: covered (pass, fail, not_applicable)

1 test file, 5 cases: 5 passed; rule coverage 100%
"""


def test_failing_expectations_exit_1_with_expected_actual_and_message(run: Command) -> None:
    result = run("test", "files/failing.test.yaml")
    assert result.returncode == 1
    assert result.stdout == """\
FAIL files/failing.test.yaml:7: wrong expectations
  energy-reported (line 11): expected fail, got pass
  within-budget (line 12): expected fail (missing), got fail (violated)
    message: training used 433 MWh; the budget is 400 MWh

FAIL files/failing.test.yaml:14: wrong message
  within-budget (line 18): expected fail with a message containing "the budget is 500 MWh", got fail (violated)
    message: training used 433 MWh; the budget is 400 MWh

rule coverage
  grant  0/2 rules  (0%)  packs/grant.policy
    energy-reported: needs a case expecting fail
    within-budget: needs cases expecting pass, and fail or not_applicable

1 test file, 3 cases: 1 passed, 2 failed; rule coverage 0%, under 100% in grant
"""


def test_an_unknown_rule_exits_2_with_did_you_mean(run: Command) -> None:
    result = run("test", "files/unknown-rule.test.yaml")
    assert result.returncode == 2
    assert result.stdout.startswith("""\
ERROR files/unknown-rule.test.yaml:3: typos in rule ids
  files/unknown-rule.test.yaml:6:7: unknown rule 'within-budgt': policy grant has no such rule
    hint: did you mean 'within-budget'?
  files/unknown-rule.test.yaml:7:7: unknown rule 'named': policy grant has no such rule
    hint: did you mean 'base/named'?
""")
    assert result.stdout.endswith("1 test file, 2 cases: 1 passed, 1 error; rule coverage 0%, under 100% in grant\n")


def test_a_file_without_cases_exits_1(run: Command) -> None:
    result = run("test", "files/empty.test.yaml")
    assert result.returncode == 1
    assert result.stdout.startswith("FAIL files/empty.test.yaml: no cases\n"
                                    "  a test file that tests nothing fails; add cases\n")
    assert "; 1 file without cases;" in result.stdout


def test_bad_yaml_exits_2_with_its_place(run: Command) -> None:
    result = run("test", "files/bad-yaml.test.yaml")
    assert result.returncode == 2
    assert result.stdout == """\
ERROR files/bad-yaml.test.yaml:4:14: mapping values are not allowed here
  hint: quote a value that contains ': ', or check this line's indentation

1 test file (1 could not be run), 0 cases: none run
"""


def test_an_unknown_policy_id_is_looked_up_on_the_policy_path(run: Command) -> None:
    result = run("test", "files/unknown-policy.test.yaml", "--policy-path", "packs")
    assert result.returncode == 2
    assert result.stdout == """\
ERROR files/unknown-policy.test.yaml:1:9: OW030 unknown policy 'grnt'
  hint: did you mean 'grant'?

1 test file (1 could not be run), 0 cases: none run
"""


def test_min_coverage(run: Command) -> None:
    assert run("test", "files/coverage-na.test.yaml").returncode == 1
    assert run("test", "files/coverage-na.test.yaml", "--min-coverage", "50").returncode == 0
    bad = run("test", "files/coverage-na.test.yaml", "--min-coverage", "120")
    assert bad.returncode == 2
    assert "argument --min-coverage: '120' is not between 0 and 100" in bad.stderr


def test_json_output(run: Command) -> None:
    result = run("test", "--format", "json", "files/coverage-na.test.yaml")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["summary"] == {"files": 1, "cases": 3, "passed": 3, "failed": 0, "error": 0, "coverage": 50.0,
                               "min_coverage": 100.0, "exit_code": 1}
    assert [r["rule"] for r in data["coverage"][0]["rules"] if not r["covered"]] == ["energy-reported"]


def test_each_format_is_the_view_of_that_name(monkeypatch: pytest.MonkeyPatch, run: Command) -> None:
    monkeypatch.chdir(HERE)
    report = run_tests(["files/coverage-na.test.yaml"], Engine())
    for name, view in VIEWS.items():
        result = run("test", "--format", name, "-v", "files/coverage-na.test.yaml")
        assert (result.returncode, result.stdout) == (1, view(report, verbose=True))


def test_default_path_is_policies_in_the_working_folder(tmp_path: Path, run: Command) -> None:
    policies = tmp_path / "policies"
    policies.mkdir()
    for name in ("base.policy", "base.test.yaml"):
        (policies / name).write_text((HERE / "packs" / name).read_text(encoding="utf-8"), encoding="utf-8")
    (policies / "disclosures").mkdir()
    (policies / "disclosures" / "aster.yaml").write_text(
        (HERE / "packs" / "disclosures" / "aster.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    result = run("test", cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    assert result.stdout.endswith("1 test file, 2 cases: 2 passed; rule coverage 100%\n")


def test_a_policy_in_a_tested_folder_without_tests_is_uncovered(tmp_path: Path, run: Command) -> None:
    (tmp_path / "grant.policy").write_text((HERE / "packs" / "grant.policy").read_text(encoding="utf-8"))
    (tmp_path / "base.policy").write_text((HERE / "packs" / "base.policy").read_text(encoding="utf-8"))
    (tmp_path / "base.test.yaml").write_text(
        'policy: base\ncases:\n  - name: a\n    disclosure: {openwatt: "1.0", model: {id: x, name: X}}\n'
        '    expect: {named: pass}\n  - name: b\n    disclosure: {openwatt: "1.0", model: {id: x}}\n'
        '    expect: {named: fail}\n')
    result = run("test", ".", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == """\
rule coverage
  base   1/1 rules  (100%)  base.policy
  grant  0/2 rules  (0%)    grant.policy  (no test file)

1 test file, 2 cases: 2 passed; rule coverage 33.3%, under 100% in grant
"""


# ---- list, show, doc -----------------------------------------------------------------------


def test_list(run: Command) -> None:
    result = run("list", "--policy-path", "packs")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["ID", "VERSION", "TITLE", "FILE"]
    mine = [line.split(None, 2) for line in lines if line.startswith(("base ", "grant "))]
    assert [(i, v, rest.split("  ")[0], rest.split()[-1]) for i, v, rest in mine] == [
        ("base", "0.1", "Base conditions", "packs/base.policy"),
        ("grant", "1.0", "Grant conditions", "packs/grant.policy")]
    assert any(line.startswith("recommended ") for line in lines)  # and the shipped packs
    data = json.loads(run("list", "--policy-path", "packs", "--format", "json").stdout)
    assert {"id": "base", "title": "Base conditions", "version": "0.1", "file": "packs/base.policy",
            "error": None} in data


def test_each_list_format_is_the_view_of_that_name(monkeypatch: pytest.MonkeyPatch, run: Command) -> None:
    monkeypatch.chdir(HERE)
    entries = list_policies(["packs"])
    for name, view in LIST_VIEWS.items():
        result = run("list", "--policy-path", "packs", "--format", name)
        assert (result.returncode, result.stdout) == (0, view(entries))


def test_list_views_of_a_policy_that_does_not_compile() -> None:
    entries = [PolicyEntry("bad", "", "", "bad.policy", "bad.policy:1:1: OW001 oops"),
               PolicyEntry("ok", "Fine", "1.0", "ok.policy")]
    assert LIST_VIEWS["text"](entries) == """\
ID   VERSION  TITLE               FILE
bad  -        (does not compile)  bad.policy
ok   1.0      Fine                ok.policy
bad: bad.policy:1:1: OW001 oops
"""
    assert json.loads(LIST_VIEWS["json"](entries)) == [
        {"id": "bad", "title": "", "version": "", "file": "bad.policy", "error": "bad.policy:1:1: OW001 oops"},
        {"id": "ok", "title": "Fine", "version": "1.0", "file": "ok.policy", "error": None}]


def test_show(run: Command) -> None:
    result = run("show", "packs/grant.policy")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == """\
grant 1.0: Grant conditions
file: packs/grant.policy
source:
    Example grant agreement, section 4

The conditions of an example grant: energy reported, and within the budget.

imports base: severity named warning

params
  budget = 500 MWh  (default)
      Training energy budget.

rules (3)

  energy-reported  error  Training energy is reported
      cite: Grant agreement §4.1
      require: energy.training.energy exists
      fix: Report energy.training.energy, e.g. 433 MWh.

  within-budget  warning  Training energy is within the budget
      cite: Grant agreement §4.2
      when: energy.training.energy exists
      require: energy.training.energy <= budget
      message: training used {energy.training.energy}; the budget is {budget}
      fix: Stay within {budget}, or ask for a waiver.

  base/named  warning  The model has a name
      require: model.name exists
      fix: Give model.name.
"""


def test_show_by_id_with_the_values_a_check_would_use(run: Command) -> None:
    result = run("show", "grant", "--policy-path", "packs", "--set", "budget=1 GWh")
    assert result.returncode == 0
    assert "  budget = 1 GWh  (set by --set)\n" in result.stdout


def test_show_lists_the_params_of_imported_policies_with_the_values_they_get(tmp_path: Path, run: Command) -> None:
    (tmp_path / "energy.policy").write_text("""\
policy energy
title "Energy"
version "1"
param factor = 2
param hours = 10 h
rule r { title "R" severity error require energy.training.energy exists }
""", encoding="utf-8")
    (tmp_path / "outer.policy").write_text("""\
policy outer
title "Outer"
version "1"
import energy { set factor = 1.5 }
rule s { title "S" severity error require model.name exists }
""", encoding="utf-8")
    result = run("show", "outer", "--policy-path", ".", "--set", "hours=5 h", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, "")
    assert "\nparams\n  from energy:\n    factor = 1.5  (set by import in outer.policy)\n" \
           "    hours = 5 h  (set by --set)\n\nrules (2)\n" in result.stdout


def test_show_and_doc_give_a_text_params_allowed_values(run: Command) -> None:
    result = run("show", "procurement-example", "--set", "mof_class_floor=II")
    assert result.returncode == 0
    assert '  mof_class_floor = "II" one of "III", "II", "I"  (set by --set)\n' in result.stdout
    doc = run("doc", "procurement-example")
    assert '| `mof_class_floor` | `"III"` (one of `"III"`, `"II"`, `"I"`) |' in doc.stdout


def test_show_abbreviates_a_long_imported_list(run: Command) -> None:
    result = run("show", "mof-class-ii", cwd=ROOT)
    assert result.returncode == 0
    assert ('  from mof-class-iii:\n    mot_open_licences = ["0BSD", "AAL", "AFL-1.1", ... 226 items]  (default)\n'
            in result.stdout)


def test_show_with_a_set_that_is_not_name_value(run: Command) -> None:
    result = run("show", "grant", "--policy-path", "packs", "--set", "budget")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == ("openwatt: error: --set 'budget': expected NAME=VALUE\n"
                             "    hint: e.g. --set max_training_energy='500 MWh'\n")


def test_show_an_unknown_policy(run: Command) -> None:
    result = run("show", "grnt", "--policy-path", "packs")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == ("openwatt policy show: OW030 unknown policy 'grnt'\n    hint: did you mean 'grant'?\n"
                             "\n1 error in policy\n")


def test_doc_of_named_policies(tmp_path: Path, golden: Callable[[str, str], None], run: Command) -> None:
    out = tmp_path / "policies.md"
    result = run("doc", "packs/grant.policy", "base", "--policy-path", "packs", "-o", str(out))
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    golden("testing/golden/grant-and-base.md", out.read_text(encoding="utf-8"))


def test_doc_of_every_shipped_pack_is_docs_policies_md_and_independent_of_the_working_folder(tmp_path: Path,
                                                                                          run: Command) -> None:
    here = run("doc", cwd=ROOT)
    elsewhere = run("doc", cwd=tmp_path)
    assert here.returncode == 0 and here.stdout == elsewhere.stdout
    assert here.stdout.startswith("# Policy packs\n\n<!-- Generated by `openwatt policy doc -o docs/policies.md`")


def test_policy_without_a_command_prints_usage(run: Command) -> None:
    result = run()
    assert result.returncode == 2
    assert "usage: openwatt policy [-h] COMMAND ..." in result.stderr


def test_no_test_files_exits_2(tmp_path: Path, run: Command) -> None:
    result = run("test", cwd=tmp_path)  # the default, policies/, is not there
    assert result.returncode == 2
    assert result.stdout == """\
ERROR policies: no such file or directory
  hint: give policy test files (*.test.yaml) or folders that hold them

no test files run; 1 error
"""
