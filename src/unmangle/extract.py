"""Web pages in: the main article text of an HTML page, ready for repair.

Real damage arrives as web pages. ``page_text(html)`` returns the article body found by
trafilatura (the field's standard main-text extractor; chosen over readability-lxml and jusText by
``benchmarks/extraction.py``), or with ``keep_boilerplate=True`` every visible piece of text, for
the repair stages (the ``boilerplate`` stage among them) to work on. Paragraphs come out separated
by a blank line.

trafilatura is an optional dependency: ``pip install 'unmangle[html]'`` (it brings
``lxml_html_clean`` too, which trafilatura needs with lxml 5.2 and later but does not always
declare).
"""

from __future__ import annotations

import re
from pathlib import Path

HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")
#: where a page starts: optional BOM, whitespace and comments, then a doctype or <html>
_HTML_START = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*(?:<!doctype\s+html\b|<html\b)",
                         re.IGNORECASE | re.DOTALL)
#: elements whose text a reader never sees
_INVISIBLE = ("script", "style", "noscript", "template", "head", "svg", "iframe", "object", "canvas")
#: elements that start a new line of text
_BLOCKS = frozenset("""address article aside blockquote body caption dd details dialog div dl dt fieldset
figcaption figure footer form h1 h2 h3 h4 h5 h6 header hr html li main nav ol p pre section summary
table tbody td tfoot th thead tr ul""".split())
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


class ExtractionUnavailable(ImportError):
    """The optional HTML dependencies are missing; the message says how to install them."""


def _require_trafilatura():
    try:
        import trafilatura
    except ImportError as exc:
        raise ExtractionUnavailable(
            f"reading web pages needs the optional 'html' extra ({exc}); install it with "
            "pip install 'unmangle[html]' (trafilatura and lxml_html_clean)"
        ) from None
    return trafilatura


def looks_like_html(data: bytes | str, name: str | None = None) -> bool:
    """Whether input is a web page: by file name (``.html``, ``.htm``...) or by how it starts."""
    if name and Path(name).suffix.lower() in HTML_SUFFIXES:
        return True
    head = data[:4096]
    if isinstance(head, str):
        head = head.encode("utf-8", "replace")
    return bool(_HTML_START.match(head))


def _paragraphs(lines: list[str]) -> str:
    kept = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in lines]
    return "\n\n".join(line for line in kept if line) + "\n" if any(kept) else ""


def _tree(html: str | bytes):
    _require_trafilatura()
    from trafilatura.utils import load_html  # decodes bytes by the page's declared or sniffed charset

    tree = load_html(html)
    if tree is None and html:  # trafilatura refuses fragments; a reader still sees their text
        import lxml.html

        try:
            tree = lxml.html.document_fromstring(html)
        except (ValueError, lxml.etree.ParserError):
            return None
    return tree


def visible_text(html: str | bytes) -> str:
    """All text a reader sees on the page (menus, footers and notices included), by block."""
    tree = _tree(html)
    if tree is None:
        return ""
    for bad in tree.xpath("//" + " | //".join(_INVISIBLE)):
        bad.drop_tree()
    for hidden in tree.xpath("//*[@hidden] | //*[@style]"):
        if hidden.get("hidden") is not None or _HIDDEN_STYLE.search(hidden.get("style", "")):
            if hidden.getparent() is not None:
                hidden.drop_tree()
    pieces: list[str] = []

    def walk(el) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        block = tag.lower() in _BLOCKS
        if block:
            pieces.append("\n")
        if tag.lower() == "br":
            pieces.append("\n")
        if tag and el.text:
            pieces.append(re.sub(r"\s+", " ", el.text))
        for child in el:
            walk(child)
            if child.tail:
                pieces.append(re.sub(r"\s+", " ", child.tail))
        if block:
            pieces.append("\n")

    walk(tree)
    return _paragraphs("".join(pieces).split("\n"))


def extract_article(html: str | bytes, *, url: str | None = None) -> str | None:
    """The page's main article text (trafilatura), or None when it finds none."""
    trafilatura = _require_trafilatura()
    text = trafilatura.extract(html, url=url, output_format="txt", include_comments=False,
                               include_tables=True, include_images=False, include_links=False)
    if not text or not text.strip():
        return None
    return _paragraphs(text.split("\n"))


def page_text(html: str | bytes, *, keep_boilerplate: bool = False) -> str:
    """Text to repair from a web page: the article, or every visible line with
    ``keep_boilerplate``; falls back to the visible text when no article is found."""
    if keep_boilerplate:
        return visible_text(html)
    article = extract_article(html)
    return article if article is not None else visible_text(html)
