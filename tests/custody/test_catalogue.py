"""The one catalogue of commands: it names every handler's command and the fields the handlers read, gives each a
group and the roles that may run it (clerks never the acts a WSO may not do), derives new ids that are never
taken, and replay checks a file against it."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wso.custody import CATALOGUE, CHOICES, FIELDS, HANDLERS, OPTIONAL, Custody
from wso.custody.catalogue import COMMANDS, GROUPS, derive_id, for_role, grouped, may_run, slug
from wso.custody.replay import ReplayError, parse_lines

from .conftest import counts


def test_the_catalogue_names_every_handler_and_the_vocabulary_is_derived_from_it() -> None:
    assert set(CATALOGUE) == set(HANDLERS)
    assert {e.name: e.required for e in COMMANDS} == FIELDS
    assert {e.name: e.optional for e in COMMANDS if e.optional} == OPTIONAL
    assert CHOICES["form"] == ("I-200", "I-205", "I-247A", "judicial") and CHOICES["model"] == ("WSO", "JEM", "TFM")
    for e in COMMANDS:
        assert e.group in GROUPS and e.label and e.help and e.roles, e.name
        assert len({f.name for f in e.fields}) == len(e.fields), e.name
        for f in e.fields:
            assert f.label and (f.kind != "choice" or f.choices) and (f.kind == "reference") == bool(f.refers_to)


@pytest.mark.parametrize("command", [e.name for e in COMMANDS if e.required])
def test_a_command_without_its_fields_is_refused_naming_the_catalogues_first_field(
    custody: Custody, command: str
) -> None:
    """The handlers read the fields the catalogue says, in its order: nothing given, the first is named."""
    before = counts(custody.db)
    result = custody.run(command, {})
    assert result.status == "refused" and result.rule == "INPUT", result
    assert f"'{CATALOGUE[command].required[0]}'" in result.message
    assert counts(custody.db) == before


def test_roles_see_only_what_they_may_run() -> None:
    clerk = {e.name for e in for_role("clerk")}
    assert {"booking", "warrant.receive", "warrant.serve", "ice.notify", "custody.transfer", "sweep"} <= clerk
    assert not clerk & {"interview", "detainer.issue", "agency", "officer.authorize", "complaint.receive"}
    assert {e.name for e in for_role("officer")} == clerk
    assert for_role("auditor") == [] and not may_run("auditor", "ice.notify")
    assert {e.name for e in for_role("supervisor")} == set(CATALOGUE) == {e.name for e in for_role("admin")}
    assert may_run("supervisor", "interview") and not may_run("clerk", "interview") and not may_run("admin", "x")
    assert [g for g, _ in grouped(for_role("clerk"))] == ["Bookings", "Warrants", "Holds"]


def test_a_blank_id_is_made_from_the_catalogues_field_and_never_taken() -> None:
    assert derive_id("facility", {"name": "Hardee County Jail"}, []) == "hardee-county-jail"
    assert derive_id("facility", {"name": "Hardee County Jail"}, ["hardee-county-jail"]) == "hardee-county-jail-1"
    assert derive_id("booking", {"facility": "hardee-jail"}, ["hardee-jail-1"]) == "hardee-jail-2"
    assert derive_id("officer.nominate", {"name": "  "}, []) is None
    assert derive_id("ice.notify", {"warrant": "W"}, []) is None


@given(name=st.text(max_size=30), taken=st.sets(st.text(alphabet="abc-1", max_size=6), max_size=20))
def test_derived_ids_are_slugs_not_taken(name: str, taken: set[str]) -> None:
    made = derive_id("officer.nominate", {"name": name}, taken)
    if slug(name):
        assert made is not None and made not in taken and made.startswith(slug(name))
        assert slug(made) == made
    else:
        assert made is None


def test_replay_checks_a_line_against_the_catalogue(tmp_path: Path) -> None:
    with pytest.raises(ReplayError, match=r"line 1: booking needs field\(s\) 'facility', 'scheduled_release'"):
        parse_lines(['{"at": "2026-03-06T09:00:00-05:00", "cmd": "booking", "id": "B"}'])
    booking = '{"at": "2026-03-06T09:00:00-05:00", "cmd": "booking", "id": "B", "facility": "F", "scheduled_release": '
    with pytest.raises(ReplayError, match=r"line 1: field 'scheduled_release' \(2026-03-06T09:00\) has no UTC offset"):
        parse_lines([booking + '"2026-03-06T09:00"}'])
    with pytest.raises(
        ReplayError, match=r"line 2: field 'scheduled_release' must be ISO 8601 with offset, got 'soon'"
    ):
        parse_lines(["", booking + '"soon"}'])
    assert parse_lines([booking + '"2026-03-06T09:00-05:00"}'])[0].args["facility"] == "F"
    with pytest.raises(ReplayError, match="known commands: agency, agreement"):
        parse_lines(['{"at": "2026-03-06T09:00:00-05:00", "cmd": "warrant.burn"}'])
