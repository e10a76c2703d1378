"""Fixtures of the audit tests: a folder of generated disclosures (the samples with other ids)."""

from __future__ import annotations

from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
EPOCH = {"SOURCE_DATE_EPOCH": "1767225600"}  # 2026-01-01: fixed as_of and times


def generate(folder: Path, count: int) -> list[Path]:
    """`count` disclosures in `folder`: the top-level samples in turn, each with its own model id."""
    folder.mkdir(parents=True, exist_ok=True)
    bases = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.yaml"))]
    files = []
    for i in range(count):
        text = bases[i % len(bases)].replace("id: ", f"id: gen{i}-", 1)
        path = folder / f"submission-{i:04d}.yaml"
        path.write_text(text, encoding="utf-8")
        files.append(path)
    return files


@pytest.fixture
def submissions(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    generate(folder, 12)
    return folder
