"""Waivers: time-limited exemptions from a rule, written in a disclosure or in a waivers file.

Waivers in a waivers file (`--waivers`) come from whoever runs the check. Waivers written in the checked
input come from its submitter: `InputWaivers` says whether they apply, are only reported beside the
failures they would waive, or are ignored. A waiver whose rule, reason or approver shows nothing
(whitespace and invisible characters only, see values/text.py) is not a waiver."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .documents.loading import load_document
from .documents.source import Document, DocumentError
from .language.policy import CompiledPolicy, CompiledRule
from .values.text import blank
from .values.verdicts import InputWaivers

__all__ = ["InputWaivers", "Waiver", "load_waivers", "waivers_in"]


@dataclass(frozen=True, slots=True)
class Waiver:
    """A time-limited exemption from one rule, from a disclosure's `waivers` or a waivers file."""

    rule: str  # "training-energy" or qualified: "energy-transparency/training-energy"
    reason: str
    approver: str
    expires: dt.date
    origin: str  # file:line, for the finding
    in_input: bool = False  # written in the checked input (by its submitter), not in a waivers file
    path: tuple[str | int, ...] = ()  # where in the input it is written ("waivers", 2); () for a waivers file

    def covers(self, policy_id: str, rule: CompiledRule) -> bool:
        own_id = rule.id.rsplit("/", 1)[-1]
        return self.rule in (rule.id, own_id, f"{policy_id}/{rule.id}", f"{rule.origin}/{own_id}")

    def active(self, as_of: dt.date) -> bool:
        return as_of <= self.expires

    def describe(self) -> str:
        """The reason, approver, expiry and where the waiver is written: `in the input at file:line` for
        a waiver the submitter wrote, `file:line` for one from a waivers file."""
        where = f"in the input at {self.origin}" if self.in_input else self.origin
        return f"{self.reason} (approved by {self.approver} until {self.expires.isoformat()}; {where})"


def matching_nothing(waivers: Sequence[Waiver], policies: Sequence[CompiledPolicy]) -> list[Waiver]:
    """The waivers that name no rule of `policies` (a typo, or a rule of a pack not applied): they waive nothing."""
    return [w for w in waivers if not any(w.covers(p.id, rule) for p in policies for rule in p.rules)]


def waivers_in(document: Document) -> list[Waiver]:
    """The well-formed waivers a document carries (the schema check reports malformed ones)."""
    entries = document.data.get("waivers") if isinstance(document.data, dict) else None
    waivers = []
    for i, entry in enumerate(entries if isinstance(entries, list) else ()):
        line, _, _ = document.locate(("waivers", i))
        if isinstance(waiver := _waiver(entry, f"{document.file}:{line}", in_input=True), Waiver):
            waivers.append(dataclasses.replace(waiver, path=("waivers", i)))
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


def _waiver(entry: Any, origin: str, *, in_input: bool = False) -> Waiver | str:
    """A waiver, or what is wrong with the entry (a field that shows nothing is not given)."""
    if not isinstance(entry, dict):
        return "is not a mapping"
    for key in ("rule", "reason", "approver"):
        if not isinstance(entry.get(key), str) or blank(entry[key]):
            return f"has no {key}"
    expires = _date(entry.get("expires"))
    if expires is None:
        return "has no valid expires date (YYYY-MM-DD)"
    return Waiver(rule=entry["rule"], reason=" ".join(entry["reason"].split()), approver=entry["approver"],
                  expires=expires, origin=origin, in_input=in_input)


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
