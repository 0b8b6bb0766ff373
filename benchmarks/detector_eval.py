"""Precision and recall of the detector's flagged words, and how well its scores are calibrated.

Gold: the words of the input that differ from the reference (a word-level diff, the same regions the
model was trained on). Flagged: words whose detector probability reaches a threshold. Sets:

- synthetic: NTREX English sentences corrupted with the news preset (seed 4242);
- mlqe: MLQE-PE dev (real MT output; gold = words the post-editor changed), detokenised.

Calibration: expected calibration error (ECE, 10 bins) of word probabilities against gold labels.

    python benchmarks/detector_eval.py --limit 600
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def load_sets(shared: Path, limit: int) -> dict[str, list[tuple[str, str]]]:
    from unmangle.corrupt import CorruptionConfig, Corruptor
    from unmangle.detok import detokenize

    with gzip.open(shared / "corpus/ntrex128_en_zh_de/ntrex128_newstest2019_en_zh_de.jsonl.gz", "rt",
                   encoding="utf-8") as fh:
        ntrex = [json.loads(line)["en"] for line in fh]
    corruptor = Corruptor(CorruptionConfig.preset("news"), seed=4242)
    step = max(1, len(ntrex) // limit)
    synthetic = [(p.source, p.target) for p in (corruptor.corrupt_sentence(s) for s in ntrex[::step][:limit])]
    with gzip.open(shared / "corpus/mlqe_pe_xx_en/mlqe_pe_xx_en.dev.jsonl.gz", "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    step = max(1, len(rows) // limit)
    mlqe = [(detokenize(r["mt"]), detokenize(r["pe"])) for r in rows[::step][:limit]]
    return {"synthetic": synthetic, "mlqe": mlqe}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--model", default=str(ROOT / "models/unmangle-base"))
    ap.add_argument("--limit", type=int, default=600, help="pairs per set")
    ap.add_argument("--thresholds", default="0.3,0.5,0.7,0.85,0.95")
    ap.add_argument("--out", default=str(ROOT / "benchmarks/results/detector.md"))
    args = ap.parse_args()

    from unmangle.training.examples import diff_regions
    from unmangle.neural.stage import NeuralStage

    stage = NeuralStage.from_dir(args.model)
    thresholds = [float(t) for t in args.thresholds.split(",")]
    sets = load_sets(Path(args.shared), args.limit)
    lines = ["# Detector: flagged-word precision and recall", "",
             f"- Command: `python benchmarks/detector_eval.py {' '.join(sys.argv[1:])}`",
             f"- Model: `{Path(args.model).name}` (calibrated repair threshold "
             f"{stage.settings.min_probability}); machine: {os.cpu_count()} CPU cores; "
             f"date {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC",
             "- Unit: word chunks of the input (a word or punctuation mark with the space before it); gold = "
             "chunks inside a diff region against the reference.", ""]
    for name, pairs in sets.items():
        scored: list[tuple[float, int]] = []
        for source, target in pairs:
            bad = [(r.src_start, r.src_end) for r in diff_regions(source, target)]
            for offset, piece in stage.detector.windows(source):
                for a, b, p in stage.detector.chunk_scores([piece])[0]:
                    a, b = a + offset, b + offset
                    gold = int(any(a < rb and b > ra for ra, rb in bad))
                    scored.append((p, gold))
        positives = sum(g for _, g in scored)
        lines += [f"## {name}: {len(pairs)} pairs, {len(scored)} words, {positives} corrupted "
                  f"({positives / max(len(scored), 1):.1%})", "",
                  "| threshold | flagged | precision | recall | F0.5 |", "|---|---|---|---|---|"]
        for t in thresholds:
            tp = sum(1 for p, g in scored if p >= t and g)
            fp = sum(1 for p, g in scored if p >= t and not g)
            fn = positives - tp
            prec = tp / (tp + fp) if tp + fp else 1.0
            rec = tp / (tp + fn) if tp + fn else 0.0
            f05 = 1.25 * prec * rec / (0.25 * prec + rec) if prec + rec else 0.0
            lines.append(f"| {t} | {tp + fp} | {prec:.3f} | {rec:.3f} | {f05:.3f} |")
        bins = [[] for _ in range(10)]
        for p, g in scored:
            bins[min(9, int(p * 10))].append((p, g))
        ece = sum(len(b) / len(scored) * abs(sum(p for p, _ in b) / len(b) - sum(g for _, g in b) / len(b))
                  for b in bins if b)
        lines += ["", f"Expected calibration error (10 bins): {ece:.3f}. Per bin (mean probability -> "
                  "observed share corrupted, words): " + "; ".join(
                      f"{sum(p for p, _ in b) / len(b):.2f} -> {sum(g for _, g in b) / len(b):.2f} ({len(b)})"
                      for b in bins if b), ""]
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
