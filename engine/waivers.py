"""Waivers: time-limited exemptions from a rule, written in a disclosure or in a waivers file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .documents.loading import load_document
from .documents.source import Document, DocumentError
from .language.policy import CompiledPolicy, CompiledRule


@dataclass(frozen=True, slots=True)
class Waiver:
    """A time-limited exemption from one rule, from a disclosure's `waivers` or a waivers file."""

    rule: str  # "training-energy" or qualified: "energy-transparency/training-energy"
    reason: str
    approver: str
    expires: dt.date
    origin: str  # file:line, for the finding

    def covers(self, policy_id: str, rule: CompiledRule) -> bool:
        own_id = rule.id.rsplit("/", 1)[-1]
        return self.rule in (rule.id, own_id, f"{policy_id}/{rule.id}", f"{rule.origin}/{own_id}")

    def active(self, as_of: dt.date) -> bool:
        return as_of <= self.expires

    def describe(self) -> str:
        return f"{self.reason} (approved by {self.approver} until {self.expires.isoformat()}; {self.origin})"


def matching_nothing(waivers: Sequence[Waiver], policies: Sequence[CompiledPolicy]) -> list[Waiver]:
    """The waivers that name no rule of `policies` (a typo, or a rule of a pack not applied): they waive nothing."""
    return [w for w in waivers if not any(w.covers(p.id, rule) for p in policies for rule in p.rules)]


def waivers_in(document: Document) -> list[Waiver]:
    """The well-formed waivers a document carries (the schema check reports malformed ones)."""
    entries = document.data.get("waivers") if isinstance(document.data, dict) else None
    waivers = []
    for i, entry in enumerate(entries if isinstance(entries, list) else ()):
        line, _, _ = document.locate(("waivers", i))
        if isinstance(waiver := _waiver(entry, f"{document.file}:{line}"), Waiver):
            waivers.append(waiver)
    return waivers


def load_waivers(path: str | Path) -> list[Waiver]:
    """The waivers in a YAML/JSON file whose `waivers` is a list, as in a disclosure. Raises
    DocumentError for a file that cannot be read or an entry that is not a whole waiver."""
    document = load_document(path)
    entries = document.data.get("waivers")
    if not isinstance(entries, list):
        raise DocumentError(document.file, 1, 1, "a waivers file has a list under 'waivers'",
                            "write waivers: followed by entries with rule, reason, approver and expires")
    waivers = []
    for i, entry in enumerate(entries):
        line, column, _ = document.locate(("waivers", i))
        waiver = _waiver(entry, f"{document.file}:{line}")
        if isinstance(waiver, str):
            raise DocumentError(document.file, line, column, f"waiver {i + 1} {waiver}",
                                "each waiver needs rule, reason, approver and expires (YYYY-MM-DD)")
        waivers.append(waiver)
    return waivers


def _waiver(entry: Any, origin: str) -> Waiver | str:
    """A waiver, or what is wrong with the entry."""
    if not isinstance(entry, dict):
        return "is not a mapping"
    for key in ("rule", "reason", "approver"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            return f"has no {key}"
    expires = _date(entry.get("expires"))
    if expires is None:
        return "has no valid expires date (YYYY-MM-DD)"
    return Waiver(entry["rule"], " ".join(entry["reason"].split()), entry["approver"], expires, origin)


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None
