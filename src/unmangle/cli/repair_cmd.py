"""``unmangle repair``: repair a file or standard input."""

from __future__ import annotations

import argparse
import difflib
import json

from . import CLIError
from .io import read_text, write_text
from .repairer_options import add_repairer_options, repairer_kwargs


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "repair",
        help="repair machine-mangled text",
        description="Repair machine-mangled English read from FILE (or standard input) and write the "
        "repaired text to standard output or -o OUT. Input must be UTF-8.",
    )
    p.add_argument("file", nargs="?", default="-", metavar="FILE",
                   help="UTF-8 text file to repair; '-' or nothing reads standard input")
    p.add_argument("-o", "--output", metavar="OUT",
                   help="write here instead of standard output (written atomically)")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--diff", action="store_true",
                     help="print a unified diff of input and repaired text instead of the text")
    fmt.add_argument("--json", action="store_true",
                     help="print JSON: the repaired text and every edit (span, old, new, stage, "
                     "reason, confidence)")
    add_repairer_options(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..lexicon import LexiconError
    from ..neural.model_dir import ModelFolderError
    from ..pipeline import Repairer

    text = read_text(args.file)
    try:
        repairer = Repairer(**repairer_kwargs(args))
    except (LexiconError, ModelFolderError, OSError) as exc:
        raise CLIError(str(exc)) from None
    result = repairer.repair_document(text)
    if args.json:
        out = json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n"
    elif args.diff:
        name = "stdin" if args.file in (None, "-") else args.file
        out = "".join(difflib.unified_diff(
            text.splitlines(keepends=True), result.text.splitlines(keepends=True),
            fromfile=f"{name} (input)", tofile=f"{name} (repaired)"))
    else:
        out = result.text
    write_text(args.output, out)
    return 0
