"""``unmangle bench``: score repair systems on pairs, beside leaving the text alone."""

from __future__ import annotations

import argparse
import shlex
import sys

from . import CLIError


def register(subparsers: argparse._SubParsersAction) -> None:
    from ..pairs import FORMATS

    p = subparsers.add_parser(
        "bench",
        help="benchmark repair systems on (corrupted, clean) pairs",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Run repair systems on PAIRS and score them against the references, always "
        "beside the leave-it-alone baseline (identity) in the same run.\n\n"
        "With references: chrF, BLEU, TER (sacrebleu), GLEU, edit-level precision/recall/F0.5, "
        "no harm (already-correct inputs left unchanged), exact matches, and recall per corruption "
        "category when spans are labelled. Without references: edits per 1,000 words and share of "
        "words changed. Always: words/s and peak memory, the configuration and versions.\n\n"
        "Prints a Markdown table; -o, --markdown and --plot write JSON, Markdown and a PNG plot.",
        epilog="examples:\n"
        "  unmangle bench pairs.jsonl --systems identity,fast -o result.json\n"
        "  unmangle bench dev.jsonl.gz --source-field mt --target-field pe --group-field pair\n"
        "  unmangle bench corrupted.txt                    # no references: edit rates only\n"
        "  unmangle bench mt.txt --references pe.txt       # two aligned plain-text files\n"
        "  unmangle bench --compare before.json after.json",
    )
    p.add_argument("pairs", nargs="?", metavar="PAIRS",
                   help="the pairs: JSONL (.jsonl, .jsonl.gz), TSV or CSV with a header row, plain "
                   "text (one input a line, no reference) or a folder saved by datasets' "
                   "save_to_disk")
    p.add_argument("--format", choices=FORMATS, dest="fmt",
                   help="format of PAIRS (default: guessed from the file name)")
    p.add_argument("--source-field", default="source", metavar="NAME",
                   help="field holding the (corrupted) input (default: source)")
    p.add_argument("--target-field", default="target", metavar="NAME",
                   help="field holding the clean reference (default: target)")
    p.add_argument("--no-reference", action="store_true",
                   help="ignore references: report only how much each system changes")
    p.add_argument("--labels-field", default="spans", metavar="NAME",
                   help="field holding labelled corruption spans, as 'unmangle corrupt' writes them "
                   "(default: spans); gives recall per category")
    p.add_argument("--group-field", metavar="NAME",
                   help="also score each value of this field apart (e.g. 'pair' for MLQE-PE's "
                   "language pairs)")
    p.add_argument("--split", metavar="NAME", help="split to read from a saved DatasetDict")
    p.add_argument("--references", metavar="FILE",
                   help="plain-text references, line N for line N of a plain-text PAIRS file; "
                   "different line counts are an error")
    p.add_argument("--systems", default="identity,fast", metavar="LIST",
                   help="comma-separated systems: identity (leave alone), fast (deterministic "
                   "stages), full (all stages, neural when a model is bundled); full+STAGE adds an "
                   "opt-in stage (full+synonyms, full+names). identity always runs. Default: identity,fast")
    p.add_argument("--model", action="append", default=[], metavar="DIR",
                   help="add a system using this model folder (repeatable)")
    p.add_argument("--limit", type=int, metavar="N", help="use only the first N pairs")
    p.add_argument("--skip-bad", action="store_true",
                   help="skip malformed records (bad JSON, missing or empty fields, non-UTF-8) and "
                   "report how many, instead of stopping at the first")
    p.add_argument("--allow-empty", action="store_true",
                   help="accept empty inputs or references instead of rejecting them")
    p.add_argument("--batch-size", type=int, default=32, metavar="N",
                   help="texts handed to a system at once (default: 32)")
    p.add_argument("--name", help="name of this benchmark in reports (default: the file name)")
    p.add_argument("-o", "--output", metavar="OUT.json", help="write the full result as JSON")
    p.add_argument("--markdown", metavar="OUT.md", help="write the Markdown report here")
    p.add_argument("--plot", metavar="OUT.png",
                   help="write a PNG bar chart (recall per category; else TER per group)")
    p.add_argument("--list-edits", action="store_true",
                   help="record and report every edit each Repairer system made")
    p.add_argument("--trace-memory", action="store_true",
                   help="also measure the peak of Python allocations with tracemalloc (an extra, "
                   "untimed pass per system)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--compare", nargs=2, metavar=("A.json", "B.json"),
                   help="print a table of the differences between two result files and exit")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..bench import compare_results, load_result

    if args.compare:
        try:
            a, b = (load_result(path) for path in args.compare)
        except ValueError as exc:
            raise CLIError(str(exc)) from None
        sys.stdout.write(compare_results(a, b, a_label=args.compare[0], b_label=args.compare[1]))
        return 0
    if not args.pairs:
        raise CLIError("give PAIRS to benchmark (or --compare A.json B.json)")
    if args.limit is not None and args.limit <= 0:
        raise CLIError("--limit must be a positive number")
    if args.batch_size <= 0:
        raise CLIError("--batch-size must be a positive number")
    return _bench(args)


def _read(args: argparse.Namespace) -> tuple[list, dict]:
    from itertools import islice

    from ..pairs import PairFormatError, read_pairs, read_parallel

    info: dict = {"source": args.pairs}
    try:
        if args.references:
            if args.fmt not in (None, "text"):
                raise CLIError("--references goes with a plain-text PAIRS file")
            reader = read_parallel(args.pairs, args.references, allow_empty=args.allow_empty)
            info["references"] = args.references
        else:
            reader = read_pairs(
                args.pairs, source_field=args.source_field,
                target_field=None if args.no_reference else args.target_field, fmt=args.fmt,
                skip_bad=args.skip_bad, labels_field=args.labels_field or None,
                allow_empty=args.allow_empty, split=args.split)
        pairs = list(islice(reader, args.limit) if args.limit else reader)
    except PairFormatError as exc:
        raise CLIError(str(exc)) from None
    skipped = getattr(reader, "skipped", 0)
    if skipped:
        info["skipped_bad"] = skipped
        info["skipped_lines"] = reader.skipped_lines[:50]
        print(f"unmangle bench: skipped {skipped} bad record(s), first at line(s) "
              f"{', '.join(map(str, reader.skipped_lines[:10]))}", file=sys.stderr)
    if args.limit:
        info["limit"] = args.limit
    return pairs, info


def _bench(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ..bench import build_systems, plot, run_benchmark, to_markdown, write_json
    from ..bench.systems import STANDARD_SYSTEMS, split_system_name
    from ..model_folder import ModelFolderError

    names = [n.strip() for n in args.systems.split(",") if n.strip()]
    unknown = [n for n in names if split_system_name(n)[0] not in STANDARD_SYSTEMS]
    if unknown:
        raise CLIError(f"unknown system(s) {', '.join(unknown)}; choose from "
                       f"{', '.join(STANDARD_SYSTEMS)} (and --model DIR)")
    pairs, info = _read(args)
    try:
        systems = build_systems(names, args.model)
    except (ModelFolderError, OSError, ValueError) as exc:
        raise CLIError(f"cannot build the systems: {exc}") from None
    invoked = Path(sys.argv[0]).name if sys.argv else ""
    command = ("unmangle " + " ".join(shlex.quote(a) for a in sys.argv[1:])
               if invoked == "unmangle" else "")
    config = {"command": command, "systems": list(systems), "batch_size": args.batch_size,
              "source_field": args.source_field, "target_field": args.target_field,
              "format": args.fmt}
    try:
        result = run_benchmark(
            pairs, systems, name=args.name or Path(args.pairs).name, group_by=args.group_field,
            batch_size=args.batch_size, progress=not args.no_progress,
            keep_edits=args.list_edits, trace_memory=args.trace_memory, data_info=info,
            config=config)
    except ValueError as exc:
        raise CLIError(str(exc)) from None
    markdown = to_markdown(result)
    if args.output:
        write_json(result, args.output)
    if args.markdown:
        from ..atomic import write_text_atomic as write_atomic

        write_atomic(args.markdown, markdown)
    if args.plot:
        try:
            plot(result, args.plot)
        except ImportError:
            raise CLIError("--plot needs matplotlib: pip install 'unmangle[plot]'") from None
    sys.stdout.write(markdown)
    return 0
