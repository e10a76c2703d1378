"""--resume: an audit killed with SIGKILL at random moments, resumed each time, ends with the outputs of one
uninterrupted run, byte for byte; a changed input is checked again; a journal of other settings is refused."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import EPOCH, generate  # type: ignore[import-not-found]

POLICY = "energy-transparency"
OUTPUTS = ("findings.jsonl", "summary.csv", "rules.csv", "manifest.json")
COUNT = 300


def _command(source: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "openwatt", "audit", str(source), "-p", POLICY, "--out", str(out), *extra]


def _env() -> dict[str, str]:
    return {**os.environ, **EPOCH}


def _journal_lines(out: Path) -> int:
    try:
        return (out / "journal.jsonl").read_bytes().count(b"\n")
    except FileNotFoundError:
        return 0


def _kill_after(command: list[str], out: Path, lines: int) -> None:
    """Start the audit and SIGKILL it (its workers too) once its journal holds `lines` lines."""
    process = subprocess.Popen(command, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        while process.poll() is None and _journal_lines(out) < lines:
            time.sleep(0.005)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_killed_and_resumed_gives_the_outputs_of_one_run(tmp_path: Path, jobs: str) -> None:
    source = tmp_path / "in"
    generate(source, COUNT)
    whole = tmp_path / "whole"
    subprocess.run(_command(source, whole), env=_env(), check=False, capture_output=True)
    expected = {name: (whole / name).read_bytes() for name in OUTPUTS}
    assert expected["findings.jsonl"].count(b"\n") == COUNT

    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    out = tmp_path / "resumed"
    for kill in sorted(rng.sample(range(2, COUNT), 3)):
        _kill_after(_command(source, out, "--resume", "--jobs", jobs), out, kill)
    done = subprocess.run(_command(source, out, "--resume", "--jobs", jobs), env=_env(), capture_output=True,
                          text=True, check=False)
    assert done.returncode in (0, 1), (seed, done.stderr)
    for name in OUTPUTS:
        assert (out / name).read_bytes() == expected[name], (seed, name)
    files = [json.loads(line)["file"] for line in (out / "findings.jsonl").read_text().splitlines()]
    assert len(files) == len(set(files)) == COUNT


def test_a_changed_input_is_checked_again(openwatt, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "in"
    [first, second] = generate(source, 2)
    out = tmp_path / "out"
    openwatt("audit", str(source), "-p", POLICY, "--out", str(out), env=EPOCH)
    second.write_text(first.read_text().replace("id: gen0-", "id: changed-", 1))
    result = openwatt("audit", str(source), "-p", POLICY, "--out", str(out), "--resume", env=EPOCH)
    assert "2 inputs (1 from the journal)" in result.stdout
    entries = [json.loads(line) for line in (out / "findings.jsonl").read_text().splitlines()]
    assert [e["file"] for e in entries] == [str(first), str(second)]
    journal = (out / "journal.jsonl").read_text().splitlines()
    assert len(journal) == 1 + 3  # the header, both inputs, the changed one again
    fresh = tmp_path / "fresh"
    openwatt("audit", str(source), "-p", POLICY, "--out", str(fresh), env=EPOCH)
    assert (out / "findings.jsonl").read_bytes() == (fresh / "findings.jsonl").read_bytes()


def test_a_journal_of_other_settings_is_not_resumed(openwatt, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "in"
    generate(source, 1)
    out = tmp_path / "out"
    openwatt("audit", str(source), "-p", POLICY, "--out", str(out), env=EPOCH)
    result = openwatt("audit", str(source), "-p", POLICY, "--out", str(out), "--resume", "--as-of", "2027-01-01",
                      env=EPOCH)
    assert result.returncode == 2
    assert result.stderr == (
        f"openwatt: error: {out / 'journal.jsonl'}: was written by an audit with other settings (as_of differs)\n"
        "    hint: run the audit again without --resume, or with another --out folder\n")
