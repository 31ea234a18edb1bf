"""Every `wso` command starts by importing `wso.cli.main`: it must load what the command needs and nothing else.

`wso --help` loads Typer and nothing of the rooms (before: 2.5 s of imports on each start, every room, SQLAlchemy,
Rich; see docs/performance.md), a sub-command loads its own module when it runs, and what only some commands need
loads only in them. (Earlier, every start loaded the web application, an argon2 hash made at import, Alembic,
pyarrow, httpx, holidays and Jinja2.)"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from tests.conftest import SHEETS
from wso import registry
from wso.cli.main import SUBCOMMANDS, app, load, ready_answer
from wso.clock import FixedClock
from wso.store import open_database

# Loaded only by the commands that need them (a webhook, a Parquet export, a letter, a calendar, a migration,
# the web application, the audit engine).
LATER = ("alembic", "httpx", "pyarrow", "holidays", "jinja2", "fastapi", "starlette", "ibis", "duckdb", "weasyprint")
# What `wso --help` must not load either: the rooms' foundations, and Rich (its import alone costs more than the
# rest of a help text).
NOT_FOR_HELP = (*LATER, "sqlalchemy", "pydantic", "rich", "yaml", "psycopg")


def loaded_after(
    code: str, watch: tuple[str, ...] = NOT_FOR_HELP, env: dict[str, str] | None = None
) -> tuple[list[str], list[str]]:
    """(wso modules, watched modules) a fresh interpreter has loaded after running `code`."""
    probe = (
        f"import sys\n{code}\n"
        "print(sorted(m for m in sys.modules if m == 'wso' or m.startswith('wso.')))\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({watch!r})))"
    )
    environ = {**os.environ, **(env or {})}
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=environ).stdout
    ours, watched = out.strip().splitlines()[-2:]
    return eval(ours), eval(watched)


def main_with(argv: list[str]) -> str:
    """Code that runs `wso` with the arguments `argv`, as `loaded_after` runs it."""
    return (
        f"from wso.cli.main import main\nsys.argv = {['wso', *argv]!r}\ntry:\n    main()\nexcept SystemExit:\n    pass"
    )


def test_importing_the_cli_loads_no_room_and_nothing_heavy() -> None:
    ours, watched = loaded_after("import wso.cli.main")
    assert ours == ["wso", "wso.cli", "wso.cli.main"]
    assert watched == []


def test_wso_help_loads_no_room_and_nothing_heavy() -> None:
    ours, watched = loaded_after(main_with(["--help"]))
    assert ours == ["wso", "wso.cli", "wso.cli.main"]
    assert watched == []


@pytest.mark.parametrize("name", sorted(SUBCOMMANDS))
def test_a_sub_command_loads_none_of_what_only_some_of_its_commands_need(name: str) -> None:
    _, watched = loaded_after(f"import {SUBCOMMANDS[name].module}", watch=LATER)
    assert watched == []


@pytest.mark.parametrize("name", sorted(SUBCOMMANDS))
def test_the_listed_help_of_a_sub_command_is_its_own(name: str) -> None:
    """`wso --help` lists each sub-command's help from the table in wso.cli.main; it must say what the sub-command
    says of itself."""
    module = importlib.import_module(SUBCOMMANDS[name].module)
    own = module.app.info.help
    assert isinstance(own, str)
    assert SUBCOMMANDS[name].help == " ".join(own.split("\n\n")[0].split())


def _groups(group: typer.core.TyperGroup, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], list[str]]]:
    """Every group of the command tree (loading each sub-command), with the names of its commands."""
    names = group.list_commands(None)  # type: ignore[arg-type]
    found = [(path, names)]
    for name in names:
        command = load(name) if not path and name in SUBCOMMANDS else group.get_command(None, name)  # type: ignore[arg-type]
        if isinstance(command, typer.core.TyperGroup):
            found += _groups(command, (*path, name))
    return found


def test_every_help_works_and_lists_every_command_of_its_group() -> None:
    root = typer.main.get_command(app)
    assert isinstance(root, typer.core.TyperGroup)
    runner = CliRunner()
    groups = _groups(root)
    assert {path for path, _ in groups} >= {(name,) for name in SUBCOMMANDS}
    for path, names in groups:
        result = runner.invoke(app, [*path, "--help"], prog_name="wso")
        assert result.exit_code == 0, (path, result.output)
        listed = result.output.split("Commands:", 1)[1]
        assert [line.split()[0] for line in listed.splitlines() if line.startswith("  ") and line[2] != " "] == (
            names
        ), path
        for name in names:
            leaf = runner.invoke(app, [*path, name, "--help"], prog_name="wso")
            assert leaf.exit_code == 0 and "Usage: wso " + " ".join((*path, name)) in leaf.output, (path, name)


def test_wso_lists_its_own_commands_then_every_sub_command() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    for name, entry in SUBCOMMANDS.items():
        assert name in result.output
        assert " ".join(entry.help.split()[:4]) in " ".join(result.output.split())


@pytest.mark.parametrize("name", sorted(n for n, entry in SUBCOMMANDS.items() if entry.ready))
def test_every_command_line_a_room_answers_ready_is_one_of_its_commands(name: str) -> None:
    """A room's `ANSWERS` (its answers kept ready) names command lines its sub-command has: the command, then its
    options as typed."""
    ready = SUBCOMMANDS[name].ready
    assert ready is not None
    answers = importlib.import_module(ready).ANSWERS
    assert answers
    group = load(name)
    for line in answers:
        command = group.get_command(None, line[0])  # type: ignore[arg-type]
        assert command is not None, line
        options = {opt for param in command.params for opt in param.opts}
        assert set(line[1:]) <= options, line


def test_a_command_line_a_room_does_not_answer_ready_runs_as_usual() -> None:
    for argv in ([], ["--help"], ["version"], ["rules"], ["registry"], ["registry", "stats"]):
        assert ready_answer(argv) is None, argv
    for argv in (["registry", "stats", "--json", "--on", "2025-07-03"], ["registry", "--json", "stats"]):
        assert ready_answer(argv) is None, argv


def test_an_answer_kept_ready_is_printed_without_loading_a_command(tmp_path: Path) -> None:
    """`wso registry stats --json`, its answer kept ready: the whole process loads the registry's `ready` module
    and no other of the room, no sub-command's module, neither SQLAlchemy nor pydantic (Typer's parameters load
    it); without the answer kept ready (an empty database) the command runs as usual."""
    url = f"sqlite:///{tmp_path / 'wso.sqlite3'}"
    database = open_database(url)
    try:
        with database.session() as session:
            registry.ingest(session, [SHEETS / "20250519T024922Z"], clock=FixedClock(datetime(2026, 1, 1, tzinfo=UTC)))
    finally:
        database.dispose()
    ours, watched = loaded_after(main_with(["registry", "stats", "--json"]), env={"WSO_DATABASE_URL": url})
    assert ours == ["wso", "wso.cli", "wso.cli.main", "wso.registry", "wso.registry.ready"]
    assert watched == []
    empty = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    ours, _watched = loaded_after(main_with(["registry", "stats", "--json"]), env={"WSO_DATABASE_URL": empty})
    assert "wso.cli.registry" in ours


def test_ingest_starts_its_workers_before_loading_sqlalchemy(tmp_path: Path) -> None:
    """`wso registry ingest` with workers, on an SQLite file: the workers are started (`head_start`) before
    SQLAlchemy is imported, and the ingest then runs as usual."""
    spy = (
        "import wso.registry.pool as pool\n"
        "started = pool.head_start\n"
        "def head_start(*args, **kwargs):\n"
        "    print('sqlalchemy loaded at the head start:', 'sqlalchemy' in sys.modules)\n"
        "    return started(*args, **kwargs)\n"
        "pool.head_start = head_start\n"
    )
    code = f"import sys\n{spy}{main_with(['registry', 'ingest', str(SHEETS / '20250519T024922Z'), '--workers', '2'])}"
    environ = {**os.environ, "WSO_DATABASE_URL": f"sqlite:///{tmp_path / 'wso.sqlite3'}"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=environ).stdout
    assert out.splitlines()[0] == "sqlalchemy loaded at the head start: False"
    assert out.splitlines()[-1] == "2 added, 0 skipped, 663 rows, 4 issues"


def test_a_mistyped_sub_command_gets_a_suggestion() -> None:
    result = CliRunner().invoke(app, ["regsitry"])
    assert result.exit_code == 2
    assert "No such command 'regsitry'. Did you mean 'registry'?" in result.output


def test_the_users_cli_makes_no_password_hash_on_import() -> None:
    probe = "import wso.accounts as a; print(a.dummy_hash.cache_info().currsize)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "0"


def test_the_web_app_starts_without_pdfium_or_httpx() -> None:
    """`wso serve` imports the whole web application; PDFium (0.1-0.3 s) is for reading an MOA and httpx
    (0.1 s) for a fetch, neither for serving a page."""
    _, watched = loaded_after("import wso.web.app", watch=("pypdfium2", "httpx", "tesserocr"))
    assert watched == []


def test_ingesting_into_a_new_database_loads_no_alembic(tmp_path: Path) -> None:
    """A new SQLite file gets the migrations' schema in one step (`wso.store.fresh`): neither Alembic nor a
    migration script is loaded (a database behind its heads is still migrated through Alembic: tests/store)."""
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    argv = ["registry", "ingest", "--json", "--workers", "1", str(SHEETS / "20250519T024922Z")]
    ours, watched = loaded_after(main_with(argv), watch=("alembic",), env={"WSO_DATABASE_URL": url})
    assert "wso.registry.ingestion" in ours
    assert watched == []
