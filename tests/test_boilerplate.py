"""The boilerplate stage: web chrome lines go (with their line breaks), prose stays."""

from __future__ import annotations

import pytest

from unmangle import Repairer
from unmangle.edits import apply_edits
from unmangle.stages.boilerplate import BoilerplateError, BoilerplateStage, load_patterns


@pytest.fixture(scope="module")
def stage() -> BoilerplateStage:
    return BoilerplateStage()


def clean(stage: BoilerplateStage, text: str) -> str:
    return apply_edits(text, stage.propose(text))


@pytest.mark.parametrize("line, kind", [
    ("Subscribe now", "subscription"),
    ("SUBSCRIBE NOW!", "subscription"),
    ("Your subscription helps us keep our reporting accurate and independent.", "subscription"),
    ("In an age of disinformation and information overload, trusted journalism matters more than "
     "ever.", "subscription"),
    ("Leave a Reply", "comment_form"),
    ("Your email address will not be published.", "comment_form"),
    ("Your email address will not be published. Required fields are marked *", "comment_form"),
    ("Photo Gallery (Click to proceed)", "gallery"),
    ("Share this article", "share"),
    ("Click here to read the full report", "share"),
    ("Sign up for our daily newsletter", "newsletter"),
    ("We use cookies to improve your experience on our site.", "cookie"),
    ("Advertisement", "advertisement"),
    ("Story continues below advertisement", "advertisement"),
])
def test_chrome_lines_are_removed(stage, line, kind):
    text = f"First paragraph of the story.\n\n{line}\n\nSecond paragraph of the story."
    edits = stage.propose(text)
    assert clean(stage, text) == "First paragraph of the story.\n\nSecond paragraph of the story."
    assert len(edits) == 1 and f"boilerplate ({kind})" in edits[0].reason
    assert edits[0].stage == "boilerplate" and 0 < edits[0].confidence <= 1


def test_seed_article_pitch_lines_are_removed(stage, seed_article):
    """The two paywall-pitch lines at the end of the real seed article, each between prose."""
    pitches = [line for line in seed_article.splitlines()
               if line.startswith(("In times of", "By subscribing"))]
    assert len(pitches) == 2
    for line in pitches:
        text = f"First paragraph of the story.\n\n{line}\n\nSecond paragraph of the story."
        edits = stage.propose(text)
        assert clean(stage, text) == "First paragraph of the story.\n\nSecond paragraph of the story."
        assert len(edits) == 1 and "boilerplate (subscription)" in edits[0].reason


def test_no_blank_line_pile_up(stage):
    # the shape of the seed article's tail: two pitch lines, then chrome with uneven blank lines
    text = ("Story ends here.\n\nIn an age of disinformation and information overload, trusted "
            "journalism matters more than ever.\nYour subscription helps us keep our reporting "
            "accurate and independent.\n\nSubscribe now\n\nPhoto Gallery (Click to proceed)\n\n\n"
            "Leave a Reply\n\nYour email address will not be published.")
    assert clean(stage, text) == "Story ends here."
    assert clean(stage, text + "\n") == "Story ends here.\n"
    assert clean(stage, "Subscribe now\n\nThe story.\n") == "The story.\n"
    assert clean(stage, "A.\nAdvertisement\n\nB.") == "A.\n\nB."


@pytest.mark.parametrize("text", [
    "He told readers to subscribe now, before prices rose, and many did.",
    "The site asks you to leave a reply below each post, which few readers do.",
    "Share this article with the board, the chairman wrote to his staff on Monday.",
    "Reuters reported the deal on Monday.",
    "Shares fell - analysts blamed the Reuters report.",
    "Advertisement spending rose 5% in 2020.",
    "Click farms and share prices were discussed.",
    "Copyright 1998 law extended protection of works by twenty years.",
    "We use cookies less than our rivals, the chief executive said.",
])
def test_prose_is_left_alone(stage, text):
    assert stage.propose(text + "\n\nAnother line of prose here.") == []


def test_long_lines_are_never_removed_whole(tmp_path):
    path = tmp_path / "greedy.tsv"
    path.write_text("kind\taction\tpattern\tnote\ngreedy\tline\tre:subscribe.*\ttoo broad\n",
                    encoding="utf-8")
    stage = BoilerplateStage(patterns_file=path)
    long_line = "Subscribe now " + "and read on " * 20
    text = f"Story.\n\n{long_line.strip()}\n\nSubscribe to it"
    assert clean(stage, text) == f"Story.\n\n{long_line.strip()}"


def test_nothing_is_removed_when_every_line_is_chrome(stage):
    assert stage.propose("Click here to see how to turn off location sharing on a tablet") == []
    assert stage.propose("Subscribe now\n\nLeave a Reply\n") == []
    # a headline tag still loses its tag
    assert clean(stage, "China targets Alibaba in antitrust probe | Reuters") == (
        "China targets Alibaba in antitrust probe")


def test_wire_tag_on_a_long_line_removes_only_the_tag(stage):
    text = ("Regulators in Brussels are now weighing whether to fine Meta and Alphabet over data "
            "transfers, according to two officials briefed on the talks, a heavy blow for the two "
            "companies  |  Reuters\nNext line.")
    edits = stage.propose(text)
    assert [e.old for e in edits] == ["  |  Reuters"]
    assert "wire_tag" in edits[0].reason and "'| Reuters'" in edits[0].reason
    assert clean(stage, text).endswith("for the two companies\nNext line.")


def test_wire_tag_on_a_short_headline_removes_the_line(stage):
    text = "The story.\n\nChina targets Alibaba in antitrust probe | Reuters\n\nMore story."
    assert clean(stage, text) == "The story.\n\nMore story."
    text = "The story.\n\nWhy Wales wants a new name for its assembly - BBC News\n\nMore story."
    assert clean(stage, text) == "The story.\n\nMore story."


def test_a_finished_sentence_keeps_its_line(stage):
    text = "The story.\n\nChina fined Alibaba a record sum. | Reuters\n\nMore story."
    assert clean(stage, text) == "The story.\n\nChina fined Alibaba a record sum.\n\nMore story."


def test_custom_patterns_file(tmp_path):
    path = tmp_path / "mine.tsv"
    path.write_text("# my patterns\nkind\taction\tpattern\tnote\n"
                    "promo\tline\tBuy our book\tmy site's promo\n"
                    "promo\tline\tre:visit (?:our )?shop\\b.*\tshop link\n"
                    "site\ttag\t- My Blog\tblog title suffix\n", encoding="utf-8")
    stage = BoilerplateStage(patterns_file=path)
    text = "Story.\n\nBuy our book!\nVisit our shop today\n\nA long prose line here - My Blog\n\nSubscribe now"
    assert clean(stage, text) == "Story.\n\nA long prose line here\n\nSubscribe now"


@pytest.mark.parametrize("body, message", [
    ("kind\taction\tpattern\tnote\npromo\tline\tBuy\n", "mine.tsv:2: expected 4 TAB-separated"),
    ("kind\taction\tpattern\tnote\npromo\tdelete\tBuy\tx\n", "mine.tsv:2: action must be"),
    ("kind\taction\tpattern\tnote\n\npromo\tline\tre:(unclosed\tx\n", "mine.tsv:3: bad regular"),
    ("promo\tline\tBuy\tx\n", "mine.tsv:1: expected the header row"),
    ("# nothing\n", "no header row"),
])
def test_malformed_pattern_file_names_file_and_line(tmp_path, body, message):
    path = tmp_path / "mine.tsv"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(BoilerplateError, match=message.replace("(", r"\(")):
        load_patterns(path)


def test_bundled_patterns_load_and_have_notes():
    patterns = load_patterns()
    assert len(patterns) >= 40
    assert all(p.note and p.kind for p in patterns)


def test_stage_can_be_disabled():
    text = "The story goes on for a while here.\n\nSubscribe now"
    assert Repairer(fast=True, disable=["boilerplate", "lexicon"]).repair(text) == text
    assert BoilerplateStage().propose(text)


def test_stacked_tags_go_in_one_pass(stage):
    text = ("The story.\n\nA long line of prose that happens to end with two site tags, which "
            "scrapers sometimes leave behind when they join pages | Reuters | Reuters")
    once = clean(stage, text)
    assert once.endswith("when they join pages")
    assert stage.propose(once) == []


def test_a_tagged_chrome_line_goes_whole(stage):
    assert clean(stage, "The story.\n\nSubscribe now | Reuters") == "The story."


def test_a_tagged_short_line_that_stays_does_not_shield_the_chrome_beside_it():
    # every line looks like chrome, so the short tagged line stays (without its tag); the ad label
    # beside it still goes now, not on a second repair
    from unmangle import Repairer

    repairer = Repairer(fast=True)
    once = repairer.repair("Markets rally | Reuters\nADVERTISEMENT")
    assert once == "Markets rally"
    assert repairer.repair(once) == once


def test_a_click_here_sentence_of_the_article_stays(stage):
    # link text has no closing stop; a sentence inviting the reader (an AEB gold article's) stays
    text = ("Try something new this weekend.\n\nClick here to get more information or download this "
            "game.\n\nFor whom is this game?\nCLICK HERE TO GET THE APP\n")
    assert clean(stage, text) == ("Try something new this weekend.\n\nClick here to get more information "
                                  "or download this game.\n\nFor whom is this game?\n")
