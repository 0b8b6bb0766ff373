"""The normalize stage: Unicode damage, spacing around punctuation, doubled punctuation, quotes.

Why it is shaped this way:

- Unicode damage (mojibake, HTML entities, ligatures, control characters) is fixed by ftfy, line by
  line, and only on lines that could hold such damage. ftfy's result is diffed against the line so
  each fix is a small edit, not a rewritten line, and its explanation names the reason.
  ftfy is told *not* to straighten curly quotes, change character widths, normalise to NFC or touch
  line breaks: those change legitimate text.
- Spacing and punctuation rules are a short list of anchored regular expressions, each with its own
  reason and confidence. Any edit touching a URL, e-mail address, file name or code-like token is
  dropped, so "See https://example.com/a.b?x=1 ." stays as written.
- Rules run until nothing changes (at most a few rounds) inside a private :class:`Document`, so the
  stage proposes its fixpoint in one go and running it twice changes nothing (idempotence).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

import ftfy

from ..document import Document
from ..edits import Edit
from ..english import FUNCTION_WORDS
from .base import BaseStage, StageSpec, register

_SP = r"[ \t\u00a0]"  # spaces inside a line (never a line break)

# Lines worth handing to ftfy: those holding a character that mojibake, a ligature, a control
# character or a broken surrogate is made of, or an HTML entity. Curly quotes and dashes alone do
# not qualify: the UTF-8 -> cp1252/latin-1/MacRoman/cp437/cp1251 mix-ups ftfy undoes always leave a
# Latin-1, Latin Extended, Greek or Cyrillic character behind.
_DAMAGE_CHAR = (r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\xff\u0100-\u024f\u0370-\u04ff"
                r"\ud800-\udfff\ufb00-\ufb06\ufffd]|&#?\w+;")
_MAYBE_DAMAGED = re.compile(_DAMAGE_CHAR)

_FTFY_CONFIG = ftfy.TextFixerConfig(
    uncurl_quotes=False,          # curly quotes are correct typography, not damage
    fix_character_width=False,    # full-width CJK punctuation is legitimate
    fix_line_breaks=False,        # line breaks are the caller's business
    normalization=None,           # NFC would rewrite legitimately decomposed text
    explain=True,
)

# ftfy step name -> (reason, confidence)
_FTFY_REASONS: dict[str, tuple[str, float]] = {
    "unescape_html": ("HTML entity", 0.9),
    "remove_terminal_escapes": ("terminal escape sequence", 0.95),
    "remove_control_chars": ("control character", 0.95),
    "fix_latin_ligatures": ("ligature", 0.95),
    "fix_surrogates": ("broken surrogate pair", 0.95),
    "fix_c1_controls": ("C1 control character", 0.9),
}

# Tokens no punctuation rule may touch: URLs, e-mail addresses, paths, file names, code.
_PROTECTED = re.compile(
    r"(?:https?://|ftp://|www\.)\S+"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|\S*[/\\_=<>{}`|#~^*]\S*"
    r"|\S*\w{2,}\.[A-Za-z]{2,}\S*"
)

#: Prefixes that form hyphenated words and are seldom a word before a dash. Measured on MLQE-PE
#: *train*: "self - determination", "co - produced", "non - major" in 53 machine translations,
#: joined by the post-editors wherever they kept the word.
_HYPHEN_PREFIXES = frozenset("""
self co non anti re so vice ex semi multi inter intra pre post mid sub counter cross well
""".split())
_TENS = frozenset("twenty thirty forty fifty sixty seventy eighty ninety".split())
_UNITS = frozenset("""
one two three four five six seven eight nine first second third fourth fifth sixth seventh
eighth ninth
""".split())


def _spaced_hyphen_trigger() -> str:
    """The trigger for a hyphen spaced on one side ("re- election", "Secretary -General") or on
    both after a prefix or a tens word ("self - ", "sixty - "; a dash between other words
    triggers nothing). One pattern starting with the hyphen, a literal rarer than a space, so the
    scan is fast; the look-behinds for the word come one per word length (a look-behind needs one
    width)."""
    by_length: dict[int, list[str]] = {}
    for word in sorted(_HYPHEN_PREFIXES | _TENS):
        by_length.setdefault(len(word), []).append(word)
    both = [r"(?<=\b(?i:" + "|".join(words) + r") -) " for _, words in sorted(by_length.items())]
    return (r"-(?:(?<=[^\W\d_]-) |(?<= -)|" + "|".join(both) + r")(?=[^\W\d_])")


# Where any punctuation rule could fire; only lines holding one of these are looked at. Several
# small patterns that start with a literal character scan far faster (measured: 10-50x) than one
# alternation or a pattern that starts with a character class or a lookbehind.
_TRIGGERS = tuple(re.compile(p) for p in (
    r" (?:[,;:.!?'’)”]|n['’]t)", r"\t(?:[,;:.!?'’)”]|n['’]t)", r"\u00a0(?:[,;:.!?'’)”]|n['’]t)",
    r",[ \t\u00a0]*,", r";[ \t\u00a0]*;", r":[ \t\u00a0]*:", r"\.\.",
    r",[^\W\d_]", r";[^\W\d_]", _spaced_hyphen_trigger(),
    r"\$[ \t\u00a0]", r"€[ \t\u00a0]", r"£[ \t\u00a0]", r"¥[ \t\u00a0]", r"\([ \t\u00a0]",
    # quote slips only: correctly paired curly quotes (in most lines of news) trigger nothing
    r"“[ \t\u00a0]*(?:\n|$)", r"”\w", r"“(?<=[\w.,!?]“)(?=[\s,.;:!?]|$)",
))

# Other quotation conventions, where “ may legitimately close a quotation.
_FOREIGN_QUOTES = re.compile(r"[„«»‹›‚]")


#: A rule's fixer: (text, match) -> (start, end, replacement), or None to skip this match.
_Fix = Callable[[str, re.Match], "tuple[int, int, str] | None"]


@dataclass(frozen=True)
class _Rule:
    """A spacing/punctuation rule: ``pattern`` finds a spot, ``fix`` gives (start, end, new) or None."""

    reason: str
    confidence: float
    pattern: re.Pattern
    fix: _Fix
    quotes: bool = False  # a quote-pairing rule (skipped in lines with other quote conventions)


def _delete_group(group: str) -> _Fix:
    def fix(text: str, m: re.Match) -> tuple[int, int, str] | None:
        return m.start(group), m.end(group), ""
    return fix


_SPACED_ELLIPSIS_REST = re.compile(_SP + r"*\." + _SP + r"*\.")


#: A "label : value" line ("VIP : 60,000₩"): a short label, a colon spaced on both sides, a value.
_LABEL_LINE = re.compile(r"[^\S\n]*[^\s:][^:\n]{0,40}? : \S[^\n]*")
_LABEL_WORDS = 3


def _label_line(line: str) -> bool:
    """A short label, " : ", a value, and no sentence end (a sentence is not a table row)."""
    return (bool(_LABEL_LINE.fullmatch(line)) and not line.rstrip().endswith((".", "!", "?"))
            and len(line.split(" : ", 1)[0].split()) <= _LABEL_WORDS)


def _line_bounds(text: str, pos: int) -> tuple[int, int]:
    """Start and end (before its line break) of the line holding ``pos``."""
    end = text.find("\n", pos)
    return text.rfind("\n", 0, pos) + 1, len(text) if end < 0 else end


def _in_spaced_colon_table(text: str, pos: int) -> bool:
    """Whether ``pos`` is on a "label : value" line next to another one: a price list or a
    fact box laid out with spaced colons on purpose ("VIP : 60,000₩" / "R : 50,000₩")."""
    start, end = _line_bounds(text, pos)
    if not _label_line(text[start:end]):
        return False
    neighbours = []
    if start > 0:
        neighbours.append(_line_bounds(text, start - 1))  # the line above
    if end < len(text):
        neighbours.append(_line_bounds(text, end + 1))  # the line below
    return any(_label_line(text[a:b]) for a, b in neighbours)


def _space_before_punct(text: str, m: re.Match) -> tuple[int, int, str] | None:
    punct = m.group("p")
    before = text[m.start() - 1]
    if punct[0] in ":;":
        after = text[m.end("p"):m.end("p") + 1]
        if not before.isalpha() or (after and not after.isspace()):
            return None  # "10 : 30", "3 : 1" are ratios/times, " :)" a smiley, not damage
        if punct == ":" and _in_spaced_colon_table(text, m.start("sp")):
            return None  # a list of "label : value" lines is a layout
    if punct == ".":
        # a spaced ellipsis ". . ." is a style, not damage; two stops (". .") are damage: the
        # first joins its word here, the stray second goes in the next round
        if _SPACED_ELLIPSIS_REST.match(text, m.end("p")):
            return None
    return m.start("sp"), m.end("sp"), ""


def _lone_double_stop(text: str, m: re.Match) -> tuple[int, int, str] | None:
    """Delete the second dot of "word.. Next" unless the line uses ".."/"..." as a style."""
    start, end = _line_bounds(text, m.start())
    if text[start:end].count("..") > 1:
        return None
    return m.start("x"), m.end("x"), ""


def _detached_closing_quote(text: str, m: re.Match) -> tuple[int, int, str] | None:
    """Join a closing quote to its sentence, unless the quotation spaces both of its marks
    ("“ feather duvet lung. ”": a style; joining one mark would leave the pair unmatched)."""
    opening = text.rfind("“", _line_bounds(text, m.start())[0], m.start())
    if opening >= 0 and text[opening + 1:opening + 2].isspace():
        return None
    return m.start("sp"), m.end("sp"), ""


_GLUED_LIST = re.compile(r"[,;][^\W\d_]")


def _missing_space_after_comma(text: str, m: re.Match) -> tuple[int, int, str] | None:
    """Add the space a comma or semicolon lost between two words, unless the words around it are
    a list written without spaces on purpose ("red,green,blue": two or more such commas)."""
    if not text[m.start() - 1].islower():
        return None  # "TL;DR", "AT&T,Inc": capitals glued on purpose
    if len(_GLUED_LIST.findall(text, *_token_bounds(text, m.start(), m.end()))) > 1:
        return None
    return m.start(), m.end(), m.group() + " "


#: The word after a hyphen that ends a word in a suspended compound ("pre- and post-war",
#: "short- or long-term", "Wachstums- und"), or the word before one that starts it ("mandated and
#: -authorized"): such a hyphen is spaced on purpose.
_SUSPENSION_WORDS = frozenset("and or nor to und oder et ou y o as versus vs than".split())

_LETTERS_BEFORE = re.compile(r"[^\W\d_]+$")
_LETTERS_AFTER = re.compile(r"[^\W\d_]+")
_WORD_REACH = 40  # characters looked back for the word before a hyphen


def _spaced_hyphen(text: str, m: re.Match) -> tuple[int, int, str] | None:
    """Close up a hyphen spaced on one side ("re- election", "Al -Khalifa"), or on both sides
    after a prefix or in a number ("self - determination", "sixty - fifth"); a dash between other
    words ("the plan - which failed - ") and a suspended compound ("pre- and post-war") stay."""
    spaced_after = m.group("after") is not None  # "re- election"
    spaced_before = m.group("both") == ""  # "Al -Khalifa"
    start = m.start() if spaced_after else m.start() - 1  # the space before
    a = _LETTERS_BEFORE.search(text, max(0, start - _WORD_REACH), start).group()
    b = _LETTERS_AFTER.match(text, m.end()).group()
    left, right = a.lower(), b.lower()
    prefix = left in _HYPHEN_PREFIXES
    if spaced_after or spaced_before:
        if (right if spaced_after else left) in _SUSPENSION_WORDS:
            return None
        if spaced_before and len(b) < 4:
            return None  # "careful -pdf": a switch
        if not prefix and (left in FUNCTION_WORDS or right in FUNCTION_WORDS
                           or (b[0].isupper() and not a[0].isupper())):
            # a dash typed without its first space: "to it- they", "a statement- you are",
            # "the world- Serbia"
            return None
    elif not (prefix or (left in _TENS and right in _UNITS)):
        return None
    return start, m.end(), "-"


def _replace_group_with(group: str, new: str) -> _Fix:
    def fix(text: str, m: re.Match) -> tuple[int, int, str] | None:
        return m.start(group), m.end(group), new
    return fix


_RULES: tuple[_Rule, ...] = (
    _Rule(  # "years. . COVID" -> "years. COVID" (but ". . ." is an ellipsis)
        "stray full stop after sentence end", 0.9,
        re.compile(r"(?<=\w[.!?])(?P<x>" + _SP + r"+\.)(?!" + _SP + r"*\.)(?=" + _SP + r"|$)",
                   re.MULTILINE),
        _delete_group("x"),
    ),
    _Rule(  # ",," -> ","; ", ," -> ","; "word:: more" -> "word: more"
        "doubled punctuation", 0.9,
        re.compile(r"(?<=\w),(?P<x>(?:" + _SP + r"*,)+)(?=" + _SP + r"|$)"
                   r"|(?<=\w)(?P<p>[;:])(?P<y>(?:" + _SP + r"*(?P=p))+)(?=" + _SP + r"+\S)",
                   re.MULTILINE),
        lambda text, m: (m.start("x"), m.end("x"), "") if m.group("x") is not None
        else (m.start("y"), m.end("y"), ""),
    ),
    _Rule(  # "the end.. Next" -> "the end. Next", and "the end.." at the end of a line (two dots,
        # then a new sentence or nothing; "Ah.. guys", "ooh.. I" and lines that use ".." or "..."
        # elsewhere are informal ellipses and stay; "D.C.." and "2009.." end in no word)
        "doubled full stop", 0.8,
        re.compile(r"(?<=[^\W\d_]{4}\.)(?P<x>\.)(?!\.)(?=" + _SP + r"+[A-Z]|" + _SP + r"*$)",
                   re.MULTILINE),
        _lone_double_stop,
    ),
    _Rule(  # "Secretary-General,His Excellency" -> "Secretary-General, His Excellency"
        "missing space after comma", 0.85,
        re.compile(r"[,;](?<=[^\W\d_]{2}[,;])(?=[^\W\d_]{2})"),  # starts with the mark: fast
        _missing_space_after_comma,
    ),
    _Rule(  # "re- election" -> "re-election", "Secretary -General" -> "Secretary-General",
        # "self - determination" -> "self-determination" (a dash between other words stays)
        "space inside a hyphenated word", 0.8,
        # starts with the hyphen (fast): spaces after it ("re- election"), or one space before it
        # and none or some after ("Secretary -General", "self - determination")
        re.compile(r"-(?:(?<=[^\W\d_]-)(?P<after>" + _SP + r"+)(?=[^\W\d_])|(?<=[^\W\d_]" + _SP
                   + r"-)(?P<both>" + _SP + r"*)(?=[^\W\d_]))"),
        _spaced_hyphen,
    ),
    _Rule(  # "achievement ." -> "achievement.", "word , word" -> "word, word"
        "space before punctuation", 0.95,
        re.compile(r"(?<=[\w%)\]\"”’])(?P<sp>" + _SP + r"+)(?P<p>[,;:]+|\.(?!\.)|[!?]+)"
                   r"(?=" + _SP + r"|$|[\"”’)\]])", re.MULTILINE),
        _space_before_punct,
    ),
    _Rule(  # "$ 35 billion" -> "$35 billion"
        "space after currency sign", 0.95,
        re.compile(r"(?<![\d$€£¥])[$€£¥](?P<sp>" + _SP + r")(?=\d)"),
        _delete_group("sp"),
    ),
    _Rule(  # "Trump 's" -> "Trump's", "do n't" -> "don't"
        "space before apostrophe", 0.85,
        re.compile(r"(?<=\w)(?P<sp>" + _SP + r"+)(?=['’](?:s|re|ve|ll|d|m|t)\b(?!['’])|n['’]t\b)"),
        _delete_group("sp"),
    ),
    _Rule(  # "( word )" -> "(word)"
        "space inside parentheses", 0.85,
        re.compile(r"(?<=\()(?P<sp>" + _SP + r"+)(?=\w)|(?<=[\w.%])(?P<sp2>" + _SP + r"+)(?=\))"),
        lambda text, m: (m.start(m.lastgroup), m.end(m.lastgroup), ""),
    ),
    _Rule(  # 'down. “' at the end of a paragraph: an opening quote where a closing one belongs
        "opening quote mark used to close a quotation", 0.8,
        re.compile(r"(?<=[.!?,])(?P<q>" + _SP + r"*“)(?=" + _SP + r"*$)", re.MULTILINE),
        _replace_group_with("q", "”"),
        quotes=True,
    ),
    _Rule(  # 'minorities. ” The' -> 'minorities.” The': a closing quote cut off from its sentence
        "detached closing quote mark", 0.75,
        re.compile(r"(?<=[.!?,])(?P<sp>" + _SP + r"+)(?=”(?:" + _SP + r"|$))", re.MULTILINE),
        _detached_closing_quote,
        quotes=True,
    ),
    _Rule(  # 'said ”We' -> 'said “We'
        "closing quote mark used to open a quotation", 0.8,
        re.compile(r"(?:^|(?<=[\s(\[—–]))(?P<q>”)(?=\w)", re.MULTILINE),
        _replace_group_with("q", "“"),
        quotes=True,
    ),
    _Rule(  # 'hello.“ Then' -> 'hello.” Then'
        "opening quote mark used to close a quotation", 0.8,
        re.compile(r"(?<=[\w.,!?])(?P<q>“)(?=[\s,.;:!?]|$)", re.MULTILINE),
        _replace_group_with("q", "”"),
        quotes=True,
    ),
)


class NormalizeStage(BaseStage):
    """Fix Unicode damage and spacing/punctuation/quote slips; leave all else byte-identical."""

    name = "normalize"
    tidies = True  # see unmangle.stages.base

    def __init__(self, *, unicode: bool = True, punctuation: bool = True, quotes: bool = True,
                 max_rounds: int = 6) -> None:
        self.unicode = unicode
        self.punctuation = punctuation
        self.quotes = quotes
        self.max_rounds = max_rounds
        self._rules = tuple(r for r in _RULES if (quotes if r.quotes else punctuation))

    def propose(self, text: str, *, around: Iterable[int] | None = None) -> list[Edit]:
        """Edits reaching this stage's fixpoint: Unicode and punctuation fixes alternate until
        neither changes anything (a fix of one kind can expose damage of the other), each later
        round looking only at the lines the previous one changed. No fix adds or removes a line
        break, so line numbers stay valid from round to round.

        ``around``: offsets in ``text`` (where a removal joined its neighbours); only the lines
        holding them, or the character before them, are looked at."""
        doc = Document(text)
        phases = [p for p, on in ((self.unicode_edits, self.unicode),
                                  (self.punctuation_edits, bool(self._rules))) if on]
        # line numbers to look at; None: every line
        scope: set[int] | None = None if around is None else _lines_at(
            text, [at for offset in around for at in (max(offset - 1, 0), offset)])
        for _ in range(self.max_rounds):
            changed: set[int] = set()
            for phase in phases:
                current = doc.text
                starts = None if scope is None else _starts_of_lines(current, scope)
                edits = list(phase(current, starts))
                if edits:
                    changed |= _line_numbers(current, edits)
                    doc.apply(edits)
            if not changed:
                break
            scope = changed
        return [Edit(e.start, e.end, e.old, e.new, self.name, e.reason, e.confidence)
                for e in doc.edits]

    def tidy(self, text: str, around: Iterable[int]) -> list[Edit]:
        """This stage's fixes on the lines holding the ``around`` offsets (or the character before
        them): where a removal joined its neighbours."""
        return self.propose(text, around=around)

    # -- Unicode --------------------------------------------------------------------------------

    def unicode_edits(self, text: str, line_starts: Iterable[int] | None = None) -> Iterator[Edit]:
        """ftfy's fixes, line by line, as small edits with the reason ftfy gives. Looks at the
        lines starting at ``line_starts``, or by default at every line that could hold damage."""
        if line_starts is None:
            line_starts = _starts_matching(text, (_MAYBE_DAMAGED,))
        for line_start in line_starts:
            line_end = text.find("\n", line_start)
            line_end = len(text) if line_end < 0 else line_end
            line = text[line_start:line_end]
            if not _MAYBE_DAMAGED.search(line):
                continue
            fixed = ftfy.fix_and_explain(line, _FTFY_CONFIG)
            if fixed.text == line:
                continue
            reason, confidence = _explain(fixed.explanation or [])
            for start, end, new in _diff_spans(line, fixed.text):
                yield Edit(line_start + start, line_start + end, line[start:end], new, self.name,
                           reason, confidence)

    # -- spacing, punctuation, quotes -----------------------------------------------------------

    def punctuation_edits(self, text: str, line_starts: Iterable[int] | None = None) -> list[Edit]:
        """One round of the rules over the lines starting at ``line_starts`` (default: every line
        where a rule could fire); where two proposals overlap the earlier rule wins."""
        if not self._rules:
            return []
        if line_starts is None:
            line_starts = _starts_matching(text, _TRIGGERS)
        edits: list[Edit] = []
        for line_start in line_starts:
            line_end = text.find("\n", line_start)
            line_end = len(text) if line_end < 0 else line_end
            edits.extend(self._line_edits(text, line_start, line_end))
        return edits

    def _line_edits(self, text: str, line_start: int, line_end: int) -> list[Edit]:
        proposals: list[tuple[int, int, int, str, _Rule]] = []
        foreign = None
        for rank, rule in enumerate(self._rules):
            for m in rule.pattern.finditer(text, line_start, line_end):
                spot = rule.fix(text, m)
                if spot is None:
                    continue
                start, end, new = spot
                if text[start:end] == new:
                    continue
                if rule.quotes:
                    if foreign is None:
                        foreign = bool(_FOREIGN_QUOTES.search(text, line_start, line_end))
                    if foreign:
                        continue
                if _protected(text, start, end):
                    continue
                proposals.append((start, end, rank, new, rule))
        proposals.sort(key=lambda p: (p[2], p[0]))
        taken: list[tuple[int, int]] = []
        edits = []
        for start, end, _, new, rule in proposals:
            if any(start <= b and a <= end for a, b in taken):
                continue
            taken.append((start, end))
            edits.append(Edit(start, end, text[start:end], new, self.name, rule.reason,
                              rule.confidence))
        return edits


def _starts_matching(text: str, patterns: Iterable[re.Pattern]) -> list[int]:
    """Sorted start offsets of the lines where any of ``patterns`` matches (one search per
    matching line: after a hit the search resumes at the next line)."""
    starts: set[int] = set()
    for pattern in patterns:
        m = pattern.search(text)
        while m is not None:
            starts.add(text.rfind("\n", 0, m.start()) + 1)
            line_end = text.find("\n", m.end())
            if line_end < 0:
                break
            m = pattern.search(text, line_end + 1)
    return sorted(starts)


def _line_numbers(text: str, edits: list[Edit]) -> set[int]:
    """Numbers (0-based) of the lines of ``text`` that ``edits`` touch."""
    return _lines_at(text, [edit.start for edit in edits])


def _lines_at(text: str, offsets: Iterable[int]) -> set[int]:
    """Numbers (0-based) of the lines of ``text`` holding these offsets."""
    numbers = set()
    line = 0
    pos = 0
    for offset in sorted(offsets):
        line += text.count("\n", pos, offset)
        pos = offset
        numbers.add(line)
    return numbers


def _starts_of_lines(text: str, numbers: set[int]) -> list[int]:
    """Start offsets of the lines with these numbers (0-based), in order."""
    starts = []
    wanted = sorted(numbers)
    line = 0
    pos = 0
    for number in wanted:
        while line < number:
            nl = text.find("\n", pos)
            if nl < 0:
                return starts
            pos = nl + 1
            line += 1
        starts.append(pos)
    return starts


def _token_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` widened to the whitespace on either side: the token(s) it lies in."""
    a = start
    while a > 0 and not text[a - 1].isspace():
        a -= 1
    b = end
    while b < len(text) and not text[b].isspace():
        b += 1
    return a, b


def _protected(text: str, start: int, end: int) -> bool:
    """Whether the edit [start, end) touches a URL, e-mail, path or code-like token."""
    a, b = _token_bounds(text, start, end)
    if a == start and b == end:
        # the edit is bounded by spaces: look at the words on either side of it
        while a > 0 and text[a - 1].isspace() and text[a - 1] != "\n":
            a -= 1
        while a > 0 and not text[a - 1].isspace():
            a -= 1
    return _PROTECTED.search(text, a, b) is not None


def _explain(steps: list) -> tuple[str, float]:
    """A reason string and confidence from ftfy's explanation of what it did."""
    reasons: list[str] = []
    confidence = 1.0
    encoding_steps = [s for s in steps if s[0] in ("encode", "decode", "transcode")]
    if encoding_steps:
        chain = "→".join(s[1] for s in encoding_steps if s[0] in ("encode", "decode"))
        reasons.append(f"mojibake ({chain})")
        confidence = 0.9
    for kind, name in steps:
        if kind == "apply" and name in _FTFY_REASONS:
            reason, conf = _FTFY_REASONS[name]
            if reason not in reasons:
                reasons.append(reason)
            confidence = min(confidence, conf)
        elif kind == "apply" and name not in ("restore_byte_a0",):
            reasons.append(f"mojibake ({name})")
            confidence = min(confidence, 0.85)
    return "Unicode damage: " + ", ".join(reasons or ["ftfy fix"]), confidence


def _diff_spans(old: str, new: str) -> list[tuple[int, int, str]]:
    """Small (start, end, replacement) spans turning ``old`` into ``new``; close ones merged."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    spans: list[list] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if spans and i1 - spans[-1][1] <= 2 and not old[spans[-1][1]:i1].isspace():
            last = spans[-1]
            last[2] = last[2] + new[last[4]:j1] + new[j1:j2]
            last[1] = i2
            last[4] = j2
        else:
            spans.append([i1, i2, new[j1:j2], j1, j2])
    return [(s[0], s[1], s[2]) for s in spans]


SPEC = register(StageSpec(
    "normalize", order=10, build=lambda settings, folder: NormalizeStage(),
    summary="mojibake, spacing and punctuation slips, quote pairing"))
