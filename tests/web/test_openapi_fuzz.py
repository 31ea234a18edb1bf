"""schemathesis against the OpenAPI document, through the ASGI app (no server, no network): no request it
makes, public or console (with an admin's token), gets a server error, and every documented response matches
its schema. Examples are bounded so the run stays short.

(schemathesis' pytest plugin does not work with this pytest, so the operations are walked by hand, each with
its own hypothesis run.)"""

from __future__ import annotations

import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

EXAMPLES = 12


def test_no_server_errors(public_app: FastAPI, admin_token: str) -> None:
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", public_app)
    headers = {"Authorization": f"Bearer {admin_token}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=headers, checks=[not_a_server_error, response_schema_conformance])

        check()
