"""The console's audit upload takes its files' names in any case (HOLDS.CSV is holds.csv)."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from tests.web.conftest import sign_in
from wso.audit import generate


def test_upper_case_file_names_are_accepted(client: TestClient, tmp_path: Path) -> None:
    generate(tmp_path, 40, seed=5, violation_rate=0.2, file_format="csv")
    names = {"holds.csv": "HOLDS.CSV", "officers.csv": "Officers.Csv", "agreements.csv": "AGREEMENTS.csv"}
    files = [("files", (upper, (tmp_path / name).read_bytes(), "text/csv")) for name, upper in names.items()]
    csrf = sign_in(client, "auditor")
    page = client.post("/console/audit", data={"csrf_token": csrf, "as_of": "2026-01-01T00:00:00Z"}, files=files)
    assert page.status_code == 200, page.text[-800:]
    found = re.search(r'<h2 id="audit-summary">(\d+) holds', page.text)
    assert found and int(found.group(1)) == 40
    twice = [*files, ("files", ("holds.csv", (tmp_path / "holds.csv").read_bytes(), "text/csv"))]
    refused = client.post("/console/audit", data={"csrf_token": csrf, "as_of": "2026-01-01T00:00:00Z"}, files=twice)
    assert refused.status_code == 400 and "uploaded twice" in refused.text
