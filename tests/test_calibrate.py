"""Threshold calibration: which settings count as safe, and which safe one is chosen."""

from __future__ import annotations

import pytest

pytest.importorskip("sentencepiece")

from conftest import TINY_PAIRS
from unmangle.training.calibrate import CalibrationRow, calibrate
from unmangle.neural.stage import NeuralStage


def _scores(f05: float, ter: float, ter_identity: float, unchanged: int, n: int,
            counts: tuple[int, int, int] | None = None) -> dict:
    if counts is None:  # tp, fp, fn with precision = recall = f05, so F0.5 = f05
        counts = (round(f05 * 1000), round((1 - f05) * 1000), round((1 - f05) * 1000)) if f05 else (0, 0, 0)
    return {"edit_prf": {"f0.5": f05, "tp": counts[0], "fp": counts[1], "fn": counts[2]},
            "ter": ter, "ter_identity": ter_identity,
            "no_harm": {"n": n, "unchanged": unchanged, "share": unchanged / n if n else 0.0}}


def test_safe_means_no_harm_floor_and_a_ter_fall_wherever_edits_are_made():
    row = CalibrationRow(0.5, 8.0, 0.0, {
        "synthetic": _scores(0.3, 4.4, 4.7, 244, 245),
        "clean": _scores(0.0, 0.03, 0.0, 597, 600),  # TER rises on clean text by definition
    })
    assert row.ok({"synthetic": 0.99, "clean": 0.995})
    assert not row.ok({"synthetic": 0.99, "clean": 0.996})
    assert row.f05() == pytest.approx(0.3)  # clean sets do not count towards F0.5
    worse = CalibrationRow(0.5, 8.0, 0.0, {"synthetic": _scores(0.3, 4.8, 4.7, 245, 245)})
    assert not worse.ok(0.99)
    # edits that leave TER level buy nothing; no edits at all is fine
    level = CalibrationRow(0.5, 8.0, 0.0, {"mlqe-ro-en": _scores(0.0, 23.0, 23.0, 50, 50, (1, 1, 300))})
    assert not level.ok(0.99)
    untouched = CalibrationRow(0.5, 8.0, 0.0, {"mlqe-ro-en": _scores(0.0, 23.0, 23.0, 50, 50, (0, 0, 300))})
    assert untouched.ok(0.99)


def test_parts_of_a_set_are_checked_alone_and_pooled_for_f05():
    parts = {"synthetic": _scores(0.5, 4.0, 4.7, 100, 100, (50, 0, 200)),
             "mlqe-et-en": _scores(0.0, 30.1, 30.0, 50, 50, (0, 1, 300)),  # TER rises on this part
             "mlqe-ro-en": _scores(1.0, 20.0, 20.5, 50, 50, (3, 0, 0))}
    row = CalibrationRow(0.5, 8.0, 0.0, parts)
    assert not row.ok(0.99)  # the pooled MLQE TER may well fall: each part must pass alone
    # F0.5: synthetic (P 1, R 0.2) and MLQE pooled (tp 3, fp 1, fn 300), not three sets
    synthetic = 1.25 * 1.0 * 0.2 / (0.25 * 1.0 + 0.2)
    mlqe = 1.25 * 0.75 * (3 / 303) / (0.25 * 0.75 + 3 / 303)
    assert row.f05() == pytest.approx((synthetic + mlqe) / 2)


def test_calibrate_tries_the_whole_grid_and_restores_the_stage(tiny_model_dir):
    out, _ = tiny_model_dir
    stage = NeuralStage.from_dir(out)
    before = stage.settings
    sets = {"pairs": TINY_PAIRS[:6], "clean": [(t, t) for _, t in TINY_PAIRS[:4]]}
    best, rows = calibrate(stage, sets, min_probabilities=[0.3, 0.9], margins=[0.0, 1e9], gains=[0.0, 2.0],
                           frequency_weights=[0.0, 1.0], progress=False)
    # no n-gram model here: one gain value and one frequency weight per (detect, margin)
    assert len(rows) == 4 and all(r.frequency_weight == 0.0 for r in rows)
    assert stage.settings is before and stage.settings.min_probability not in (0.3, 0.9)
    # an unreachable margin changes nothing, so it is always safe
    safe = [r for r in rows if r.min_evidence == 1e9]
    assert all(r.ok(0.99) for r in safe)
    assert best is not None and best.ok(0.99)


def test_calibrate_command_writes_thresholds_it_reports(tiny_model_dir, tmp_path, capsys):
    """``unmangle calibrate`` builds its sets from the files given, scores the grid and, with
    --write, stores the chosen setting (and the command) in the folder's unmangle.json."""
    import json
    import shutil

    from unmangle.cli import main
    from unmangle.model_folder import ModelFolder, read_metadata

    out, _ = tiny_model_dir
    folder = tmp_path / "model"
    shutil.copytree(out, folder)
    clean = tmp_path / "clean.jsonl"
    sentences = [t for _, t in TINY_PAIRS] * 30
    clean.write_text("".join(json.dumps({"text": " ".join(sentences[k:k + 3]), "year": 2022}) + "\n"
                             for k in range(0, len(sentences), 3)), encoding="utf-8")
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text("".join(json.dumps({"mt": s, "pe": t, "pair": "xx-en"}) + "\n" for s, t in TINY_PAIRS),
                     encoding="utf-8")
    general = tmp_path / "general.jsonl"  # another register, Moses-tokenised, with a split to skip
    general.write_text("".join(json.dumps({"en": f"The river , {k} miles long , runs north .",
                                           "split": "train" if k % 4 else "dev"}) + "\n" for k in range(40)),
                       encoding="utf-8")
    report = tmp_path / "report.json"
    code = main(["calibrate", str(folder), "--clean-corpus", str(clean), "--pairs", str(pairs),
                 "--stage", "neural", "--synthetic", "4", "--per-group", "3", "--clean", "4",
                 "--min-probability", "0.3,0.9", "--min-evidence", "0,1e9", "--detector-weights", "0",
                 "--frequency-weights", "0", "--broad-weights", "0,0.5", "--proposal-margins", "off,3",
                 "--general-clean", str(general), "--general-field", "en", "--general-where", "split==train",
                 "--general-detokenize", "--general", "5", "--write", "--report", str(report),
                 "--no-progress"])
    assert code == 0
    grid = json.loads(report.read_text(encoding="utf-8"))["neural"]
    assert len(grid["rows"]) == 16
    assert grid["sets"] == {"synthetic": 4, "mlqe-xx-en": 3, "clean": 7, "clean-general": 5}
    assert {r["broad_weight"] for r in grid["rows"]} == {0.0, 0.5}
    assert {r["proposal_min_margin"] for r in grid["rows"]} == {-1e9, 3.0}
    settings, _ = read_metadata(folder)
    chosen = settings.extra["calibration"]["chosen"]
    if grid["best"] is None:
        assert settings.min_evidence == 1e9 and chosen is None
    else:
        assert (settings.min_probability, settings.min_evidence, settings.broad_weight,
                settings.proposal_min_margin) == (
            grid["best"]["min_probability"], grid["best"]["min_evidence"], grid["best"]["broad_weight"],
            grid["best"]["proposal_min_margin"])
    assert "unmangle calibrate" in settings.extra["calibration"]["command"]
    assert ModelFolder(folder).settings == settings  # the folder reads what was written


def test_calibrate_command_names_a_missing_file(tiny_model_dir, tmp_path, capsys):
    from unmangle.cli import main

    out, _ = tiny_model_dir
    assert main(["calibrate", str(out), "--clean-corpus", str(tmp_path / "nope.jsonl")]) == 2
    assert "nope.jsonl: no such file" in capsys.readouterr().err


def test_general_clean_set_reads_the_chosen_records_detokenised(tmp_path):
    """clean-general: one in three of the matching records, detokenised, as (s, s) pairs; a file
    named like an evaluation split is refused."""
    import json

    from unmangle.training.calibration_sets import CalibrationData, general_clean_set
    from unmangle.training.data import EvalDataError

    path = tmp_path / "wiki.jsonl"
    path.write_text("".join(json.dumps({"en": f"Line {k} , of the river 's bank .", "split": "train" if k < 9 else "test"})
                            + "\n" for k in range(12)), encoding="utf-8")
    data = CalibrationData(tmp_path / "unused.jsonl", general_clean=path, general_field="en",
                           general_where="split==train", general_detokenize=True)
    got = general_clean_set(data, 10)
    assert got == [(f"Line {k}, of the river's bank.",) * 2 for k in (0, 3, 6)]
    assert general_clean_set(CalibrationData(tmp_path / "unused.jsonl"), 10) == []
    dev = tmp_path / "wiki.dev.jsonl"
    dev.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(EvalDataError):
        general_clean_set(CalibrationData(tmp_path / "unused.jsonl", general_clean=dev, general_field="en"), 3)


def test_a_clean_set_is_judged_by_no_harm_even_where_the_stages_before_changed_an_input():
    """A clean set whose inputs the deterministic stages change (a real "the the" in clean text)
    is still a clean set: a setting that leaves enough of it alone passes, rather than being held
    to "TER below leaving it alone" as a damaged set is."""
    from unmangle.neural.choices import Option, RegionChoice

    class OneEditStage:
        lm = object()

        def choices_many(self, sources, min_probability, min_gain, broad):
            return [[RegionChoice(0, s, 0.9, [Option(0, 3, "One", 5.0, 5.0, "substitute")])]
                    if s.startswith("Uno") else [] for s in sources]

    clean = [("Uno line of clean text.",) * 2] + [("Another line of clean text.",) * 2] * 998
    clean.append(("It was was raining.",) * 2)  # the stages before the neural one change this input
    damaged = [("Uno damaged line.", "One damaged line.")]
    best, rows = calibrate(OneEditStage(), {"synthetic": damaged, "clean": clean}, min_probabilities=(0.5,),
                           margins=(0.0,), gains=(0.0,), min_no_harm=0.99,
                           prepare=lambda s: s.replace("was was", "was"), progress=False)
    (row,) = rows
    assert row.scores["clean"]["ter_identity"] > 0 and not row.scores["clean"]["damaged"]
    assert row.scores["clean"]["no_harm"]["share"] < 1.0  # the one edit on clean text is counted
    assert row.ok(0.99) and best is row
    assert not row.ok(0.9999)
