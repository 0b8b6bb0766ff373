"""Which sentences two checkouts of unmangle remove from real speeches: the removals only one makes.

A change to the removal stages (``duplicates``, ``boilerplate``) is judged by what it takes out
of real text nobody mangled. This runs ``Repairer(fast=True)`` of each checkout (in its own
process) over every ``--every``-th UN General Debate speech and lists the removals (edits that
take text out, doubled words aside) made by one checkout and not the other::

    git worktree add /tmp/old <commit>
    python benchmarks/removal_changes.py /tmp/old . --out benchmarks/results/removal_changes.md
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

_WORKER = r"""
import gzip, json, sys
sys.path.insert(0, sys.argv[1])
from unmangle import Repairer
repairer = Repairer(fast=True)
every, corpus, out = int(sys.argv[2]), sys.argv[3], sys.argv[4]
found = []
with gzip.open(corpus, "rt") as fh:
    for k, line in enumerate(fh):
        if k % every:
            continue
        rec = json.loads(line)
        for e in repairer.repair_document(rec["text"]).edits:
            if e.stage in ("duplicates", "boilerplate") and not e.new and e.reason != "repeated word":
                found.append([f"{rec.get('country', '?')} {rec['year']}", e.start, e.old.strip()[:160], e.reason[:120]])
json.dump({"documents": len(range(0, k + 1, every)), "removals": found}, open(out, "w"))
"""


def run(checkout: Path, every: int, corpus: Path) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run([sys.executable, "-c", _WORKER, str(checkout / "src"), str(every), str(corpus), out.name],
                       check=True)
        return json.load(open(out.name, encoding="utf-8"))


def commit_of(checkout: Path) -> str:
    out = subprocess.run(["git", "-C", str(checkout), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", str(checkout), "status", "--porcelain", "src"], capture_output=True, text=True)
    return (out.stdout.strip() or "?") + ("+dirty" if dirty.stdout.strip() else "")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("old", type=Path, help="the checkout to compare against")
    ap.add_argument("new", type=Path, help="the checkout under test")
    ap.add_argument("--every", type=int, default=8, help="take every N-th speech (default 8)")
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    ap.add_argument("--out", type=Path, help="write a Markdown report here")
    args = ap.parse_args()
    corpus = args.shared / "corpus" / "ungdc_en_1992_2024" / "ungdc_en_1992_2024.jsonl.gz"
    old, new = run(args.old, args.every, corpus), run(args.new, args.every, corpus)
    key = lambda r: (r[0], r[1], r[2])  # noqa: E731
    old_keys, new_keys = {key(r) for r in old["removals"]}, {key(r) for r in new["removals"]}
    only_old = [r for r in old["removals"] if key(r) not in new_keys]
    only_new = [r for r in new["removals"] if key(r) not in old_keys]
    lines = ["# Removals from real speeches: two checkouts compared", "",
             f"`python benchmarks/removal_changes.py {args.old} {args.new} --every {args.every}` ({date.today()}): "
             f"{new['documents']} UN General Debate speeches; old checkout git {commit_of(args.old)}, new git "
             f"{commit_of(args.new)}; removals: {len(old['removals'])} by the old checkout, {len(new['removals'])} by the new one.", "", f"## Only the old checkout removes ({len(only_old)})", ""]
    lines += [f"- {r[0]}: “{r[2]}” — {r[3]}" for r in only_old] or ["(none)"]
    lines += ["", f"## Only the new checkout removes ({len(only_new)})", ""]
    lines += [f"- {r[0]}: “{r[2]}” — {r[3]}" for r in only_new] or ["(none)"]
    lines += ["", "## Both remove", ""]
    lines += [f"- {r[0]}: “{r[2]}” — {r[3]}" for r in new["removals"] if key(r) in old_keys] or ["(none)"]
    report = "\n".join(lines) + "\n"
    if args.out:
        args.out.write_text(report, encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
