"""`openwatt convert`: a model card, MOT file, CodeCarbon log or disclosure as a normalised disclosure."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..documents import INPUT_FORMATS
from .common import ExitCode, emit, fail


def register(commands: argparse._SubParsersAction) -> None:
    convert = commands.add_parser("convert", help="convert a model card, MOT file or CodeCarbon log to a disclosure",
                                  description="Read any supported input and write it as an openwatt disclosure, "
                                  "keys in the schema's order. Evidence references are kept, not merged.")
    convert.add_argument("input", metavar="INPUT", help="the file to convert")
    convert.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default: standard output); "
                         "a .json name writes JSON")
    convert.add_argument("--input-format", choices=INPUT_FORMATS, default=None,
                         help="read INPUT as this format (default: detected from name and content)")
    convert.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    convert.add_argument("--to", choices=("yaml", "json"), default=None,
                         help="output format (default: from the output file's name, else YAML)")
    convert.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..documents.importers.detection import load_any
    from ..documents.source import DocumentError
    from ..documents.writing import dump

    if args.output and Path(args.output).exists() and not args.force:
        return fail(f"{args.output} exists", "choose another file, or add --force to overwrite it")
    try:
        document = load_any(args.input, input_format=args.input_format)
    except DocumentError as err:
        return fail(str(err), err.hint)
    form = args.to or ("json" if args.output and args.output.lower().endswith(".json") else "yaml")
    return emit(dump(document.data, form), args.output) or ExitCode.CLEAR
