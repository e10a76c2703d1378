"""The shipped policy packs: each has a test file, its tests pass with 100 % rule coverage, and
docs/policies.md is what `openwatt policy doc` renders from them today."""

from __future__ import annotations

from pathlib import Path

import pytest

from openwatt.checking import Engine
from openwatt.catalogue import DOC_COMMAND, load_page, render_markdown, shipped_ids
from openwatt.testing import render_test_report
from openwatt.testing import TEST_SUFFIX, run_tests

ROOT = Path(__file__).resolve().parents[1]
POLICIES = ROOT / "policies"
TEST_FILES = sorted(POLICIES.glob(f"*{TEST_SUFFIX}"))
PACKS = sorted(path.stem for path in POLICIES.glob("*.policy"))

needs_tests = pytest.mark.skipif(not TEST_FILES, reason=f"no shipped policy test file yet (policies/*{TEST_SUFFIX})")


@pytest.fixture(autouse=True)
def _root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # files named as the repository names them


@needs_tests
@pytest.mark.parametrize("pack", PACKS)
def test_every_shipped_pack_has_a_test_file(pack: str) -> None:
    assert (POLICIES / f"{pack}{TEST_SUFFIX}").is_file(), \
        f"policies/{pack}.policy has no test file: write policies/{pack}{TEST_SUFFIX}"


@needs_tests
@pytest.mark.parametrize("test_file", TEST_FILES, ids=lambda path: path.name)
def test_shipped_tests_pass_with_full_rule_coverage(test_file: Path) -> None:
    report = run_tests([test_file.relative_to(ROOT)])
    assert report.exit_code == 0, "openwatt policy test " + f"policies/{test_file.name}\n" + render_test_report(report)
    assert [c.percent for c in report.coverage] == [100.0]


@needs_tests
def test_all_shipped_tests_together() -> None:
    """As `openwatt policy test` runs them: every pack in policies/ is named by some test file."""
    report = run_tests(["policies"])
    assert report.exit_code == 0, "openwatt policy test\n" + render_test_report(report)
    assert all(c.tested for c in report.coverage)


def test_docs_policies_md_is_up_to_date() -> None:
    current = (ROOT / "docs" / "policies.md").read_text(encoding="utf-8")
    rendered = render_markdown([load_page(pack) for pack in shipped_ids()])
    assert current == rendered, f"docs/policies.md is stale: run {DOC_COMMAND}"


def test_hf_model_card_datasets_is_a_warning_as_the_hub_makes_it_optional() -> None:
    """Hub `datasets` is an optional key: a card without it fails the pack's rule as a warning, not an error."""
    severities = {f"hf-model-card/{rule.id}": str(rule.severity) for rule in Engine().policy("hf-model-card").rules}
    assert severities["hf-model-card/datasets"] == "warning"
    assert severities["hf-model-card/base-model-relation"] == "info"
    assert severities["hf-model-card/co2-magnitude"] == "warning"
