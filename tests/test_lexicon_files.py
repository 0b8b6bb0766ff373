"""Lexicon files: the TSV and YAML formats, round trips, and errors that name the file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from unmangle.lexicon import SENTENCE, Lexicon, LexiconEntry, LexiconError, read_entries

HEADER = "forms\treplacement\tkind\trules\tconfidence\tnote\n"


def write(tmp_path: Path, body: str, name: str = "lex.tsv", header: str = HEADER) -> Path:
    path = tmp_path / name
    path.write_text(header + body, encoding="utf-8")
    return path


def test_tsv_entry_with_every_field(tmp_path: Path) -> None:
    path = write(tmp_path,
                 "# a comment\n\n"
                 "Tennessee | Tenessee\tTencent\tentity\trequire=WeChat|Pony Ma; forbid=Nashville; "
                 "window=sentence; case=sensitive\t0.8\tTencent as a US state\n"
                 "bogus news\tfake news\tterm\t-\t0.9\n")
    first, second = read_entries(path)
    assert first.forms == ("Tennessee", "Tenessee")
    assert first.replacement == "Tencent"
    assert first.kind == "entity"
    assert first.require == ("WeChat", "Pony Ma")
    assert first.forbid == ("Nashville",)
    assert first.window == SENTENCE
    assert first.case_sensitive
    assert first.confidence == 0.8
    assert first.note == "Tencent as a US state"
    assert first.source == "lex.tsv:4"
    assert second.note == "" and not second.has_context_rule


@pytest.mark.parametrize("body, line, message", [
    ("Ticketok TikTok entity - 0.9\n", 2, "TAB"),                         # spaces, not tabs
    ("Ticketok\tTikTok\tentity\n", 2, "columns"),
    ("a\tb\tentity\t-\t0.9\tnote\textra\n", 2, "columns"),
    ("\tTikTok\tentity\t-\t0.9\t\n", 2, "empty corrupted form"),
    ("Ticketok | \tTikTok\tentity\t-\t0.9\t\n", 2, "empty corrupted form"),
    ("Tick.*tok\tTikTok\tentity\t-\t0.9\t\n", 2, "regular expression"),
    ("Ticketok\t\tentity\t-\t0.9\t\n", 2, "empty replacement"),
    ("Ticketok\tTikTok\tcompany\t-\t0.9\t\n", 2, "unknown kind"),
    ("Ticketok\tTikTok\tentity\t-\t1.2\t\n", 2, "confidence"),
    ("Ticketok\tTikTok\tentity\t-\thigh\t\n", 2, "confidence"),
    ("Ticketok\tTikTok\tentity\trequires=app\t0.9\t\n", 2, "bad rule"),
    ("Ticketok\tTikTok\tentity\trequire=\t0.9\t\n", 2, "require="),
    ("Ticketok\tTikTok\tentity\trequire=a||b\t0.9\t\n", 2, "require="),
    ("Ticketok\tTikTok\tentity\twindow=wide\t0.9\t\n", 2, "window"),
    ("Ticketok\tTikTok\tentity\tcase=upper\t0.9\t\n", 2, "case="),
    ("# c\nbogus news\tfake news\tterm\t-\t0.9\t\nBogus News\tfalse news\tterm\t-\t0.9\t\n", 4,
     "conflicts"),
])
def test_malformed_tsv_names_file_and_line(tmp_path: Path, body: str, line: int,
                                           message: str) -> None:
    path = write(tmp_path, body)
    with pytest.raises(LexiconError, match=message) as info:
        Lexicon.from_file(path)
    assert f"lex.tsv:{line}" in str(info.value)


def test_missing_header(tmp_path: Path) -> None:
    path = write(tmp_path, "Ticketok\tTikTok\tentity\t-\t0.9\t\n", header="")
    with pytest.raises(LexiconError, match="header") as info:
        Lexicon.from_file(path)
    assert "lex.tsv:1" in str(info.value)


def test_empty_file(tmp_path: Path) -> None:
    path = write(tmp_path, "", header="# only a comment\n")
    with pytest.raises(LexiconError, match="empty"):
        Lexicon.from_file(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(LexiconError, match="no such"):
        Lexicon.from_file(tmp_path / "nope.tsv")


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin.tsv"
    path.write_bytes(HEADER.encode() + "Caf\xe9\tCafé\tphrase\t-\t0.9\t\n".encode("latin-1"))
    with pytest.raises(LexiconError, match="UTF-8") as info:
        Lexicon.from_file(path)
    assert "latin.tsv:2" in str(info.value)


def test_yaml_format(tmp_path: Path) -> None:
    path = tmp_path / "lex.yaml"
    path.write_text(
        "# user lexicon\n"
        "- forms: [Ticketok, Ticketock]\n"
        "  replacement: TikTok\n"
        "  kind: entity\n"
        "  confidence: 0.9\n"
        "- forms: Tennessee\n"
        "  replacement: Tencent\n"
        "  kind: entity\n"
        "  require: WeChat|QQ\n"
        "  window: sentence\n"
        "  note: a US state\n", encoding="utf-8")
    lex = Lexicon.from_file(path)
    assert len(lex) == 2
    assert lex.apply("Ticketock and Tennessee's QQ") == "TikTok and Tencent's QQ"
    assert lex.entries[1].source == "lex.yaml:6"


@pytest.mark.parametrize("body, line, message", [
    ("- forms: [a]\n  replacement: b\n", 1, "missing 'kind'"),
    ("- forms: [a]\n  replacement: b\n  kind: entity\n- forms: [c]\n  replacement: d\n"
     "  kind: thing\n", 4, "unknown kind"),
    ("- forms: [a]\n  replacement: b\n  kind: entity\n  colour: red\n", 1, "unknown key"),
    ("- forms: [a]\n  replacement: b\n  kind: entity\n  confidence: 2\n", 1, "confidence"),
    ("- just text\n", 1, "mapping"),
    ("forms: [a]\n", 1, "list of entries"),
    ("- forms: [a\n  replacement: b\n", 2, "YAML"),
])
def test_malformed_yaml_names_file_and_line(tmp_path: Path, body: str, line: int,
                                            message: str) -> None:
    path = tmp_path / "lex.yml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(LexiconError, match=message) as info:
        Lexicon.from_file(path)
    assert f"lex.yml:{line}" in str(info.value)


@pytest.mark.parametrize("name", ["out.tsv", "out.yaml"])
def test_write_round_trip(tmp_path: Path, name: str) -> None:
    entries = [
        LexiconEntry(("Ticketok", "Ticketock"), "TikTok", kind="entity", confidence=0.95,
                     note="seed article"),
        LexiconEntry("Tennessee", "Tencent", kind="entity", require=("WeChat", "Pony Ma"),
                     forbid=("Nashville",), window=SENTENCE, confidence=0.8),
        LexiconEntry("Joined Countries", "United Nations", kind="entity", case_sensitive=True),
        LexiconEntry("huge information", "big data", kind="term", require=("cloud",), window=5),
    ]
    lex = Lexicon(entries)
    path = tmp_path / name
    lex.write(path, comment="written by a test\nsecond line")
    again = Lexicon.from_file(path)
    assert again.entries == entries  # source is not compared
    assert path.read_text(encoding="utf-8").startswith("# written by a test\n# second line\n")


def test_write_keeps_only_forms_not_overridden(tmp_path: Path) -> None:
    base = Lexicon([LexiconEntry(("bogus news", "phony news"), "fake news", kind="term")])
    both = base.extended(Lexicon([LexiconEntry("phony news", "false news", kind="term")]))
    both.write(tmp_path / "x.tsv")
    again = Lexicon.from_file(tmp_path / "x.tsv")
    assert again.apply("bogus news, phony news") == "fake news, false news"
    assert [e.forms for e in again.entries] == [("bogus news",), ("phony news",)]


def test_from_files_later_file_wins(tmp_path: Path) -> None:
    a = write(tmp_path, "bogus news\tfake news\tterm\t-\t0.9\t\n", name="a.tsv")
    b = write(tmp_path, "bogus news\tfalse news\tterm\t-\t0.9\t\n", name="b.tsv")
    assert Lexicon.from_files([a, b]).apply("bogus news") == "false news"


def test_load_default_reads_every_seed_file() -> None:
    from unmangle.lexicon.fileformat import lexicon_files
    from unmangle.resources import seed_lexicon_dir

    folder = seed_lexicon_dir()
    assert folder is not None
    files = lexicon_files(folder)
    assert files, "the seed lexicon folder holds no lexicon file"
    total = sum(len(read_entries(p)) for p in files)
    assert len(Lexicon.load_default()) == total
