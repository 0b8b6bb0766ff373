"""Pipeline stages. Each stage proposes edits on the current text; see :mod:`unmangle.stages.base`."""

from .base import Stage

__all__ = ["Stage"]
