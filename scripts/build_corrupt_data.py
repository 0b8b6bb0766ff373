"""Data-build step (run by a developer, not at run time): the lowercase word list the entity family uses.

The procedural entity generator must not treat a capitalised common word (``High`` in "High
Commissioner", ``Round`` in "Uruguay Round") as a name. ``data/lowercase_words.txt`` lists words
seen in lowercase often enough in clean English that a capitalised occurrence is probably not a
name. It is built from the UN General Debate corpus (CC0), years up to 2021 only (2022-2024 are held
out for evaluation):

    python -m unmangle.corrupt.build_data --ungdc PATH/TO/ungdc_en_1992_2024.jsonl.gz

The run is deterministic (counts, then sorted by count and word).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
from collections import Counter
from pathlib import Path

_WORD = re.compile(r"(?<![\w-])[a-z]+(?:-[a-z]+)*(?![\w-])")
DATA_DIR = Path(__file__).resolve().parent / "data"


def count_lowercase(path: Path, max_year: int = 2021) -> Counter:
    counts: Counter = Counter()
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise SystemExit(f"{path}, line {lineno}: not JSON: {exc.msg}") from None
            if int(row.get("year", 9999)) > max_year:
                continue
            counts.update(_WORD.findall(row["text"]))
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ungdc", required=True, type=Path, help="ungdc_en_1992_2024.jsonl.gz")
    parser.add_argument("--min-count", type=int, default=20, help="keep words seen at least this often")
    parser.add_argument("--max-year", type=int, default=2021, help="newest speech year to read")
    parser.add_argument("-o", "--output", type=Path, default=DATA_DIR / "lowercase_words.txt")
    args = parser.parse_args(argv)
    counts = count_lowercase(args.ungdc, args.max_year)
    words = sorted((w for w, c in counts.items() if c >= args.min_count and len(w) > 2),
                   key=lambda w: (-counts[w], w))
    header = (f"# Words seen in lowercase at least {args.min_count} times in UN General Debate speeches "
              f"1992-{args.max_year} (CC0).\n# Built by: python -m unmangle.corrupt.build_data "
              f"--ungdc ungdc_en_1992_2024.jsonl.gz --min-count {args.min_count}\n")
    lines = [" ".join(words[k:k + 20]) for k in range(0, len(words), 20)]
    args.output.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(words)} words -> {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
