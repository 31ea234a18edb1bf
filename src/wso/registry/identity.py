"""Who is who: one agency per law-enforcement body per state, across every spelling ICE used.

Two rows name the same agency when their names have the same key (`text.name_key`: case, apostrophes,
punctuation and whitespace do not count). Two keys in one state are then merged as a typo when they differ in
exactly one word, that word is at least five letters long in one spelling and one edit away in the other, and
both spellings are listed with the same TYPE and the same COUNTY ("Berrian County Sheriff's Offic" and "...Office"
merge; "Walker County" and "Waller County", one edit apart but in different counties, do not).

One wording rule applies before that: a county has one sheriff, so "Sheriff's Department", "Sheriff's Dept" and
"Sheriff's Office" name the same body ("Walker County Sheriff’s Department" is "Walker County Sheriff's Office").

An agency's id is derived from its state and the key of its earliest-published spelling, so it does not depend
on the order files are ingested in, and re-ingesting changes nothing.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from wso.registry.kinds import kind_from_name
from wso.registry.lives import Position  # a place in publication order
from wso.registry.states import STATES
from wso.registry.text import name_key, within_one_edit

MIN_TYPO_WORD = 5
_SHERIFF_RE = re.compile(r"\bsheriffs? (?:office|department|dept)\b")
# ICE's abbreviations, as whole words of a name key ("Tampa PD" is "Tampa Police Department")
ABBREVIATIONS = {
    "pd": "police department",
    "dept": "department",
    "bocc": "board of county commissioners",
    "dps": "department of public safety",
    "doc": "department of corrections",
    "co": "county",
    "so": "sheriffs office",
    "ft": "fort",
}
_ABBREVIATION_RE = re.compile(r"\b(" + "|".join(ABBREVIATIONS) + r")\b")
# a state agency's name may start with its state's name or code ("MT Dept of Justice", "Texas Office of the
# Attorney General"): dropped when a word of a state body follows it
_STATE_BODY = "(?:department|office|division|bureau|board|highway|attorney|commission)"
_STATE_PREFIX_RE = re.compile(
    r"^(?:"
    + "|".join(sorted({name_key(n) for n in STATES.values()} | {c.lower() for c in STATES}, key=len, reverse=True))
    + r") (?="
    + _STATE_BODY
    + r"\b)"
)

# "City of Miami Springs Police Department" is "Miami Springs Police Department"
_MUNICIPAL_PREFIX_RE = re.compile(r"^(?:city|town|village|borough|township) of (?=.+ police department$)")


def identity_key(key: str) -> str:
    """A name key with equivalent wordings made one: ICE's abbreviations written out, a leading state name or
    code before a state body dropped, a leading "City of" (town, village, ...) before a police department
    dropped, and every name of a sheriff's office made one (see the module's note)."""
    if _ABBREVIATION_RE.search(key):
        key = _ABBREVIATION_RE.sub(lambda m: ABBREVIATIONS[m.group(1)], key)
    key = _STATE_PREFIX_RE.sub("", _MUNICIPAL_PREFIX_RE.sub("", key))
    return _SHERIFF_RE.sub("sheriffs office", key)


def _alike(a: tuple[str | None, str], b: tuple[str | None, str]) -> bool:
    """Whether two spellings' (TYPE, COUNTY) allow them to be one agency: the same, or one side unknown (the
    web-page era's tables have neither). Counties one letter apart stay apart ("Walker"/"Waller" are two)."""
    (kind_a, county_a), (kind_b, county_b) = a, b
    if kind_a and kind_b and kind_a != kind_b:
        return False
    return not county_a or not county_b or county_a == county_b


def agency_id(state: str, key: str) -> str:
    return "ag-" + hashlib.sha256(f"{state}|{key}".encode()).hexdigest()[:16]


class Sighting(NamedTuple):
    """Rows naming an agency with the same content (one reading): the first and last places in publication
    order where it was listed, how many rows, and what it says. (A named tuple: one is made for every reading.)"""

    first: Position
    last: Position
    rows: int  # how many rows list it
    state: str
    name: str
    key: str
    kind: str | None
    county: str | None


@dataclass
class _Group:
    state: str
    key: str
    first: Position
    last: Position
    last_name: str
    # counts of rows by TYPE and by COUNTY key (plain dicts: a Counter costs a Python __init__ for each group)
    kinds: dict[str, int] = field(default_factory=dict)
    counties: dict[str, int] = field(default_factory=dict)
    spellings: dict[str, Position] = field(default_factory=dict)
    county_seen: tuple[Position, str] | None = None  # the latest COUNTY as written

    def dominant_kind(self) -> str | None:
        # the most counted, the first counted among equals (as Counter.most_common(1))
        return max(self.kinds, key=self.kinds.__getitem__) if self.kinds else None

    def dominant_county(self) -> str:
        if not self.counties:
            return ""
        best = max(self.counties.items(), key=lambda item: (item[1], item[0]))
        return best[0]


@dataclass(frozen=True)
class ResolvedAgency:
    id: str
    state: str
    key: str
    name: str
    kind: str
    county: str | None
    spellings: tuple[str, ...]
    members: frozenset[str]  # the name keys merged into this agency


def _typo_pairs(keys: list[str]) -> Iterable[tuple[str, str]]:
    """Pairs of keys that differ in exactly one word, that word one edit apart and long enough."""
    buckets: dict[tuple[int, tuple[str, ...]], list[tuple[str, str]]] = {}
    for key in keys:
        words = tuple(key.split())
        for i, word in enumerate(words):
            buckets.setdefault((i, (*words[:i], "*", *words[i + 1 :])), []).append((key, word))
    for members in buckets.values():
        if len(members) < 2:
            continue
        # by word length: a word is compared only with words as long or one letter longer (one edit apart at most)
        members.sort(key=lambda member: (len(member[1]), member))
        for a_index, (a, wa) in enumerate(members):
            longest = len(wa) + 1
            for b, wb in members[a_index + 1 :]:
                if len(wb) > longest:
                    break
                if len(wb) >= MIN_TYPO_WORD and wa != wb and within_one_edit(wa, wb):
                    yield a, b


def resolve_agencies(sightings: Iterable[Sighting]) -> tuple[list[ResolvedAgency], dict[tuple[str, str], str]]:
    """The agencies named by `sightings`, and a map (state, name key) -> agency id."""
    groups, spelled = _group_sightings(sightings)
    clusters = _merge_typos(groups)
    agencies: list[ResolvedAgency] = []
    index: dict[tuple[str, str], str] = {}
    for root, members in sorted(clusters.items()):
        agency = _resolve_cluster(root, members)
        agencies.append(agency)
        for g in members:
            index[(g.state, g.key)] = agency.id
    return agencies, {(state, written): index[(state, key)] for (state, written), key in spelled.items()}


def _group_sightings(
    sightings: Iterable[Sighting],
) -> tuple[dict[tuple[str, str], _Group], dict[tuple[str, str], str]]:
    """The sightings gathered by (state, identity key), and a map (state, name key as written) -> identity key."""
    groups: dict[tuple[str, str], _Group] = {}
    spelled: dict[tuple[str, str], str] = {}  # (state, name key as written) -> identity key
    for s in sightings:
        key = spelled.get((s.state, s.key))
        if key is None:  # each spelling's identity key made once, not once per reading
            key = spelled[(s.state, s.key)] = identity_key(s.key)
        g = groups.get((s.state, key))
        if g is None:
            g = groups[(s.state, key)] = _Group(s.state, key, s.first, s.last, s.name)
        if s.first < g.first:
            g.first = s.first
        if s.last >= g.last:
            g.last, g.last_name = s.last, s.name
        if s.kind:
            g.kinds[s.kind] = g.kinds.get(s.kind, 0) + s.rows
        if s.county:
            county_key = name_key(s.county)
            g.counties[county_key] = g.counties.get(county_key, 0) + s.rows
            if g.county_seen is None or s.last >= g.county_seen[0]:
                g.county_seen = (s.last, s.county)
        if s.name not in g.spellings or s.last > g.spellings[s.name]:
            g.spellings[s.name] = s.last
    return groups, spelled


def _merge_typos(groups: dict[tuple[str, str], _Group]) -> dict[tuple[str, str], list[_Group]]:
    """The groups clustered by root: alike groups of a state whose keys are one typo apart are merged."""
    parent: dict[tuple[str, str], tuple[str, str]] = {k: k for k in groups}

    def find(k: tuple[str, str]) -> tuple[str, str]:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    by_state: dict[str, list[str]] = {}
    for state, key in groups:
        by_state.setdefault(state, []).append(key)
    profile = {k: (g.dominant_kind(), g.dominant_county()) for k, g in groups.items()}
    for state, keys in sorted(by_state.items()):
        for a, b in _typo_pairs(keys):
            if not _alike(profile[(state, a)], profile[(state, b)]):
                continue
            ra, rb = find((state, a)), find((state, b))
            if ra != rb:
                # the root is the spelling published first, so ids follow publication, not ingest order
                if (groups[rb].first, rb) < (groups[ra].first, ra):
                    ra, rb = rb, ra
                parent[rb] = ra

    clusters: dict[tuple[str, str], list[_Group]] = {}
    for k, g in groups.items():
        clusters.setdefault(find(k), []).append(g)
    return clusters


def _resolve_cluster(root: tuple[str, str], members: list[_Group]) -> ResolvedAgency:
    """One agency from a cluster: named as first published, called by its latest name, of its most counted kind."""
    canonical = min(members, key=lambda g: (g.first, g.key))
    latest = max(members, key=lambda g: (g.last, g.key))
    kinds: dict[str, int] = {}
    spellings: dict[str, Position] = {}
    for g in members:
        for kind_, rows in g.kinds.items():
            kinds[kind_] = kinds.get(kind_, 0) + rows
        for name, pos in g.spellings.items():
            spellings[name] = max(pos, spellings.get(name, pos))
    kind = (
        max(kinds.items(), key=lambda item: (item[1], item[0]))[0]
        if kinds
        else kind_from_name(latest.last_name) or "county"
    )
    county_seen = [g.county_seen for g in members if g.county_seen is not None]
    county = max(county_seen)[1] if county_seen else None
    return ResolvedAgency(
        id=agency_id(root[0], canonical.key),
        state=root[0],
        key=canonical.key,
        name=latest.last_name,
        kind=kind,
        county=county,
        spellings=tuple(sorted(spellings, key=lambda n: (spellings[n], n))),
        members=frozenset(g.key for g in members),
    )
