"""Language awareness: non-English paragraphs pass untouched, English around them is repaired."""

from __future__ import annotations

from unmangle import Repairer, apply_edits
from unmangle.edits import Edit
from unmangle.language import (ENGLISH, document_language, line_language, paragraph_languages,
                               protect, protected_spans)

INDONESIAN = "Ini biasa biasa saja , dan amat amat bagus sekali untuk kita semua ."
RUSSIAN = "Вы знаете , что это такое ? Это очень хороший вопрос для всех нас ."
ENGLISH_LINE = "The the minister said on Monday that talks would continue ."


def test_short_lines_count_as_english():
    for line in ("Tom", "2024", "Ok .", "Jean-Luc Picard", "Hi there", "Biasa biasa", "1 Green, 1 Red"):
        assert line_language(line) == (ENGLISH, 1.0), line


def test_long_foreign_lines_are_protected_and_english_is_not():
    assert line_language(INDONESIAN)[0] == "id"
    assert line_language(RUSSIAN)[0] == "ru"
    text = f"{ENGLISH_LINE}\n{INDONESIAN}\n\n{RUSSIAN}\n"
    spans = protected_spans(text)
    assert [text[a:b] for a, b in spans] == [INDONESIAN, RUSSIAN]
    langs = [p.lang for p in paragraph_languages(text)]
    assert langs == ["en", "id", "ru"]


def test_document_language_is_the_majority_by_characters():
    assert document_language(f"{RUSSIAN}\n{RUSSIAN}\nShort English.")[0] == "ru"
    assert document_language(f"{ENGLISH_LINE}\n{ENGLISH_LINE}\n{INDONESIAN}")[0] == "en"
    assert document_language("") == (ENGLISH, 1.0)


def test_protect_keeps_unicode_repair_and_edits_outside():
    text = f"{INDONESIAN}\n{ENGLISH_LINE}"
    inside = Edit(4, 15, "biasa biasa", "biasa", "duplicates", "repeated word")
    mojibake = Edit(0, 3, "Ini", "Ini", "normalize", "Unicode damage: mojibake (sloppy-windows-1252)")
    k = text.index("The the")
    outside = Edit(k, k + 7, "The the", "The", "duplicates", "repeated word")
    assert protect([inside, mojibake, outside], text) == [mojibake, outside]


def test_repairer_leaves_foreign_paragraphs_alone_and_fixes_english():
    text = f"{INDONESIAN}\n\n{ENGLISH_LINE}\n\n{RUSSIAN}\n"
    for fast in (True,):
        result = Repairer(fast=fast).repair_document(text)
        assert INDONESIAN in result.text and RUSSIAN in result.text
        assert "The minister said on Monday that talks would continue." in result.text
        assert apply_edits(text, result.edits) == result.text


def test_mojibake_is_repaired_in_foreign_text():
    broken = "Das ist ein ganz normaler deutscher Satz Ã¼ber die Stadt München und ihre Straßen ."
    result = Repairer(fast=True).repair_document(broken)
    assert "über" in result.text
    assert result.text.endswith("Straßen .")  # spacing rule not applied to German


def test_repair_json_and_detect_report_language(tmp_path, capsys):
    import json

    from unmangle.cli import main

    src = tmp_path / "in.txt"
    src.write_text(f"{RUSSIAN}\n{RUSSIAN}\nThe the end .\n", encoding="utf-8")
    assert main(["repair", "--fast", "--json", str(src)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["language"]["document"] == "ru"
    assert [(p["start"], p["lang"]) for p in out["language"]["protected"]] == [
        (0, "ru"), (len(RUSSIAN) + 1, "ru")]
    assert out["text"] == f"{RUSSIAN}\n{RUSSIAN}\nThe end.\n"


def test_detect_flags_nothing_in_foreign_lines():
    from unmangle.detection import detect

    text = f"{RUSSIAN}\nThe the minister hasn't took part in the vote ."
    spans = detect(text, model=None)
    assert all(s.start > len(RUSSIAN) for s in spans)


def test_short_line_inside_foreign_text_is_foreign_and_between_languages_english():
    text = f"{INDONESIAN}\nBiasa biasa saja\n{INDONESIAN}\n"
    assert Repairer(fast=True).repair(text) == text
    zh = "市政府周二宣布，新的公共图书馆将于明年春天开放，并将提供免费的语言课程。"
    mixed = f"{zh}\nThe the end\n{ENGLISH_LINE}\n"
    assert Repairer(fast=True).repair(mixed).startswith(f"{zh}\nThe end\n")


def test_short_line_takes_foreign_verdict_only_in_the_same_script():
    from unmangle.language import same_script

    assert same_script("Biasa biasa saja", INDONESIAN)
    assert not same_script("The the end .", RUSSIAN)
    assert same_script("2024", RUSSIAN)  # no letters: goes with anything
    # a short Cyrillic line after Russian stays protected; a short English one is repaired
    kept = f"{RUSSIAN}\nНу ну да .\n"
    assert Repairer(fast=True).repair(kept) == kept
    assert Repairer(fast=True).repair(f"{RUSSIAN}\nThe the end .\n").endswith("\nThe end.\n")
