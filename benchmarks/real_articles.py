"""No harm on real documents: repair real, edited text and count every change it makes.

Clean text must come out unchanged. This runs the fast (deterministic) and the full pipeline over
real documents nobody mangled:

- the gold ``article`` bodies of the 91 AEB news/blog pages (``corpus/aeb_news_pages``; evaluation
  only, a few are not English);
- UN General Debate speeches of 2023-2024, years neither the model nor its n-gram model saw
  (training used 1992-2021, calibration 2022; see models/unmangle-base/README.md).

Reported per pipeline and corpus: documents changed, edits per 10k words by stage, every removed
sentence (for a human to read), every other edit (old -> new), and edits inside non-English lines
(must be 0). Targets: >= 95% of documents unchanged, <= 2 edits per 10k words.

    PYTHONPATH=src python benchmarks/real_articles.py [--pipelines fast full] [--un-every 20]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from unmangle import Repairer  # noqa: E402
from unmangle.language import allowed_everywhere, document_language, protected_spans  # noqa: E402

UN_YEARS = (2023, 2024)
DEFAULT_SHARED = ROOT.parent / "shared"


def aeb_articles(shared: Path) -> list[tuple[str, str]]:
    path = shared / "corpus" / "aeb_news_pages" / "dev.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return [(r["id"], r["article"]) for r in map(json.loads, fh)]


def un_speeches(shared: Path, every: int) -> list[tuple[str, str]]:
    path = shared / "corpus" / "ungdc_en_1992_2024" / "ungdc_en_1992_2024.jsonl.gz"
    out = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if any(f'"year": {y}' in line for y in UN_YEARS):
                r = json.loads(line)
                if r.get("year") in UN_YEARS:
                    out.append((r["id"], r["text"]))
    out.sort()
    return out[::every]


def _words(text: str) -> int:
    return len(text.split())


def _in_protected(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(a < end and start < b or (start == end and a <= start <= b) for a, b in spans)


def measure(repairer: Repairer, docs: list[tuple[str, str]]) -> dict:
    started = time.perf_counter()
    by_stage: dict[str, int] = {}
    changed, words, n_edits, foreign_edits = 0, 0, 0, 0
    removed, other = [], []
    languages: dict[str, int] = {}
    for doc_id, text in docs:
        result = repairer.repair_document(text)
        words += _words(text)
        lang, _ = document_language(text)
        languages[lang] = languages.get(lang, 0) + 1
        if result.changed:
            changed += 1
        protected = protected_spans(text)
        for e in result.edits:
            n_edits += 1
            by_stage[e.stage] = by_stage.get(e.stage, 0) + 1
            if _in_protected(protected, e.start, e.end) and not allowed_everywhere(e):
                foreign_edits += 1
            row = {"doc": doc_id, "stage": e.stage, "old": e.old, "new": e.new, "reason": e.reason}
            if not e.new.strip() and len(e.old.split()) >= 3:
                removed.append(row)
            else:
                other.append(row)
    seconds = time.perf_counter() - started
    per10k = (lambda n: round(n * 10_000 / words, 2)) if words else (lambda n: 0.0)
    return {
        "documents": len(docs), "documents_changed": changed,
        "unchanged_share": round(1 - changed / len(docs), 4) if docs else 1.0,
        "words": words, "edits": n_edits, "edits_per_10k_words": per10k(n_edits),
        "edits_per_10k_words_by_stage": {k: per10k(v) for k, v in sorted(by_stage.items())},
        "edits_in_non_english_lines": foreign_edits, "document_languages": languages,
        "seconds": round(seconds, 1), "removed_sentences": removed, "other_edits": other,
    }


def to_markdown(results: dict) -> str:
    lines = ["# No harm on real documents", "",
             f"Command: `{results['command']}` ({results.get('machine', 'machine not recorded')}).", "",
             "| pipeline | corpus | docs | changed | unchanged | words | edits / 10k words | by stage | "
             "edits in non-English lines |", "|---|---|---|---|---|---|---|---|---|"]
    for pipe, corpora in results["pipelines"].items():
        for corpus, r in corpora.items():
            stages = ", ".join(f"{k} {v}" for k, v in r["edits_per_10k_words_by_stage"].items()) or "-"
            lines.append(f"| {pipe} | {corpus} | {r['documents']} | {r['documents_changed']} | "
                         f"{r['unchanged_share']:.1%} | {r['words']:,} | {r['edits_per_10k_words']} | "
                         f"{stages} | {r['edits_in_non_english_lines']} |")
    for pipe, corpora in results["pipelines"].items():
        for corpus, r in corpora.items():
            lines += ["", f"## {pipe} / {corpus}: removed sentences ({len(r['removed_sentences'])})", ""]
            lines += [f"- `{x['doc']}` ({x['stage']}): “{' '.join(x['old'].split())[:300]}” — {x['reason'][:160]}"
                      for x in r["removed_sentences"]] or ["(none)"]
            lines += ["", f"## {pipe} / {corpus}: other edits ({len(r['other_edits'])})", ""]
            lines += [f"- `{x['doc']}` ({x['stage']}): {x['old'][:80]!r} → {x['new'][:80]!r} — {x['reason'][:100]}"
                      for x in r["other_edits"][:200]] or ["(none)"]
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--pipelines", nargs="+", choices=["fast", "full"], default=["fast", "full"])
    ap.add_argument("--un-every", type=int, default=5, help="take every Nth held-out UN speech")
    ap.add_argument("--full-un-limit", type=int, default=10,
                    help="UN speeches for the (slow, CPU) full pipeline")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "real_articles")
    args = ap.parse_args()
    if not (args.shared / "corpus").is_dir():
        sys.exit(f"no shared data at {args.shared}")
    aeb = aeb_articles(args.shared)
    un = un_speeches(args.shared, args.un_every)
    load = os.getloadavg()[0]
    results = {"command": "PYTHONPATH=src python benchmarks/real_articles.py " + " ".join(sys.argv[1:]),
               "machine": f"{date.today().isoformat()}, {os.cpu_count()} CPUs, load average {load:.1f} at the "
                          f"start{' (busy: compare seconds within a run only)' if load > (os.cpu_count() or 1) else ''}",
               "pipelines": {}}
    for pipe in args.pipelines:
        repairer = Repairer(fast=pipe == "fast")
        corpora = {"aeb_articles": aeb, f"un_{UN_YEARS[0]}_{UN_YEARS[-1]}":
                   un if pipe == "fast" else un[:args.full_un_limit]}
        results["pipelines"][pipe] = {}
        for name, docs in corpora.items():
            r = measure(repairer, docs)
            results["pipelines"][pipe][name] = r
            print(pipe, name, {k: v for k, v in r.items() if k not in ("removed_sentences", "other_edits")},
                  flush=True)
            args.out.with_suffix(".json").write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
            args.out.with_suffix(".md").write_text(to_markdown(results))


if __name__ == "__main__":
    main()
