"""The NumPy engine gives a text the same numbers whatever else shares its batch.

This is what lets one call per row and one batched call produce the same repair: scores are
compared for exact equality, not closeness (a float32 difference of one unit in the last place
can round a bfloat16 value the other way and move an edit across its threshold).
"""

from __future__ import annotations

import numpy as np
import pytest

from unmangle.neural.numpy_t5 import MIN_PRODUCT_ROWS, NumpyT5, blas_keeps_rows, row_stable_matmul, to_bf16
from unmangle.resources import bundled_model_dir

MODEL = bundled_model_dir()
needs_model = pytest.mark.skipif(MODEL is None, reason="no bundled model in this install")


@pytest.mark.parametrize("k,n", [(256, 256), (256, 1024), (1024, 256), (256, 16000), (512, 128), (128, 512)])
def test_the_probe_never_trusts_a_product_that_changes_rows(k, n):
    """Where the load-time probe says this BLAS keeps a row's result whatever the row count, a far
    wider check agrees (the bundled model's shapes, and the tiny test model's)."""
    rng = np.random.default_rng(k + n)
    weight = to_bf16(rng.standard_normal((k, n)).astype(np.float32))
    if not blas_keeps_rows(weight):
        return  # that shape runs in float64: nothing to trust
    rows = to_bf16(rng.standard_normal((6000 if n <= 1024 else 600, k)).astype(np.float32))
    reference = row_stable_matmul(rows, weight)
    for m in (*range(1, 2 * MIN_PRODUCT_ROWS + 1), 31, 100, 257):
        assert np.array_equal(row_stable_matmul(rows[:m], weight), reference[:m]), m


def test_a_shape_that_changes_rows_runs_in_float64(monkeypatch):
    """A BLAS that sums a row differently with more rows around it (simulated: a tiny offset
    that grows with the row count) fails the probe, and the layer then sums in float64."""
    import unmangle.neural.numpy_t5 as numpy_t5

    def unsteady(rows, weight):
        return rows @ weight + np.float32(1e-6) * rows.shape[0]

    monkeypatch.setattr(numpy_t5, "row_stable_matmul", unsteady)
    monkeypatch.setattr(numpy_t5, "_ROWS_KEPT", {})
    weight = np.random.default_rng(0).standard_normal((64, 48)).astype(np.float32)
    assert not numpy_t5.blas_keeps_rows(weight)
    layer = numpy_t5._Linear(weight.T, bf16=False)
    assert layer.product is numpy_t5.exact_matmul
    x = np.random.default_rng(1).standard_normal((5, 64)).astype(np.float32)
    assert np.array_equal(layer(x)[:2], layer(x[:2]))


def _batch(model_dir, texts):
    from unmangle.neural.tokenizer import InferenceTokenizer

    enc = InferenceTokenizer(model_dir).batch(texts)
    return enc["input_ids"], enc["attention_mask"]


@needs_model
@pytest.mark.parametrize("precision", ["bf16", "fp32"])
def test_encoder_detector_and_decoder_are_batch_independent(precision):
    net = NumpyT5.load(MODEL, precision)
    short = "The minister said that the meeting had been postponed ."
    others = ["A much longer sentence that pads the short one in its batch , with many more words "
              "than it has , so that the keys and rows around it change .", "Two words ."]
    ids1, mask1 = _batch(MODEL, [short])
    ids3, mask3 = _batch(MODEL, [others[0], short, others[1]])
    n = int(mask1.sum())
    h1, h3 = net.encode(ids1, mask1), net.encode(ids3, mask3)
    assert np.array_equal(h1[0, :n], h3[1, :n])
    assert np.array_equal(net.detect_logits(h1)[0, :n], net.detect_logits(h3)[1, :n])
    labels1 = np.array([[5, 9, 1]], dtype=np.int64)
    labels3 = np.array([[7, 8, 3, 4, 1], [5, 9, 1, 0, 0], [6, 1, 0, 0, 0]], dtype=np.int64)
    logits1 = net.decoder_logits(h1, mask1, net.shift_right(labels1, 0))
    logits3 = net.decoder_logits(h3, mask3, net.shift_right(labels3, 0))
    assert np.array_equal(logits1[0, :3], logits3[1, :3])


_SENTENCES = ["Shares of Tennessee Holdings rose on Monday.",
              "Users of Ticketok shared it widely, the company said in a statement on Tuesday night.",
              "It rained."]


@needs_model
def test_margins_and_probabilities_alone_equal_batched():
    from unmangle.neural.stage import NeuralStage

    stage = NeuralStage.from_dir(MODEL)
    items = [(s, 0, s.index(" "), "The") for s in _SENTENCES]
    assert stage.rewriter.margins(items) == [stage.rewriter.margins([item])[0] for item in items]
    probs = [p for scored in stage.detector.chunk_scores(_SENTENCES) for *_, p in scored]
    assert probs == [p for s in _SENTENCES for *_, p in stage.detector.chunk_scores([s])[0]]


@needs_model
@pytest.mark.parametrize("precision", ["bf16", "fp32"])
def test_repair_many_equals_one_by_one(precision):
    """A text's repair does not depend on what else is in its call: the same edits with the same
    confidences. (With model_engine="auto" a batch runs on torch and a single text on NumPy, so
    an edit at the threshold may differ: not promised, not tested.)"""
    from unmangle import Repairer, apply_edits

    repairer = Repairer(precision=precision)
    texts = ["Shares of Tennessee Holdings rose on Monday .", "", "Users of Ticketok shared it.  ",
             "The the company said it would appeal.",
             "But from the late 9th century they were considerably larger in an area spreading hundreds "
             "of dominions.", "The Union is committed to the reform of the Safety Council.",
             "It is to time stop the war in the region.",
             "A much longer sentence, padded by its neighbours in a batch, about the talks in Geneva.",
             "The ministers said on Friday that the talks would go on next week in Geneva, where the "
             "delegations of both countries have met four times since the summer."]
    many = repairer.repair_many(texts)
    assert any(e.stage == "neural" for r in many for e in r.edits)
    for text, result in zip(texts, many):
        single = repairer.repair_document(text)
        assert result.text == single.text
        assert [(e.start, e.end, e.new, e.stage, e.confidence) for e in result.edits] == \
            [(e.start, e.end, e.new, e.stage, e.confidence) for e in single.edits]
        assert apply_edits(text, result.edits) == result.text
