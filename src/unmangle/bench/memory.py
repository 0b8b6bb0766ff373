"""Peak memory of one benchmarked system, measured inside this process.

Method (recorded in each result as ``memory.method``):

``vmhwm-reset``
    On Linux the process's peak resident set (``VmHWM``) is reset to the current RSS by writing ``5``
    to ``/proc/self/clear_refs`` just before the system runs, and read from ``/proc/self/status``
    after it. ``peak_rss_mb`` is then the whole process's peak *while that system ran* (interpreter,
    libraries and loaded models included); ``added_mb`` is that peak minus the RSS just before.
``ru_maxrss``
    Elsewhere: ``resource.getrusage(RUSAGE_SELF).ru_maxrss``, the process's peak since it started,
    so a later system's figure can include an earlier one's peak; ``added_mb`` is the increase of
    that high-water mark during the run (0 when an earlier peak was higher).

``python_peak_mb`` (only with ``trace_memory``) is tracemalloc's peak of Python allocations during a
separate, untimed pass: tracemalloc slows allocation-heavy code, so it never runs in the timed pass.
"""

from __future__ import annotations

import sys
from pathlib import Path

_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")


def _status_kb(key: str) -> int | None:
    try:
        for line in _STATUS.read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return None


def _ru_maxrss_mb() -> float:
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024  # bytes on macOS


def current_rss_mb() -> float | None:
    kb = _status_kb("VmRSS")
    return kb / 1024 if kb is not None else None


class PeakMemory:
    """``with PeakMemory() as m: ...`` then ``m.result()``: the peak while the block ran."""

    def __enter__(self) -> "PeakMemory":
        self.method = "ru_maxrss"
        try:
            _CLEAR_REFS.write_text("5")
            if _status_kb("VmHWM") is not None:
                self.method = "vmhwm-reset"
        except OSError:
            pass
        self.before = current_rss_mb()
        self.before_peak = _ru_maxrss_mb()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.method == "vmhwm-reset":
            self.peak = (_status_kb("VmHWM") or 0) / 1024
            self.added = self.peak - (self.before or 0.0)
        else:
            self.peak = _ru_maxrss_mb()
            self.added = self.peak - self.before_peak
        self.after = current_rss_mb()

    def result(self) -> dict:
        return {"method": self.method, "peak_rss_mb": round(self.peak, 1),
                "added_mb": round(max(self.added, 0.0), 1),
                "rss_before_mb": round(self.before, 1) if self.before is not None else None}
