"""The fine-tuning demo's results page (benchmarks/results/finetune.md) from its JSON results."""

from __future__ import annotations

def fmt_harm(h: dict | None) -> str:
    if not h or not h.get("n"):
        return "-"
    return f"{h['share']:.1%} of {h['n']}"


def system_table(result: dict, extra_cols: dict[str, dict[str, str]] | None = None) -> list[str]:
    extra_cols = extra_cols or {}
    head = ("| system | chrF | TER | edit P | edit R | edit F0.5 | sentences changed | "
            "no harm (pairs already correct) |" + "".join(f" {c} |" for c in extra_cols))
    lines = [head, "|---" + "|---:" * (7 + len(extra_cols)) + "|"]
    for name, s in result["systems"].items():
        cells = [f"{s['chrf']:.2f}", f"{s['ter']:.2f}", f"{s['precision']:.3f}", f"{s['recall']:.3f}",
                 f"{s['f0.5']:.3f}", f"{s['changed']} of {result['eval_pairs']}", fmt_harm(s["no_harm"])]
        cells += [col.get(name, "-") for col in extra_cols.values()]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


def summary_line(result: dict) -> str:
    """One sentence with the before/after change, generated from the numbers."""
    sy = result["systems"]
    ident, base, tuned = sy["leave alone (identity)"], sy["base model (before)"], sy["fine-tuned (after)"]
    text = (f"**In short:** fine-tuning moved TER from {base['ter']:.2f} to {tuned['ter']:.2f} "
            f"(leave alone: {ident['ter']:.2f}), chrF from {base['chrf']:.2f} to {tuned['chrf']:.2f}, "
            f"edit F0.5 from {base['f0.5']:.3f} to {tuned['f0.5']:.3f}; the pipeline changed "
            f"{base['changed']} then {tuned['changed']} of {result['eval_pairs']} inputs.")
    if "flagged" in result:
        fb, ft = result["flagged"]["base model (before)"], result["flagged"]["fine-tuned (after)"]
        pb, pt = result["planted"]["base model (before)"], result["planted"]["fine-tuned (after)"]
        text += (f" Planted renderings flagged whole by the detector: {fb['total']['flagged']} then "
                 f"{ft['total']['flagged']} of {ft['total']['present']}; restored to the invented "
                 f"name: {pb['total']['restored']} then {pt['total']['restored']}.")
    return text


def training_lines(result: dict) -> list[str]:
    t = result["training"]
    fe = t.get("final_eval") or {}
    lines = [
        f"Run: `{result['run']['command']}` on {result['run']['date']}"
        + (f"; scored again without training by `{result['run']['rescored']['command']}` on "
           f"{result['run']['rescored']['date']}" if result["run"].get("rescored") else "") + ".  ",
        f"Command (run by the script through `unmangle.cli.main`): `{result['command']}`",
        "",
        f"Training: {result['train_pairs']:,} pairs, {t['steps']} steps at batch "
        f"{result['batch_size']} ({t['examples_seen']:,} examples of each kind seen), "
        f"{t['seconds']:.0f} s of training on {t['device_name']}"
        + (f" (stopped by the {result['time_budget']:.0f} s budget before the {result['steps_requested']} "
           "steps asked for)" if t["steps"] < result["steps_requested"] else "")
        + "; the whole command, scoring "
        f"before and after included, took {result['wall_seconds']:.0f} s.",
    ]
    if t.get("history"):
        lines.append("Held-out evaluations during training (the command evaluates every steps/5 steps; "
                     "their time counts in the training seconds): " + ", ".join(
                         f"step {h['step']} at {h['seconds']:.0f} s (detector recall {h['det_recall']:.2f})"
                         for h in t["history"]) + ".  ")
    if fe:
        lines.append(f"Held-out rows of the training pairs after training: detector precision "
                     f"{fe['det_precision']:.3f}, recall {fe['det_recall']:.3f}; rewriter token "
                     f"accuracy {fe['rw_token_acc']:.3f}, exact {fe['rw_exact']:.3f}.")
    recal = result.get("recalibration")
    if recal:
        lines += ["", f"Re-calibrated ({recal['reason']}): `{recal['command']}` "
                      f"({recal['seconds']:.0f} s) chose detect threshold {recal['detect_threshold']}, "
                      f"rewrite margin {recal['rewrite_margin']}"
                  + ("" if recal["found"] else " (no setting met the no-harm and TER conditions, so "
                     "calibration switched the rewriter off)") + "."]
    elif result.get("neural_made_no_edit"):
        lines += ["", "The fine-tuned model made no edit beyond the deterministic stages and was "
                      "not re-calibrated (run with `--recalibrate auto` or `always`)."]
    return lines


def example_lines(result: dict) -> list[str]:
    lines = []
    for key, title in (("examples", "fine-tuned model"), ("examples_recalibrated", "re-calibrated model")):
        rows = result.get(key)
        if rows is None:
            continue
        if not rows:
            lines += ["", f"The {title} changed nothing beyond the deterministic stages."]
            continue
        lines += ["", f"First edits of the {title} beyond the deterministic stages (three words of "
                      "context; right = the reference makes the same edit):", ""]
        lines += [f"- `{r['id']}`: `{r['edit']}` ({'right' if r['reference_edit'] else 'wrong'})"
                  for r in rows]
    return lines


def render(results: dict) -> str:
    env = results["environment"]
    lines = [
        "# Fine-tuning: before and after (`unmangle finetune`)",
        "",
        f"Reproduce: `{results['command']}` (both demos; each section names the run it comes from)  ",
        f"Machine: {env['nproc']} CPU cores ({env['cpu']}), {env.get('memory_gb')} GB RAM; shared with "
        f"other jobs, so times are rough; torch on {env.get('torch_threads')} thread(s). torch {env['versions'].get('torch')}, transformers "
        f"{env['versions'].get('transformers')}, sacrebleu {env['versions'].get('sacrebleu')}.  ",
        "Base model: `models/unmangle-base` (14M-parameter T5, thresholds from its own calibration). "
        "Every row is the full pipeline (deterministic stages, then the neural stage) unless its name "
        "says otherwise; all rows of a table score the same evaluation pairs. Edit P/R/F0.5 are "
        "word-level edits against the reference; no harm is the share of pairs whose input already "
        "equals the reference that stay unchanged.",
        "",
    ]
    if "mlqe" in results:
        r = results["mlqe"]
        lines += ["## 1. MLQE-PE: train -> dev", "", f"Training pairs: {r['data']['train']}.  ",
                  f"Evaluation: {r['data']['eval']}.  ",
                  "The base model was itself trained on these MLQE-PE train pairs (less the same "
                  "calibration lines), so this measures a little more training on data it has seen, at "
                  "a fine-tuning learning rate.", ""]
        lines += training_lines(r) + ["", summary_line(r), ""] + system_table(r)
        names = list(r["systems"])
        lines += ["", "TER per language pair (lower is better; sentences changed in brackets):", "",
                  "| pair | n | " + " | ".join(names) + " |", "|---|---:" + "|---:" * len(names) + "|"]
        for pair, row in sorted(r["per_group"].items()):
            lines.append(f"| {pair} | {row['n']} | " + " | ".join(
                f"{row[n]['ter']:.2f} ({row[n]['changed']})" for n in names) + " |")
        lines += example_lines(r) + [""]
    if "synthetic" in results:
        r = results["synthetic"]
        planted = ", ".join(f"{p['clean']} -> \"{p['rendered']}\" (replacing {p['replaces']})"
                            for p in r["data"]["planted"])
        lines += ["## 2. Synthetic domain with planted entity renderings (UN speeches)", "",
                  f"Planted names ({len(r['data']['planted'])}): {planted}. Each real name in a sentence "
                  "is replaced by its invented name on the clean side and by the rendering on the "
                  "corrupted side, which then gets the corruption generator's news-preset noise "
                  "(that noise damages a rendering now and then, so fewer renderings are present "
                  "than planted).", "",
                  f"Training pairs: {r['data']['train']}.  ", f"Evaluation: {r['data']['eval']}.  ",
                  f"No harm on clean text: {r['data']['clean']}.  ",
                  "A rendering counts as flagged when the neural stage's detector marks every word of "
                  "it at that model's own threshold, in the text the deterministic stages hand on; "
                  "as restored when it is gone from the output and the invented name stands instead.",
                  ""]
        lines += training_lines(r) + ["", summary_line(r), ""]
        restored = {n: f"{p['total']['restored']} of {p['total']['present']}" for n, p in r["planted"].items()}
        flagged = {n: f"{f['total']['flagged']} of {f['total']['present']} (p >= {f['threshold']})"
                   for n, f in r.get("flagged", {}).items()}
        clean = {n: fmt_harm(h) for n, h in r["clean_no_harm"].items()}
        lines += system_table(r, {"planted renderings flagged by the detector": flagged,
                                  "planted renderings restored": restored,
                                  "clean sentences unchanged": clean})
        names = list(r.get("flagged", {}))
        lines += ["", "Per planted name: renderings present in the evaluation inputs, how many the "
                      "detector flags whole, and how many the output restores to the invented name "
                      "(flagged / restored):", "",
                  "| name | rendering | present | " + " | ".join(names) + " |",
                  "|---|---|---:" + "|---:" * len(names) + "|"]
        for p in r["data"]["planted"]:
            cells = [f"{r['flagged'][n]['by_name'][p['clean']]['flagged']} / "
                     f"{r['planted'][n]['by_name'][p['clean']]['restored']}" for n in names]
            present = r["planted"]["leave alone (identity)"]["by_name"][p["clean"]]["present"]
            lines.append(f"| {p['clean']} | {p['rendered']} | {present} | " + " | ".join(cells) + " |")
        lines += example_lines(r) + [""]
    return "\n".join(lines) + "\n"
