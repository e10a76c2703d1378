"""Importers: Hugging Face model cards, Model Openness Tool files and CodeCarbon logs read as disclosures,
format detection, and evidence files merged into the disclosure that references them."""

from openwatt.documents.importers.detection import INPUT_FORMATS, guess_format, load_any, parse_any
from openwatt.documents.importers.evidence import Conflict, EvidenceProblem, merge_evidence

__all__ = ["INPUT_FORMATS", "Conflict", "EvidenceProblem", "guess_format", "load_any", "merge_evidence",
           "parse_any"]
