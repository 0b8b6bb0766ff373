"""English word knowledge shared by every component: closed-class word lists, in one place.

The lists differ by purpose, and each purpose was tuned on its own (changing one changes that
component's measured figures), so they are built here from one core with their additions named:

- :data:`FUNCTION_WORDS`: words that carry grammar, not content; a change that deletes a word
  outside this list deletes content (the neural stage's guards, the training examples);
- :data:`MINING_STOP_WORDS`: words lexicon mining never learns a substitution for on their own;
- :data:`NOT_NAME_CAPITALS`: capitalised words that are not names (a garbled copy capitalises
  "Has" or "Are" mid-sentence; the duplicates stage ignores case there);
- :data:`SENTENCE_START_WORDS`: words capitalised only at a sentence start (the capitals stage).
"""

from __future__ import annotations

#: Articles, prepositions, pronouns, auxiliaries and conjunctions in every list below.
CORE_CLOSED_CLASS = frozenset("""
" a about after against also am an and are as at be because been before being between but by can
could did do does during for from had has have her his if in into is it its might must nor not
of on or our over shall should so that the their there these they this those through to under
was we were which while who will with would yet
""".split())

#: Grammar words: deleting any other word deletes content.
FUNCTION_WORDS = frozenset(CORE_CLOSED_CLASS | set("""
across along although among any around each every he here hers him i it's may me mine more most
my no onto ours she since some than theirs them though toward towards until upon us very what
whether whom whose within without you your yours
""".split()))

#: Never a mined substitution on their own (clitic pieces included: mining splits "n't").
MINING_STOP_WORDS = frozenset(CORE_CLOSED_CLASS | set("""
's above across again all along already although among any around behind below beyond both d
doing down each either even every having he here hers herself him himself how i itself just ll m
may me mine my myself n't near neither no off one ones only onto ours ourselves out per re s she
since some still such t than theirs them themselves then though too unless until up upon us ve
very via what when where whether whom whose why within without you your yours yourself
""".split()))

#: Capitalised, still not names.
NOT_NAME_CAPITALS = frozenset(CORE_CLOSED_CLASS | set("""
above again all already any below both doing down each few further having he here hers him how i
itself just may me more most my no now off once only other ours out own same she some such than
theirs them then too until up very what when where whom why you your yours
""".split()))

#: Capitalised only at a sentence start (conjunctive adverbs included).
SENTENCE_START_WORDS = frozenset(CORE_CLOSED_CLASS | set("""
already although among however instead moreover nevertheless only since still such then
therefore though thus towards upon when whereas whose within without
""".split()))
