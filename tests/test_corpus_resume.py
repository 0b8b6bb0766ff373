"""Interrupting repair-corpus (Ctrl-C, or a kill) leaves only whole shards, and a rerun finishes with
output byte-identical to an uninterrupted run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from unmangle.corpus import CorpusJob, run_local

SRC = Path(__file__).resolve().parents[1] / "src"
SENTENCES = ["Ant's $ 35 billion offering was its crowning achievement .",
             "The committee met on Tuesday and adopted the report.",
             "Shares rose 5 % on Monday , traders said .", "Subscribe now",
             "The the delegation welcomed the the agreement ."]
ROWS, SHARD = 600, 20


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("resume")
    src = root / "in.jsonl"
    with open(src, "w", encoding="utf-8") as fh:
        for i in range(ROWS):
            body = "\n".join(SENTENCES[(i + k) % len(SENTENCES)] for k in range(12))
            fh.write(json.dumps({"id": i, "text": f"Report {i} .\n{body}"}) + "\n")
            if i % 997 == 0:
                fh.write('{"id": "broken"\n')
    reference = root / "reference"
    run_local(CorpusJob(input=src, output=reference, repairer_options={"fast": True}, shard_size=SHARD),
              progress=False)
    return src, reference


def _start(src: Path, out: Path, workers: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    return subprocess.Popen(
        [sys.executable, "-m", "unmangle", "repair-corpus", str(src), str(out), "--fast", "--quiet",
         "--shard-size", str(SHARD), "--workers", str(workers)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _wait_for_shards(proc: subprocess.Popen, out: Path, n: int, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while len(list(out.glob("part-*.jsonl"))) < n:
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"no {n} shards appeared: {proc.communicate()[1].decode()[-2000:]}")
        time.sleep(0.02)


def _files(out: Path) -> dict[str, bytes]:
    names = [p.name for p in out.glob("part-*")] + ["_errors.jsonl", "_SUCCESS.json"]
    return {n: (out / n).read_bytes() for n in sorted(names)}


def _check_partial(out: Path, reference: Path) -> int:
    """Every shard on disk is whole (equal to the reference's); no temporary file is left."""
    parts = sorted(out.glob("part-*.jsonl"))
    for part in parts:
        assert part.read_bytes() == (reference / part.name).read_bytes(), part.name
    return len(parts)


@pytest.mark.slow
def test_ctrl_c_leaves_whole_shards_and_rerun_is_byte_identical(corpus, tmp_path):
    src, reference = corpus
    out = tmp_path / "out"
    proc = _start(src, out, workers=2)
    _wait_for_shards(proc, out, 3)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    if proc.returncode == 0:
        pytest.skip("the run finished before the interrupt arrived")
    assert proc.returncode == 130, err.decode()[-2000:]
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    done = _check_partial(out, reference)
    assert 3 <= done < ROWS // SHARD
    proc = _start(src, out, workers=1)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err.decode()[-2000:]
    assert f"({done} already finished)" in err.decode()
    assert _files(out) == _files(reference)


@pytest.mark.slow
def test_killed_run_resumes_byte_identical(corpus, tmp_path):
    src, reference = corpus
    out = tmp_path / "out"
    proc = _start(src, out, workers=1)
    _wait_for_shards(proc, out, 2)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    if proc.returncode == 0:
        pytest.skip("the run finished before the kill arrived")
    done = _check_partial(out, reference)  # a killed run may leave a .tmp file; never a bad shard
    assert done < ROWS // SHARD
    proc = _start(src, out, workers=1)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err.decode()[-2000:]
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    assert _files(out) == _files(reference)
