"""Letters to agencies as the registry knows them, built from every shared ICE snapshot (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from typer.testing import CliRunner

from tests.conftest import SHEETS
from tests.records.letters import REQUESTER, assert_says, pdf_text
from wso.cli.main import app
from wso.clock import FixedClock
from wso.records import (
    AmbiguousAgency,
    EmptyRegistry,
    LetterAgency,
    compose_letter,
    facts_for,
    lookup_agency,
    render_letter,
)
from wso.records.texts import long_date
from wso.registry import find_agencies, ingest, latest_snapshot_date
from wso.store import Database

ON = date(2026, 11, 23)


@pytest.fixture(scope="module")
def registry(module_db: Database) -> Database:
    """A database holding every shared snapshot of ICE's spreadsheets, once per engine."""
    with module_db.session() as session:
        report = ingest(session, [SHEETS], clock=FixedClock(datetime(2026, 1, 5, tzinfo=UTC)))
    assert report.added > 0 and not report.failed
    return module_db


@pytest.mark.parametrize(
    ("name", "state", "models"),
    [
        ("Pinellas Park Police Department", "FL", ["TFM"]),
        ("Aransas County Sheriff's Office", "TX", ["JEM"]),
        ("Burnet County Sheriff's Office", "TX", ["WSO"]),
        ("Pinellas County Sheriff's Office", "FL", ["WSO", "TFM"]),
    ],
)
def test_an_agency_of_each_model_gets_a_pdf_naming_its_agreements(
    registry: Database, name: str, state: str, models: list[str]
) -> None:
    with registry.session() as session:
        agency = lookup_agency(session, name, state)
    assert agency.name == name and agency.agency_id is not None and agency.matched_from is None
    assert [a.model for a in agency.agreements] == models
    assert all(a.signed is not None and a.moa_url for a in agency.agreements)
    facts = facts_for(state)
    letter = compose_letter(agency=agency, facts=facts, requester=REQUESTER, on=ON)
    assert_says(pdf_text(render_letter(letter, "pdf")), letter, facts)


def test_an_agreement_whose_signing_date_ice_corrected_is_named_once_with_the_earlier_date(registry: Database) -> None:
    # ICE listed Kenton County's JEM agreement as signed 05/06/2025, later as 05/02/2025: one agreement. The letter
    # names it once, under the corrected date, and gives the earlier one (the agency's records may use either).
    with registry.session() as session:
        agency = lookup_agency(session, "Kenton County Sheriff's Office", "KY")
    jem = [a for a in agency.agreements if a.model == "JEM"]
    assert len(jem) == 1
    assert jem[0].signed == date(2025, 5, 2) and jem[0].signed_earlier == (date(2025, 5, 6),)
    letter = compose_letter(agency=agency, facts=facts_for("KY"), requester=REQUESTER, on=ON)
    text = render_letter(letter, "md").decode()
    assert "signed May 2, 2025" in text and "earlier gave the signing date as May 6, 2025" in text
    assert text.count("Jail Enforcement Model (JEM) agreement") == 1
    spanish = render_letter(
        compose_letter(agency=agency, facts=facts_for("KY"), requester=REQUESTER, on=ON, lang="es"), "md"
    ).decode()
    assert "fecha de firma el 6 de mayo de 2025" in spanish


def test_an_agency_ice_does_not_list_gets_a_letter_asking_whether_an_agreement_exists(registry: Database) -> None:
    with registry.session() as session:
        agency = lookup_agency(session, "Multnomah County Sheriff's Office", "OR")
    assert agency.agreements == () and agency.agency_id is None
    letter = compose_letter(agency=agency, facts=facts_for("OR"), requester=REQUESTER, on=ON)
    text = pdf_text(render_letter(letter, "pdf"))
    assert_says(text, letter, facts_for("OR"))
    assert "show no agreement with Multnomah County Sheriff" in " ".join(text.split())


def test_the_letter_says_how_recent_the_lists_behind_it_are(registry: Database) -> None:
    with registry.session() as session:
        as_of = latest_snapshot_date(session)
        listed = lookup_agency(session, "Burnet County Sheriff's Office", "TX")
        unlisted = lookup_agency(session, "Multnomah County Sheriff's Office", "OR")
    assert as_of is not None and listed.listed_as_of == as_of == unlisted.listed_as_of
    for agency, lang, words in [
        (listed, "en", f"ICE's published lists of 287(g) agencies (as of {long_date(as_of, 'en')}) show Burnet"),
        (unlisted, "en", f"pending agencies (as of {long_date(as_of, 'en')}) show no agreement with Multnomah"),
        (listed, "es", f"agencias 287(g) (al {long_date(as_of, 'es')}) muestran a Burnet"),
        (unlisted, "es", f"del programa 287(g) (al {long_date(as_of, 'es')}) no muestran ningún acuerdo"),
    ]:
        letter = compose_letter(agency=agency, facts=facts_for(agency.state), requester=REQUESTER, lang=lang, on=ON)
        assert words in render_letter(letter, "md").decode(), words


def test_an_empty_registry_is_not_read_as_no_agreement(db: Database) -> None:
    with db.session() as session, pytest.raises(EmptyRegistry, match=r"holds none of ICE's 287\(g\) lists"):
        lookup_agency(session, "Burnet County Sheriff's Office", "TX")


def test_pending_and_removed_agreements_are_named_as_such(registry: Database) -> None:
    with registry.session() as session:
        pending = lookup_agency(session, "Dallam County Sheriff's Office", "TX")
        removed = lookup_agency(session, "University of West Florida Board of Trustees", "FL")
    assert [(a.model, a.status, a.signed) for a in pending.agreements] == [("WSO", "pending", None)]
    text = render_letter(compose_letter(agency=pending, facts=facts_for("TX"), requester=REQUESTER, on=ON), "md")
    assert "signing date not published; listed by ICE as pending since" in text.decode()
    assert [a.status for a in removed.agreements] == ["removed"]
    text = render_letter(compose_letter(agency=removed, facts=facts_for("FL"), requester=REQUESTER, on=ON), "md")
    assert "no longer listed by ICE since" in text.decode()


def test_an_exact_name_wins_a_single_partial_match_is_noted_and_several_are_refused(registry: Database) -> None:
    with registry.session() as session:
        exact = lookup_agency(session, "pinellas county sheriff's office", "FL")
        partial = lookup_agency(session, "Burnet", "TX")
        with pytest.raises(AmbiguousAgency, match="'Pinellas' matches 2 agencies in FL: Pinellas County Sheriff"):
            lookup_agency(session, "Pinellas", "FL")
    assert exact.name == "Pinellas County Sheriff's Office"
    assert partial.name == "Burnet County Sheriff's Office" and partial.matched_from == "Burnet"
    letter = compose_letter(agency=partial, facts=facts_for("TX"), requester=REQUESTER, on=ON)
    assert any("“Burnet” was taken to mean Burnet County Sheriff's Office" in note for note in letter.notes)


def test_the_cli_looks_the_agency_up_and_refuses_an_ambiguous_name(
    registry: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WSO_DATABASE_URL", registry.engine.url.render_as_string(hide_password=False))
    from wso.settings import get_settings

    get_settings.cache_clear()
    runner = CliRunner()
    base = ["records", "letter", "--state", "FL", "--requester-name", "Ana Pérez", "--on", "2026-11-23"]
    result = runner.invoke(app, [*base, "--agency", "Pinellas County Sheriff's Office"])
    assert result.exit_code == 0, result.stderr
    assert "287gWSO_PinellasCoFl2019-04-24.pdf" in result.stdout
    result = runner.invoke(app, [*base, "--agency", "Pinellas"])
    assert result.exit_code == 2 and "matches 2 agencies in FL" in result.stderr
    result = runner.invoke(app, [*base, "--agency", "Pinellas", "--unlisted"])
    assert result.exit_code == 0 and "show no agreement with Pinellas" in result.stdout
    result = runner.invoke(
        app, ["records", "new", "--agency", "Burnet", "--state", "TX", "--sent", "2026-11-02", "--json"]
    )
    assert result.exit_code == 0, result.stderr
    assert '"agency": "Burnet County Sheriff\'s Office"' in result.stdout


def test_a_word_that_only_begins_a_longer_name_finds_no_agency(registry: Database) -> None:
    """Issue 19: "Harris" (and "Harris County Sheriff's Office", which ICE does not list in Texas) were taken to
    mean Harrison County Sheriff's Office, the only name holding those letters; a letter and a tracked request
    went to the wrong agency."""
    with registry.session() as session:
        harrison = [a.name for a in find_agencies(session, "Harrison", "TX") if a.state == "TX"]
        assert harrison == ["Harrison County Sheriff's Office"]
        for typed in ("Harris", "Harris County Sheriff's Office"):
            agency = lookup_agency(session, typed, "TX")
            assert (agency.name, agency.agency_id, agency.agreements) == (typed, None, ())
            assert agency.near == ("Harrison County Sheriff's Office",) and agency.matched_from is None
        whole = lookup_agency(session, "Harrison", "TX")
    assert whole.name == "Harrison County Sheriff's Office" and whole.matched_from == "Harrison"
    letter = compose_letter(
        agency=lookup_agency_in(registry, "Harris"), facts=facts_for("TX"), requester=REQUESTER, on=ON
    )
    assert any("Harrison County Sheriff's Office" in note and "only resemble" in note for note in letter.notes)
    assert "Harrison" not in letter.recipient[0]


def lookup_agency_in(database: Database, name: str) -> LetterAgency:
    with database.session() as session:
        return lookup_agency(session, name, "TX")
