"""Speed, memory and load time of the full pipeline on seed-like text (issue 4's targets).

Each configuration runs in its own fresh Python process, so its peak memory (ru_maxrss) and load time
are its own. Configurations, all in the same run:

- ``import-torch``: a process that only imports torch (what a ready Repairer no longer waits for:
  the model runs on NumPy by default, see ``unmangle.neural.engine``);
- ``fast``: deterministic stages only;
- ``full``: the default pipeline with the bundled model and its calibrated thresholds (bf16, NumPy);
- ``full-auto`` / ``full-torch``: the same with ``model_engine="auto"`` (torch for calls over 60
  words) and ``"torch"``;
- ``full-int8``: the same with ``precision="int8"`` (int8 Linear layers: faster, batch-dependent);
- ``rewrite-all``: the same model asked to rewrite every region of every sentence (detect threshold 0),
  the "rewrite every sentence" configuration;
- ``detect-only``: only the detector's pass over every sentence (``NeuralStage.regions_many``), which
  the full pipeline runs on all text at the same quality: a ceiling on how fast it can be.

Text: corrupted UN General Debate speeches of 2023-2024 (held out of training), news preset, about
the length of the seed article each, or any text file given with --text.

    python benchmarks/neural_speed.py --words 20000
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
config, path = sys.argv[1], sys.argv[2]
if config in ("import-torch", "full-torch"):
    import torch
t_import = time.perf_counter()
if config != "import-torch":
    from unmangle import Repairer
    model_engine = {"full-auto": "auto", "full-torch": "torch"}.get(config, "numpy")
    repairer = Repairer(fast=(config == "fast"), precision="int8" if config == "full-int8" else "bf16",
                        model_engine=model_engine)
    if config == "rewrite-all":
        repairer = Repairer(stages=[s.with_settings(min_probability=0.0) if s.name == "neural" else s
                                    for s in repairer.stages])
    neural = next((s for s in repairer.stages if s.name == "neural"), None)
t_load = time.perf_counter()
docs = json.load(open(path, encoding="utf-8"))
words = sum(len(d.split()) for d in docs)
edits = 0
t1 = time.perf_counter()
first_s = 0.0
if config != "import-torch":
    for k, d in enumerate(docs):
        if config == "detect-only":
            neural.regions_many([d])  # the detector's pass alone, as the full pipeline runs it
        else:
            edits += len(repairer.repair_document(d).edits)
        if k == 0:
            first_s = time.perf_counter() - t1
t2 = time.perf_counter()
print(json.dumps({"import_s": t_import - t0, "load_s": t_load - t0, "words": words,
                  "seconds": t2 - t1, "edits": edits, "first_doc_s": first_s,
                  "later_words": words - len(docs[0].split()), "later_s": t2 - t1 - first_s,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def make_docs(shared: Path, words: int, seed: int) -> list[str]:
    sys.path.insert(0, str(ROOT / "src"))
    from unmangle.corrupt import CorruptionConfig, Corruptor
    from unmangle.training.data import read_clean_texts

    corruptor = Corruptor(CorruptionConfig.preset("news"), seed=seed)
    docs, total, buf = [], 0, []
    for para in read_clean_texts(shared / "corpus/ungdc_en_1992_2024/ungdc_en_1992_2024.jsonl.gz",
                                 where="year>=2023"):
        buf.append(para)
        if sum(len(p.split()) for p in buf) >= 1200:  # about the seed article's length
            doc = corruptor.corrupt_document("\n\n".join(buf)).source
            docs.append(doc)
            total += len(doc.split())
            buf = []
            if total >= words:
                break
    return docs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--text", help="a UTF-8 text file to use instead (one document)")
    ap.add_argument("--words", type=int, default=20000, help="words of corrupted UN text")
    ap.add_argument("--repeats", type=int, default=3, help="runs per configuration (median kept)")
    ap.add_argument("--configs", default="import-torch,fast,full,detect-only,full-auto,full-torch,full-int8,"
                                          "rewrite-all")
    ap.add_argument("--out", default=str(ROOT / "benchmarks/results/neural_speed.md"))
    args = ap.parse_args()
    docs = [Path(args.text).read_text(encoding="utf-8")] if args.text else make_docs(Path(args.shared), args.words, 2023)
    data = ROOT / "work_data" / "neural_speed_docs.json"
    data.parent.mkdir(exist_ok=True)
    data.write_text(json.dumps(docs), encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), TQDM_DISABLE="1", PYTHONWARNINGS="ignore")
    rows = {}
    for config in args.configs.split(","):
        runs = []
        for _ in range(args.repeats):
            out = subprocess.run([sys.executable, "-c", CHILD, config, str(data)], env=env,
                                 capture_output=True, text=True, check=True).stdout
            runs.append(json.loads(out.strip().splitlines()[-1]))
        med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        med["words_per_s"] = med["words"] / med["seconds"] if med["seconds"] > 0 else None
        med["later_words_per_s"] = med["later_words"] / med["later_s"] if med["later_s"] > 0 else None
        rows[config] = med
        print(config, json.dumps(med))
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), platform.processor())
    lines = [
        "# Full-pipeline speed, memory and load time",
        "",
        f"- Command: `python benchmarks/neural_speed.py {' '.join(sys.argv[1:])}`",
        f"- Machine: {os.cpu_count()} CPU cores ({cpu}), Python {platform.python_version()}; "
        f"date {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; load average before the run: {os.getloadavg()[0]:.2f}",
        f"- Text: {len(docs)} documents, {rows[next(iter(rows))]['words']:.0f} words "
        + ("(given file)" if args.text else "of UN 2023-2024 speeches corrupted with the news preset (seed 2023)"),
        f"- Each configuration in a fresh process, median of {args.repeats} runs. `load s` = process start to "
        "a ready Repairer (imports included); `words/s` = all documents, one `repair_document` call each; "
        "`after the first` = the documents after the first one (what a long run settles at: the first "
        "large call of `full-auto` imports torch); `peak RSS` = the process's maximum resident memory.",
        "",
        "| configuration | load s | words/s | first document s | words/s after the first | edits | peak RSS MB |",
        "|---|---|---|---|---|---|---|",
    ]
    for config, r in rows.items():
        if config == "import-torch":
            lines.append(f"| {config} | {r['load_s']:.2f} | – | – | – | – | {r['peak_rss_mb']:.0f} |")
            continue
        lines.append(f"| {config} | {r['load_s']:.2f} | {r['words_per_s']:,.0f} | {r['first_doc_s']:.2f} | "
                     f"{r['later_words_per_s']:,.0f} | {r['edits']:.0f} | {r['peak_rss_mb']:.0f} |")
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
