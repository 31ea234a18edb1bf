"""The DuckDB connections the audit opens: in UTC, and quiet.

DuckDB draws a progress bar on standard output for a query that runs longer than two seconds (the rule pass over
ten million holds does), and standard output is where ``wso audit run --json`` writes its answer. Every connection
and cursor of the audit comes from here (``tests/audit/test_duck.py`` checks the package for any other).
"""

from __future__ import annotations

import duckdb

#: no progress to track, and none printed should anything turn the bar back on (setting ``progress_bar_time`` does)
_SETTINGS = "SET TimeZone = 'UTC'; SET enable_progress_bar = false; SET enable_progress_bar_print = false"


def connect() -> duckdb.DuckDBPyConnection:
    """A new in-process database."""
    con = duckdb.connect()
    con.execute(_SETTINGS)
    return con


def cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Another connection to ``con``'s database (for another thread); settings are per connection, so set again."""
    cur = con.cursor()
    cur.execute(_SETTINGS)
    return cur
