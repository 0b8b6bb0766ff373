"""Choose the capitals stage's thresholds on held-out *training-side* data.

Sets (never the evaluation sets of benchmarks/run.py):
- damaged: UN General Debate paragraphs of 2022 (the validation year), corrupted whole with the news
  preset at a fixed seed (document level, so lost sentence breaks occur), after the deterministic
  stages as in the pipeline;
- clean: other UN 2022 paragraphs and the post-edited side of the last 200 MLQE-PE train lines per
  language pair, as both input and reference: every change there is harm.

An edit on the damaged set is counted right when it undoes what the generator did to that word:
a break where it merged two sentences (``globally Such``), a lower-case where it put a stray
capital (``platforms Will``); any other edit there is wrong, and so is every edit on the clean set.
(Judging by the reference text alone miscounts: a right lower-case next to another damaged word
is not found in the reference.) Rule: the most right edits less twice the wrong ones (a wrong
edit costs more than a right one gains) on the damaged set among
settings with precision >= --min-precision there and at most --max-clean-changes per 1,000 clean
sentences. With --write the choice goes into the model's unmangle.json.

    python benchmarks/calibrate_capitals.py models/unmangle-base --write
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

#: A threshold out of reach: that fix is never made.
OFF = 1e9


def un_2022_paragraphs(shared: Path, n: int, offset: int) -> list[str]:
    """Every other UN 2022 paragraph of 200-2,000 characters (offset 0 or 1), at most ``n``."""
    from unmangle.neural.data import read_clean_texts

    paras = read_clean_texts(shared / "corpus/ungdc_en_1992_2024/ungdc_en_1992_2024.jsonl.gz",
                             where="year==2022")
    return [p for p in paras if 200 <= len(p) <= 2000][offset::2][:n]


def site_gains(stage, text: str) -> list[tuple[int, int, str, str, str, float, bool]]:
    """(start, end, old, prev word, word, gain, may lower) for every site in ``text``; the
    thresholds decide later, as ``CapitalsStage.decide`` does."""
    from unmangle.stages.capitals import break_gain, capital_sites
    from unmangle.textspans import sentences

    out = []
    for sent in sentences(text):
        for site in capital_sites(sent.text):
            g = break_gain(stage.lm, sent.text, site)
            a, b = sent.start + site.prev_start, sent.start + site.end
            out.append((a, b, text[a:b], sent.text[site.prev_start:site.prev_end],
                        sent.text[site.start:site.end], g, stage.fits_in_place(sent.text, site)))
    return out


#: The generator's operation each fix undoes (unmangle.corrupt.clause).
UNDOES = {"break": "sentence.merge", "lower": "capital.stray"}


def generator_ops(sites, source: str, spans) -> list[str | None]:
    """For each site, the generator operation that made its capitalised word (None: not damage).

    Sites are found in the text after the deterministic stages, which only touch spacing,
    boilerplate and duplicates, so each site's words are looked up in the damaged source."""
    ops = []
    for _, _, old, _, word, _, _ in sites:
        at = source.find(old)
        word_start = at + len(old) - len(word)
        ops.append(next((sp.op for sp in spans if at >= 0 and sp.source_start <= word_start < sp.source_end),
                        None))
    return ops


def judge(sites, ops: list[str | None], break_min: float, lower_max: float) -> tuple[int, int]:
    """(right, wrong) edits at these thresholds; ``ops`` from :func:`generator_ops` (all None for
    clean text, where every edit is wrong)."""
    right = wrong = 0
    from unmangle.stages.capitals import choose_fix

    for (_, _, _, _, _, g, may_lower), op in zip(sites, ops):
        kind = choose_fix(g, may_lower, break_min, lower_max)
        if kind is None:
            continue
        if op == UNDOES[kind]:
            right += 1
        else:
            wrong += 1
    return right, wrong


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", help="model folder (its ngram.npz is used)")
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"), help="the shared data folder")
    ap.add_argument("--paragraphs", type=int, default=3000, help="damaged UN 2022 paragraphs")
    ap.add_argument("--clean", type=int, default=3000, help="clean UN 2022 paragraphs")
    ap.add_argument("--min-precision", type=float, default=0.9)
    ap.add_argument("--max-clean-changes", type=float, default=1.0, help="per 1,000 clean sentences")
    ap.add_argument("--write", action="store_true", help="store the choice in unmangle.json")
    ap.add_argument("--report", help="also write the grid as JSON here")
    args = ap.parse_args()

    from calibrate_model import mlqe_calibration_set
    from unmangle import Repairer
    from unmangle.corrupt import CorruptionConfig, Corruptor
    from unmangle.neural.model import NGRAM_FILE, read_metadata, write_metadata
    from unmangle.ngram import NgramLM
    from unmangle.stages.capitals import CapitalsStage
    from unmangle.textspans import sentences

    shared, model = Path(args.shared), Path(args.model)
    t0 = time.time()
    stage = CapitalsStage(NgramLM.load(model / NGRAM_FILE))
    fast = Repairer(fast=True)
    corruptor = Corruptor(CorruptionConfig.preset("news"), seed=2022)
    damaged = [corruptor.corrupt_document(p) for p in un_2022_paragraphs(shared, args.paragraphs, 0)]
    damaged_sites = []
    for p in damaged:
        sites = site_gains(stage, fast.repair(p.source))
        damaged_sites.append((sites, generator_ops(sites, p.source, p.spans)))
    clean = un_2022_paragraphs(shared, args.clean, 1) + [t for _, t in mlqe_calibration_set(shared, 200)]
    clean_sentences = sum(len(sentences(t)) for t in clean)
    clean_sites = [(site_gains(stage, fast.repair(t)), t) for t in clean]
    lost_breaks = sum(1 for p in damaged for s in p.spans if s.op == "sentence.merge")
    stray = sum(1 for p in damaged for s in p.spans if s.op == "capital.stray")
    print(f"{len(damaged)} damaged paragraphs ({lost_breaks} lost breaks, {stray} stray capitals made), "
          f"{sum(len(s) for s, _ in damaged_sites)} sites; {len(clean)} clean texts ({clean_sentences} "
          f"sentences), {sum(len(s) for s, _ in clean_sites)} sites ({time.time() - t0:.0f}s)")

    rows = []
    for bmin in (0.0, 1.0, 2.0, 3.0, 4.0, 6.0, 8.0, OFF):
        for lmax in (-OFF, -16.0, -12.0, -10.0, -8.0, -6.0, -4.0, -2.0, 0.0):
            if lmax > bmin:
                continue
            right = wrong = 0
            for sites, ops in damaged_sites:
                r, w = judge(sites, ops, bmin, lmax)
                right, wrong = right + r, wrong + w
            clean_changes = sum(sum(judge(sites, [None] * len(sites), bmin, lmax)) for sites, _ in clean_sites)
            rows.append({"break_min_gain": bmin, "lower_max_gain": lmax, "right": right, "wrong": wrong,
                         "precision": right / (right + wrong) if right + wrong else 1.0,
                         "clean_changes_per_1000": 1000 * clean_changes / max(clean_sentences, 1)})
    ok = [r for r in rows if r["precision"] >= args.min_precision
          and r["clean_changes_per_1000"] <= args.max_clean_changes]
    best = max(ok, key=lambda r: (r["right"] - 2 * r["wrong"], r["precision"]), default=None)
    print(f"{'break>=':>8} {'lower<=':>8} {'right':>6} {'wrong':>6} {'prec':>6} {'clean/1k':>8}")
    for r in rows:
        mark = " <- chosen" if r is best else ""
        print(f"{r['break_min_gain']:>8} {r['lower_max_gain']:>8} {r['right']:>6} {r['wrong']:>6} "
              f"{r['precision']:>6.2f} {r['clean_changes_per_1000']:>8.2f}{mark}")
    if args.report:
        Path(args.report).write_text(json.dumps({"command": " ".join(sys.argv), "rows": rows, "best": best},
                                                indent=1, ))
    if args.write:
        inference, training = read_metadata(model)
        if best is None:
            inference.break_min_gain, inference.lower_max_gain = OFF, -OFF
        else:
            inference.break_min_gain = best["break_min_gain"]
            inference.lower_max_gain = best["lower_max_gain"]
        inference.extra["capitals_calibration"] = {"command": " ".join(sys.argv), "chosen": best}
        write_metadata(model, inference, training)
        print(f"wrote thresholds into {model / 'unmangle.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
