"""Corpus scores of a system's outputs: sacrebleu metrics, edit-level P/R/F0.5, no harm, recall per
corruption category, and how much the system changed.

Definitions (all over the whole corpus, or the subset asked for):

edits
    Input, output and reference are tokenised losslessly and aligned input->reference and
    input->output (:mod:`unmangle.metrics.align`). An edit is ``(input token span, replacement
    tokens)`` of one merged block. An output edit is a true positive when the identical edit is among
    the reference edits (after putting both in one canonical form: see :func:`canonical_edit`);
    otherwise a false positive; a reference edit no output edit matches is a
    false negative. Precision is 1 when the system proposes nothing (ERRANT's convention); F0.5
    weighs precision twice as much as recall.
no harm
    Among pairs whose input already equals the reference, the share the system left unchanged.
categories (recall per corruption category)
    For each labelled span ``[s, e)`` of the input: grow it to whole tokens, then widen it over
    every change block of the input->output alignment and of the input->reference alignment that
    overlaps or touches it, and repeat until stable. The span counts as *fixed* when the output's
    text for that widened stretch (mapped through the input->output alignment) equals the
    reference's text for it (mapped through the input->reference alignment), or when the output
    equals the reference. A perfect output fixes every span; leaving the text alone fixes none
    (unless a span did not change anything). The input->reference alignment is the one the spans
    themselves describe when their target offsets rebuild the reference exactly (as the
    corruption generator's do; :func:`span_blocks`), else difflib's.
changes (needs no reference)
    ``edits``: change blocks input->output; ``edits_per_1000_words`` over whitespace-separated input
    words; ``changed_word_share``: share of the input's word tokens inside a change block;
    ``changed_share``: share of inputs with any change.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, Sequence

from .align import Block, CharBlock, align, char_blocks, is_word, map_range, offsets, tokenize, widen
from .gleu import corpus_gleu
from .sacre import SacreScorer


class MisalignedError(ValueError):
    """Inputs, outputs and references do not have the same number of items."""


@dataclass
class _Side:
    """One text with its tokens and token offsets."""

    text: str
    tokens: list[str]
    offsets: list[int]

    @classmethod
    def of(cls, text: str) -> "_Side":
        tokens = tokenize(text)
        return cls(text, tokens, offsets(tokens))


def prf(tp: int, fp: int, fn: int, beta: float = 0.5) -> dict[str, float | int]:
    """Precision, recall and F-beta from counts (P = 1 with no proposals, R = 1 with nothing to find)."""
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    b2 = beta * beta
    f = (1 + b2) * p * r / (b2 * p + r) if p + r else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": p, "recall": r, f"f{beta:g}": f}


def canonical_edit(a: Sequence[str], i1: int, i2: int, new: tuple[str, ...]) -> tuple:
    """One spelling for equivalent edits: common ends trimmed, then shifted as far left as possible.

    Deleting either copy of a doubled word gives the same text, and the aligner may pick either;
    shifting left (as variant callers normalise indels) makes both the same edit.
    """
    while i1 < i2 and new and a[i1] == new[0]:
        i1, new = i1 + 1, new[1:]
    while i1 < i2 and new and a[i2 - 1] == new[-1]:
        i2, new = i2 - 1, new[:-1]
    while i1 > 0:
        if new and a[i2 - 1] == new[-1]:
            new = (a[i1 - 1],) + new[:-1]
        elif not new and i2 > i1 and a[i1 - 1] == a[i2 - 1]:
            pass
        else:
            break
        i1, i2 = i1 - 1, i2 - 1
    return i1, i2, new


def _edit_set(src: _Side, blocks: Sequence[Block], other_tokens: Sequence[str]) -> set:
    return {canonical_edit(src.tokens, b.i1, b.i2, tuple(other_tokens[b.j1:b.j2])) for b in blocks}


class Scorer:
    """Scores outputs for fixed inputs (and references, and labelled spans).

    Build once per corpus and call :meth:`score` for each system: the input->reference alignments
    are computed once and shared. ``spans[i]`` is the list of labelled spans of pair ``i`` (dicts
    with ``source_start``, ``source_end``, ``category``) or None.
    """

    def __init__(self, inputs: Sequence[str], references: Sequence[str | None] | None = None,
                 spans: Sequence[list[dict] | None] | None = None) -> None:
        self.inputs = list(inputs)
        n = len(self.inputs)
        if references is not None:
            references = list(references)
            if len(references) != n:
                raise MisalignedError(f"{n} inputs but {len(references)} references")
            if all(r is None for r in references):
                references = None
            elif any(r is None for r in references):
                raise ValueError("some pairs have a reference and some do not; score them apart")
        self.references: list[str] | None = references  # type: ignore[assignment]
        if spans is not None and len(spans) != n:
            raise MisalignedError(f"{n} inputs but {len(spans)} span lists")
        self.spans = list(spans) if spans is not None else [None] * n
        self._src: list[_Side | None] = [None] * n
        self._ref: list[tuple[_Side, list[Block], list[CharBlock]] | None] = [None] * n
        self._sacre = SacreScorer()

    @property
    def has_references(self) -> bool:
        return self.references is not None

    @property
    def has_labels(self) -> bool:
        return any(self.spans)

    def _source(self, i: int) -> _Side:
        side = self._src[i]
        if side is None:
            side = self._src[i] = _Side.of(self.inputs[i])
        return side

    def _reference(self, i: int) -> tuple[_Side, list[Block], list[CharBlock]]:
        cached = self._ref[i]
        if cached is None:
            assert self.references is not None
            src = self._source(i)
            ref = _Side.of(self.references[i])
            blocks = align(src.tokens, ref.tokens)
            chars = None
            if self.spans[i]:
                chars = span_blocks(self.spans[i], src.text, ref.text)
            if chars is None:
                chars = char_blocks(blocks, src.offsets, ref.offsets)
            cached = self._ref[i] = (ref, blocks, chars)
        return cached

    def score(self, outputs: Sequence[str], indices: Iterable[int] | None = None) -> dict:
        """All metrics for ``outputs`` (one per input), over ``indices`` (default: all pairs)."""
        outputs = list(outputs)
        if len(outputs) != len(self.inputs):
            raise MisalignedError(f"{len(self.inputs)} inputs but {len(outputs)} outputs")
        for k, out in enumerate(outputs):
            if not isinstance(out, str):
                raise TypeError(f"output {k} is {type(out).__name__}, not str")
        idx = list(range(len(self.inputs))) if indices is None else list(indices)
        result: dict = {"n": len(idx), "words": sum(len(self.inputs[i].split()) for i in idx)}

        edits = tp = fp = fn = 0
        words_total = words_changed = changed_inputs = 0
        nh_n = nh_unchanged = exact = 0
        cat_n: dict[str, int] = defaultdict(int)
        cat_fixed: dict[str, int] = defaultdict(int)
        for i in idx:
            src = self._source(i)
            out_text = outputs[i]
            out = _Side.of(out_text) if out_text != src.text else src
            blocks = align(src.tokens, out.tokens) if out is not src else []
            edits += len(blocks)
            changed_inputs += bool(blocks)
            words_total += sum(1 for t in src.tokens if is_word(t))
            for b in blocks:
                words_changed += sum(1 for t in src.tokens[b.i1:b.i2] if is_word(t))
            if self.references is None:
                continue
            ref, ref_blocks, ref_chars = self._reference(i)
            exact += out_text == ref.text
            if ref.text == src.text:
                nh_n += 1
                nh_unchanged += out_text == src.text
            out_set = _edit_set(src, blocks, out.tokens)
            ref_set = _edit_set(src, ref_blocks, ref.tokens)
            tp += len(out_set & ref_set)
            fp += len(out_set - ref_set)
            fn += len(ref_set - out_set)
            if self.spans[i]:
                out_chars = char_blocks(blocks, src.offsets, out.offsets)
                for span in self.spans[i]:
                    cat = span["category"]
                    cat_n[cat] += 1
                    cat_fixed[cat] += out_text == ref.text or _span_fixed(
                        span, src, out, ref, out_chars, ref_chars)

        n_words = result["words"]
        result["changes"] = {
            "edits": edits,
            "edits_per_1000_words": 1000.0 * edits / n_words if n_words else 0.0,
            "changed_words": words_changed,
            "changed_word_share": words_changed / words_total if words_total else 0.0,
            "changed_inputs": changed_inputs,
            "changed_share": changed_inputs / len(idx) if idx else 0.0,
        }
        if self.references is None or not idx:
            return result
        refs = [self.references[i] for i in idx]
        outs = [outputs[i] for i in idx]
        result.update(self._sacre.scores(outs, refs))
        result["gleu"] = corpus_gleu([self.inputs[i] for i in idx], outs, refs)
        result["exact"] = exact / len(idx)
        result["edit_prf"] = prf(tp, fp, fn)
        result["no_harm"] = {"n": nh_n, "unchanged": nh_unchanged,
                             "share": nh_unchanged / nh_n if nh_n else None}
        if cat_n:
            result["categories"] = {
                cat: {"n": cat_n[cat], "fixed": cat_fixed[cat], "recall": cat_fixed[cat] / cat_n[cat]}
                for cat in sorted(cat_n)}
            total, fixed = sum(cat_n.values()), sum(cat_fixed.values())
            result["spans"] = {"n": total, "fixed": fixed, "recall": fixed / total}
        return result


def span_blocks(spans: Sequence[dict], source: str, target: str) -> list[CharBlock] | None:
    """The input->reference alignment the labelled spans describe, or None if they describe none.

    Spans from the corruption generator cover every difference: outside them source and target
    are identical. That alignment is exact where difflib may pick the wrong copy of a duplicated
    paragraph. Spans without target offsets, overlapping spans, or spans that do not rebuild the
    target give None (the caller then aligns with difflib).
    """
    blocks = []
    for span in spans:
        if span.get("target_start") is None or span.get("target_end") is None:
            return None
        blocks.append(CharBlock(int(span["source_start"]), int(span["source_end"]),
                                int(span["target_start"]), int(span["target_end"])))
    blocks.sort()
    a = b = 0
    for blk in blocks:
        if blk.a1 < a or blk.b1 < b or source[a:blk.a1] != target[b:blk.b1]:
            return None
        a, b = blk.a2, blk.b2
    if source[a:] != target[b:]:
        return None
    return [blk for blk in blocks if source[blk.a1:blk.a2] != target[blk.b1:blk.b2]]


def _snap(token_starts: Sequence[int], start: int, end: int) -> tuple[int, int]:
    """Grow ``[start, end)`` to whole tokens (a token starts with the whitespace before its word)."""
    k = bisect_right(token_starts, start) - 1
    new_start = token_starts[max(k, 0)]
    k = bisect_left(token_starts, end)
    new_end = token_starts[k] if k < len(token_starts) else token_starts[-1]
    return new_start, max(new_end, new_start)


def _span_fixed(span: dict, src: _Side, out: _Side, ref: _Side, out_chars: Sequence[CharBlock],
                ref_chars: Sequence[CharBlock]) -> bool:
    """Whether the output reads like the reference around one labelled span (module docstring)."""
    start, end = _snap(src.offsets, int(span["source_start"]), int(span["source_end"]))
    start, end = widen(start, end, out_chars, ref_chars)
    o1, o2 = map_range(start, end, out_chars)
    r1, r2 = map_range(start, end, ref_chars)
    return out.text[o1:o2] == ref.text[r1:r2]


def corpus_scores(inputs: Sequence[str], outputs: Sequence[str],
                  references: Sequence[str] | None = None,
                  spans: Sequence[list[dict] | None] | None = None) -> dict:
    """Every metric for one system in one call (see the module docstring for definitions).

    >>> s = corpus_scores(["the the cat ."], ["the cat."], ["the cat."])
    >>> s["edit_prf"]["f0.5"], s["exact"]
    (1.0, 1.0)
    """
    return Scorer(inputs, references, spans).score(outputs)
