"""Where submissions are checked: in this process, or in a pool of worker processes (`dask_executor` has the
Dask cluster's executor).

Every worker compiles the policies once (`_start_worker`, the pool's initializer) and then checks batches
of paths, each input through `inputs.check_input`, building each result's findings.jsonl line itself. The
local executors yield the entries in submission order, and at most a few batches per worker are in flight:
memory does not grow with the inputs. An executor may yield in any order (the Dask one yields as batches
complete): the outputs are written from the journal, sorted by file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from ..documents.problems import Problem, ProblemKind
from ..evaluation import AppliedPolicies
from ..findings import Finding
from ..inputs import InputOptions, check_input
from ..language.policy import CompiledPolicy
from ..values.verdicts import FailOn, InputWaivers
from ..waivers import Waiver
from .cohort import figures_of
from .results import Entry, entry_of
from .sources import Submission

__all__ = ["AuditSetup", "BATCH", "Checker", "Executor", "file_sha256", "in_batches", "run"]

BATCH = 32  # submissions sent to a worker at once
IN_FLIGHT = 4  # batches per worker submitted ahead of the results written


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditSetup:
    """What every worker needs to compile the policies and read the inputs; plain data, so it pickles."""

    policies: tuple[str, ...]  # as named on the command line: ids or files
    search_path: tuple[str, ...] = ()
    params: Mapping[str, str] = field(default_factory=dict)  # --set NAME=VALUE
    config_params: Mapping[str, Any] = field(default_factory=dict)  # openwatt.toml's, typed
    as_of: dt.date
    fail_on: FailOn
    input_format: str | None = None
    input_waivers: InputWaivers = InputWaivers.REPORT  # a submitter's own waivers are reported, not applied
    waivers: tuple[Waiver, ...] = ()  # from --waivers files: the funder's or regulator's, always applied

    def compile(self) -> list[CompiledPolicy]:
        """The policies, each once; raises PolicyErrors."""
        from ..checking import Engine

        engine = Engine(search_path=self.search_path, params=self.params, config_params=self.config_params)
        return engine.policies(self.policies)


class Checker:
    """The policies compiled once, and the options every input is read with."""

    def __init__(self, setup: AuditSetup, policies: Sequence[CompiledPolicy] | None = None) -> None:
        self.setup = setup
        self.applied = AppliedPolicies(policies if policies is not None else setup.compile())
        self.options = InputOptions(as_of=setup.as_of, input_format=setup.input_format,
                                    input_waivers=setup.input_waivers, waivers=setup.waivers)

    def check(self, submission: Submission) -> Entry:
        """One submission's entry. An input that cannot be read, or whose check breaks, is its error finding."""
        if submission.problem is not None:
            findings: Sequence[Finding] = (Finding.from_problem(submission.problem),)
            return entry_of(submission.id, submission.path, "", findings, self.setup.fail_on)
        try:
            result = check_input(submission.path, self.applied, self.options)
        except Exception as error:  # noqa: BLE001 -- the one per-document boundary: the audit goes on
            return self.broken(submission, f"{type(error).__name__}: {error}",
                               "please report this as a bug of openwatt, with the input if you can")
        sha256 = result.sources[0].sha256 or file_sha256(submission.path)
        figures = figures_of(result.document.data) if result.document is not None else {}
        return entry_of(submission.id, submission.path, sha256, result.findings, self.setup.fail_on, figures)

    def check_batch(self, batch: Sequence[Submission]) -> list[Entry]:
        return [self.check(s) for s in batch]

    def broken(self, submission: Submission, cause: str, hint: str) -> Entry:
        """The entry of a submission whose check broke (`cause`): its one error finding."""
        problem = Problem(kind=ProblemKind.LOAD, file=submission.path, line=0, column=0,
                          message=f"openwatt could not check this input: {cause}", hint=hint)
        return entry_of(submission.id, submission.path, file_sha256(submission.path), (Finding.from_problem(problem),),
                        self.setup.fail_on)


Executor = Callable[[Iterable[Submission], Checker], Iterator[Entry]]
"""Where an audit's submissions are checked: each submission's entry, in any order (`run` is one, with --jobs)."""


def file_sha256(path: str) -> str:
    """The sha256 of a file's bytes, or "" when they cannot be read (what findings.jsonl records for it)."""
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return ""


_WORKER: Checker | None = None


def _start_worker(setup: AuditSetup) -> None:
    global _WORKER
    _WORKER = Checker(setup)


def _check_in_worker(batch: Sequence[Submission]) -> list[Entry]:
    assert _WORKER is not None, "the pool's initializer compiles the policies"
    return _WORKER.check_batch(batch)


def run(submissions: Iterable[Submission], checker: Checker, *, jobs: int = 1) -> Iterator[Entry]:
    """Each submission's entry, in submission order: in this process when `jobs` is 1, else in `jobs` worker
    processes, each compiling the policies once."""
    if jobs <= 1:
        for submission in submissions:
            yield checker.check(submission)
        return
    batches = in_batches(submissions, BATCH)
    with ProcessPoolExecutor(max_workers=jobs, initializer=_start_worker, initargs=(checker.setup,)) as pool:
        pending: deque[Future[list[Entry]]] = deque()
        for batch in itertools.islice(batches, jobs * IN_FLIGHT):
            pending.append(pool.submit(_check_in_worker, batch))
        while pending:
            entries = pending.popleft().result()
            following = next(batches, None)
            if following is not None:
                pending.append(pool.submit(_check_in_worker, following))
            yield from entries


def in_batches(items: Iterable[Submission], size: int) -> Iterator[list[Submission]]:
    """The submissions in lists of `size` (the last shorter), read as they are needed."""
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch
