"""Every `wso` command starts by importing the whole CLI: what only some commands need must load only when they
run. (Before: 2.6 s of imports on each start, from the web application, an argon2 hash made at import, Alembic,
pyarrow, httpx, holidays and Jinja2; `wso custody sweep` took 2.4-2.7 s, now 1.0-1.4 s on the same machine.)"""

from __future__ import annotations

import subprocess
import sys

# Loaded only by the commands that need them (a webhook, a Parquet export, a letter, a calendar, a migration,
# the web application, the audit engine).
LATER = ("alembic", "httpx", "pyarrow", "holidays", "jinja2", "fastapi", "starlette", "ibis", "duckdb", "weasyprint")


def test_importing_the_cli_loads_none_of_what_only_some_commands_need() -> None:
    probe = f"import sys, wso.cli.main; print(sorted(m for m in {LATER!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_users_cli_makes_no_password_hash_on_import() -> None:
    probe = "import wso.web.accounts as a; print(a.dummy_hash.cache_info().currsize)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "0"
