#!/usr/bin/env python
"""Latency of one call at a time: what ``df.text.map(repair)``, a request handler or a notebook sees.

Measures, in one run on one machine (so the ratios hold even when the machine is not idle):

- single-call latency (p50, p95) of ``Repairer(fast=True)`` and ``Repairer()`` on sentences (MLQE-PE
  dev MT output of 20-40 words), paragraphs (four such sentences) and documents (seed-like
  synthetic news, as ``run.py``'s synthetic suite), each as a ratio to the deterministic stages;
- a one-call-per-row loop over the MLQE-PE dev rows (all lengths) beside one ``repair_many`` call
  on the same rows, and how many outputs differ between the two;
- cold start as whole processes (median of ``--cold-runs``): ``import unmangle`` + one fast repair,
  and ``unmangle repair`` (full) on a one-sentence file; plus the time to a ready full Repairer;
- a profile of the one-call loop's first rows (where the time goes).

    python benchmarks/latency.py --out benchmarks/results/latency.json

Writes ``latency.json`` and a table in ``latency.md`` beside it. MLQE-PE dev is evaluation data:
only timed here, never trained or calibrated on.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def cpu_name() -> str:
    """The CPU's model name (``/proc/cpuinfo`` on Linux), else what ``platform`` knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[k]


def mlqe_sentences(shared: Path, lo: int = 20, hi: int = 40) -> list[str]:
    """MLQE-PE dev MT sentences (detokenised) of ``lo``-``hi`` words, in file order."""
    import run

    pairs, _, _ = run.suite_mlqe(shared, None)
    return [p.source for p in pairs if lo <= len(p.source.split()) <= hi]


def documents(shared: Path, n: int) -> list[str]:
    import run

    pairs, _, _ = run.suite_synthetic(shared, None)
    return [p.source for p in pairs if len(p.source.split()) > 100][:n]


def time_calls(repairer, texts: list[str]) -> list[float]:
    out = []
    for text in texts:
        t0 = time.perf_counter()
        repairer.repair_document(text)
        out.append(time.perf_counter() - t0)
    return out


def summary(seconds: list[float], words: int) -> dict:
    return {"calls": len(seconds), "p50_ms": round(1000 * percentile(seconds, 0.5), 2),
            "p95_ms": round(1000 * percentile(seconds, 0.95), 2),
            "mean_ms": round(1000 * statistics.fmean(seconds), 2),
            "words_per_s": round(words / sum(seconds), 1)}


def whole_process(argv: list[str], runs: int, cwd: Path) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(argv, check=True, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t0)
    return round(statistics.median(times), 3)


def cold_start(sentence: str, runs: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        one = Path(tmp) / "one.txt"
        one.write_text(sentence + "\n", encoding="utf-8")
        fast_code = f"import unmangle; unmangle.repair({sentence!r}, fast=True)"
        ready_code = ("import time; t = time.perf_counter(); from unmangle import Repairer; Repairer(); "
                      "print(time.perf_counter() - t)")
        ready = []
        for _ in range(runs):
            out = subprocess.run([sys.executable, "-c", ready_code], check=True, capture_output=True, text=True)
            ready.append(float(out.stdout.strip().splitlines()[-1]))
        cli = [sys.executable, "-m", "unmangle", "repair", str(one)]
        return {
            "python_start_s": whole_process([sys.executable, "-c", "pass"], runs, Path(tmp)),
            "import_and_fast_repair_s": whole_process([sys.executable, "-c", fast_code], runs, Path(tmp)),
            "cli_fast_s": whole_process(cli[:4] + ["--fast"] + cli[4:], runs, Path(tmp)),
            "cli_full_s": whole_process(cli, runs, Path(tmp)),
            "ready_full_repairer_s": round(statistics.median(ready), 3),
            "torch_imported_by_import_unmangle": subprocess.run(
                [sys.executable, "-c", "import sys, unmangle; unmangle.repair('a b .', fast=True); "
                                       "print('torch' in sys.modules)"],
                check=True, capture_output=True, text=True).stdout.strip() == "True",
        }


def profile_loop(repairer, texts: list[str], top: int = 14) -> str:
    prof = cProfile.Profile()
    prof.enable()
    for text in texts:
        repairer.repair_document(text)
    prof.disable()
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(top)
    lines = [ln for ln in buf.getvalue().splitlines() if ln.strip()]
    start = next(i for i, ln in enumerate(lines) if ln.lstrip().startswith("ncalls"))
    return "\n".join(lines[start:])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared")
    ap.add_argument("--calls", type=int, default=200, help="single calls per size (sentences, paragraphs)")
    ap.add_argument("--documents", type=int, default=40, help="single calls on documents")
    ap.add_argument("--loop-rows", type=int, default=5000, help="rows of the one-call-per-row loop")
    ap.add_argument("--cold-runs", type=int, default=5)
    ap.add_argument("--profile-rows", type=int, default=100)
    ap.add_argument("--out", type=Path, default=HERE / "results" / "latency.json")
    args = ap.parse_args(argv)

    from unmangle import Repairer

    every_row = mlqe_sentences(args.shared, 0, 10 ** 6)  # the dev set is read once
    sentences = [t for t in every_row if 20 <= len(t.split()) <= 40]
    paragraphs = [" ".join(sentences[i:i + 4]) for i in range(0, 4 * args.calls, 4)]
    docs = documents(args.shared, args.documents)
    fast, full = Repairer(fast=True), Repairer()
    report: dict = {
        "command": "python benchmarks/latency.py " + " ".join(sys.argv[1:] if argv is None else argv),
        "date": date.today().isoformat(),
        "machine": f"{cpu_name()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "sizes": {}}
    for size, texts in (("sentence", sentences[:args.calls]), ("paragraph", paragraphs),
                        ("document", docs)):
        words = sum(len(t.split()) for t in texts)
        time_calls(full, texts[:3])  # first calls of each shape
        row = {"texts": len(texts), "mean_words": round(words / len(texts), 1),
               "fast": summary(time_calls(fast, texts), words), "full": summary(time_calls(full, texts), words)}
        row["full_over_fast_p50"] = round(row["full"]["p50_ms"] / max(row["fast"]["p50_ms"], 1e-6), 1)
        report["sizes"][size] = row
        print(size, json.dumps(row), flush=True)

    rows = every_row[:args.loop_rows]  # every dev row, any length
    t0 = time.perf_counter()
    one_by_one = [full.repair_document(t).text for t in rows]
    loop_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    batched = [r.text for r in full.repair_many(rows)]
    batch_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    fast.repair_many(rows)
    fast_s = time.perf_counter() - t0
    report["loop"] = {"rows": len(rows), "one_call_per_row_s": round(loop_s, 1),
                      "repair_many_s": round(batch_s, 1), "fast_repair_many_s": round(fast_s, 2),
                      "loop_over_batched": round(loop_s / batch_s, 2),
                      "outputs_differing": sum(a != b for a, b in zip(one_by_one, batched)),
                      "rows_changed": sum(a != b for a, b in zip(one_by_one, rows))}
    print("loop", json.dumps(report["loop"]), flush=True)
    report["cold_start"] = cold_start(sentences[0], args.cold_runs)
    print("cold", json.dumps(report["cold_start"]), flush=True)
    report["profile"] = profile_loop(full, sentences[:args.profile_rows])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    args.out.with_suffix(".md").write_text(markdown(report), encoding="utf-8")
    return 0


def markdown(r: dict) -> str:
    out = [f"# Latency, one call at a time\n\n`{r['command']}` ({r['date']}, {r['machine']})\n",
           "| size | texts | words | fast p50 / p95 ms | full p50 / p95 ms | full words/s | full ÷ fast (p50) |",
           "|---|---|---|---|---|---|---|"]
    for size, row in r["sizes"].items():
        out.append(f"| {size} | {row['texts']} | {row['mean_words']} | {row['fast']['p50_ms']} / "
                   f"{row['fast']['p95_ms']} | {row['full']['p50_ms']} / {row['full']['p95_ms']} | "
                   f"{row['full']['words_per_s']} | {row['full_over_fast_p50']} |")
    lp, cs = r["loop"], r["cold_start"]
    out += ["", f"One `repair_document` call per row over {lp['rows']} MLQE-PE dev sentences: "
                f"{lp['one_call_per_row_s']} s; one `repair_many` call on the same rows: {lp['repair_many_s']} s "
                f"({lp['loop_over_batched']}× faster than the loop; deterministic stages alone "
                f"{lp['fast_repair_many_s']} s). Outputs that differ between the two: {lp['outputs_differing']} "
                f"(rows changed by repair: {lp['rows_changed']}).",
            "", "Cold start (whole processes, median):", "",
            f"- `python -c pass`: {cs['python_start_s']} s",
            f"- `import unmangle` + `repair(sentence, fast=True)`: {cs['import_and_fast_repair_s']} s "
            f"(torch imported: {cs['torch_imported_by_import_unmangle']})",
            f"- `unmangle repair --fast one.txt`: {cs['cli_fast_s']} s",
            f"- `unmangle repair one.txt` (full): {cs['cli_full_s']} s",
            f"- a ready full `Repairer()` inside a process (imports included): {cs['ready_full_repairer_s']} s",
            "", "Profile of the one-call loop (first rows, cumulative):", "", "```", r["profile"], "```", ""]
    return "\n".join(out)


if __name__ == "__main__":
    sys.exit(main())
