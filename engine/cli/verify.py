"""`openwatt verify`: replay an audit folder (or a check's JSON report) and confirm every outcome it records."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..values.text import printable
from .common import ExitCode, processes, writable

if TYPE_CHECKING:
    from ..audit.verify import CannotVerify, Difference


def register(commands: argparse._SubParsersAction) -> None:
    verify = commands.add_parser("verify", help="replay an audit (or a JSON report) and confirm its outcomes",
                                 description="Re-run what an audit folder's manifest.json (or a check --format "
                                 "json report's provenance) records, refuse when a policy or an input changed since, "
                                 "and confirm every output; name each difference. Exit 0: verified; 1: the outputs "
                                 "differ from the replay (tampered); 2: cannot verify.")
    verify.add_argument("target", metavar="OUT_DIR|REPORT.json", help="an audit's --out folder, or a JSON report")
    verify.add_argument("--jobs", type=processes, default=1, metavar="N",
                        help="replay an audit in N worker processes (default 1: in this process)")
    verify.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..audit.verify import CannotVerify, verify_audit, verify_report

    target = Path(args.target)
    try:
        result = verify_audit(target, jobs=args.jobs) if target.is_dir() else verify_report(target)
    except CannotVerify as err:
        return _cannot(args.target, err)
    _differences(result.differences, result.more)
    if result.verified:
        sys.stdout.write(writable(f"openwatt verify: {args.target}: verified: {_inputs(result.inputs)} replayed; "
                                  f"{_names(result.outputs)} {'are' if len(result.outputs) > 1 else 'is'} what the "
                                  "replay gives\n"))
        return ExitCode.CLEAR
    why = ("the outputs have the sha256 manifest.json records, yet the replay judges otherwise: an evidence file "
           "a submission cites changed since, or manifest.json was edited with them") if result.unedited else \
        "the outputs were changed after they were written"
    sys.stdout.write(writable(f"openwatt verify: {args.target}: NOT verified: {result.count} "
                              f"difference{'s' if result.count != 1 else ''} from a replay of {_inputs(result.inputs)}"
                              f"; {why}\n"))
    return ExitCode.FINDINGS


def _cannot(target: str, err: CannotVerify) -> int:
    """The reasons on stderr; what was found tampered anyway on stdout, and then exit 1 rather than 2."""
    _differences(err.tampered, {})
    lines = [f"openwatt: error: {printable(err.message)}", *(f"    {printable(reason)}" for reason in err.reasons),
             f"    hint: {err.hint}"]
    sys.stderr.write(writable("\n".join(lines) + "\n"))
    if err.tampered:
        sys.stdout.write(writable(f"openwatt verify: {target}: NOT verified: {len(err.tampered)} output"
                                  f"{'s' if len(err.tampered) != 1 else ''} edited after the audit (and no replay)\n"))
        return ExitCode.FINDINGS
    return ExitCode.BAD_INPUT


def _differences(differences: Sequence[Difference], more: Mapping[str, int]) -> None:
    for difference in differences:
        sys.stdout.write(writable(f"  {difference}\n"))
    for output, count in sorted(more.items()):
        sys.stdout.write(f"  {output}: and {count} more difference{'s' if count != 1 else ''}\n")


def _inputs(count: int) -> str:
    return f"{count} input{'s' if count != 1 else ''}"


def _names(outputs: tuple[str, ...]) -> str:
    return outputs[0] if len(outputs) == 1 else f"{', '.join(outputs[:-1])} and {outputs[-1]}"
