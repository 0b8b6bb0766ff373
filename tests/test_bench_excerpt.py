"""Benchmark results show edits in a few words of context, never whole input sentences."""

from __future__ import annotations

from unmangle.bench import run_benchmark
from unmangle.bench.excerpt import changes, clip, clip_quotes, edit_excerpt, excerpt

TEXT = ("The minister said on Tuesday that the new port in the north would open next spring, "
        "a year later than planned , because of the floods.")


def test_excerpt_keeps_four_words_a_side():
    start = TEXT.index(" ,")
    line = excerpt(TEXT, start, start + 1, "")
    assert line == "…year later than planned[  => ], because of the…"


def test_excerpt_at_the_edges_has_no_ellipsis():
    assert excerpt("Short text here.", 0, 5, "Brief") == "[Short => Brief] text here."
    assert excerpt("One two\nthree", 7, 8, " ") == "One two[⏎ =>  ]three"


def test_long_old_and_new_text_is_cut():
    assert clip("one two three") == "one two three"
    assert clip("  one two three four five\n") == "  one two … five\n"
    start = TEXT.index("the new port")
    end = TEXT.index(" would")
    line = excerpt(TEXT, start, end, "a harbour")
    assert "[the new … north => a harbour]" in line
    # never more than four words of the input in a row outside the brackets
    assert line.startswith("…said on Tuesday that ")


def test_quoted_passages_in_reasons_are_cut():
    reason = "near-duplicate (similarity 0.9): “The minister said on Tuesday that…”; \"a b\""
    assert clip_quotes(reason) == "near-duplicate (similarity 0.9): “The minister said on…”; \"a b\""


def test_edit_excerpt_records_full_lengths():
    start = TEXT.index("the new port")
    end = TEXT.index(" would")
    edit = {"start": start, "end": end, "old": TEXT[start:end], "new": "", "stage": "x",
            "reason": "r", "confidence": 1.0}
    out = edit_excerpt(TEXT, edit)
    assert out["old"] == "the new … north" and out["old_words"] == 6 and "new_words" not in out
    assert out["start"] == start and out["end"] == end


def test_changes_of_two_texts():
    after = TEXT.replace("planned ,", "planned,").replace("Tuesday", "Monday")
    assert changes(TEXT, after) == ["The minister said on[ Tuesday =>  Monday] that the new port…",
                                    "…year later than planned[ , => ,] because of the floods."]


def test_benchmark_results_hold_no_whole_sentence():
    long_line = TEXT + " " + TEXT.replace("minister", "mayor")

    def drop_second(batch):
        return [t.replace(" " + TEXT.replace("minister", "mayor"), "") for t in batch]

    res = run_benchmark([(long_line, long_line)], {"drop": drop_second}, progress=False)
    (item,) = res["systems"]["drop"]["harmed"]
    (change,) = item["changes"]
    assert change == "…because of the floods.[ The mayor … floods. => ]"
