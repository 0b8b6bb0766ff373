"""The capitals stage: where it looks, how it decides, what it proposes."""

from __future__ import annotations

import pytest

from unmangle import apply_edits
from unmangle.ngram import NgramLM
from unmangle.stages.capitals import CapitalsStage, break_gain, capital_sites


def _sites(sentence: str) -> list[str]:
    return [sentence[s.start:s.end] for s in capital_sites(sentence)]


def test_sites_are_capitalised_closed_class_words_after_a_lowercase_word():
    assert _sites("Officials will convince affiliates globally Such actions often cite the law.") == ["Such"]
    assert _sites("The firm said platforms Will have access to the data by May.") == ["Will"]


@pytest.mark.parametrize("sentence", [
    "The talks were held in The Hague last week by both sides.",    # a name: next word capitalised
    "Xi's Push Against Jack Ma Is a New Threat to China's Tech",    # a headline
    "He wrote a book called Gone With the Wind in his youth.",      # previous word capitalised
    "The minister said: The talks will go on for a long time.",     # after a colon
    "The committee met in May and then adjourned for the summer.",  # May is not closed-class
    "Actors such as Will Smith were seen at the event yesterday.",  # a name: next word capitalised
    "It is short Such",                                             # too short to judge
])
def test_names_titles_and_sentence_starts_are_not_sites(sentence):
    assert _sites(sentence) == []


class _StubLM:
    """Scores looked up by text; every bigram counts as seen (and usual) unless listed in
    ``unseen`` or ``rare`` (seen, but far less often than chance predicts)."""

    def __init__(self, scores: dict[str, float], unseen: frozenset = frozenset(),
                 rare: frozenset = frozenset()) -> None:
        self.scores, self.unseen, self.rare = scores, unseen, rare

    def score(self, text: str) -> float:
        return self.scores[text]

    def bigram_count(self, first: str, second: str) -> int:
        return 0 if (first, second) in self.unseen else 3

    def association(self, first: str, second: str) -> float:
        if (first, second) in self.unseen:
            return float("-inf")
        return -5.6 if (first, second) in self.rare else 0.5


SENT = "They met the affiliates globally Such actions were common."
LEFT, RIGHT = "They met the affiliates globally.", "Such actions were common."


@pytest.mark.parametrize("left_right, expected", [
    (-40.0, "They met the affiliates globally. Such actions were common."),  # gain +10: break
    (-60.0, "They met the affiliates globally such actions were common."),   # gain -10: lower-case
    (-52.0, SENT),                                                           # gain -2: leave it
])
def test_the_gain_of_a_break_decides(left_right, expected):
    lm = _StubLM({SENT: -50.0, LEFT: left_right / 2, RIGHT: left_right / 2})
    stage = CapitalsStage(lm, break_min_gain=0.0, lower_max_gain=-6.0)
    assert break_gain(lm, SENT, capital_sites(SENT)[0]) == pytest.approx(left_right + 50.0)
    edits = stage.propose(SENT)
    assert apply_edits(SENT, edits) == expected
    for e in edits:
        assert e.stage == "capitals" and 0.5 <= e.confidence <= 1.0 and "gain" in e.reason


def test_default_thresholds_make_no_edits_and_bad_thresholds_are_refused():
    lm = _StubLM({SENT: -50.0, LEFT: -10.0, RIGHT: -10.0})
    assert CapitalsStage(lm, break_min_gain=1e9, lower_max_gain=-1e9).propose(SENT) == []
    with pytest.raises(ValueError):
        CapitalsStage(lm, break_min_gain=-1.0, lower_max_gain=0.0)


def test_a_real_ngram_model_restores_a_break_it_has_evidence_for():
    corpus = ["Such actions are common in the region.", "The council met the affiliates.",
              "Such measures are rare.", "They met the affiliates in Geneva."] * 5
    lm = NgramLM.build(corpus)
    text = "Last year they met the affiliates Such actions are common in the region."
    edits = CapitalsStage(lm, break_min_gain=0.0, lower_max_gain=-6.0).propose(text)
    assert apply_edits(text, edits) == "Last year they met the affiliates. Such actions are common in the region."
    assert CapitalsStage(lm, break_min_gain=0.0, lower_max_gain=-6.0).propose(
        "Last year they met the affiliates. Such actions are common in the region.") == []


def test_a_word_is_lower_cased_only_where_a_neighbour_vouches_for_it():
    # gain -10, but "globally such" was never counted and "such actions" is no commoner than chance
    lm = _StubLM({SENT: -50.0, LEFT: -30.0, RIGHT: -30.0}, unseen=frozenset({("globally", "such")}),
                 rare=frozenset({("such", "actions")}))
    assert CapitalsStage(lm, break_min_gain=0.0, lower_max_gain=-6.0).propose(SENT) == []
    # the pair before was never counted, but the word after is usual there: lower-case it
    lm = _StubLM({SENT: -50.0, LEFT: -30.0, RIGHT: -30.0}, unseen=frozenset({("globally", "such")}))
    edits = CapitalsStage(lm, break_min_gain=0.0, lower_max_gain=-6.0).propose(SENT)
    assert apply_edits(SENT, edits) == "They met the affiliates globally such actions were common."
    # a counted-but-rare pair before is evidence of a name: the word after cannot overrule it
    lm = _StubLM({SENT: -50.0, LEFT: -30.0, RIGHT: -30.0}, rare=frozenset({("globally", "such")}))
    assert CapitalsStage(lm, break_min_gain=0.0, lower_max_gain=-6.0).propose(SENT) == []


def test_a_pair_seen_far_less_often_than_chance_does_not_count_as_fitting():
    # "turns to Are for advice": "to are" is in the corpus a few times, as noise; "Are" is a name
    rare = _StubLM({SENT: -50.0, LEFT: -30.0, RIGHT: -30.0}, rare=frozenset({("globally", "such")}))
    assert CapitalsStage(rare, break_min_gain=0.0, lower_max_gain=-6.0).propose(SENT) == []
    usual = _StubLM({SENT: -50.0, LEFT: -30.0, RIGHT: -30.0})
    assert len(CapitalsStage(usual, break_min_gain=0.0, lower_max_gain=-6.0).propose(SENT)) == 1


def test_a_damaged_ngram_file_names_the_model_folder(tmp_path):
    import shutil

    from unmangle import Repairer
    from unmangle.model_folder import ModelFolderError
    from unmangle.resources import bundled_model_dir

    model = bundled_model_dir()
    if model is None:
        pytest.skip("this install has no bundled model")
    broken = tmp_path / "model"
    shutil.copytree(model, broken)
    (broken / "ngram.npz").write_text("junk\n")
    with pytest.raises(ModelFolderError, match="ngram.npz"):
        Repairer(model=broken, disable=("neural",))
