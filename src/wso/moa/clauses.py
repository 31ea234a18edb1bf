"""An MOA cut into its clauses: numbered articles (I. PARTIES), their lettered sections (IV.G INTERPRETATION
SERVICES), the appendices (Appendix A, B, ...) and an addendum that follows the agreement.

Headings are found line by line, tolerant of OCR (Roman numerals read with l or 1, spaces lost), and kept in
order: a Roman numeral counts as the next article only when it is one, else a single letter is the next section
(so "I. CIVIL RIGHTS STANDARDS" after IV.H is section IV.I, not article I). The signature block that follows
"By signing this MOA ..." is a part of its own, "Signatures"; so is an "Addendum": neither is a template clause.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from wso.moa.normalize import clean

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV")
# OCR may lose the numeral's full stop ("IV RESPONSIBILITIES", "VIL POINTS OF CONTACT" for "VII.") and read III
# as "m" ("m AUTHORITY", "vm." for VIII); a title may carry OCR's lowercase slips ("FllNC.TIONS"): `_uppercase`.
_ARTICLE = re.compile(r"^\s*([IVXLlivx1m]{1,5})(?:\s*[.,:]|\s)\s*([A-Z][A-Za-z0-9 ,'’&/()\-.]{2,90})$")
_SECTION = re.compile(r"^\s*([A-Z])\s*[.,]\s*([A-Z][A-Za-z0-9 ,'’&/()\-.]{2,90})$")
_APPENDIX = re.compile(r"^\s*APP[EF]\.?\s*NDIX\s*([A-H])\b\.?\s*([A-Z][A-Z0-9 ,'’&/()\-.]*)?$")
_SIGNING = re.compile(r"By\s+signing\s+this\s+MOA", re.IGNORECASE)
_ADDENDUM = re.compile(r"^\s*ADDENDUM\b(.*)$", re.IGNORECASE)
# Page furniture that is not part of any clause: ICE's revision footers, bare page numbers.
_FURNITURE = re.compile(r"(Revised\s+[0-9/I]{6,12}\s*$)|(^\s*(page\s*)?\d{1,2}\s*(of\s*\d{1,2})?\s*$)", re.IGNORECASE)


@dataclass(frozen=True)
class Clause:
    id: str  # "I", "IV.G", "App. A"; also "Signatures" (the signature block) and "Addendum"
    title: str
    page: int  # where the heading is (from 1)
    line: int  # its line on that page (from 1)
    text: str  # the clause's body, furniture removed


def _roman(token: str) -> str:
    """A Roman numeral as OCR may write it ("lil", "Ill", "Vv", "1V") put right."""
    numeral = token.upper().replace("L", "I").replace("1", "I").replace("M", "III")
    return numeral.replace("VV", "V")


def _uppercase(title: str) -> bool:
    letters = [c for c in title if c.isalpha()]
    return bool(letters) and sum(c.isupper() or c == "l" for c in letters) >= 0.8 * len(letters)  # l: OCR's I


@dataclass
class _Headings:
    """Where the cut is in the document's numbering: it tells a heading from a line that only looks like one."""

    article: int = 0  # index into ROMAN of the article we are in, +1 (0: none yet)
    section: str = ""  # letter of the section we are in ("" for none)
    appendix: str = ""  # letter of the appendix we are in ("" before the first)

    def match(self, line: str, addendum_open: Callable[[], bool]) -> tuple[str, str] | None:
        """The (id, title) of the heading `line` is, moving the numbering on; None for body text."""
        if match := _ADDENDUM.match(line):
            return None if addendum_open() else ("Addendum", line)
        if match := _APPENDIX.match(line):
            # the next appendix in order; a letter OCR misread ("APPF.NDIX H" for B) takes the expected one
            self.appendix = _next_letter(self.appendix)
            return (f"App. {self.appendix}", f"Appendix {self.appendix} {match.group(2) or ''}".strip())
        if self.appendix:
            return None
        if (match := _ARTICLE.match(line)) and _uppercase(match.group(2)):
            return self._article(_roman(match.group(1)), match.group(2).strip())
        if self.article and (match := _SECTION.match(line)) and _uppercase(match.group(2)):
            letter, expected = match.group(1), _next_letter(self.section)
            if expected <= letter <= chr(ord(expected) + 1):  # the next section, or the one after if one is lost
                return self._section(letter, match.group(2).strip())
            if self.section and letter == "A" and self.article < len(ROMAN):  # the article's heading was lost
                self.article += 1
                return self._section("A", match.group(2).strip())
            if self.section and letter < self.section:  # a letter OCR misread ("B." for "H.") takes the next one
                return self._section(expected, match.group(2).strip())
        return None

    def _article(self, numeral: str, title: str) -> tuple[str, str] | None:
        if numeral in ROMAN and ROMAN.index(numeral) in (self.article, self.article + 1):  # one may be lost
            self.article = ROMAN.index(numeral) + 1
            self.section = ""
            return (numeral, title)
        if len(numeral) == 1 and self.article and _next_letter(self.section) == numeral:
            return self._section(numeral, title)
        return None

    def _section(self, letter: str, title: str) -> tuple[str, str]:
        self.section = letter
        return (f"{ROMAN[self.article - 1]}.{letter}", title)


def cut(pages: Sequence[str]) -> list[Clause]:
    """The clauses of a document given its pages' texts, in order; text before the first heading is dropped
    (the title and any cover letter)."""
    clauses: list[Clause] = []
    current: tuple[str, str, int, int] | None = None
    body: list[str] = []
    headings = _Headings()
    signing = False  # inside the "By signing this MOA" paragraph

    def addendum_open() -> bool:
        return any(c.id == "Addendum" for c in clauses) or (current is not None and current[0] == "Addendum")

    def close() -> None:
        if current is not None:
            clauses.append(Clause(current[0], current[1], current[2], current[3], "\n".join(body).strip()))

    for page_index, page in enumerate(pages):
        for line_index, raw in enumerate(clean(page).splitlines()):
            line = raw.strip()
            heading = headings.match(line, addendum_open)
            if heading is None and signing and line.rstrip().endswith("law."):
                # the signature block after "By signing this MOA ... allowed by law." is not clause text
                body.append(line)
                signing = False
                close()
                current = ("Signatures", "Signatures", page_index + 1, line_index + 2)
                body = []
                continue
            if heading is None and current is not None and current[0] != "Addendum" and _SIGNING.search(line):
                signing = True
            if heading is not None:
                signing = False
                close()
                current = (heading[0], heading[1], page_index + 1, line_index + 1)
                body = []
            elif current is not None and line and not _FURNITURE.search(line):
                body.append(line)
    close()
    return clauses


def _next_letter(section: str) -> str:
    return "A" if not section else chr(ord(section) + 1)
