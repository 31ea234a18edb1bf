"""Cleaning cell text and comparing spellings: whitespace (NBSP too), apostrophes, case, small typos."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

APOSTROPHES = "'’‘`´ʼ′"
_APOSTROPHE_RE = re.compile(f"[{APOSTROPHES}]")
_NON_WORD_RE = re.compile(r"[\W_]+")
_SPACE_RE = re.compile(r"\s+")


@lru_cache(maxsize=65536, typed=True)  # pure; ICE's files repeat their cells
def clean(value: object) -> str | None:
    """A cell as text with surrounding and repeated whitespace (NBSP included) removed; None when empty."""
    if value is None:
        return None
    text = str(value)
    if text.isascii():  # NFKC leaves ASCII as it is, and split() knows every ASCII space
        return " ".join(text.split()) or None
    text = unicodedata.normalize("NFKC", text)  # NFKC turns NBSP into a plain space
    text = _SPACE_RE.sub(" ", text).strip()
    return text or None


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """The spelling-insensitive key of a name: case, apostrophes, punctuation and whitespace do not count.

    "Sheriff's Office", "SHERIFF’S OFFICE", "Sheriffs  Office." all give "sheriffs office".
    """
    text = _APOSTROPHE_RE.sub("", name)  # first: NFKC would turn the acute accent ´ into a space and a mark
    text = _APOSTROPHE_RE.sub("", unicodedata.normalize("NFKC", text).casefold())
    text = _NON_WORD_RE.sub(" ", text)
    return " ".join(text.split())


def header_key(header: object) -> str:
    """A header cell reduced to lower-case words."""
    return name_key(str(header)) if header is not None else ""


def edit_distance(a: str, b: str, limit: int | None = None) -> int:
    """Optimal-string-alignment distance (insert, delete, substitute, swap adjacent); stops early past `limit`."""
    if a == b:
        return 0
    if limit is not None and abs(len(a) - len(b)) > limit:
        return limit + 1
    prev_prev: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        row_min = i
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            value = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                value = min(value, prev_prev[j - 2] + 1)
            cur.append(value)
            row_min = min(row_min, value)
        if limit is not None and row_min > limit:
            return limit + 1
        prev_prev, prev = prev, cur
    return prev[-1]


def within_one_edit(a: str, b: str) -> bool:
    """Whether `a` and `b` differ by at most one insertion, deletion, substitution or swap of neighbours."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    i = 0
    while i < min(la, lb) and a[i] == b[i]:
        i += 1
    if la == lb:
        if a[i + 1 :] == b[i + 1 :]:
            return True  # one substitution
        return i + 1 < la and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]
    if la > lb:
        return a[i + 1 :] == b[i:]
    return a[i:] == b[i + 1 :]
