"""`openwatt init`: start a disclosure from a commented template, or from an existing model card."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .common import ExitCode, fail


def register(commands: argparse._SubParsersAction) -> None:
    init = commands.add_parser("init", help="write a commented disclosure template",
                               description="Write a disclosure template covering every section of the schema, "
                               "each field with its description; fields not yet known are commented out.")
    init.add_argument("--from", dest="source", metavar="FILE",
                      help="pre-fill from a Hugging Face model card (README.md), a MOT file or a CodeCarbon log")
    init.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default: standard output)")
    init.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    init.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..documents.template import render_template

    data = None
    if args.source is not None:
        from ..documents.importers.detection import load_any
        from ..documents.source import DocumentError

        try:
            data = load_any(args.source).data
        except DocumentError as err:
            return fail(str(err), err.hint)
    text = render_template(data)
    if args.output is None:
        sys.stdout.write(text)
        return ExitCode.CLEAR
    target = Path(args.output)
    if target.exists() and not args.force:
        return fail(f"{target} exists", "choose another file, or add --force to overwrite it")
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as err:
        return fail(f"cannot write {target}: {err.strerror or err}")
    sys.stderr.write(f"wrote {target}; next: fill it in and run openwatt check {target}\n")
    return ExitCode.CLEAR
