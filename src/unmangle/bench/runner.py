"""Run systems over pairs, time them, measure their memory and score them, all in one run.

Every result carries the leave-it-alone baseline (``identity``) computed in the same run, so a
system's numbers are always read against doing nothing.
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from typing import Any, Callable, Iterable, Mapping, Sequence

from ..metrics import Scorer, signatures
from ..pairs import Pair
from .environment import environment
from .excerpt import changes as excerpt_changes
from .excerpt import edit_excerpt
from .memory import PeakMemory
from .systems import System, as_system, build_system

SCHEMA = "unmangle-bench/1"


def _as_pair(item: Any, k: int) -> Pair:
    if isinstance(item, Pair):
        return item
    if isinstance(item, str):
        return Pair(item, None, None, str(k + 1), k + 1)
    if isinstance(item, (tuple, list)) and len(item) in (2, 3):
        return Pair(item[0], item[1], item[2] if len(item) == 3 else None, str(k + 1), k + 1)
    raise TypeError(f"pair {k + 1} is {type(item).__name__}: give Pair objects, (source, target) "
                    "tuples or input strings")


def _group_key(group_by: str | Callable[[Pair], Any] | None) -> Callable[[Pair], Any] | None:
    if group_by is None or callable(group_by):
        return group_by
    return lambda pair: pair.meta.get(group_by, "(none)")


def _harmed(pairs: list[Pair], outputs: list[str], limit: int,
            redact: Callable[[Pair], bool] | None = None) -> list[dict]:
    """The first ``limit`` already-correct inputs the system changed, with what it changed: each
    change in a few words of context (:mod:`.excerpt`), never the whole input; only the id and the
    number of changes for pairs ``redact`` says must not be stored at all."""
    out = []
    for pair, output in zip(pairs, outputs):
        if pair.target == pair.source and output != pair.source:
            changes = excerpt_changes(pair.source, output)
            if redact is not None and redact(pair):
                out.append({"id": pair.id, "changes": [f"{len(changes)} change(s); text not "
                                                        "stored (evaluation-only data)"]})
            else:
                out.append({"id": pair.id, "changes": changes})
            if len(out) >= limit:
                break
    return out


def run_system(system: System, inputs: list[str], *, batch_size: int = 32, progress: bool = True,
               keep_edits: bool = False, trace_memory: bool = False,
               desc: str | None = None) -> tuple[list[str], dict, list | None]:
    """Outputs of ``system`` for ``inputs``, with speed and memory (and edits if asked)."""
    from tqdm.auto import tqdm

    words = sum(len(text.split()) for text in inputs)
    size = sum(len(text.encode("utf-8")) for text in inputs)
    warm = time.perf_counter()
    if inputs:
        system.run(inputs[:1])  # first call may import or compile lazily; not timed
    warm_s = time.perf_counter() - warm
    outputs: list[str] = []
    edits: list | None = [] if keep_edits and system.repairer is not None else None
    bar = tqdm(total=len(inputs), desc=desc or system.name, unit="text", disable=None if progress else True,
               leave=False, file=sys.stderr)
    with PeakMemory() as mem:
        started = time.perf_counter()
        for k in range(0, len(inputs), batch_size):
            batch = inputs[k:k + batch_size]
            outs, batch_edits = system.run(batch, with_edits=edits is not None)
            if edits is not None:
                edits.extend(batch_edits or [])
            outputs.extend(outs)
            bar.update(len(batch))
        seconds = time.perf_counter() - started
    bar.close()
    speed = {
        "seconds": round(seconds, 3),
        "words": words,
        "words_per_s": round(words / seconds, 1) if seconds > 0 and system.report_speed else None,
        "mb_per_s": round(size / 1e6 / seconds, 3) if seconds > 0 and system.report_speed else None,
        "load_s": round(system.load_s, 3),
        "warmup_s": round(warm_s, 3),
        "batch_size": batch_size,
    }
    memory = mem.result()
    if trace_memory:
        tracemalloc.start()
        try:
            for k in range(0, len(inputs), batch_size):
                system.run(inputs[k:k + batch_size])
            memory["python_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 3)
        finally:
            tracemalloc.stop()
    return outputs, {"speed": speed, "memory": memory}, edits


def run_benchmark(
    pairs: Iterable[Any],
    systems: Mapping[str, Any] | Sequence[str] | None = None,
    *,
    name: str = "bench",
    group_by: str | Callable[[Pair], Any] | None = None,
    batch_size: int = 32,
    progress: bool = True,
    keep_edits: bool = False,
    keep_outputs: bool = False,
    trace_memory: bool = False,
    max_harmed: int = 20,
    redact: Callable[[Pair], bool] | None = None,
    data_info: Mapping[str, Any] | None = None,
    config: Mapping[str, Any] | None = None,
) -> dict:
    """Run every system on ``pairs`` and score it; returns a JSON-ready result dict.

    ``pairs``: :class:`~unmangle.pairs.Pair` objects, ``(source, target[, spans])`` tuples or plain
    input strings (no reference). ``systems``: name -> System, Repairer, batch callable
    (``list[str] -> list[str]``) or standard name, or a list of standard names (``identity``,
    ``fast``, ``full``, ``model:DIR``); default identity and fast. ``identity`` is always added.
    ``group_by``: a ``Pair.meta`` field name (e.g. MLQE-PE's ``pair``) or a function, for scores
    per group besides the overall ones. ``keep_edits``: list each Repairer edit per input (its
    offsets, and its old and new text in a few words of context, see :mod:`.excerpt`: results are
    meant to be committed, the inputs often may not be);
    ``keep_outputs``: store every output. ``trace_memory``: add tracemalloc's Python peak (an extra,
    untimed pass per system). ``max_harmed``: how many already-correct inputs that a system
    changed to keep as examples (``harmed``); ``redact(pair)`` true keeps no text of that pair
    (for evaluation-only corpora that must not be copied into results). ``data_info`` and
    ``config`` are stored as given.
    """
    pair_list = [_as_pair(item, k) for k, item in enumerate(pairs)]
    if not pair_list:
        raise ValueError("no pairs to benchmark")
    inputs = [p.source for p in pair_list]
    references = [p.target for p in pair_list]
    scorer = Scorer(inputs, references, [p.spans for p in pair_list])

    chosen: dict[str, System] = {}
    if systems is None:
        systems = ["fast"]
    given = dict(systems) if isinstance(systems, Mapping) else {n: n for n in systems}
    if "identity" not in given:
        chosen["identity"] = build_system("identity")
    for sys_name, obj in given.items():
        chosen[sys_name] = as_system(sys_name, obj)

    key = _group_key(group_by)
    groups: dict[str, list[int]] = {}
    if key is not None:
        for k, pair in enumerate(pair_list):
            groups.setdefault(str(key(pair)), []).append(k)

    result: dict[str, Any] = {
        "schema": SCHEMA,
        "name": name,
        "config": dict(config or {}),
        "data": {
            "pairs": len(pair_list),
            "words": sum(len(t.split()) for t in inputs),
            "with_reference": scorer.has_references,
            "labelled_spans": sum(len(p.spans or []) for p in pair_list),
            "already_correct": (sum(p.target == p.source for p in pair_list)
                                if scorer.has_references else None),
            "groups": {g: len(ix) for g, ix in groups.items()} or None,
            **dict(data_info or {}),
        },
        "environment": environment(),
        "metrics": {"sacrebleu": None, "definitions": "unmangle.metrics.scorer (module docstring)"},
        "systems": {},
    }
    for sys_name, system in chosen.items():
        outputs, measured, edits = run_system(system, inputs, batch_size=batch_size,
                                              progress=progress, keep_edits=keep_edits,
                                              trace_memory=trace_memory,
                                              desc=f"{name}: {sys_name}")
        entry: dict[str, Any] = {
            "description": system.description,
            "info": system.info,
            **measured,
            "overall": scorer.score(outputs),
        }
        if scorer.has_references:
            entry["harmed"] = _harmed(pair_list, outputs, max_harmed, redact)
        if groups:
            entry["groups"] = {g: scorer.score(outputs, ix) for g, ix in sorted(groups.items())}
        if edits is not None:
            entry["edits"] = [{"id": pair_list[k].id, "edits": [edit_excerpt(inputs[k], x) for x in e]}
                              for k, e in enumerate(edits) if e]
        if keep_outputs:
            entry["outputs"] = outputs
        result["systems"][sys_name] = entry
    if scorer.has_references:
        result["metrics"]["sacrebleu"] = signatures()  # known only after a corpus was scored
    return result
