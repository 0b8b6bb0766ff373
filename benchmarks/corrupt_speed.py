"""Speed of the corruption generator (sentences/s, one process) on UN General Debate sentences.

Reads speeches from years <= 2021 only (2022-2024 are held out for evaluation), splits them into
sentences, and times, in the same run:

- ``split+tokenise`` baseline: sentence splitting is done once up front; this times only the regex
  tokenisation every damaged sentence needs (a floor for any token-level generator);
- ``zero rates``: the Corruptor's fixed cost per sentence (no damage);
- the ``light``, ``news`` and ``heavy`` presets through ``corrupt_sentence`` (one shared stream),
  ``news`` with a per-sentence key (the sharding-safe mode), and ``iter_training_pairs``;
- ``corrupt_document`` on whole speeches (sentences/s counted over the sentences in them).

Each figure is the median of ``--repeat`` runs. Results go to benchmarks/results/corrupt_speed.md.

    python benchmarks/corrupt_speed.py [--corpus PATH] [--sentences 50000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Callable

from unmangle.corrupt import CorruptionConfig, Corruptor, iter_training_pairs
from unmangle.corrupt.base import tokenize
from unmangle.textspans import paragraphs, sentences as split_sentences

HERE = Path(__file__).resolve().parent
DEFAULT_SHARED = Path(os.environ.get("UNMANGLE_SHARED", HERE.parent.parent / "shared"))
DEFAULT_CORPUS = DEFAULT_SHARED / "corpus" / "ungdc_en_1992_2024" / "ungdc_en_1992_2024.jsonl.gz"


def load(corpus: Path, n_sentences: int, max_year: int = 2021) -> tuple[list[str], list[str]]:
    """The first speeches (year <= max_year) until ``n_sentences`` sentences; (speeches, sentences)."""
    speeches: list[str] = []
    sents: list[str] = []
    with gzip.open(corpus, "rt", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if int(row["year"]) > max_year:
                continue
            speeches.append(row["text"])
            sents.extend(s.text for p in paragraphs(row["text"]) for s in split_sentences(p.text))
            if len(sents) >= n_sentences:
                break
    return speeches, sents[:n_sentences]


def timed(fn: Callable[[], int], repeat: int) -> tuple[float, int]:
    """Median seconds over ``repeat`` runs and the unit count ``fn`` returns."""
    times = []
    count = 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        count = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--sentences", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--output", type=Path, default=HERE / "results" / "corrupt_speed.md")
    args = parser.parse_args(argv)
    if not args.corpus.is_file():
        print(f"corpus not found: {args.corpus} (set UNMANGLE_SHARED or --corpus)", file=sys.stderr)
        return 2

    speeches, sents = load(args.corpus, args.sentences)
    n_words = sum(len(s.split()) for s in sents)
    doc_sentences = sum(len(split_sentences(p.text)) for t in speeches for p in paragraphs(t))
    rows: list[tuple[str, float, int, str]] = []

    def sentence_run(config: CorruptionConfig, keyed: bool = False) -> Callable[[], int]:
        def fn() -> int:
            c = Corruptor(config, seed=0)
            damaged = 0
            if keyed:
                for k, s in enumerate(sents):
                    damaged += c.corrupt_sentence(s, key=k).changed
            else:
                for s in sents:
                    damaged += c.corrupt_sentence(s).changed
            fn.damaged = damaged  # type: ignore[attr-defined]
            return len(sents)
        return fn

    def tokenise_only() -> int:
        for s in sents:
            tokenize(s)
        return len(sents)

    secs, n = timed(tokenise_only, args.repeat)
    rows.append(("baseline: tokenise only", secs, n, "-"))
    for label, cfg, keyed in [
        ("zero rates (fixed cost)", CorruptionConfig.zero(), False),
        ("preset light", CorruptionConfig.preset("light"), False),
        ("preset news", CorruptionConfig.preset("news"), False),
        ("preset heavy", CorruptionConfig.preset("heavy"), False),
        ("preset news, key per sentence", CorruptionConfig.preset("news"), True),
    ]:
        fn = sentence_run(cfg, keyed)
        secs, n = timed(fn, args.repeat)
        rows.append((label, secs, n, f"{fn.damaged / n:.1%}"))  # type: ignore[attr-defined]

    def stream() -> int:
        return sum(1 for _ in iter_training_pairs(speeches, seed=0, level="sentence"))
    secs, n = timed(stream, args.repeat)
    rows.append(("iter_training_pairs (split + news, keyed)", secs, n, "-"))

    def documents() -> int:
        c = Corruptor(CorruptionConfig.preset("news"), seed=0)
        for t in speeches:
            c.corrupt_document(t)
        return doc_sentences
    secs, n = timed(documents, args.repeat)
    rows.append((f"corrupt_document, news ({len(speeches)} speeches)", secs, n, "-"))

    cmd = "python benchmarks/corrupt_speed.py " + " ".join(argv if argv is not None else sys.argv[1:])
    lines = [
        "# Corruption generator speed",
        "",
        f"Command: `{cmd.strip()}`  ",
        f"Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}  ",
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs visible, one process; "
        f"Python {platform.python_version()}  ",
        f"Data: {len(sents):,} sentences ({n_words:,} words) from the first {len(speeches)} UN General "
        f"Debate speeches of years <= 2021; median of {args.repeat} runs.",
        "",
        "| run | sentences | seconds | sentences/s | share damaged |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, secs, n, damaged in rows:
        lines.append(f"| {label} | {n:,} | {secs:.2f} | {n / secs:,.0f} | {damaged} |")
    lines += ["", "Target: >= 3,000 sentences/s on one core (preset news).", ""]
    text = "\n".join(lines)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
