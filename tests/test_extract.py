"""Web pages in: article extraction, all visible text, detection of pages, the CLI, the missing extra."""

from __future__ import annotations

import builtins
import gzip
import json

import pytest

pytest.importorskip("trafilatura", reason="the 'html' extra (trafilatura) is not installed")

from unmangle.cli import main  # noqa: E402
from unmangle.extract import (ExtractionUnavailable, extract_article, looks_like_html,  # noqa: E402
                              page_text, visible_text)

PARAGRAPHS = [
    "Lawmakers in Brussels are weighing new limits on short-video apps after a year in which Ticketok "
    "and its rivals doubled their audience among teenagers , according to figures published this week.",
    "The proposal, which was published on Tuesday, would require platforms to verify the age of every "
    "user and to explain how their recommendation systems rank the videos that appear in each feed.",
    "Companies ranging from Meta to Tennessee Holdings Ltd., the owner of WeChat, have lobbied against "
    "the plan, arguing that it would cost the industry two billion dollars a year in compliance work.",
    "Supporters of the plan say that a handful of firms now hold more power over public debate than any "
    "newspaper ever had, and that the companies have had years to fix the problem themselves.",
]
PAGE = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Regulators weigh limits</title>
<style>body {{ color: red }}</style><script>var tracking = "do not show me";</script></head>
<body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li><li><a href="/tech">Tech</a></li></ul></nav>
<div class="cookie" style="display: none">We use cookies hidden notice</div>
<main><article><h1>Regulators weigh new limits on short-video apps</h1>
{''.join(f'<p>{p}</p>' for p in PARAGRAPHS)}
</article></main>
<aside><h2>Most read</h2><ul><li><a href="/a">Ten gadgets to buy now</a></li><li><a href="/b">Markets wrap</a></li></ul></aside>
<footer><p>Subscribe now</p><p>© 2024 Example News. All rights reserved.</p></footer>
<template><p>template text never shown</p></template>
</body></html>
"""


def test_article_extraction_keeps_the_article_and_drops_the_chrome():
    text = extract_article(PAGE)
    for p in PARAGRAPHS:
        assert p in text
    for chrome in ("Home", "Most read", "Ten gadgets", "All rights reserved", "do not show me"):
        assert chrome not in text
    assert "\n\n" in text  # paragraphs separated by a blank line


def test_visible_text_keeps_everything_a_reader_sees_and_nothing_else():
    text = visible_text(PAGE)
    for seen in ("Home", "World", "Most read", "Ten gadgets to buy now", "Subscribe now", PARAGRAPHS[2]):
        assert seen in text
    for unseen in ("do not show me", "color: red", "hidden notice", "template text", "Regulators weigh limits"):
        assert unseen not in text
    assert "Home\n\nWorld" in text  # one block a paragraph


def test_page_text_with_and_without_boilerplate():
    assert page_text(PAGE) == extract_article(PAGE)
    assert page_text(PAGE, keep_boilerplate=True) == visible_text(PAGE)


def test_page_text_falls_back_to_visible_text_when_no_article():
    tiny = "<html><body><p>Just one line.</p></body></html>"
    assert page_text(tiny).strip() == "Just one line."


def test_bytes_in_a_declared_charset():
    page = PAGE.replace('charset="utf-8"', 'charset="windows-1252"').replace("©", "Café ©")
    assert "Café ©" in visible_text(page.encode("cp1252"))


@pytest.mark.parametrize("data, name, expected", [
    (PAGE, None, True),
    ("\ufeff  <!-- saved page -->\n<html><body>x</body></html>", None, True),
    ("<!doctype HTML>", None, True),
    ("Plain text that mentions <html> in passing.", None, False),
    ("Plain text.", "page.HTM", True),
    ("<html>", "notes.txt", True),
    (b"\xef\xbb\xbf<html>", None, True),
])
def test_looks_like_html(data, name, expected):
    assert looks_like_html(data, name) is expected


def test_cli_repairs_the_article_of_a_page(tmp_path, capsys):
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    assert main(["repair", "--fast", str(page)]) == 0
    out = capsys.readouterr().out
    assert "TikTok and its rivals" in out and "teenagers, according" in out and "Tencent Holdings" in out
    assert "Most read" not in out and "Subscribe now" not in out


def test_cli_keep_boilerplate_repairs_all_visible_text(tmp_path, capsys):
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    assert main(["repair", "--fast", "--keep-boilerplate", str(page)]) == 0
    out = capsys.readouterr().out
    assert "Most read" in out and "TikTok" in out
    assert "Subscribe now" not in out  # the boilerplate stage still removes known chrome lines


def test_cli_html_in_and_sniffing(tmp_path, capsys):
    saved = tmp_path / "saved.txt"
    saved.write_text(PAGE, encoding="utf-8")
    assert main(["repair", "--fast", str(saved)]) == 0  # content says it is a page
    assert "<p>" not in capsys.readouterr().out
    fragment = tmp_path / "fragment.txt"
    fragment.write_text("<p>Ticketok rose today.</p>", encoding="utf-8")
    assert main(["repair", "--fast", str(fragment)]) == 0  # plain text with markup in it
    assert capsys.readouterr().out == "<p>TikTok rose today.</p>"
    assert main(["repair", "--fast", "--html-in", str(fragment)]) == 0
    assert capsys.readouterr().out.strip() == "TikTok rose today."


def test_missing_extra_names_the_install_command(tmp_path, capsys, monkeypatch):
    real_import = builtins.__import__

    def no_trafilatura(name, *args, **kwargs):
        if name == "trafilatura" or name.startswith("trafilatura."):
            raise ImportError("No module named 'trafilatura'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_trafilatura)
    with pytest.raises(ExtractionUnavailable, match=r"pip install 'unmangle\[html\]'"):
        extract_article(PAGE)
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    assert main(["repair", "--fast", str(page)]) == 2
    err = capsys.readouterr().err
    assert "page.html is a web page" in err and "pip install 'unmangle[html]'" in err


@pytest.mark.shared
def test_extraction_on_real_pages(shared_dir):
    """A few AEB pages: extraction finds most of the gold article and little else."""
    path = shared_dir / "corpus" / "aeb_news_pages" / "dev.jsonl.gz"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    rows = [json.loads(line) for _, line in zip(range(8), gzip.open(path, "rt", encoding="utf-8"))]
    import re
    from collections import Counter

    def grams(text):
        tokens = re.findall(r"\w+", text)
        return Counter(zip(tokens, tokens[1:], tokens[2:], tokens[3:]))

    f1s = []
    for row in rows:
        gold, got = grams(row["article"]), grams(page_text(row["html"]))
        tp = sum((gold & got).values())
        f1s.append(2 * tp / (sum(gold.values()) + sum(got.values())))
    assert sum(f1s) / len(f1s) > 0.8, f1s
