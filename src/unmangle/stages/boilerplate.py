"""The boilerplate stage: web chrome left in scraped plain text (paywall pitches, comment forms).

Patterns are data (``unmangle/data/boilerplate.tsv``, format described at its top), not code, so
users can read, extend or replace them (``BoilerplateStage(patterns_file=...)``). Every pattern is
anchored to a whole line or to a line's end and matched case-insensitively; a line of more than
:data:`MAX_LINE_WORDS` words is never removed whole, so ordinary prose survives, and when every line
of the input would go (a lone "Click here to ..." sentence repaired on its own) none goes. Removing
a line
also removes one of its line breaks (see :mod:`unmangle.stages._removal`), and every removal is an
edit with a reason naming the pattern's kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..edits import Edit
from .base import BaseStage, StageSpec, register
from ..resources import package_data
from ..textspans import paragraphs
from ._removal import Removal, removal_edits

#: Lines longer than this are never removed whole, whatever pattern matches.
MAX_LINE_WORDS = 40
#: A line ending in a ``headline`` tag is a related-link headline only when this short ...
MAX_HEADLINE_WORDS = 20
#: ... and not ending like a sentence.
_SENTENCE_END = re.compile(r"[.!?:;,\"”’)]$")
_WORD = re.compile(r"\w+")
#: Tag patterns are searched for in this many characters at the end of a line.
_TAG_WINDOW = 120

ACTIONS = ("line", "tag", "headline")
HEADER = ("kind", "action", "pattern", "note")


class BoilerplateError(ValueError):
    """A malformed pattern file; the message names the file and line."""


@dataclass(frozen=True)
class Pattern:
    """One row of a pattern file."""

    kind: str
    action: str
    regex: re.Pattern
    source: str
    note: str
    where: str  # "file:line", for error messages and reasons


def _literal_to_regex(literal: str, action: str) -> str:
    tokens = literal.split()
    if action == "line":
        if tokens:
            tokens[-1] = tokens[-1].rstrip(".!:")
        body = r"\s+".join(re.escape(t) for t in tokens if t)
        return body + r"\s*[.!:…]*"
    return r"\s+" + r"\s+".join(re.escape(t) for t in tokens)


def load_patterns(path: str | Path | None = None) -> list[Pattern]:
    """Read a pattern file (the bundled one when ``path`` is None)."""
    path = Path(path) if path is not None else package_data("boilerplate.tsv")
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise BoilerplateError(f"{path}: not valid UTF-8 ({exc})") from None
    patterns: list[Pattern] = []
    seen_header = False
    for number, raw in enumerate(lines, 1):
        where = f"{path}:{number}"
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        fields = raw.split("\t")
        if not seen_header:
            if tuple(f.strip().lower() for f in fields) != HEADER:
                raise BoilerplateError(
                    f"{where}: expected the header row {'<TAB>'.join(HEADER)!r}, got {raw!r}")
            seen_header = True
            continue
        if len(fields) != 4:
            raise BoilerplateError(
                f"{where}: expected 4 TAB-separated columns (kind, action, pattern, note), "
                f"got {len(fields)}")
        kind, action, source, note = (f.strip() for f in fields)
        if not kind:
            raise BoilerplateError(f"{where}: empty kind")
        if action not in ACTIONS:
            raise BoilerplateError(
                f"{where}: action must be one of {', '.join(ACTIONS)}, got {action!r}")
        if not source:
            raise BoilerplateError(f"{where}: empty pattern")
        body = source[3:] if source.startswith("re:") else _literal_to_regex(source, action)
        if action == "line":
            body = r"\s*(?:" + body + r")\s*"
        else:
            body = r"(?:" + body + r")\s*$"
        try:
            regex = re.compile(body, re.IGNORECASE)
        except re.error as exc:
            raise BoilerplateError(f"{where}: bad regular expression {source!r}: {exc}") from None
        patterns.append(Pattern(kind, action, regex, source, note, where))
    if not seen_header:
        raise BoilerplateError(f"{path}: no header row {'<TAB>'.join(HEADER)!r} and no patterns")
    return patterns


class BoilerplateStage(BaseStage):
    """Remove lines of web chrome and wire tags, each removal an edit with its pattern's kind."""

    name = "boilerplate"
    removes_text = True  # see unmangle.stages.base

    def __init__(self, patterns_file: str | Path | None = None) -> None:
        self.patterns = load_patterns(patterns_file)
        self._line_patterns = [p for p in self.patterns if p.action == "line"]
        self._tag_patterns = [p for p in self.patterns if p.action != "line"]

    def propose(self, text: str) -> list[Edit]:
        paras = paragraphs(text)
        removals: list[Removal] = []
        tag_edits: list[Edit] = []
        headline_tags: list[Edit] = []  # the tag alone, used if its line must stay after all
        headlines: list[Removal] = []  # lines removed only for being short and tagged
        for para in paras:
            line = para.text
            # cheap bounds first: most prose lines are far too long to be chrome
            short = (len(line) <= 20 * MAX_LINE_WORDS and line.count(" ") <= 2 * MAX_LINE_WORDS
                     and len(_WORD.findall(line)) <= MAX_LINE_WORDS)
            matched = self._match_line(line) if short else None
            if matched is not None:
                removals.append(Removal(para.start, para.end,
                                        f"boilerplate ({matched.kind}): {matched.note}", 0.95))
                continue
            cut, tags, kind, headline_ok = self._strip_tags(line)
            if not tags:
                continue
            body = line[:cut]
            tag = " ".join(" ".join(tags).split())
            start = para.start + cut
            tag_edit = Edit(start, para.end, text[start:para.end], "", self.name,
                            f"boilerplate ({kind}): trailing {tag!r} tag", 0.9)
            body_match = self._match_line(body)
            if body_match is not None:
                removals.append(Removal(para.start, para.end, f"boilerplate ({body_match.kind}): "
                                        f"{body_match.note}, tagged {tag!r}", 0.9))
                headline_tags.append(tag_edit)
            elif (headline_ok and len(_WORD.findall(body)) <= MAX_HEADLINE_WORDS
                    and not _SENTENCE_END.search(body)):
                removals.append(Removal(
                    para.start, para.end,
                    f"boilerplate ({kind}): scraped related-link headline tagged {tag!r}", 0.85))
                headlines.append(removals[-1])
                headline_tags.append(tag_edit)
            else:
                tag_edits.append(tag_edit)
        if removals and len(removals) == len(paras):
            # every line looks like chrome: this is not a page with chrome around content (it may
            # be one sentence repaired on its own), so remove nothing but the tags. A short tagged
            # line then stays as content, so chrome lines beside it still go: otherwise a second
            # repair would remove them ("0 | REUTERS" over "ADVERTISEMENT")
            if headlines and len(headlines) < len(removals):
                kept = set(headlines)
                chrome = [r for r in removals if r not in kept]
                return removal_edits(text, chrome, self.name) + tag_edits + headline_tags
            return tag_edits + headline_tags
        return removal_edits(text, removals, self.name) + tag_edits

    def _strip_tags(self, line: str) -> tuple[int, list[str], str, bool]:
        """Where the tags at the end of ``line`` begin (stacked tags too), the tags, the first tag's
        kind, and whether a ``headline`` pattern says the rest may be a related-link headline."""
        cut = len(line)
        tags: list[str] = []
        kind = ""
        headline_ok = False
        while True:
            for pattern in self._tag_patterns:
                # tags are short and sit at the end of the line: look only there
                m = pattern.regex.search(line, max(0, cut - _TAG_WINDOW), cut)
                if m is not None and m.start() > 0:
                    break
            else:
                return cut, tags, kind, headline_ok
            tags.insert(0, line[m.start():cut])
            kind = pattern.kind
            headline_ok = headline_ok or pattern.action == "headline"
            cut = m.start()

    def _match_line(self, line: str) -> Pattern | None:
        for pattern in self._line_patterns:
            if pattern.regex.fullmatch(line):
                return pattern
        return None


SPEC = register(StageSpec(
    "boilerplate", order=20, build=lambda settings, folder: BoilerplateStage(),
    summary="lines of web chrome and wire tags"))
