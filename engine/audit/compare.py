"""`openwatt diff`: which inputs and rules changed outcome between two audits (a funder tightening a budget, a
new version of a pack), from their findings.jsonl and manifest.json.

Inputs are matched by file. An input in one audit only is one row (`added` or `removed`, with its verdict); an
input in both whose verdict changed is one row with an empty rule; then, per rule, the findings of the two
audits are paired (same params first, then in order of params) and each pair whose status changed is a
`changed` row, each finding left unpaired an `added` or `removed` one. A change of params alone (the same
status) is not a change of outcome: the settings that differ are listed apart. Both findings.jsonl are sorted
by file, so the comparison streams, and its rows come sorted by file, then rule, params and change.
"""

from __future__ import annotations

import csv
import itertools
import json
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, TextIO

from .results import params_text

__all__ = ["DIFF_COLUMNS", "CannotCompare", "Change", "ChangeKind", "Diff", "DiffSummary", "open_diff", "write_diff"]

DIFF_COLUMNS = ("change", "id", "file", "rule", "old_params", "new_params", "old_status", "new_status")


class ChangeKind(StrEnum):
    ADDED = "added"  # in the new audit only
    REMOVED = "removed"  # in the old audit only
    CHANGED = "changed"  # in both, with another verdict or status


@dataclass(frozen=True, slots=True, kw_only=True, order=True)
class Change:
    """One row of diff.csv: an input's verdict (rule empty) or a rule's status on an input, before and after."""

    file: str
    rule: str
    old_params: str
    new_params: str
    change: ChangeKind
    id: str
    old_status: str
    new_status: str

    def row(self) -> list[str]:
        return [self.change.value, self.id, self.file, self.rule, self.old_params, self.new_params, self.old_status,
                self.new_status]


class CannotCompare(Exception):
    """An audit folder that cannot be compared: what is wrong with it, and a hint."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message, hint)
        self.message, self.hint = message, hint

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, slots=True)
class Diff:
    """Two audit folders opened for comparison: the settings that differ between them, and their changes."""

    old: Path
    new: Path
    settings: tuple[str, ...]

    def changes(self) -> Iterator[Change]:
        """Each change, sorted by file, rule, params and change. Raises CannotCompare for a findings.jsonl that
        is not an audit's (a line that is no entry, files out of order)."""
        olds, news = _entries(self.old), _entries(self.new)
        old, new = next(olds, None), next(news, None)
        while old is not None or new is not None:
            if new is None or (old is not None and old["file"] < new["file"]):
                assert old is not None
                yield _input_row(ChangeKind.REMOVED, old, old["verdict"], "")
                old = next(olds, None)
            elif old is None or new["file"] < old["file"]:
                yield _input_row(ChangeKind.ADDED, new, "", new["verdict"])
                new = next(news, None)
            else:
                yield from sorted(_input_changes(old, new))
                old, new = next(olds, None), next(news, None)


def open_diff(old: Path, new: Path) -> Diff:
    """The comparison of two audit folders; raises CannotCompare when one is not a finished audit's."""
    return Diff(old, new, tuple(_settings(_manifest(old), _manifest(new))))


@dataclass(frozen=True, slots=True, kw_only=True)
class DiffSummary:
    """How many changes of each kind, how many inputs they concern, and the first ones (for a terminal)."""

    counts: Mapping[ChangeKind, int]
    inputs: int
    first: tuple[Change, ...] = field(default=())

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def write_diff(diff: Diff, handle: TextIO, *, keep: int = 40) -> DiffSummary:
    """diff.csv (DIFF_COLUMNS) into `handle`, streamed; the summary, with the first `keep` changes."""
    out = csv.writer(handle, lineterminator="\n")
    out.writerow(DIFF_COLUMNS)
    counts: Counter[ChangeKind] = Counter()
    first: list[Change] = []
    files: set[str] = set()
    last = ""
    for change in diff.changes():
        out.writerow(change.row())
        counts[change.change] += 1
        if change.file != last:  # rows come grouped by file
            files.add(change.file)
            last = change.file
        if len(first) < keep:
            first.append(change)
    return DiffSummary(counts={k: counts[k] for k in ChangeKind}, inputs=len(files), first=tuple(first))


def _manifest(folder: Path) -> dict[str, Any]:
    if not folder.is_dir():
        raise CannotCompare(f"{folder}: no such folder", "give the --out folder of a finished audit")
    for name in ("manifest.json", "findings.jsonl"):
        if not (folder / name).is_file():
            raise CannotCompare(f"{folder}: {name} missing", "give the --out folder of a finished audit")
    try:
        record = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise CannotCompare(f"{folder / 'manifest.json'}: cannot be read: {err}",
                            "give the --out folder of a finished audit") from None
    if not isinstance(record, dict) or "openwatt_audit" not in record:
        raise CannotCompare(f"{folder / 'manifest.json'}: not the manifest of an openwatt audit",
                            "give the --out folder of a finished audit")
    return record


def _entries(folder: Path) -> Iterator[dict[str, Any]]:
    path = folder / "findings.jsonl"
    previous = None
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                entry = json.loads(raw)
                file, verdict, findings = entry["file"], entry["verdict"], entry["findings"]
                valid = isinstance(file, str) and isinstance(verdict, str) and isinstance(findings, list)
            except (ValueError, KeyError, TypeError):
                valid = False
            if not valid:
                raise CannotCompare(f"{path}:{number}: not an entry of an audit",
                                    "compare the findings.jsonl an audit wrote (openwatt verify checks one)")
            if previous is not None and file <= previous:
                raise CannotCompare(f"{path}:{number}: {file} out of order (an audit sorts its inputs by file)",
                                    "compare the findings.jsonl an audit wrote (openwatt verify checks one)")
            previous = file
            yield entry


def _input_row(kind: ChangeKind, entry: Mapping[str, Any], old: str, new: str) -> Change:
    return Change(change=kind, id=str(entry.get("id", entry["file"])), file=entry["file"], rule="", old_params="",
                  new_params="", old_status=old, new_status=new)


def _input_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[Change]:
    if old["verdict"] != new["verdict"]:
        yield _input_row(ChangeKind.CHANGED, new, old["verdict"], new["verdict"])
    olds, news = _by_rule(old["findings"]), _by_rule(new["findings"])
    for rule in sorted({*olds, *news}):
        yield from _rule_changes(new, rule, olds.get(rule, []), news.get(rule, []))


def _by_rule(findings: Sequence[Any]) -> dict[str, list[tuple[str, str]]]:
    """Per rule, its findings' (params, status), sorted."""
    grouped: dict[str, list[tuple[str, str]]] = {}
    for f in findings:
        if isinstance(f, dict):
            grouped.setdefault(str(f.get("rule")), []).append((params_text(f.get("params")), str(f.get("status"))))
    return {rule: sorted(found) for rule, found in grouped.items()}


def _rule_changes(entry: Mapping[str, Any], rule: str, olds: list[tuple[str, str]],
                  news: list[tuple[str, str]]) -> Iterator[Change]:
    """The findings of one rule on one input, paired: same params first, the rest in order of params."""
    left, right = list(olds), list(news)
    pairs = []
    for finding in list(left):
        match = next((other for other in right if other[0] == finding[0]), None)
        if match is not None:
            left.remove(finding)
            right.remove(match)
            pairs.append((finding, match))
    pairs += list(itertools.zip_longest(left, right))
    ident = str(entry.get("id", entry["file"]))
    for a, b in pairs:
        if a is not None and b is not None and a[1] == b[1]:
            continue
        kind = ChangeKind.CHANGED if a is not None and b is not None else \
            ChangeKind.REMOVED if b is None else ChangeKind.ADDED
        yield Change(change=kind, id=ident, file=entry["file"], rule=rule, old_params=a[0] if a else "",
                     new_params=b[0] if b else "", old_status=a[1] if a else "", new_status=b[1] if b else "")


def _settings(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """What the two audits were run with that differs: version, dates, thresholds, packs and their params."""
    said = [f"{key}: {_shown(old.get(key))} -> {_shown(new.get(key))}"
            for key in ("openwatt_version", "as_of", "fail_on", "input_format", "input_waivers", "sources")
            if old.get(key) != new.get(key)]
    if old.get("waivers") != new.get("waivers"):
        said.append(f"waivers: {len(old.get('waivers') or [])} -> {len(new.get('waivers') or [])} waivers")
    olds, news = _policies(old), _policies(new)
    for policy_id in sorted({*olds, *news}):
        a, b = olds.get(policy_id), news.get(policy_id)
        if a is None or b is None:
            said.append(f"policy {policy_id}: {'applied in the new audit only' if a is None else 'applied in the old audit only'}")
            continue
        if a.get("version") != b.get("version"):
            said.append(f"policy {policy_id}: version {a.get('version')} -> {b.get('version')}")
        if [s.get("sha256") for s in a.get("sources") or []] != [s.get("sha256") for s in b.get("sources") or []]:
            said.append(f"policy {policy_id}: its source files differ")
        pa, pb = a.get("params") or {}, b.get("params") or {}
        for name in sorted({*pa, *pb}):
            va, vb = (pa.get(name) or {}).get("value"), (pb.get(name) or {}).get("value")
            if va != vb:
                by = (pb.get(name) or {}).get("set_by")
                said.append(f"policy {policy_id}: param {name}: {va} -> {vb}{f' (set by {by})' if by else ''}")
    return said


def _policies(record: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    policies = record.get("policies")
    return {str(p.get("id")): p for p in policies if isinstance(p, dict)} if isinstance(policies, list) else {}


def _shown(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)

