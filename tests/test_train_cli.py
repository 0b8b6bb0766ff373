"""``unmangle train`` and ``unmangle ngram`` end to end on a few lines of text."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("sentencepiece")

from conftest import TINY_PAIRS
from unmangle.cli import main
from unmangle.model_folder import NGRAM_FILE
from unmangle.model_folder import check_model_dir
from unmangle.ngram import NgramLM


@pytest.fixture()
def corpora(tmp_path):
    clean = tmp_path / "clean.txt"
    clean.write_text("\n".join(t for _, t in TINY_PAIRS) + "\n", encoding="utf-8")
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text("".join(json.dumps({"source": s, "target": t}) + "\n" for s, t in TINY_PAIRS),
                     encoding="utf-8")
    return clean, pairs


def test_train_writes_a_folder_with_its_ngram_model(corpora, tmp_path, capsys):
    clean, pairs = corpora
    out = tmp_path / "model"
    code = main(["train", "--out", str(out), "--work-dir", str(tmp_path / "work"), "--clean", str(clean),
                 "--pairs", str(pairs), "--model-size", "tiny", "--vocab-size", "300", "--batch-size", "8",
                 "--max-steps", "2", "--warmup-steps", "1", "--device", "cpu"])
    assert code == 0
    check_model_dir(out)
    lm = NgramLM.load(out / NGRAM_FILE)
    assert lm.score("Users of TikTok shared the video widely.") > lm.score("Users of shared TikTok the video.")
    assert "n-gram model" in capsys.readouterr().out


def test_ngram_command_builds_and_refuses_evaluation_files(corpora, tmp_path, capsys):
    clean, pairs = corpora
    out = tmp_path / "lm.npz"
    assert main(["ngram", "--out", str(out), "--clean", str(clean), "--pairs", str(pairs)]) == 0
    assert len(NgramLM.load(out)) > 0
    dev = tmp_path / "news.dev.txt"
    dev.write_text("A sentence.\n", encoding="utf-8")
    assert main(["ngram", "--out", str(out), "--clean", str(dev)]) == 2
    assert "evaluation" in capsys.readouterr().err
    assert main(["ngram", "--out", str(tmp_path / "missing" / "lm.npz"), "--clean", str(clean)]) == 2


def test_train_can_start_from_a_model_folder(corpora, tmp_path, capsys):
    """--init-from continues a model (its weights and tokenizer) with a fresh work directory."""
    from safetensors.torch import load_file

    clean, pairs = corpora
    common = ["--clean", str(clean), "--pairs", str(pairs), "--batch-size", "8", "--max-steps", "2",
              "--warmup-steps", "1", "--device", "cpu", "--no-ngram"]
    first = tmp_path / "first"
    assert main(["train", "--out", str(first), "--work-dir", str(tmp_path / "w1"), "--model-size", "tiny",
                 "--vocab-size", "300", *common]) == 0
    second = tmp_path / "second"
    assert main(["train", "--out", str(second), "--work-dir", str(tmp_path / "w2"), "--init-from", str(first),
                 "--seed", "1", "--keep-negatives", "2", "--negative-content-weight", "4", *common]) == 0
    check_model_dir(second)
    settings = json.loads((second / "unmangle.json").read_text())["training"]["example_settings"]
    assert settings["negatives"] == 2 and settings["negative_content_weight"] == 4.0
    assert (second / "tokenizer.json").read_bytes() == (first / "tokenizer.json").read_bytes()
    assert not (tmp_path / "w2" / "tokenizer").exists()
    training = json.loads((second / "unmangle.json").read_text())["training"]
    assert training["initialised_from"]["path"] == str(first)
    assert training["initialised_from"]["steps"] == 2
    a, b = load_file(str(first / "model.safetensors")), load_file(str(second / "model.safetensors"))
    assert a.keys() == b.keys()
    assert any(not (a[k] == b[k]).all() for k in a)  # it trained further
    assert "initialised from" in capsys.readouterr().out
    # a folder that is no model is refused with its name, and --resume cannot be combined
    assert main(["train", "--out", str(tmp_path / "x"), "--init-from", str(tmp_path / "w1"), *common]) == 2
    assert "unmangle.json" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["train", "--out", str(tmp_path / "x"), "--init-from", str(first), "--resume", *common])
    assert main(["train", "--out", str(tmp_path / "x"), "--init-from", str(first),
                 "--negative-content-weight", "0", *common]) == 2
    assert "--negative-content-weight" in capsys.readouterr().err


def test_running_out_of_memory_saves_a_checkpoint_and_says_what_to_do(corpora, tmp_path, capsys, monkeypatch):
    import torch

    from unmangle.training.model import UnmangleModel

    clean, pairs = corpora
    real_loss = UnmangleModel.rewrite_loss
    calls = {"n": 0}

    def loss_that_runs_out(self, *args):
        calls["n"] += 1
        if calls["n"] == 3:
            raise torch.OutOfMemoryError("CUDA out of memory (simulated)")
        return real_loss(self, *args)

    monkeypatch.setattr(UnmangleModel, "rewrite_loss", loss_that_runs_out)
    args = ["train", "--out", str(tmp_path / "model"), "--work-dir", str(tmp_path / "work"),
            "--clean", str(clean), "--pairs", str(pairs), "--model-size", "tiny", "--vocab-size", "300",
            "--batch-size", "8", "--max-steps", "4", "--warmup-steps", "1", "--device", "cpu", "--no-ngram"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "out of cpu memory at step 2" in err and "--resume" in err and "--batch-size" in err
    assert torch.load(tmp_path / "work" / "checkpoint.pt", weights_only=False)["step"] == 2
    assert not (tmp_path / "model").exists()
    assert main(args + ["--resume", "--batch-size", "4"]) == 0  # continues from step 2
    training = json.loads((tmp_path / "model" / "unmangle.json").read_text())["training"]
    assert training["steps"] == 4
