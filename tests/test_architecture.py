"""The package map holds: repair time never loads training code; settings are never mutated."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from dataclasses import FrozenInstanceError

import pytest

from unmangle import Repairer
from unmangle.model_folder import InferenceSettings
from unmangle.resources import bundled_model_dir
from unmangle.settings import RepairSettings
from unmangle.stages import BaseStage, as_stage, stage_names


def _modules_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys, json\n"
                          "print(json.dumps(sorted(sys.modules)))"], capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_fast_repair_imports_no_torch_and_no_training():
    mods = _modules_after("import unmangle\nunmangle.repair('A test .', fast=True)")
    assert not any(m == "torch" or m.startswith(("torch.", "unmangle.training", "transformers", "datasets"))
                   for m in mods)


@pytest.mark.skipif(bundled_model_dir() is None, reason="no bundled model in this install")
def test_full_repair_and_detect_load_no_training_module():
    mods = _modules_after("import unmangle\nfrom unmangle.detection import detect\n"
                          "unmangle.repair('Shares of Tennessee Holdings rose .')\ndetect('It rained .')")
    assert "unmangle.neural.numpy_t5" in mods  # the neural stage did run
    assert "torch" not in mods  # a one-sentence call runs on NumPy (unmangle.neural.engine)
    assert not any(m.startswith(("unmangle.training", "transformers", "datasets")) for m in mods)


@pytest.mark.skipif(bundled_model_dir() is None, reason="no bundled model in this install")
def test_full_repair_runs_without_torch_installed():
    """Without torch, engine="auto" runs a large call on NumPy too, with the default's edits."""
    text = ("Shares of Tennessee Holdings rose on Monday , the company said . " * 4
            + "Users of Ticketok shared the news widely across the region and beyond it. " * 3)
    code = ("import sys, json; sys.modules['torch'] = None\nimport unmangle\n"
            f"r = unmangle.Repairer(model_engine='auto').repair_document({text!r})\n"
            "print(json.dumps([[e.start, e.end, e.new, e.stage] for e in r.edits]))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    without_torch = json.loads(out.stdout.strip().splitlines()[-1])
    assert len(text.split()) > 60  # a call auto would give torch
    assert without_torch == [[e.start, e.end, e.new, e.stage] for e in Repairer().repair_document(text).edits]
    assert any(stage == "lexicon" for *_, stage in without_torch)


def test_settings_are_frozen_and_old_names_still_work():
    with pytest.raises(FrozenInstanceError):
        InferenceSettings().min_evidence = 3.0  # type: ignore[misc]
    with pytest.warns(DeprecationWarning):
        settings = RepairSettings.from_options(threshold=17.0)
    assert settings.min_evidence == 17.0
    with pytest.raises(TypeError, match="unknown option"):
        Repairer(fast=True, thresold=3)


def test_registry_orders_stages_and_rejects_unknown_names():
    names = stage_names(default_only=True)
    assert names[:4] == ["normalize", "boilerplate", "duplicates", "lexicon"]
    assert names.index("neural") < names.index("capitals")
    with pytest.raises(ValueError, match="unknown stage"):
        Repairer(fast=True, disable=["nope"])


def test_a_plain_object_with_name_and_propose_is_a_stage():
    class Upper:
        name = "upper"

        def propose(self, text):
            from unmangle.edits import Edit

            return [Edit(0, 1, text[0], text[0].upper(), self.name, "capitalise", 1.0)] if text[:1].islower() else []

    stage = as_stage(Upper())
    assert isinstance(stage, BaseStage) and not stage.removes_text
    assert Repairer(stages=[Upper()]).repair("abc") == "Abc"
    with pytest.raises(TypeError, match="not a stage"):
        as_stage(object())


@pytest.mark.skipif(bundled_model_dir() is None, reason="no bundled model in this install")
def test_threads_with_different_thresholds_match_sequential_calls():
    """repair() and detect() from several threads on one shared model folder, each with its own
    threshold, give exactly what the same calls give one after another."""
    from unmangle.detection import detect

    texts = ["Shares of Tennessee Holdings rose on Monday after WeChat results .",
             "The the minister said that the talks in Geneva was going well.",
             "Users of Ticketok shared the video widely , the company said."]
    strict = Repairer(min_evidence=30.0)
    default = Repairer()
    jobs = [("repair", default, t) for t in texts] + [("repair", strict, t) for t in texts] + \
           [("detect", p, t) for p in (0.2, 0.9) for t in texts]

    def run(job):
        kind, arg, text = job
        if kind == "repair":
            r = arg.repair_document(text)
            return r.text, [(e.start, e.end, e.new, e.stage) for e in r.edits]
        return [(s.start, s.end, s.score, s.source) for s in detect(text, min_probability=arg)]

    sequential = [run(j) for j in jobs]
    results: list = [None] * len(jobs)

    def worker(k: int) -> None:
        for _ in range(2):
            results[k] = run(jobs[k])

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == sequential
    # the two detector thresholds really give different answers, so a leak would show
    assert sum(map(len, sequential[-6:-3])) > sum(map(len, sequential[-3:]))
