"""The bundled model: present, well-formed, small, and harmless on clean text."""

from __future__ import annotations

import gzip
import json

import pytest

from unmangle import Repairer, apply_edits
from unmangle.model_folder import check_model_dir
from unmangle.resources import bundled_model_dir

MODEL = bundled_model_dir()
pytestmark = pytest.mark.skipif(MODEL is None, reason="this install has no bundled model")

CLEAN = [
    "The central bank raised interest rates by a quarter of a percentage point on Wednesday.",
    "Shares of the company fell 3.5% in early trading after the results were published.",
    "“We will not accept this,” the minister told reporters in Brussels.",
    "The U.S. Senate passed the bill by 68 votes to 32 late on Thursday night.",
    "Heavy rain is expected across the north of the country over the weekend.",
    "She joined the firm in 2014 and became its chief executive four years later.",
    "Officials said the talks would resume in Geneva next month.",
    "The museum, which reopened in May, has already welcomed more than 200,000 visitors.",
]


@pytest.fixture(scope="module")
def full() -> Repairer:
    return Repairer()


def test_folder_is_complete_small_and_bf16():
    check_model_dir(MODEL)
    size_mb = sum(f.stat().st_size for f in MODEL.iterdir()) / 2**20
    assert size_mb < 60
    header_len = int.from_bytes((MODEL / "model.safetensors").read_bytes()[:8], "little")
    header = json.loads((MODEL / "model.safetensors").read_bytes()[8:8 + header_len])
    assert {v["dtype"] for k, v in header.items() if k != "__metadata__"} == {"BF16"}
    assert (MODEL / "README.md").is_file()  # the model card


def test_default_repairer_runs_the_neural_and_capitals_stages(full):
    assert full.stage_names[-2:] == ["neural", "capitals"]
    assert full.stages[-2].lm is not None  # the bundled trigram model is loaded...
    assert full.stages[-1].lm is full.stages[-2].lm  # ...once, shared by both stages
    assert full.stages[-1].break_min_gain < 1e9  # calibrated (benchmarks/calibrate_capitals.py)
    assert Repairer(fast=True).stage_names == ["normalize", "boilerplate", "duplicates", "lexicon"]


def test_clean_sentences_are_left_alone(full):
    for sentence in CLEAN:
        assert full.repair(sentence) == sentence


def test_edits_reproduce_the_output_on_damaged_text(full):
    text = ("Companies ranging from Alibaba to Tennessee Holdings Ltd. acquired billions .\n\n"
            "The the government also launched an investigation into alleged anti-Semitism practices "
            "at Alibaba, which is also backed by Ticketok owner ByteDance.")
    result = full.repair_document(text)
    assert apply_edits(text, result.edits) == result.text
    assert "Tencent Holdings" in result.text and "TikTok" in result.text


def test_no_harm_on_ntrex_sample(full, shared_dir):
    path = shared_dir / "corpus/ntrex128_en_zh_de/ntrex128_newstest2019_en_zh_de.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        sentences = [json.loads(line)["en"] for line in fh][::10]
    changed = [s for s in sentences if full.repair(s) != s]
    assert len(changed) / len(sentences) <= 0.01, changed[:5]


def test_a_lost_sentence_break_is_restored(full):
    text = ("The US cites concerns about the government's influence to justify its efforts to convince "
            "affiliates globally Such actions often cite the 2017 law.")
    result = full.repair_document(text)
    assert "globally. Such actions" in result.text
    assert any(e.stage == "capitals" for e in result.edits)


def test_a_stray_capital_the_ngram_counts_never_saw_after_its_neighbour_is_lowered(full):
    # "platforms will" is not in the UN speeches the counts come from; "will have" vouches for it
    text = ("Officials cited concerns that Beijing would gain access to data because the platforms "
            "Will have access to the records.")
    assert "the platforms will have access" in full.repair(text)


def test_repair_many_matches_repair_and_refuses_one_string():
    import unmangle

    texts = CLEAN[:3] + ["Tennessee Holdings said on Monday it would appeal .",
                         "The US cites concerns about the government's influence to justify its efforts to "
                         "convince affiliates globally Such actions often cite the 2017 law.", ""]
    many = unmangle.repair_many(texts, batch_size=2)
    assert many == [unmangle.repair(t) for t in texts]
    assert many[3].startswith("Tencent Holdings") and "globally. Such" in many[4] and many[5] == ""
    assert unmangle.repair_many(texts, fast=True) == [unmangle.repair(t, fast=True) for t in texts]
    with pytest.raises(TypeError, match="repair_many"):
        unmangle.repair_many("one text")
    with pytest.raises(TypeError, match="repair_many"):
        unmangle.repair(texts)


def test_rule_alternatives_left_unscored_at_repair_would_not_have_been_chosen(full):
    """Repair leaves out rule-made alternatives whose rewriter margin cannot reach the threshold
    (the keep-pass bound) or would have to exceed ``rule_margin_cap``; calibration scores them all.
    Both choose the same edits here."""
    from unmangle.neural.choices import choose_edits

    stage = next(s for s in full.stages if s.name == "neural")
    s = stage.settings
    texts = CLEAN + ["Tennessee Holdings said on Monday it would appeal the the ruling .",
                     "The government said that the new law would be take effect in the next year ."]
    pruned = stage.choices_many(texts, min_evidence=s.min_evidence)
    every = stage.choices_many(texts)
    assert sum(map(len, pruned)) < sum(map(len, every))  # the bound skipped some
    for a, b in zip(pruned, every):
        assert choose_edits(a, s.min_evidence, s.lm_min_gain, detector_weight=s.detector_weight,
                            frequency_weight=s.frequency_weight) == choose_edits(
            b, s.min_evidence, s.lm_min_gain, detector_weight=s.detector_weight,
            frequency_weight=s.frequency_weight)


def test_the_shipped_proposal_floor_keeps_a_right_but_rarer_word(full):
    """"hundreds of dominions" is right (a Wikipedia sentence); the rewriter proposes "sovereignty"
    with almost no margin of its own, and only the n-gram judges' liking for the speeches' word
    made it an edit. The shipped floor withholds it; without the floor it is made."""
    from unmangle.neural.choices import NO_FLOOR

    text = "But from the late 9th century they were considerably larger in an area spreading hundreds of dominions."
    neural = next(s for s in full.stages if s.name == "neural")
    assert neural.settings.proposal_min_margin > NO_FLOOR
    assert not [e for e in full.repair_document(text).edits if e.stage == "neural"]
    no_floor = neural.with_settings(proposal_min_margin=NO_FLOOR)
    assert [e.new.strip() for e in no_floor.propose(text)] == ["sovereignty"]
