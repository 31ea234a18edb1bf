"""The hold-record schema's tables and columns, as a request letter asks for them.

The letter asks for the hold log in the columns of the project's hold-record schema (``wso.program.hold_records``,
the one `wso audit run` reads and `wso custody export` writes), so that an agency's answer can go straight into
`wso audit run`.
"""

from __future__ import annotations

from wso.program import hold_records

HOLD_SCHEMA_VERSION = hold_records.SCHEMA_VERSION

HOLD_SCHEMA_TABLES: tuple[tuple[str, tuple[str, ...]], ...] = tuple(
    (table.name, table.column_names) for table in hold_records.TABLES
)
