"""`wso moa ingest|list|show|diff|search`: thin wrappers, JSON with --json, refusals named with exit 1, unknown
ids with exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import update
from typer.testing import CliRunner

from tests.moa.conftest import ADDENDUM, GOOD_LAYER
from wso.cli.common import database
from wso.cli.main import app
from wso.moa.models import MoaDocument

runner = CliRunner()


@pytest.fixture(autouse=True)
def _database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WSO_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    from wso.settings import get_settings

    get_settings.cache_clear()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["moa", *args])
    return result.exit_code, result.stdout, result.stderr


def test_ingest_then_list_show_diff_and_search_as_json(tmp_path: Path) -> None:
    code, out, _ = run("ingest", str(GOOD_LAYER), str(ADDENDUM), "--json")
    assert code == 0, out
    assert len(json.loads(out)["read"]) == 2
    code, out, _ = run("list", "--json")
    listed = json.loads(out)
    assert code == 0 and {d["file"] for d in listed} == {GOOD_LAYER.name, ADDENDUM.name}
    first = next(d for d in listed if d["file"] == GOOD_LAYER.name)
    for key in ("file", "sha256", "model", "agency", "state", "signed", "template", "pages", "how_read", "characters"):
        assert key in first
    code, out, _ = run("show", first["sha256"][:12], "--json")
    shown = json.loads(out)
    assert code == 0 and shown["summary"]["id"] == first["id"] and shown["fields"]["template"]["value"] == "WSO 2019"
    code, out, _ = run("diff", str(first["id"]), "--json")
    assert code == 0 and json.loads(out)["against"] == "WSO 2019"
    code, out, _ = run("diff", str(first["id"]), "--against", ADDENDUM.name)
    assert code == 0 and f"against document {ADDENDUM.name}" in out
    code, out, _ = run("search", "reimbursable fee", "--json")
    hits = json.loads(out)
    assert (
        code == 0 and hits and all("[[" in h["snippet"] for h in hits) and {"file", "page", "snippet"} <= set(hits[0])
    )
    code, out, _ = run("show", GOOD_LAYER.name)
    assert code == 0 and "template  WSO 2019" in out and "App. A" in out


def test_a_refused_file_is_named_and_the_exit_status_is_1(tmp_path: Path) -> None:
    bad = tmp_path / "notes.pdf"
    bad.write_text("hello")
    code, out, err = run("ingest", str(bad), str(ADDENDUM))
    assert code == 1
    assert "1 file read" in out and f"refused: {bad}: not a PDF" in err
    code, out, _ = run("list", "--json")
    assert [d["file"] for d in json.loads(out)] == [ADDENDUM.name]


def test_an_unknown_id_exits_2_saying_what_to_give() -> None:
    code, _out, err = run("show", "nothing-like-this")
    assert code == 2 and "wso moa list" in err
    code, _out, err = run("search", "   ")
    assert code == 2 and "nothing to search for" in err


def test_diff_of_an_moa_whose_template_was_not_read_says_so() -> None:
    # the Texas Attorney General's TFM (the archive) carries no revision footer; `diff` printed its file name only
    code, out, _ = run("ingest", str(GOOD_LAYER), "--json")
    assert code == 0, out
    with database().session() as session:
        session.execute(update(MoaDocument).values(template=None))
        session.commit()
    code, out, _ = run("diff", GOOD_LAYER.name)
    assert code == 0 and "against template (no template)" in out
    assert "not compared: its template version was not read (wso moa show 1)" in out
