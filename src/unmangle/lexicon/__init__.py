"""The lexicon: known corruptions as data, matched in linear time, case-preserving, with context.

>>> from unmangle.lexicon import Lexicon, LexiconEntry
>>> lex = Lexicon([LexiconEntry(("Ticketok",), "TikTok", kind="entity")])
>>> lex.apply("The TICKETOK app and Ticketok's owner")
"The TIKTOK app and TikTok's owner"

File format: :mod:`unmangle.lexicon.fileformat` (and seeds/README.md). The public tortured-phrase
list (scientific domain, opt-in): :func:`load_pps`.
"""

from .matcher import Lexicon, LexiconMatch
from .entry import DEFAULT_WINDOW, KINDS, SENTENCE, LexiconEntry, LexiconError
from .fileformat import read_entries
from .tortured import PPSReport, load_pps

__all__ = ["DEFAULT_WINDOW", "KINDS", "SENTENCE", "Lexicon", "LexiconEntry", "LexiconError",
           "LexiconMatch", "PPSReport", "load_pps", "read_entries"]
