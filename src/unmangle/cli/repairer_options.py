"""The options that configure a Repairer, shared by every command that repairs text."""

from __future__ import annotations

import argparse


def add_repairer_options(p: argparse.ArgumentParser) -> None:
    """Add ``--disable``, ``--enable``, ``--lexicon``, ``--fast``, ``--model``, ``--min-evidence``,
    ``--precision``, ``--model-engine``."""
    from ..model_folder import ENGINES, PRECISIONS
    from ..pipeline import DEFAULT_ORDER
    from ..stages.base import stage_specs

    opt_in = {s.name: s.summary for s in stage_specs() if not s.default}
    p.add_argument("--disable", action="append", default=[], metavar="STAGE",
                   choices=list(DEFAULT_ORDER),
                   help=f"switch a stage off; repeatable. Stages: {', '.join(DEFAULT_ORDER)}")
    p.add_argument("--enable", action="append", default=[], metavar="STAGE", choices=list(opt_in),
                   help="switch an opt-in stage on (it needs the model folder's n-gram model, so not "
                   "with --fast); repeatable. Opt-in stages: "
                   + "; ".join(f"{name} ({summary})" for name, summary in opt_in.items()))
    p.add_argument("--lexicon", action="append", default=[], metavar="FILE",
                   help="add a lexicon file (TSV or YAML, see the README); repeatable")
    p.add_argument("--fast", action="store_true",
                   help="deterministic stages only (no neural model): much faster, fixes less")
    p.add_argument("--model", metavar="DIR",
                   help="use this model folder (e.g. from 'unmangle finetune') instead of the bundled one")
    p.add_argument("--min-evidence", "--threshold", dest="threshold", type=float, metavar="T",
                   help="evidence (nats) a neural change needs over leaving the text alone: the "
                   "rewriter's margin plus the n-gram gain and the detector's weighted log-odds, less a "
                   "discount for merely commoner words (higher = fewer, safer changes; default: "
                   "the model's calibrated value; --threshold is its old name)")
    p.add_argument("--precision", choices=PRECISIONS, default="bf16",
                   help="the neural model's arithmetic: bf16 (default: Linear layers in bfloat16, "
                   "the rest in float32), int8 (runs on torch whatever --model-engine says; faster on "
                   "some CPUs, from a few per cent to a third in our benchmarks; an edit near the "
                   "threshold can depend on the batch) or fp32 (reference, slowest)")
    p.add_argument("--model-engine", choices=ENGINES, default="numpy",
                   help="what runs the neural model: numpy (default; a text's result does not depend "
                   "on what else is repaired with it; no torch needed), auto (torch for calls over 60 "
                   "words: faster on large inputs, results equal to rounding) or torch")


def repairer_kwargs(args: argparse.Namespace) -> dict:
    """The ``Repairer(...)`` keyword arguments the options above ask for."""
    return {"disable": list(args.disable), "enable": list(args.enable), "lexicons": list(args.lexicon),
            "fast": args.fast,
            "model": args.model or "default", "min_evidence": args.threshold,
            "precision": args.precision, "model_engine": args.model_engine}
