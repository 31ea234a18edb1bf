"""What every template may use: the hold-record schema's version, named from the schema itself."""

from __future__ import annotations

from wso.program import hold_records as hr
from wso.web.rendering import TEMPLATES


def test_the_console_audit_page_names_the_schema_version_it_reads() -> None:
    template = TEMPLATES.env.get_template("console/audit.html")
    source = TEMPLATES.env.loader.get_source(TEMPLATES.env, "console/audit.html")[0]  # type: ignore[union-attr]
    assert "hold-record schema v{{ hold_record_schema_version }}" in source
    assert template.globals["hold_record_schema_version"] == hr.SCHEMA_VERSION
