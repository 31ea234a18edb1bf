"""A public-records letter made from the site: the agency looked up in the registry, the letter composed and
rendered by the records room, exactly as `wso records letter` makes it (`lookup_agency`, `compose_letter`,
`render_letter`). Nothing is stored: the requester's name and contact details go into the letter and nowhere else.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from wso import registry
from wso.records import (
    AmbiguousAgency,
    EmptyRegistry,
    MissingRequester,
    NoFacts,
    Requester,
    StateFacts,
    UnknownFormat,
    UnknownLanguage,
    UnknownRecordSet,
    choose_sets,
    compose_letter,
    facts_for,
    lookup_agency,
    parse_format,
    parse_lang,
    render_letter,
)

# What a person downloads: PDF, Word, or plain text (the letter's Markdown, readable as it stands).
WEB_FORMATS = ("pdf", "docx", "md")
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/plain; charset=utf-8",
}
EXTENSIONS = {"pdf": "pdf", "docx": "docx", "md": "txt"}


class LetterIn(BaseModel):
    """A letter asked for from the site or the API."""

    state: str = Field(max_length=40, description="The agency's state (USPS code or name).")
    agency_id: str | None = Field(default=None, max_length=200, description="The agency's registry id.")
    agency: str | None = Field(
        default=None, max_length=300, description="Else the agency's name (an agency ICE may not list)."
    )
    requester_name: str = Field(default="", max_length=200, description="Who asks (goes into the letter only).")
    requester_email: str | None = Field(default=None, max_length=300)
    requester_address: str | None = Field(default=None, max_length=500)
    sets: list[str] = Field(default=[], description="Record sets to ask for (ids; none: all).")
    lang: str = Field(default="en", description="en or es")
    format: str = Field(default="pdf", description="pdf, docx or md (plain text)")


class LetterRefused(ValueError):
    """Why no letter was made, in words fit for the person who asked."""


@dataclass(frozen=True)
class MadeLetter:
    filename: str
    media_type: str
    data: bytes
    notes: tuple[str, ...]


def _slug(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.casefold()).strip("-")[:60] or "agency"


def make_letter(session: Session, facts: Mapping[str, StateFacts], wanted: LetterIn, today: date) -> MadeLetter:
    """The letter `wanted` describes, dated `today`. Raises `LetterRefused` with the reason."""
    try:
        state = facts_for(wanted.state, facts)
        lang = parse_lang(wanted.lang)
        fmt = parse_format(wanted.format)
        if fmt not in WEB_FORMATS:
            raise UnknownFormat(wanted.format)
        sets = choose_sets(wanted.sets)
        requester = Requester(
            name=wanted.requester_name.strip(),
            email=(wanted.requester_email or "").strip() or None,
            address=(wanted.requester_address or "").strip() or None,
        )
        name = _agency_name(session, wanted, state.state)
        agency = lookup_agency(session, name, state.state)
    except (NoFacts, UnknownLanguage, UnknownFormat, UnknownRecordSet, MissingRequester) as exc:
        raise LetterRefused(str(exc)) from None
    except (AmbiguousAgency, EmptyRegistry) as exc:
        raise LetterRefused(str(exc)) from None
    letter = compose_letter(agency=agency, facts=state, requester=requester, sets=sets, lang=lang, on=today)
    data = render_letter(letter, fmt)
    filename = f"records-request-{_slug(letter.agency.name)}-{today.isoformat()}.{EXTENSIONS[fmt]}"
    return MadeLetter(filename, MEDIA_TYPES[fmt], data, letter.notes)


def _agency_name(session: Session, wanted: LetterIn, state: str) -> str:
    """The agency's name: the registry's, for an id; else the name typed."""
    if wanted.agency_id:
        view = registry.get_agency(session, wanted.agency_id)
        if view is None or view.state != state:
            raise LetterRefused(f"no agency {wanted.agency_id!r} in {state} in ICE's lists; choose one from the list")
        return view.name
    typed = (wanted.agency or "").strip()
    if not typed:
        raise LetterRefused("choose the agency from the list, or type its name")
    return typed
