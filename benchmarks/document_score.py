"""Benchmark the document score: ranking, calibration and speed on held-out and evaluation data.

    PYTHONPATH=src python benchmarks/document_score.py [--shared ../shared] [--per-setting 120]
        [--classifier FILE] [--out benchmarks/results/document_score]

Sets (none of them seen in training):
- synthetic: excerpts (1-8 paragraphs) of UN speeches of 2023-2024, clean and damaged, per damage
  level (presets light / news / heavy) and per damage family (one family alone);
- synthetic-mix: the same excerpts damaged by the training documents' mix of settings (the prior
  the calibration assumes);
- mlqe-dev-N: MLQE-PE xx-en dev, machine translations against their post-edits, in documents of
  N = 1, 5, 10 sentences of one language pair;
- ntrex-news: NTREX news articles (sentences grouped by document) clean against the same articles
  through the ``news`` preset; the clean NTREX articles and the 91 AEB pages' article texts are
  also reported alone, as negatives (share scored >= 0.5, mean probability, ECE).

For each: ROC AUC, precision at 90% recall, a 10-bin reliability table and the expected calibration
error of the calibrated probability, beside baselines in the same run: trigram perplexity alone
(``lm_mean``), the share of words outside wordfreq's list (``wordfreq_oov``), and the best single
feature of the score (each oriented as its training-data weight says). Speed: words/s of scoring
alone and of the fast repair pipeline (``Repairer(fast=True)``) on the same documents.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from unmangle.corrupt import CATEGORIES  # noqa: E402
from unmangle.scoring.classifier import (calibration_table, feature_value, precision_at_recall,  # noqa: E402
                                         roc_auc)
from unmangle.training.document_score import (DAMAGE_MIX, MLQE_DEV_FILE, LabelledDocument,  # noqa: E402
                                              mlqe_documents, read_mlqe, read_speeches,
                                              synthetic_documents)

BASELINES = {"lm_perplexity": "lm_mean", "wordfreq_oov_share": "wordfreq_oov"}
HELD_OUT_YEARS = (2023, 2024)


def ntrex_articles(shared: Path) -> list[str]:
    docs: dict[str, list[str]] = {}
    path = next((shared / "corpus/ntrex128_en_zh_de").glob("*.jsonl.gz"))
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            docs.setdefault(row["doc_id"], []).append(row["en"])
    # the first line of each document is its headline: a paragraph of its own
    return [s[0] + "\n\n" + " ".join(s[1:]) for s in docs.values()]


def aeb_articles(shared: Path) -> list[str]:
    with gzip.open(shared / "corpus/aeb_news_pages/dev.jsonl.gz", "rt", encoding="utf-8") as fh:
        return [t for t in (json.loads(line).get("article") or "" for line in fh) if t.strip()]


def build_sets(shared: Path, per_setting: int, seed: int) -> dict[str, list[LabelledDocument]]:
    from unmangle.corrupt import Corruptor
    from unmangle.training.document_score import damage_config

    speeches = read_speeches(shared, HELD_OUT_YEARS)
    sets: dict[str, list[LabelledDocument]] = {}
    for name in ("light", "news", "heavy", *(f"only:{c}" for c in CATEGORIES)):
        sets[f"synthetic-{name}"] = synthetic_documents(speeches, per_setting, seed, damages=((name, 1.0),))
    # the training documents' damage mix: the prior the calibration was fitted under (one setting
    # alone shifts how many damaged documents look clean, and with it the calibration)
    sets["synthetic-mix"] = synthetic_documents(speeches, 3 * per_setting, seed, damages=DAMAGE_MIX)
    dev = read_mlqe(shared / MLQE_DEV_FILE)
    for size in (1, 5, 10):
        sets[f"mlqe-dev-{size}"] = mlqe_documents(dev, sizes=(size,), seed=seed, drop_identical_singles=False)
    news = ntrex_articles(shared)
    corruptor = Corruptor(damage_config("news"), seed=seed)
    damaged = [corruptor.corrupt_document(t, key=k).source for k, t in enumerate(news)]
    sets["ntrex-news"] = ([LabelledDocument(t, 0, "ntrex", "clean") for t in news]
                          + [LabelledDocument(t, 1, "ntrex", "news") for t, c in zip(damaged, news) if t != c])
    sets["clean-ntrex-articles"] = [LabelledDocument(t, 0, "ntrex", "clean") for t in news]
    sets["clean-aeb-articles"] = [LabelledDocument(t, 0, "aeb", "clean") for t in aeb_articles(shared)]
    return sets


def evaluate(docs: list[LabelledDocument], rows: list[dict], probs: np.ndarray, clf) -> dict:
    y = np.array([d.label for d in docs])
    table, ece = calibration_table(probs, y)
    out: dict = {"documents": len(docs), "mangled": int(y.sum()),
                 "words": sum(len(d.text.split()) for d in docs), "ece": round(ece, 4),
                 "mean_probability": round(float(probs.mean()), 4),
                 "share_at_0.5": round(float((probs >= 0.5).mean()), 4), "reliability": table}
    if 0 < y.sum() < len(y):
        out["auc"] = round(roc_auc(probs, y), 4)
        out["precision_at_90_recall"] = round(precision_at_recall(probs, y, 0.9), 4)
        base = {}
        for label, feat in BASELINES.items():
            v = np.array([r[feat] for r in rows])
            base[label] = round(roc_auc(-v if feat == "lm_mean" else v, y), 4)
        singles = {}
        for name, w in zip(clf.feature_names, clf.weights):
            v = np.array([feature_value(r, name) for r in rows]) * np.sign(w or 1.0)
            singles[name] = roc_auc(v, y)
        best = max(singles, key=lambda n: singles[n])
        base["best_single_feature"] = {"feature": best, "auc": round(singles[best], 4)}
        out["baselines"] = base
        best_base = max(base["lm_perplexity"], base["wordfreq_oov_share"], singles[best])
        out["gain_ratio_vs_best_single"] = round((out["auc"] - 0.5) / max(best_base - 0.5, 1e-9), 2)
    return out


def speed(docs: list[LabelledDocument], classifier: str, compare: str) -> dict:
    from unmangle.pipeline import Repairer
    from unmangle.scoring import score_document

    texts = [d.text for d in docs]
    # each classifier on its own half (alternate documents), so neither reads text the language
    # models' look-up caches already hold from the other
    halves = {"score": (classifier, texts[0::2]), "compare": (compare, texts[1::2])}
    score_document(texts[0], classifier=classifier)  # load everything once
    score_document(texts[1], classifier=compare)
    repairer = Repairer(fast=True)
    repairer.repair_document(texts[0])
    rates = {}
    for label, (path, part) in halves.items():
        t0 = time.perf_counter()
        for t in part[1:]:
            score_document(t, classifier=path)
        rates[label] = sum(len(t.split()) for t in part[1:]) / (time.perf_counter() - t0)
    words = sum(len(t.split()) for t in texts)
    t0 = time.perf_counter()
    for t in texts:
        repairer.repair_document(t)
    repair_rate = words / (time.perf_counter() - t0)
    return {"words": words, "score_words_per_s": round(rates["score"]),
            "compare_words_per_s": round(rates["compare"]),
            "fast_repair_words_per_s": round(repair_rate),
            "score_to_fast_repair_ratio": round(rates["score"] / repair_rate, 2)}


def markdown(results: dict) -> str:
    lines = ["# Document score: is this text machine-mangled?", "",
             f"Command: `{results['command']}`  ", f"Date: {results['date']}; machine: {results['machine']}  ",
             f"Classifier: `{results['classifier']}` (features: {', '.join(results['features'])})  ",
             f"Compared in the same run, on the same documents: `{results['compare']}` (by default the "
             "shipped classifiers: the one that reads the neural detector, `score_document(neural=True)`, "
             "against the default one without it)", "",
             "Sets: synthetic = UN speeches of 2023-2024 (never read in training), 1-8 paragraph "
             "excerpts clean and damaged by one setting; mlqe-dev-N = MLQE-PE dev MT vs post-edit in "
             "N-sentence documents; synthetic-mix = held-out UN excerpts damaged by the training "
             "documents' mix of settings (the prior the calibration was fitted under: a single setting "
             "changes how many damaged documents look clean); ntrex-news = NTREX articles clean vs "
             "through the news preset; "
             "clean-* = real news as negatives only (ECE there = mean probability). Baselines are "
             "single features ranked as they come (AUC only, no calibration); gain ratio = "
             "(AUC - 0.5) / (best of the baselines and single features - 0.5). Sentence-level "
             "families (entity, synonym, ...) damage 40% of sentences.", "",
             "| set | docs (mangled) | AUC | P@90%R | ECE | mean p | share ≥ 0.5 | AUC / ECE without the detector | "
             "AUC lm perplexity | AUC wordfreq OOV | best single feature (AUC) | gain ratio |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, r in results["sets"].items():
        b = r.get("baselines", {})
        best = b.get("best_single_feature", {})
        c = results["compare_sets"][name]
        lines.append(f"| {name} | {r['documents']} ({r['mangled']}) | {r.get('auc', '–')} | "
                     f"{r.get('precision_at_90_recall', '–')} | {r['ece']} | {r['mean_probability']} | "
                     f"{r['share_at_0.5']} | {c.get('auc', '–')} / {c['ece']} | "
                     f"{b.get('lm_perplexity', '–')} | {b.get('wordfreq_oov_share', '–')} | "
                     f"{best.get('feature', '–')} ({best.get('auc', '–')}) | {r.get('gain_ratio_vs_best_single', '–')} |")
    s = results["speed"]
    lines += ["", f"Speed ({results['machine']}, same run, timed before the sets are scored, so the "
              f"look-up caches are cold): scoring {s['score_words_per_s']} words/s "
              f"(without the detector {s['compare_words_per_s']}), "
              f"fast repair pipeline {s['fast_repair_words_per_s']} words/s (scoring takes "
              f"{1 / s['score_to_fast_repair_ratio']:.2f}× the fast pipeline's time), on {s['words']} words "
              "(each score on alternate documents).", "",
              "## Reliability tables (bin: n, mean probability → observed share mangled)", ""]
    for name, r in results["sets"].items():
        cells = "; ".join(f"{t['bin']}: {t['n']}, {t['mean_probability']:.2f}→{t['positive_rate']:.2f}"
                          for t in r["reliability"])
        lines.append(f"- **{name}**: {cells}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"), help="the shared data folder")
    ap.add_argument("--per-setting", type=int, default=120, help="UN excerpts per damage setting")
    ap.add_argument("--seed", type=int, default=2023)
    ap.add_argument("--classifier", help="classifier JSON (default: the shipped one that reads the "
                    "neural detector)")
    ap.add_argument("--compare", help="a second classifier scored on the same documents (default: the "
                    "shipped one without the detector)")
    ap.add_argument("--speed-docs", type=int, default=150, help="documents timed for speed")
    ap.add_argument("--out", default=str(ROOT / "benchmarks/results/document_score"),
                    help="writes OUT.json and OUT.md")
    args = ap.parse_args(argv)

    import platform

    import os

    from unmangle.resources import package_data
    from unmangle.scoring.api import CLASSIFIER_FILE, NEURAL_CLASSIFIER_FILE, extraction_options, load_classifier
    from unmangle.scoring.features import extract, neural_detector

    paths = {"classifier": args.classifier or str(package_data(NEURAL_CLASSIFIER_FILE)),
             "compare": args.compare or str(package_data(CLASSIFIER_FILE))}
    clf, other = load_classifier(paths["classifier"]), load_classifier(paths["compare"])
    needs = [extraction_options(c) for c in (clf, other)]
    options = {k: needs[0][k] or needs[1][k] for k in needs[0]}
    detector = neural_detector("default") if options.pop("neural") else None
    sets = build_sets(Path(args.shared), args.per_setting, args.seed)
    results: dict = {"command": "python benchmarks/document_score.py " + " ".join(argv or sys.argv[1:]),
                     "date": time.strftime("%Y-%m-%d"), "machine": f"{platform.machine()}, "
                     f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f} before the run",
                     "classifier": os.path.relpath(paths["classifier"], ROOT),
                     "compare": os.path.relpath(paths["compare"], ROOT),
                     "features": clf.feature_names, "sets": {}, "compare_sets": {}}
    # timed first, while the language models' look-up caches hold only the warm-up document: a
    # user scores text the caches have not seen
    timed = [d for d in sets["synthetic-news"] + sets["mlqe-dev-10"]][::2][:args.speed_docs]
    results["speed"] = speed(timed, paths["classifier"], paths["compare"])
    print(results["speed"], flush=True)
    for name, docs in sets.items():
        t0 = time.perf_counter()
        rows = [extract(d.text, detector=detector, **options).total.features() for d in docs]
        for key, c in (("sets", clf), ("compare_sets", other)):
            results[key][name] = evaluate(docs, rows, c.probabilities(c.matrix(rows)), c)
        r, o = results["sets"][name], results["compare_sets"][name]
        print(f"{name:<28} n={len(docs):<5} AUC={r.get('auc', '-')} ECE={r['ece']} mean_p={r['mean_probability']} "
              f"| without detector AUC={o.get('auc', '-')} ECE={o['ece']} ({time.perf_counter() - t0:.0f}s)",
              flush=True)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".json").write_text(json.dumps(results, indent=1) + "\n")
    out.with_suffix(".md").write_text(markdown(results))
    print(f"wrote {out.with_suffix('.json')} and {out.with_suffix('.md')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
