"""Choose the capitals stage's thresholds (``break_min_gain``, ``lower_max_gain``).

Sets: paragraphs of the validation slice corrupted whole with the ``news`` preset (document level,
so lost sentence breaks occur), after the deterministic stages as in the pipeline; and clean text
(other paragraphs of the slice, the target side of the held-out pairs), where every change is harm.

An edit on the damaged set counts right when it undoes what the generator did to that word: a break
where it merged two sentences (``globally Such``), a lower-case where it put a stray capital
(``platforms Will``); any other edit there is wrong. (Judging by the reference text alone
miscounts: a right lower-case next to another damaged word is not found in the reference.) Rule:
the most right edits less twice the wrong ones among settings with precision >= ``min_precision``
and at most ``max_clean_changes`` per 1,000 clean sentences.
"""

from __future__ import annotations

from dataclasses import dataclass

#: A threshold out of reach: that fix is never made.
OFF = 1e9
#: The generator's operation each fix undoes (unmangle.corrupt.clause).
UNDOES = {"break": "sentence.merge", "lower": "capital.stray"}
BREAK_GRID = (0.0, 1.0, 2.0, 3.0, 4.0, 6.0, 8.0, OFF)
LOWER_GRID = (-OFF, -16.0, -12.0, -10.0, -8.0, -6.0, -4.0, -2.0, 0.0)

#: (start, end, old, previous word, word, break gain, may lower) of a capitalised-word site
Site = tuple[int, int, str, str, str, float, bool]


def site_gains(stage, text: str) -> list[Site]:
    """Every site in ``text`` with its break gain; the thresholds decide later, as
    ``CapitalsStage.decide`` does."""
    from ..stages.capitals import break_gain, capital_sites
    from ..textspans import sentences

    out = []
    for sent in sentences(text):
        for site in capital_sites(sent.text):
            g = break_gain(stage.lm, sent.text, site)
            a, b = sent.start + site.prev_start, sent.start + site.end
            out.append((a, b, text[a:b], sent.text[site.prev_start:site.prev_end],
                        sent.text[site.start:site.end], g, stage.fits_in_place(sent.text, site)))
    return out


def generator_ops(sites: list[Site], source: str, spans) -> list[str | None]:
    """For each site, the generator operation that made its capitalised word (None: not damage).

    Sites are found in the text after the deterministic stages, which only touch spacing,
    boilerplate and duplicates, so each site's words are looked up in the damaged source."""
    ops = []
    for _, _, old, _, word, _, _ in sites:
        at = source.find(old)
        word_start = at + len(old) - len(word)
        ops.append(next((sp.op for sp in spans if at >= 0 and sp.source_start <= word_start < sp.source_end),
                        None))
    return ops


def judge(sites: list[Site], ops: list[str | None], break_min: float, lower_max: float) -> tuple[int, int]:
    """(right, wrong) edits at these thresholds; ``ops`` all None for clean text."""
    from ..stages.capitals import choose_fix

    right = wrong = 0
    for (_, _, _, _, _, g, may_lower), op in zip(sites, ops):
        kind = choose_fix(g, may_lower, break_min, lower_max)
        if kind is None:
            continue
        if op == UNDOES[kind]:
            right += 1
        else:
            wrong += 1
    return right, wrong


@dataclass
class CapitalsCalibration:
    rows: list[dict]
    best: dict | None
    summary: str


def calibrate_capitals(lm, damaged, clean: list[str], *, prepare, min_precision: float = 0.9,
                       max_clean_changes: float = 1.0, log=print) -> CapitalsCalibration:
    """Grid over (break_min_gain, lower_max_gain); ``damaged``: corrupted pairs with spans
    (``unmangle.corrupt`` documents), ``clean``: texts; ``prepare``: the deterministic stages."""
    from ..stages.capitals import CapitalsStage
    from ..textspans import sentences

    stage = CapitalsStage(lm)
    damaged_sites = []
    for p in damaged:
        sites = site_gains(stage, prepare(p.source))
        damaged_sites.append((sites, generator_ops(sites, p.source, p.spans)))
    clean_sentences = sum(len(sentences(t)) for t in clean)
    clean_sites = [site_gains(stage, prepare(t)) for t in clean]
    lost_breaks = sum(1 for p in damaged for s in p.spans if s.op == "sentence.merge")
    stray = sum(1 for p in damaged for s in p.spans if s.op == "capital.stray")
    summary = (f"{len(damaged)} damaged paragraphs ({lost_breaks} lost breaks, {stray} stray capitals made), "
               f"{sum(len(s) for s, _ in damaged_sites)} sites; {len(clean)} clean texts ({clean_sentences} "
               f"sentences), {sum(len(s) for s in clean_sites)} sites")
    log(summary)
    rows = []
    for bmin in BREAK_GRID:
        for lmax in LOWER_GRID:
            if lmax > bmin:
                continue
            right = wrong = 0
            for sites, ops in damaged_sites:
                r, w = judge(sites, ops, bmin, lmax)
                right, wrong = right + r, wrong + w
            clean_changes = sum(sum(judge(sites, [None] * len(sites), bmin, lmax)) for sites in clean_sites)
            rows.append({"break_min_gain": bmin, "lower_max_gain": lmax, "right": right, "wrong": wrong,
                         "precision": right / (right + wrong) if right + wrong else 1.0,
                         "clean_changes_per_1000": 1000 * clean_changes / max(clean_sentences, 1)})
    ok = [r for r in rows if r["precision"] >= min_precision and r["clean_changes_per_1000"] <= max_clean_changes]
    best = max(ok, key=lambda r: (r["right"] - 2 * r["wrong"], r["precision"]), default=None)
    return CapitalsCalibration(rows, best, summary)


def format_rows(result: CapitalsCalibration) -> str:
    lines = [f"{'break>=':>8} {'lower<=':>8} {'right':>6} {'wrong':>6} {'prec':>6} {'clean/1k':>8}"]
    for r in result.rows:
        mark = " <- chosen" if r is result.best else ""
        lines.append(f"{r['break_min_gain']:>8} {r['lower_max_gain']:>8} {r['right']:>6} {r['wrong']:>6} "
                     f"{r['precision']:>6.2f} {r['clean_changes_per_1000']:>8.2f}{mark}")
    return "\n".join(lines)
