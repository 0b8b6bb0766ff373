"""A seeded stress run of repair's invariants on text made mostly of repeats and line breaks.

The fuzzing harness (``fuzz.py``) draws every hostile piece alike; the removal stages' hard
cases (a copy whose removal brings two others together, a line left alone by a removal) need many
repeats of a few pieces: doubled words, sentences, a URL, stray stops and every kind of line
break. Here 85% of the bytes pick one of those (:data:`FAVOURED`), the rest any piece, and each
text goes through :func:`unmangle.bench.fuzzing.check_repair` with the fast pipeline. Reported:
inputs, findings by invariant and stage, and the first few inputs for each (hex, for
``hostile_text``).

    PYTHONPATH=src python benchmarks/fuzz_repeats.py --inputs 4000 --seeds 1 2 3
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from unmangle import Repairer  # noqa: E402
from unmangle.bench.fuzzing import PIECES, InvariantError, check_repair, hostile_text  # noqa: E402

#: Indices into ``PIECES`` drawn 85% of the time: "The the", " .", line breaks of every kind,
#: quotes, the two repeated sentences, the URL, "-", "Leave a Reply" and the doubled small words.
FAVOURED = tuple(PIECES.index(p) for p in (
    "The the", "The the", "The the", "The the", "\r", "\n", "\n\n", "\r\n", " .", "-", "’", "'",
    "The company said on Monday that profits rose sharply .", "Ini biasa biasa saja , amat amat bagus .",
    "https://example.com/a.b?x=1 .", "Leave a Reply", "is is", "a a"))


_STAGE = re.compile(r", '([a-z+]+)'\)")


def _kind(message: str) -> str:
    """A finding's invariant, and for a second repair the stages that changed something."""
    if message.startswith("second repair changes"):
        return "second repair changes text: " + "/".join(sorted(set(_STAGE.findall(message))))
    return message.split(" for ", 1)[0].split(" in ", 1)[0][:120]


def stress(seed: int, inputs: int, repairer: Repairer) -> dict:
    rng = random.Random(seed)
    findings: dict[str, dict] = {}
    for _ in range(inputs):
        size = rng.randint(2, 200)
        data = bytes(rng.choice(FAVOURED) if rng.random() < 0.85 else rng.randrange(256)
                     for _ in range(size))
        try:
            check_repair(repairer, hostile_text(data))
        except InvariantError as exc:
            entry = findings.setdefault(_kind(str(exc)), {"count": 0, "inputs_hex": []})
            entry["count"] += 1
            if len(entry["inputs_hex"]) < 3:
                entry["inputs_hex"].append(data.hex())
    return {"seed": seed, "inputs": inputs, "findings": sum(f["count"] for f in findings.values()),
            "by_kind": findings}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--inputs", type=int, default=4000, help="inputs per seed (default: 4000)")
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--report", type=Path, default=ROOT / "benchmarks" / "results" / "fuzz_repeats.json")
    args = ap.parse_args()
    repairer = Repairer(fast=True)
    started = time.time()
    runs = [stress(seed, args.inputs, repairer) for seed in args.seeds]
    report = {"command": "python benchmarks/fuzz_repeats.py " + " ".join(sys.argv[1:]),
              "date": date.today().isoformat(), "seconds": round(time.time() - started, 1),
              "inputs": sum(r["inputs"] for r in runs), "findings": sum(r["findings"] for r in runs),
              "runs": runs}
    args.report.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    for r in runs:
        print(f"seed {r['seed']}: {r['inputs']} inputs, {r['findings']} findings")
    print(f"wrote {args.report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
