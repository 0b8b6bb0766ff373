"""The reverse-thesaurus index: build, pack, look up with inflection; the shipped file."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from unmangle.thesaurus import (MOBY, WORDNET, ThesaurusIndex, default_index, is_content_word,
                                reverse_candidates)

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def tiny() -> ThesaurusIndex:
    pairs = {("slay", "kill"): MOBY, ("slew", "kill"): MOBY, ("offers", "shares"): WORDNET,
             ("quake", "earthquake"): MOBY | WORDNET, ("quake", "shake"): MOBY,
             ("butcher", "kill"): WORDNET}
    return ThesaurusIndex.from_pairs(pairs, order=["kill", "shake", "earthquake"])


def test_lookup_respects_sources_and_order(tiny):
    assert tiny.lookup("quake") == ["shake", "earthquake"]  # the given order: commoner first
    assert tiny.lookup("quake", WORDNET) == ["earthquake"]
    assert tiny.lookup("offers", MOBY) == []
    assert tiny.lookup("unlisted") == []


def test_reverse_candidates_inflect_the_lemmas_candidates(tiny):
    # "slain"/"slew" are forms of "slay", whose entry sits under "kill": inflected like the word
    assert "killed" in reverse_candidates("slain", index=tiny)
    assert reverse_candidates("butchered", index=tiny) == ["killed"]
    assert reverse_candidates("butchering", index=tiny) == ["killing"]
    assert reverse_candidates("Quake", index=tiny) == ["shake", "earthquake"]
    assert reverse_candidates("quakes", index=tiny) == ["shakes", "earthquakes"]


def test_closed_class_words_have_no_candidates(tiny):
    assert not is_content_word("the") and not is_content_word("2021") and is_content_word("well-known")
    assert reverse_candidates("into", index=tiny) == []


def test_save_and_load_round_trip(tiny, tmp_path):
    path = tmp_path / "t.npz"
    tiny.save(path)
    again = ThesaurusIndex.load(path)
    assert again.vocab == tiny.vocab
    assert all(again.lookup(w) == tiny.lookup(w) for w in tiny.vocab)


def test_shipped_index_has_both_sources():
    index = default_index()
    assert index.meta["moby_pairs"] > 1_000_000 and index.meta["wordnet_pairs"] > 50_000
    assert "earthquake" in index.lookup("quake", WORDNET)
    assert "kill" in index.lookup("slay", MOBY)
    # multi-word entries where the sources have them
    assert any(" " in c for c in index.lookup("die"))
    assert "killed" in reverse_candidates("slain")


def test_build_script_on_tiny_sources(tmp_path):
    spec = importlib.util.spec_from_file_location("build_thesaurus", ROOT / "scripts" / "build_thesaurus.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["build_thesaurus"] = mod
    spec.loader.exec_module(mod)
    moby = tmp_path / "words.txt"
    moby.write_text("kill,slay,murder,the,Zyxwvu,xqzzyv\nhouse,home,dwelling place\n", encoding="utf-8")
    wn = tmp_path / "wn"
    wn.mkdir()
    (wn / "data.noun").write_text(
        "  1 licence header line\n"
        "00001740 03 n 03 earthquake 0 quake 0 temblor 0 000 | shaking and vibration\n",
        encoding="utf-8")
    for pos in ("verb", "adj", "adv"):
        (wn / f"data.{pos}").write_text("00000001 00 v 02 galore(ip) 0 plenty 0 000 | x\n", encoding="utf-8")
    out = tmp_path / "t.npz"
    assert mod.main(["--moby", str(moby), "--wordnet", str(wn), "--out", str(out)]) == 0
    index = ThesaurusIndex.load(out)
    assert index.lookup("slay") == ["kill"] and index.lookup("murder") == ["kill"]
    assert index.lookup("the") == [] and index.lookup("xqzzyv") == []  # closed class, unknown
    assert index.lookup("dwelling place") == ["house"]
    assert set(index.lookup("quake")) == {"earthquake", "temblor"}
    assert index.lookup("galore") == ["plenty"]
