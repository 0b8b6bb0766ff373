"""``unmangle train`` and ``unmangle ngram`` end to end on a few lines of text."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("sentencepiece")

from conftest import TINY_PAIRS
from unmangle.cli import main
from unmangle.neural.model import NGRAM_FILE
from unmangle.neural.model_dir import check_model_dir
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
