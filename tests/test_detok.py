"""The Moses-style detokeniser used on tokenised corpora (MLQE-PE) before clean-text checks."""

from __future__ import annotations

import pytest

from unmangle.detok import detokenize


@pytest.mark.parametrize("tokenised, text", [
    ("Two soldiers were brought to his son 's heart .", "Two soldiers were brought to his son's heart."),
    ("Hume writes that all trades , crafts and arts have grown .", "Hume writes that all trades, crafts and arts have grown."),
    ("I do n't know , they 're here !", "I don't know, they're here!"),
    ("if you start something don ’ t say you ca n’t , a woman ’ s mind", "if you start something don’t say you can’t, a woman’s mind"),
    ("It earned $ 412 million ( about 70 % ) .", "It earned $412 million (about 70%)."),
    ('He read " The Jack Ma profile " in 2019 .', 'He read "The Jack Ma profile" in 2019.'),
    ("critics agreed that ' Leviathan ' was a warning", "critics agreed that 'Leviathan' was a warning"),
    ("the students ' books", "the students' books"),
    ("the “ Petru Rareș ” Sports Hall", "the “Petru Rareș” Sports Hall"),
    ("threefold : for one ; for another ?", "threefold: for one; for another?"),
    ("To this very day ...", "To this very day..."),
    ("well @-@ known , 1 @,@ 000 &amp; more", "well-known, 1,000 & more"),
    ("dy / dx = 2x", "dy / dx = 2x"),
    ("", ""),
])
def test_detokenize(tokenised, text):
    assert detokenize(tokenised) == text


def test_plain_text_is_a_fixpoint():
    text = "The U.S. economy grew 3.5% in 2020, officials said."
    assert detokenize(text) == text
