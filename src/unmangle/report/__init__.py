"""Ways to show a repair to a person: an HTML review page and a word-level terminal diff."""

from __future__ import annotations

from .flags import Flag, unchanged_flags
from .html import render_report
from .worddiff import word_diff

__all__ = ["Flag", "render_report", "unchanged_flags", "word_diff"]
