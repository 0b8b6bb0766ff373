"""Run a corpus job on one machine: a pool of worker processes, one Repairer each.

The input is read in the main process (cheaply: line formats are not even decoded there), cut into
batches and sent to the workers with a bounded number in flight; results come back in input order
and go to the :class:`~unmangle.corpus.shards.ShardSink`. Output therefore never depends on the
number of workers, and memory stays bounded whatever the input's size.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional, Sequence

from .annotate import Annotators, score_wanted
from .columns import DEFAULT_PREFIX, choose_columns
from .formats import CorpusInputError, OUT_FORMATS, Source, detect_format
from .progress import Progress
from .rows import RowSettings, init_worker, make_worker, process_in_worker, process_rows
from .shards import (Counts, ShardSink, check_run_file, clear_output, finish, finished_shards,
                     remove_temporaries)

DEFAULT_SHARD_SIZE = 1000
DEFAULT_BATCH_SIZE = 8


@dataclass
class CorpusJob:
    """What to repair and where to write it (see ``unmangle repair-corpus --help``)."""

    input: Path
    output: Path
    text_fields: tuple[str, ...] = ("text",)
    in_format: Optional[str] = None  # None: from the path
    out_format: Optional[str] = None  # None: the input's (JSONL for text, Parquet for hf folders)
    repairer_options: dict = field(default_factory=dict)
    shard_size: int = DEFAULT_SHARD_SIZE
    batch_size: int = DEFAULT_BATCH_SIZE
    score: bool = False  # add the document suspicion score (opt-in: it is slow)
    min_score: Optional[float] = None
    max_score: Optional[float] = None
    prefix: str = DEFAULT_PREFIX
    overwrite: bool = False


@dataclass
class Prepared:
    job: CorpusJob
    source: Source
    settings: RowSettings
    done: set[int]
    header: Optional[tuple[str, ...]]
    schema: Any


@dataclass
class RunSummary:
    """What a run did: ``this_run`` counts the rows processed now, ``total`` every finished shard's."""

    this_run: Counts
    total: Counts
    shards: int
    shards_skipped: int
    seconds: float
    out_dir: Path


def default_out_format(in_format: str) -> str:
    return {"text": "jsonl", "text-files": "jsonl", "hf": "parquet"}.get(in_format, in_format)


def prepare(job: CorpusJob) -> Prepared:
    """Check the job, open the input, choose columns, and set up (or resume) the output folder."""
    if not job.input.exists():
        raise CorpusInputError(f"{job.input}: no such file or folder")
    if job.shard_size < 1 or job.batch_size < 1:
        raise ValueError("shard size and batch size must be at least 1")
    in_format = job.in_format or detect_format(job.input)
    out_format = job.out_format or default_out_format(in_format)
    if out_format not in OUT_FORMATS:
        raise ValueError(f"unknown output format {out_format!r}")
    if out_format in ("csv", "tsv") and in_format not in ("csv", "tsv"):
        raise ValueError("CSV/TSV output needs CSV/TSV input (its columns are fixed); use --to jsonl or parquet")
    if in_format in ("text", "text-files") and job.text_fields != ("text",):
        raise ValueError(f"{in_format} input has one field, 'text'")
    annotators = Annotators.available()
    use_score = score_wanted(job.score, job.min_score, job.max_score, annotators)
    source = Source(job.input, in_format)
    existing = source.column_names(sample_rows=job.shard_size)
    if source.header is not None or source.schema is not None:
        missing = [f for f in job.text_fields if f not in existing]
        if missing:
            raise CorpusInputError(f"{job.input}: no column {missing[0]!r} (columns: {', '.join(existing)})")
    columns = choose_columns(existing, job.text_fields, language=annotators.has_language,
                             score=use_score, prefix=job.prefix)
    settings = RowSettings(
        in_format=in_format, out_format=out_format, text_fields=tuple(job.text_fields), columns=columns,
        repairer_options=dict(job.repairer_options), header=source.header, min_score=job.min_score,
        max_score=job.max_score, use_language=annotators.has_language, use_score=use_score)
    if job.overwrite:
        clear_output(job.output)
    check_run_file(job.output, _run_record(job, source, settings))
    remove_temporaries(job.output)
    header = (tuple(source.header) + tuple(columns.names())) if source.header is not None else None
    return Prepared(job, source, settings, finished_shards(job.output, out_format), header,
                    _output_schema(source, settings))


def _run_record(job: CorpusJob, source: Source, settings: RowSettings) -> dict:
    """The settings a resumed run must share with the one that started the folder."""
    opts = {k: (list(v) if isinstance(v, tuple) else v) for k, v in settings.repairer_options.items()}
    return {
        "input": str(job.input.resolve()),
        "input_bytes": sum(f.stat().st_size for f in source.files),
        "in_format": settings.in_format, "out_format": settings.out_format,
        "text_fields": list(settings.text_fields), "shard_size": job.shard_size,
        "columns": settings.columns.to_dict(), "repairer_options": opts,
        "min_score": settings.min_score, "max_score": settings.max_score,
    }


def _output_schema(source: Source, settings: RowSettings):
    """Parquet output from Arrow input keeps the input's column types; otherwise types are inferred."""
    if settings.out_format != "parquet" or source.schema is None:
        return None
    import pyarrow as pa

    schema = source.schema
    for cols in settings.columns.fields:
        schema = schema.append(pa.field(cols.text, pa.string())).append(pa.field(cols.edits, pa.string()))
        if cols.language is not None:
            schema = schema.append(pa.field(cols.language, pa.string()))
        if cols.score is not None:
            schema = schema.append(pa.field(cols.score, pa.float64()))
    return schema


def pending_rows(prep: Prepared) -> Iterator:
    """The input rows whose shard is not finished yet."""
    size = prep.job.shard_size
    start = 0
    while start // size in prep.done:
        start += size
    for row in prep.source.rows(start):
        if row.index // size not in prep.done:
            yield row


def batched(rows: Iterable, size: int) -> Iterator[list]:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def make_sink(prep: Prepared) -> ShardSink:
    return ShardSink(prep.job.output, prep.settings, prep.job.shard_size, set(prep.done),
                     header=prep.header, schema=prep.schema)


def make_progress(prep: Prepared, show: bool) -> Progress:
    total = prep.source.approx_rows() if show else None
    skipped = sum(min(prep.job.shard_size, max(0, (total or 0) - k * prep.job.shard_size))
                  for k in prep.done) if total else 0
    return Progress(total, initial=skipped, enabled=show)


def run_local(job: CorpusJob, workers: int = 1, *, progress: bool = True, repairer=None) -> RunSummary:
    """Repair ``job`` with ``workers`` processes (1: in this process, with ``repairer`` if given)."""
    prep = prepare(job)
    skipped = len(prep.done)
    sink = make_sink(prep)
    bar = make_progress(prep, progress)
    batches = batched(pending_rows(prep), job.batch_size)
    try:
        if workers <= 1:
            worker = make_worker(prep.settings, repairer)
            for batch in batches:
                _deliver(sink, bar, [(r.index, r.where) for r in batch],
                         process_rows(worker, [r.payload for r in batch]))
        else:
            _run_pool(prep, sink, bar, batches, workers)
        sink.flush()
    finally:
        bar.close()
    total, shards = finish(job.output, prep.settings.out_format)
    return RunSummary(sink.counts, total, shards, skipped, bar.elapsed, job.output)


def _deliver(sink: ShardSink, bar: Progress, batch: Sequence[tuple[int, str]], outs: Sequence) -> None:
    """Hand a batch's results (``batch``: each row's index and source location) to the sink."""
    if len(outs) != len(batch):  # pragma: no cover - a worker bug, not bad data
        raise RuntimeError(f"a worker returned {len(outs)} rows for {len(batch)}")
    words = 0
    for (index, where), out in zip(batch, outs):
        sink.add(index, where, out)
        words += out.words
    bar.update(len(batch), words)


#: Environment variables that size the thread pools of the BLAS libraries NumPy may be built on.
BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


@contextmanager
def _blas_threads_for_children(threads: int) -> Iterator[None]:
    """Spawned workers start with ``threads`` BLAS threads each (read when NumPy loads its BLAS),
    so that workers times threads does not oversubscribe the cores; a variable the user set is kept."""
    added = [name for name in BLAS_THREAD_VARIABLES if name not in os.environ]
    for name in added:
        os.environ[name] = str(threads)
    try:
        yield
    finally:
        for name in added:
            os.environ.pop(name, None)


def _run_pool(prep: Prepared, sink: ShardSink, bar: Progress, batches: Iterator[list], workers: int) -> None:
    threads = max(1, (os.cpu_count() or 1) // workers)
    ctx = mp.get_context("spawn")  # no fork of a parent that may hold torch threads
    in_flight: deque = deque()
    limit = workers * 4
    with _blas_threads_for_children(threads), \
            ctx.Pool(workers, initializer=init_worker, initargs=(prep.settings, threads)) as pool:
        for batch in batches:
            meta = [(r.index, r.where) for r in batch]
            in_flight.append((meta, pool.apply_async(process_in_worker, ([r.payload for r in batch],))))
            while len(in_flight) >= limit:
                meta, result = in_flight.popleft()
                _deliver(sink, bar, meta, result.get())
        while in_flight:
            meta, result = in_flight.popleft()
            _deliver(sink, bar, meta, result.get())
