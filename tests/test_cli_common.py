"""What every CLI command shares."""

from __future__ import annotations

from wso.cli.common import counted


def test_counted_is_singular_for_one_only() -> None:
    assert counted(1, "issue") == "1 issue"
    assert counted(0, "issue") == "0 issues"
    assert counted(13768, "row") == "13,768 rows"
