#!/usr/bin/env python3
"""The names stage: damaged names restored, precision, clean text left alone, speed.

Synthetic news: template sentences around gazetteer names that are *not* in the shipped lexicon
(neither form nor replacement of ``seeds/lexicon/*.tsv``), each name damaged one way (a letter
lost, doubled or two swapped, a listed variant spelling, a brand split in two, a literal
rendering), in a short document; in half of the documents the name is also spelled right in
another sentence (the consistency path). Clean text: sentences of UN General Debate speeches of
2023-2024 (held out of the n-gram model, which counts 1992-2021) and the same templates with every
name right. Also: every edit on the 91 ``aeb_news_pages`` articles and on the seed article, listed
for a human to read, and words per second against the fast pipeline in the same run (the machine
may be busy: compare ratios, not absolute figures).

    PYTHONPATH=src python benchmarks/names.py [--shared ../shared] [--names 400] [--clean 5000]

Writes ``benchmarks/results/names.json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from unmangle.edits import apply_edits  # noqa: E402
from unmangle.lexicon import Lexicon  # noqa: E402
from unmangle.names.gazetteer import Gazetteer, GazetteerName  # noqa: E402
from unmangle.pipeline import Repairer  # noqa: E402
from unmangle.stages.names import NamesStage  # noqa: E402
from unmangle.textspans import sentences  # noqa: E402

TEMPLATES = {
    "org": ["Shares of {N} rose 4 percent on Monday after the company reported higher profits.",
            "{N} said on Tuesday that it would cut prices in several markets.",
            "Regulators have opened an investigation into {N} over its data practices.",
            "Analysts expect {N} to announce a new product line later this year."],
    "person": ["{N} told reporters on Wednesday that the talks had been productive.",
               "In a speech last week, {N} called for closer cooperation.",
               "The meeting was chaired by {N}, according to a statement."],
    "place": ["Heavy rain caused flooding in {N} on Thursday, officials said.",
              "The company plans to open a new factory near {N} next year.",
              "Thousands of people gathered in {N} to mark the anniversary."],
    "other": ["The report mentioned {N} several times, the newspaper said.",
              "Officials said {N} would be discussed at the next meeting."],
}
FILLER = ["The announcement came amid growing concern about the economy.",
          "Officials did not respond to a request for comment.",
          "The figures were published on the ministry's website."]
DAMAGE_KINDS = ("lost", "doubled", "swapped", "variant", "split", "rendering")


def shipped_lexicon_words() -> set[str]:
    lex = Lexicon.load_default()
    words = set()
    for entry, forms in lex.entries_with_forms():
        for text in (entry.replacement, *forms):
            words.update(w.lower() for w in re.findall(r"[A-Za-z]+", text))
    return words


def damage(name: GazetteerName, kind: str, rng: random.Random) -> str | None:
    """The damaged form of ``name`` for a damage ``kind``, or None when the kind does not apply."""
    words = name.name.split()
    long_words = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if kind in ("lost", "doubled", "swapped"):
        if not long_words:
            return None
        i = rng.choice(long_words)
        w = words[i]
        p = rng.randrange(1, len(w) - 1)
        if kind == "lost":
            w = w[:p] + w[p + 1:]
        elif kind == "doubled":
            w = w[:p] + w[p] + w[p:]
        else:
            if w[p] == w[p + 1] if p + 1 < len(w) else True:
                return None
            w = w[:p] + w[p + 1] + w[p] + w[p + 2:]
        return " ".join(words[:i] + [w] + words[i + 1:])
    if kind == "variant":
        return name.variants[0] if name.variants else None
    if kind == "split":
        if len(words) != 1 or len(words[0]) < 7 or not words[0].isalpha():
            return None
        w = words[0]
        p = len(w) // 2
        return w[:p] + " " + w[p].upper() + w[p + 1:]
    if kind == "rendering":
        if not name.renderings:
            return None
        return " ".join(x[:1].upper() + x[1:] for x in name.renderings[0].split())
    raise ValueError(kind)


def pick_names(gaz: Gazetteer, banned: set[str], n: int, rng: random.Random) -> list[GazetteerName]:
    """Names a news text could hold: companies, people, big places, other names with variants
    or renderings; none of whose words the shipped lexicon holds."""
    pool = [g for g in gaz.names
            if not ({w.lower() for w in g.words} & banned) and g.name[:1].isupper()
            and any(len(w) >= 5 for w in g.words) and len(g.words) <= 3
            and (g.kind in ("org", "person") or (g.kind == "place" and g.weight >= 5.5)
                 or g.renderings or g.variants)]
    rng.shuffle(pool)
    return pool[:n]


def make_documents(names: list[GazetteerName], rng: random.Random) -> list[dict]:
    docs = []
    for k, name in enumerate(names):
        kinds = list(DAMAGE_KINDS)
        rng.shuffle(kinds)
        for kind in kinds:
            bad = damage(name, kind, rng)
            if bad and bad != name.name:
                break
        else:
            continue
        templates = TEMPLATES.get(name.kind, TEMPLATES["other"])
        t1, t2 = rng.sample(templates, 2) if len(templates) > 1 else (templates[0], templates[0])
        damaged_sentence = t1.replace("{N}", bad)
        clean_sentence = t1.replace("{N}", name.name)
        with_right = k % 2 == 0
        parts_bad = [rng.choice(FILLER), damaged_sentence]
        parts_clean = [parts_bad[0], clean_sentence]
        if with_right:
            right = t2.replace("{N}", name.name)
            parts_bad.insert(0, right)
            parts_clean.insert(0, right)
        docs.append({"name": name.name, "kind": name.kind, "damage": kind, "damaged": bad,
                     "consistency": with_right, "text": " ".join(parts_bad),
                     "reference": " ".join(parts_clean)})
    return docs


def un_sentences(shared: Path, years: set[int], n: int, rng: random.Random) -> list[str]:
    out = []
    with gzip.open(shared / "corpus/ungdc_en_1992_2024/ungdc_en_1992_2024.jsonl.gz", "rt") as fh:
        for line in fh:
            rec = json.loads(line)
            if rec["year"] in years:
                for para in rec["text"].split("\n"):
                    out.extend(s.text for s in sentences(para) if 5 <= len(s.text.split()) <= 60)
    rng.shuffle(out)
    return out[:n]


def score_synthetic(stage: NamesStage, docs: list[dict]) -> dict:
    restored = wrong = edits_total = 0
    by_kind: dict[str, list[int]] = {}
    by_path = {"with right spelling": [0, 0], "alone": [0, 0]}
    examples = []
    for d in docs:
        edits = stage.propose(d["text"])
        out = apply_edits(d["text"], edits)
        ok = out == d["reference"]
        edits_total += len(edits)
        good = sum(1 for e in edits if e.new in d["name"] and e.old in d["damaged"])
        wrong += len(edits) - good
        restored += ok
        by_kind.setdefault(d["damage"], [0, 0])
        by_kind[d["damage"]][0] += ok
        by_kind[d["damage"]][1] += 1
        path = "with right spelling" if d["consistency"] else "alone"
        by_path[path][0] += ok
        by_path[path][1] += 1
        if len(examples) < 12 and (edits and not ok):
            examples.append({"damaged": d["damaged"], "name": d["name"],
                             "edits": [f"{e.old} -> {e.new}" for e in edits]})
    n = len(docs)
    return {"documents": n, "restored": restored, "recall": round(restored / max(1, n), 3),
            "edits": edits_total, "wrong_edits": wrong,
            "precision": round((edits_total - wrong) / max(1, edits_total), 3),
            "by_damage": {k: {"restored": v[0], "of": v[1], "recall": round(v[0] / v[1], 3)}
                          for k, v in sorted(by_kind.items())},
            "by_path": {k: {"restored": v[0], "of": v[1]} for k, v in by_path.items()},
            "wrong_examples": examples}


def changed_sentences(stage: NamesStage, texts: list[str]) -> dict:
    changed = []
    for t in texts:
        edits = stage.propose(t)
        if edits:
            changed.append([f"{e.old} -> {e.new} ({e.reason})" for e in edits])
    return {"sentences": len(texts), "changed": len(changed),
            "rate": round(len(changed) / max(1, len(texts)), 5), "edits": changed[:30]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--model", type=Path, default=ROOT / "models/unmangle-base")
    ap.add_argument("--names", type=int, default=400)
    ap.add_argument("--clean", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/names")
    args = ap.parse_args()
    rng = random.Random(args.seed)

    t0 = time.perf_counter()
    fast = Repairer(fast=True)
    fast_load = time.perf_counter() - t0
    t0 = time.perf_counter()
    stage = NamesStage.default(args.model / "ngram.npz")
    stage_load = time.perf_counter() - t0

    gaz = stage.gazetteer
    names = pick_names(gaz, shipped_lexicon_words(), args.names, rng)
    docs = make_documents(names, rng)
    synthetic = score_synthetic(stage, docs)
    clean_templates = [d["reference"] for d in docs]
    results = {"command": "PYTHONPATH=src python benchmarks/names.py", "gazetteer_names": len(gaz),
               "synthetic": synthetic,
               "clean_templates": changed_sentences(stage, clean_templates)}
    if args.shared.is_dir():
        un = un_sentences(args.shared, {2023, 2024}, args.clean, rng)
        results["clean_un_2023_2024"] = changed_sentences(stage, un)
        pages = [json.loads(l)["article"] for l in gzip.open(args.shared / "corpus/aeb_news_pages/dev.jsonl.gz", "rt")]
        page_edits = []
        for i, page in enumerate(pages):
            for e in stage.propose(page):
                page_edits.append(f"page {i}: {e.old} -> {e.new} ({e.reason})")
        results["aeb_pages"] = {"pages": len(pages), "edits": len(page_edits), "list": page_edits}
        seed = (args.shared / "seeds/000_ce791f06087eed7e.txt").read_text(encoding="utf-8")
        seed_after_fast = fast.repair_document(seed).text
        results["seed_article"] = {"edits": [f"{e.old} -> {e.new} ({e.reason})" for e in stage.propose(seed_after_fast)]}
        # speed: the stage alone and the fast pipeline on the same text (pages + seed)
        corpus = pages + [seed]
        words = sum(len(p.split()) for p in corpus)
        t0 = time.perf_counter()
        for p in corpus:
            fast.repair_document(p)
        fast_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        for p in corpus:
            stage.propose(p)
        stage_s = time.perf_counter() - t0
        results["speed"] = {"words": words, "fast_pipeline_words_per_s": round(words / fast_s),
                            "names_stage_words_per_s": round(words / stage_s),
                            "stage_vs_fast_time_ratio": round(stage_s / fast_s, 2),
                            "fast_pipeline_load_s": round(fast_load, 2), "names_stage_load_s": round(stage_load, 2),
                            "note": "measured on a busy shared machine: compare the ratios"}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".json").write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    args.out.with_suffix(".md").write_text(markdown(results))
    print(markdown(results))


def markdown(r: dict) -> str:
    s = r["synthetic"]
    lines = ["## Names: near misses of real names (`names` stage, not in the default order)", "",
             f"`{r['command']}` (gazetteer: {r['gazetteer_names']} names).", "",
             "| set | figure |", "|---|---|",
             f"| synthetic documents, damaged names restored | {s['restored']} / {s['documents']} ({s['recall']:.1%}) |",
             f"| edits on them, precision | {s['edits']} edits, {s['wrong_edits']} wrong: {s['precision']:.3f} |"]
    for path, v in s["by_path"].items():
        lines.append(f"| restored, name {path} in the document | {v['restored']} / {v['of']} |")
    for kind, v in s["by_damage"].items():
        lines.append(f"| restored, damage `{kind}` | {v['restored']} / {v['of']} ({v['recall']:.0%}) |")
    for key, label in (("clean_templates", "clean template sentences (names right)"),
                       ("clean_un_2023_2024", "clean UN 2023-2024 sentences")):
        if key in r:
            c = r[key]
            lines.append(f"| {label} changed | {c['changed']} / {c['sentences']} ({c['rate']:.2%}) |")
    if "aeb_pages" in r:
        lines.append(f"| aeb news pages (`article`): edits | {r['aeb_pages']['edits']} on {r['aeb_pages']['pages']} pages |")
        lines.append(f"| seed article (after the fast pipeline): edits | {len(r['seed_article']['edits'])} |")
    if "speed" in r:
        sp = r["speed"]
        lines += [f"| speed: names stage / fast pipeline | {sp['names_stage_words_per_s']:,} / "
                  f"{sp['fast_pipeline_words_per_s']:,} words/s (stage time = {sp['stage_vs_fast_time_ratio']}x the fast pipeline's) |",
                  f"| load: names stage / fast pipeline | {sp['names_stage_load_s']} s / {sp['fast_pipeline_load_s']} s |"]
    lines.append("")
    for key in ("aeb_pages",):
        if key in r and r[key]["list"]:
            lines += ["Edits on the aeb pages (for a human to read):", ""] + [f"- {x}" for x in r[key]["list"]] + [""]
    if "seed_article" in r and r["seed_article"]["edits"]:
        lines += ["Edits on the seed article:", ""] + [f"- {x}" for x in r["seed_article"]["edits"]] + [""]
    for key in ("clean_un_2023_2024", "clean_templates"):
        if key in r and r[key]["edits"]:
            lines += [f"Clean sentences changed ({key}):", ""] + [f"- {'; '.join(x)}" for x in r[key]["edits"][:15]] + [""]
    if s["wrong_examples"]:
        lines += ["Synthetic documents not restored although edited:", ""]
        lines += [f"- {x['damaged']} (for {x['name']}): {', '.join(x['edits'])}" for x in s["wrong_examples"]] + [""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
