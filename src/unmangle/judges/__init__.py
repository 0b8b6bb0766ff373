"""Language-model judges behind one seam (:class:`~unmangle.judges.base.LanguageJudge`)."""

from .base import (Change, LanguageJudge, Word, apply_change, cautious_gain, change_gain,
                   frequency_shift, sentence_words, text_change)

__all__ = ["Change", "LanguageJudge", "Word", "apply_change", "cautious_gain", "change_gain",
           "frequency_shift", "sentence_words", "text_change"]
