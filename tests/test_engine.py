"""Engine.check over the files and policies a user names: each checked once, whatever the spelling."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from openwatt.checking import Engine

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def test_a_file_named_twice_or_inside_a_named_folder_is_checked_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(SAMPLES)
    engine = Engine()
    policies = engine.policies(["recommended", "recommended"])
    assert [p.id for p in policies] == ["recommended"]
    once = engine.check(["aurora-7b.yaml"], policies, as_of=dt.date(2026, 1, 1))
    twice = engine.check(["aurora-7b.yaml", "./aurora-7b.yaml", "."], policies, as_of=dt.date(2026, 1, 1))
    aurora = [f for f in twice.findings if f.file == "aurora-7b.yaml"]
    assert aurora == list(once.findings)
    assert not [f for f in twice.findings if f.file.endswith("aurora-7b.yaml") and f.file != "aurora-7b.yaml"]
    assert [i.file for i in twice.provenance.inputs].count("aurora-7b.yaml") == 1


def test_source_date_epoch_fixes_the_report_time_for_library_users_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(SAMPLES)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    engine = Engine()
    report = engine.check(["aurora-7b.yaml"], engine.policies(["recommended"]), as_of=dt.date(2026, 1, 1))
    assert report.provenance.generated_at == "2026-01-01T00:00:00Z"
