"""`openwatt audit`: many submissions against policies, into an output folder (findings.jsonl, summary.csv,
rules.csv, manifest.json), in parallel with --jobs, resumable with --resume."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from ..documents import INPUT_FORMATS
from ..findings import Verdict
from ..values.verdicts import DEFAULT_FAIL_ON, FailOn, InputWaivers
from .common import (ExitCode, add_policy_path, fail, load_config, parse_as_of, parse_params, policy_errors,
                     policy_search_path, processes)

if TYPE_CHECKING:
    from ..audit.executors import Executor
    from ..audit.results import Entry
    from ..audit.sources import Submission
    from ..audit.running import AuditCounts


def register(commands: argparse._SubParsersAction) -> None:
    audit = commands.add_parser("audit", help="audit many submissions into an output folder",
                                description="Check many submissions (folders searched recursively, files, or "
                                "manifests: CSV with the header id,path or JSON Lines of {\"id\", \"path\"}) "
                                "against policies; write findings.jsonl, summary.csv, rules.csv and "
                                "manifest.json to --out.")
    audit.add_argument("sources", nargs="+", metavar="SOURCE",
                       help="a folder, a glob (quoted: 'subs/**/*.yaml'), a file or a manifest; repeatable")
    audit.add_argument("-p", "--policy", action="append", required=True, metavar="POLICY",
                       help="a policy file (x.policy) or a policy id; repeatable")
    add_policy_path(audit)
    audit.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", dest="params",
                       help="override a param, e.g. --set max_training_energy='500 MWh'; repeatable")
    audit.add_argument("--out", required=True, metavar="DIR", help="the folder the outputs and journal go to")
    audit.add_argument("--jobs", type=processes, default=1, metavar="N",
                       help="check in N worker processes (default 1: in this process)")
    audit.add_argument("--executor", choices=("local", "dask"), default="local",
                       help="where the inputs are checked: local (default: this machine, --jobs processes) or dask "
                       "(a Dask cluster: --scheduler's, else one started here with --jobs workers; needs "
                       "openwatt[dask])")
    audit.add_argument("--scheduler", metavar="ADDRESS",
                       help="the Dask scheduler of --executor dask, e.g. tcp://10.0.0.5:8786 (default: a LocalCluster)")
    audit.add_argument("--resume", action="store_true",
                       help="skip the inputs --out's journal already holds with the same sha256")
    audit.add_argument("--include", action="append", default=[], metavar="GLOB",
                       help="the file names searched for in folders (default *.yaml, *.yml, *.json); repeatable")
    audit.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                       help="leave out a folder's files whose path under it matches; repeatable")
    audit.add_argument("--input-format", choices=INPUT_FORMATS, default=None,
                       help="read every input as this format (default: detected from name and content)")
    audit.add_argument("--fail-on", choices=[f.value for f in FailOn], default=None,
                       help="the least severe failure that makes an input's verdict fail (default error)")
    audit.add_argument("--as-of", metavar="YYYY-MM-DD",
                       help="judge waiver expiry and `today` on this date (default: SOURCE_DATE_EPOCH's date, "
                       "else today)")
    audit.add_argument("--waivers", action="append", default=[], metavar="FILE",
                       help="a YAML/JSON file with a 'waivers' list (the funder's or regulator's); repeatable")
    audit.add_argument("--input-waivers", choices=[w.value for w in InputWaivers],
                       default=InputWaivers.REPORT.value,
                       help="what waivers written inside the submissions (by their submitters) do: report (default: "
                       "waive nothing, say so beside each failure), apply or ignore")
    audit.add_argument("--compare", metavar="OLD_OUT",
                       help="after the audit, compare it with an earlier audit's --out folder, as openwatt diff does "
                       "(a table, and diff.csv in --out)")
    audit.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..audit.dask_executor import ExecutorError
    from ..audit.executors import AuditSetup, Checker
    from ..audit.journal import JournalError
    from ..audit.running import audit
    from ..audit.sources import submissions
    from ..checking import judged_as_of
    from ..documents.source import DocumentError
    from ..language.errors import PolicyErrors
    from ..waivers import load_waivers

    params = parse_params(args.params)
    if isinstance(params, int):
        return params
    as_of = parse_as_of(args.as_of)
    if isinstance(as_of, int):
        return as_of
    config = load_config()
    if isinstance(config, int):
        return config
    try:
        waivers = [w for file in [*args.waivers, *config.waivers] for w in load_waivers(file)]
    except DocumentError as err:
        return fail(f"waivers: {err}", err.hint)
    setup = AuditSetup(policies=tuple(args.policy), search_path=tuple(map(str, policy_search_path(args, config))),
                       params=params, config_params=config.params,
                       as_of=judged_as_of(as_of),
                       fail_on=FailOn(args.fail_on) if args.fail_on else config.fail_on or DEFAULT_FAIL_ON,
                       input_format=args.input_format, input_waivers=InputWaivers(args.input_waivers),
                       waivers=tuple(waivers))
    try:
        policies = setup.compile()
    except PolicyErrors as err:
        return policy_errors(err, "; nothing was audited")
    checker = Checker(setup, policies)
    if (wrong := _executor_mistake(args)) is not None:
        return fail(*wrong)
    if args.compare is not None and (compared := _comparable(args.compare)) is not None:
        return compared

    def selected() -> Iterator[Submission]:
        return submissions(args.sources, include=args.include, exclude=args.exclude)

    with _progress(selected) as on_entry:
        try:
            with _executor(args) as executor:
                counts = audit(selected(), checker, policies, Path(args.out), sources=args.sources, jobs=args.jobs,
                               resume=args.resume, on_entry=on_entry, include=args.include, exclude=args.exclude,
                               executor=executor)
        except ExecutorError as err:
            return fail(str(err), err.hint)
        except JournalError as err:
            return fail(str(err), err.hint)
        except OSError as err:
            return fail(f"cannot write to {args.out}: {err.strerror or err}",
                        "give an --out folder the user running openwatt can write to")
    _report(counts, args.out)
    if counts.inputs == 0:
        return fail(f"no input found in {', '.join(args.sources)}", "check the paths and the --include globs")
    if args.compare is not None and _compare(args.compare, args.out) == ExitCode.BAD_INPUT:
        return ExitCode.BAD_INPUT
    if counts.errors:
        return ExitCode.BAD_INPUT
    return ExitCode.FINDINGS if counts.failed else ExitCode.CLEAR


def _comparable(old: str) -> int | None:
    """The exit code after the error for a --compare folder that is no finished audit's, checked before the audit."""
    from ..audit.compare import CannotCompare, open_diff

    try:
        open_diff(Path(old), Path(old))
    except CannotCompare as err:
        return fail(f"--compare {err}", err.hint)
    return None


def _compare(old: str, out: str) -> int:
    """`openwatt diff OLD OUT` after the audit: the table on stdout and diff.csv in OUT; diff's exit code."""
    from ..audit.compare import CannotCompare, open_diff
    from .diff import show

    try:
        return show(open_diff(Path(old), Path(out)), Path(out) / "diff.csv")
    except CannotCompare as err:
        return fail(f"--compare {err}", err.hint)


def _executor_mistake(args: argparse.Namespace) -> tuple[str, str] | None:
    """What is wrong with --executor, --scheduler and --jobs together, with a hint; None when nothing."""
    if args.scheduler is not None and args.executor != "dask":
        return "--scheduler is the address of a Dask scheduler", "add --executor dask"
    if args.scheduler is not None and args.jobs > 1:
        return ("--jobs sets the workers of a cluster started here; with --scheduler, the cluster's own workers "
                "check the inputs", "leave out --jobs, or --scheduler to start a cluster of --jobs workers here")
    return None


@contextmanager
def _executor(args: argparse.Namespace) -> Iterator[Executor | None]:
    """The Dask executor of --executor dask (its cluster closed on leaving); None for the local executor."""
    if args.executor != "dask":
        yield None
        return
    from ..audit.dask_executor import connect

    with connect(args.scheduler, workers=args.jobs) as executor:
        yield executor


def _report(counts: AuditCounts, out: str) -> None:
    """The closing line, on stdout: what the command did (the progress bar, on stderr, is gone by then)."""
    resumed = f" ({counts.resumed} from the journal)" if counts.resumed else ""
    sys.stdout.write(f"openwatt audit: {counts.inputs} inputs{resumed}: {counts.passed} pass, {counts.failed} fail, "
                     f"{counts.errors} error; outputs in {out}\n")


@contextmanager
def _progress(selected: Callable[[], Iterator[Submission]]) -> Iterator[Callable[[Entry | None], None] | None]:
    """A progress bar on stderr when it is a terminal (done/total, rate, inputs failing so far, time left);
    nothing in a pipe. The total is counted by a first pass over the submissions (paths only)."""
    if not sys.stderr.isatty() or os.environ.get("TERM") == "dumb":
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    total = sum(1 for _ in selected())
    columns = (TextColumn("auditing"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[rate]} inputs/s, {task.fields[failing]} failing"), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("audit", total=total, rate="-", failing=0)
        failing = 0

        def advance(entry: Entry | None) -> None:  # None: an input the journal held
            nonlocal failing
            failing += entry is not None and entry.verdict is not Verdict.PASS
            speed = progress.tasks[task].speed
            progress.update(task, advance=1, failing=failing, rate=f"{speed:.0f}" if speed else "-")
        yield advance
