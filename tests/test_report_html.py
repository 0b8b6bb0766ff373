"""The HTML review page: every edit and unchanged flag shown, input escaped, self-contained."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from unmangle import Repairer, RepairResult, apply_edits
from unmangle.edits import Edit
from unmangle.neural.regions import FlaggedSpan
from unmangle.report import render_report, unchanged_flags

HOSTILE = 'A <script>alert("x")</script> and "quotes\' onmouseover="alert(1)" <b>bold</b> & more.'


class _Page(HTMLParser):
    """Collects tags, attributes and the document text as a browser would read it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.stack: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self.original: list[str] = []  # #doc text without insertions and tooltips
        self.repaired: list[str] = []  # #doc text without deletions and tooltips
        self.data_by_tag: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        self.stack.append((tag, attrs))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def _inside(self, pred) -> bool:
        return any(pred(t, a) for t, a in self.stack)

    def handle_data(self, data):
        if self.stack and self.stack[-1][0] == "script":
            self.scripts.append(data)
        if not self._inside(lambda t, a: a.get("id") == "doc"):
            return
        if self._inside(lambda t, a: "tip" in (a.get("class") or "").split()):
            return
        if not self._inside(lambda t, a: t == "ins"):
            self.original.append(data)
        if not self._inside(lambda t, a: t == "del"):
            self.repaired.append(data)


def parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    parser.close()
    return parser


def hostile_result() -> RepairResult:
    text = HOSTILE + " Ticketok fell .\n\nSecond <i>para</i> \"here\"."
    i = text.index("Ticketok")
    j = text.index(" .")
    k = text.index("<b>bold</b>")
    edits = [
        Edit(k, k + len("<b>bold</b>"), "<b>bold</b>", '<img src=x onerror="alert(2)">', 'st"age<x>',
             'reason with <script>alert(3)</script> and "quotes"', 0.5),
        Edit(i, i + 8, "Ticketok", "TikTok", "lexicon", "known corruption", 0.95),
        Edit(j, j + 1, " ", "", "normalize", "space before punctuation", 0.9),
    ]
    return RepairResult(text, apply_edits(text, edits), edits)


def test_hostile_text_is_escaped_everywhere():
    result = hostile_result()
    flags = [FlaggedSpan(result.original.index("Second"), result.original.index("Second") + 15,
                         "Second <i>para<", 0.7, 'mo"del<script>')]
    page = render_report(result, flags, title='<script>alert("t")</script>', language='en"><b>',
                         score=0.42)
    doc = parse(page)
    assert [t for t, _ in doc.tags].count("script") == 1  # only the page's own script
    assert {t for t, _ in doc.tags} <= {"html", "head", "meta", "link", "title", "style", "body", "header",
                                        "h1", "h2", "p", "del", "ins", "mark", "kbd", "section", "dl",
                                        "div", "dt", "dd", "table", "caption", "thead", "tr", "th",
                                        "tbody", "td", "span", "main", "fieldset", "legend", "label",
                                        "input", "button", "article", "b", "br", "script"}
    assert not any(name.startswith("on") for _, attrs in doc.tags for name in attrs)
    assert "img" not in {t for t, _ in doc.tags} and "i" not in {t for t, _ in doc.tags}
    assert "alert" not in doc.scripts[0]
    # the page reads back exactly: input with deletions, output with insertions
    assert "".join(doc.original).replace("␣", " ") == result.original
    assert "".join(doc.repaired) == result.text
    stages = [a["data-stage"] for t, a in doc.tags if a.get("data-kind") == "edit"]
    assert stages == ['st"age<x>', "lexicon", "normalize"]


def test_every_edit_and_unchanged_flag_is_one_item():
    text = "Shares of Tennessee Holdings rose . Smaller firms Would have to poll the the users.\n"
    result = Repairer(fast=True).repair_document(text)
    would = text.index(" Would")
    flags = [FlaggedSpan(would, would + 6, " Would", 0.99, "model"),
             FlaggedSpan(text.index("poll"), text.index("poll") + 4, "poll", 0.5, "model"),
             FlaggedSpan(text.index("Tennessee"), text.index("Tennessee") + 18, "Tennessee Holdings", 0.95,
                         "lexicon")]
    page = result.to_html(flags)
    doc = parse(page)
    edits = [a for _, a in doc.tags if a.get("data-kind") == "edit"]
    shown = [a for _, a in doc.tags if a.get("data-kind") == "flag"]
    assert len(edits) == len(result.edits) >= 3
    assert [float(a["data-score"]) for a in shown] == [0.99, 0.5]  # Tennessee was changed
    assert "".join(doc.original).replace("␣", " ") == text
    assert all(a.get("tabindex") == "0" and a.get("aria-describedby") for a in edits + shown)
    assert all(a.get("aria-label") for a in edits + shown)


def test_unchanged_flags_skips_touched_merges_overlaps_and_trims():
    text = "abc def ghi jkl mno"
    edits = [Edit(4, 7, "def", "DEF", "x", "r"), Edit(12, 12, "", "+", "x", "r")]
    spans = [
        {"start": 0, "end": 3, "score": 0.4, "source": "model"},     # untouched
        {"start": 2, "end": 5, "score": 0.9, "source": "lexicon"},   # touches the edit at 4
        {"start": 7, "end": 11, "score": 0.3, "source": "model"},    # " ghi" -> "ghi"
        {"start": 8, "end": 12, "score": 0.6, "source": "lexicon"},  # overlaps the one before
        {"start": 12, "end": 15, "score": 0.5, "source": "model"},   # insertion at its edge: untouched
        {"start": 11, "end": 14, "score": 0.5, "source": "model"},   # insertion strictly inside
        {"start": 3, "end": 4, "score": 0.5, "source": "model"},     # a space: nothing to show
        {"start": 15, "end": 17, "score": 0.5, "source": "model"},   # " m": touches no edit
    ]
    flags = unchanged_flags(text, edits, spans)
    assert [(f.start, f.end, f.text, f.score, f.sources) for f in flags] == [
        (0, 3, "abc", 0.4, ("model",)),
        (8, 11, "ghi", 0.6, ("model", "lexicon")),
        (12, 15, "jkl", 0.5, ("model",)),
        (16, 17, "m", 0.5, ("model",)),
    ]
    # a flag is judged before its spaces are trimmed: " ." where the space was removed is changed
    assert unchanged_flags("a .", [Edit(1, 2, " ", "", "x", "r")], [{"start": 1, "end": 3, "score": 1}]) == []
    with pytest.raises(ValueError, match="outside the text"):
        unchanged_flags(text, [], [{"start": 10, "end": 99, "score": 1.0}])


def test_summary_shows_language_and_score_only_when_given():
    result = hostile_result()
    plain = render_report(result)
    assert "language" not in plain and "suspicion score" not in plain
    full = render_report(result, language="en", score=0.8765)
    assert ">language</dt><dd" in full and ">en</dd>" in full
    assert ">suspicion score</dt>" in full and ">0.88</dd>" in full


def test_self_contained_and_filters_per_stage():
    page = render_report(hostile_result())
    doc = parse(page)
    assert not any(a.get("src") or (a.get("href") or "data:").split(":")[0] not in ("data",)
                   for _, a in doc.tags)
    assert "default-src 'none'" in page  # the browser may fetch nothing
    filters = [a["data-filter"] for t, a in doc.tags if t == "input"]
    assert filters == ["s0", "s1", "s2", "flags"]
    assert any(t == "meta" and a.get("name") == "viewport" for t, a in doc.tags)


def test_no_edits_no_flags_still_a_page():
    page = RepairResult("Clean text.\n", "Clean text.\n", []).to_html()
    doc = parse(page)
    assert "".join(doc.original) == "Clean text.\n"
    assert not [a for _, a in doc.tags if a.get("data-kind")]


def test_whitespace_only_changes_are_drawn_visibly():
    text = "achievement . $ 35"
    result = Repairer(fast=True).repair_document(text)
    page = result.to_html()
    assert "<del class=\"ws\">␣</del>" in page
