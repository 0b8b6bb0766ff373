#!/usr/bin/env python
"""Compare two checkouts of unmangle on the same inputs: identical output, and speed as a ratio.

A restructuring must not change behaviour. This runs ``Repairer(fast=True)`` and ``Repairer()`` of
checkout A and checkout B (each in its own process, alternating, ``--rounds`` times) over the
same seed-like documents, and reports whether every output and edit is identical and the ratio of
their speeds measured in the same run (so machine load cancels out as far as it can)::

    git worktree add /tmp/old <commit>
    python benchmarks/compare_checkouts.py /tmp/old . --out benchmarks/results/compare_checkouts.json
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

_WORKER = r"""
import hashlib, json, sys, time
src, config, path = sys.argv[1], sys.argv[2], sys.argv[3]
sys.path.insert(0, src)
t0 = time.perf_counter()
from unmangle import Repairer
repairer = Repairer(fast=(config == "fast"))
load = time.perf_counter() - t0
docs = json.load(open(path, encoding="utf-8"))
t1 = time.perf_counter()
results = repairer.repair_many(docs)
seconds = time.perf_counter() - t1
digest = hashlib.sha256()
for r in results:
    digest.update(r.text.encode())
    for e in r.edits:
        digest.update(repr((e.start, e.end, e.old, e.new, e.stage, e.reason, e.confidence)).encode())
print(json.dumps({"load_s": load, "seconds": seconds, "words": sum(len(d.split()) for d in docs),
                  "sha256": digest.hexdigest()}))
"""


def seed_like_documents(shared: Path, n: int) -> list[str]:
    """UN 2023-2024 excerpts corrupted with the news preset (as benchmarks/run.py's synthetic
    documents), a fixed sample."""
    sys.path.insert(0, str(HERE))
    import run

    pairs, _, _ = run.suite_synthetic(shared, None)
    docs = [p.source for p in pairs if len(p.source.split()) > 100]
    return docs[:n]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("a", type=Path, help="checkout A (e.g. the commit before a change)")
    ap.add_argument("b", type=Path, help="checkout B")
    ap.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared")
    ap.add_argument("--documents", type=int, default=60)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    docs = seed_like_documents(args.shared, args.documents)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as fh:
        json.dump(docs, fh)
        path = fh.name
    runs: dict[str, dict[str, list[dict]]] = {"fast": {"a": [], "b": []}, "full": {"a": [], "b": []}}
    for _ in range(args.rounds):
        for config in runs:
            for side, root in (("a", args.a), ("b", args.b)):
                out = subprocess.run([sys.executable, "-c", _WORKER, str(root.resolve() / "src"), config, path],
                                     capture_output=True, text=True, check=True)
                runs[config][side].append(json.loads(out.stdout.strip().splitlines()[-1]))
    report = {"command": "python benchmarks/compare_checkouts.py " + " ".join(sys.argv[1:] if argv is None else argv),
              "documents": len(docs), "words": runs["fast"]["a"][0]["words"], "configs": {}}
    for config, sides in runs.items():
        best = {side: min(r["seconds"] for r in rs) for side, rs in sides.items()}
        load = {side: min(r["load_s"] for r in rs) for side, rs in sides.items()}
        same = len({r["sha256"] for rs in sides.values() for r in rs}) == 1
        report["configs"][config] = {
            "identical_output": same, "best_seconds": best, "best_load_s": load,
            "speed_ratio_b_over_a": round(best["a"] / best["b"], 3),
            "load_ratio_b_over_a": round(load["b"] / load["a"], 3)}
        print(f"{config}: identical={same} speed B/A={best['a'] / best['b']:.3f} "
              f"(A {best['a']:.2f}s, B {best['b']:.2f}s), load B/A={load['b'] / load['a']:.3f}")
    if args.out:
        args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    return 0 if all(c["identical_output"] for c in report["configs"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
