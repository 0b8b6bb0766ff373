"""A short fuzzing run: hostile input never crashes unmangle and never loses text.

The long run is ``benchmarks/fuzz.py`` (atheris); this one gives each target a few seconds.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unmangle import Repairer
from unmangle.bench import fuzzing

FAST = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def fast() -> Repairer:
    return Repairer(fast=True)


@FAST
@given(data=st.binary(max_size=60))
def test_repair_hostile_pieces(fast, data):
    fuzzing.check_repair(fast, fuzzing.hostile_text(data))


@FAST
@given(text=st.text(max_size=200))
def test_repair_any_text(fast, text):
    fuzzing.check_repair(fast, text)


@pytest.mark.parametrize("piece", fuzzing.BIG_PIECES, ids=["1MB-line", "10k-LF", "10k-CRLF"])
def test_repair_big_pieces(fast, piece):
    fuzzing.check_repair(fast, "The the start .\r\n" + piece + "The end .")


@FAST
@given(text=st.text(max_size=200) | st.binary(max_size=60).map(fuzzing.hostile_text))
def test_detect_any_text(text):
    fuzzing.check_detect(text)


@FAST
@given(data=st.binary(max_size=200) | st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
       suffix=st.sampled_from([".tsv", ".yaml"]))
def test_lexicon_reader(data, suffix):
    fuzzing.check_lexicon_file(data, suffix)


JSONL_RECORD = st.fixed_dictionaries({}, optional={
    "source": st.one_of(st.text(max_size=20), st.integers(), st.none(), st.lists(st.integers(), max_size=2)),
    "target": st.one_of(st.text(max_size=20), st.floats(), st.none()),
    "id": st.one_of(st.text(max_size=5), st.integers(), st.none()),
    "spans": st.one_of(st.text(max_size=10), st.lists(st.dictionaries(
        st.sampled_from(["category", "source_start", "source_end", "target_start", "target_end"]),
        st.one_of(st.integers(-3, 30), st.text(max_size=3), st.none())), max_size=2), st.none()),
})


@FAST
@given(records=st.lists(JSONL_RECORD, max_size=4), cut=st.integers(0, 400), raw=st.binary(max_size=80),
       fmt=st.sampled_from(["jsonl", "tsv", "csv", "text"]))
def test_pair_readers(records, cut, raw, fmt):
    import json

    if fmt == "jsonl":
        body = "\n".join(json.dumps(r) for r in records).encode()
        fuzzing.check_pairs_file(body[:cut] if cut < len(body) else body, fmt)  # truncated JSONL too
    fuzzing.check_pairs_file(raw, fmt)


@FAST
@given(data=st.binary(max_size=40))
def test_model_folder_check(data):
    fuzzing.check_model_folder(fuzzing.json_variants(data), read=False)
    fuzzing.check_model_folder(data, read=False)


@FAST
@given(data=st.binary(max_size=40))
def test_model_folder_metadata(data):
    fuzzing.check_model_folder(fuzzing.json_variants(data))
    fuzzing.check_model_folder(data)


@pytest.mark.parametrize("text", [
    # found by the fuzzers: lines equal only once doubled words are undone
    "The theThe theThe theThe the\n\nThe theThe theThe theThe theThe the ",
    "The theThe theThe theThe theThe the\rThe theThe theThe the\r",
    # found by the fuzzers: a third copy of a headline follows the first once the second is removed
    "The theThe theThe the\n\n\nThe theThe the\n\nThe theThe theThe theThe the ",
    "The theThe theThe the\r\nThe theThe the\r\nThe theThe theThe the ",
    # found by the fuzzers: normalize moved repeated text across a control character, and the
    # doubled words inside that change were written after it instead of undone in it
    "Ini biasa biasa saja , amat amat bagus ." * 3 + "\x0b" + "Ini biasa biasa saja , amat amat bagus ." * 5
    + "\x1c" + "Ini biasa biasa saja , amat amat bagus . ",
    # found by the fuzzers: a line's language judged before and after its mojibake is repaired
    "The theÃ©Привет , мир",
])
def test_fuzz_findings_stay_fixed(fast, text):
    fuzzing.check_repair(fast, text)
