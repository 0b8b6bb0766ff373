"""Word-level terminal diff: changed lines only, whole words, colour only when asked for."""

from __future__ import annotations

import io
import sys

import pytest

from unmangle import Repairer
from unmangle.cli import main
from unmangle.cli.repair_cmd import use_color
from unmangle.edits import Edit
from unmangle.report import word_diff

TEXT = ("Title line\n\nShares of Ticketok rose $ 5 on Monday . The the firm said so.\n\nSubscribe now\n\n"
        "We donâ€™t know.\nUntouched last line.\n")


def test_plain_markers_whole_words_and_only_changed_lines():
    result = Repairer(fast=True).repair_document(TEXT)
    out = word_diff(TEXT, result.edits)
    assert "Title line" not in out and "Untouched last line" not in out
    assert "@@ line 3 @@\nShares of [-Ticketok-]{+TikTok+} rose [-$ 5-]{+$5+} on [-Monday .-]{+Monday.+} " in out
    assert "[-The the-]{+The+}" in out
    assert "@@ lines 5-6 @@\n[-Subscribe now\n\n-]" in out
    assert "[-donâ€™t-]{+don’t+}" in out  # mojibake inside a word shows the whole word
    assert "\x1b[" not in out


def test_insertions_deletions_and_one_hunk_per_touched_line_group():
    text = "alpha beta gamma\ndelta epsilon\n"
    edits = [Edit(6, 10, "beta", "BETA", "x", "r"), Edit(17, 22, "delta", "", "x", "r"),
             Edit(30, 30, "", " zeta", "x", "r")]
    out = word_diff(text, edits)
    assert out == "@@ line 1 @@\nalpha [-beta-]{+BETA+} gamma\n@@ line 2 @@\n[-delta-] epsilon{+ zeta+}\n"


def test_separate_hunks_and_no_edits():
    text = "one\ntwo\nthree\n"
    edits = [Edit(0, 3, "one", "ONE", "x", "r"), Edit(8, 13, "three", "3", "x", "r")]
    assert word_diff(text, edits) == "@@ line 1 @@\n[-one-]{+ONE+}\n@@ line 3 @@\n[-three-]{+3+}\n"
    assert word_diff(text, []) == ""


def test_colour_codes_and_no_colour_across_lines():
    text = "gone line\n\nkept. Ticketok here.\n"
    edits = [Edit(0, 11, "gone line\n\n", "", "boilerplate", "r"), Edit(17, 25, "Ticketok", "TikTok", "lexicon", "r")]
    out = word_diff(text, edits, color=True)
    assert "\x1b[31;9mTicketok\x1b[0m\x1b[32;4mTikTok\x1b[0m" in out
    assert "\x1b[36m@@ lines 1-2 @@\x1b[0m\n\x1b[31;9mgone line\x1b[0m\n\x1b[36m@@ line 3 @@" in out
    for line in out.splitlines():  # every coloured line closes its colour
        assert line.count("\x1b[0m") >= line.count("\x1b[3")
    assert "[-" not in out


@pytest.fixture
def src(tmp_path):
    path = tmp_path / "in.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


def repair(argv, capsys):
    code = main(["repair", "--fast", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_diff_is_word_level_by_default(src, capsys):
    code, out, _ = repair([str(src), "--diff"], capsys)
    assert code == 0 and "[-Ticketok-]{+TikTok+}" in out and "\x1b[" not in out  # not a terminal


def test_cli_diff_before_the_file_still_reads_the_file(src, capsys):
    code, out, _ = repair(["--diff", str(src)], capsys)
    assert code == 0 and "[-Ticketok-]{+TikTok+}" in out


def test_cli_diff_unified_and_colour_always(src, capsys):
    code, out, _ = repair([str(src), "--diff=unified"], capsys)
    assert code == 0 and f"--- {src} (input)" in out and "-Subscribe now\n" in out
    code, out, _ = repair([str(src), "--diff", "--color", "always"], capsys)
    assert code == 0 and "\x1b[31;9mTicketok" in out
    code, out, _ = repair([str(src), "--diff", "--color", "never"], capsys)
    assert "\x1b[" not in out


def test_cli_unknown_diff_format_is_a_usage_error(src, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["repair", "--fast", "--diff=wrods", str(src)])
    assert exc.value.code == 2
    assert "unknown format 'wrods'" in capsys.readouterr().err


def test_cli_two_input_files_refused(src, tmp_path, capsys):
    other = tmp_path / "other.txt"
    other.write_text("x", encoding="utf-8")
    code, out, err = repair(["--diff", str(src), str(other)], capsys)
    assert code == 2 and "two input files" in err


def test_colour_auto_follows_the_terminal(monkeypatch):
    class Tty(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.setattr(sys, "stdout", Tty())
    assert use_color("auto", None) is True
    assert use_color("auto", "out.txt") is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert use_color("auto", None) is False
    assert use_color("always", "out.txt") is True
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    monkeypatch.delenv("NO_COLOR")
    assert use_color("auto", None) is False
    assert use_color("never", None) is False
