"""Corpus repair speed: the one-machine engine (1 and 2 workers) and the Ray engine, each as a ratio
to a plain loop over ``Repairer.repair`` measured in the same run; memory per worker; a 1 GB JSONL.

Corpus: UN General Debate speeches of 2023-2024 (years the bundled model never saw, see
models/unmangle-base/README.md), one speech per JSONL row, repeated with fresh ids until ``--mb``
megabytes. ``fast`` runs on the whole corpus; ``full`` (the neural stages) on the first
``--full-mb`` megabytes. Words are whitespace-separated tokens of the text field.

The 1 GB check repeats the corpus into a ~1 GB JSONL and runs the engine over all of it with every
stage switched off (``--disable`` all: reading, decoding, checking, encoding and writing shards,
nothing repaired), sampling the resident memory of the main process and of each worker; the file and
its output are deleted afterwards.

    python benchmarks/corpus_speed.py [--mb 20] [--full-mb 0.3] [--gb 1.0] [--no-ray] [--no-full]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

from unmangle.corpus import CorpusJob, run_local
from unmangle.pipeline import DEFAULT_ORDER, Repairer

HERE = Path(__file__).resolve().parent
DEFAULT_SHARED = Path(os.environ.get("UNMANGLE_SHARED", HERE.parent.parent / "shared"))
DEFAULT_CORPUS = DEFAULT_SHARED / "corpus" / "ungdc_en_1992_2024" / "ungdc_en_1992_2024.jsonl.gz"
HELD_OUT_YEARS = (2023, 2024)


def build_corpus(source: Path, out: Path, megabytes: float) -> dict:
    speeches = []
    with gzip.open(source, "rt", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            if d["year"] in HELD_OUT_YEARS:
                speeches.append({"country": d["country"], "year": d["year"], "text": d["text"]})
    size = rows = words = 0
    copy = 0
    with open(out, "w", encoding="utf-8") as fh:
        while size < megabytes * 1e6:
            for s in speeches:
                line = json.dumps({"id": f"{copy}-{rows}", **s}, ensure_ascii=False) + "\n"
                fh.write(line)
                size += len(line.encode("utf-8"))
                rows += 1
                words += len(s["text"].split())
                if size >= megabytes * 1e6:
                    break
            copy += 1
    return {"path": str(out), "bytes": size, "rows": rows, "words": words, "copies": copy,
            "speeches": len(speeches)}


def _rss_bytes(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def _descendants(pid: int) -> list[int]:
    """Child processes (recursively), from /proc/*/stat (Linux)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    found, frontier = [], [pid]
    while frontier:
        p = frontier.pop()
        kids = [c for c, pp in parents.items() if pp == p]
        found += kids
        frontier += kids
    return found


def _is_helper(pid: int) -> bool:
    """multiprocessing's resource tracker: a helper process, not a worker."""
    try:
        return b"resource_tracker" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return True


class MemorySampler:
    """Samples the RSS of this process and of its child processes (the workers) every 0.2 s."""

    def __init__(self, pid: int | None = None) -> None:
        self.pid = pid or os.getpid()
        self.main_peak = 0
        self.child_peak: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.main_peak = max(self.main_peak, _rss_bytes(self.pid))
            for child in _descendants(self.pid):
                if _is_helper(child):
                    continue
                self.child_peak[child] = max(self.child_peak.get(child, 0), _rss_bytes(child))
            self._stop.wait(0.2)

    def __enter__(self) -> "MemorySampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def report(self) -> dict:
        workers = sorted(self.child_peak.values(), reverse=True)
        return {"main_peak_rss_mb": round(self.main_peak / 2**20, 1),
                "worker_peak_rss_mb": [round(w / 2**20, 1) for w in workers]}


def plain_loop(path: Path, options: dict, limit_bytes: float | None) -> dict:
    """Read the JSONL and call ``Repairer.repair`` on each text: no parallelism, nothing written."""
    t0 = time.perf_counter()
    repairer = Repairer(**options)
    load = time.perf_counter() - t0
    words = rows = size = 0
    t1 = time.perf_counter()
    with open(path, "rb") as fh:
        for line in fh:
            text = json.loads(line)["text"]
            repairer.repair(text)
            words += len(text.split())
            rows += 1
            size += len(line)
            if limit_bytes and size >= limit_bytes:
                break
    seconds = time.perf_counter() - t1
    return {"engine": "plain loop", "workers": 1, "rows": rows, "words": words, "seconds": round(seconds, 2),
            "load_seconds": round(load, 2), "words_per_s": round(words / seconds)}


def engine_run(path: Path, out: Path, options: dict, workers: int, engine: str, shard_size: int) -> dict:
    job = CorpusJob(input=path, output=out, repairer_options=options, shard_size=shard_size, overwrite=True)
    ray_start = None
    with MemorySampler() as mem:
        t0 = time.perf_counter()
        if engine == "ray":
            import ray

            from unmangle.corpus.ray_engine import run_ray

            ray.init(num_cpus=workers + 1, include_dashboard=False, log_to_driver=False)
            ray_start = time.perf_counter() - t0
            try:
                summary = run_ray(job, workers=workers, progress=False)
            finally:
                ray.shutdown()
        else:
            summary = run_local(job, workers=workers, progress=False)
        seconds = time.perf_counter() - t0
    result = {"engine": engine, "workers": workers, "rows": summary.total.rows, "words": summary.total.words,
              "seconds": round(seconds, 2), "words_per_s": round(summary.total.words / seconds),
              "errors": summary.total.errors, "changed": summary.total.changed}
    if engine == "local":
        result["memory"] = mem.report()
    if ray_start is not None:
        result["ray_start_seconds"] = round(ray_start, 2)
        result["words_per_s_after_start"] = round(summary.total.words / (seconds - ray_start))
    return result


def shard_bytes(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.glob("part-*"))}


def paragraph_slice(path: Path, out: Path, words: int) -> Path:
    """The first paragraphs of the corpus, one per row, until ``words`` words (for the slow full
    pipeline, whose speed on a busy machine allows only a small sample)."""
    total = 0
    with open(path, encoding="utf-8") as src, open(out, "w", encoding="utf-8") as dst:
        for line in src:
            record = json.loads(line)
            for k, para in enumerate(p for p in record["text"].split("\n") if p.strip()):
                dst.write(json.dumps({"id": f"{record['id']}-{k}", "text": para}, ensure_ascii=False) + "\n")
                total += len(para.split())
                if total >= words:
                    return out
    return out


def suite(name: str, path: Path, options: dict, work: Path, ray: bool, shard_size: int) -> dict:
    print(f"[{name}] plain loop", file=sys.stderr, flush=True)
    loop = plain_loop(path, options, None)
    runs = []
    outputs = {}
    configs = [("local", 1), ("local", 2)] + ([("ray", 2)] if ray else [])
    for engine, workers in configs:
        print(f"[{name}] {engine} x{workers}", file=sys.stderr, flush=True)
        out = work / f"{name}-{engine}-{workers}"
        r = engine_run(path, out, options, workers, engine, shard_size)
        r["ratio_to_plain_loop"] = round(r["words_per_s"] / loop["words_per_s"], 3)
        runs.append(r)
        outputs[(engine, workers)] = shard_bytes(out)
        shutil.rmtree(out)
    one = runs[0]["words_per_s"]
    for r in runs:
        r["ratio_to_one_worker"] = round(r["words_per_s"] / one, 3)
    same = {f"{e}x{w}": outputs[(e, w)] == outputs[("local", 1)] for e, w in configs}
    result = {"plain_loop": loop, "runs": runs, "output_identical_to_local_x1": same}
    if ray:
        local2 = next(r for r in runs if r["engine"] == "local" and r["workers"] == 2)
        ray2 = next(r for r in runs if r["engine"] == "ray")
        result["ray_time_ratio_vs_local_same_workers"] = round(ray2["seconds"] / local2["seconds"], 3)
        result["ray_time_ratio_after_start"] = round(
            (ray2["seconds"] - ray2["ray_start_seconds"]) / local2["seconds"], 3)
    return result


def big_file_check(corpus: Path, work: Path, gigabytes: float, workers: int) -> dict:
    big = work / "big.jsonl"
    target = gigabytes * 1e9
    size = 0
    with open(big, "wb") as dst:
        data = corpus.read_bytes()
        while size < target:
            dst.write(data)
            size += len(data)
    out = work / "big-out"
    disable = [a for stage in DEFAULT_ORDER for a in ("--disable", stage)]
    cmd = [sys.executable, "-m", "unmangle", "repair-corpus", str(big), str(out), "--fast", *disable,
           "--workers", str(workers), "--shard-size", "1000", "--quiet"]
    try:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stderr=subprocess.PIPE)
        with MemorySampler(proc.pid) as mem:
            _, err = proc.communicate()
        seconds = time.perf_counter() - t0
        if proc.returncode != 0:
            raise RuntimeError(err.decode()[-2000:])
        summary = json.loads((out / "_SUCCESS.json").read_text())
        result = {"bytes": size, "rows": summary["rows"], "seconds": round(seconds, 1),
                  "mb_per_s": round(size / 1e6 / seconds, 1), "workers": workers,
                  "stages": "none (engine only)", "command": " ".join(cmd[1:]), **mem.report()}
    finally:
        big.unlink(missing_ok=True)
        shutil.rmtree(out, ignore_errors=True)
    return result


def to_markdown(report: dict) -> str:
    busy = report["load_average"] > report["cpus"]
    state = (f"**The machine was shared with other jobs (load average {report['load_average']} on "
             f"{report['cpus']} cores at the start)**: absolute figures are low and noisy, the ratios "
             "(measured in the same run) are what to read." if busy else
             f"Load average {report['load_average']} on {report['cpus']} cores at the start (no other "
             "heavy job); the ratios are measured in the same run.")
    lines = ["# Corpus repair speed (`benchmarks/corpus_speed.py`)", "",
             f"{report['date']}, {report['machine']}. {state}", "",
             f"Command: `{report['command']}`"
             + "".join(f"; earlier part: `{e['command']}` ({e['date']}, load {e.get('load_average')})"
                       for e in report.get("earlier_parts", [])), "",
             f"Corpus: {report['corpus']['rows']:,} rows, {report['corpus']['bytes'] / 1e6:.1f} MB, "
             f"{report['corpus']['words']:,} words: UN General Debate speeches of "
             f"{'-'.join(map(str, HELD_OUT_YEARS))} ({report['corpus']['speeches']} speeches, held out of "
             f"training) repeated {report['corpus']['copies']} times with new ids.", ""]
    for name, res in report["suites"].items():
        loop = res["plain_loop"]
        lines += [f"## {name}" + (f" ({res['sample']})" if "sample" in res else ""), "", f"Plain loop over `Repairer.repair`: {loop['words_per_s']:,} words/s "
                  f"({loop['rows']:,} rows, {loop['seconds']} s).", "",
                  "| engine | workers | words/s | × plain loop | × one worker | seconds | worker peak RSS (MB) |",
                  "|---|---|---|---|---|---|---|"]
        for r in res["runs"]:
            m = r.get("memory", {})
            mem = m.get("worker_peak_rss_mb") or ([f"{m['main_peak_rss_mb']} (in the main process)"] if m else ["–"])
            lines.append(f"| {r['engine']} | {r['workers']} | {r['words_per_s']:,} | {r['ratio_to_plain_loop']} | "
                         f"{r['ratio_to_one_worker']} | {r['seconds']} | {', '.join(map(str, mem))} |")
        lines += ["", f"Output identical to local ×1: {res['output_identical_to_local_x1']}."]
        if "ray_time_ratio_vs_local_same_workers" in res:
            ray2 = next(r for r in res["runs"] if r["engine"] == "ray")
            lines.append(f"Ray time / local time, 2 workers each: {res['ray_time_ratio_vs_local_same_workers']} "
                         f"with the start of a local Ray instance ({ray2['ray_start_seconds']} s), "
                         f"{res['ray_time_ratio_after_start']} after it.")
        lines.append("")
    if report.get("big_file"):
        b = report["big_file"]
        lines += ["## 1 GB JSONL, bounded memory", "",
                  f"{b['bytes'] / 1e9:.2f} GB, {b['rows']:,} rows, {b['workers']} workers, stages: {b['stages']}: "
                  f"{b['seconds']} s ({b['mb_per_s']} MB/s); peak RSS of the `unmangle repair-corpus` process "
                  f"{b['main_peak_rss_mb']} MB, of its workers {b['worker_peak_rss_mb']} MB "
                  f"(`{b['command']}`). The file and its output were deleted afterwards.", ""]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--mb", type=float, default=20.0)
    ap.add_argument("--full-words", type=int, default=1500)
    ap.add_argument("--gb", type=float, default=1.0)
    ap.add_argument("--no-ray", action="store_true")
    ap.add_argument("--suites", default="fast,full,big",
                    help="which parts to run; results of the others are kept from an existing --out")
    ap.add_argument("--shard-size", type=int, default=200)
    ap.add_argument("--out", type=Path, default=HERE / "results" / "corpus.json")
    args = ap.parse_args()
    if not args.corpus.is_file():
        sys.exit(f"{args.corpus}: not found (set UNMANGLE_SHARED or pass --corpus)")
    ray = not args.no_ray
    if ray:
        try:
            import ray.data  # noqa: F401
        except ImportError:
            print("Ray is not installed: the Ray runs are skipped", file=sys.stderr)
            ray = False
    suites = set(args.suites.split(","))
    old = json.loads(args.out.read_text(encoding="utf-8")) if args.out.is_file() else {}
    report = {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
              "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs",
              "cpus": os.cpu_count(), "load_average": round(os.getloadavg()[0], 1),
              "command": "python benchmarks/corpus_speed.py " + " ".join(sys.argv[1:]),
              "suites": old.get("suites", {}), "earlier_parts": old.get("earlier_parts", [])}
    if "big_file" in old:
        report["big_file"] = old["big_file"]
    if old:
        report["earlier_parts"].append({k: old[k] for k in ("date", "command", "load_average") if k in old})
    with tempfile.TemporaryDirectory(prefix="corpus_speed_") as tmp:
        work = Path(tmp)
        corpus = work / "corpus.jsonl"
        report["corpus"] = build_corpus(args.corpus, corpus, args.mb)
        if "fast" in suites:
            report["suites"]["fast"] = suite("fast", corpus, {"fast": True}, work, ray, args.shard_size)
        if "full" in suites:
            small = paragraph_slice(corpus, work / "small.jsonl", args.full_words)
            report["suites"]["full"] = suite("full", small, {}, work, False, 10)
            report["suites"]["full"]["sample"] = f"first paragraphs of the corpus, {args.full_words}+ words"
        if "big" in suites and args.gb > 0:
            print("[1 GB] engine only", file=sys.stderr, flush=True)
            report["big_file"] = big_file_check(corpus, work, args.gb, 2)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    args.out.with_suffix(".md").write_text(to_markdown(report), encoding="utf-8")
    print(to_markdown(report))


if __name__ == "__main__":
    main()
