"""Documents: files read into data with a source map, discovered on disk and validated against the schema.

Other formats (Hugging Face model cards, MOT files, CodeCarbon logs) are read by `load_any` and
`parse_any`, and evidence files merged by `merge_evidence`, from `openwatt.documents.importers`; they are
imported on first use, so a plain disclosure check does not pay for them at start-up."""

from typing import Any

from openwatt.documents.discovery import Survey, discover, survey
from openwatt.documents.loading import load_document, parse_document
from openwatt.documents.source import DEFAULT_LIMITS, Document, DocumentError, Format, Limits, Path, format_path
from openwatt.documents.problems import Problem, ProblemKind
from openwatt.documents.validation import validate

__all__ = [
    "DEFAULT_LIMITS", "INPUT_FORMATS", "Document", "DocumentError", "Format", "Limits", "Path", "Problem",
    "ProblemKind", "Survey", "discover", "format_path", "load_any", "load_document", "merge_evidence", "parse_any",
    "parse_document", "survey", "validate",
]

_IMPORTED = frozenset({"INPUT_FORMATS", "load_any", "merge_evidence", "parse_any"})


def __getattr__(name: str) -> Any:
    if name in _IMPORTED:
        from openwatt.documents import importers
        return getattr(importers, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
