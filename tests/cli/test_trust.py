"""What is applied is what the user thinks is applied: a pack shadowing a shipped one is said, a policy with
no rules is an error unless allowed (docs/security.md, "Trust in what is applied")."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import Openwatt

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
EMPTY_PACK = 'policy energy-transparency\ntitle "Nothing to see"\nversion "9.9.9"\n'
NO_RULES = 'policy nothing\ntitle "Checks nothing"\nversion "1"\n'


@pytest.fixture
def work(tmp_path: Path) -> Path:
    shutil.copy(SAMPLES / "ember-1b-no-energy.yaml", tmp_path / "d.yaml")
    (tmp_path / "policies").mkdir()
    return tmp_path


WARNING = ("openwatt: warning: policy energy-transparency is read from policies/energy-transparency.policy, which "
           "shadows the shipped pack energy-transparency\n")
LINE = "policy energy-transparency from policies/energy-transparency.policy (shadows the shipped pack)\n\n"


@pytest.mark.parametrize("how", ["pyproject.toml", "openwatt.toml", "--policy-path"])
def test_a_pack_shadowing_a_shipped_one_is_said(work: Path, openwatt: Openwatt, how: str) -> None:
    (work / "policies" / "energy-transparency.policy").write_text(EMPTY_PACK, encoding="utf-8")
    options: tuple[str, ...] = ()
    if how == "--policy-path":
        options = ("--policy-path", "policies")
    else:
        table = "[tool.openwatt]\n" if how == "pyproject.toml" else ""
        (work / how).write_text(f'{table}policy_path = ["policies"]\n', encoding="utf-8")
    text = openwatt("check", "d.yaml", *options, cwd=work)
    assert text.stderr == WARNING
    assert text.stdout.startswith(LINE + "d.yaml\n")
    report = json.loads(openwatt("check", "d.yaml", *options, "--format", "json", cwd=work).stdout)
    assert [(p["id"], p["file"], p["shadows"]) for p in report["provenance"]["policies"]] == [
        ("energy-transparency", "policies/energy-transparency.policy", True),
        ("recommended", "<openwatt>/policies/recommended.policy", False)]


def test_a_shipped_pack_from_its_own_file_shadows_nothing(work: Path, openwatt: Openwatt) -> None:
    result = openwatt("check", "d.yaml", "--format", "json", cwd=work)
    assert result.stderr == ""
    assert {p["shadows"] for p in json.loads(result.stdout)["provenance"]["policies"]} == {False}


def test_a_policy_file_beside_a_copy_of_a_pack_shadows_it(work: Path, openwatt: Openwatt) -> None:
    # A policy's own folder joins the search path for its imports: a copy of a pack there is used.
    (work / "policies" / "grant.policy").write_text(
        'policy grant\ntitle "G"\nversion "1"\nimport energy-transparency\n'
        'rule named { title "N" severity error require model.id exists }\n', encoding="utf-8")
    (work / "policies" / "energy-transparency.policy").write_text(EMPTY_PACK, encoding="utf-8")
    result = openwatt("check", "d.yaml", "-p", "policies/grant.policy", cwd=work)
    assert result.stderr == WARNING
    assert result.stdout.startswith(LINE)


def test_a_policy_with_no_rules_is_an_error_unless_allowed(work: Path, openwatt: Openwatt) -> None:
    (work / "nothing.policy").write_text(NO_RULES, encoding="utf-8")
    refused = openwatt("check", "d.yaml", "-p", "nothing.policy", cwd=work)
    assert (refused.returncode, refused.stdout) == (2, "")
    assert refused.stderr == (
        "nothing.policy:1:8: OW039 policy nothing has no rules, so every input would pass it\n"
        "    policy nothing\n"
        "           ^^^^^^^\n"
        "    hint: add a rule, or import a pack; to apply it anyway (as a template), give --allow-no-rules\n"
        "\n1 error in policy; nothing was checked\n")
    allowed = openwatt("check", "d.yaml", "-p", "nothing.policy", "--allow-no-rules", cwd=work)
    # no rule applies: only the disclosure's own waiver is said to waive nothing (a warning)
    assert allowed.returncode == 0 and allowed.stdout.startswith("d.yaml\n  FAIL   warning  openwatt/waivers ")


def test_a_shadow_of_recommended_without_rules_cannot_pass_everything(work: Path, openwatt: Openwatt) -> None:
    (work / "policies" / "recommended.policy").write_text(NO_RULES.replace("nothing", "recommended"), encoding="utf-8")
    (work / "openwatt.toml").write_text('policy_path = ["policies"]\n', encoding="utf-8")
    result = openwatt("check", "d.yaml", cwd=work)
    assert result.returncode == 2
    assert result.stderr.startswith(
        "policies/recommended.policy:1:8: OW039 policy recommended has no rules, so every input would pass it\n")
