"""Calibrate a model folder's capitals-stage thresholds on the shared data: ``unmangle calibrate
--stage capitals`` with the project's calibration sets (see benchmarks/calibrate_model.py)::

    python benchmarks/calibrate_capitals.py models/unmangle-base --write --report benchmarks/results/capitals_calibration.json
"""

from __future__ import annotations

import sys

from calibrate_model import main

if __name__ == "__main__":
    sys.exit(main(stage="capitals"))
