"""`check --waivers`: a missing file is named without a position; a waiver that matches no rule is warned of."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from conftest import Openwatt

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = str(ROOT / "samples" / "aurora-7b.yaml")


def test_a_missing_waivers_file_is_named_without_a_position(openwatt: Openwatt, tmp_path: Path) -> None:
    result = openwatt("check", SAMPLE, "--waivers", "nope.yaml", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "openwatt: error: waivers: nope.yaml: no such file or directory\n    hint: check the path\n"


def test_a_waiver_that_matches_no_rule_is_warned_of(openwatt: Openwatt, tmp_path: Path) -> None:
    (tmp_path / "waivers.yaml").write_text(
        "waivers:\n"
        "  - {rule: training-energi, reason: a typo, approver: me, expires: 2099-01-01}\n"
        "  - {rule: training-energy, reason: fine, approver: me, expires: 2099-01-01}\n", encoding="utf-8")
    result = openwatt("check", SAMPLE, "-p", "energy-transparency", "--waivers", "waivers.yaml", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stderr == (
        "openwatt: warning: waivers.yaml:2: the waiver of 'training-energi' matches no rule of the policies "
        "applied (energy-transparency), so it waives nothing\n"
        "    hint: write the rule id as `openwatt policy show` lists it\n")
