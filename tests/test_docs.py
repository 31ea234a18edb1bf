"""The README stays true: every setting is documented, and CI runs the README's test command."""

from __future__ import annotations

from pathlib import Path

from wso.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented_in_the_readme() -> None:
    missing = [f"WSO_{name.upper()}" for name in Settings.model_fields if f"`WSO_{name.upper()}`" not in README]
    assert missing == [], f"settings missing from the README's settings table: {missing}"


def test_ci_runs_the_readmes_test_command() -> None:
    assert "./scripts/test" in README
    assert "scripts/test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_readme_main_command_exists() -> None:
    assert "./scripts/run" in README
    assert (ROOT / "scripts" / "run").exists()
