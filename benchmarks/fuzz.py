"""Long fuzzing run (atheris / libFuzzer): hostile input never crashes unmangle, never loses text.

Targets (the first input byte picks one; see ``unmangle.bench.fuzzing`` for the invariants):
``repair`` on hostile pieces and on arbitrary Unicode (fast pipeline, or the full one with
``--full``), ``detect``, the lexicon file reader, the pair-file readers (jsonl, tsv, csv, text;
truncated JSONL, wrong field types) and the model-folder loader (``check_model_dir`` plus reading
``unmangle.json`` with wrong field types). A broken invariant is recorded as a finding (deduplicated
by exception type and message) and the run goes on; the report JSON is rewritten every
``--every`` executions, so a run stopped at any time leaves its figures behind.

    nice -n 10 env PYTHONPATH=src python benchmarks/fuzz.py --max-time 3000 \\
        --report benchmarks/results/fuzz_fast.json
    PYTHONPATH=src python benchmarks/fuzz.py --full --runs 300 --report benchmarks/results/fuzz_full.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import traceback
from pathlib import Path

import atheris

if "--instrument" in sys.argv:  # coverage guidance: finds more per execution, runs ~5x slower
    with atheris.instrument_imports(include=["unmangle"]):
        from unmangle import Repairer
        from unmangle.bench import fuzzing
else:
    from unmangle import Repairer
    from unmangle.bench import fuzzing

TARGETS = ("repair_pieces", "repair_unicode", "detect", "lexicon", "pairs", "model_folder")
#: Findings already reported and not fixable here (neural/ belongs to the core restructure).
KNOWN = {("model_folder", "AttributeError"), ("model_folder", "TypeError")}


class Run:
    def __init__(self, repairer: Repairer, report: Path, every: int, targets: tuple[str, ...],
                 command: str, big: bool) -> None:
        self.big = big
        self.repairer = repairer
        self.report = report
        self.every = every
        self.targets = targets
        self.command = command
        self.executions = 0
        self.per_target = {t: 0 for t in targets}
        self.findings: dict[str, dict] = {}
        self.started = time.time()

    def one_input(self, data: bytes) -> None:
        if not data:
            return
        target = self.targets[data[0] % len(self.targets)]
        body = data[1:]
        self.executions += 1
        self.per_target[target] += 1
        try:
            self._run(target, body)
        except Exception as exc:  # noqa: BLE001 - every exception is a finding to record
            key = f"{target}: {type(exc).__name__}: {str(exc)[:160]}"
            entry = self.findings.setdefault(key, {
                "target": target, "error": type(exc).__name__, "known": (target, type(exc).__name__) in KNOWN,
                "count": 0, "first_input_hex": data[:400].hex(),
                "traceback": traceback.format_exc(limit=6)[-1500:]})
            entry["count"] += 1
        if self.executions % self.every == 0:
            self.write()

    def _run(self, target: str, body: bytes) -> None:
        if target == "repair_pieces":
            fuzzing.check_repair(self.repairer, fuzzing.hostile_text(body, big=self.big))
        elif target == "repair_unicode":
            fdp = atheris.FuzzedDataProvider(body)
            fuzzing.check_repair(self.repairer, fdp.ConsumeUnicode(len(body)))
        elif target == "detect":
            fdp = atheris.FuzzedDataProvider(body)
            fuzzing.check_detect(fdp.ConsumeUnicode(len(body)) + fuzzing.hostile_text(body[:20]))
        elif target == "lexicon":
            fuzzing.check_lexicon_file(body[1:], ".yaml" if body[:1] and body[0] % 2 else ".tsv")
        elif target == "pairs":
            fmt = ("jsonl", "tsv", "csv", "text")[body[0] % 4] if body else "jsonl"
            fuzzing.check_pairs_file(_pair_bytes(body[1:], fmt), fmt)
        elif target == "model_folder":
            meta = fuzzing.json_variants(body[1:]) if body[:1] and body[0] % 2 else body[1:]
            fuzzing.check_model_folder(meta)

    def write(self) -> None:
        elapsed = time.time() - self.started
        unknown = {k: v for k, v in self.findings.items() if not v["known"]}
        self.report.parent.mkdir(parents=True, exist_ok=True)
        self.report.write_text(json.dumps({
            "command": self.command,
            "executions": self.executions,
            "seconds": round(elapsed, 1),
            "executions_per_s": round(self.executions / max(elapsed, 1e-9), 1),
            "per_target": self.per_target,
            "findings": len(unknown),
            "known_findings": len(self.findings) - len(unknown),
            "details": self.findings,
        }, indent=1, ensure_ascii=False) + "\n")


def _pair_bytes(body: bytes, fmt: str) -> bytes:
    """Half the time a structured file (JSONL records with fuzzed fields, possibly truncated)."""
    if fmt != "jsonl" or not body or body[0] % 2:
        return body
    values = [None, 1, "x", "", [], {}, [{"category": "a", "source_start": 0, "source_end": 1}],
              "text with , comma", "\t", "\ud800"]
    records = []
    for i in range(0, min(len(body), 24), 4):
        chunk = body[i:i + 4] + bytes(4)
        records.append({"source": values[chunk[0] % len(values)], "target": values[chunk[1] % len(values)],
                        "spans": values[chunk[2] % len(values)], "id": values[chunk[3] % len(values)]})
    text = "\n".join(json.dumps(r) for r in records).encode("utf-8", "surrogatepass")
    return text[: body[-1] % (len(text) + 1)] if body[-1] % 3 == 0 else text


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--full", action="store_true", help="repair with the full pipeline (bundled model)")
    ap.add_argument("--runs", type=int, default=-1, help="stop after this many executions (-1: no limit)")
    ap.add_argument("--max-time", type=int, default=0, help="stop after this many seconds (0: no limit)")
    ap.add_argument("--max-len", type=int, default=256, help="longest fuzzer input in bytes")
    ap.add_argument("--every", type=int, default=2000, help="rewrite the report every N executions")
    ap.add_argument("--instrument", action="store_true", help="coverage-guided (slower per execution)")
    ap.add_argument("--big", action="store_true",
                    help="let a 0xFF byte insert a 1 MB line or 10,000 empty lines (slow)")
    ap.add_argument("--targets", nargs="*", choices=TARGETS, default=list(TARGETS))
    ap.add_argument("--report", type=Path, default=Path("benchmarks/results/fuzz_fast.json"))
    args, rest = ap.parse_known_args()
    run = Run(Repairer(fast=not args.full), args.report, args.every if not args.full else 10,
              tuple(args.targets), " ".join(["python", "benchmarks/fuzz.py", *sys.argv[1:]]), args.big)
    libfuzzer = [sys.argv[0], f"-max_len={args.max_len}", "-rss_limit_mb=4096", *rest]
    if args.runs >= 0:
        libfuzzer.append(f"-runs={args.runs}")
    if args.max_time:
        libfuzzer.append(f"-max_total_time={args.max_time}")
    atheris.Setup(libfuzzer, run.one_input)
    try:
        atheris.Fuzz()
    finally:
        run.write()


if __name__ == "__main__":
    main()
