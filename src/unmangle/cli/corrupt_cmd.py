"""``unmangle corrupt``: damage clean English the way back-translation and spinners do, and write
aligned (corrupted, clean) pairs with labelled spans as JSONL."""

from __future__ import annotations

import argparse
import gzip
import io
import json
import sys
from pathlib import Path
from typing import IO, Iterator

from ..atomic import replace_on_success
from . import CLIError

_EPILOG_CATEGORIES = """\
categories (use with --rate CATEGORY=R):
  entity               names turned into look-alike or literally translated words (Tencent -> Tennessee)
  synonym              wrong-sense synonyms and tortured phrases (shares -> offers, big data -> huge information)
  function_word        articles, prepositions, pronouns, auxiliaries, agreement (has became, its -> his)
  word_order           local swaps of adjacent words or short chunks (also said -> said also)
  clause               displaced phrases, lost sentence breaks, stray capitals mid-sentence
  duplication          doubled words and phrases (assist, assist), dropped words
  spacing              spacing and punctuation damage ($ 35, achievement ., ". .", reversed quotes)
  paragraph_duplicate  (document level) a paragraph followed by a near-copy of itself
  boilerplate          (document level) web chrome: Subscribe now, Leave a Reply, | Reuters tags

Sentence-level rates are the probability that a damaged sentence gets that kind of damage;
document-level rates are per paragraph (paragraph_duplicate) or per document (boilerplate).
See unmangle.corrupt.config for the exact rules.

output: one JSON object per line:
  {"id": ..., "source": corrupted, "target": clean,
   "spans": [{"source_start", "source_end", "target_start", "target_end", "category", "op"}]}
The same input, options and --seed give byte-identical output.
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "corrupt",
        help="make (corrupted, clean) training/benchmark pairs from clean text",
        description="Apply a noise model of back-translation and article-spinner damage to clean "
        "English and write aligned pairs with labelled edit spans as JSONL.",
        epilog=_EPILOG_CATEGORIES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("input", metavar="INPUT",
                   help="clean UTF-8 input: plain text or JSONL, optionally gzipped (.gz); '-' reads "
                   "standard input")
    p.add_argument("-o", "--output", metavar="OUT.jsonl",
                   help="write pairs here (atomically; .gz compresses) instead of standard output")
    p.add_argument("--seed", type=int, default=0, metavar="N",
                   help="random seed (default 0); each unit's damage depends only on the seed and "
                   "its id, so shards and reruns agree")
    p.add_argument("--preset", choices=("light", "news", "heavy"), default="news",
                   help="starting rates: light (~30%% of sentences damaged), news (~60%%, like the "
                   "seed article; default) or heavy (~85%%)")
    p.add_argument("--rate", action="append", default=[], metavar="CATEGORY=R",
                   help="override one category's rate (0 switches it off); repeatable")
    p.add_argument("--sentence-rate", type=float, metavar="P",
                   help="probability that a sentence is damaged at all (overrides the preset)")
    p.add_argument("--max-edits", type=int, metavar="N",
                   help="at most N edits per sentence (overrides the preset)")
    p.add_argument("--level", choices=("sentence", "document"), default="document",
                   help="sentence: one pair per sentence, sentence-level damage only; document "
                   "(default): one pair per document, with duplicated paragraphs, boilerplate and "
                   "lost paragraph breaks too")
    p.add_argument("--input-format", choices=("auto", "text", "jsonl"), default="auto",
                   help="auto (default) takes .jsonl/.jsonl.gz as JSONL and anything else as text")
    p.add_argument("--split", choices=("auto", "blank", "line", "none"), default="auto",
                   help="how plain text splits into units: blank (documents separated by blank "
                   "lines), line (one unit per line), none (the whole input is one document). "
                   "auto: line with --level sentence, blank with --level document")
    p.add_argument("--text-field", default="text", metavar="NAME",
                   help="JSONL field holding the clean text (default: text)")
    p.add_argument("--id-field", metavar="NAME",
                   help="JSONL field to use as the pair id (default: the line number)")
    p.add_argument("--limit", type=int, metavar="N",
                   help="read at most N input units (documents, lines or JSONL records)")
    p.add_argument("--pps", metavar="PATH",
                   help="also use a tortured-phrase list (JSON or CSV, e.g. the public PPS list), "
                   "reversed to expected -> tortured, as synonym damage")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on standard error")
    p.set_defaults(handler=run)


def parse_rates(items: list[str]) -> dict[str, float]:
    """``["entity=0.3", ...]`` -> ``{"entity": 0.3}``, with errors a user can act on."""
    from ..corrupt import CATEGORIES

    rates: dict[str, float] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name or not value.strip():
            raise CLIError(f"--rate expects CATEGORY=R (e.g. entity=0.3), got {item!r}")
        if name not in CATEGORIES:
            raise CLIError(f"--rate: unknown category {name!r}; categories: {', '.join(CATEGORIES)}")
        try:
            rates[name] = float(value)
        except ValueError:
            raise CLIError(f"--rate {name}: {value!r} is not a number") from None
    return rates


def _open_binary(path: str) -> IO[bytes]:
    if path == "-":
        return sys.stdin.buffer
    p = Path(path)
    if not p.is_file():
        raise CLIError(f"{path}: no such file")
    return gzip.open(p, "rb") if p.suffix == ".gz" else open(p, "rb")


def _lines(path: str) -> Iterator[tuple[int, str]]:
    """Decoded lines with their numbers; undecodable input is an error naming file and line."""
    name = "standard input" if path == "-" else path
    fh = _open_binary(path)
    try:
        for lineno, raw in enumerate(fh, 1):
            try:
                yield lineno, raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise CLIError(f"{name}, line {lineno}: not valid UTF-8 (byte {exc.start} of the "
                               f"line: {raw[exc.start:exc.start + 4]!r}); convert it first, e.g. "
                               "iconv -f latin1 -t utf-8") from None
    except (OSError, EOFError) as exc:
        raise CLIError(f"{name}: cannot read: {exc}") from None
    finally:
        if fh is not sys.stdin.buffer:
            fh.close()


def _input_format(args: argparse.Namespace) -> str:
    if args.input_format != "auto":
        return args.input_format
    name = args.input[:-3] if args.input.endswith(".gz") else args.input
    return "jsonl" if name.endswith((".jsonl", ".ndjson")) else "text"


def read_units(args: argparse.Namespace) -> Iterator[tuple[str, str]]:
    """``(id, text)`` units from the input, by format and split mode."""
    fmt = _input_format(args)
    name = "standard input" if args.input == "-" else args.input
    if fmt == "jsonl":
        for lineno, line in _lines(args.input):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise CLIError(f"{name}, line {lineno}: not valid JSON ({exc.msg})") from None
            if not isinstance(row, dict) or args.text_field not in row:
                raise CLIError(f"{name}, line {lineno}: no field {args.text_field!r} "
                               "(choose one with --text-field)")
            text = row[args.text_field]
            if not isinstance(text, str):
                raise CLIError(f"{name}, line {lineno}: field {args.text_field!r} is not a string")
            if args.id_field:
                if args.id_field not in row:
                    raise CLIError(f"{name}, line {lineno}: no id field {args.id_field!r}")
                yield str(row[args.id_field]), text
            else:
                yield str(lineno), text
        return
    split = args.split if args.split != "auto" else ("line" if args.level == "sentence" else "blank")
    if split == "line":
        for lineno, line in _lines(args.input):
            text = line.rstrip("\r\n")
            if text.strip():
                yield str(lineno), text
    elif split == "none":
        text = "".join(line for _, line in _lines(args.input))
        if text.strip():
            yield "1", text
    else:
        buf: list[str] = []
        first = 0
        for lineno, line in _lines(args.input):
            if line.strip():
                if not buf:
                    first = lineno
                buf.append(line.rstrip("\r\n"))
            elif buf:
                yield str(first), "\n".join(buf)
                buf = []
        if buf:
            yield str(first), "\n".join(buf)


def _sentence_units(units: Iterator[tuple[str, str]], split_sentences: bool) -> Iterator[tuple[str, str]]:
    from ..textspans import sentences

    for uid, text in units:
        if not split_sentences:
            yield uid, text
            continue
        for k, s in enumerate(sentences(text)):
            yield f"{uid}.{k}", s.text


class _Progress:
    """tqdm on standard error when available and wanted; a no-op otherwise."""

    def __init__(self, enabled: bool, unit: str) -> None:
        self.bar = None
        if enabled:
            try:
                from tqdm import tqdm
                self.bar = tqdm(unit=f" {unit}", file=sys.stderr, dynamic_ncols=True)
            except ImportError:  # pragma: no cover - tqdm is a dependency, but keep the CLI usable
                self.bar = None

    def update(self) -> None:
        if self.bar is not None:
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def run(args: argparse.Namespace) -> int:
    from ..corrupt import ConfigError, CorruptionConfig, Corruptor
    from ..corrupt.base import DataError

    overrides: dict = {"rates": parse_rates(args.rate)}
    if args.sentence_rate is not None:
        overrides["sentence_rate"] = args.sentence_rate
    if args.max_edits is not None:
        overrides["max_edits_per_sentence"] = args.max_edits
    if args.limit is not None and args.limit < 0:
        raise CLIError("--limit must be >= 0")
    try:
        config = CorruptionConfig.preset(args.preset, **overrides)
        corruptor = Corruptor(config, seed=args.seed, pps=args.pps)
    except (ConfigError, DataError) as exc:
        raise CLIError(str(exc)) from None
    except OSError as exc:
        raise CLIError(f"--pps: {exc}") from None

    def units() -> Iterator[tuple[str, str]]:
        for k, unit in enumerate(read_units(args)):
            if args.limit is not None and k >= args.limit:
                return
            yield unit

    stream = _sentence_units(units(), split_sentences=args.level == "sentence" and _input_format(args) == "jsonl")
    progress = _Progress(not args.no_progress, "sentences" if args.level == "sentence" else "docs")

    def pairs() -> Iterator[str]:
        for uid, text in stream:
            pair = corruptor.corrupt(text, level=args.level, key=uid)
            progress.update()
            yield json.dumps({"id": uid, **pair.to_dict()}, ensure_ascii=False) + "\n"

    try:
        _write(args.output, pairs())
    finally:
        progress.close()
    return 0


def _write(path: str | None, lines: Iterator[str]) -> None:
    """Stream lines to stdout, or to ``path`` via a temp file renamed at the end (never half-written)."""
    if path in (None, "-"):
        for line in lines:
            sys.stdout.write(line)
        sys.stdout.flush()
        return
    with replace_on_success(path) as tmp:
        if Path(path).suffix == ".gz":
            # mtime=0 and no file name in the header: the same pairs give the same bytes
            with open(tmp, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz, \
                    io.TextIOWrapper(gz, encoding="utf-8", newline="") as fh:
                for line in lines:
                    fh.write(line)
        else:
            with open(tmp, "w", encoding="utf-8", newline="") as fh:
                for line in lines:
                    fh.write(line)
