"""unmangle: find and repair machine-mangled English.

>>> from unmangle import repair
>>> repair("Ant's $ 35 billion public offering .", fast=True)
"Ant's $35 billion public offering."
"""

from __future__ import annotations

__version__ = "0.1.0"

from .edits import Edit, apply_edits, revert_edits
from .pipeline import Repairer, RepairResult, repair, repair_many

__all__ = ["Edit", "Repairer", "RepairResult", "apply_edits", "repair", "repair_many", "revert_edits", "__version__"]
