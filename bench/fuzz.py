"""The fuzz suite (tests/test_fuzz_pages.py), run longer than `make test` does.

    python bench/fuzz.py [--examples 500]

Mutated example-corpus pages go through extraction (N examples), the whole pipeline (N/4)
and the mild-damage property (N); prints pytest's summary and the wall time. Not gated: a
failure prints Hypothesis's falsifying example.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--examples", type=int, default=500, help="examples per property (default: 500)")
    args = ap.parse_args()
    env = dict(os.environ, NEWSDESK_FUZZ_EXAMPLES=str(args.examples))
    t0 = time.monotonic()
    r = subprocess.run([sys.executable, "-m", "pytest", str(ROOT / "tests" / "test_fuzz_pages.py"),
                        "-q", "-p", "no:cacheprovider"], env=env, cwd=ROOT)
    print(f"fuzz: {args.examples} examples per property, {time.monotonic() - t0:.0f} s, "
          f"{'all held' if r.returncode == 0 else 'FAILED'}")
    return r.returncode


if __name__ == "__main__":
    sys.exit(main())
