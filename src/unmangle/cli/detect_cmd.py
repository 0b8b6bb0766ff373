"""``unmangle detect``: is each file machine-mangled? A calibrated score per file; changes nothing.

One line per file: the probability that it is machine-mangled, the verdict at a stated threshold
and (when language identification is installed) its language. ``--json`` prints everything (the
paragraphs' scores and the evidence); ``--spans`` adds the old listing of suspicious spans (lexicon
hits and the neural detector). Verdicts never change the exit status: 0 unless an error occurred.
"""

from __future__ import annotations

import argparse
import json

from . import CLIError
from .io import read_text, write_text


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "detect",
        help="score files as machine-mangled or not (calibrated probability); change nothing",
        description="For each FILE (or standard input), print the probability that the text is "
        "machine-mangled (back-translated or spun), the verdict at --verdict-at and the language "
        "when it can be identified. The probability is calibrated: of texts scored 0.8, about 80%% "
        "were mangled in the benchmark. Exit status 0 whatever the verdicts; 2 for unreadable input.",
    )
    p.add_argument("files", nargs="*", default=["-"], metavar="FILE",
                   help="UTF-8 text files; '-' or nothing = standard input")
    p.add_argument("-o", "--output", metavar="OUT", help="write here instead of standard output")
    p.add_argument("--json", action="store_true",
                   help="one JSON object per file: probability, verdict, paragraphs with their "
                   "probabilities and evidence, the document's evidence and features (and spans with --spans)")
    p.add_argument("--verdict-at", type=float, default=None, metavar="P",
                   help="call a file mangled when its probability is at least P (default 0.5)")
    p.add_argument("--spans", action="store_true",
                   help="also list suspicious spans (lexicon hits and the neural detector), as "
                   "'unmangle detect' did before the document score; needs the model")
    p.add_argument("--neural", action="store_true",
                   help="also read the neural detector: far surer of damage like the corruption "
                   "generator's (swapped synonyms, garbled clauses), less sure of real machine "
                   "translation, about nine times slower (unmangle/data/document_score_neural.json)")
    p.add_argument("--classifier", metavar="FILE", help="a document-score classifier JSON "
                   "(default: the shipped one, unmangle/data/document_score.json)")
    p.add_argument("--model", metavar="DIR", help="model folder for the detector and --spans "
                   "(default: the bundled model)")
    p.add_argument("--min-probability", "--threshold", dest="threshold", type=float, metavar="P",
                   help="with --spans: report spans the detector scores at least P (default: the "
                   "model's calibrated value; --threshold is its old name)")
    p.add_argument("--lexicon", action="append", default=[], metavar="FILE",
                   help="with --spans: extra lexicon file; repeatable")
    p.set_defaults(handler=run)


def _language(text: str) -> str | None:
    """The document's language, when this install has language identification."""
    try:
        from ..language import document_language  # type: ignore[attr-defined]
    except ImportError:
        return None
    return document_language(text)[0]


def run(args: argparse.Namespace) -> int:
    from ..scoring.api import DEFAULT_THRESHOLD, score_document
    from ..scoring.classifier import ClassifierFormatError

    cut = DEFAULT_THRESHOLD if args.verdict_at is None else args.verdict_at
    if not 0.0 <= cut <= 1.0:
        raise CLIError(f"--verdict-at must lie in [0, 1], got {cut}")
    out: list[str] = []
    for path in args.files:
        text = read_text(path)
        name = "-" if path in (None, "-") else path
        try:
            score = score_document(text, classifier=args.classifier, model=args.model or "default",
                                   neural=args.neural)
        except ClassifierFormatError as exc:
            raise CLIError(str(exc)) from None
        except FileNotFoundError as exc:
            raise CLIError(str(exc), 1) from None
        except ValueError as exc:  # a damaged model folder, or --neural without a model
            raise CLIError(str(exc)) from None
        language = _language(text) if text.strip() else None
        spans = _spans(text, args) if args.spans else None
        if args.json:
            record = {"file": name, "probability": score.probability, "verdict": score.verdict(cut),
                      "verdict_at": cut, **({"language": language} if language else {}),
                      "paragraphs": [p.__dict__ for p in score.paragraphs], "evidence": score.evidence,
                      "features": score.features}
            if spans is not None:
                record["spans"] = [{"start": s.start, "end": s.end, "text": s.text, "score": s.score,
                                    "source": s.source} for s in spans]
            out.append(json.dumps(record, ensure_ascii=False) + "\n")
            continue
        cells = [f"{score.probability:.3f}", f"{score.verdict(cut)} (p>={cut:g})"]
        if language:
            cells.append(language)
        out.append("\t".join(cells + [name]) + "\n")
        if spans is not None:
            rows = [f"{s.start:>8} {s.end:>8}  {s.score:5.2f}  {s.source:<8} {s.text.strip()!r}" for s in spans]
            out.append("\n".join([f"{'start':>8} {'end':>8}  score  source   text"] + rows) + "\n")
    write_text(args.output, "".join(out))
    return 0


def _spans(text: str, args: argparse.Namespace) -> list:
    from ..detection import detect
    from ..lexicon import LexiconError
    from ..model_folder import ModelFolderError

    try:
        return detect(text, model=args.model or "default", min_probability=args.threshold,
                      lexicons=args.lexicon)
    except (LexiconError, ModelFolderError) as exc:
        raise CLIError(str(exc)) from None
