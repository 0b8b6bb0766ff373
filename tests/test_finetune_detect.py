"""Fine-tuning on user pairs and the detect API/CLI, on a tiny model made in the test session."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import TINY_PAIRS
from unmangle.cli import main
from unmangle.detection import detect
from unmangle.finetuning import FinetuneError, finetune_from_files
from unmangle.neural.model_dir import check_model_dir


def _write_pairs(path: Path, pairs) -> Path:
    path.write_text("".join(json.dumps({"source": s, "target": t}) + "\n" for s, t in pairs), encoding="utf-8")
    return path


def test_finetune_writes_a_model_and_reports_before_after(tiny_model_dir, tmp_path):
    base, _ = tiny_model_dir
    train = _write_pairs(tmp_path / "train.jsonl", TINY_PAIRS)
    dev = _write_pairs(tmp_path / "dev.jsonl", TINY_PAIRS[:4])
    out = tmp_path / "tuned"
    report = finetune_from_files(train=str(train), eval_path=str(dev), base=str(base), out=str(out),
                                 steps=3, batch_size=8, device="cpu")
    check_model_dir(out)
    assert report["training"]["steps"] == 3
    for key in ("before", "after"):
        assert set(report[key]) >= {"chrf", "ter", "edit_prf", "no_harm"}
    # resuming continues from the checkpoint instead of starting over
    report2 = finetune_from_files(train=str(train), base=str(base), out=str(out), steps=5, batch_size=8,
                                  device="cpu", resume=True)
    assert report2["training"]["steps"] == 5


def test_finetune_failure_leaves_no_half_written_folder(tiny_model_dir, tmp_path, monkeypatch):
    base, _ = tiny_model_dir
    train = _write_pairs(tmp_path / "train.jsonl", TINY_PAIRS)
    out = tmp_path / "tuned"
    import unmangle.neural.model as model_module

    def broken_save(self, out_dir, **kwargs):
        (Path(out_dir) / "config.json").write_text("{}")
        raise OSError("disk full")

    monkeypatch.setattr(model_module.UnmangleModel, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        finetune_from_files(train=str(train), base=str(base), out=str(out), steps=1, batch_size=8,
                            device="cpu")
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tuned")]


@pytest.mark.parametrize("content, message", [
    ("", "no pairs"),
    ('{"source": "a b"}\n', "target"),
    ('{"source": "a", "target": ""}\n', "empty"),
])
def test_finetune_bad_input_names_the_problem(tiny_model_dir, tmp_path, content, message):
    base, _ = tiny_model_dir
    train = tmp_path / "train.jsonl"
    train.write_text(content, encoding="utf-8")
    with pytest.raises(FinetuneError, match=message):
        finetune_from_files(train=str(train), base=str(base), out=str(tmp_path / "o"), steps=1)


def test_finetune_cli_exit_codes(tiny_model_dir, tmp_path, capsys):
    base, _ = tiny_model_dir
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b'{"source": "\xff\xfe", "target": "x"}\n')
    assert main(["finetune", "--train", str(bad), "--base", str(base), "--out", str(tmp_path / "o")]) == 2
    assert "bad.jsonl" in capsys.readouterr().err
    train = _write_pairs(tmp_path / "train.jsonl", TINY_PAIRS)
    rc = main(["finetune", "--train", str(train), "--base", str(base), "--out", str(tmp_path / "o"),
               "--steps", "2", "--batch-size", "8", "--device", "cpu"])
    assert rc == 0
    check_model_dir(tmp_path / "o")


def test_detect_reports_lexicon_and_model_spans(tiny_model_dir):
    model, _ = tiny_model_dir
    text = "Shares of Tennessee Holdings rose after Ticketok said so."
    spans = detect(text, model=model, threshold=0.0)
    sources = {s.source for s in spans}
    assert sources == {"lexicon", "model"}
    for s in spans:
        assert text[s.start:s.end] == s.text and 0.0 <= s.score <= 1.0
    lexicon_only = detect(text, model=None)
    assert [s.text for s in lexicon_only] == ["Tennessee Holdings", "Ticketok"]
    assert detect("   ") == []
    with pytest.raises(TypeError, match="decode"):
        detect(b"bytes")  # type: ignore[arg-type]


def test_detect_cli_json(tiny_model_dir, tmp_path, capsys):
    model, _ = tiny_model_dir
    src = tmp_path / "in.txt"
    src.write_text("Users of Ticketok shared it.", encoding="utf-8")
    assert main(["detect", str(src), "--json", "--model", str(model), "--threshold", "0.99"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {"start": 9, "end": 17, "text": "Ticketok", "score": rows[0]["score"], "source": "lexicon",
            "language": "en"} in rows
    assert main(["detect", str(tmp_path / "missing.txt")]) == 2
