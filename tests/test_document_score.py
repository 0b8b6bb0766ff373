"""The document score: features, the classifier file, calibration, the shipped weights and the CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest

from unmangle.cli import main
from unmangle.corrupt import CorruptionConfig, Corruptor
from unmangle.resources import bundled_model_dir, package_data
from unmangle.scoring import DocumentScore, score_document
from unmangle.scoring.classifier import (Classifier, ClassifierFormatError, calibration_table,
                                         precision_at_recall, roc_auc)
from unmangle.scoring.features import FAST_FEATURES, extract

needs_ngram = pytest.mark.skipif(
    bundled_model_dir() is None or not (bundled_model_dir() / "ngram.npz").exists(),
    reason="no bundled trigram model")

CLEAN = (
    "The government said on Tuesday that it would raise the minimum wage next year, after months of "
    "talks with unions and employers. The finance minister told reporters that the increase would "
    "help families cope with rising prices for food and energy.\n\n"
    "Business groups warned that small firms could struggle to pay the higher wages, and some said "
    "they might cut jobs. The central bank is expected to keep interest rates unchanged at its "
    "meeting next month, economists said."
)
MANGLED = (
    "The authorities mentioned on Tuesday that it might elevate the minimal wage subsequent yr , after "
    "months of talks with unions and employers employers . The finance minister advised reporters "
    "that the rise would assist households deal with rising costs for meals and power.\n\n"
    "Business teams warned that small companies may battle to pay the upper wages , and a few mentioned "
    "they may reduce jobs. The central financial institution is anticipated to maintain curiosity charges "
    "unchanged at its assembly subsequent month, economists mentioned."
)


@needs_ngram
def test_features_are_rates_and_paragraphs_add_up():
    found = extract(MANGLED)
    assert len(found.paragraphs) == 2
    total = found.total
    assert total.words == sum(c.words for _, c in found.paragraphs)
    assert total.tokens == sum(c.tokens for _, c in found.paragraphs)
    feats = total.features()
    assert set(FAST_FEATURES) <= set(feats)
    for name in ("lm_surprising", "trigram_unseen", "bigram_unseen", "lm_oov", "wordfreq_oov",
                 "context_loss", "boilerplate_share", "duplicate_share"):
        assert 0.0 <= feats[name] <= 1.0, name
    assert feats["normalize_edits"] > 0        # "yr ," and "wages ," are spacing damage
    assert feats["doubled_words"] > 0          # "employers employers"
    assert extract(CLEAN).total.features()["normalize_edits"] == 0
    # a detector's chunks count in the paragraph they fall in; flagged ones as flagged words
    second = found.paragraphs[1][0]
    chunks = [(0, 4, 0.2, False), (second.start, second.start + 8, 0.9, True), (second.start + 9, second.start + 12, 0.6, False)]
    scored = extract(MANGLED, detector=lambda t: chunks)
    first, last = scored.paragraphs[0][1], scored.paragraphs[1][1]
    assert (first.flagged_words, last.flagged_words) == (0, 1)
    assert (first.detector_chunks, last.detector_chunks) == (1, 2)
    feats = scored.total.features()
    assert feats["detector_mean"] == pytest.approx((0.2 + 0.9 + 0.6) / 3)
    assert feats["detector_high"] == pytest.approx(2 / 3)
    assert "flagged_share" in feats and "detector_mean" not in found.total.features()


@needs_ngram
def test_the_neural_classifier_reads_the_detector_and_needs_a_model(tmp_path, capsys):
    from unmangle.resources import bundled_model_dir

    if bundled_model_dir() is None:
        pytest.skip("no bundled model in this install")
    neural = score_document(MANGLED, neural=True)
    assert {"detector_mean", "detector_high", "flagged_share"} <= set(neural.features)
    assert 0.0 <= neural.probability <= 1.0 and "log:flagged_share" in neural.evidence
    plain = score_document(MANGLED)
    assert "detector_mean" not in plain.features and "log:flagged_share" not in plain.evidence
    assert score_document(MANGLED, model=None).probability == plain.probability  # no model needed
    with pytest.raises(ValueError, match="needs a model folder"):
        score_document(MANGLED, model=None, neural=True)
    path = tmp_path / "mangled.txt"
    path.write_text(MANGLED, encoding="utf-8")
    assert main(["detect", str(path), "--neural", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["probability"] == neural.probability


def _toy(n=400, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    x = np.column_stack([rng.normal(y * 1.5, 1.0), rng.normal(0, 1, n), rng.normal(-y, 2.0)])
    return x, y


def test_classifier_round_trip_and_explanation(tmp_path):
    x, y = _toy()
    clf = Classifier.fit(x, y, ["a", "b", "c"], training={"signature": "toy"})
    path = tmp_path / "clf.json"
    clf.save(path)
    back = Classifier.load(path)
    assert back.feature_names == ["a", "b", "c"] and back.training["signature"] == "toy"
    np.testing.assert_allclose(back.probabilities(x), clf.probabilities(x), rtol=1e-12)
    p, parts = back.explain({"a": 2.0, "b": 0.0, "c": -1.0})
    assert p == pytest.approx(float(back.probabilities(np.array([[2.0, 0.0, -1.0]]))[0]), abs=1e-6)
    assert parts["a"] > 0 and abs(parts["a"]) > abs(parts["b"])  # the informative feature drives it
    assert roc_auc(clf.probabilities(x), y) > 0.8
    data = json.loads(path.read_text())
    data["format_version"] = 99
    path.write_text(json.dumps(data))
    with pytest.raises(ClassifierFormatError, match="format 99"):
        Classifier.load(path)
    path.write_text("{broken")
    with pytest.raises(ClassifierFormatError, match="line 1"):
        Classifier.load(path)


def test_product_features():
    x, y = _toy()
    rows = [{"a": r[0], "b": r[1]} for r in x]
    clf = Classifier.fit(np.array([[r["a"], r["a"] * r["b"]] for r in rows]), y, ["a", "a*b"])
    np.testing.assert_allclose(clf.matrix(rows)[:, 1], x[:, 0] * x[:, 1])


def test_calibration_is_monotonic_and_measured():
    x, y = _toy(2000, seed=1)
    clf = Classifier.fit(x, y, ["a", "b", "c"])
    assert clf.platt_a > 0
    z = np.linspace(-10, 10, 101)
    p = 1 / (1 + np.exp(-(clf.platt_a * z + clf.platt_b)))
    assert np.all(np.diff(p) > 0)
    probs = clf.probabilities(x)
    assert np.all(np.diff(probs[np.argsort(clf.logits(x))]) >= 0)
    _, ece = calibration_table(probs, y)
    assert ece < 0.05  # Platt on out-of-fold scores of a well-specified model
    shipped = Classifier.load(package_data("document_score.json"))
    assert shipped.platt_a > 0 and shipped.training.get("signature")


def test_metrics_on_known_cases():
    assert roc_auc(np.array([0.1, 0.4, 0.35, 0.8]), np.array([0, 0, 1, 1])) == pytest.approx(0.75)
    assert roc_auc(np.array([0.5, 0.5]), np.array([0, 1])) == pytest.approx(0.5)
    assert precision_at_recall(np.array([0.9, 0.8, 0.7, 0.1]), np.array([1, 0, 1, 1]), 0.6) == pytest.approx(2 / 3)
    rows, ece = calibration_table(np.array([0.05, 0.05, 0.95, 0.95]), np.array([0, 0, 1, 1]))
    assert ece == pytest.approx(0.05) and [r["n"] for r in rows] == [2, 2]


@needs_ngram
def test_shipped_weights_order_mangled_above_clean():
    clean, mangled = score_document(CLEAN), score_document(MANGLED)
    assert isinstance(clean, DocumentScore)
    assert mangled.probability > clean.probability
    assert mangled.probability >= 0.5 > clean.probability
    assert [(p.start, p.end) for p in mangled.paragraphs] == [(0, MANGLED.index("\n\n")),
                                                              (MANGLED.index("Business"), len(MANGLED))]
    assert all(0.0 <= p.probability <= 1.0 for p in mangled.paragraphs)
    assert max(mangled.evidence.values()) > 0  # something pointed to damage
    assert score_document("   ").probability == 0.0
    with pytest.raises(TypeError, match="bytes"):
        score_document(b"x")  # type: ignore[arg-type]


@needs_ngram
def test_generator_damage_raises_the_score():
    """Spacing damage and doubled words from the corruption generator raise the score (shipped
    weights). Purely lexical damage (synonyms) in a text this short is not reliably seen: see
    benchmarks/results/document_score.md."""
    clean = score_document(CLEAN).probability
    for seed in range(3):
        pair = Corruptor(CorruptionConfig.only("spacing", "duplication"), seed=seed).corrupt_document(CLEAN)
        assert pair.source != CLEAN
        assert score_document(pair.source).probability > clean


@needs_ngram
def test_cli_one_line_per_file_and_json(tmp_path, capsys):
    a, b = tmp_path / "clean.txt", tmp_path / "mangled.txt"
    a.write_text(CLEAN, encoding="utf-8")
    b.write_text(MANGLED, encoding="utf-8")
    assert main(["detect", str(a), str(b)]) == 0  # verdicts never change the exit status
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert lines[0].endswith(str(a)) and "clean (p>=0.5)" in lines[0]
    assert lines[1].endswith(str(b)) and "mangled (p>=0.5)" in lines[1]
    assert main(["detect", str(b), "--json", "--verdict-at", "0.99"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["file"] == str(b) and record["verdict_at"] == 0.99
    assert record["verdict"] == ("mangled" if record["probability"] >= 0.99 else "clean")
    assert len(record["paragraphs"]) == 2 and "lm_mean" in record["evidence"]
    assert main(["detect", str(tmp_path / "missing.txt")]) == 2
    assert main(["detect", str(a), "--verdict-at", "1.5"]) == 2
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    assert main(["detect", str(a), "--classifier", str(bad)]) == 2


# --- broad-model features and synonym suspects (unmangle.scoring.broad) -------------------------
def _broad_judge():
    from unmangle.scoring.features import _broad_judge as find

    judge = find()
    if judge is None:
        pytest.skip("pocketsphinx's English model is not installed")
    return judge


def test_broad_context_counts_pairs_and_gain():
    from unmangle.scoring.broad import context_counts, read_sentence

    judge = _broad_judge()
    fluent = context_counts(judge, read_sentence(judge, ["the", "prime", "minister", "said"]))
    odd = context_counts(judge, read_sentence(judge, ["the", "purple", "minister", "elephant"]))
    assert fluent.pairs == odd.pairs == 3      # word pairs, not counting <s> or </s>
    assert fluent.unseen == 0 and odd.unseen == 2  # "purple minister", "minister elephant"
    assert fluent.gain_sum / fluent.known > odd.gain_sum / odd.known + 1
    assert odd.loss > fluent.loss
    named = context_counts(judge, read_sentence(judge, ["Obama", "said", "qwzxv", "twice"]))
    assert named.unknown == 1  # "qwzxv"; a name at the sentence start is a known word or <name>


def test_candidate_gain_equals_rescoring_the_whole_sentence():
    """The local window (the word and the two tokens after it) is exactly what a replacement
    changes under a trigram model: the gain must equal the full-sentence difference."""
    from unmangle.judges.base import sentence_words
    from unmangle.scoring.broad import SYNONYM_CANDIDATES, best_candidate_gain, read_sentence
    from unmangle.textspans import sentences
    from unmangle.thesaurus import reverse_candidates

    judge = _broad_judge()
    checked = 0
    for s in sentences(MANGLED):
        words = [w.text for w in sentence_words(s.text)]
        sent = read_sentence(judge, words)
        base = judge.score(words)
        for i, word in enumerate(words):
            gain = best_candidate_gain(judge, sent, i)
            if gain is None:
                continue
            cands = [c.split(" ") for c in reverse_candidates(word.lower())[:SYNONYM_CANDIDATES]]
            full = max(judge.score(words[:i] + c + words[i + 1:]) - base
                       for c in cands if all(judge.knows(x) for x in c))
            assert gain == pytest.approx(full, abs=1e-6), word
            checked += 1
    assert checked > 20


def test_names_and_function_words_are_not_synonym_checked():
    from unmangle.scoring.broad import best_candidate_gain, read_sentence

    judge = _broad_judge()
    sent = read_sentence(judge, ["The", "talks", "with", "Rising", "Sun", "elevate", "prices", "."])
    checked = [i for i in range(len(sent.words)) if best_candidate_gain(judge, sent, i) is not None]
    assert 1 in checked and 5 in checked and 6 in checked  # talks, elevate, prices
    assert 2 not in checked and 3 not in checked and 7 not in checked  # with, Rising (a name), "."


@needs_ngram
def test_broad_features_point_to_spun_text():
    judge = _broad_judge()  # noqa: F841 (skips without the model)
    clean = extract(CLEAN, general=True, synonyms=True)
    mangled = extract(MANGLED, general=True, synonyms=True)
    c, m = clean.total.features(), mangled.total.features()
    assert m["synonym_suspects"] > 2 * c["synonym_suspects"]
    assert m["general_gain"] < c["general_gain"] and m["general_unseen"] > c["general_unseen"]
    assert m["general_loss"] > c["general_loss"] and m["general_mean"] < c["general_mean"]
    total = mangled.total
    assert total.synonym_checked == sum(p.synonym_checked for _, p in mangled.paragraphs)
    assert total.general_pairs == sum(p.general_pairs for _, p in mangled.paragraphs)
    assert "synonym_suspects" not in extract(CLEAN, general=True).total.features()
    assert "general_gain" not in extract(CLEAN).total.features()


def test_extraction_follows_the_classifier_features():
    from unmangle.scoring.api import extraction_options

    def clf(*names):
        n = len(names)
        return Classifier(list(names), np.zeros(n), np.ones(n), np.ones(n), 0.0)

    assert extraction_options(clf("lm_mean", "log:normalize_edits")) == {
        "general": False, "synonyms": False, "neural": False}
    assert extraction_options(clf("general_gain*log_words")) == {
        "general": True, "synonyms": False, "neural": False}
    assert extraction_options(clf("synonym_suspects")) == {"general": True, "synonyms": True, "neural": False}
    assert extraction_options(clf("flagged_share"))["neural"]


@needs_ngram
def test_missing_broad_model_is_a_clear_error(monkeypatch):
    import unmangle.scoring.api as api

    monkeypatch.setattr(api, "general_model_available", lambda: False)
    shipped = api.load_classifier()
    if not api.extraction_options(shipped)["general"]:
        pytest.skip("the shipped classifier does not read the broad model")
    with pytest.raises(RuntimeError, match="pocketsphinx"):
        score_document(CLEAN)
