"""schemathesis against the OpenAPI document, through the ASGI app (no server, no network): no request it
makes, public or console (with an admin's token, over a seeded jail with an open hold), gets a server error, and
every documented response matches its schema. Examples are bounded so the run stays short.

(schemathesis' pytest plugin does not work with this pytest, so the operations are walked by hand, each with
its own hypothesis run.)"""

from __future__ import annotations

import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from wso.clock import FixedClock
from wso.custody import Custody
from wso.store import Database

from .conftest import seed_jail

EXAMPLES = 12
# The console's API: every operation here must be in the document (and so fuzzed).
CONSOLE_OPERATIONS = {
    ("GET", "/api/console/me"),
    ("GET", "/api/console/journal"),
    ("GET", "/api/console/holds"),
    ("GET", "/api/console/holds/{ref}"),
    ("GET", "/api/console/ledger/verify"),
    ("GET", "/api/console/alerts"),
    ("GET", "/api/console/board"),
    ("GET", "/api/console/bookings"),
    ("GET", "/api/console/bookings/{ref}"),
    ("GET", "/api/console/warrants"),
    ("POST", "/api/console/alerts/sweep"),
    ("GET", "/api/console/commands"),
    ("POST", "/api/console/commands/{command}"),
    ("POST", "/api/console/audit"),
    ("GET", "/api/console/cost"),
    ("GET", "/api/console/records"),
    ("GET", "/api/console/records/due"),
    ("GET", "/api/console/records/{request_id}"),
    ("POST", "/api/console/records"),
    ("POST", "/api/console/records/{request_id}/events"),
    ("GET", "/api/console/users"),
    ("POST", "/api/console/users"),
    ("POST", "/api/console/users/{username}/deactivate"),
    ("POST", "/api/console/users/{username}/reactivate"),
    ("POST", "/api/console/users/{username}/role"),
    ("POST", "/api/console/users/{username}/reset-password"),
    ("GET", "/api/console/users/{username}/sessions"),
    ("POST", "/api/console/users/{username}/end-sessions"),
}


def test_no_server_errors(public_app: FastAPI, public_db: Database, clock: FixedClock, admin_token: str) -> None:
    seed_jail(public_db, clock)
    served = Custody(public_db, clock).run(
        "warrant.serve", {"warrant": "W-200", "officer": "wso-7", "facility": "polk-jail"}
    )
    assert served.accepted
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", public_app)
    headers = {"Authorization": f"Bearer {admin_token}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    documented = {(op.method.upper(), op.path) for op in operations}
    assert documented >= CONSOLE_OPERATIONS, CONSOLE_OPERATIONS - documented

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=headers, checks=[not_a_server_error, response_schema_conformance])

        check()


def test_no_server_errors_on_values_out_of_range(
    public_app: FastAPI, public_db: Database, clock: FixedClock, admin_token: str
) -> None:
    """Issue 18, finding 8: every console operation, fed what its schema forbids (schemathesis' negative mode:
    wrong types, out-of-range numbers, malformed dates), answers without a server error."""
    from schemathesis import GenerationMode

    seed_jail(public_db, clock)
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", public_app)
    headers = {"Authorization": f"Bearer {admin_token}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    console = [op for op in operations if (op.method.upper(), op.path) in CONSOLE_OPERATIONS]
    assert {(op.method.upper(), op.path) for op in console} == CONSOLE_OPERATIONS

    fuzzed = set()
    for operation in console:

        @given(case=operation.as_strategy(GenerationMode.NEGATIVE))
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=headers, checks=[not_a_server_error])

        try:
            check()
        except Unsatisfiable:  # nothing to get wrong: an operation without parameters or body
            continue
        fuzzed.add((operation.method.upper(), operation.path))
    assert {path for _, path in fuzzed} >= {
        "/api/console/commands/{command}",
        "/api/console/records/{request_id}",
        "/api/console/records/{request_id}/events",
        "/api/console/records",
        "/api/console/records/due",
        "/api/console/users",
    }, fuzzed


# The values that broke the console (issue 18, finding 8), and their kin: each answered 422 naming its field.
OUT_OF_RANGE: list[tuple[str, str, dict[str, object], str]] = [
    (
        "POST",
        "/api/console/commands/booking",
        {"args": {"id": "B-9", "facility": "polk-jail", "scheduled_release": "9999-12-31T23:59-12:00"}},
        "scheduled_release",
    ),
    (
        "POST",
        "/api/console/commands/ice.notify",
        {"args": {"warrant": "W-200"}, "occurred_at": "0001-01-01T00:00+14:00"},
        "occurred_at",
    ),
    (
        "POST",
        "/api/console/commands/ice.notify",
        {"args": {"warrant": "W-200"}, "occurred_at": "9999-12-31T23:59-12:00"},
        "occurred_at",
    ),
    ("POST", "/api/console/commands/officer.exam", {"args": {"id": "wso-7", "score": 10**30}}, "score"),
    (
        "POST",
        "/api/console/commands/agreement",
        {"args": {"agency": "polk-so", "model": "WSO", "signed": "0001-01-01"}},
        "signed",
    ),
    ("GET", "/api/console/records/99999999999999999999999", {}, "request_id"),
    ("GET", "/api/console/records/0", {}, "request_id"),
    ("GET", "/api/console/records/due?as_of=0001-01-01", {}, "as_of"),
    ("POST", "/api/console/records", {"agency": "Polk", "state": "FL", "sent": "9999-12-31"}, "sent"),
    ("POST", "/api/console/records/1/events", {"event": "extended", "due": "9999-12-31"}, "due"),
]


def test_out_of_range_values_are_refused_naming_the_field(
    public_app: FastAPI, public_db: Database, clock: FixedClock, admin_token: str
) -> None:
    from fastapi.testclient import TestClient

    seed_jail(public_db, clock)
    headers = {"Authorization": f"Bearer {admin_token}"}
    with TestClient(public_app) as client:
        for method, path, body, field in OUT_OF_RANGE:
            answer = client.request(method, path, json=body or None, headers=headers)
            assert answer.status_code == 422, (path, field, answer.status_code, answer.text)
            assert field in answer.text, (path, field, answer.text)


def test_the_form_says_which_field_is_out_of_range(public_app: FastAPI, public_db: Database, clock: FixedClock) -> None:
    from fastapi.testclient import TestClient

    from .conftest import sign_in

    seed_jail(public_db, clock)
    with TestClient(public_app, follow_redirects=False) as client:
        csrf = sign_in(client, "clerk")
        form = {"csrf_token": csrf, "id": "B-9", "facility": "polk-jail", "scheduled_release": "9999-12-31T23:59-12:00"}
        answer = client.post("/console/commands/booking", data=form)
        assert answer.status_code == 422 and "scheduled_release" in answer.text
        late = client.post(
            "/console/commands/ice.notify",
            data={"csrf_token": csrf, "warrant": "W-200", "occurred_at": "0001-01-01T00:00+14:00"},
        )
        assert late.status_code == 422 and "occurred_at" in late.text
