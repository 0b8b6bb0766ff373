"""Big input: a 50 MB text file through ``unmangle repair --fast``, with time and peak memory.

The file is built at run time from distinct UN General Debate speeches (``../shared``; nothing is
written into the repository but the report), so no paragraph repeats at a distance the duplicates
stage would act on. Peak memory is the child process's maximum resident set size
(``getrusage(RUSAGE_CHILDREN)``), reported beside the input size and beside the peak of a
baseline process that only imports unmangle and reads the same file.

    PYTHONPATH=src python benchmarks/big_input.py [--mb 50] [--out benchmarks/results/big_input.json]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build_file(shared: Path, path: Path, megabytes: int) -> int:
    """Write about ``megabytes`` MB of distinct speeches to ``path``; returns its size in bytes."""
    target = megabytes * 1_000_000
    written = 0
    src = shared / "corpus" / "ungdc_en_1992_2024" / "ungdc_en_1992_2024.jsonl.gz"
    with gzip.open(src, "rt", encoding="utf-8") as fh, path.open("w", encoding="utf-8") as out:
        for line in fh:
            text = json.loads(line)["text"].strip() + "\n\n"
            out.write(text)
            written += len(text.encode("utf-8"))
            if written >= target:
                break
    return path.stat().st_size


def run_child(args: list[str]) -> tuple[float, int, int]:
    """(seconds, peak RSS in bytes, return code) of one child process run alone."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if done.returncode:
        print(done.stderr[-2000:], file=sys.stderr)
    # ru_maxrss of children is the max over all children so far: run the larger one last
    return seconds, max(peak_kb, before) * 1024, done.returncode


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--mb", type=int, default=50)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "big_input.json")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "big.txt"
        size = build_file(args.shared, src, args.mb)
        base_s, base_peak, _ = run_child([sys.executable, "-c",
                                          "import sys, unmangle; open(sys.argv[1], encoding='utf-8').read()",
                                          str(src)])
        out = Path(tmp) / "out.txt"
        secs, peak, rc = run_child([sys.executable, "-m", "unmangle", "repair", "--fast", str(src),
                                    "-o", str(out)])
        out_size = out.stat().st_size if out.exists() else 0
    result = {
        "command": "PYTHONPATH=src python benchmarks/big_input.py " + " ".join(sys.argv[1:]),
        "input_bytes": size, "output_bytes": out_size, "return_code": rc,
        "seconds": round(secs, 1), "mb_per_s": round(size / 1e6 / secs, 2),
        "peak_rss_mb": round(peak / 1e6, 1), "peak_rss_over_input": round(peak / size, 2),
        "baseline_read_only_peak_rss_mb": round(base_peak / 1e6, 1),
        "note": "measured on a busy shared 2-core machine; speed is indicative only",
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
