"""The fine-tuning demo's synthetic domain: invented names planted in UN sentences, rendered the
way MT and spinners render unknown names, and the counts of how many a model restores.
"""

from __future__ import annotations

import gzip
import json
import random
import re
from collections import defaultdict
from pathlib import Path
from typing import Iterator, Sequence

UNGDC = Path("corpus/ungdc_en_1992_2024/ungdc_en_1992_2024.jsonl.gz")

def read_jsonl_gz(path: Path) -> Iterator[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


#: The synthetic domain: (real name in the UN text, invented clean name, its consistent rendering).
#: Each occurrence of the real name (longest alternative first) becomes the invented name on the
#: clean side and the rendering on the corrupted side. Renderings imitate what MT and spinners do
#: to unknown names: split into sound-alike English words, or translated word by word.
PLANTED: tuple[tuple[str, str, str], ...] = (
    ("the World Bank|World Bank", "Veltrona", "Belt Throne"),
    ("António Guterres|Antonio Guterres", "Okonkwo Adeyemi", "Okon Kwo Adey Emi"),
    ("Security Council", "Kestrel Council", "Falcon Council"),
    ("Paris Agreement", "Lisvane Accord", "Lease Vane Accord"),
    ("Sustainable Development Goals", "Brightwater Goals", "Light Water Goals"),
    ("Human Rights Council", "Halvorsen Council", "Half Orson Council"),
    ("Afghanistan", "Drevania", "Drive Anya"),
    ("Syria", "Quessara", "Quest Sara"),
    ("Ukraine", "Marisova", "Mary Sofa"),
    ("Yemen", "Ostrevia", "East Revia"),
)
_SLOTS = {real: clean for reals, clean, _ in PLANTED for real in reals.split("|")}
_SLOT_RE = re.compile(r"(?<![\w-])(" + "|".join(re.escape(r) for r in sorted(_SLOTS, key=len, reverse=True))
                      + r")(?![\w-])")
_RENDER = {clean: rendered for _, clean, rendered in PLANTED}
_CLEAN_RE = re.compile(r"(?<![\w-])(" + "|".join(re.escape(c) for c in _RENDER) + r")(?![\w-])")


def un_sentences(shared: Path, first: int, last: int, min_chars: int = 40,
                 max_chars: int = 300) -> tuple[list[str], list[str]]:
    """Sentences of the speeches of ``first``..``last``: (naming a slot, naming none)."""
    from unmangle.textspans import sentences

    named, other = [], []
    for record in read_jsonl_gz(shared / UNGDC):
        if not first <= record["year"] <= last:
            continue
        for para in record["text"].split("\n"):
            for span in sentences(para):
                if min_chars <= len(span.text) <= max_chars:
                    (named if _SLOT_RE.search(span.text) else other).append(span.text)
    return named, other


def sample_by_name(named: list[str], per_name: int, rng: random.Random) -> list[str]:
    """Up to ``per_name`` sentences for each planted name (a sentence counts for its first slot)."""
    by: dict[str, list[str]] = defaultdict(list)
    for s in named:
        by[_SLOTS[_SLOT_RE.search(s).group(1)]].append(s)
    out = []
    for _, clean, _ in PLANTED:
        pool = by.get(clean, [])
        out += rng.sample(pool, min(per_name, len(pool)))
    return out


def plant(real_text: str, corruptor, key: int) -> tuple[str, str]:
    """(corrupted, clean): names swapped for invented ones, rendered and noised on the source side."""
    clean = _SLOT_RE.sub(lambda m: _SLOTS[m.group(1)], real_text)
    rendered = _CLEAN_RE.sub(lambda m: _RENDER[m.group(1)], clean)
    return corruptor.corrupt_sentence(rendered, key=key).source, clean


def planted_counts(sources: Sequence[str], outputs: Sequence[str], targets: Sequence[str]) -> dict:
    """Per invented name: renderings in the inputs and how many the output turned into the name.

    A rendering counts as restored when it left the text and the invented name took its place
    (counted per sentence, so a name written elsewhere in the sentence does not count twice).
    """
    counts = {clean: {"present": 0, "restored": 0} for _, clean, _ in PLANTED}
    for s, o, t in zip(sources, outputs, targets):
        for clean in set(_CLEAN_RE.findall(t)):
            rendered = _RENDER[clean]
            present = s.count(rendered)
            gone = present - o.count(rendered)
            came = o.count(clean) - s.count(clean)
            counts[clean]["present"] += present
            counts[clean]["restored"] += max(0, min(gone, came))
    total = {"present": sum(c["present"] for c in counts.values()),
             "restored": sum(c["restored"] for c in counts.values())}
    return {"total": total, "by_name": counts}


def flagged_renderings(texts: Sequence[str], model_dir: Path) -> dict:
    """Rendering occurrences the model's detector flags whole, at the model's own detect threshold.

    ``texts`` are what the neural stage sees (the deterministic stages' output). An occurrence is
    flagged when every word of it lies inside a span :meth:`NeuralStage.detect` reports.
    """
    from unmangle.neural.stage import NeuralStage

    stage = NeuralStage.from_dir(model_dir)
    counts = {clean: {"present": 0, "flagged": 0} for _, clean, _ in PLANTED}
    for text in texts:
        found = [(m, clean) for _, clean, rendered in PLANTED
                 for m in re.finditer(rf"(?<![\w-]){re.escape(rendered)}(?![\w-])", text)]
        if not found:
            continue
        spans = [(f.start, f.end) for f in stage.detect(text)]
        for m, clean in found:
            words = [w.span() for w in re.finditer(r"\S+", m.group())]
            whole = all(any(a <= m.start() + ws and m.start() + we <= b for a, b in spans)
                        for ws, we in words)
            counts[clean]["present"] += 1
            counts[clean]["flagged"] += whole
    total = {"present": sum(c["present"] for c in counts.values()),
             "flagged": sum(c["flagged"] for c in counts.values())}
    return {"threshold": stage.settings.min_probability, "total": total, "by_name": counts}
