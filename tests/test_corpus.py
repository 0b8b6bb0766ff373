"""repair-corpus: formats, columns, bad rows, shards, resume, workers, filtering, the Python API."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from unmangle.cli import main
from unmangle.corpus import CorpusJob, repair_records, run_local
from unmangle.corpus.columns import choose_columns
from unmangle.pipeline import Repairer

MANGLED = "Ant's $ 35 billion offering was its crowning achievement ."
FIXED = "Ant's $35 billion offering was its crowning achievement."
CLEAN = "The committee met on Tuesday and adopted the report."


@pytest.fixture(scope="module")
def fast_repairer() -> Repairer:
    return Repairer(fast=True)


def _jsonl(path: Path, records: list) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _read_jsonl_dir(out: Path) -> list[dict]:
    rows = []
    for part in sorted(out.glob("part-*.jsonl")):
        rows += [json.loads(line) for line in part.read_text(encoding="utf-8").splitlines()]
    return rows


def _job(src: Path, out: Path, **kw) -> CorpusJob:
    kw.setdefault("repairer_options", {"fast": True})
    return CorpusJob(input=src, output=out, **kw)


def test_columns_never_overwrite_user_columns():
    cols = choose_columns(["text", "unmangle_text_edits"], ["text"], language=True, score=False)
    assert cols.names() == ["unmangle2_text", "unmangle2_text_edits", "unmangle2_text_language"]
    assert choose_columns(["text"], ["text"], language=False, score=True).names() == [
        "unmangle_text", "unmangle_text_edits", "unmangle_text_score"]


def test_jsonl_bad_rows_pass_through_and_are_listed(tmp_path, fast_repairer):
    src = tmp_path / "in.jsonl"
    lines = [json.dumps({"id": 1, "text": MANGLED}), json.dumps({"id": 2}), "not json",
             json.dumps({"id": 4, "text": 7}), json.dumps({"id": 5, "text": None}), "",
             json.dumps({"id": 6, "text": CLEAN})]
    data = "\n".join(lines).encode() + b"\n" + b'{"id": 7, "text": "bad \xff byte ."}\n'
    src.write_bytes(data)
    summary = run_local(_job(src, tmp_path / "out", shard_size=3), repairer=fast_repairer, progress=False)
    out_lines = b"".join(p.read_bytes() for p in sorted((tmp_path / "out").glob("part-*.jsonl"))).splitlines()
    assert len(out_lines) == 7  # every non-blank input line, in order
    first = json.loads(out_lines[0])
    assert first["unmangle_text"] == FIXED
    edits = json.loads(first["unmangle_text_edits"])
    assert {e["stage"] for e in edits} == {"normalize"} and all("confidence" in e for e in edits)
    # bad rows come out byte for byte as they went in
    assert out_lines[1] == lines[1].encode() and out_lines[2] == b"not json"
    assert out_lines[6] == b'{"id": 7, "text": "bad \xff byte ."}'
    assert json.loads(out_lines[5])["unmangle_text"] == CLEAN
    errors = [json.loads(l) for l in (tmp_path / "out" / "_errors.jsonl").read_text().splitlines()]
    assert [e["row"] for e in errors] == [1, 2, 3, 4, 6]
    reasons = " | ".join(e["reason"] for e in errors)
    for part in ("missing field 'text'", "not valid JSON", "is int, not text", "is null", "not UTF-8"):
        assert part in reasons
    assert errors[1]["raw"] == "not json" and errors[0]["where"].endswith("in.jsonl:2")
    assert summary.total.errors == 5 and summary.total.rows == 7 and summary.shards == 3


def test_stage_failure_is_a_bad_row(tmp_path):
    class Exploding:
        name = "exploding"

        def propose(self, text):
            if "boom" in text:
                raise RuntimeError("stage blew up")
            return []

    src = _jsonl(tmp_path / "in.jsonl", [{"text": "fine text"}, {"text": "boom here"}, {"text": "also fine"}])
    summary = run_local(_job(src, tmp_path / "out"), repairer=Repairer(stages=[Exploding()]), progress=False)
    rows = _read_jsonl_dir(tmp_path / "out")
    assert [("unmangle_text" in r) for r in rows] == [True, False, True]
    errors = (tmp_path / "out" / "_errors.jsonl").read_text()
    assert "stage blew up" in errors and summary.total.errors == 1


def test_csv_keeps_columns_and_tsv_round_trips(tmp_path, fast_repairer):
    src = tmp_path / "in.csv"
    with open(src, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "title", "body"])
        w.writerow(["1", "Markets .", MANGLED])
        w.writerow(["2", "short row"])
        w.writerow(["3", "Multi\nline", CLEAN])
    run_local(_job(src, tmp_path / "out", text_fields=("title", "body")), repairer=fast_repairer, progress=False)
    with open(tmp_path / "out" / "part-00000.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["id", "title", "body", "unmangle_title", "unmangle_title_edits",
                       "unmangle_title_language", "unmangle_body", "unmangle_body_edits",
                       "unmangle_body_language"]
    assert rows[1][3] == "Markets." and rows[1][6] == FIXED
    assert rows[1][5] == rows[1][8] == "en"
    assert rows[2] == ["2", "short row"] + [""] * 6  # bad row: as it came, added columns empty
    assert rows[3][:3] == ["3", "Multi\nline", CLEAN]


def test_parquet_and_datasets_folder(tmp_path, fast_repairer):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    table = pa.table({"id": [1, 2, 3], "text": [MANGLED, None, CLEAN]})
    pq.write_table(table, tmp_path / "in.parquet")
    run_local(_job(tmp_path / "in.parquet", tmp_path / "out", shard_size=2), repairer=fast_repairer,
              progress=False)
    out = pa.concat_tables([pq.read_table(p) for p in sorted((tmp_path / "out").glob("part-*.parquet"))])
    assert out.column("id").to_pylist() == [1, 2, 3] and out.schema.field("id").type == pa.int64()
    assert out.column("unmangle_text").to_pylist() == [FIXED, None, CLEAN]
    datasets = pytest.importorskip("datasets")
    datasets.Dataset.from_dict({"text": [MANGLED, CLEAN]}).save_to_disk(str(tmp_path / "hf"))
    run_local(_job(tmp_path / "hf", tmp_path / "out_hf", out_format="jsonl"), repairer=fast_repairer,
              progress=False)
    assert [r["unmangle_text"] for r in _read_jsonl_dir(tmp_path / "out_hf")] == [FIXED, CLEAN]


def test_text_lines_and_text_folder(tmp_path, fast_repairer):
    (tmp_path / "lines.txt").write_text(f"{MANGLED}\n\n{CLEAN}\n", encoding="utf-8")
    run_local(_job(tmp_path / "lines.txt", tmp_path / "o1"), repairer=fast_repairer, progress=False)
    assert [(r["text"], r["unmangle_text"]) for r in _read_jsonl_dir(tmp_path / "o1")] == [
        (MANGLED, FIXED), (CLEAN, CLEAN)]
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / "b.txt").write_text(MANGLED, encoding="utf-8")
    (docs / "sub" / "a.md").write_text(f"{CLEAN}\n{MANGLED}\n", encoding="utf-8")
    run_local(_job(docs, tmp_path / "o2"), repairer=fast_repairer, progress=False)
    rows = _read_jsonl_dir(tmp_path / "o2")
    assert [r["path"] for r in rows] == ["b.txt", "sub/a.md"]
    assert rows[1]["unmangle_text"] == f"{CLEAN}\n{FIXED}\n"


def _corpus(n: int) -> list[dict]:
    texts = [MANGLED, CLEAN, "Shares rose 5 % on Monday , traders said .", "Subscribe now\nThe vote was 12 to 3 ."]
    return [{"id": i, "text": f"{texts[i % len(texts)]} Item {i} ."} for i in range(n)]


def test_output_does_not_depend_on_workers(tmp_path):
    src = _jsonl(tmp_path / "in.jsonl", _corpus(60) + [{"id": "bad"}])
    run_local(_job(src, tmp_path / "one", shard_size=16, batch_size=3), workers=1, progress=False)
    run_local(_job(src, tmp_path / "two", shard_size=16, batch_size=5), workers=2, progress=False)
    names = sorted(p.name for p in (tmp_path / "one").glob("part-*"))
    assert names == sorted(p.name for p in (tmp_path / "two").glob("part-*")) and len(names) == 4
    for name in names + ["_errors.jsonl", "_SUCCESS.json"]:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name


def test_rerun_skips_finished_shards_and_refuses_other_settings(tmp_path, fast_repairer):
    src = _jsonl(tmp_path / "in.jsonl", _corpus(30))
    out = tmp_path / "out"
    run_local(_job(src, out, shard_size=10), repairer=fast_repairer, progress=False)
    before = {p.name: p.read_bytes() for p in out.glob("part-*")}
    (out / "part-00001.jsonl").unlink()  # as if the run had stopped before this shard
    again = run_local(_job(src, out, shard_size=10), repairer=fast_repairer, progress=False)
    assert again.shards_skipped == 2 and again.this_run.rows == 10 and again.total.rows == 30
    assert {p.name: p.read_bytes() for p in out.glob("part-*")} == before
    with pytest.raises(ValueError, match="other settings"):
        run_local(_job(src, out, shard_size=7), repairer=fast_repairer, progress=False)
    fresh = run_local(_job(src, out, shard_size=7, overwrite=True), repairer=fast_repairer, progress=False)
    assert fresh.shards == 5 and fresh.shards_skipped == 0
    assert not (out / "part-00000.jsonl").read_bytes() == before["part-00000.jsonl"]


def test_score_filter_needs_the_score(tmp_path, monkeypatch):
    import unmangle.detection as detection

    src = _jsonl(tmp_path / "in.jsonl", [{"text": MANGLED}, {"text": CLEAN}, {"id": 3}])
    monkeypatch.delattr(detection, "document_score", raising=False)
    with pytest.raises(ValueError, match="document_score"):
        run_local(_job(src, tmp_path / "o", min_score=0.5), progress=False)
    # with a score function present (the lead wires the real one): only documents in range are written
    monkeypatch.setattr(detection, "document_score", lambda text: 0.9 if " ." in text else 0.1, raising=False)
    summary = run_local(_job(src, tmp_path / "o2", min_score=0.5), progress=False)
    rows = _read_jsonl_dir(tmp_path / "o2")
    assert [r.get("unmangle_text") for r in rows] == [FIXED, None]  # the bad row is still written
    assert rows[0]["unmangle_text_score"] == 0.9
    assert summary.total.filtered_out == 1 and summary.total.errors == 1


def test_repair_records_generator(fast_repairer):
    records = iter([{"text": MANGLED, "unmangle_text": "mine"}, {"other": 1}, {"text": CLEAN}])
    seen = []
    out = list(repair_records(records, repairer=fast_repairer, on_error=lambda i, r, why: seen.append((i, why))))
    assert out[0]["unmangle_text"] == "mine" and out[0]["unmangle2_text"] == FIXED
    assert out[1] == {"other": 1} and seen == [(1, "missing field 'text'")]
    assert out[2]["unmangle2_text"] == CLEAN


def test_repair_dataset(tmp_path):
    datasets = pytest.importorskip("datasets")
    ds = datasets.Dataset.from_dict({"text": [MANGLED, CLEAN, None], "n": [1, 2, 3]})
    from unmangle.corpus import repair_dataset

    out = repair_dataset(ds, text_column="text", fast=True, batch_size=2)
    assert out["unmangle_text"] == [FIXED, CLEAN, None] and out["n"] == [1, 2, 3]
    assert out["unmangle_error"] == [None, None, "field 'text' is null"]


def test_cli_score_filter_without_score_is_a_clear_error(tmp_path, capsys, monkeypatch):
    import unmangle.detection as detection

    monkeypatch.delattr(detection, "document_score", raising=False)
    src = _jsonl(tmp_path / "in.jsonl", [{"text": MANGLED}])
    assert main(["repair-corpus", str(src), str(tmp_path / "o"), "--fast", "--min-score", "0.5"]) == 2
    assert "document_score" in capsys.readouterr().err


def test_cli_summary_strict_and_bad_input(tmp_path, capsys):
    src = _jsonl(tmp_path / "in.jsonl", [{"text": MANGLED}, {"nope": 1}])
    assert main(["repair-corpus", str(src), str(tmp_path / "o"), "--fast", "--quiet"]) == 0
    err = capsys.readouterr().err
    assert "warning: 1 bad rows" in err and "2 rows" in err
    assert main(["repair-corpus", str(src), str(tmp_path / "o"), "--fast", "--quiet", "--strict"]) == 3
    assert main(["repair-corpus", str(tmp_path / "missing.jsonl"), str(tmp_path / "o3"), "--fast"]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["repair-corpus", str(src), str(tmp_path / "o4"), "--fast", "--to", "csv"]) == 2


def test_progress_lines_off_a_terminal_and_bar_on_one():
    import io

    from unmangle.corpus.progress import Progress

    stream = io.StringIO()
    p = Progress(total=100, stream=stream, interval=0.0, tty=False)
    p.update(10, 5000)
    p.close()
    line = stream.getvalue()
    assert "10 docs of ~100" in line and "words/s" in line and "ETA" in line
    stream = io.StringIO()
    bar = Progress(total=100, stream=stream, tty=True)
    bar.update(40, 1000)
    bar.close()
    assert "40/100" in stream.getvalue() and "words/s" in stream.getvalue()


def test_score_column_is_opt_in(tmp_path, fast_repairer):
    src = _jsonl(tmp_path / "in.jsonl", [{"text": MANGLED}, {"text": CLEAN}])
    run_local(_job(src, tmp_path / "plain"), repairer=fast_repairer, progress=False)
    plain = _read_jsonl_dir(tmp_path / "plain")
    assert "unmangle_text_score" not in plain[0] and plain[0]["unmangle_text_language"] == "en"
    run_local(_job(src, tmp_path / "scored", score=True), repairer=fast_repairer, progress=False)
    scored = _read_jsonl_dir(tmp_path / "scored")
    assert all(0.0 <= r["unmangle_text_score"] <= 1.0 for r in scored)
    assert scored[0]["unmangle_text_score"] > scored[1]["unmangle_text_score"]  # the mangled one
    assert main(["repair-corpus", str(src), str(tmp_path / "cli"), "--fast", "--score"]) == 0
    assert "unmangle_text_score" in _read_jsonl_dir(tmp_path / "cli")[0]


def test_workers_get_a_share_of_the_blas_threads_and_the_users_choice_stays(monkeypatch):
    """Spawned workers read their BLAS thread count from the environment when NumPy loads: with
    two workers on two cores each gets one (two each ran 6,266 words in 6.5-7.8 s against
    3.5-3.7 s). A variable the user set is left as it is, and the parent's environment restored."""
    import os

    from unmangle.corpus.engine import BLAS_THREAD_VARIABLES, _blas_threads_for_children

    for name in BLAS_THREAD_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MKL_NUM_THREADS", "3")
    with _blas_threads_for_children(1):
        assert os.environ["OPENBLAS_NUM_THREADS"] == "1" and os.environ["OMP_NUM_THREADS"] == "1"
        assert os.environ["MKL_NUM_THREADS"] == "3"
    assert "OPENBLAS_NUM_THREADS" not in os.environ and "OMP_NUM_THREADS" not in os.environ
    assert os.environ["MKL_NUM_THREADS"] == "3"
