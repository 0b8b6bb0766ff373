"""What the detector finds, as plain records (no torch: ``detect`` and reports use them)."""

from __future__ import annotations

from dataclasses import dataclass

#: (start, end, probability) of each chunk of a piece
ChunkScores = list[tuple[int, int, float]]


@dataclass(frozen=True)
class FlaggedSpan:
    """A region the detector finds suspicious; offsets index the text passed to ``detect``."""

    start: int
    end: int
    text: str
    score: float
    source: str = "model"


@dataclass
class Region:
    """A flagged run of chunks: ``sentence[start:end]``, the sentence at ``sent_start`` of its text."""

    sent_start: int  # offset of the sentence (or window) in the document
    sentence: str
    start: int  # region offsets inside ``sentence``
    end: int
    score: float


@dataclass
class ScannedPiece:
    """One sentence window of text number ``owner`` with its chunk scores."""

    owner: int
    offset: int
    piece: str
    scores: ChunkScores
