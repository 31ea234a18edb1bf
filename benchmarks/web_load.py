"""Load benchmark of the web application: `wso serve` on loopback, the overview and an agency page driven at a
fixed rate (open loop: requests are sent on schedule whether or not earlier ones have answered, over a pool of
keep-alive connections), for a bounded time. Prints p50/p95/p99 latency, the achieved rate, any errors, and the
server's CPU time a request.

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


async def _read_response(reader: asyncio.StreamReader) -> int:
    """Read one HTTP/1.1 response (Content-Length framed, as uvicorn sends these pages); its status."""
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("the server closed the connection")
    status = int(status_line.split()[1])
    length = 0
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    await reader.readexactly(length)
    return status


async def drive(
    host: str,
    port: int,
    paths: list[str],
    rate: float,
    seconds: float,
    connections: int = 32,
    unique: bool = False,
) -> tuple[list[float], int, float]:
    """Send `rate` GETs a second for `seconds` over a pool of keep-alive connections (a lean client, so that the
    load generator, on the same two cores, costs little beside the server). Each request's latency runs from the
    moment it was due to be sent, so waiting for a free connection counts against the server."""
    latencies: list[float] = []
    errors = 0
    pool: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()
    for _ in range(connections):
        pool.put_nowait(await asyncio.open_connection(host, port))

    async def one(path: str, due: float) -> None:
        nonlocal errors
        reader, writer = await pool.get()
        try:
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode("ascii"))
            status = await _read_response(reader)
            if status != 200:
                errors += 1
            else:
                latencies.append((time.perf_counter() - due) * 1000)
        except (OSError, ValueError, IndexError, asyncio.IncompleteReadError):
            errors += 1
            writer.close()
            reader, writer = await asyncio.open_connection(host, port)
        finally:
            pool.put_nowait((reader, writer))

    tasks: list[asyncio.Task[None]] = []
    start = time.perf_counter()
    total = int(rate * seconds)
    for i in range(total):
        due = start + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        path = paths[i % len(paths)]
        tasks.append(asyncio.create_task(one(f"{path}?n={i}" if unique else path, due)))
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=seconds + 60)
    elapsed = time.perf_counter() - start
    while not pool.empty():
        _, writer = pool.get_nowait()
        writer.close()
    return latencies, errors, total / elapsed


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc), or NaN elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=200.0, help="requests per second (default 200)")
    parser.add_argument("--seconds", type=float, default=20.0, help="how long to drive the load (default 20)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--uncached",
        action="store_true",
        help="make every URL unique (?n=...) so that no answer comes from the public-page cache",
    )
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
            before = cpu_seconds(server.pid)
            latencies, errors, achieved = asyncio.run(
                drive("127.0.0.1", args.port, paths, args.rate, args.seconds, unique=args.uncached)
            )
            server_cpu = cpu_seconds(server.pid) - before
        finally:
            server.terminate()
            server.wait(timeout=20)
    cached = "uncached (every URL unique)" if args.uncached else "public-page cache on"
    print(f"pages: / and {agency}  target {args.rate:.0f} req/s for {args.seconds:.0f} s; {cached}")
    print(f"requests: {len(latencies) + errors}  errors: {errors}  achieved: {achieved:.1f} req/s")
    print(
        f"latency ms: p50 {percentile(latencies, 0.50):.1f}  p95 {percentile(latencies, 0.95):.1f}  "
        f"p99 {percentile(latencies, 0.99):.1f}  mean {statistics.fmean(latencies):.1f}"
    )
    print(f"server CPU: {server_cpu:.2f} s ({server_cpu / max(1, len(latencies) + errors) * 1000:.2f} ms a request)")
    print(f"machine load average (1 min) after the run: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
