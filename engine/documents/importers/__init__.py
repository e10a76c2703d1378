"""Importers: Hugging Face model cards, Model Openness Tool files and CodeCarbon logs read as disclosures,
format detection, and evidence files merged into the disclosure that references them.

Each module loads on first use (a check of a plain disclosure never needs the model card reader)."""

from importlib import import_module
from typing import Any

__all__ = ["INPUT_FORMATS", "guess_format", "load_any", "merge_evidence",
           "parse_any"]

_HOMES = {"INPUT_FORMATS": "detection", "guess_format": "detection", "load_any": "detection",
          "parse_any": "detection",
          "merge_evidence": "evidence"}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(import_module(f"{__name__}.{_HOMES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
