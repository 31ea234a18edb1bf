"""The scripted attack run of issue 18: findings 1, 2 and 5 tried again, as an attacker would, against a real
`wso serve` on loopback, with the figures printed.

1. Memory: an 825 KB-class holds.parquet that unpacks to 12 million rows, and a 300 MB CSV streamed without a
   length, posted to /api/console/audit by a signed-in auditor: the answer, and the server's peak memory.
2. Sign-in: 30 wrong passwords then the right one; then the p95 of a signed-in page (/console) alone, during 16
   parallel wrong-password loops from one address, and during 16 loops that each use a fresh name and a fresh
   address (X-Forwarded-For, which uvicorn trusts from loopback: a flood the throttle cannot see, so only the
   argon2 limit stands).
5. Framing: the headers of a hold's page, and what one click on "release" does.

    .venv/bin/python benchmarks/attack.py [--seconds 15] [--port 8799]

The server runs in its own process on a fresh SQLite database in a temporary WSO_DATA_DIR, as a new user's
`wso serve` does. Linux only (the server's memory is read from /proc).
"""

from __future__ import annotations

import argparse
import io
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "an attack-run password"


def memory(pid: int) -> tuple[float, float]:
    """The process's resident and peak resident memory, in MB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def csrf(client: httpx.Client, path: str = "/signin") -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert found, path
    return found.group(1)


def sign_in(client: httpx.Client, username: str, password: str, headers: dict[str, str] | None = None) -> int:
    token = csrf(client)
    data = {"username": username, "password": password, "csrf_token": token}
    return client.post("/signin", data=data, headers=headers or {}).status_code


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] * 1000 if len(samples) >= 20 else float("nan")


def bomb(rows: int) -> bytes:
    """holds.parquet: one row repeated `rows` times (dictionary-encoded, compressed): tiny on the wire."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    ids = pa.DictionaryArray.from_arrays(pa.array(np.zeros(rows, dtype=np.int32)), pa.array(["r-1"]))
    table = pa.table({"record_id": ids, "agency_id": ids, "facility_id": ids})
    out = io.BytesIO()
    pq.write_table(table, out, compression="zstd")
    return out.getvalue()


def start_server(data: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "WSO_DATA_DIR": str(data)}
    wso = [sys.executable, "-m", "wso"]
    for name, role in (("boss", "admin"), ("reader", "auditor")):
        subprocess.run(
            [*wso, "users", "add", name, "--role", role, "--password-env", "ATTACK_PW"],
            env={**env, "ATTACK_PW": PASSWORD},
            check=True,
            capture_output=True,
        )
    server = subprocess.Popen(
        [*wso, "serve", "--port", str(port), "--log-level", "warning"], env=env, stdout=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/signin", timeout=5).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("the server did not start")


def finding_1(base: str, pid: int) -> None:
    print("== 1. memory: upload bombs posted by a signed-in auditor")
    with httpx.Client(base_url=base, timeout=300) as client:
        assert sign_in(client, "reader", PASSWORD) == 303
        token = csrf(client, "/console/audit")
        data = bomb(12_000_000)
        rss, _ = memory(pid)
        started = time.perf_counter()
        answer = client.post(
            "/api/console/audit",
            files=[("files", ("holds.parquet", data, "application/octet-stream"))],
            headers={"X-CSRF-Token": token},
        )
        took = time.perf_counter() - started
        after, peak = memory(pid)
        print(f"parquet bomb: {len(data) / 1024:.0f} KB, 12,000,000 rows -> {answer.status_code} in {took:.2f} s")
        print(f"  answer: {answer.json().get('detail', '')[:110]}")
        print(f"  server memory: {rss:.0f} MB before, {after:.0f} MB after, peak {peak:.0f} MB")

        def csv_chunks() -> Iterator[bytes]:
            yield (
                b'--zz\r\nContent-Disposition: form-data; name="files"; filename="holds.csv"\r\n'
                b"Content-Type: text/csv\r\n\r\nrecord_id,agency_id\n"
            )
            line = b"r-1,a\n" * 100_000
            for _ in range(300 * 1024 * 1024 // len(line)):
                yield line
            yield b"\r\n--zz--\r\n"

        started = time.perf_counter()
        try:
            answer = client.post(
                "/api/console/audit",
                content=csv_chunks(),
                headers={"X-CSRF-Token": token, "content-type": "multipart/form-data; boundary=zz"},
            )
            status = str(answer.status_code)
        except httpx.HTTPError as error:  # the server may close the connection once it has answered 413
            status = f"connection closed ({type(error).__name__})"
        took = time.perf_counter() - started
        after, peak = memory(pid)
        print(f"300 MB CSV, streamed without a length -> {status} in {took:.2f} s")
        print(f"  server memory: {after:.0f} MB after, peak {peak:.0f} MB")


def timed_pages(base: str, cookies: httpx.Cookies, stop: threading.Event, samples: list[float]) -> None:
    with httpx.Client(base_url=base, cookies=cookies, timeout=60) as client:
        while not stop.is_set():
            started = time.perf_counter()
            assert client.get("/console").status_code == 200
            samples.append(time.perf_counter() - started)
            time.sleep(0.02)


def flood(base: str, stop: threading.Event, outcomes: Counter[int], spread: bool) -> None:
    with httpx.Client(base_url=base, timeout=60) as client:
        while not stop.is_set():
            headers = {"X-Forwarded-For": "10.6.6.6"}
            name = "boss"
            if spread:
                headers["X-Forwarded-For"] = (
                    f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(256)}"
                )
                name = f"guess{random.randrange(10**9)}"
            try:
                outcomes[sign_in(client, name, "wrong password, again", headers)] += 1
            except httpx.HTTPError:
                outcomes[0] += 1


def measure(
    base: str, cookies: httpx.Cookies, seconds: float, loops: int, spread: bool
) -> tuple[float, int, Counter[int]]:
    stop = threading.Event()
    samples: list[float] = []
    outcomes: Counter[int] = Counter()
    threads = [threading.Thread(target=flood, args=(base, stop, outcomes, spread)) for _ in range(loops)]
    threads.append(threading.Thread(target=timed_pages, args=(base, cookies, stop, samples)))
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    return p95(samples), len(samples), outcomes


def finding_2(base: str, seconds: float) -> None:
    print("== 2. sign-in: guessing and flooding")
    with httpx.Client(base_url=base, timeout=60) as attacker:
        at = {
            "X-Forwarded-For": "10.9.9.9"
        }  # the guesser's address (each phase has its own: the locks are per address)
        codes = [sign_in(attacker, "reader", f"guess {i}", at) for i in range(30)]
        last = sign_in(attacker, "reader", PASSWORD, at)
        print(f"30 wrong passwords: {dict(Counter(codes))}; then the right one: {last} (303 would be signed in)")
    with httpx.Client(base_url=base, timeout=60) as user:
        assert sign_in(user, "boss", PASSWORD, {"X-Forwarded-For": "10.1.1.1"}) == 303
        cookies = user.cookies
    for label, loops, spread in (
        ("alone", 0, False),
        ("16 loops, one address", 16, False),
        ("16 loops, fresh names and addresses", 16, True),
    ):
        value, n, outcomes = measure(base, cookies, seconds, loops, spread)
        answered = ", ".join(f"{code}: {count}" for code, count in sorted(outcomes.items())) or "-"
        print(f"/console p95 {value:7.1f} ms over {n:4d} requests, {label}; sign-in answers {answered}")


def finding_5(base: str) -> None:
    print("== 5. framing and one-click release")
    with httpx.Client(base_url=base, timeout=60) as client:
        assert sign_in(client, "boss", PASSWORD) == 303
        page = client.get("/console/holds/W-1")
        csp = page.headers.get("content-security-policy", "")
        frame = re.search(r"frame-ancestors [^;]+", csp)
        print(f"X-Frame-Options: {page.headers.get('x-frame-options')}; CSP {frame.group(0) if frame else 'none'}")
        print(
            f"Cache-Control: {page.headers.get('cache-control')}; nosniff: {page.headers.get('x-content-type-options')}"
        )
        token = csrf(client, "/console")
        click = client.post("/console/commands/custody.release", data={"csrf_token": token, "warrant": "W-1"})
        asked = 'id="confirm-question"' in click.text
        print(f"one click on release -> {click.status_code}, {'asks to confirm; nothing run' if asked else 'RAN'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=15.0, help="length of each sign-in flood measurement")
    parser.add_argument("--port", type=int, default=8799)
    args = parser.parse_args()
    base = f"http://127.0.0.1:{args.port}"
    with tempfile.TemporaryDirectory(prefix="wso-attack-") as tmp:
        server = start_server(Path(tmp) / "data", args.port)
        try:
            rss, _ = memory(server.pid)
            print(f"wso serve on {base}, pid {server.pid}, {rss:.0f} MB resident after start")
            finding_1(base, server.pid)
            finding_5(base)
            finding_2(base, args.seconds)
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
