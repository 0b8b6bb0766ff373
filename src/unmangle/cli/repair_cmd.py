"""``unmangle repair``: repair a file, a web page or standard input; print text, a diff, JSON, and
optionally write an HTML review page."""

from __future__ import annotations

import argparse
import difflib
import json
import os
import sys
from pathlib import Path

from . import CLIError
from .io import decode_utf8, read_bytes, write_text
from .repairer_options import add_repairer_options, repairer_kwargs

DIFF_FORMATS = ("words", "unified")
COLOR_CHOICES = ("auto", "always", "never")


class _DiffAction(argparse.Action):
    """``--diff`` alone means word diff; ``--diff=unified`` the line diff. Because FILE is optional,
    ``--diff FILE`` hands the file name to this option: it is kept as the input file."""

    def __call__(self, parser, namespace, values, option_string=None):
        if values is None:
            values = "words"
        elif values not in DIFF_FORMATS:
            if not Path(values).exists() and values != "-":
                parser.error(f"argument --diff: unknown format {values!r} (choose from "
                             f"{', '.join(DIFF_FORMATS)}), and no file of that name")
            namespace.diff_file = values
            values = "words"
        setattr(namespace, self.dest, values)


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "repair",
        help="repair machine-mangled text",
        description="Repair machine-mangled English read from FILE (or standard input) and write the "
        "repaired text to standard output or -o OUT. Text input must be UTF-8; a web page is "
        "read in its declared charset and its article text is repaired.",
    )
    p.add_argument("file", nargs="?", default="-", metavar="FILE",
                   help="UTF-8 text file or web page (.html/.htm, or content starting with <!DOCTYPE "
                   "html> or <html>) to repair; '-' or nothing reads standard input")
    p.add_argument("-o", "--output", metavar="OUT",
                   help="write here instead of standard output (written atomically)")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--diff", nargs="?", action=_DiffAction, const="words", default=None,
                     metavar="FORMAT",
                     help="print what changed instead of the text: --diff (or --diff=words) shows "
                     "only the changed lines, each change inline ([-old-]{+new+}, or in colour on "
                     "a terminal); --diff=unified prints a unified diff of whole lines")
    fmt.add_argument("--json", action="store_true",
                     help="print JSON: the repaired text and every edit (span, old, new, stage, "
                     "reason, confidence)")
    p.add_argument("--color", "--colour", choices=COLOR_CHOICES, default="auto", dest="color",
                   help="colour in --diff output: auto (default: when writing to a terminal and "
                   "NO_COLOR is unset), always, never")
    p.add_argument("--html", metavar="REPORT",
                   help="also write a self-contained HTML review page here: every edit in place "
                   "(reason and confidence on hover or focus), spans detect() flags that repair "
                   "left unchanged highlighted by score, a summary, filters per stage, "
                   "n/p keys for next/previous")
    p.add_argument("--html-in", action="store_true",
                   help="treat the input as a web page even if its name and start do not say so; "
                   "the article text is extracted (needs: pip install 'unmangle[html]')")
    p.add_argument("--keep-boilerplate", action="store_true",
                   help="for a web page: repair all visible text instead of the extracted article "
                   "(the boilerplate stage still removes known chrome lines)")
    add_repairer_options(p)
    p.set_defaults(handler=run)


def read_input_text(path: str, *, html_in: bool = False, keep_boilerplate: bool = False) -> str:
    """The text to repair: a UTF-8 file as it is, or the text of a web page."""
    from ..extract import ExtractionUnavailable, looks_like_html, page_text

    data, name = read_bytes(path)
    if not (html_in or looks_like_html(data, None if path == "-" else path)):
        return decode_utf8(data, name)
    try:
        return page_text(data, keep_boilerplate=keep_boilerplate)
    except ExtractionUnavailable as exc:
        raise CLIError(f"{name} is a web page, but {exc}") from None


def use_color(choice: str, output: str | None) -> bool:
    if choice != "auto":
        return choice == "always"
    if output not in (None, "-") or os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return sys.stdout.isatty()


def _flagged_spans(text: str, args: argparse.Namespace) -> list:
    """What detect() flags, with the same lexicons and model as the repair (lexicon only with --fast)."""
    from ..detection import detect

    model = None if args.fast else (args.model or "default")
    return detect(text, model=model, lexicons=args.lexicon)


def run(args: argparse.Namespace) -> int:
    from ..lexicon import LexiconError
    from ..model_folder import ModelFolderError
    from ..pipeline import Repairer
    from ..report import render_report, word_diff

    diff_file = getattr(args, "diff_file", None)
    if diff_file is not None:
        if args.file not in (None, "-"):
            raise CLIError(f"two input files given ({diff_file} and {args.file}); repair takes one")
        args.file = diff_file
    path = args.file or "-"
    text = read_input_text(path, html_in=args.html_in, keep_boilerplate=args.keep_boilerplate)
    try:
        repairer = Repairer(**repairer_kwargs(args))
    except (LexiconError, ModelFolderError, OSError, ValueError) as exc:  # ValueError: settings that cannot run
        raise CLIError(str(exc)) from None
    from ..streaming import STREAM_CHARS, repair_in_blocks

    if len(text) > STREAM_CHARS and not (args.json or args.diff):
        # a very long input goes block by block: memory follows the block, not the file
        write_text(args.output, "".join(repair_in_blocks(repairer, text)))
        return 0
    result = repairer.repair_document(text)
    name = "stdin" if path == "-" else path
    if args.json:
        from ..language import describe

        # the document's language and the lines left alone as non-English
        out = json.dumps({**result.to_dict(), "language": describe(text)}, ensure_ascii=False,
                         indent=2) + "\n"
    elif args.diff == "unified":
        out = "".join(difflib.unified_diff(
            text.splitlines(keepends=True), result.text.splitlines(keepends=True),
            fromfile=f"{name} (input)", tofile=f"{name} (repaired)"))
    elif args.diff == "words":
        out = word_diff(text, result.edits, color=use_color(args.color, args.output))
    else:
        out = result.text
    if args.html:
        page = render_report(result, _flagged_spans(text, args), title=f"unmangle review: {Path(name).name}")
        try:
            write_text(args.html, page)
        except OSError as exc:
            raise CLIError(f"cannot write the report {args.html}: {exc}", 1) from None
    write_text(args.output, out)
    if args.html:
        print(f"review page written to {args.html} ({len(result.edits)} edits)", file=sys.stderr)
    return 0
