"""An audit from start to end: submissions checked (skipping those a resumed journal already holds), each
entry journaled as it completes, then the output folder written from the journal, sorted by file.

Writing the outputs from the journal, rather than from the entries as they arrive, is what makes a resumed
audit give byte for byte the outputs of one uninterrupted run.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..findings import Verdict
from ..language.policy import CompiledPolicy
from ..values.verdicts import FailOn
from .cohort import bands
from .executors import Checker, Executor, file_sha256, run
from .journal import Journal
from .manifest import fingerprint, manifest, manifest_text, now
from .report_html import HtmlReport
from .results import Entry
from .sources import Submission
from .writers import RulesWriter, SummaryWriter, outliers

__all__ = ["AuditCounts", "OUTPUTS", "audit"]

OUTPUTS = ("findings.jsonl", "summary.csv", "rules.csv", "manifest.json", "report.html")


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditCounts:
    """How many inputs an audit judged, by verdict, and how many a resumed journal already held."""

    inputs: int
    passed: int
    failed: int
    errors: int
    resumed: int


def audit(submissions: Iterable[Submission], checker: Checker, policies: Sequence[CompiledPolicy], out: Path, *,
          sources: Sequence[str], jobs: int = 1, resume: bool = False,
          on_entry: Callable[[Entry | None], None] | None = None, include: Sequence[str] = (),
          exclude: Sequence[str] = (), times: tuple[str, str] | None = None,
          executor: Executor | None = None) -> AuditCounts:
    """Check every submission into `out` (created if needed): journal.jsonl as it goes, then OUTPUTS.
    The submissions are checked by `executor` (default: `run` in `jobs` processes); whatever the executor and
    the order its entries come in, the outputs are the same.
    `on_entry` is called with each entry as it completes, and with None for each input the journal held.
    `include` and `exclude` are recorded in manifest.json (they selected the submissions); `times` (start, end)
    replaces the times recorded there (`openwatt verify` replays an audit with its own).
    Raises JournalError when `resume` finds a journal of another setup, OSError when `out` cannot be written,
    and whatever the executor raises when it cannot go on (the entries journaled so far are kept)."""
    started_at = now()
    out.mkdir(parents=True, exist_ok=True)
    journal = Journal(out, fingerprint(checker.setup, policies), resume=resume)
    files: set[str] = set()
    resumed = 0

    def pending() -> Iterator[Submission]:
        nonlocal resumed
        for submission in submissions:
            if submission.path in files:
                continue  # named twice: judged once
            files.add(submission.path)
            if journal.done and journal.is_done(submission.path, file_sha256(submission.path)):
                resumed += 1
                if on_entry is not None:
                    on_entry(None)
                continue
            yield submission

    try:
        checked = executor(pending(), checker) if executor is not None else run(pending(), checker, jobs=jobs)
        for entry in checked:
            journal.append(entry)
            if on_entry is not None:
                on_entry(entry)
    finally:
        journal.close()
    tally, rules, report = _write_outputs(journal, sorted(files), out, packs=[(p.id, p.version) for p in policies],
                                          fail_on=checker.setup.fail_on)
    started_at, ended_at = times or (started_at, now())
    data = manifest(checker.setup, policies, sources=sources, inputs=len(files), started_at=started_at,
                    ended_at=ended_at, include=include, exclude=exclude)
    report.write(out / "report.html", data, rules.rows())
    (out / "manifest.json").write_text(manifest_text(data, out), encoding="utf-8")
    return AuditCounts(inputs=len(files), passed=tally[Verdict.PASS], failed=tally[Verdict.FAIL],
                       errors=tally[Verdict.ERROR], resumed=resumed)


def _write_outputs(journal: Journal, files: list[str], out: Path, *, packs: Sequence[tuple[str, str]],
                   fail_on: FailOn) -> tuple[dict[Verdict, int], RulesWriter, HtmlReport]:
    """findings.jsonl, summary.csv and rules.csv from the journal, and report.html's data gathered on the way.
    A first pass reads only each line's figures: the cohort's bands must be known before the first row."""
    tally = dict.fromkeys(Verdict, 0)
    rules = RulesWriter()
    with journal.path.open("rb") as source:
        cohort = bands(journal.figures(source, file) for file in files)
    report = HtmlReport(packs=packs, bands=cohort, fail_on=fail_on)
    with (journal.path.open("rb") as source, (out / "findings.jsonl").open("wb") as findings,
          (out / "summary.csv").open("w", encoding="utf-8", newline="") as summary_file):
        summary = SummaryWriter(summary_file)
        for file in files:
            line = journal.read(source, file)
            findings.write(line)
            entry = json.loads(line)
            flags = outliers(entry, cohort)
            summary.add(entry, flags)
            rules.add(entry)
            report.add(entry, flags)
            tally[Verdict(entry["verdict"])] += 1
    with (out / "rules.csv").open("w", encoding="utf-8", newline="") as rules_file:
        rules.write(rules_file)
    return tally, rules, report

