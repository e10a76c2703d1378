"""`openwatt schema`: print a shipped JSON Schema, or the disclosure format as Markdown."""

from __future__ import annotations

import argparse
import sys

from .common import ExitCode


def register(commands: argparse._SubParsersAction) -> None:
    from ..documents.reference import SCHEMAS

    schema = commands.add_parser("schema", help="print a JSON Schema (disclosure, report, report-line, policy-test)",
                                 description="Print one of openwatt's JSON Schemas (Draft 2020-12).")
    schema.add_argument("name", choices=sorted(SCHEMAS), help="which schema")
    schema.add_argument("--markdown", action="store_true",
                        help="the disclosure format as Markdown, field by field (docs/disclosure.md)")
    schema.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..documents.reference import render_reference, schema_text
    from .common import fail

    if args.markdown:
        if args.name != "disclosure":
            return fail("--markdown is for the disclosure schema", "openwatt schema disclosure --markdown")
        sys.stdout.write(render_reference())
    else:
        sys.stdout.write(schema_text(args.name))
    return ExitCode.CLEAR
