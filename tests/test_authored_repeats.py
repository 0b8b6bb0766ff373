"""Authors repeat text on purpose; scraping and spinning repeat it in recognisable ways.

Each document below is written for this test: the fast pipeline must keep every deliberate repeat
(interview and FAQ questions, list items and quantities, headings, refrains, pull quotes, quoted
posts, other languages) and still remove the damage (a doubled headline, a paragraph copied next to
itself, a block repeated at the end).
"""

from __future__ import annotations

import pytest

from unmangle import Repairer, apply_edits


@pytest.fixture(scope="module")
def fast() -> Repairer:
    return Repairer(fast=True)


def unchanged(repairer: Repairer, text: str) -> None:
    result = repairer.repair_document(text)
    assert result.edits == [], [(e.old, e.reason) for e in result.edits]


QUESTION = "What was the first thing you did when you heard that the factory would close for good?"
ANSWERS = [
    "I called my sister, who had worked there for thirty years, and we sat in the kitchen for hours.",
    "Honestly, I went for a long walk along the river and tried not to think about the mortgage.",
    "I started updating my CV that same evening, because I knew the jobs in town would go fast.",
    "Nothing at first. I kept going in every morning until the gates were actually locked.",
]


def test_interview_keeps_the_question_asked_of_each_guest(fast):
    parts = ["We asked four former workers the same question."]
    for name, answer in zip(["Maria", "Tom", "Aisha", "Piotr"], ANSWERS):
        parts += [name, QUESTION, answer]
    unchanged(fast, "\n\n".join(parts) + "\n")


def test_faq_keeps_questions_listed_then_answered(fast):
    qs = ["How do I reset my password if I no longer have access to my email account?",
          "Can I move my subscription to another person in my household without losing it?"]
    text = ("Frequently asked questions\n\n" + "\n".join(qs) + "\n\n"
            + qs[0] + "\n\nContact support with proof of identity and we will reset it for you.\n\n"
            + qs[1] + "\n\nYes. Go to your account page and choose the transfer option at the bottom.\n")
    unchanged(fast, text)


def test_recipe_keeps_repeated_quantities_and_list_items(fast):
    day = ("Portion Fix Containers: 1 Green, 1 Red, 1 Yellow, 1 Blue, 2 tsp oils and nut butters, "
           "1 Purple")
    step = "- Stir the mixture well, then leave it to rest in the fridge for at least two hours."
    text = (f"Day 1\n\n{day}\n\n{step}\n\nSmoothie with spinach and oats.\n\nDay 2\n\n{day}\n\n"
            f"{step}\n\nOvernight oats with berries.\n")
    unchanged(fast, text)


def test_pull_quote_stays(fast):
    quote = "“We are not going to let a few bad years define what this town can become,” she said."
    text = (f"The mayor spoke for an hour on Tuesday. {quote} Her critics were not convinced.\n\n"
            f"{quote}\n\nThe council will vote on the plan next month, after a public consultation.\n")
    unchanged(fast, text)


def test_quoted_tweet_stays(fast):
    tweet = "Proud of everyone who turned out in the rain today to clean up the beach #CleanCoast @cityhall"
    text = (f"The event was announced online by the organiser.\n\n{tweet}\n\n"
            f"By the afternoon volunteers had filled two hundred bags.\n\nShe later wrote: {tweet}\n")
    unchanged(fast, text)


def test_refrain_and_headings_stay(fast):
    refrain = "And still we sing the songs our fathers sang before us"
    text = "\n\n".join([
        "The choir closed with an old miners' song.", refrain,
        "Down in the dark where the lamps burn low and the water drips from the seam,", refrain,
        "We dig for the coal that will warm the town and we dream the miner's dream,", refrain,
    ]) + "\n"
    unchanged(fast, text)


def test_bilingual_article_keeps_the_foreign_text_and_repairs_the_english(fast):
    zh = "市政府周二宣布，新的公共图书馆将于明年春天开放，并将提供免费的语言课程。"
    de = "Die Stadtverwaltung gab am Dienstag bekannt , dass die neue Bibliothek im Frühjahr öffnet ."
    en = "The city said on Tuesday that the new library will will open in the spring ."
    text = f"{en}\n\n{zh}\n\n{de}\n\n{de}\n"
    result = fast.repair_document(text)
    assert result.text == ("The city said on Tuesday that the new library will open in the spring.\n\n"
                           f"{zh}\n\n{de}\n\n{de}\n")


def test_indonesian_reduplication_is_kept(fast):
    text = ("Menurut dia , hasilnya biasa biasa saja dan amat amat mengecewakan bagi warga desa itu .\n")
    unchanged(fast, text)


def test_scraped_page_with_doubled_headline(fast):
    head = "Storm knocks out power across the valley"
    body = ("Thousands of homes were left without electricity on Sunday after high winds brought "
            "down lines across the region, the utility said.")
    text = f"{head}\n{head}\n\n{body}\n\nCrews expect to restore most connections by Monday evening.\n"
    result = fast.repair_document(text)
    assert result.text == f"{head}\n\n{body}\n\nCrews expect to restore most connections by Monday evening.\n"
    assert apply_edits(text, result.edits) == result.text


def test_paragraph_copied_next_to_itself_goes(fast):
    para = ("The ministry said the new rules would apply to all imports from the start of next year, "
            "with no exceptions for small firms.")
    spun = para.replace("would apply", "will apply").replace("small firms", "smaller firms")
    text = f"{para}\n\n{spun}\n\nOfficials declined to comment further on the plans.\n"
    assert fast.repair(text) == f"{para}\n\nOfficials declined to comment further on the plans.\n"


def test_block_repeated_at_the_end_goes(fast):
    paras = [
        "Rescue teams reached the village late on Wednesday after the road had been cleared of rocks.",
        "Residents said they had waited nearly two days for help as the water kept rising around them.",
        "The regional governor promised compensation for every family that lost its home in the flood.",
        "Forecasters warned that more heavy rain was expected in the mountains over the weekend.",
        "Schools in the district will stay closed until the buildings have been checked by engineers.",
    ]
    text = "\n\n".join(paras + paras[:2]) + "\n"
    assert fast.repair(text) == "\n\n".join(paras) + "\n"


def test_distant_single_copy_is_an_authors_repeat(fast):
    line = "The plant employed more than two thousand people at its peak in the nineteen eighties."
    filler = ["Its owners sold it twice in the nineties, each time promising new investment.",
              "By 2010 only a few hundred jobs remained, most of them in maintenance.",
              "The last furnace was switched off in March, with little ceremony.",
              "Former workers now meet every Thursday in the pub across the road.",
              "Some of them still carry their badges, worn smooth after decades."]
    text = "\n\n".join([line] + filler + [line, "The end came quietly, on a Friday afternoon."]) + "\n"
    unchanged(fast, text)


def test_speech_rhetoric_stays(fast):
    text = ("Today once again. I come to speak on behalf of my country. I come to speak on behalf of "
            "my compatriots. We come to this forum to share a message.\n"
            "Making peace is never easy. But that doesn’t mean we should stop trying.\n"
            "Reaching consensus is never easy. But that doesn’t mean we should stop trying. We owe it "
            "to the next generation.\n"
            "We are not silent, and we will not be silent! We condemn the attacks on civilians.\n"
            "We are not silent, and we will not be silent!\n")
    unchanged(fast, text)
