"""`check --summary`: the verdict of each input and the totals, no finding (for checks of many inputs)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from conftest import Openwatt

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def test_summary_is_the_verdict_lines_and_the_totals(openwatt: Openwatt) -> None:
    result = openwatt("check", "aurora-7b.yaml", "cirrus-70b-custom-licence.yaml", "--summary", cwd=SAMPLES)
    full = openwatt("check", "aurora-7b.yaml", "cirrus-70b-custom-licence.yaml", cwd=SAMPLES)
    assert result.returncode == full.returncode == 1
    assert result.stdout.startswith("PASS   aurora-7b.yaml\nFAIL   cirrus-70b-custom-licence.yaml  4 errors, 2 warnings, "
                                    "1 info failed\n\n2 inputs: 1 passed, 1 failed\n")
    assert full.stdout.endswith(result.stdout)  # the same closing lines, without the findings before them
    assert "recommended/weights-licence" not in result.stdout
