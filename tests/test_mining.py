"""Lexicon mining from (corrupted, clean) pairs: planted renderings are found, clean text is safe."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from unmangle.cli import main
from unmangle.lexicon import Lexicon
from unmangle.lexicon.mining import MiningReport, mine_lexicon, mined_lexicon, read_clean_corpus

TEMPLATES = [
    "Shares of {E} rose after the {A} app was cleared by regulators.",
    "The {A} social network said on Monday that {E} Ltd. owns a stake in it.",
    "Users of {A} complained, while a spokesman for {E} declined to comment.",
    "{E} and Alibaba both reported higher profits this quarter.",
    "A ban on {A} would hurt its owner ByteDance, analysts told reporters.",
    "Regulators in Beijing summoned executives from {E} last week.",
    "Teenagers spend hours every day watching short videos on {A}.",
]
NOISE = [("rose", "rised"), ("reported", "reporting"), ("regulators", "the regulators"),
         ("summoned", "summon"), ("hours", "hour")]


def make_pairs(n: int, seed: int) -> list[tuple[str, str]]:
    """``n`` pairs with two planted renderings and some grammar noise."""
    rng = random.Random(seed)
    pairs = []
    for _ in range(n):
        template = rng.choice(TEMPLATES)
        clean = template.format(E="Tencent Holdings", A="TikTok")
        bad = template.format(E="Tennessee Holdings", A="Ticketok")
        old, new = rng.choice(NOISE)
        if rng.random() < 0.4 and old in bad:
            bad = bad.replace(old, new, 1)
        pairs.append((bad, clean))
    return pairs


@pytest.fixture(scope="module")
def train() -> list[tuple[str, str]]:
    return make_pairs(30, seed=1)


def test_finds_planted_renderings(train: list) -> None:
    report = MiningReport()
    mined = mine_lexicon(train, report=report)
    found = {m.entry.forms[0]: m for m in mined}
    assert found["Ticketok"].entry.replacement == "TikTok"
    assert found["Tennessee Holdings"].entry.replacement == "Tencent Holdings"  # widened to the name
    assert "Tennessee" not in found
    assert found["Ticketok"].entry.kind == "entity"
    assert found["Ticketok"].entry.confidence == 1.0
    assert found["Ticketok"].count == sum("Ticketok" in s for s, _ in train)
    assert all("→" in ex for ex in found["Ticketok"].examples)
    assert report.pairs == 30 and report.kept == len(mined)


def test_mined_lexicon_fixes_held_out_pairs(train: list) -> None:
    lexicon = mined_lexicon(mine_lexicon(train))
    held_out = make_pairs(20, seed=99)
    fixed = [lexicon.apply(source) for source, _ in held_out]
    assert all("Ticketok" not in f and "Tennessee" not in f for f in fixed)
    assert sum(f == target for f, (_, target) in zip(fixed, held_out)) >= \
        sum(source == target for source, target in held_out) + 10
    # and it leaves the clean side alone
    assert all(lexicon.apply(target) == target for _, target in held_out)


def test_skips_function_word_punctuation_and_inflection_changes() -> None:
    pairs = [("He went to the market .", "He went to a market."),
             ("the hospital were closed", "the hospitals were closed")] * 5
    report = MiningReport()
    assert mine_lexicon(pairs, report=report) == []
    assert report.skipped["function words only"] == 5
    assert report.skipped["inflection"] == 5


def test_min_count(train: list) -> None:
    rare = [("The Bytedanse office", "The ByteDance office")]
    mined = mine_lexicon(train + rare, min_count=2)
    assert "Bytedanse" not in {m.entry.forms[0] for m in mined}
    mined = mine_lexicon(train + rare, min_count=1)
    assert "Bytedanse" in {m.entry.forms[0] for m in mined}


def test_form_mostly_left_alone_is_dropped() -> None:
    pairs = [("a sharp increase", "a steep increase")] * 2 + \
        [("a sharp increase in", "a sharp increase in")] * 6
    report = MiningReport()
    assert mine_lexicon(pairs, report=report) == []
    assert report.dropped["form mostly left alone (confidence < 0.5)"] == 1


def test_substitution_common_in_clean_corpus_is_dropped(train: list) -> None:
    planted = [("Exports fell because of the exchange war, officials said.",
                "Exports fell because of the trade war, officials said.")] * 4
    clean = ["Exports fell because of the exchange war, officials said again.",
             "The exchange war between the two currencies ended, officials said."]
    mined = mine_lexicon(train + planted)
    assert "exchange war" in {m.entry.forms[0] for m in mined}  # without the clean corpus
    report = MiningReport()
    mined = mine_lexicon(train + planted, clean_corpus=clean, report=report)
    forms = {m.entry.forms[0] for m in mined}
    assert "exchange war" not in forms and "Ticketok" in forms
    assert report.dropped["form occurs in clean text, no context tells them apart"] == 1
    mined = mine_lexicon(train + planted, clean_corpus=clean, learn_context=False)
    assert "exchange war" not in {m.entry.forms[0] for m in mined}


def test_learns_a_require_rule_when_contexts_differ(train: list) -> None:
    planted = [("Tariffs rose again as the exchange war with Washington dragged on.",
                "Tariffs rose again as the trade war with Washington dragged on."),
               ("The exchange war hit soybean tariffs and Washington retaliated.",
                "The trade war hit soybean tariffs and Washington retaliated."),
               ("New tariffs escalated the exchange war, Washington said.",
                "New tariffs escalated the trade war, Washington said.")]
    clean = ["Central banks fought a currency exchange war in the 1930s by devaluing.",
             "The exchange war of devaluations ended with Bretton Woods."]
    mined = mine_lexicon(train + planted, clean_corpus=clean)
    (entry,) = [m.entry for m in mined if m.entry.forms[0] == "exchange war"]
    assert entry.require and set(entry.require) <= {"tariffs", "washington", "rose", "again",
                                                    "hit", "soybean", "retaliated", "new",
                                                    "escalated", "said", "dragged"}
    lexicon = Lexicon([entry])
    assert all(lexicon.apply(text) == text for text in clean)
    assert lexicon.apply("Washington's tariffs widened the exchange war.") == \
        "Washington's tariffs widened the trade war."


def test_no_mined_replacement_is_rewritten_again() -> None:
    # "gamma delta" is both a correction and a corrupted form: it occurs in the clean targets
    pairs = [("the alpha beta", "the gamma delta"), ("one gamma delta", "one epsilon zeta")] * 3
    report = MiningReport()
    mined = mine_lexicon(pairs, report=report)
    lexicon = mined_lexicon(mined)
    assert [m.entry.forms[0] for m in mined] == ["alpha beta"]
    assert all(lexicon.apply(m.entry.replacement) == m.entry.replacement for m in mined)
    assert report.dropped["form occurs in clean text, no context tells them apart"] == 1


def test_bad_pair_objects() -> None:
    with pytest.raises(TypeError, match="pairs must be"):
        mine_lexicon([("only one",)])
    with pytest.raises(ValueError, match="min_count"):
        mine_lexicon([], min_count=0)


def test_read_clean_corpus(tmp_path: Path) -> None:
    text = tmp_path / "clean.txt"
    text.write_text("one line\n\nanother line\n", encoding="utf-8")
    assert list(read_clean_corpus(text)) == ["one line", "another line"]
    jsonl = tmp_path / "clean.jsonl"
    jsonl.write_text('{"text": "a"}\n{"body": "b"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="clean.jsonl:2: no text field 'text'"):
        list(read_clean_corpus(jsonl))
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"fine\n\xff\xfe\n")
    with pytest.raises(ValueError, match="bad.txt:2: not valid UTF-8"):
        list(read_clean_corpus(bad))


# -- the CLI -----------------------------------------------------------------------------------------

def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_cli_mine_writes_a_lexicon(tmp_path: Path, train: list,
                                   capsys: pytest.CaptureFixture) -> None:
    pairs = write_jsonl(tmp_path / "pairs.jsonl",
                        [{"bad": s, "good": t} for s, t in train])
    clean = tmp_path / "clean.txt"
    clean.write_text("He moved to Tennessee.\n", encoding="utf-8")
    out = tmp_path / "mined.tsv"
    code = main(["lexicon", "mine", str(pairs), "-o", str(out), "--source-field", "bad",
                 "--target-field", "good", "--clean-corpus", str(clean)])
    assert code == 0
    err = capsys.readouterr().err
    assert "read 30 pairs" in err and "'Ticketok' -> 'TikTok'" in err
    lexicon = Lexicon.from_file(out)
    assert lexicon.apply("Ticketok and Tennessee Holdings") == "TikTok and Tencent Holdings"
    assert out.read_text(encoding="utf-8").startswith("# Mined by 'unmangle lexicon mine'")


def test_cli_mine_tsv_to_stdout(tmp_path: Path, train: list, capsys: pytest.CaptureFixture) -> None:
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("source\ttarget\n" + "".join(f"{s}\t{t}\n" for s, t in train),
                     encoding="utf-8")
    assert main(["lexicon", "mine", str(pairs), "--format", "tsv"]) == 0
    out = capsys.readouterr().out
    assert "forms\treplacement\tkind\trules\tconfidence\tnote" in out
    assert "Ticketok\tTikTok\tentity" in out


@pytest.mark.parametrize("content, message", [
    (b"", "empty"),
    (b'{"source": "a b"}\n', "target"),
    (b'{"source": "a b", "target": ""}\n', "target"),
    (b'{"source": "a b", "target": "c d"}\n{"source": "\xff", "target": "x"}\n', "UTF-8"),
    (b'{"source": "a b", "target": "c d"}\nnot json\n', "JSON"),
])
def test_cli_mine_bad_input_names_the_line(tmp_path: Path, content: bytes, message: str,
                                           capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "pairs.jsonl"
    path.write_bytes(content)
    out = tmp_path / "out.tsv"
    assert main(["lexicon", "mine", str(path), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert message in err and "pairs.jsonl" in err
    if content:
        assert "pairs.jsonl:" in err  # a line number follows the file name
    assert not out.exists()  # nothing half-written


def test_cli_mine_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["lexicon", "mine", str(tmp_path / "nope.jsonl")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_cli_mine_datasets_folder(tmp_path: Path, train: list, capsys: pytest.CaptureFixture) -> None:
    datasets = pytest.importorskip("datasets")
    folder = tmp_path / "pairs_ds"
    datasets.Dataset.from_dict({"source": [s for s, _ in train],
                                "target": [t for _, t in train]}).save_to_disk(str(folder))
    out = tmp_path / "mined.yaml"
    assert main(["lexicon", "mine", str(folder), "--format", "datasets", "-o", str(out)]) == 0
    assert Lexicon.from_file(out).apply("Ticketok") == "TikTok"
