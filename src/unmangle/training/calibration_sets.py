"""The held-out, training-side sets calibration scores settings on (never evaluation data).

- synthetic: clean sentences of a validation slice (``where``, e.g. one year of speeches) run
  through the corruption generator's ``news`` preset at a fixed seed;
- pairs by group: the last ``tail`` lines of each group (e.g. language pair) of a real pair file
  (machine translation, post-edit), held out of training, one set per group;
- clean: other sentences of the validation slice and the target side of those pairs, as both input
  and reference (every change there is harm);
- clean-general (optional): sentences of a second clean corpus in another register (the project
  uses Wikipedia sentences), also as both input and reference. The first two clean sources are
  the register the model learnt from; a word the speeches seldom use looks wrong to its judges,
  and only clean text of another register shows what that costs.

Sentences are taken one in ``step`` from the slice, at different offsets for the synthetic and the
clean set, so the two never share a sentence.
"""

from __future__ import annotations

import gzip
import itertools
import json
from dataclasses import dataclass
from pathlib import Path

Pairs = list[tuple[str, str]]


@dataclass(frozen=True)
class CalibrationData:
    """Where the calibration sets come from."""

    clean_corpus: Path
    pairs: Path | None = None
    where: str | None = "year==2022"
    text_field: str = "text"
    source_field: str = "mt"
    target_field: str = "pe"
    group_field: str = "pair"
    #: lines per group held out at the end of the pair file
    tail: int = 200
    step: int = 20
    seed: int = 2022
    #: a second clean corpus in another register (JSONL or text, field ``general_field``,
    #: records matching ``general_where``), Moses-tokenised text when ``general_detokenize``
    general_clean: Path | None = None
    general_field: str = "text"
    general_where: str | None = None
    general_detokenize: bool = False


def _slice_sentences(data: CalibrationData, n: int, offset: int) -> list[str]:
    from .data import clean_sentences, read_clean_texts

    paras = read_clean_texts(data.clean_corpus, text_field=data.text_field, where=data.where)
    return list(itertools.islice(clean_sentences(paras), n * data.step))[offset::data.step][:n]


def slice_paragraphs(data: CalibrationData, n: int, offset: int, min_chars: int = 200,
                     max_chars: int = 2000) -> list[str]:
    """Every other paragraph of the slice of ``min_chars``-``max_chars`` characters (offset 0 or 1)."""
    from .data import read_clean_texts

    paras = read_clean_texts(data.clean_corpus, text_field=data.text_field, where=data.where)
    return [p for p in paras if min_chars <= len(p) <= max_chars][offset::2][:n]


def synthetic_set(data: CalibrationData, n: int) -> Pairs:
    from ..corrupt import CorruptionConfig, Corruptor

    corruptor = Corruptor(CorruptionConfig.preset("news"), seed=data.seed)
    return [(p.source, p.target) for p in (corruptor.corrupt_sentence(s) for s in _slice_sentences(data, n, 0))]


def pair_sets(data: CalibrationData, per_group: int, offset: int = 0) -> dict[str, Pairs]:
    """The held-out pair lines by group ("et-en": [(mt, pe), ...]), detokenised."""
    from ..detok import detokenize

    if data.pairs is None:
        return {}
    by_group: dict[str, list[dict]] = {}
    opener = gzip.open if str(data.pairs).endswith(".gz") else open
    with opener(data.pairs, "rt", encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{data.pairs}:{number}: not JSON ({exc.msg})") from None
            by_group.setdefault(str(row.get(data.group_field, "all")), []).append(row)
    return {group: [(detokenize(r[data.source_field]), detokenize(r[data.target_field]))
                    for r in rows[-data.tail:][offset:offset + per_group]]
            for group, rows in sorted(by_group.items())}


def clean_set(data: CalibrationData, n: int, per_group: int) -> Pairs:
    sents = _slice_sentences(data, n, 7)
    targets = [t for pairs in pair_sets(data, per_group).values() for _, t in pairs]
    return [(s, s) for s in sents + targets]


def general_clean_set(data: CalibrationData, n: int) -> Pairs:
    """``n`` sentences of the second clean corpus (one in three, from its start) as (s, s) pairs;
    empty without one."""
    from .data import read_clean_texts

    if data.general_clean is None or n <= 0:
        return []
    lines = read_clean_texts(data.general_clean, text_field=data.general_field, where=data.general_where)
    if data.general_detokenize:
        from ..detok import detokenize

        lines = (detokenize(t) for t in lines)
    taken = itertools.islice((t for t in lines if len(t.split()) >= 4), 0, 3 * n, 3)
    return [(t, t) for t in taken]


def neural_sets(data: CalibrationData, *, synthetic: int, per_group: int, clean: int,
                general: int = 0, pairs_prefix: str = "mlqe") -> dict[str, Pairs]:
    """Every set the neural stage's calibration scores: synthetic, one per pair group, clean, and
    (with a second clean corpus and ``general`` > 0) clean-general."""
    sets = {"synthetic": synthetic_set(data, synthetic),
            **{f"{pairs_prefix}-{group}": lines for group, lines in pair_sets(data, per_group).items()},
            "clean": clean_set(data, clean, per_group)}
    extra = general_clean_set(data, general)
    if extra:
        sets["clean-general"] = extra
    return sets
