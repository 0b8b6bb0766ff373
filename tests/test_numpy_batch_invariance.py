"""The NumPy engine gives a text the same numbers whatever else shares its batch.

This is what lets one call per row and one batched call produce the same repair: scores are
compared for exact equality, not closeness (a float32 difference of one unit in the last place
can round a bfloat16 value the other way and move an edit across its threshold).
"""

from __future__ import annotations

import numpy as np
import pytest

from unmangle.neural.numpy_t5 import MIN_PRODUCT_ROWS, NumpyT5, row_stable_matmul
from unmangle.resources import bundled_model_dir

MODEL = bundled_model_dir()
needs_model = pytest.mark.skipif(MODEL is None, reason="no bundled model in this install")


@pytest.mark.parametrize("k,n", [(256, 256), (256, 1024), (1024, 256), (256, 16000)])
def test_a_rows_product_does_not_depend_on_the_other_rows(k, n):
    rng = np.random.default_rng(k + n)
    weight = rng.standard_normal((k, n)).astype(np.float32)
    rows = rng.standard_normal((6000 if n <= 1024 else 600, k)).astype(np.float32)
    reference = row_stable_matmul(rows, weight)
    for m in (*range(1, 2 * MIN_PRODUCT_ROWS + 1), 31, 100, 257):
        assert np.array_equal(row_stable_matmul(rows[:m], weight), reference[:m]), m


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
