"""Case 18 in detail: a hold moved onto an IGSA whose last day passes while it is held. The ledger's answers and the
audit's evidence name the instant the IGSA stopped covering it (the start of 2026-04-11 in New York: 04:00Z)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tests.conformance.harness import read_case, run_audit_of_export
from wso.custody.queries import hold_view
from wso.custody.replay import parse_lines, replay
from wso.program import DEFAULT_DETAINER_READING
from wso.store import Database

CASE = Path(__file__).parent / "cases" / "18-detention-agreement-ends.jsonl"
COVER_END = "2026-04-11T04:00:00Z"


def test_the_cover_end_is_in_the_answers_the_hold_and_the_evidence(db: Database, tmp_path: Path) -> None:
    text, expected = read_case(CASE)
    as_of = datetime.fromisoformat(expected["as_of"].replace("Z", "+00:00"))
    answer = replay(parse_lines(text.splitlines(), CASE.name), db, detainer_reading=DEFAULT_DETAINER_READING)
    late = answer["results"][-1]["message"]
    # from the cover's end (04-11 04:00Z) to the transfer (04-16 13:00Z)
    assert "after the deadline by 129 h 00 min: WSO-48H" in late
    with db.session() as session:
        held = hold_view(session, "W1", datetime(2026, 4, 20, tzinfo=UTC))
    assert held is not None and held.detention_agreement_until == COVER_END
    (row,) = run_audit_of_export(db, tmp_path / "export", as_of)
    evidence = row["evidence"]
    assert (row["record_id"], row["rule_id"]) == ("hold-W1", "WSO-48H")
    assert evidence["detention_agreement_from"] == "2026-04-08T13:00:00Z"
    assert evidence["detention_agreement_until"] == COVER_END
    assert evidence["hours_over"] == 129.0  # 48 hours before the move, and 129 after the cover's end
