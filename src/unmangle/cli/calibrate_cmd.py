"""``unmangle calibrate MODEL_DIR``: choose a model folder's repair thresholds on held-out data.

This is the calibration the shipped thresholds come from (the model card names the command).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

from ..neural.choices import NO_FLOOR
from . import CLIError


def _floats(text: str) -> list[float]:
    try:
        return [NO_FLOOR if x.strip() == "off" else float(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated numbers, got {text!r}") from None


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "calibrate", help="choose a model folder's thresholds on held-out training-side data",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Score a grid of thresholds on held-out, training-side data and (with --write) store the "
            "best in MODEL_DIR/unmangle.json.\n\n"
            "neural: for each detector probability the model's options are collected once; every "
            "(evidence, n-gram gain, detector weight, frequency weight) setting is then scored "
            "without running the model again. Chosen: the best edit-level F0.5 among settings that "
            "leave --min-no-harm of the already-correct inputs (--min-no-harm-clean of the clean "
            "set) unchanged and bring TER below leaving the text alone on every damaged set they "
            "edit.\n"
            "capitals: a grid over break_min_gain and lower_max_gain, judged by the generator "
            "operation each fix undoes.\n\n"
            "Sets: a validation slice of a clean corpus (--clean-corpus, --where) corrupted with the "
            "news preset, and the last --tail lines per group of a real pair file (--pairs). Never "
            "pass evaluation data."),
        epilog="example: unmangle calibrate models/unmangle-base --clean-corpus "
               "ungdc_en_1992_2024.jsonl.gz --pairs mlqe_pe_xx_en.train.jsonl.gz --write")
    p.add_argument("model", metavar="MODEL_DIR", help="the model folder to calibrate")
    p.add_argument("--clean-corpus", required=True, metavar="FILE",
                   help="clean text, JSONL (field --text-field) or plain text, .gz allowed")
    p.add_argument("--where", default="year==2022",
                   help="the validation slice of the clean corpus, e.g. 'year==2022' (default); "
                   "'' for every record")
    p.add_argument("--text-field", default="text", help="text field of the clean corpus (default: text)")
    p.add_argument("--pairs", metavar="FILE",
                   help="held-out real pairs, JSONL (fields --source-field, --target-field, --group-field)")
    p.add_argument("--source-field", default="mt")
    p.add_argument("--target-field", default="pe")
    p.add_argument("--group-field", default="pair", help="one calibration set per value (default: pair)")
    p.add_argument("--tail", type=int, default=200, help="lines per group held out at the end of --pairs")
    p.add_argument("--stage", choices=("neural", "capitals", "all"), default="all",
                   help="what to calibrate (default: all)")
    g = p.add_argument_group("neural stage")
    g.add_argument("--synthetic", type=int, default=600, help="synthetic sentences (default: 600)")
    g.add_argument("--per-group", type=int, default=200, help="pair lines per group (default: 200)")
    g.add_argument("--clean", type=int, default=1000, help="clean sentences, plus the pairs' targets")
    g.add_argument("--min-probability", type=_floats, default=[0.85], metavar="LIST",
                   help="detector probabilities to try (default: 0.85)")
    g.add_argument("--min-evidence", type=_floats, default=_floats("10,12,14,16,18"), metavar="LIST",
                   help="evidence margins (nats) to try (default: 10,12,14,16,18)")
    g.add_argument("--gains", type=_floats, default=[0.0], metavar="LIST",
                   help="minimum n-gram gains (nats) to try (default: 0)")
    g.add_argument("--detector-weights", type=_floats, default=_floats("0.5,1"), metavar="LIST",
                   help="weights of the detector's log-odds in the evidence (default: 0.5,1)")
    g.add_argument("--frequency-weights", type=_floats, default=_floats("0,0.25,0.5,0.75,1,1.5"),
                   metavar="LIST", help="weights of the frequency shift taken off the evidence")
    g.add_argument("--broad-weights", type=_floats, default=_floats("0,0.5"), metavar="LIST",
                   help="weights of the broad English model's gain in the evidence (default: 0,0.5; "
                        "0 alone: the model is not asked; each weight multiplies the grid)")
    g.add_argument("--register-weights", type=_floats, default=_floats("0,1,2"), metavar="LIST",
                   help="weights of the register shift taken off the evidence: the part of an option's "
                        "frequency shift that general English does not share (default: 0,1,2)")
    g.add_argument("--proposal-margins", type=_floats, default=_floats("off,2,4,6,8"), metavar="LIST",
                   help="floors on the rewriter's margin for a change of content words it proposed itself "
                        "('off': none; default: off,2,4,6,8); changes among function words and rule-made "
                        "alternatives are not held to it")
    g.add_argument("--general-clean", metavar="FILE",
                   help="a second clean corpus in another register than --clean-corpus (JSONL or text): "
                        "its sentences form the clean-general set, held to --min-no-harm-clean")
    g.add_argument("--general-field", default="text", help="text field of --general-clean (default: text)")
    g.add_argument("--general-where", default="", help="which records of --general-clean, e.g. 'split==train'")
    g.add_argument("--general-detokenize", action="store_true",
                   help="--general-clean is Moses-tokenised (\"word ,\"): detokenise it first")
    g.add_argument("--general", type=int, default=2000,
                   help="sentences of --general-clean (one in three from its start; default: 2000)")
    g.add_argument("--min-no-harm", type=float, default=0.99,
                   help="share of already-correct damaged-set inputs left unchanged (default: 0.99)")
    g.add_argument("--min-no-harm-clean", type=float, default=0.998,
                   help="share of the clean set left unchanged (default: 0.998)")
    c = p.add_argument_group("capitals stage")
    c.add_argument("--paragraphs", type=int, default=3000, help="damaged paragraphs (default: 3000)")
    c.add_argument("--clean-paragraphs", type=int, default=3000, help="clean paragraphs (default: 3000)")
    c.add_argument("--min-precision", type=float, default=0.9)
    c.add_argument("--max-clean-changes", type=float, default=1.0, help="per 1,000 clean sentences")
    p.add_argument("--write", action="store_true", help="store the chosen settings in MODEL_DIR/unmangle.json")
    p.add_argument("--report", metavar="FILE", help="write every setting scored, as JSON")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..model_folder import ModelFolder, ModelFolderError, read_metadata, write_metadata
    from ..training.calibration_sets import CalibrationData

    try:
        folder = ModelFolder(args.model)
    except ModelFolderError as exc:
        raise CLIError(str(exc)) from None
    for path in (args.clean_corpus, args.pairs, args.general_clean):
        if path and not Path(path).is_file():
            raise CLIError(f"{path}: no such file")
    data = CalibrationData(Path(args.clean_corpus), Path(args.pairs) if args.pairs else None,
                           where=args.where or None, text_field=args.text_field,
                           source_field=args.source_field, target_field=args.target_field,
                           group_field=args.group_field, tail=args.tail,
                           general_clean=Path(args.general_clean) if args.general_clean else None,
                           general_field=args.general_field, general_where=args.general_where or None,
                           general_detokenize=args.general_detokenize)
    command = "unmangle calibrate " + " ".join(sys.argv[2:] if sys.argv[1:2] == ["calibrate"] else sys.argv[1:])
    report: dict = {"command": command}
    inference, training = read_metadata(folder.path)
    try:
        if args.stage in ("neural", "all"):
            inference = _neural(args, folder, data, inference, report, command)
        if args.stage in ("capitals", "all"):
            inference = _capitals(args, folder, data, inference, report, command)
    except ValueError as exc:
        raise CLIError(str(exc)) from None
    if args.report:
        from ..atomic import write_text_atomic

        write_text_atomic(args.report, json.dumps(report, indent=1) + "\n")
    if args.write:
        write_metadata(folder.path, inference, training)
        print(f"wrote thresholds into {folder.path / 'unmangle.json'}", file=sys.stderr)
    return 0


def _neural(args, folder, data, inference, report: dict, command: str):
    from ..neural.stage import NeuralStage
    from ..pipeline import Repairer
    from ..training.calibrate import calibrate
    from ..training.calibration_sets import neural_sets

    t0 = time.time()
    sets = neural_sets(data, synthetic=args.synthetic, per_group=args.per_group, clean=args.clean,
                       general=args.general)
    stage = NeuralStage.from_folder(folder)
    fast = Repairer(fast=True)
    best, rows = calibrate(stage, sets, min_probabilities=args.min_probability, margins=args.min_evidence,
                           gains=args.gains, detector_weights=args.detector_weights,
                           frequency_weights=args.frequency_weights, broad_weights=args.broad_weights,
                           register_weights=args.register_weights, proposal_margins=args.proposal_margins,
                           min_no_harm={**{name: args.min_no_harm for name in sets},
                                        **{name: args.min_no_harm_clean for name in sets if name.startswith("clean")}},
                           prepare=fast.repair, progress=not args.no_progress)
    print(_neural_table(rows, best, list(sets)))
    print(f"neural calibration took {time.time() - t0:.0f}s on {sum(len(v) for v in sets.values())} pairs",
          file=sys.stderr)
    chosen = None if best is None else {
        "min_probability": best.min_probability, "min_evidence": best.min_evidence,
        "lm_min_gain": best.lm_min_gain, "detector_weight": best.detector_weight,
        "frequency_weight": best.frequency_weight, "broad_weight": best.broad_weight,
        "register_weight": best.register_weight, "proposal_min_margin": best.proposal_min_margin}
    report["neural"] = {"sets": {k: len(v) for k, v in sets.items()}, "best": chosen,
                        "rows": [{"min_probability": r.min_probability, "min_evidence": r.min_evidence,
                                  "lm_min_gain": r.lm_min_gain, "detector_weight": r.detector_weight,
                                  "frequency_weight": r.frequency_weight, "broad_weight": r.broad_weight,
                                  "register_weight": r.register_weight,
                                  "proposal_min_margin": r.proposal_min_margin,
                                  "scores": r.scores} for r in rows]}
    if best is None:
        print("no setting met the no-harm and TER conditions: the neural stage is switched off "
              "(min_evidence out of reach)", file=sys.stderr)
        new = replace(inference, min_evidence=1e9)
    else:
        new = replace(inference, **chosen)
    extra = dict(new.extra)
    extra["calibration"] = {
        "command": command, "sets": {k: len(v) for k, v in sets.items()},
        "chosen": None if best is None else {**chosen, "scores": {
            k: {"edit_prf": v["edit_prf"], "ter": v["ter"], "ter_identity": v["ter_identity"],
                "no_harm": v["no_harm"]} for k, v in best.scores.items()}}}
    return replace(new, extra=extra)


def _neural_table(rows, best, names: list[str]) -> str:
    lines = [f"{'detect':>6} {'margin':>6} {'gain':>5} {'det.w':>5} {'freq.w':>6} {'brd.w':>5} {'reg.w':>5} "
             f"{'prop.m':>6}  "
             + "  ".join(f"{n}: F0.5/P/R, TER (id), no-harm" for n in names)]
    for r in rows:
        cells = []
        for s in r.scores.values():
            prf = s["edit_prf"]
            harm = s["no_harm"]["share"] if s["no_harm"]["n"] else float("nan")
            cells.append(f"{prf['f0.5']:.3f}/{prf['precision']:.2f}/{prf['recall']:.2f}, "
                         f"{s['ter']:.2f} ({s['ter_identity']:.2f}), {harm:.3f}")
        mark = " <- chosen" if r is best else ""
        lines.append(f"{r.min_probability:>6} {r.min_evidence:>6} {r.lm_min_gain:>5} {r.detector_weight:>5} "
                     f"{r.frequency_weight:>6} {r.broad_weight:>5} {r.register_weight:>5} "
                     f"{'off' if r.proposal_min_margin <= NO_FLOOR else r.proposal_min_margin:>6}  "
                     + "  ".join(cells) + mark)
    return "\n".join(lines)


def _capitals(args, folder, data, inference, report: dict, command: str):
    from ..corrupt import CorruptionConfig, Corruptor
    from ..pipeline import Repairer
    from ..training.calibration_sets import pair_sets, slice_paragraphs
    from ..training.capitals_calibration import OFF, calibrate_capitals, format_rows

    lm = folder.ngram()
    if lm is None:
        raise CLIError(f"{folder.path} has no ngram.npz: the capitals stage needs one ('unmangle ngram')")
    corruptor = Corruptor(CorruptionConfig.preset("news"), seed=data.seed)
    damaged = [corruptor.corrupt_document(p) for p in slice_paragraphs(data, args.paragraphs, 0)]
    clean = slice_paragraphs(data, args.clean_paragraphs, 1) + [
        t for pairs in pair_sets(data, data.tail).values() for _, t in pairs]
    result = calibrate_capitals(lm, damaged, clean, prepare=Repairer(fast=True).repair,
                                min_precision=args.min_precision, max_clean_changes=args.max_clean_changes,
                                log=lambda msg: print(msg, file=sys.stderr))
    print(format_rows(result))
    report["capitals"] = {"rows": result.rows, "best": result.best, "summary": result.summary}
    best = result.best
    new = (replace(inference, break_min_gain=OFF, lower_max_gain=-OFF) if best is None else
           replace(inference, break_min_gain=best["break_min_gain"], lower_max_gain=best["lower_max_gain"]))
    extra = dict(new.extra)
    extra["capitals_calibration"] = {"command": command, "chosen": best}
    return replace(new, extra=extra)
