"""`wso` itself: a command line refused with --json is refused in JSON on stdout (issue: a usage error or a bad
option value printed plain text only, even when --json was given), besides its one line on stderr; without --json
as before, one line or click's usage."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from wso.cli.main import app, command_path

runner = CliRunner()


# (the command line, the command it names, words the message must hold): click's usage errors, then refusals
REFUSED = [
    (["moa", "list", "--json", "--model"], "wso moa list", "'--model' requires an argument"),
    (["moa", "list", "--json", "--bogus"], "wso moa list", "No such option: --bogus"),
    (["moa", "lst", "--json"], "wso moa", "No such command 'lst'"),
    (["custody", "bookings", "--page", "0", "--json"], "wso custody bookings", "'--page'"),
    (["rules", "check", "--state", "TX", "--on", "2026-01-01", "--json"], "wso rules check", "option '--model'"),
    (["audit", "synth", "--out", "x", "--holds", "many", "--json"], "wso audit synth", "'--holds'"),
    (["moa", "list", "--model", "xyz", "--json"], "wso moa list", "--model: unknown model 'xyz'"),
    (["registry", "stats", "--on", "yesterday", "--json"], "wso registry stats", "--on 'yesterday' is not a date"),
    (["registry", "timeline", "--kind", "xyz", "--json"], "wso registry timeline", "--kind 'xyz'"),
    (["rules", "laws", "--state", "Atlantis", "--json"], "wso rules laws", "--state: unknown state 'Atlantis'"),
]


@pytest.mark.parametrize(("argv", "command", "words"), REFUSED, ids=[" ".join(r[0]) for r in REFUSED])
def test_a_command_line_refused_with_json_is_refused_in_json_with_a_non_zero_status(
    argv: list[str], command: str, words: str
) -> None:
    result = runner.invoke(app, argv)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    answer = json.loads(result.stdout)
    assert answer == {"command": command, "status": "refused", "message": answer["message"], "rule": "INPUT", "exit": 2}
    assert words in answer["message"]
    assert result.stderr == f"error: {answer['message']}\n"  # and one line for a person, as without --json


def test_without_json_a_refusal_is_one_line_and_a_usage_error_shows_the_usage() -> None:
    refused = runner.invoke(app, ["moa", "list", "--model", "xyz"])
    assert refused.exit_code == 2 and refused.stdout == ""
    assert refused.stderr.startswith("error: --model: unknown model 'xyz'") and refused.stderr.count("\n") == 1
    usage = runner.invoke(app, ["moa", "list", "--bogus"])
    assert usage.exit_code == 2 and usage.stdout == ""
    assert "moa list [OPTIONS]" in usage.stderr and "No such option: --bogus" in usage.stderr


def test_json_after_a_double_dash_is_an_argument_not_the_flag() -> None:
    result = runner.invoke(app, ["moa", "show", "--", "--json"])
    assert result.exit_code == 2 and result.stdout == "" and "no stored MOA '--json'" in result.stderr


def test_the_command_a_command_line_names_stops_at_its_first_option_or_argument() -> None:
    assert command_path(["moa", "list", "--model", "WSO"]) == "wso moa list"
    assert command_path(["moa", "show", "12"]) == "wso moa show"
    assert command_path(["version"]) == "wso version"
    assert command_path(["--bogus"]) == "wso"
