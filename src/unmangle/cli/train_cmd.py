"""``unmangle train``: train the detector + rewriter model from clean text and pair corpora."""

from __future__ import annotations

import argparse
import json

from . import CLIError


def add_corpus_arguments(p: argparse.ArgumentParser) -> None:
    """The corpus options ``train`` and ``ngram`` share."""
    p.add_argument("--clean", action="append", default=[], metavar="FILE",
                   help="clean text: JSONL(.gz) with --clean-field, or plain text; repeatable")
    p.add_argument("--clean-field", default="text", help="JSON field holding the text")
    p.add_argument("--clean-where", metavar="EXPR",
                   help="keep only JSON records matching FIELD OP VALUE, e.g. 'year<=2021'")
    p.add_argument("--max-paragraphs", type=int, default=100_000,
                   help="read at most this many clean paragraphs")
    p.add_argument("--pairs", action="append", default=[], metavar="FILE",
                   help="real (corrupted, clean) pairs as JSONL(.gz); repeatable")
    p.add_argument("--source-field", default="source", help="pair field with the corrupted text")
    p.add_argument("--target-field", default="target", help="pair field with the clean text")
    p.add_argument("--pair-repeat", type=int, default=1, help="show the real pairs this many times")
    p.add_argument("--detokenize", action="store_true",
                   help="pairs are Moses-tokenised ('son 's heart .'): detokenise them first")


def corpus_spec(args: argparse.Namespace):
    from ..training.recipe import CorpusSpec

    if not args.clean and not args.pairs:
        raise CLIError("give at least one --clean or --pairs corpus")
    return CorpusSpec(clean=args.clean, clean_field=args.clean_field, clean_where=args.clean_where,
                      pairs=args.pairs, source_field=args.source_field, target_field=args.target_field,
                      detokenize=args.detokenize, max_paragraphs=args.max_paragraphs,
                      pair_repeat=args.pair_repeat)


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "train",
        help="train a repair model from clean text (corrupted on the fly) and real pairs",
        description="Train the model the neural stage uses: clean sentences are corrupted with the "
        "corruption generator, real (corrupted, clean) pairs are mixed in, everything is tokenised up "
        "front, and one small T5 learns to flag corrupted tokens and to write replacements for flagged "
        "spans. Runs on CUDA when available (bf16), else on the CPU. Files whose names say dev/test/"
        "valid are refused: training never reads evaluation data.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    p.add_argument("--out", required=True, metavar="DIR", help="model folder to write (atomically)")
    p.add_argument("--work-dir", default="runs/train", metavar="DIR",
                   help="tokenizer and checkpoints go here; --resume continues from it")
    add_corpus_arguments(p)
    p.add_argument("--preset", default="news", help="corruption preset (light, news, heavy)")
    p.add_argument("--model-size", default="small", choices=["tiny", "small", "base"],
                   help="architecture preset")
    p.add_argument("--vocab-size", type=int, default=16000, help="sentencepiece vocabulary size")
    p.add_argument("--keep-negatives", type=int, default=1, metavar="N",
                   help="<keep> examples per sentence: untouched spans the rewriter must learn to leave")
    p.add_argument("--negative-content-weight", type=float, default=1.0, metavar="W",
                   help="how much likelier a content word is than another word to be a <keep> example "
                   "(1: uniform, as the bundled model; more teaches it to leave rare words alone)")
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=1e-2, help="peak Adafactor learning rate")
    p.add_argument("--warmup-steps", type=int, default=300, help="linear warm-up steps")
    p.add_argument("--no-scale-parameter", action="store_true",
                   help="absolute Adafactor steps instead of steps scaled by each weight's size")
    p.add_argument("--time-budget", type=float, metavar="SECONDS",
                   help="stop training after this many seconds (data building not counted)")
    p.add_argument("--max-steps", type=int, help="stop after this many steps")
    p.add_argument("--eval-every", type=int, default=500, help="steps between held-out evaluations")
    p.add_argument("--workers", type=int, default=1, help="processes that build examples")
    p.add_argument("--device", default="auto", help="auto, cpu, cuda")
    p.add_argument("--seed", type=int, default=0)
    start = p.add_mutually_exclusive_group()
    start.add_argument("--resume", action="store_true", help="continue from --work-dir's checkpoint")
    start.add_argument("--init-from", metavar="MODEL_DIR",
                       help="start from this model folder's weights and tokenizer (fresh optimiser, "
                       "new corruptions; --model-size and --vocab-size are then ignored)")
    p.add_argument("--summary", metavar="FILE", help="also write the training summary JSON here")
    p.add_argument("--no-ngram", action="store_true",
                   help="do not add the corpora's n-gram model (ngram.npz) to the model folder")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..training.data import EvalDataError, ExampleSettings
    from ..training.recipe import train_from_corpora
    from ..training.train import TrainingOutOfMemory, TrainSettings

    spec = corpus_spec(args)
    if args.time_budget is None and args.max_steps is None:
        raise CLIError("give --time-budget or --max-steps so training knows when to stop")
    if args.keep_negatives < 0 or args.negative_content_weight <= 0:
        raise CLIError("--keep-negatives must be >= 0 and --negative-content-weight > 0")
    examples = ExampleSettings(negatives=args.keep_negatives,
                               negative_content_weight=args.negative_content_weight)
    ts = TrainSettings(batch_size=args.batch_size, lr=args.lr, warmup_steps=args.warmup_steps,
                       scale_parameter=not args.no_scale_parameter, time_budget=args.time_budget,
                       max_steps=args.max_steps, eval_every=args.eval_every, seed=args.seed,
                       device=args.device)
    try:
        info = train_from_corpora(spec, args.out, work_dir=args.work_dir, model_size=args.model_size,
                                  vocab_size=args.vocab_size, train_settings=ts,
                                  example_settings=examples, workers=args.workers,
                                  preset=args.preset, resume=args.resume, ngram=not args.no_ngram,
                                  init_from=args.init_from)
    except (EvalDataError, FileNotFoundError, ValueError, TrainingOutOfMemory) as exc:
        raise CLIError(str(exc)) from None
    if args.summary:
        with open(args.summary, "w", encoding="utf-8") as fh:
            json.dump(info, fh, indent=2)
    return 0
