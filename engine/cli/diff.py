"""`openwatt diff`: which inputs and rules changed outcome between two audits, as a table and diff.csv."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..values.text import printable
from .common import ExitCode, fail, writable

if TYPE_CHECKING:
    from ..audit.compare import Change, Diff, DiffSummary

SHOWN = 40  # rows of the table on the terminal; diff.csv has them all


def register(commands: argparse._SubParsersAction) -> None:
    diff = commands.add_parser("diff", help="which inputs and rules changed outcome between two audits",
                               description="Compare two audit folders: the settings that differ, and each input "
                               "and rule whose outcome changed, as a table and diff.csv (change, id, file, rule, "
                               "old_params, new_params, old_status, new_status). Exit 0: no change; 1: changes; "
                               "2: cannot compare.")
    diff.add_argument("old", metavar="OLD_OUT", help="the earlier audit's --out folder")
    diff.add_argument("new", metavar="NEW_OUT", help="the later audit's --out folder")
    diff.add_argument("-o", "--output", metavar="FILE", help="where diff.csv goes (default NEW_OUT/diff.csv)")
    diff.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..audit.compare import CannotCompare, open_diff

    try:
        diff = open_diff(Path(args.old), Path(args.new))
    except CannotCompare as err:
        return fail(str(err), err.hint)
    return show(diff, Path(args.output) if args.output else Path(args.new) / "diff.csv")


def show(diff: Diff, output: Path) -> int:
    """diff.csv written to `output`, the settings that differ and a table of the first changes on stdout; the
    exit code: 0 no change, 1 changes, 2 cannot compare."""
    from ..audit.compare import CannotCompare, write_diff

    try:
        with output.open("w", encoding="utf-8", newline="") as handle:
            summary = write_diff(diff, handle, keep=SHOWN)
    except CannotCompare as err:
        output.unlink(missing_ok=True)  # half a diff.csv is no diff
        return fail(str(err), err.hint)
    except OSError as err:
        return fail(f"cannot write {output}: {err.strerror or err}", "give -o a file you can write")
    lines = [f"openwatt diff: {diff.old} -> {diff.new}"]
    if diff.settings:
        lines += ["settings that differ:", *(f"  {said}" for said in diff.settings)]
    if summary.first:
        lines += _table(summary.first)
    if summary.total > len(summary.first):
        lines.append(f"  ... and {summary.total - len(summary.first)} more rows in {output}")
    lines.append(_closing(summary, output))
    sys.stdout.write(writable("\n".join(printable(line) for line in lines) + "\n"))  # file names can hold controls
    return ExitCode.FINDINGS if summary.total else ExitCode.CLEAR


def _table(changes: tuple[Change, ...]) -> list[str]:
    rows = [("change", "file", "rule", "params", "old", "new")]
    for c in changes:
        params = c.old_params if c.old_params == c.new_params else \
            f"{c.old_params or '-'} -> {c.new_params or '-'}"
        rows.append((c.change.value, c.file, c.rule or "(verdict)", params, c.old_status or "-", c.new_status or "-"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]


def _closing(summary: DiffSummary, output: Path) -> str:
    from ..audit.compare import ChangeKind

    if not summary.total:
        return f"openwatt diff: no input or rule changed outcome; {output} written"
    counted = ", ".join(f"{summary.counts[k]} {k.value}" for k in ChangeKind if summary.counts[k])
    return (f"openwatt diff: {summary.total} change{'s' if summary.total != 1 else ''} ({counted}) in "
            f"{summary.inputs} input{'s' if summary.inputs != 1 else ''}; {output} written")
