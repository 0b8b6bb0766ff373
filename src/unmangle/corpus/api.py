"""The Python forms of corpus repair: any iterable of records, or a Hugging Face ``Dataset``."""

from __future__ import annotations

import itertools
import logging
from typing import Any, Callable, Iterable, Iterator, Optional, Sequence

from .annotate import Annotators, score_wanted
from .columns import DEFAULT_PREFIX, choose_columns
from .rows import RowSettings, make_worker, process_rows

log = logging.getLogger(__name__)

ErrorHandler = Callable[[int, dict, str], None]


def _fields(text_fields: str | Sequence[str]) -> tuple[str, ...]:
    return (text_fields,) if isinstance(text_fields, str) else tuple(text_fields)


def _settings(existing: Iterable[str], fields: tuple[str, ...], prefix: str, options: dict,
              min_score: Optional[float], max_score: Optional[float], error_column: bool,
              score: bool) -> RowSettings:
    found = Annotators.available()
    use_score = score_wanted(score, min_score, max_score, found)
    columns = choose_columns(existing, fields, language=found.has_language, score=use_score,
                             prefix=prefix, error=error_column)
    return RowSettings(in_format="records", out_format="records", text_fields=fields, columns=columns,
                       repairer_options=dict(options), min_score=min_score, max_score=max_score,
                       use_language=found.has_language, use_score=use_score)


def repair_records(records: Iterable[dict], text_fields: str | Sequence[str] = "text", *,
                   batch_size: int = 8, prefix: str = DEFAULT_PREFIX, on_error: Optional[ErrorHandler] = None,
                   repairer=None, score: bool = False, min_score: Optional[float] = None,
                   max_score: Optional[float] = None, **repairer_options: Any) -> Iterator[dict]:
    """Yield each record with its repair added, in input order, reading ``records`` lazily.

    For each text field ``f``: ``unmangle_f`` (repaired text) and ``unmangle_f_edits`` (JSON list of
    edits: start, end, old, new, stage, reason, confidence) and ``unmangle_f_language``; with
    ``score=True`` (or a score filter) also ``unmangle_f_score``, the document's suspicion score
    (it costs about seven times the fast repair's time). Column names that the first batch already
    uses get another prefix (``unmangle2_``...). A record that cannot be repaired (missing field,
    not text, a stage failure) is yielded unchanged and reported to ``on_error(index, record,
    reason)`` (default: a logged warning). ``repairer_options`` go to ``Repairer(...)``; or pass
    a ready ``repairer``. ``min_score``/``max_score`` keep only documents whose suspicion score
    lies in range.
    """
    fields = _fields(text_fields)
    it = iter(records)
    first = list(itertools.islice(it, batch_size))
    existing: dict[str, None] = {}
    for record in first:
        if isinstance(record, dict):
            existing.update(dict.fromkeys(record))
    settings = _settings(existing, fields, prefix, repairer_options, min_score, max_score, False, score)
    worker = make_worker(settings, repairer)
    index = 0
    batch = first
    while batch:
        payloads = [r if isinstance(r, dict) else {} for r in batch]
        outs = process_rows(worker, payloads)
        for record, out in zip(batch, outs):
            error = out.error if isinstance(record, dict) else f"not a dict but a {type(record).__name__}"
            if error is not None:
                (on_error or _log_error)(index, record, error)
                yield record
            elif out.item is not None:
                yield out.item
            index += 1
        batch = list(itertools.islice(it, batch_size))


def _log_error(index: int, record: Any, reason: str) -> None:
    log.warning("record %d passed through unrepaired: %s", index, reason)


# --- Hugging Face datasets -------------------------------------------------------------------------

_PROCESS_WORKERS: dict[str, Any] = {}


class _DatasetMapper:
    """The function ``Dataset.map`` calls: one Repairer per process, built on its first batch."""

    def __init__(self, settings: RowSettings) -> None:
        self.settings = settings
        self.key = repr(settings)

    def __call__(self, batch: dict) -> dict:
        worker = _PROCESS_WORKERS.get(self.key)
        if worker is None:
            worker = _PROCESS_WORKERS[self.key] = make_worker(self.settings)
        names = list(batch)
        n = len(batch[names[0]]) if names else 0
        records = [{k: batch[k][i] for k in names} for i in range(n)]
        outs = process_rows(worker, records)
        added = self.settings.columns.names()
        columns: dict[str, list] = {k: [] for k in names + added}
        error_col = self.settings.columns.error
        for record, out in zip(records, outs):
            if out.item is None and out.error is None:
                continue  # filtered out by score
            row = out.item if out.error is None else {**record, **dict.fromkeys(added)}
            if error_col:
                row[error_col] = out.error
            for k in columns:
                columns[k].append(row.get(k))
        return columns


def repair_dataset(ds, text_column: str | Sequence[str] = "text", *, num_proc: Optional[int] = None,
                   batch_size: int = 8, prefix: str = DEFAULT_PREFIX, score: bool = False,
                   min_score: Optional[float] = None, max_score: Optional[float] = None, **repairer_options: Any):
    """A copy of the ``datasets.Dataset`` ``ds`` with the repair columns added (see
    :func:`repair_records` for their names), plus ``unmangle_error``: why a row was passed through
    unrepaired (None for repaired rows). ``num_proc`` processes each build one Repairer."""
    from datasets import Features, Value

    fields = _fields(text_column)
    missing = [f for f in fields if f not in ds.column_names]
    if missing:
        raise ValueError(f"the dataset has no column {missing[0]!r} (columns: {', '.join(ds.column_names)})")
    settings = _settings(ds.column_names, fields, prefix, repairer_options, min_score, max_score, True, score)
    features = dict(ds.features)
    for cols in settings.columns.fields:
        features[cols.text] = Value("string")
        features[cols.edits] = Value("string")
        if cols.language:
            features[cols.language] = Value("string")
        if cols.score:
            features[cols.score] = Value("float64")
    features[settings.columns.error] = Value("string")
    return ds.map(_DatasetMapper(settings), batched=True, batch_size=batch_size, num_proc=num_proc,
                  features=Features(features), desc="unmangle")
