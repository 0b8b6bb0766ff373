"""The contract every stage keeps.

A stage is an object with a ``name`` and a ``propose(text)`` method returning non-overlapping
:class:`~unmangle.edits.Edit` objects whose spans index ``text``. A stage never mutates anything:
the :class:`~unmangle.pipeline.Repairer` decides whether to apply what it proposes, so any stage can
be switched off, reordered or run alone to see what it would do.

Two optional flags shape how the Repairer runs them. A stage with ``removes_text = True``
(boilerplate, duplicates) deletes whole units, and what stood around a unit then meets: "years. "
and ". Next" make "years. . Next". A stage with ``tidies = True`` (normalize) fixes such joins.
The Repairer runs it again as ``propose(text, around=offsets)`` on the lines where a later
removal joined its neighbours. Repairing the output again then finds nothing more to do.
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
