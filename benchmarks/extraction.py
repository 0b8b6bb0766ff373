"""Main-text extraction from web pages, with and without repair after it.

On the 91 pages of the Article Extraction Benchmark in ``../shared/corpus/aeb_news_pages/``
(dev.jsonl.gz: html, visible_text, gold article), with the benchmark's own measure: token 4-gram
shingles, per-page precision and recall (each page's counts normalised so long pages weigh no
more), averaged over pages, F1 from the two averages. Systems:

- ``visible_text``: the corpus's own all-visible-text (html-text), untouched: the floor;
- ``visible_text + boilerplate``: the plain-text ``boilerplate`` stage alone on it;
- ``visible_text + fast``: all deterministic stages on it;
- ``unmangle visible_text``: ``unmangle.extract.visible_text`` (what ``--keep-boilerplate`` repairs);
- ``trafilatura`` (what ``unmangle repair page.html`` uses), ``trafilatura precision/recall``
  (its favor_* modes), ``readability-lxml`` and ``jusText``: extractors compared before choosing;
- ``trafilatura + fast`` / ``trafilatura + full``: extraction then the repair pipeline;
- ``article + fast`` / ``article + full``: the gold text repaired (it is clean: should stay ~1.0).

Usage: ``python benchmarks/extraction.py [--pages PATH] [--no-full] [-o benchmarks/results/extraction]``
"""

from __future__ import annotations

import argparse
import gzip
import json
import platform
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from unmangle import Repairer  # noqa: E402
from unmangle.extract import extract_article, page_text, visible_text  # noqa: E402
from unmangle.stages.boilerplate import BoilerplateStage  # noqa: E402

TOKEN = re.compile(r"\w+")


def shingles(text: str, n: int = 4) -> Counter:
    tokens = TOKEN.findall(text or "")
    return Counter(tuple(tokens[i:i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i:i + n])


def page_counts(gold: str, pred: str) -> tuple[float, float, float]:
    """(tp, fp, fn) over shingles, normalised to sum to 1 (the benchmark's per-page weighting)."""
    g, p = shingles(gold), shingles(pred)
    tp = sum(min(g[k], p[k]) for k in g.keys() & p.keys())
    fp = sum(p.values()) - tp
    fn = sum(g.values()) - tp
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def score(counts: list[tuple[float, float, float]]) -> dict:
    def precision(tp, fp, fn):
        return 1.0 if fp == fn == 0 else (0.0 if tp == fp == 0 else tp / (tp + fp))

    def recall(tp, fp, fn):
        return 1.0 if fp == fn == 0 else (0.0 if tp == fn == 0 else tp / (tp + fn))

    p = statistics.mean(precision(*c) for c in counts if c[0] + c[1] > 0)
    r = statistics.mean(recall(*c) for c in counts if c[0] + c[2] > 0)
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def readability_text(html: str) -> str:
    from readability import Document

    return visible_text(Document(html).summary(html_partial=True))


def justext_text(html: str) -> str:
    import justext

    paragraphs = justext.justext(html.encode("utf-8"), justext.get_stoplist("English"))
    return "\n\n".join(p.text for p in paragraphs if not p.is_boilerplate)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=Path, default=ROOT.parent / "shared" / "corpus" / "aeb_news_pages" / "dev.jsonl.gz")
    ap.add_argument("--no-full", action="store_true", help="skip the neural pipeline (much faster)")
    ap.add_argument("-o", "--out", type=Path, default=ROOT / "benchmarks" / "results" / "extraction",
                    help="writes OUT.json and OUT.md")
    args = ap.parse_args(argv)
    rows = [json.loads(line) for line in gzip.open(args.pages, "rt", encoding="utf-8")]
    gold = [r["article"] for r in rows]
    outputs: dict[str, list[str]] = {}
    seconds: dict[str, float] = {}

    def run(name: str, fn: Callable[[dict], str]) -> None:
        start = time.perf_counter()
        outputs[name] = [fn(r) for r in rows]
        seconds[name] = time.perf_counter() - start
        print(f"{name}: {seconds[name]:.1f} s", file=sys.stderr)

    def run_many(name: str, source: str, repairer: Repairer) -> None:
        start = time.perf_counter()
        outputs[name] = [res.text for res in repairer.repair_many(outputs[source])]
        seconds[name] = time.perf_counter() - start
        print(f"{name}: {seconds[name]:.1f} s", file=sys.stderr)

    import trafilatura

    run("visible_text", lambda r: r["visible_text"])
    run("unmangle visible_text", lambda r: visible_text(r["html"]))
    run("trafilatura", lambda r: page_text(r["html"]))
    fallbacks = sum(extract_article(r["html"]) is None for r in rows)
    run("trafilatura precision", lambda r: trafilatura.extract(r["html"], favor_precision=True,
                                                                include_comments=False) or "")
    run("trafilatura recall", lambda r: trafilatura.extract(r["html"], favor_recall=True,
                                                             include_comments=False) or "")
    try:
        run("readability-lxml", lambda r: readability_text(r["html"]))
    except ImportError:
        print("readability-lxml not installed: skipped", file=sys.stderr)
    run("jusText", lambda r: justext_text(r["html"]))
    outputs["article"] = gold
    seconds["article"] = 0.0
    fast = Repairer(fast=True)
    run_many("visible_text + boilerplate", "visible_text", Repairer(stages=[BoilerplateStage()]))
    run_many("visible_text + fast", "visible_text", fast)
    run_many("trafilatura + fast", "trafilatura", fast)
    run_many("article + fast", "article", fast)
    if not args.no_full:
        full = Repairer()
        run_many("trafilatura + full", "trafilatura", full)
        run_many("article + full", "article", full)

    results = {}
    per_page = {}
    for name, texts in outputs.items():
        counts = [page_counts(g, t) for g, t in zip(gold, texts)]
        per_page[name] = counts
        results[name] = {**score(counts), "seconds": round(seconds[name], 2)}
    changes = {}
    for repaired, source in (("trafilatura + fast", "trafilatura"), ("trafilatura + full", "trafilatura"),
                             ("article + fast", "article"), ("article + full", "article"),
                             ("visible_text + boilerplate", "visible_text")):
        if repaired not in outputs:
            continue
        f1 = lambda c: 2 * c[0] / (2 * c[0] + c[1] + c[2]) if c[0] else 0.0  # noqa: E731
        deltas = [f1(a) - f1(b) for a, b in zip(per_page[repaired], per_page[source])]
        changes[repaired] = {
            "pages_text_changed": sum(a != b for a, b in zip(outputs[repaired], outputs[source])),
            "pages_f1_up": sum(d > 1e-12 for d in deltas), "pages_f1_down": sum(d < -1e-12 for d in deltas),
            "largest_page_f1_drop": round(-min(deltas), 5) if min(deltas) < 0 else 0.0,
            "f1_change": results[repaired]["f1"] - results[source]["f1"],
        }
    import lxml
    import justext  # noqa: F401

    versions = {"trafilatura": trafilatura.__version__, "lxml": lxml.__version__}
    try:
        from importlib.metadata import version

        versions["readability-lxml"] = version("readability-lxml")
        versions["jusText"] = version("jusText")
    except Exception:  # noqa: BLE001 (a version is a nicety)
        pass
    report = {"pages": len(rows), "trafilatura_found_nothing": fallbacks, "systems": results,
              "repair_after": changes, "versions": versions, "machine": platform.processor() or platform.machine(),
              "command": "python benchmarks/extraction.py" + (" --no-full" if args.no_full else "")}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    lines = [f"# Main-text extraction on the {len(rows)} AEB pages", "",
             f"Command: `{report['command']}`. Measure: the benchmark's token 4-gram shingles, per-page "
             "precision and recall averaged over pages, F1 of the averages. Seconds: the whole run on a busy "
             "2-core machine (compare within the table only).", "",
             "| system | precision | recall | F1 | seconds |", "|---|---|---|---|---|"]
    for name, m in results.items():
        lines.append(f"| {name} | {m['precision']:.4f} | {m['recall']:.4f} | {m['f1']:.4f} | {m['seconds']:.1f} |")
    lines += ["", "Repair after extraction (per page F1 against the same gold text):", "",
              "| repaired | pages changed | F1 up | F1 down | largest page drop | F1 change |", "|---|---|---|---|---|---|"]
    for name, c in changes.items():
        lines.append(f"| {name} | {c['pages_text_changed']} | {c['pages_f1_up']} | {c['pages_f1_down']} | "
                     f"{c['largest_page_f1_drop']:.4f} | {c['f1_change']:+.5f} |")
    lines += ["", f"trafilatura found no article on {fallbacks} page(s) (unmangle then falls back to the visible "
              "text). Versions: " + ", ".join(f"{k} {v}" for k, v in versions.items()) + "."]
    args.out.with_suffix(".md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
