"""Which format a file is in, by name and content, and the one entry point that reads any of them."""

from __future__ import annotations

import os

from typing import Any

from openwatt.documents.loading import parse_document, read_file
from openwatt.documents.source import DEFAULT_LIMITS, Document, DocumentError, Limits

__all__ = ["INPUT_FORMATS", "guess_format", "is_mot", "load_any", "parse_any"]

INPUT_FORMATS = ("disclosure", "model-card", "mot", "codecarbon")
"""The values of `input_format` (and of the command line's --input-format)."""

_MARKDOWN = (".md", ".markdown")
_SNIFF_BYTES = 4096  # a CodeCarbon header is about 600 bytes


def guess_format(file: str, raw: bytes) -> str | None:
    """The format a file's name or first line gives away: 'model-card' for a .md file (a README.md
    model card), 'codecarbon' for a .csv file or a CodeCarbon header line; None for anything else,
    a YAML or JSON file that is a disclosure or a MOT file, told apart by its content once parsed."""
    name = os.path.basename(file).lower()
    if name.endswith(_MARKDOWN) or name == "readme":
        return "model-card"
    if name.endswith(".csv"):
        return "codecarbon"
    first_line = raw[:_SNIFF_BYTES].decode("utf-8", "replace").lstrip("\ufeff").split("\n", 1)[0]
    if "," not in first_line or "energy_consumed" not in first_line:  # cheap: most files are disclosures
        return None
    from openwatt.documents.importers.codecarbon import is_codecarbon_header

    return "codecarbon" if is_codecarbon_header(first_line) else None


def is_mot(data: Any) -> bool:
    """A MOT model file: a mapping with `framework` and `release` (and no `openwatt` version field)."""
    return isinstance(data, dict) and "framework" in data and "release" in data and "openwatt" not in data


def parse_any(raw: bytes, file: str, *, limits: Limits = DEFAULT_LIMITS, input_format: str | None = None) -> Document:
    """``raw`` (the contents of ``file``) as a disclosure, whatever the supported format: a disclosure as
    it is (YAML or JSON), a Hugging Face model card, a MOT file or a CodeCarbon log converted, with
    positions in the original file and ``Document.format`` saying which. ``input_format`` (one of
    INPUT_FORMATS) overrides detection. DocumentError, located and with a hint, for unreadable input."""
    if input_format is not None and input_format not in INPUT_FORMATS:
        raise DocumentError(file, 0, 0, f"unknown input format {input_format!r}",
                            f"use one of {', '.join(INPUT_FORMATS)}")
    chosen = input_format or guess_format(file, raw)
    if chosen == "model-card":
        from openwatt.documents.importers.model_card import import_model_card
        return import_model_card(raw, file, limits)
    if chosen == "codecarbon":
        from openwatt.documents.importers.codecarbon import import_codecarbon
        return import_codecarbon(raw, file, limits)
    document = parse_document(raw, file, limits=limits)
    if chosen == "mot" or (chosen is None and is_mot(document.data)):
        from openwatt.documents.importers.mot import mot_disclosure
        return mot_disclosure(document)
    return document


def load_any(path: str | os.PathLike[str], *, limits: Limits = DEFAULT_LIMITS,
             input_format: str | None = None) -> Document:
    """Read the file at ``path`` and parse it with parse_any: the single entry point for files given on
    the command line, which may be in any supported format (discovery finds disclosures only)."""
    file = os.fspath(path)
    return parse_any(read_file(file, limits=limits), file, limits=limits, input_format=input_format)
