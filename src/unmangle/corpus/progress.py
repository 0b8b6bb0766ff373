"""Progress: a tqdm bar (documents, words/s, ETA) on a terminal, a plain line every so often otherwise."""

from __future__ import annotations

import sys
import time
from typing import Optional, TextIO


def _eta(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class Progress:
    """Counts documents and words; shows them as a bar (TTY) or as log lines (every ``interval`` s)."""

    def __init__(self, total: Optional[int], initial: int = 0, *, stream: Optional[TextIO] = None,
                 interval: float = 10.0, enabled: bool = True, tty: Optional[bool] = None) -> None:
        self.stream = stream or sys.stderr
        self.total = total
        self.docs = initial
        self.initial = initial
        self.words = 0
        self.start = time.monotonic()
        self.last_log = self.start
        self.interval = interval
        self.enabled = enabled
        self.bar = None
        if tty is None:
            tty = bool(getattr(self.stream, "isatty", lambda: False)())
        if enabled and tty:
            from tqdm import tqdm

            self.bar = tqdm(total=total, initial=initial, unit="doc", file=self.stream,
                            dynamic_ncols=True, smoothing=0.1)

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.start

    @property
    def words_per_second(self) -> float:
        return self.words / max(self.elapsed, 1e-9)

    def update(self, docs: int, words: int) -> None:
        self.docs += docs
        self.words += words
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.update(docs)
            self.bar.set_postfix_str(f"{self.words_per_second:,.0f} words/s", refresh=False)
            return
        now = time.monotonic()
        if now - self.last_log >= self.interval:
            self.last_log = now
            print(self.line(), file=self.stream, flush=True)

    def line(self) -> str:
        done = self.docs - self.initial
        rate = done / max(self.elapsed, 1e-9)
        text = f"{self.docs:,} docs"
        if self.total:
            text += f" of ~{self.total:,}"
        text += f", {self.words_per_second:,.0f} words/s, {rate:,.1f} docs/s"
        if self.total and rate > 0 and self.total > self.docs:
            text += f", ETA {_eta((self.total - self.docs) / rate)}"
        return text

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
