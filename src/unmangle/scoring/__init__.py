"""Is this text machine-mangled? A calibrated probability per document and per paragraph."""

from .api import DocumentScore, ParagraphScore, score_document

__all__ = ["DocumentScore", "ParagraphScore", "score_document"]
