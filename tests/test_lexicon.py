"""The lexicon: matching, casing, context rules, file format and errors, the lexicon stage."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unmangle.edits import apply_edits, check_edits
from unmangle.lexicon import Lexicon, LexiconEntry, LexiconError
from unmangle.lexicon.casing import adapt_case, fold
from unmangle.stages.lexicon import LexiconStage

E = LexiconEntry


@pytest.fixture(scope="module")
def lex() -> Lexicon:
    return Lexicon([
        E("Tennessee Holdings", "Tencent Holdings", kind="entity"),
        E("Tennessee", "Tencent", kind="entity", require=("WeChat", "QQ", "Pony Ma", "gaming*")),
        E(("Ticketok", "Ticketock"), "TikTok", kind="entity"),
        E("anti-Semitism practices", "anti-monopoly practices", kind="term"),
        E("Chinese hawkers", "China hawks", require=("Washington", "US", "Congress")),
        E("bogus news", "fake news", kind="term"),
        E("unfamiliar priest", "foreign minister"),
        E("exchange war", "trade war", kind="term", forbid=("currency",)),
        E("Joined Countries", "United Nations", kind="entity", case_sensitive=True),
        E("Millet", "Xiaomi", kind="entity", require=("smartphone*",), window="sentence"),
    ])


# -- matching ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("Tennessee Holdings Ltd. rose.", "Tencent Holdings Ltd. rose."),
    ("the Ticketok social network", "the TikTok social network"),
    ("Ticketock and Ticketok", "TikTok and TikTok"),
    ("Ticketok-owned apps and anti-Ticketok laws", "TikTok-owned apps and anti-TikTok laws"),
    ("Ticketok's owner", "TikTok's owner"),
    ("Ticketok’s owner", "TikTok’s owner"),
    ("alleged anti-Semitism practices on Alibaba", "alleged anti-monopoly practices on Alibaba"),
])
def test_replaces_known_forms(lex: Lexicon, text: str, expected: str) -> None:
    assert lex.apply(text) == expected


@pytest.mark.parametrize("text", [
    "He moved to Tennessee last year.",          # a real state, no Chinese-tech context
    "Tennesseean voters",                        # inside a longer word
    "The Tennessees",                            # inside a longer word
    "Ticketoks",                                 # inside a longer word
    "xTicketok",                                 # preceded by a letter
    "Ticketok2",                                 # followed by a digit
    "Chinese hawkers sell noodles in Singapore",  # street vendors: no policy context
    "the foreign-exchange war of the 1930s",     # hyphen glues 'exchange' to 'foreign'
    "a currency exchange war",                   # forbidden context
    "it joined countries in the region",         # case-sensitive form, lower case here
    "Millet is a grain. Smartphones are phones.",  # require word in another sentence
    "anti-Semitism must be fought",              # no entry for anti-Semitism alone here
])
def test_leaves_correct_text_alone(lex: Lexicon, text: str) -> None:
    assert lex.find(text) == []
    assert lex.apply(text) == text


def test_context_rule_allows_match(lex: Lexicon) -> None:
    assert lex.apply("Tennessee, owner of WeChat, said") == "Tencent, owner of WeChat, said"
    assert lex.apply("Pony Ma of Tennessee") == "Pony Ma of Tencent"
    assert lex.apply("Tennessee's gaming unit") == "Tencent's gaming unit"  # prefix term gaming*
    assert lex.apply("Chinese hawkers in Washington") == "China hawks in Washington"
    assert lex.apply("Joined Countries agencies") == "United Nations agencies"
    assert lex.apply("Millet sold more smartphones.") == "Xiaomi sold more smartphones."


def test_acronym_context_terms_match_case(lex: Lexicon) -> None:
    assert lex.apply("Chinese hawkers in the US") == "China hawks in the US"
    assert lex.apply("Chinese hawkers told us") == "Chinese hawkers told us"


def test_window_limits_context() -> None:
    entry = E("Tennessee", "Tencent", kind="entity", require=("WeChat",), window=3)
    lex = Lexicon([entry])
    assert lex.apply("Tennessee one two WeChat") == "Tencent one two WeChat"
    assert lex.apply("Tennessee one two three four WeChat") == "Tennessee one two three four WeChat"
    assert lex.apply("WeChat one two three four Tennessee") == "WeChat one two three four Tennessee"


def test_own_form_does_not_satisfy_require() -> None:
    lex = Lexicon([E("WeChat app", "WeChat", kind="entity", require=("WeChat",))])
    assert lex.apply("the WeChat app") == "the WeChat app"


def test_longest_match_wins() -> None:
    lex = Lexicon([E("new crown", "COVID-19", kind="term"),
                   E("new crown pneumonia", "COVID-19", kind="term"),
                   E("crown pneumonia cases", "X", kind="term")])
    # overlapping candidates: the longest in characters wins, here the 21-character one
    assert lex.apply("new crown pneumonia cases rose") == "new X rose"
    assert lex.apply("the new crown pneumonia") == "the COVID-19"
    assert lex.apply("a new crown") == "a COVID-19"


def test_equal_length_overlap_goes_to_the_leftmost() -> None:
    lex = Lexicon([E("a b", "X"), E("b c", "Y")])
    assert lex.apply("a b c") == "X c"


def test_longest_match_prefers_longer_over_earlier() -> None:
    lex = Lexicon([E("a b", "X"), E("b c d", "Y")])
    assert lex.apply("a b c d") == "a Y"


def test_long_chain_of_overlaps_resolves() -> None:
    lex = Lexicon([E("x x", "y")])
    text = " ".join(["x"] * 20001)  # 20,000 overlapping candidates in one cluster
    matches = lex.find(text)
    assert len(matches) == 10000
    assert all(a.end <= b.start for a, b in zip(matches, matches[1:]))


def test_context_failure_lets_shorter_match_through() -> None:
    lex = Lexicon([E("Tennessee gaming", "Tencent gaming", kind="entity", require=("QQ",)),
                   E("gaming", "games", forbid=("casino",))])
    assert lex.apply("Tennessee gaming rules") == "Tennessee games rules"


def test_matches_across_line_breaks_keep_them() -> None:
    lex = Lexicon([E("bogus news", "fake news")])
    assert lex.apply("the bogus\nnews today") == "the fake\nnews today"
    assert lex.apply("the bogus\u00a0news") == "the fake\u00a0news"


# -- casing -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("bogus news spreads", "fake news spreads"),
    ("Bogus news spreads", "Fake news spreads"),            # sentence start
    ("the Bogus News Network", "the Fake News Network"),    # Title Case phrase
    ("BOGUS NEWS", "FAKE NEWS"),                            # ALL CAPS
    ("TICKETOK BANNED", "TIKTOK BANNED"),
    ("ticketok", "TikTok"),                                 # entities keep their own casing
    ("Ticketok", "TikTok"),
    ("the Unfamiliar Priest of France", "the Foreign Minister of France"),
    ("chinese hawkers in Congress", "China hawks in Congress"),  # replacement keeps its names
])
def test_case_preserving(lex: Lexicon, text: str, expected: str) -> None:
    assert lex.apply(text) == expected


def test_adapt_case_rules() -> None:
    assert adapt_case("Joined Together States", "joined together states", "United States",
                      own_case=True) == "United States"
    assert adapt_case("new crown pneumonia", "new crown pneumonia", "COVID-19", False) == "COVID-19"
    assert adapt_case("New crown pneumonia", "new crown pneumonia", "COVID-19", False) == "COVID-19"
    assert adapt_case("Support Of Law", "support of law", "backing of the law", False) == \
        "Backing of the Law"


# -- Unicode ----------------------------------------------------------------------------------------

def test_fold_keeps_length() -> None:
    for text in ["İstanbul Ticketok", "ǅemal", "ΣΟΦΟΣ", "straße", "ﬁne", "x\u0130\u0130y", ""]:
        assert len(fold(text)) == len(text)


def test_offsets_survive_length_changing_lowercase(lex: Lexicon) -> None:
    text = "İİİ Ticketok İ"  # 'İ'.lower() has two characters
    assert lex.apply(text) == "İİİ TikTok İ"


def test_combining_mark_is_part_of_word() -> None:
    lex = Lexicon([E("cafe", "café")])
    assert lex.apply("cafe\u0301 society") == "cafe\u0301 society"
    assert lex.apply("cafe society") == "café society"


def test_non_latin_forms() -> None:
    lex = Lexicon([E("Москва Сити", "Moscow City", kind="entity")])
    assert lex.apply("в МОСКВА СИТИ") == "в MOSCOW CITY"


# -- the lexicon as a value --------------------------------------------------------------------------

def test_extended_overrides_shared_forms() -> None:
    base = Lexicon([E("bogus news", "fake news"), E("Ticketok", "TikTok", kind="entity")])
    user = Lexicon([E("bogus news", "false news")])
    both = base.extended(user)
    assert both.apply("bogus news on Ticketok") == "false news on TikTok"
    assert base.apply("bogus news") == "fake news"  # the original is unchanged
    assert len(both) == 2


def test_mapping_a_form_to_itself_switches_it_off() -> None:
    base = Lexicon([E("Millet", "Xiaomi", kind="entity")])
    off = base.extended(Lexicon([E("Millet", "Millet", kind="entity")]))
    assert off.apply("Millet and millet and MILLET") == "Millet and millet and MILLET"


def test_empty_lexicon_changes_nothing() -> None:
    assert Lexicon([]).find("anything at all") == []
    assert len(Lexicon([])) == 0


def test_conflicting_entries_are_rejected() -> None:
    with pytest.raises(LexiconError, match="conflicts"):
        Lexicon([E("bogus news", "fake news"), E("Bogus News", "false news")])


def test_same_form_with_context_rules_picks_first_that_fits() -> None:
    lex = Lexicon([
        E("Millet", "Xiaomi", kind="entity", require=("smartphone*",)),
        E("Millet", "Jean-François Millet", kind="entity", require=("painter", "painting*")),
    ])
    assert lex.apply("Millet smartphones") == "Xiaomi smartphones"
    assert lex.apply("the painter Millet") == "the painter Jean-François Millet"
    assert lex.apply("Millet porridge") == "Millet porridge"


def test_identical_duplicates_are_merged() -> None:
    lex = Lexicon([E("bogus news", "fake news"), E("bogus news", "fake news")])
    assert lex.n_forms == 1


@pytest.mark.parametrize("kwargs, message", [
    (dict(forms=("",), replacement="x"), "empty corrupted form"),
    (dict(forms=(), replacement="x"), "at least one"),
    (dict(forms=("a.*b",), replacement="x"), "regular expression"),
    (dict(forms=(r"\bword",), replacement="x"), "regular expression"),
    (dict(forms=("--",), replacement="x"), "no letter"),
    (dict(forms=("ok",), replacement=""), "empty replacement"),
    (dict(forms=("ok",), replacement="x", kind="person"), "unknown kind"),
    (dict(forms=("ok",), replacement="x", confidence=1.5), "confidence"),
    (dict(forms=("ok",), replacement="x", confidence=0.0), "confidence"),
    (dict(forms=("ok",), replacement="x", window=0), "window"),
    (dict(forms=("ok",), replacement="x", require=("a*b",)), "only end"),
])
def test_bad_entries(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        LexiconEntry(**kwargs)


# -- the stage --------------------------------------------------------------------------------------

def test_stage_proposes_edits_with_reasons(lex: Lexicon) -> None:
    text = "Tennessee Holdings and Ticketok"
    edits = LexiconStage(lex).propose(text)
    assert [e.new for e in edits] == ["Tencent Holdings", "TikTok"]
    assert all(e.stage == "lexicon" for e in edits)
    assert edits[0].reason == \
        'lexicon entity: "Tennessee Holdings" is a known corruption of "Tencent Holdings"'
    assert apply_edits(text, edits) == "Tencent Holdings and TikTok"


def test_stage_reason_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "mine.tsv"
    path.write_text("forms\treplacement\tkind\trules\tconfidence\tnote\n"
                    "# comment\n"
                    "Ticketok\tTikTok\tentity\t-\t0.7\tseed\n", encoding="utf-8")
    (edit,) = LexiconStage(Lexicon.from_file(path)).propose("on Ticketok")
    assert edit.reason.endswith("(mine.tsv:3)")
    assert edit.confidence == 0.7


def test_stage_in_a_repairer(lex: Lexicon) -> None:
    from unmangle.pipeline import Repairer

    repairer = Repairer(stages=[LexiconStage(lex)])
    text = "Ticketok was sued.\n\nBogus news spread on Ticketok."
    result = repairer.repair_document(text)
    assert result.text == "TikTok was sued.\n\nFake news spread on TikTok."
    assert apply_edits(text, result.edits) == result.text
    assert repairer.repair(result.text) == result.text  # idempotent


_ALPHABET = st.sampled_from(list("abcdeTtiko İ-'’\n.,") + ["Ticketok", "bogus news", "Tennessee",
                                                           "WeChat", "BOGUS NEWS", "ticketok"])


@settings(max_examples=200, deadline=None)
@given(st.lists(_ALPHABET, max_size=40).map("".join))
def test_edits_are_consistent_and_idempotent(lex: Lexicon, text: str) -> None:
    edits = LexiconStage(lex).propose(text)
    check_edits(text, edits)  # spans match the text and never overlap
    repaired = apply_edits(text, edits)
    assert lex.apply(text) == repaired
    assert lex.apply(repaired) == repaired
