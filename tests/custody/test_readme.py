"""The README's worked example of a day in a jail runs, and gives exactly the answer the README shows."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from wso.cli.main import app

README = Path(__file__).resolve().parents[2] / "README.md"


def section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("\n## Custody ledger\n")
    following = text.find("\n## ", start + 1)
    return text[start : following if following != -1 else len(text)]


def block(text: str, language: str) -> str:
    found = re.findall(rf"```{language}\n(.*?)```", text, flags=re.DOTALL)
    assert len(found) == 1, f"expected one ```{language} block in the Custody ledger section"
    return str(found[0])


def test_readme_worked_example_replays_to_the_answer_shown(tmp_path: Path) -> None:
    text = section()
    day = tmp_path / "day.jsonl"
    day.write_text(block(text, "jsonl"), encoding="utf-8")
    assert "wso custody replay day.jsonl --json" in text
    result = CliRunner().invoke(app, ["custody", "replay", str(day), "--json", "--reading", "excluding"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == json.loads(block(text, "json"))
