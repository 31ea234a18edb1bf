"""Is a page's text layer good enough to use? Measurable signals: dictionary words, spacing, control characters.

A layer is `none` when it holds almost nothing, `garbled` when too few of its words are dictionary words (glyph
garbage, letters shifted by three), when words run together (no spaces between them) or when it carries control
or private-use characters; `good` otherwise. The thresholds were set on the shared archive's pages (docs/moa.md).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from wso.moa.words import words

Verdict = Literal["good", "garbled", "none"]

MIN_CHARS = 200  # fewer non-space characters than this: no text layer (a scanner's stamp, a page number)
MIN_DICTIONARY_SHARE = 0.85  # of the words of two letters or more (clean layers: 0.9 to 1; OCR slips: 0.8)
MAX_RUN_TOGETHER_SHARE = 0.15  # of the letters, in "words" of 20 letters or more (no spaces between words)
MAX_CONTROL_SHARE = 0.005  # of the characters: C0/C1 controls, private-use glyphs, U+FFFD

_WORD = re.compile(r"[A-Za-z]+")
_ALLOWED_CONTROLS = frozenset("\n\r\t\f")


@dataclass(frozen=True)
class LayerQuality:
    chars: int  # non-space characters
    dictionary_share: float  # share of words (2+ letters) found in the word list
    run_together_share: float  # share of letters inside 20+ letter runs
    control_share: float  # share of characters that are controls or private-use glyphs
    verdict: Verdict

    @property
    def reason(self) -> str:
        if self.verdict == "none":
            return f"{self.chars} characters"
        if self.verdict == "good":
            return f"{self.dictionary_share:.0%} dictionary words"
        problems = []
        if self.dictionary_share < MIN_DICTIONARY_SHARE:
            problems.append(f"only {self.dictionary_share:.0%} dictionary words")
        if self.run_together_share > MAX_RUN_TOGETHER_SHARE:
            problems.append(f"{self.run_together_share:.0%} of letters in words run together")
        if self.control_share > MAX_CONTROL_SHARE:
            problems.append(f"{self.control_share:.1%} control characters")
        return "; ".join(problems)


def _is_control(char: str) -> bool:
    if char in _ALLOWED_CONTROLS:
        return False
    return unicodedata.category(char) in ("Cc", "Co", "Cs") or char == "\ufffd"


def judge(text: str) -> LayerQuality:
    """The signals of one page's text layer, and the verdict they give."""
    visible = [c for c in text if not c.isspace()]
    chars = len(visible)
    tokens = [t.lower() for t in _WORD.findall(text)]
    counted = [t for t in tokens if len(t) >= 2]
    known = words()
    dictionary = sum(1 for t in counted if t in known) / len(counted) if counted else 0.0
    letters = sum(len(t) for t in tokens)
    run_together = sum(len(t) for t in tokens if len(t) >= 20) / letters if letters else 0.0
    control = sum(1 for c in text if _is_control(c)) / len(text) if text else 0.0
    verdict: Verdict
    if chars < MIN_CHARS:
        verdict = "none"
    elif dictionary < MIN_DICTIONARY_SHARE or run_together > MAX_RUN_TOGETHER_SHARE or control > MAX_CONTROL_SHARE:
        verdict = "garbled"
    else:
        verdict = "good"
    return LayerQuality(chars, round(dictionary, 4), round(run_together, 4), round(control, 5), verdict)
