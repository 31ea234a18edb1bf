"""What an MOA says about itself: model, agency, state, signing dates and signatories, template version, addendum.

Each answer is a `Found`: the value, where it came from (`text` with page and line, ICE's revision `footer`, the
`file name`, or nothing), and how sure it is (1.0: read as written; 0.5 to 0.9: read through OCR or inferred;
0: not found, with the reason in `note`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from wso.moa.clauses import Clause
from wso.moa.normalize import clean, squeeze
from wso.program import STATES, UnknownValue, parse_state

MODELS = ("WSO", "JEM", "TFM")
# Phrases only one model's agreement uses (compared lower case without whitespace).
MODEL_PHRASES = {
    "WSO": ("warrantserviceofficer", "onlydelegatedthetwoauthorities", "facilitatingthecustodialtransfer"),
    "JEM": ("jailenforcementmodel", "jailenforcement", "issueimmigrationdetainers"),
    "TFM": ("taskforcemodel", "taskforce", "arrestwithoutawarrant"),
}
MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
TITLE_WORDS = (
    "sheriff",
    "director",
    "chief",
    "commissioner",
    "secretary",
    "attorney general",
    "warden",
    "administrator",
    "superintendent",
    "commander",
    "colonel",
    "chairman",
    "chair",
    "manager",
)
EARLIEST, LATEST = date(2017, 1, 1), date(2030, 12, 31)


@dataclass(frozen=True)
class Found:
    value: str | None
    source: str  # text | footer | file name | none
    page: int | None = None
    line: int | None = None
    confidence: float = 0.0
    note: str = ""


NOT_FOUND = Found(None, "none")


def _located(pages: Sequence[str], pattern: re.Pattern[str]) -> tuple[re.Match[str], int, int] | None:
    """The first match of `pattern` in the pages' cleaned text, line breaks read as spaces, with page and line."""
    for index, page in enumerate(pages):
        text = clean(page)
        match = pattern.search(text.replace("\n", " "))
        if match:
            return match, index + 1, text[: match.start()].count("\n") + 1
    return None


def _phrase_page(pages: Sequence[str], phrase: str) -> int | None:
    for index, page in enumerate(pages):
        if phrase in squeeze(page):
            return index + 1
    return None


def _certainty(ocr_pages: frozenset[int], page: int | None) -> float:
    return 0.8 if page in ocr_pages else 1.0


def model(pages: Sequence[str], file_name: str, ocr_pages: frozenset[int] = frozenset()) -> Found:
    """WSO, JEM or TFM from the phrases only that model's agreement uses; else from the file name."""
    text = squeeze("\n".join(pages))
    hits = {m: [p for p in MODEL_PHRASES[m] if p in text] for m in MODELS}
    ranked = sorted(MODELS, key=lambda m: -len(hits[m]))
    best, second = ranked[0], ranked[1]
    if hits[best] and len(hits[best]) > len(hits[second]):
        page = _phrase_page(pages, hits[best][0])
        sure = len(hits[best]) / len(MODEL_PHRASES[best]) * _certainty(ocr_pages, page)
        return Found(best, "text", page, None, round(sure, 2), f"says {', '.join(hits[best])}")
    named = re.search(r"(?:^|[_\W\d]|287g)(WSO|JEM|TFM|TF)(?=[_\W\d]|$)", file_name, re.IGNORECASE)
    if named:
        value = "TFM" if named.group(1).upper() == "TF" else named.group(1).upper()
        return Found(value, "file name", confidence=0.6, note=f"the text names no model; file name {file_name}")
    return Found(None, "none", note="neither the text nor the file name names a model")


_PARTIES = re.compile(
    r"Homeland.{0,20}?Security.{0,14}?(?:\b|e)and\s+(?:the\s*|thee\s+)?(?P<name>[^()]{3,120}?)\s*"
    r"(?:\((?P<abbr>[A-Z][A-Za-z]{1,9})\))?\s*,?\s*(?:herein|p\S{0,4}suant\s+to|under\s+the\s+jurisdiction)",
    re.IGNORECASE,
)
# A state's name followed by one of these names a county or town (Washington County, UT), not the state's agency.
_PLACE_WORDS = frozenset(("county", "co", "parish", "city", "town", "township", "borough", "village"))
_TRAILING_STATE = re.compile(r",\s*([A-Z]{2}|[A-Z][a-z]+(?: [A-Z][a-z]+)?)\W{0,3}\w?\W{0,3}$")


def _state_code(text: str) -> str | None:
    try:
        return parse_state(text)
    except UnknownValue:
        return None


def agency(pages: Sequence[str], ocr_pages: frozenset[int] = frozenset()) -> tuple[Found, Found, Found]:
    """The agency's name, its abbreviation and the state written after it, from the PARTIES clause."""
    located = _located(pages[:4], _PARTIES)
    if located is None:
        reason = "no PARTIES clause naming the agency was read"
        return Found(None, "none", note=reason), NOT_FOUND, Found(None, "none", note=reason)
    match, page, line = located
    name = re.sub(r"\s+", " ", match.group("name")).strip(" ,")
    if "__" in name or not re.match(r"[A-Za-z]", name) or re.search(r"hereinafter|pursuant|delegates", name, re.I):
        reason = f"the PARTIES clause (page {page}) leaves the agency's name blank"
        return Found(None, "none", note=reason), NOT_FOUND, Found(None, "none", note=reason)
    state = NOT_FOUND
    if trailing := _TRAILING_STATE.search(name):
        code = _state_code(trailing.group(1))
        if code is not None:
            name = name[: trailing.start()].strip(" ,")
            state = Found(code, "text", page, line, _certainty(ocr_pages, page), f"written after the name: {code}")
    if state.value is None:
        for candidate in sorted(STATES.values(), key=len, reverse=True):
            if name.lower().startswith(candidate.lower() + " "):
                if name[len(candidate) :].split()[0].lower().strip(".") in _PLACE_WORDS:
                    break  # Washington County, Nevada City: a place named after a state, in any state
                code = _state_code(candidate)
                state = Found(code, "text", page, line, _certainty(ocr_pages, page), f"the agency is {candidate}'s")
                break
    sure = _certainty(ocr_pages, page)
    abbr = Found(match.group("abbr"), "text", page, line, sure) if match.group("abbr") else NOT_FOUND
    return Found(name, "text", page, line, sure), abbr, state


_FILE_STATE = re.compile(
    r"(?:Co|County|SO|PD|DC|Jail|Office|Corrections|Dept|Department|Sheriff|Police)[_\-]?([A-Z][A-Za-z])(?=[_\-\d.]|MOA|$)"
)
_FILE_CODE = re.compile(r"(?:^|_)([A-Z]{2})(?=_)")


def state_from_file_name(file_name: str) -> Found:
    """The state code ICE's file names usually carry ("BakerCoFl2019-10-15.pdf", "BroomeCountyNY_WSO_...")."""
    stem = file_name.rsplit(".", 1)[0]
    for pattern in (_FILE_STATE, _FILE_CODE):
        for match in pattern.finditer(stem):
            code = match.group(1).upper()
            if code in STATES:
                return Found(code, "file name", confidence=0.7, note=f"{match.group(1)} in {file_name}")
    return Found(None, "none", note=f"the text names no state and {file_name} carries no state code")


_NUMERIC_DATE = re.compile(r"(?<![\d/])([01]?\d)\s?[/.-]\s?([0-3]?\d)\s?[/.-]\s?((?:20)?[12]\d)(?![\d/])")
_DIGITAL_DATE = re.compile(r"(20[12]\d)\.([01]\d)\.([0-3]\d)")
# a month's name may follow a blank's underscores ("Date:_March 21, 2025"): no \b before it
_WORDY_DATE = re.compile(r"(?<![A-Za-z])(" + "|".join(MONTHS) + r")\.?\s+([0-3]?\d)\s*,?\s*(20[12]\d)\b", re.IGNORECASE)
_SIGNING = re.compile(r"By\s+signing\s+this\s+(MOA|addendum)", re.IGNORECASE)


def _dates_in(line: str) -> list[date]:
    found = []
    for match in _DIGITAL_DATE.finditer(line):
        found.append((int(match.group(1)), int(match.group(2)), int(match.group(3))))
    for match in _WORDY_DATE.finditer(line):
        found.append((int(match.group(3)), MONTHS.index(match.group(1).lower()) + 1, int(match.group(2))))
    if not found:
        for match in _NUMERIC_DATE.finditer(line):
            year = int(match.group(3))
            found.append((year + 2000 if year < 100 else year, int(match.group(1)), int(match.group(2))))
    days = []
    for year, month, day in found:
        try:
            value = date(year, month, day)
        except ValueError:
            continue
        if EARLIEST <= value <= LATEST:
            days.append(value)
    return days


@dataclass(frozen=True)
class Signing:
    dates: tuple[Found, ...]  # every date on the signature page(s), in reading order
    signatories: tuple[Found, ...]  # name lines followed by a title (Sheriff, Director, ...)

    @property
    def signed(self) -> Found:
        """The latest signature date: the agreement binds once both parties have signed."""
        if not self.dates:
            return Found(None, "none", note="no date could be read on the signature page")
        return max(self.dates, key=lambda f: f.value or "")


def signing(pages: Sequence[str], clauses: Sequence[Clause], ocr_pages: frozenset[int] = frozenset()) -> Signing:
    """The dates and signatories of the agreement's signature block (not the addendum's)."""
    start = None
    for index, page in enumerate(pages):
        if _SIGNING.search(re.sub(r"\s+", " ", clean(page))) and "addendum" not in page.lower()[:400]:
            start = index
            break
    if start is None:
        return Signing((), ())
    appendix = next((c.page for c in clauses if c.id.startswith("App.") and c.page > start), None)
    end = start + 1 if appendix is None or appendix - 1 <= start + 1 else appendix - 1
    dates: list[Found] = []
    names: list[Found] = []
    for index in range(start, min(end, len(pages))):
        lines = clean(pages[index]).splitlines()
        seen_block = index > start
        for number, line in enumerate(lines, start=1):
            if not seen_block:
                seen_block = bool(_SIGNING.search(line)) or "signing this" in line.lower()
                continue
            sure = 0.6 if index + 1 in ocr_pages else 0.9
            for day in [] if _REVISED.search(line) else _dates_in(line):  # ICE's revision footer is no signature
                dates.append(Found(day.isoformat(), "text", index + 1, number, sure, line.strip()[:80]))
            following = lines[number].lower() if number < len(lines) else ""
            candidate = re.sub(r"^(name|signature)\s*:?\s*", "", line.strip(), flags=re.IGNORECASE)
            if (
                re.fullmatch(r"[A-Z][a-zA-Z.'\-]+(?:\s+[A-Z][a-zA-Z.'\-]*){1,3}", candidate)
                and any(word in following for word in TITLE_WORDS)
                and not any(word in candidate.lower() for word in (*TITLE_WORDS, "county", "office", "date"))
            ):
                names.append(Found(candidate, "text", index + 1, number, sure, following.strip()[:60]))
    return Signing(tuple(dates), tuple(names))


_REVISED = re.compile(
    r"Rev(?:ised|\.)?\s*(?:([0-3Il]?\d)\s*/\s*([0-3Il]?\d)\s*/\s*((?:20)?\d\d)\b|([0-3Il]\d)\s*/?\s*([0-3Il]\d)\s*[/1Il]?\s*(20\d\d))",
    re.IGNORECASE,
)
# Markers of the versions that carry no revision footer (before 2025).
UNDATED_VERSIONS = {
    "WSO": (("hereinafterthelawenforcementagency(lea)", "WSO 2020"), ("", "WSO 2019")),
    "JEM": (("", "JEM 2020"),),
    "TFM": (),
}


def template(pages: Sequence[str], model_code: str | None, ocr_pages: frozenset[int] = frozenset()) -> Found:
    """The template version: ICE's revision footer ("Revised 02/14/2025", the most frequent one, OCR's l and I
    read as 1), else the marker of an undated version of that model."""
    seen: Counter[str] = Counter()
    first: dict[str, tuple[int, int]] = {}
    for index, page_text in enumerate(pages):
        for number, line_text in enumerate(clean(page_text).splitlines(), start=1):
            for match in _REVISED.finditer(line_text):
                groups = match.groups()[:3] if match.group(1) else match.groups()[3:]
                month, day, year = (g.replace("I", "1").replace("l", "1") for g in groups)
                try:
                    revised = date(int(year) + (2000 if len(year) == 2 else 0), int(month), int(day))
                except ValueError:
                    continue
                key = revised.isoformat()
                seen[key] += 1
                first.setdefault(key, (index + 1, number))
    if seen and model_code:
        key, count = seen.most_common(1)[0]
        page, line = first[key]
        sure = min(1.0, 0.5 + count / max(len(pages), 1))
        return Found(f"{model_code} {key}", "footer", page, line, round(sure, 2), f"Revised {key} on {count} pages")
    if model_code is None:
        return Found(None, "none", note="the model is unknown, so is the template")
    text = squeeze("\n".join(pages))
    for marker, version in UNDATED_VERSIONS.get(model_code, ()):
        if not marker or marker in text:
            if len(text) < 5000:
                return Found(None, "none", note="too little text was read to tell the template")
            note = f"no revision footer; says {marker!r}" if marker else "no revision footer and no later marker"
            return Found(version, "text", None, None, 0.7, note)
    return Found(None, "none", note=f"no revision footer and no known undated {model_code} version")


def nearest_version(found: Found, known: Sequence[str], days: int = 3) -> Found:
    """A revision date read by OCR a few days off a known template of the same model is that template."""
    if found.value is None or found.value in known or found.source != "footer":
        return found
    model_code, _, day = found.value.partition(" ")
    read = date.fromisoformat(day)
    near = [
        (abs((date.fromisoformat(k.partition(" ")[2]) - read).days), k)
        for k in known
        if k.startswith(model_code + " 20") and k.count("-") == 2
    ]
    if near and min(near)[0] <= days:
        closest = min(near)[1]
        note = f"{found.note}; read {day}, taken as the nearest known revision, {closest.partition(' ')[2]}"
        return Found(closest, "footer", found.page, found.line, round(found.confidence * 0.8, 2), note)
    return found


def addendum(clauses: Sequence[Clause]) -> Found:
    """The addendum that follows the agreement, if any (its first page)."""
    for clause in clauses:
        if clause.id == "Addendum":
            return Found(clause.title[:120], "text", clause.page, clause.line, 1.0)
    return NOT_FOUND


def date_from_file_name(file_name: str) -> Found:
    """ICE's file names end with the signing date in one of several spellings."""
    stem = file_name.rsplit(".", 1)[0]
    patterns = (
        (r"(20[12]\d)-([01]\d)-([0-3]\d)$", (1, 2, 3)),
        (r"([01]?\d)[-.]([0-3]?\d)[-.](20[12]\d)$", (3, 1, 2)),
        (r"([01]\d)[.]?([0-3]\d)[.]?(2[0-9])$", (3, 1, 2)),
        (r"([01]\d)([0-3]\d)(20[12]\d)$", (3, 1, 2)),
    )
    for pattern, (y, m, d) in patterns:
        match = re.search(pattern, stem)
        if match:
            year = int(match.group(y))
            try:
                value = date(year + 2000 if year < 100 else year, int(match.group(m)), int(match.group(d)))
            except ValueError:
                continue
            return Found(value.isoformat(), "file name", confidence=0.5, note=f"ICE's file name {file_name}")
    return Found(None, "none", note=f"{file_name} carries no date")
