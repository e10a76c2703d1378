"""Never a traceback: mutated copies of every importer sample either load or raise DocumentError."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from openwatt.documents import DocumentError, merge_evidence, parse_any, validate

from conftest import CARD, EMISSIONS, GLACIER, MOT

_ALPHABET = b"\n\r\t ,:-\"'[]{}&*!#|>.0123456789eE+xab\xc3\xa9\x00~?%@`\\"


def _mutated(raw: bytes, rng: random.Random) -> bytes:
    data = bytearray(raw)
    for _ in range(rng.randint(1, 6)):
        position, choice = rng.randrange(len(data) + 1), rng.random()
        if choice < 0.4 and data:
            del data[position:position + rng.randint(1, 20)]
        elif choice < 0.8:
            data[position:position] = bytes(rng.choice(_ALPHABET) for _ in range(rng.randint(1, 5)))
        else:  # repeat a piece of the file somewhere else: keys twice, rows twice, blocks out of place
            start = rng.randrange(len(data))
            data[position:position] = data[start:start + rng.randint(1, 80)]
    return bytes(data)


@pytest.mark.parametrize("sample", [CARD, MOT, EMISSIONS, GLACIER], ids=lambda p: p.name)
def test_mutations_load_or_fail_cleanly(sample: Path) -> None:
    rng = random.Random(f"openwatt:{sample.name}")  # deterministic: a failure can be replayed
    raw = sample.read_bytes()
    outcomes = {"loaded": 0, "refused": 0}
    for _ in range(300):
        mutated = _mutated(raw, rng)
        try:
            document = parse_any(mutated, str(sample))
        except DocumentError as error:
            assert error.message and error.line >= 0 and error.column >= 0
            outcomes["refused"] += 1
            continue
        validate(document)
        merge_evidence(document)
        outcomes["loaded"] += 1
    assert outcomes["loaded"] and outcomes["refused"]
