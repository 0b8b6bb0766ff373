"""What a benchmark ran on: versions, machine and date, recorded beside every result."""

from __future__ import annotations

import datetime as _dt
import os
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path

#: Packages whose versions change results or speed.
PACKAGES = ("unmangle", "torch", "transformers", "tokenizers", "sacrebleu", "ftfy", "pyahocorasick",
            "wordfreq", "numpy", "datasets")


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def cpu_model() -> str:
    """The CPU's model name (Linux /proc/cpuinfo; platform.processor() elsewhere)."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def cpu_has_amx() -> bool:
    """Whether the CPU has AMX bf16 tiles (Linux /proc/cpuinfo): there oneDNN's bf16 products
    are not exactly batch-independent (benchmarks/RESULTS.md)."""
    try:
        return "amx_bf16" in Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def memory_total_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except (OSError, ValueError):
        pass
    return None


def git_revision(start: Path | None = None) -> str | None:
    """``git describe``-like revision of the checkout holding this package (``+dirty`` if changed)."""
    here = start or Path(__file__).resolve().parent
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=here, capture_output=True,
                             text=True, timeout=5)
        if rev.returncode != 0:
            return None
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=here,
                               capture_output=True, text=True, timeout=10)
        return rev.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return None


def environment() -> dict:
    """Versions, machine and date as a JSON-ready dict."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {
        "date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpu": cpu_model(),
        "nproc": usable,
        "memory_gb": memory_total_gb(),
        "git": git_revision(),
        "versions": {name: _version(name) for name in PACKAGES},
    }


def machine_line(env: dict) -> str:
    """One line naming the machine, for reports."""
    mem = f", {env['memory_gb']} GB RAM" if env.get("memory_gb") else ""
    return f"{env.get('nproc')} CPU cores ({env.get('cpu')}){mem}, Python {env.get('python')}"
