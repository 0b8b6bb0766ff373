"""Shared fixtures. Tests that read ../shared skip cleanly when it is absent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def find_shared_dir() -> Path | None:
    env = os.environ.get("UNMANGLE_SHARED")
    candidates = [Path(env)] if env else []
    candidates.append(Path(__file__).resolve().parents[2] / "shared")
    for path in candidates:
        if (path / "README.md").is_file():
            return path
    return None


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    path = find_shared_dir()
    if path is None:
        pytest.skip("../shared data is not available (set UNMANGLE_SHARED to point at it)")
    return path


@pytest.fixture(scope="session")
def seed_article(shared_dir: Path) -> str:
    files = sorted((shared_dir / "seeds").glob("*.txt"))
    if not files:
        pytest.skip("no seed article in ../shared/seeds")
    return files[0].read_text(encoding="utf-8")


TINY_PAIRS = [
    ("Shares of Tennessee Holdings rose on Monday .", "Shares of Tencent Holdings rose on Monday."),
    ("The the company said it would appeal.", "The company said it would appeal."),
    ("Officials in the Washington criticised regulators.", "Officials in Washington criticised regulators."),
    ("Users of Ticketok shared the video widely.", "Users of TikTok shared the video widely."),
] * 8


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory):
    """A tiny model trained for a few steps here: real folder layout, meaningless weights.

    Its thresholds accept every candidate, so tests exercise the whole rewrite path.
    """
    pytest.importorskip("sentencepiece")
    from unmangle.training.data import ExampleSettings, tokenise_pairs
    from unmangle.model_folder import InferenceSettings
    from unmangle.training.model import ModelSettings
    from unmangle.training.tokenizer import build_tokenizer
    from unmangle.training.train import TrainSettings, export_model, new_model, train

    root = tmp_path_factory.mktemp("model")
    tok_dir = root / "tok"
    texts = [t for _, t in TINY_PAIRS] + [s for s, _ in TINY_PAIRS]
    tokenizer = build_tokenizer(texts, tok_dir, vocab_size=400)
    data = tokenise_pairs(TINY_PAIRS, 0, ExampleSettings(), tokenizer=tokenizer.backend_tokenizer)
    model = new_model(ModelSettings.preset("tiny"), len(tokenizer))
    summary = train(model, data, TrainSettings(batch_size=8, max_steps=6, warmup_steps=2, device="cpu"),
                    root / "work", log=lambda *_: None)
    assert summary["steps"] == 6
    out = root / "model"
    export_model(model, tok_dir, out, InferenceSettings(min_probability=0.0, min_evidence=-1e9),
                 {"test": True})
    return out, root
