"""Group commit for many clerks at once: one writer thread, one transaction for whatever has queued up.

A clerk (a thread of the web server, a desk terminal's request) calls `GroupWriter.run` and waits for its own
result, exactly as with `Custody.run`. Behind it one writer thread takes every command queued since its last
commit and applies them with `Custody.apply_many`: each still checked, chained and idempotent, a refused one
writing nothing for itself. There is no timer: while one batch commits, the next gathers, so a lone clerk waits
for one commit and a busy desk shares each commit (and its fsync) among many.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Mapping
from concurrent.futures import Future
from datetime import datetime
from types import TracebackType
from typing import Any

from wso.custody.commands import Command, Custody, Result


class GroupWriter:
    def __init__(self, custody: Custody, *, max_batch: int = 200) -> None:
        self.custody = custody
        self.max_batch = max_batch
        self.batches = 0  # how many transactions the writer committed (for benchmarks and tests)
        self._queue: queue.SimpleQueue[tuple[Command, Future[Result]] | None] = queue.SimpleQueue()
        self._closed = False
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._loop, name="custody-group-writer", daemon=True)
        self._thread.start()

    def submit(self, command: Command) -> Future[Result]:
        future: Future[Result] = Future()
        with self._lock:
            if self._closed:
                raise RuntimeError("the group writer is closed")
            self._queue.put((command, future))
        return future

    def run(
        self,
        command: str,
        args: Mapping[str, Any] | None = None,
        *,
        actor: str = "clerk",
        idempotency_key: str | None = None,
        occurred_at: datetime | None = None,
    ) -> Result:
        """As `Custody.run`, committed together with whatever other clerks submitted meanwhile."""
        return self.submit(Command(command, args or {}, actor, idempotency_key, occurred_at)).result()

    def close(self) -> None:
        """Apply what is queued, then stop the writer thread."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._queue.put(None)
        self._thread.join()

    def __enter__(self) -> GroupWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def _loop(self) -> None:
        stop = False
        while not stop:
            item = self._queue.get()
            if item is None:
                return
            batch = [item]
            while len(batch) < self.max_batch:
                try:
                    following = self._queue.get_nowait()
                except queue.Empty:
                    break
                if following is None:
                    stop = True
                    break
                batch.append(following)
            try:
                results = self.custody.apply_many([command for command, _ in batch])
            except BaseException as error:  # the clerks get the failure; the writer goes on
                for _, future in batch:
                    future.set_exception(error)
                continue
            self.batches += 1
            for (_, future), result in zip(batch, results, strict=True):
                future.set_result(result)
