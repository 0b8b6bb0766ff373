"""How the neural stage decides: evidence from two judges, leave-alone by default, overlaps."""

from __future__ import annotations

import math
import shutil

import pytest

pytest.importorskip("sentencepiece")

from unmangle import Repairer, apply_edits
from unmangle.model_folder import NGRAM_FILE
from unmangle.model_folder import ModelFolderError
from unmangle.neural.stage import NeuralStage, Option, RegionChoice, choose_edits
from unmangle.ngram import NgramLM

from conftest import TINY_PAIRS

SENTENCE = "The talks was held on Geneva."


def _choice(*options: Option, start: int = 0) -> RegionChoice:
    return RegionChoice(start, SENTENCE, 0.9, list(options))


def test_evidence_adds_both_judges_and_must_reach_the_threshold():
    was = SENTENCE.index(" was")
    weak = Option(was, was + 4, " were", margin=1.0, gain=0.5, kind="substitute")
    assert weak.evidence == pytest.approx(1.5)
    assert _choice(weak).pick(2.0, 0.0) is None  # not enough evidence: leave it alone
    assert _choice(weak).pick(1.0, 0.0) is weak
    assert _choice(weak).pick(1.0, 1.0) is None  # the n-gram gain alone is below its floor


def test_the_rewriters_own_content_word_change_must_pass_its_margin_floor():
    """A content-word change the rewriter barely prefers wins only on the n-gram judges' word:
    held back at ``proposal_min_margin``. A change among function words, and a rule-made option
    the rewriter dislikes, are closed sets and not held to it."""
    talks = SENTENCE.index("talks")
    proposal = Option(talks, talks + 5, "meetings", margin=2.0, gain=12.0, kind="rewriter")
    assert _choice(proposal).pick(5.0, 0.0) is proposal  # no floor by default
    assert _choice(proposal).pick(5.0, 0.0, proposal_min_margin=4.0) is None
    assert _choice(proposal).pick(5.0, 0.0, proposal_min_margin=2.0) is proposal  # at the floor: kept
    assert choose_edits([_choice(proposal)], 5.0, 0.0, proposal_min_margin=4.0) == []
    on = SENTENCE.index(" on")
    function_words = Option(on, on + 3, " in", margin=2.0, gain=12.0, kind="rewriter")
    swap = Option(on, on + 3, " in", margin=-3.0, gain=12.0, kind="swap")
    assert _choice(function_words).pick(5.0, 0.0, proposal_min_margin=4.0) is function_words
    assert _choice(swap).pick(5.0, 0.0, proposal_min_margin=4.0) is swap


def test_what_counts_as_a_content_word_change():
    from unmangle.neural.choices import changes_content

    assert changes_content("woodlands", "woods") and changes_content("wrestler grabs", "wrestlers")
    assert changes_content("Safety", "Security") and changes_content("Armania", "Armenia")
    assert not changes_content("an", "the") and not changes_content("Is", "It is")
    assert not changes_content("Must", "must") and not changes_content(" :", ":")


def test_without_an_ngram_model_only_the_margin_counts():
    was = SENTENCE.index(" was")
    option = Option(was, was + 4, " were", margin=3.0, gain=None, kind="rewriter")
    assert _choice(option).pick(2.5, 100.0) is option


def test_the_option_with_most_evidence_wins_and_overlaps_keep_the_stronger():
    was = SENTENCE.index(" was")
    on = SENTENCE.index(" on")
    a = Option(was, was + 4, " were", margin=2.0, gain=3.0, kind="substitute")
    b = Option(was, was + 4, " is", margin=1.0, gain=1.0, kind="substitute")
    assert _choice(a, b).pick(0.0, 0.0) is a
    # a second region overlapping the first: the one with more evidence is kept
    wide = Option(was, on + 3, " were held in", margin=1.0, gain=1.0, kind="rewriter")
    far = Option(on, on + 3, " in", margin=4.0, gain=4.0, kind="substitute")
    edits = choose_edits([_choice(a), _choice(wide), _choice(far)], 0.0, 0.0)
    # " in" has the most evidence; " were held in" overlaps it, and " were" is one word away
    # (each was judged against the unchanged sentence), so both give way
    assert [e.new for e in edits] == [" in"]
    assert apply_edits(SENTENCE, edits) == "The talks was held in Geneva."
    assert [e.new for e in choose_edits([_choice(a), _choice(wide)], 0.0, 0.0)] == [" were"]
    assert all(0.5 < e.confidence <= 1.0 for e in edits)
    assert "n-gram" in edits[0].reason


@pytest.fixture(scope="module")
def model_with_ngram(tiny_model_dir, tmp_path_factory):
    out, _ = tiny_model_dir
    folder = tmp_path_factory.mktemp("ngram") / "model"
    shutil.copytree(out, folder)
    clean = [t for _, t in TINY_PAIRS] + ["The talks were held in Geneva."] * 5
    NgramLM.build(clean).save(folder / NGRAM_FILE)
    return folder


def test_stage_loads_the_ngram_model_and_proposes_rule_made_fixes(model_with_ngram):
    stage = NeuralStage.from_dir(model_with_ngram)
    assert stage.lm is not None
    # the tiny model's thresholds accept everything else
    choices = stage.choices_many([SENTENCE], min_gain=0.0)[0]
    kinds = {o.kind for c in choices for o in c.options}
    assert kinds & {"substitute", "delete", "insert", "swap", "undouble"}
    assert all(o.gain is not None for c in choices for o in c.options)
    result = Repairer.load(model_with_ngram).repair_document(SENTENCE)
    assert apply_edits(SENTENCE, result.edits) == result.text


def test_damaged_ngram_file_is_named(model_with_ngram, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(model_with_ngram, broken)
    (broken / NGRAM_FILE).write_bytes(b"not a zip file")
    with pytest.raises(ModelFolderError, match="damaged"):
        NeuralStage.from_dir(broken)


def test_finetuned_folder_keeps_the_ngram_model(model_with_ngram, tmp_path):
    import json

    from unmangle.training.finetune import finetune_from_files

    train = tmp_path / "train.jsonl"
    train.write_text("".join(json.dumps({"source": s, "target": t}) + "\n" for s, t in TINY_PAIRS),
                     encoding="utf-8")
    out = tmp_path / "tuned"
    finetune_from_files(train=str(train), base=str(model_with_ngram), out=str(out), steps=1, batch_size=8,
                        device="cpu")
    assert (out / NGRAM_FILE).read_bytes() == (model_with_ngram / NGRAM_FILE).read_bytes()


def test_words_the_ngram_model_never_saw_earn_no_gain_when_removed(model_with_ngram):
    stage = NeuralStage.from_dir(model_with_ngram)
    sentence = "The talks were held in Zorblax."
    at = sentence.index(" Zorblax")
    gone = stage.lm_gains(sentence, [(at, at + 8, " Geneva")])[0]
    assert gone <= 0.0  # "Zorblax" would vanish: the n-gram model cannot judge that
    doubled = "The talks were held in Zorblax Zorblax."
    at = doubled.rindex(" Zorblax")
    assert stage.lm_gains(doubled, [(at, at + 8, "")])[0] > 0  # the word stays: undoubling counts


def test_detector_weight_adds_the_detectors_log_odds():
    was = SENTENCE.index(" was")
    option = Option(was, was + 4, " were", margin=1.0, gain=1.0, kind="substitute")
    confident = RegionChoice(0, SENTENCE, 0.9, [option])
    doubtful = RegionChoice(0, SENTENCE, 0.1, [option])
    assert confident.evidence(option, 1.0) == pytest.approx(2.0 + 2.1972, abs=1e-3)
    assert doubtful.evidence(option, 1.0) == pytest.approx(2.0 - 2.1972, abs=1e-3)
    assert confident.evidence(option, 0.0) == doubtful.evidence(option, 0.0) == pytest.approx(2.0)
    assert doubtful.pick(1.0, 0.0, detector_weight=1.0) is None  # the detector sees no damage here
    assert confident.pick(1.0, 0.0, detector_weight=1.0) is option
    assert choose_edits([doubtful], 1.0, 0.0, detector_weight=1.0) == []


def test_frequency_weight_discounts_a_preference_for_commoner_words():
    sentence = "Asian elephant females have no tusks."
    at = sentence.index(" females")
    commoner = Option(at, at + 8, " women", margin=5.0, gain=9.0, kind="rewriter", frequency_shift=6.0)
    choice = RegionChoice(0, sentence, 0.9, [commoner])
    assert choice.evidence(commoner) == pytest.approx(14.0)
    assert choice.evidence(commoner, 0.0, 0.5) == pytest.approx(11.0)
    assert choice.pick(12.0, 0.0) is commoner
    assert choice.pick(12.0, 0.0, frequency_weight=0.5) is None  # mostly a preference for "women"
    assert choose_edits([choice], 12.0, 0.0, frequency_weight=0.5) == []
    edit = choose_edits([choice], 10.0, 0.0, frequency_weight=0.5)[0]
    assert "commoner by 6.0 nats" in edit.reason
    assert edit.confidence == pytest.approx(1 / (1 + math.exp(-11.0)), abs=1e-4)


def test_stage_options_carry_their_frequency_shift(model_with_ngram):
    stage = NeuralStage.from_dir(model_with_ngram)
    options = [o for c in stage.choices_many([SENTENCE], min_gain=0.0)[0] for o in c.options]
    assert options
    for o in options:
        old = SENTENCE[o.start:o.end]
        assert o.frequency_shift == pytest.approx(stage.lm.frequency_shift(old, o.text))
    assert any(o.frequency_shift != 0.0 for o in options)


def test_changes_judged_alone_may_not_be_combined_when_they_touch():
    sentence = "They invest in the the new rail line on Monday."
    first = sentence.index(" the")
    second = first + 4
    delete = Option(first, first + 4, "", margin=1.0, gain=6.0, kind="delete")
    undouble = Option(second, second + 4, "", margin=2.0, gain=6.0, kind="undouble")
    at = sentence.index(" on")
    far = Option(at, at + 3, " by", margin=1.0, gain=5.0, kind="substitute")  # two words away
    choices = [RegionChoice(0, sentence, 0.5, [o]) for o in (delete, undouble, far)]
    edits = choose_edits(choices, 0.0, 0.0)
    assert apply_edits(sentence, edits) == "They invest in the new rail line by Monday."
    assert [e.stage for e in edits] == ["neural", "neural"]


def test_broad_weight_adds_the_broad_models_gain():
    was = SENTENCE.index(" was")
    option = Option(was, was + 4, " were", margin=1.0, gain=1.0, kind="substitute", broad_gain=4.0)
    unasked = Option(was, was + 4, " were", margin=1.0, gain=1.0, kind="substitute")
    choice = RegionChoice(0, SENTENCE, 0.9, [option])
    assert choice.evidence(option) == pytest.approx(2.0)  # weight 0: the broad model not counted
    assert choice.evidence(option, broad_weight=0.5) == pytest.approx(4.0)
    assert choice.evidence(unasked, broad_weight=0.5) == pytest.approx(2.0)
    assert choice.pick(3.0, 0.0) is None and choice.pick(3.0, 0.0, broad_weight=0.5) is option
    edit = choose_edits([choice], 3.0, 0.0, broad_weight=0.5)[0]
    assert "broad English model +4.0 nats" in edit.reason


def test_stage_asks_the_broad_model_only_when_it_counts(model_with_ngram):
    pytest.importorskip("pocketsphinx")
    from dataclasses import replace

    stage = NeuralStage.from_dir(model_with_ngram)
    assert all(o.broad_gain is None for c in stage.choices_many([SENTENCE], min_gain=0.0)[0]
               for o in c.options)
    asked = [o for c in stage.choices_many([SENTENCE], min_gain=0.0, broad=True)[0] for o in c.options]
    assert asked and all(o.broad_gain is not None for o in asked)
    # "The talks were held" reads better to a general English model than "The talks was held"
    were = [o for o in asked if SENTENCE[o.start:o.end].strip() == "was" and o.text.strip() == "were"]
    assert all(o.broad_gain > 0 for o in were)
    weighted = stage.with_settings(broad_weight=0.5)
    assert all(o.broad_gain is not None for c in weighted.choices_many([SENTENCE], min_gain=0.0)[0]
               for o in c.options)
    assert replace(stage.settings, broad_weight=0.5).thresholds()["broad_weight"] == 0.5


def test_register_shift_is_the_frequency_preference_general_english_does_not_share():
    from unmangle.neural.choices import register_shift

    assert register_shift(5.7, -0.1) == pytest.approx(5.7)  # kids -> children: commoner only in UN speeches
    assert register_shift(5.0, 4.0) == pytest.approx(1.0)  # commoner in both: most of it is shared
    assert register_shift(1.2, 4.1) == 0.0  # commoner in general English than in the speeches
    assert register_shift(-2.0, -6.0) == 0.0  # a move to rarer words has no shift to take off
    assert register_shift(3.0, -50.0) == pytest.approx(3.0)  # never more than the frequency shift


def test_register_weight_takes_the_register_shift_off_the_evidence():
    was = SENTENCE.index(" was")
    option = Option(was, was + 4, " were", margin=3.0, gain=2.0, kind="substitute", frequency_shift=2.0,
                    register_shift=1.5)
    choice = RegionChoice(0, SENTENCE, 0.9, [option])
    assert choice.evidence(option) == pytest.approx(5.0)
    assert choice.evidence(option, frequency_weight=0.5, register_weight=2.0) == pytest.approx(1.0)
    assert choice.pick(2.5, 0.0) is option and choice.pick(2.5, 0.0, register_weight=2.0) is None
    edit = choose_edits([choice], 1.0, 0.0, register_weight=2.0)[0]
    assert "1.5 nats of that only in the training speeches' register" in edit.reason


def test_stage_sets_the_register_shift_from_the_broad_model(model_with_ngram):
    pytest.importorskip("pocketsphinx")
    stage = NeuralStage.from_dir(model_with_ngram).with_settings(register_weight=1.0)
    options = [o for c in stage.choices_many([SENTENCE], min_gain=0.0)[0] for o in c.options]
    assert options and all(o.broad_gain is not None for o in options)
    assert all(0.0 <= o.register_shift <= max(o.frequency_shift, 0.0) for o in options)
