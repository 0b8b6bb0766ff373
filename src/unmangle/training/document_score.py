"""Train the document score (:mod:`unmangle.scoring`) from training-side data only.

Documents:

- **synthetic**: excerpts (1 to 8 consecutive paragraphs) of UN General Debate speeches, each once
  clean (label 0) and once through :mod:`unmangle.corrupt` (label 1 when anything changed) at a
  preset (``light``, ``news``, ``heavy``) or one damage family alone. The speeches come from 2022,
  the project's calibration year: the trigram model and the neural model were trained on 1992-2021,
  and their view of text they memorised is not their view of new text (the benchmark measures the
  gap), so a classifier fitted on those years would learn the wrong scale. 2023-2024 are never read
  here (benchmarks).
- **synthetic, another domain**: English Wikipedia sentences (the source side of the MLQE-PE
  en-zh *train* split, CC0) grouped into documents of 1-20 sentences, clean and damaged as above:
  without them every text less like UN speeches than UN speeches are (news, for one) looked
  mangled to the score.
- **machine translation**: the MLQE-PE xx-en *train* lines the models never saw (the last 200 per
  language pair, detokenised), grouped into documents of 1-20 sentences of one language pair: the
  machine translations (label 1) against their post-edits (label 0). One-sentence documents whose
  translation needed no edit are left out (both sides are the same text).

Each source counts equally and both labels count equally within it (sample weights), so the
calibrated probability assumes even odds before reading the text.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from ..corrupt import CATEGORIES, CorruptionConfig, Corruptor

#: What the synthetic documents are damaged with, and how often each is drawn.
DAMAGE_MIX: tuple[tuple[str, float], ...] = (
    ("light", 3.0), ("news", 2.0), ("heavy", 1.0),
    *((f"only:{c}", 0.5) for c in CATEGORIES),
)
UN_FILE = "corpus/ungdc_en_1992_2024/ungdc_en_1992_2024.jsonl.gz"
WIKI_FILE = "corpus/mlqe_pe_en_zh/mlqe_pe_en_zh.jsonl.gz"
MLQE_TRAIN_FILE = "corpus/mlqe_pe_xx_en/mlqe_pe_xx_en.train.jsonl.gz"
MLQE_DEV_FILE = "corpus/mlqe_pe_xx_en/mlqe_pe_xx_en.dev.jsonl.gz"
#: MLQE-PE train lines per language pair that no model of this project was trained on.
MLQE_UNSEEN_PER_PAIR = 200


@dataclass
class LabelledDocument:
    text: str
    label: int
    source: str   # "synthetic", "mlqe", ...
    group: str    # damage setting or document size, for per-group reports


def damage_config(name: str) -> CorruptionConfig:
    """``light`` / ``news`` / ``heavy`` presets, or ``only:CATEGORY`` (that family alone, at a
    moderate rate: in 40% of sentences for sentence families)."""
    if name.startswith("only:"):
        return CorruptionConfig.only(name[5:], rate=1.0, sentence_rate=0.4)
    return CorruptionConfig.preset(name)


def read_speeches(shared: Path, years: Iterable[int]) -> list[list[str]]:
    """Paragraphs of each UN speech of ``years``."""
    years = set(years)
    out = []
    with gzip.open(shared / UN_FILE, "rt", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if row["year"] in years:
                paras = [p.strip() for p in row["text"].split("\n") if p.strip()]
                if paras:
                    out.append(paras)
    return out


def synthetic_documents(speeches: Sequence[list[str]], n: int, seed: int,
                        damages: Sequence[tuple[str, float]] = DAMAGE_MIX,
                        sizes: Sequence[int] = (1, 1, 2, 3, 5, 8)) -> list[LabelledDocument]:
    """``n`` excerpts, each clean and damaged (by a setting drawn from ``damages``)."""
    rng = random.Random(seed)
    names = [d for d, _ in damages]
    weights = [w for _, w in damages]
    corruptors = {name: Corruptor(damage_config(name), seed=seed) for name in names}
    out = []
    for k in range(n):
        speech = speeches[rng.randrange(len(speeches))]
        size = min(rng.choice(sizes), len(speech))
        start = rng.randrange(len(speech) - size + 1)
        clean = "\n\n".join(speech[start:start + size])
        name = rng.choices(names, weights)[0]
        pair = corruptors[name].corrupt_document(clean, key=f"{seed}.{k}")
        out.append(LabelledDocument(clean, 0, "synthetic", name))
        if pair.source != pair.target:
            out.append(LabelledDocument(pair.source, 1, "synthetic", name))
    return out


def read_wiki_sentences(shared: Path) -> list[str]:
    """English Wikipedia sentences of the MLQE-PE en-zh *train* split, detokenised."""
    from ..detok import detokenize

    with gzip.open(shared / WIKI_FILE, "rt", encoding="utf-8") as fh:
        return [detokenize(row["en"]) for row in map(json.loads, fh) if row["split"] == "train"]


def wiki_documents(sentences: Sequence[str], n: int, seed: int,
                   damages: Sequence[tuple[str, float]] = DAMAGE_MIX) -> list[LabelledDocument]:
    """``n`` documents of 1-20 consecutive sentences (paragraphs of up to 5), clean and damaged."""
    rng = random.Random(seed)
    groups = []
    for _ in range(n):
        size = rng.choice((1, 2, 3, 5, 10, 20))
        start = rng.randrange(len(sentences) - size + 1)
        sents = sentences[start:start + size]
        groups.append("\n\n".join(" ".join(sents[i:i + 5]) for i in range(0, len(sents), 5)))
    docs = synthetic_documents([[g] for g in groups], n, seed, damages, sizes=(1,))
    for d in docs:
        d.source = "wiki"
    return docs


def read_mlqe(path: Path) -> dict[str, list[tuple[str, str]]]:
    """(mt, pe) lines by language pair, detokenised, in file order."""
    from ..detok import detokenize

    by_pair: dict[str, list[tuple[str, str]]] = {}
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            by_pair.setdefault(row["pair"], []).append((detokenize(row["mt"]), detokenize(row["pe"])))
    return by_pair


def mlqe_documents(by_pair: dict[str, list[tuple[str, str]]], sizes: Sequence[int], seed: int,
                   shuffles: int = 1, drop_identical_singles: bool = True) -> list[LabelledDocument]:
    """MT and post-edit documents of ``size`` sentences of one language pair (sentences shuffled
    ``shuffles`` times, so one line can appear in several groupings)."""
    rng = random.Random(seed)
    out = []
    for size in sizes:
        for _ in range(shuffles):
            for pair, lines in sorted(by_pair.items()):
                order = list(range(len(lines)))
                rng.shuffle(order)
                for i in range(0, len(order) - size + 1, size):
                    group = [lines[j] for j in order[i:i + size]]
                    mt = " ".join(m for m, _ in group)
                    pe = " ".join(p for _, p in group)
                    if drop_identical_singles and mt == pe:
                        continue
                    out.append(LabelledDocument(mt, 1, "mlqe", f"{size}"))
                    out.append(LabelledDocument(pe, 0, "mlqe", f"{size}"))
    return out


def training_documents(shared: Path, *, synthetic: int = 1500, seed: int = 18) -> list[LabelledDocument]:
    """The training set described in this module's docstring."""
    docs = synthetic_documents(read_speeches(shared, [2022]), synthetic, seed)
    docs += wiki_documents(read_wiki_sentences(shared), synthetic // 2, seed)
    unseen = {pair: lines[-MLQE_UNSEEN_PER_PAIR:] for pair, lines in read_mlqe(shared / MLQE_TRAIN_FILE).items()}
    docs += mlqe_documents(unseen, sizes=(1, 3, 5, 10, 20), seed=seed, shuffles=3)
    return docs


def balanced_weights(docs: Sequence[LabelledDocument]) -> np.ndarray:
    """Weights giving every source the same total and both labels the same share within it."""
    cells: dict[tuple[str, int], int] = {}
    for d in docs:
        cells[(d.source, d.label)] = cells.get((d.source, d.label), 0) + 1
    return np.array([1.0 / cells[(d.source, d.label)] for d in docs]) * len(docs) / len(cells)


def signature(docs: Sequence[LabelledDocument]) -> str:
    """sha256 over every training document's source, group, label and text."""
    h = hashlib.sha256()
    for d in docs:
        h.update(f"{d.source}\t{d.group}\t{d.label}\t".encode())
        h.update(d.text.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


def feature_rows(docs: Sequence[LabelledDocument], *, general: bool = False, synonyms: bool = False,
                 neural: bool = False, ngram_path: str | Path | None = None,
                 progress: bool = False) -> list[dict[str, float]]:
    """Each document's feature rates (``general``/``synonyms``: see :func:`scoring.features.extract`;
    ``neural``: the bundled model's detector)."""
    from ..scoring.features import extract, neural_detector

    detector = neural_detector("default") if neural else None
    if neural and detector is None:
        raise ValueError("neural features need the bundled model, which this install lacks")
    rows = []
    for k, d in enumerate(docs):
        rows.append(extract(d.text, ngram_path=ngram_path, general=general,
                            synonyms=synonyms, detector=detector).total.features())
        if progress and k % 500 == 0:
            print(f"  features {k}/{len(docs)}", flush=True)
    return rows


def train(docs: Sequence[LabelledDocument], rows: Sequence[dict], feature_names: Sequence[str], *,
          l2: float = 1.0, description: dict | None = None):
    """Fit the classifier on precomputed feature rows of ``docs``."""
    from ..scoring.classifier import Classifier, feature_value

    x = np.array([[feature_value(r, n) for n in feature_names] for r in rows], dtype=float)
    y = np.array([d.label for d in docs])
    counts: dict[str, int] = {}
    for d in docs:
        key = f"{d.source}:{'mangled' if d.label else 'clean'}"
        counts[key] = counts.get(key, 0) + 1
    training = {"signature": signature(docs), "documents": counts, "l2": l2, **(description or {})}
    return Classifier.fit(x, y, feature_names, l2=l2, sample_weight=balanced_weights(docs),
                          training=training)
