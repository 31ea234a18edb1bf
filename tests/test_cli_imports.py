"""Every `wso` command starts by importing `wso.cli.main`: it must load what the command needs and nothing else.

`wso --help` loads Typer and nothing of the rooms (before: 2.5 s of imports on each start, every room, SQLAlchemy,
Rich; see docs/performance.md), a sub-command loads its own module when it runs, and what only some commands need
loads only in them. (Earlier, every start loaded the web application, an argon2 hash made at import, Alembic,
pyarrow, httpx, holidays and Jinja2.)"""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest
import typer
from typer.testing import CliRunner

from wso.cli.main import SUBCOMMANDS, app, load

# Loaded only by the commands that need them (a webhook, a Parquet export, a letter, a calendar, a migration,
# the web application, the audit engine).
LATER = ("alembic", "httpx", "pyarrow", "holidays", "jinja2", "fastapi", "starlette", "ibis", "duckdb", "weasyprint")
# What `wso --help` must not load either: the rooms' foundations, and Rich (its import alone costs more than the
# rest of a help text).
NOT_FOR_HELP = (*LATER, "sqlalchemy", "pydantic", "rich", "yaml", "psycopg")


def loaded_after(code: str, watch: tuple[str, ...] = NOT_FOR_HELP) -> tuple[list[str], list[str]]:
    """(wso modules, watched modules) a fresh interpreter has loaded after running `code`."""
    probe = (
        f"import sys\n{code}\n"
        "print(sorted(m for m in sys.modules if m == 'wso' or m.startswith('wso.')))\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({watch!r})))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    ours, watched = out.strip().splitlines()[-2:]
    return eval(ours), eval(watched)


def test_importing_the_cli_loads_no_room_and_nothing_heavy() -> None:
    ours, watched = loaded_after("import wso.cli.main")
    assert ours == ["wso", "wso.cli", "wso.cli.main"]
    assert watched == []


def test_wso_help_loads_no_room_and_nothing_heavy() -> None:
    code = "from wso.cli.main import main\nsys.argv = ['wso', '--help']\ntry:\n    main()\nexcept SystemExit:\n    pass"
    ours, watched = loaded_after(code)
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
