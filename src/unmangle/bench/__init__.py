"""The benchmark harness: run systems on pairs beside "leave it alone", score, report, compare.

>>> from unmangle.bench import run_benchmark, to_markdown
>>> from unmangle.pairs import read_pairs
>>> result = run_benchmark(read_pairs("pairs.jsonl"), {"fast": Repairer(fast=True)})  # doctest: +SKIP
>>> print(to_markdown(result))                                                      # doctest: +SKIP

The same from the shell: ``unmangle bench pairs.jsonl``.
"""

from __future__ import annotations

from .compare import compare_results
from .report import flat_system, load_result, plot, to_markdown, write_json
from .runner import run_benchmark, run_system
from .systems import STANDARD_SYSTEMS, System, as_system, build_system, build_systems

__all__ = ["STANDARD_SYSTEMS", "System", "as_system", "build_system", "build_systems",
           "compare_results", "flat_system", "load_result", "plot", "run_benchmark", "run_system",
           "to_markdown", "write_json"]
