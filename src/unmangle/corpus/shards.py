"""Shards: the output as ``part-NNNNN.EXT`` files of ``shard_size`` input rows each, written atomically.

Shard ``k`` holds input rows ``[k * shard_size, (k + 1) * shard_size)``, so a shard's content does
not depend on the worker count or the engine. A shard's bad rows and counts are written (atomically)
to ``_shards/`` before the shard itself; a shard file that exists is therefore finished, and a
rerun skips it. The run's settings are kept in ``_unmangle_run.json``; a rerun with other settings
is refused (use ``--overwrite``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Sequence

from ..atomic import replace_on_success, write_text_atomic
from .formats import EXTENSIONS, write_shard
from .rows import OutRow, RowSettings

RUN_FILE = "_unmangle_run.json"
SUMMARY_FILE = "_SUCCESS.json"
ERRORS_FILE = "_errors.jsonl"
SHARD_DIR = "_shards"


class RunMismatchError(ValueError):
    """The output folder holds a run with other settings."""


def shard_name(index: int, out_format: str) -> str:
    return f"part-{index:05d}.{EXTENSIONS[out_format]}"


def finished_shards(out_dir: Path, out_format: str) -> set[int]:
    ext = "." + EXTENSIONS[out_format]
    done = set()
    if out_dir.is_dir():
        for p in out_dir.iterdir():
            if p.name.startswith("part-") and p.name.endswith(ext):
                try:
                    done.add(int(p.name[5:-len(ext)]))
                except ValueError:
                    continue
    return done


def clear_output(out_dir: Path) -> None:
    """Remove what a run writes (and nothing else) from ``out_dir``."""
    if not out_dir.is_dir():
        return
    for p in out_dir.iterdir():
        if p.is_file() and (p.name.startswith(("part-", ".part-", "._")) or p.name in (
                RUN_FILE, SUMMARY_FILE, ERRORS_FILE)):
            p.unlink()
    shards = out_dir / SHARD_DIR
    if shards.is_dir():
        for p in shards.iterdir():
            p.unlink()
        shards.rmdir()


def remove_temporaries(out_dir: Path) -> None:
    """Temporary files a killed run left (``.part-...tmp``): never a finished shard, so delete them."""
    for folder in (out_dir, out_dir / SHARD_DIR):
        if folder.is_dir():
            for p in folder.iterdir():
                if p.name.startswith(".") and p.name.endswith(".tmp"):
                    p.unlink()


def check_run_file(out_dir: Path, settings: dict) -> None:
    """Write the run's settings, or check they match those of the run that started this folder."""
    path = out_dir / RUN_FILE
    if path.is_file():
        old = json.loads(path.read_text(encoding="utf-8"))
        if old != settings:
            diff = sorted(k for k in set(old) | set(settings) if old.get(k) != settings.get(k))
            raise RunMismatchError(
                f"{out_dir} holds a run with other settings ({', '.join(diff)} differ); "
                "rerun with the same settings to resume, or pass --overwrite to start again")
        return
    out_dir.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, json.dumps(settings, indent=2, sort_keys=True) + "\n")


@dataclass
class Counts:
    rows: int = 0
    written: int = 0
    changed: int = 0
    errors: int = 0
    filtered_out: int = 0
    words: int = 0

    def add(self, other: "Counts") -> None:
        for k in vars(self):
            setattr(self, k, getattr(self, k) + getattr(other, k))


@dataclass
class ShardSink:
    """Collects processed rows in input order and writes each shard when it is complete."""

    out_dir: Path
    settings: RowSettings
    shard_size: int
    done: set[int]
    header: Optional[Sequence[str]] = None  # CSV/TSV output header
    schema: Any = None  # Parquet output schema (None: inferred per shard)
    counts: Counts = field(default_factory=Counts)  # this run's rows
    shards_written: int = 0
    _current: Optional[int] = None
    _items: list = field(default_factory=list)
    _errors: list = field(default_factory=list)
    _shard_counts: Counts = field(default_factory=Counts)

    def add(self, index: int, where: str, row: OutRow) -> None:
        shard = index // self.shard_size
        if shard in self.done:
            raise AssertionError(f"row {index} belongs to finished shard {shard}")
        if shard != self._current:
            self.flush()
            self._current = shard
        c = self._shard_counts
        c.rows += 1
        c.words += row.words
        if row.error is not None:
            c.errors += 1
            entry = {"row": index, "where": where, "reason": row.error}
            if row.raw is not None:
                entry["raw"] = row.raw
            if row.item is None:
                entry["written"] = False  # the output format cannot hold this row: it is only here
            self._errors.append(entry)
        elif row.item is None:
            c.filtered_out += 1
        if row.item is not None:
            c.written += 1
            self._items.append(row.item)
        c.changed += bool(row.changed)

    def flush(self) -> None:
        if self._current is None:
            return
        k = self._current
        shards = self.out_dir / SHARD_DIR
        shards.mkdir(parents=True, exist_ok=True)
        errors_text = "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in self._errors)
        write_text_atomic(shards / f"part-{k:05d}.errors.jsonl", errors_text)
        write_text_atomic(shards / f"part-{k:05d}.counts.json", json.dumps(vars(self._shard_counts)) + "\n")
        with replace_on_success(self.out_dir / shard_name(k, self.settings.out_format)) as tmp:
            write_shard(tmp, self.settings.out_format, self._items, header=self.header, schema=self.schema)
        self.counts.add(self._shard_counts)
        self.shards_written += 1
        self.done.add(k)
        self._current = None
        self._items, self._errors, self._shard_counts = [], [], Counts()


def finish(out_dir: Path, out_format: str) -> tuple[Counts, int]:
    """Gather every shard's counts and errors (this run's and earlier ones'): ``_errors.jsonl`` and
    ``_SUCCESS.json``. Returns the totals and the number of shards."""
    shards = sorted(finished_shards(out_dir, out_format))
    total = Counts()
    with replace_on_success(out_dir / ERRORS_FILE) as tmp, open(tmp, "wb") as out:
        for k in shards:
            counts_path = out_dir / SHARD_DIR / f"part-{k:05d}.counts.json"
            total.add(Counts(**json.loads(counts_path.read_text(encoding="utf-8"))))
            out.write((out_dir / SHARD_DIR / f"part-{k:05d}.errors.jsonl").read_bytes())
    summary = {"shards": len(shards), **vars(total)}
    write_text_atomic(out_dir / SUMMARY_FILE, json.dumps(summary, indent=2) + "\n")
    return total, len(shards)
