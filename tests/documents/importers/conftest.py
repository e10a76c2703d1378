"""Shared helpers for the importer tests: sample paths and a check that a converted disclosure is valid."""

from __future__ import annotations

from pathlib import Path

import pytest

from openwatt.documents import Document, DocumentError, validate

ROOT = Path(__file__).resolve().parents[3]
SAMPLES = ROOT / "samples"
CARD = SAMPLES / "model-cards" / "glacier-1b-instruct" / "README.md"
MOT = SAMPLES / "mot" / "glacier-1b-mot.yaml"
EMISSIONS = SAMPLES / "evidence" / "emissions.csv"
GLACIER = SAMPLES / "glacier-1b.yaml"


def assert_valid(document: Document) -> None:
    """The converted disclosure fits the disclosure schema, with zero problems."""
    assert validate(document) == []
    assert document.data["openwatt"] == "1.0"


def located(document: Document, source: Path | str) -> dict[tuple[str | int, ...], str]:
    """Each path of the source map with the text of the original file from its position on (one line,
    up to 40 characters), so a test reads which line and column a value was taken from."""
    text = Path(source).read_text(encoding="utf-8-sig") if isinstance(source, Path) else source
    lines = text.splitlines()
    return {path: lines[line - 1][column - 1:column + 39] for path, (line, column) in document.positions.items()}


def error_of(call: object, *args: object, **kwargs: object) -> str:
    """The rendered DocumentError (file:line:column: message) and its hint, one per line."""
    with pytest.raises(DocumentError) as caught:
        call(*args, **kwargs)  # type: ignore[operator]
    return f"{caught.value}\n{caught.value.hint}"
