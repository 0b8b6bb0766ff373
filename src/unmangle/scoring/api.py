"""``score_document(text)``: the probability that a text (and each paragraph) is machine-mangled.

Two classifiers ship as package data (``unmangle/data/``), both trained by
``scripts/train_document_score.py`` on training-side documents only:

- ``document_score.json`` (the default) reads the bundled trigram model, the broad English model
  and the fast stages.
- ``document_score_neural.json`` (``neural=True``) reads the bundled model's neural detector
  besides (the share of words it flags, and its log, its mean chunk probability, the share of
  chunks it finds likely damaged). On held-out documents it finds damage of the kinds the
  corruption generator makes far better (synonym swaps alone: AUC 0.69 against 0.52; clauses
  0.75 against 0.55; the news preset 0.957 against 0.936) but real machine translation worse
  (MLQE-PE 10-sentence documents 0.66 against 0.69), and it scores about nine times slower
  (``benchmarks/results/document_score.md``): a choice for text damaged the way the generator
  damages it, not the default.

Their calibration holds for the models they were trained with: a user who swaps the model folder
for a fine-tuned one should retrain the neural one (``classifier=`` takes a path).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from ..resources import package_data
from .classifier import Classifier, base_features
from .features import (GENERAL_FEATURES, NEURAL_FEATURES, SYNONYM_FEATURES, extract,
                       general_model_available, neural_detector)

#: The default classifier (see the module docstring).
CLASSIFIER_FILE = "document_score.json"
#: The one that also reads the neural detector (``neural=True``).
NEURAL_CLASSIFIER_FILE = "document_score_neural.json"
#: The verdict threshold the CLI states: "mangled" from this probability on.
DEFAULT_THRESHOLD = 0.5


@dataclass
class ParagraphScore:
    """One paragraph: its span in the text, its probability, and each feature's contribution."""

    start: int
    end: int
    probability: float
    evidence: dict[str, float] = field(default_factory=dict)


@dataclass
class DocumentScore:
    """Probability that the whole text is machine-mangled, its paragraphs, and the evidence
    (feature -> contribution to the calibrated log-odds; positive = points to damage)."""

    probability: float
    paragraphs: list[ParagraphScore] = field(default_factory=list)
    evidence: dict[str, float] = field(default_factory=dict)
    features: dict[str, float] = field(default_factory=dict)

    def verdict(self, threshold: float = DEFAULT_THRESHOLD) -> str:
        return "mangled" if self.probability >= threshold else "clean"

    def to_dict(self) -> dict:
        return asdict(self)


@lru_cache(maxsize=4)
def load_classifier(path: str | None = None) -> Classifier:
    """The shipped classifier, or the one at ``path``."""
    return Classifier.load(path or package_data(CLASSIFIER_FILE))


def extraction_options(clf: Classifier) -> dict[str, bool]:
    """What :func:`extract` must compute for ``clf``: ``general`` (broad model), ``synonyms``
    (reverse thesaurus) and ``neural`` (the detector), each only when a feature reads it."""
    names = {part for n in clf.feature_names for part in base_features(n)}
    synonyms = bool(names & set(SYNONYM_FEATURES))
    return {"general": synonyms or bool(names & set(GENERAL_FEATURES)), "synonyms": synonyms,
            "neural": bool(names & set(NEURAL_FEATURES))}


def score_document(text: str, *, classifier: str | Path | None = None,
                   ngram_path: str | Path | None = None, model: str | Path | None = "default",
                   paragraphs: bool = True, neural: bool = False) -> DocumentScore:
    """Score ``text``; an empty text scores 0 with no paragraphs.

    ``classifier``: a classifier file (default: the shipped one; with ``neural``, the shipped one
    that also reads the neural detector of ``model``). Features the classifier was trained
    with decide what runs: the broad general-English model only if it uses ``general_*`` or
    ``synonym_*`` features, the reverse thesaurus only for ``synonym_*``, the neural detector (from
    ``model``) only for ``flagged_share`` and ``detector_*``. ``ngram_path`` overrides the bundled
    trigram model (the classifier's calibration holds for the model it was trained with).
    """
    if not isinstance(text, str):
        raise TypeError(f"score_document() takes str, not {type(text).__name__}")
    if classifier is None:
        classifier = package_data(NEURAL_CLASSIFIER_FILE if neural else CLASSIFIER_FILE)
    clf = load_classifier(str(classifier))
    options = extraction_options(clf)
    if options["general"] and not general_model_available():
        raise RuntimeError("this document-score classifier reads the broad English model, but "
                           "pocketsphinx's en-us.lm.bin is missing: reinstall pocketsphinx")
    detector = None
    if options.pop("neural"):
        detector = neural_detector(model)
        if detector is None:
            raise ValueError(f"{classifier} reads the neural detector, which needs a model folder: "
                             f"model={model!r} gives none")
    found = extract(text, ngram_path=ngram_path, detector=detector, **options)
    if not found.paragraphs:
        return DocumentScore(0.0)
    total = found.total.features()
    p, evidence = clf.explain(total)
    paras = []
    if paragraphs:
        for span, counts in found.paragraphs:
            pp, ev = clf.explain(counts.features())
            paras.append(ParagraphScore(span.start, span.end, round(pp, 4), ev))
    return DocumentScore(round(p, 4), paras, evidence, {k: round(v, 5) for k, v in total.items()})
