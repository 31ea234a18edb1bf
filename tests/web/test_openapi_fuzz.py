"""schemathesis against the OpenAPI document, through the ASGI app (no server, no network): no request it
makes, public or console (with an admin's token, over a seeded jail with an open hold), gets a server error, and
every documented response matches its schema. Examples are bounded so the run stays short.

(schemathesis' pytest plugin does not work with this pytest, so the operations are walked by hand, each with
its own hypothesis run.)"""

from __future__ import annotations

import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
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
