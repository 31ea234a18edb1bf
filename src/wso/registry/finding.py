"""Finding the files an ingest reads: spreadsheets under the paths given, every other file listed with the reason
it is not read, and each file's size and times (standard library only: a repeated ingest is answered from these
without loading SQLAlchemy, `wso.registry.ready`)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

SUFFIXES = (".xlsx", ".csv")

Stat = tuple[int, int, int]  # size, mtime_ns, ctime_ns

# what the report says of a manifest, and of a file whose content was stored before this ingest
MANIFEST_READ = "a manifest: read for the capture times of the files"
SAME_CONTENT = "same content already ingested"


class IngestError(ValueError):
    """Paths that cannot be ingested: one does not exist, or a file is not a readable spreadsheet (the message
    names every such file and why; nothing is written)."""


def discover(paths: Iterable[Path], others: list[tuple[Path, str]] | None = None) -> list[Path]:
    """The spreadsheets named by `paths`: files as given, folders searched recursively (sorted; folder names
    may hold spaces). Every other file found in a folder is added to `others` with the reason it is not read."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            for p in sorted(path.rglob("*")):
                if not p.is_file():
                    continue
                if p.name.startswith(("~$", ".")):
                    reason = "a hidden or temporary file (its name starts with '.' or '~$')"
                elif p.suffix.lower() not in SUFFIXES:
                    reason = f"not a spreadsheet (only {' and '.join(SUFFIXES)} files are read)"
                else:
                    found.append(p)
                    continue
                if others is not None:
                    others.append((p, reason))
        elif path.is_file():
            found.append(path)
        else:
            raise IngestError(f"{path}: no such file or folder")
    return found


def stat_of(path: Path) -> Stat:
    """A file's size and modification and change times (nanoseconds). Any write changes the change time, even one
    that keeps the size and sets the modification time back."""
    st = os.stat(path)
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns)
