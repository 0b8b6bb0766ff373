#!/usr/bin/env python
"""How much rewriter margin a rule-made alternative ever needs: the measurement behind
``InferenceSettings.rule_margin_cap``.

The neural stage judges the n-gram model's favourite rule-made alternatives of every sentence with
the rewriter, whose encoder pass is most of repair's model time. An alternative is accepted when its
evidence (the rewriter's margin plus what the other judges give it) reaches ``min_evidence``; the
other judges' part is known before the rewriter runs. This scores *every* alternative on the
calibration sets (training side only: UN 2022 corrupted with the news preset, held-out MLQE-PE
*train* lines, clean UN 2022 sentences and post-edits) and reports, for each cap, the share of
alternatives that would not be scored and how many accepted ones would be lost::

    python benchmarks/rule_margin_cap.py --out benchmarks/results/rule_margin_cap.json
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))  # run from a checkout without installing
CAPS = (2.0, 4.0, 6.0, 8.0, 10.0, 12.0, 14.0)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path,
                    default=Path(os.environ.get("UNMANGLE_SHARED", HERE.parent.parent / "shared")))
    ap.add_argument("--synthetic", type=int, default=600)
    ap.add_argument("--per-group", type=int, default=200)
    ap.add_argument("--clean", type=int, default=1000)
    ap.add_argument("--out", type=Path, default=HERE / "results" / "rule_margin_cap.json")
    args = ap.parse_args(argv)

    from unmangle import Repairer
    from unmangle.training.calibration_sets import CalibrationData, neural_sets

    data = CalibrationData(clean_corpus=args.shared / "corpus/ungdc_en_1992_2024/ungdc_en_1992_2024.jsonl.gz",
                           pairs=args.shared / "corpus/mlqe_pe_xx_en/mlqe_pe_xx_en.train.jsonl.gz")
    sets = neural_sets(data, synthetic=args.synthetic, per_group=args.per_group, clean=args.clean)
    stage = next(s for s in Repairer().stages if s.name == "neural")
    s = stage.settings
    rows = []  # (set, margin needed, margin)
    for name, pairs in sets.items():
        sources = [a for a, _ in pairs]
        for k in range(0, len(sources), 64):
            for choices in stage.choices_many(sources[k:k + 64]):  # no min_evidence: everything scored
                for c in choices:
                    o = c.options[0]
                    if o.kind == "rewriter":
                        continue
                    others = c.evidence(o, s.detector_weight, s.frequency_weight) - o.margin
                    rows.append((name, s.min_evidence - others, o.margin, o.gain))
    accepted = [r for r in rows if r[2] >= r[1] and (r[3] is None or r[3] >= s.lm_min_gain)]
    report = {
        "command": "python benchmarks/rule_margin_cap.py " + " ".join(sys.argv[1:] if argv is None else argv),
        "date": date.today().isoformat(),
        "sets": {name: len(pairs) for name, pairs in sets.items()},
        "min_evidence": s.min_evidence, "alternatives_scored": len(rows), "accepted": len(accepted),
        "accepted_by_set": {name: sum(1 for r in accepted if r[0] == name) for name in sets},
        "largest_margin_needed_by_an_accepted_one": round(max((r[1] for r in accepted), default=0.0), 3),
        "largest_margin_seen": round(max((r[2] for r in rows), default=0.0), 3),
        "caps": [{"cap": cap, "not_scored": round(sum(r[1] > cap for r in rows) / max(len(rows), 1), 4),
                  "accepted_lost": sum(r[1] > cap for r in accepted)} for cap in CAPS],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    for row in report["caps"]:
        print(f"cap {row['cap']:>4}: {100 * row['not_scored']:.1f}% not scored, {row['accepted_lost']} accepted lost")
    print(f"{len(rows)} alternatives, {len(accepted)} accepted; the largest margin an accepted one needed: "
          f"{report['largest_margin_needed_by_an_accepted_one']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
