"""A repeated `wso registry ingest` of files all unchanged since they were stored is answered without SQLAlchemy:
the same text the command prints, and only when the command would skip every file and write nothing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.registry.test_archive import ARCHIVE
from wso.cli.main import app
from wso.registry.ready import ready_ingest


@pytest.fixture
def stored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, dict[str, str]]:
    """A copy of the archive files, ingested once into a fresh SQLite file (the settings' database)."""
    folder = tmp_path / "archive folder"
    shutil.copytree(ARCHIVE, folder)
    env = {"WSO_DATABASE_URL": f"sqlite:///{tmp_path / 'wso.sqlite3'}"}
    monkeypatch.setenv("WSO_DATABASE_URL", env["WSO_DATABASE_URL"])
    first = CliRunner().invoke(app, ["registry", "ingest", "--workers", "1", str(folder)])
    assert first.exit_code == 0, first.output
    return folder, env


@pytest.mark.parametrize("json_flag", [[], ["--json"]])
def test_the_answer_is_what_the_command_prints(stored: tuple[Path, dict[str, str]], json_flag: list[str]) -> None:
    folder, env = stored
    answer = ready_ingest([*json_flag, str(folder)], env)
    assert answer is not None
    run = CliRunner().invoke(app, ["registry", "ingest", *json_flag, str(folder)])
    assert run.exit_code == 0
    assert answer + "\n" == run.output
    assert "13 skipped, 2 ignored" in answer or '"skipped": 13' in answer


def test_a_whole_process_prints_it_without_sqlalchemy(stored: tuple[Path, dict[str, str]]) -> None:
    folder, env = stored
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "wso", "registry", "ingest", "--json", str(folder)],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    assert run.stdout == ready_ingest(["--json", str(folder)], env) + "\n"
    assert "sqlalchemy" not in run.stderr


def test_the_command_runs_when_anything_is_new_changed_or_asked_otherwise(
    stored: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    folder, env = stored
    assert ready_ingest(["--workers", "1", str(folder)], env) is None  # an option it does not answer for
    assert ready_ingest([str(folder / "nowhere")], env) is None  # the command names the missing path
    assert (
        ready_ingest([str(folder)], {"WSO_DATABASE_URL": "postgresql+psycopg://postgres@127.0.0.1:5432/test"}) is None
    )
    one = next(folder.rglob("*.xlsx"))
    os.utime(one, ns=(0, os.stat(one).st_mtime_ns + 10**9))  # touched: read again by the command
    assert ready_ingest([str(folder)], env) is None
    assert CliRunner().invoke(app, ["registry", "ingest", str(folder)]).exit_code == 0  # which records its new time
    assert ready_ingest([str(folder)], env) is not None
    shutil.copy(one, tmp_path / "participatingAgencies01012026am.xlsx")
    assert ready_ingest([str(folder), str(tmp_path / "participatingAgencies01012026am.xlsx")], env) is None
