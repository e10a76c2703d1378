"""docs/language.md tells the truth: every `$ openwatt ...` output, every `require` -> result line and the
JSON finding it shows are what openwatt gives today. Files the examples use are in tests/docs/language/."""

from __future__ import annotations

import datetime as dt
import json
import re
import shlex
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from openwatt.documents.loading import parse_document
from openwatt.evaluation import evaluate
from openwatt.language.loader import PolicyLoader

if TYPE_CHECKING:
    from conftest import Openwatt

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "language.md").read_text(encoding="utf-8")
EXAMPLES = Path(__file__).parent / "language"
PLAUSIBILITY = ('openwatt: "1.0"\nenergy:\n  training:\n    energy: 1.2 GWh\n    pue: 1.2\n    hardware:\n'
                '      - {type: A100 SXM4, count: 1, duration: 1082990 h}\n')
CONSOLE = re.compile(r"```console\n\$ (openwatt [^\n]*)\n(.*?)```", re.S)
REQUIRE = re.compile(r"```\n(require [^\n]*)\n```\n→ ([^\n]*)")
# Blocks that elide cite/fix lines to stay short, by the policy they run.
ELIDED = ("acme-energy", "open-release")


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The samples and the doc's own policies and files side by side, as the doc's reader has them."""
    work = tmp_path_factory.mktemp("language-doc")
    for sample in (ROOT / "samples").glob("*.yaml"):
        shutil.copy(sample, work)
    shutil.copytree(EXAMPLES, work, dirs_exist_ok=True)
    shutil.copy(ROOT / "samples" / "cirrus-70b-custom-licence.yaml", work / "typo")
    return work


def _run(openwatt: Openwatt, command: str, cwd: Path) -> str:
    args = shlex.split(command)[1:]  # as a shell would: --set budget="1.5 GWh" is one argument
    result = openwatt(*args, cwd=cwd, env={"COLUMNS": "100"})
    return result.stdout + result.stderr


def _without_cite_and_fix(text: str) -> str:
    kept, skipping = [], False
    for line in text.splitlines(True):
        if line.startswith((" " * 18 + "cite:", " " * 18 + "fix:")):
            skipping = True
            continue
        if skipping and line.startswith(" " * 18):
            continue
        skipping = False
        kept.append(line)
    return "".join(kept)


@pytest.mark.parametrize("command, expected", CONSOLE.findall(DOC), ids=[c for c, _ in CONSOLE.findall(DOC)])
def test_console_example(command: str, expected: str, workdir: Path, openwatt: Openwatt) -> None:
    cwd = workdir / "typo" if "energy.trainig" in expected else workdir
    out = _run(openwatt, command, cwd)
    if any(name in command for name in ELIDED):
        out = _without_cite_and_fix(out)
    assert out == expected


@pytest.mark.parametrize("require, result", REQUIRE.findall(DOC), ids=[r for r, _ in REQUIRE.findall(DOC)])
def test_require_example(require: str, result: str) -> None:
    text = PLAUSIBILITY if "energy_plausible" in require else (EXAMPLES / "example.yaml").read_text(encoding="utf-8")
    source = "\n".join(["policy probe", 'title "Probe"', 'version "1"', "rule r {", '  title "r"', "  severity error",
                        f"  {require}", "}", ""])
    policy = PolicyLoader().compile_source(source, "probe.policy")
    [finding] = evaluate(policy, parse_document(text.encode("utf-8"), "doc.yaml"), as_of=dt.date(2026, 1, 1))
    match = re.match(r"(\w+)(?: \((\w+)\))?(?::\s*`(.*)`)?", result)
    assert match is not None, result
    status, reason, detail = match.groups()
    assert finding.status == status
    if reason is not None:
        assert finding.reason == reason
    if detail is not None:
        assert finding.detail == detail


def test_json_example(workdir: Path, openwatt: Openwatt) -> None:
    shown = json.loads(re.search(r"```json\n(.*?)```", DOC, re.S).group(1))  # type: ignore[union-attr]
    out = _run(openwatt, "openwatt check cirrus-70b-custom-licence.yaml delta-3b-estimated.yaml -p acme-grant.policy "
               "--format json", workdir)
    [finding] = [f for f in json.loads(out)["findings"]
                 if f["rule"] == "acme-grant/within-budget" and f["file"].startswith("cirrus")]
    assert finding == shown


def test_every_builtin_is_documented_with_its_signature() -> None:
    from openwatt.language.builtins import BUILTINS

    for builtin in BUILTINS.values():
        assert f"#### `{builtin.signature}`" in DOC, builtin.signature


def test_every_rule_field_and_keyword_is_in_the_quick_reference() -> None:
    quick = DOC[DOC.index("## 11. Quick reference"):]
    for word in ("policy", "title", "version", "source", "description", "import", "severity", "disable", "set",
                 "param", "let", "rule", "cite", "when", "require", "message", "success", "fix", "today"):
        assert re.search(rf"\b{word}\b", quick), word


def test_the_policy_test_file_example_runs(workdir: Path, openwatt: Openwatt) -> None:
    """Section 9's test file is a real one: its cases pass against the doc's acme-grant policy."""
    section = DOC.split("## 9. Testing a policy")[1].split("\n## ")[0]
    block = re.search(r"```yaml\n(.*?)```", section, re.S)
    assert block is not None
    (workdir / "acme-grant.test.yaml").write_text(block.group(1), encoding="utf-8")
    result = openwatt("policy", "test", "acme-grant.test.yaml", "--min-coverage", "0", cwd=workdir)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 cases: 2 passed" in result.stdout
