"""The worked example of a day in a jail in docs/custody.md runs, and gives exactly the answer shown there."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from wso.cli.main import app

REFERENCE = Path(__file__).resolve().parents[2] / "docs" / "custody.md"


def section() -> str:
    return REFERENCE.read_text(encoding="utf-8")


def block(text: str, language: str) -> str:
    found = re.findall(rf"```{language}\n(.*?)```", text, flags=re.DOTALL)
    assert len(found) == 1, f"expected one ```{language} block in the Custody ledger section"
    return str(found[0])


def test_readme_worked_example_replays_to_the_answer_shown(tmp_path: Path) -> None:
    text = section()
    day = tmp_path / "day.jsonl"
    day.write_text(block(text, "jsonl"), encoding="utf-8")
    assert "wso custody replay day.jsonl --json" in text
    result = CliRunner().invoke(app, ["custody", "replay", str(day), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == json.loads(block(text, "json"))
