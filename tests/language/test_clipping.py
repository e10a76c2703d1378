"""Long values are clipped where messages show them, with their full size said: a report stays small whatever the
size of a disclosure's values."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from openwatt.language.runtime import MAX_SHOWN_CHARACTERS, MAX_SHOWN_ITEMS, show, text

ROOT = Path(__file__).resolve().parents[2]


def test_a_long_text_is_clipped_with_its_length() -> None:
    long = "x" * 9_000_000
    assert show(long) == '"' + "x" * MAX_SHOWN_CHARACTERS + '"… (9000000 characters)'
    assert text(long) == "x" * MAX_SHOWN_CHARACTERS + "… (9000000 characters)"
    assert show("x" * MAX_SHOWN_CHARACTERS) == '"' + "x" * MAX_SHOWN_CHARACTERS + '"'  # at the limit: whole


def test_a_long_list_or_mapping_shows_its_first_items_and_its_size() -> None:
    assert show(list(range(100_000))) == "[" + ", ".join(map(str, range(MAX_SHOWN_ITEMS))) + ", … (100000 items)]"
    assert text(list(range(21))) == ", ".join(map(str, range(20))) + ", … (21 items)"
    assert show({f"k{i}": i for i in range(25)}) == (
        "{" + ", ".join(f"k{i}: {i}" for i in range(MAX_SHOWN_ITEMS)) + ", … (25 keys)}")
    assert show(["a", "b"]) == '["a", "b"]' and text(["a", "b"]) == "a, b"


def test_a_9_mb_value_makes_a_small_report(tmp_path: Path) -> None:
    sample = (ROOT / "samples" / "aurora-7b.yaml").read_text(encoding="utf-8")
    big = "x" * 9_000_000
    disclosure = re.sub(r"(?m)^(  license: ).*$", lambda m: m.group(1) + big, sample, count=1)
    disclosure = re.sub(r"(?m)^(  id: ).*$", lambda m: m.group(1) + big[:500_000], disclosure, count=1)
    path = tmp_path / "big.yaml"
    path.write_text(disclosure, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "openwatt", "check", str(path), "--format", "json"],
                            capture_output=True, text=True, timeout=300, env={**os.environ, "NO_COLOR": "1"})
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert len(result.stdout) < 100_000  # was 27 MB: the value in the message, the detail and the values
    licence = [f for f in json.loads(result.stdout)["findings"] if f["rule"] == "recommended/licences-spdx"]
    assert licence and all("x" * 1_000 not in json.dumps(f) for f in licence)
