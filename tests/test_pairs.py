"""read_pairs: every format, and every kind of bad input named by file and line."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from unmangle.pairs import Pair, PairFormatError, detect_format, read_pairs, read_parallel

SPAN = {"source_start": 0, "source_end": 9, "target_start": 0, "target_end": 7, "category": "entity"}


def write_jsonl(path: Path, records: list, opener=open) -> Path:
    with opener(path, "wt", encoding="utf-8") as fh:
        for rec in records:
            fh.write((rec if isinstance(rec, str) else json.dumps(rec)) + "\n")
    return path


def test_jsonl_fields_spans_id_and_meta(tmp_path):
    path = write_jsonl(tmp_path / "p.jsonl", [
        {"id": "a", "source": "Tennessee rose.", "target": "Tencent rose.", "spans": [SPAN], "lang": "en"},
        "",
        {"source": "Fine.", "target": "Fine."},
    ])
    pairs = list(read_pairs(path))
    assert pairs[0] == Pair("Tennessee rose.", "Tencent rose.", [SPAN], "a", 1, {"id": "a", "lang": "en"})
    assert pairs[1].id == "3" and pairs[1].line == 3 and pairs[1].spans is None


def test_jsonl_gz_and_custom_fields(tmp_path):
    path = write_jsonl(tmp_path / "d.jsonl.gz", [{"mt": "a b", "pe": "a c", "pair": "et-en"}], gzip.open)
    (pair,) = read_pairs(path, source_field="mt", target_field="pe")
    assert (pair.source, pair.target, pair.meta["pair"]) == ("a b", "a c", "et-en")


def test_gzip_is_recognised_by_content_not_name(tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_bytes(gzip.compress(b'{"source": "x", "target": "y"}\n'))
    assert [p.target for p in read_pairs(path)] == ["y"]


def test_no_reference(tmp_path):
    path = write_jsonl(tmp_path / "p.jsonl", [{"source": "only input"}])
    assert [p.target for p in read_pairs(path, target_field=None)] == [None]


def test_tsv(tmp_path):
    path = tmp_path / "p.tsv"
    path.write_text("source\ttarget\tspans\nA  b\tA b\t\nc\td\t" + json.dumps([
        {"source_start": 0, "source_end": 1, "category": "x"}]) + "\n", encoding="utf-8")
    pairs = list(read_pairs(path))
    assert [(p.source, p.target, p.line) for p in pairs] == [("A  b", "A b", 2), ("c", "d", 3)]
    assert pairs[0].spans is None and pairs[1].spans[0]["category"] == "x"


def test_csv_with_quotes_and_multiline_field(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text('target,source\n"a, b","line one\nline two"\nc,d\n', encoding="utf-8")
    pairs = list(read_pairs(path))
    assert (pairs[0].source, pairs[0].target) == ("line one\nline two", "a, b")
    assert pairs[1].line == 4


def test_plain_text(tmp_path):
    path = tmp_path / "in.txt"
    path.write_text("first line\n\n  \nsecond line\r\n", encoding="utf-8")
    pairs = list(read_pairs(path))
    assert [(p.source, p.target, p.line) for p in pairs] == [
        ("first line", None, 1), ("second line", None, 4)]


def test_saved_dataset(tmp_path):
    datasets = pytest.importorskip("datasets")
    ds = datasets.Dataset.from_dict({"source": ["a x", "b"], "target": ["a", "b"]})
    ds.save_to_disk(str(tmp_path / "ds"))
    assert detect_format(tmp_path / "ds") == "datasets"
    assert [(p.source, p.line) for p in read_pairs(tmp_path / "ds")] == [("a x", 1), ("b", 2)]
    datasets.DatasetDict({"train": ds, "dev": ds.select([1])}).save_to_disk(str(tmp_path / "dd"))
    with pytest.raises(PairFormatError, match="choose one with split"):
        read_pairs(tmp_path / "dd")
    assert [p.source for p in read_pairs(tmp_path / "dd", split="dev")] == ["b"]
    with pytest.raises(PairFormatError, match="no split 'test'"):
        read_pairs(tmp_path / "dd", split="test")


def test_malformed_json_names_file_and_line(tmp_path):
    path = write_jsonl(tmp_path / "p.jsonl", [
        {"source": "a", "target": "b"}, '{"source": "a", ', {"source": "c", "target": "d"}])
    with pytest.raises(PairFormatError) as err:
        list(read_pairs(path))
    assert str(err.value).startswith(f"{path}:2: malformed JSON")
    assert err.value.line == 2 and err.value.path == str(path)


def test_skip_bad_counts_and_reports(tmp_path):
    path = write_jsonl(tmp_path / "p.jsonl", [
        {"source": "a", "target": "b"}, "{oops", {"target": "x"}, {"source": "c", "target": ""},
        "[1, 2]", {"source": "e", "target": "f"}])
    reader = read_pairs(path, skip_bad=True)
    assert [p.source for p in reader] == ["a", "e"]
    assert reader.skipped == 4 and reader.skipped_lines == [2, 3, 4, 5]


def test_missing_field_names_field_line_and_fields_present(tmp_path):
    path = write_jsonl(tmp_path / "p.jsonl", [{"mt": "a", "pe": "b"}])
    with pytest.raises(PairFormatError) as err:
        list(read_pairs(path))
    message = str(err.value)
    assert ":1:" in message and "'source'" in message and "'mt', 'pe'" in message


def test_header_without_field(tmp_path):
    path = tmp_path / "p.tsv"
    path.write_text("mt\tpe\na\tb\n", encoding="utf-8")
    with pytest.raises(PairFormatError, match=r"no source field 'source'; the fields are 'mt', 'pe'"):
        read_pairs(path)


def test_non_utf8_names_line_and_byte(tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_bytes(b'{"source": "a", "target": "b"}\n{"source": "caf\xe9", "target": "b"}\n')
    with pytest.raises(PairFormatError) as err:
        list(read_pairs(path))
    assert err.value.line == 2 and "not valid UTF-8" in str(err.value)
    assert "byte 16 of the line (byte 47 of the file)" in str(err.value)
    reader = read_pairs(path, skip_bad=True)
    assert len(list(reader)) == 1 and reader.skipped == 1


def test_non_utf8_in_csv_and_text(tmp_path):
    csv_path = tmp_path / "p.csv"
    csv_path.write_bytes(b"source,target\na,b\ncaf\xe9,c\n")
    with pytest.raises(PairFormatError, match=r"p\.csv:3: not valid UTF-8: byte 0xe9"):
        list(read_pairs(csv_path))
    txt = tmp_path / "p.txt"
    txt.write_bytes(b"ok\n\xff\xfe\n")
    with pytest.raises(PairFormatError, match=r"p\.txt:2: not valid UTF-8"):
        list(read_pairs(txt))


def test_empty_file_and_blank_file(tmp_path):
    for name, content in (("e.jsonl", ""), ("b.jsonl", "\n\n"), ("e.txt", ""), ("e.tsv", "")):
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        with pytest.raises(PairFormatError, match="no pairs found"):
            list(read_pairs(path))


def test_empty_target_names_line_unless_allowed(tmp_path):
    path = write_jsonl(tmp_path / "p.jsonl", [{"source": "a", "target": "b"}, {"source": "x", "target": " "}])
    with pytest.raises(PairFormatError, match=r":2: target field 'target' is empty"):
        list(read_pairs(path))
    assert [p.target for p in read_pairs(path, allow_empty=True)] == ["b", " "]


def test_wrong_types_and_null(tmp_path):
    path = write_jsonl(tmp_path / "p.jsonl", [{"source": 3, "target": "b"}])
    with pytest.raises(PairFormatError, match="holds int, not text"):
        list(read_pairs(path))
    path = write_jsonl(tmp_path / "q.jsonl", [{"source": "a", "target": None}])
    with pytest.raises(PairFormatError, match="is null"):
        list(read_pairs(path))


def test_json_array_gets_a_hint(tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_text('[{"source": "a", "target": "b"},\n', encoding="utf-8")
    with pytest.raises(PairFormatError, match="JSON Lines"):
        list(read_pairs(path))


def test_bad_spans(tmp_path):
    bad = {"source_start": 0, "source_end": 99, "category": "entity"}
    path = write_jsonl(tmp_path / "p.jsonl", [{"source": "short", "target": "short", "spans": [bad]}])
    with pytest.raises(PairFormatError, match=r"span 0 source offsets \[0, 99\) do not fit"):
        list(read_pairs(path))
    path = write_jsonl(tmp_path / "q.jsonl", [
        {"source": "abc", "target": "abc", "spans": [{"source_start": 0}]}])
    with pytest.raises(PairFormatError, match="lacks 'source_end'"):
        list(read_pairs(path))
    # a file without labels can be read with labels_field=None even if a column has that name
    assert list(read_pairs(path, labels_field=None))[0].spans is None


def test_tsv_row_with_wrong_column_count(tmp_path):
    path = tmp_path / "p.tsv"
    path.write_text("source\ttarget\na\tb\tc\n", encoding="utf-8")
    with pytest.raises(PairFormatError, match=r":2: row has 3 fields but the header has 2"):
        list(read_pairs(path))


def test_missing_file_unknown_format(tmp_path):
    with pytest.raises(PairFormatError, match="no such file"):
        read_pairs(tmp_path / "nope.jsonl")
    path = tmp_path / "data.bin"
    path.write_text("source\ttarget\n", encoding="utf-8")
    with pytest.raises(PairFormatError, match="cannot tell the format"):
        read_pairs(path)
    path.write_text('{"source": "a", "target": "b"}\n', encoding="utf-8")
    assert [p.target for p in read_pairs(path)] == ["b"]
    with pytest.raises(PairFormatError, match="unknown format"):
        read_pairs(path, fmt="xml")


def test_read_parallel_and_misalignment(tmp_path):
    (tmp_path / "in.txt").write_text("a x\n\nb\n", encoding="utf-8")
    (tmp_path / "ref.txt").write_text("a\n\nb\n", encoding="utf-8")
    pairs = list(read_parallel(tmp_path / "in.txt", tmp_path / "ref.txt"))
    assert [(p.source, p.target, p.line) for p in pairs] == [("a x", "a", 1), ("b", "b", 3)]
    (tmp_path / "ref.txt").write_text("a\n\nb\nc\n", encoding="utf-8")
    with pytest.raises(PairFormatError, match=r"ref\.txt:4: has more lines than .*misaligned"):
        list(read_parallel(tmp_path / "in.txt", tmp_path / "ref.txt"))
