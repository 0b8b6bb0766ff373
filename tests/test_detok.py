"""The Moses-style detokeniser used on tokenised corpora (MLQE-PE) before clean-text checks."""

from __future__ import annotations

import pytest

from unmangle.detok import detokenize


@pytest.mark.parametrize("tokenised, text", [
    ("Two soldiers were brought to his son 's heart .", "Two soldiers were brought to his son's heart."),
    ("Kant says that all crafts , works and arts have gained .", "Kant says that all crafts, works and arts have gained."),
    ("I do n't know , they 're here !", "I don't know, they're here!"),
    ("It earned $ 493 million ( about 70 % ) .", "It earned $493 million (about 70%)."),
    ('He read " The Elon Musk interview " in 2013 .', 'He read "The Elon Musk interview" in 2013.'),
    ("commentators agreed that ' Categories ' was a treatise", "commentators agreed that 'Categories' was a treatise"),
    ("the students ' books", "the students' books"),
    ("the “ Constantin Jude ” Sports Hall", "the “Constantin Jude” Sports Hall"),
    ("twofold : for some ; for others ?", "twofold: for some; for others?"),
    ("Till this day ...", "Till this day..."),
    ("well @-@ known , 1 @,@ 000 &amp; more", "well-known, 1,000 & more"),
    ("dy / dx = 2x", "dy / dx = 2x"),
    ("", ""),
])
def test_detokenize(tokenised, text):
    assert detokenize(tokenised) == text


def test_plain_text_is_a_fixpoint():
    text = "The U.S. economy grew 3.5% in 2020, officials said."
    assert detokenize(text) == text
