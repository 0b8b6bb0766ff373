"""The duplicates stage: near-copies of sentences and paragraphs go, the first full version stays."""

from __future__ import annotations

import random

import pytest

from unmangle.edits import apply_edits
from unmangle.stages.duplicates import DuplicatesStage

# Invented news text in the shape of the seed article's repeated paragraph: a full sentence, then
# two near-copies of it later, truncated and garbled at the end the way a back-translation leaves them.
FULL = ("European regulators are now weighing whether to fine Meta and Alphabet over data transfers, "
        "according to people briefed on the talks, a heavy blow for two of the companies whose "
        "services are widely used by small firms as the main advertising channel.")
COPY1 = ("European regulators are now weighing whether to fine Meta and Alphabet over data transfers, "
         "according to people briefed on the talks, a heavy blow for the two American companies whose "
         "services are widely used by small firms Has been relied on")
COPY2 = COPY1.replace("are widely", "are most widely")
OTHER = "The commission has long looked into large platforms, including those based outside Europe."
MORE = "In addition, it sends inspectors to companies to check certain practices in the sector."


@pytest.fixture(scope="module")
def stage() -> DuplicatesStage:
    return DuplicatesStage()


def dedup(stage: DuplicatesStage, text: str) -> str:
    return apply_edits(text, stage.propose(text))


def test_seed_like_repeats_keep_the_first_full_version(stage):
    text = f"{FULL}\n\n{OTHER}\n\n{COPY1}\n{COPY2}\n\n{MORE}"
    edits = stage.propose(text)
    assert apply_edits(text, edits) == f"{FULL}\n\n{OTHER}\n\n{MORE}"
    assert len(edits) == 2
    for edit in edits:
        assert edit.stage == "duplicates"
        assert "similarity 0." in edit.reason and "“European regulators are now weighing" in edit.reason
        assert 0.5 < edit.confidence <= 1


def test_exact_copy_of_a_paragraph(stage):
    text = f"{OTHER} {MORE}\n\nSomething else entirely, said a spokesman for the ministry today.\n\n{OTHER} {MORE}\n"
    assert dedup(stage, text) == (f"{OTHER} {MORE}\n\nSomething else entirely, said a spokesman "
                                  "for the ministry today.\n")


def test_later_fuller_version_replaces_an_earlier_truncated_copy(stage):
    truncated = COPY1
    full = COPY1 + " for years, analysts at several large banks in Hong Kong and London said on Monday."
    text = f"{truncated}\n\n{OTHER}\n\n{full}"
    edits = stage.propose(text)
    assert apply_edits(text, edits) == f"{OTHER}\n\n{full}"
    assert "truncated copy of a later, fuller sentence" in edits[0].reason


def test_sentence_inside_a_paragraph(stage):
    text = f"{OTHER} {MORE}\n\nThe report came out on Friday. {OTHER.replace('long', 'for years')} It was read widely."
    out = dedup(stage, text)
    assert out == f"{OTHER} {MORE}\n\nThe report came out on Friday. It was read widely."


def test_short_lines_are_never_removed(stage):
    text = "Subscribe now\n\nThe story.\n\nSubscribe now\n\nMarkets closed higher on Friday.\n\nMarkets closed higher on Friday."
    assert stage.propose(text) == []


def test_different_sentences_sharing_a_stock_phrase_stay(stage):
    text = ("According to people familiar with the matter, the bank will cut 500 jobs in London.\n\n"
            "According to people familiar with the matter, the regulator opened an inquiry into Ant.\n\n"
            "The company said it would appeal against the ruling of the court in Beijing next week.\n\n"
            "The company said it had no plans to list its shares in Hong Kong or New York this year.")
    assert stage.propose(text) == []


def test_threshold_is_configurable():
    a = "The central bank raised interest rates by half a point on Thursday to fight inflation."
    b = "The central bank lifted its main rates by a half point on Thursday to combat high inflation."
    text = f"{a}\n\n{b}"
    assert DuplicatesStage(similarity=0.95).propose(text) == []
    assert DuplicatesStage(similarity=0.3).propose(text)


def test_bad_arguments():
    with pytest.raises(ValueError, match="similarity"):
        DuplicatesStage(similarity=0)
    with pytest.raises(ValueError, match="min_words"):
        DuplicatesStage(min_words=2)


def test_many_distinct_sentences_give_few_candidates(stage):
    """The index must not compare every pair: 3,000 distinct sentences, a handful of candidates."""
    rng = random.Random(7)
    vocab = [f"w{i}" for i in range(5000)]
    sentences = [" ".join(rng.choice(vocab) for _ in range(12)) + "." for _ in range(3000)]
    sentences.insert(12, sentences[10])  # one real copy, two lines on
    text = "\n".join(sentences)
    edits = stage.propose(text)
    assert len(edits) == 1 and edits[0].old.strip() == sentences[10]
    # candidate_pairs on the same units: only the copied pair survives the shingle filter
    from array import array
    hashes, owners, sizes = array("q"), array("i"), array("i")
    for uid, s in enumerate(sentences):
        w = s.lower().rstrip(".").split()
        sh = {hash(t) for t in zip(w, w[1:], w[2:])}
        hashes.extend(sh)
        owners.extend([uid] * len(sh))
        sizes.append(len(sh))
    assert stage.candidate_pairs(hashes, owners, sizes) == [(12, 10)]


def test_stock_shingles_do_not_pair_everything_and_numbers_tell_sentences_apart():
    """Shingles in every sentence link each one to the first only; different numbers keep them."""
    stage = DuplicatesStage(max_postings=8)
    text = "\n".join(f"as a matter of fact number {i} differs from all of the rest {i * 7}." for i in range(50))
    assert stage.propose(text) == []


@pytest.mark.parametrize("a, b, synonym", [
    ("The index rose 3 percent in January to a record high, traders said.",
     "The index rose 5 percent in February to a record high, traders said.", ("traders", "dealers")),
    ("Shares of Alibaba fell sharply on Monday after the report was published in Beijing.",
     "Shares of Tencent fell sharply on Monday after the report was published in Beijing.", ("sharply", "a lot")),
    # one content word for a different thing: neither thesaurus lists "food" under "energy"
    ("Developing countries need stability and security in the world energy market.",
     "Developing countries need stability and security in the world food market.", ("security", "safety")),
])
def test_parallel_sentences_with_different_facts_stay(stage, a, b, synonym):
    assert stage.similarity_of(a, b) == 0.0
    assert stage.propose(f"{a}\n\n{b}") == []
    # the same sentence with a word swapped for a synonym is a copy
    assert stage.propose(f"{a}\n\n{a.replace(*synonym)}")


def test_a_chiasmus_is_not_a_copy(stage):
    a = "When the black man does not live in peace, the white man cannot enjoy his peace."
    b = "When the white man does not live in peace, the black man cannot enjoy his peace."
    assert stage.similarity_of(a, b) == 0.0
    assert stage.propose(f"{a} {b}") == []
    # neighbours swapped (word-order damage) still make a copy
    assert stage.similarity_of(a, a.replace("does not live", "not does live")) > 0.8


def test_a_group_joined_through_other_pairs_does_not_make_two_unlike_members_copies(stage):
    # the second and fourth sentences are each alike to the third (two words substituted) but
    # are a chiasmus of the sentence just before them: four parallel sentences, none a copy
    text = ("When the young farmer cannot sell his grain, the old miller cannot earn his bread. "
            "When the old miller cannot sell his grain, the young farmer cannot earn his bread. "
            "We must share the work of the harvest together. "
            "When the small trader cannot sell his grain, the big baker cannot earn his bread. "
            "When the big baker cannot sell his grain, the small trader cannot earn his bread.")
    assert stage.propose(text) == []
    # a real copy in such a group still goes, named after the sentence it is alike to
    copy = "When the big baker cannot sell his grain, the small trader can never earn his bread."
    edits = stage.propose(f"{text} {copy}")
    assert [e.old.strip() for e in edits] == [copy]
    assert "When the big baker" in edits[0].reason


def test_a_refrain_is_not_a_truncated_copy_of_a_fuller_sentence(stage):
    refrain = "Let us work for one another the way our parents did."
    text = (f"The first promise of our republic is bread for every table. {refrain} "
            f"The second promise is a school for every child in every village. {refrain}\n\n"
            "Our history teaches patience, and our hopes teach courage. "
            f"To build unity in our diversity, let us work for one another the way our parents did.")
    assert stage.propose(text) == []


def test_a_sentence_taking_up_one_point_of_a_longer_one_stays(stage):
    # a point of an enumeration resumed as a sentence of its own
    listed = ("We should keep two points in mind: first, the peace we build must have a direction; and, "
              "secondly, peace is not made only by those who sign the agreements.")
    resumed = "Furthermore, peace is not made only by those who sign the agreements."
    assert stage.propose(f"{listed}\n\nThe accords signed so far express basic agreements.\n\n{resumed}") == []
    # a point said, then said again with a lead-in
    said = "Closer cooperation should be extended to the regional organizations of Africa."
    again = "That is why I dare to say that closer cooperation should be extended to the regional organizations of Africa."
    assert stage.propose(f"{said} We already work well together.\n\n{again}") == []
    # in a paragraph copied whole, a sentence whose break the first copy lost is still a copy
    first = ("The talks began on Monday in the capital of the region. The envoys met in the old palace "
             "which I already mentioned It happened a day after a settlement had been reached under "
             "strong guarantees, which the opposition simply ignored.")
    copy = ("The talks began on Monday in the capital of the region. The envoys met in the old palace "
            "which I already mentioned. It happened a day after a settlement agreement had been reached "
            "under strong guarantees, which the opposition simply ignored.")
    assert [e.old.strip() for e in stage.propose(f"{first}\n\n{copy}")] == [copy]
    # a spun copy of about the same length is still a copy
    spun = "Furthermore, peace is not created only by those who sign the agreements."
    assert stage.propose(f"{resumed} {spun}")


def test_an_announced_restatement_stays(stage):
    said = "The more equality there is in civil rights, the less inequality there will be in the economy."
    again = "I repeat: the more equality there is in civil rights, the less inequality there will be in the economy."
    assert stage.propose(f"{said} {again}") == []
    # a copy without the announcement is a copy
    assert stage.propose(f"{said} {said.replace('economy', 'economic sphere')}")


def test_sentence_initial_names_count_as_facts(stage):
    a = "Brazil welcomes the delegations of the countries that joined the organisation this year."
    b = "Benin welcomes the delegations of the countries that joined the organisation this year."
    assert stage.propose(f"{a}\n\n{b}") == []


def test_a_sentence_repeated_hundreds_of_times_keeps_one_copy():
    stage = DuplicatesStage(max_postings=16, fanout=4)
    rng = random.Random(3)
    vocab = [f"w{i}" for i in range(3000)]
    chrome = "In an age of rumour and noise, careful journalism matters more than it used to."
    lines = []
    for _ in range(200):
        lines.append(" ".join(rng.choice(vocab) for _ in range(10)) + ".")
        lines.append(chrome)
    text = "\n".join(lines)
    out = apply_edits(text, stage.propose(text))
    assert out.count(chrome) == 1
    assert out.split("\n") == lines[:2] + lines[2::2]


# -- copies judged as the stage leaves the text (issue 16) ------------------------------------------

UNDOUBLED = "Talks on the budget went on late into the night in the capital city."
DOUBLED = ("Talks on on the the budget budget went went on late late into into the the night night in "
           "the capital city.")


@pytest.mark.parametrize("separator", ["\r", "\n", "\n\n", "\r\n"])
@pytest.mark.parametrize("before", ["", "İzmir:\n\n"])  # "İ" lowercases to two characters
def test_a_copy_hidden_by_doubled_words_goes_in_the_first_repair(stage, separator, before):
    """Judged with its doubled words, the second line is no copy; with them undone (as this stage
    leaves it) it is, so a second repair used to remove it."""
    text = before + UNDOUBLED + separator + DOUBLED
    once = dedup(stage, text)
    assert once == before + UNDOUBLED
    assert stage.propose(once) == []


def test_the_fuzz_finding_with_lone_carriage_returns_repairs_once():
    from unmangle import Repairer
    from unmangle.bench.fuzzing import check_repair, hostile_text

    text = hostile_text(bytes.fromhex(
        "0000000000000000000000010000090000000000000000000010000000002a0000000000000000000000000000"
        "0000000000000000000000000000008000000000000000000000000000000000000a"))
    check_repair(Repairer(fast=True), text)


def test_a_refrain_whose_other_copy_goes_is_judged_again_in_the_same_repair():
    # S1 is kept as "said again" because S3 says it too, but S3 goes as a copy of S1 in the same
    # pass; the next repair would then find S1 a cut-off copy of the fuller S2 (a fuzz finding)
    from unmangle import Repairer
    from unmangle.bench.fuzzing import check_repair, hostile_text

    text = hostile_text(bytes.fromhex(
        "00000000000000000000000000000000000000000000000000000000000000250a00000000000000000000"
        "ffffffff00000000000000000000000000250a00000000000000000000250a"))
    check_repair(Repairer(fast=True), text)


def test_removals_around_undone_words_map_back_to_the_input(stage):
    """A removed copy takes its doubled words with it; doubled words elsewhere are still undone."""
    text = f"The the vote was close.\n\n{FULL}\n\n{OTHER}\n\n{FULL.replace('the talks', 'the the talks')}"
    edits = stage.propose(text)
    assert apply_edits(text, edits) == f"The vote was close.\n\n{FULL}\n\n{OTHER}"
    removal = next(e for e in edits if e.new == "")
    assert removal.old == text[removal.start:removal.end] and "the the talks" in removal.old


# -- the vectorised rough pass --------------------------------------------------------------------

TOKEN = __import__("re").compile(r"\w+|\n[ \t]*(?:\n[ \t]*)*|[.!?](?=[\"'”’)\]]*(?:\s|$))")


@pytest.mark.parametrize("text", [
    "", "a", "Hello , world . Next!\n\n  \t\nPara two?” \"Quoted.\" x_y 3.5 ²",
    "İstanbul İİ i̇ end.", "Mr. U.S. said:'yes.'' no.)x .)]\u00a0y ?\u2028z !\x85",
    " \n \n\t x\n\x0c\n.\n", "Привет , мир. 你好世界。 مرحبا.\r\nend", "\ud800 lone. \udfff",
    "...!?. ''.\"", "word " * 50,
])
def test_rough_tokens_are_the_regex_tokens(text):
    from unmangle.stages._word_hashing import _K_END, K_BREAK, K_WORD, rough_tokens

    tokens = rough_tokens(text)
    expected = TOKEN.findall(text.lower())
    kinds = [K_BREAK if t.startswith("\n") else _K_END if t in ".!?" else K_WORD for t in expected]
    assert tokens.kind.tolist() == kinds
    words = [t for t in expected if t[0] not in "\n.!?"]
    hashes = tokens.hashes[tokens.kind == K_WORD].tolist()
    assert len({(w, h) for w, h in zip(words, hashes)}) == len(set(words)) == len(set(hashes))
    assert tokens.break_ends.tolist() == [m.end() for m in
                                          __import__("re").finditer(r"\n[ \t]*(?:\n[ \t]*)*", text)]


def test_hash_order_falls_back_when_hashes_share_their_top_bits():
    import numpy as np

    from unmangle.stages.duplicates import _hash_order

    h = np.array([5, 4, 5, 4, 9 << 40, 7], dtype=np.int64)  # 4, 5, 7 agree above the low 3 bits
    u = np.arange(len(h), dtype=np.int32)
    order, sorted_h = _hash_order(h, u)
    assert order.tolist() == np.argsort(h, kind="stable").tolist()
    assert sorted_h.tolist() == sorted(h.tolist())
    h = np.array([16, 8, 16, 40], dtype=np.int64)  # apart in the high bits: no fallback needed
    order, _ = _hash_order(h, np.arange(4, dtype=np.int32))
    assert order.tolist() == [1, 0, 2, 3]


def test_candidate_pairs_agree_with_32_and_64_bit_keys():
    """Pair keys go in 32 bits when every pair fits; with 70,000 units they need 64."""
    from array import array

    stage = DuplicatesStage()
    for n_units in (100, 70_000):  # n_units ** 2 <= 2 ** 32, then above it
        hashes, owners, sizes = array("q"), array("i"), array("i")
        for uid in range(n_units):
            copy = uid in (3, n_units - 2)
            hashes.extend(range(1, 7) if copy else range(uid * 10 + 100, uid * 10 + 106))
            owners.extend([uid] * 6)
            sizes.append(6)
        assert stage.candidate_pairs(hashes, owners, sizes) == [(n_units - 2, 3)]


@pytest.mark.parametrize("extra", ["", "Crème brûlée’s “fine”. ", "İstanbul. ", "ΟΔΟΣ ΣΑΣ. "])
def test_sentence_shingles_at_once_agree_with_one_by_one(stage, extra):
    """The exact pass hashes all sentences' words at once: the same word counts and the same
    equal shingles as word by word (or it declines, where lowercasing would change the words)."""
    import numpy as np

    from unmangle.stages._word_hashing import sentence_shingles
    from unmangle.textspans import paragraphs, sentences

    text = "\n\n".join([extra + FULL, OTHER, COPY1, MORE, extra + COPY2, "Short one.", "x"])
    spans = [(p.start + s.start, p.start + s.end, k) for k, p in enumerate(paragraphs(text))
             for s in sentences(p.text)]
    at_once = sentence_shingles(text, spans)
    if extra in ("İstanbul. ", "ΟΔΟΣ ΣΑΣ. "):
        assert at_once is None
        return
    one_by_one = stage._sentence_shingles_one_by_one(text, spans)
    assert at_once[0].tolist() == one_by_one[0].tolist()
    for (_, hashes, owners) in (at_once, one_by_one):
        assert len(hashes) == len(owners)
    # shingles equal in one are equal in the other: the same partition of (sentence, position)
    a, b = at_once[1], one_by_one[1]
    assert at_once[2].tolist() == one_by_one[2].tolist()
    assert np.array_equal(a[:, None] == a[None, :], b[:, None] == b[None, :])


def test_a_copy_with_one_word_in_another_form_is_a_copy(stage):
    # "promisings" for "promising": a form of the same word, not a parallel sentence about another thing
    a = ("The recent arrest of the suspect was a promising sign of cooperation between the new "
         "government and the international community.")
    b = a.replace("promising", "promisings")
    assert stage.similarity_of(a, b) > 0.8
    assert dedup(stage, f"{a}\n{b}") == a


def test_a_paragraph_copied_whole_goes_whole_even_with_a_short_verbatim_first_sentence(stage):
    # a short sentence said word for word in two paragraphs is a refrain, unless most of its
    # paragraph is a copy too: then the paragraph was copied and its opening goes with it
    first = "Adaptation to climate change matters for all countries."
    rest = ("It must be a core element of any future climate regime if we are to build resilience. "
            "We continue to support action that strengthens the capacity of the most vulnerable.")
    spun = rest.replace("support", "assist").replace("any future", "a future")
    text = f"{first} {rest}\n{first} {spun}\n{OTHER}"
    assert dedup(stage, text) == f"{first} {rest}\n{OTHER}"
