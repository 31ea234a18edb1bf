"""`ingest` on real databases (SQLite and PostgreSQL): bytes kept by sha256, pages and fields stored, a second
ingest served from what is stored, OCR reused by content, refusals that write nothing, and search."""

from __future__ import annotations

import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import MOA_DIR
from tests.moa.conftest import ADDENDUM, BORN_DIGITAL, GARBLED_LAYER, GOOD_LAYER, need_tesseract, read
from wso.clock import FixedClock
from wso.moa import (
    FakeRecognizer,
    UnknownDocument,
    deviations,
    diff,
    find_document,
    ingest,
    list_documents,
    reading,
    search,
    show,
)
from wso.moa.models import MoaDocument, MoaFile, MoaFileName, MoaPage
from wso.moa.search import BadQuery
from wso.store import Database

CLOCK = FixedClock(datetime(2026, 12, 1, 12, 0, tzinfo=UTC))


def count(db: Database, table: type) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Two scans with good layers (no OCR needed) and a note that is not a PDF."""
    here = tmp_path / "moas"
    here.mkdir()
    for path in (GOOD_LAYER, ADDENDUM):
        shutil.copy(path, here / path.name)
    (here / "README.md").write_text("not an MOA")
    return here


def test_ingest_keeps_each_pdf_by_sha256_with_its_pages_and_fields(db: Database, folder: Path) -> None:
    recognizer = FakeRecognizer()
    report = ingest(db, [folder], CLOCK, recognizer=recognizer)
    assert len(report.read) == 2 and not report.refused and recognizer.calls == 0
    assert report.skipped == [str(folder / "README.md")]
    assert report.pages == {"text-layer": 24}
    assert count(db, MoaFile) == 2 and count(db, MoaPage) == 24
    with db.session() as session:
        stored = session.get(MoaFile, find_document(session, GOOD_LAYER.name).sha256)
        assert stored is not None and stored.content == GOOD_LAYER.read_bytes()  # the bytes, unchanged
        listed = {d.file: d for d in list_documents(session)}
        charlotte = listed[GOOD_LAYER.name]
        assert (charlotte.model, charlotte.state, charlotte.template) == ("WSO", "FL", "WSO 2019")
        assert charlotte.how_read == "text layer" and charlotte.pages == 12 and charlotte.characters > 30000
        la_paz = show(session, ADDENDUM.name)
        assert la_paz.summary.addendum_page == 12
        assert la_paz.fields["state"]["source"] == "file name"
        assert la_paz.fields["model"]["page"] == 1


def test_a_second_ingest_reads_nothing_again(db: Database, folder: Path) -> None:
    ingest(db, [folder], CLOCK, recognizer=FakeRecognizer())
    again = ingest(db, [folder], CLOCK, recognizer=FakeRecognizer())
    assert again.read == [] and len(again.cached) == 2 and not again.pages
    assert count(db, MoaDocument) == 2


def test_the_same_content_under_another_name_is_one_document_with_two_names(db: Database, tmp_path: Path) -> None:
    copy = tmp_path / "renamed.pdf"
    shutil.copy(GOOD_LAYER, copy)
    report = ingest(db, [GOOD_LAYER, copy], CLOCK, recognizer=FakeRecognizer())
    assert report.read == [str(GOOD_LAYER)] and report.cached == [str(copy)]
    assert count(db, MoaDocument) == 1 and count(db, MoaFileName) == 2
    with db.session() as session:
        assert show(session, "renamed.pdf").names == ("287gWSO_CharlotteCoFl2019-05-06.pdf", "renamed.pdf")


def test_a_bad_file_is_refused_with_its_name_and_the_others_proceed(db: Database, tmp_path: Path) -> None:
    bad = tmp_path / "scan.pdf"
    bad.write_bytes(b"<html>not found</html>")
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(GOOD_LAYER.read_bytes()[:3000])
    report = ingest(db, [bad, cut, tmp_path / "missing.pdf", ADDENDUM], CLOCK, recognizer=FakeRecognizer())
    reasons = {Path(r.path).name: r.reason for r in report.refused}
    assert "not a PDF" in reasons["scan.pdf"] and "damaged" in reasons["cut.pdf"]
    assert reasons["missing.pdf"] == "no such file or folder"
    assert report.read == [str(ADDENDUM)]
    assert count(db, MoaFile) == 1 and count(db, MoaDocument) == 1  # nothing written for the refused files


def test_ocr_is_reused_by_content_when_the_reading_changes(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    recognizer = FakeRecognizer(text="February 26, 2025 Caleb Vitello Acting Director")
    ingest(db, [BORN_DIGITAL], CLOCK, recognizer=recognizer)
    assert recognizer.calls == 1  # page 7, the signature block in shifted glyphs
    monkeypatch.setattr(sys.modules["wso.moa.ingest"], "READER_VERSION", "test-next")
    again = ingest(db, [BORN_DIGITAL], CLOCK, recognizer=recognizer)
    assert recognizer.calls == 1 and again.ocr_reused == 1 and again.read == [str(BORN_DIGITAL)]
    with db.session() as session:
        page = session.scalar(select(MoaPage).where(MoaPage.number == 7))
        assert page is not None and page.method == "ocr" and page.ocr_engine == "fake"
        assert page.layer_verdict == "garbled" and "6LJQDWXUH" in page.layer_text  # the layer is kept too


def test_reused_ocr_is_counted_over_every_batch(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    recognizer = FakeRecognizer(text="February 26, 2025 Caleb Vitello Acting Director")
    first = ingest(db, [BORN_DIGITAL, GARBLED_LAYER], CLOCK, recognizer=recognizer)
    read = recognizer.calls
    assert read > 1 and first.pages["ocr"] == read
    monkeypatch.setattr(sys.modules["wso.moa.ingest"], "READER_VERSION", "test-next")
    monkeypatch.setattr(sys.modules["wso.moa.ingest"], "BATCH", 1)  # one file a batch
    again = ingest(db, [BORN_DIGITAL, GARBLED_LAYER], CLOCK, recognizer=recognizer)
    assert recognizer.calls == read and again.ocr_reused == read  # both batches' pages, not the last one's


def test_search_finds_the_page_with_a_snippet(db: Database, folder: Path) -> None:
    ingest(db, [folder], CLOCK, recognizer=FakeRecognizer())
    with db.session() as session:
        hits = search(session, "reimbursable fee")
        assert hits, "no hit"
        pages = {(h.file, h.page) for h in hits}
        assert (GOOD_LAYER.name, 8) in pages  # Appendix A: "for a reimbursable fee"
        hit = next(h for h in hits if h.file == GOOD_LAYER.name)
        assert "[[reimbursable]]" in hit.snippet.lower() and any(marked for _text, marked in hit.parts)
        assert search(session, '"scheduled release" custody')
        assert search(session, "zzyzxunheardofword") == []
        with pytest.raises(BadQuery):
            search(session, '"" ... ')


def test_deviations_and_diff_read_back_the_stored_comparison(db: Database, folder: Path) -> None:
    ingest(db, [folder], CLOCK, recognizer=FakeRecognizer())
    with db.session() as session:
        result = diff(session, GOOD_LAYER.name)
        assert result.against == "WSO 2019" and result.against_kind == "template"
        assert {c.clause for c in result.clauses} >= {"I", "IV.G", "App. A", "App. B"}
        assert all(
            c.status in ("same", "ocr-noise", "filled-in", "changed", "missing", "added") for c in result.clauses
        )
        app_a = next(c for c in result.clauses if c.clause == "App. A")
        assert "WSO-48H" in app_a.rules
        rows = deviations(session)
        assert all(r.status in ("changed", "missing", "added") for r in rows)
        other = diff(session, GOOD_LAYER.name, against=ADDENDUM.name)
        assert other.against_kind == "document" and other.against == ADDENDUM.name


def test_a_real_ocr_ingest_reads_the_shifted_signature_page(sqlite_db: Database) -> None:
    need_tesseract()
    report = ingest(sqlite_db, [BORN_DIGITAL], CLOCK)
    assert report.pages == {"text-layer": 9, "ocr": 1}
    with sqlite_db.session() as session:
        detail = show(session, BORN_DIGITAL.name)
        assert detail.fields["signed"]["value"] == "2025-02-26"
        assert detail.pages[6].method == "ocr" and (detail.pages[6].ocr_confidence or 0) > 50


def test_odd_ids_and_queries_are_answered_not_crashed_on(db: Database, folder: Path) -> None:
    ingest(db, [folder], CLOCK, recognizer=FakeRecognizer())
    with db.session() as session:
        for ident in ("99999999999999999999", "²", "0", "zzzz", "%", GOOD_LAYER.name[:10]):
            with pytest.raises(UnknownDocument):
                find_document(session, ident)
        for query in ("a\x00b", "NEAR(a b)", "a AND", "o'neil", "a:b", "-a"):
            assert isinstance(search(session, query), list)


def test_the_ocr_processes_start_once_and_serve_every_batch(
    sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two OCR processes (real Tesseract), files in two batches: the processes start once for the whole ingest,
    and what they read is what one Tesseract in this process reads."""
    need_tesseract()
    monkeypatch.setattr(sys.modules["wso.moa.ingest"], "BATCH", 1)
    pools: list[object] = []
    real = reading.ProcessPoolExecutor

    def counted(*args: object, **kwargs: object) -> object:
        pools.append(kwargs)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(reading, "ProcessPoolExecutor", counted)
    report = ingest(sqlite_db, [BORN_DIGITAL, GARBLED_LAYER], CLOCK, workers=2)
    assert len(pools) == 1 and report.pages["ocr"] == 6 and not report.refused
    with sqlite_db.session() as session:
        for path in (BORN_DIGITAL, GARBLED_LAYER):
            document = read(path)
            rows = session.scalars(select(MoaPage).where(MoaPage.sha256 == document.sha256, MoaPage.method == "ocr"))
            assert {r.number: r.text for r in rows} == {p.number: p.text for p in document.pages if p.method == "ocr"}


def test_a_diff_against_another_moa_reads_both_agencies_names_as_the_lea(sqlite_db: Database) -> None:
    """Hardee's WSO MOA against Carroll's (both 2025 WSO): each names its own agency where ICE's text says "the
    LEA", so the PARTIES clause shows neither name as a change (what differs is Carroll's scan noise)."""
    carroll = MOA_DIR / "CarrollCo_WSO_MOA_03.03.25.pdf"
    ingest(sqlite_db, [BORN_DIGITAL, carroll], CLOCK, recognizer=FakeRecognizer())
    with sqlite_db.session() as session:
        result = diff(session, BORN_DIGITAL.name, against=carroll.name)
    assert result.against_kind == "document"
    parties = next(c for c in result.clauses if c.clause == "I")
    changes = " ".join(f"{x.template} {x.document}" for x in parties.changes)
    assert "hardee" not in changes and "carroll" not in changes, changes


def test_search_reads_the_same_query_alike_on_both_databases(db: Database, folder: Path) -> None:
    # PostgreSQL's websearch_to_tsquery read "or" as OR and "-word" as NOT; the docs say every word is required
    ingest(db, [folder], CLOCK, recognizer=FakeRecognizer())
    with db.session() as session:
        assert search(session, "reimbursable OR zzyzxunheardofword") == []
        plain = {(h.file, h.page) for h in search(session, "reimbursable fee")}
        assert {(h.file, h.page) for h in search(session, "-reimbursable fee")} == plain
        assert search(session, '"scheduled release" custody')
