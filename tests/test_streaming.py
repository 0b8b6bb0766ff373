"""Block-by-block repair of long inputs: the blocks cover the text and repair like the whole."""

from __future__ import annotations

import pytest

from unmangle import Repairer
from unmangle.streaming import block_bounds, repair_in_blocks


def test_blocks_cover_the_text_and_end_at_paragraph_breaks():
    text = "".join(f"Paragraph {i} says something .\n\n" for i in range(200)) + "one very long line " * 50
    bounds = list(block_bounds(text, 300))
    assert bounds[0][0] == 0 and bounds[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(bounds, bounds[1:]))
    assert all(text[end - 2:end] == "\n\n" for _, end in bounds[:-1])
    with pytest.raises(ValueError):
        list(block_bounds(text, 0))


def test_block_repair_equals_whole_repair_on_ordinary_text():
    fast = Repairer(fast=True)
    paras = [f"Report {i} : the ministry said on day {i} that prices rose by {i} percent ." for i in range(120)]
    text = "\n\n".join(paras) + "\n"
    assert "".join(repair_in_blocks(fast, text, 500)) == fast.repair(text)
