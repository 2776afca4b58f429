"""A long fuzz run of the readers (GeoJSON and CSV layer files, rule sets, `site --file`).

    python scripts/fuzz.py --examples 5000            # every reader, 5,000 examples each
    python scripts/fuzz.py --examples 20000 -k csv    # one reader

It runs the hypothesis fuzzers of tests/hardening/test_fuzz.py with more examples and a
random seed (the test suite runs 30 derandomized examples each). A failure is printed with
the smallest input hypothesis found; statistics show how many inputs each reader accepted
and rejected (the project's own errors: exit 2 with one message).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--examples", type=int, default=5000, help="examples per reader")
    ap.add_argument("-k", default="reader or site_file", help="pytest -k expression")
    args = ap.parse_args()
    env = dict(os.environ, TOWNSGIS_FUZZ_EXAMPLES=str(args.examples))
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        str(ROOT / "tests" / "hardening" / "test_fuzz.py"),
        "-q",
        "-p",
        "no:randomly",
        "-k",
        args.k,
        "--hypothesis-show-statistics",
    ]
    return subprocess.call(cmd, env=env, cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main())
