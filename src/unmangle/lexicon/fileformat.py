"""Reading and writing lexicon files: TSV (the project format) and YAML.

TSV, one entry a line, columns separated by TAB, ``#`` starts a comment line::

    forms	replacement	kind	rules	confidence	note
    Ticketok | Tiktok app	TikTok	entity	-	0.95	seed article: "the Ticketok social network"
    Tennessee	Tencent	entity	require=Holdings|WeChat|QQ; window=12	0.85	Tencent rendered as a US state

- ``forms``: one or more corrupted forms, separated by `` | ``; literal text, matched ignoring case
  at word boundaries.
- ``replacement``: the intended text.
- ``kind``: ``entity``, ``phrase``, ``term`` or ``tortured-phrase``.
- ``rules``: ``-`` for none, else ``key=value`` pairs separated by ``;``: ``require=A|B`` (one of
  these must occur nearby), ``forbid=A|B`` (none may), ``window=N`` (words each side, default 12)
  or ``window=sentence``, ``case=sensitive``.
- ``confidence``: a number in (0, 1]; ``note``: free text (optional).

YAML: a list of mappings with the keys ``forms`` (text or list), ``replacement``, ``kind``,
``require`` and ``forbid`` (lists, or text separated by ``|``), ``window``, ``case_sensitive``,
``confidence``, ``note``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Sequence

from ..atomic import write_text_atomic
from .entry import (DEFAULT_CONFIDENCE, DEFAULT_WINDOW, KINDS, SENTENCE, LexiconEntry,
                    LexiconError)

TSV_COLUMNS: tuple[str, ...] = ("forms", "replacement", "kind", "rules", "confidence", "note")
TSV_SUFFIXES = (".tsv", ".tab", ".txt")
YAML_SUFFIXES = (".yaml", ".yml")
_RULE_KEYS = ("require", "forbid", "window", "case")
_YAML_KEYS = ("forms", "replacement", "kind", "require", "forbid", "window", "case_sensitive",
              "confidence", "note")


def lexicon_files(folder: str | Path) -> list[Path]:
    """The lexicon files in ``folder`` (TSV and YAML), sorted by name; hidden files skipped."""
    folder = Path(folder)
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and not p.name.startswith(".")
                  and p.suffix.lower() in (".tsv",) + YAML_SUFFIXES)


def read_entries(path: str | Path) -> list[LexiconEntry]:
    """Parse one lexicon file. Every error names the file and, where it can, the line."""
    path = Path(path)
    if not path.is_file():
        raise LexiconError("no such lexicon file", str(path))
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise LexiconError(f"not valid UTF-8 (byte {exc.start}); save the file as UTF-8",
                           f"{path}:{line}") from None
    if path.suffix.lower() in YAML_SUFFIXES:
        return _read_yaml(text, path)
    return _read_tsv(text, path)


# -- TSV --------------------------------------------------------------------------------------------

def _read_tsv(text: str, path: Path) -> list[LexiconEntry]:
    entries: list[LexiconEntry] = []
    header_seen = False
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        where = f"{path.name}:{lineno}"
        cells = line.split("\t")
        if not header_seen:
            names = tuple(c.strip().lower() for c in cells)
            if names not in (TSV_COLUMNS, TSV_COLUMNS[:-1]):
                raise LexiconError(
                    "expected the header row " + "<TAB>".join(TSV_COLUMNS) + f", found {line[:80]!r}"
                    " (columns are separated by TAB characters)", f"{path}:{lineno}")
            header_seen = True
            continue
        if len(cells) == len(TSV_COLUMNS) - 1:
            cells.append("")
        if len(cells) != len(TSV_COLUMNS):
            raise LexiconError(
                f"expected {len(TSV_COLUMNS) - 1} or {len(TSV_COLUMNS)} TAB-separated columns "
                f"({', '.join(TSV_COLUMNS)}), found {len(cells)}", f"{path}:{lineno}")
        forms, replacement, kind, rules, confidence, note = (c.strip() for c in cells)
        try:
            options = parse_rules(rules)
            entry = LexiconEntry(
                forms=tuple(f.strip() for f in forms.split("|")),
                replacement=replacement, kind=kind, confidence=_parse_confidence(confidence),
                note=note, source=where, **options)
        except ValueError as exc:
            raise LexiconError(str(exc), f"{path}:{lineno}") from None
        entries.append(entry)
    if not header_seen:
        raise LexiconError("empty lexicon file (no header row)", str(path))
    return entries


def _parse_confidence(text: str) -> float:
    if not text:
        return DEFAULT_CONFIDENCE
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"confidence must be a number in (0, 1], got {text!r}") from None


def parse_rules(text: str) -> dict:
    """``require=A|B; forbid=C; window=sentence; case=sensitive`` -> LexiconEntry keyword args."""
    options: dict = {}
    text = text.strip()
    if text in ("", "-"):
        return options
    for part in text.split(";"):
        part = part.strip()
        if not part:
            continue
        key, sep, value = part.partition("=")
        key, value = key.strip().lower(), value.strip()
        if not sep or key not in _RULE_KEYS:
            raise ValueError(f"bad rule {part!r}: rules are " +
                             ", ".join(f"{k}=..." for k in _RULE_KEYS) + " separated by ';'")
        if key in options or (key == "case" and "case_sensitive" in options):
            raise ValueError(f"rule {key!r} given twice")
        if key in ("require", "forbid"):
            terms = tuple(t.strip() for t in value.split("|"))
            if not value or any(not t for t in terms):
                raise ValueError(f"{key}= needs words separated by '|', got {value!r}")
            options[key] = terms
        elif key == "window":
            options["window"] = _parse_window(value)
        else:
            if value.lower() not in ("sensitive", "insensitive"):
                raise ValueError(f"case= is 'sensitive' or 'insensitive', got {value!r}")
            options["case_sensitive"] = value.lower() == "sensitive"
    return options


def _parse_window(value: object) -> int | str:
    if isinstance(value, str) and value.strip().lower() == SENTENCE:
        return SENTENCE
    try:
        return int(str(value).strip())
    except ValueError:
        raise ValueError(f"window= is a number of words or 'sentence', got {value!r}") from None


def _tsv_cell(text: str) -> str:
    return " ".join(str(text).split())


def format_tsv(items: Iterable[tuple[LexiconEntry, Sequence[str]]], header_comment: str = "") -> str:
    lines = [f"# {line}" if line else "#" for line in header_comment.splitlines()]
    lines.append("\t".join(TSV_COLUMNS))
    for entry, forms in items:
        lines.append("\t".join([
            " | ".join(_tsv_cell(f) for f in forms), _tsv_cell(entry.replacement), entry.kind,
            entry.rules_text(), f"{entry.confidence:.3g}", _tsv_cell(entry.note),
        ]))
    return "\n".join(lines) + "\n"


# -- YAML -------------------------------------------------------------------------------------------

def _read_yaml(text: str, path: Path) -> list[LexiconEntry]:
    import yaml

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        raise LexiconError(f"not valid YAML: {getattr(exc, 'problem', exc)}", where) from None
    if root is None:
        raise LexiconError("empty lexicon file", str(path))
    if not isinstance(root, yaml.SequenceNode):
        raise LexiconError("a YAML lexicon is a list of entries (lines starting with '- ')",
                           f"{path}:{root.start_mark.line + 1}")
    constructor = yaml.SafeLoader("")
    entries = []
    for node in root.value:
        lineno = node.start_mark.line + 1
        where = f"{path}:{lineno}"
        if not isinstance(node, yaml.MappingNode):
            raise LexiconError("each entry is a mapping (forms:, replacement:, ...)", where)
        item = constructor.construct_mapping(node, deep=True)
        try:
            entries.append(_entry_from_mapping(item, f"{path.name}:{lineno}"))
        except (ValueError, TypeError) as exc:
            raise LexiconError(str(exc), where) from None
    return entries


def _terms(value: object, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(t.strip() for t in value.split("|"))
    if isinstance(value, list) and all(isinstance(t, str) for t in value):
        return tuple(value)
    raise ValueError(f"{key}: give a list of words or text separated by '|'")


def _entry_from_mapping(item: dict, source: str) -> LexiconEntry:
    unknown = set(item) - set(_YAML_KEYS)
    if unknown:
        raise ValueError(f"unknown key(s) {sorted(map(str, unknown))}; keys are {', '.join(_YAML_KEYS)}")
    for key in ("forms", "replacement", "kind"):
        if key not in item:
            raise ValueError(f"missing {key!r}")
    forms = item["forms"]
    if isinstance(forms, str):
        forms = [f.strip() for f in forms.split("|")]
    if not isinstance(forms, list) or not all(isinstance(f, str) for f in forms):
        raise ValueError("forms: give a list of texts (or text separated by '|')")
    for key in ("replacement", "kind", "note"):
        if key in item and item[key] is not None and not isinstance(item[key], str):
            raise ValueError(f"{key} must be text, got {item[key]!r}")
    case = item.get("case_sensitive", False)
    if not isinstance(case, bool):
        raise ValueError(f"case_sensitive is true or false, got {case!r}")
    confidence = item.get("confidence", DEFAULT_CONFIDENCE)
    if isinstance(confidence, str):
        confidence = _parse_confidence(confidence)
    return LexiconEntry(
        forms=tuple(forms), replacement=item["replacement"], kind=item["kind"],
        require=_terms(item.get("require"), "require"), forbid=_terms(item.get("forbid"), "forbid"),
        window=_parse_window(item.get("window", DEFAULT_WINDOW)), case_sensitive=case,
        confidence=confidence, note=item.get("note") or "", source=source)


def format_yaml(items: Iterable[tuple[LexiconEntry, Sequence[str]]]) -> str:
    import yaml

    out = []
    for entry, forms in items:
        item: dict = {"forms": list(forms), "replacement": entry.replacement, "kind": entry.kind}
        if entry.require:
            item["require"] = list(entry.require)
        if entry.forbid:
            item["forbid"] = list(entry.forbid)
        if entry.has_context_rule and entry.window != DEFAULT_WINDOW:
            item["window"] = entry.window
        if entry.case_sensitive:
            item["case_sensitive"] = True
        item["confidence"] = entry.confidence
        if entry.note:
            item["note"] = entry.note
        out.append(item)
    return yaml.safe_dump(out, allow_unicode=True, sort_keys=False, width=100)


def write_entries(path: str | Path, items: Iterable[tuple[LexiconEntry, Sequence[str]]],
                  header_comment: str = "") -> None:
    """Write entries atomically (never a half-written file)."""
    path = Path(path)
    if path.suffix.lower() in YAML_SUFFIXES:
        body = format_yaml(items)
        if header_comment:
            body = "".join(f"# {line}\n" for line in header_comment.splitlines()) + body
    else:
        body = format_tsv(items, header_comment)
    write_text_atomic(path, body, newline="\n")


__all__ = ["KINDS", "TSV_COLUMNS", "format_tsv", "lexicon_files", "parse_rules", "read_entries",
           "write_entries"]
