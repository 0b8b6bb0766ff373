"""Single-word synonym repair: recall, precision and clean-text changes of each judge and both.

Sets (never MLQE-PE dev; NTREX only as the final clean-text check, as issue 15 allows):

- *independent spinner*: clean sentences with one content word replaced by a WordNet 3.0 synonym
  (inflected like the word). The repair draws its candidates from Moby only, so the spinner's
  thesaurus and the repair's are different sources (the corruption generator uses neither);
- *generator damage*: the corruption generator's own synonym family (``CorruptionConfig.only(
  "synonym")``), single-word substitutions only; candidates from Moby and WordNet;
- *clean*: the same sentences unchanged; any edit is harm.

Split: margins are chosen on the *training side* (UN General Debate 2022 and the post-edited side
of the last 200 MLQE-PE train lines per pair, which no model trained on) and reported on the
*held-out* side (UN 2023-2024; NTREX for clean text). Rule: the most right repairs on the
training spinner set with precision >= 0.85 there and at most 1% of clean training sentences
changed. Systems: leave-alone, the broad judge alone, the trigram judge alone, both agreeing, and
the *learned decision* (a logistic model over both judges' evidence, word frequencies and thesaurus
entry sizes: :mod:`unmangle.training.synonym_decision`), fitted on the training-side spinner and
generator sets and clean sentences, its threshold chosen by the same rule on the training spinner
set. ``--write-decision`` ships it as the stage's decision (``unmangle/data/synonym_decision.json``).

    python benchmarks/synonyms.py --n 600          # writes benchmarks/results/synonyms.{json,md}
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

from unmangle.judges.base import sentence_words  # noqa: E402
from unmangle.judges.broad import default_broad_judge  # noqa: E402
from unmangle.judges.trigram import TrigramJudge  # noqa: E402
from unmangle.synonyms import DECISION_FILE, SynonymRepair, quoted_spans  # noqa: E402
from unmangle.textspans import paragraphs, sentences  # noqa: E402
from unmangle.thesaurus import MOBY, WORDNET, is_content_word, reverse_candidates  # noqa: E402

MODES = {"broad alone": ["broad"], "trigram alone": ["trigram"], "both agreeing": ["trigram", "broad"]}
GAIN_GRID = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0, 12.0, 14.0, 17.0, 20.0]
CONTEXT_GRID = [-99.0, 0.0, 1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 10.0]
MIN_PRECISION, MAX_CLEAN = 0.85, 0.01


# --- data ------------------------------------------------------------------------------------
def un_sentences(shared: Path, years: set[int], n: int, seed: int) -> list[str]:
    out = []
    with gzip.open(shared / "corpus/ungdc_en_1992_2024/ungdc_en_1992_2024.jsonl.gz", "rt") as fh:
        for line in fh:
            rec = json.loads(line)
            if rec["year"] in years:
                for p in paragraphs(rec["text"]):
                    out.extend(s.text for s in sentences(p.text) if 8 <= len(s.text.split()) <= 50)
    random.Random(seed).shuffle(out)
    return out[:n]


def mlqe_train_tail(shared: Path, n: int, seed: int) -> list[str]:
    from unmangle.detok import detokenize

    by_pair: dict[str, list[str]] = {}
    with gzip.open(shared / "corpus/mlqe_pe_xx_en/mlqe_pe_xx_en.train.jsonl.gz", "rt") as fh:
        for line in fh:
            rec = json.loads(line)
            by_pair.setdefault(rec["pair"], []).append(rec["pe"])
    out = [detokenize(s) for lines in by_pair.values() for s in lines[-200:]]
    out = [s for s in out if 8 <= len(s.split()) <= 50]
    random.Random(seed).shuffle(out)
    return out[:n]


def ntrex_sentences(shared: Path) -> list[str]:
    with gzip.open(shared / "corpus/ntrex128_en_zh_de/ntrex128_newstest2019_en_zh_de.jsonl.gz", "rt") as fh:
        return [json.loads(line)["en"] for line in fh]


def spin(sentence: str, rng: random.Random, judges) -> dict | None:
    """One content word replaced by a WordNet synonym (single word both judges know)."""
    words = sentence_words(sentence)
    quoted = quoted_spans(sentence)
    sites = []
    for k, w in enumerate(words):
        t = w.text
        if (len(t) >= 3 and t.isalpha() and t.islower() and is_content_word(t)
                and not any(a <= w.start < b for a, b in quoted)):
            subs = [c for c in reverse_candidates(t, WORDNET)
                    if " " not in c and c != t and all(j.knows(c) for j in judges)]
            if subs:
                sites.append((w, subs))
    if not sites:
        return None
    w, subs = rng.choice(sites)
    sub = rng.choice(subs)
    spun = sentence[:w.start] + sub + sentence[w.end:]
    return {"text": spun, "start": w.start, "end": w.start + len(sub), "right": w.text}


def generator_damage(texts: list[str], seed: int) -> list[dict]:
    """Sentences the generator's synonym family damaged with single-word substitutions only."""
    from unmangle.corrupt import CorruptionConfig, Corruptor

    corruptor = Corruptor(CorruptionConfig.only("synonym"), seed=seed)
    out = []
    for k, text in enumerate(texts):
        pair = corruptor.corrupt_sentence(text, key=k)
        if not pair.spans:
            continue
        ok = True
        for s in pair.spans:
            old = pair.source[s.source_start:s.source_end]
            new = pair.target[s.target_start:s.target_end]
            ok &= old.isalpha() and new.isalpha()
        if ok and len(pair.spans) == 1:
            s = pair.spans[0]
            out.append({"text": pair.source, "start": s.source_start, "end": s.source_end,
                        "right": pair.target[s.target_start:s.target_end]})
    return out


# --- scoring ---------------------------------------------------------------------------------
def all_options(repair: SynonymRepair, texts: list[str]) -> list[list]:
    t0 = time.perf_counter()
    out = [repair.options(t, prefilter=False) for t in texts]
    print(f"  scored {len(texts)} sentences in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    return out


def moby_only(opts: list) -> list:
    cache: dict[str, set[str]] = {}
    keep = []
    for o in opts:
        if o.old not in cache:
            cache[o.old] = {c.lower() for c in reverse_candidates(o.old, MOBY)}
        if o.new.lower() in cache[o.old]:
            keep.append(o)
    return keep


class Table:
    """Every option of a set as arrays, for evaluating many margin settings at once."""

    def __init__(self, per_sentence: list[list], items: list[dict] | None, order: list[str]) -> None:
        rows = []
        for sid, opts in enumerate(per_sentence):
            item = items[sid] if items else None
            for o in opts:
                right = bool(item and o.start == item["start"] and o.new.lower() == item["right"].lower())
                rows.append((sid, o.word_index, o.gain("broad"), o.gain("trigram"), o.context_gain("broad"),
                             o.context_gain("trigram"), right))
        arr = np.array(rows, dtype=float).reshape(-1, 7)
        self.sid, self.word = arr[:, 0].astype(int), arr[:, 1].astype(int)
        self.gain = {"broad": arr[:, 2], "trigram": arr[:, 3]}
        self.ctx = {"broad": arr[:, 4], "trigram": arr[:, 5]}
        self.right = arr[:, 6].astype(bool)
        self.n = len(per_sentence)

    def evaluate(self, require: list[str], margins: dict[str, float]) -> tuple[int, int, int]:
        """(right repairs, edits, sentences changed) under ``margins`` (best option per word)."""
        if not len(self.sid):
            return 0, 0, 0
        mask = np.ones(len(self.sid), dtype=bool)
        rank = np.zeros(len(self.sid))
        for j in require:
            mask &= (self.gain[j] >= margins[j]) & (self.ctx[j] >= margins[f"{j}_context"])
            rank += self.ctx[j]
        idx = np.flatnonzero(mask)
        if not len(idx):
            return 0, 0, 0
        group = self.sid[idx] * 1000 + self.word[idx]
        order = np.lexsort((-rank[idx], group))
        g_sorted = group[order]
        first = order[np.r_[True, g_sorted[1:] != g_sorted[:-1]]]
        best = idx[first]
        return int(self.right[best].sum()), len(best), len(np.unique(self.sid[best]))


def grid(require: list[str]):
    per_judge = [(g, c) for g in GAIN_GRID for c in CONTEXT_GRID]
    if len(require) == 1:
        for g, c in per_judge:
            yield {require[0]: g, f"{require[0]}_context": c}
    else:
        for g1, c1 in per_judge:
            for g2, c2 in per_judge:
                yield {"trigram": g1, "trigram_context": c1, "broad": g2, "broad_context": c2}


def choose_margins(require, spun: Table, clean: Table) -> tuple[dict, dict]:
    best, best_key = None, None
    for m in grid(require):
        right, edits, _ = spun.evaluate(require, m)
        _, _, changed = clean.evaluate(require, m)
        precision = right / edits if edits else 1.0
        clean_share = changed / clean.n
        meets = precision >= MIN_PRECISION and clean_share <= MAX_CLEAN
        key = (meets, right if meets else -clean_share, precision)
        if best_key is None or key > best_key:
            best, best_key = m, key
    return best, {"meets_targets_on_training_side": bool(best_key[0])}


def ceiling(per_sentence: list[list], items: list[dict], rank_keys: dict) -> dict:
    """Where recall is lost: the share of damaged sentences whose right word is among the options
    at all, and the share where it is also the best option at its word by each ranking key."""
    n = len(items)
    present = 0
    top = {name: 0 for name in rank_keys}
    for opts, it in zip(per_sentence, items):
        at = [o for o in opts if o.start == it["start"]]
        right = [o for o in at if o.new.lower() == it["right"].lower()]
        if not right:
            continue
        present += 1
        for name, key in rank_keys.items():
            scores = key(at)
            best = max(range(len(at)), key=scores.__getitem__)
            top[name] += at[best] is right[0]
    return {"sentences": n, "right_word_among_candidates": present / n if n else 0.0,
            **{f"right_word_ranked_first_by_{name}": v / n if n else 0.0 for name, v in top.items()}}


def exact(repair: SynonymRepair, per_sentence: list[list], items: list[dict] | None) -> dict:
    """Metrics with the stage's own decision rule (best per word, no two neighbours)."""
    right = edits = changed = 0
    for sid, opts in enumerate(per_sentence):
        chosen = repair.choose(opts)
        edits += len(chosen)
        changed += bool(chosen)
        if items:
            it = items[sid]
            right += sum(o.start == it["start"] and o.new.lower() == it["right"].lower() for o in chosen)
    n = len(per_sentence)
    out = {"sentences": n, "edits": edits, "changed_share": changed / n if n else 0.0}
    if items:
        out.update({"right": right, "recall": right / n if n else 0.0,
                    "precision": right / edits if edits else None})
    return out


def main(argv: list[str] | None = None) -> int:
    from conftest import find_shared_dir

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=600, help="sentences per set and side (default 600)")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--max-candidates", type=int, default=80)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "synonyms")
    parser.add_argument("--write-decision", action="store_true",
                        help=f"write the fitted decision to src/unmangle/data/{DECISION_FILE}")
    args = parser.parse_args(argv)
    shared = find_shared_dir()
    if shared is None:
        raise SystemExit("../shared is needed (set UNMANGLE_SHARED)")
    t_start = time.perf_counter()
    trigram = TrigramJudge(path=ROOT / "models" / "unmangle-base" / "ngram.npz")
    broad = default_broad_judge()
    judges = [trigram, broad]
    repair = SynonymRepair(judges, max_candidates=args.max_candidates)
    rng = random.Random(args.seed)

    half = args.n // 2
    train_clean = un_sentences(shared, {2022}, args.n - half, args.seed) + mlqe_train_tail(shared, half, args.seed)
    test_clean = un_sentences(shared, {2023, 2024}, args.n, args.seed)
    pool_train = un_sentences(shared, {2022}, 3 * args.n, args.seed + 1)[args.n:]
    pool_test = un_sentences(shared, {2023, 2024}, 3 * args.n, args.seed + 1)[args.n:]
    spun_train = [s for s in (spin(t, rng, judges) for t in pool_train) if s][:args.n]
    spun_test = [s for s in (spin(t, rng, judges) for t in pool_test) if s][:args.n]
    gen_test = generator_damage(pool_test, args.seed)[:args.n]
    gen_train = generator_damage(pool_train, args.seed)[:args.n]
    ntrex = ntrex_sentences(shared)

    print("scoring options ...", file=sys.stderr)
    o_train_clean = all_options(repair, train_clean)
    o_spun_train = [moby_only(o) for o in all_options(repair, [s["text"] for s in spun_train])]
    o_test_clean = all_options(repair, test_clean)
    o_spun_test = [moby_only(o) for o in all_options(repair, [s["text"] for s in spun_test])]
    o_gen = all_options(repair, [s["text"] for s in gen_test])
    o_gen_train = all_options(repair, [s["text"] for s in gen_train])
    o_ntrex = all_options(repair, ntrex)
    order = ["trigram", "broad"]
    t_spun, t_clean = Table(o_spun_train, spun_train, order), Table(o_train_clean, None, order)

    systems = {"leave-alone": {"margins": None}}
    for name, require in MODES.items():
        margins, info = choose_margins(require, t_spun, t_clean)
        r = SynonymRepair(judges, margins=margins, require=require, max_candidates=args.max_candidates)
        systems[name] = {
            "require": require, "margins": margins, **info,
            "training_side": {"spinner": exact(r, o_spun_train, spun_train),
                              "clean": exact(r, o_train_clean, None)},
            "held_out": {"spinner (WordNet substitutes, Moby candidates)": exact(r, o_spun_test, spun_test),
                         "generator synonym damage (Moby + WordNet candidates)": exact(r, o_gen, gen_test),
                         "clean UN 2023-2024": exact(r, o_test_clean, None),
                         "clean NTREX (final check)": exact(r, o_ntrex, None)}}
    systems["learned decision"] = learned(args, judges, (o_spun_train, spun_train), (o_gen_train, gen_train),
                                          o_train_clean, {
        "spinner (WordNet substitutes, Moby candidates)": (o_spun_test, spun_test),
        "generator synonym damage (Moby + WordNet candidates)": (o_gen, gen_test),
        "clean UN 2023-2024": (o_test_clean, None), "clean NTREX (final check)": (o_ntrex, None)})
    zero = {"edits": 0, "changed_share": 0.0}
    systems["leave-alone"]["held_out"] = {
        "spinner (WordNet substitutes, Moby candidates)": {**zero, "sentences": len(spun_test), "recall": 0.0},
        "generator synonym damage (Moby + WordNet candidates)": {**zero, "sentences": len(gen_test), "recall": 0.0},
        "clean UN 2023-2024": {**zero, "sentences": len(test_clean)},
        "clean NTREX (final check)": {**zero, "sentences": len(ntrex)}}
    # examples of the stage's edits (the learned decision) on held-out text; on clean text all are harm
    stage_rule = SynonymRepair(judges, decision=systems["learned decision"].pop("_decision"),
                               max_candidates=args.max_candidates)
    harm = [f"{o.old} -> {o.new}" for opts in o_test_clean + o_ntrex for o in stage_rule.choose(opts)]
    rights = [f"{o.old} -> {o.new}" for opts, it in zip(o_spun_test, spun_test) for o in stage_rule.choose(opts)
              if o.start == it["start"] and o.new.lower() == it["right"].lower()]
    wrongs = [f"{o.old} -> {o.new}" for opts, it in zip(o_spun_test, spun_test) for o in stage_rule.choose(opts)
              if not (o.start == it["start"] and o.new.lower() == it["right"].lower())]
    decision = stage_rule.decision
    keys = {"trigram gain": lambda at: [o.gain("trigram") for o in at],
            "broad gain": lambda at: [o.gain("broad") for o in at],
            "learned decision": lambda at: decision.scores(at).tolist()}
    limits = {"spinner, training side": ceiling(o_spun_train, spun_train, keys),
              "spinner, held out": ceiling(o_spun_test, spun_test, keys),
              "generator, held out": ceiling(o_gen, gen_test, keys)}
    real = real_articles(shared, judges, {
        "both agreeing": SynonymRepair(judges, margins=systems["both agreeing"]["margins"],
                                       max_candidates=args.max_candidates),
        "learned decision": stage_rule})
    result = {"command": "python benchmarks/synonyms.py " + " ".join(argv or sys.argv[1:]),
              "n": args.n, "seed": args.seed, "max_candidates": args.max_candidates,
              "targets": {"recall": 0.25, "precision": MIN_PRECISION, "clean_changed": MAX_CLEAN},
              "sets": {"spun_train": len(spun_train), "generator_train": len(gen_train),
                       "clean_train": len(train_clean), "spun_test": len(spun_test),
                       "generator_test": len(gen_test), "clean_test": len(test_clean), "ntrex": len(ntrex)},
              "systems": systems, "real_articles": real, "ceiling": limits,
              "examples": {"clean_changes": harm[:40], "right_repairs": rights[:40],
                                                    "wrong_repairs": wrongs[:40]},
              "seconds": round(time.perf_counter() - t_start, 1), "machine": machine_line()}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    args.out.with_suffix(".md").write_text(markdown(result), encoding="utf-8")
    print(markdown(result))
    return 0


def learned(args, judges, spun_train, gen_train, clean_train, held_out: dict) -> dict:
    """Fit the learned decision on the training side and report it like the margin systems."""
    from unmangle.training.synonym_decision import ScoredSet, fit_decision

    spinner = ScoredSet("spinner, training side", *spun_train)
    decision = fit_decision(
        [spinner, ScoredSet("generator, training side", *gen_train)],
        [ScoredSet("clean, training side", clean_train)], judges, threshold_set=spinner.name,
        min_precision=MIN_PRECISION, max_clean=MAX_CLEAN, provenance={
            "fitted_by": f"python benchmarks/synonyms.py --n {args.n} --seed {args.seed}",
            "training_side": "UN General Debate 2022 (spinner: WordNet substitutes, Moby candidates; corruption "
                             "generator's synonym family) and clean UN 2022 + the last 200 MLQE-PE train "
                             "post-edits per pair"})
    if args.write_decision:
        path = ROOT / "src" / "unmangle" / "data" / DECISION_FILE
        decision.save(path)
        print(f"wrote {path}", file=sys.stderr)
    r = SynonymRepair(judges, decision=decision, max_candidates=args.max_candidates)
    return {"_decision": decision, "require": [j.name for j in judges], "margins": None,
            "threshold": decision.threshold,
            "meets_targets_on_training_side": decision.provenance["meets_rule"],
            "training_side": {"spinner": exact(r, *spun_train), "generator": exact(r, *gen_train),
                              "clean": exact(r, clean_train, None)},
            "held_out": {name: exact(r, opts, items) for name, (opts, items) in held_out.items()}}


def real_articles(shared: Path, judges, rules: dict[str, SynonymRepair]) -> dict:
    """Every edit each rule makes on the gold article texts of the 91 AEB news pages (real, edited
    news nobody mangled: each edit is harm). Evaluation data, used only for this final check."""
    from unmangle.textspans import sentences as split

    with gzip.open(shared / "corpus" / "aeb_news_pages" / "dev.jsonl.gz", "rt") as fh:
        articles = [json.loads(line)["article"] for line in fh]
    words = sum(len(a.split()) for a in articles)
    out = {}
    for name, rule in rules.items():
        per_article = [[f"{o.old} -> {o.new}" for sent in split(a) for o in rule.decide(sent.text)]
                       for a in articles]
        edits = [e for found in per_article for e in found]
        changed = sum(bool(found) for found in per_article)
        out[name] = {"articles": len(articles), "articles_changed": changed, "edits": len(edits),
                     "edits_per_10k_words": round(1e4 * len(edits) / words, 2), "examples": edits[:20]}
    return out


def machine_line() -> str:
    """CPU count, model and load average at the end of the run, and the date."""
    import os
    import platform
    from datetime import date

    model = platform.processor() or "unknown CPU"
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return f"{os.cpu_count()} CPUs ({model}), load average at the end {load}; {date.today()}"


def _pct(x) -> str:
    return "—" if x is None else f"{100 * x:.1f}%"


def markdown(res: dict) -> str:
    sets = list(res["systems"]["leave-alone"]["held_out"])
    lines = ["## Single-word synonym repair (issue 15)", "",
             f"`{res['command']}` ({res['seconds']} s; {res.get('machine', 'machine not recorded')}). Margins chosen on the "
             "training side (UN 2022 + last 200 MLQE-PE train post-edits per pair), reported on held-out "
             "UN 2023-2024 and NTREX. Targets: recall >= 25%, precision >= 0.85, <= 1% clean sentences changed.", "",
             "| system | margins (gain / context, nats) | " + " | ".join(
                 ["spinner recall", "spinner precision", "generator recall", "generator precision",
                  "clean UN changed", "clean NTREX changed"]) + " |",
             "|---|---|" + "---|" * 6]
    for name, s in res["systems"].items():
        h = s["held_out"]
        m = s.get("margins")
        ms = "—" if not m else ", ".join(f"{j} {m[j]:g}/{m[j + '_context']:g}" for j in s["require"])
        if "threshold" in s:
            ms = f"learned, score ≥ {s['threshold']:g}"
        sp, gen = h[sets[0]], h[sets[1]]
        lines.append(f"| {name} | {ms} | {_pct(sp.get('recall'))} | {_pct(sp.get('precision'))} | "
                     f"{_pct(gen.get('recall'))} | {_pct(gen.get('precision'))} | "
                     f"{_pct(h[sets[2]]['changed_share'])} | {_pct(h[sets[3]]['changed_share'])} |")
    real = res.get("real_articles", {})
    if real:
        lines += ["", "Final check on real news nobody mangled (the gold texts of the 91 AEB pages; every edit is harm):", "",
                  "| system | articles changed | edits | edits / 10k words | edits |", "|---|---|---|---|---|"]
        lines += [f"| {name} | {r['articles_changed']} of {r['articles']} | {r['edits']} | {r['edits_per_10k_words']} | "
                  f"{', '.join(r['examples']) or '—'} |" for name, r in real.items()]
    limits = res.get("ceiling", {})
    if limits:
        keys = [k for k in next(iter(limits.values())) if k.startswith("right_word")]
        lines += ["", "Where recall is lost (share of damaged sentences; 'ranked first': the right word is the best "
                  "option at its word, before any threshold):", "",
                  "| set | " + " | ".join(k.replace("right_word_", "").replace("_", " ") for k in keys) + " |",
                  "|---|" + "---|" * len(keys)]
        lines += [f"| {name} | " + " | ".join(_pct(v[k]) for k in keys) + " |" for name, v in limits.items()]
    lines += ["", f"Sets: {res['sets']}.", "",
              "Right repairs (learned decision, held-out spinner): " + ", ".join(res["examples"]["right_repairs"][:20]),
              "", "Wrong edits (learned decision, held-out spinner): " + (
                  ", ".join(res["examples"].get("wrong_repairs", [])[:20]) or "none"),
              "", "Changes to clean held-out text (learned decision): " + (
                  ", ".join(res["examples"]["clean_changes"][:20]) or "none"), ""]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
