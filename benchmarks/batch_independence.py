"""Does a line's repair depend on what else is in its batch? (issue 4: ``repair_many`` vs ``repair``)

The clean-text suite of ``benchmarks/run.py`` (NTREX English sentences and MLQE-PE dev post-edits,
6,997 lines) is repaired twice per precision with the full pipeline: in one ``repair_many`` call
over all lines, and in batches of 32 (the way ``run.py`` feeds it). Reported: lines changed each
way, by the stages that changed them, and lines whose output differs between the two. With
``int8`` the Linear layers scale their inputs per batch, so lines near the threshold can differ;
with ``bf16`` (the default) every row is computed on its own.

    python benchmarks/batch_independence.py --precisions bf16,int8
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))


def changed_by_stage(sources: list[str], results) -> tuple[int, dict[str, int]]:
    """(lines changed, {stages that changed a line: count})."""
    counts: collections.Counter[str] = collections.Counter()
    changed = 0
    for source, result in zip(sources, results):
        if result.text != source:
            changed += 1
            counts["+".join(sorted({e.stage for e in result.edits}))] += 1
    return changed, dict(counts.most_common())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--precisions", default="bf16,int8", help="comma-separated: bf16, int8, fp32")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--limit", type=int, help="use only the first N lines")
    ap.add_argument("--out", default=str(ROOT / "benchmarks/results/batch_independence.md"))
    args = ap.parse_args()

    import run as bench
    from unmangle import Repairer
    from unmangle.bench.environment import cpu_has_amx, cpu_model

    pairs, _, _ = bench.suite_clean(Path(args.shared), args.limit)
    sources = [p.source for p in pairs]
    lines = ["# Batch independence: one `repair_many` call vs batches", "",
             f"- Command: `python benchmarks/batch_independence.py --precisions {args.precisions}"
             + (f" --limit {args.limit}" if args.limit else "") + "`",
             f"- Machine: {os.cpu_count()} CPU cores ({cpu_model()}, "
             f"{'with' if cpu_has_amx() else 'without'} AMX bf16 tiles); date "
             f"{datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M')} UTC",
             f"- Data: the clean-text suite of `benchmarks/run.py`, {len(sources)} lines (NTREX English, "
             "MLQE-PE dev post-edits)", "",
             f"| precision | lines changed, one call | lines changed, batches of {args.batch_size} | "
             "by stage (batches) | lines whose output differs | seconds |",
             "|---|---|---|---|---|---|"]
    for precision in args.precisions.split(","):
        repairer = Repairer(precision=precision)
        start = time.perf_counter()
        whole = repairer.repair_many(sources)
        batched = []
        for k in range(0, len(sources), args.batch_size):
            batched.extend(repairer.repair_many(sources[k:k + args.batch_size]))
        seconds = time.perf_counter() - start
        n_whole, _ = changed_by_stage(sources, whole)
        n_batched, stages = changed_by_stage(sources, batched)
        differ = sum(a.text != b.text for a, b in zip(whole, batched))
        by_stage = ", ".join(f"{k} {v}" for k, v in stages.items())
        lines.append(f"| {precision} | {n_whole} | {n_batched} | {by_stage} | {differ} | {seconds:.0f} |")
        print(lines[-1], flush=True)
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
