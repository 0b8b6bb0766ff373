"""``unmangle repair-corpus``: repair a whole corpus (files or folders) into resumable output shards."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import EXIT_BAD_INPUT, CLIError
from .repairer_options import add_repairer_options, repairer_kwargs

#: exit status of a run that finished but passed bad rows through unrepaired, with --strict
EXIT_BAD_ROWS = 3


def register(subparsers: argparse._SubParsersAction) -> None:
    from ..corpus.engine import DEFAULT_BATCH_SIZE, DEFAULT_SHARD_SIZE
    from ..corpus.formats import IN_FORMATS, OUT_FORMATS

    p = subparsers.add_parser(
        "repair-corpus",
        help="repair a corpus (JSONL, CSV/TSV, Parquet, text, datasets folder) into output shards",
        description="Repair every document of IN and write OUT, a folder of shards (part-00000.jsonl, "
        "...) that keep every input column and add, for each text field F, unmangle_F (the repaired "
        "text) and unmangle_F_edits (JSON: span, old, new, stage, reason, confidence), plus "
        "unmangle_F_language (and with --score unmangle_F_score); when a name is taken "
        "the prefix becomes unmangle2_, unmangle3_, ... Rows that cannot be repaired (missing field, "
        "not text, undecodable bytes, a stage failure) are written unchanged and listed in "
        "OUT/_errors.jsonl with row number and reason. A rerun with the same settings skips finished "
        "shards. Exit status: 0 done (a warning line counts bad rows), 2 bad input or options, "
        f"{EXIT_BAD_ROWS} bad rows with --strict, 130 interrupted. See docs/CORPUS.md.",
    )
    p.add_argument("input", metavar="IN",
                   help="a .jsonl/.ndjson (optionally .gz), .csv, .tsv, .parquet or text file (one "
                   "document per line); or a folder: a datasets save_to_disk folder, a folder of such "
                   "files, or a folder of text files (one document per file)")
    p.add_argument("output", metavar="OUT", help="output folder (created; resumed if it holds this run)")
    p.add_argument("--text-field", action="append", metavar="NAME", dest="text_fields",
                   help="column holding the text to repair (default: text); repeatable")
    p.add_argument("--from", dest="in_format", choices=IN_FORMATS,
                   help="input format when the name does not tell it (text: a document per line; "
                   "text-files: a folder, a document per file; hf: a datasets save_to_disk folder)")
    p.add_argument("--to", dest="out_format", choices=OUT_FORMATS,
                   help="output format (default: the input's; JSONL for text, Parquet for hf folders; "
                   "CSV/TSV only from CSV/TSV)")
    p.add_argument("--workers", type=int, default=1, metavar="N",
                   help="worker processes (or Ray actors), each with its own Repairer (default 1); "
                   "the output does not depend on N")
    p.add_argument("--engine", choices=("local", "ray"), default="local",
                   help="local: processes on this machine (default); ray: Ray Data actors, on a local "
                   "Ray instance or the cluster at --ray-address (needs 'pip install unmangle[ray]')")
    p.add_argument("--ray-address", metavar="ADDR",
                   help="join this Ray cluster (e.g. ray://head:10001 or auto); default: start a local "
                   "instance")
    p.add_argument("--shard-size", type=int, default=DEFAULT_SHARD_SIZE, metavar="ROWS",
                   help=f"input rows per output shard (default {DEFAULT_SHARD_SIZE}); the unit of resuming")
    p.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE, metavar="ROWS",
                   help=f"rows a worker repairs at a time (default {DEFAULT_BATCH_SIZE})")
    p.add_argument("--score", action="store_true",
                   help="add unmangle_F_score, each document's suspicion score (0-1, as `unmangle "
                   "detect`); it costs about 7 times the --fast repair's time")
    p.add_argument("--min-score", type=float, metavar="S",
                   help="write only documents whose suspicion score is at least S (needs the document "
                   "score; bad rows are still written)")
    p.add_argument("--max-score", type=float, metavar="S",
                   help="write only documents whose suspicion score is at most S")
    p.add_argument("--prefix", default="unmangle_", metavar="P",
                   help="prefix of the added column names (default unmangle_)")
    p.add_argument("--overwrite", action="store_true",
                   help="delete the shards of an earlier run in OUT and start again")
    p.add_argument("--strict", action="store_true",
                   help=f"exit with status {EXIT_BAD_ROWS} when any row was passed through unrepaired")
    p.add_argument("--quiet", action="store_true", help="no progress bar or progress lines")
    add_repairer_options(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..corpus.engine import CorpusJob, run_local
    from ..corpus.formats import CorpusInputError
    from ..corpus.shards import ERRORS_FILE, RunMismatchError
    from ..lexicon import LexiconError
    from ..model_folder import ModelFolderError

    if args.workers < 1:
        raise CLIError("--workers must be at least 1")
    if args.ray_address and args.engine != "ray":
        raise CLIError("--ray-address needs --engine ray")
    job = CorpusJob(
        input=Path(args.input), output=Path(args.output), text_fields=tuple(args.text_fields or ["text"]),
        in_format=args.in_format, out_format=args.out_format, repairer_options=repairer_kwargs(args),
        shard_size=args.shard_size, batch_size=args.batch_size, score=args.score, min_score=args.min_score,
        max_score=args.max_score, prefix=args.prefix, overwrite=args.overwrite)
    try:
        if args.engine == "ray":
            from ..corpus.ray_engine import RayUnavailableError, run_ray

            try:
                summary = run_ray(job, workers=args.workers, address=args.ray_address,
                                  progress=not args.quiet)
            except RayUnavailableError as exc:
                raise CLIError(str(exc)) from None
        else:
            summary = run_local(job, workers=args.workers, progress=not args.quiet)
    except (CorpusInputError, RunMismatchError, LexiconError, ModelFolderError, ValueError, OSError) as exc:
        raise CLIError(str(exc), EXIT_BAD_INPUT) from None
    now, total = summary.this_run, summary.total
    rate = now.words / max(summary.seconds, 1e-9)
    print(f"repaired {now.rows:,} rows in {summary.seconds:.1f} s ({rate:,.0f} words/s); "
          f"{summary.shards} shards in {summary.out_dir} ({summary.shards_skipped} already finished); "
          f"in all {total.rows:,} rows, {total.changed:,} changed, {total.written:,} written, "
          f"{total.filtered_out:,} filtered out, {total.errors:,} bad", file=sys.stderr)
    if total.errors:
        print(f"warning: {total.errors:,} bad rows passed through unrepaired; reasons in "
              f"{summary.out_dir / ERRORS_FILE}", file=sys.stderr)
        if args.strict:
            return EXIT_BAD_ROWS
    return 0
