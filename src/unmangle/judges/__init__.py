"""Language-model judges behind one seam (:class:`~unmangle.judges.base.LanguageJudge`)."""

from .base import Change, LanguageJudge, Word, apply_change, cautious_gain, change_gain, sentence_words

__all__ = ["Change", "LanguageJudge", "Word", "apply_change", "cautious_gain", "change_gain",
           "sentence_words"]
