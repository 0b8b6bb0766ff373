"""A self-contained HTML review page for one repaired document.

Repair is precision-first: much of the damage is flagged but left for a person to decide. The page
shows the input with every edit in place (old text struck through, new text inserted, coloured by
stage, reason and confidence on hover and keyboard focus) and every span that ``detect()`` flagged
but no edit changed (highlighted by score), with a summary, filters per stage and next/previous
navigation (n/j, p/k). Everything is inline (CSS, script, no fonts or images) and a
Content-Security-Policy forbids any network access; all input text is escaped.
"""

from __future__ import annotations

import html
from collections import Counter
from typing import Any, Iterable, Sequence

from ..edits import Edit, check_edits
from .flags import Flag, unchanged_flags

#: (line colour, background tint) per known stage; both carry dark text at WCAG AA contrast.
STAGE_COLOURS: dict[str, tuple[str, str]] = {
    "normalize": ("#1565c0", "#e3effc"),
    "boilerplate": ("#6d4c41", "#f3ebe7"),
    "duplicates": ("#6a1b9a", "#f4e6f7"),
    "lexicon": ("#2e7d32", "#e6f4e7"),
    "neural": ("#c62828", "#fdecea"),
    "capitals": ("#00695c", "#dff2f0"),
}
#: colours for stages the page does not know (a user's own stages), in turn
EXTRA_COLOURS: tuple[tuple[str, str], ...] = (
    ("#ad1457", "#fce4ec"), ("#4527a0", "#ede7f6"), ("#37474f", "#eceff1"), ("#8d5a00", "#fff3d6"),
)
#: how whitespace that is the whole of a deletion or insertion is drawn, so it can be seen
VISIBLE_SPACE = {" ": "␣", "\n": "↵", "\t": "⇥", "\r": "␍"}
TIP_TEXT_LIMIT = 120


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _stage_parts(stage: str) -> list[str]:
    """An edit merged from two stages is named ``a+b``; it belongs to both."""
    return [p for p in stage.split("+") if p] or [stage]


def _shown(text: str) -> str:
    """Escaped text for a deletion or insertion; whitespace-only text drawn with visible symbols."""
    if text and not text.strip():
        return _esc("".join(VISIBLE_SPACE.get(c, "⍽") for c in text))
    return _esc(text)


def _short(text: str) -> str:
    text = text.replace("\n", "↵ ")
    return text if len(text) <= TIP_TEXT_LIMIT else text[:TIP_TEXT_LIMIT - 1] + "…"


def _describe(edit: Edit) -> str:
    if not edit.old:
        return f"inserted “{_short(edit.new)}”"
    if not edit.new:
        return f"removed “{_short(edit.old)}”"
    return f"replaced “{_short(edit.old)}” with “{_short(edit.new)}”"


class _Stages:
    """Stage name -> index (CSS class ``sN``, filter key) and colours, in order of first use."""

    def __init__(self, edits: Sequence[Edit]) -> None:
        self.names: list[str] = []
        self.counts: Counter[str] = Counter()
        for edit in edits:
            for part in _stage_parts(edit.stage):
                if part not in self.names:
                    self.names.append(part)
                self.counts[part] += 1
        extra = iter(EXTRA_COLOURS * (len(self.names) + 1))
        self.colours = [STAGE_COLOURS.get(n) or next(extra) for n in self.names]

    def index(self, name: str) -> int:
        return self.names.index(name)


def _edit_markup(edit: Edit, number: int, stages: _Stages) -> str:
    parts = _stage_parts(edit.stage)
    first = stages.index(parts[0])
    keys = " ".join(f"s{stages.index(p)}" for p in parts)
    tip_id = f"tip-e{number}"
    label = f"{edit.stage} edit: {_describe(edit)}"
    inner = ""
    if edit.old:
        inner += f'<del class="{"ws" if not edit.old.strip() else ""}">{_shown(edit.old)}</del>'
    if edit.new:
        inner += f'<ins class="{"ws" if not edit.new.strip() else ""}">{_shown(edit.new)}</ins>'
    tip = (f'<span class="tip" role="tooltip" id="{tip_id}"><b>{_esc(edit.stage)}</b> · confidence '
           f'{edit.confidence:.2f}<br>{_esc(edit.reason)}<br><span class="what">{_esc(_describe(edit))}'
           f'</span></span>')
    return (f'<span class="item edit s{first}" id="e{number}" data-kind="edit" data-stage="{_esc(edit.stage)}" '
            f'data-filter-keys="{keys}" data-confidence="{edit.confidence:.3f}" tabindex="0" role="group" '
            f'aria-roledescription="edit" aria-label="{_esc(label)}" aria-describedby="{tip_id}">'
            f'{inner}{tip}</span>')


def _score_band(score: float) -> str:
    return "hi" if score >= 0.9 else "mid" if score >= 0.6 else "lo"


def _flag_markup(flag: Flag, number: int) -> str:
    tip_id = f"tip-f{number}"
    who = " and ".join(flag.sources)
    label = f"flagged by {who}, score {flag.score:.2f}, not changed"
    tip = (f'<span class="tip" role="tooltip" id="{tip_id}"><b>flagged</b> · score {flag.score:.2f}<br>'
           f'by {_esc(who)}; repair left it unchanged</span>')
    return (f'<mark class="item flag f-{_score_band(flag.score)}" id="f{number}" data-kind="flag" '
            f'data-score="{flag.score:.3f}" data-filter-keys="flags" style="--score:{flag.score:.3f}" '
            f'tabindex="0" role="group" aria-roledescription="flagged span" aria-label="{_esc(label)}" '
            f'aria-describedby="{tip_id}">{_esc(flag.text)}{tip}</mark>')


def _plain(text: str, start: int, end: int, flags: list[Flag], counter: list[int]) -> str:
    """``text[start:end]`` escaped, with the flags that lie inside it marked."""
    out, pos = [], start
    while flags and flags[0].start < end:
        flag = flags.pop(0)
        out.append(_esc(text[pos:flag.start]))
        counter[0] += 1
        out.append(_flag_markup(flag, counter[0]))
        pos = flag.end
    out.append(_esc(text[pos:end]))
    return "".join(out)


def _document_markup(original: str, edits: list[Edit], flags: list[Flag], stages: _Stages) -> str:
    pending = list(flags)
    flag_counter = [0]
    out, pos = [], 0
    for number, edit in enumerate(edits, 1):
        out.append(_plain(original, pos, edit.start, pending, flag_counter))
        out.append(_edit_markup(edit, number, stages))
        pos = edit.end
    out.append(_plain(original, pos, len(original), pending, flag_counter))
    return "".join(out)


def _stage_css(stages: _Stages) -> str:
    rules = []
    for i, (line, tint) in enumerate(stages.colours):
        rules.append(f".s{i}{{--line:{line};--tint:{tint}}}")
    return "\n".join(rules)


def _summary(result: Any, stages: _Stages, flags: list[Flag], language: str | None,
             score: float | None) -> str:
    rows = "".join(
        f'<tr><th scope="row"><span class="swatch s{i}" aria-hidden="true"></span>{_esc(name)}</th>'
        f'<td>{stages.counts[name]}</td></tr>'
        for i, name in enumerate(stages.names))
    if not rows:
        rows = '<tr><th scope="row">no edits</th><td>0</td></tr>'
    shared = sum(1 for e in result.edits if len(_stage_parts(e.stage)) > 1)
    note = (f'<p class="note">{shared} edit{"s" if shared != 1 else ""} made by two stages together '
            f'count{"s" if shared == 1 else ""} for both.</p>' if shared else "")
    facts = [("edits", str(len(result.edits))), ("flagged, not changed", str(len(flags))),
             ("characters in / out", f"{len(result.original):,} / {len(result.text):,}")]
    if language:
        facts.append(("language", language))
    if score is not None:
        facts.append(("suspicion score", f"{score:.2f}"))
    dl = "".join(f'<div><dt>{_esc(k)}</dt><dd id="fact-{i}">{_esc(v)}</dd></div>' for i, (k, v) in enumerate(facts))
    return (f'<section class="summary" aria-labelledby="summary-h"><h2 id="summary-h">Summary</h2>'
            f'<dl class="facts">{dl}</dl>'
            f'<table class="stages"><caption>Edits per stage</caption><thead><tr><th scope="col">stage</th>'
            f'<th scope="col">edits</th></tr></thead><tbody>{rows}</tbody></table>{note}</section>')


def _filters(stages: _Stages, flags: list[Flag]) -> str:
    boxes = "".join(
        f'<label class="filter s{i}"><input type="checkbox" data-filter="s{i}" checked> '
        f'{_esc(name)} <span class="count">({stages.counts[name]})</span></label>'
        for i, name in enumerate(stages.names))
    boxes += (f'<label class="filter flagbox"><input type="checkbox" data-filter="flags" checked> '
              f'flagged <span class="count">({len(flags)})</span></label>')
    return f'<fieldset class="filters"><legend>Show</legend>{boxes}</fieldset>'


CSS = """
:root{color-scheme:light;--ink:#1b1b1b;--muted:#4a4a4a;--paper:#fff;--focus:#0b57d0}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--paper)}
header,main{max-width:52rem;margin:0 auto;padding:0 1rem}
h1{font-size:1.35rem;margin:1rem 0 .25rem}
h2{font-size:1.1rem;margin:1rem 0 .5rem}
.help{color:var(--muted);margin:.25rem 0 0}
kbd{border:1px solid #8a8a8a;border-radius:3px;padding:0 .3em;font-size:.9em;background:#f5f5f5}
.summary{display:flex;flex-wrap:wrap;gap:1rem 2rem;align-items:flex-start}
.summary h2{flex-basis:100%;margin-bottom:0}
.facts{display:grid;grid-template-columns:auto auto;gap:.15rem 1rem;margin:0}
.facts div{display:contents}
.facts dt{color:var(--muted)}
.facts dd{margin:0;font-weight:600}
.stages{border-collapse:collapse}
.stages caption{text-align:left;color:var(--muted)}
.stages th,.stages td{padding:.1rem .6rem .1rem 0;text-align:left}
.stages td{text-align:right}
.note{flex-basis:100%;margin:0;color:var(--muted);font-size:.9rem}
.swatch{display:inline-block;width:.9em;height:.9em;margin-right:.4em;vertical-align:-.1em;background:var(--tint);border:2px solid var(--line)}
.toolbar{position:sticky;top:0;z-index:5;background:var(--paper);border-bottom:1px solid #c8c8c8;padding:.5rem 0;display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center}
.filters{border:0;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem .75rem}
.filters legend{float:left;margin-right:.5rem;font-weight:600;padding:0}
.filter{white-space:nowrap;border-bottom:3px solid var(--line,#b26a00);padding:0 .15rem;cursor:pointer}
.filter input{width:1.1rem;height:1.1rem;vertical-align:-.15em}
.count{color:var(--muted)}
.nav{display:flex;gap:.5rem;align-items:center}
button{font:inherit;padding:.3rem .8rem;min-height:2.25rem;border:1px solid #5f5f5f;border-radius:4px;background:#f3f3f3;color:var(--ink);cursor:pointer}
button:focus-visible,input:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
#nav-status{margin:0;color:var(--muted);min-height:1.5em}
.doc{white-space:pre-wrap;overflow-wrap:anywhere;font-size:1.05rem;line-height:1.8;margin:1rem 0 4rem}
.item{position:relative;border-radius:3px;cursor:help}
.item:focus{outline:3px solid var(--focus);outline-offset:1px}
.item.current{box-shadow:0 0 0 2px var(--focus)}
.edit{background:var(--tint);border-bottom:3px solid var(--line);padding:0 .05em}
.edit del{color:#7f1d1d;text-decoration:line-through 2px}
.edit ins{color:#0b4f1c;text-decoration:underline 2px;font-weight:600}
.edit .ws{font-weight:400;color:var(--muted)}
.flag{color:var(--ink);background:rgba(255,193,7,calc(.25 + .6*var(--score)));text-decoration:underline wavy #b26a00 2px;text-underline-offset:3px}
.flag.f-lo{text-decoration-style:dotted}
.tip{display:none;position:absolute;left:0;top:calc(100% + 4px);z-index:10;width:max-content;max-width:22rem;white-space:normal;
 font-size:.9rem;line-height:1.4;font-weight:400;color:#fff;background:#222;border-radius:4px;padding:.4rem .6rem;text-decoration:none}
.tip b{color:#fff}
.tip .what{color:#e0e0e0}
.item:hover>.tip,.item:focus>.tip,.item.current>.tip{display:block}
.off{background:none;border-bottom:0;cursor:auto}
.edit.off del,.off>.tip,.item.off:hover>.tip,.item.off:focus>.tip,.item.off.current>.tip{display:none}
.edit.off ins{color:inherit;text-decoration:none;font-weight:inherit}
.edit.off ins.ws{display:none}
.flag.off{background:none;text-decoration:none}
@media (max-width:40rem){
 body{font-size:17px}
 .tip{position:fixed;left:.5rem;right:.5rem;top:auto;bottom:.5rem;max-width:none;width:auto}
 .nav{width:100%}
 .nav button{flex:1}
}
@media print{.toolbar{position:static}.tip{display:none!important}}
"""

SCRIPT = """
(function () {
  "use strict";
  var items = Array.prototype.slice.call(document.querySelectorAll(".item"));
  var boxes = Array.prototype.slice.call(document.querySelectorAll("input[data-filter]"));
  var status = document.getElementById("nav-status");
  var current = -1;

  function applyFilters() {
    var shown = {};
    boxes.forEach(function (b) { if (b.checked) { shown[b.getAttribute("data-filter")] = true; } });
    var edits = 0, flags = 0;
    items.forEach(function (el) {
      var on = el.getAttribute("data-filter-keys").split(" ").some(function (k) { return shown[k]; });
      el.classList.toggle("off", !on);
      el.tabIndex = on ? 0 : -1;
      if (on) { if (el.getAttribute("data-kind") === "edit") { edits++; } else { flags++; } }
    });
    status.textContent = "Showing " + edits + " edit" + (edits === 1 ? "" : "s") + " and " + flags +
      " flagged span" + (flags === 1 ? "" : "s") + ".";
  }

  function describe(el) {
    if (el.getAttribute("data-kind") === "edit") {
      return "edit (" + el.getAttribute("data-stage") + ")";
    }
    return "flagged span (score " + el.getAttribute("data-score") + ")";
  }

  function go(step) {
    var visible = items.filter(function (el) { return !el.classList.contains("off"); });
    if (!visible.length) { status.textContent = "Nothing to visit: every filter is off."; return; }
    var ref = items.indexOf(document.activeElement);
    if (ref < 0) { ref = current; }
    var target = null, i;
    if (step > 0) {
      for (i = 0; i < visible.length; i++) { if (items.indexOf(visible[i]) > ref) { target = visible[i]; break; } }
      if (!target) { target = visible[0]; }
    } else {
      for (i = visible.length - 1; i >= 0; i--) {
        if (ref < 0 || items.indexOf(visible[i]) < ref) { target = visible[i]; break; }
      }
      if (!target) { target = visible[visible.length - 1]; }
    }
    if (current >= 0) { items[current].classList.remove("current"); }
    current = items.indexOf(target);
    target.classList.add("current");
    target.focus({preventScroll: true});
    if (target.scrollIntoView) { target.scrollIntoView({block: "center"}); }
    status.textContent = "Item " + (visible.indexOf(target) + 1) + " of " + visible.length + ": " + describe(target) + ".";
  }

  boxes.forEach(function (b) { b.addEventListener("change", applyFilters); });
  document.getElementById("next").addEventListener("click", function () { go(1); });
  document.getElementById("prev").addEventListener("click", function () { go(-1); });
  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
    var tag = ev.target && ev.target.tagName;
    if (tag === "INPUT" && ev.target.type !== "checkbox" || tag === "TEXTAREA" || tag === "SELECT") { return; }
    if (ev.key === "n" || ev.key === "j") { go(1); ev.preventDefault(); }
    else if (ev.key === "p" || ev.key === "k") { go(-1); ev.preventDefault(); }
    else if (ev.key === "Escape" && document.activeElement && document.activeElement.blur) { document.activeElement.blur(); }
  });
  applyFilters();
})();
"""

CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"


def render_report(result: Any, flagged: Iterable[Any] | None = None, *, title: str | None = None,
                  language: str | None = None, score: float | None = None) -> str:
    """The review page for ``result`` (a :class:`~unmangle.pipeline.RepairResult`) as one HTML string.

    ``flagged``: spans from :func:`unmangle.detection.detect` on ``result.original`` (objects or
    mappings with start, end, score, source); those no edit touched are highlighted by score.
    ``language`` and ``score`` (a document suspicion score) are shown in the summary when given.
    """
    original = result.original
    edits = check_edits(original, list(result.edits))
    flags = unchanged_flags(original, edits, flagged or [])
    stages = _Stages(edits)
    heading = title or "unmangle review"
    body = _document_markup(original, edits, flags, stages)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<link rel="icon" href="data:,">
<title>{_esc(heading)}</title>
<style>{CSS}
{_stage_css(stages)}
</style>
</head>
<body>
<header>
<h1>{_esc(heading)}</h1>
<p class="help">Removed text is <del>struck through</del>, inserted text <ins>underlined</ins>, coloured by
stage; <mark class="flag" style="--score:.9">highlighted</mark> text was flagged as suspicious but left
unchanged. Hover over or focus an item for its reason. Keys: <kbd>n</kbd>/<kbd>j</kbd> next,
<kbd>p</kbd>/<kbd>k</kbd> previous.</p>
{_summary(result, stages, flags, language, score)}
</header>
<main>
<div class="toolbar" role="region" aria-label="Filters and navigation">
{_filters(stages, flags)}
<div class="nav"><button type="button" id="prev" aria-keyshortcuts="p k">◀ Previous</button>
<button type="button" id="next" aria-keyshortcuts="n j">Next ▶</button></div>
<p id="nav-status" role="status" aria-live="polite"></p>
</div>
<h2 id="text-h">Text</h2>
<article class="doc" id="doc" aria-labelledby="text-h">{body}</article>
</main>
<script>{SCRIPT}</script>
</body>
</html>
"""
