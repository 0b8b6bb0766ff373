"""Repair a batch of input rows: decode, check, score, repair, encode; bad rows pass through.

This is what each worker (a process of the one-machine engine, an actor of the Ray engine) runs.
The Repairer is built once per worker by :func:`init_worker`, never per row.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Optional, Sequence

from .annotate import Annotators, as_language, as_score
from .columns import OutputColumns

#: input formats whose rows arrive as raw lines (bytes) and are decoded in the worker
LINE_FORMATS = ("jsonl", "text")


@dataclass(frozen=True)
class RowSettings:
    """Everything a worker needs to turn input rows into output rows (picklable)."""

    in_format: str  # jsonl, text, text-files, csv, tsv, parquet, hf
    out_format: str  # jsonl, csv, tsv, parquet
    text_fields: tuple[str, ...]
    columns: OutputColumns
    repairer_options: dict = field(default_factory=dict)
    header: Optional[tuple[str, ...]] = None  # csv/tsv input: the column names
    min_score: Optional[float] = None
    max_score: Optional[float] = None
    use_language: bool = False
    use_score: bool = False

    @property
    def filtering(self) -> bool:
        return self.min_score is not None or self.max_score is not None


class OutRow(NamedTuple):
    """One processed row: ``item`` is ready for the output writer (None: not written)."""

    item: Any
    error: Optional[str]
    words: int
    changed: bool
    raw: Optional[str] = None  # an unparseable row's text, kept in the errors file


class _Worker:
    def __init__(self, settings: RowSettings, repairer=None) -> None:
        from ..pipeline import Repairer

        self.settings = settings
        self.repairer = repairer if repairer is not None else Repairer(**settings.repairer_options)
        found = Annotators.available()
        self.language = found.language if settings.use_language else None
        self.score = found.score if settings.use_score else None
        if settings.use_language and self.language is None:
            raise RuntimeError("document_language is not available in this build")
        if settings.use_score and self.score is None:
            raise RuntimeError("document_score is not available in this build")
        self.added = set(settings.columns.names())


_WORKER: Optional[_Worker] = None
_INIT_ERROR: Optional[BaseException] = None


def init_worker(settings: RowSettings, torch_threads: Optional[int] = None) -> None:
    """Build this process's Repairer once (a multiprocessing initializer).

    SIGINT is left to the parent, which stops the pool. An error here (a bad lexicon file, say) is
    kept and raised by the first batch, so the parent reports it instead of respawning workers.
    """
    import signal
    import sys

    global _WORKER, _INIT_ERROR
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread (e.g. a Ray actor): nothing to do
        pass
    try:
        _WORKER = _Worker(settings)
        if torch_threads and "torch" in sys.modules:  # the neural stage is loaded: share the cores
            sys.modules["torch"].set_num_threads(torch_threads)
    except Exception as exc:  # noqa: BLE001 - re-raised in process_in_worker
        _INIT_ERROR = exc


def process_in_worker(payloads: Sequence[Any]) -> list[OutRow]:
    """Process a batch in a worker set up by :func:`init_worker`."""
    if _INIT_ERROR is not None:
        raise _INIT_ERROR
    assert _WORKER is not None, "init_worker was not called"
    return process_rows(_WORKER, payloads)


def make_worker(settings: RowSettings, repairer=None) -> _Worker:
    return _Worker(settings, repairer)


# --- decoding ---------------------------------------------------------------------------------

def _decode_bytes(data: bytes) -> str:
    """UTF-8 with undecodable bytes kept as surrogates (so they can be written back unchanged)."""
    return data.decode("utf-8", "surrogateescape")


def _bad_char(text: str) -> int:
    """Index of the first character that is not valid Unicode text (a lone surrogate), or -1."""
    try:
        text.encode("utf-8")
        return -1
    except UnicodeEncodeError as exc:
        return exc.start


def decode_payload(settings: RowSettings, payload: Any) -> tuple[Optional[dict], Optional[str]]:
    """The row as a record, or (None, reason) when it cannot be read as one."""
    fmt = settings.in_format
    if fmt == "jsonl":
        line = _decode_bytes(payload)
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            return None, f"not valid JSON: {exc}"
        if not isinstance(record, dict):
            return None, f"not a JSON object but a {type(record).__name__}"
        return record, None
    if fmt == "text":
        return {"text": _decode_bytes(payload)}, None
    if fmt == "text-files":
        path, data = payload
        return {"path": path, "text": _decode_bytes(data)}, None
    if fmt in ("csv", "tsv"):
        header = settings.header or ()
        if len(payload) != len(header):
            return None, f"has {len(payload)} fields, the header has {len(header)}"
        return dict(zip(header, payload)), None
    return payload, None  # parquet / hf: already a dict


def check_record(settings: RowSettings, record: dict, added: set[str]) -> Optional[str]:
    """Why this record cannot be repaired, or None."""
    clash = sorted(added.intersection(record))
    if clash:
        return (f"already has column {clash[0]!r}, which unmangle writes (the column names were chosen "
                "from the first rows); rename it or use another --prefix")
    for name in settings.text_fields:
        if name not in record:
            return f"missing field {name!r}"
        value = record[name]
        if value is None:
            return f"field {name!r} is null"
        if isinstance(value, (bytes, bytearray)):
            return f"field {name!r} is bytes, not text"
        if not isinstance(value, str):
            return f"field {name!r} is {type(value).__name__}, not text"
        bad = _bad_char(value)
        if bad >= 0:
            return f"field {name!r} has bytes that are not UTF-8 (at character {bad})"
    return None


# --- encoding ---------------------------------------------------------------------------------

def _json_line(record: dict) -> bytes:
    return json.dumps(record, ensure_ascii=False, default=str).encode("utf-8", "surrogateescape")


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(value)


def encode(settings: RowSettings, record: dict, added: Optional[dict]) -> Any:
    """The output item for a record, with the added columns (``added`` None: left empty)."""
    names = settings.columns.names()
    fmt = settings.out_format
    if fmt in ("csv", "tsv"):
        values = [record.get(h, "") for h in settings.header or ()]
        return [_csv_value(v) for v in values] + [_csv_value((added or {}).get(n)) for n in names]
    if fmt == "jsonl":
        return _json_line(record if added is None else {**record, **added})
    return {**record, **(added or {n: None for n in names})}


def passthrough(settings: RowSettings, payload: Any, record: Optional[dict]) -> Any:
    """A bad row as it came in (None when the output format cannot hold it)."""
    if settings.in_format == "jsonl" and settings.out_format == "jsonl":
        return bytes(payload)  # byte for byte
    if settings.in_format in ("csv", "tsv") and settings.out_format in ("csv", "tsv"):
        return [_csv_value(v) for v in payload] + [""] * len(settings.columns.names())
    if record is None:
        return None
    return encode(settings, record, None)


def _raw_text(payload: Any) -> Optional[str]:
    if isinstance(payload, (bytes, bytearray)):
        return bytes(payload).decode("utf-8", "replace")
    if isinstance(payload, list):
        return json.dumps(payload, ensure_ascii=False)
    return None


# --- the batch ----------------------------------------------------------------------------------

def process_rows(worker: _Worker, payloads: Sequence[Any]) -> list[OutRow]:
    """Process one batch; the result has one :class:`OutRow` per payload, in order."""
    s = worker.settings
    n = len(payloads)
    records: list[Optional[dict]] = [None] * n
    errors: list[Optional[str]] = [None] * n
    scores: list[dict] = [{} for _ in range(n)]
    keep = [True] * n
    for i, payload in enumerate(payloads):
        record, error = decode_payload(s, payload)
        records[i] = record
        if error is None:
            error = check_record(s, record, worker.added)
        errors[i] = error
    if worker.score is not None:
        for i in range(n):
            if errors[i] is not None:
                continue
            try:
                for name in s.text_fields:
                    scores[i][name] = as_score(worker.score(records[i][name]))
            except Exception as exc:  # noqa: BLE001 - a bad document must not stop the corpus
                errors[i] = f"document_score failed: {type(exc).__name__}: {exc}"
                continue
            if s.filtering:
                top = max((v for v in scores[i].values() if v is not None), default=None)
                keep[i] = top is not None and (s.min_score is None or top >= s.min_score) and (
                    s.max_score is None or top <= s.max_score)
    todo = [(i, name) for i in range(n) if errors[i] is None and keep[i] for name in s.text_fields]
    results = _repair_all(worker, [records[i][name] for i, name in todo])
    by_row: dict[int, dict] = {}
    for (i, name), result in zip(todo, results):
        if errors[i] is not None:
            continue
        if isinstance(result, str):  # the stage failure's message
            errors[i] = result
            continue
        by_row.setdefault(i, {})[name] = result
    out = []
    for i, payload in enumerate(payloads):
        record = records[i]
        if errors[i] is not None:
            out.append(OutRow(passthrough(s, payload, record), errors[i], 0, False,
                              _raw_text(payload) if record is None else None))
            continue
        words = sum(len(record[name].split()) for name in s.text_fields)
        if not keep[i]:
            out.append(OutRow(None, None, words, False))
            continue
        added: dict = {}
        changed = False
        for cols in s.columns.fields:
            result = by_row[i][cols.field]
            changed |= result.changed
            added[cols.text] = result.text
            added[cols.edits] = json.dumps([e.to_dict() for e in result.edits], ensure_ascii=False)
            if cols.language is not None:
                added[cols.language] = _language(worker, record[cols.field])
            if cols.score is not None:
                added[cols.score] = scores[i].get(cols.field)
        out.append(OutRow(encode(s, record, added), None, words, changed))
    return out


def _language(worker: _Worker, text: str) -> Optional[str]:
    """The document's language; None when the detector fails on it (the repair still stands)."""
    try:
        return as_language(worker.language(text))
    except Exception:  # noqa: BLE001 - a language guess is an annotation, never a reason to drop a row
        return None


def _repair_all(worker: _Worker, texts: list[str]) -> list:
    """RepairResults for ``texts`` in one batch; when the batch fails, one by one, and a text that
    fails alone gets its error message (a str) instead of a result."""
    if not texts:
        return []
    try:
        return worker.repairer.repair_many(texts)
    except Exception:  # noqa: BLE001 - find the document that failed
        pass
    out: list = []
    for text in texts:
        try:
            out.append(worker.repairer.repair_document(text))
        except Exception as exc:  # noqa: BLE001
            out.append(f"repair failed: {type(exc).__name__}: {exc}")
    return out
