"""The samples under the default pack: a golden report per format (OPENWATT_UPDATE_GOLDENS=1 rewrites them),
the JSON, SARIF and JUnit ones valid against their schemas."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest

from openwatt.checking import DEFAULT_POLICY, Engine
from openwatt.reports import REPORTERS, RenderOptions

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted([*(ROOT / "samples").glob("*.yaml"), *(ROOT / "samples" / "malformed").glob("*.yaml")])


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_sample_report_golden(sample: Path, monkeypatch: pytest.MonkeyPatch, golden: Callable[[str, str], None],
                              sarif_validator: Callable[[str], None], junit_validator: Callable[[str], None]) -> None:
    monkeypatch.chdir(ROOT)  # file names in the report are relative to the working folder
    engine = Engine()
    policy = engine.policy(DEFAULT_POLICY)
    relative = str(sample.relative_to(ROOT))
    report = engine.check([relative], [policy], as_of=dt.date(2026, 11, 26),
                          generated_at="2026-11-26T00:00:00Z")
    rendered = REPORTERS["json"](report, RenderOptions())
    schema = json.loads((ROOT / "schemas" / "report.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(json.loads(rendered))
    golden(f"golden/samples/{sample.stem}.json", rendered)
    golden(f"golden/samples/{sample.stem}.txt", REPORTERS["text"](report, RenderOptions(verbose=True)))
    sarif = REPORTERS["sarif"](report, RenderOptions())
    sarif_validator(sarif)
    golden(f"golden/samples/{sample.stem}.sarif", sarif)
    junit = REPORTERS["junit"](report, RenderOptions())
    junit_validator(junit)
    golden(f"golden/samples/{sample.stem}.junit.xml", junit)
    for name, suffix in SUFFIXES.items():
        golden(f"golden/samples/{sample.stem}{suffix}", REPORTERS[name](report, RenderOptions()))


SUFFIXES = {"github": ".github.txt", "markdown": ".md", "csv": ".csv"}  # the formats no schema describes
