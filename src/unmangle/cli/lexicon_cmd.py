"""``unmangle lexicon``: check lexicon files, convert the PPS list, mine a lexicon from pairs,
write entries from the gazetteer's literal renderings of names."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from . import CLIError

PPS_ATTRIBUTION = (
    "Tortured phrases from the Problematic Paper Screener (PPS) list: Cabanac, Labbe & Magazinov\n"
    "(2021), arXiv:2107.06751. Scientific domain: use only with --lexicon, never by default.\n"
    "Converted and cleaned by 'unmangle lexicon pps' (see unmangle.lexicon.pps for the steps)."
)


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "lexicon",
        help="check lexicon files, convert the PPS tortured-phrase list, mine a lexicon from pairs",
        description="Work with lexicon files (known corruptions and their repairs; the format is "
        "described in seeds/README.md). Use a file with 'unmangle repair --lexicon FILE'.",
    )
    sub = p.add_subparsers(dest="lexicon_command", metavar="ACTION")
    p.set_defaults(handler=lambda args: _usage(p))

    check = sub.add_parser(
        "check", help="validate lexicon files and count their entries",
        description="Parse each lexicon file (TSV or YAML), report errors with file and line, and "
        "print entry and form counts by kind. Without FILE, checks the bundled seed lexicon. Also "
        "warns about entries whose replacement the lexicon would rewrite again. Exit status 2 when "
        "a file is malformed.")
    check.add_argument("files", nargs="*", metavar="FILE", help="lexicon files (.tsv, .yaml)")
    check.set_defaults(handler=run_check)

    pps = sub.add_parser(
        "pps", help="convert the public PPS tortured-phrase list into a lexicon file",
        description="Read the Problematic Paper Screener tortured-phrase list (its CSV export, its "
        "JSON, or a folder holding them), clean its known defects (uncertain '?' answers, entries "
        "that would rewrite correct text, query operators, one-word forms, duplicates) and write a "
        "project-format lexicon with kind 'tortured-phrase' and confidence 0.6. It is "
        "scientific-domain: use the result only on purpose, with 'unmangle repair --lexicon FILE'. "
        "Prints how many entries were kept and dropped, by reason.")
    pps.add_argument("path", metavar="PATH", help="tortured_pps_export.csv, tortured-phrases.json, "
                     "or a folder with either or both")
    pps.add_argument("-o", "--output", required=True, metavar="FILE",
                     help="lexicon file to write (.tsv, or .yaml); written atomically")
    pps.add_argument("--keep-default-forms", action="store_true",
                     help="keep forms the bundled lexicon already handles (by default they are "
                     "dropped, so the converted file never overrides a bundled entry)")
    pps.set_defaults(handler=run_pps)

    mine = sub.add_parser(
        "mine", help="learn a lexicon from your (corrupted, clean) pairs",
        description="Align each (corrupted source, clean target) pair word by word, collect the "
        "substitutions that recur (names, phrases; 1 to --max-words words), and write them as a "
        "lexicon with a confidence per entry (how often the form was rewritten when it occurred). "
        "Substitutions that would damage clean text are dropped, or given a require= context rule "
        "learned from their contexts: the targets count as clean text, and so does --clean-corpus "
        "when given. The file is written atomically when mining ends.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    mine.add_argument("pairs", metavar="PAIRS",
                      help="pairs: JSONL, TSV or CSV file (with a header), or a datasets folder")
    mine.add_argument("-o", "--output", metavar="FILE",
                      help="lexicon file to write (.tsv or .yaml); standard output if left out")
    mine.add_argument("--clean-corpus", metavar="FILE",
                      help="clean text the lexicon must not change: plain text (one text a line) or "
                      "JSONL with --clean-field; .gz allowed")
    mine.add_argument("--clean-field", default="text", help="JSON field of --clean-corpus records")
    mine.add_argument("--source-field", default="source", help="field holding the corrupted text")
    mine.add_argument("--target-field", default="target", help="field holding the clean text")
    mine.add_argument("--format", choices=["jsonl", "tsv", "csv", "datasets"],
                      help="format of PAIRS (default: guessed from the name)")
    mine.add_argument("--split", help="split of a saved datasets DatasetDict")
    mine.add_argument("--min-count", type=int, default=2,
                      help="keep substitutions seen at least this often")
    mine.add_argument("--min-confidence", type=float, default=0.5,
                      help="drop forms rewritten less often than this when they occur")
    mine.add_argument("--max-words", type=int, default=4, help="longest form, in words")
    mine.add_argument("--no-context", action="store_true",
                      help="drop forms found in clean text instead of learning a require= rule")
    mine.add_argument("--keep-inflections", action="store_true",
                      help="also mine inflection changes (hospital -> hospitals); skipped by default")
    mine.add_argument("--detokenize", action="store_true",
                      help="pairs are Moses-tokenised ('son 's heart .'): detokenise them first")
    mine.add_argument("--skip-bad", action="store_true",
                      help="skip malformed records (counted) instead of stopping at the first")
    mine.add_argument("--show", type=int, default=10, metavar="N",
                      help="print the N most frequent entries with an example each")
    mine.set_defaults(handler=run_mine)

    calques = sub.add_parser(
        "calques", help="write lexicon entries from the gazetteer's literal renderings of names",
        description="Write lexicon entries for what a translation system makes of a Chinese name "
        "when it translates the characters ('Millet' for Xiaomi, 'Tiny Letter' for WeChat), from "
        "the bundled gazetteer (CC-CEDICT, CC BY-SA 4.0: the file written is shared under the "
        "same licence). Each entry is case-sensitive and needs the name, its pinyin or words of "
        "its kind nearby (require=). Review the file, then use it with "
        "'unmangle repair --lexicon FILE'.")
    calques.add_argument("-o", "--output", required=True, metavar="FILE",
                         help="lexicon file to write (.tsv or .yaml); written atomically")
    calques.add_argument("--kinds", default="org", metavar="KINDS",
                         help="comma-separated gazetteer kinds to include: org, place, other "
                         "(default: org, companies and apps)")
    calques.add_argument("--confidence", type=float, default=0.6,
                         help="confidence given to every entry, in (0, 1] (default 0.6)")
    calques.set_defaults(handler=run_calques)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def _describe(lexicon, name: str) -> str:
    kinds = Counter(entry.kind for entry in lexicon.entries)
    with_rules = sum(1 for entry in lexicon.entries if entry.has_context_rule)
    by_kind = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
    return (f"{name}: {len(lexicon)} entries, {lexicon.n_forms} forms"
            + (f" ({by_kind}); {with_rules} with a context rule" if len(lexicon) else ""))


def _unstable(lexicon) -> list[str]:
    """Entries whose replacement the lexicon would rewrite again (repair would not be idempotent)."""
    out = []
    for entry in lexicon.entries:
        context = " ".join(t.rstrip("*") for t in entry.require[:1])
        text = f"{entry.replacement} {context}".strip()
        again = lexicon.apply(text)
        if again != text:
            out.append(f"{entry.source or entry.forms[0]}: replacement {entry.replacement!r} is "
                       f"rewritten again ({text!r} -> {again!r})")
    return out


def run_check(args: argparse.Namespace) -> int:
    from ..lexicon import Lexicon, LexiconError

    lexicons = []
    try:
        if not args.files:
            from ..resources import seed_lexicon_dir

            lexicons.append((f"default lexicon ({seed_lexicon_dir()})", Lexicon.load_default()))
        for name in args.files:
            lexicons.append((name, Lexicon.from_file(name)))
    except LexiconError as exc:
        raise CLIError(str(exc)) from None
    for name, lexicon in lexicons:
        print(_describe(lexicon, name))
        for warning in _unstable(lexicon):
            print(f"  warning: {warning}", file=sys.stderr)
    if len(lexicons) > 1:
        combined = Lexicon([])
        for _, lexicon in lexicons:
            combined = combined.extended(lexicon)
        print(_describe(combined, "all together"))
    return 0


def run_pps(args: argparse.Namespace) -> int:
    from ..lexicon import Lexicon, LexiconError
    from ..lexicon.tortured import read_pps

    exclude: list[str] = []
    try:
        if not args.keep_default_forms:
            exclude = [form for _, forms in Lexicon.load_default().entries_with_forms()
                       for form in forms]
        entries, report = read_pps(Path(args.path), exclude_forms=exclude)
        lexicon = Lexicon(entries)
    except LexiconError as exc:
        raise CLIError(str(exc)) from None
    except UnicodeDecodeError as exc:
        raise CLIError(f"{args.path}: not valid UTF-8 ({exc.reason} at byte {exc.start})") from None
    summary = report.summary()
    lexicon.write(args.output, comment=PPS_ATTRIBUTION + "\n\n" + summary)
    print(summary, file=sys.stderr)
    print(f"wrote {len(lexicon)} entries to {args.output}", file=sys.stderr)
    return 0


def run_mine(args: argparse.Namespace) -> int:
    from ..lexicon.mining import MiningReport, mine_lexicon, mined_lexicon, read_clean_corpus
    from ..pairs import PairFormatError, read_pairs

    if args.min_count < 1:
        raise CLIError("--min-count must be at least 1")
    if not 0.0 <= args.min_confidence <= 1.0:
        raise CLIError("--min-confidence must lie in [0, 1]")
    if args.max_words < 1:
        raise CLIError("--max-words must be at least 1")
    try:
        reader = read_pairs(args.pairs, source_field=args.source_field,
                            target_field=args.target_field, fmt=args.format,
                            skip_bad=args.skip_bad, split=args.split)
    except PairFormatError as exc:
        raise CLIError(str(exc)) from None
    pairs = reader
    if args.detokenize:
        from ..detok import detokenize

        pairs = ((detokenize(p.source), detokenize(p.target)) for p in reader)
    clean = read_clean_corpus(args.clean_corpus, args.clean_field) if args.clean_corpus else None
    report = MiningReport()
    try:
        mined = mine_lexicon(pairs, clean, min_count=args.min_count,
                             min_confidence=args.min_confidence, max_words=args.max_words,
                             learn_context=not args.no_context,
                             skip_inflections=not args.keep_inflections, report=report,
                             progress=True)
    except (PairFormatError, ValueError) as exc:
        raise CLIError(str(exc)) from None
    if reader.skipped:
        report.skipped["malformed record (--skip-bad)"] += reader.skipped
    summary = report.summary()
    print(summary, file=sys.stderr)
    for m in mined[:args.show]:
        rule = f" [{m.entry.rules_text()}]" if m.entry.has_context_rule else ""
        print(f"  {m.count:>5}x {m.entry.forms[0]!r} -> {m.entry.replacement!r} "
              f"(confidence {m.entry.confidence:.2f}){rule}  e.g. {m.examples[0]}", file=sys.stderr)
    lexicon = mined_lexicon(mined)
    settings = (f"min count {args.min_count}, min confidence {args.min_confidence}, max words "
                f"{args.max_words}, clean corpus {args.clean_corpus or 'none (targets only)'}")
    comment = f"Mined by 'unmangle lexicon mine' from {args.pairs} ({settings})\n\n{summary}"
    if args.output:
        lexicon.write(args.output, comment=comment)
        print(f"wrote {len(lexicon)} entries to {args.output}", file=sys.stderr)
    else:
        from ..lexicon.fileformat import format_tsv

        sys.stdout.write(format_tsv(lexicon.entries_with_forms(), comment))
    return 0


CALQUE_ATTRIBUTION = (
    "Literal renderings of names, from the unmangle gazetteer (CC-CEDICT, MDBG, CC BY-SA 4.0,\n"
    "https://creativecommons.org/licenses/by-sa/4.0/): this file is shared under CC BY-SA 4.0.\n"
    "Generated by 'unmangle lexicon calques': review each entry before use."
)


def run_calques(args: argparse.Namespace) -> int:
    from ..lexicon import Lexicon
    from ..names.calques import calque_entries
    from ..names.gazetteer import Gazetteer

    kinds = tuple(k.strip() for k in args.kinds.split(",") if k.strip())
    unknown = set(kinds) - {"org", "place", "other", "person"}
    if unknown or not kinds:
        raise CLIError(f"--kinds: unknown kind(s) {sorted(unknown)}; kinds are org, place, other")
    if not 0.0 < args.confidence <= 1.0:
        raise CLIError("--confidence must lie in (0, 1]")
    shipped = {form.lower() for _, forms in Lexicon.load_default().entries_with_forms() for form in forms}
    entries = calque_entries(Gazetteer.load_default(), kinds=kinds, exclude_forms=shipped,
                             confidence=args.confidence)
    lexicon = Lexicon(entries)
    lexicon.write(args.output, comment=CALQUE_ATTRIBUTION)
    print(f"wrote {len(lexicon)} entries ({lexicon.n_forms} forms) to {args.output}", file=sys.stderr)
    return 0
