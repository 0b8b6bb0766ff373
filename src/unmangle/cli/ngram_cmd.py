"""``unmangle ngram``: build the n-gram model a model folder uses to rank rule-made alternatives."""

from __future__ import annotations

import argparse
from pathlib import Path

from . import CLIError
from .train_cmd import add_corpus_arguments, corpus_spec


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "ngram",
        help="build the n-gram model (ngram.npz) of a model folder from clean text",
        description="Count word trigrams in clean text (every clean sentence and the clean side of "
        "every pair) and write them as an n-gram model. Put it in a model folder as ngram.npz and "
        "the neural stage ranks rule-made alternatives with it and adds its judgement to the "
        "rewriter's. 'unmangle train' builds one itself unless given --no-ngram; this command "
        "rebuilds it, e.g. with text from your own domain.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    p.add_argument("--out", required=True, metavar="FILE",
                   help="file to write, e.g. MODEL_DIR/ngram.npz (replaced atomically)")
    add_corpus_arguments(p)
    p.set_defaults(handler=run, max_paragraphs=10**9)


def run(args: argparse.Namespace) -> int:
    from ..atomic import replace_on_success
    from ..training.data import EvalDataError
    from ..training.recipe import build_ngram, load_corpora

    spec = corpus_spec(args)
    out = Path(args.out)
    if not out.parent.is_dir():
        raise CLIError(f"folder {out.parent} does not exist")
    try:
        clean, pairs = load_corpora(spec)
        with replace_on_success(out) as tmp:
            build_ngram(clean, pairs, tmp)
    except (EvalDataError, FileNotFoundError, ValueError) as exc:
        raise CLIError(str(exc)) from None
    return 0
