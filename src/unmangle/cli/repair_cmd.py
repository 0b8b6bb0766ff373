"""``unmangle repair``: repair a file or standard input."""

from __future__ import annotations

import argparse
import difflib
import json

from . import CLIError
from .io import read_text, write_text


def register(subparsers: argparse._SubParsersAction) -> None:
    from ..neural.model_dir import PRECISIONS
    from ..pipeline import DEFAULT_ORDER

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
    p.add_argument("--disable", action="append", default=[], metavar="STAGE",
                   choices=list(DEFAULT_ORDER),
                   help=f"switch a stage off; repeatable. Stages: {', '.join(DEFAULT_ORDER)}")
    p.add_argument("--lexicon", action="append", default=[], metavar="FILE",
                   help="add a lexicon file (TSV or YAML, see the README); repeatable")
    p.add_argument("--fast", action="store_true",
                   help="deterministic stages only (no neural model): much faster, fixes less")
    p.add_argument("--model", metavar="DIR",
                   help="use this model folder (e.g. from 'unmangle finetune') instead of the bundled one")
    p.add_argument("--threshold", type=float, metavar="T",
                   help="evidence (nats) a neural change needs over leaving the text alone: the "
                   "rewriter's margin plus the n-gram gain and the detector's weighted log-odds, less a "
                   "discount for merely commoner words (higher = fewer, safer changes; default: "
                   "the model's calibrated value)")
    p.add_argument("--precision", choices=PRECISIONS, default="bf16",
                   help="how the neural model runs: bf16 (default; each text is treated the same "
                   "whatever it is batched with; on CPUs with AMX scores can move by hundredths of "
                   "a nat), int8 (faster on some CPUs: from a few per cent "
                   "to a third in our benchmarks; an edit near the threshold can depend on the "
                   "batch) or fp32 (reference, slowest)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..lexicon import LexiconError
    from ..neural.model_dir import ModelFolderError
    from ..pipeline import Repairer

    text = read_text(args.file)
    try:
        repairer = Repairer(disable=args.disable, lexicons=args.lexicon, fast=args.fast,
                            model=args.model or "default", threshold=args.threshold,
                            precision=args.precision)
    except (LexiconError, ModelFolderError, OSError) as exc:
        raise CLIError(str(exc)) from None
    from ..streaming import STREAM_CHARS, repair_in_blocks

    if len(text) > STREAM_CHARS and not (args.json or args.diff):
        # a very long input goes block by block: memory follows the block, not the file
        write_text(args.output, "".join(repair_in_blocks(repairer, text)))
        return 0
    result = repairer.repair_document(text)
    if args.json:
        from ..language import describe

        # the document's language and the lines left alone as non-English
        out = json.dumps({**result.to_dict(), "language": describe(text)}, ensure_ascii=False,
                         indent=2) + "\n"
    elif args.diff:
        name = "stdin" if args.file in (None, "-") else args.file
        out = "".join(difflib.unified_diff(
            text.splitlines(keepends=True), result.text.splitlines(keepends=True),
            fromfile=f"{name} (input)", tofile=f"{name} (repaired)"))
    else:
        out = result.text
    write_text(args.output, out)
    return 0
