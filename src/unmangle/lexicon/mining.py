"""Lexicon mining: learn recurring (corrupted -> clean) substitutions from a user's pairs.

For each (source = corrupted, target = clean) pair the two texts are word-aligned
(``difflib.SequenceMatcher`` over case-folded word tokens) and every replaced stretch of 1 to
``max_words`` words becomes a candidate substitution. Changes of punctuation, case or spacing only,
changes between function words only ("the" -> "a") and, by default, inflections ("hospital" ->
"hospitals") are skipped. Where 80% of a substitution's occurrences share their neighbours, a name
is widened to the whole name ("Tennessee" -> "Tennessee Holdings") and a substitution of ordinary
words to the nearest content word ("exchange" -> "exchange war"), so forms are specific enough
to leave clean text alone.

Recurring substitutions (``min_count``) are checked before they become lexicon entries:

- confidence = how often the form was rewritten to this target / how often it occurs in the
  sources at all; forms mostly left alone fall under ``min_confidence``;
- clean text must survive: the form is looked up in the targets (clean by definition) and in the
  ``clean_corpus`` when one is given. A form that occurs there gets a ``require=`` rule learned
  from the words around its rewritten occurrences that never occur around its clean ones, if such
  a rule keeps every clean occurrence and most rewritten ones; otherwise it is dropped;
- a form whose replacement the mined lexicon would rewrite again is dropped (repair stays
  idempotent), and of several targets for one form only the most frequent is kept.

:func:`mine_lexicon` returns :class:`Mined` records (entry, count, examples); :func:`mine_report`
keeps the reasons for what was dropped.
"""

from __future__ import annotations

import difflib
import re
from ..clean_text import read_texts
from ..english import MINING_STOP_WORDS
from os.path import commonprefix
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple, Sequence

from .casing import fold, fold_form
from .entry import LexiconEntry, check_form
from .matcher import Lexicon

_TOKEN = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*|[^\w\s]", re.UNICODE)
_WORD = re.compile(r"[^\W_]")
#: wordfreq Zipf frequency from which a word counts as ordinary English (about once per 10^6 words).
COMMON_ZIPF = 3.0

#: English function words: a change among these alone is grammar, not a lexicon entry.
FUNCTION_WORDS = MINING_STOP_WORDS


class Mined(NamedTuple):
    """One mined entry: the ``entry``, how often the substitution was seen, example contexts."""

    entry: LexiconEntry
    count: int
    examples: tuple[str, ...]


@dataclass
class MiningReport:
    """What mining saw, kept and dropped (reason -> number of candidate substitutions)."""

    pairs: int = 0
    substitutions: int = 0          # replaced stretches looked at
    candidates: int = 0             # distinct substitutions seen min_count times or more
    kept: int = 0
    skipped: Counter = field(default_factory=Counter)   # per replaced stretch
    dropped: Counter = field(default_factory=Counter)   # per distinct substitution
    with_rule: int = 0

    def summary(self) -> str:
        lines = [f"read {self.pairs:,} pairs; {self.substitutions:,} replaced stretches",
                 f"{self.candidates:,} substitutions seen often enough; kept {self.kept:,} "
                 f"({self.with_rule:,} with a learned require= rule)"]
        lines += [f"skipped {n:,} stretches: {why}" for why, n in self.skipped.most_common()]
        lines += [f"dropped {n:,} substitutions: {why}" for why, n in self.dropped.most_common()]
        return "\n".join(lines)


class _Token(NamedTuple):
    start: int
    end: int
    text: str
    key: str


def tokenize(text: str) -> list[_Token]:
    """Words (with inner hyphens/apostrophes) and single punctuation marks, with offsets."""
    return [_Token(m.start(), m.end(), m.group(), fold(m.group()))
            for m in _TOKEN.finditer(text)]


def _is_word(token: _Token) -> bool:
    return bool(_WORD.match(token.text))


def _words(tokens: Sequence[_Token]) -> list[str]:
    return [t.key for t in tokens if _is_word(t)]


def _is_inflection(a: str, b: str) -> bool:
    """"hospital"/"hospitals", "develop"/"developed": a shared stem, a short different ending."""
    if " " in a or " " in b or a[:1].isupper() or b[:1].isupper():
        return False
    prefix = len(commonprefix([a, b]))
    return prefix >= 4 and max(len(a), len(b)) - prefix <= 3


@dataclass
class _Candidate:
    count: int = 0
    surfaces: Counter = field(default_factory=Counter)      # source surface forms
    targets: Counter = field(default_factory=Counter)       # target surface forms
    examples: list = field(default_factory=list)
    contexts: list = field(default_factory=list)            # (pair index, start, end)
    left: list = field(default_factory=list)                # name parts before, closest first
    right: list = field(default_factory=list)               # name parts after


def _neighbours(src: Sequence[_Token], tgt: Sequence[_Token], i1: int, i2: int, j1: int, j2: int,
                limit: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Unchanged words on each side of a replaced stretch (closest first, up to ``limit``)."""
    left: list[str] = []
    while len(left) < limit and i1 - len(left) > 0 and j1 - len(left) > 0:
        a, b = src[i1 - len(left) - 1], tgt[j1 - len(left) - 1]
        if a.key != b.key or not _is_word(a):
            break
        left.append(a.text)
    right: list[str] = []
    while len(right) < limit and i2 + len(right) < len(src) and j2 + len(right) < len(tgt):
        a, b = src[i2 + len(right)], tgt[j2 + len(right)]
        if a.key != b.key or not _is_word(a):
            break
        right.append(a.text)
    return tuple(left), tuple(right)


def _name_parts(side: tuple[str, ...]) -> tuple[str, ...]:
    """The leading run of capitalised, non-function words ("Holdings Ltd" of "Holdings Ltd in")."""
    out = []
    for word in side:
        if not word[:1].isupper() or word.lower() in FUNCTION_WORDS:
            break
        out.append(word)
    return tuple(out)


def _common_word(word: str) -> bool:
    """An ordinary English word ("exchange"), as opposed to a name or a mangled form."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en") >= COMMON_ZIPF


def _widen(core: str, lefts: list, rights: list, max_words: int, share: float
           ) -> tuple[list[str], list[str]]:
    """Words to add (left nearest first, right) so the form is specific enough to be safe.

    A name grows over the capitalised words its occurrences agree on ("Tennessee" ->
    "Tennessee Holdings"). A substitution of ordinary words ("exchange" -> "trade") grows to the
    nearest content word its occurrences agree on ("exchange war" -> "trade war"). Anything else
    (a mangled word such as "Ticketok") stays as it is.
    """
    words = core.split()
    room = max_words - len(words)
    if room <= 0:
        return [], []
    if any(w[:1].isupper() for w in words):
        left = _consistent_extension([_name_parts(s) for s in lefts], room, share)
        right = _consistent_extension([_name_parts(s) for s in rights], room - len(left), share)
        return left, right
    if not all(_common_word(w) for w in words):
        return [], []
    for side in ("right", "left"):
        ext = _consistent_extension(rights if side == "right" else lefts, room, share)
        for k, word in enumerate(ext):
            if word.lower() not in FUNCTION_WORDS:
                return ([], ext[:k + 1]) if side == "right" else (ext[:k + 1], [])
    return [], []


def _consistent_extension(sides: list[tuple[str, ...]], room: int, share: float) -> list[str]:
    """Neighbouring words (nearest first) that at least ``share`` of all occurrences agree on."""
    out: list[str] = []
    for k in range(room):
        words = Counter(side[k] for side in sides
                        if len(side) > k and list(side[:k]) == out)
        if not words:
            break
        word, n = words.most_common(1)[0]
        if n < share * len(sides):
            break
        out.append(word)
    return out


def _trim_punctuation(tokens: Sequence[_Token], a: int, b: int) -> tuple[int, int]:
    while a < b and not _is_word(tokens[a]):
        a += 1
    while b > a and not _is_word(tokens[b - 1]):
        b -= 1
    return a, b


def _as_pair(item: object) -> tuple[str, str]:
    if isinstance(item, (tuple, list)) and len(item) == 2:
        return str(item[0]), str(item[1])
    source, target = getattr(item, "source", None), getattr(item, "target", None)
    if not isinstance(source, str) or not isinstance(target, str):
        raise TypeError("pairs must be (source, target) tuples or objects with .source/.target text")
    return source, target


def _example(text: str, start: int, end: int, new: str, width: int = 50) -> str:
    left = text[max(0, start - width):start]
    right = text[end:end + width]
    return f"…{left}[{text[start:end]} → {new}]{right}…".replace("\n", " ")


def _substitutions(source: str, target: str, max_words: int, skip_inflections: bool,
                   report: MiningReport) -> Iterator[tuple]:
    """Each usable replacement: (start, end) in ``source``, both surfaces, name-part neighbours."""
    src, tgt = tokenize(source), tokenize(target)
    matcher = difflib.SequenceMatcher(None, [t.key for t in src], [t.key for t in tgt],
                                      autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "replace":
            continue
        report.substitutions += 1
        i1, i2 = _trim_punctuation(src, i1, i2)
        j1, j2 = _trim_punctuation(tgt, j1, j2)
        if i1 == i2 or j1 == j2:
            report.skipped["punctuation only on one side"] += 1
            continue
        if _words(src[i1:i2]) == _words(tgt[j1:j2]):
            report.skipped["punctuation, case or spacing only"] += 1
            continue
        if all(w in FUNCTION_WORDS for w in _words(src[i1:i2]) + _words(tgt[j1:j2])):
            report.skipped["function words only"] += 1
            continue
        if i2 - i1 > max_words or j2 - j1 > max_words + 2:
            report.skipped[f"longer than {max_words} words"] += 1
            continue
        s_text = " ".join(source[src[i1].start:src[i2 - 1].end].split())
        t_text = " ".join(target[tgt[j1].start:tgt[j2 - 1].end].split())
        if skip_inflections and _is_inflection(s_text, t_text):
            report.skipped["inflection"] += 1
            continue
        try:
            check_form(s_text)
        except ValueError:
            report.skipped["not literal text (regex-like characters)"] += 1
            continue
        left, right = _neighbours(src, tgt, i1, i2, j1, j2, max_words - (i2 - i1))
        yield src[i1].start, src[i2 - 1].end, s_text, t_text, left, right


def _count_occurrences(lexicon: Lexicon, texts: Iterable[str], keys: set[str]
                       ) -> tuple[Counter, dict[str, list]]:
    """Occurrences of each form (word-boundary, any case) in ``texts``, with their positions."""
    counts: Counter = Counter()
    where: dict[str, list] = defaultdict(list)
    for n, text in enumerate(texts):
        for start, end, pattern in lexicon.candidates(text):
            if pattern.key in keys:
                counts[pattern.key] += 1
                if len(where[pattern.key]) < 500:
                    where[pattern.key].append((n, start, end))
    return counts, where


def _window_words(text: str, start: int, end: int, window: int) -> frozenset[str]:
    left = [t.key for t in tokenize(text[max(0, start - 40 * window):start]) if _is_word(t)]
    right = [t.key for t in tokenize(text[end:end + 40 * window]) if _is_word(t)]
    return frozenset(left[-window:] + right[:window])


def _learn_require(rewritten: list[frozenset[str]], clean: list[frozenset[str]], max_terms: int = 8,
                   min_support: float = 0.5) -> tuple[str, ...] | None:
    """Context words that cover most rewritten occurrences and no clean one, or None."""
    clean_words = set().union(*clean) if clean else set()
    support = Counter(w for ctx in rewritten for w in ctx
                      if w not in clean_words and w not in FUNCTION_WORDS and len(w) > 1
                      and not w.isdigit())
    if not support:
        return None
    chosen: list[str] = []
    covered: set[int] = set()
    # most supported first, ties alphabetically: the same input always gives the same rule
    for word, n in sorted(support.items(), key=lambda kv: (-kv[1], kv[0])):
        if len(chosen) >= max_terms or n < 2:
            break
        new = {i for i, ctx in enumerate(rewritten) if word in ctx} - covered
        if new:
            chosen.append(word)
            covered |= new
    if not chosen or len(covered) < min_support * len(rewritten):
        return None
    return tuple(chosen)


def _kind(target: str) -> str:
    words = target.split()
    named = any(any(c.isupper() for c in w[1:]) for w in words) or \
        any(w[:1].isupper() for w in words[1:]) or (len(words) == 1 and target[:1].isupper())
    return "entity" if named else "phrase"


def mine_lexicon(
    pairs: Iterable,
    clean_corpus: Iterable[str] | None = None,
    min_count: int = 2,
    *,
    min_confidence: float = 0.5,
    max_words: int = 4,
    max_examples: int = 3,
    window: int = 12,
    learn_context: bool = True,
    skip_inflections: bool = True,
    widen_share: float = 0.8,
    report: MiningReport | None = None,
    progress: bool = False,
) -> list[Mined]:
    """Mine recurring substitutions from (corrupted, clean) ``pairs`` into lexicon entries.

    ``pairs``: (source, target) tuples or :class:`unmangle.pairs.Pair` objects. ``clean_corpus``:
    clean texts; a form found there must earn a ``require=`` context rule (``learn_context``) or is
    dropped. A substitution is widened over unchanged neighbours when ``widen_share`` of its
    occurrences have the same ones (see the module docstring). Returns :class:`Mined` (entry, count, examples), most frequent first; pass a
    :class:`MiningReport` to learn what was skipped and dropped, and why.
    """
    if min_count < 1:
        raise ValueError("min_count must be at least 1")
    report = report if report is not None else MiningReport()
    sources: list[str] = []
    targets: list[str] = []
    found: dict[tuple[str, str], _Candidate] = {}
    iterator = pairs
    if progress:
        from tqdm import tqdm

        iterator = tqdm(pairs, desc="aligning pairs", unit=" pairs", disable=None)
    for item in iterator:
        source, target = _as_pair(item)
        n = len(sources)
        sources.append(source)
        targets.append(target)
        report.pairs += 1
        for start, end, s_text, t_text, left, right in _substitutions(
                source, target, max_words, skip_inflections, report):
            key = (fold_form(s_text), fold_form(t_text))
            cand = found.setdefault(key, _Candidate())
            cand.count += 1
            cand.surfaces[s_text] += 1
            cand.targets[t_text] += 1
            cand.contexts.append((n, start, end))
            cand.left.append(left)
            cand.right.append(right)
            if len(cand.examples) < max_examples:
                cand.examples.append(_example(source, start, end, t_text))

    # one target per form (the most frequent), widened to the whole name where occurrences agree
    best: dict[str, tuple[str, str, _Candidate]] = {}
    for (s_key, t_key), cand in sorted(found.items(), key=lambda kv: -kv[1].count):
        if cand.count < min_count:
            continue
        core_source = cand.surfaces.most_common(1)[0][0]
        core_target = cand.targets.most_common(1)[0][0]
        left, right = _widen(core_source, cand.left, cand.right, max_words, widen_share)
        prefix = " ".join(reversed(left)) + " " if left else ""
        suffix = " " + " ".join(right) if right else ""
        form, replacement = prefix + core_source + suffix, prefix + core_target + suffix
        key = fold_form(form)
        report.candidates += 1
        if key in best:
            report.dropped["another target is more frequent for this form"] += 1
            continue
        best[key] = (form, replacement, cand)
    if not best:
        return []

    probe = Lexicon([LexiconEntry(key, replacement) for key, (_, replacement, _) in best.items()])
    keys = set(best)
    seen_in_sources, where_sources = _count_occurrences(probe, sources, keys)
    seen_in_targets, where_targets = _count_occurrences(probe, targets, keys)
    seen_clean: Counter = Counter()
    where_clean: dict[str, list] = {}
    clean_texts: list[str] = []
    if clean_corpus is not None:
        clean_texts = list(clean_corpus)
        seen_clean, where_clean = _count_occurrences(probe, clean_texts, keys)

    mined: list[Mined] = []
    for key, (form, replacement, cand) in best.items():
        total = max(seen_in_sources[key], cand.count)
        confidence = cand.count / total
        if confidence < min_confidence:
            report.dropped[f"form mostly left alone (confidence < {min_confidence})"] += 1
            continue
        clean_hits = seen_in_targets[key] + seen_clean[key]
        require: tuple[str, ...] = ()
        if clean_hits:
            if not learn_context:
                report.dropped["form occurs in clean text"] += 1
                continue
            # contexts of the (widened) form where it was rewritten: occurrences over a core span
            cores = defaultdict(list)
            for n, a, b in cand.contexts:
                cores[n].append((a, b))
            rewritten = [_window_words(sources[n], a, b, window)
                         for n, a, b in where_sources.get(key, [])
                         if any(a < ce and cs < b for cs, ce in cores.get(n, ()))]
            clean_ctx = [_window_words(targets[n], a, b, window)
                         for n, a, b in where_targets.get(key, [])]
            clean_ctx += [_window_words(clean_texts[n], a, b, window)
                          for n, a, b in where_clean.get(key, [])]
            learned = _learn_require(rewritten, clean_ctx)
            if learned is None:
                report.dropped["form occurs in clean text, no context tells them apart"] += 1
                continue
            require = learned
        note = (f"mined: rewritten {cand.count}x of {total}x in sources"
                + (f"; seen {clean_hits}x in clean text, hence the context rule" if require else ""))
        entry = LexiconEntry((form,), replacement, kind=_kind(replacement), require=require,
                             window=window, confidence=round(min(1.0, confidence), 3), note=note)
        mined.append(Mined(entry, cand.count, tuple(cand.examples)))

    mined = _drop_unstable(mined, report)
    mined.sort(key=lambda m: (-m.count, m.entry.forms[0].lower()))
    report.kept = len(mined)
    report.with_rule = sum(1 for m in mined if m.entry.require)
    return mined


def _drop_unstable(mined: list[Mined], report: MiningReport) -> list[Mined]:
    """Drop entries whose replacement another mined entry would rewrite (chains, loops)."""
    while True:
        lexicon = Lexicon([m.entry for m in mined])
        bad = set()
        for m in mined:
            context = " ".join(t.rstrip("*") for t in m.entry.require[:1])
            text = f"{m.entry.replacement} {context}".strip()
            if lexicon.apply(text) != text:
                bad.add(id(m))
        if not bad:
            return mined
        report.dropped["replacement would be rewritten again"] += len(bad)
        mined = [m for m in mined if id(m) not in bad]


def read_clean_corpus(path: str | Path, field: str = "text") -> Iterator[str]:
    """Clean text for :func:`mine_lexicon` (:func:`unmangle.clean_text.read_texts`)."""
    return read_texts(path, field=field)


def mined_lexicon(mined: Sequence[Mined]) -> Lexicon:
    """The mined entries as a :class:`~unmangle.lexicon.Lexicon` (to apply or to write)."""
    return Lexicon([m.entry for m in mined])


__all__ = ["FUNCTION_WORDS", "Mined", "MiningReport", "mine_lexicon", "mined_lexicon",
           "read_clean_corpus", "tokenize"]
