"""Load benchmark of the web application: `wso serve` on loopback, the overview and an agency page driven at a
fixed rate (open loop: requests are sent on schedule whether or not earlier ones have answered), for a
bounded time. Prints p50/p95/p99 latency, the achieved rate and any errors.

    .venv/bin/python benchmarks/web_load.py [--rate 200] [--seconds 20] [--port 8765]

The server runs in its own process on a fresh SQLite database in a temporary WSO_DATA_DIR, which it fills
with the bundled snapshot on first start, exactly as a new user's `wso serve` does.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def wait_ready(base: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/api/overview", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"server at {base} did not answer within {timeout:.0f} s")


async def drive(base: str, paths: list[str], rate: float, seconds: float) -> tuple[list[float], int, float]:
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=10) as client:

        async def one(path: str) -> None:
            nonlocal errors
            started = time.perf_counter()
            try:
                response = await client.get(path)
                if response.status_code != 200:
                    errors += 1
            except httpx.HTTPError:
                errors += 1
                return
            latencies.append((time.perf_counter() - started) * 1000)

        tasks: list[asyncio.Task[None]] = []
        start = time.perf_counter()
        total = int(rate * seconds)
        for i in range(total):
            target = start + i / rate
            delay = target - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(paths[i % len(paths)])))
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - start
    return latencies, errors, len(tasks) / elapsed


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=200.0, help="requests per second (default 200)")
    parser.add_argument("--seconds", type=float, default=20.0, help="how long to drive the load (default 20)")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    base = f"http://127.0.0.1:{args.port}"
    with tempfile.TemporaryDirectory() as data_dir:
        env = {**os.environ, "WSO_DATA_DIR": data_dir, "PYTHONPATH": str(ROOT / "src")}
        env.pop("WSO_DATABASE_URL", None)
        server = subprocess.Popen(
            [sys.executable, "-m", "wso", "serve", "--port", str(args.port), "--log-level", "warning"],
            env=env,
            cwd=ROOT,
        )
        try:
            wait_ready(base)
            hits = httpx.get(base + "/api/search", params={"q": "sheriff", "state": "FL"}).json()
            agency = f"/agencies/{hits[0]['id']}"
            paths = ["/", agency]
            for path in paths:  # warm up: the overview's first build, template compilation
                httpx.get(base + path, timeout=30)
            latencies, errors, achieved = asyncio.run(drive(base, paths, args.rate, args.seconds))
        finally:
            server.terminate()
            server.wait(timeout=20)
    print(f"pages: / and {agency}  target {args.rate:.0f} req/s for {args.seconds:.0f} s")
    print(f"requests: {len(latencies) + errors}  errors: {errors}  achieved: {achieved:.1f} req/s")
    print(
        f"latency ms: p50 {percentile(latencies, 0.50):.1f}  p95 {percentile(latencies, 0.95):.1f}  "
        f"p99 {percentile(latencies, 0.99):.1f}  mean {statistics.fmean(latencies):.1f}"
    )


if __name__ == "__main__":
    main()
