from wso.program import hold_records as hr


def test_version_and_tables() -> None:
    assert hr.SCHEMA_VERSION == 1
    assert [t.name for t in hr.TABLES] == ["holds", "officers", "agreements"]


def test_holds_columns_match_the_contract() -> None:
    assert hr.HOLDS.column_names == (
        "record_id", "state", "agency_id", "agency_name", "facility_id", "facility_tz", "instrument",
        "officer_id", "served_at", "scheduled_release_at", "served_inside_facility", "ice_notified_at",
        "citizenship_claim_at", "citizenship_reported_at", "detention_agreement", "ended_at", "end_reason",
        "person_ref",
    )  # fmt: skip
    nullable = {c.name for c in hr.HOLDS.columns if c.nullable}
    assert nullable == {
        "officer_id", "ice_notified_at", "citizenship_claim_at", "citizenship_reported_at", "ended_at", "end_reason",
    }  # fmt: skip


def test_officers_and_agreements() -> None:
    assert hr.OFFICERS.column_names == ("officer_id", "agency_id", "authorized_from", "authorized_until")
    assert hr.AGREEMENTS.column_names == ("agency_id", "state", "model", "in_force_from", "in_force_until")
    assert hr.AGREEMENTS.column("in_force_from").type == "date"
    assert hr.table("officers").column("authorized_until").nullable


def test_as_dict_describes_every_column() -> None:
    d = hr.as_dict()
    assert d["schema_version"] == 1
    tables = d["tables"]
    assert isinstance(tables, list)
    for t in tables:
        for c in t["columns"]:
            assert c["description"]
