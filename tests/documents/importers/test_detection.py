"""Format detection by name and content, and load_any: one entry point for every supported input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import openwatt.documents as documents
from openwatt.documents import Format, discover, load_any, load_document
from openwatt.documents.importers import INPUT_FORMATS, guess_format, parse_any

from conftest import CARD, EMISSIONS, GLACIER, MOT, ROOT, SAMPLES, assert_valid, error_of

CODECARBON_HEADER = EMISSIONS.read_bytes().split(b"\n", 1)[0]


@pytest.mark.parametrize(("file", "raw", "expected"), [
    ("models/x/README.md", b"---\n", "model-card"),
    ("CARD.MD", b"", "model-card"),
    ("notes.markdown", b"", "model-card"),
    ("README", b"", "model-card"),
    ("emissions.csv", b"", "codecarbon"),
    ("logs/EMISSIONS.CSV", b"", "codecarbon"),
    ("run.log", CODECARBON_HEADER + b"\n", "codecarbon"),
    ("-", b"\xef\xbb\xbf" + CODECARBON_HEADER + b"\r\n", "codecarbon"),
    ("disclosure.yaml", b"openwatt: '1.0'\n", None),
    ("mot.yml", b"framework: {}\n", None),
    ("d.json", b"{}", None),
    ("weird.txt", b"timestamp,energy\n", None),
])
def test_guess_format(file: str, raw: bytes, expected: str | None) -> None:
    assert guess_format(file, raw) == expected


@pytest.mark.parametrize(("path", "format"), [
    (CARD, Format.MODEL_CARD), (MOT, Format.MOT), (EMISSIONS, Format.CODECARBON), (GLACIER, Format.YAML),
    (SAMPLES / "aurora-7b.yaml", Format.YAML),
])
def test_load_any_detects_each_sample(path: Path, format: Format) -> None:
    document = load_any(path)
    assert document.format == format
    assert document.file == str(path)
    assert_valid(document)


def test_a_disclosure_loads_exactly_as_load_document_loads_it() -> None:
    for sample in sorted(SAMPLES.glob("*.yaml")):
        assert load_any(sample) == load_document(sample)


def test_mot_detected_by_content_whatever_the_name(tmp_path: Path) -> None:
    target = tmp_path / "Glacier-1B.json"
    target.write_text(json.dumps(load_document(MOT).data), encoding="utf-8")
    document = load_any(target)
    assert document.format == Format.MOT
    assert document.data == load_any(MOT).data
    line, column = document.positions[("model", "id")]
    assert line == 1 and target.read_text(encoding="utf-8")[column - 1:].startswith('"name": "Glacier-1B"')


def test_input_format_overrides_detection(tmp_path: Path) -> None:
    log = tmp_path / "emissions.txt"
    log.write_bytes(EMISSIONS.read_bytes())
    assert load_any(log, input_format="codecarbon").format == Format.CODECARBON
    card = tmp_path / "card.txt"
    card.write_bytes(CARD.read_bytes())
    assert load_any(card, input_format="model-card").format == Format.MODEL_CARD
    # a MOT file read as a disclosure is not converted: the schema then reports what it lacks
    as_disclosure = load_any(MOT, input_format="disclosure")
    assert as_disclosure.format == Format.YAML and "framework" in as_disclosure.data
    assert load_any(SAMPLES / "glacier-1b.yaml", input_format="disclosure").format == Format.YAML


def test_input_format_mot_on_a_disclosure_says_what_is_missing() -> None:
    assert error_of(load_any, GLACIER, input_format="mot") == (
        f"{GLACIER}:1:1: framework.name is missing; a MOT file says 'Model Openness Framework'\n"
        "write framework.name: 'Model Openness Framework'")


def test_unknown_input_format() -> None:
    assert error_of(parse_any, b"", "x", input_format="spdx") == (
        "x: unknown input format 'spdx'\nuse one of disclosure, model-card, mot, codecarbon")
    assert INPUT_FORMATS == ("disclosure", "model-card", "mot", "codecarbon")


def test_reading_errors_are_the_loaders(tmp_path: Path) -> None:
    assert error_of(load_any, tmp_path / "README.md") == f"{tmp_path}/README.md: no such file or directory\n" \
                                                         "check the path"
    assert error_of(load_any, tmp_path) == f"{tmp_path}: is a directory, not a file\n" \
                                           "give the path of a disclosure file"


def test_discovery_still_finds_disclosure_files_only() -> None:
    found = discover([SAMPLES])
    assert CARD not in found and EMISSIONS not in found
    assert all(p.suffix in (".yaml", ".yml", ".json") for p in found)


def test_package_exports() -> None:
    assert documents.load_any is load_any and documents.parse_any is parse_any
    assert {"load_any", "parse_any", "merge_evidence", "Problem", "ProblemKind", "INPUT_FORMATS"} <= set(
        documents.__all__)
    with pytest.raises(AttributeError):
        documents.nothing_here  # noqa: B018


def test_plain_import_does_not_load_the_importers() -> None:
    # A pre-commit check of a disclosure starts cold: the importers load only when used.
    readers = ("model_card", "mot", "codecarbon", "evidence")
    code = ("import sys, openwatt.documents; print(sorted(m for m in sys.modules "
            f"if m.rsplit('.', 1)[-1] in {readers!r} and m.startswith('openwatt.')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert result.stdout.strip() == "[]"
