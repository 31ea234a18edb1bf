"""A list or query command's filter outside its known values is refused, naming the option and what it accepts,
with exit status 2: never an empty answer with status 0, which reads as "none of those" (issue: `wso moa list
--model xyz` printed nothing and exited 0)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from wso.cli.main import app

runner = CliRunner()


# (the command line, the option it must name, a value it must say it accepts)
UNKNOWN_FILTERS = [
    (["moa", "list", "--model", "xyz"], "--model", "WSO"),
    (["moa", "list", "--state", "Atlantis"], "--state", "TX"),
    (["records", "list", "--state", "Atlantis"], "--state", "TX"),
    (["records", "list", "--status", "lost"], "--status", "sent"),
    (["custody", "bookings", "--state", "Atlantis"], "--state", "TX"),
    (["custody", "warrants", "--state", "ZZ"], "--state", "TX"),
    (["registry", "issues", "--snapshot", "2099-01-01am"], "--snapshot", "wso registry timeline"),
    (["registry", "issues", "--code", "xyz"], "--code", "published_corrected"),
    (["registry", "timeline", "--kind", "xyz"], "--kind", "participating"),
    (["registry", "timeline", "--state", "Atlantis"], "--state", "TX"),
    (["registry", "agency", "sheriff", "--state", "Atlantis"], "--state", "TX"),
    (["rules", "laws", "--state", "Atlantis"], "--state", "TX"),
    (["rules", "check", "--state", "TX", "--model", "xyz", "--on", "2026-01-01"], "--model", "WSO"),
    (["watch", "list", "--status", "lost"], "--status", "active"),
    (["custody", "commands", "--role", "janitor"], "--role", "clerk"),
]


@pytest.mark.parametrize(("argv", "option", "accepted"), UNKNOWN_FILTERS, ids=[" ".join(f[0]) for f in UNKNOWN_FILTERS])
def test_an_unknown_filter_value_is_refused_naming_the_option_and_what_it_accepts(
    argv: list[str], option: str, accepted: str
) -> None:
    result = runner.invoke(app, argv)
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == ""
    assert result.stderr.startswith("error: ") and option in result.stderr and accepted in result.stderr, result.stderr
