"""The packaged word list that decides what counts as a dictionary word (data/words.txt.gz says where it came from)."""

from __future__ import annotations

import gzip
from functools import cache
from importlib.resources import files


@cache
def words() -> frozenset[str]:
    """Lower-case words of letters only: an English list and the MOAs' legal vocabulary."""
    raw = files("wso.moa").joinpath("data/words.txt.gz").read_bytes()
    lines = gzip.decompress(raw).decode("utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))
