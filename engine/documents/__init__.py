"""Documents: files read into data with a source map, discovered on disk and validated against the schema."""

from openwatt.documents.discovery import discover
from openwatt.documents.loading import load_document, parse_document
from openwatt.documents.source import DEFAULT_LIMITS, Document, DocumentError, Format, Limits, Path, format_path
from openwatt.documents.validation import SchemaProblem, validate

__all__ = [
    "DEFAULT_LIMITS", "Document", "DocumentError", "Format", "Limits", "Path", "SchemaProblem", "discover",
    "format_path", "load_document", "parse_document", "validate",
]
