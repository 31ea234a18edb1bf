"""Paired whole-process timing with nothing but Python: a command against a baseline, run in turn, from outside.

    python benchmarks/whole_process.py [-n RUNS] [--warmup N] [--vs 'COMMAND_B'] -- COMMAND [ARG ...]

Each run is a child process (no shell: write `sh -c '...'` for a pipe or a redirection), its output thrown away,
reaped with `os.wait4`: its wall seconds are a monotonic clock read around it, its CPU seconds are user + system of
the child and every process it waited for, and its peak is the largest resident set among them, as `/usr/bin/time
-v` would print them. With `--vs`, A and B run in turn (A B A B ...) and the ratios A/B are taken pair by pair, so
a machine whose speed drifts during the call loads both alike; the median of the pair ratios is the figure to quote.
A run that exits non-zero stops the call with its command, exit status and the end of what it wrote on stderr.

`benchmarks/registry_ingest.py --whole-process` uses it; it serves any other whole-process comparison as well.
"""

from __future__ import annotations

import argparse
import os
import resource
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Run:
    """One finished run of a command: wall and CPU seconds, peak resident set in MB."""

    wall: float
    cpu: float
    peak_mb: float


def run_once(argv: Sequence[str], env: Mapping[str, str] | None = None) -> Run:
    """Start `argv`, wait for it, and return the operating system's accounting of it."""
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(list(argv), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err, env=env)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            err.seek(0)
            tail = err.read().decode(errors="replace")[-2000:]
            raise SystemExit(f"{shlex.join(argv)}: exit {child.returncode}\n{tail}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def spread(values: Sequence[float], unit: str = "s") -> str:
    """`median (min-max)` of some figures."""
    unit = f" {unit}" if unit else ""
    return f"{statistics.median(values):.3f}{unit} ({min(values):.3f}-{max(values):.3f})"


def compare(
    a: Sequence[str],
    b: Sequence[str] | None = None,
    runs: int = 5,
    warmup: int = 1,
    env: Mapping[str, str] | None = None,
) -> str:
    """Run A (and B in turn) `runs` times after `warmup` uncounted runs; return the report as printed lines."""
    for _ in range(warmup):
        run_once(a, env)
        if b is not None:
            run_once(b, env)
    a_runs: list[Run] = []
    b_runs: list[Run] = []
    for _ in range(runs):
        a_runs.append(run_once(a, env))
        if b is not None:
            b_runs.append(run_once(b, env))
    lines = [f"A: {shlex.join(a)}"]
    if b is not None:
        lines.append(f"B: {shlex.join(b)}")
    floor = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines.append(
        f"{runs} runs{' in pairs' if b is not None else ''}, median (min-max); a peak cannot read below this "
        f"process's own ({floor:.1f} MB), which the child starts from before it executes the command:"
    )
    for name, done in (("A", a_runs), ("B", b_runs)):
        if done:
            lines.append(
                f"  {name}: wall {spread([r.wall for r in done])}  cpu {spread([r.cpu for r in done])}  "
                f"peak {spread([r.peak_mb for r in done], 'MB')}"
            )
    if b_runs:
        walls = [x.wall / y.wall for x, y in zip(a_runs, b_runs, strict=True)]
        cpus = [x.cpu / y.cpu for x, y in zip(a_runs, b_runs, strict=True)]
        lines.append(f"  A/B pair by pair: wall x{spread(walls, '')}  cpu x{spread(cpus, '')}")
    return "\n".join(line.rstrip() for line in lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--runs", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--vs", help="the baseline command B, one string split as a shell splits words")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND [ARG ...]")
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given (write it after --)")
    print(compare(command, shlex.split(args.vs) if args.vs else None, args.runs, args.warmup))


if __name__ == "__main__":
    sys.exit(main())
