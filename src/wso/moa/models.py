"""The MOA room's tables: each PDF's bytes (by sha256), the names it was met under, its pages as read, what was
understood from it, its clauses as compared with its template, and the rule checks."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Float, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from wso.store import Base, UTCDateTime

# The full-text search structures the migration keeps up and no model declares: SQLite's FTS5 table (and the
# shadow tables FTS5 makes), PostgreSQL's stored tsvector column and its GIN index (the expression index before
# moa_0002). Listed so that comparing models with migrations skips them.
FTS5_TABLE = "moa_pages_fts"
Base.metadata.info.setdefault("unmodelled", set()).update(
    {
        FTS5_TABLE,
        *(f"{FTS5_TABLE}_{part}" for part in ("data", "idx", "content", "docsize", "config")),
        "ix_moa_pages_tsv",
        "text_tsv",
        "ix_moa_pages_text_tsv",
    }
)


class MoaFile(Base):
    """A PDF's bytes exactly as given, by content: nothing ingested is ever lost."""

    __tablename__ = "moa_files"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)


class MoaFileName(Base):
    """A name (and the path it was given as) under which a content was met."""

    __tablename__ = "moa_file_names"

    sha256: Mapped[str] = mapped_column(ForeignKey("moa_files.sha256"), primary_key=True)
    name: Mapped[str] = mapped_column(String(300), primary_key=True)
    path: Mapped[str] = mapped_column(Text)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime)


class MoaDocument(Base):
    """One MOA: how it was read and what was understood from it (each field's provenance in `fields_json`)."""

    __tablename__ = "moa_documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("moa_files.sha256"), unique=True)
    name: Mapped[str] = mapped_column(String(300), index=True)
    size: Mapped[int] = mapped_column(Integer)
    pages: Mapped[int] = mapped_column(Integer)
    chars: Mapped[int] = mapped_column(Integer)
    encrypted: Mapped[bool] = mapped_column(Boolean)
    born_digital: Mapped[bool] = mapped_column(Boolean)
    how_read: Mapped[str] = mapped_column(String(60))
    producer: Mapped[str] = mapped_column(String(300))
    model: Mapped[str | None] = mapped_column(String(3), index=True)
    agency: Mapped[str | None] = mapped_column(String(300))
    state: Mapped[str | None] = mapped_column(String(2), index=True)
    signed: Mapped[date | None] = mapped_column(Date)
    template: Mapped[str | None] = mapped_column(String(40))
    addendum_page: Mapped[int | None] = mapped_column(Integer)
    registry_agency_id: Mapped[str | None] = mapped_column(String(120), index=True)
    ice_url: Mapped[str | None] = mapped_column(Text)
    deviations: Mapped[int] = mapped_column(Integer)
    flagged_rules: Mapped[str] = mapped_column(String(500))  # comma-separated rule ids
    fields_json: Mapped[str] = mapped_column(Text)
    reader_version: Mapped[str] = mapped_column(String(40))
    analysis_version: Mapped[str] = mapped_column(String(80))
    ingested_at: Mapped[datetime] = mapped_column(UTCDateTime)


class MoaPage(Base):
    """A page: its own text layer and the signals judged on it, OCR's text if it was read so, the text chosen."""

    __tablename__ = "moa_pages"
    __table_args__ = (UniqueConstraint("sha256", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("moa_files.sha256"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    scanned: Mapped[bool] = mapped_column(Boolean)
    method: Mapped[str] = mapped_column(String(12))  # text-layer | ocr
    text: Mapped[str] = mapped_column(Text)
    layer_text: Mapped[str] = mapped_column(Text)
    layer_verdict: Mapped[str] = mapped_column(String(8))  # good | garbled | none
    layer_chars: Mapped[int] = mapped_column(Integer)
    dictionary_share: Mapped[float] = mapped_column(Float)
    run_together_share: Mapped[float] = mapped_column(Float)
    control_share: Mapped[float] = mapped_column(Float)
    ocr_text: Mapped[str | None] = mapped_column(Text)
    ocr_confidence: Mapped[float | None] = mapped_column(Float)
    ocr_engine: Mapped[str | None] = mapped_column(String(80))


class MoaClause(Base):
    """A clause of a document, or a template clause it lacks, with its comparison with the template."""

    __tablename__ = "moa_clauses"
    __table_args__ = (UniqueConstraint("sha256", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("moa_files.sha256"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    clause: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    page: Mapped[int | None] = mapped_column(Integer)
    line: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), index=True)  # same | ocr-noise | filled-in | changed | ...
    similarity: Mapped[float | None] = mapped_column(Float)
    substantive: Mapped[float | None] = mapped_column(Float)
    changes_json: Mapped[str] = mapped_column(Text)
    rules: Mapped[str] = mapped_column(String(300))  # rule ids tied to this clause, comma-separated


class MoaRuleCheck(Base):
    """A WSO rule's words looked for in the document's clause."""

    __tablename__ = "moa_rule_checks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("moa_files.sha256"), index=True)
    rule: Mapped[str] = mapped_column(String(40))
    clause: Mapped[str] = mapped_column(String(20))
    phrase: Mapped[str] = mapped_column(Text)
    found: Mapped[float] = mapped_column(Float)
    ok: Mapped[bool] = mapped_column(Boolean)
    page: Mapped[int | None] = mapped_column(Integer)
