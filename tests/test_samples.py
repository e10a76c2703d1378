"""The samples under the default pack: golden JSON reports (OPENWATT_UPDATE_GOLDENS=1 rewrites them)."""

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
def test_sample_report_golden(sample: Path, monkeypatch: pytest.MonkeyPatch,
                              golden: Callable[[str, str], None]) -> None:
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
