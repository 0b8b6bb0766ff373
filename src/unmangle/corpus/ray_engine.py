"""Run a corpus job with Ray Data: read with Ray, repair in an actor pool, one Repairer per actor.

Pipeline: ``read_binary_files`` (line formats, CSV, text files) or ``read_parquet`` /
``from_huggingface`` -> rows of pickled payloads -> ``map_batches(RepairActor, concurrency=N)`` ->
ordered results streamed back to the driver, which writes the same shards as the one-machine engine
(:class:`~unmangle.corpus.shards.ShardSink`). Ray's own ``write_parquet``/``write_json`` name their
files after blocks, so they can neither mark a shard finished atomically nor resume by input row;
writing through the sink keeps the resume and bad-row rules of the local engine, and the output is
the same byte for byte. The rows the driver sees are already repaired, so writing is a small share
of the work.
"""

from __future__ import annotations

import csv
import gzip
import io
import pickle
from pathlib import Path
from typing import Any, Optional

from .engine import CorpusJob, RunSummary, make_progress, make_sink, prepare
from .rows import OutRow, RowSettings, make_worker, process_rows
from .shards import finish


class RayUnavailableError(RuntimeError):
    """Ray is not installed."""


def _import_ray():
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError as exc:
        raise RayUnavailableError(
            f"--engine ray needs Ray Data ({exc}); install it with: pip install 'unmangle[ray]'") from None
    return ray


class RepairActor:
    """A Ray actor: builds its Repairer once, then repairs batches of pickled payloads."""

    def __init__(self, settings: RowSettings) -> None:
        self.worker = make_worker(settings)

    def __call__(self, batch: dict) -> dict:
        payloads = [pickle.loads(p) for p in batch["payload"]]
        outs = process_rows(self.worker, payloads)
        return {"out": [pickle.dumps(tuple(o), protocol=5) for o in outs], "where": list(batch["where"])}


def _lines(row: dict, fmt: str) -> list[dict]:
    """One input file's rows as payloads (line formats: raw lines, blank lines skipped)."""
    path, data = row["path"], row["bytes"]
    if path.endswith(".gz"):
        data = gzip.decompress(data)
    out = []
    if fmt in ("jsonl", "text"):
        for lineno, line in enumerate(data.split(b"\n"), 1):
            line = line.rstrip(b"\r")
            if line.strip():
                out.append({"payload": pickle.dumps(line), "where": f"{path}:{lineno}"})
    else:  # csv / tsv
        text = io.StringIO(data.decode("utf-8", "surrogateescape"), newline="")
        reader = csv.reader(text, delimiter="\t" if fmt == "tsv" else ",")
        next(reader, None)
        for values in reader:
            out.append({"payload": pickle.dumps(values), "where": f"{path}:{reader.line_num}"})
    return out


def _text_file(row: dict, root: str) -> dict:
    rel = str(Path(row["path"]).relative_to(root)) if root else Path(row["path"]).name
    return {"payload": pickle.dumps((rel, row["bytes"])), "where": row["path"]}


def _records(batch) -> dict:
    return {"payload": [pickle.dumps(r) for r in batch.to_pylist()], "where": [""] * batch.num_rows}


def read_payloads(ray, job: CorpusJob, settings: RowSettings, files: list[Path]):
    """A Ray Dataset of (payload, where) rows in input order."""
    fmt = settings.in_format
    paths = [str(f) for f in files]
    if fmt in ("jsonl", "text", "csv", "tsv"):
        ds = ray.data.read_binary_files(paths, include_paths=True)
        return ds.flat_map(_lines, fn_kwargs={"fmt": fmt})
    if fmt == "text-files":
        root = str(job.input) if job.input.is_dir() else ""
        return ray.data.read_binary_files(paths, include_paths=True).map(_text_file, fn_kwargs={"root": root})
    if fmt == "parquet":
        ds = ray.data.read_parquet(paths)
    else:  # hf: a save_to_disk folder
        import datasets

        ds = ray.data.from_huggingface(datasets.load_from_disk(str(job.input)))
    return ds.map_batches(_records, batch_format="pyarrow")


def run_ray(job: CorpusJob, workers: int = 1, *, address: Optional[str] = None, progress: bool = True,
            num_cpus: int = 2) -> RunSummary:
    """Repair ``job`` on Ray: the cluster at ``address``, or a local instance with ``num_cpus``."""
    ray = _import_ray()
    prep = prepare(job)
    started_here = not ray.is_initialized()
    if started_here:
        # a local instance needs a CPU slot beside the actors for the read tasks, or they never run
        kwargs: dict[str, Any] = {"address": address} if address else {
            "num_cpus": max(num_cpus, workers + 1), "include_dashboard": False}
        ray.init(ignore_reinit_error=True, log_to_driver=False, **kwargs)
    try:
        ctx = ray.data.DataContext.get_current()
        ctx.execution_options.preserve_order = True  # shards hold rows in input order
        ctx.enable_progress_bars = False
        size = job.shard_size
        start = 0
        while start // size in prep.done:
            start += size
        ds = read_payloads(ray, job, prep.settings, prep.source.files)
        # one file is one block: cut it into small blocks (streaming, order kept) so every actor works
        ds = ds.repartition(target_num_rows_per_block=job.batch_size * 4)
        if start:
            ds = ds.split_at_indices([start])[1]  # rows of the finished shards are read, not repaired
        ds = ds.map_batches(RepairActor, fn_constructor_kwargs={"settings": prep.settings},
                            compute=ray.data.ActorPoolStrategy(size=workers), batch_size=job.batch_size,
                            num_cpus=1, batch_format="numpy")
        sink = make_sink(prep)
        bar = make_progress(prep, progress)
        skipped = len(prep.done)
        index = start
        try:
            for batch in ds.iter_batches(batch_size=None, batch_format="numpy"):
                words = 0
                for where, blob in zip(batch["where"], batch["out"]):
                    out = pickle.loads(blob)
                    out = OutRow(*out)
                    if index // size not in prep.done:
                        sink.add(index, where or f"row {index}", out)
                    words += out.words
                    index += 1
                bar.update(len(batch["out"]), words)
            sink.flush()
        finally:
            bar.close()
    finally:
        if started_here:
            ray.shutdown()
    total, shards = finish(job.output, prep.settings.out_format)
    return RunSummary(sink.counts, total, shards, skipped, bar.elapsed, job.output)
