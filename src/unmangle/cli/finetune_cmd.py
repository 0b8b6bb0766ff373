"""``unmangle finetune``: adapt a model to a user's own (corrupted, clean) pairs."""

from __future__ import annotations

import argparse
import json

from . import CLIError


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "finetune",
        help="fine-tune the repair model on your own (corrupted, clean) pairs",
        description="Continue training a model (default: the bundled one) on your pairs, report the "
        "benchmark metrics on --eval before and after, and write a model folder that "
        "'unmangle repair --model DIR' and Repairer.load(DIR) use. The folder is written atomically; "
        "an interrupted run resumes from --work-dir with --resume.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    p.add_argument("--train", required=True, metavar="PAIRS", help="training pairs (JSONL, TSV, CSV, "
                   "or a datasets folder saved with save_to_disk)")
    p.add_argument("--eval", metavar="PAIRS", help="held-out pairs to score before and after")
    p.add_argument("--base", metavar="DIR", help="model folder to start from (default: bundled model)")
    p.add_argument("--out", required=True, metavar="DIR", help="model folder to write")
    p.add_argument("--work-dir", metavar="DIR", help="checkpoints (default: OUT.work)")
    p.add_argument("--format", choices=["jsonl", "tsv", "csv", "datasets"], help="input format "
                   "(default: from the file name)")
    p.add_argument("--source-field", default="source", help="field with the corrupted text")
    p.add_argument("--target-field", default="target", help="field with the clean text")
    p.add_argument("--steps", type=int, default=500, help="training steps")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--lr", type=float, default=5e-4, help="peak learning rate")
    p.add_argument("--time-budget", type=float, metavar="SECONDS", help="stop after this long")
    p.add_argument("--device", default="auto", help="auto, cpu, cuda")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--resume", action="store_true", help="continue from the work dir's checkpoint")
    p.add_argument("--report", metavar="FILE", help="write the before/after metrics JSON here")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..training.finetune import FinetuneError, finetune_from_files
    from ..training.train import TrainingOutOfMemory

    try:
        report = finetune_from_files(
            train=args.train, eval_path=args.eval, base=args.base, out=args.out, work_dir=args.work_dir,
            fmt=args.format, source_field=args.source_field, target_field=args.target_field,
            steps=args.steps, batch_size=args.batch_size, lr=args.lr, time_budget=args.time_budget,
            device=args.device, seed=args.seed, resume=args.resume)
    except (FinetuneError, TrainingOutOfMemory) as exc:
        raise CLIError(str(exc)) from None
    text = json.dumps(report, indent=2)
    if args.report:
        with open(args.report, "w", encoding="utf-8") as fh:
            fh.write(text + "\n")
    print(json.dumps({k: report[k] for k in ("before", "after") if k in report}, indent=2))
    return 0
