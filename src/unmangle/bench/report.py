"""Benchmark results out: JSON (the record), a Markdown table (to read), a PNG plot (to see)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable

from ..atomic import write_text_atomic
from .environment import machine_line

#: (key in flat metrics, column title, format) of the main table with references.
REF_COLUMNS = (
    ("chrf", "chrF", "{:.2f}"), ("bleu", "BLEU", "{:.2f}"), ("ter", "TER", "{:.2f}"),
    ("gleu", "GLEU", "{:.2f}"),
    ("edit_precision", "edit P", "{:.3f}"), ("edit_recall", "edit R", "{:.3f}"),
    ("edit_f0.5", "F0.5", "{:.3f}"),
    ("no_harm", "no harm", "pct"), ("exact", "exact", "pct"), ("span_recall", "span recall", "pct"),
    ("edits_per_1000_words", "edits/1k words", "{:.1f}"),
    ("words_per_s", "words/s", "{:,.0f}"), ("peak_rss_mb", "peak RSS MB", "{:.0f}"),
)
NOREF_COLUMNS = (
    ("edits", "edits", "{:d}"), ("edits_per_1000_words", "edits/1k words", "{:.1f}"),
    ("changed_word_share", "words changed", "pct"), ("changed_share", "inputs changed", "pct"),
    ("words_per_s", "words/s", "{:,.0f}"), ("mb_per_s", "MB/s", "{:.3f}"),
    ("peak_rss_mb", "peak RSS MB", "{:.0f}"),
)
GROUP_COLUMNS = (
    ("chrf", "chrF", "{:.2f}"), ("ter", "TER", "{:.2f}"), ("bleu", "BLEU", "{:.2f}"),
    ("edit_f0.5", "F0.5", "{:.3f}"), ("no_harm", "no harm", "pct"),
    ("no_harm_n", "already correct", "{:d}"), ("edits_per_1000_words", "edits/1k words", "{:.1f}"),
)


def flat_scores(scores: dict) -> dict[str, float | int | None]:
    """One level of ``name -> number`` from a scores dict (overall or a group)."""
    out: dict[str, Any] = {"n": scores.get("n"), "words": scores.get("words")}
    for key in ("chrf", "bleu", "ter", "gleu", "exact"):
        if key in scores:
            out[key] = scores[key]
    if "edit_prf" in scores:
        prf = scores["edit_prf"]
        out.update({"edit_precision": prf["precision"], "edit_recall": prf["recall"],
                    "edit_f0.5": prf["f0.5"], "edit_tp": prf["tp"], "edit_fp": prf["fp"],
                    "edit_fn": prf["fn"]})
    if "no_harm" in scores:
        out["no_harm"] = scores["no_harm"]["share"]
        out["no_harm_n"] = scores["no_harm"]["n"]
    if "spans" in scores:
        out["span_recall"] = scores["spans"]["recall"]
    for cat, value in scores.get("categories", {}).items():
        out[f"recall[{cat}]"] = value["recall"]
    out.update(scores.get("changes", {}))
    return out


def flat_system(entry: dict) -> dict[str, Any]:
    """Overall scores plus speed and memory of one system entry."""
    out = flat_scores(entry.get("overall", {}))
    speed, memory = entry.get("speed", {}), entry.get("memory", {})
    for key in ("words_per_s", "mb_per_s", "seconds", "load_s"):
        out[key] = speed.get(key)
    for key in ("peak_rss_mb", "added_mb", "python_peak_mb"):
        if key in memory:
            out[key] = memory[key]
    return out


def _cell(value: Any, fmt: str) -> str:
    if value is None:
        return "–"
    if fmt == "pct":
        return f"{100 * value:.2f}%"
    try:
        return fmt.format(value)
    except (ValueError, TypeError):
        return str(value)


def _table(header: list[str], rows: Iterable[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _escape(text: str, limit: int = 80, quote: bool = False) -> str:
    """Text fit for a Markdown table cell: one line, pipes escaped, cut at ``limit``."""
    if len(text) > limit:
        text = text[:limit - 1] + "…"
    if quote:
        text = repr(text)
    return text.replace("\n", "⏎").replace("|", "\\|").replace("`", "'")


def to_markdown(result: dict, *, heading_level: int = 3, max_edits: int = 200) -> str:
    """A Markdown report: the data, machine and command, then one table per view of the scores."""
    h = "#" * heading_level
    data, env = result.get("data", {}), result.get("environment", {})
    systems = result.get("systems", {})
    lines = [f"{h} {result.get('name', 'benchmark')}", ""]
    desc = f"{data.get('pairs')} inputs, {data.get('words')} words"
    if data.get("source"):
        desc += f", from {data['source']}"
    lines.append(f"- Data: {desc}.")
    if data.get("note"):
        lines.append(f"- {data['note']}")
    if result.get("config", {}).get("command"):
        lines.append(f"- Command: `{result['config']['command']}`")
    lines.append(f"- Machine: {machine_line(env)}; date: {env.get('date')}; "
                 f"unmangle {env.get('versions', {}).get('unmangle')} (git {env.get('git')}).")
    for name, entry in systems.items():
        note = entry.get("description", "")
        stages = entry.get("info", {}).get("stages")
        if stages:
            note += f"; stages: {', '.join(stages)}"
        if entry.get("info", {}).get("neural") == "not available":
            note += "; neural stage: not available"
        lines.append(f"- `{name}`: {note}")
    lines.append("")

    with_ref = data.get("with_reference")
    columns = REF_COLUMNS if with_ref else NOREF_COLUMNS
    flats = {name: flat_system(entry) for name, entry in systems.items()}
    present = [c for c in columns if any(f.get(c[0]) is not None for f in flats.values())]
    if with_ref and data.get("already_correct") == data.get("pairs"):
        # every reference equals its input (a no-harm set): edit-level scores say nothing there
        present = [c for c in present if c[0] not in ("edit_precision", "edit_recall", "edit_f0.5",
                                                      "gleu")]
    lines += _table(["system"] + [c[1] for c in present],
                    ([name] + [_cell(f.get(c[0]), c[2]) for c in present] for name, f in flats.items()))
    if with_ref:
        nh = next(iter(systems.values()), {}).get("overall", {}).get("no_harm", {})
        lines += ["", f"No harm: share of the {nh.get('n', 0)} already-correct inputs (input = "
                  "reference) left unchanged. Edit P/R/F0.5: exact match of word-level edits "
                  "(unmangle.metrics.scorer)."]

    group_names = sorted({g for e in systems.values() for g in e.get("groups", {})})
    if group_names:
        lines += ["", f"{h}# per group", ""]
        cols = [c for c in GROUP_COLUMNS if any(
            flat_scores(e["groups"][g]).get(c[0]) is not None
            for e in systems.values() for g in e.get("groups", {}))]
        rows = []
        for g in group_names:
            for name, entry in systems.items():
                if g in entry.get("groups", {}):
                    f = flat_scores(entry["groups"][g])
                    rows.append([g, name] + [_cell(f.get(c[0]), c[2]) for c in cols])
        lines += _table(["group", "system"] + [c[1] for c in cols], rows)

    cats = sorted({c for e in systems.values() for c in e.get("overall", {}).get("categories", {})})
    if cats:
        lines += ["", f"{h}# recall per corruption category", ""]
        first = next(iter(systems.values()))["overall"]["categories"]
        rows = [[cat, str(first.get(cat, {}).get("n", 0))] +
                [_cell(e["overall"].get("categories", {}).get(cat, {}).get("recall"), "pct")
                 for e in systems.values()] for cat in cats]
        lines += _table(["category", "spans"] + list(systems), rows)

    for name, entry in systems.items():
        harmed = entry.get("harmed")
        if not harmed:
            continue
        lines += ["", f"{h}# already-correct inputs changed by `{name}` (first {len(harmed)})", ""]
        rows = [[str(item["id"]), _escape("; ".join(item["changes"]), 160)] for item in harmed]
        lines += _table(["id", "changes"], rows)

    for name, entry in systems.items():
        if not entry.get("edits"):
            continue
        all_edits = [(item["id"], e) for item in entry["edits"] for e in item["edits"]]
        lines += ["", f"{h}# edits made by `{name}` ({len(all_edits)})", ""]
        rows = [[str(k + 1), _escape(e["old"], quote=True), _escape(e["new"], quote=True),
                 e.get("stage", ""), _escape(e.get("reason", ""), 60),
                 _escape(e.get("context", ""), 160)]
                for k, (_, e) in enumerate(all_edits[:max_edits])]
        lines += _table(["#", "old", "new", "stage", "reason", "context"], rows)
        if len(all_edits) > max_edits:
            lines.append(f"\n… and {len(all_edits) - max_edits} more (see the JSON file).")
    return "\n".join(lines) + "\n"


def write_json(result: dict, path: str | Path) -> None:
    write_text_atomic(path, json.dumps(result, ensure_ascii=False, indent=1) + "\n")


def load_result(path: str | Path) -> dict:
    """Read a result JSON written by :func:`write_json`, with a clear error for anything else."""
    path = Path(path)
    try:
        result = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"{path}: no such file") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: not a benchmark result (invalid JSON: {exc})") from None
    if not isinstance(result, dict) or "systems" not in result:
        raise ValueError(f"{path}: not a benchmark result (no 'systems')")
    return result


def plot(result: dict, path: str | Path) -> str:
    """Save a PNG bar chart: recall per corruption category for each system when spans are
    labelled; else TER per group; else edits per 1,000 words. Returns what it plotted."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    systems = result.get("systems", {})
    cats = sorted({c for e in systems.values() for c in e.get("overall", {}).get("categories", {})})
    groups = sorted({g for e in systems.values() for g in e.get("groups", {})})
    if cats:
        what, labels, ylabel = "recall per corruption category", cats, "recall"
        values = {n: [e["overall"].get("categories", {}).get(c, {}).get("recall", 0.0) for c in cats]
                  for n, e in systems.items()}
    elif groups and result.get("data", {}).get("with_reference"):
        what, labels, ylabel = "TER per group (lower is better)", groups, "TER"
        values = {n: [e.get("groups", {}).get(g, {}).get("ter") or 0.0 for g in groups]
                  for n, e in systems.items()}
    else:
        what, labels, ylabel = "edits per 1,000 words", ["all"], "edits / 1,000 words"
        values = {n: [e["overall"]["changes"]["edits_per_1000_words"]] for n, e in systems.items()}
    fig, ax = plt.subplots(figsize=(max(6.0, 0.9 * len(labels) * max(1, len(systems)) / 2 + 3), 4.2))
    width = 0.8 / max(1, len(values))
    for k, (name, vals) in enumerate(values.items()):
        xs = [x + (k - (len(values) - 1) / 2) * width for x in range(len(labels))]
        ax.bar(xs, vals, width, label=name)
    ax.set_xticks(range(len(labels)))
    tilt = len(labels) > 4
    ax.set_xticklabels(labels, rotation=30 if tilt else 0, ha="right" if tilt else "center")
    ax.set_ylabel(ylabel)
    if ylabel == "recall":
        ax.set_ylim(0, 1)
    ax.set_title(f"{result.get('name', 'benchmark')}: {what}")
    ax.legend()
    fig.tight_layout()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return what
