"""State laws on 287(g): packaged data/state-laws.csv, plus an optional user CSV that adds or overrides laws.

Each row is one law's stance on one thing it covers (its scope): 287(g) agreements (of some models), holds on
I-247A detainers without a judicial warrant, or agreements to detain people for civil immigration purposes for a
fee (IGSA, U.S. Marshals). A law that covers several things has one row per scope, each with its own effective day.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Literal, TypeVar, get_args

from wso.program._data import data_text
from wso.program.errors import LawFileError, UnknownValue
from wso.program.models import Model
from wso.program.states import parse_state

Stance = Literal["prohibits", "restricts", "mandates", "encourages"]
Binds = Literal["all", "state_agencies", "local_agencies", "sheriffs_with_jails"]
Confidence = Literal["high", "medium", "low"]
Scope = Literal["287g", "detainer_holds", "detention_agreements"]
Existing = Literal["end", "continue"]
Duty = Literal["hold", "apply"]
STANCES: tuple[Stance, ...] = get_args(Stance)
BINDS: tuple[Binds, ...] = get_args(Binds)
CONFIDENCES: tuple[Confidence, ...] = get_args(Confidence)
SCOPES: tuple[Scope, ...] = get_args(Scope)
EXISTING: tuple[Existing, ...] = get_args(Existing)
DUTIES: tuple[Duty, ...] = get_args(Duty)
ALL_MODELS: tuple[Model, ...] = tuple(Model)
SCOPE_WORDS: dict[Scope, str] = {
    "287g": "287(g) agreements",
    "detainer_holds": "holds on I-247A detainers without a judicial warrant",
    "detention_agreements": (
        "agreements to detain people for civil immigration purposes for a fee (IGSA, U.S. Marshals)"
    ),
}

COLUMNS = (
    "id",
    "state",
    "stance",
    "scope",
    "models",
    "instrument",
    "citation",
    "effective",
    "existing_agreements",
    "existing_agreements_end",
    "comply_by",
    "duty",
    "applies_to",
    "binds",
    "confidence",
    "source",
    "note",
)
REQUIRED = ("id", "state", "stance", "citation", "effective")
DEFAULTS = {"binds": "all", "confidence": "low", "scope": "287g", "existing_agreements": "end"}
PACKAGED = "wso/program/data/state-laws.csv"


@dataclass(frozen=True)
class StateLaw:
    """A state's law (statute, directive, executive order, court decision) on one scope.

    `scope`: what the row covers ("287g": 287(g) agreements of `models`; "detainer_holds"; "detention_agreements").
    `effective`: from this day the stance applies: new agreements (or holds) are barred (prohibits) or required
    (mandates).
    `existing_agreements`: "end": agreements signed before `effective` must end by `existing_agreements_end`
    (empty: at once, on `effective`); "continue": the law bars only new agreements (and renewals), not those
    already signed.
    `comply_by`: for a mandate, the day by which the bound agencies must meet it; `duty`: what a mandate asks,
    "hold" an agreement or "apply" for one. `models` of a mandate: the models whose agreement satisfies it.
    `origin`: the file the law was read from (the packaged CSV or the user's file).
    """

    id: str
    state: str
    stance: Stance
    instrument: str
    citation: str
    effective: date
    existing_agreements_end: date | None
    applies_to: str
    binds: Binds
    confidence: Confidence
    source: str
    note: str
    comply_by: date | None = None
    origin: str = PACKAGED
    scope: Scope = "287g"
    models: tuple[Model, ...] = ALL_MODELS
    existing_agreements: Existing = "end"
    duty: Duty | None = None

    def binds_kind(self, agency_kind: str) -> bool:
        """Whether the law binds an agency of this kind ("county" | "municipal" | "state")."""
        if self.binds == "all":
            return True
        if self.binds == "state_agencies":
            return agency_kind == "state"
        if self.binds == "local_agencies":
            return agency_kind in ("county", "municipal")
        return agency_kind == "county"

    def covers(self, model: Model) -> bool:
        """Whether this row speaks to 287(g) agreements of `model`."""
        return self.scope == "287g" and model in self.models

    def in_force(self, on: date) -> bool:
        return self.effective <= on

    def existing_end(self) -> date | None:
        """The day from which agreements signed before `effective` may no longer be held (None: never)."""
        if self.existing_agreements == "continue":
            return None
        return self.existing_agreements_end or self.effective

    def in_grace(self, on: date, signed: date | None) -> bool:
        """Whether an agreement signed on `signed` may still be held on `on` although this law is in force.

        Only an agreement signed before `effective` has a grace period, and only until `existing_end()`.
        `signed` None asks about a new agreement (signed on `on`): no grace.
        """
        if signed is None or signed >= self.effective:
            return False
        end = self.existing_end()
        return end is None or on < end

    def bars(self, on: date, agency_kind: str, signed: date | None = None) -> bool:
        """Whether this law forbids an agency of this kind, on `on`, what it covers (for an agreement: the one
        signed on `signed`; None: a new one). Only a prohibiting law bars; see `in_grace` for the grace period."""
        if self.stance != "prohibits" or not self.in_force(on) or not self.binds_kind(agency_kind):
            return False
        return not self.in_grace(on, signed)

    def bars_agreement(self, on: date, agency_kind: str, began: date | None = None) -> bool:
        """`bars` under its earlier name: `began` is the agreement's signing day (None: a new agreement)."""
        return self.bars(on, agency_kind, signed=began)

    def requirement(self) -> str:
        """What the law asks or forbids, in words built from its facts (for pages and the CLI)."""
        what = SCOPE_WORDS[self.scope]
        if self.scope == "287g":
            what = f"287(g) agreements of {_models_words(self.models)}"
        who = self.applies_to or _BINDS_WORDS[self.binds]
        if self.stance == "mandates":
            verb = "must apply for" if self.duty == "apply" else "must hold"
            text = f"{who}: {verb} a 287(g) agreement; one of {_models_words(self.models, 'or')} satisfies it"
            text = text.replace("one of any model", "an agreement of any model")
            return text + (f" (by {self.comply_by})" if self.comply_by else "")
        text = f"{who}: {self.stance} {what} from {self.effective}"
        if self.stance != "prohibits":
            return text
        end = self.existing_end()
        if end is None:
            return text + "; those signed before may continue"
        if end > self.effective:
            return text + f"; those signed before must end by {end}"
        return text + "; those signed before end at once"


_BINDS_WORDS: dict[Binds, str] = {
    "all": "state and local agencies",
    "state_agencies": "state agencies",
    "local_agencies": "county and municipal agencies",
    "sheriffs_with_jails": "sheriffs running a jail",
}


def _models_words(models: tuple[Model, ...], joiner: str = "and") -> str:
    names = [m.value for m in models]
    if len(names) == len(ALL_MODELS):
        return f"any model ({', '.join(names[:-1])} {joiner} {names[-1]})"
    return f" {joiner} ".join(names)


T = TypeVar("T", bound=str)


def _choice(value: str, choices: tuple[T, ...], where: tuple[str, int, str]) -> T:
    if value not in choices:
        raise LawFileError(*where, f"{value!r} is not one of {', '.join(choices)}")
    return value


def _date(value: str, where: tuple[str, int, str], *, required: bool) -> date | None:
    if not value:
        if required:
            raise LawFileError(*where, "is empty; write a date as YYYY-MM-DD")
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise LawFileError(*where, f"{value!r} is not a date; write it as YYYY-MM-DD") from None


def _models(value: str, scope: Scope, where: tuple[str, int, str]) -> tuple[Model, ...]:
    if not value:
        return ALL_MODELS
    if scope != "287g":
        raise LawFileError(*where, f"names models, but scope {scope!r} is not about 287(g) agreements; leave it empty")
    chosen: set[Model] = set()
    for word in re.split(r"[\s,;/|]+", value.strip()):
        if word.upper() not in Model.__members__:
            raise LawFileError(*where, f"{word!r} is not a model; write some of TFM, JEM, WSO (space-separated)")
        chosen.add(Model(word.upper()))
    return tuple(m for m in ALL_MODELS if m in chosen)


def _row(values: dict[str, str], origin: str, line: int) -> StateLaw:
    def at(column: str) -> tuple[str, int, str]:
        return (origin, line, column)

    for column in REQUIRED:
        if not values[column]:
            raise LawFileError(*at(column), "is empty")
    try:
        state = parse_state(values["state"])
    except UnknownValue:
        raise LawFileError(*at("state"), f"{values['state']!r} is not a USPS state code or name") from None
    stance = _choice(values["stance"], STANCES, at("stance"))
    scope = _choice(values["scope"], SCOPES, at("scope"))
    effective = _date(values["effective"], at("effective"), required=True)
    assert effective is not None
    existing = _choice(values["existing_agreements"], EXISTING, at("existing_agreements"))
    ends = _date(values["existing_agreements_end"], at("existing_agreements_end"), required=False)
    if ends is not None and ends < effective:
        raise LawFileError(*at("existing_agreements_end"), "is before 'effective'")
    if ends is not None and existing == "continue":
        raise LawFileError(
            *at("existing_agreements_end"), "is set, but existing_agreements is 'continue' (they never have to end)"
        )
    duty: Duty | None = None
    if values["duty"]:
        if stance != "mandates":
            raise LawFileError(*at("duty"), f"is for mandates; this law {stance}: leave it empty")
        duty = _choice(values["duty"], DUTIES, at("duty"))
    elif stance == "mandates":
        duty = "hold"
    return StateLaw(
        id=values["id"],
        state=state,
        stance=stance,
        instrument=values["instrument"],
        citation=values["citation"],
        effective=effective,
        existing_agreements_end=ends,
        applies_to=values["applies_to"],
        binds=_choice(values["binds"], BINDS, at("binds")),
        confidence=_choice(values["confidence"], CONFIDENCES, at("confidence")),
        source=values["source"],
        note=values["note"],
        comply_by=_date(values["comply_by"], at("comply_by"), required=False),
        origin=origin,
        scope=scope,
        models=_models(values["models"], scope, at("models")) if scope == "287g" or values["models"] else (),
        existing_agreements=existing,
        duty=duty,
    )


def _parse(text: str, origin: str) -> list[StateLaw]:
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    if not header:
        raise LawFileError(origin, 1, None, "no header row")
    header = [h.strip() for h in header]
    reader.fieldnames = header
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        raise LawFileError(origin, 1, unknown[0], f"unknown column; accepted: {', '.join(COLUMNS)}")
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise LawFileError(origin, 1, missing[0], "required column is missing")
    laws: list[StateLaw] = []
    seen: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        if None in row:
            raise LawFileError(origin, line, None, "more values than columns")
        values = {c: (row.get(c) or "").strip() for c in COLUMNS}
        for column, default in DEFAULTS.items():
            values[column] = values[column] or default
        law_id = values["id"]
        if law_id in seen:
            raise LawFileError(origin, line, "id", f"{law_id!r} repeats the id of line {seen[law_id]}")
        if law_id:
            seen[law_id] = line
        laws.append(_row(values, origin, line))
    return laws


@cache
def packaged_laws() -> tuple[StateLaw, ...]:
    return tuple(_parse(data_text("state-laws.csv"), PACKAGED))


def read_law_file(path: Path) -> tuple[StateLaw, ...]:
    """Laws from a user CSV (same columns as the packaged file; id, state, stance, citation, effective required)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise LawFileError(str(path), None, None, f"cannot be read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise LawFileError(str(path), None, None, "is not UTF-8 text") from None
    return tuple(_parse(text, str(path)))


def merge_laws(base: Iterable[StateLaw], extra: Iterable[StateLaw]) -> tuple[StateLaw, ...]:
    """`extra` laws replace the base laws with the same id and add the others."""
    merged = {law.id: law for law in base}
    for law in extra:
        merged[law.id] = law
    return tuple(merged.values())


def state_laws(extra: Path | None = None) -> tuple[StateLaw, ...]:
    """The packaged laws, plus (adding or overriding by id) the laws of the user's CSV `extra`."""
    if extra is None:
        return packaged_laws()
    return merge_laws(packaged_laws(), read_law_file(extra))


def law(law_id: str, laws: Iterable[StateLaw] | None = None) -> StateLaw:
    pool = tuple(laws) if laws is not None else packaged_laws()
    for candidate in pool:
        if candidate.id.upper() == law_id.strip().upper():
            return candidate
    raise UnknownValue("law id", law_id, [c.id for c in pool])
