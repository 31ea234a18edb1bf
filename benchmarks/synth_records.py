"""The synthetic hold records that the audit and cost benchmarks share: their options, where they are cached, and
their generation by `wso audit synth` (in a child process, so that its memory does not count in a benchmark's peak).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
GENERATOR = "g4"  # bump when the generator changes, so a cached data set is not reused


def add_options(ap: argparse.ArgumentParser) -> None:
    """The options that name a data set: how many holds, the seed, the violation rate, the cache folder."""
    ap.add_argument("--holds", type=int, default=10_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rate", type=float, default=0.02)
    ap.add_argument("--dir", type=Path, default=None, help="where the generated records are cached")


def records(args: argparse.Namespace, generator: str = GENERATOR, src: Path = SRC) -> Path:
    """The folder of the data set `args` names, generated first (by the code in `src`, whose generator is
    `generator`) if it is not cached; prints what it is and the machine's load."""
    root: Path = args.dir or Path(tempfile.gettempdir()) / "wso-audit-bench" / (
        f"holds-{args.holds}-seed-{args.seed}-rate-{args.rate}-{generator}"
    )
    print(f"holds: {args.holds:,}  seed: {args.seed}  violation rate: {args.rate}  records: {root}")
    print(f"machine: {os.cpu_count()} CPUs, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if not (root / "synth.json").exists():
        t = time.perf_counter()
        cmd = [sys.executable, "-m", "wso", "audit", "synth", "--holds", str(args.holds), "--seed", str(args.seed),
               "--violation-rate", str(args.rate), "--out", str(root)]  # fmt: skip
        subprocess.run(cmd, check=True, env={**os.environ, "PYTHONPATH": str(src)})
        print(f"generate (cached for the next run): {time.perf_counter() - t:8.2f} s")
    return root
