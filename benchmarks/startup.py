"""Start-up of the two things people start: `wso --help`, and `./scripts/run` up to its first page.

    .venv/bin/python benchmarks/startup.py [--runs 9] [--clone] [--port 8799] [--skip-help] [--skip-run]

`wso --help` is timed as a whole process (wall clock and CPU time, one warm-up run, then `--runs` runs; median,
min and max). `./scripts/run` is started twice on a fresh, empty WSO_DATA_DIR, each time timed from the start of
the script to the first answer 200 of `/`: the first start loads the bundled snapshot into the new database, the
second finds everything in place (the figure the README's promise of 5 seconds is about). With `--clone` both run
in a fresh clone of this repository's committed HEAD in a temporary folder, so the first start also makes .venv
and installs the runtime, as a newcomer's does.
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def spread(values: list[float]) -> str:
    return f"median {statistics.median(values):.3f} s (min {min(values):.3f}, max {max(values):.3f})"


def time_help(checkout: Path, runs: int) -> None:
    command = [str(checkout / ".venv" / "bin" / "wso"), "--help"]
    walls: list[float] = []
    cpus: list[float] = []
    for run in range(runs + 1):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if run == 0:
            continue  # the warm-up
        walls.append(wall)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    print(f"wso --help, {runs} runs: wall {spread(walls)}; CPU {spread(cpus)}")


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a running process has used so far, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def first_page(checkout: Path, data_dir: Path, port: int, timeout: float) -> tuple[float, float]:
    """Seconds from starting ./scripts/run to the first 200 of `/`, and the CPU seconds the server (which
    ./scripts/run becomes) had used by then; the server is stopped afterwards."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WSO_")}
    env["WSO_DATA_DIR"] = str(data_dir)
    url = f"http://127.0.0.1:{port}/"
    start = time.perf_counter()
    server = subprocess.Popen(
        [str(checkout / "scripts" / "run"), "--port", str(port), "--log-level", "warning"],
        env=env,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        while True:
            if server.poll() is not None:
                raise SystemExit(f"./scripts/run stopped with status {server.returncode}")
            if time.perf_counter() - start > timeout:
                raise SystemExit(f"no page from {url} within {timeout:.0f} s")
            try:
                with urllib.request.urlopen(url, timeout=5) as answer:
                    if answer.status == 200:
                        answer.read()
                        return time.perf_counter() - start, cpu_seconds(server.pid)
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.05)
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def time_run(checkout: Path, port: int, starts: int) -> None:
    with tempfile.TemporaryDirectory(prefix="wso-startup-") as tmp:
        data_dir = Path(tmp) / "data"
        first, cpu = first_page(checkout, data_dir, port, timeout=1800)
        print(
            f"./scripts/run, first start (new database: bundled snapshot loaded): first page after {first:.2f} s "
            f"(server CPU {cpu:.2f} s)"
        )
        later = [first_page(checkout, data_dir, port, timeout=300) for _ in range(starts)]
        print(
            f"./scripts/run, second start and after ({starts} starts): first page after "
            f"{spread([wall for wall, _ in later])}; server CPU {spread([cpu for _, cpu in later])}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=9, help="timed runs of `wso --help` (after one warm-up)")
    parser.add_argument("--starts", type=int, default=3, help="timed later starts of ./scripts/run")
    parser.add_argument("--port", type=int, default=8799)
    parser.add_argument("--clone", action="store_true", help="run in a fresh clone (its first start sets up .venv)")
    parser.add_argument("--skip-help", action="store_true")
    parser.add_argument("--skip-run", action="store_true")
    args = parser.parse_args()
    print(f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(prefix="wso-clone-") as tmp:
        checkout = ROOT
        if args.clone:
            checkout = Path(tmp) / "wso"
            subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(ROOT), str(checkout)], check=True)
        if not args.skip_run:
            time_run(checkout, args.port, args.starts)
        if not args.skip_help:
            time_help(checkout, args.runs)
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    sys.exit(main())
