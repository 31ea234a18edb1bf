"""Recording changes: a signing ICE's next list takes back is a correction, recording twice adds nothing, and the
first run is history. Built from a real list: the participating list of 2025-05-19 am, the same without one
agreement's row (as published a day later), then the same rows again (re-saved, so other bytes: a new snapshot)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import openpyxl
from sqlalchemy import select

from tests.watch.servers import sheet
from wso.clock import FixedClock
from wso.registry import ingest
from wso.store import Database
from wso.watch.changes import record_changes
from wso.watch.models import WatchEvent


def _lists(folder: Path) -> list[Path]:
    """The real list, the list without its third data row, and the real rows re-saved, under ICE's names."""
    original = sheet("participatingAgencies05192025am.xlsx")
    book = openpyxl.load_workbook(original)
    removed_name = book.worksheets[0].cell(row=3, column=2).value
    book.worksheets[0].delete_rows(3)
    without = folder / "participatingAgencies05202025am.xlsx"
    book.save(without)
    again = folder / "participatingAgencies05212025am.xlsx"
    openpyxl.load_workbook(original).save(again)
    assert removed_name and again.read_bytes() != original.read_bytes()
    return [original, without, again]


def _record(db: Database, clock: FixedClock, path: Path) -> list[WatchEvent]:
    with db.session() as session:
        ingest(session, [path], clock=clock, captured_at=clock.now())
    with db.session() as session:
        events, _ = record_changes(session, clock=clock)
        session.expunge_all()
    clock.advance(timedelta(days=1))
    return events


def test_a_removal_the_next_list_takes_back_is_a_correction_not_a_new_signing(db: Database, tmp_path: Path) -> None:
    clock = FixedClock(datetime(2025, 5, 19, 16, 0, tzinfo=UTC))
    original, without, again = _lists(tmp_path)
    assert _record(db, clock, original) == []  # the first run: history, told to nobody
    (removed,) = _record(db, clock, without)
    assert (removed.change, removed.correction) == ("removed", False)
    (correction,) = _record(db, clock, again)
    assert (correction.change, correction.correction, correction.corrects) == ("removed", True, removed.id)
    assert correction.agreement_id == removed.agreement_id
    assert (correction.old_label, correction.new_label) == ("2025-05-20am", "2025-05-21am")
    with db.session() as session:
        assert session.scalars(select(WatchEvent.change).where(WatchEvent.change == "signed")).all() == []
        assert record_changes(session, clock=clock) == ([], 0)  # nothing new: recording again adds nothing
