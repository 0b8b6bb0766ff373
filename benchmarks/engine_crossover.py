#!/usr/bin/env python
"""Where NumPy stops being the faster engine for the bundled model (``SMALL_CALL_WORDS`` of the
``auto`` engine).

Times the same encoder and decoder calls on both engines of :mod:`unmangle.neural.engine` (NumPy,
torch) at the default ``bf16`` precision, over batch shapes from one short sentence to 32 rows,
in one process (so the ratio holds whatever else the machine runs), and the largest difference
between the engines' outputs.

    python benchmarks/engine_crossover.py --out benchmarks/results/engine_crossover.json

Text: a sentence the script carries (no data files needed).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

SENTENCE = ("The committee met on Monday to discuss the new budget and the regulator said last week that it "
            "would review the case before the elections in the spring of next year")
ENCODER_SHAPES = [(1, 10), (1, 28), (2, 28), (3, 28), (4, 28), (8, 28), (16, 28), (32, 28)]
DECODER_SHAPES = [(1, 2), (1, 6), (2, 6), (4, 6), (8, 6), (16, 2), (32, 2), (16, 6), (32, 6)]


def timed(call, repeats: int) -> float:
    call()
    call()
    start = time.perf_counter()
    for _ in range(repeats):
        call()
    return (time.perf_counter() - start) / repeats * 1000


EXAMPLE = "seeds/examples/mangled_news.txt"


def score_agreement(folder, engines: dict) -> dict:
    """How far the engines' margins and detector probabilities lie apart on the shipped example."""
    from dataclasses import replace

    from unmangle.neural.detector import Detector
    from unmangle.neural.rewriter import Rewriter
    from unmangle.textspans import chunks, sentences

    root = Path(__file__).resolve().parents[1]
    text = (root / EXAMPLE).read_text(encoding="utf-8")
    pieces = [s.text for s in sentences(text) if len(s.text.split()) > 3]
    changes = [(p, a, b, "the") for p in pieces for a, b in chunks(p)]
    settings = replace(folder.settings, batch_size=64)
    margins, probs = {}, {}
    for name, network in engines.items():
        margins[name] = Rewriter(network, folder.tokenizer(), settings).margins(changes)
        probs[name] = [p for scored in Detector(network, folder.tokenizer(), settings).chunk_scores(pieces)
                       for *_, p in scored]
    gaps = [abs(a - b) for a, b in zip(margins["numpy"], margins["torch"])]
    prob_gaps = [abs(a - b) for a, b in zip(probs["numpy"], probs["torch"])]
    return {"margins": len(gaps), "max_margin_diff": max(gaps), "mean_margin_diff": sum(gaps) / len(gaps),
            "chunks": len(prob_gaps), "max_probability_diff": max(prob_gaps)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=30, help="timed calls per shape and engine")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/engine_crossover.json"))
    args = parser.parse_args()

    from unmangle.model_folder import resolve
    from unmangle.neural.engine import SMALL_CALL_WORDS, torch_network
    from unmangle.neural.numpy_t5 import NumpyT5

    folder = resolve("default")
    if folder is None:
        sys.exit("engine_crossover.py: no bundled model in this install")
    path = folder.path
    engines = {"numpy": NumpyT5.load(path, "bf16"), "torch": torch_network(path, "bf16")}
    tok = folder.tokenizer()
    words = SENTENCE.split()
    rows = []
    for batch, tokens in ENCODER_SHAPES:
        text = " ".join(words)
        ids = tok.batch([text])["input_ids"][:, :tokens]
        ids = np.repeat(ids, batch, axis=0)
        mask = np.ones_like(ids)
        ms = {name: timed(lambda e=e: e.encode(ids, mask), args.repeats) for name, e in engines.items()}
        diff = float(np.abs(engines["numpy"].encode(ids, mask) - engines["torch"].encode(ids, mask)).max())
        rows.append({"call": "encode", "batch": batch, "tokens": ids.shape[1], "positions": int(ids.size),
                     **{f"{k}_ms": round(v, 2) for k, v in ms.items()}, "max_abs_diff": diff})
    ids = np.repeat(tok.batch([SENTENCE])["input_ids"][:, :28], 32, axis=0)
    mask = np.ones_like(ids)
    for batch, tokens in DECODER_SHAPES:
        labels = np.tile(np.arange(5, 5 + tokens), (batch, 1))
        ms = {}
        outs = {}
        for name, e in engines.items():
            hidden = e.encode(ids[:batch], mask[:batch])
            kv = e.cross_keys_values(hidden)
            ms[name] = timed(lambda e=e, h=hidden, kv=kv: e.decoder_logits(h, mask[:batch], labels, cross_kv=kv),
                             args.repeats)
            outs[name] = e.decoder_logits(hidden, mask[:batch], labels, cross_kv=kv)
        rows.append({"call": "decoder", "batch": batch, "tokens": tokens, "positions": batch * tokens,
                     **{f"{k}_ms": round(v, 2) for k, v in ms.items()},
                     "max_abs_diff": float(np.abs(outs["numpy"] - outs["torch"]).max())})
    agreement = score_agreement(folder, engines)
    record = {"command": "python benchmarks/engine_crossover.py " + " ".join(sys.argv[1:]),
              "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
              "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}",
              "small_call_words": SMALL_CALL_WORDS, "rows": rows, "agreement": agreement}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    lines = ["# Engine crossover: NumPy or torch for a model call", "",
             f"`{record['command']}` ({record['date']}; {record['machine']})", "",
             "Every call runs on NumPy by default; with `model_engine=\"auto\"` a stage call of at "
             f"most {SMALL_CALL_WORDS} words runs on NumPy, a larger one on torch. "
             "Max abs diff: the largest difference between the engines' outputs (encoder states; "
             "decoder logits), both at bf16.", "",
             "| call | batch | tokens | positions | NumPy ms | torch ms | NumPy ÷ torch | max abs diff |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['call']} | {r['batch']} | {r['tokens']} | {r['positions']} | {r['numpy_ms']} | "
                     f"{r['torch_ms']} | {r['numpy_ms'] / r['torch_ms']:.2f} | {r['max_abs_diff']:.3g} |")
    lines += ["", f"Scores on the two engines (every sentence of `{EXAMPLE}`, each chunk's detector probability "
              "and the rewriter's margin for each of its words replaced by \"the\", in batches of 64): "
              f"{agreement['margins']} margins differ by at most {agreement['max_margin_diff']:.4f} nats "
              f"(mean {agreement['mean_margin_diff']:.5f}); {agreement['chunks']} chunk probabilities by at most "
              f"{agreement['max_probability_diff']:.5f}."]
    args.out.with_suffix(".md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
