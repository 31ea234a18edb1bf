"""What the console's pickers offer from the ledger, the zone a command's times are typed in, the ids a new
record may not take, and a jail's setup progress, on both databases."""

from __future__ import annotations

from datetime import date

from wso.custody import Custody
from wso.custody.catalogue import CATALOGUE, Field
from wso.custody.choices import facility_zone, options, registry_agencies, setup_steps, taken_ids

from .conftest import accepted


def field(command: str, name: str) -> Field:
    found = CATALOGUE[command].field(name)
    assert found is not None
    return found


def offered(custody: Custody, command: str, name: str) -> list[tuple[str, str]]:
    with custody.db.session() as session:
        return [(o.value, o.label) for o in options(session, field(command, name), date(2026, 3, 6), command)]


def test_pickers_offer_what_the_ledger_holds(jail: Custody) -> None:
    assert offered(jail, "agreement", "agency") == [("AG", "Hardee County Sheriff's Office (FL)")]
    assert offered(jail, "booking", "facility") == [("JAIL", "County Jail (America/New_York)")]
    assert offered(jail, "interview", "officer") == [("O1", "Deputy One: authorized")]
    accepted(jail, "officer.nominate", {"id": "O2", "agency": "AG", "name": "Deputy Two", "us_citizen": True})
    # a designation step offers the officers it may follow: the ledger still decides
    assert offered(jail, "officer.exam", "id") == [("O2", "Deputy Two: nominated")]
    assert offered(jail, "officer.authorize", "id") == [] and len(offered(jail, "officer.withdraw", "id")) == 2
    assert offered(jail, "criminal.release", "booking") == [("B1", "B1 at JAIL")]  # never the person's name
    assert offered(jail, "warrant.serve", "warrant") == [("W1", "W1: I-200 for booking B1")]
    assert offered(jail, "ice.notify", "warrant") == []
    accepted(jail, "warrant.serve", {"warrant": "W1", "officer": "O1", "facility": "JAIL"})
    assert offered(jail, "warrant.serve", "warrant") == []  # served: no longer waiting
    assert offered(jail, "ice.notify", "warrant") == [("W1", "W1: WSO hold, open")]
    accepted(jail, "custody.transfer", {"warrant": "W1"})
    assert offered(jail, "ice.notify", "warrant") == []
    accepted(jail, "complaint.receive", {"id": "C1", "officer": "O1", "facility": "JAIL"})
    assert offered(jail, "complaint.report", "id") == [("C1", "C1 about O1")]
    with jail.db.session() as session:
        assert registry_agencies(session, date(2026, 3, 6)) == []  # no registry data in this database


def test_a_commands_times_are_typed_in_its_facilitys_zone(jail: Custody) -> None:
    accepted(jail, "agency", {"id": "AZ", "name": "Pima County Sheriff", "state": "AZ"})
    accepted(jail, "facility", {"id": "PIMA", "agency": "AZ", "name": "Pima Jail", "tz": "America/Phoenix"})
    with jail.db.session() as session:
        assert facility_zone(session, "booking", {"facility": "PIMA"}) == "America/Phoenix"
        assert facility_zone(session, "warrant.serve", {"warrant": "W1"}) == "America/New_York"  # its booking's
        assert facility_zone(session, "criminal.release", {"booking": "B1"}) == "America/New_York"
        assert facility_zone(session, "officer.exam", {"id": "O1"}) == "America/New_York"  # its agency's one jail
        assert facility_zone(session, "agreement", {"agency": "AZ"}) == "America/Phoenix"
        assert facility_zone(session, "sweep", {}) is None  # two zones: unknown without a facility
        assert facility_zone(session, "booking", {"facility": "nowhere"}) is None
        assert taken_ids(session, "facility") == {"JAIL", "PIMA"} and taken_ids(session, "booking") == {"B1"}
        assert taken_ids(session, "ice.notify") == set()


def test_setup_progress_follows_the_commands(custody: Custody) -> None:
    def done() -> list[bool]:
        with custody.db.session() as session:
            return [s.done for s in setup_steps(session)]

    assert done() == [False] * 7
    accepted(custody, "agency", {"id": "AG", "name": "Hardee County Sheriff's Office", "state": "FL"})
    accepted(custody, "agreement", {"agency": "AG", "model": "WSO", "signed": "2025-02-26"})
    accepted(custody, "facility", {"id": "J", "agency": "AG", "name": "Jail", "tz": "America/New_York"})
    accepted(custody, "officer.nominate", {"id": "O", "agency": "AG", "name": "Deputy", "us_citizen": True})
    assert done() == [True] * 4 + [False] * 3
    accepted(custody, "officer.exam", {"id": "O", "score": 90})
    accepted(custody, "officer.certify", {"id": "O"})
    assert done() == [True] * 6 + [False]
    accepted(custody, "officer.authorize", {"id": "O"})
    with custody.db.session() as session:
        steps = setup_steps(session)
    assert all(s.done for s in steps) and steps[1].entered == ("Hardee County Sheriff's Office: WSO signed 2025-02-26",)
    assert steps[-1].entered == ("Deputy: authorized",)
