"""Compare two benchmark result files: what changed between two runs, system by system."""

from __future__ import annotations

from typing import Any

from .report import flat_system

#: Metrics where a lower value is better (shown so a reader knows which way is good).
LOWER_IS_BETTER = frozenset({"ter", "edits_per_1000_words", "seconds", "load_s", "peak_rss_mb",
                             "added_mb", "python_peak_mb"})
_SKIP = frozenset({"n", "words"})


def compare_results(a: dict, b: dict, *, a_label: str = "A", b_label: str = "B") -> str:
    """A Markdown diff table of every number the two results share, per system (B minus A)."""
    lines = [f"Comparing {a_label} ({a.get('name')}, {a.get('environment', {}).get('date')}) with "
             f"{b_label} ({b.get('name')}, {b.get('environment', {}).get('date')})."]
    da, db = a.get("data", {}), b.get("data", {})
    if (da.get("pairs"), da.get("words")) != (db.get("pairs"), db.get("words")):
        lines.append(f"Warning: different data ({da.get('pairs')} vs {db.get('pairs')} inputs, "
                     f"{da.get('words')} vs {db.get('words')} words): scores are not comparable.")
    sa, sb = a.get("systems", {}), b.get("systems", {})
    only_a, only_b = [n for n in sa if n not in sb], [n for n in sb if n not in sa]
    if only_a:
        lines.append(f"Only in {a_label}: {', '.join(only_a)}.")
    if only_b:
        lines.append(f"Only in {b_label}: {', '.join(only_b)}.")
    for name in [n for n in sa if n in sb]:
        fa, fb = flat_system(sa[name]), flat_system(sb[name])
        keys = [k for k in fa if k in fb and k not in _SKIP]
        lines += ["", f"system `{name}`", "", f"| metric | {a_label} | {b_label} | {b_label} − {a_label} |",
                  "|---|---|---|---|"]
        for key in keys:
            va, vb = fa[key], fb[key]
            lines.append(f"| {key}{' (lower is better)' if key in LOWER_IS_BETTER else ''} | "
                         f"{_num(va)} | {_num(vb)} | {_diff(va, vb)} |")
    return "\n".join(lines) + "\n"


def _num(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


def _diff(va: Any, vb: Any) -> str:
    if not isinstance(va, (int, float)) or not isinstance(vb, (int, float)):
        return "–"
    delta = vb - va
    return f"{delta:+.4g}" if abs(delta) < 1000 else f"{delta:+,.0f}"
