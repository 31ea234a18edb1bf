"""Files ingest has seen: each file's path, size and times when it was read, and the sha256 of its bytes, so a
repeated ingest skips a known file without reading or hashing it (`registry_files`)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, delete, select

from wso.registry.bulk import bulk_insert
from wso.registry.finding import Stat, stat_of
from wso.registry.models import SEEN_FILES


@dataclass
class Seen:
    """What the registry knew of files before this ingest (`before`: absolute path -> stat, sha256), and what this
    ingest learns (`now`), stored by `write_seen`."""

    before: dict[str, tuple[Stat, str]] = field(default_factory=dict)
    now: dict[str, tuple[Stat, str]] = field(default_factory=dict)
    _stats: dict[Path, Stat] = field(default_factory=dict)  # the stat taken before each file was read

    def known_sha(self, path: Path, known: set[str]) -> str | None:
        """The sha256 of `path` if it is unchanged since an ingest saw it (same size and times) and its content is
        stored (in `known`): then it need not be read. Otherwise None, and its stat is kept for `keep`."""
        stat = self._stats[path] = stat_of(path)
        entry = self.before.get(os.path.abspath(path))
        if entry is not None and entry[0] == stat and entry[1] in known:
            return entry[1]
        return None

    def read_at(self, path: Path, stat: Stat) -> None:
        """Remember `path`'s stat as taken before it was read elsewhere (by a parsing worker), for `keep`."""
        self._stats[path] = stat

    def keep(self, path: Path, sha: str) -> None:
        """Remember that `path` (as stat'ed by `known_sha`, or given to `read_at`, before it was read) holds the
        content `sha`."""
        stat = self._stats.pop(path, None)
        if stat is not None:
            self.now[os.path.abspath(path)] = (stat, sha)


def read_seen(connection: Connection) -> Seen:
    """The files the registry has seen."""
    columns = (SEEN_FILES.c.path, SEEN_FILES.c.size, SEEN_FILES.c.mtime_ns, SEEN_FILES.c.ctime_ns, SEEN_FILES.c.sha256)
    rows = connection.execute(select(*columns)).all()
    return Seen(before={path: ((size, mtime, ctime), sha) for path, size, mtime, ctime, sha in rows})


def write_seen(connection: Connection, seen: Seen) -> None:
    """Store what this ingest learnt of files (new files, and files changed since they were last seen)."""
    changed = [
        (path, *stat, sha) for path, (stat, sha) in sorted(seen.now.items()) if seen.before.get(path) != (stat, sha)
    ]
    if not changed:
        return
    gone = [path for path, *_rest in changed if path in seen.before]
    for start in range(0, len(gone), 500):
        connection.execute(delete(SEEN_FILES).where(SEEN_FILES.c.path.in_(gone[start : start + 500])))
    bulk_insert(connection, SEEN_FILES, changed, columns=("path", "size", "mtime_ns", "ctime_ns", "sha256"))
