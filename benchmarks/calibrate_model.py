"""Calibrate a model folder's neural-stage thresholds on the shared data: ``unmangle calibrate``
with the project's calibration sets.

Sets (never the evaluation sets of benchmarks/run.py): UN General Debate speeches of 2022 (the
validation year; training reads <= 2021, evaluation uses 2023-2024), corrupted with the news preset;
the last 200 lines of each language pair of MLQE-PE *train* (held out of training by
scripts/train_bundled.sh); clean UN 2022 sentences and those lines' post-edits; and, as clean text
of another register (clean-general), English Wikipedia sentences of the MLQE-PE en-zh *train*
split (never read by the model's training; the document score trains on them). Every option after
the model folder is passed on to ``unmangle calibrate`` (see its --help), e.g.::

    python benchmarks/calibrate_model.py models/unmangle-base --write --report benchmarks/results/calibration.json
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def shared_dir() -> Path:
    return Path(os.environ.get("UNMANGLE_SHARED", ROOT.parent / "shared"))


def calibration_args(shared: Path) -> list[str]:
    return ["--clean-corpus", str(shared / "corpus/ungdc_en_1992_2024/ungdc_en_1992_2024.jsonl.gz"),
            "--where", "year==2022",
            "--pairs", str(shared / "corpus/mlqe_pe_xx_en/mlqe_pe_xx_en.train.jsonl.gz"),
            "--general-clean", str(shared / "corpus/mlqe_pe_en_zh/mlqe_pe_en_zh.jsonl.gz"),
            "--general-field", "en", "--general-where", "split==train", "--general-detokenize"]


def main(argv: list[str] | None = None, stage: str = "neural") -> int:
    from unmangle.cli import main as cli

    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0].startswith("-"):
        print(__doc__, file=sys.stderr)
        return 2
    return cli(["calibrate", argv[0], "--stage", stage, *calibration_args(shared_dir()), *argv[1:]])


if __name__ == "__main__":
    sys.exit(main())
