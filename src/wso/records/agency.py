"""The agency a letter goes to, looked up in the registry with its 287(g) agreements.

Only `wso.registry`'s public functions `find_agencies` and `latest_snapshot_date` are used. The registry holds the
agencies ICE lists; an agency with no agreement is usually not there at all, and the letter then asks whether any
agreement exists. An empty registry cannot tell either way, so a lookup in it is refused (`EmptyRegistry`) rather
than read as "no agreement".
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from sqlalchemy.orm import Session

from wso.records.letter import LetterAgency, LetterAgreement
from wso.registry import AgencyView, AgreementView, find_agencies, latest_snapshot_date


class AmbiguousAgency(LookupError):
    def __init__(self, query: str, state: str, names: list[str]) -> None:
        self.query = query
        self.names = names
        shown = "; ".join(names[:8]) + (f"; and {len(names) - 8} more" if len(names) > 8 else "")
        super().__init__(f"agency {query!r} matches {len(names)} agencies in {state}: {shown}. Give the full name")


class EmptyRegistry(LookupError):
    def __init__(self) -> None:
        super().__init__(
            "the registry holds none of ICE's 287(g) lists, so it cannot tell which agreements the agency has: load "
            "them first (wso registry fetch, or wso registry ingest FILES), or give --unlisted for an agency ICE does "
            "not list"
        )


def _normal(text: str) -> str:
    return " ".join(text.replace("’", "'").lower().split())


def _signed_earlier(agreement: AgreementView, corrected: dict[str, AgreementView]) -> tuple[date, ...]:
    """The SIGNED dates ICE listed for `agreement` before it corrected them (following `corrects` back)."""
    dates: list[date] = []
    at, seen = agreement.corrects, {agreement.id}
    while at is not None and at in corrected and at not in seen:
        seen.add(at)
        signed = corrected[at].signed
        if signed is not None and signed != agreement.signed and signed not in dates:
            dates.append(signed)
        at = corrected[at].corrects
    return tuple(reversed(dates))


def letter_agency(view: AgencyView, listed_as_of: date | None = None) -> LetterAgency:
    """The letter's view of a registry agency: its agreements, oldest first. An agreement whose SIGNED date ICE
    corrected is one agreement, named once under its corrected date, with the dates listed before."""
    corrected = {a.id: a for a in view.agreements if a.status == "corrected"}
    agreements = sorted(
        (a for a in view.agreements if a.status != "corrected"),
        key=lambda a: (a.signed or a.first_listed, a.model, a.id),
    )
    return LetterAgency(
        name=view.name,
        state=view.state,
        agency_id=view.id,
        listed_as_of=listed_as_of,
        agreements=tuple(
            LetterAgreement(
                model=str(a.model),
                signed=a.signed,
                moa_url=a.moa_url,
                status=a.status,
                since=a.pending_since if a.status == "pending" else a.removed_on if a.status == "removed" else None,
                signed_earlier=_signed_earlier(a, corrected),
            )
            for a in agreements
        ),
    )


def lookup_agency(session: Session, name: str, state: str) -> LetterAgency:
    """The agency named `name` in `state`: the registry's agency and agreements when the name finds one (an exact
    name wins; a name whose every word is a whole word of exactly one agency's name finds that agency, and the
    letter notes it), else an agency with no known agreement under the name given, with the names that only
    resemble it (a word that begins a longer one: "Harris" in "Harrison") in `near`. Each says how recent ICE's
    lists behind it are. Raises `AmbiguousAgency` when several agencies match and none exactly, and
    `EmptyRegistry` when the registry holds no ICE list at all."""
    as_of = latest_snapshot_date(session)
    if as_of is None:
        raise EmptyRegistry()
    query = name.strip()
    found = [a for a in find_agencies(session, query, state) if a.state == state]
    exact = [a for a in found if _normal(a.name) == _normal(query)]
    if len(exact) == 1:
        return letter_agency(exact[0], as_of)
    # the registry matches words inside longer words ("Harris" in "Harrison"): only whole words name an agency
    whole = [a for a in found if a in exact or _whole_words(query, a)]
    if len(whole) == 1 and not exact:
        return replace(letter_agency(whole[0], as_of), matched_from=query)
    if whole:
        candidates = exact or whole
        raise AmbiguousAgency(query, state, sorted({a.name for a in candidates}))
    near = tuple(sorted({a.name for a in found}))
    return LetterAgency(name=query, state=state, listed_as_of=as_of, near=near)


def _words(text: str) -> set[str]:
    return set(re.sub(r"[^0-9a-z]+", " ", _normal(text).replace("'", "")).split())


def _whole_words(query: str, agency: AgencyView) -> bool:
    """Every word of `query` is a whole word of the agency's name or of a spelling ICE used."""
    wanted = _words(query)
    return bool(wanted) and any(wanted <= _words(n) for n in (agency.name, *agency.spellings))
