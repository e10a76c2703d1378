"""`openwatt verify`: replay what an audit folder's manifest.json (or a JSON report's `provenance.run`) records
and confirm that every output is what the replay gives.

Before replaying, verify refuses (`CannotVerify`) when the replay could not be the same run: another openwatt
version, a policy source whose sha256 differs from the one recorded, an input added, removed or changed since
(its sha256 in findings.jsonl, or in the report's provenance). The outputs' digests recorded in manifest.json
name a file edited after the audit even then. The replay runs into a temporary folder with the recorded
times, so every output must come back byte for byte; each difference is named (the input, the finding, the
row, the key). Comparison streams: both sides are sorted, so memory stays flat as the outputs grow.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import json
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..language.errors import PolicyErrors
from ..values.text import printable
from ..values.verdicts import FailOn, InputWaivers
from ..version import __version__ as VERSION
from .executors import AuditSetup, Checker, file_sha256
from .manifest import DIGESTED, FORMAT, sha256_of
from .recorded import params_of, waivers_of
from .results import params_text
from .running import audit
from .sources import Submission, submissions

__all__ = ["MAX_SHOWN", "CannotVerify", "Difference", "Verification", "describe_findings", "verify_audit",
           "verify_report"]

MAX_SHOWN = 20  # differences named per output file; the others are counted
_OUTPUTS = (*DIGESTED, "manifest.json")
_REPLAY_HINT = ("check again to judge the current files; verify proves a report only against the files it read, where "
                "its relative paths resolve")


@dataclass(frozen=True, slots=True, kw_only=True)
class Difference:
    """One thing an output says that the replay does not (or a digest that does not match): in which output
    file, about what (an input's file, a rule and params, a key), and how."""

    output: str
    subject: str
    detail: str

    def __str__(self) -> str:  # an edited output can hold anything: controls are written as escapes
        said = f"{self.output}: {self.subject}: {self.detail}" if self.subject else f"{self.output}: {self.detail}"
        return printable(said)


class CannotVerify(Exception):
    """The outputs cannot be replayed: why, a hint, each reason (a changed policy or input, a missing file),
    and what was found tampered before the replay was given up (digests that do not match)."""

    def __init__(self, message: str, hint: str, reasons: Sequence[str] = (),
                 tampered: Sequence[Difference] = ()) -> None:
        super().__init__(message, hint, tuple(reasons), tuple(tampered))
        self.message, self.hint, self.reasons, self.tampered = message, hint, tuple(reasons), tuple(tampered)

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, slots=True, kw_only=True)
class Verification:
    """What verify found: the inputs replayed, the outputs compared, and each difference (at most MAX_SHOWN
    per output; `more` counts the others). Verified when there is none."""

    inputs: int
    outputs: tuple[str, ...]
    differences: tuple[Difference, ...] = ()
    more: Mapping[str, int] = field(default_factory=dict)
    unedited: bool = False  # every output has the sha256 manifest.json records, and still the replay differs

    @property
    def verified(self) -> bool:
        return not self.differences

    @property
    def count(self) -> int:
        return len(self.differences) + sum(self.more.values())


class _Found:
    """Differences gathered per output file, the first MAX_SHOWN of each kept."""

    def __init__(self) -> None:
        self.shown: list[Difference] = []
        self.more: dict[str, int] = {}
        self._per_output: dict[str, int] = {}

    def add(self, output: str, subject: str, detail: str) -> None:
        seen = self._per_output[output] = self._per_output.get(output, 0) + 1
        if seen <= MAX_SHOWN:
            self.shown.append(Difference(output=output, subject=subject, detail=detail))
        else:
            self.more[output] = self.more.get(output, 0) + 1


# --- an audit folder -----------------------------------------------------------------------------------------


def verify_audit(out: Path, *, jobs: int = 1) -> Verification:
    """Replay the audit in `out` as its manifest.json records it and compare every output. Raises CannotVerify."""
    record = _manifest(out)
    missing = [name for name in DIGESTED if not (out / name).is_file()]
    if missing:
        raise CannotVerify(f"{out}: {', '.join(missing)} missing", "verify a complete audit folder (an audit "
                           "interrupted before its end has none: finish it with --resume)")
    setup = _setup(record, out)
    found = _Found()
    current = {name: sha256_of(out / name) for name in DIGESTED}  # each output read once (they can be large)
    for name in DIGESTED:
        recorded = record["outputs"].get(name)
        if current[name] != recorded:
            found.add(name, "", f"edited after the audit (sha256 recorded {recorded}, now {current[name]})")
    unedited = not found.shown
    try:
        policies = setup.compile()
    except PolicyErrors as err:
        first = err.errors[0]
        raise CannotVerify(f"the policies recorded no longer compile: {first.span.file}: {first.code} {first.message}",
                           "verify with the policy files the audit read", tampered=found.shown) from None
    try:
        reasons = _changed_policies(record["policies"], policies)
    except (KeyError, TypeError, AttributeError) as err:
        raise _edited(out, err) from None

    def selected() -> Iterator[Submission]:
        return submissions(record["sources"], include=record["include"], exclude=record["exclude"])

    inputs = _changed_inputs(out / "findings.jsonl", selected(), found)
    # findings.jsonl edited after the audit: its digests are no evidence of changed inputs; the replay names
    # each line that differs from what the current inputs give.
    edited = any(d.output == "findings.jsonl" for d in found.shown)
    reasons += [] if edited else inputs
    if reasons:
        raise CannotVerify(f"{out}: cannot replay the audit: {_changed(reasons)} since", "audit again to judge the "
                           "current files; verify proves an audit only against the files it read",
                           reasons=reasons, tampered=found.shown)
    with tempfile.TemporaryDirectory(prefix="openwatt-verify-") as tmp:
        replay = Path(tmp)
        counts = audit(selected(), Checker(setup, policies), policies, replay, sources=record["sources"], jobs=jobs,
                       include=record["include"], exclude=record["exclude"],
                       times=(record["started_at"], record["ended_at"]))
        replayed = json.loads((replay / "manifest.json").read_text(encoding="utf-8"))
        same = {name: current[name] == replayed["outputs"][name] for name in DIGESTED}  # digests the replay wrote
        if not same["findings.jsonl"]:
            _compare_lines(found, "findings.jsonl", out, replay, _jsonl_rows, _describe_entry)
        for name, key in (("summary.csv", (1,)), ("rules.csv", (0, 1))):
            try:
                if not same[name]:
                    _compare_lines(found, name, out, replay, _csv_rows(*key), _describe_row)
            except csv.Error as err:  # edited into something that is no CSV
                found.add(name, "", f"cannot be read as CSV: {err}")
        if not same["report.html"]:
            found.add("report.html", "", "differs from the page the replay writes")
        _compare_manifest(found, record, replayed)
    return Verification(inputs=counts.inputs, outputs=_OUTPUTS, differences=tuple(found.shown), more=found.more,
                        unedited=unedited)


def _manifest(out: Path) -> dict[str, Any]:
    path = out / "manifest.json"
    if not out.is_dir():
        raise CannotVerify(f"{out}: no such folder", "give an audit's --out folder, or a check --format json report")
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CannotVerify(f"{path}: missing", "give the --out folder of a finished audit") from None
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise CannotVerify(f"{path}: cannot be read: {err}", "give the --out folder of a finished audit") from None
    if not isinstance(record, dict) or record.get("openwatt_audit") != FORMAT:
        raise CannotVerify(f"{path}: not the manifest of an openwatt audit (openwatt_audit: {FORMAT})",
                           "give the --out folder of a finished audit")
    _same_version(str(path), record.get("openwatt_version"))
    needed = ("named_policies", "policy_path", "config_params", "include", "exclude", "outputs")
    absent = [key for key in needed if key not in record]
    if absent:
        raise CannotVerify(f"{path}: does not record {', '.join(absent)}, which a replay needs",
                           "the audit was written by an openwatt without verify: audit again")
    return record


def _same_version(file: str, recorded: object) -> None:
    if recorded != VERSION:
        raise CannotVerify(f"{file}: written by openwatt {recorded}, this is openwatt {VERSION}",
                           f"verify with openwatt {recorded} (pip install openwatt=={recorded}): another "
                           "version may judge the same files differently")


def _setup(record: Mapping[str, Any], out: Path) -> AuditSetup:
    """The audit's setup as manifest.json records it; a manifest edited out of shape cannot be replayed."""
    try:
        for key in ("sources", "include", "exclude"):
            if not isinstance(record[key], list) or not all(isinstance(x, str) for x in record[key]):
                raise TypeError(f"{key} is not a list of strings")
        if not all(isinstance(record[key], str) for key in ("started_at", "ended_at")) or \
                not isinstance(record["outputs"], dict):
            raise TypeError("started_at, ended_at or outputs out of shape")
        return AuditSetup(policies=tuple(record["named_policies"]), search_path=tuple(record["policy_path"]),
                          params=dict(record["params"]), config_params=dict(record["config_params"]),
                          as_of=dt.date.fromisoformat(record["as_of"]), fail_on=FailOn(record["fail_on"]),
                          input_format=record["input_format"], input_waivers=InputWaivers(record["input_waivers"]),
                          waivers=waivers_of(record["waivers"]))
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise _edited(out, err) from None


def _edited(out: Path, err: Exception) -> CannotVerify:
    return CannotVerify(f"{out / 'manifest.json'}: cannot be replayed: {type(err).__name__}: {err}",
                        "the manifest was edited: restore it, or audit again")


def _changed(reasons: Sequence[str]) -> str:
    """'1 policy and 2 inputs changed', from the reasons' first words."""
    counts = [(sum(r.startswith(f"{kind} ") for r in reasons), kind) for kind in ("policy", "input")]
    said = [f"{n} {kind if n == 1 else kind.replace('y', 'ie') + 's'}" for n, kind in counts if n]
    return f"{' and '.join(said)} changed"


def _changed_policies(recorded: Iterable[Mapping[str, Any]], policies: Sequence[Any]) -> list[str]:
    """Each policy source whose sha256 differs from the one recorded, or that is read or no longer read."""
    before = {(s["id"], s["file"]): s["sha256"] for p in recorded for s in p["sources"]}
    now = {(s.id, s.file): s.sha256 for p in policies for s in p.sources}
    reasons = []
    for (policy_id, file) in sorted({*before, *now}):
        old, new = before.get((policy_id, file)), now.get((policy_id, file))
        if old is None:
            reasons.append(f"policy {policy_id} ({file}): read now, not recorded (sha256 {new})")
        elif new is None:
            reasons.append(f"policy {policy_id} ({file}): recorded (sha256 {old}), no longer read")
        elif old != new:
            reasons.append(f"policy {policy_id} ({file}): sha256 recorded {old}, now {new}")
    return reasons


def _changed_inputs(findings: Path, current: Iterable[Submission], found: _Found) -> list[str]:
    """Each input added, removed or changed since the audit: findings.jsonl's files and sha256 against what the
    sources select now. A line that is no entry, or a file with two lines, is tampering, added to `found`."""
    recorded: dict[str, str] = {}
    with findings.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            entry = _head(raw)
            if entry is None:
                found.add("findings.jsonl", f"line {number}", "not an entry of an audit")
            elif entry["file"] in recorded:
                found.add("findings.jsonl", entry["file"], f"a second line (line {number})")
            else:
                recorded[entry["file"]] = entry["sha256"]
    reasons = []
    seen: set[str] = set()
    for submission in current:
        if submission.path in seen:
            continue
        seen.add(submission.path)
        digest = "" if submission.problem is not None else file_sha256(submission.path)
        old = recorded.pop(submission.path, None)
        if old is None:
            reasons.append(f"input {submission.path}: selected by the sources now, not in findings.jsonl (added "
                           "since the audit, or its line removed)")
        elif old != digest:
            reasons.append(f"input {submission.path}: sha256 recorded {old or '(unreadable)'}, now "
                           f"{digest or '(unreadable)'}")
    reasons += [f"input {file}: in findings.jsonl, not selected by the sources now (removed or renamed since the "
                "audit, or its line added)" for file in sorted(recorded)]
    return reasons


_DECODER = json.JSONDecoder()


def _head(raw: bytes) -> dict[str, str] | None:
    """The id, file and sha256 a findings.jsonl line starts with, read without parsing its findings (an audit
    writes these keys first, in this order); None for a line that does not start so."""
    try:
        text = raw.decode("utf-8")
        head: dict[str, str] = {}
        at = 0
        for key in ("id", "file", "sha256"):
            opening = ('{"' if key == "id" else ',"') + key + '":'
            if not text.startswith(opening, at):
                return None
            value, at = _DECODER.raw_decode(text, at + len(opening))
            if not isinstance(value, str):
                return None
            head[key] = value
        return head
    except ValueError:  # not UTF-8, or not JSON
        return None


def _entry(raw: bytes) -> dict[str, Any] | None:
    try:
        entry = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(entry, dict) or not isinstance(entry.get("file"), str) or \
            not isinstance(entry.get("sha256"), str):
        return None
    return entry


# --- comparing outputs ---------------------------------------------------------------------------------------

_Row = tuple[tuple[str, ...], Any]  # (sort key, parsed line)


def _jsonl_rows(path: Path) -> Iterator[_Row]:
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            entry = _entry(raw)
            yield ((entry["file"],) if entry is not None else (f"line {number}",)), entry if entry is not None else raw


def _csv_rows(*key: int) -> Callable[[Path], Iterator[_Row]]:
    def rows(path: Path) -> Iterator[_Row]:
        with path.open(encoding="utf-8", newline="", errors="replace") as handle:
            reader = csv.reader(handle)
            header = next(reader, [])
            yield ("",), {"header": header}
            for row in reader:
                yield tuple(row[i] if i < len(row) else "" for i in key), dict(itertools.zip_longest(header, row))
    return rows


def _compare_lines(found: _Found, name: str, out: Path, replay: Path, rows: Callable[[Path], Iterator[_Row]],
                   describe: Callable[[Any, Any], list[str]]) -> None:
    """Walk the recorded and replayed rows together (both sorted by key) and name each difference (called only
    when the two files' bytes differ)."""
    recorded, replayed = rows(out / name), rows(replay / name)
    old, new = next(recorded, None), next(replayed, None)
    while old is not None or new is not None:
        if new is None or (old is not None and old[0] < new[0]):
            assert old is not None
            found.add(name, _subject(old[0]), "not in the replay (a line added, or moved out of order)")
            old = next(recorded, None)
        elif old is None or new[0] < old[0]:
            found.add(name, _subject(new[0]), "missing (the replay has it: a line removed, or moved out of order)")
            new = next(replayed, None)
        else:
            for detail in describe(old[1], new[1]):
                found.add(name, _subject(old[0]), detail)
            old, new = next(recorded, None), next(replayed, None)


def _subject(key: tuple[str, ...]) -> str:
    if key == ("",):
        return "header"
    return key[0] + (f" [{key[1]}]" if len(key) > 1 and key[1] else "")


def _describe_row(old: Mapping[Any, Any], new: Mapping[Any, Any]) -> list[str]:
    return [f"{column} recorded {_shown(old.get(column))}, replayed {_shown(new.get(column))}"
            for column in dict.fromkeys([*old, *new]) if old.get(column) != new.get(column)]


def _describe_entry(old: Any, new: Any) -> list[str]:
    if not isinstance(old, dict):
        return ["not an entry of an audit"]
    details = [f"{key} recorded {_shown(old.get(key))}, replayed {_shown(new.get(key))}"
               for key in dict.fromkeys([*old, *new]) if key != "findings" and old.get(key) != new.get(key)]
    return details + describe_findings(old.get("findings"), new.get("findings"))


def describe_findings(old: Any, new: Any) -> list[str]:
    """What differs between two lists of findings (JSON report objects), finding by finding: paired by rule,
    params and place, then what is left by rule and place (params that differ); a finding only one side has;
    each field of a pair that differs."""
    if not isinstance(old, list):
        return [f"findings recorded {_shown(old)}"]
    olds, news = _grouped(old, params=True), _grouped(new if isinstance(new, list) else [], params=True)
    details: list[str] = []
    left: list[Any] = []
    right: list[Any] = []
    for key in dict.fromkeys([*olds, *news]):
        for a, b in itertools.zip_longest(olds.get(key, []), news.get(key, [])):
            if a is None or b is None:
                (left if b is None else right).append(a if b is None else b)
            else:
                details += _describe_pair(key, a, b)
    olds, news = _grouped(left, params=False), _grouped(right, params=False)
    for key in dict.fromkeys([*olds, *news]):
        for a, b in itertools.zip_longest(olds.get(key, []), news.get(key, [])):
            if b is None:
                details.append(f"finding {_key(a, params=True)}: not in the replay")
            elif a is None:
                details.append(f"finding {_key(b, params=True)}: missing (the replay has it)")
            else:
                details += _describe_pair(key, a, b)
    return details


def _describe_pair(key: str, a: Any, b: Any) -> list[str]:
    if a == b:
        return []
    fields = [k for k in dict.fromkeys([*a, *b]) if a.get(k) != b.get(k)] if isinstance(a, dict) else []
    return [f"finding {key}: {k} recorded {_shown(a.get(k))}, replayed {_shown(b.get(k))}" for k in fields] \
        or [f"finding {key}: recorded {_shown(a)}"]


def _grouped(findings: Iterable[Any], *, params: bool) -> dict[str, list[Any]]:
    grouped: dict[str, list[Any]] = {}
    for finding in findings:
        grouped.setdefault(_key(finding, params=params), []).append(finding)
    return grouped


def _key(f: Any, *, params: bool) -> str:
    """A finding as verify names it: rule [params] at path."""
    if not isinstance(f, dict):
        return "(not a finding)"
    listed = params_text(f.get("params"))
    where = (f.get("location") or {}).get("path") if isinstance(f.get("location"), dict) else None
    return f"{f.get('rule')}{f' [{listed}]' if listed and params else ''}{f' at {where}' if where else ''}"


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


def _compare_manifest(found: _Found, recorded: Mapping[str, Any], replayed: Mapping[str, Any]) -> None:
    for key in dict.fromkeys([*recorded, *replayed]):
        if key == "outputs":
            old, new = recorded.get(key) or {}, replayed.get(key) or {}
            for name in dict.fromkeys([*old, *new]):
                if old.get(name) != new.get(name):
                    found.add("manifest.json", f"outputs.{name}",
                              f"recorded {_shown(old.get(name))}, replayed {_shown(new.get(name))}")
        elif recorded.get(key) != replayed.get(key):
            found.add("manifest.json", key, f"recorded {_shown(recorded.get(key))}, replayed "
                      f"{_shown(replayed.get(key))}")


# --- a check --format json report ----------------------------------------------------------------------------


def verify_report(path: Path) -> Verification:
    """Replay the check a JSON report's `provenance.run` records and compare the report. Raises CannotVerify."""
    from ..checking import Engine
    from ..reports.json_report import render

    try:
        text = path.read_text(encoding="utf-8")
        report = json.loads(text)
        provenance, run = report["provenance"], report["provenance"]["run"]
    except FileNotFoundError:
        raise CannotVerify(f"{path}: no such file or folder", "give an audit's --out folder, or a check --format "
                           "json report") from None
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise CannotVerify(f"{path}: cannot be read as a JSON report: {err}",
                           "give an audit's --out folder, or a check --format json report") from None
    except (KeyError, TypeError):
        run = None
    if not isinstance(run, dict):
        raise CannotVerify(f"{path}: records no provenance.run, which a replay needs",
                           "write the report with openwatt check --format json (openwatt with verify)")
    _same_version(str(path), provenance.get("openwatt_version"))
    try:
        engine = Engine(search_path=run["policy_path"], params=params_of(run["params"]),
                        config_params=params_of(run["config_params"]),
                        allow_no_rules=run["allow_no_rules"])
        waivers, as_of = waivers_of(run["waivers"]), dt.date.fromisoformat(provenance["as_of"])
        fail_on, input_waivers = FailOn(provenance["fail_on"]), InputWaivers(provenance["waivers"]["input"])
        paths = [str(p) for p in run["paths"]]
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise CannotVerify(f"{path}: provenance cannot be replayed: {type(err).__name__}: {err}",
                           "the report was edited: restore it, or check again") from None
    if "-" in paths:
        raise CannotVerify(f"{path}: checked standard input, which cannot be read again",
                           "check files instead of -, then verify that report")
    try:
        policies = engine.policies(run["policies"])
    except PolicyErrors as err:
        first = err.errors[0]
        raise CannotVerify(f"the policies recorded no longer compile: {first.span.file}: {first.code} {first.message}",
                           "verify with the policy files the check read") from None
    reasons = _changed_policies([{"sources": provenance["policies"]}], policies)
    reasons += [f"input {i['file']}: sha256 recorded {i['sha256'] or '(unreadable)'}, now {now or '(unreadable)'}"
                for i in provenance["inputs"] if (now := file_sha256(i["file"])) != i["sha256"]]
    if reasons:
        raise CannotVerify(f"{path}: cannot replay the check: {_changed(reasons)} since", _REPLAY_HINT,
                           reasons=reasons)
    replay = engine.check(paths, policies, waivers=waivers, as_of=as_of, fail_on=fail_on,
                          generated_at=provenance["generated_at"], input_format=run["input_format"],
                          input_waivers=input_waivers)
    replayed_text = render(replace(replay, provenance=replace(replay.provenance, run=run)))
    found = _Found()
    if replayed_text != text:
        _compare_reports(found, path.name, report, json.loads(replayed_text))
        if not found.shown:
            found.add(path.name, "", "differs from the replayed report in its layout (same data)")
    return Verification(inputs=len(replay.verdicts), outputs=(path.name,), differences=tuple(found.shown),
                        more=found.more)


def _compare_reports(found: _Found, name: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
    for key in dict.fromkeys([*old, *new]):
        if key == "findings":
            by_file_old, by_file_new = _by_file(old.get(key)), _by_file(new.get(key))
            for file in sorted({*by_file_old, *by_file_new}):
                for detail in describe_findings(by_file_old.get(file, []), by_file_new.get(file, [])):
                    found.add(name, file, detail)
        elif key == "verdicts":
            olds = {v.get("file"): v for v in old.get(key) or [] if isinstance(v, dict)}
            news = {v.get("file"): v for v in new.get(key) or [] if isinstance(v, dict)}
            for checked in sorted({*olds, *news}, key=str):
                for detail in _describe_row(olds.get(checked) or {}, news.get(checked) or {}):
                    found.add(name, f"verdict of {checked}", detail)
        elif old.get(key) != new.get(key):
            found.add(name, key, f"recorded {_shown(old.get(key))}, replayed {_shown(new.get(key))}")


def _by_file(findings: Any) -> dict[str, list[Any]]:
    grouped: dict[str, list[Any]] = {}
    for f in findings if isinstance(findings, list) else []:
        grouped.setdefault(str(f.get("file")) if isinstance(f, dict) else "(not a finding)", []).append(f)
    return grouped
