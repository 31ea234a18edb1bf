from wso.program import hold_records as hr


def test_version_and_tables() -> None:
    assert hr.SCHEMA_VERSION == 2
    assert [t.name for t in hr.TABLES] == ["holds", "officers", "agreements"]
    assert [t.name for t in hr.OPTIONAL_TABLES] == ["complaints"] and hr.COMPLAINTS.optional


def test_holds_columns_match_the_contract() -> None:
    assert hr.HOLDS.column_names == (
        "record_id", "state", "agency_id", "agency_name", "facility_id", "facility_tz", "instrument",
        "officer_id", "served_at", "scheduled_release_at", "criminal_release_at", "served_inside_facility",
        "ice_notified_at", "citizenship_claim_at", "citizenship_reported_at", "detention_agreement",
        "detention_agreement_from", "detention_agreement_until", "interpreter", "ended_at", "end_reason",
        "person_ref",
    )  # fmt: skip
    nullable = {c.name for c in hr.HOLDS.columns if c.nullable}
    assert nullable == {
        "officer_id", "ice_notified_at", "citizenship_claim_at", "citizenship_reported_at", "ended_at", "end_reason",
        "criminal_release_at", "detention_agreement_from", "detention_agreement_until", "interpreter",
    }  # fmt: skip
    added = {c.name for c in hr.HOLDS.columns if c.since == 2}
    assert added == {"criminal_release_at", "detention_agreement_from", "detention_agreement_until", "interpreter"}


def test_officers_and_agreements() -> None:
    assert hr.OFFICERS.column_names == ("officer_id", "agency_id", "authorized_from", "authorized_until")
    assert hr.AGREEMENTS.column_names == (
        "agency_id", "state", "model", "in_force_from", "in_force_until", "agency_kind", "signed_on", "moa_template",
    )  # fmt: skip
    assert hr.AGREEMENTS.column("in_force_from").type == "date"
    assert hr.AGREEMENTS.column("signed_on").type == "date"
    assert hr.AGREEMENTS.column("moa_template").values == ("2019", "2025")
    assert hr.table("officers").column("authorized_until").nullable


def test_complaints_table() -> None:
    assert hr.table("complaints").column_names == (
        "complaint_id", "agency_id", "facility_tz", "received_at", "reported_at",
    )  # fmt: skip
    assert [c.name for c in hr.COMPLAINTS.columns if c.nullable] == ["reported_at"]


def test_every_column_added_in_v2_to_an_old_table_may_be_empty() -> None:
    for t in hr.TABLES:
        for c in t.columns:
            assert c.since in (1, 2)
            if c.since == 2:
                assert c.nullable, f"{t.name}.{c.name}"


def test_as_dict_describes_every_column() -> None:
    d = hr.as_dict()
    assert d["schema_version"] == 2
    tables = d["tables"]
    assert isinstance(tables, list)
    assert [t["name"] for t in tables] == ["holds", "officers", "agreements", "complaints"]
    for t in tables:
        for c in t["columns"]:
            assert c["description"]
