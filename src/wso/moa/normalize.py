"""Text put in a comparable form: case, hyphenation, line breaks, ligatures, quotes and Tesseract's usual
confusions normalised away, so that two readings of the same words compare equal."""

from __future__ import annotations

import re
import unicodedata

LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl", "\ufb05": "st"}
QUOTES = {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-", "\u00a0": " "}
# Characters OCR takes for one another, each group written as its first member (applied to both sides alike).
CONFUSIONS = (("rm", "m"), ("rn", "m"), ("nn", "m"), ("vv", "w"), ("cl", "d"), ("li", "h"))
CHAR_CLASSES = str.maketrans({"1": "l", "i": "l", "|": "l", "!": "l", "0": "o", "5": "s", "8": "b", "$": "s"})
_HYPHEN_BREAK = re.compile(r"(\w)-\s*\n\s*(\w)")
_WORD = re.compile(r"[a-z]+|[0-9]+")  # letters and digits apart: "of70" is "of 70"


def clean(text: str) -> str:
    """Unicode forms, ligatures, quotes and dashes made plain; words hyphenated across lines joined."""
    text = unicodedata.normalize("NFKC", text)
    for old, new in {**LIGATURES, **QUOTES}.items():
        text = text.replace(old, new)
    return _HYPHEN_BREAK.sub(r"\1\2", text)


def fold(word: str) -> str:
    """A lower-case word with OCR's confusable characters folded together."""
    word = word.translate(CHAR_CLASSES)
    for old, new in CONFUSIONS:
        word = word.replace(old, new)
    return word


def tokens(text: str) -> list[str]:
    """Lower-case words of letters and digits, with OCR's confusable characters folded together."""
    return [fold(word) for word in _WORD.findall(clean(text).lower())]


def squeeze(text: str) -> str:
    """Lower case, no whitespace, plain quotes: for finding a phrase whatever the line breaks and spacing."""
    return re.sub(r"\s+", "", clean(text)).lower()
