"""Batches of similar length: less padding for the network to compute."""

from __future__ import annotations


def length_batches(texts: list[str], batch_size: int) -> list[list[int]]:
    """Indices of ``texts`` in batches of similar length."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    return [order[k:k + batch_size] for k in range(0, len(order), batch_size)]
