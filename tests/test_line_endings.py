"""CRLF and lone CR: the same repairs as with LF, the caller's line endings kept."""

from __future__ import annotations

import pytest

from unmangle import Repairer, apply_edits, revert_edits
from unmangle.line_endings import LineEndings

LF = "Line one .\nLine two .\n\nThe the third line has has a doubled word .\n"


@pytest.fixture(scope="module")
def fast():
    return Repairer(fast=True)


@pytest.mark.parametrize("ending", ["\r\n", "\r"])
def test_same_repair_as_lf_and_endings_kept(fast, ending):
    text = LF.replace("\n", ending)
    expected = fast.repair(LF).replace("\n", ending)
    result = fast.repair_document(text)
    assert result.text == expected
    assert result.text.startswith("Line one." + ending + "Line two." + ending)
    assert apply_edits(text, result.edits) == result.text
    assert revert_edits(result.text, result.edits) == text
    assert fast.repair(result.text) == result.text


def test_mixed_endings_each_kept(fast):
    text = "Line one .\r\nLine two .\nLine three .\rLine four ."
    assert fast.repair(text) == "Line one.\r\nLine two.\nLine three.\rLine four."


def test_removal_across_crlf_takes_whole_line_breaks(fast):
    para = "The company said its profits rose sharply in the third quarter of the year."
    text = f"{para}\r\n\r\n{para}\r\n\r\nAnother paragraph ends here.\r\n"
    result = fast.repair_document(text)
    assert result.text == f"{para}\r\n\r\nAnother paragraph ends here.\r\n"
    assert apply_edits(text, result.edits) == result.text


def test_positions_map_past_each_crlf():
    le = LineEndings("a\r\nb\rc\r\nd")
    assert le.text == "a\nb\nc\nd"
    assert [le.position(p) for p in range(len(le.text) + 1)] == [0, 1, 3, 4, 5, 6, 8, 9]


def test_full_pipeline_repairs_every_crlf_line_as_with_lf():
    from unmangle.resources import bundled_model_dir

    if bundled_model_dir() is None:
        pytest.skip("no bundled model")
    full = Repairer()
    lf = ("The ministry said on Monday it will will review the the rules .\n"
          "Line two .\n\nOfficials declined to comment on the plans .\n")
    crlf = lf.replace("\n", "\r\n")
    assert full.repair(crlf) == full.repair(lf).replace("\n", "\r\n")
    assert full.repair(crlf).count(" .") == 0
