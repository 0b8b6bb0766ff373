"""The names stage: gazetteer, near misses, names left alone, document consistency, calques."""

from __future__ import annotations

from pathlib import Path

import pytest

from unmangle.cli import main as cli_main
from unmangle.edits import apply_edits
from unmangle.lexicon import Lexicon
from unmangle.names.gazetteer import Gazetteer, GazetteerError, GazetteerName
from unmangle.names.similarity import edit_distance, edit_kind, phonetic_key
from unmangle.stages.names import NamesStage

NGRAM = Path(__file__).resolve().parents[1] / "models" / "unmangle-base" / "ngram.npz"


@pytest.fixture(scope="module")
def stage() -> NamesStage:
    return NamesStage.default(NGRAM if NGRAM.exists() else None)


def repaired(stage: NamesStage, text: str) -> str:
    return apply_edits(text, stage.propose(text))


def test_gazetteer_loads_with_names_variants_and_renderings():
    gaz = Gazetteer.load_default()
    assert len(gaz) > 10_000
    xiaomi = gaz.by_form["xiaomi"][0]
    assert xiaomi.kind == "org" and "millet" in xiaomi.renderings and "Xiao Mi" in xiaomi.variants
    assert "Tencent" in {n.name for n in gaz.by_variant["tengxun"]}
    assert gaz.is_name("Shenzhen") and not gaz.is_name("Shenzen")


def test_bad_gazetteer_file_names_file_and_line(tmp_path):
    path = tmp_path / "g.tsv"
    path.write_text("name\tkind\tweight\tvariants\trenderings\nTencent\torg\tmany\t\t\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match=r"g.tsv:2: weight"):
        Gazetteer.from_file(path)


def test_similarity_measures():
    assert edit_distance("tencnet", "tencent") == 1
    assert edit_kind("tencnet", "tencent") == "swapped"
    assert edit_kind("xiaommi", "xiaomi") == "doubled"
    assert edit_kind("shenzen", "shenzhen") == "lost"
    assert edit_kind("rojer", "roger") == "substituted"
    assert phonetic_key("Zelenskyy") == phonetic_key("Selenski")


@pytest.mark.parametrize("damaged, right", [
    ("Shares of Tencnet rose on Monday.", "Shares of Tencent rose on Monday."),
    ("Flooding hit Guagnzhou on Thursday.", "Flooding hit Guangzhou on Thursday."),
    ("Byte Dance said it would appeal.", "ByteDance said it would appeal."),
    ("The rival Tengxun said it would appeal.", "The rival Tencent said it would appeal."),
    ("President Xi Jinpng met officials on Tuesday.", "President Xi Jinping met officials on Tuesday."),
])
def test_near_misses_found(stage, damaged, right):
    assert repaired(stage, damaged) == right


@pytest.mark.parametrize("text", [
    "Shares of Tencent rose on Monday after Huawei said it would sell phones in Shenzhen.",
    "Alexandria Ocasio-Cortez met Patrik Kleijn and Kamala Harris in Viet Nam.",  # right, rare names
    "Greece and Preece are not the same; neither are Bidens and Biden.",
    "The Tianshun Emperor ruled after Tianshun's brother.",
])
def test_right_names_untouched(stage, text):
    assert stage.propose(text) == []


def test_document_consistency_path(stage):
    text = ("Xiaomi reported record sales on Monday. Analysts said the Xiaommi phone line "
            "had outsold rivals, and the company, which some reports call Small Rice, grew fast.")
    edits = stage.propose(text)
    news = {e.old: e.new for e in edits}
    assert news.get("Xiaommi") == "Xiaomi"
    assert news.get("Small Rice") == "Xiaomi"
    assert all("consistency" in e.reason for e in edits)
    # without the right spelling elsewhere the rendering is ordinary English and stays
    assert "Small Rice" not in {e.old for e in stage.propose("Some reports call it Small Rice.")}


def test_consistency_only_stage_needs_the_document():
    gaz = Gazetteer([GazetteerName("Kuaishou", "org", renderings=("rapid hand",))])
    only_doc = NamesStage(gaz, None, None, open_search=False)
    assert only_doc.propose("Rapid Hand grew.") == []
    edits = only_doc.propose("Kuaishou grew. Rapid Hand said so.")
    assert [(e.old, e.new) for e in edits] == [("Rapid Hand", "Kuaishou")]


def test_calques_cli_writes_a_loadable_lexicon(tmp_path, capsys):
    out = tmp_path / "calques.tsv"
    assert cli_main(["lexicon", "calques", "-o", str(out)]) == 0
    lexicon = Lexicon.from_file(out)
    assert len(lexicon) > 50
    assert all(e.require and e.case_sensitive for e in lexicon.entries)
    assert "CC BY-SA 4.0" in out.read_text(encoding="utf-8")
    assert lexicon.apply("Byte Throb, the TikTok company, said.") == "ByteDance, the TikTok company, said."
    assert lexicon.apply("Her heart began to throb.") == "Her heart began to throb."


def test_calques_cli_rejects_unknown_kind(tmp_path):
    assert cli_main(["lexicon", "calques", "-o", str(tmp_path / "x.tsv"), "--kinds", "planet"]) == 2
