"""The one catalogue of the custody ledger's commands: per command its ledger name, a plain label and help, the task
group it belongs to, the roles that may run it, and per field a plain label, a kind, whether it is required, and
help. Replay, the CLI, the console's forms and API, and the command reference in docs/custody.md all read it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from wso.custody.checks import FORMS, RELEASE_REASONS
from wso.program import AGENCY_KINDS, DETENTION_KIND_WORDS, DETENTION_KINDS, INTERVIEW_TOPICS, MOA_TEMPLATES

FieldKind = Literal["text", "choice", "datetime", "date", "number", "bool", "reference"]
Reference = Literal["agency", "agreement", "facility", "officer", "booking", "warrant", "hold", "complaint"]

# Who does what in a jail: the desk (clerks and WSO officers, with their supervisors) records bookings, warrants,
# service and what happens to holds; setting up the jail, designating officers, complaints about officers and the
# acts a WSO may not do (recorded so that the ledger refuses them with the rule) are a supervisor's. The auditor
# only reads.
DESK: tuple[str, ...] = ("clerk", "officer", "supervisor", "admin")
SUPERVISORS: tuple[str, ...] = ("supervisor", "admin")

GROUPS: tuple[str, ...] = ("Set up", "Officers", "Bookings", "Warrants", "Holds", "Complaints", "Acts a WSO may not do")


@dataclass(frozen=True)
class Choice:
    """One value of a closed list, with the words a person reads."""

    value: str
    label: str


@dataclass(frozen=True)
class Field:
    """One field of a command.

    `kind` says how it is typed: `datetime` is a moment typed in the facility's time zone (stored UTC), `reference`
    names an existing record of `refers_to` (`many`: a list of them). `derive` names the field a new record's id is
    made from when the id is left blank (a form's id field; replay and the CLI always give it); `numbered` makes
    such ids `<base>-1`, `<base>-2`, ... `personal` marks a person's data, never written to the journal."""

    name: str
    label: str
    kind: FieldKind = "text"
    required: bool = True
    help: str = ""
    choices: tuple[Choice, ...] = ()
    refers_to: Reference | None = None
    many: bool = False
    derive: str | None = None
    numbered: bool = False
    personal: bool = False
    open: bool = False  # the choices are suggestions: the ledger checks the value itself (a time zone)

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(c.value for c in self.choices)


@dataclass(frozen=True)
class Entry:
    """One ledger command as people meet it."""

    name: str
    label: str
    help: str
    group: str
    roles: tuple[str, ...]
    fields: tuple[Field, ...] = ()
    confirm: str | None = None  # a question asked once more before a command that ends custody

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)

    @property
    def optional(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if not f.required)


def _choices(values: Iterable[str], words: Mapping[str, str] | None = None) -> tuple[Choice, ...]:
    return tuple(Choice(v, (words or {}).get(v, v[:1].upper() + v[1:])) for v in values)


TIME_ZONES: tuple[Choice, ...] = (
    Choice("America/New_York", "Eastern (New York, Florida, Georgia...)"),
    Choice("America/Detroit", "Eastern (Michigan)"),
    Choice("America/Indiana/Indianapolis", "Eastern (most of Indiana)"),
    Choice("America/Kentucky/Louisville", "Eastern (Louisville, Kentucky)"),
    Choice("America/Chicago", "Central (Texas, Alabama, Oklahoma...)"),
    Choice("America/Indiana/Knox", "Central (Starke County, Indiana)"),
    Choice("America/Denver", "Mountain (Colorado, Utah, New Mexico...)"),
    Choice("America/Boise", "Mountain (southern Idaho)"),
    Choice("America/Phoenix", "Mountain, no daylight saving (Arizona)"),
    Choice("America/Los_Angeles", "Pacific (California, Nevada, Washington...)"),
    Choice("America/Anchorage", "Alaska"),
    Choice("Pacific/Honolulu", "Hawaii"),
    Choice("America/Puerto_Rico", "Atlantic (Puerto Rico, U.S. Virgin Islands)"),
    Choice("Pacific/Guam", "Chamorro (Guam, Northern Mariana Islands)"),
)
MODELS = (
    Choice("WSO", "Warrant Service Officer (WSO)"),
    Choice("JEM", "Jail Enforcement Model (JEM)"),
    Choice("TFM", "Task Force Model (TFM)"),
)
WARRANT_FORMS = _choices(
    FORMS,
    {
        "I-200": "I-200 administrative warrant of arrest",
        "I-205": "I-205 warrant of removal",
        "I-247A": "I-247A detainer (not a warrant)",
        "judicial": "Judicial warrant",
    },
)
REASONS = _choices(
    RELEASE_REASONS,
    {
        "released": "Released",
        "warrant_cancelled": "ICE cancelled the warrant",
        "citizenship_verified": "U.S. citizenship verified",
    },
)
DETENTION = tuple(Choice(k, f"{k}: {DETENTION_KIND_WORDS[k]}") for k in DETENTION_KINDS)
TEMPLATES = tuple(Choice(t, f"the {t} template") for t in MOA_TEMPLATES)


def _warrant(label: str = "Warrant", help: str = "") -> Field:
    return Field("warrant", label, "reference", refers_to="warrant", help=help)


def _hold(help: str = "The hold, named by the warrant it was opened on.") -> Field:
    return Field("warrant", "Hold (by warrant)", "reference", refers_to="hold", help=help)


def _officer(name: str = "officer", label: str = "Officer") -> Field:
    return Field(name, label, "reference", refers_to="officer")


AGENCY = Field("agency", "Agency", "reference", refers_to="agency", help="An agency entered with “Enter the agency”.")
FACILITY = Field("facility", "Facility", "reference", refers_to="facility")
BOOKING = Field("booking", "Booking", "reference", refers_to="booking")

COMMANDS: tuple[Entry, ...] = (
    Entry(
        "agency",
        "Enter the agency",
        "The sheriff's office (or other agency) that runs the jail, picked from ICE's list; an agency ICE does not "
        "list needs its name and state.",
        "Set up",
        SUPERVISORS,
        (
            Field("id", "Agency", "reference", refers_to="agency", help="Its id in ICE's list (the registry)."),
            Field("name", "Name", required=False, help="Only for an agency ICE's list lacks."),
            Field("state", "State", required=False, help="USPS code, e.g. FL; only for an agency ICE's list lacks."),
            Field(
                "kind",
                "Kind of agency",
                "choice",
                required=False,
                choices=_choices(AGENCY_KINDS),
                help="For state laws that treat counties and cities apart (default: ICE's list, else county).",
            ),
        ),
    ),
    Entry(
        "agreement",
        "Enter a 287(g) agreement",
        "The agency's agreement with ICE (the MOA): its model and the day it was signed.",
        "Set up",
        SUPERVISORS,
        (
            AGENCY,
            Field("model", "Model", "choice", choices=MODELS),
            Field("signed", "Signed on", "date"),
            Field("ended", "Ended on", "date", required=False, help="Leave blank while it is in force."),
            Field(
                "moa_template",
                "MOA template",
                "choice",
                required=False,
                choices=TEMPLATES,
                help="Decides the citizenship report's words (unknown: 2025).",
            ),
        ),
    ),
    Entry(
        "facility",
        "Add a facility",
        "A jail of the agency, with the time zone its clocks and deadlines are shown in.",
        "Set up",
        SUPERVISORS,
        (
            Field("id", "Facility id", derive="name", help="Left blank, it is made from the name."),
            AGENCY,
            Field("name", "Name", help="e.g. Hardee County Jail"),
            Field("tz", "Time zone", "choice", choices=TIME_ZONES, open=True, help="An IANA time zone."),
            Field(
                "detention_agreement",
                "Covered by an IGSA from today",
                "bool",
                required=False,
                help="Older shortcut; prefer “Enter a detention agreement”.",
            ),
        ),
    ),
    Entry(
        "detention.agreement",
        "Enter a detention agreement",
        "An IGSA or U.S. Marshals agreement lifts the WSO hold's 48-hour limit at the facilities it covers; a BOA "
        "does not.",
        "Set up",
        SUPERVISORS,
        (
            Field("id", "Agreement id", derive="kind", numbered=True, help="Left blank, it is made from the kind."),
            AGENCY,
            Field(
                "facilities",
                "Facilities covered",
                "reference",
                refers_to="facility",
                many=True,
                help="One or more of the agency's facilities.",
            ),
            Field("kind", "Kind", "choice", choices=DETENTION),
            Field("from", "In force from", "date"),
            Field("until", "Last day in force", "date", required=False),
            Field(
                "signed", "Signed on", "date", required=False, help="For a state law's grace period (default: from)."
            ),
        ),
    ),
    Entry(
        "officer.nominate",
        "Nominate an officer",
        "The first step of a WSO's designation; only a U.S. citizen may be nominated.",
        "Officers",
        SUPERVISORS,
        (
            Field("id", "Officer id", derive="name", help="Left blank, it is made from the name."),
            AGENCY,
            Field("name", "Name", personal=True),
            Field("us_citizen", "U.S. citizen", "bool"),
        ),
    ),
    Entry(
        "officer.exam",
        "Record the exam",
        "ICE's final exam: 70 % passes; one retake, and failing it disqualifies.",
        "Officers",
        SUPERVISORS,
        (_officer("id"), Field("score", "Score (%)", "number", help="0 to 100")),
    ),
    Entry(
        "officer.certify",
        "Record ICE's certification",
        "ICE certifies in writing an officer who passed the exam.",
        "Officers",
        SUPERVISORS,
        (_officer("id"),),
    ),
    Entry(
        "officer.authorize",
        "Record the authorization",
        "The Field Office Director's letter (Form 70-006): only then may the officer serve warrants.",
        "Officers",
        SUPERVISORS,
        (_officer("id"),),
    ),
    Entry(
        "officer.withdraw",
        "Withdraw an authorization",
        "ICE withdraws an officer's authorization, effective at once.",
        "Officers",
        SUPERVISORS,
        (_officer("id"),),
    ),
    Entry(
        "booking",
        "Book a person",
        "A person in the jail's criminal custody, with the scheduled release from it.",
        "Bookings",
        DESK,
        (
            Field("id", "Booking number", derive="facility", numbered=True, help="Left blank, one is given."),
            FACILITY,
            Field("scheduled_release", "Scheduled release", "datetime", help="In the facility's time zone."),
            Field("name", "Name", required=False, personal=True),
            Field("dob", "Date of birth", "date", required=False, personal=True),
            Field("a_number", "A-number", required=False, personal=True),
        ),
    ),
    Entry(
        "criminal.release",
        "Record an early release",
        "The person leaves criminal custody before the scheduled release (bond posted, charges dropped).",
        "Bookings",
        DESK,
        (BOOKING,),
    ),
    Entry(
        "warrant.receive",
        "Receive a warrant or detainer",
        "An ICE warrant (I-200, I-205), an I-247A detainer or a judicial warrant for a booked person.",
        "Warrants",
        DESK,
        (
            Field("id", "Warrant number", derive="form", numbered=True, help="Left blank, one is given."),
            BOOKING,
            Field("form", "Form", "choice", choices=WARRANT_FORMS),
        ),
    ),
    Entry(
        "warrant.serve",
        "Serve a warrant at release",
        "An authorized WSO serves an I-200 or I-205 at the release from criminal custody: the 48 hours start.",
        "Warrants",
        DESK,
        (
            _warrant(),
            _officer(label="Serving officer"),
            FACILITY,
            Field("interpreter", "Interpreter", required=False, help="The interpreter's name, if one was needed."),
        ),
    ),
    Entry(
        "detainer.hold",
        "Hold on a detainer",
        "Keep the person on an I-247A detainer past the release (its own clock).",
        "Warrants",
        DESK,
        (_warrant("Detainer"),),
    ),
    Entry("ice.notify", "Tell ICE of the service", "ICE is told at once after a service.", "Holds", DESK, (_hold(),)),
    Entry(
        "citizenship.claim",
        "Record a claim of U.S. citizenship",
        "The person claims (or is thought) to be a U.S. citizen: report it to ICE within one hour.",
        "Holds",
        DESK,
        (_hold(),),
    ),
    Entry(
        "citizenship.report",
        "Report the citizenship claim to ICE",
        "The claim is reported to the ICE Field Office Director.",
        "Holds",
        DESK,
        (_hold(),),
    ),
    Entry(
        "custody.transfer",
        "Transfer to ICE",
        "ICE takes the person: the hold ends.",
        "Holds",
        DESK,
        (_hold(),),
        confirm="Transfer this person to ICE's custody? This ends the hold and cannot be undone.",
    ),
    Entry(
        "custody.release",
        "Release from the hold",
        "The person is released: the hold ends.",
        "Holds",
        DESK,
        (_hold(), Field("reason", "Reason", "choice", required=False, choices=REASONS)),
        confirm="Release this person from the hold? This ends the hold and cannot be undone.",
    ),
    Entry(
        "custody.continue",
        "Hold on under a detention agreement",
        "Past the 48 hours, only where an IGSA or U.S. Marshals agreement covers the facility.",
        "Holds",
        DESK,
        (_hold(),),
        confirm="Continue this hold under a detention agreement?",
    ),
    Entry("sweep", "Raise the alerts now due", "Each alert is raised once.", "Holds", DESK),
    Entry(
        "complaint.receive",
        "Receive a complaint about an officer",
        "Report it to ICE within 48 hours, weekends excluded.",
        "Complaints",
        SUPERVISORS,
        (
            Field("id", "Complaint number", derive="officer", numbered=True, help="Left blank, one is given."),
            _officer(),
            FACILITY,
        ),
    ),
    Entry(
        "complaint.report",
        "Report a complaint to ICE",
        "The complaint is reported to ICE.",
        "Complaints",
        SUPERVISORS,
        (Field("id", "Complaint", "reference", refers_to="complaint"),),
    ),
    Entry(
        "interview",
        "Record an interview",
        "Questioning by an officer, on a topic from a closed list; a WSO may not ask about citizenship, alienage, "
        "nationality, removability, immigration status or place of birth.",
        "Acts a WSO may not do",
        SUPERVISORS,
        (_officer(), BOOKING, Field("topic", "Topic", "choice", choices=_choices(INTERVIEW_TOPICS))),
    ),
    Entry(
        "detainer.issue",
        "Record a detainer issued by an officer",
        "A WSO may not issue detainers: the ledger refuses it and records who tried.",
        "Acts a WSO may not do",
        SUPERVISORS,
        (_officer(), BOOKING),
    ),
)

CATALOGUE: dict[str, Entry] = {entry.name: entry for entry in COMMANDS}


def entry(command: str) -> Entry:
    """The catalogue's entry for `command`; KeyError naming the known commands."""
    try:
        return CATALOGUE[command]
    except KeyError:
        raise KeyError(f"unknown command {command!r}; known: {', '.join(CATALOGUE)}") from None


def may_run(role: str, command: str) -> bool:
    found = CATALOGUE.get(command)
    return found is not None and role in found.roles


def for_role(role: str) -> list[Entry]:
    """The commands `role` may run, in the catalogue's order."""
    return [e for e in COMMANDS if role in e.roles]


def grouped(entries: Iterable[Entry]) -> list[tuple[str, list[Entry]]]:
    """`entries` by task group, in the groups' order (a group with none left out)."""
    chosen = list(entries)
    return [(g, [e for e in chosen if e.group == g]) for g in GROUPS if any(e.group == g for e in chosen)]


_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    return _SLUG.sub("-", text.lower()).strip("-")


def derive_id(command: str, args: Mapping[str, Any], taken: Iterable[str]) -> str | None:
    """The id a new record gets when its id field is left blank: made from the field the catalogue names (e.g. a
    facility's name), numbered where the catalogue says so or when the plain one is taken; None when the
    command makes no such id or the field it is made from is blank too."""
    field = entry(command).field("id")
    if field is None or field.derive is None:
        return None
    base = slug(str(args.get(field.derive) or ""))
    if not base:
        return None
    used = set(taken)
    if not field.numbered and base not in used:
        return base
    number = 1
    while f"{base}-{number}" in used:
        number += 1
    return f"{base}-{number}"


def markdown() -> str:
    """The command reference of docs/custody.md, generated from the catalogue (`wso custody commands
    --markdown`)."""
    lines = ["| command | what it does | who may run it | fields (optional in italics) |", "|---|---|---|---|"]
    for group, entries in grouped(COMMANDS):
        lines.append(f"| **{group}** | | | |")
        for e in entries:
            fields = "; ".join(_field_words(f) for f in e.fields) or "none"
            lines.append(f"| `{e.name}` | {e.label}: {e.help} | {', '.join(e.roles)} | {fields} |")
    return "\n".join(lines) + "\n"


def _field_words(field: Field) -> str:
    if field.kind == "choice" and field.open:
        kind = f"e.g. `{field.values[0]}`; the console lists {len(field.values)}"
    elif field.kind == "choice":
        kind = "one of " + " \\| ".join(f"`{v}`" for v in field.values)
    elif field.kind == "reference":
        plural = {"agency": "agencies", "facility": "facilities"}.get(str(field.refers_to), f"{field.refers_to}s")
        kind = f"ids of {plural} (a list, or separated by commas)" if field.many else f"the id of the {field.refers_to}"
    else:
        kind = KIND_WORDS[field.kind]
    if field.derive:
        kind += f"; left blank in the console, made from `{field.derive}`"
    name = f"`{field.name}`" if field.required else f"*`{field.name}`*"
    return f"{name} ({field.label}: {kind})"


KIND_WORDS = {
    "datetime": "a time, in the facility's zone in the console, ISO 8601 with offset in replay and the API",
    "date": "a date YYYY-MM-DD",
    "number": "a number",
    "bool": "true or false; yes or no in the console",
    "text": "text",
}
