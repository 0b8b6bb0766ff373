"""``unmangle detect``: list suspicious spans with scores, changing nothing."""

from __future__ import annotations

import argparse
import json

from . import CLIError
from .io import read_text, write_text


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "detect",
        help="list spans that look machine-mangled, with scores",
        description="Score spans of FILE (or standard input) as likely corrupted, without changing "
        "anything. Spans come from the lexicon (known corruptions) and from the neural detector "
        "(calibrated probability that the span was damaged).",
    )
    p.add_argument("file", nargs="?", default="-", metavar="FILE", help="UTF-8 text; '-' = stdin")
    p.add_argument("-o", "--output", metavar="OUT", help="write here instead of standard output")
    p.add_argument("--json", action="store_true", help="print JSON lines instead of a table")
    p.add_argument("--model", metavar="DIR", help="model folder (default: the bundled model)")
    p.add_argument("--threshold", type=float, metavar="P",
                   help="report spans scoring at least P (default: the model's calibrated threshold)")
    p.add_argument("--lexicon", action="append", default=[], metavar="FILE",
                   help="extra lexicon file; repeatable")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..detection import detect
    from ..lexicon import LexiconError
    from ..neural.model_dir import ModelFolderError

    text = read_text(args.file)
    try:
        spans = detect(text, model=args.model or "default", threshold=args.threshold,
                       lexicons=args.lexicon)
    except (LexiconError, ModelFolderError) as exc:
        raise CLIError(str(exc)) from None
    from ..language import document_language

    language, share = document_language(text)
    if args.json:
        # one object per span; "language" is the document's (non-English lines are never flagged)
        out = "".join(json.dumps({"start": s.start, "end": s.end, "text": s.text, "score": s.score,
                                  "source": s.source, "language": language}, ensure_ascii=False)
                      + "\n" for s in spans)
    else:
        rows = [f"{s.start:>8} {s.end:>8}  {s.score:5.2f}  {s.source:<8} {s.text.strip()!r}" for s in spans]
        out = "\n".join([f"# language: {language} ({share:.0%} of the text)",
                         f"{'start':>8} {'end':>8}  score  source   text"] + rows) + "\n"
    write_text(args.output, out)
    return 0
