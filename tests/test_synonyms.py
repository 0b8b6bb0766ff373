"""Synonym repair: guards (names, numbers, quotations, frequency alone), agreement of judges,
the optional stage, and the corruption generator's thesaurus option."""

from __future__ import annotations

from typing import Sequence

import pytest

from unmangle.corrupt import CorruptionConfig, Corruptor
from unmangle.judges.base import Change, apply_change, sentence_words
from unmangle.synonyms import SynonymRepair, quoted_spans, targets


class FakeJudge:
    """Scores a sentence by per-word bonuses: enough to test the decision rule exactly."""

    def __init__(self, name: str, bonus: dict[str, float], unigram: dict[str, float] | None = None) -> None:
        self.name = name
        self.bonus = bonus
        self.unigram = unigram or {}

    def tokens(self, words: Sequence[str]) -> list[str]:
        return [w.lower() for w in words]

    def score(self, words: Sequence[str]) -> float:
        return sum(self.bonus.get(w.lower(), 0.0) for w in words)

    def change_gains(self, words, changes: Sequence[Change]) -> list[float]:
        return [self.score(apply_change(words, c)) - self.score(words) for c in changes]

    def knows(self, word: str) -> bool:
        return True

    def unigram_logprob(self, word: str) -> float:
        return self.unigram.get(word.lower(), -10.0)


def ws(text):
    return sentence_words(text)


def test_targets_skip_names_numbers_quotes_and_function_words():
    text = 'Mr Smith of Acme said the “huge quake” hit 300 homes in Kobe on Monday.'
    picked = [ws(text)[k].text for k in targets(ws(text), text)]
    assert picked == ["said", "hit", "homes"]
    # a capitalised first word is a target unless a capitalised word follows it (a name)
    assert [ws("Officials slew it.")[k].text for k in targets(ws("Officials slew it."), "Officials slew it.")] == [
        "Officials", "slew"]
    assert targets(ws("New York grew."), "New York grew.") == [2]


def test_quoted_spans_ignore_apostrophes():
    text = "He said ‘we don’t know’ and 'it's fine'."
    spans = quoted_spans(text)
    assert (text.index("‘"), text.index("’ and") + 1) in spans


def test_both_judges_must_agree_and_frequency_alone_is_not_enough(monkeypatch):
    import unmangle.synonyms as syn

    monkeypatch.setattr(syn, "reverse_candidates",
                        lambda word, sources=3: {"slew": ["killed", "lot"], "quake": ["earthquake"]}.get(word, []))
    a = FakeJudge("a", {"killed": 6.0, "lot": 5.0, "earthquake": 5.0},
                  unigram={"quake": -12.0, "earthquake": -8.0})
    b = FakeJudge("b", {"killed": 6.0, "lot": 0.5, "earthquake": 5.0},
                  unigram={"quake": -12.0, "earthquake": -8.0})
    margins = {"a": 3.0, "b": 3.0, "a_context": 2.0, "b_context": 2.0}
    repair = SynonymRepair([a, b], margins=margins)
    chosen = repair.decide("Soldiers slew the quake victims.")
    # "lot": only judge a likes it; "earthquake": its whole gain (5) is mostly frequency (4 nats
    # commoner), context gain 1 < 2: the rare right word stays
    assert [(o.old, o.new) for o in chosen] == [("slew", "killed")]
    only_a = SynonymRepair([a, b], margins=margins, require=["a"])
    assert [(o.old, o.new) for o in only_a.decide("Soldiers slew the quake victims.")] == [("slew", "killed")]
    loose = SynonymRepair([a, b], margins={**margins, "a_context": 0.5, "b_context": 0.5})
    assert ("quake", "earthquake") in [(o.old, o.new) for o in loose.decide("Soldiers slew the quake victims.")]


def test_neighbouring_options_keep_the_stronger(monkeypatch):
    import unmangle.synonyms as syn

    monkeypatch.setattr(syn, "reverse_candidates",
                        lambda word, sources=3: {"big": ["large"], "house": ["home"]}.get(word, []))
    j = FakeJudge("a", {"large": 4.0, "home": 6.0})
    repair = SynonymRepair([j], margins={"a": 1.0, "a_context": 0.0})
    assert [(o.old, o.new) for o in repair.decide("They bought a big house there.")] == [("house", "home")]


@pytest.mark.slow
def test_stage_edits_fit_the_text():
    from unmangle.edits import apply_edits
    from unmangle.resources import bundled_model_dir
    from unmangle.stages.synonyms import SynonymsStage

    if bundled_model_dir() is None:
        pytest.skip("no bundled trigram model")
    stage = SynonymsStage(margins={"trigram": 3.0, "broad": 3.0, "trigram_context": 1.0, "broad_context": 1.0})
    text = "The president declared new gauges to fight inflation. Mr Gauges “declared gauges” in 2020."
    edits = stage.propose(text)
    assert [(e.old, e.new) for e in edits] == [("gauges", "measures")]
    assert apply_edits(text, edits).startswith("The president declared new measures")


def test_generator_default_unchanged_and_thesaurus_option_draws_from_it():
    texts = ["Investors sold shares of the company after profits fell sharply last year.",
             "The government announced huge new measures to support small farmers."] * 5
    plain = Corruptor(CorruptionConfig.only("synonym"), seed=3)
    zero = Corruptor(CorruptionConfig(rates=CorruptionConfig.only("synonym").rates, sentence_rate=1.0,
                                      thesaurus_share=0.0), seed=3)
    assert [plain.corrupt_sentence(t, key=k).source for k, t in enumerate(texts)] == \
        [zero.corrupt_sentence(t, key=k).source for k, t in enumerate(texts)]
    assert "thesaurus_share" not in CorruptionConfig.preset("news").to_dict()
    spun = Corruptor(CorruptionConfig(rates=CorruptionConfig.only("synonym").rates, sentence_rate=1.0,
                                      thesaurus_share=1.0), seed=3)
    from unmangle.thesaurus import reverse_candidates

    found = 0
    for k, t in enumerate(texts):
        pair = spun.corrupt_sentence(t, key=k)
        for s in pair.spans:
            old = pair.target[s.target_start:s.target_end]
            new = pair.source[s.source_start:s.source_end]
            assert new.lower() in [c.lower() for c in reverse_candidates(old)]
            found += 1
        assert pair.reconstruct() == pair.target
    assert found >= 5
    with pytest.raises(ValueError):
        CorruptionConfig(thesaurus_share=1.5)


def _fake_world(monkeypatch):
    """Two fake judges and a thesaurus where "slew" hides "killed" and "huge" is fine as it is."""
    import unmangle.synonyms as syn

    table = {"slew": ["killed", "struck"], "huge": ["large", "vast"], "storm": ["tempest"]}
    monkeypatch.setattr(syn, "reverse_candidates", lambda word, sources=3: table.get(word.lower(), []))
    bonus = {"killed": 8.0, "struck": 1.0, "large": 0.5, "vast": -1.0, "tempest": -2.0}
    return [FakeJudge("trigram", bonus), FakeJudge("broad", {**bonus, "struck": -1.0})]


def _scored(repair, texts, right=None):
    from unmangle.training.synonym_decision import ScoredSet

    opts = [repair.options(t, prefilter=False) for t in texts]
    items = None if right is None else [{"start": t.index(old), "right": new} for t, (old, new) in zip(texts, right)]
    return opts, items, ScoredSet


def test_a_fitted_decision_takes_the_right_word_and_leaves_clean_text(monkeypatch, tmp_path):
    from unmangle.synonyms import SynonymDecision
    from unmangle.training.synonym_decision import fit_decision, outcome

    judges = _fake_world(monkeypatch)
    repair = SynonymRepair(judges)
    damaged = [f"The soldiers slew {n} men near the huge storm." for n in range(2, 30)]
    clean = [f"A huge storm hit {n} towns on the coast." for n in range(2, 30)]
    opts, items, ScoredSet = _scored(repair, damaged, [("slew", "killed")] * len(damaged))
    spun = ScoredSet("spun", opts, items)
    clean_set = ScoredSet("clean", _scored(repair, clean)[0])
    decision = fit_decision([spun], [clean_set], judges, min_precision=0.85, max_clean=0.0)
    assert outcome(decision, spun)["right"] == len(damaged)
    assert outcome(decision, spun)["precision"] == 1.0
    assert outcome(decision, clean_set)["edits"] == 0
    chosen = SynonymRepair(judges, decision=decision).decide("Rebels slew 3 guards.")
    assert [(o.old, o.new) for o in chosen] == [("slew", "killed")]
    # the file round-trips and says where it came from
    path = tmp_path / "decision.json"
    decision.save(path)
    again = SynonymDecision.load(path)
    assert again == decision and again.provenance["meets_rule"] is True


def test_decision_files_that_cannot_be_read_name_the_file(tmp_path):
    import json

    from unmangle.synonyms import DecisionFormatError, SynonymDecision

    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(DecisionFormatError, match="bad.json: line 1"):
        SynonymDecision.load(bad)
    shipped = SynonymDecision.load().to_dict()
    shipped["features"] = shipped["features"][:-1]
    other = tmp_path / "other.json"
    other.write_text(json.dumps(shipped), encoding="utf-8")
    with pytest.raises(DecisionFormatError, match="other.json: its features"):
        SynonymDecision.load(other)
    with pytest.raises(FileNotFoundError, match="missing.json"):
        SynonymDecision.load(tmp_path / "missing.json")


def test_the_shipped_decision_reads_both_judges_and_names_its_training_side():
    from unmangle.synonyms import SynonymDecision, feature_names

    decision = SynonymDecision.load()
    assert decision.judges == ("trigram", "broad")
    assert len(decision.weights) == len(feature_names(decision.judges))
    assert "2022" in decision.provenance["training_side"] and "NTREX" not in decision.provenance["training_side"]


def test_an_opt_in_stage_that_cannot_run_is_an_error_not_a_silent_skip():
    from unmangle import Repairer

    with pytest.raises(ValueError, match="fast=True"):
        Repairer(fast=True, enable=["synonyms"])
    with pytest.raises(ValueError, match="needs a model folder"):
        Repairer(model=None, enable=["synonyms"])
