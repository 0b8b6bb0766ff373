"""Screenshots of the review page of the shipped example, for the README.

Runs the README's command (``unmangle repair seeds/examples/mangled_news.txt --html ...``, full
pipeline) and photographs the page with headless Chromium at a desktop size and a phone size.

Usage: ``python benchmarks/report_screenshot.py [--out benchmarks/results/report.png]``
(the phone view goes beside it as ``report_phone.png``; needs a ``chromium`` binary).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from unmangle.cli import main as unmangle  # noqa: E402

EXAMPLE = ROOT / "seeds" / "examples" / "mangled_news.txt"


def shoot(chromium: str, page: Path, out: Path, width: int, height: int, scale: float = 1.0) -> None:
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                        f"--user-data-dir={profile}", f"--window-size={width},{height}",
                        f"--force-device-scale-factor={scale}", f"--screenshot={out}", page.as_uri()],
                       check=True, capture_output=True, timeout=120)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "report.png")
    args = ap.parse_args(argv)
    chromium = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")
                     if shutil.which(n)), None)
    if chromium is None:
        print("no chromium binary found: install Debian's 'chromium' package", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.html"
        code = unmangle(["repair", str(EXAMPLE.relative_to(ROOT)) if Path.cwd() == ROOT else str(EXAMPLE),
                         "--html", str(report), "-o", str(Path(tmp) / "repaired.txt")])
        if code:
            return code
        args.out.parent.mkdir(parents=True, exist_ok=True)
        shoot(chromium, report, args.out, 1000, 1400)
        phone = args.out.with_name(args.out.stem + "_phone" + args.out.suffix)
        shoot(chromium, report, phone, 390, 844, 1.0)
    print(f"wrote {args.out} and {phone}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
