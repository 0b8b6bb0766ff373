"""Model folders: save/load, training and resuming, and clear errors for damaged folders."""

from __future__ import annotations

import json
import shutil

import pytest

pytest.importorskip("sentencepiece")

from unmangle import Repairer, apply_edits
from unmangle.bench.environment import cpu_has_amx
from unmangle.training.data import ExampleSettings, tokenise_pairs
from unmangle.training.model import UnmangleModel
from unmangle.model_folder import ModelFolderError, check_model_dir
from unmangle.neural.stage import NeuralStage
from unmangle.training.tokenizer import load_tokenizer
from unmangle.training.train import TrainSettings, train

from conftest import TINY_PAIRS as PAIRS

def test_export_is_a_complete_bf16_folder(tiny_model_dir):
    out, _ = tiny_model_dir
    check_model_dir(out)
    from safetensors import safe_open

    with safe_open(str(out / "model.safetensors"), "pt") as fh:
        dtypes = {str(fh.get_tensor(k).dtype) for k in fh.keys()}
    assert dtypes == {"torch.bfloat16"}
    reloaded = UnmangleModel.load(out)
    assert reloaded.detector.weight.shape[1] == reloaded.config.d_model


def test_resume_continues_step_count(tiny_model_dir):
    out, root = tiny_model_dir
    model = UnmangleModel.load(out)
    tok = load_tokenizer(out)
    data = tokenise_pairs(PAIRS, 1, ExampleSettings(), tokenizer=tok.backend_tokenizer)
    summary = train(model, data, TrainSettings(batch_size=8, max_steps=8, warmup_steps=2, device="cpu"),
                    root / "work", resume=True, log=lambda *_: None)
    assert summary["steps"] == 8  # 6 from the first run, 2 more


def test_stage_edits_are_consistent_even_when_accepting_everything(tiny_model_dir):
    out, _ = tiny_model_dir
    stage = NeuralStage.from_dir(out)
    text = "Shares of Tennessee Holdings rose on Monday . Users of Ticketok shared it."
    edits = stage.propose(text)
    assert apply_edits(text, edits) is not None  # spans valid, non-overlapping
    repairer = Repairer.load(out)
    result = repairer.repair_document(text)
    assert apply_edits(text, result.edits) == result.text
    assert "neural" in repairer.stage_names
    assert "capitals" not in repairer.stage_names  # the folder has no n-gram model to judge with


def test_repair_with_strict_threshold_changes_nothing_neural(tiny_model_dir):
    out, _ = tiny_model_dir
    result = Repairer.load(out, min_evidence=1e9).repair_document("Users of Ticketok shared the video.")
    assert not [e for e in result.edits if "neural" in e.stage]


def test_missing_file_is_named(tiny_model_dir, tmp_path):
    out, _ = tiny_model_dir
    broken = tmp_path / "broken"
    shutil.copytree(out, broken)
    (broken / "tokenizer.json").unlink()
    with pytest.raises(ModelFolderError, match="tokenizer.json"):
        Repairer(model=broken)
    with pytest.raises(ModelFolderError, match="does not exist"):
        Repairer(model=tmp_path / "nowhere")


@pytest.mark.parametrize("damage", ["weights", "metadata", "config"])
def test_damaged_files_give_clear_errors(tiny_model_dir, tmp_path, damage):
    out, _ = tiny_model_dir
    broken = tmp_path / "broken"
    shutil.copytree(out, broken)
    if damage == "weights":
        (broken / "model.safetensors").write_bytes(b"not a safetensors file")
        pattern = "model.safetensors"
    elif damage == "metadata":
        (broken / "unmangle.json").write_text(json.dumps({"format_version": 99}))
        pattern = "format_version"
    else:
        (broken / "config.json").write_text("{not json")
        pattern = "config.json"
    with pytest.raises(ModelFolderError, match=pattern):
        NeuralStage.from_dir(broken)


def test_inference_engines_match_transformers(tiny_model_dir):
    """Repair runs the model through unmangle.neural.numpy_t5 (small calls) and lean_t5 (large
    ones); at fp32 both must give transformers' scores and greedy output."""
    import numpy as np
    import torch

    from unmangle.neural.engine import torch_network
    from unmangle.neural.numpy_t5 import NumpyT5
    from unmangle.neural.tokenizer import InferenceTokenizer

    out, _ = tiny_model_dir
    reference = UnmangleModel.load(out)
    gen = torch.Generator().manual_seed(0)
    ids = torch.randint(3, 300, (2, 11), generator=gen)
    mask = torch.ones_like(ids)
    mask[1, 7:] = 0  # padding in the second row
    labels = torch.randint(3, 300, (2, 4), generator=gen)
    with torch.inference_mode():
        expected_detect = reference.detect_logits(ids, mask).numpy()
        expected = reference.t5(input_ids=ids, attention_mask=mask, labels=labels).logits.numpy()
        generated = reference.t5.generate(input_ids=ids, attention_mask=mask, max_new_tokens=6, num_beams=1,
                                          do_sample=False, bad_words_ids=[[5]])[:, 1:].numpy()
    for engine in (NumpyT5.load(out, "fp32"), torch_network(out, "fp32")):
        hidden = engine.encode(ids.numpy(), mask.numpy())
        np.testing.assert_allclose(engine.detect_logits(hidden), expected_detect, atol=1e-5)
        got = engine.decoder_logits(hidden, mask.numpy(), engine.shift_right(labels.numpy(), 0))
        np.testing.assert_allclose(got, expected, atol=1e-4)
        greedy, _ = engine.greedy(hidden, mask.numpy(), 6, eos_id=1, pad_id=0, banned=5)
        width = min(greedy.shape[1], generated.shape[1])
        assert (greedy[:, :width] == generated[:, :width]).all()
    tok = InferenceTokenizer(out)
    slow = load_tokenizer(out)
    texts = ["Users of <span> Ticketok</span> shared it.", "", "Zürich “quoted” 中文\nline"]
    batch = tok.batch(texts, offsets=True)
    expected = slow(texts, padding=True, return_tensors="np", return_offsets_mapping=True)
    assert (batch["input_ids"] == expected["input_ids"]).all()
    assert (batch["attention_mask"] == expected["attention_mask"]).all()
    for row, ids_row in enumerate(batch["input_ids"].tolist()):
        assert tok.decode(ids_row) == slow.decode(ids_row, skip_special_tokens=False)
        assert [tuple(o) for o in batch["offset_mapping"][row]] == \
            [tuple(o) for o in expected["offset_mapping"][row].tolist()][:len(batch["offset_mapping"][row])]


@pytest.mark.parametrize("precision", ["bf16", "fp32"])
def test_numpy_and_torch_engines_agree(tiny_model_dir, precision):
    """The two engines round alike: a change's margin and a chunk's probability must not depend
    (beyond rounding) on which engine scored it."""
    from unmangle.neural.numpy_t5 import NumpyT5

    out, _ = tiny_model_dir
    small = NeuralStage.from_dir(out, precision=precision)
    large = NeuralStage.from_dir(out, precision=precision, engine="torch")
    assert isinstance(small.rewriter.network, NumpyT5) and not isinstance(large.rewriter.network, NumpyT5)
    items = [(s, 0, s.index(" "), "The") for s in _BATCH_SENTENCES]
    tolerance = 0.05 if precision == "bf16" else 1e-4
    assert small.rewriter.margins(items) == pytest.approx(large.rewriter.margins(items), abs=tolerance)
    probs = [p for scored in small.detector.chunk_scores(_BATCH_SENTENCES) for *_, p in scored]
    assert probs == pytest.approx([p for scored in large.detector.chunk_scores(_BATCH_SENTENCES) for *_, p in scored],
                                  abs=tolerance / 10)
    texts = [" ".join(_BATCH_SENTENCES)] * 2
    assert [len(c) for c in small.choices_many(texts)] == [len(c) for c in large.choices_many(texts)]


def test_auto_engine_routes_by_call_size(tiny_model_dir):
    """engine="auto": a call of up to SMALL_CALL_WORDS words on NumPy, a larger one on torch."""
    out, _ = tiny_model_dir
    stage = NeuralStage.from_dir(out, engine="auto")
    network = stage.rewriter.network
    seen = []
    for engine in (network.small, network._large_engine()):
        original = engine.encode

        def spy(*args, _engine=engine, _original=original):
            seen.append(_engine)
            return _original(*args)

        engine.encode = spy
    try:
        stage.choices_many(["Shares of Tennessee Holdings rose on Monday."])
        assert seen and all(e is network.small for e in seen)
        seen.clear()
        stage.choices_many(["Shares of Tennessee Holdings rose on Monday after the company said so."] * 8)
        assert seen and all(e is network._large for e in seen)
    finally:
        for engine in (network.small, network._large):
            del engine.encode


def test_routed_network_runs_on_numpy_without_torch(tiny_model_dir):
    """Without torch installed, large calls fall back to NumPy instead of failing."""
    from unmangle.neural.engine import RoutedNetwork
    from unmangle.neural.numpy_t5 import NumpyT5

    out, _ = tiny_model_dir

    def no_torch():
        raise ImportError("No module named 'torch'")

    network = RoutedNetwork(NumpyT5.load(out), no_torch, max_small_words=0)
    stage = NeuralStage.from_dir(out).with_settings()
    stage.rewriter.network = stage.detector.network = network
    choices = stage.choices_many(_BATCH_SENTENCES)
    assert len(choices) == len(_BATCH_SENTENCES)
    assert network._load_large is None and network._large is None


_BATCH_SENTENCES = ["Shares of Tennessee Holdings rose on Monday.",
                    "Users of Ticketok shared it widely, the company said in a statement on Tuesday night.",
                    "It rained."]


def test_bf16_scores_are_close_to_fp32(tiny_model_dir):
    out, _ = tiny_model_dir
    fp32 = NeuralStage.from_dir(out, precision="fp32")
    bf16 = NeuralStage.from_dir(out, precision="bf16")
    items = [(s, 0, s.index(" "), "The") for s in _BATCH_SENTENCES]
    assert bf16.rewriter.margins(items) == pytest.approx(fp32.rewriter.margins(items), abs=0.5)


_AMX = pytest.mark.skipif(cpu_has_amx(), reason="on CPUs with AMX, oneDNN's bf16 kernels round differently "
                          "for different batch shapes (measured: margins move by up to 0.06 nats); "
                          "batch independence holds to rounding only on CPUs without AMX")


def test_numpy_scores_are_batch_independent_to_the_bit(tiny_model_dir):
    """On NumPy a sentence's scores alone and in a batch are equal, also for a model whose layer
    shapes this BLAS does not keep row by row (the tiny model's 512 -> 128 layer on OpenBLAS: it
    runs in float64)."""
    out, _ = tiny_model_dir
    stage = NeuralStage.from_dir(out, precision="bf16")
    items = [(s, 0, s.index(" "), "The") for s in _BATCH_SENTENCES]
    assert stage.rewriter.margins(items) == [stage.rewriter.margins([item])[0] for item in items]
    probs = [p for scored in stage.detector.chunk_scores(_BATCH_SENTENCES) for *_, p in scored]
    assert probs == [p for s in _BATCH_SENTENCES for *_, p in stage.detector.chunk_scores([s])[0]]


@_AMX
def test_torch_bf16_scores_are_batch_independent_to_rounding(tiny_model_dir):
    """On torch a sentence's scores alone and in a batch agree to rounding."""
    out, _ = tiny_model_dir
    bf16 = NeuralStage.from_dir(out, precision="bf16", engine="torch")
    items = [(s, 0, s.index(" "), "The") for s in _BATCH_SENTENCES]
    together = bf16.rewriter.margins(items)
    alone = [bf16.rewriter.margins([item])[0] for item in items]
    # to rounding: BLAS may block a product's sums differently for different row counts, so a value
    # may round to the next bfloat16 (measured on an AMD EPYC: up to 0.027 nats between a batch and
    # single calls); int8's per-batch input scale moves margins by ~0.1 and more
    assert together == pytest.approx(alone, abs=0.05)
    probs = [p for scored in bf16.detector.chunk_scores(_BATCH_SENTENCES) for *_, p in scored]
    probs_alone = [p for s in _BATCH_SENTENCES for *_, p in bf16.detector.chunk_scores([s])[0]]
    assert probs == pytest.approx(probs_alone, abs=2e-3)


def test_int8_runs_on_torch_and_scores_near_fp32(tiny_model_dir):
    """int8 has no NumPy engine: the stage runs it on torch alone, with scores near fp32's."""
    from unmangle.neural.engine import TorchNetwork

    out, _ = tiny_model_dir
    int8 = NeuralStage.from_dir(out, precision="int8")
    assert isinstance(int8.rewriter.network, TorchNetwork)
    fp32 = NeuralStage.from_dir(out, precision="fp32")
    items = [(s, 0, s.index(" "), "The") for s in _BATCH_SENTENCES]
    assert int8.rewriter.margins(items) == pytest.approx(fp32.rewriter.margins(items), abs=1.0)
    assert len(int8.choices_many(_BATCH_SENTENCES)) == len(_BATCH_SENTENCES)


def test_unknown_precision_is_refused(tiny_model_dir):
    out, _ = tiny_model_dir
    with pytest.raises(ValueError, match="unknown precision 'fp8'"):
        NeuralStage.from_dir(out, precision="fp8")
    with pytest.raises(ValueError, match="choose from bf16, int8, fp32"):
        Repairer(fast=True, precision="half")


def test_unknown_engine_is_refused():
    with pytest.raises(ValueError, match="unknown engine 'gpu'; choose from numpy, auto, torch"):
        Repairer(fast=True, model_engine="gpu")


@pytest.mark.parametrize("precision,engine,named", [("int8", "numpy", "precision 'int8'"),
                                                    ("bf16", "torch", "engine 'torch'")])
def test_asking_for_torch_without_it_names_what_asked(tiny_model_dir, monkeypatch, precision, engine, named):
    from unmangle.neural import engine as engine_module

    def no_torch(*_):
        raise ImportError("No module named 'torch'")

    monkeypatch.setattr(engine_module, "torch_network", no_torch)
    out, _ = tiny_model_dir
    with pytest.raises(ImportError, match=f"{named} runs the model on torch"):
        engine_module.load_network(out, precision, engine)


@pytest.mark.parametrize("rows", [1, 31, 32, 33, 512, 513, 1100])
def test_bf16_linear_blocks_and_padding_do_not_change_results(rows):
    """The bf16 layer computes in padded blocks (few shapes, bounded memory): every row must come
    out as one plain bf16 matrix product would give it."""
    import torch

    from unmangle.neural.lean_t5 import _BF16Linear

    torch.manual_seed(rows)
    layer = _BF16Linear(torch.randn(48, 16))
    x = torch.randn(rows, 3, 16) if rows < 100 else torch.randn(rows, 16)
    expected = torch.nn.functional.linear(x.to(torch.bfloat16), layer.weight).float()
    got = layer(x)
    assert got.dtype == torch.float32 and got.shape == expected.shape
    assert torch.equal(got, expected)


def test_greedy_scores_equal_scoring_its_output_afterwards(tiny_model_dir):
    """The rewriter's margin uses greedy decoding's own log-probabilities: they must be what
    teacher-forced scoring of the same tokens gives."""
    import numpy as np

    from unmangle.neural.tokenizer import mark

    out, _ = tiny_model_dir
    stage = NeuralStage.from_dir(out, precision="fp32")
    tok = stage.tokenizer
    sentences = ["Shares of Tennessee Holdings rose on Monday.", "Users of Ticketok shared it.",
                 "The the company said it would appeal the ruling."]
    marked = [mark(s, 0, s.index(" ", 5), 40) for s in sentences]
    rewriter = stage.rewriter
    hidden, mask = rewriter.encode(marked)
    cands, scores = rewriter.network.greedy(hidden, mask, 8, tok.eos_token_id, tok.pad_token_id,
                                            banned=rewriter.keep_id)
    expected = rewriter.sequence_logprob(hidden, mask, cands)
    finished = (cands == tok.eos_token_id).any(-1)
    assert finished.any()  # the end-of-sequence step is exercised
    np.testing.assert_allclose(scores[finished], expected[finished], atol=1e-4)
