"""The audit's DuckDB connections draw no progress bar: standard output belongs to ``--json`` answers."""

from __future__ import annotations

import ast
from pathlib import Path

import duckdb
import pytest

import wso.audit
from wso.audit import duck

#: long enough for DuckDB to update a progress bar shown from the first millisecond
SLOW = "SELECT count(*) FROM range(60000000) AS t(i) WHERE i % 7 = 3"


def _printed(con: duckdb.DuckDBPyConnection, capfd: pytest.CaptureFixture[str]) -> str:
    con.execute("SET progress_bar_time = 0")
    capfd.readouterr()
    con.execute(SLOW).fetchall()
    return capfd.readouterr().out


def test_duckdb_draws_its_progress_bar_on_stdout(capfd: pytest.CaptureFixture[str]) -> None:
    """What the others guard against: a plain connection prints the bar on standard output."""
    assert "%" in _printed(duckdb.connect(), capfd)


def test_a_connection_from_duck_prints_nothing(capfd: pytest.CaptureFixture[str]) -> None:
    assert _printed(duck.connect(), capfd) == ""


def test_a_cursor_from_duck_prints_nothing(capfd: pytest.CaptureFixture[str]) -> None:
    """Settings are per connection: a cursor of a quiet connection would draw the bar."""
    assert _printed(duck.cursor(duck.connect()), capfd) == ""


def test_the_audit_opens_duckdb_connections_only_through_duck() -> None:
    package = Path(wso.audit.__file__).parent
    found = []
    for path in sorted(package.rglob("*.py")):
        if path.name == "duck.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                called = node.func
                owner = called.value.id if isinstance(called.value, ast.Name) else None
                if (called.attr == "cursor" and owner != "duck") or (called.attr == "connect" and owner == "duckdb"):
                    found.append(f"{path.name}:{node.lineno}")
    assert found == [], f"open DuckDB connections with wso.audit.duck: {found}"
