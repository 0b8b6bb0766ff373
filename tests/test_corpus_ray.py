"""The Ray Data engine on a real local Ray instance: the same shards as the one-machine engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from unmangle.corpus import CorpusJob, run_local

ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'unmangle[ray]')")
pytest.importorskip("ray.data", reason="Ray Data is not installed (pip install 'unmangle[ray]')")

from unmangle.corpus.ray_engine import run_ray  # noqa: E402

TEXTS = ["Ant's $ 35 billion offering was its crowning achievement .",
         "The committee met on Tuesday and adopted the report.",
         "Shares rose 5 % on Monday , traders said .", "Subscribe now\nThe vote was 12 to 3 ."]


@pytest.fixture(scope="module")
def local_ray():
    ray.init(num_cpus=3, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def _files(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.glob("part-*"))} | {
        "_errors.jsonl": (out / "_errors.jsonl").read_bytes(), "_SUCCESS.json": (out / "_SUCCESS.json").read_bytes()}


@pytest.mark.slow
def test_ray_matches_local_engine_row_for_row_and_resumes(tmp_path, local_ray):
    src = tmp_path / "in.jsonl"
    lines = [json.dumps({"id": i, "text": f"{TEXTS[i % 4]} Item {i} ."}) for i in range(45)]
    lines[7] = json.dumps({"id": 7})
    lines[30] = "not json"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    job = dict(input=src, text_fields=("text",), repairer_options={"fast": True}, shard_size=10, batch_size=3)
    run_local(CorpusJob(output=tmp_path / "local", **job), workers=1, progress=False)
    summary = run_ray(CorpusJob(output=tmp_path / "ray", **job), workers=2, progress=False)
    assert summary.total.rows == 45 and summary.total.errors == 2 and summary.shards == 5
    assert _files(tmp_path / "ray") == _files(tmp_path / "local")
    # resume: shards 2.. missing as after a stop; the rerun repairs only those and matches again
    for name in ("part-00002.jsonl", "part-00003.jsonl", "part-00004.jsonl"):
        (tmp_path / "ray" / name).unlink()
    again = run_ray(CorpusJob(output=tmp_path / "ray", **job), workers=2, progress=False)
    assert again.shards_skipped == 2 and again.this_run.rows == 25
    assert _files(tmp_path / "ray") == _files(tmp_path / "local")
