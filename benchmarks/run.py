#!/usr/bin/env python
"""The standard benchmark suites of unmangle; results go to benchmarks/results/ and RESULTS.md.

Suites (each run for every system asked, always beside ``identity``, leave-it-alone):

mlqe       real machine-translated English: MLQE-PE dev (``mt`` -> ``pe``, detokenised), per
           language pair (et, ne, ro, ru, si) and overall; no harm on the lines where mt == pe.
synthetic  synthetic news: NTREX English sentences (corrupted sentence by sentence) and excerpts of
           UN General Debate speeches from 2023-2024 (held out of all training; corrupted as
           documents), with the corruption generator's ``news`` preset at a fixed seed. Regenerated
           at run time (NTREX is evaluation-only and must not be committed); the inputs' SHA-256 is
           recorded so two runs can be checked to have used the same data.
clean      no harm on clean text: NTREX English sentences and detokenised MLQE-PE dev post-edits,
           each as both input and reference.
seed       the seed article, without reference: edits per 1,000 words and every edit made.

Data is read from ../shared (beside the repository) or --shared PATH / $UNMANGLE_SHARED; nothing of
it is written into the repository. Examples::

    python benchmarks/run.py                                   # all suites, identity + fast
    python benchmarks/run.py --suites mlqe --systems identity,fast,full
    python benchmarks/run.py --limit 200                        # quick look; writes nothing
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import shlex
import sys
from pathlib import Path
from typing import Callable, Iterator

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "src"))  # run from a checkout without installing

from unmangle.bench import build_systems, plot, run_benchmark, to_markdown, write_json  # noqa: E402
from unmangle.bench.report import load_result# noqa: E402
from unmangle.atomic import write_text_atomic as write_atomic# noqa: E402
from unmangle.pairs import Pair, read_pairs  # noqa: E402

SUITES = ("mlqe", "synthetic", "clean", "seed")
SYNTHETIC_SEED = 20240917
SYNTHETIC_PRESET = "news"
UN_YEARS = (2023, 2024)
UN_EVERY = 3  # one speech in three, for a suite of about 125 excerpts
UN_EXCERPT_WORDS = 220
RESULTS_BEGIN = "<!-- benchmarks/run.py: generated from here; edit the script, not this part -->"
RESULTS_END = "<!-- benchmarks/run.py: generated up to here -->"


def default_shared() -> Path:
    env = os.environ.get("UNMANGLE_SHARED")
    return Path(env) if env else REPO.parent / "shared"


class SuiteDataMissing(RuntimeError):
    """The shared data a suite needs is not there."""


def _need(path: Path) -> Path:
    if not path.exists():
        raise SuiteDataMissing(f"{path} is missing (pass --shared PATH or set UNMANGLE_SHARED)")
    return path


def _detokenize() -> Callable[[str], str]:
    from unmangle.detok import detokenize  # imported late: written beside this harness

    return detokenize


def _mlqe_dev(shared: Path) -> Path:
    return _need(shared / "corpus" / "mlqe_pe_xx_en" / "mlqe_pe_xx_en.dev.jsonl.gz")


def _ntrex_sentences(shared: Path) -> Iterator[Pair]:
    folder = _need(shared / "corpus" / "ntrex128_en_zh_de")
    files = sorted(folder.glob("*.jsonl.gz"))
    if not files:
        raise SuiteDataMissing(f"no *.jsonl.gz in {folder}")
    for path in files:
        for pair in read_pairs(path, source_field="en", target_field=None, labels_field=None,
                               id_field="line"):
            yield pair


def _un_excerpts(shared: Path) -> list[tuple[str, str]]:
    """(id, text) excerpts of 2023-2024 UN speeches: from the middle paragraph, about 220 words."""
    path = _need(shared / "corpus" / "ungdc_en_1992_2024" / "ungdc_en_1992_2024.jsonl.gz")
    speeches = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if not any(f'"year": {y}' in line for y in UN_YEARS):
                continue
            record = json.loads(line)
            if record.get("year") in UN_YEARS:
                speeches.append((record["id"], record["text"]))
    speeches.sort()
    out = []
    for sid, text in speeches[::UN_EVERY]:
        paras = [p.strip() for p in text.split("\n") if len(p.split()) >= 8]
        chosen: list[str] = []
        for para in paras[len(paras) // 2:]:
            chosen.append(para)
            if sum(len(p.split()) for p in chosen) >= UN_EXCERPT_WORDS:
                break
        if chosen:
            out.append((sid, "\n".join(chosen)))
    return out


def suite_mlqe(shared: Path, limit: int | None) -> tuple[list[Pair], dict, str | None]:
    detok = _detokenize()
    path = _mlqe_dev(shared)
    pairs = []
    for pair in read_pairs(path, source_field="mt", target_field="pe", labels_field=None):
        pairs.append(Pair(detok(pair.source), detok(pair.target or ""), None, pair.id, pair.line,
                          pair.meta))
    pairs = _limit_per_group(pairs, limit, lambda p: p.meta.get("pair"))
    info = {"source": "MLQE-PE dev (mt -> pe), detokenised with unmangle.detok",
            "note": "Real neural MT output (et, ne, ro, ru, si -> en) and human post-edits; "
                    "no-harm counts the lines where mt == pe."}
    return pairs, info, "pair"


def suite_synthetic(shared: Path, limit: int | None) -> tuple[list[Pair], dict, str | None]:
    from unmangle.corrupt import CorruptionConfig, Corruptor

    corruptor = Corruptor(CorruptionConfig.preset(SYNTHETIC_PRESET), seed=SYNTHETIC_SEED)
    pairs: list[Pair] = []
    ntrex = list(_ntrex_sentences(shared))
    un = _un_excerpts(shared)
    if limit:
        ntrex, un = ntrex[:limit], un[:max(1, limit // 10)]
    for item in ntrex:
        made = corruptor.corrupt_sentence(item.source, key=f"ntrex/{item.id}")
        pairs.append(_pair(made, f"ntrex/{item.id}", "ntrex-sentences"))
    for sid, text in un:
        made = corruptor.corrupt_document(text, key=f"un/{sid}")
        pairs.append(_pair(made, f"un/{sid}", "un-2023-2024-documents"))
    digest = hashlib.sha256()
    for p in pairs:
        digest.update(json.dumps([p.source, p.target, p.spans], ensure_ascii=False).encode())
    info = {"source": f"NTREX-128 English sentences + UN General Debate {UN_YEARS[0]}-{UN_YEARS[1]} "
                      f"excerpts, corrupted with unmangle.corrupt preset '{SYNTHETIC_PRESET}', "
                      f"seed {SYNTHETIC_SEED}",
            "note": f"{len(ntrex)} NTREX sentences corrupted one by one; {len(un)} UN speech excerpts "
                    f"(every {UN_EVERY}rd speech of {UN_YEARS}, ~{UN_EXCERPT_WORDS} words from the "
                    "middle paragraph on) corrupted as documents. Inputs' sha256 "
                    f"{digest.hexdigest()[:16]}.",
            "sha256": digest.hexdigest(), "seed": SYNTHETIC_SEED, "preset": SYNTHETIC_PRESET,
            "corruption_config": corruptor.config.to_dict()}
    return pairs, info, "part"


def _pair(made, pid: str, part: str) -> Pair:
    spans = [s.to_dict() if hasattr(s, "to_dict") else dict(s) for s in made.spans]
    return Pair(made.source, made.target, spans, pid, None, {"part": part})


def suite_clean(shared: Path, limit: int | None) -> tuple[list[Pair], dict, str | None]:
    detok = _detokenize()
    pairs = [Pair(p.source, p.source, None, f"ntrex/{p.id}", p.line, {"part": "ntrex-en"})
             for p in _ntrex_sentences(shared)]
    for p in read_pairs(_mlqe_dev(shared), source_field="pe", target_field=None, labels_field=None):
        text = detok(p.source)
        pairs.append(Pair(text, text, None, p.id, p.line, {"part": "mlqe-pe-dev-pe"}))
    pairs = _limit_per_group(pairs, limit, lambda p: p.meta["part"])
    info = {"source": "NTREX-128 English sentences and detokenised MLQE-PE dev post-edits (pe)",
            "note": "Clean text as input and reference: no harm = share left byte-identical "
                    "(target >= 99.5%)."}
    return pairs, info, "part"


def suite_seed(shared: Path, limit: int | None) -> tuple[list[Pair], dict, str | None]:
    files = sorted(_need(shared / "seeds").glob("*.txt"))
    if not files:
        raise SuiteDataMissing(f"no seed article in {shared / 'seeds'}")
    pairs = [Pair(f.read_text(encoding="utf-8"), None, None, f.name, None) for f in files]
    info = {"source": ", ".join(f"seeds/{f.name}" for f in files),
            "note": "The seed article, whole, without reference: how much each system changes and "
                    "every edit it makes."}
    return pairs, info, None


def _evaluation_only(pair: Pair) -> bool:
    """NTREX is evaluation-only: none of its text goes into committed results."""
    return str(pair.id).startswith("ntrex/")


def _limit_per_group(pairs: list[Pair], limit: int | None, key: Callable[[Pair], object]) -> list[Pair]:
    if not limit:
        return pairs
    seen: dict[object, int] = {}
    out = []
    for p in pairs:
        k = key(p)
        if seen.get(k, 0) < limit:
            seen[k] = seen.get(k, 0) + 1
            out.append(p)
    return out


SUITE_BUILDERS = {"mlqe": suite_mlqe, "synthetic": suite_synthetic, "clean": suite_clean,
                  "seed": suite_seed}
SUITE_TITLES = {
    "mlqe": "MLQE-PE dev: real machine-translated English",
    "synthetic": "Synthetic news: NTREX sentences and UN 2023-2024 documents, corrupted",
    "clean": "Clean text: no harm",
    "seed": "The seed article",
}


def update_results_md(results_dir: Path, results_md: Path) -> None:
    """Rewrite the generated part of RESULTS.md from every results/<suite>.json there is."""
    parts = [RESULTS_BEGIN, "",
             "Produced by `benchmarks/run.py`; each suite names the exact command, the machine and "
             "the date. Every table includes `identity` (leave the text alone) from the same run. "
             "Metric definitions: `src/unmangle/metrics/scorer.py` (TER of segments over 100 words "
             "is summed over aligned chunks: `src/unmangle/metrics/sacre.py`); memory method: "
             "`src/unmangle/bench/memory.py`. `words/s` times the system alone (scoring excluded); "
             "`peak RSS MB` is the whole process's peak while the system ran.", ""]
    for suite in SUITES:
        path = results_dir / f"{suite}.json"
        if not path.exists():
            continue
        result = load_result(path)
        result["name"] = f"{suite}: {SUITE_TITLES[suite]}"
        parts.append(to_markdown(result, heading_level=3, max_edits=150))
        png = results_dir / f"{suite}.png"
        if png.exists():
            parts.append(f"![{suite}]({Path(os.path.relpath(png, results_md.parent)).as_posix()})\n")
    parts.append(RESULTS_END)
    generated = "\n".join(parts) + "\n"
    if results_md.exists():
        old = results_md.read_text(encoding="utf-8")
        if RESULTS_BEGIN in old and RESULTS_END in old:
            head, rest = old.split(RESULTS_BEGIN, 1)
            tail = rest.split(RESULTS_END, 1)[1]
            write_atomic(results_md, head + generated.rstrip("\n") + tail)
            return
        write_atomic(results_md, old.rstrip("\n") + "\n\n" + generated)
        return
    write_atomic(results_md, "# Benchmark results\n\n" + generated)


def main(argv: list[str] | None = None) -> int:
    suites_help = "; ".join(f"{k}: {v}" for k, v in SUITE_TITLES.items())
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog=f"Suites: {suites_help}")
    parser.add_argument("--shared", type=Path, default=default_shared(),
                        help="the shared data folder (default: ../shared beside the repository, "
                        "or $UNMANGLE_SHARED)")
    parser.add_argument("--suites", default=",".join(SUITES),
                        help=f"comma-separated suites to run (default: {','.join(SUITES)})")
    parser.add_argument("--systems", default="identity,fast",
                        help="comma-separated systems: identity, fast, full; full+STAGE adds an opt-in "
                        "stage (full+synonyms) (default: identity,fast)")
    parser.add_argument("--model", action="append", default=[], metavar="DIR",
                        help="also run a system using this model folder (repeatable)")
    parser.add_argument("--limit", type=int,
                        help="quick run: at most N inputs per group (synthetic: N sentences, N/10 "
                        "documents); results are printed, not written, unless --out is given")
    parser.add_argument("--out", type=Path,
                        help="folder for <suite>.json/.md/.png (default: benchmarks/results)")
    parser.add_argument("--results-md", type=Path, default=HERE / "RESULTS.md",
                        help="the Markdown summary to update (default: benchmarks/RESULTS.md)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bars")
    args = parser.parse_args(argv)

    suites = [s.strip() for s in args.suites.split(",") if s.strip()]
    unknown = [s for s in suites if s not in SUITE_BUILDERS]
    if unknown:
        parser.error(f"unknown suite(s) {', '.join(unknown)}; suites are {', '.join(SUITES)}")
    out_dir = args.out or (None if args.limit else HERE / "results")
    systems = build_systems([s.strip() for s in args.systems.split(",") if s.strip()], args.model)
    command = "python benchmarks/run.py " + " ".join(shlex.quote(a) for a in (argv or sys.argv[1:]))
    status = 0
    for suite in suites:
        try:
            pairs, info, group = SUITE_BUILDERS[suite](args.shared, args.limit)
        except SuiteDataMissing as exc:
            print(f"{suite}: skipped: {exc}", file=sys.stderr)
            status = 1
            continue
        print(f"{suite}: {len(pairs)} inputs", file=sys.stderr)
        result = run_benchmark(
            pairs, systems, name=suite, group_by=group, progress=not args.no_progress,
            keep_edits=suite == "seed", redact=_evaluation_only, data_info=info,
            config={"command": command.strip(), "suite": suite, "limit": args.limit,
                    "systems": list(systems)})
        if out_dir is None:
            sys.stdout.write(to_markdown(result) + "\n")
            continue
        write_json(result, out_dir / f"{suite}.json")
        write_atomic(out_dir / f"{suite}.md", to_markdown(result, heading_level=2))
        plot(result, out_dir / f"{suite}.png")
        print(f"{suite}: wrote {out_dir / suite}.json/.md/.png", file=sys.stderr)
    if out_dir is not None:
        update_results_md(out_dir, args.results_md)
        print(f"updated {args.results_md}", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
