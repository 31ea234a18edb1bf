"""A public-records request letter as structured content, composed from the state's facts, the agency's 287(g)
agreements (from the registry) and the chosen record sets. `render.py` turns it into Markdown, HTML, PDF or DOCX.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from wso.records.due import due_dates
from wso.records.facts import StateFacts
from wso.records.hold_schema import HOLD_SCHEMA_TABLES, HOLD_SCHEMA_VERSION
from wso.records.residency import ResidencyWarning, residency_warning
from wso.records.sets import HOLD_LOG, RECORD_SETS, Lang, RecordSet
from wso.records.texts import CONFIDENCE, long_date, model_name, t

DEFAULT_PERIOD_START = date(2019, 1, 1)
"""Records are asked for from this day (the WSO model's launch year) or the earliest agreement's date if earlier."""


class MissingRequester(ValueError):
    def __init__(self) -> None:
        super().__init__("the requester's name is missing; give --requester-name")


@dataclass(frozen=True)
class LetterAgreement:
    """One 287(g) agreement the letter names."""

    model: str
    signed: date | None
    moa_url: str | None
    status: str = "active"
    since: date | None = None
    """For status "pending": pending since; for "removed": removed on."""
    signed_earlier: tuple[date, ...] = ()
    """Signing dates ICE listed for this same agreement before correcting them, oldest listing first."""


@dataclass(frozen=True)
class LetterAgency:
    """The agency a letter is addressed to, with its agreements as the registry knows them (maybe none)."""

    name: str
    state: str
    agreements: tuple[LetterAgreement, ...] = ()
    agency_id: str | None = None
    matched_from: str | None = None
    """The name the user gave, when it matched this registry agency only in part."""
    listed_as_of: date | None = None
    """The publication date of the latest ICE list the registry holds, when the agency was looked up there."""
    near: tuple[str, ...] = ()
    """Agencies ICE lists whose name the name given only resembles (a word of it begins a longer word: "Harris" in
    "Harrison"): not taken to be this agency, but named in the letter's notes."""


@dataclass(frozen=True)
class Requester:
    name: str
    email: str | None = None
    address: str | None = None

    def __post_init__(self) -> None:
        if not self.name or not self.name.strip():
            raise MissingRequester()


@dataclass(frozen=True)
class Item:
    """One entry of a list: a title, its text, and an optional second line."""

    title: str
    text: str
    note: str | None = None


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: tuple[str, ...] = ()
    items: tuple[Item, ...] = ()
    after: tuple[str, ...] = ()
    code_items: bool = False
    """The items' texts are column names, set in a fixed-width face."""


@dataclass(frozen=True)
class Letter:
    """Everything a rendered letter says, in its language."""

    lang: Lang
    state: str
    law_name: str
    citation: str
    agency: LetterAgency
    set_ids: tuple[str, ...]
    dated: date
    due: date | None
    follow_up: date | None
    notes: tuple[str, ...]
    sender: tuple[str, ...]
    date_line: str
    recipient: tuple[str, ...]
    subject: str
    salutation: str
    intro: str
    sections: tuple[Section, ...]
    closing: str
    signoff: str
    signature: str
    residency: ResidencyWarning | None

    @property
    def note_heading(self) -> str:
        return t(self.lang, "note_heading")


def _quote(text: str, lang: Lang) -> str:
    body = text.strip().rstrip(".")
    return f"«{body}»" if lang == "es" else f"“{body}”"


def _agreement_item(agreement: LetterAgreement, lang: Lang) -> Item:
    parts = [
        t(lang, "signed", date=long_date(agreement.signed, lang)) if agreement.signed else t(lang, "signed_unknown")
    ]
    if agreement.status == "pending" and agreement.since:
        parts.append(t(lang, "status_pending", date=long_date(agreement.since, lang)))
    elif agreement.status == "removed" and agreement.since:
        parts.append(t(lang, "status_removed", date=long_date(agreement.since, lang)))
    if agreement.signed_earlier:
        dates = ", ".join(long_date(d, lang) for d in agreement.signed_earlier)
        parts.append(t(lang, "signed_earlier", dates=dates))
    moa = t(lang, "moa", url=agreement.moa_url) if agreement.moa_url else t(lang, "moa_unknown")
    return Item(
        title=t(lang, "agreement_title", model=model_name(agreement.model, lang)), text="; ".join(parts), note=moa
    )


def _set_item(record_set: RecordSet, lang: Lang) -> Item:
    return Item(
        title=record_set.title(lang),
        text=record_set.records(lang),
        note=t(lang, "shows", text=record_set.shows(lang)),
    )


def compose_letter(
    *,
    agency: LetterAgency,
    facts: StateFacts,
    requester: Requester,
    sets: Sequence[RecordSet] = RECORD_SETS,
    lang: Lang = "en",
    on: date,
) -> Letter:
    """The letter `requester` sends `agency` under `facts`' law on day `on`, asking for `sets` (all by default)."""
    chosen = tuple(s for s in RECORD_SETS if s in set(sets)) or RECORD_SETS
    dates = due_dates(facts, on)
    warning = residency_warning(facts, requester.address, lang)
    notes: list[str] = []
    if warning is not None:
        notes.append(warning.message)
    if agency.matched_from is not None:
        notes.append(t(lang, "matched_note", query=agency.matched_from, name=agency.name))
    if agency.near:
        notes.append(t(lang, "near_note", name=agency.name, state=facts.state_name, near="; ".join(agency.near)))
    if facts.confidence != "high":
        notes.append(
            t(
                lang,
                "confidence_note",
                state=facts.state_name,
                confidence=CONFIDENCE[lang][facts.confidence],
                source=facts.source_url,
            )
        )
    starts = [a.signed for a in agency.agreements if a.signed is not None]
    start = min([DEFAULT_PERIOD_START, *starts])
    law = facts.law_name
    as_of = t(lang, "as_of", date=long_date(agency.listed_as_of, lang)) if agency.listed_as_of else ""
    sections: list[Section] = []
    if agency.agreements:
        sections.append(
            Section(
                heading=t(lang, "agreements_heading"),
                paragraphs=(
                    t(
                        lang,
                        "agreements_some" if len(agency.agreements) > 1 else "agreements_one",
                        agency=agency.name,
                        as_of=as_of,
                    ),
                ),
                items=tuple(_agreement_item(a, lang) for a in agency.agreements),
            )
        )
    else:
        sections.append(
            Section(
                heading=t(lang, "agreements_heading"),
                paragraphs=(t(lang, "agreements_none", agency=agency.name, as_of=as_of),),
            )
        )
    sections.append(
        Section(
            heading=t(lang, "records_heading"),
            paragraphs=(t(lang, "records_intro", count=len(chosen)),),
            items=tuple(_set_item(s, lang) for s in chosen),
        )
    )
    if any(s.id == HOLD_LOG for s in chosen):
        sections.append(
            Section(
                heading=t(lang, "hold_log_heading"),
                paragraphs=(t(lang, "hold_log_intro", version=HOLD_SCHEMA_VERSION),),
                items=tuple(Item(title=name, text=", ".join(columns)) for name, columns in HOLD_SCHEMA_TABLES),
                after=(t(lang, "hold_log_after"),),
                code_items=True,
            )
        )
    sections.append(Section(heading=t(lang, "format_heading"), paragraphs=(t(lang, "format"),)))
    text = _quote(facts.deadline_text, lang)
    if facts.deadline_kind == "business" and dates.due is not None:
        deadline = t(
            lang,
            "deadline_business",
            law=law,
            days=facts.response_deadline_days,
            text=text,
            due=long_date(dates.due, lang),
        )
    elif facts.deadline_kind == "calendar" and dates.due is not None:
        deadline = t(
            lang,
            "deadline_calendar",
            law=law,
            days=facts.response_deadline_days,
            text=text,
            due=long_date(dates.due, lang),
        )
    else:
        assert dates.follow_up is not None
        deadline = t(lang, "deadline_none", law=law, text=text, follow_up=long_date(dates.follow_up, lang))
    sections.append(Section(heading=t(lang, "deadline_heading"), paragraphs=(deadline,)))
    fees = _quote(facts.fees_note, lang) if facts.fees_note else "—"
    fee_text = t(lang, "fees_waiver" if facts.fee_waiver else "fees_other", fees=fees)
    sections.append(Section(heading=t(lang, "fees_heading"), paragraphs=(fee_text,)))
    sections.append(Section(heading=t(lang, "appeal_heading"), paragraphs=(t(lang, "appeal", appeal=facts.appeal_to),)))
    sender = [requester.name.strip()]
    if requester.address:
        sender.extend(line.strip() for line in requester.address.splitlines() if line.strip())
    if requester.email:
        sender.append(requester.email.strip())
    contact = t(lang, "contact_email", email=requester.email.strip()) if requester.email else ""
    return Letter(
        lang=lang,
        state=facts.state,
        law_name=law,
        citation=facts.citation,
        agency=agency,
        set_ids=tuple(s.id for s in chosen),
        dated=on,
        due=dates.due,
        follow_up=dates.follow_up,
        notes=tuple(notes),
        sender=tuple(sender),
        date_line=long_date(on, lang),
        recipient=(t(lang, "recipient_title"), agency.name, facts.state_name),
        subject=t(lang, "subject", law=law, citation=facts.citation),
        salutation=t(lang, "salutation"),
        intro=t(lang, "intro", law=law, citation=facts.citation, agency=agency.name, start=long_date(start, lang)),
        sections=tuple(sections),
        closing=t(lang, "closing", contact=contact),
        signoff=t(lang, "signoff"),
        signature=requester.name.strip(),
        residency=warning,
    )
