"""GLEU for grammatical error correction (Napoles et al. 2015, revised 2016), corpus level.

Like BLEU it rewards n-grams (n = 1..4) of the output found in the reference, but it also subtracts
n-grams the output kept from the input although the reference has none of them, so copying the
input is not rewarded. Whitespace tokens; one reference; the brevity penalty uses the reference length.
Implemented here from the published formula because no offline package ships it.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Sequence


def _ngrams(tokens: list[str], n: int) -> Counter:
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def gleu_stats(source: str, output: str, reference: str, max_n: int = 4) -> list[int]:
    """[output length, reference length, then per n: matches, output n-gram count]."""
    src, hyp, ref = source.split(), output.split(), reference.split()
    stats = [len(hyp), len(ref)]
    for n in range(1, max_n + 1):
        h, r, s = _ngrams(hyp, n), _ngrams(ref, n), _ngrams(src, n)
        penalised = Counter({g: c for g, c in s.items() if g not in r})  # input n-grams the reference lacks
        good = sum((h & r).values()) - sum((h & penalised).values())
        stats += [max(good, 0), max(len(hyp) + 1 - n, 0)]
    return stats


def corpus_gleu(sources: Sequence[str], outputs: Sequence[str], references: Sequence[str],
                max_n: int = 4) -> float:
    """Corpus GLEU in [0, 100]; 0 when some n-gram order has no match at all."""
    totals = [0] * (2 + 2 * max_n)
    for src, out, ref in zip(sources, outputs, references):
        for k, value in enumerate(gleu_stats(src, out, ref, max_n)):
            totals[k] += value
    hyp_len, ref_len = totals[0], totals[1]
    if hyp_len == 0:
        return 0.0
    log_prec = 0.0
    for n in range(max_n):
        good, count = totals[2 + 2 * n], totals[3 + 2 * n]
        if good == 0 or count == 0:
            return 0.0
        log_prec += math.log(good / count)
    brevity = min(0.0, 1.0 - ref_len / hyp_len)
    return 100.0 * math.exp(brevity + log_prec / max_n)
