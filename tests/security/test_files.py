"""Finding 7 of issue 18: the SQLite file and its WAL were world-readable (0644), with names, dates of birth,
A-numbers, requesters' addresses and password hashes; `wso serve` said nothing."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from wso.settings import Settings
from wso.store import open_database
from wso.web.serve import wide_files
from wso.web.sessions import secret_key


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def loose_umask() -> object:
    old = os.umask(0o022)  # what most systems give: 0644 files, 0755 folders
    yield None
    os.umask(old)


def test_a_new_database_and_its_wal_are_private_whatever_the_umask(tmp_path: Path, loose_umask: object) -> None:
    path = tmp_path / "fresh" / "wso.sqlite3"
    database = open_database(f"sqlite:///{path}")
    try:
        with database.engine.connect() as connection:
            connection.exec_driver_sql("CREATE TABLE probe (x)")
            connection.exec_driver_sql("INSERT INTO probe VALUES (1)")
            connection.commit()
            assert Path(f"{path}-wal").exists()
            assert mode(path) == 0o600 and mode(Path(f"{path}-wal")) == 0o600 and mode(Path(f"{path}-shm")) == 0o600
        assert mode(path.parent) == 0o700
    finally:
        database.dispose()


def test_the_session_key_is_private(tmp_path: Path, loose_umask: object) -> None:
    secret_key(Settings(data_dir=tmp_path / "data"))
    assert mode(tmp_path / "data") == 0o700 and mode(tmp_path / "data" / "web-secret-key") == 0o600


def test_wso_serve_warns_of_files_others_may_read(tmp_path: Path, loose_umask: object) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    url = f"sqlite:///{data / 'wso.sqlite3'}"
    open_database(url).dispose()
    assert wide_files(data, url) == []
    (data / "wso.sqlite3").chmod(0o644)
    (data / "captures").mkdir(mode=0o755)
    warnings = wide_files(data, url)
    assert len(warnings) == 2 and all("others may read it" in w for w in warnings)
    assert any(f"chmod 600 {data / 'wso.sqlite3'}" in w for w in warnings)
    assert any(f"chmod 700 {data / 'captures'}" in w for w in warnings)


def test_the_cli_runs_with_a_private_umask() -> None:
    import subprocess
    import sys

    probe = "import os, wso.cli.main as m; m.app = lambda: print(oct(os.umask(0)))\nm.main()"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "0o77"
