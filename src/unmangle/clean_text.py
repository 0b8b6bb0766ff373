"""One reader for clean-text corpora: JSONL records (one text field) or plain text, ``.gz`` allowed.

Used by lexicon mining, n-gram building, training and calibration alike, so a file that one of them
accepts the others accept too. A JSONL record without the field (or with a non-string there) is an
error naming the file and line; an empty text is skipped.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from typing import Callable, Iterator


def parse_filter(expr: str | None) -> Callable[[dict], bool]:
    """``'year<=2021'`` -> a predicate on JSON records (``<=``, ``<``, ``>=``, ``>``, ``==``, ``!=``)."""
    if not expr:
        return lambda record: True
    m = re.fullmatch(r"\s*(\w+)\s*(<=|>=|==|!=|<|>)\s*(.+?)\s*", expr)
    if not m:
        raise ValueError(f"bad filter {expr!r}; expected FIELD OP VALUE, e.g. 'year<=2021'")
    key, op, raw = m.groups()
    try:
        value: object = json.loads(raw)
    except json.JSONDecodeError:
        value = raw
    ops = {"<=": lambda a: a <= value, ">=": lambda a: a >= value, "<": lambda a: a < value,
           ">": lambda a: a > value, "==": lambda a: a == value, "!=": lambda a: a != value}
    check = ops[op]
    return lambda record: key in record and check(record[key])


def is_jsonl(path: str | Path) -> bool:
    name = Path(path).name.lower().removesuffix(".gz")
    return name.endswith((".jsonl", ".ndjson", ".json"))


def read_texts(path: str | Path, *, field: str = "text", where: str | None = None) -> Iterator[str]:
    """Each record's text (JSONL) or each non-empty line (plain text), in file order."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{path}: no such file")
    keep = parse_filter(where)
    jsonl = is_jsonl(path)
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rb") as fh:
        for number, raw in enumerate(fh, 1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise ValueError(f"{path}:{number}: not valid UTF-8") from None
            if not line.strip():
                continue
            if not jsonl:
                yield line.rstrip("\r\n")
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: not valid JSON ({exc.msg})") from None
            if not isinstance(record, dict):
                raise ValueError(f"{path}:{number}: expected a JSON object")
            if not keep(record):
                continue
            text = record.get(field)
            if not isinstance(text, str):
                raise ValueError(f"{path}:{number}: no text field {field!r}")
            if text:
                yield text


def read_paragraphs(path: str | Path, *, field: str = "text", where: str | None = None) -> Iterator[str]:
    """The non-blank lines of every text (a JSONL text's paragraphs, a plain file's lines)."""
    for text in read_texts(path, field=field, where=where):
        for para in text.split("\n"):
            if para.strip():
                yield para
