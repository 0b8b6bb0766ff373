"""Reading (corrupted, clean) pairs: one reader for benchmarks, lexicon mining and fine-tuning.

Every consumer of user data goes through :func:`read_pairs`, so every one of them accepts the same
formats and rejects bad input with the same clear errors (file and line named).

Formats (``fmt``; guessed from the file name when not given):

``jsonl``
    One JSON object a line (``.jsonl``, ``.ndjson``, ``.json``; gzip-compressed ``.gz`` too). Blank
    lines are ignored. ``source_field`` and ``target_field`` name the text fields; ``labels_field``
    (default ``spans``) may hold labelled edit spans as written by ``unmangle corrupt``.
``tsv`` / ``csv``
    A header row names the fields, then one pair a row. TSV is split on tabs with no quoting (a tab
    inside a field cannot be written; use CSV or JSONL for such text); CSV follows RFC 4180 quoting,
    so fields may span lines. A ``spans`` column, when present, holds the spans as JSON.
``text``
    Plain text, one input a line, no reference (``target`` is None). Blank lines are ignored.
``datasets``
    A Hugging Face ``datasets`` dataset saved with ``save_to_disk`` (a folder). ``split`` picks one
    split of a ``DatasetDict``. Rows are numbered from 1 in error messages.

Two plain-text files holding inputs and references line by line are read with
:func:`read_parallel`.

Labelled spans are dicts ``{"source_start", "source_end", "target_start", "target_end",
"category"}``: character offsets (``[start, end)``) into the source and the target. Only the source
offsets and the category are required.

Errors are :class:`PairFormatError` (a ``ValueError``) with ``path`` and ``line`` set; the message
starts ``FILE:LINE:``. With ``skip_bad=True`` a bad record (malformed JSON, a missing or empty
field, bad spans, bytes that are not UTF-8, a row with the wrong number of columns) is skipped and
counted in the reader's ``skipped`` and ``skipped_lines``; problems with the file as a whole
(missing, empty, unknown format, header without the field) are always errors.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

log = logging.getLogger(__name__)

FORMATS: tuple[str, ...] = ("jsonl", "tsv", "csv", "text", "datasets")

_SUFFIX_FORMATS = {
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
    ".tsv": "tsv", ".tab": "tsv",
    ".csv": "csv",
    ".txt": "text", ".text": "text",
}
#: Span keys holding character offsets; source ones are required.
SPAN_OFFSET_KEYS = ("source_start", "source_end", "target_start", "target_end")
_LONE_SURROGATE = re.compile("[\udc80-\udcff]")


class PairFormatError(ValueError):
    """Bad pair input. ``path`` and ``line`` (1-based; a row for datasets) say where."""

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None) -> None:
        self.path = str(path) if path is not None else None
        self.line = line
        self.reason = message
        where = ""
        if self.path is not None:
            where = f"{self.path}:{line}: " if line is not None else f"{self.path}: "
        super().__init__(where + message)


@dataclass
class Pair:
    """One input (``source``) and its reference (``target``, None when there is none).

    ``spans``: labelled edit spans (see the module docstring), or None. ``id``: the record's ``id``
    field if it has one, else its line number as text. ``line``: 1-based line (row) where the record
    ends. ``meta``: the record's other fields (for example MLQE-PE's ``pair``), for grouping results.
    """

    source: str
    target: str | None = None
    spans: list[dict] | None = None
    id: str | None = None
    line: int | None = None
    meta: dict[str, Any] = field(default_factory=dict)


class PairReader(Iterator[Pair]):
    """An iterator of :class:`Pair` that counts what it skipped.

    ``skipped``: records skipped under ``skip_bad``; ``skipped_lines``: their line numbers (the
    first 1,000); ``count``: pairs yielded so far; ``format``: the format read.
    """

    MAX_LINES_KEPT = 1000

    def __init__(self, path: Path, fmt: str, records: Callable[["PairReader"], Iterator[Pair]],
                 skip_bad: bool) -> None:
        self.path = path
        self.format = fmt
        self.skip_bad = skip_bad
        self.skipped = 0
        self.skipped_lines: list[int] = []
        self.skipped_reasons: list[str] = []
        self.count = 0
        self._records = records(self)
        self._done = False

    def __iter__(self) -> "PairReader":
        return self

    def __next__(self) -> Pair:
        if self._done:
            raise StopIteration
        try:
            pair = next(self._records)
        except StopIteration:
            self._done = True
            if self.skipped:
                log.warning("%s: skipped %d bad record(s) (first at line %d)", self.path,
                            self.skipped, self.skipped_lines[0])
            if self.count == 0:
                extra = f" ({self.skipped} bad record(s) skipped)" if self.skipped else ""
                raise PairFormatError(f"no pairs found: the file is empty{extra}", self.path) from None
            raise
        self.count += 1
        return pair

    def bad(self, error: PairFormatError) -> None:
        """Record a bad record: raise it, or count it when skipping bad records."""
        if not self.skip_bad:
            raise error
        self.skipped += 1
        if len(self.skipped_lines) < self.MAX_LINES_KEPT:
            self.skipped_lines.append(error.line or 0)
            self.skipped_reasons.append(error.reason)


def detect_format(path: str | Path) -> str:
    """The format of ``path`` from its name (``.gz`` ignored), a folder's content, or a first ``{``."""
    path = Path(path)
    if path.is_dir():
        if any((path / name).exists() for name in
               ("dataset_info.json", "state.json", "dataset_dict.json")):
            return "datasets"
        raise PairFormatError("is a folder but not a saved 'datasets' dataset "
                              "(no dataset_info.json, state.json or dataset_dict.json)", path)
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    suffix = Path(name).suffix
    if suffix in _SUFFIX_FORMATS:
        return _SUFFIX_FORMATS[suffix]
    with _open_binary(path) as fh:
        head = fh.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{"):
        return "jsonl"
    raise PairFormatError(
        f"cannot tell the format from the name; pass fmt= (--format) as one of {', '.join(FORMATS)}",
        path)


def read_pairs(
    path: str | Path,
    *,
    source_field: str = "source",
    target_field: str | None = "target",
    fmt: str | None = None,
    skip_bad: bool = False,
    labels_field: str | None = "spans",
    id_field: str | None = "id",
    allow_empty: bool = False,
    split: str | None = None,
) -> PairReader:
    """Read pairs from ``path``; returns a lazy iterator of :class:`Pair` (a :class:`PairReader`).

    ``target_field=None`` reads inputs without references. ``allow_empty`` accepts empty source or
    target strings (an error naming the line otherwise). ``split`` chooses a split of a saved
    ``DatasetDict``. Missing files, unknown formats and TSV/CSV headers without the fields raise
    :class:`PairFormatError` here; record errors are raised (or counted) as iteration reaches them.
    The iterator raises :class:`PairFormatError` at its end if the input held no pairs at all.
    """
    path = Path(path)
    if not path.exists():
        raise PairFormatError("no such file or folder", path)
    fmt = fmt or detect_format(path)
    if fmt not in FORMATS:
        raise PairFormatError(f"unknown format {fmt!r}; formats are {', '.join(FORMATS)}", path)
    if fmt != "datasets" and path.is_dir():
        raise PairFormatError(f"is a folder, not a {fmt} file", path)
    opts = _Options(path, source_field, None if fmt == "text" else target_field, labels_field,
                    id_field, allow_empty)
    if fmt == "jsonl":
        return PairReader(path, fmt, lambda r: _jsonl_records(r, opts), skip_bad)
    if fmt == "text":
        return PairReader(path, fmt, lambda r: _text_records(r, opts), skip_bad)
    if fmt in ("tsv", "csv"):
        header, rows = _table_rows(path, fmt)
        opts.check_header(header)
        return PairReader(path, fmt, lambda r: _table_records(r, opts, header, rows), skip_bad)
    dataset = _load_dataset(path, split)
    opts.check_header(list(dataset.column_names))
    return PairReader(path, fmt, lambda r: _dataset_records(r, opts, dataset), skip_bad)


def read_parallel(source_path: str | Path, target_path: str | Path, *,
                  allow_empty: bool = False) -> Iterator[Pair]:
    """Pairs from two plain-text files, line N of one with line N of the other.

    Lines blank in both files are skipped; a file with more lines than the other raises
    :class:`PairFormatError` (the pairs would be misaligned) naming both counts.
    """
    src_lines = _decoded_lines(Path(source_path))
    tgt_lines = _decoded_lines(Path(target_path))
    count = 0
    while True:
        a = next(src_lines, None)
        b = next(tgt_lines, None)
        if a is None or b is None:
            if a is not None or b is not None:
                longer, shorter = (source_path, target_path) if a is not None else (target_path, source_path)
                n = (a or b)[0]
                raise PairFormatError(
                    f"has more lines than {shorter} (line {n} has no partner): inputs and references "
                    "are misaligned", longer, n)
            break
        (n, src), (_, tgt) = a, b
        if isinstance(src, PairFormatError):
            raise src
        if isinstance(tgt, PairFormatError):
            raise tgt
        src, tgt = src.rstrip("\r\n"), tgt.rstrip("\r\n")
        if not src.strip() and not tgt.strip():
            continue
        for text, name, p in ((src, "input", source_path), (tgt, "reference", target_path)):
            if not text.strip() and not allow_empty:
                raise PairFormatError(f"empty {name} line (its partner is not empty)", p, n)
        count += 1
        yield Pair(src, tgt, None, str(n), n)
    if count == 0:
        raise PairFormatError("no pairs found: the files are empty", source_path)


# ---------------------------------------------------------------------------------------------
# record checks shared by all formats


@dataclass
class _Options:
    path: Path
    source_field: str
    target_field: str | None
    labels_field: str | None
    id_field: str | None
    allow_empty: bool

    def check_header(self, columns: list[str]) -> None:
        for name, kind in ((self.source_field, "source"), (self.target_field, "target")):
            if name is not None and name not in columns:
                raise PairFormatError(
                    f"no {kind} field {name!r}; the fields are {', '.join(map(repr, columns))} "
                    f"(choose with {kind}_field= / --{kind}-field)", self.path, 1)

    def make_pair(self, record: dict, line: int) -> Pair:
        """Check one record (a dict of fields) and turn it into a Pair."""
        source = self._text(record, self.source_field, "source", line)
        target = None
        if self.target_field is not None:
            target = self._text(record, self.target_field, "target", line)
        spans = None
        if self.labels_field and record.get(self.labels_field) not in (None, ""):
            spans = _check_spans(record[self.labels_field], source, target, self.path, line)
        rid = record.get(self.id_field) if self.id_field else None
        used = {self.source_field, self.target_field, self.labels_field}
        meta = {k: v for k, v in record.items() if k not in used}
        return Pair(source, target, spans, str(rid) if rid is not None else str(line), line, meta)

    def _text(self, record: dict, name: str, kind: str, line: int) -> str:
        if name not in record:
            present = ", ".join(map(repr, record)) or "none"
            raise PairFormatError(
                f"no {kind} field {name!r} (fields present: {present}; choose with {kind}_field= "
                f"/ --{kind}-field)", self.path, line)
        value = record[name]
        if value is None:
            raise PairFormatError(f"{kind} field {name!r} is null", self.path, line)
        if not isinstance(value, str):
            raise PairFormatError(f"{kind} field {name!r} holds {type(value).__name__}, not text",
                                  self.path, line)
        if not self.allow_empty and not value.strip():
            raise PairFormatError(f"{kind} field {name!r} is empty", self.path, line)
        return value


def _check_spans(spans: Any, source: str, target: str | None, path: Path, line: int) -> list[dict]:
    """Labelled spans as a list of dicts with int offsets inside the texts and a text category."""
    if isinstance(spans, str):
        try:
            spans = json.loads(spans)
        except json.JSONDecodeError as exc:
            raise PairFormatError(f"spans are not valid JSON ({exc.msg})", path, line) from None
    if not isinstance(spans, list):
        raise PairFormatError(f"spans must be a list, got {type(spans).__name__}", path, line)
    out = []
    for k, span in enumerate(spans):
        if not isinstance(span, dict):
            raise PairFormatError(f"span {k} is {type(span).__name__}, not an object", path, line)
        for key in ("source_start", "source_end", "category"):
            if key not in span:
                raise PairFormatError(f"span {k} lacks {key!r} (it has {', '.join(span)})", path, line)
        if not isinstance(span["category"], str) or not span["category"]:
            raise PairFormatError(f"span {k} has no category text", path, line)
        for side, text in (("source", source), ("target", target)):
            start, end = span.get(f"{side}_start"), span.get(f"{side}_end")
            if start is None and end is None and side == "target":
                continue
            if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool):
                raise PairFormatError(f"span {k} {side} offsets must be integers", path, line)
            limit = len(text) if text is not None else None
            if start < 0 or end < start or (limit is not None and end > limit):
                raise PairFormatError(
                    f"span {k} {side} offsets [{start}, {end}) do not fit the {side} "
                    f"({limit} characters)", path, line)
        out.append(dict(span))
    return out


# ---------------------------------------------------------------------------------------------
# formats


def _open_binary(path: Path) -> io.BufferedIOBase:
    """The file's bytes, decompressed when it is gzip (by its magic bytes, whatever its name)."""
    with open(path, "rb") as probe:
        magic = probe.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")


def _decoded_lines(path: Path) -> Iterator[tuple[int, Any]]:
    """(line number, text) for each line; a line that is not UTF-8 comes as a PairFormatError."""
    if not path.exists():
        raise PairFormatError("no such file", path)
    offset = 0
    with _open_binary(path) as fh:
        try:
            for number, raw in enumerate(fh, 1):
                if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                    raw = raw[3:]
                    offset += 3
                try:
                    yield number, raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    bad = raw[exc.start:exc.end]
                    yield number, PairFormatError(
                        f"not valid UTF-8: byte {exc.start + 1} of the line (byte "
                        f"{offset + exc.start + 1} "
                        f"of the {'decompressed ' if isinstance(fh, gzip.GzipFile) else ''}file) is "
                        f"{bad!r}; convert the file first, e.g. iconv -f latin1 -t utf-8", path, number)
                offset += len(raw)
        except (OSError, EOFError) as exc:  # truncated or corrupt gzip
            raise PairFormatError(f"cannot read the file: {exc}", path) from None


def _jsonl_records(reader: PairReader, opts: _Options) -> Iterator[Pair]:
    for number, text in _decoded_lines(opts.path):
        if isinstance(text, PairFormatError):
            reader.bad(text)
            continue
        if not text.strip():
            continue
        try:
            record = json.loads(text)
        except json.JSONDecodeError as exc:
            hint = " (a JSON array? write one object a line: JSON Lines)" if text.lstrip()[:1] == "[" else ""
            reader.bad(PairFormatError(f"malformed JSON: {exc.msg} at column {exc.colno}{hint}",
                                       opts.path, number))
            continue
        if not isinstance(record, dict):
            reader.bad(PairFormatError(f"expected a JSON object, got {type(record).__name__}",
                                       opts.path, number))
            continue
        try:
            yield opts.make_pair(record, number)
        except PairFormatError as exc:
            reader.bad(exc)


def _text_records(reader: PairReader, opts: _Options) -> Iterator[Pair]:
    for number, text in _decoded_lines(opts.path):
        if isinstance(text, PairFormatError):
            reader.bad(text)
            continue
        text = text.rstrip("\r\n")
        if text.strip():
            yield Pair(text, None, None, str(number), number)


def _table_rows(path: Path, fmt: str) -> tuple[list[str], Iterator[tuple[int, Any]]]:
    """The header and an iterator of (line, row or error) for a TSV or CSV file."""
    fh = _open_binary(path)
    text = io.TextIOWrapper(fh, encoding="utf-8-sig", errors="surrogateescape", newline="")
    if fmt == "csv":
        reader = csv.reader(text)
        rows: Iterator[tuple[int, Any]] = ((reader.line_num, row) for row in reader)
    else:
        rows = ((n, line.rstrip("\r\n").split("\t")) for n, line in enumerate(text, 1))

    def checked() -> Iterator[tuple[int, Any]]:
        try:
            for number, row in rows:
                if not any(cell.strip() for cell in row):
                    continue
                joined = "\x00".join(row)
                bad = _LONE_SURROGATE.search(joined)
                if bad:
                    byte = ord(bad.group()) - 0xDC00
                    yield number, PairFormatError(
                        f"not valid UTF-8: byte {byte:#04x} in the row; convert the file first, "
                        "e.g. iconv -f latin1 -t utf-8", path, number)
                else:
                    yield number, row
        except csv.Error as exc:
            yield getattr(reader, "line_num", 0), PairFormatError(f"malformed CSV: {exc}", path,
                                                                 getattr(reader, "line_num", None))
        except (OSError, EOFError) as exc:
            raise PairFormatError(f"cannot read the file: {exc}", path) from None
        finally:
            text.close()

    it = checked()
    first = next(it, None)
    if first is None:
        raise PairFormatError("no pairs found: the file is empty", path)
    number, header = first
    if isinstance(header, PairFormatError):
        raise header
    header = [h.strip() for h in header]
    return header, it


def _table_records(reader: PairReader, opts: _Options, header: list[str],
                   rows: Iterator[tuple[int, Any]]) -> Iterator[Pair]:
    for number, row in rows:
        if isinstance(row, PairFormatError):
            reader.bad(row)
            continue
        if len(row) != len(header):
            sep = "tab" if reader.format == "tsv" else "comma"
            reader.bad(PairFormatError(
                f"row has {len(row)} fields but the header has {len(header)} (a {sep} inside a "
                "field? for TSV use CSV quoting or JSONL instead)", opts.path, number))
            continue
        try:
            yield opts.make_pair(dict(zip(header, row)), number)
        except PairFormatError as exc:
            reader.bad(exc)


def _load_dataset(path: Path, split: str | None) -> Any:
    try:
        import datasets
    except ImportError:
        raise PairFormatError("reading a saved dataset needs the 'datasets' package: "
                              "pip install 'unmangle[train]'", path) from None
    try:
        data = datasets.load_from_disk(str(path))
    except Exception as exc:  # datasets raises several types for a damaged folder
        raise PairFormatError(f"cannot load the saved dataset: {exc}", path) from None
    if isinstance(data, datasets.DatasetDict):
        names = list(data)
        if split is None:
            if len(names) != 1:
                raise PairFormatError(f"holds splits {', '.join(names)}; choose one with split= "
                                      "(--split)", path)
            split = names[0]
        if split not in data:
            raise PairFormatError(f"has no split {split!r}; it has {', '.join(names)}", path)
        data = data[split]
    elif split is not None:
        raise PairFormatError(f"is a single dataset, not a DatasetDict: drop split={split!r}", path)
    return data


def _dataset_records(reader: PairReader, opts: _Options, dataset: Iterable[dict]) -> Iterator[Pair]:
    for number, record in enumerate(dataset, 1):
        try:
            yield opts.make_pair(dict(record), number)
        except PairFormatError as exc:
            reader.bad(exc)
