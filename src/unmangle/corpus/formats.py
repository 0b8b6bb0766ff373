"""Input readers and output shard writers, one per format.

Readers stream: they hold one row (or one Arrow record batch) at a time, so a corpus of any size
runs in bounded memory. Line formats hand the raw line to the worker, which decodes it there.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Optional, Sequence

IN_FORMATS = ("jsonl", "csv", "tsv", "parquet", "text", "text-files", "hf")
OUT_FORMATS = ("jsonl", "csv", "tsv", "parquet")
EXTENSIONS = {"jsonl": "jsonl", "csv": "csv", "tsv": "tsv", "parquet": "parquet"}


class CorpusInputError(ValueError):
    """The input cannot be read (the message names the file and, where it can, the line)."""


def _strip_gz(name: str) -> str:
    return name[:-3] if name.endswith(".gz") else name


def detect_format(path: Path) -> str:
    """The input format from the path: a file's extension, or what a folder holds."""
    if path.is_dir():
        if (path / "state.json").is_file() and (path / "dataset_info.json").is_file():
            return "hf"
        if (path / "dataset_dict.json").is_file():
            raise CorpusInputError(f"{path} holds several splits (a DatasetDict); pass one split's folder")
        files = _folder_files(path)
        if not files:
            raise CorpusInputError(f"{path}: the folder holds no files")
        kinds = {detect_format(f) if _strip_gz(f.name).rsplit(".", 1)[-1] in
                 ("jsonl", "ndjson", "csv", "tsv", "parquet") else "text-files" for f in files}
        if len(kinds) == 1 and kinds != {"text-files"}:
            return kinds.pop()
        return "text-files"
    name = _strip_gz(path.name).lower()
    suffix = name.rsplit(".", 1)[-1] if "." in name else ""
    if suffix in ("jsonl", "ndjson", "json"):
        return "jsonl"
    if suffix in ("csv", "tsv", "parquet"):
        return suffix
    return "text"


def _folder_files(path: Path) -> list[Path]:
    return sorted(p for p in path.rglob("*") if p.is_file() and not any(
        part.startswith((".", "_")) for part in p.relative_to(path).parts))


def input_files(path: Path) -> list[Path]:
    """The files a path stands for: itself, or (a folder) every file in it, in name order."""
    return _folder_files(path) if path.is_dir() else [path]


def _open_binary(path: Path):
    return gzip.open(path, "rb") if path.name.endswith(".gz") else open(path, "rb")


@dataclass
class Row:
    index: int  # 0-based position in the whole input
    where: str  # "file:line" (or "file row N") for the errors file
    payload: Any


class Source:
    """A streaming reader over one input (a file or a folder of files of one format)."""

    def __init__(self, path: Path, fmt: str) -> None:
        self.path = path
        self.format = fmt
        self.files = input_files(path) if fmt != "hf" else _hf_files(path)
        if not self.files:
            raise CorpusInputError(f"{path}: no input files")
        self.header: Optional[tuple[str, ...]] = None
        self.schema = None  # Arrow schema for parquet / hf
        if fmt in ("csv", "tsv"):
            self.header = self._csv_header()
        if fmt in ("parquet", "hf"):
            self.schema = self._arrow_schema()

    # --- metadata -------------------------------------------------------------------------
    def _csv_header(self) -> tuple[str, ...]:
        headers = []
        for f in self.files:
            with self._csv_text(f) as fh:
                try:
                    headers.append(tuple(next(csv.reader(fh, delimiter=self._delimiter))))
                except StopIteration:
                    raise CorpusInputError(f"{f}: empty file (a header line is needed)") from None
        if len(set(headers)) > 1:
            raise CorpusInputError(f"{self.path}: the files have different headers")
        return headers[0]

    def _arrow_schema(self):
        import pyarrow as pa

        if self.format == "parquet":
            import pyarrow.parquet as pq

            schemas = [pq.read_schema(f) for f in self.files]
        else:
            schemas = []
            for f in self.files:
                with pa.memory_map(str(f)) as src:
                    schemas.append(pa.ipc.open_stream(src).schema)
        first = schemas[0].remove_metadata()
        for f, s in zip(self.files, schemas):
            if not s.remove_metadata().equals(first):
                raise CorpusInputError(f"{f}: its columns differ from {self.files[0]}")
        return first

    @property
    def _delimiter(self) -> str:
        return "\t" if self.format == "tsv" else ","

    def _csv_text(self, path: Path):
        return io.TextIOWrapper(_open_binary(path), encoding="utf-8", errors="surrogateescape", newline="")

    def column_names(self, sample_rows: int) -> list[str]:
        """The user's columns: the header or schema; for JSONL, every key in the first rows."""
        if self.header is not None:
            return list(self.header)
        if self.schema is not None:
            return list(self.schema.names)
        if self.format == "text":
            return ["text"]
        if self.format == "text-files":
            return ["path", "text"]
        keys: dict[str, None] = {}
        for row in self.rows(0, limit=sample_rows):
            try:
                record = json.loads(row.payload.decode("utf-8", "surrogateescape"))
            except json.JSONDecodeError:
                continue
            if isinstance(record, dict):
                keys.update(dict.fromkeys(record))
        return list(keys)

    def approx_rows(self) -> Optional[int]:
        """The number of rows, exact for Arrow inputs and folders of text files, else from newlines."""
        if self.format == "parquet":
            import pyarrow.parquet as pq

            return sum(pq.ParquetFile(f).metadata.num_rows for f in self.files)
        if self.format == "hf":
            return None
        if self.format == "text-files":
            return len(self.files)
        total = 0
        for f in self.files:
            if f.name.endswith(".gz"):
                return None
            with open(f, "rb") as fh:
                while chunk := fh.read(1 << 22):
                    total += chunk.count(b"\n")
        return total

    # --- rows -----------------------------------------------------------------------------
    def rows(self, start: int = 0, limit: Optional[int] = None) -> Iterator[Row]:
        """Rows from index ``start`` on (rows before it are read past, not decoded)."""
        count = 0
        for row in self._all_rows(start):
            if limit is not None and count >= limit:
                return
            count += 1
            yield row

    def _all_rows(self, start: int) -> Iterator[Row]:
        index = 0
        for f in self.files:
            if self.format in ("jsonl", "text"):
                with _open_binary(f) as fh:
                    for lineno, line in enumerate(fh, 1):
                        line = line.rstrip(b"\r\n")
                        if not line.strip():
                            continue  # blank lines are not rows
                        if index >= start:
                            yield Row(index, f"{f}:{lineno}", line)
                        index += 1
            elif self.format == "text-files":
                if index >= start:
                    yield Row(index, str(f), (str(f.relative_to(self.path)) if self.path.is_dir()
                                               else f.name, f.read_bytes()))
                index += 1
            elif self.format in ("csv", "tsv"):
                with self._csv_text(f) as fh:
                    reader = csv.reader(fh, delimiter=self._delimiter)
                    next(reader, None)
                    try:
                        for values in reader:
                            if index >= start:
                                yield Row(index, f"{f}:{reader.line_num}", values)
                            index += 1
                    except csv.Error as exc:
                        raise CorpusInputError(f"{f}:{reader.line_num}: {exc}") from None
            else:
                for batch in self._arrow_batches(f):
                    if index + batch.num_rows <= start:
                        index += batch.num_rows
                        continue
                    for offset, record in enumerate(batch.to_pylist()):
                        if index >= start:
                            yield Row(index, f"{f} row {offset}", record)
                        index += 1

    def _arrow_batches(self, f: Path):
        import pyarrow as pa

        if self.format == "parquet":
            import pyarrow.parquet as pq

            yield from pq.ParquetFile(f).iter_batches(batch_size=1024)
        else:
            with pa.memory_map(str(f)) as src:
                yield from pa.ipc.open_stream(src)


def _hf_files(path: Path) -> list[Path]:
    """The Arrow files of a ``Dataset.save_to_disk`` folder, in order (from its state.json)."""
    try:
        state = json.loads((path / "state.json").read_text(encoding="utf-8"))
        return [path / entry["filename"] for entry in state["_data_files"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise CorpusInputError(f"{path / 'state.json'}: not a datasets save_to_disk state file ({exc})") from None


# --- writers --------------------------------------------------------------------------------------

def write_shard(path: Path, fmt: str, items: Sequence[Any], header: Optional[Sequence[str]] = None,
                schema=None) -> None:
    """Write one shard's items to ``path`` (the caller makes it atomic)."""
    if fmt == "jsonl":
        with open(path, "wb") as fh:
            for item in items:
                fh.write(item)
                fh.write(b"\n")
    elif fmt in ("csv", "tsv"):
        with open(path, "w", encoding="utf-8", errors="surrogateescape", newline="") as fh:
            writer = csv.writer(fh, delimiter="\t" if fmt == "tsv" else ",", lineterminator="\n")
            writer.writerow(header or ())
            writer.writerows(items)
    elif fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        rows = [_parquet_safe(item) for item in items]
        if schema is not None:
            table = pa.Table.from_pylist(rows, schema=schema)
        elif rows:
            table = pa.Table.from_pylist(rows)
        else:
            table = pa.table({})
        pq.write_table(table, path)
    else:  # pragma: no cover - guarded by the CLI
        raise ValueError(f"unknown output format {fmt!r}")


def _parquet_safe(record: dict) -> dict:
    """Parquet strings must be valid UTF-8: undecodable bytes become U+FFFD (the row is in the errors
    file already, since a text field like that is a bad row)."""
    out = {}
    for key, value in record.items():
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                value = value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        out[key] = value
    return out
