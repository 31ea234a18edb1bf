"""An MOA compared clause by clause with its template: clauses missing, added, or changed beyond OCR noise.

Both sides are normalised alike (wso.moa.normalize) and the agency's own name and abbreviation become "lea", the
templates' placeholder. Differences where a misread word stands for a template word (similar letters, or a
non-word) are OCR noise; what remains is a change. Clauses the program's rules rely on are checked for the
rule's words (data/clause-rules.yaml), so that a deviation is flagged against the rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache
from importlib.resources import files
from typing import Literal

import yaml

from wso.moa.clauses import Clause
from wso.moa.normalize import fold, tokens
from wso.moa.words import words

Status = Literal["same", "ocr-noise", "filled-in", "changed", "missing", "added", "not-compared"]
SAME = 0.98  # similarity at or above which a clause is the template's
PHRASE_FOUND = 0.85  # share of a rule phrase's words found, in order, for the phrase to count as there


@dataclass(frozen=True)
class RuleTie:
    rule: str
    clause: str
    phrases: tuple[str, ...]


@cache
def rule_ties() -> tuple[RuleTie, ...]:
    raw = yaml.safe_load(files("wso.moa").joinpath("data/clause-rules.yaml").read_text(encoding="utf-8"))
    return tuple(RuleTie(item["rule"], item["clause"], tuple(item["phrases"])) for item in raw)


@dataclass(frozen=True)
class ClauseText:
    """A template clause as compared: id, title, text."""

    id: str
    title: str
    text: str


@dataclass(frozen=True)
class Change:
    template: str  # the template's words (empty for an insertion)
    document: str  # the document's words (empty for a deletion)


@dataclass(frozen=True)
class ClauseDiff:
    id: str
    title: str
    status: Status
    similarity: float | None  # raw word similarity, 0 to 1 (None: not compared)
    substantive: float | None  # similarity once OCR noise is forgiven
    page: int | None  # where the document's clause starts
    line: int | None
    changes: tuple[Change, ...] = ()


@dataclass(frozen=True)
class RuleCheck:
    rule: str
    clause: str
    phrase: str
    found: float  # share of the phrase's words found in order in the document's clause
    ok: bool
    page: int | None


@dataclass(frozen=True)
class Comparison:
    template: str
    clauses: tuple[ClauseDiff, ...]
    rules: tuple[RuleCheck, ...]

    @property
    def deviations(self) -> tuple[ClauseDiff, ...]:
        return tuple(c for c in self.clauses if c.status in ("changed", "missing", "added"))

    @property
    def flagged_rules(self) -> tuple[RuleCheck, ...]:
        return tuple(r for r in self.rules if not r.ok)


def placeheld(text: str, names: Sequence[str]) -> list[str]:
    """`text`'s comparison tokens, each of `names` (the agency's name, its abbreviation) made "lea"."""
    out = tokens(text)
    for name in sorted((n for n in names if n), key=len, reverse=True):
        name_tokens = tokens(name)
        if not name_tokens:
            continue
        size = len(name_tokens)
        i, replaced = 0, []
        while i < len(out):
            if out[i : i + size] == name_tokens:
                replaced.append("lea")
                i += size
            else:
                replaced.append(out[i])
                i += 1
        out = replaced
    return out


@cache
def folded_words() -> frozenset[str]:
    """The dictionary's words as comparison tokens are written (OCR's confusable characters folded)."""
    return frozenset(fold(w) for w in words())


def _junk(words_: list[str]) -> bool:
    """Words that are mostly not words (a garbled layer's glyphs, a stamp OCR made letters of)."""
    counted = [w for w in words_ if len(w) >= 2 and not w.isdigit()]
    if not counted:  # lone letters ("e a e s s s"): the hatching of a stamp or a scan's speckles, read as letters
        return bool(words_) and not _has_number(words_)
    known = folded_words()
    return sum(1 for w in counted if w in known) < 0.5 * len(counted) and not _has_number(words_)


def _has_number(words_: list[str]) -> bool:
    return any(any(ch.isdigit() for ch in w) for w in words_)


def _noise(template_words: list[str], document_words: list[str]) -> bool:
    """A replacement OCR explains: as many words on each side, each pair alike in letters or a misread non-word.
    A different number is never noise (48 hours is not 96 hours)."""
    if "".join(template_words) == "".join(document_words):
        return True  # words split or joined
    if _has_number(template_words) or _has_number(document_words):
        return False
    if len(template_words) != len(document_words):
        joined_t, joined_d = "".join(template_words), "".join(document_words)
        return SequenceMatcher(None, joined_t, joined_d, autojunk=False).ratio() >= 0.8  # split or joined words
    known = folded_words()
    for t, d in zip(template_words, document_words, strict=True):
        alike = SequenceMatcher(None, t, d, autojunk=False).ratio() >= 0.6
        if not alike and d in known:
            return False
    return True


def compare_tokens(template: list[str], document: list[str]) -> tuple[float, float, tuple[Change, ...]]:
    """Raw similarity, similarity with OCR noise forgiven, and the substantive changes."""
    if not template and not document:
        return 1.0, 1.0, ()
    matcher = SequenceMatcher(None, template, document, autojunk=False)
    matched = ignored = 0
    forgiven = 0.0
    changes: list[Change] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            matched += i2 - i1
        elif op == "replace" and _noise(template[i1:i2], document[j1:j2]):
            forgiven += (i2 - i1 + j2 - j1) / 2  # words split or joined count whole on both sides
        elif op == "replace" and (words_ := _speckles_out(document[j1:j2])) and _noise(template[i1:i2], words_):
            forgiven += (i2 - i1 + len(words_)) / 2  # OCR noise beside a scan's speckles read as lone letters
            ignored += j2 - j1 - len(words_)
        elif op == "insert" and _junk(document[j1:j2]):
            ignored += j2 - j1  # a misread stamp or garbled footer: not the agency's words
        elif op == "delete" and all(len(w) == 1 and not w.isdigit() for w in template[i1:i2]):
            ignored += i2 - i1  # a list's "(c)" or a form's "x" OCR did not keep
        else:
            changes.append(Change(" ".join(template[i1:i2]), " ".join(document[j1:j2])))
    total = len(template) + len(document)
    kept = max(total - ignored, 1)
    return round(2 * matched / total, 4), round(min(1.0, 2 * (matched + forgiven) / kept), 4), tuple(changes)


def _speckles_out(words_: list[str]) -> list[str]:
    """The words without the lone letters among them, when there are lone letters (else empty: nothing to try)."""
    kept = [w for w in words_ if len(w) >= 2 or w.isdigit()]
    return kept if len(kept) < len(words_) else []


def _found_words(wanted: list[str], window: list[str]) -> int:
    """How many of `wanted`'s words `window` holds in order, as written or as OCR noise of them."""
    found = 0
    for op, i1, i2, j1, j2 in SequenceMatcher(None, wanted, window, autojunk=False).get_opcodes():
        if op == "equal":
            found += i2 - i1
        elif op == "replace" and _noise(wanted[i1:i2], window[j1:j2]):
            found += min(i2 - i1, j2 - j1)
    return found


def phrase_share(phrase: str, haystack: list[str], names: Sequence[str] = ()) -> float:
    """The share of `phrase`'s words found, in order and close together, in `haystack` (words that OCR noise
    explains, as in a clause's comparison, count as found: "d tain" for "detain")."""
    wanted = placeheld(phrase, names)
    if not wanted:
        return 0.0
    numbers = [w for w in wanted if any(ch.isdigit() for ch in w)]
    matcher = SequenceMatcher(None, wanted, haystack, autojunk=False)
    best = 0.0
    for block in matcher.get_matching_blocks():
        if block.size == 0:
            continue
        window = haystack[max(0, block.b - block.a - 5) : block.b - block.a + len(wanted) + 5]
        share = _found_words(wanted, window) / len(wanted)
        if any(n not in window for n in numbers):
            share = min(share, PHRASE_FOUND - 0.01)  # the rule's figure is not there: never enough
        best = max(best, share)
    return round(best, 4)


def compare(
    template_name: str,
    template: Sequence[ClauseText],
    document: Sequence[Clause],
    names: Sequence[str],
    model: str | None,
) -> Comparison:
    """Each template clause against the document's clause of the same id; the document's extra clauses added."""
    by_id: dict[str, Clause] = {}
    for clause in document:
        by_id.setdefault(clause.id, clause)
    diffs = []
    doc_tokens: dict[str, list[str]] = {}
    for wanted in template:
        found = by_id.get(wanted.id)
        if found is None:
            diffs.append(ClauseDiff(wanted.id, wanted.title, "missing", 0.0, 0.0, None, None))
            continue
        doc_tokens[wanted.id] = placeheld(found.text, names)
        # names on both sides: a template writes "LEA", but another MOA compared against names its own agency
        raw, substantive, changes = compare_tokens(placeheld(wanted.text, names), doc_tokens[wanted.id])
        numbers = any(_has_number(c.template.split()) or _has_number(c.document.split()) for c in changes)
        status: Status = (
            "changed" if substantive < SAME or numbers else "same" if raw >= SAME and not changes else "ocr-noise"
        )
        kept = changes[:20] if status == "changed" else ()
        diffs.append(ClauseDiff(wanted.id, wanted.title, status, raw, substantive, found.page, found.line, kept))
    known = {c.id for c in template}
    for clause in document:
        if clause.id not in known:
            diffs.append(ClauseDiff(clause.id, clause.title, "added", 0.0, 0.0, clause.page, clause.line))
    checks = []
    template_by_id = {c.id: c for c in template}
    for tie in rule_ties() if model == "WSO" else ():
        source = template_by_id.get(tie.clause)
        if source is None:
            continue
        source_tokens = placeheld(source.text, ())
        phrase = next((p for p in tie.phrases if phrase_share(p, source_tokens) >= PHRASE_FOUND), None)
        if phrase is None:
            continue  # this template version does not carry the rule's words
        own = by_id.get(tie.clause)
        share = phrase_share(phrase, doc_tokens.get(tie.clause, []), names) if own else 0.0
        checks.append(RuleCheck(tie.rule, tie.clause, phrase, share, share >= PHRASE_FOUND, own.page if own else None))
    return Comparison(template_name, tuple(diffs), tuple(checks))
