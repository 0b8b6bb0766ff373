"""The benchmark runner, its reports and the ``unmangle bench`` command, on small data made here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from unmangle.bench import (
    build_system,
    build_systems,
    compare_results,
    load_result,
    plot,
    run_benchmark,
    to_markdown,
    write_json,
)
from unmangle.cli import main
from unmangle.pairs import Pair

REPO = Path(__file__).resolve().parents[1]

PAIRS = [
    Pair("Tennessee Holdings rose .", "Tencent Holdings rose.",
         [{"source_start": 0, "source_end": 9, "category": "entity"},
          {"source_start": 24, "source_end": 25, "category": "spacing"}], "1", 1, {"part": "a"}),
    Pair("The board met on Monday.", "The board met on Monday.", None, "2", 2, {"part": "b"}),
    Pair("Ticketok is popular.", "TikTok is popular.",
         [{"source_start": 0, "source_end": 8, "category": "entity"}], "3", 3, {"part": "a"}),
]


def entity_fixer(batch: list[str]) -> list[str]:
    """fixes two names"""
    return [t.replace("Tennessee", "Tencent").replace("Ticketok", "TikTok") for t in batch]


def overeager(batch: list[str]) -> list[str]:
    return [t.replace("Monday", "Tuesday") for t in batch]


@pytest.fixture(scope="module")
def result() -> dict:
    return run_benchmark(PAIRS, {"fixer": entity_fixer, "overeager": overeager}, name="tiny",
                         group_by="part", progress=False, config={"command": "test"})


def test_identity_is_always_there_and_first(result):
    assert list(result["systems"]) == ["identity", "fixer", "overeager"]
    assert result["systems"]["identity"]["overall"]["edit_prf"]["recall"] == 0.0


def test_scores_speed_memory_and_environment(result):
    fixer = result["systems"]["fixer"]
    assert fixer["overall"]["categories"]["entity"] == {"n": 2, "fixed": 2, "recall": 1.0}
    assert fixer["overall"]["categories"]["spacing"]["fixed"] == 0
    assert fixer["overall"]["no_harm"]["share"] == 1.0
    assert result["systems"]["overeager"]["overall"]["no_harm"]["share"] == 0.0
    assert fixer["speed"]["words"] == 12 and fixer["speed"]["words_per_s"] > 0
    assert result["systems"]["identity"]["speed"]["words_per_s"] is None  # nothing worth timing
    assert fixer["memory"]["peak_rss_mb"] > 0 and fixer["memory"]["method"] in ("vmhwm-reset", "ru_maxrss")
    env = result["environment"]
    assert env["python"] and env["nproc"] >= 1 and "sacrebleu" in env["versions"] and env["date"]
    assert set(result["metrics"]["sacrebleu"]) == {"chrf", "bleu", "ter"}
    assert result["data"]["already_correct"] == 1 and result["data"]["labelled_spans"] == 3


def test_groups(result):
    groups = result["systems"]["fixer"]["groups"]
    assert set(groups) == {"a", "b"} and groups["a"]["n"] == 2 and groups["b"]["no_harm"]["n"] == 1


def test_markdown_json_plot_and_compare(result, tmp_path):
    text = to_markdown(result)
    assert "| fixer |" in text and "recall per corruption category" in text and "| a | fixer |" in text
    write_json(result, tmp_path / "r.json")
    assert load_result(tmp_path / "r.json")["systems"]["fixer"]["overall"]["n"] == 3
    plot(result, tmp_path / "r.png")
    assert (tmp_path / "r.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    other = json.loads(json.dumps(result))
    other["systems"]["fixer"]["overall"]["chrf"] += 1.5
    diff = compare_results(result, other)
    assert "system `fixer`" in diff and "+1.5" in diff


def test_misaligned_system_output_is_an_error():
    with pytest.raises(ValueError, match="returned 0 outputs for 1 inputs: outputs would be misaligned"):
        run_benchmark(PAIRS, {"bad": lambda batch: []}, progress=False)


def test_without_references_and_with_a_repairer():
    from unmangle import Repairer

    res = run_benchmark(["a text , here", "another"], {"none": Repairer(stages=[])},
                        progress=False, keep_edits=True)
    assert res["data"]["with_reference"] is False
    assert res["systems"]["none"]["overall"]["changes"]["edits"] == 0
    assert "chrf" not in res["systems"]["none"]["overall"]
    assert "| none |" in to_markdown(res)


def test_standard_systems_build():
    systems = build_systems(["fast", "full"])
    assert list(systems) == ["identity", "fast", "full"]
    assert systems["fast"].info["neural"] == "off"
    full = systems["full"]
    if "neural" not in full.info["stages"]:
        assert full.info["neural"] == "not available" and "not available" in full.description
    with pytest.raises(ValueError, match="unknown system"):
        build_system("slow")


def test_a_standard_system_with_an_opt_in_stage():
    from unmangle.resources import bundled_model_dir

    if bundled_model_dir() is None:
        pytest.skip("no bundled model folder")
    system = build_system("full+synonyms")
    assert system.name == "full+synonyms" and "synonyms" in system.info["stages"]
    assert "enable=['synonyms']" in system.description
    with pytest.raises(ValueError, match="only fast and full"):
        build_system("identity+synonyms")
    with pytest.raises(ValueError, match="fast=True"):
        build_system("fast+synonyms")


def write_pairs(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_cli_bench_writes_json_markdown_plot(tmp_path, capsys):
    path = write_pairs(tmp_path / "p.jsonl", [json.dumps({"source": p.source, "target": p.target,
                                                          "spans": p.spans}) for p in PAIRS])
    code = main(["bench", str(path), "--systems", "identity", "-o", str(tmp_path / "r.json"),
                 "--markdown", str(tmp_path / "r.md"), "--plot", str(tmp_path / "r.png"),
                 "--no-progress"])
    assert code == 0
    assert "| identity |" in capsys.readouterr().out
    assert load_result(tmp_path / "r.json")["data"]["pairs"] == 3
    assert (tmp_path / "r.md").read_text().startswith("### p.jsonl")
    assert (tmp_path / "r.png").exists()
    code = main(["bench", "--compare", str(tmp_path / "r.json"), str(tmp_path / "r.json")])
    assert code == 0 and "system `identity`" in capsys.readouterr().out


def test_cli_bench_malformed_input_exits_2_with_file_and_line(tmp_path, capsys):
    path = write_pairs(tmp_path / "p.jsonl", ['{"source": "a", "target": "b"}', "{not json"])
    assert main(["bench", str(path), "--systems", "identity", "--no-progress"]) == 2
    assert f"{path}:2: malformed JSON" in capsys.readouterr().err
    assert main(["bench", str(path), "--systems", "identity", "--skip-bad", "--no-progress"]) == 0
    assert "skipped 1 bad record" in capsys.readouterr().err


def test_cli_bench_other_errors(tmp_path, capsys):
    (tmp_path / "in.txt").write_text("a\nb\n", encoding="utf-8")
    (tmp_path / "ref.txt").write_text("a\n", encoding="utf-8")
    assert main(["bench", str(tmp_path / "in.txt"), "--references", str(tmp_path / "ref.txt"),
                 "--systems", "identity", "--no-progress"]) == 2
    assert "misaligned" in capsys.readouterr().err
    assert main(["bench", str(tmp_path / "in.txt"), "--systems", "slow"]) == 2
    assert main(["bench", "--compare", str(tmp_path / "in.txt"), str(tmp_path / "in.txt")]) == 2
    assert "not a benchmark result" in capsys.readouterr().err


def test_cli_bench_help_explains_options(capsys):
    with pytest.raises(SystemExit):
        main(["bench", "--help"])
    out = capsys.readouterr().out
    for option in ("--source-field", "--target-field", "--systems", "--model", "--limit", "--skip-bad",
                   "--markdown", "--plot", "--compare", "--format"):
        assert option in out


@pytest.mark.shared
def test_standard_suites_on_shared_data(shared_dir, tmp_path, capsys, monkeypatch):
    """Every suite builds from ../shared and runs (identity only, a few inputs per group)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("unmangle_benchmarks_run", REPO / "benchmarks" / "run.py")
    suites = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(suites)
    code = suites.main(["--shared", str(shared_dir), "--systems", "identity", "--limit", "5",
                        "--out", str(tmp_path / "res"), "--results-md", str(tmp_path / "RESULTS.md"),
                        "--no-progress"])
    assert code == 0
    mlqe = load_result(tmp_path / "res" / "mlqe.json")
    assert set(mlqe["systems"]["identity"]["groups"]) == {"et-en", "ne-en", "ro-en", "ru-en", "si-en"}
    synthetic = load_result(tmp_path / "res" / "synthetic.json")
    assert synthetic["systems"]["identity"]["overall"]["spans"]["recall"] == 0.0
    clean = load_result(tmp_path / "res" / "clean.json")
    assert clean["systems"]["identity"]["overall"]["no_harm"]["share"] == 1.0
    summary = (tmp_path / "RESULTS.md").read_text()
    assert all(f"### {s}:" in summary for s in ("mlqe", "synthetic", "clean", "seed"))


def test_systems_by_name():
    res = run_benchmark(PAIRS[:1], ["identity"], progress=False)
    assert list(res["systems"]) == ["identity"]


def test_harmed_examples_and_redaction():
    res = run_benchmark(PAIRS, {"overeager": overeager}, progress=False)
    (item,) = res["systems"]["overeager"]["harmed"]
    assert item["id"] == "2" and "[ Monday =>  Tuesday]" in item["changes"][0]
    res = run_benchmark(PAIRS, {"overeager": overeager}, progress=False, redact=lambda p: True)
    text = json.dumps(res["systems"]["overeager"]["harmed"])
    assert "Monday" not in text and "text not stored" in text
