"""The contract every stage keeps.

A stage is an object with a ``name`` and a ``propose(text)`` method returning non-overlapping
:class:`~unmangle.edits.Edit` objects whose spans index ``text``. A stage never mutates anything:
the :class:`~unmangle.pipeline.Repairer` decides whether to apply what it proposes, so any stage can
be switched off, reordered or run alone to see what it would do.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from ..edits import Edit


@runtime_checkable
class Stage(Protocol):
    """Something that looks at a text and proposes edits to it."""

    name: str

    def propose(self, text: str) -> list[Edit]:
        """Edits for ``text``: spans index ``text``, sorted or not, never overlapping."""
        ...
