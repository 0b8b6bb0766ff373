"""Repair whole corpora: files and folders in, shards out, on one machine or on a Ray cluster.

``unmangle repair-corpus`` is the command; :func:`repair_records` and :func:`repair_dataset` are the
Python forms. See docs/CORPUS.md.
"""

from __future__ import annotations

from .api import repair_dataset, repair_records
from .engine import CorpusJob, RunSummary, run_local

__all__ = ["CorpusJob", "RunSummary", "repair_dataset", "repair_records", "run_local"]
