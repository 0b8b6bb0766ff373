#!/usr/bin/env python
"""Benchmark the deterministic stages (``Repairer(fast=True)``): seed article, clean text, speed.

Three parts, each written to ``benchmarks/results/<name>.md`` and ``<name>.json`` with the command
line, date, machine and package versions:

(a) the seed article: every edit the deterministic pipeline makes, and which of the article's known
    corruptions are fixed;
(b) clean text: the share of sentences left byte-identical, each sentence repaired on its own, on
    the English side of NTREX-128 and on detokenised MLQE-PE post-edits (``pe``), with every edit
    made to a clean sentence listed so harm can be inspected (target >= 99.5%);
(c) speed and memory on text built from UN General Debate speeches: MB/s per stage and overall,
    beside a baseline (one ``re.findall(r"\\w+")`` pass over the same text) measured in the same run,
    and peak memory at two input sizes in fresh processes to check it grows linearly.

Reads ../shared (beside the repository) by default; every input can be pointed elsewhere. The
results are committed, the shared texts must not be: edits are written as ``old => new`` with a few
words of context (``unmangle.bench.excerpt``) and each sentence is named by corpus and line, never
quoted whole; the repaired seed article is recorded by its SHA-256 only.
Run ``python benchmarks/deterministic.py --help`` for the options.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import gzip
import hashlib
import json
import os
import platform
import re
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Iterable

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from unmangle import Repairer  # noqa: E402
from unmangle.bench.excerpt import edit_excerpt  # noqa: E402
from unmangle.detok import detokenize  # noqa: E402
from unmangle.document import Document  # noqa: E402

MY_STAGES = ("normalize", "boilerplate", "duplicates")


def default_shared() -> Path:
    env = os.environ.get("UNMANGLE_SHARED")
    return Path(env) if env else REPO.parent / "shared"


# -- machine and versions --------------------------------------------------------------------------

def machine_info() -> dict:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {}
    for package in ("unmangle", "ftfy", "numpy", "pyahocorasick", "regex"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            pass
    try:
        commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True, check=True).stdout.strip()
        dirty = bool(subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "src"],
                                    capture_output=True, text=True).stdout.strip())
        commit += " (with uncommitted changes in src/)" if dirty else ""
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "load_average_at_start": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": versions,
        "git": commit,
    }


def deterministic_repairer(stages: Iterable[str] | None = None) -> Repairer:
    """Repairer(fast=True), optionally keeping only ``stages``."""
    from unmangle.pipeline import DETERMINISTIC_STAGES

    keep = set(stages) if stages is not None else set(DETERMINISTIC_STAGES)
    return Repairer(fast=True, disable=[s for s in DETERMINISTIC_STAGES if s not in keep])


# -- (a) seed article ------------------------------------------------------------------------------

#: (what, category, corrupted text, repaired text or None, which stage is meant to fix it)
SEED_CORRUPTIONS = [
    ("space after currency sign", "spacing", "$ 35 billion", "$35 billion", "normalize"),
    ("space before full stop", "spacing", "achievement .", "achievement.", "normalize"),
    ("stray full stop", "spacing", "five years. . COVID-19", "five years. COVID-19", "normalize"),
    ("reversed quote at paragraph end (freedom … down)", "quotes", "tear them down. “",
     "tear them down.”", "normalize"),
    ("detached closing quote", "quotes", "minorities. ”", "minorities.”", "normalize"),
    ("reversed quote at paragraph end (management)", "quotes", "management. “", "management.”",
     "normalize"),
    ("paywall pitch 1", "boilerplate", "In times of both misinformation", None, "boilerplate"),
    ("paywall pitch 2", "boilerplate", "By subscribing, you can help us", None, "boilerplate"),
    ("Subscribe now", "boilerplate", "Subscribe now", None, "boilerplate"),
    ("photo gallery prompt", "boilerplate", "Photo Gallery (Click to proceed)", None, "boilerplate"),
    ("comment form heading", "boilerplate", "Leave a Reply", None, "boilerplate"),
    ("comment form notice", "boilerplate", "Your email address will not be published", None,
     "boilerplate"),
    ("wire tags", "boilerplate", "| Reuters", None, "boilerplate"),
    ("near-duplicate copy 1 of the 'US officials' paragraph", "duplicates",
     "investors Has been kept from  |", None, "duplicates"),
    ("near-duplicate copy 2 of the 'US officials' paragraph", "duplicates",
     "most widely regarded by global investors", None, "duplicates"),
    ("entity: Tennessee Holdings", "entity", "Tennessee Holdings", "Tencent Holdings", "lexicon"),
    ("entity: Ticketok", "entity", "Ticketok", "TikTok", "lexicon"),
    ("wrong term: anti-Semitism practices", "term", "anti-Semitism practices",
     "anti-monopoly practices", "lexicon"),
    ("wrong term: Chinese hawkers", "term", "Chinese hawkers", "China hawks", "lexicon"),
    ("wrong term: dual-proliferation", "term", "dual-proliferation", "dual circulation", "lexicon"),
    ("tortured phrase: assist, assist and cooperate", "phrase", "assist, assist and cooperate",
     "support, assist and cooperate", "lexicon"),
    ("garbled syntax / lost sentence break (most widespread Are kept from Already)", "syntax",
     "widespread Are kept from Already", None, "neural"),
    ("garbled syntax (platforms Will have access … collected by.)", "syntax",
     "the data collected by.", None, "neural"),
    ("lost sentence break (affiliates globally Such actions)", "syntax",
     "affiliates globally Such actions", None, "neural"),
    ("garbled clause (Carlyle from Singapore’s … alienating)", "syntax",
     "Singapore’s sovereign wealth fund alienating", None, "neural"),
    ("garbled clause (Has non-controlling minorities.)", "syntax", "Has non-controlling minorities.",
     None, "neural"),
]


def seed_report(seed_path: Path) -> dict:
    text = seed_path.read_text(encoding="utf-8")
    result = deterministic_repairer().repair_document(text)
    out = result.text
    per_stage = {}
    for stage in MY_STAGES:
        only = deterministic_repairer([stage]).repair_document(text)
        per_stage[stage] = [edit_excerpt(text, e.to_dict()) for e in only.edits]
    checks = []
    for what, category, bad, good, meant_for in SEED_CORRUPTIONS:
        present_before = bad in text
        fixed = present_before and bad not in out and (good is None or good in out)
        checks.append({"what": what, "category": category, "corrupted": bad, "repaired": good,
                       "meant_for": meant_for, "fixed": fixed})
    return {
        "file": str(seed_path),
        "stages": deterministic_repairer().stage_names,
        "edits": [edit_excerpt(text, e.to_dict()) for e in result.edits],
        "edits_per_stage_alone": per_stage,
        "corruptions": checks,
        "fixed": sum(c["fixed"] for c in checks),
        "listed": len(checks),
        "idempotent": deterministic_repairer().repair(out) == out,
        "first_paragraph_identical": out.split("\n\n")[0] == text.split("\n\n")[0],
        "output_sha256": hashlib.sha256(out.encode("utf-8")).hexdigest(),
        "output_chars": len(out),
    }


# -- (b) clean text --------------------------------------------------------------------------------

def read_jsonl_gz(path: Path) -> Iterable[dict]:
    for _, row in read_jsonl_gz_lines(path):
        yield row


def read_jsonl_gz_lines(path: Path) -> Iterable[tuple[int, dict]]:
    """(line number, record) for each line of a gzipped JSONL file."""
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError as exc:
                raise SystemExit(f"{path}:{number}: not JSON ({exc})") from None


def _corpus_name(path: Path) -> str:
    return path.name.removesuffix(".gz").removesuffix(".jsonl")


def clean_sets(shared: Path, limit: int | None) -> dict[str, list[tuple[str, str]]]:
    """Corpus name -> (id, sentence) pairs; the id is ``file:line``, so results can name a
    sentence without quoting it."""
    sets = {}
    ntrex = sorted((shared / "corpus" / "ntrex128_en_zh_de").glob("*.jsonl.gz"))
    if ntrex:
        sets["NTREX-128 en"] = [(f"{_corpus_name(f)}:{n}", row["en"])
                                for f in ntrex for n, row in read_jsonl_gz_lines(f)][:limit]
    mlqe = sorted((shared / "corpus" / "mlqe_pe_xx_en").glob("*.dev.jsonl.gz"))
    if mlqe:
        sets["MLQE-PE dev pe (detokenised)"] = [
            (f"{_corpus_name(f)}:{n}", detokenize(row["pe"]))
            for f in mlqe for n, row in read_jsonl_gz_lines(f)][:limit]
    if not sets:
        raise SystemExit(f"no clean corpora under {shared / 'corpus'} (NTREX-128, MLQE-PE)")
    return sets


def clean_report(sets: dict[str, list[tuple[str, str]]]) -> dict:
    from tqdm import tqdm

    configs = {
        "normalize+boilerplate+duplicates": deterministic_repairer(MY_STAGES),
        "Repairer(fast=True)": deterministic_repairer(),
    }
    report = {}
    for set_name, sentences in sets.items():
        report[set_name] = {}
        for config_name, repairer in configs.items():
            changed = []
            stage_counts: dict[str, int] = {}
            for sid, sentence in tqdm(sentences, desc=f"{set_name} / {config_name}", unit="sent",
                                      leave=False, file=sys.stderr):
                result = repairer.repair_document(sentence)
                if result.text != sentence:
                    stages = sorted({s for e in result.edits for s in e.stage.split("+")})
                    for stage in stages:
                        stage_counts[stage] = stage_counts.get(stage, 0) + 1
                    changed.append({"id": sid, "edits": [edit_excerpt(sentence, e.to_dict())
                                                         for e in result.edits]})
            n = len(sentences)
            report[set_name][config_name] = {
                "sentences": n,
                "unchanged": n - len(changed),
                "unchanged_share": (n - len(changed)) / n if n else 1.0,
                "changed_by_stage": stage_counts,
                "changed": changed,
            }
    return report


# -- (c) speed and memory --------------------------------------------------------------------------

def un_text(shared: Path, megabytes: float) -> str:
    """UN General Debate speeches joined by blank lines, up to ``megabytes`` of UTF-8."""
    files = sorted((shared / "corpus" / "ungdc_en_1992_2024").glob("*.jsonl.gz"))
    if not files:
        raise SystemExit(f"no UN speeches under {shared / 'corpus' / 'ungdc_en_1992_2024'}")
    target = int(megabytes * 1_000_000)
    parts: list[str] = []
    size = 0
    for f in files:
        for row in read_jsonl_gz(f):
            parts.append(row["text"])
            size += len(row["text"].encode("utf-8")) + 2
            if size >= target:
                return "\n\n".join(parts)
    return "\n\n".join(parts)


def _best_of(repeats: int, fn) -> float:
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def speed_report(shared: Path, megabytes: float, repeats: int) -> dict:
    text = un_text(shared, megabytes)
    mb = len(text.encode("utf-8")) / 1e6
    repairer = deterministic_repairer()
    repairer.repair_document("Warm-up text , with $ 5 and a line.\n\nSubscribe now")
    word_re = re.compile(r"\w+")
    rows = []
    baseline = _best_of(repeats, lambda: word_re.findall(text))
    rows.append({"what": "baseline: re.findall(r'\\w+') over the same text", "seconds": baseline})
    stage_times = {}
    for stage in repairer.stages:
        doc = Document(text)
        # each stage sees the text as the stages before it left it, as in the pipeline
        for before in repairer.stages:
            if before is stage:
                break
            doc.apply(before.propose(doc.text))
        current = doc.text

        def run_stage(stage=stage, current=current):
            Document(current).apply(stage.propose(current))

        stage_times[stage.name] = _best_of(repeats, run_stage)
        rows.append({"what": f"stage {stage.name} (propose + apply)",
                     "seconds": stage_times[stage.name]})
    total = _best_of(repeats, lambda: repairer.repair_document(text))
    rows.append({"what": "Repairer(fast=True).repair_document (all stages)", "seconds": total})
    for row in rows:
        row["mb_per_s"] = mb / row["seconds"] if row["seconds"] else float("inf")
        row["x_baseline"] = row["seconds"] / baseline if baseline else None
    share = {name: t / sum(stage_times.values()) for name, t in stage_times.items()}
    return {"input_mb": mb, "repeats": repeats, "rows": rows, "stage_share": share,
            "total_mb_per_s": mb / total, "edits": len(repairer.repair_document(text).edits)}


def _rss_kb(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def memory_child(shared: Path, megabytes: float) -> dict:
    """Run in a fresh process: peak memory of one repair of ``megabytes`` of text."""
    import resource

    text = un_text(shared, megabytes)
    repairer = deterministic_repairer()
    repairer.repair_document("Warm-up text , with $ 5 and a line.\n\nSubscribe now")
    # reset the high-water mark where the kernel allows it, so the peak is the repair's own
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass
    before = _rss_kb("VmRSS")
    t0 = time.perf_counter()
    result = repairer.repair_document(text)
    seconds = time.perf_counter() - t0
    peak = _rss_kb("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    mb = len(text.encode("utf-8")) / 1e6
    return {"input_mb": mb, "seconds": seconds, "mb_per_s": mb / seconds,
            "rss_before_mb": (before or 0) / 1024, "peak_rss_mb": peak / 1024,
            "peak_growth_mb": (peak - (before or 0)) / 1024, "edits": len(result.edits)}


def memory_report(shared: Path, sizes: list[float]) -> list[dict]:
    rows = []
    for size in sizes:
        proc = subprocess.run([sys.executable, __file__, "--shared", str(shared), "--memory-child",
                               str(size)], capture_output=True, text=True)
        if proc.returncode != 0:
            raise SystemExit(f"memory run at {size} MB failed:\n{proc.stderr}")
        rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    return rows


# -- output ----------------------------------------------------------------------------------------

def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "⏎")


def _short(text: str, n: int = 90) -> str:
    return text if len(text) <= n else text[:n - 1] + "…"


def write_markdown(path: Path, data: dict) -> None:
    m = data["machine"]
    lines = [
        "# Deterministic stages: seed article, clean text, speed",
        "",
        f"- Command: `{data['command']}`",
        f"- Date: {data['date']}",
        f"- Machine: {m['nproc']} CPUs ({m['cpu']}), load average at start "
        f"{', '.join(f'{x:.2f}' for x in m['load_average_at_start'] or [])}; {m['platform']}",
        f"- Python {m['python']}; " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()),
        f"- Code: git {m['git']}",
        "",
    ]
    if "seed" in data:
        s = data["seed"]
        lines += [
            "## (a) Seed article",
            "",
            f"Input `{s['file']}`; stages {', '.join(s['stages'])}. Corruptions fixed: "
            f"**{s['fixed']} of the {s['listed']} listed** (the list is this benchmark's, not a full "
            f"census of the article). Idempotent: {s['idempotent']}. First paragraph byte-identical: "
            f"{s['first_paragraph_identical']}.",
            "",
            "| corruption | kind | meant for | fixed |",
            "|---|---|---|---|",
        ]
        for c in s["corruptions"]:
            lines.append(f"| {_md_escape(c['what'])} | {c['category']} | {c['meant_for']} | "
                         f"{'yes' if c['fixed'] else 'no'} |")
        lines += ["", "Every edit of `Repairer(fast=True)` (spans in the input; touching edits "
                  "of several stages are reported as one; old text of more than three words is "
                  "cut to `first … last`, context is four words a side):", "",
                  "| # | chars | edit in context | stage | reason | conf. |",
                  "|---|---|---|---|---|---|"]
        for i, e in enumerate(s["edits"], 1):
            lines.append(f"| {i} | {e['start']}–{e['end']} | `{_md_escape(e['context'])}` | "
                         f"{e['stage']} | {_md_escape(_short(e['reason'], 160))} | "
                         f"{e['confidence']:.2f} |")
        lines += ["", "Each of this issue's stages run alone on the article:", ""]
        for stage, edits in s["edits_per_stage_alone"].items():
            lines.append(f"- **{stage}**: {len(edits)} edit(s)")
            for e in edits:
                lines.append(f"  - `{_md_escape(e['context'])}` "
                             f"({_md_escape(_short(e['reason'], 120))})")
        lines.append("")
    if "clean" in data:
        lines += [
            "## (b) Clean text left byte-identical (each sentence repaired on its own)",
            "",
            "| corpus | configuration | sentences | unchanged | share | changed, by stage |",
            "|---|---|---|---|---|---|",
        ]
        for set_name, configs in data["clean"].items():
            for config, r in configs.items():
                by_stage = ", ".join(f"{k} {v}" for k, v in sorted(r["changed_by_stage"].items()))
                lines.append(f"| {set_name} | {config} | {r['sentences']} | {r['unchanged']} | "
                             f"{100 * r['unchanged_share']:.2f}% | {by_stage or '—'} |")
        lines += ["", "Target: ≥ 99.5% unchanged. Every changed sentence (full pipeline), named by "
                  "corpus file and line, with each edit in four words of context (the corpora are "
                  "not copied here):", ""]
        for set_name, configs in data["clean"].items():
            changed = configs["Repairer(fast=True)"]["changed"]
            lines.append(f"### {set_name}: {len(changed)} changed")
            lines.append("")
            for c in changed:
                edits = "; ".join(f"`{_md_escape(e['context'])}` "
                                  f"({e['stage']}: {_md_escape(_short(e['reason'], 80))})"
                                  for e in c["edits"])
                lines.append(f"- `{c['id']}`: {edits}")
            lines.append("")
    if "speed" in data:
        sp = data["speed"]
        lines += [
            "## (c) Speed and memory (UN General Debate speeches)",
            "",
            f"Input: {sp['input_mb']:.2f} MB of UTF-8 text; best of {sp['repeats']} runs each, all "
            f"in one process; {sp['edits']} edits made. The machine is shared, so compare rows "
            "with the baseline row of the same run rather than across runs.",
            "",
            "| what | seconds | MB/s | × baseline |",
            "|---|---|---|---|",
        ]
        for row in sp["rows"]:
            lines.append(f"| {row['what']} | {row['seconds']:.3f} | {row['mb_per_s']:.2f} | "
                         f"{row['x_baseline']:.1f} |")
        lines += ["", "Share of stage time: " + ", ".join(
            f"{k} {100 * v:.0f}%" for k, v in sp["stage_share"].items()), ""]
    if "memory" in data:
        rows = data["memory"]
        lines += [
            "Peak memory, one fresh process per size (VmHWM after the repair, minus VmRSS before "
            "it; text and pipeline already loaded):",
            "",
            "| input MB | seconds | MB/s | RSS before (MB) | peak RSS (MB) | growth (MB) | "
            "growth / input |",
            "|---|---|---|---|---|---|---|",
        ]
        for r in rows:
            lines.append(f"| {r['input_mb']:.1f} | {r['seconds']:.2f} | {r['mb_per_s']:.2f} | "
                         f"{r['rss_before_mb']:.0f} | {r['peak_rss_mb']:.0f} | "
                         f"{r['peak_growth_mb']:.0f} | {r['peak_growth_mb'] / r['input_mb']:.1f}× |")
        if len(rows) >= 2:
            a, b = rows[0], rows[-1]
            lines += ["", f"Input grew {b['input_mb'] / a['input_mb']:.1f}×; peak growth grew "
                      f"{b['peak_growth_mb'] / max(a['peak_growth_mb'], 1e-9):.1f}×, time "
                      f"{b['seconds'] / a['seconds']:.1f}×."]
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Benchmark the deterministic repair stages: (a) the seed article's fixes, "
        "(b) clean text left unchanged, (c) speed and memory. Writes Markdown and JSON results.")
    parser.add_argument("--shared", type=Path, default=default_shared(),
                        help="folder holding corpus/ and seeds/ (default: $UNMANGLE_SHARED or "
                        "../shared beside the repository)")
    parser.add_argument("--seed", type=Path,
                        help="seed article to repair (default: the first SHARED/seeds/*.txt)")
    parser.add_argument("--out-dir", type=Path, default=REPO / "benchmarks" / "results",
                        help="where to write NAME.md and NAME.json (default: benchmarks/results)")
    parser.add_argument("--name", default="deterministic", help="results file name stem")
    parser.add_argument("--parts", default="seed,clean,speed,memory",
                        help="comma-separated parts to run: seed, clean, speed, memory (default: all)")
    parser.add_argument("--clean-limit", type=int, metavar="N",
                        help="use only the first N sentences of each clean corpus (quick runs)")
    parser.add_argument("--speed-mb", type=float, default=4.0,
                        help="megabytes of UN speeches for the timing runs (default: 4)")
    parser.add_argument("--repeats", type=int, default=3, help="timing repeats, best kept (default: 3)")
    parser.add_argument("--memory-mb", default="5,20",
                        help="comma-separated input sizes in MB for the memory runs (default: 5,20)")
    parser.add_argument("--memory-child", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.memory_child is not None:
        print(json.dumps(memory_child(args.shared, args.memory_child)))
        return 0
    if not args.shared.is_dir():
        parser.error(f"shared data folder {args.shared} not found; pass --shared PATH")
    parts = {p.strip() for p in args.parts.split(",") if p.strip()}
    unknown = parts - {"seed", "clean", "speed", "memory"}
    if unknown:
        parser.error(f"unknown part(s): {', '.join(sorted(unknown))}")

    data: dict = {
        "command": " ".join(["python", "benchmarks/deterministic.py", *(argv or sys.argv[1:])]),
        "date": _dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": machine_info(),
    }
    if "seed" in parts:
        seed = args.seed or next(iter(sorted((args.shared / "seeds").glob("*.txt"))), None)
        if seed is None:
            parser.error(f"no seed article in {args.shared / 'seeds'}; pass --seed FILE")
        print("(a) seed article …", file=sys.stderr)
        data["seed"] = seed_report(seed)
    if "clean" in parts:
        print("(b) clean text …", file=sys.stderr)
        data["clean"] = clean_report(clean_sets(args.shared, args.clean_limit))
    if "speed" in parts:
        print(f"(c) speed on {args.speed_mb} MB …", file=sys.stderr)
        data["speed"] = speed_report(args.shared, args.speed_mb, args.repeats)
    if "memory" in parts:
        sizes = [float(x) for x in args.memory_mb.split(",") if x.strip()]
        print(f"(c) memory at {sizes} MB …", file=sys.stderr)
        data["memory"] = memory_report(args.shared, sizes)

    args.out_dir.mkdir(parents=True, exist_ok=True)
    json_path = args.out_dir / f"{args.name}.json"
    md_path = args.out_dir / f"{args.name}.md"
    json_path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    write_markdown(md_path, data)
    print(f"wrote {md_path} and {json_path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
