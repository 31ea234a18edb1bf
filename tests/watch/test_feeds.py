"""The Atom feeds validate against RFC 4287's RELAX NG schema (vendored in tests/data/atom, checked with lxml),
feedparser reads them without complaint, and a site without a server gets the same feeds as static files."""

from __future__ import annotations

from pathlib import Path

import feedparser
import pytest
import rnc2rng
from lxml import etree

from tests.conftest import DATA
from tests.watch.conftest import SITE
from tests.watch.helpers import REVERT_TICKS, watch_ticks
from wso.clock import FixedClock
from wso.store import Database
from wso.watch import FeedRef, atom, make_filter, subscribe, write_feeds
from wso.watch.feeds import urn
from wso.watch.models import WatchEvent


@pytest.fixture(scope="module")
def atom_schema() -> etree.RelaxNG:
    """RFC 4287 Appendix B, converted by rnc2rng. rnc2rng declares xmlns:local="" for the schema's `local`
    namespace (attributes in no namespace), which XML 1.0 forbids; the declaration is dropped, its uses are
    unchanged (they are written as ns="")."""
    text = rnc2rng.dumps(rnc2rng.loads((DATA / "atom" / "rfc4287.rnc").read_text(encoding="utf-8")))
    return etree.RelaxNG(etree.fromstring(text.replace(' xmlns:local=""', "").encode()))


def test_the_schema_refuses_what_rfc_4287_refuses(atom_schema: etree.RelaxNG) -> None:
    """The validator can fail: a feed without an id and with a date that is no date is refused."""
    bad = b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><updated>yesterday</updated></feed>'
    assert not atom_schema.validate(etree.fromstring(bad))


@pytest.fixture
def watched(db: Database, clock: FixedClock) -> list[list[WatchEvent]]:
    return watch_ticks(db, clock, REVERT_TICKS)


def _check(data: bytes, schema: etree.RelaxNG) -> feedparser.FeedParserDict:
    assert schema.validate(etree.fromstring(data)), schema.error_log
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    ids = [e.id for e in parsed.entries]
    assert len(ids) == len(set(ids))
    return parsed


def test_every_feed_validates_and_reads(
    db: Database, clock: FixedClock, watched: list[list[WatchEvent]], atom_schema: etree.RelaxNG
) -> None:
    told = [e for tick in watched for e in tick]
    pa = [e for e in told if e.state == "PA"]
    donegal = next(e for e in pa if e.agency_name == "East Donegal Township Constable" and not e.correction)
    with db.session() as session:
        every = _check(atom(session, FeedRef("all"), site=SITE, now=clock.now()), atom_schema)
        assert len(every.entries) == len(told)
        assert every.feed.links[0].href == "https://wso.example.org/feeds/all.atom"
        state = _check(
            atom(session, FeedRef("states", "PA"), site=SITE, now=clock.now(), name="Pennsylvania"), atom_schema
        )
        assert state.feed.title == "287(g) agreements in Pennsylvania: changes in ICE's lists"
        assert {e.id for e in state.entries} == {urn(e.id) for e in pa}
        agency = _check(atom(session, FeedRef("agencies", donegal.agency_id), site=SITE, now=clock.now()), atom_schema)
        model = _check(atom(session, FeedRef("models", "TFM"), site=SITE, now=clock.now()), atom_schema)
        empty = _check(atom(session, FeedRef("states", "HI"), site=SITE, now=clock.now()), atom_schema)
    assert empty.entries == []
    assert all("TFM" in {t.term for t in e.tags} for e in model.entries)
    # the listing and its correction: the correction's own entry, linked to the one it takes back
    listed, corrected = sorted(agency.entries, key=lambda e: e.title.startswith("Correction"))
    assert (
        listed.title
        == "East Donegal Township Constable (PA): listed by ICE as pending for a TFM (Task Force) agreement"
    )
    assert corrected.title.startswith("Correction: ICE's next list takes this back: East Donegal")
    assert {"rel": "related", "href": listed.id} in [{"rel": link.rel, "href": link.href} for link in corrected.links]
    assert listed.link == f"https://wso.example.org/agencies/{donegal.agency_id}"


def test_static_feeds_are_the_served_feeds_and_name_no_subscriber(
    db: Database, clock: FixedClock, watched: list[list[WatchEvent]], tmp_path: Path, atom_schema: etree.RelaxNG
) -> None:
    with db.session() as session:
        subscribe(session, clock=clock, filter=make_filter(state="PA"), email="someone.private@example.org")
        written = write_feeds(session, tmp_path / "site", site=SITE, now=clock.now())
        served = atom(session, FeedRef("states", "PA"), site=SITE, now=clock.now())
    names = {p.relative_to(tmp_path / "site").as_posix() for p in written}
    assert {"all.atom", "models/WSO.atom", "states/PA.atom", "states/NH.atom"} <= names
    assert (tmp_path / "site" / "states" / "PA.atom").read_bytes() == served
    for path in written:
        data = path.read_bytes()
        _check(data, atom_schema)
        assert b"private@example.org" not in data
    assert not list((tmp_path / "site").rglob("*.tmp"))
