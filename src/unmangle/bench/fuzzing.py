"""Checks that hostile input never crashes unmangle and never loses text (used by the fuzzers).

Each ``check_*`` function feeds one input to one entry point and raises :class:`InvariantError`
when a promise is broken: an exception other than the documented ones, edits that do not rebuild
the result from the input, a revert that does not restore it, or a second repair that still
changes something. ``hostile_text`` turns fuzzer bytes into text built from the pieces that break
text tools (NUL, lone surrogates, RTL and combining marks, emoji, CRLF and lone CR, BOM, mixed
scripts, very long lines, many empty lines). ``tests/test_fuzz.py`` drives them with hypothesis for
a few seconds; ``benchmarks/fuzz.py`` with atheris for as long as it is given.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from ..edits import apply_edits, revert_edits


class InvariantError(AssertionError):
    """A broken promise: the message says which, for which input."""


# Pieces hostile text is made of (chosen by the fuzzer's bytes).
PIECES: tuple[str, ...] = (
    "The the", " .", " ,", "..", "Mr.", "U.S.", "“", "”", "'", "’", " ", "  ", "\t", "\n", "\n\n",
    "\r\n", "\r", "\x00", "\ufeff", "\ud800", "\udfff", "\u202e", "\u200f", "\u0301", "\u0308",
    "😀", "👩‍👩‍👧", "مرحبا بالعالم", "שלום", "你好世界。", "Привет , мир", "Ã©", "â€™", "&amp;",
    "ﬁ", "The company said on Monday that profits rose sharply .",
    "Ini biasa biasa saja , amat amat bagus .", "https://example.com/a.b?x=1 .", "$ 35", "1,000",
    "?", "!", "-", "•", "(", ")", "\u00a0", "\u2028", "\u2029", "\x0b", "\x0c", "\x85", "\x1c",
    "Subscribe now", "Leave a Reply", "is is", "a a", "in in", "…",
)
#: Rare, slow pieces: a 1 MB line, 10,000 empty lines.
BIG_PIECES: tuple[str, ...] = ("word " * 200_000, "\n" * 10_000, "\r\n" * 10_000)


def hostile_text(data: bytes, *, big: bool = False) -> str:
    """Text from fuzzer bytes: each byte picks a piece; a 0xFF byte, when ``big``, a big one."""
    out = []
    for i, b in enumerate(data):
        if big and b == 0xFF and i + 1 < len(data):
            out.append(BIG_PIECES[data[i + 1] % len(BIG_PIECES)])
        else:
            out.append(PIECES[b % len(PIECES)])
    return "".join(out)


def check_repair(repairer, text: str) -> None:
    """``repairer`` never raises on text; its edits rebuild the result, revert restores the input,
    every character outside an edit survives, and repairing the result changes nothing."""
    result = repairer.repair_document(text)
    if result.original is not text and result.original != text:
        raise InvariantError(f"result.original is not the input for {text[:80]!r}")
    rebuilt = apply_edits(text, result.edits)
    if rebuilt != result.text:
        raise InvariantError(f"apply_edits(original, edits) != text for {text[:80]!r}")
    if revert_edits(result.text, result.edits) != text:
        raise InvariantError(f"revert_edits does not restore the input {text[:80]!r}")
    again = repairer.repair_document(result.text)
    if again.edits:
        raise InvariantError(
            f"second repair changes {[(e.old, e.new, e.stage) for e in again.edits][:3]} "
            f"in {result.text[:120]!r} (input {text[:120]!r})")


def check_detect(text: str) -> None:
    """``detect`` (lexicon only) never raises on text; spans lie in the text and say what is there."""
    from ..detection import detect

    for span in detect(text, model=None):
        if not (0 <= span.start <= span.end <= len(text)) or text[span.start:span.end] != span.text:
            raise InvariantError(f"detect span {span} does not match the text {text[:80]!r}")


def _with_file(data: bytes, name: str, action) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        action(path)


def check_lexicon_file(data: bytes, suffix: str = ".tsv") -> None:
    """Reading any bytes as a lexicon file raises only :class:`LexiconError`."""
    from ..lexicon import Lexicon, LexiconError

    def read(path: Path) -> None:
        try:
            lexicon = Lexicon.from_file(path)
            lexicon.find("The the quick brown fox .")
        except LexiconError:
            pass

    _with_file(data, "lexicon" + suffix, read)


def check_pairs_file(data: bytes, fmt: str) -> None:
    """Reading any bytes as a pair file (jsonl, tsv, csv, text) raises only
    :class:`PairFormatError`, strict or skipping bad records."""
    from ..pairs import PairFormatError, read_pairs

    def read(path: Path) -> None:
        for skip_bad in (False, True):
            try:
                for pair in read_pairs(path, fmt=fmt, skip_bad=skip_bad):
                    if not isinstance(pair.source, str):
                        raise InvariantError(f"pair source is {type(pair.source).__name__}")
            except PairFormatError:
                pass

    _with_file(data, "pairs." + fmt, read)


def check_model_folder(meta: bytes, *, read: bool = True) -> None:
    """A folder with every required file but a fuzzed ``unmangle.json``: checking it raises only
    :class:`ModelFolderError`, reading its settings only ``ValueError``, opening it only
    :class:`ModelFolderError`."""
    from ..model_folder import REQUIRED_FILES, ModelFolder, ModelFolderError, check_model_dir, read_metadata

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name in REQUIRED_FILES:
            (folder / name).write_bytes(b"{}")
        (folder / "unmangle.json").write_bytes(meta)
        try:
            check_model_dir(folder)
        except ModelFolderError:
            return
        if not read:
            return
        try:
            read_metadata(folder)
        except ValueError:
            pass
        try:
            ModelFolder(folder)
        except ModelFolderError:
            pass


def json_variants(data: bytes) -> bytes:
    """``unmangle.json``-like bytes: valid documents with fields of wrong types, or truncated ones."""
    values = [None, 1, -1, 0.5, "x", [], {}, [1, "a"], {"a": 1}, True, 1e308]
    d = data + bytes(8)  # every choice below has a byte

    def pick(i: int):
        return values[d[i] % len(values)]

    meta = {"format_version": pick(0) if d[0] % 3 == 0 else 1,
            "inference": {"threshold": pick(1), "detect_threshold": pick(2), "max_length": pick(3)}
            if d[1] % 4 else pick(4),
            "training": pick(5)}
    text = json.dumps(meta).encode()
    if d[6] % 3 == 0:
        text = text[: d[7] % max(1, len(text))]  # truncated
    return text
