"""Lexicon mining, shown working: mine on training pairs, apply to held-out pairs, before/after.

Two suites, each measured beside the leave-it-alone baseline and the bundled seed lexicon:

1. **MLQE-PE** (real machine-translated English with human post-edits): mine
   ``mlqe_pe_xx_en.train`` (mt -> pe, detokenised), apply the mined lexicon to the ``dev`` MT output,
   score against the post-edits (sacrebleu chrF and TER), overall and per language pair. No harm:
   the share of dev post-edits (clean) the mined lexicon leaves byte-identical.
2. **A synthetic domain with planted entity renderings**: UN General Debate sentences that name one
   of a fixed set of names and terms, each rendered the same way every time (as one MT system or
   spinner would: "Security Council" -> "Safety Committee"), plus light generator noise
   (``unmangle.corrupt`` preset ``light``). Training pairs come from speeches of 2015-2021, test
   pairs from 2022-2024 (held out), and clean paragraphs from 1992-2014 serve as ``--clean-corpus``.
   Two of the renderings are ordinary English ("environmental change", "basic freedoms"), so the
   clean-corpus check has something to catch. Reported: chrF/TER, the share of planted renderings
   restored, and no harm on the clean test sentences.

The results file is committed; the corpora are not, so changed sentences are named by file and line
and each change is shown in a few words of context (``unmangle.bench.excerpt``), never whole.

    python benchmarks/lexicon_mining.py [--shared PATH] [--out benchmarks/results/lexicon_mining.md]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import random
import re
import sys
import time
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

import sacrebleu

from unmangle.bench.excerpt import change_spans, excerpt
from unmangle.corrupt import CorruptionConfig, Corruptor
from unmangle.detok import detokenize
from unmangle.lexicon import Lexicon
from unmangle.lexicon.mining import MiningReport, mine_lexicon, mined_lexicon
from unmangle.textspans import sentences

HERE = Path(__file__).resolve().parent
DEFAULT_SHARED = Path(os.environ.get("UNMANGLE_SHARED", HERE.parent.parent / "shared"))
RESULTS = HERE / "results" / "lexicon_mining.md"

#: The synthetic domain's consistent renderings (clean -> rendered).
PLANTED: dict[str, str] = {
    "Security Council": "Safety Committee",
    "General Assembly": "General Gathering",
    "Secretary-General": "Clerk General",
    "Sustainable Development Goals": "Supportable Improvement Objectives",
    "Paris Agreement": "Paris Understanding",
    "climate change": "environmental change",
    "human rights": "basic freedoms",
    "Afghanistan": "Afganistan",
    "Ukraine": "Ukrayina",
    "nuclear weapons": "atomic arms",
    "terrorism": "psychological oppression",
    "United Nations": "Joined Countries",
}
_PLANT_RE = re.compile(r"(?<!\w)(" + "|".join(re.escape(k) for k in PLANTED) + r")(?!\w)")


def scores(hypotheses: list[str], references: list[str]) -> tuple[float, float]:
    chrf = sacrebleu.corpus_chrf(hypotheses, [references]).score
    ter = sacrebleu.corpus_ter(hypotheses, [references]).score
    return chrf, ter


def read_jsonl(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


# -- suite 1: MLQE-PE ------------------------------------------------------------------------------

def mlqe(shared: Path) -> tuple[list[str], dict]:
    folder = shared / "corpus" / "mlqe_pe_xx_en"
    train = read_jsonl(folder / "mlqe_pe_xx_en.train.jsonl.gz")
    dev = read_jsonl(folder / "mlqe_pe_xx_en.dev.jsonl.gz")
    t0 = time.perf_counter()
    report = MiningReport()
    mined = mine_lexicon(((detokenize(r["mt"]), detokenize(r["pe"])) for r in train), report=report)
    seconds = time.perf_counter() - t0
    lexicon = mined_lexicon(mined)
    default = Lexicon.load_default()
    mt = [detokenize(r["mt"]) for r in dev]
    pe = [detokenize(r["pe"]) for r in dev]
    systems = {"leave alone": mt, "seed lexicon": [default.apply(t) for t in mt],
               "mined lexicon": [lexicon.apply(t) for t in mt]}
    by_pair: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(dev):
        by_pair[r["pair"]].append(i)
    lines = [
        "## 1. MLQE-PE: mine on train (35,000 pairs), apply to dev (5,000)",
        "",
        f"Mining: {seconds:.1f} s; {report.kept} entries kept "
        f"({report.with_rule} with a learned require= rule) of {report.candidates:,} recurring "
        "substitutions.",
        "",
        "| system | chrF | TER | dev MT sentences changed | dev post-edits left unchanged |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, hyp in systems.items():
        chrf, ter = scores(hyp, pe)
        changed = sum(h != m for h, m in zip(hyp, mt))
        lex = {"leave alone": None, "seed lexicon": default, "mined lexicon": lexicon}[name]
        kept = sum(lex.apply(p) == p for p in pe) if lex else len(pe)
        lines.append(f"| {name} | {chrf:.2f} | {ter:.2f} | {changed:,} | "
                     f"{kept / len(pe):.2%} |")
    lines += ["", "Per language pair (TER; lower is better):", "",
              "| pair | leave alone | mined lexicon | sentences changed |", "|---|---:|---:|---:|"]
    for pair, idx in sorted(by_pair.items()):
        refs = [pe[i] for i in idx]
        base = scores([mt[i] for i in idx], refs)[1]
        after = scores([systems["mined lexicon"][i] for i in idx], refs)[1]
        changed = sum(systems["mined lexicon"][i] != mt[i] for i in idx)
        lines.append(f"| {pair} | {base:.2f} | {after:.2f} | {changed} |")
    examples = [(n, r["pair"], m, p, h) for n, (r, m, p, h)
                in enumerate(zip(dev, mt, pe, systems["mined lexicon"]), 1) if h != m][:5]
    lines += ["", "First changed dev sentences, by line of `mlqe_pe_xx_en.dev.jsonl.gz`: each change "
              "of the mined lexicon in four words of context (the corpus is not copied here), and "
              "whether the new words occur in the human post-edit:", ""]
    for line, pair, m, p, h in examples:
        shown = []
        for start, end, new in change_spans(m, h):
            in_pe = "yes" if new.strip() and new.strip() in p else "no"
            shown.append(f"`{excerpt(m, start, end, new)}` (in post-edit: {in_pe})")
        lines.append(f"- `mlqe_pe_xx_en.dev:{line}` ({pair}): " + "; ".join(shown))
    return lines, {"report": report}


# -- suite 2: synthetic domain ------------------------------------------------------------------------

def un_sentences(shared: Path, years: range) -> tuple[list[str], list[str]]:
    """Sentences of the speeches of ``years``: (naming a planted name, naming none)."""
    path = shared / "corpus" / "ungdc_en_1992_2024" / "ungdc_en_1992_2024.jsonl.gz"
    with_name: list[str] = []
    without: list[str] = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            if record["year"] not in years:
                continue
            for span in sentences(record["text"]):
                if 40 <= len(span.text) <= 400:
                    (with_name if _PLANT_RE.search(span.text) else without).append(span.text)
    return with_name, without


def un_paragraphs(shared: Path, years: range, limit: int) -> list[str]:
    path = shared / "corpus" / "ungdc_en_1992_2024" / "ungdc_en_1992_2024.jsonl.gz"
    out: list[str] = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            if record["year"] in years:
                out.extend(p for p in record["text"].split("\n") if p.strip())
            if len(out) >= limit:
                break
    return out[:limit]


def make_pairs(clean: list[str], seed: int) -> list[tuple[str, str]]:
    corruptor = Corruptor(CorruptionConfig.preset("light"), seed=seed)
    pairs = []
    for i, text in enumerate(clean):
        planted = _PLANT_RE.sub(lambda m: PLANTED[m.group(1)], text)
        noisy = corruptor.corrupt_sentence(planted, key=i).source
        pairs.append((noisy, text))
    return pairs


def synthetic(shared: Path, n_train: int, n_test: int) -> list[str]:
    rng = random.Random(0)
    named, unnamed = un_sentences(shared, range(2015, 2022))
    train_clean = rng.sample(named, n_train) + rng.sample(unnamed, n_train // 2)
    rng.shuffle(train_clean)
    named, _ = un_sentences(shared, range(2022, 2025))
    test_clean = rng.sample(named, n_test)
    clean_corpus = un_paragraphs(shared, range(1992, 2015), 30_000)
    train, test = make_pairs(train_clean, seed=1), make_pairs(test_clean, seed=2)

    lines = [
        "## 2. Synthetic domain with planted entity renderings (UN speeches)",
        "",
        f"Renderings planted: {len(PLANTED)} ("
        + ", ".join(f"{k} -> {v}" for k, v in list(PLANTED.items())[:4]) + ", ...); plus "
        "generator noise, preset light; sentences sampled at random (seed 0). Train: "
        f"{len(train):,} pairs (2015-2021: {n_train:,} naming a planted name, the rest none); "
        f"test: {len(test):,} pairs (2022-2024, held out, each naming one); "
        f"clean corpus: {len(clean_corpus):,} paragraphs (1992-2014).",
        "",
        "| lexicon | mining (s) | entries | with rule | chrF | TER | planted restored | "
        "clean test sentences unchanged |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    sources = [s for s, _ in test]
    targets = [t for _, t in test]
    # renderings present in the test sources (generator noise destroys a few)
    planted_total = sum(s.count(PLANTED[name]) for s, t in test
                        for name in set(_PLANT_RE.findall(t)))
    chrf, ter = scores(sources, targets)
    lines.append(f"| none (leave alone) | - | - | - | {chrf:.2f} | {ter:.2f} | 0 of "
                 f"{planted_total:,} | 100.00% |")
    runs = [("seed lexicon", None, None), ("mined, no clean corpus", None, True),
            ("mined, with clean corpus", clean_corpus, True)]
    notes = []
    for name, corpus, mine in runs:
        t0 = time.perf_counter()
        report = MiningReport()
        if mine:
            mined = mine_lexicon(train, clean_corpus=corpus, report=report)
            lexicon = mined_lexicon(mined)
        else:
            lexicon = Lexicon.load_default()
        seconds = time.perf_counter() - t0
        hyp = [lexicon.apply(s) for s in sources]
        chrf, ter = scores(hyp, targets)
        restored = 0
        for s, h, t in zip(sources, hyp, targets):
            for clean_name in set(_PLANT_RE.findall(t)):
                rendered = PLANTED[clean_name]
                # renderings that left the text, matched by the right name appearing instead
                gone = s.count(rendered) - h.count(rendered)
                came = h.count(clean_name) - s.count(clean_name)
                restored += max(0, min(gone, came))
        unchanged = sum(lexicon.apply(t) == t for t in targets)
        with_rule = sum(1 for e in lexicon.entries if e.require)
        lines.append(f"| {name} | {seconds if mine else 0:.1f} | {len(lexicon)} | {with_rule} | "
                     f"{chrf:.2f} | {ter:.2f} | {restored:,} of {planted_total:,} | "
                     f"{unchanged / len(targets):.2%} |")
        if mine:
            entries = {e.forms[0].lower(): e for e in lexicon.entries}
            found = []
            for clean_name, rendered in PLANTED.items():
                e = entries.get(rendered.lower())
                wider = [f for f in entries if rendered.lower() in f and f != rendered.lower()]
                state = "mined" if e else ("only inside longer forms" if wider else "not mined")
                if e and e.require:
                    state += f" with require={'|'.join(e.require[:4])}"
                found.append(f"{rendered} ({state})")
            notes.append(f"- {name}: " + "; ".join(found) + ". Dropped: " + "; ".join(
                f"{n} {why}" for why, n in report.dropped.most_common()) + ".")
    lines += ["", "What was mined for each planted rendering:", ""] + notes
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--train", type=int, default=4000, help="planted training sentences")
    ap.add_argument("--test", type=int, default=1000, help="planted test sentences")
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args(argv)
    if not (args.shared / "corpus").is_dir():
        sys.exit(f"no corpora under {args.shared} (set UNMANGLE_SHARED or pass --shared)")
    command = "python benchmarks/lexicon_mining.py " + " ".join(
        argv if argv is not None else sys.argv[1:])
    lines = [
        "# Lexicon mining: learn from pairs, apply to held-out pairs",
        "",
        f"Command: `{command.strip()}`  ",
        f"Date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC  ",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs visible; Python "
        f"{platform.python_version()}; sacrebleu {sacrebleu.__version__} (chrF, TER defaults)",
        "",
    ]
    part, _ = mlqe(args.shared)
    lines += part + [""]
    print("\n".join(part), file=sys.stderr)
    part = synthetic(args.shared, args.train, args.test)
    lines += part
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
