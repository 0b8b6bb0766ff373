"""Opt-in loader for the public tortured-phrase list of the Problematic Paper Screener (PPS).

The PPS list (Cabanac, Labbé & Magazinov 2021, arXiv:2107.06751) maps "tortured phrases" that
paraphrasing tools produce ("counterfeit consciousness") to the expected phrase ("artificial
intelligence"). It is scientific-domain and has known defects, so it is never loaded by default;
this module cleans it into ordinary lexicon entries (kind ``tortured-phrase``, lower confidence):

- expected values marked uncertain (containing ``?``, e.g. ``"???"``) are dropped;
- entries whose tortured phrase occurs, word for word, inside the expected one
  (``"neural network"`` -> ``"[neural network] layer outputs"``, ``"cloud platform"`` -> ``"the
  cloud platform"``) would rewrite correct text: dropped. Containment inside a word is harmless
  (matching respects word boundaries), so ``"net of things"`` -> ``"internet of things"`` stays;
- a trailing abbreviation in brackets is removed (``"business intelligence (bi)"`` ->
  ``"business intelligence"``); any other bracket, ``/`` or ``OR`` in the expected value (an
  explanation or alternatives, not a replacement) drops the entry;
- the CSV export holds search queries: the first quoted phrase (or phrases joined by ``OR``) is the
  form; ``AND`` operands are dropped (they only say what else the paper contains), ``NOT``
  operands become ``forbid`` context words, ``~N`` proximity becomes an exact phrase;
- single-word forms (hyphenated compounds included: "pre-handling") are dropped as too
  ambiguous, as are forms equal to their replacement;
- forms that occur in some entry's expected phrase are dropped: the list itself calls that text
  correct ("cloud computing" is listed both ways);
- duplicates are merged; when one form has two different expected phrases the first wins (the
  CSV is ordered by how many papers a fingerprint hit, so the first is the most common).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable, Iterator

from .casing import fold_form
from .entry import LexiconEntry, LexiconError, check_form

PPS_CONFIDENCE = 0.6
_EXCLUDED = "\x00excluded"
PPS_KIND = "tortured-phrase"
_QUERY_TOKEN = re.compile(r'"([^"]*)"(~\d+)?|(\()|(\))|([^\s()"~]+)(~\d+)?|(~\d+)')
_OPERATORS = {"AND", "OR", "NOT", "ADN"}
_TRAILING_ABBREVIATION = re.compile(r"\s*\(\s*[A-Za-z0-9&\-]{1,8}\s*\)\s*$")


@dataclass
class PPSReport:
    """What the loader read, kept, dropped (by reason) and changed (by kind of change)."""

    read: Counter = field(default_factory=Counter)      # rows per file
    kept: int = 0
    dropped: Counter = field(default_factory=Counter)   # reason -> count
    changed: Counter = field(default_factory=Counter)   # cleaning step -> count

    def summary(self) -> str:
        lines = [f"read {sum(self.read.values())} rows "
                 f"({', '.join(f'{n} from {name}' for name, n in self.read.items())})",
                 f"kept {self.kept} entries"]
        for reason, n in self.dropped.most_common():
            lines.append(f"dropped {n}: {reason}")
        for step, n in self.changed.most_common():
            lines.append(f"cleaned {n}: {step}")
        return "\n".join(lines)


@dataclass
class _Raw:
    forms: list[str]
    correct: str
    forbid: list[str]
    where: str


def _normalise_correct(text: str) -> str:
    """Lower-case ordinary words, keep acronyms and mixed case ("iPhone", "GDP")."""
    words = []
    for word in text.split():
        letters = [c for c in word if c.isalpha()]
        keep = (len(letters) >= 2 and all(c.isupper() for c in letters)) or \
            any(c.isupper() for c in word[1:])
        words.append(word if keep else word.lower())
    return " ".join(words)


def parse_query(query: str) -> tuple[list[str], list[str], Counter]:
    """A PPS Dimensions query -> (forms, forbid terms, operators seen).

    Operands before the first ``AND``/``NOT`` are forms (``OR`` joins alternatives); operands after
    ``NOT`` are forbidden context; operands after ``AND`` are ignored. ``OR`` and brackets never
    change which of these an operand is.
    """
    forms: list[str] = []
    forbid: list[str] = []
    seen: Counter = Counter()
    mode = "form"
    for m in _QUERY_TOKEN.finditer(query):
        quoted, prox, lpar, rpar, bare, bare_prox, lone_prox = m.groups()
        if prox or bare_prox or lone_prox:
            seen["~N"] += 1
        if lpar or rpar:
            continue
        if bare is not None and bare in _OPERATORS:
            op = "AND" if bare == "ADN" else bare
            seen[op] += 1
            if op != "OR":
                mode = op
            continue
        operand = " ".join((quoted if quoted is not None else bare or "").split())
        if not operand:
            continue
        if mode == "form":
            forms.append(operand)
        elif mode == "NOT":
            forbid.append(operand)
    return forms, forbid, seen


def _read_csv(path: Path, report: PPSReport) -> Iterator[_Raw]:
    text = path.read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    need = {"tortured_phrase", "expected_phrase"}
    if not reader.fieldnames or not need <= set(reader.fieldnames):
        raise LexiconError(f"expected CSV columns {sorted(need)}, found {reader.fieldnames}",
                           f"{path}:1")
    for row in reader:
        report.read[path.name] += 1
        where = f"{path.name}:{reader.line_num}"
        forms, forbid, seen = parse_query(row["tortured_phrase"] or "")
        for op, n in seen.items():
            report.changed[f"query operator {op} removed"] += n
        if forbid:
            report.changed["NOT operand turned into a forbid= context rule"] += 1
        yield _Raw(forms, row["expected_phrase"] or "", forbid, where)


def _read_json(path: Path, report: PPSReport) -> Iterator[_Raw]:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise LexiconError(f"not valid JSON: {exc.msg}", f"{path}:{exc.lineno}") from None
    items = data.get("phrases") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise LexiconError("expected a list of {tortured, correct} objects (or {'phrases': [...]})",
                           str(path))
    for i, item in enumerate(items, 1):
        report.read[path.name] += 1
        if not isinstance(item, dict) or not isinstance(item.get("tortured"), str) \
                or not isinstance(item.get("correct"), str):
            report.dropped["malformed item"] += 1
            continue
        yield _Raw([item["tortured"]], item["correct"], [], f"{path.name}#{i}")


def _sources(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted(path.glob("*.csv")) + sorted(path.glob("*.json"))
        if not files:
            raise LexiconError("no .csv or .json tortured-phrase file in this folder", str(path))
        return files
    if not path.is_file():
        raise LexiconError("no such file or folder", str(path))
    return [path]


def read_pps(path: str | Path, exclude_forms: Iterable[str] = ()
             ) -> tuple[list[LexiconEntry], PPSReport]:
    """Clean the PPS list at ``path`` (the CSV, the JSON, or a folder holding either or both).

    ``exclude_forms``: forms to leave out (e.g. those the default lexicon already handles, so a
    converted file never overrides a better-cased default entry).
    """
    report = PPSReport()
    entries: list[LexiconEntry] = []
    by_key: dict[str, str] = {fold_form(f): _EXCLUDED for f in exclude_forms}
    for source in _sources(Path(path)):
        rows = _read_json(source, report) if source.suffix.lower() == ".json" \
            else _read_csv(source, report)
        for raw in rows:
            entry = _clean(raw, report, by_key)
            if entry is not None:
                entries.append(entry)
    entries = _drop_forms_inside_corrections(entries, report)
    report.kept = len(entries)
    return entries, report


def _drop_forms_inside_corrections(entries: list[LexiconEntry], report: PPSReport
                                   ) -> list[LexiconEntry]:
    """Drop forms found in some entry's expected phrase: the list calls that text correct.

    ("cloud computing" is listed as tortured for "cloud environment", yet is the expected phrase
    of other entries; keeping it would rewrite correct text and make repair non-idempotent.)
    """
    from .matcher import Lexicon

    lexicon = Lexicon(entries)
    bad: set[str] = set()
    for correct in {e.replacement for e in entries}:
        bad.update(fold_form(m.form) for m in lexicon.find(correct))
    if not bad:
        return entries
    kept = []
    for entry in entries:
        forms = tuple(f for f in entry.forms if fold_form(f) not in bad)
        report.dropped["form occurs in an expected phrase (correct text)"] += \
            len(entry.forms) - len(forms)
        if forms:
            kept.append(replace(entry, forms=forms) if forms != entry.forms else entry)
    return kept


def _clean(raw: _Raw, report: PPSReport, by_key: dict[str, str]) -> LexiconEntry | None:
    correct = " ".join(raw.correct.split())
    if not correct:
        report.dropped["empty expected phrase"] += 1
        return None
    if "?" in correct:
        report.dropped["expected phrase uncertain ('?')"] += 1
        return None
    if not raw.forms:
        report.dropped["no phrase in the query"] += 1
        return None
    padded_correct = f" {_words_key(correct)} "
    if any(f" {_words_key(f)} " in padded_correct for f in raw.forms):
        report.dropped["tortured phrase inside the expected phrase"] += 1
        return None
    stripped = _TRAILING_ABBREVIATION.sub("", correct)
    if stripped != correct and stripped:
        report.changed["trailing (abbreviation) removed from the expected phrase"] += 1
        correct = stripped
    if any(c in correct for c in "()[]{}"):
        report.dropped["expected phrase holds brackets (an explanation)"] += 1
        return None
    if "/" in correct or re.search(r"\b(?:OR|AND)\b", correct) or ";" in correct:
        report.dropped["expected phrase lists alternatives"] += 1
        return None
    correct = _normalise_correct(correct)
    forms = []
    for form in raw.forms:
        form = " ".join(form.lower().split())
        if len(form.split()) < 2:
            report.dropped["form shorter than two words"] += 1
            continue
        if fold_form(form) == fold_form(correct):
            report.dropped["form equals the expected phrase"] += 1
            continue
        try:
            check_form(form)
        except ValueError:
            report.dropped["form is not literal text"] += 1
            continue
        key = fold_form(form)
        if by_key.get(key) == _EXCLUDED:
            report.dropped["form already in the default lexicon"] += 1
            continue
        if key in by_key:
            reason = "duplicate" if fold_form(by_key[key]) == fold_form(correct) else \
                "same form, another expected phrase (first kept)"
            report.dropped[reason] += 1
            continue
        by_key[key] = correct
        forms.append(form)
    if not forms:
        return None
    forbid = tuple(dict.fromkeys(_forbid_term(f, forms) for f in raw.forbid if _forbid_term(f, forms)))
    return LexiconEntry(tuple(forms), correct, kind=PPS_KIND, forbid=forbid,
                        confidence=PPS_CONFIDENCE, note="PPS tortured-phrase list", source=raw.where)


def _words_key(text: str) -> str:
    """Words only, lower case: "[Neural network] layer" -> "neural network layer"."""
    return " ".join(re.findall(r"[^\W_]+", text.lower()))


def _forbid_term(operand: str, forms: list[str]) -> str:
    """A NOT operand as a context word; one that contains the form keeps only the rest."""
    text = operand.lower()
    for form in forms:
        if form in text:
            text = text.replace(form, " ")
    text = " ".join(text.split())
    return text if re.search(r"[^\W_]", text) else ""


def load_pps(path: str | Path):
    """The cleaned PPS list as a :class:`~unmangle.lexicon.Lexicon` (opt-in; never a default)."""
    from .matcher import Lexicon

    entries, _ = read_pps(path)
    return Lexicon(entries)
